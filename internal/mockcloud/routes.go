package mockcloud

import (
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/cts"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/iam"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/kube"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/sts"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// Route labels recorded in Request.Route (shared with the provider's tests).
// Each label is the http.ServeMux pattern the route is served under; each
// service's package declares its own.
const (
	RouteListClusters = cce.RouteListClusters
	RouteGetCluster   = cce.RouteGetCluster
	RouteUpgradeInfo  = cce.RouteUpgradeInfo
	RouteClusterCert  = cce.RouteClusterCert
	RouteRevoke       = cce.RouteRevoke
	RouteCreateToken  = iam.RouteCreateToken
	RouteGetToken     = iam.RouteGetToken
	RouteCredential   = iam.RouteCredential
	RouteDomains      = iam.RouteDomains
	RouteProjects     = iam.RouteProjects
	RouteListUsers    = iam.RouteListUsers
	RouteGetUser      = iam.RouteGetUser
	RouteUserGroups   = iam.RouteUserGroups
	RouteListGroups   = iam.RouteListGroups
	RouteListAgencies = iam.RouteListAgencies
	RouteGetAgency    = iam.RouteGetAgency
	RouteCallerID     = sts.RouteCallerID
	RouteListTraces   = cts.RouteListTraces

	// Route labels of requests to the per-cluster kube API servers.
	RouteKubeVersion           = kube.RouteVersion
	RouteKubeSelfSubjectReview = kube.RouteSelfSubjectReview
	RouteKubeOther             = kube.RouteOther
)

// routeNames maps the Go names of the Route* constants to their labels, so a
// -fault flag may say route=RouteRevoke instead of the whole label.
// TestRouteNames_everyRoute fails when a route has no name here.
var routeNames = map[string]string{
	"RouteListClusters":          RouteListClusters,
	"RouteGetCluster":            RouteGetCluster,
	"RouteUpgradeInfo":           RouteUpgradeInfo,
	"RouteClusterCert":           RouteClusterCert,
	"RouteRevoke":                RouteRevoke,
	"RouteCreateToken":           RouteCreateToken,
	"RouteGetToken":              RouteGetToken,
	"RouteCredential":            RouteCredential,
	"RouteDomains":               RouteDomains,
	"RouteProjects":              RouteProjects,
	"RouteListUsers":             RouteListUsers,
	"RouteGetUser":               RouteGetUser,
	"RouteUserGroups":            RouteUserGroups,
	"RouteListGroups":            RouteListGroups,
	"RouteListAgencies":          RouteListAgencies,
	"RouteGetAgency":             RouteGetAgency,
	"RouteCallerID":              RouteCallerID,
	"RouteListTraces":            RouteListTraces,
	"RouteKubeVersion":           RouteKubeVersion,
	"RouteKubeSelfSubjectReview": RouteKubeSelfSubjectReview,
	"RouteKubeOther":             RouteKubeOther,
}

// Routes returns the label of every route the mock serves, in the combined
// listener's routing order (the kube API servers of the clusters are not
// included).
func Routes() []string {
	table := routeTable(world.NewAccount(nil, world.DefaultLockout), FlavourHWC, nil)
	out := make([]string, len(table))
	for i, rt := range table {
		out[i] = rt.Pattern
	}
	return out
}
