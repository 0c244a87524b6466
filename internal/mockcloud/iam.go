package mockcloud

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// iamTimeLayout is the timestamp format of IAM token bodies.
const iamTimeLayout = "2006-01-02T15:04:05.000000Z"

// baseURL returns the URL the caller used to reach the mock.
func baseURL(r *http.Request) string { return "https://" + r.Host }

// listLinks returns the "links" member of an IAM list: self is the request's
// own path, and there is never a previous or next page.
func listLinks(r *http.Request) map[string]any {
	return map[string]any{"self": baseURL(r) + r.URL.Path, "previous": nil, "next": nil}
}

// iamReader reports whether the caller may read IAM users, groups and
// agencies (state.canReadIAM), else writes the keystone 403 naming action.
// The caller holds c.st.mu.
func (c *Cloud) iamReader(rc *reqCtx, action string) bool {
	if c.st.canReadIAM(rc.caller.userID) {
		return true
	}
	writeIAMForbidden(rc, action)
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
func (c *Cloud) handleCreateToken(rc *reqCtx) {
	var req tokenRequest
	if err := json.Unmarshal(rc.body, &req); err != nil {
		writeKeystone(rc, http.StatusBadRequest, "The request body is not valid JSON.")
		return
	}
	id := req.Auth.Identity
	if !slices.Equal(id.Methods, []string{"password"}) {
		writeKeystone(rc, http.StatusBadRequest, "Only the password method is supported by this endpoint of the mock.")
		return
	}
	pu := id.Password.User
	if pu.Domain.ID != "" && pu.Domain.ID != DomainID || pu.Domain.Name != "" && pu.Domain.Name != DomainName ||
		pu.ID == "" && pu.Domain.ID == "" && pu.Domain.Name == "" {
		writeKeystone(rc, http.StatusUnauthorized, "The username or password is wrong.")
		return
	}
	projectScoped := false
	if p := req.Auth.Scope.Project; p != nil {
		if p.ID != "" && p.ID != ProjectID || p.ID == "" && p.Name != Region {
			writeKeystone(rc, http.StatusNotFound, "Could not find project.")
			return
		}
		projectScoped = true
	} else if d := req.Auth.Scope.Domain; d != nil && (d.ID != "" && d.ID != DomainID || d.ID == "" && d.Name != DomainName) {
		writeKeystone(rc, http.StatusNotFound, "Could not find domain.")
		return
	}
	now := c.now()
	c.st.mu.Lock()
	var u *userRec
	if pu.ID != "" {
		u = c.st.users[pu.ID]
	} else {
		u = c.st.userByName(pu.Name)
	}
	if u != nil && c.lockedOut(u.ID, now) {
		c.st.mu.Unlock()
		writeLocked(rc)
		return
	}
	if u == nil || !u.Enabled || u.Password == "" || u.Password != pu.Password {
		if u != nil {
			c.signInFailed(u.ID, now)
		}
		c.st.mu.Unlock()
		writeKeystone(rc, http.StatusUnauthorized, "The username or password is wrong.")
		return
	}
	c.signInSucceeded(u.ID)
	catalog := rc.r.URL.Query().Get("nocatalog") != "true"
	tok := c.st.issueToken(u.ID, now, []string{"password"}, projectScoped, catalog)
	body := c.st.tokenBody(c.st.tokens[tok], baseURL(rc.r))
	c.st.mu.Unlock()
	rc.caller = principal{userID: u.ID}
	rc.w.Header().Set("X-Subject-Token", tok)
	writeJSON(rc.w, http.StatusCreated, body)
}

// tokenBody renders the §10 token body; the caller holds mu.
func (s *state) tokenBody(t *token, base string) map[string]any {
	u := s.users[t.userID]
	name := ""
	if u != nil {
		name = u.Name
	}
	domain := map[string]string{"id": DomainID, "name": DomainName}
	roles := []map[string]string{{"id": "0000000000000000000000000000a001", "name": "readonly"}}
	if s.isAdmin(t.userID) {
		roles = []map[string]string{{"id": "0000000000000000000000000000a000", "name": "te_admin"}}
	}
	tb := map[string]any{
		"methods":    t.methods,
		"issued_at":  t.issued.UTC().Format(iamTimeLayout),
		"expires_at": t.expires.UTC().Format(iamTimeLayout),
		"user": map[string]any{"id": t.userID, "name": name, "password_expires_at": "",
			"domain": domain},
		"roles": roles,
	}
	if t.projectScoped {
		tb["project"] = map[string]any{"id": ProjectID, "name": Region, "domain": domain}
	} else {
		tb["domain"] = domain
	}
	if t.requestedCatalog {
		ep := func(svc, typ, path string) map[string]any {
			return map[string]any{"type": typ, "name": svc, "id": randomHex(16), "endpoints": []map[string]string{{
				"url": base + path, "region": Region, "region_id": Region, "interface": "public", "id": randomHex(16),
			}}}
		}
		tb["catalog"] = []map[string]any{
			ep("iam", "identity", "/v3"),
			ep("cce", "cce", "/api/v3/projects/"+ProjectID),
			ep("cts", "cts", "/v3/"+ProjectID),
		}
	}
	return map[string]any{"token": tb}
}

// handleGetToken implements token introspection (GET /v3/auth/tokens[?nocatalog=true]);
// the catalog is shown when the token was issued with one and nocatalog is not "true".
func (c *Cloud) handleGetToken(rc *reqCtx) {
	subject := rc.r.Header.Get("X-Subject-Token")
	if subject == "" {
		writeKeystone(rc, http.StatusBadRequest, "X-Subject-Token header is required.")
		return
	}
	now := c.now()
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	t, ok := c.st.tokens[subject]
	if !c.st.isAdmin(rc.caller.userID) && (!ok || t.userID != rc.caller.userID) {
		writeIAMForbidden(rc, "check_token")
		return
	}
	if !ok || t.revoked || !now.Before(t.expires) || c.st.users[t.userID] == nil {
		writeKeystone(rc, http.StatusNotFound, "The token must be updated.")
		return
	}
	view := *t
	if rc.r.URL.Query().Get("nocatalog") == "true" {
		view.requestedCatalog = false
	}
	rc.w.Header().Set("X-Subject-Token", subject)
	writeJSON(rc.w, http.StatusOK, c.st.tokenBody(&view, baseURL(rc.r)))
}

// handleCredential answers GET /v3.0/OS-CREDENTIAL/credentials/{access_key}.
// IAM documents it for permanent keys; a temporary key is not found there
// (UNCONFIRMED: the answer for one is not documented).
func (c *Cloud) handleCredential(rc *reqCtx) {
	ak := rc.r.PathValue("access_key")
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	var owner string
	var created time.Time
	for _, u := range c.st.users {
		if u.AccessKey != "" && u.AccessKey == ak {
			owner, created = u.ID, u.created
		}
	}
	if owner == "" {
		writeKeystone(rc, http.StatusNotFound, "Could not find credential: "+ak+".")
		return
	}
	if owner != rc.caller.userID && !c.st.isAdmin(rc.caller.userID) {
		writeIAMForbidden(rc, "get_credential")
		return
	}
	writeJSON(rc.w, http.StatusOK, map[string]any{"credential": map[string]any{
		"user_id": owner, "access": ak, "status": "active", "description": "",
		"create_time":   created.UTC().Format(iamTimeLayout),
		"last_use_time": c.now().UTC().Format(iamTimeLayout),
	}})
}

// handleDomains answers GET /v3/auth/domains.
func (c *Cloud) handleDomains(rc *reqCtx) {
	writeJSON(rc.w, http.StatusOK, map[string]any{
		"domains": []map[string]any{{"id": DomainID, "name": DomainName, "enabled": true, "description": "",
			"links": map[string]string{"self": baseURL(rc.r) + "/v3/domains/" + DomainID}}},
		"links": listLinks(rc.r),
	})
}

// handleProjects answers GET /v3/projects[?name=&domain_id=&id=].
func (c *Cloud) handleProjects(rc *reqCtx) {
	q := rc.r.URL.Query()
	projects := []map[string]any{}
	for _, p := range seedProjects {
		if (q.Get("name") != "" && q.Get("name") != p.Name) || (q.Get("domain_id") != "" && q.Get("domain_id") != DomainID) ||
			(q.Get("id") != "" && q.Get("id") != p.ID) {
			continue
		}
		parent := DomainID
		if p.Name != p.Region {
			parent = mainProject(p.Region) // a sub-project's parent is its region's project
		}
		projects = append(projects, map[string]any{
			"id": p.ID, "name": p.Name, "domain_id": DomainID, "parent_id": parent,
			"description": "", "enabled": true, "is_domain": false,
			"links": map[string]string{"self": baseURL(rc.r) + "/v3/projects/" + p.ID},
		})
	}
	writeJSON(rc.w, http.StatusOK, map[string]any{
		"projects": projects,
		"links":    listLinks(rc.r),
	})
}

// userJSON renders a user record.
func userJSON(u *userRec, base string) map[string]any {
	return map[string]any{
		"id": u.ID, "name": u.Name, "domain_id": DomainID, "enabled": u.Enabled, "description": u.Description,
		"password_expires_at": nil, "pwd_status": u.Password != "", "last_project_id": ProjectID,
		"links": map[string]string{"self": base + "/v3/users/" + u.ID},
	}
}

// handleListUsers answers GET /v3/users[?name=&enabled=&domain_id=] for IAM readers (canReadIAM).
func (c *Cloud) handleListUsers(rc *reqCtx) {
	q := rc.r.URL.Query()
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	if !c.iamReader(rc, "list_users") {
		return
	}
	enabled := q.Get("enabled")
	if enabled != "" && enabled != "true" && enabled != "false" {
		writeKeystone(rc, http.StatusBadRequest, "Invalid input for field 'enabled'.")
		return
	}
	out := []map[string]any{}
	if d := q.Get("domain_id"); d == "" || d == DomainID {
		for _, u := range c.st.sortedUsers() {
			if n := q.Get("name"); n != "" && n != u.Name {
				continue
			}
			if enabled != "" && (enabled == "true") != u.Enabled {
				continue
			}
			out = append(out, userJSON(u, baseURL(rc.r)))
		}
	}
	writeJSON(rc.w, http.StatusOK, map[string]any{"users": out,
		"links": listLinks(rc.r)})
}

// visibleUser returns the user of the {user_id} path parameter when the caller
// may see it (IAM readers, and every user for itself), else answers 403 or 404
// with the keystone body. The caller holds c.st.mu.
func (c *Cloud) visibleUser(rc *reqCtx, action string) (*userRec, bool) {
	id := rc.r.PathValue("user_id")
	if id != rc.caller.userID && !c.iamReader(rc, action) {
		return nil, false
	}
	u, ok := c.st.users[id]
	if !ok {
		writeKeystone(rc, http.StatusNotFound, "Could not find user: "+id+".")
		return nil, false
	}
	return u, true
}

// handleGetUser answers GET /v3/users/{user_id} for IAM readers and the user itself.
func (c *Cloud) handleGetUser(rc *reqCtx) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	u, ok := c.visibleUser(rc, "get_user")
	if !ok {
		return
	}
	writeJSON(rc.w, http.StatusOK, map[string]any{"user": userJSON(u, baseURL(rc.r))})
}

// groupJSON renders a group.
func groupJSON(name, id string, base string) map[string]any {
	return map[string]any{"id": id, "name": name, "domain_id": DomainID, "description": "",
		"create_time": int64(1472888495993), "links": map[string]string{"self": base + "/v3/groups/" + id}}
}

// handleUserGroups answers GET /v3/users/{user_id}/groups for IAM readers and the user itself.
func (c *Cloud) handleUserGroups(rc *reqCtx) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	u, ok := c.visibleUser(rc, "list_groups_for_user")
	if !ok {
		return
	}
	out := []map[string]any{}
	names := slices.Clone(u.Groups)
	slices.Sort(names)
	for _, g := range names {
		out = append(out, groupJSON(g, c.st.groups[g], baseURL(rc.r)))
	}
	writeJSON(rc.w, http.StatusOK, map[string]any{"groups": out,
		"links": listLinks(rc.r)})
}

// handleListGroups answers GET /v3/groups[?name=&domain_id=] for IAM readers.
func (c *Cloud) handleListGroups(rc *reqCtx) {
	q := rc.r.URL.Query()
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	if !c.iamReader(rc, "list_groups") {
		return
	}
	names := make([]string, 0, len(c.st.groups))
	for n := range c.st.groups {
		names = append(names, n)
	}
	slices.Sort(names)
	out := []map[string]any{}
	if d := q.Get("domain_id"); d == "" || d == DomainID {
		for _, n := range names {
			if want := q.Get("name"); want != "" && want != n {
				continue
			}
			out = append(out, groupJSON(n, c.st.groups[n], baseURL(rc.r)))
		}
	}
	writeJSON(rc.w, http.StatusOK, map[string]any{"groups": out,
		"links": listLinks(rc.r)})
}

// agencyJSON renders an agency.
func agencyJSON(a *agencyRec) map[string]any {
	return map[string]any{
		"id": a.ID, "name": a.Name, "domain_id": DomainID, "trust_domain_id": a.TrustDomainID,
		"trust_domain_name": a.TrustDomainName, "description": a.Description, "duration": nil, "expire_time": nil,
		"create_time": a.created.UTC().Format("2006-01-02T15:04:05.000000"),
	}
}

// handleListAgencies answers GET /v3.0/OS-AGENCY/agencies?domain_id=...[&name=&trust_domain_id=] for IAM readers.
func (c *Cloud) handleListAgencies(rc *reqCtx) {
	q := rc.r.URL.Query()
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	if !c.iamReader(rc, "list_agencies") {
		return
	}
	if q.Get("domain_id") == "" {
		writeKeystone(rc, http.StatusBadRequest, "Invalid input for field 'domain_id': the query parameter domain_id is required.")
		return
	}
	list := make([]*agencyRec, 0, len(c.st.agencies))
	for _, a := range c.st.agencies {
		list = append(list, a)
	}
	slices.SortFunc(list, func(a, b *agencyRec) int { return strings.Compare(a.Name, b.Name) })
	out := []map[string]any{}
	if q.Get("domain_id") == DomainID {
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
	writeJSON(rc.w, http.StatusOK, map[string]any{"agencies": out})
}

// handleGetAgency answers GET /v3.0/OS-AGENCY/agencies/{agency_id} for IAM readers.
func (c *Cloud) handleGetAgency(rc *reqCtx) {
	id := rc.r.PathValue("agency_id")
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	if !c.iamReader(rc, "get_agency") {
		return
	}
	a, ok := c.st.agencies[id]
	if !ok {
		writeKeystone(rc, http.StatusNotFound, "Could not find agency: "+id+".")
		return
	}
	writeJSON(rc.w, http.StatusOK, map[string]any{"agency": agencyJSON(a)})
}
