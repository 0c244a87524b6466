package iam

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
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

// lockedMessage is IAM's refusal of a locked user's sign-in (UNCONFIRMED wording).
const lockedMessage = "The user is locked because of too many failed sign-ins. Try again later."

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

// tokenRequest is the body of POST /v3/auth/tokens.
type tokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					ID       string `json:"id"`
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						ID   string `json:"id"`
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
			Domain *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

// handleCreateToken implements password authentication (POST /v3/auth/tokens).
func (s *Service) handleCreateToken(c *wire.Call) {
	var req tokenRequest
	if err := json.Unmarshal(c.Body, &req); err != nil {
		wire.Keystone(c, http.StatusBadRequest, "The request body is not valid JSON.")
		return
	}
	id := req.Auth.Identity
	if !slices.Equal(id.Methods, []string{"password"}) {
		wire.Keystone(c, http.StatusBadRequest, "Only the password method is supported by this endpoint of the mock.")
		return
	}
	pu := id.Password.User
	if pu.Domain.ID != "" && pu.Domain.ID != world.DomainID || pu.Domain.Name != "" && pu.Domain.Name != world.DomainName ||
		pu.ID == "" && pu.Domain.ID == "" && pu.Domain.Name == "" {
		wire.Keystone(c, http.StatusUnauthorized, "The username or password is wrong.")
		return
	}
	projectScoped := false
	if p := req.Auth.Scope.Project; p != nil {
		if p.ID != "" && p.ID != world.ProjectID || p.ID == "" && p.Name != world.Region {
			wire.Keystone(c, http.StatusNotFound, "Could not find project.")
			return
		}
		projectScoped = true
	} else if d := req.Auth.Scope.Domain; d != nil && (d.ID != "" && d.ID != world.DomainID || d.ID == "" && d.Name != world.DomainName) {
		wire.Keystone(c, http.StatusNotFound, "Could not find domain.")
		return
	}
	s.acct.Mu.Lock()
	var u *world.UserRec
	if pu.ID != "" {
		u = s.acct.Users[pu.ID]
	} else {
		u = s.acct.UserByName(pu.Name)
	}
	if u != nil && s.acct.LockedOut(u.ID) {
		s.acct.Mu.Unlock()
		wire.Keystone(c, http.StatusUnauthorized, lockedMessage)
		return
	}
	if u == nil || !u.Enabled || u.Password == "" || u.Password != pu.Password {
		if u != nil {
			s.acct.SignInFailed(u.ID)
		}
		s.acct.Mu.Unlock()
		wire.Keystone(c, http.StatusUnauthorized, "The username or password is wrong.")
		return
	}
	s.acct.SignInSucceeded(u.ID)
	catalog := c.R.URL.Query().Get("nocatalog") != "true"
	tok := s.acct.IssueToken(u.ID, []string{"password"}, projectScoped, catalog)
	body := s.tokenBody(s.acct.Tokens[tok], baseURL(c.R))
	s.acct.Mu.Unlock()
	c.Caller = wire.Caller{UserID: u.ID}
	c.W.Header().Set("X-Subject-Token", tok)
	wire.JSON(c.W, http.StatusCreated, body)
}

// tokenBody renders the §10 token body; the caller holds Mu.
func (s *Service) tokenBody(t *world.Token, base string) map[string]any {
	u := s.acct.Users[t.UserID]
	name := ""
	if u != nil {
		name = u.Name
	}
	domain := map[string]string{"id": world.DomainID, "name": world.DomainName}
	roles := []map[string]string{{"id": "0000000000000000000000000000a001", "name": "readonly"}}
	if s.acct.IsAdmin(t.UserID) {
		roles = []map[string]string{{"id": "0000000000000000000000000000a000", "name": "te_admin"}}
	}
	tb := map[string]any{
		"methods":    t.Methods,
		"issued_at":  t.Issued.UTC().Format(wire.IAMTimeLayout),
		"expires_at": t.Expires.UTC().Format(wire.IAMTimeLayout),
		"user": map[string]any{"id": t.UserID, "name": name, "password_expires_at": "",
			"domain": domain},
		"roles": roles,
	}
	if t.ProjectScoped {
		tb["project"] = map[string]any{"id": world.ProjectID, "name": world.Region, "domain": domain}
	} else {
		tb["domain"] = domain
	}
	if t.RequestedCatalog {
		ep := func(svc, typ, path string) map[string]any {
			return map[string]any{"type": typ, "name": svc, "id": world.RandomHex(16), "endpoints": []map[string]string{{
				"url": base + path, "region": world.Region, "region_id": world.Region, "interface": "public", "id": world.RandomHex(16),
			}}}
		}
		tb["catalog"] = []map[string]any{
			ep("iam", "identity", "/v3"),
			ep("cce", "cce", "/api/v3/projects/"+world.ProjectID),
			ep("cts", "cts", "/v3/"+world.ProjectID),
		}
	}
	return map[string]any{"token": tb}
}

// handleGetToken implements token introspection (GET /v3/auth/tokens[?nocatalog=true]);
// the catalog is shown when the token was issued with one and nocatalog is not "true".
func (s *Service) handleGetToken(c *wire.Call) {
	subject := c.R.Header.Get("X-Subject-Token")
	if subject == "" {
		wire.Keystone(c, http.StatusBadRequest, "X-Subject-Token header is required.")
		return
	}
	now := s.acct.Now()
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	t, ok := s.acct.Tokens[subject]
	if !s.acct.IsAdmin(c.Caller.UserID) && (!ok || t.UserID != c.Caller.UserID) {
		wire.IAMForbidden(c, "check_token")
		return
	}
	if !ok || t.Revoked || !now.Before(t.Expires) || s.acct.Users[t.UserID] == nil {
		wire.Keystone(c, http.StatusNotFound, "The token must be updated.")
		return
	}
	view := *t
	if c.R.URL.Query().Get("nocatalog") == "true" {
		view.RequestedCatalog = false
	}
	c.W.Header().Set("X-Subject-Token", subject)
	wire.JSON(c.W, http.StatusOK, s.tokenBody(&view, baseURL(c.R)))
}

// handleCredential answers GET /v3.0/OS-CREDENTIAL/credentials/{access_key}.
// IAM documents it for permanent keys; a temporary key is not found there
// (UNCONFIRMED: the answer for one is not documented).
func (s *Service) handleCredential(c *wire.Call) {
	ak := c.R.PathValue("access_key")
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	var owner string
	var created time.Time
	for _, u := range s.acct.Users {
		if u.AccessKey != "" && u.AccessKey == ak {
			owner, created = u.ID, u.Created
		}
	}
	if owner == "" {
		wire.Keystone(c, http.StatusNotFound, "Could not find credential: "+ak+".")
		return
	}
	if owner != c.Caller.UserID && !s.acct.IsAdmin(c.Caller.UserID) {
		wire.IAMForbidden(c, "get_credential")
		return
	}
	wire.JSON(c.W, http.StatusOK, map[string]any{"credential": map[string]any{
		"user_id": owner, "access": ak, "status": "active", "description": "",
		"create_time":   created.UTC().Format(wire.IAMTimeLayout),
		"last_use_time": s.acct.Now().UTC().Format(wire.IAMTimeLayout),
	}})
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

// handleListUsers answers GET /v3/users[?name=&enabled=&domain_id=] for IAM readers (canReadIAM).
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
