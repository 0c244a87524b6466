package cce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

const (
	routeListUsers   = "GET /v3/users"
	routeGetUser     = "GET /v3/users/{user_id}"
	routeUserGroups  = "GET /v3/users/{user_id}/groups"
	routeListAgency  = "GET /v3.0/OS-AGENCY/agencies"
	routeGetAgency   = "GET /v3.0/OS-AGENCY/agencies/{agency_id}"
	routeCredential  = "GET /v3.0/OS-CREDENTIAL/credentials/{access_key}"
	routeDomains     = "GET /v3/auth/domains"
	routeProjects    = "GET /v3/projects"
	routeVerifyToken = "GET /v3/auth/tokens"
	routeCallerID    = "GET /v5/caller-identity"
)

var keystone403 = map[string]any{"error": map[string]any{"code": 403, "title": "Forbidden",
	"message": "You are not authorized to perform the requested action: identity:list_users"}}

// serveIAM registers an IAM directory; admin controls list permissions.
func (f *fakeCloud) serveIAM(admin bool, userName string) {
	users := map[string]map[string]any{
		testUserID: {"id": testUserID, "name": userName, "domain_id": testDomainID, "enabled": true, "description": "me"},
		"u2":       {"id": "u2", "name": "bob", "domain_id": testDomainID, "enabled": false, "description": nil},
	}
	f.handle(routeCredential, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"credential": map[string]any{"user_id": testUserID, "access": r.PathValue("access_key"), "status": "active"}})
	})
	f.handle(routeGetUser, func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("user_id")
		if !admin && id != testUserID {
			writeJSON(w, 403, keystone403)
			return
		}
		u, ok := users[id]
		if !ok {
			writeJSON(w, 404, map[string]any{"error": map[string]any{"code": 404, "title": "Not Found", "message": "user not found"}})
			return
		}
		writeJSON(w, 200, map[string]any{"user": u})
	})
	f.handle(routeListUsers, func(w http.ResponseWriter, r *http.Request) {
		if !admin {
			writeJSON(w, 403, keystone403)
			return
		}
		list := []any{users[testUserID], users["u2"]}
		writeJSON(w, 200, map[string]any{"links": map[string]any{"self": "x", "next": nil}, "users": list})
	})
	f.handle(routeUserGroups, func(w http.ResponseWriter, r *http.Request) {
		groups := []any{map[string]any{"id": "g1", "name": "dev"}}
		if admin {
			groups = append(groups, map[string]any{"id": "g2", "name": "admin"})
		}
		writeJSON(w, 200, map[string]any{"groups": groups, "links": map[string]any{}})
	})
	f.handle(routeCallerID, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"account_id": testDomainID, "principal_id": testUserID,
			"principal_urn": "iam::" + testDomainID + ":user:" + userName})
	})
	f.handle(routeDomains, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"domains": []any{map[string]any{"id": testDomainID, "name": "acme"}}})
	})
	f.handle(routeProjects, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"projects": []any{map[string]any{"id": testProject, "name": r.URL.Query().Get("name")}}})
	})
	f.handle(routeVerifyToken, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Subject-Token") != r.Header.Get("X-Auth-Token") {
			writeJSON(w, 403, keystone403)
			return
		}
		writeJSON(w, 200, map[string]any{"token": map[string]any{"user": map[string]any{"id": testUserID, "name": userName,
			"domain": map[string]any{"id": testDomainID, "name": "acme"}}}})
	})
	agencies := map[string]map[string]any{"ag1": {"id": "ag1", "name": "ops", "domain_id": testDomainID, "trust_domain_id": "td",
		"trust_domain_name": "partner", "description": "d", "duration": nil, "create_time": "2017-01-04T09:09:15.000000"}}
	f.handle(routeListAgency, func(w http.ResponseWriter, r *http.Request) {
		if !admin || r.URL.Query().Get("domain_id") != testDomainID {
			writeJSON(w, 403, keystone403)
			return
		}
		writeJSON(w, 200, map[string]any{"agencies": []any{agencies["ag1"]}})
	})
	f.handle(routeGetAgency, func(w http.ResponseWriter, r *http.Request) {
		a, ok := agencies[r.PathValue("agency_id")]
		if !ok {
			writeJSON(w, 404, map[string]any{"error": map[string]any{"code": 404, "title": "Not Found", "message": "agency not found"}})
			return
		}
		writeJSON(w, 200, map[string]any{"agency": a})
	})
}

func TestWhoAmIAllMethods(t *testing.T) {
	cases := []struct {
		name  string
		cr    Credentials
		admin bool
		uname string
	}{
		{"aksk admin", akskCreds(), true, "alice"},
		{"temporary non-admin", Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: testSecToken}, false, "alice"},
		{"token non-admin", Credentials{AuthToken: testToken}, false, "alice"},
		{"password admin", passwordCreds(), true, "alice"},
		{"account user", akskCreds(), false, "acme"},
	}
	for _, tc := range cases {
		f := newFakeCloud(t)
		f.serveIAM(tc.admin, tc.uname)
		c := newTestClient(t, f, tc.cr, func(c *Config) { c.ProjectID = "" })
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				id, err := c.Caller(t.Context(), Cached)
				if err != nil {
					t.Errorf("%s: %v", tc.name, err)
					return
				}
				m, _ := tc.cr.Method()
				wantAdmin := AdminNo
				if tc.admin || tc.uname == "acme" {
					wantAdmin = AdminYes
				}
				if id.UserID != testUserID || id.UserName != tc.uname || id.DomainID != testDomainID || id.DomainName != "acme" ||
					id.ProjectID != testProject || id.Admin != wantAdmin || id.AuthMethod != m {
					t.Errorf("%s: %+v", tc.name, *id)
				}
			})
		}
		wg.Wait()
		if got := f.count(routeUserGroups); got != 1 {
			t.Errorf("%s: group lookups %d, want 1", tc.name, got)
		}
		if len(f.authFail) > 0 {
			t.Errorf("%s: auth failures %v", tc.name, f.authFail)
		}
	}
}

func TestUserDirectory(t *testing.T) {
	f := newFakeCloud(t)
	f.serveIAM(true, "alice")
	c := newTestClient(t, f, akskCreds())
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			u, err := c.User(t.Context(), "u2", Cached)
			if err != nil || u.Name != "bob" || u.Enabled {
				t.Errorf("%+v %v", u, err)
			}
		})
	}
	wg.Wait()
	if _, err := c.User(t.Context(), "nope", Cached); !IsNotFound(err) {
		t.Errorf("want not found, got %v", err)
	}
	if f.count(routeListUsers) != 1 || f.count(routeGetUser) != 0 {
		t.Errorf("list %d get %d", f.count(routeListUsers), f.count(routeGetUser))
	}
	a, err := c.Agency(t.Context(), "ag1", Cached)
	if err != nil || a.Name != "ops" || a.TrustDomainName != "partner" || a.CreateTime == "" {
		t.Errorf("%+v %v", a, err)
	}
	if _, err := c.Agency(t.Context(), "nope", Cached); !IsNotFound(err) {
		t.Errorf("want not found, got %v", err)
	}
	if f.count(routeListAgency) != 1 || f.count(routeGetAgency) != 0 {
		t.Errorf("agency list %d get %d", f.count(routeListAgency), f.count(routeGetAgency))
	}
}

// Fresh lists the directory again (a refusal is explained from the present),
// and Cached answers from that new listing afterwards.
func TestUserFreshListsAgain(t *testing.T) {
	f := newFakeCloud(t)
	f.serveIAM(true, "alice")
	c := newTestClient(t, f, akskCreds())
	for _, read := range []Read{Cached, Cached, Fresh, Cached} {
		if u, err := c.User(t.Context(), "u2", read); err != nil || u.Name != "bob" {
			t.Fatalf("%+v %v", u, err)
		}
	}
	f.wantCount(t, routeListUsers, 2) // the first read and the fresh one
}

func TestUserFallbackWhenListForbidden(t *testing.T) {
	f := newFakeCloud(t)
	f.serveIAM(false, "alice")
	c := newTestClient(t, f, akskCreds())
	ctx := t.Context()
	for i := 0; i < 3; i++ {
		u, err := c.User(ctx, testUserID, Cached)
		if err != nil || u.Name != "alice" || !u.Enabled || u.Description != "me" {
			t.Fatalf("%+v %v", u, err)
		}
		if _, err := c.User(ctx, "u2", Cached); !IsForbidden(err) {
			t.Fatalf("want 403 for other user, got %v", err)
		}
	}
	if f.count(routeListUsers) != 1 {
		t.Errorf("list calls %d, want 1", f.count(routeListUsers))
	}
	f.wantCount(t, routeGetUser, 1+1) // own and the 403, both kept
	// Agency fallback: list forbidden -> GetAgency, not found cached.
	for i := 0; i < 2; i++ {
		if _, err := c.Agency(ctx, "missing", Cached); !IsNotFound(err) {
			t.Fatalf("want not found, got %v", err)
		}
	}
	if f.count(routeGetAgency) != 1 {
		t.Errorf("agency gets %d, want 1", f.count(routeGetAgency))
	}
}

func TestListUsersAndGroups(t *testing.T) {
	f := newFakeCloud(t)
	f.serveIAM(true, "alice")
	c := newTestClient(t, f, akskCreds())
	users, err := c.ListUsers(t.Context())
	if err != nil || len(users) != 2 || users[1].Description != "" || users[0].Description != "me" {
		t.Fatalf("%+v %v", users, err)
	}
	groups, err := c.ListUserGroups(t.Context(), testUserID)
	if err != nil || len(groups) != 2 || groups[1] != (Group{ID: "g2", Name: "admin"}) {
		t.Fatalf("%+v %v", groups, err)
	}
}

func TestDecodeUsersMalformed(t *testing.T) {
	for _, in := range []string{``, `[]`, `{"users":{}}`, `{"users":[{"id":1}]}`, `{"users":[`, `{"users":[]`} {
		if _, err := decodeUsers(strings.NewReader(in)); err == nil {
			t.Errorf("%q: want error", in)
		}
	}
	us, err := decodeUsers(strings.NewReader(`{"links":{"next":null},"users":null,"x":[1,2]}`))
	if err != nil || len(us) != 0 {
		t.Errorf("%v %v", us, err)
	}
}

func usersBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"users":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		_, _ = fmt.Fprintf(&b, `{"id":"%032x","name":"user-%d","domain_id":"%s","enabled":true,"description":"d","password_expires_at":null,"pwd_status":true,"last_project_id":"p","links":{"self":"https://iam/v3/users/%032x"}}`, i, i, testDomainID, i)
	}
	b.WriteString(`],"links":{"self":"x","previous":null,"next":null}}`)
	return b.Bytes()
}

func TestDecodeUsers10k(t *testing.T) {
	body := usersBody(10000)
	users, err := decodeUsers(bytes.NewReader(body))
	if err != nil || len(users) != 10000 || users[9999].Name != "user-9999" {
		t.Fatalf("%d %v", len(users), err)
	}
	var check struct {
		Users []json.RawMessage `json:"users"`
	}
	if err := json.Unmarshal(body, &check); err != nil || len(check.Users) != 10000 {
		t.Fatal("fixture broken")
	}
}

func BenchmarkDecodeUsers10k(b *testing.B) {
	body := usersBody(10000)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		users, err := decodeUsers(bytes.NewReader(body))
		if err != nil || len(users) != 10000 {
			b.Fatal(err)
		}
	}
}

// agenciesBody is an agency list as IAM answers it, with n agencies.
func agenciesBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"agencies":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		_, _ = fmt.Fprintf(&b, `{"id":"%032x","name":"agency-%d","domain_id":"%s","trust_domain_id":"%032x","trust_domain_name":"partner","description":"d","duration":null,"expire_time":null,"create_time":"2017-01-04T09:09:15.000000"}`, i, i, testDomainID, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func BenchmarkDecodeAgencies2k(b *testing.B) {
	body := agenciesBody(2000)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		agencies, err := decodeAgencies(bytes.NewReader(body))
		if err != nil || len(agencies) != 2000 || agencies[1999].Name != "agency-1999" {
			b.Fatal(len(agencies), err)
		}
	}
}

// A caller who may not list users and checks their own user (revoking their
// own credential) while WhoAmI runs: the user is read once, not by both.
func TestOwnUserSharesCallerRead(t *testing.T) {
	f := newFakeCloud(t)
	f.serveIAM(false, "alice")
	c := newTestClient(t, f, akskCreds())
	var wg sync.WaitGroup
	wg.Go(func() {
		if id, err := c.Caller(t.Context(), Cached); err != nil || id.UserName != "alice" {
			t.Errorf("identity %+v %v", id, err)
		}
	})
	wg.Go(func() {
		if u, err := c.User(t.Context(), testUserID, Cached); err != nil || u.Name != "alice" {
			t.Errorf("user %+v %v", u, err)
		}
	})
	wg.Wait()
	f.wantCount(t, routeGetUser, 1)
}
