package kube

import (
	"crypto/x509"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// Route labels of requests to the clusters' API servers.
const (
	RouteVersion           = "KUBE GET /version"
	RouteSelfSubjectReview = "KUBE POST selfsubjectreviews"
	RouteOther             = "KUBE other"
)

// Routes are the labels of RouteVersion, RouteSelfSubjectReview and RouteOther.
var Routes = []string{RouteVersion, RouteSelfSubjectReview, RouteOther}

// AuthX509 is the auth of a request whose client certificate was accepted.
const AuthX509 = "x509"

// selfSubjectReviewsPath is the path kubectl auth whoami posts to.
const selfSubjectReviewsPath = "/apis/authentication.k8s.io/v1/selfsubjectreviews"

// routeLabel returns the route label of a request.
func routeLabel(r *http.Request) string {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/version":
		return RouteVersion
	case r.Method == http.MethodPost && r.URL.Path == selfSubjectReviewsPath:
		return RouteSelfSubjectReview
	default:
		return RouteOther
	}
}

// serve answers one request: the client certificate, then the route.
func (k *Servers) serve(ks *server, w http.ResponseWriter, r *http.Request) (caller, auth string) {
	cert, cn, ok := k.authenticate(ks, r)
	if !ok {
		wire.KubeStatus(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized")
		return cn, ""
	}
	k.route(ks, w, r, cert)
	return cn, AuthX509
}

// authenticate checks the client certificate: signed by this cluster's CA
// for client auth, within its validity by the cloud's clock, recorded at
// issuance, and not revoked on this cluster at or after its issue time. cn is
// the certificate's CN whenever it comes from this CA, accepted or not.
func (k *Servers) authenticate(ks *server, r *http.Request) (cert *x509.Certificate, cn string, ok bool) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, "", false
	}
	cert = r.TLS.PeerCertificates[0]
	if !ks.ca.VerifyClient(cert) {
		return nil, "", false
	}
	cn = cert.Subject.CommonName
	now := k.acct.Now()
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return cert, cn, false
	}
	return cert, cn, k.acct.Accepts(ks.clusterID, cert.SerialNumber.Text(16))
}

// route answers an authenticated kube API request.
func (k *Servers) route(ks *server, w http.ResponseWriter, r *http.Request, cert *x509.Certificate) {
	p := r.URL.Path
	if r.Method == http.MethodPost && p == selfSubjectReviewsPath {
		var review SelfSubjectReview
		review.Kind, review.APIVersion = "SelfSubjectReview", "authentication.k8s.io/v1"
		review.Status.UserInfo.Username = cert.Subject.CommonName
		review.Status.UserInfo.Groups = append(append([]string{}, cert.Subject.Organization...), "system:authenticated")
		wire.KubeJSON(w, http.StatusCreated, review)
		return
	}
	if r.Method != http.MethodGet {
		wire.KubeNotFound(w)
		return
	}
	switch {
	case p == "/version":
		wire.KubeJSON(w, http.StatusOK, k.version(ks.clusterID))
	case p == "/api":
		wire.KubeJSON(w, http.StatusOK, map[string]any{
			"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []map[string]string{{"clientCIDR": "0.0.0.0/0", "serverAddress": ks.hostPort}},
		})
	case p == "/api/v1":
		wire.KubeJSON(w, http.StatusOK, map[string]any{
			"kind": "APIResourceList", "groupVersion": "v1",
			"resources": []map[string]any{{"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod",
				"verbs": []string{"get", "list"}, "shortNames": []string{"po"}, "categories": []string{"all"}}},
		})
	case p == "/apis":
		gv := map[string]string{"groupVersion": "authentication.k8s.io/v1", "version": "v1"}
		wire.KubeJSON(w, http.StatusOK, map[string]any{
			"kind": "APIGroupList", "apiVersion": "v1",
			"groups": []map[string]any{{"name": "authentication.k8s.io", "versions": []any{gv}, "preferredVersion": gv}},
		})
	case p == "/apis/authentication.k8s.io/v1":
		wire.KubeJSON(w, http.StatusOK, map[string]any{
			"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "authentication.k8s.io/v1",
			"resources": []map[string]any{{"name": "selfsubjectreviews", "singularName": "selfsubjectreview",
				"namespaced": false, "kind": "SelfSubjectReview", "verbs": []string{"create"}}},
		})
	case isPodList(p):
		wire.KubeJSON(w, http.StatusOK, map[string]any{
			"kind": "PodList", "apiVersion": "v1", "metadata": map[string]any{"resourceVersion": "1"}, "items": []any{},
		})
	default:
		wire.KubeNotFound(w)
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

// versionInfo is the answer to GET /version, in the API server's field order.
type versionInfo struct {
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

// version renders GET /version from the cluster's resolved version; a
// cluster whose version does not resolve reports its spec.version as is.
func (k *Servers) version(clusterID string) versionInfo {
	k.acct.Mu.Lock()
	cl, ok := k.acct.Clusters[clusterID]
	var cp world.Cluster
	var built time.Time
	if ok {
		cp, built = cl.Cluster, cl.Created
	}
	k.acct.Mu.Unlock()
	info := versionInfo{GitVersion: cp.Version, GitCommit: "0000000000000000000000000000000000000000",
		GitTreeState: "clean", BuildDate: built.UTC().Format(time.RFC3339), GoVersion: "go1.20.10", Compiler: "gc",
		Platform: "linux/amd64"}
	if v, found := world.ResolveVersion(cp); found {
		info.Major, info.Minor, info.GitVersion = strconv.Itoa(v.Major), strconv.Itoa(v.Minor), v.String()
	} else if major, minor, line := world.Line(cp.Version); line {
		info.Major, info.Minor = major, minor
	}
	return info
}

// SelfSubjectReview is the answer to kubectl auth whoami.
type SelfSubjectReview struct {
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
