package mockcloud

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// TestAKSKOverHTTP covers signature failures, skew and temporary credentials end to end.
func TestAKSKOverHTTP(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	c := NewForTest(t, WithClock(clock.Now))
	path := cceClusters + "/" + ProdClusterID

	expectStatus(t, call(t, c, adminCred, "GET", path, nil), http.StatusOK)
	expectStatus(t, call(t, c, cred{ak: AdminAccessKey, sk: AdminSecretKey, skew: -14 * time.Minute}, "GET", path, nil), http.StatusOK)

	for name, cr := range map[string]cred{
		"skew past":   {ak: AdminAccessKey, sk: AdminSecretKey, skew: -16 * time.Minute},
		"skew future": {ak: AdminAccessKey, sk: AdminSecretKey, skew: 16 * time.Minute},
		"wrong sk":    {ak: AdminAccessKey, sk: "nope"},
		"unknown ak":  {ak: "UNKNOWNAK00000000000", sk: AdminSecretKey},
	} {
		r := call(t, c, cr, "GET", path, nil)
		expectStatus(t, r, http.StatusUnauthorized)
		m := r.json(t)
		if m["error_code"] != CodeAuthFailed || !strings.HasPrefix(str(m, "error_msg"), "Incorrect IAM authentication information: verify aksk signature fail") ||
			str(m, "request_id") != r.header.Get("X-Request-Id") {
			t.Errorf("%s: body %s", name, r.body)
		}
	}
	r := call(t, c, cred{ak: AdminAccessKey, sk: "nope"}, "GET", path, nil)
	want := `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail","request_id":"` +
		r.header.Get("X-Request-Id") + `"}` + "\n"
	if string(r.body) != want {
		t.Errorf("bad signature body %q, want %q", r.body, want)
	}

	// The clock moves: a request signed "now" is fine again after 20 minutes.
	clock.Advance(20 * time.Minute)
	expectStatus(t, call(t, c, adminCred, "GET", path, nil), http.StatusOK)

	// A tampered query fails.
	req, err := http.NewRequest("GET", c.URL()+cceClusters+"?status=Available", nil)
	if err != nil {
		t.Fatal(err)
	}
	signForTest(req, nil, adminCred, clock.Now())
	req.URL.RawQuery = "status=Upgrading"
	resp, err := httpClient(t, c).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("tampered query: %d", resp.StatusCode)
	}

	// Temporary credentials need the matching X-Security-Token.
	ak, sk, st := c.IssueTemporaryCredential(AliceUserID)
	expectStatus(t, call(t, c, cred{ak: ak, sk: sk}, "GET", path, nil), http.StatusUnauthorized)
	expectStatus(t, call(t, c, cred{ak: ak, sk: sk, secToken: st + "x"}, "GET", path, nil), http.StatusUnauthorized)
	expectStatus(t, call(t, c, cred{ak: ak, sk: sk, secToken: st}, "GET", path, nil), http.StatusOK)
	reqs := c.Requests()
	last := reqs[len(reqs)-1]
	if last.Auth != AuthTemporaryAKSK || last.Caller != AliceUserID {
		t.Errorf("last request %+v", last)
	}
	clock.Advance(25 * time.Hour)
	expectStatus(t, call(t, c, cred{ak: ak, sk: sk, secToken: st}, "GET", path, nil), http.StatusUnauthorized)
}
