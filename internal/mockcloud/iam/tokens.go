package iam

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// This file is IAM's sign-in: tokens (password sign-in with its lockout,
// introspection) and access keys.

// lockedMessage is IAM's refusal of a locked user's sign-in (UNCONFIRMED wording).
const lockedMessage = "The user is locked because of too many failed sign-ins. Try again later."

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
