package mockcloud

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file is the account's API quota (WithQuota, the standalone mock's
// -quota flag): the API gateway's flow control, which every pipeline of an
// account shares. Every guess it makes is a line of UNCONFIRMED.md under "API
// gateway".

// QuotaFault is the Request.Fault of a request the quota refused. It is no
// FaultKind: no rule injects it, and a refused request meets no fault.
const QuotaFault = "quota"

// WithQuota gives the account a quota of rps requests per second with bursts
// of up to burst requests: a token bucket that starts full and refills at rps.
// A request beyond it is answered 429 APIGW.0308 as a throttling fault is,
// without Retry-After, is recorded with Fault QuotaFault and reaches no
// service (no authentication, no fault rule, no handler). A refused request
// takes no token. The mock has one account, so every request of the main
// listener counts; kube API servers and the control API do not. The bucket
// runs on real time, whatever WithClock says. rps 0 turns the quota off (the
// default); Start fails on a negative rps or on burst < 1 with rps > 0.
func WithQuota(rps float64, burst int) Option {
	return func(o *options) { o.quota = quotaConfig{rps: rps, burst: burst} }
}

// quotaConfig holds WithQuota's arguments.
type quotaConfig struct {
	rps   float64
	burst int
}

// validate reports a quota that cannot work.
func (q quotaConfig) validate() error {
	switch {
	case math.IsNaN(q.rps) || math.IsInf(q.rps, 0) || q.rps < 0:
		return fmt.Errorf("quota: %v requests per second is not a finite number of 0 or more", q.rps)
	case q.rps > 0 && q.burst < 1:
		return fmt.Errorf("quota: a burst of %d requests is less than 1", q.burst)
	}
	return nil
}

// quotaBucket is the account's token bucket; nil when there is no quota.
type quotaBucket struct {
	cfg quotaConfig
	now func() time.Time

	mu                  sync.Mutex
	tokens              float64
	last                time.Time
	admitted, throttled int
}

// newQuotaBucket returns the bucket of cfg, full, or nil without a quota.
func newQuotaBucket(cfg quotaConfig, now func() time.Time) *quotaBucket {
	if cfg.rps <= 0 {
		return nil
	}
	return &quotaBucket{cfg: cfg, now: now, tokens: float64(cfg.burst), last: now()}
}

// deny takes a token for one request and reports whether there was none, in
// which case the request is refused. A nil bucket refuses nothing.
func (q *quotaBucket) deny() bool {
	if q == nil {
		return false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	if el := now.Sub(q.last); el > 0 {
		q.tokens = math.Min(float64(q.cfg.burst), q.tokens+el.Seconds()*q.cfg.rps)
		q.last = now
	}
	if q.tokens < 1 {
		q.throttled++
		return true
	}
	q.tokens--
	q.admitted++
	return false
}

// QuotaStats is what the quota did so far.
type QuotaStats struct {
	RPS       float64 `json:"rps"`   // requests per second; 0: no quota
	Burst     int     `json:"burst"` // the bucket's size
	Admitted  int     `json:"admitted"`
	Throttled int     `json:"throttled"` // answered 429 by the quota
}

// QuotaStats returns the quota's settings and counts (zero without a quota).
func (c *Cloud) QuotaStats() QuotaStats {
	q := c.quota
	if q == nil {
		return QuotaStats{}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return QuotaStats{RPS: q.cfg.rps, Burst: q.cfg.burst, Admitted: q.admitted, Throttled: q.throttled}
}

// overQuota answers a request the quota refuses and reports whether it did.
func (c *Cloud) overQuota(rc *reqCtx) bool {
	if !c.quota.deny() {
		return false
	}
	writeAPIGW(rc, http.StatusTooManyRequests, CodeThrottled, quotaMessage(c.quota.cfg.rps))
	return true
}

// quotaMessage is the gateway's throttling message with the quota's limit,
// in the shape of throttleMessage.
func quotaMessage(rps float64) string {
	return "The throttling threshold has been reached: policy user over ratelimit,limit:" +
		strconv.FormatFloat(rps, 'g', -1, 64) + ",time:1 second"
}

// ParseQuota reads the -quota flag of the standalone mock: "RPS" or
// "RPS/BURST" (requests per second, the bucket's size; the size defaults to
// RPS rounded up, at least 1). "0" is no quota.
func ParseQuota(s string) (rps float64, burst int, err error) {
	rs, bs, hasBurst := strings.Cut(s, "/")
	rps, err = strconv.ParseFloat(rs, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("quota %q: %q is not a number of requests per second (the form is RPS or RPS/BURST, e.g. 50 or 50/100)", s, rs)
	}
	burst = max(1, int(math.Ceil(rps)))
	if hasBurst {
		if burst, err = strconv.Atoi(bs); err != nil {
			return 0, 0, fmt.Errorf("quota %q: %q is not a whole number of requests (the form is RPS or RPS/BURST, e.g. 50/100)", s, bs)
		}
	}
	if err := (quotaConfig{rps: rps, burst: burst}).validate(); err != nil {
		return 0, 0, errors.New(err.Error() + " (the form is RPS or RPS/BURST, e.g. 50 or 50/100)")
	}
	return rps, burst, nil
}

// ctlQuota answers GET /quota: the quota's settings and counts.
func (c *Cloud) ctlQuota(_ *control, q *controlReq) { q.reply(http.StatusOK, c.QuotaStats()) }

// revocationJSON is one revocation as GET /revocations answers it.
type revocationJSON struct {
	ClusterID string    `json:"cluster_id"`
	UserID    string    `json:"user_id,omitempty"`
	AgencyID  string    `json:"agency_id,omitempty"`
	RevokedBy string    `json:"revoked_by"`
	At        time.Time `json:"at"`
}

// ctlRevocations answers GET /revocations: every accepted revocation,
// oldest first, so that a harness can check that each happened once.
func (c *Cloud) ctlRevocations(_ *control, q *controlReq) {
	revs := c.Revocations()
	out := make([]revocationJSON, len(revs))
	for i, r := range revs {
		out[i] = revocationJSON(r)
	}
	q.reply(http.StatusOK, out)
}
