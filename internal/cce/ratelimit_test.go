package cce

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// sendN records n tries without waiting (the limiter is unlimited or the
// test does not care about pacing).
func sendN(t *testing.T, l *adaptiveLimiter, n int) {
	t.Helper()
	l.mu.Lock()
	now := l.now()
	for range n {
		l.sent = append(l.prune(now), now)
	}
	l.mu.Unlock()
}

func wantRate(t *testing.T, l *adaptiveLimiter, want float64, what string) {
	t.Helper()
	if got := l.rate(); math.Abs(got-want) > 1e-9 {
		t.Fatalf("%s: rate %v, want %v", what, got, want)
	}
}

// An unlimited client stays unlimited until a 429; then its rate is half of
// what it sent in the last second, halves again on a 429 after adaptHold
// (not before: those answers are of requests sent before the cut), and never
// falls below adaptFloor.
func TestAdaptiveLimiter_halvesOn429(t *testing.T) {
	clk := testkit.NewClock(time.Unix(1_700_000_000, 0))
	l := newAdaptiveLimiter(0, clk.Now)
	for range 40 {
		sendN(t, l, 1)
		clk.Advance(25 * time.Millisecond)
	}
	l.observe(http.StatusOK)
	l.observe(http.StatusNotFound)
	l.observe(http.StatusServiceUnavailable)
	wantRate(t, l, 0, "before any 429")
	l.observe(http.StatusTooManyRequests)
	wantRate(t, l, 20, "40 sent in the last second, then a 429")
	// A burst is measured over the time it took (at least adaptMinSpan).
	burst := newAdaptiveLimiter(0, clk.Now)
	sendN(t, burst, 30)
	clk.Advance(50 * time.Millisecond)
	burst.observe(http.StatusTooManyRequests)
	wantRate(t, burst, 150, "30 sent at once, then a 429")
	clk.Advance(adaptHold / 2)
	l.observe(http.StatusTooManyRequests)
	wantRate(t, l, 20, "a second 429 within the hold")
	clk.Advance(adaptHold)
	sendN(t, l, 100) // more than the rate allows: the rate is the base
	l.observe(http.StatusTooManyRequests)
	wantRate(t, l, 10, "a 429 after the hold")
	for range 10 {
		clk.Advance(adaptHold)
		sendN(t, l, 100)
		l.observe(http.StatusTooManyRequests)
	}
	wantRate(t, l, adaptFloor, "many 429s")
	// A rate the client does not reach is no base: it sent 2 in the last
	// second while allowed 40.
	l2 := newAdaptiveLimiter(40, clk.Now)
	sendN(t, l2, 2)
	clk.Advance(time.Second)
	l2.observe(http.StatusTooManyRequests)
	wantRate(t, l2, 1, "2 sent at a ceiling of 40, then a 429")
}

// After a cut the rate grows by adaptStep after every run of successes as
// long as half the rate (at least adaptMinRun), and by adaptRaise once no
// 429 came for adaptProbeAfter; a 429 restarts the run; with a ceiling it
// comes back to the ceiling and never exceeds it.
func TestAdaptiveLimiter_recovers(t *testing.T) {
	clk := testkit.NewClock(time.Unix(1_700_000_000, 0))
	l := newAdaptiveLimiter(0, clk.Now)
	sendN(t, l, 16)
	clk.Advance(500 * time.Millisecond)
	l.observe(http.StatusTooManyRequests)
	wantRate(t, l, 16, "cut")
	for range 7 {
		l.observe(http.StatusOK)
	}
	l.observe(http.StatusTooManyRequests) // within the hold: no cut, but the run restarts
	for range 7 {
		l.observe(http.StatusOK)
	}
	wantRate(t, l, 16, "7 successes after a 429")
	l.observe(http.StatusOK)
	wantRate(t, l, 16+adaptStep, "a run of 8 successes")
	for range 9 {
		l.observe(http.StatusOK)
	}
	wantRate(t, l, 16+2*adaptStep, "a run of 9 more")
	clk.Advance(adaptProbeAfter)
	for range 10 {
		l.observe(http.StatusOK)
	}
	wantRate(t, l, (16+2*adaptStep)*adaptRaise, "a run of 10 more, long after the last 429")

	c := newAdaptiveLimiter(10, clk.Now)
	wantRate(t, c, 10, "the ceiling before any 429")
	sendN(t, c, 30)
	clk.Advance(time.Second)
	c.observe(http.StatusTooManyRequests)
	wantRate(t, c, 5, "cut from the ceiling")
	for range 200 {
		c.observe(http.StatusOK)
		if r := c.rate(); r > 10 {
			t.Fatalf("rate %v above the ceiling of 10", r)
		}
	}
	wantRate(t, c, 10, "recovered")
	if c.adapting || c.lim.Burst() != 10 {
		t.Fatalf("recovered limiter: adapting %v, burst %d; want the ceiling's burst of 10 again", c.adapting, c.lim.Burst())
	}
}

// Wait paces concurrent callers together and never lets through more than
// the configured rate (plus its burst) in real time.
func TestAdaptiveLimiter_neverExceedsLimit(t *testing.T) {
	l := newAdaptiveLimiter(20, time.Now)
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	var n atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for l.Wait(ctx) == nil {
				n.Add(1)
			}
		})
	}
	wg.Wait()
	// One second at 20 per second with a burst of 20.
	if got := n.Load(); got > 41 || got < 30 {
		t.Fatalf("%d tries in one second at a limit of 20 (burst 20)", got)
	}
}

// Every Client of the process for one account (IAM endpoint and principal)
// and rate limit shares one limiter; another principal or limit has its own.
func TestAdaptiveLimiter_sharedByTheProcess(t *testing.T) {
	cloud := mockcloud.NewForTest(t)
	admin := keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	a, b := newMockClient(t, cloud, admin), newMockClient(t, cloud, admin)
	other := newMockClient(t, cloud, keys(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey))
	limited := newMockClient(t, cloud, admin, func(c *Config) { c.RateLimit = 5 })
	if a.limiter != b.limiter || a.limiter == other.limiter || a.limiter == limited.limiter {
		t.Fatal("limiters are not shared by account and rate limit")
	}
}

// Concurrent callers against the mock's account quota: every revocation
// succeeds, the shared limiter keeps the throttled tries few, and the run
// takes little more than the quota's bound. Without it the callers, retrying
// after 1 to 5 ms, are refused far more often than admitted.
func TestAdaptiveLimiter_accountQuota(t *testing.T) {
	const quota, callers, calls = 100, 8, 30
	cloud := mockcloud.NewForTest(t, mockcloud.WithQuota(quota, 10))
	c := newMockClient(t, cloud, keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey), func(cfg *Config) {
		cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = 10, time.Millisecond, 5*time.Millisecond
	})
	if _, err := c.ProjectID(t.Context()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range callers {
		wg.Go(func() {
			for j := range calls {
				if err := c.RevokeClusterCert(t.Context(), mockcloud.ProdClusterID, Applicant{UserID: fmt.Sprintf("u-%d-%d", i, j)}); err != nil {
					failed.Add(1)
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	st := cloud.QuotaStats()
	t.Logf("%d calls in %s: %d admitted, %d throttled; rate now %.1f/s", callers*calls, took.Round(time.Millisecond),
		st.Admitted, st.Throttled, c.limiter.rate())
	if failed.Load() > 0 {
		t.Fatalf("%d calls failed", failed.Load())
	}
	if st.Throttled*2 > st.Admitted {
		t.Errorf("%d tries throttled for %d admitted: the client did not slow down", st.Throttled, st.Admitted)
	}
	if bound := time.Duration(float64(st.Admitted-10) / quota * float64(time.Second)); took > 4*bound {
		t.Errorf("took %s, more than 4 times the quota's bound of %s", took, bound)
	}
	if r := c.limiter.rate(); r <= 0 || r > 2*quota {
		t.Errorf("rate %v after the run, want a rate near the quota of %d", r, quota)
	}
}

// Requests waiting at a low rate go faster as soon as the rate rises: a
// waiter holds no slot reserved at the old rate.
func TestAdaptiveLimiter_waitersFollowTheRate(t *testing.T) {
	l := newAdaptiveLimiter(0, time.Now)
	l.mu.Lock()
	l.setRate(adaptFloor) // one a second
	l.mu.Unlock()
	start := time.Now()
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if err := l.Wait(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(200 * time.Millisecond)
	l.mu.Lock()
	l.setRate(100)
	l.mu.Unlock()
	wg.Wait()
	// At one a second the tenth would wait 9 s.
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("10 waiters took %s after the rate went from 1 to 100 per second", took)
	}
}
