package mockcloud

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// passwordBody builds a password token request.
func passwordBody(user, password, scopeKey, scopeVal string) map[string]any {
	return map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": map[string]any{
			"name": user, "password": password, "domain": map[string]any{"name": DomainName}}}},
		"scope": map[string]any{"project": map[string]any{scopeKey: scopeVal}},
	}}
}

// TestTokenFlow covers password tokens, introspection, expiry and revocation.
func TestTokenFlow(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(time.Now().UTC())
	c := NewForTest(t, WithClock(clock.Now))

	r := call(t, c, cred{}, "POST", "/v3/auth/tokens", passwordBody(AliceUserName, AlicePassword, "id", ProjectID))
	expectStatus(t, r, http.StatusCreated)
	tok := r.header.Get("X-Subject-Token")
	if tok == "" {
		t.Fatal("no X-Subject-Token")
	}
	m := r.json(t)
	if str(m, "token.user.id") != AliceUserID || str(m, "token.project.id") != ProjectID ||
		str(m, "token.user.domain.name") != DomainName || str(m, "token.expires_at") == "" {
		t.Errorf("token body %s", r.body)
	}
	exp, err := time.Parse(wire.IAMTimeLayout, str(m, "token.expires_at"))
	if err != nil || exp.Sub(clock.Now()) < 23*time.Hour {
		t.Errorf("expires_at %v %v", exp, err)
	}
	if cat := arr(obj(m["token"])["catalog"]); len(cat) == 0 {
		t.Errorf("no catalog in %s", r.body)
	}

	// Project by name, nocatalog.
	r = call(t, c, cred{}, "POST", "/v3/auth/tokens?nocatalog=true", passwordBody(BobUserName, BobPassword, "name", Region))
	expectStatus(t, r, http.StatusCreated)
	if _, ok := obj(r.json(t)["token"])["catalog"]; ok {
		t.Error("catalog despite nocatalog=true")
	}
	bobTok := r.header.Get("X-Subject-Token")

	// Wrong password: keystone 401; request log masks the password.
	r = call(t, c, cred{}, "POST", "/v3/auth/tokens", passwordBody(AliceUserName, "wrong", "id", ProjectID))
	expectStatus(t, r, http.StatusUnauthorized)
	if m := r.json(t); str(m, "error.title") != "Unauthorized" || obj(m["error"])["code"] != float64(401) {
		t.Errorf("body %s", r.body)
	}
	expectStatus(t, call(t, c, cred{}, "POST", "/v3/auth/tokens", passwordBody(AliceUserName, AlicePassword, "id", "0000")), http.StatusNotFound)
	for _, req := range c.Requests() {
		if strings.Contains(req.Body, AlicePassword) || strings.Contains(req.Body, "wrong") {
			t.Errorf("password logged: %s", req.Body)
		}
		if req.Route == RouteCreateToken && !strings.Contains(req.Body, `"password":"***"`) {
			t.Errorf("password not masked: %s", req.Body)
		}
	}
	if n := c.Count(RouteCreateToken); n != 4 {
		t.Errorf("Count(create token) = %d", n)
	}

	// Introspection: own token OK, someone else's forbidden, admin may.
	r = call(t, c, cred{token: tok}, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", tok)
	expectStatus(t, r, http.StatusOK)
	if str(r.json(t), "token.user.name") != AliceUserName {
		t.Errorf("introspection %s", r.body)
	}
	if cat := arr(obj(r.json(t)["token"])["catalog"]); len(cat) == 0 {
		t.Errorf("introspection without catalog %s", r.body)
	}
	r = call(t, c, cred{token: tok}, "GET", "/v3/auth/tokens?nocatalog=true", nil, "X-Subject-Token", tok)
	expectStatus(t, r, http.StatusOK)
	if _, ok := obj(r.json(t)["token"])["catalog"]; ok || str(r.json(t), "token.user.name") != AliceUserName {
		t.Errorf("introspection with nocatalog=true %s", r.body)
	}
	expectStatus(t, call(t, c, cred{token: tok}, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", bobTok), http.StatusForbidden)
	expectStatus(t, call(t, c, adminCred, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", bobTok), http.StatusOK)
	expectStatus(t, call(t, c, cred{token: tok}, "GET", "/v3/auth/tokens", nil), http.StatusBadRequest)

	// Token works on CCE; revoked and unknown tokens get the APIG 401.
	path := cceClusters + "/" + ProdClusterID
	expectStatus(t, call(t, c, cred{token: tok}, "GET", path, nil), http.StatusOK)
	r = call(t, c, cred{token: "garbage"}, "GET", path, nil)
	expectStatus(t, r, http.StatusUnauthorized)
	if m := r.json(t); m["error_code"] != CodeAuthFailed || !strings.Contains(str(m, "error_msg"), "decrypt token fail") {
		t.Errorf("unknown token body %s", r.body)
	}
	c.RevokeTokens(AliceUserID)
	expectStatus(t, call(t, c, cred{token: tok}, "GET", path, nil), http.StatusUnauthorized)
	expectStatus(t, call(t, c, cred{token: bobTok}, "GET", path, nil), http.StatusOK)

	// Issued tokens expire after 24 h.
	adminTok := c.IssueToken(AdminUserID)
	expectStatus(t, call(t, c, cred{token: adminTok}, "GET", path, nil), http.StatusOK)
	clock.Advance(24*time.Hour + time.Second)
	r = call(t, c, cred{token: adminTok}, "GET", path, nil)
	expectStatus(t, r, http.StatusUnauthorized)
	if !strings.Contains(str(r.json(t), "error_msg"), "token expires") {
		t.Errorf("expired token body %s", r.body)
	}

	// A deleted user's token dies with the user.
	clock.Advance(-25 * time.Hour)
	expectStatus(t, call(t, c, cred{token: bobTok}, "GET", path, nil), http.StatusOK)
	c.DeleteUser(BobUserID, AdminUserID)
	expectStatus(t, call(t, c, cred{token: bobTok}, "GET", path, nil), http.StatusUnauthorized)
	expectStatus(t, call(t, c, bobCred, "GET", path, nil), http.StatusUnauthorized)
}

// TestIAMPermissions covers who may read what, and the error shapes.
func TestIAMPermissions(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)

	r := call(t, c, aliceCred, "GET", "/v3/users", nil)
	expectStatus(t, r, http.StatusForbidden)
	if m := r.json(t); str(m, "error.title") != "Forbidden" || !strings.Contains(str(m, "error.message"), "identity:list_users") {
		t.Errorf("403 body %s", r.body)
	}
	for _, p := range []string{"/v3/users/" + BobUserID, "/v3/users/" + BobUserID + "/groups", "/v3/groups",
		"/v3.0/OS-AGENCY/agencies?domain_id=" + DomainID, "/v3.0/OS-AGENCY/agencies/" + OpsAgencyID,
		"/v3.0/OS-CREDENTIAL/credentials/" + BobAccessKey} {
		expectStatus(t, call(t, c, aliceCred, "GET", p, nil), http.StatusForbidden)
	}
	// Self-service reads.
	r = call(t, c, aliceCred, "GET", "/v3.0/OS-CREDENTIAL/credentials/"+AliceAccessKey, nil)
	expectStatus(t, r, http.StatusOK)
	if m := r.json(t); str(m, "credential.user_id") != AliceUserID || str(m, "credential.status") != "active" {
		t.Errorf("credential %s", r.body)
	}
	r = call(t, c, aliceCred, "GET", "/v3/users/"+AliceUserID, nil)
	expectStatus(t, r, http.StatusOK)
	if m := r.json(t); str(m, "user.name") != AliceUserName || str(m, "user.domain_id") != DomainID {
		t.Errorf("user %s", r.body)
	}
	r = call(t, c, aliceCred, "GET", "/v3/users/"+AliceUserID+"/groups", nil)
	expectStatus(t, r, http.StatusOK)
	if gs := arr(r.json(t)["groups"]); len(gs) != 1 || obj(gs[0])["name"] != DevelopersGroupName {
		t.Errorf("groups %s", r.body)
	}
	if self := str(r.json(t), "links.self"); self != c.URL()+"/v3/users/"+AliceUserID+"/groups" {
		t.Errorf("groups links.self %q", self)
	}
	r = call(t, c, aliceCred, "GET", "/v3/auth/domains", nil)
	expectStatus(t, r, http.StatusOK)
	if ds := arr(r.json(t)["domains"]); len(ds) != 1 || obj(ds[0])["id"] != DomainID {
		t.Errorf("domains %s", r.body)
	}
	r = call(t, c, aliceCred, "GET", "/v3/projects?name="+Region, nil)
	expectStatus(t, r, http.StatusOK)
	if ps := arr(r.json(t)["projects"]); len(ps) != 1 || obj(ps[0])["id"] != ProjectID {
		t.Errorf("projects %s", r.body)
	}
	if self := str(r.json(t), "links.self"); self != c.URL()+"/v3/projects" {
		t.Errorf("projects links.self %q", self)
	}
	r = call(t, c, aliceCred, "GET", "/v3/projects?name=other", nil)
	if ps := arr(r.json(t)["projects"]); len(ps) != 0 {
		t.Errorf("projects %s", r.body)
	}

	// Admin reads everything.
	r = call(t, c, adminCred, "GET", "/v3/users", nil)
	expectStatus(t, r, http.StatusOK)
	if us := arr(r.json(t)["users"]); len(us) != 7 {
		t.Errorf("users %s", r.body)
	}
	r = call(t, c, adminCred, "GET", "/v3/users?name=frank", nil)
	if us := arr(r.json(t)["users"]); len(us) != 1 || obj(us[0])["id"] != FrankUserID {
		t.Errorf("users by name %s", r.body)
	}
	c.AddUser(User{ID: "d15ab1ed000000000000000000000009", Name: "disabled.user", Groups: []string{"contractors"}})
	r = call(t, c, adminCred, "GET", "/v3/users?enabled=false", nil)
	if us := arr(r.json(t)["users"]); len(us) != 1 || obj(us[0])["name"] != "disabled.user" {
		t.Errorf("users enabled=false %s", r.body)
	}
	expectStatus(t, call(t, c, adminCred, "GET", "/v3/users?enabled=maybe", nil), http.StatusBadRequest)
	expectStatus(t, call(t, c, adminCred, "GET", "/v3/users/00000000000000000000000000000000", nil), http.StatusNotFound)
	r = call(t, c, adminCred, "GET", "/v3/groups?name=admin", nil)
	if gs := arr(r.json(t)["groups"]); len(gs) != 1 || obj(gs[0])["id"] != AdminGroupID {
		t.Errorf("groups by name %s", r.body)
	}
	r = call(t, c, adminCred, "GET", "/v3/groups", nil)
	if gs := arr(r.json(t)["groups"]); len(gs) != 5 { // admin, contractors, developers, iam-readonly, readonly
		t.Errorf("groups %s", r.body)
	}

	// Agencies: domain_id is required.
	r = call(t, c, adminCred, "GET", "/v3.0/OS-AGENCY/agencies", nil)
	expectStatus(t, r, http.StatusBadRequest)
	if str(r.json(t), "error.title") != "Bad Request" {
		t.Errorf("agencies 400 %s", r.body)
	}
	r = call(t, c, adminCred, "GET", "/v3.0/OS-AGENCY/agencies?domain_id="+DomainID, nil)
	expectStatus(t, r, http.StatusOK)
	as := arr(r.json(t)["agencies"])
	if len(as) != 2 || obj(as[0])["name"] != OpsAgencyName || obj(as[0])["trust_domain_id"] == "" {
		t.Errorf("agencies %s", r.body)
	}
	r = call(t, c, adminCred, "GET", "/v3.0/OS-AGENCY/agencies?domain_id="+DomainID+"&name="+VendorAgencyName, nil)
	if as := arr(r.json(t)["agencies"]); len(as) != 1 || obj(as[0])["id"] != VendorAgencyID {
		t.Errorf("agencies by name %s", r.body)
	}
	r = call(t, c, adminCred, "GET", "/v3.0/OS-AGENCY/agencies/"+OpsAgencyID, nil)
	if str(r.json(t), "agency.name") != OpsAgencyName {
		t.Errorf("agency %s", r.body)
	}
	expectStatus(t, call(t, c, adminCred, "GET", "/v3.0/OS-AGENCY/agencies/"+OldVendorAgencyID, nil), http.StatusNotFound)
	expectStatus(t, call(t, c, adminCred, "GET", "/v3.0/OS-CREDENTIAL/credentials/NOSUCHKEY", nil), http.StatusNotFound)

	// The account itself (user name == domain name) is admin too.
	c.AddUser(User{ID: "acc00000000000000000000000000010", Name: DomainName, Enabled: true, AccessKey: "ACCOUNTAK00000000010", SecretKey: "accountSK"})
	expectStatus(t, call(t, c, cred{ak: "ACCOUNTAK00000000010", sk: "accountSK"}, "GET", "/v3/users", nil), http.StatusOK)
}

// TestIAMReadOnlyGroup covers the seeded reader ivy.reader (group
// "iam-readonly"): IAM reads like an admin, nothing else of an admin's.
func TestIAMReadOnlyGroup(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	ivy := cred{ak: IvyAccessKey, sk: IvySecretKey}

	// Reads and lists of users, groups and agencies.
	r := call(t, c, ivy, "GET", "/v3/users", nil)
	expectStatus(t, r, http.StatusOK)
	if us := arr(r.json(t)["users"]); len(us) != 7 {
		t.Errorf("users %s", r.body)
	}
	r = call(t, c, ivy, "GET", "/v3/users?name="+IvyUserName, nil)
	if us := arr(r.json(t)["users"]); len(us) != 1 || obj(us[0])["id"] != IvyUserID || obj(us[0])["pwd_status"] != true {
		t.Errorf("users by name %s", r.body)
	}
	r = call(t, c, ivy, "GET", "/v3/users/"+BobUserID, nil)
	expectStatus(t, r, http.StatusOK)
	if str(r.json(t), "user.name") != BobUserName {
		t.Errorf("user %s", r.body)
	}
	r = call(t, c, ivy, "GET", "/v3/users/"+BobUserID+"/groups", nil)
	expectStatus(t, r, http.StatusOK)
	if gs := arr(r.json(t)["groups"]); len(gs) != 1 || obj(gs[0])["id"] != DevelopersGroupID {
		t.Errorf("bob's groups %s", r.body)
	}
	r = call(t, c, ivy, "GET", "/v3/users/"+IvyUserID+"/groups", nil)
	if gs := arr(r.json(t)["groups"]); len(gs) != 1 || obj(gs[0])["name"] != IAMReadOnlyGroupName || obj(gs[0])["id"] != IAMReadOnlyGroupID {
		t.Errorf("ivy's groups %s", r.body)
	}
	r = call(t, c, ivy, "GET", "/v3/groups", nil)
	expectStatus(t, r, http.StatusOK)
	if gs := arr(r.json(t)["groups"]); len(gs) != 4 {
		t.Errorf("groups %s", r.body)
	}
	r = call(t, c, ivy, "GET", "/v3.0/OS-AGENCY/agencies?domain_id="+DomainID, nil)
	expectStatus(t, r, http.StatusOK)
	if as := arr(r.json(t)["agencies"]); len(as) != 2 {
		t.Errorf("agencies %s", r.body)
	}
	r = call(t, c, ivy, "GET", "/v3.0/OS-AGENCY/agencies/"+VendorAgencyID, nil)
	expectStatus(t, r, http.StatusOK)
	if str(r.json(t), "agency.name") != VendorAgencyName {
		t.Errorf("agency %s", r.body)
	}

	// Not an admin: no CTS traces, no revoking others, no one else's keys or tokens.
	r = call(t, c, ivy, "GET", "/v3/"+ProjectID+"/traces", nil)
	expectStatus(t, r, http.StatusForbidden)
	if str(r.json(t), "error_code") != CodeCTSForbidden {
		t.Errorf("traces %s", r.body)
	}
	revoke := cceClusters + "/" + ProdClusterID + "/clustercertrevoke"
	for _, body := range []map[string]string{{"userId": BobUserID}, {"agencyId": OpsAgencyID}} {
		r = call(t, c, ivy, "POST", revoke, body)
		expectStatus(t, r, http.StatusForbidden)
		if m := r.json(t); m["errorCode"] != CodeForbidden {
			t.Errorf("revoke %v: %s", body, r.body)
		}
	}
	expectStatus(t, call(t, c, ivy, "POST", revoke, map[string]string{"userId": IvyUserID}), http.StatusOK) // self
	if revs := c.Revocations(); len(revs) != 1 || revs[0].UserID != IvyUserID || revs[0].RevokedBy != IvyUserID {
		t.Errorf("revocations %+v", revs)
	}
	expectStatus(t, call(t, c, ivy, "GET", "/v3.0/OS-CREDENTIAL/credentials/"+BobAccessKey, nil), http.StatusForbidden)
	expectStatus(t, call(t, c, ivy, "GET", "/v3.0/OS-CREDENTIAL/credentials/"+IvyAccessKey, nil), http.StatusOK)

	// Password sign-in; the token carries the non-admin role and may introspect only itself.
	r = call(t, c, cred{}, "POST", "/v3/auth/tokens", passwordBody(IvyUserName, IvyPassword, "id", ProjectID))
	expectStatus(t, r, http.StatusCreated)
	tok := r.header.Get("X-Subject-Token")
	m := r.json(t)
	if roles := arr(obj(m["token"])["roles"]); str(m, "token.user.id") != IvyUserID || len(roles) != 1 || obj(roles[0])["name"] != "readonly" {
		t.Errorf("token %s", r.body)
	}
	expectStatus(t, call(t, c, cred{token: tok}, "GET", "/v3/users", nil), http.StatusOK)
	expectStatus(t, call(t, c, cred{token: tok}, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", tok), http.StatusOK)
	other := c.IssueToken(AliceUserID)
	expectStatus(t, call(t, c, cred{token: tok}, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", other), http.StatusForbidden)

	// Membership, not the seeded user, grants the reads.
	c.AddUser(User{ID: "5ec0000000000000000000000000000a", Name: "second.reader", Enabled: true,
		Groups: []string{IAMReadOnlyGroupName}, AccessKey: "READERAK000000000010", SecretKey: "readerSK"})
	expectStatus(t, call(t, c, cred{ak: "READERAK000000000010", sk: "readerSK"}, "GET", "/v3/groups", nil), http.StatusOK)
}
