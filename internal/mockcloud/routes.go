package mockcloud

import (
	"net/http"
	"path"
	"strings"
)

// Route labels recorded in Request.Route (shared with the provider's tests).
// Each label is the http.ServeMux pattern the route is served under.
const (
	RouteListClusters = "GET /api/v3/projects/{project_id}/clusters"
	RouteGetCluster   = "GET /api/v3/projects/{project_id}/clusters/{cluster_id}"
	RouteUpgradeInfo  = "GET /api/v3/projects/{project_id}/clusters/{cluster_id}/upgradeinfo"
	RouteClusterCert  = "POST /api/v3/projects/{project_id}/clusters/{cluster_id}/clustercert"
	RouteRevoke       = "POST /api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke"
	RouteCreateToken  = "POST /v3/auth/tokens"
	RouteGetToken     = "GET /v3/auth/tokens"
	RouteCredential   = "GET /v3.0/OS-CREDENTIAL/credentials/{access_key}"
	RouteDomains      = "GET /v3/auth/domains"
	RouteProjects     = "GET /v3/projects"
	RouteListUsers    = "GET /v3/users"
	RouteGetUser      = "GET /v3/users/{user_id}"
	RouteUserGroups   = "GET /v3/users/{user_id}/groups"
	RouteListGroups   = "GET /v3/groups"
	RouteListAgencies = "GET /v3.0/OS-AGENCY/agencies"
	RouteGetAgency    = "GET /v3.0/OS-AGENCY/agencies/{agency_id}"
	RouteCallerID     = "GET /v5/caller-identity"
	RouteListTraces   = "GET /v3/{project_id}/traces"
)

// Services of the routing table. In the real cloud each has its own host
// (iam.{region}.{cloud}, cce..., sts..., cts...), so their paths never meet:
// GET /v3/users/traces is IAM's, never CTS's traces of a project "users". The
// mock serves them all on one listener, one http.ServeMux per service, asked
// in this order.
const (
	serviceCCE = "CCE"
	serviceIAM = "IAM"
	serviceSTS = "STS"
	serviceCTS = "CTS"
)

var serviceOrder = []string{serviceCCE, serviceIAM, serviceSTS, serviceCTS}

// Routes returns the label of every route the mock serves, in routing order
// (the kube API servers of the clusters are not included).
func Routes() []string {
	table := (&Cloud{}).routeTable()
	out := make([]string, len(table))
	for i, rt := range table {
		out[i] = rt.label
	}
	return out
}

// route is one entry of the routing table; the label doubles as the pattern.
type route struct {
	label   string
	method  string
	service string
	public  bool // true: no authentication (only POST /v3/auth/tokens)
	handle  func(*reqCtx)
}

// reqCtx carries one request through authentication and its handler. r is
// the request as its route sees it: r.PathValue gives the path wildcards.
type reqCtx struct {
	cloud  *Cloud
	w      http.ResponseWriter
	r      *http.Request
	body   []byte
	reqID  string
	caller principal
	// region is the region of the listener the request reached (the first
	// region on the combined listener and the global IAM and STS hosts).
	region string
}

// principal is the authenticated caller.
type principal struct {
	userID string
	auth   string // "aksk" | "temporary_aksk" | "token"
	token  string // the X-Auth-Token value for token callers
	// session is the agency or federated session the caller signed in as,
	// nil for an IAM user.
	session *session
	// domainScoped is true for a token scoped to the account, not a project.
	domainScoped bool
}

// routeTable builds the routing table, grouped by service in routing order.
func (c *Cloud) routeTable() []route {
	mk := func(service, label string, h func(*reqCtx)) route {
		method, _, _ := strings.Cut(label, " ")
		return route{label: label, method: method, service: service, handle: h}
	}
	create := mk(serviceIAM, RouteCreateToken, c.handleCreateToken)
	create.public = true
	return []route{
		mk(serviceCCE, RouteListClusters, c.handleListClusters),
		mk(serviceCCE, RouteGetCluster, c.handleGetCluster),
		mk(serviceCCE, RouteUpgradeInfo, c.handleUpgradeInfo),
		mk(serviceCCE, RouteClusterCert, c.handleClusterCert),
		mk(serviceCCE, RouteRevoke, c.handleRevoke),
		create,
		mk(serviceIAM, RouteGetToken, c.handleGetToken),
		mk(serviceIAM, RouteCredential, c.handleCredential),
		mk(serviceIAM, RouteDomains, c.handleDomains),
		mk(serviceIAM, RouteProjects, c.handleProjects),
		mk(serviceIAM, RouteListUsers, c.handleListUsers),
		mk(serviceIAM, RouteGetUser, c.handleGetUser),
		mk(serviceIAM, RouteUserGroups, c.handleUserGroups),
		mk(serviceIAM, RouteListGroups, c.handleListGroups),
		mk(serviceIAM, RouteListAgencies, c.handleListAgencies),
		mk(serviceIAM, RouteGetAgency, c.handleGetAgency),
		mk(serviceSTS, RouteCallerID, c.handleCallerIdentity),
		mk(serviceCTS, RouteListTraces, c.handleListTraces),
	}
}

// newMuxes builds one ServeMux per service, in serviceOrder, and the same by
// service.
func newMuxes(table []route) ([]*http.ServeMux, map[string]*http.ServeMux) {
	byService := map[string]*http.ServeMux{}
	for i := range table {
		rt := &table[i]
		m := byService[rt.service]
		if m == nil {
			m = http.NewServeMux()
			byService[rt.service] = m
		}
		m.HandleFunc(rt.label, func(w http.ResponseWriter, r *http.Request) {
			// A GET pattern also serves HEAD; the gateway publishes the method it names.
			if p, ok := w.(*routeProbe); ok && r.Method == rt.method {
				p.rt, p.r = rt, r
			}
		})
	}
	muxes := make([]*http.ServeMux, 0, len(serviceOrder))
	for _, s := range serviceOrder {
		if m := byService[s]; m != nil {
			muxes = append(muxes, m)
		}
	}
	return muxes, byService
}

// routeProbe is the ResponseWriter the muxes are asked with: the route's
// handler records the route and the request carrying its path wildcards; a
// mux's own 404 and 405 answers are dropped.
type routeProbe struct {
	rt *route
	r  *http.Request
}

func (p *routeProbe) Header() http.Header         { return http.Header{} }
func (p *routeProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *routeProbe) WriteHeader(int)             {}

// match finds the route of r and returns r as that route sees it. A path the
// mux would clean or redirect (a trailing slash, "//", "/./") matches
// nothing, as at the API gateway.
func (c *Cloud) match(r *http.Request, service string) (*route, *http.Request) {
	if p := r.URL.Path; p == "" || path.Clean(p) != p {
		return nil, r
	}
	muxes := c.muxes
	if service != "" {
		muxes = []*http.ServeMux{c.byService[service]} // a service's host serves its own routes only
	}
	for _, m := range muxes {
		var probe routeProbe
		m.ServeHTTP(&probe, r)
		if probe.rt != nil {
			return probe.rt, probe.r
		}
	}
	return nil, r
}
