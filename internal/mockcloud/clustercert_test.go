package mockcloud

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/kube"
	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// kubeconfigDoc is the parsed clustercert response.
type kubeconfigDoc struct {
	raw            []byte
	extraRoots     []*x509.Certificate // trusted besides the kubeconfig's own CA
	Kind           string              `json:"kind"`
	APIVersion     string              `json:"apiVersion"`
	Preferences    map[string]any      `json:"preferences"`
	Clusters       []namedCluster      `json:"clusters"`
	Users          []namedUser         `json:"users"`
	Contexts       []namedContext      `json:"contexts"`
	CurrentContext string              `json:"current-context"`
}

// The kubeconfig's parts.
type (
	namedCluster = kube.NamedCluster
	namedUser    = kube.NamedUser
	namedContext = kube.NamedContext
	contextInfo  = kube.ContextInfo
)

// selfSubjectReviewsPath is the path kubectl auth whoami posts to.
const selfSubjectReviewsPath = "/apis/authentication.k8s.io/v1/selfsubjectreviews"

// parseKubeconfig decodes a kubeconfig JSON document.
func parseKubeconfig(t testing.TB, raw []byte) kubeconfigDoc {
	t.Helper()
	var kc kubeconfigDoc
	if err := json.Unmarshal(raw, &kc); err != nil {
		t.Fatalf("kubeconfig %q: %v", raw, err)
	}
	kc.raw = raw
	if len(kc.Clusters) == 0 || len(kc.Users) != 1 {
		t.Fatalf("kubeconfig shape %s", raw)
	}
	return kc
}

// pemBlock base64-decodes s and returns its single PEM block.
func pemBlock(t testing.TB, s string) *pem.Block {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	b, rest := pem.Decode(raw)
	if b == nil || len(strings.TrimSpace(string(rest))) != 0 {
		t.Fatalf("not one PEM block: %q", raw)
	}
	return b
}

// certData parses the base64 PEM certificate of a kubeconfig field.
func certData(t testing.TB, s string) *x509.Certificate {
	t.Helper()
	cert, err := x509.ParseCertificate(pemBlock(t, s).Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// clientCertOf parses the kubeconfig's client certificate.
func (kc kubeconfigDoc) clientCertOf(t testing.TB) *x509.Certificate {
	t.Helper()
	return certData(t, kc.Users[0].User.ClientCertificateData)
}

// caOf parses the internal cluster's CA.
func (kc kubeconfigDoc) caOf(t testing.TB) *x509.Certificate {
	t.Helper()
	return certData(t, kc.Clusters[0].Cluster.CertificateAuthorityData)
}

// kubeClient returns an HTTP client that presents the kubeconfig's client
// certificate (none when withCert is false) and trusts its CA.
func (kc kubeconfigDoc) kubeClient(t testing.TB, withCert bool) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(kc.caOf(t))
	for _, ca := range kc.extraRoots {
		pool.AddCert(ca)
	}
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if withCert {
		certPEM, _ := base64.StdEncoding.DecodeString(kc.Users[0].User.ClientCertificateData)
		keyPEM, _ := base64.StdEncoding.DecodeString(kc.Users[0].User.ClientKeyData)
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		// Like client-go: always present the certificate, whatever CAs the server names.
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &pair, nil }
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

// kube sends one request to server (a kube API URL) with the kubeconfig's identity.
func (kc kubeconfigDoc) kube(t testing.TB, server, method, path string, withCert bool) response {
	t.Helper()
	var body *strings.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1"}`)
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, server+path, body)
	if err != nil {
		t.Fatal(err)
	}
	r, err := send(kc.kubeClient(t, withCert), req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// server returns the internal cluster's server URL.
func (kc kubeconfigDoc) server() string { return kc.Clusters[0].Cluster.Server }

// issueFor calls clustercert and decodes the kubeconfig, failing on a non-200.
func issueFor(t testing.TB, c *Cloud, cr cred, clusterID string, body any) kubeconfigDoc {
	t.Helper()
	r := call(t, c, cr, "POST", cceClusters+"/"+clusterID+"/clustercert", body)
	expectStatus(t, r, http.StatusOK)
	return parseKubeconfig(t, r.body)
}

// unauthorizedBody is the exact 401 Status of the kube API servers.
const unauthorizedBody = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`

// TestClusterCertIssue covers the kubeconfig, the certificate and the issuance record.
func TestClusterCertIssue(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	before := time.Now()
	r := call(t, c, aliceCred, "POST", cceClusters+"/"+ProdClusterID+"/clustercert", map[string]int{"duration": 30})
	expectStatus(t, r, http.StatusOK)
	if len(r.header.Get("Port-ID")) != 36 {
		t.Errorf("Port-ID %q", r.header.Get("Port-ID"))
	}
	if !strings.HasPrefix(string(r.body), `{"kind":"Config","apiVersion":"v1","preferences":{},"clusters":[{"name":"internalCluster"`) {
		t.Errorf("field order: %.120s", r.body)
	}
	kc := parseKubeconfig(t, r.body)
	server := c.KubeAPIURL(ProdClusterID)
	if !strings.HasPrefix(server, "https://127.0.0.1:") || kc.server() != server {
		t.Fatalf("server %q, KubeAPIURL %q", kc.server(), server)
	}
	if len(kc.Clusters) != 2 {
		t.Fatalf("clusters %+v, want internal and external", kc.Clusters)
	}
	ext := kc.Clusters[1]
	if kc.Clusters[0].Name != "internalCluster" || ext.Name != "externalCluster" ||
		ext.Cluster.Server != server || !ext.Cluster.InsecureSkipTLSVerify || ext.Cluster.CertificateAuthorityData != "" ||
		kc.Clusters[0].Cluster.InsecureSkipTLSVerify {
		t.Errorf("clusters %+v", kc.Clusters)
	}
	wantCtx := []namedContext{{Name: "internal", Context: contextInfo{Cluster: "internalCluster", User: "user"}},
		{Name: "external", Context: contextInfo{Cluster: "externalCluster", User: "user"}}}
	if kc.Kind != "Config" || kc.APIVersion != "v1" || kc.Preferences == nil || len(kc.Preferences) != 0 ||
		kc.Users[0].Name != "user" || !slices.Equal(kc.Contexts, wantCtx) || kc.CurrentContext != "external" {
		t.Errorf("kubeconfig %s", r.body)
	}

	ca := kc.caOf(t)
	cert := kc.clientCertOf(t)
	if ca.Subject.CommonName != "prod cluster CA" || !ca.IsCA {
		t.Errorf("CA subject %v", ca.Subject)
	}
	if cert.Subject.CommonName != AliceUserID || !slices.Equal(cert.Subject.Organization, []string{DevelopersGroupID}) {
		t.Errorf("subject %v", cert.Subject)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("verify: %v", err)
	}
	if _, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok {
		t.Errorf("key %T", cert.PublicKey)
	}
	key := pemBlock(t, kc.Users[0].User.ClientKeyData)
	if key.Type != "EC PRIVATE KEY" {
		t.Errorf("key PEM type %q", key.Type)
	}
	if _, err := x509.ParseECPrivateKey(key.Bytes); err != nil {
		t.Error(err)
	}
	if got := cert.NotAfter.Sub(cert.NotBefore); got != 30*24*time.Hour+time.Minute {
		t.Errorf("validity %v", got)
	}
	if cert.NotBefore.Before(before.Add(-2*time.Minute)) || cert.NotBefore.After(time.Now()) {
		t.Errorf("NotBefore %v", cert.NotBefore)
	}

	iss := c.Issuances()
	if len(iss) != 1 {
		t.Fatalf("issuances %+v", iss)
	}
	is := iss[0]
	if is.ClusterID != ProdClusterID || is.ApplicantID != AliceUserID || is.Serial != cert.SerialNumber.Text(16) ||
		!is.NotBefore.Equal(cert.NotBefore) || !is.NotAfter.Equal(cert.NotAfter) ||
		!is.IssuedAt.Add(-time.Minute).Truncate(time.Second).Equal(cert.NotBefore) {
		t.Errorf("issuance %+v vs cert %v..%v", is, cert.NotBefore, cert.NotAfter)
	}

	// A second certificate for the same cluster shares the CA but has its own key and serial.
	kc2 := issueFor(t, c, cred{token: c.IssueToken(BobUserID)}, ProdClusterID, map[string]int{"duration": -1})
	cert2 := kc2.clientCertOf(t)
	if kc2.Clusters[0].Cluster.CertificateAuthorityData != kc.Clusters[0].Cluster.CertificateAuthorityData ||
		cert2.SerialNumber.Cmp(cert.SerialNumber) == 0 || kc2.Users[0].User.ClientKeyData == kc.Users[0].User.ClientKeyData {
		t.Error("second certificate not distinct")
	}
	if got := cert2.NotAfter.Sub(cert2.NotBefore); got != MaxCertDays*24*time.Hour+time.Minute || cert2.Subject.CommonName != BobUserID {
		t.Errorf("duration -1: %v %v", got, cert2.Subject)
	}
	// Another cluster has another CA; a cluster without an EIP has only the internal entries.
	c.PutCluster(Cluster{ID: "c1", Name: "private", Phase: PhaseAvailable, Version: "v1.30", PlatformVersion: "cce.1.0",
		InternalEndpoint: SeedInternalEndpoint})
	at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	kc3 := issueFor(t, c, adminCred, "c1", map[string]any{"duration": 0, "expire_at": at.Format("2006-01-02 15:04:05 +0000 UTC")})
	if len(kc3.Clusters) != 1 || len(kc3.Contexts) != 1 || kc3.CurrentContext != "internal" || kc3.caOf(t).Subject.CommonName != "private cluster CA" ||
		kc3.server() == server || !kc3.clientCertOf(t).NotAfter.Equal(at) {
		t.Errorf("private cluster %s", kc3.raw)
	}
	if s := kc3.clientCertOf(t).Subject; s.CommonName != AdminUserID || !slices.Equal(s.Organization, []string{AdminGroupID}) {
		t.Errorf("admin subject %v", s)
	}

	// The request body is logged; the response (with its private key) never is.
	for _, q := range c.Requests() {
		if strings.Contains(q.Body, "PRIVATE KEY") || strings.Contains(q.Body, "client-key-data") {
			t.Errorf("request log holds a key: %+v", q)
		}
	}
	if reqs := c.Requests(); reqs[0].Route != RouteClusterCert || reqs[0].Body != `{"duration":30}` || reqs[0].Caller != AliceUserID {
		t.Errorf("log %+v", reqs[0])
	}
	if n := c.Count(RouteClusterCert); n != 3 || len(c.Issuances()) != 3 {
		t.Errorf("count %d, issuances %d", n, len(c.Issuances()))
	}
}

// TestClusterCertRejects covers every 400 and 404 of clustercert.
func TestClusterCertRejects(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	c.PutCluster(Cluster{ID: "cup", Name: "upgrading", Phase: "Upgrading", Version: "v1.30", PlatformVersion: "cce.2.1"})
	f := func(d time.Duration) string { return time.Now().Add(d).UTC().Format("2006-01-02 15:04:05 +0000 UTC") }
	cases := []struct {
		name, cluster string
		body          any
		status        int
		code, msg     string
	}{
		{"neither", ProdClusterID, map[string]any{}, 400, CodeInvalidRequest, "one of duration and expire_at"},
		{"no body", ProdClusterID, nil, 400, CodeInvalidRequest, "not valid"},
		{"not JSON", ProdClusterID, "{", 400, CodeInvalidRequest, "not valid"},
		{"fraction", ProdClusterID, `{"duration":1.5}`, 400, CodeInvalidRequest, "not valid"},
		{"zero", ProdClusterID, map[string]int{"duration": 0}, 400, CodeInvalidRequest, "duration must be between 1 and 1827 days, or -1"},
		{"too long", ProdClusterID, map[string]int{"duration": 1828}, 400, CodeInvalidRequest, "duration must be between 1 and 1827"},
		{"minus two", ProdClusterID, map[string]int{"duration": -2}, 400, CodeInvalidRequest, "duration must be between"},
		{"expire too soon", ProdClusterID, map[string]any{"duration": 30, "expire_at": f(10 * time.Minute)}, 400, CodeInvalidRequest, "expire_at must lie between now+15m and now+5y"},
		{"expire past", ProdClusterID, map[string]any{"expire_at": f(-time.Hour)}, 400, CodeInvalidRequest, "now+15m"},
		{"expire too late", ProdClusterID, map[string]any{"expire_at": f(6 * 365 * 24 * time.Hour)}, 400, CodeInvalidRequest, "now+5y"},
		{"expire format", ProdClusterID, map[string]any{"expire_at": time.Now().Add(time.Hour).Format(time.RFC3339)}, 400, CodeInvalidRequest, "expire_at must have the form"},
		{"unknown cluster", "c0000000-0000-4000-8000-00000000dead", map[string]int{"duration": 1}, 404, CodeNotFound, "not found"},
		{"not available", "cup", map[string]int{"duration": 1}, 400, CodeInvalidRequest, "Upgrading"},
	}
	for _, tc := range cases {
		r := call(t, c, aliceCred, "POST", cceClusters+"/"+tc.cluster+"/clustercert", tc.body)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, r.status, tc.status, r.body)
			continue
		}
		if m := r.json(t); m["errorCode"] != tc.code || !strings.Contains(str(m, "message"), tc.msg) {
			t.Errorf("%s: %s", tc.name, r.body)
		}
	}
	expectStatus(t, call(t, c, aliceCred, "POST", "/api/v3/projects/00000000000000000000000000000000/clusters/"+ProdClusterID+"/clustercert",
		map[string]int{"duration": 1}), http.StatusNotFound)
	expectStatus(t, call(t, c, cred{}, "POST", cceClusters+"/"+ProdClusterID+"/clustercert", map[string]int{"duration": 1}), http.StatusUnauthorized)
	if n := len(c.Issuances()); n != 0 {
		t.Errorf("%d issuances after rejections", n)
	}
	// The edges of expire_at are accepted.
	issueFor(t, c, aliceCred, ProdClusterID, map[string]any{"expire_at": f(16 * time.Minute)})
	issueFor(t, c, aliceCred, ProdClusterID, map[string]any{"expire_at": time.Now().AddDate(5, 0, -1).UTC().Format("2006-01-02 15:04:05 +0000 UTC")})
	issueFor(t, c, aliceCred, ProdClusterID, map[string]int{"duration": 1827})
}

// TestKubeAPIServer covers the per-cluster API server with a Go client.
func TestKubeAPIServer(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	kc := issueFor(t, c, aliceCred, ProdClusterID, map[string]int{"duration": 1})
	srv := kc.server()

	r := kc.kube(t, srv, "GET", "/version", false)
	if r.status != http.StatusUnauthorized || strings.TrimSpace(string(r.body)) != unauthorizedBody ||
		r.header.Get("Content-Type") != "application/json" {
		t.Errorf("no client cert: %d %s", r.status, r.body)
	}
	r = kc.kube(t, srv, "GET", "/version", true)
	expectStatus(t, r, http.StatusOK)
	m := r.json(t)
	if m["major"] != "1" || m["minor"] != "28" || m["gitVersion"] != "v1.28.3-r0" || m["platform"] != "linux/amd64" {
		t.Errorf("version %s", r.body)
	}
	r = kc.kube(t, srv, "POST", selfSubjectReviewsPath, true)
	expectStatus(t, r, http.StatusCreated)
	want := `{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},` +
		`"status":{"userInfo":{"username":"` + AliceUserID + `","groups":["` + DevelopersGroupID + `","system:authenticated"]}}}`
	if strings.TrimSpace(string(r.body)) != want {
		t.Errorf("whoami %s", r.body)
	}
	r = kc.kube(t, srv, "GET", "/api", true)
	addrs := arr(r.json(t)["serverAddressByClientCIDRs"])
	if len(addrs) != 1 || "https://"+str(obj(addrs[0]), "serverAddress") != srv {
		t.Errorf("/api %s", r.body)
	}
	r = kc.kube(t, srv, "GET", "/apis", true)
	if gs := arr(r.json(t)["groups"]); len(gs) != 1 || obj(gs[0])["name"] != "authentication.k8s.io" {
		t.Errorf("/apis %s", r.body)
	}
	r = kc.kube(t, srv, "GET", "/apis/authentication.k8s.io/v1", true)
	if rs := arr(r.json(t)["resources"]); len(rs) != 1 || obj(rs[0])["name"] != "selfsubjectreviews" {
		t.Errorf("group version %s", r.body)
	}
	r = kc.kube(t, srv, "GET", "/api/v1/namespaces/default/pods?limit=500", true)
	if m := r.json(t); r.status != 200 || m["kind"] != "PodList" || m["items"] == nil || len(arr(m["items"])) != 0 {
		t.Errorf("pods %s", r.body)
	}
	r = kc.kube(t, srv, "GET", "/api/v1/namespaces/default/secrets", true)
	if m := r.json(t); r.status != 404 || m["kind"] != "Status" || m["reason"] != "NotFound" || m["code"] != float64(404) {
		t.Errorf("other %s", r.body)
	}

	// Another cluster's CA is not trusted, even for the same user.
	st := issueFor(t, c, aliceCred, StagingClusterID, map[string]int{"duration": 1})
	st.extraRoots = []*x509.Certificate{kc.caOf(t)}
	r = st.kube(t, srv, "GET", "/version", true)
	if r.status != http.StatusUnauthorized {
		t.Errorf("foreign CA: %d %s", r.status, r.body)
	}
	r = st.kube(t, st.server(), "GET", "/version", true)
	if m := r.json(t); m["gitVersion"] != "v1.25.4-r10" || m["minor"] != "25" {
		t.Errorf("staging version %s", r.body)
	}

	var kube []Request
	for _, q := range c.Requests() {
		if strings.HasPrefix(q.Route, "KUBE ") {
			kube = append(kube, q)
		}
	}
	if len(kube) != 10 {
		t.Fatalf("%d kube requests", len(kube))
	}
	checks := []struct {
		i                     int
		route, caller, auth   string
		status                int
		path, rawQuery, extra string
	}{
		{0, RouteKubeVersion, "", "", 401, "/version", "", ""},
		{1, RouteKubeVersion, AliceUserID, AuthX509, 200, "/version", "", ""},
		{2, RouteKubeSelfSubjectReview, AliceUserID, AuthX509, 201, selfSubjectReviewsPath, "", "SelfSubjectReview"},
		{6, RouteKubeOther, AliceUserID, AuthX509, 200, "/api/v1/namespaces/default/pods", "limit=500", ""},
		{7, RouteKubeOther, AliceUserID, AuthX509, 404, "/api/v1/namespaces/default/secrets", "", ""},
		{8, RouteKubeVersion, "", "", 401, "/version", "", ""},
	}
	for _, ck := range checks {
		q := kube[ck.i]
		if q.Route != ck.route || q.Caller != ck.caller || q.Auth != ck.auth || q.Status != ck.status || q.Path != ck.path ||
			q.RawQuery != ck.rawQuery || !strings.Contains(q.Body, ck.extra) || !requestIDRe.MatchString(q.RequestID) {
			t.Errorf("kube request %d: %+v", ck.i, q)
		}
	}
}

// TestKubeRevocation covers revocation by issue time, per cluster and per principal kind.
func TestKubeRevocation(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	whoami := func(kc kubeconfigDoc) int {
		return kc.kube(t, kc.server(), "POST", selfSubjectReviewsPath, true).status
	}
	revoke := func(cluster string, body map[string]string) {
		t.Helper()
		expectStatus(t, call(t, c, adminCred, "POST", cceClusters+"/"+cluster+"/clustercertrevoke", body), http.StatusOK)
	}
	aliceProd := issueFor(t, c, aliceCred, ProdClusterID, map[string]int{"duration": 7})
	aliceStaging := issueFor(t, c, aliceCred, StagingClusterID, map[string]int{"duration": 7})
	bobStaging := issueFor(t, c, bobCred, StagingClusterID, map[string]int{"duration": 7})
	revoke(StagingClusterID, map[string]string{"userId": AliceUserID})
	if whoami(aliceStaging) != 401 || whoami(aliceProd) != 201 || whoami(bobStaging) != 201 {
		t.Error("revocation of alice on staging: wrong scope")
	}
	again := issueFor(t, c, aliceCred, StagingClusterID, map[string]int{"duration": 7})
	if whoami(again) != 201 || whoami(aliceStaging) != 401 {
		t.Error("re-issued certificate")
	}
	q := c.Requests()
	if last := q[len(q)-1]; last.Status != 401 || last.Caller != AliceUserID || last.Auth != "" {
		t.Errorf("revoked request log %+v", last)
	}

	// Agencies: CN = agency ID, no groups, revoked by agencyId only.
	raw, err := c.IssueAgencyCredential(ProdClusterID, OpsAgencyID, 10)
	if err != nil {
		t.Fatal(err)
	}
	ag := parseKubeconfig(t, raw)
	r := ag.kube(t, ag.server(), "POST", selfSubjectReviewsPath, true)
	if m := r.json(t); str(m, "status.userInfo.username") != OpsAgencyID || len(arr(obj(obj(m["status"])["userInfo"])["groups"])) != 1 {
		t.Errorf("agency whoami %s", r.body)
	}
	if cert := ag.clientCertOf(t); cert.NotAfter.Sub(cert.NotBefore) != 10*24*time.Hour+time.Minute || len(cert.Subject.Organization) != 0 {
		t.Errorf("agency cert %v %v", cert.NotAfter.Sub(cert.NotBefore), cert.Subject)
	}
	revoke(ProdClusterID, map[string]string{"userId": OpsAgencyID})
	if whoami(ag) != 201 {
		t.Error("userId revocation hit an agency certificate")
	}
	revoke(ProdClusterID, map[string]string{"agencyId": OpsAgencyID})
	if whoami(ag) != 401 || whoami(aliceProd) != 201 {
		t.Error("agency revocation")
	}
	for _, bad := range []struct {
		cluster, agency string
		days            int
	}{{ProdClusterID, "nope", 1}, {"nope", OpsAgencyID, 1}, {ProdClusterID, OpsAgencyID, 0}, {ProdClusterID, OpsAgencyID, 1828}} {
		if _, err := c.IssueAgencyCredential(bad.cluster, bad.agency, bad.days); err == nil {
			t.Errorf("IssueAgencyCredential%v: no error", bad)
		}
	}
	iss := c.Issuances()
	if len(iss) != 5 || iss[4].ApplicantID != OpsAgencyID || iss[4].ClusterID != ProdClusterID {
		t.Errorf("issuances %+v", iss)
	}
}

// TestKubeExpiry uses the cloud's clock for certificate validity and revocation times.
func TestKubeExpiry(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(time.Now())
	c := NewForTest(t, WithClock(clock.Now))
	kc := issueFor(t, c, aliceCred, ProdClusterID, map[string]int{"duration": 1})
	if r := kc.kube(t, kc.server(), "GET", "/version", true); r.status != 200 {
		t.Fatalf("fresh: %s", r.body)
	}
	// A revocation at the very instant of issue invalidates (IssuedAt <= R).
	clock.Advance(time.Second)
	kc2 := issueFor(t, c, bobCred, ProdClusterID, map[string]int{"duration": 30})
	expectStatus(t, call(t, c, adminCred, "POST", cceClusters+"/"+ProdClusterID+"/clustercertrevoke",
		map[string]string{"userId": BobUserID}), http.StatusOK)
	if r := kc2.kube(t, kc2.server(), "GET", "/version", true); r.status != 401 {
		t.Errorf("revoked at issue instant: %d", r.status)
	}
	clock.Advance(time.Second)
	kc3 := issueFor(t, c, bobCred, ProdClusterID, map[string]int{"duration": 30})
	clock.Advance(25 * time.Hour)
	if r := kc.kube(t, kc.server(), "GET", "/version", true); r.status != 401 || strings.TrimSpace(string(r.body)) != unauthorizedBody {
		t.Errorf("expired: %d %s", r.status, r.body)
	}
	if r := kc3.kube(t, kc3.server(), "GET", "/version", true); r.status != 200 {
		t.Errorf("issued after revocation: %d %s", r.status, r.body)
	}
}

// TestKubeServerLifecycle covers lazy start, DeleteCluster and Close.
func TestKubeServerLifecycle(t *testing.T) {
	t.Parallel()
	c, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.KubeAPIURL("nope") != "" {
		t.Error("URL for an unknown cluster")
	}
	prod := c.KubeAPIURL(ProdClusterID)
	if prod == "" || c.KubeAPIURL(ProdClusterID) != prod || c.KubeAPIURL(StagingClusterID) == prod {
		t.Fatalf("URLs %q", prod)
	}
	kc := issueFor(t, c, aliceCred, ProdClusterID, map[string]int{"duration": 1})
	if kc.server() != prod {
		t.Errorf("server %q, want %q", kc.server(), prod)
	}
	if r := kc.kube(t, prod, "GET", "/version", true); r.status != 200 {
		t.Fatalf("before close: %s", r.body)
	}
	// kc trusts only prod's CA, so staging's server would fail the handshake
	// even while running: only a refused connection proves it stopped.
	staging := c.KubeAPIURL(StagingClusterID)
	c.DeleteCluster(StagingClusterID)
	if _, err := kc.kubeClient(t, false).Get(staging + "/version"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("kube API server of a deleted cluster: %v, want connection refused", err)
	}
	c.Close()
	if _, err := kc.kubeClient(t, true).Get(prod + "/version"); err == nil {
		t.Error("kube API server still answers after Close")
	}
	if c.KubeAPIURL(ProdClusterID) != "" {
		t.Error("KubeAPIURL started a server after Close")
	}
}

func TestIssuedSecrets(t *testing.T) {
	c := NewForTest(t)
	tok := c.IssueToken(AliceUserID)
	_, sk, st := c.IssueTemporaryCredential(BobUserID)
	kubeconfig, err := c.IssueAgencyCredential(ProdClusterID, OpsAgencyID, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := c.IssuedSecrets()
	for _, want := range []string{tok, sk, st} {
		if !slices.Contains(got, want) {
			t.Errorf("IssuedSecrets lacks %.12s...", want)
		}
	}
	var keys int
	for _, s := range got {
		if strings.HasPrefix(s, "-----BEGIN EC PRIVATE KEY-----") {
			keys++
			if !strings.Contains(string(kubeconfig), base64.StdEncoding.EncodeToString([]byte(s))) {
				t.Error("the private key listed is not the one in the kubeconfig")
			}
		}
	}
	if keys != 1 {
		t.Errorf("IssuedSecrets lists %d private keys, want 1", keys)
	}
}
