package mockcloud

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// TestSignInLockout: five failed password sign-ins in a row lock the user;
// a locked user is refused even with the right password until the lock
// ends; a success ends a run of failures; the lock can be turned off.
func TestSignInLockout(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(time.Now().UTC())
	c := NewForTest(t, WithClock(clock.Now))
	signIn := func(password string) response {
		return call(t, c, cred{}, "POST", "/v3/auth/tokens", passwordBody(AliceUserName, password, "id", ProjectID))
	}
	for range DefaultLockoutAttempts - 1 {
		expectStatus(t, signIn("wrong"), http.StatusUnauthorized)
	}
	expectStatus(t, signIn(AlicePassword), http.StatusCreated) // ends the run
	for i := range DefaultLockoutAttempts - 1 {
		expectStatus(t, signIn("wrong"), http.StatusUnauthorized)
		if failures, locked, _ := c.SignInStatus(AliceUserID); failures != i+1 || locked {
			t.Fatalf("after %d failures: status %d, locked %v", i+1, failures, locked)
		}
	}
	r := signIn("wrong") // the fifth in a row
	expectStatus(t, r, http.StatusUnauthorized)
	if _, locked, _ := c.SignInStatus(AliceUserID); !locked {
		t.Fatal("five failures in a row did not lock the user")
	}
	r = signIn(AlicePassword)
	expectStatus(t, r, http.StatusUnauthorized)
	if msg := str(r.json(t), "error.message"); !strings.Contains(msg, "locked") {
		t.Errorf("a locked user's sign-in says %q", msg)
	}
	if _, _, refused := c.SignInStatus(AliceUserID); refused != 1 {
		t.Errorf("refused while locked: %d, want 1", refused)
	}
	// Other users and access keys are not affected.
	expectStatus(t, call(t, c, cred{}, "POST", "/v3/auth/tokens", passwordBody(BobUserName, BobPassword, "id", ProjectID)), http.StatusCreated)
	expectStatus(t, call(t, c, aliceCred, "GET", "/v3/users/"+AliceUserID, nil), http.StatusOK)

	clock.Advance(DefaultLockoutPeriod + time.Second)
	expectStatus(t, signIn(AlicePassword), http.StatusCreated)

	off := NewForTest(t, WithSignInLockout(0, 0))
	for range 2 * DefaultLockoutAttempts {
		expectStatus(t, call(t, off, cred{}, "POST", "/v3/auth/tokens", passwordBody(AliceUserName, "wrong", "id", ProjectID)), http.StatusUnauthorized)
	}
	expectStatus(t, call(t, off, cred{}, "POST", "/v3/auth/tokens", passwordBody(AliceUserName, AlicePassword, "id", ProjectID)), http.StatusCreated)
}

// TestReadOnlyUser: the seeded read-only principal reads IAM, CCE and CTS
// like an admin, and CCE refuses its revocations (its own too) and its
// credential downloads with the documented 403.
func TestReadOnlyUser(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	ro := cred{ak: RoAccessKey, sk: RoSecretKey}
	r := call(t, c, ro, "GET", "/v3/users", nil)
	expectStatus(t, r, http.StatusOK)
	if us := arr(r.json(t)["users"]); len(us) != 7 {
		t.Errorf("users %s", r.body)
	}
	expectStatus(t, call(t, c, ro, "GET", "/v3/users/"+RoUserID+"/groups", nil), http.StatusOK)
	expectStatus(t, call(t, c, ro, "GET", "/v3.0/OS-AGENCY/agencies?domain_id="+DomainID, nil), http.StatusOK)
	cluster := "/api/v3/projects/" + ProjectID + "/clusters/" + ProdClusterID
	expectStatus(t, call(t, c, ro, "GET", cluster, nil, "X-Project-Id", ProjectID), http.StatusOK)
	expectStatus(t, call(t, c, ro, "GET", "/v3/"+ProjectID+"/traces?trace_type=system&limit=10", nil), http.StatusOK)

	for _, tc := range []struct {
		name, path string
		body       any
	}{
		{"revoke another's", cluster + "/clustercertrevoke", map[string]string{"userId": BobUserID}},
		{"revoke its own", cluster + "/clustercertrevoke", map[string]string{"userId": RoUserID}},
		{"download", cluster + "/clustercert", map[string]int{"duration": 1}},
	} {
		r := call(t, c, ro, "POST", tc.path, tc.body, "X-Project-Id", ProjectID)
		expectStatus(t, r, http.StatusForbidden)
		if m := r.json(t); m["errorCode"] != CodeForbidden || !strings.Contains(str(m, "message"), "only read") {
			t.Errorf("%s: %s", tc.name, r.body)
		}
	}
	if n := len(c.Revocations()); n != 0 {
		t.Errorf("%d revocations recorded", n)
	}
	if n := len(c.Issuances()); n != 0 {
		t.Errorf("%d credentials issued", n)
	}
	// The admin still may.
	expectStatus(t, call(t, c, adminCred, "POST", cluster+"/clustercertrevoke", map[string]string{"userId": RoUserID}, "X-Project-Id", ProjectID), http.StatusOK)
}

// TestAgencySessions: two sessions of one agency have their own keys and STS
// names "<agency ID>:<session>", and the control API hands them out.
func TestAgencySessions(t *testing.T) {
	t.Parallel()
	c := controlCloud(t)
	ak1, sk1, st1 := c.AssumeAgency(OpsAgencyID, "plan-job-1")
	r := ctl(t, c, "POST", "/mockcloud/v1/agencies/"+OpsAgencyName+"/sessions", `{"session_name": "apply-job-2"}`)
	expectStatus(t, r, http.StatusCreated)
	m := r.json(t)
	ak2, sk2, st2 := str(m, "access_key"), str(m, "secret_key"), str(m, "security_token")
	if ak1 == ak2 || sk1 == sk2 || st1 == st2 || ak2 == "" || sk2 == "" || st2 == "" {
		t.Fatalf("the sessions share keys or miss some: %s", r.body)
	}
	if m["agency_id"] != OpsAgencyID || m["principal_id"] != OpsAgencyID+":apply-job-2" || str(m, "expires_at") == "" {
		t.Errorf("session %s", r.body)
	}
	for _, s := range []struct {
		cred cred
		name string
	}{{cred{ak: ak1, sk: sk1, secToken: st1, noDomainID: true}, "plan-job-1"}, {cred{ak: ak2, sk: sk2, secToken: st2, noDomainID: true}, "apply-job-2"}} {
		r := call(t, c, s.cred, "GET", "/v5/caller-identity", nil)
		expectStatus(t, r, http.StatusOK)
		if id := r.json(t)["principal_id"]; id != OpsAgencyID+":"+s.name {
			t.Errorf("session %s: principal_id %v", s.name, id)
		}
	}
	// A session's keys need its own security token.
	expectStatus(t, call(t, c, cred{ak: ak2, sk: sk2, secToken: st1, noDomainID: true}, "GET", "/v5/caller-identity", nil), http.StatusUnauthorized)

	expectStatus(t, ctl(t, c, "POST", "/mockcloud/v1/agencies/"+OpsAgencyID+"/sessions", `{"session_name": "x"}`), http.StatusBadRequest)
	expectStatus(t, ctl(t, c, "POST", "/mockcloud/v1/agencies/"+OpsAgencyID+"/sessions", `not json`), http.StatusBadRequest)
	r = ctl(t, c, "POST", "/mockcloud/v1/agencies/no-such-agency/sessions", `{"session_name": "job-3"}`)
	expectStatus(t, r, http.StatusNotFound)
	if !strings.Contains(string(r.body), "no-such-agency") {
		t.Errorf("unknown agency: %s", r.body)
	}
}
