package iam

// IAM's routes; each label is the http.ServeMux pattern it is served under.
const (
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
)
