package mockcloud

import (
	"net/http"
	"strings"
)

// Route labels recorded in Request.Route (shared with the provider's tests).
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
	RouteListTraces   = "GET /v3/{project_id}/traces"
)

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
	label  string
	method string
	segs   []string
	public bool // true: no authentication (only POST /v3/auth/tokens)
	handle func(*reqCtx)
}

// reqCtx carries one request through authentication and its handler.
type reqCtx struct {
	cloud  *Cloud
	w      http.ResponseWriter
	r      *http.Request
	body   []byte
	params map[string]string
	reqID  string
	caller principal
}

// principal is the authenticated caller.
type principal struct {
	userID string
	auth   string // "aksk" | "temporary_aksk" | "token"
	token  string // the X-Auth-Token value for token callers
}

// routeTable builds the routing table; literal segments win over parameters
// because more specific routes are listed first.
func (c *Cloud) routeTable() []route {
	mk := func(label string, h func(*reqCtx)) route {
		method, path, _ := strings.Cut(label, " ")
		return route{label: label, method: method, segs: strings.Split(strings.TrimPrefix(path, "/"), "/"), handle: h}
	}
	create := mk(RouteCreateToken, c.handleCreateToken)
	create.public = true
	return []route{
		mk(RouteListClusters, c.handleListClusters),
		mk(RouteGetCluster, c.handleGetCluster),
		mk(RouteUpgradeInfo, c.handleUpgradeInfo),
		mk(RouteClusterCert, c.handleClusterCert),
		mk(RouteRevoke, c.handleRevoke),
		create,
		mk(RouteGetToken, c.handleGetToken),
		mk(RouteCredential, c.handleCredential),
		mk(RouteDomains, c.handleDomains),
		mk(RouteProjects, c.handleProjects),
		mk(RouteListUsers, c.handleListUsers),
		mk(RouteGetUser, c.handleGetUser),
		mk(RouteUserGroups, c.handleUserGroups),
		mk(RouteListGroups, c.handleListGroups),
		mk(RouteListAgencies, c.handleListAgencies),
		mk(RouteGetAgency, c.handleGetAgency),
		mk(RouteListTraces, c.handleListTraces),
	}
}

// match finds the route for method and path; a trailing slash never matches.
func (c *Cloud) match(method, path string) (*route, map[string]string) {
	if !strings.HasPrefix(path, "/") || strings.HasSuffix(path, "/") {
		return nil, nil
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i := range c.routes {
		rt := &c.routes[i]
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		if params, ok := matchSegs(rt.segs, segs); ok {
			return rt, params
		}
	}
	return nil, nil
}

// matchSegs matches path segments against a pattern with {name} parameters.
func matchSegs(pattern, segs []string) (map[string]string, bool) {
	params := map[string]string{}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if segs[i] == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}
