// Package iam is the fake cloud's IAM: password sign-in and tokens, access
// keys, the account's domain and projects, users, groups and agencies.
package iam

import (
	"net/http"
	"slices"
	"strings"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

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

// Service is IAM: tokens, access keys, the account's domain and projects,
// users, groups and agencies.
type Service struct{ acct *world.Account }

// New returns IAM over the account.
func New(acct *world.Account) *Service { return &Service{acct: acct} }

// Routes returns IAM's APIs.
func (s *Service) Routes() []wire.Route {
	mk := func(pattern string, h func(*wire.Call)) wire.Route {
		return wire.Route{Pattern: pattern, Service: wire.IAM, Handle: h}
	}
	create := mk(RouteCreateToken, s.handleCreateToken)
	create.Public = true
	domains, projects := mk(RouteDomains, s.handleDomains), mk(RouteProjects, s.handleProjects)
	domains.NoDomainID, projects.NoDomainID = true, true
	return []wire.Route{
		create,
		mk(RouteGetToken, s.handleGetToken),
		mk(RouteCredential, s.handleCredential),
		domains,
		projects,
		mk(RouteListUsers, s.handleListUsers),
		mk(RouteGetUser, s.handleGetUser),
		mk(RouteUserGroups, s.handleUserGroups),
		mk(RouteListGroups, s.handleListGroups),
		mk(RouteListAgencies, s.handleListAgencies),
		mk(RouteGetAgency, s.handleGetAgency),
	}
}

// baseURL returns the URL the caller used to reach the mock.
func baseURL(r *http.Request) string { return "https://" + r.Host }

// listLinks returns the "links" member of an IAM list: self is the request's
// own path, and there is never a previous or next page.
func listLinks(r *http.Request) map[string]any {
	return map[string]any{"self": baseURL(r) + r.URL.Path, "previous": nil, "next": nil}
}

// iamReader reports whether the caller may read IAM users, groups and
// agencies (Account.CanReadIAM), else writes the keystone 403 naming action.
// The caller holds s.acct.Mu.
func (s *Service) iamReader(c *wire.Call, action string) bool {
	if s.acct.CanReadIAM(c.Caller.UserID) {
		return true
	}
	wire.IAMForbidden(c, action)
	return false
}

// handleDomains answers GET /v3/auth/domains.
func (s *Service) handleDomains(c *wire.Call) {
	wire.JSON(c.W, http.StatusOK, map[string]any{
		"domains": []map[string]any{{"id": world.DomainID, "name": world.DomainName, "enabled": true, "description": "",
			"links": map[string]string{"self": baseURL(c.R) + "/v3/domains/" + world.DomainID}}},
		"links": listLinks(c.R),
	})
}

// handleProjects answers GET /v3/projects[?name=&domain_id=&id=].
func (s *Service) handleProjects(c *wire.Call) {
	q := c.R.URL.Query()
	projects := []map[string]any{}
	for _, p := range world.Projects {
		if (q.Get("name") != "" && q.Get("name") != p.Name) || (q.Get("domain_id") != "" && q.Get("domain_id") != world.DomainID) ||
			(q.Get("id") != "" && q.Get("id") != p.ID) {
			continue
		}
		parent := world.DomainID
		if p.Name != p.Region {
			parent = world.MainProject(p.Region) // a sub-project's parent is its region's project
		}
		projects = append(projects, map[string]any{
			"id": p.ID, "name": p.Name, "domain_id": world.DomainID, "parent_id": parent,
			"description": "", "enabled": true, "is_domain": false,
			"links": map[string]string{"self": baseURL(c.R) + "/v3/projects/" + p.ID},
		})
	}
	wire.JSON(c.W, http.StatusOK, map[string]any{
		"projects": projects,
		"links":    listLinks(c.R),
	})
}

// userJSON renders a user record.
func userJSON(u *world.UserRec, base string) map[string]any {
	return map[string]any{
		"id": u.ID, "name": u.Name, "domain_id": world.DomainID, "enabled": u.Enabled, "description": u.Description,
		"password_expires_at": nil, "pwd_status": u.Password != "", "last_project_id": world.ProjectID,
		"links": map[string]string{"self": base + "/v3/users/" + u.ID},
	}
}

// handleListUsers answers GET /v3/users[?name=&enabled=&domain_id=] for IAM readers (CanReadIAM).
func (s *Service) handleListUsers(c *wire.Call) {
	q := c.R.URL.Query()
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	if !s.iamReader(c, "list_users") {
		return
	}
	enabled := q.Get("enabled")
	if enabled != "" && enabled != "true" && enabled != "false" {
		wire.Keystone(c, http.StatusBadRequest, "Invalid input for field 'enabled'.")
		return
	}
	out := []map[string]any{}
	if d := q.Get("domain_id"); d == "" || d == world.DomainID {
		for _, u := range s.acct.SortedUsers() {
			if n := q.Get("name"); n != "" && n != u.Name {
				continue
			}
			if enabled != "" && (enabled == "true") != u.Enabled {
				continue
			}
			out = append(out, userJSON(u, baseURL(c.R)))
		}
	}
	wire.JSON(c.W, http.StatusOK, map[string]any{"users": out,
		"links": listLinks(c.R)})
}

// visibleUser returns the user of the {user_id} path parameter when the caller
// may see it (IAM readers, and every user for itself), else answers 403 or 404
// with the keystone body. The caller holds s.acct.Mu.
func (s *Service) visibleUser(c *wire.Call, action string) (*world.UserRec, bool) {
	id := c.R.PathValue("user_id")
	if id != c.Caller.UserID && !s.iamReader(c, action) {
		return nil, false
	}
	u, ok := s.acct.Users[id]
	if !ok {
		wire.Keystone(c, http.StatusNotFound, "Could not find user: "+id+".")
		return nil, false
	}
	return u, true
}

// handleGetUser answers GET /v3/users/{user_id} for IAM readers and the user itself.
func (s *Service) handleGetUser(c *wire.Call) {
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	u, ok := s.visibleUser(c, "get_user")
	if !ok {
		return
	}
	wire.JSON(c.W, http.StatusOK, map[string]any{"user": userJSON(u, baseURL(c.R))})
}

// groupJSON renders a group.
func groupJSON(name, id string, base string) map[string]any {
	return map[string]any{"id": id, "name": name, "domain_id": world.DomainID, "description": "",
		"create_time": int64(1472888495993), "links": map[string]string{"self": base + "/v3/groups/" + id}}
}

// handleUserGroups answers GET /v3/users/{user_id}/groups for IAM readers and the user itself.
func (s *Service) handleUserGroups(c *wire.Call) {
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	u, ok := s.visibleUser(c, "list_groups_for_user")
	if !ok {
		return
	}
	out := []map[string]any{}
	names := slices.Clone(u.Groups)
	slices.Sort(names)
	for _, g := range names {
		out = append(out, groupJSON(g, s.acct.Groups[g], baseURL(c.R)))
	}
	wire.JSON(c.W, http.StatusOK, map[string]any{"groups": out,
		"links": listLinks(c.R)})
}

// handleListGroups answers GET /v3/groups[?name=&domain_id=] for IAM readers.
func (s *Service) handleListGroups(c *wire.Call) {
	q := c.R.URL.Query()
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	if !s.iamReader(c, "list_groups") {
		return
	}
	names := make([]string, 0, len(s.acct.Groups))
	for n := range s.acct.Groups {
		names = append(names, n)
	}
	slices.Sort(names)
	out := []map[string]any{}
	if d := q.Get("domain_id"); d == "" || d == world.DomainID {
		for _, n := range names {
			if want := q.Get("name"); want != "" && want != n {
				continue
			}
			out = append(out, groupJSON(n, s.acct.Groups[n], baseURL(c.R)))
		}
	}
	wire.JSON(c.W, http.StatusOK, map[string]any{"groups": out,
		"links": listLinks(c.R)})
}

// agencyJSON renders an agency.
func agencyJSON(a *world.AgencyRec) map[string]any {
	return map[string]any{
		"id": a.ID, "name": a.Name, "domain_id": world.DomainID, "trust_domain_id": a.TrustDomainID,
		"trust_domain_name": a.TrustDomainName, "description": a.Description, "duration": nil, "expire_time": nil,
		"create_time": a.Created.UTC().Format("2006-01-02T15:04:05.000000"),
	}
}

// handleListAgencies answers GET /v3.0/OS-AGENCY/agencies?domain_id=...[&name=&trust_domain_id=] for IAM readers.
func (s *Service) handleListAgencies(c *wire.Call) {
	q := c.R.URL.Query()
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	if !s.iamReader(c, "list_agencies") {
		return
	}
	if q.Get("domain_id") == "" {
		wire.Keystone(c, http.StatusBadRequest, "Invalid input for field 'domain_id': the query parameter domain_id is required.")
		return
	}
	list := make([]*world.AgencyRec, 0, len(s.acct.Agencies))
	for _, a := range s.acct.Agencies {
		list = append(list, a)
	}
	slices.SortFunc(list, func(a, b *world.AgencyRec) int { return strings.Compare(a.Name, b.Name) })
	out := []map[string]any{}
	if q.Get("domain_id") == world.DomainID {
		for _, a := range list {
			if n := q.Get("name"); n != "" && n != a.Name {
				continue
			}
			if td := q.Get("trust_domain_id"); td != "" && td != a.TrustDomainID {
				continue
			}
			out = append(out, agencyJSON(a))
		}
	}
	wire.JSON(c.W, http.StatusOK, map[string]any{"agencies": out})
}

// handleGetAgency answers GET /v3.0/OS-AGENCY/agencies/{agency_id} for IAM readers.
func (s *Service) handleGetAgency(c *wire.Call) {
	id := c.R.PathValue("agency_id")
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	if !s.iamReader(c, "get_agency") {
		return
	}
	a, ok := s.acct.Agencies[id]
	if !ok {
		wire.Keystone(c, http.StatusNotFound, "Could not find agency: "+id+".")
		return
	}
	wire.JSON(c.W, http.StatusOK, map[string]any{"agency": agencyJSON(a)})
}
