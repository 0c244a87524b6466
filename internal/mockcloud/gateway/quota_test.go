package gateway

import (
	"testing"
	"time"
)

// The bucket starts full, refuses without taking a token, refills at rps and
// never holds more than burst.
func TestQuota_bucket(t *testing.T) {
	t.Parallel()
	at := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return at }
	q := newQuotaBucket(Quota{RPS: 10, Burst: 3}, clock)
	for i := range 3 {
		if q.deny() {
			t.Fatalf("request %d of a full bucket of 3 refused", i+1)
		}
	}
	for i := range 2 {
		if !q.deny() {
			t.Fatalf("request %d in the same instant admitted", 4+i)
		}
	}
	at = at.Add(100 * time.Millisecond) // one token at 10 per second
	if q.deny() {
		t.Fatal("the token refilled after 100ms was not there: refused requests took tokens")
	}
	if !q.deny() {
		t.Fatal("a second request after 100ms was admitted")
	}
	at = at.Add(time.Hour)
	for i := range 3 {
		if q.deny() {
			t.Fatalf("request %d after an hour refused", i+1)
		}
	}
	if !q.deny() {
		t.Fatal("the bucket held more than its burst of 3 after an hour")
	}
	if got := (QuotaStats{Admitted: q.admitted, Throttled: q.throttled}); got.Admitted != 7 || got.Throttled != 4 {
		t.Fatalf("counts %+v, want 7 admitted and 4 throttled", got)
	}
	if newQuotaBucket(Quota{}, clock).deny() {
		t.Fatal("no quota refused a request")
	}
}
