package mockcloud

import (
	"net/http"
	"strings"
	"testing"
)

// TestCallerIdentity covers STS GET /v5/caller-identity for every kind of
// caller: permanent and temporary keys, tokens of both scopes, an agency
// session and a federated user.
func TestCallerIdentity(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	tmpAK, tmpSK, tmpST := c.IssueTemporaryCredential(BobUserID)
	agAK, agSK, agST := c.AssumeAgency(OpsAgencyID, "ci-run-42")
	fedAK, fedSK, fedST := c.FederatedSession("idp-corp", "carol@example.com")
	for _, tc := range []struct {
		name    string
		cred    cred
		urn, id string
	}{
		{name: "permanent keys", cred: aliceCred, urn: "iam::" + DomainID + ":user:" + AliceUserName, id: AliceUserID},
		{name: "temporary keys", cred: cred{ak: tmpAK, sk: tmpSK, secToken: tmpST}, urn: "iam::" + DomainID + ":user:" + BobUserName, id: BobUserID},
		{name: "project token", cred: cred{token: c.IssueToken(AdminUserID)}, urn: "iam::" + DomainID + ":user:" + AdminUserName, id: AdminUserID},
		{name: "domain token", cred: cred{token: c.IssueDomainScopedToken(AliceUserID)}, urn: "iam::" + DomainID + ":user:" + AliceUserName, id: AliceUserID},
		{name: "agency session", cred: cred{ak: agAK, sk: agSK, secToken: agST},
			urn: "sts::" + DomainID + ":assumed-agency:" + OpsAgencyName + "/ci-run-42", id: OpsAgencyID + ":ci-run-42"},
		{name: "federated user", cred: cred{ak: fedAK, sk: fedSK, secToken: fedST},
			urn: "sts::" + DomainID + ":external-user:idp-corp/carol@example.com", id: "idp-corp:carol@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// STS is no IAM API: it needs no X-Domain-Id.
			tc.cred.noDomainID = true
			r := call(t, c, tc.cred, "GET", "/v5/caller-identity", nil)
			expectStatus(t, r, http.StatusOK)
			m := r.json(t)
			if m["account_id"] != DomainID || m["principal_urn"] != tc.urn || m["principal_id"] != tc.id {
				t.Errorf("got %s", r.body)
			}
		})
	}
	expectStatus(t, call(t, c, cred{ak: AliceAccessKey, sk: "wrong"}, "GET", "/v5/caller-identity", nil), http.StatusUnauthorized)
	// The credential look-up is documented for permanent keys only.
	expectStatus(t, call(t, c, cred{ak: tmpAK, sk: tmpSK, secToken: tmpST}, "GET", "/v3.0/OS-CREDENTIAL/credentials/"+tmpAK, nil),
		http.StatusNotFound)
}

// TestDomainHeader covers X-Domain-Id on AK/SK-signed IAM requests: required
// except on the two look-ups the official SDK makes without it, checked
// against the key's account, and not asked of tokens or of CCE.
func TestDomainHeader(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	bare := cred{ak: AliceAccessKey, sk: AliceSecretKey, noDomainID: true}
	for _, p := range []string{"/v3/users/" + AliceUserID, "/v3/users/" + AliceUserID + "/groups",
		"/v3.0/OS-CREDENTIAL/credentials/" + AliceAccessKey, "/v3/auth/tokens"} {
		r := call(t, c, bare, "GET", p, nil)
		expectStatus(t, r, http.StatusUnauthorized)
		if m := r.json(t); m["error_code"] != CodeAuthFailed || !strings.Contains(str(m, "error_msg"), "X-Domain-Id is required") ||
			m["request_id"] != r.header.Get("X-Request-Id") {
			t.Errorf("%s without X-Domain-Id: %s", p, r.body)
		}
	}
	r := call(t, c, bare, "GET", "/v3/users/"+AliceUserID, nil, "X-Domain-Id", "0000000000000000000000000000beef")
	if expectStatus(t, r, http.StatusUnauthorized); !strings.Contains(str(r.json(t), "error_msg"), "is not the account") {
		t.Errorf("foreign X-Domain-Id: %s", r.body)
	}
	for _, p := range []string{"/v3/auth/domains", "/v3/projects?name=" + Region, cceClusters} {
		expectStatus(t, call(t, c, bare, "GET", p, nil), http.StatusOK)
	}
	expectStatus(t, call(t, c, aliceCred, "GET", "/v3/users/"+AliceUserID, nil), http.StatusOK)
	expectStatus(t, call(t, c, cred{token: c.IssueToken(AliceUserID)}, "GET", "/v3/users/"+AliceUserID, nil), http.StatusOK)
}

// TestTokenScope covers a domain-scoped token: IAM and STS take it, CCE and
// CTS refuse it with the gateway's 401.
func TestTokenScope(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	domainTok := cred{token: c.IssueDomainScopedToken(AdminUserID)}
	for _, p := range []string{cceClusters, cceClusters + "/" + ProdClusterID, tracesPath} {
		r := call(t, c, domainTok, "GET", p, nil)
		expectStatus(t, r, http.StatusUnauthorized)
		if m := r.json(t); m["error_code"] != CodeAuthFailed || !strings.Contains(str(m, "error_msg"), "scoped to a domain") {
			t.Errorf("%s: %s", p, r.body)
		}
	}
	for _, p := range []string{"/v3/users", "/v5/caller-identity"} {
		expectStatus(t, call(t, c, domainTok, "GET", p, nil), http.StatusOK)
	}
	expectStatus(t, call(t, c, cred{token: c.IssueToken(AdminUserID)}, "GET", cceClusters, nil), http.StatusOK)
}

// TestAgencySession covers what an agency session may do: what its agency's
// policies allow (Agency.Admin), its own credential always, and certificates
// whose CN is the agency ID. Its keys die with the agency.
func TestAgencySession(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	c.AddAgency(Agency{ID: "a9e000000000000000000000000000aa", Name: "platform-ops", Admin: true})
	adminAK, adminSK, adminST := c.AssumeAgency("a9e000000000000000000000000000aa", "deploy")
	ops := cred{ak: adminAK, sk: adminSK, secToken: adminST}
	vAK, vSK, vST := c.AssumeAgency(VendorAgencyID, "ticket-7")
	vendor := cred{ak: vAK, sk: vSK, secToken: vST}
	revoke := func(cr cred, body map[string]string) response {
		return call(t, c, cr, "POST", cceClusters+"/"+ProdClusterID+"/clustercertrevoke", body)
	}
	expectStatus(t, revoke(ops, map[string]string{"userId": BobUserID}), http.StatusOK)
	expectStatus(t, call(t, c, ops, "GET", "/v3/users", nil), http.StatusOK)
	expectStatus(t, revoke(vendor, map[string]string{"userId": BobUserID}), http.StatusForbidden)
	expectStatus(t, call(t, c, vendor, "GET", "/v3/users", nil), http.StatusForbidden)
	expectStatus(t, revoke(vendor, map[string]string{"agencyId": VendorAgencyID}), http.StatusOK)
	kc := issueFor(t, c, vendor, ProdClusterID, map[string]int{"duration": 1})
	if kc.clientCertOf(t).Subject.CommonName != VendorAgencyID {
		t.Errorf("CN %q, want the agency ID", kc.clientCertOf(t).Subject.CommonName)
	}
	if r := kc.kube(t, kc.server(), "GET", "/api", true); r.status != http.StatusOK {
		t.Errorf("the session's certificate before its agency's revocation: %d", r.status)
	}
	expectStatus(t, revoke(vendor, map[string]string{"agencyId": VendorAgencyID}), http.StatusOK)
	if r := kc.kube(t, kc.server(), "GET", "/api", true); r.status != http.StatusUnauthorized {
		t.Errorf("the session's certificate after its agency's revocation: %d", r.status)
	}
	revs := c.Revocations()
	if len(revs) != 3 || revs[1].AgencyID != VendorAgencyID || revs[1].RevokedBy != VendorAgencyID {
		t.Errorf("revocations %+v", revs)
	}
	c.DeleteAgency(VendorAgencyID, AdminUserID)
	expectStatus(t, call(t, c, vendor, "GET", "/v5/caller-identity", nil), http.StatusUnauthorized)
}

// TestFailedDeletions covers deletions IAM refuses: nothing is deleted, and
// CTS records the attempt with its code and the rating "warning".
func TestFailedDeletions(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	if c.DeleteUser(BobUserID, AliceUserID) || c.DeleteAgency(VendorAgencyID, AliceUserID) || c.DeleteUser("0000000000000000000000000000dead", AdminUserID) {
		t.Fatal("a refused deletion reported success")
	}
	expectStatus(t, call(t, c, adminCred, "GET", "/v3/users/"+BobUserID, nil), http.StatusOK)
	expectStatus(t, call(t, c, adminCred, "GET", "/v3.0/OS-AGENCY/agencies/"+VendorAgencyID, nil), http.StatusOK)
	if !c.DeleteUser(LeaverUserID, AdminUserID) {
		t.Fatal("the admin's deletion failed")
	}
	r := call(t, c, adminCred, "GET", tracesPath+"?service_type=IAM", nil)
	got := map[string]string{}
	for _, tr := range arr(r.json(t)["traces"]) {
		m := obj(tr)
		got[str(m, "trace_name")+" "+str(m, "resource_id")] = str(m, "code") + " " + str(m, "trace_rating")
	}
	want := map[string]string{
		"deleteUser " + BobUserID:                     "403 warning",
		"deleteAgency " + VendorAgencyID:              "403 warning",
		"deleteUser 0000000000000000000000000000dead": "404 warning",
		"deleteUser " + LeaverUserID:                  "200 normal",
	}
	if len(got) != len(want) {
		t.Errorf("traces %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	r = call(t, c, adminCred, "GET", tracesPath+"?trace_rating=warning", nil)
	if n := len(arr(r.json(t)["traces"])); n != 3 {
		t.Errorf("trace_rating=warning: %d traces: %s", n, r.body)
	}
}

// TestRecordedHeaders checks that the request log keeps the headers that
// tell how a client called, and never a secret value.
func TestRecordedHeaders(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	ak, sk, st := c.IssueTemporaryCredential(BobUserID)
	tok := c.IssueToken(AliceUserID)
	call(t, c, cred{ak: ak, sk: sk, secToken: st}, "GET", "/v3/users/"+BobUserID, nil, "X-Project-Id", ProjectID)
	call(t, c, cred{token: tok}, "GET", "/v3/auth/tokens", nil, "X-Subject-Token", tok)
	reqs := c.Requests()
	h := reqs[0].Header
	if h["X-Domain-Id"] != DomainID || h["X-Project-Id"] != ProjectID || h["X-Security-Token"] != "***" || h["X-Sdk-Date"] == "" ||
		!strings.HasPrefix(h["Authorization"], "SDK-HMAC-SHA256 Access="+ak+", SignedHeaders=") || !strings.HasSuffix(h["Authorization"], "Signature=***") {
		t.Errorf("AK/SK request headers %v", h)
	}
	if h := reqs[1].Header; h["X-Auth-Token"] != "***" || h["X-Subject-Token"] != "***" || len(h) != 2 {
		t.Errorf("token request headers %v", h)
	}
	for _, r := range reqs {
		for _, v := range r.Header {
			for _, secret := range []string{sk, st, tok} {
				if strings.Contains(v, secret) {
					t.Errorf("a secret reached the request log: %v", r.Header)
				}
			}
		}
	}
}
