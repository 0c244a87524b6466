package mockcloud

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Route labels of requests to the per-cluster kube API servers.
const (
	RouteKubeVersion           = "KUBE GET /version"
	RouteKubeSelfSubjectReview = "KUBE POST selfsubjectreviews"
	RouteKubeOther             = "KUBE other"
)

// AuthX509 is Request.Auth of a kube API request whose client certificate was accepted.
const AuthX509 = "x509"

// selfSubjectReviewsPath is the path kubectl auth whoami posts to.
const selfSubjectReviewsPath = "/apis/authentication.k8s.io/v1/selfsubjectreviews"

// kubeServer is the Kubernetes API server of one cluster. Its CA signs both
// its serving certificate and the client certificates of clustercert.
type kubeServer struct {
	clusterID string
	ca        *certAuthority
	srv       *http.Server
	url       string // https://127.0.0.1:PORT
	hostPort  string // 127.0.0.1:PORT
}

// kubeRegistry holds the running kube API servers by cluster ID.
type kubeRegistry struct {
	mu      sync.Mutex
	servers map[string]*kubeServer
	closed  bool
}

// ensure returns the kube API server of the cluster, creating its CA and
// starting it on a new 127.0.0.1:0 listener when it is not running yet.
func (k *kubeRegistry) ensure(c *Cloud, clusterID string) (*kubeServer, error) {
	c.st.mu.Lock()
	cl, ok := c.st.clusters[clusterID]
	var name string
	if ok {
		name = cl.Name
	}
	c.st.mu.Unlock()
	if !ok {
		return nil, errClusterNotFound
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil, errors.New("mockcloud: closed")
	}
	if ks, running := k.servers[clusterID]; running {
		return ks, nil
	}
	ca, err := newCertAuthority(name + " cluster CA")
	if err != nil {
		return nil, err
	}
	serving, err := ca.serverCert()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mockcloud: kube API listen: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	ks := &kubeServer{clusterID: clusterID, ca: ca, hostPort: ln.Addr().String()}
	ks.url = "https://" + ks.hostPort
	ks.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { c.serveKube(ks, w, r) }),
		// RequestClientCert rather than RequireAnyClientCert: a client without a
		// certificate must get the 401 Status JSON, not a handshake failure.
		// The certificate is verified in serveKube against this cluster's CA.
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{serving}, ClientAuth: tls.RequestClientCert,
			ClientCAs: pool, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		if serveErr := ks.srv.ServeTLS(ln, "", ""); serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "mockcloud: kube API serve: %v\n", serveErr)
		}
	}()
	if k.servers == nil {
		k.servers = map[string]*kubeServer{}
	}
	k.servers[clusterID] = ks
	return ks, nil
}

// stop closes the kube API server of one cluster, if running.
func (k *kubeRegistry) stop(clusterID string) {
	k.mu.Lock()
	ks, ok := k.servers[clusterID]
	delete(k.servers, clusterID)
	k.mu.Unlock()
	if ok {
		_ = ks.srv.Close() // Only listener and connection close errors; nothing to do.
	}
}

// closeAll stops every kube API server and refuses to start new ones.
func (k *kubeRegistry) closeAll(ctx context.Context) {
	k.mu.Lock()
	k.closed = true
	servers := k.servers
	k.servers = nil
	k.mu.Unlock()
	for _, ks := range servers {
		if err := ks.srv.Shutdown(ctx); err != nil {
			_ = ks.srv.Close() // Best effort after a timed-out graceful shutdown.
		}
	}
}

// KubeAPIURL returns the URL of the cluster's kube API server
// ("https://127.0.0.1:PORT"), starting it if needed; "" for an unknown
// cluster or after Close.
func (c *Cloud) KubeAPIURL(clusterID string) string {
	ks, err := c.kube.ensure(c, clusterID)
	if err != nil {
		return ""
	}
	return ks.url
}

// kubeRouteLabel returns the Request.Route label of a kube API request.
func kubeRouteLabel(r *http.Request) string {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/version":
		return RouteKubeVersion
	case r.Method == http.MethodPost && r.URL.Path == selfSubjectReviewsPath:
		return RouteKubeSelfSubjectReview
	default:
		return RouteKubeOther
	}
}

// serveKube handles one kube API request: injected faults, client
// certificate check, handler, log.
func (c *Cloud) serveKube(ks *kubeServer, w http.ResponseWriter, r *http.Request) {
	rec := &bufferedWriter{header: w.Header()}
	start := c.now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes)) // A short body only shortens the log entry.
	label := kubeRouteLabel(r)
	inj := c.faults.pick(label, true, func(k FaultKind) bool { return k != FaultExpireTokens })
	sleepFor(r, inj.latency)
	entry := Request{
		Time: start, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Route: label,
		Body: string(body), RequestID: randomHex(16), UserAgent: r.UserAgent(), Fault: inj.recorded(),
	}
	if inj.kind == FaultReset {
		c.record(entry)
		dropConnection(w, true)
		return
	}
	cert, cn, ok := c.kubeAuthenticate(ks, r)
	entry.Caller = cn
	switch {
	case isStatusFault(inj.kind):
		writeKubeFault(rec, inj.rule)
	case ok:
		entry.Auth = AuthX509
		c.kubeRoute(ks, rec, r, cert)
	default:
		writeKubeStatus(rec, http.StatusUnauthorized, "Unauthorized", "Unauthorized")
	}
	entry.Status = rec.status()
	c.record(entry)
	if inj.kind == FaultCommitDrop {
		dropConnection(w, false)
		return
	}
	rec.flush(w)
}

// kubeAuthenticate checks the client certificate: signed by this cluster's
// CA for client auth, within its validity by the cloud's clock, recorded at
// issuance, and not revoked on this cluster at or after its issue time. cn is
// the certificate's CN whenever it comes from this CA, accepted or not.
func (c *Cloud) kubeAuthenticate(ks *kubeServer, r *http.Request) (cert *x509.Certificate, cn string, ok bool) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, "", false
	}
	cert = r.TLS.PeerCertificates[0]
	if !ks.ca.verifyClient(cert) {
		return nil, "", false
	}
	cn = cert.Subject.CommonName
	now := c.now()
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return cert, cn, false
	}
	serial := cert.SerialNumber.Text(16)
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	var iss *issuanceRec
	for i := range c.st.issuances {
		if is := &c.st.issuances[i]; is.ClusterID == ks.clusterID && is.Serial == serial {
			iss = is
			break
		}
	}
	if iss == nil {
		return cert, cn, false
	}
	for _, rv := range c.st.revocations {
		if rv.ClusterID != ks.clusterID {
			continue
		}
		revokes := iss.agency && rv.AgencyID == iss.ApplicantID || !iss.agency && rv.UserID == iss.ApplicantID
		if revokes && !rv.At.Before(iss.IssuedAt) {
			return cert, cn, false
		}
	}
	return cert, cn, true
}

// kubeRoute answers an authenticated kube API request.
func (c *Cloud) kubeRoute(ks *kubeServer, w http.ResponseWriter, r *http.Request, cert *x509.Certificate) {
	p := r.URL.Path
	if r.Method == http.MethodPost && p == selfSubjectReviewsPath {
		var review selfSubjectReview
		review.Kind, review.APIVersion = "SelfSubjectReview", "authentication.k8s.io/v1"
		review.Status.UserInfo.Username = cert.Subject.CommonName
		review.Status.UserInfo.Groups = append(append([]string{}, cert.Subject.Organization...), "system:authenticated")
		writeKubeJSON(w, http.StatusCreated, review)
		return
	}
	if r.Method != http.MethodGet {
		writeKubeNotFound(w)
		return
	}
	switch {
	case p == "/version":
		writeKubeJSON(w, http.StatusOK, c.kubeVersion(ks.clusterID))
	case p == "/api":
		writeKubeJSON(w, http.StatusOK, map[string]any{
			"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []map[string]string{{"clientCIDR": "0.0.0.0/0", "serverAddress": ks.hostPort}},
		})
	case p == "/api/v1":
		writeKubeJSON(w, http.StatusOK, map[string]any{
			"kind": "APIResourceList", "groupVersion": "v1",
			"resources": []map[string]any{{"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod",
				"verbs": []string{"get", "list"}, "shortNames": []string{"po"}, "categories": []string{"all"}}},
		})
	case p == "/apis":
		gv := map[string]string{"groupVersion": "authentication.k8s.io/v1", "version": "v1"}
		writeKubeJSON(w, http.StatusOK, map[string]any{
			"kind": "APIGroupList", "apiVersion": "v1",
			"groups": []map[string]any{{"name": "authentication.k8s.io", "versions": []any{gv}, "preferredVersion": gv}},
		})
	case p == "/apis/authentication.k8s.io/v1":
		writeKubeJSON(w, http.StatusOK, map[string]any{
			"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "authentication.k8s.io/v1",
			"resources": []map[string]any{{"name": "selfsubjectreviews", "singularName": "selfsubjectreview",
				"namespaced": false, "kind": "SelfSubjectReview", "verbs": []string{"create"}}},
		})
	case isPodList(p):
		writeKubeJSON(w, http.StatusOK, map[string]any{
			"kind": "PodList", "apiVersion": "v1", "metadata": map[string]any{"resourceVersion": "1"}, "items": []any{},
		})
	default:
		writeKubeNotFound(w)
	}
}

// isPodList reports whether p lists pods in one namespace or in all of them.
func isPodList(p string) bool {
	if p == "/api/v1/pods" {
		return true
	}
	ns, ok := strings.CutPrefix(p, "/api/v1/namespaces/")
	if !ok {
		return false
	}
	name, rest, _ := strings.Cut(ns, "/")
	return name != "" && rest == "pods"
}

// kubeVersionInfo is the answer to GET /version, in the API server's field order.
type kubeVersionInfo struct {
	Major        string `json:"major"`
	Minor        string `json:"minor"`
	GitVersion   string `json:"gitVersion"`
	GitCommit    string `json:"gitCommit"`
	GitTreeState string `json:"gitTreeState"`
	BuildDate    string `json:"buildDate"`
	GoVersion    string `json:"goVersion"`
	Compiler     string `json:"compiler"`
	Platform     string `json:"platform"`
}

// kubeVersion renders GET /version from the cluster's resolved version; a
// cluster whose version does not resolve reports its spec.version as is.
func (c *Cloud) kubeVersion(clusterID string) kubeVersionInfo {
	c.st.mu.Lock()
	cl, ok := c.st.clusters[clusterID]
	var cp Cluster
	var built time.Time
	if ok {
		cp, built = cl.Cluster, cl.created
	}
	c.st.mu.Unlock()
	info := kubeVersionInfo{GitVersion: cp.Version, GitCommit: "0000000000000000000000000000000000000000",
		GitTreeState: "clean", BuildDate: built.UTC().Format(time.RFC3339), GoVersion: "go1.20.10", Compiler: "gc",
		Platform: "linux/amd64"}
	if v, found := resolveVersion(cp); found {
		info.Major, info.Minor, info.GitVersion = strconv.Itoa(v.major), strconv.Itoa(v.minor), v.String()
	} else if m := shortVersionRe.FindStringSubmatch(cp.Version); m != nil {
		info.Major, info.Minor = m[1], m[2]
	}
	return info
}

// selfSubjectReview is the answer to kubectl auth whoami.
type selfSubjectReview struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Metadata   struct {
		CreationTimestamp *string `json:"creationTimestamp"`
	} `json:"metadata"`
	Status struct {
		UserInfo struct {
			Username string   `json:"username"`
			Groups   []string `json:"groups"`
		} `json:"userInfo"`
	} `json:"status"`
}

// kubeStatus is a Kubernetes Status object, in the API server's field order.
type kubeStatus struct {
	Kind       string         `json:"kind"`
	APIVersion string         `json:"apiVersion"`
	Metadata   map[string]any `json:"metadata"`
	Status     string         `json:"status"`
	Message    string         `json:"message"`
	Reason     string         `json:"reason"`
	Details    any            `json:"details,omitempty"` // Non-nil only for 404, as the API server does.
	Code       int            `json:"code"`
}

// writeKubeStatus writes a Failure Status.
func writeKubeStatus(w http.ResponseWriter, code int, reason, msg string) {
	writeKubeJSON(w, code, kubeStatus{Kind: "Status", APIVersion: "v1", Metadata: map[string]any{},
		Status: "Failure", Message: msg, Reason: reason, Code: code})
}

// writeKubeNotFound writes the API server's 404 Status.
func writeKubeNotFound(w http.ResponseWriter) {
	writeKubeJSON(w, http.StatusNotFound, kubeStatus{Kind: "Status", APIVersion: "v1", Metadata: map[string]any{},
		Status: "Failure", Message: "the server could not find the requested resource", Reason: "NotFound",
		Details: map[string]any{}, Code: http.StatusNotFound})
}

// writeKubeJSON writes v as JSON with the API server's plain content type.
func writeKubeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // Buffered by serveKube; cannot fail.
}
