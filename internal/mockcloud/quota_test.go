package mockcloud

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// A request beyond the quota gets the gateway's 429 APIGW.0308 without
// Retry-After, reaches no service (the revocation is not stored, no caller is
// authenticated), and is recorded with Fault "quota", also in the log lines.
func TestQuota_throttledRequestNotPassedOn(t *testing.T) {
	t.Parallel()
	var log testkit.Buffer
	c := NewForTest(t, WithQuota(0.001, 2), WithLogWriter(&log), WithFaults(1, Fault{Route: RouteRevoke, Kind: FaultStatus500, Probability: 1, Times: 1}))
	body := map[string]string{"userId": AliceUserID}
	// The first admitted revocation meets the 500 rule, the second is stored.
	expectStatus(t, call(t, c, adminCred, "POST", revokePath, body), http.StatusInternalServerError)
	expectStatus(t, call(t, c, adminCred, "POST", revokePath, body), http.StatusOK)
	r := call(t, c, adminCred, "POST", revokePath, body)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "" {
		t.Fatalf("third request: %d, Retry-After %q, want 429 without it", r.status, r.header.Get("Retry-After"))
	}
	m := r.json(t)
	if str(m, "error_code") != CodeThrottled || str(m, "error_msg") != "The throttling threshold has been reached: policy user over ratelimit,limit:0.001,time:1 second" ||
		str(m, "request_id") == "" {
		t.Fatalf("body %s", r.body)
	}
	if n := len(c.Revocations()); n != 1 {
		t.Fatalf("%d revocations stored, want 1: the throttled request reached CCE", n)
	}
	last := lastRequest(t, c)
	if last.Fault != QuotaFault || last.Status != http.StatusTooManyRequests || last.Caller != "" || last.Route != RouteRevoke {
		t.Fatalf("recorded %+v", last)
	}
	if got := strings.Join(faultsOf(c), ","); got != "500,,quota" {
		t.Fatalf("faults %q, want 500,,quota", got)
	}
	if !strings.Contains(log.String(), " 429 - fault=quota\n") {
		t.Fatalf("log has no throttled line:\n%s", log.String())
	}
	if got := c.QuotaStats(); got != (QuotaStats{RPS: 0.001, Burst: 2, Admitted: 2, Throttled: 1}) {
		t.Fatalf("stats %+v", got)
	}
}

// Every request of the main listener counts, whoever sends it and to
// whichever service: the quota is the account's.
func TestQuota_accountWide(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithQuota(0.001, 3))
	expectStatus(t, call(t, c, adminCred, "GET", getCluster, nil), http.StatusOK)
	expectStatus(t, call(t, c, aliceCred, "GET", "/v3/users/"+AliceUserID, nil), http.StatusOK)
	expectStatus(t, call(t, c, bobCred, "GET", "/no/such/route", nil), http.StatusNotFound)
	for _, cr := range []cred{adminCred, aliceCred, bobCred} {
		expectStatus(t, call(t, c, cr, "GET", getCluster, nil), http.StatusTooManyRequests)
	}
}

// Without WithQuota nothing is throttled and the stats are zero.
func TestQuota_offByDefault(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	for range 50 {
		expectStatus(t, call(t, c, adminCred, "GET", getCluster, nil), http.StatusOK)
	}
	if got := c.QuotaStats(); got != (QuotaStats{}) {
		t.Fatalf("stats %+v", got)
	}
}

// Start refuses a quota that cannot work; ParseQuota reads the flag.
func TestQuota_settings(t *testing.T) {
	t.Parallel()
	for _, o := range []Option{WithQuota(-1, 1), WithQuota(math.NaN(), 1), WithQuota(math.Inf(1), 1), WithQuota(5, 0)} {
		if c, err := Start(o); err == nil {
			c.Close()
			t.Errorf("Start accepted %+v", o)
		}
	}
	for _, tc := range []struct {
		in    string
		rps   float64
		burst int
		err   string
	}{
		{"50", 50, 50, ""}, {"0.5", 0.5, 1, ""}, {"50/100", 50, 100, ""}, {"0", 0, 1, ""},
		{"fast", 0, 0, `"fast" is not a number`}, {"50/x", 0, 0, `"x" is not a whole number`},
		{"-1", 0, 0, "is not a finite number of 0 or more"}, {"5/0", 0, 0, "a burst of 0 requests is less than 1"},
	} {
		rps, burst, err := ParseQuota(tc.in)
		switch {
		case tc.err == "" && (err != nil || rps != tc.rps || burst != tc.burst):
			t.Errorf("ParseQuota(%q) = %v, %d, %v", tc.in, rps, burst, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "RPS/BURST")):
			t.Errorf("ParseQuota(%q) error %v, want it to say %q and the form", tc.in, err, tc.err)
		}
	}
}

// The control API shows the quota's counts and every stored revocation.
func TestQuota_control(t *testing.T) {
	t.Parallel()
	c := controlCloud(t, WithQuota(0.001, 1))
	expectStatus(t, call(t, c, adminCred, "POST", revokePath, map[string]string{"userId": AliceUserID}), http.StatusOK)
	expectStatus(t, call(t, c, adminCred, "GET", getCluster, nil), http.StatusTooManyRequests)
	var stats QuotaStats
	r := ctl(t, c, "GET", "/mockcloud/v1/quota", "")
	if err := json.Unmarshal(r.body, &stats); err != nil || stats != (QuotaStats{RPS: 0.001, Burst: 1, Admitted: 1, Throttled: 1}) {
		t.Fatalf("GET /quota: %d %s", r.status, r.body)
	}
	var revs []revocationJSON
	r = ctl(t, c, "GET", "/mockcloud/v1/revocations", "")
	if err := json.Unmarshal(r.body, &revs); err != nil || len(revs) != 1 || revs[0].ClusterID != ProdClusterID ||
		revs[0].UserID != AliceUserID || revs[0].RevokedBy != AdminUserID {
		t.Fatalf("GET /revocations: %d %s", r.status, r.body)
	}
}
