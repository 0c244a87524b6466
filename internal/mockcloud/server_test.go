package mockcloud

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// requestIDRe matches X-Request-Id values.
var requestIDRe = regexp.MustCompile(`^[0-9a-f]{32}$`)

// TestUnknownRoutes covers APIGW 404s, missing auth and X-Request-Id.
func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithoutSeed())
	for _, p := range []string{"/nope", cceClusters + "/", "/v3/users/", "/", "/api/v3/projects/" + ProjectID + "/clusters/x/nodes"} {
		r := call(t, c, adminCred, "GET", p, nil)
		expectStatus(t, r, http.StatusNotFound)
		m := r.json(t)
		if m["error_code"] != CodeAPINotFound || !requestIDRe.MatchString(r.header.Get("X-Request-Id")) || m["request_id"] != r.header.Get("X-Request-Id") {
			t.Errorf("%s: %s", p, r.body)
		}
	}
	// A method the gateway does not publish for a path is a missing API too
	// (no 405), HEAD included; so is a path the standard mux would clean.
	for _, mp := range [][2]string{{"DELETE", cceClusters}, {"HEAD", "/v3/users"}, {"GET", "/v3//users"},
		{"GET", "/v3/users/./" + BobUserID}, {"POST", "/v3/users/" + BobUserID + "/groups"}} {
		r := call(t, c, adminCred, mp[0], mp[1], nil)
		if r.status != http.StatusNotFound || mp[0] != "HEAD" && r.json(t)["error_code"] != CodeAPINotFound {
			t.Errorf("%s %s: %d %s", mp[0], mp[1], r.status, r.body)
		}
	}
	if reqs := c.Requests(); reqs[len(reqs)-1].Route != "" {
		t.Errorf("a request that matched no route is logged under %q", reqs[len(reqs)-1].Route)
	}
	r := call(t, c, cred{}, "GET", cceClusters, nil)
	expectStatus(t, r, http.StatusUnauthorized)
	if r.json(t)["error_code"] != CodeAuthFailed || !requestIDRe.MatchString(r.header.Get("X-Request-Id")) {
		t.Errorf("no auth: %s", r.body)
	}
	// WithoutSeed keeps the domain, project and groups only.
	r = call(t, c, cred{}, "POST", "/v3/auth/tokens", passwordBody(AdminUserName, AdminPassword, "id", ProjectID))
	expectStatus(t, r, http.StatusUnauthorized)
	c.AddUser(User{ID: "u1", Name: "root", Enabled: true, Groups: []string{AdminGroupName}, Password: "pw"})
	r = call(t, c, cred{}, "POST", "/v3/auth/tokens", passwordBody("root", "pw", "id", ProjectID))
	expectStatus(t, r, http.StatusCreated)
	tok := cred{token: r.header.Get("X-Subject-Token")}
	r = call(t, c, tok, "GET", cceClusters, nil)
	if items := arr(r.json(t)["items"]); len(items) != 0 {
		t.Errorf("clusters without seed: %s", r.body)
	}
	r = call(t, c, tok, "GET", "/v3/groups", nil)
	if gs := arr(r.json(t)["groups"]); len(gs) != 4 || obj(gs[2])["id"] != IAMReadOnlyGroupID || obj(gs[3])["id"] != ReadOnlyGroupID {
		t.Errorf("groups without seed: %s", r.body)
	}
}

// TestRequestLog covers Requests, Count, Writes and ResetRequests.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	call(t, c, aliceCred, "GET", cceClusters+"?status=Available", nil)
	call(t, c, cred{}, "GET", "/bogus", nil)
	call(t, c, cred{ak: AliceAccessKey, sk: "bad"}, "GET", cceClusters, nil)
	call(t, c, aliceCred, "POST", cceClusters+"/"+ProdClusterID+"/clustercertrevoke", map[string]string{"userId": AliceUserID})
	call(t, c, cred{}, "POST", "/v3/auth/tokens", passwordBody(AliceUserName, AlicePassword, "id", ProjectID))
	call(t, c, cred{token: c.IssueToken(BobUserID)}, "GET", "/v3/users/"+BobUserID, nil)

	reqs := c.Requests()
	if len(reqs) != 6 {
		t.Fatalf("%d requests", len(reqs))
	}
	want := []Request{
		{Method: "GET", Path: cceClusters, RawQuery: "status=Available", Route: RouteListClusters, Status: 200, Caller: AliceUserID, Auth: AuthAKSK},
		{Method: "GET", Path: "/bogus", Route: "", Status: 404},
		{Method: "GET", Path: cceClusters, Route: RouteListClusters, Status: 401},
		{Method: "POST", Path: cceClusters + "/" + ProdClusterID + "/clustercertrevoke", Route: RouteRevoke, Status: 200, Caller: AliceUserID, Auth: AuthAKSK,
			Body: `{"userId":"` + AliceUserID + `"}`},
		{Method: "POST", Path: "/v3/auth/tokens", Route: RouteCreateToken, Status: 201, Caller: AliceUserID},
		{Method: "GET", Path: "/v3/users/" + BobUserID, Route: RouteGetUser, Status: 200, Caller: BobUserID, Auth: AuthToken},
	}
	for i, w := range want {
		g := reqs[i]
		if g.Method != w.Method || g.Path != w.Path || g.RawQuery != w.RawQuery || g.Route != w.Route || g.Status != w.Status ||
			g.Caller != w.Caller || g.Auth != w.Auth || (w.Body != "" && g.Body != w.Body) || !requestIDRe.MatchString(g.RequestID) || g.Time.IsZero() {
			t.Errorf("request %d: got %+v, want %+v", i, g, w)
		}
	}
	if c.Count(RouteListClusters) != 2 || c.Count("") != 1 || c.Count(RouteRevoke) != 1 {
		t.Error("Count mismatch")
	}
	if w := c.Writes(); len(w) != 1 || w[0].Route != RouteRevoke {
		t.Errorf("Writes %+v", w)
	}
	c.ResetRequests()
	if len(c.Requests()) != 0 || c.Count(RouteListClusters) != 0 {
		t.Error("ResetRequests did not empty the log")
	}
}

// TestCertificates covers the CA, server certificate SANs and WriteCACert.
func TestCertificates(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithoutSeed())
	if !strings.HasPrefix(c.URL(), "https://127.0.0.1:") || strings.HasSuffix(c.URL(), "/") {
		t.Errorf("URL %q", c.URL())
	}
	block, _ := pem.Decode(c.CACertPEM())
	if block == nil {
		t.Fatal("CA PEM")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if ca.Subject.CommonName != "cce-mockcloud CA" || !ca.IsCA || ca.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("CA %v", ca.Subject)
	}
	resp, err := httpClient(t, c).Get(c.URL() + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	leaf := resp.TLS.PeerCertificates[0]
	if err := leaf.VerifyHostname("localhost"); err != nil {
		t.Error(err)
	}
	for _, ip := range []string{"127.0.0.1", "::1"} {
		if err := leaf.VerifyHostname(ip); err != nil {
			t.Error(err)
		}
	}
	p, err := c.WriteCACert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != string(c.CACertPEM()) || !strings.HasSuffix(p, "ca.pem") {
		t.Errorf("WriteCACert %s %v", p, err)
	}
	c.Close()
	c.Close() // idempotent
	if _, err := Start(WithFlavour("azure")); err == nil {
		t.Error("unknown flavour accepted")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	if _, err := Start(WithAddr(ln.Addr().String())); err == nil {
		t.Error("busy address accepted")
	}
}

// TestRoutes checks that Routes lists every route label once, in routing order.
func TestRoutes(t *testing.T) {
	t.Parallel()
	want := []string{RouteListClusters, RouteGetCluster, RouteUpgradeInfo, RouteClusterCert, RouteRevoke,
		RouteCreateToken, RouteGetToken, RouteCredential, RouteDomains, RouteProjects, RouteListUsers,
		RouteGetUser, RouteUserGroups, RouteListGroups, RouteListAgencies, RouteGetAgency, RouteCallerID, RouteListTraces}
	if got := Routes(); !slices.Equal(got, want) {
		t.Errorf("Routes() = %q, want %q", got, want)
	}
}

// TestRoutingPerService checks that paths of different services never meet:
// /v3/users/{id} is IAM's even where CTS's /v3/{project_id}/traces would
// match, and path wildcards reach the handlers.
func TestRoutingPerService(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	call(t, c, adminCred, "GET", "/v3/users/traces", nil)
	call(t, c, adminCred, "GET", "/v3/"+ProjectID+"/traces", nil)
	call(t, c, adminCred, "GET", "/v3/users/"+BobUserID+"/groups", nil)
	want := []struct {
		route  string
		status int
	}{
		{route: RouteGetUser, status: http.StatusNotFound},
		{route: RouteListTraces, status: http.StatusOK},
		{route: RouteUserGroups, status: http.StatusOK},
	}
	for i, r := range c.Requests() {
		if r.Route != want[i].route || r.Status != want[i].status {
			t.Errorf("%s %s: route %q status %d, want %q %d", r.Method, r.Path, r.Route, r.Status, want[i].route, want[i].status)
		}
	}
}

// TestTruncatedBodyMasked covers a token request whose body ends before its
// Content-Length: it is answered 400 and logged without its password.
func TestTruncatedBodyMasked(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithoutSeed())
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.CACertPEM())
	conn, err := tls.Dial("tcp", strings.TrimPrefix(c.URL(), "https://"), &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	const password = "Cut-Short-Passw0rd!"
	body := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"root","password":"` + password + `"`
	if _, err := fmt.Fprintf(conn, "POST /v3/auth/tokens HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\n\r\n%s", len(body)+100, body); err != nil {
		t.Fatal(err)
	}
	if err := conn.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
	reqs := c.Requests()
	if len(reqs) != 1 || reqs[0].Status != http.StatusBadRequest || reqs[0].Route != "" ||
		strings.Contains(reqs[0].Body, password) || !strings.Contains(reqs[0].Body, `"password":"***"`) {
		t.Errorf("logged %+v", reqs)
	}
}
