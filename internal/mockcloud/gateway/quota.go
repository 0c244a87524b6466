package gateway

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
)

// This file is the account's API quota (mockcloud.WithQuota, the standalone
// mock's -quota flag): the API gateway's flow control, which every pipeline of an
// account shares. Every guess it makes is a line of UNCONFIRMED.md under "API
// gateway".

// QuotaFault is the Request.Fault of a request the quota refused. It is no
// FaultKind: no rule injects it, and a refused request meets no fault.
const QuotaFault = "quota"

// Quota is the account's API quota: a token bucket of RPS requests per
// second with bursts of up to Burst requests, which starts full. A request
// beyond it is answered 429 APIGW.0308 as a throttling fault is, without
// Retry-After, is recorded with Fault QuotaFault and reaches no service (no
// authentication, no fault rule, no handler); it takes no token. Every
// request of the cloud's listeners counts; the clusters' API servers and the
// control API do not. The bucket runs on real time, whatever the cloud's
// clock says. RPS 0 is no quota.
type Quota struct {
	RPS   float64
	Burst int
}

// validate reports a quota that cannot work.
func (q Quota) validate() error {
	switch {
	case math.IsNaN(q.RPS) || math.IsInf(q.RPS, 0) || q.RPS < 0:
		return fmt.Errorf("quota: %v requests per second is not a finite number of 0 or more", q.RPS)
	case q.RPS > 0 && q.Burst < 1:
		return fmt.Errorf("quota: a burst of %d requests is less than 1", q.Burst)
	}
	return nil
}

// quotaBucket is the account's token bucket; nil when there is no quota.
type quotaBucket struct {
	cfg Quota
	now func() time.Time

	mu                  sync.Mutex
	tokens              float64
	last                time.Time
	admitted, throttled int
}

// newQuotaBucket returns the bucket of cfg, full, or nil without a quota.
func newQuotaBucket(cfg Quota, now func() time.Time) *quotaBucket {
	if cfg.RPS <= 0 {
		return nil
	}
	return &quotaBucket{cfg: cfg, now: now, tokens: float64(cfg.Burst), last: now()}
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
		q.tokens = math.Min(float64(q.cfg.Burst), q.tokens+el.Seconds()*q.cfg.RPS)
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
func (g *Gateway) QuotaStats() QuotaStats {
	q := g.quota
	if q == nil {
		return QuotaStats{}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return QuotaStats{RPS: q.cfg.RPS, Burst: q.cfg.Burst, Admitted: q.admitted, Throttled: q.throttled}
}

// overQuota answers a request the quota refuses and reports whether it did.
func (g *Gateway) overQuota(c *wire.Call) bool {
	if !g.quota.deny() {
		return false
	}
	wire.APIGW(c, http.StatusTooManyRequests, CodeThrottled, quotaMessage(g.quota.cfg.RPS))
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
	if err := (Quota{RPS: rps, Burst: burst}).validate(); err != nil {
		return 0, 0, errors.New(err.Error() + " (the form is RPS or RPS/BURST, e.g. 50 or 50/100)")
	}
	return rps, burst, nil
}
