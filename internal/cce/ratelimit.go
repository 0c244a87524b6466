package cce

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The client's request rate adapts to the account's API quota, which every
// pipeline of the account shares (issue 22): it falls when the gateway
// throttles (429) and recovers after successes, AIMD-like, up to the
// configured rate_limit (none by default). Backoff with jitter and
// Retry-After between the tries of one request stay (retry.go); this paces
// every try of every request of the process that uses the same account.
const (
	// adaptCut is the multiplicative decrease on a 429: the rate halves.
	adaptCut = 0.5
	// adaptHold is how long after a cut another 429 leaves the rate alone:
	// the answers of requests sent before the cut say nothing about it.
	adaptHold = 500 * time.Millisecond
	// adaptFloor is the lowest rate a 429 brings the client down to.
	adaptFloor = 1.0
	// After a run of successes with no 429 as long as half the rate (half a
	// second's worth, at least adaptMinRun) the rate grows by adaptStep
	// requests per second: while pipelines contend for the quota, equal
	// steps and halving cuts bring them to equal shares, so that they
	// finish together. Once no 429 came for adaptProbeAfter, it grows by
	// adaptRaise instead (whichever is more), doubling in under 1.5 s: the
	// quota has room, as when other pipelines have finished. Measured with
	// 8 in-process clients of 250 revocations each against the mock at a
	// quota of 50 per second: growth by x1.25 alone took 1.6 times the
	// quota's bound, x1.5 alone 1.1 times with the clients finishing up to
	// 6 s apart, this 1.0 times, within 1.5 s, with half the 429s. The
	// bench's quota case (8 terraform applies) takes 1.05 to 1.11 times.
	adaptStep       = 2.0
	adaptProbeAfter = 2 * time.Second
	adaptRaise      = 1.5
	adaptRunFrac    = 0.5
	adaptMinRun     = 4.0
	// adaptWindow is the longest span over which the sending rate is
	// measured, adaptMinSpan the shortest (a burst at start-up is measured
	// over the time it took, not over a second); the first cut of an
	// unlimited client halves that measured rate.
	adaptWindow  = time.Second
	adaptMinSpan = 100 * time.Millisecond
	// adaptPoll is the longest a waiting request sleeps before it looks
	// at the rate again.
	adaptPoll = 100 * time.Millisecond
)

// adaptiveLimiter paces requests: unlimited (or at the configured ceiling)
// until the first 429, then at a rate that halves on a 429 (at most once per
// adaptHold, never below adaptFloor) and grows after each run of successes
// (by adaptStep, or by adaptRaise after adaptProbeAfter without a 429), up to
// the ceiling, one request at a time. It is safe for
// concurrent use.
type adaptiveLimiter struct {
	ceiling float64 // Config.RateLimit; 0: none
	now     func() time.Time

	mu       sync.Mutex
	lim      *rate.Limiter // nil while unlimited
	cur      float64       // the current rate; 0 while unlimited
	adapting bool          // a 429 was seen: cur is ours, not the ceiling
	lastCut  time.Time     // the last cut
	last429  time.Time     // the last 429, cut or not
	okRun    int
	sent     []time.Time // tries sent within adaptWindow, oldest first
}

// newAdaptiveLimiter starts unlimited, or at ceiling with a burst of
// max(1, int(ceiling)) when one is set.
func newAdaptiveLimiter(ceiling float64, now func() time.Time) *adaptiveLimiter {
	l := &adaptiveLimiter{ceiling: ceiling, now: now}
	if ceiling > 0 {
		l.cur = ceiling
		l.lim = rate.NewLimiter(rate.Limit(ceiling), max(1, int(ceiling)))
	}
	return l
}

// limiters holds one limiter per account and rate limit in this process, so
// that every Client of the process (every provider configuration of a run
// served by it) that shares a quota slows down together.
var limiters = struct {
	sync.Mutex
	m map[string]*adaptiveLimiter
}{m: map[string]*adaptiveLimiter{}}

// sharedLimiter returns the process's limiter for rc's account: its IAM
// endpoint and principal (an access key, a user of a domain, a hash of a
// token), and rate limit.
func sharedLimiter(rc *resolvedConfig) *adaptiveLimiter {
	cr := rc.Credentials
	h := sha256.New()
	for _, s := range []string{rc.iamURL, string(rc.method), cr.AccessKey, cr.UserName, cr.DomainName, cr.AuthToken} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	key := hex.EncodeToString(h.Sum(nil)) + "|" + strconv.FormatFloat(rc.RateLimit, 'g', -1, 64)
	limiters.Lock()
	defer limiters.Unlock()
	l, ok := limiters.m[key]
	if !ok {
		l = newAdaptiveLimiter(rc.RateLimit, time.Now)
		limiters.m[key] = l
	}
	return l
}

// Wait blocks until a try may be sent, or ctx ends. It takes a token when
// one is there and otherwise sleeps until the next one is due, at most
// adaptPoll: a waiter holds no reservation made at an old rate, so a raised
// rate speeds up the requests already waiting.
func (l *adaptiveLimiter) Wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	for {
		l.mu.Lock()
		lim := l.lim
		if lim == nil || lim.Allow() {
			now := l.now()
			l.sent = append(l.prune(now), now)
			l.mu.Unlock()
			return nil
		}
		due := time.Duration((1 - lim.Tokens()) / float64(lim.Limit()) * float64(time.Second))
		l.mu.Unlock()
		t := time.NewTimer(min(max(due, time.Millisecond), adaptPoll))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// prune drops the tries older than adaptWindow; the caller holds mu.
func (l *adaptiveLimiter) prune(now time.Time) []time.Time {
	i := 0
	for i < len(l.sent) && now.Sub(l.sent[i]) > adaptWindow {
		i++
	}
	if i > 0 {
		l.sent = append(l.sent[:0], l.sent[i:]...)
	}
	return l.sent
}

// observe adapts the rate to an answer's status: a 429 cuts it, any other
// answer below 500 counts as a success; 5xx and transport errors say nothing
// about the quota.
func (l *adaptiveLimiter) observe(status int) {
	if l == nil {
		return
	}
	switch {
	case status == http.StatusTooManyRequests:
		l.throttled()
	case status < http.StatusInternalServerError:
		l.succeeded()
	}
}

// throttled cuts the rate, unless it was cut within adaptHold.
func (l *adaptiveLimiter) throttled() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.okRun = 0
	l.last429 = now
	if l.adapting && now.Sub(l.lastCut) < adaptHold {
		return
	}
	// What the client actually sent is the base: halving a rate it does
	// not reach would change nothing.
	base := 0.0
	if sent := l.prune(now); len(sent) > 0 {
		base = float64(len(sent)) / max(now.Sub(sent[0]), adaptMinSpan).Seconds()
	}
	if l.cur > 0 && (base == 0 || l.cur < base) {
		base = l.cur
	}
	l.setRate(math.Max(adaptFloor, base*adaptCut))
	l.adapting, l.lastCut = true, now
}

// succeeded counts a success and raises the rate after a run of them:
// additively while 429s are recent, multiplicatively once they are not.
func (l *adaptiveLimiter) succeeded() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.adapting {
		return
	}
	l.okRun++
	if float64(l.okRun) < math.Max(adaptMinRun, l.cur*adaptRunFrac) {
		return
	}
	l.okRun = 0
	next := l.cur + adaptStep
	if l.now().Sub(l.last429) >= adaptProbeAfter {
		next = math.Max(next, l.cur*adaptRaise)
	}
	if l.ceiling > 0 && next >= l.ceiling {
		// Back at the configured rate: as before the first 429.
		l.adapting = false
		l.cur = l.ceiling
		l.lim = rate.NewLimiter(rate.Limit(l.ceiling), max(1, int(l.ceiling)))
		return
	}
	l.setRate(next)
}

// setRate paces at r requests per second, one at a time (burst 1), so that
// the requests of a throttled client are spread out; the caller holds mu.
func (l *adaptiveLimiter) setRate(r float64) {
	if l.ceiling > 0 {
		r = math.Min(r, l.ceiling)
	}
	l.cur = r
	if l.lim == nil {
		l.lim = rate.NewLimiter(rate.Limit(r), 1)
		return
	}
	l.lim.SetLimit(rate.Limit(r))
	l.lim.SetBurst(1)
}

// rate returns the current rate, 0 when unlimited.
func (l *adaptiveLimiter) rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur
}

// rateTransport waits on the process's adaptive limiter before every try
// and tells it how the try was answered.
type rateTransport struct {
	next    http.RoundTripper
	limiter *adaptiveLimiter
}

// RoundTrip implements http.RoundTripper.
func (t *rateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.limiter.Wait(req.Context()); err != nil {
		return nil, &permanentError{err: err}
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		t.limiter.observe(resp.StatusCode)
	}
	return resp, err
}
