package gateway

import (
	"crypto/tls"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
)

// This file is fault injection: per-route errors, throttling, latency,
// dropped connections and expiring tokens, chosen by a seeded random source so
// that a sequence of requests meets the same faults on every run.

// FaultKind names what an injected fault does; it is also Request.Fault.
type FaultKind string

// Fault kinds.
const (
	// FaultStatus500 answers 500 instead of handling the request: the CCE
	// envelope (CCE.01500001 "Internal error.") on /api/v3 routes, the API
	// gateway body APIGW.0103 "The backend does not exist." elsewhere.
	FaultStatus500 FaultKind = "500"
	// FaultStatus502 answers 502 instead of handling the request: the CCE
	// envelope (CCE.01500001) on /api/v3 routes, APIGW.0202 "Backend
	// unavailable." elsewhere.
	FaultStatus502 FaultKind = "502"
	// FaultStatus503 answers 503 like FaultStatus502 (no 503 gateway code is
	// documented; APIGW.0202 is reused, UNCONFIRMED), with a Retry-After
	// header only when Fault.RetryAfter is set.
	FaultStatus503 FaultKind = "503"
	// FaultThrottle answers the API gateway's 429 APIGW.0308, with a
	// Retry-After header only when Fault.RetryAfter is set.
	FaultThrottle FaultKind = "429"
	// FaultLatency waits Fault.Latency before handling the request; it adds to
	// every other fault that hits the same request.
	FaultLatency FaultKind = "latency"
	// FaultReset drops the connection (TCP reset, no TLS close_notify) without
	// handling the request or answering it; an HTTP/1.1 client sees
	// "connection reset by peer". The request is recorded with Status 0.
	// Go's http.Transport replays an idempotent request (GET) once by itself
	// when this hits a reused HTTP/1.1 keep-alive connection. Over HTTP/2
	// only the request's stream is reset (RST_STREAM INTERNAL_ERROR).
	FaultReset FaultKind = "reset"
	// FaultCommitDrop handles the request fully (a revocation is stored),
	// records its real Status, then closes the connection without sending
	// the response; an HTTP/1.1 client sees EOF. Over HTTP/2 only the
	// request's stream is reset (RST_STREAM INTERNAL_ERROR).
	FaultCommitDrop FaultKind = "commit-drop"
	// FaultExpireTokens expires the IAM token the request presents before
	// authentication: the request gets 401 APIGW.0301 "token expires,
	// expires_at: ..." and the token stays expired; other and new tokens
	// work. It applies only to requests of an authenticated route presenting
	// a token the cloud issued (X-Auth-Token or Authorization: Bearer);
	// others neither consume the rule nor record it.
	FaultExpireTokens FaultKind = "expire-tokens"
)

// faultKinds lists every kind, in documentation order.
var faultKinds = []FaultKind{FaultStatus500, FaultStatus502, FaultStatus503, FaultThrottle, FaultLatency,
	FaultReset, FaultCommitDrop, FaultExpireTokens}

// throttleMessage is the error_msg of an injected 429; the limit is
// arbitrary because no per-API quota is published (cce-api.md section 8).
const throttleMessage = "The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 minute"

// API gateway codes of injected 5xx answers outside /api/v3.
const (
	CodeBackendMissing     = "APIGW.0103"
	CodeBackendUnavailable = "APIGW.0202"
	CodeThrottled          = "APIGW.0308"
)

// Fault is one rule of fault injection. Rules are tried in order for every
// request: all matching FaultLatency rules add their latency, and the first
// other matching rule that fires decides the request's fate.
type Fault struct {
	// Route is a route label (e.g. mockcloud.RouteRevoke), or "" for every
	// route of the cloud's listeners, including paths that match no route. A
	// kube API server is only affected by rules naming one of its labels.
	Route string
	// Kind is what the rule injects.
	Kind FaultKind
	// Probability is the chance, 0..1, that a matching request is hit; 1 is
	// always and 0 never. Only fractional values draw from the seeded source.
	Probability float64
	// Times, when > 0, caps the injections of this rule: it stops after
	// hitting Times requests (with Probability 1, the first Times matching
	// requests). 0 is unlimited.
	Times int
	// Latency is the delay of a FaultLatency rule, added before handling.
	Latency time.Duration
	// RetryAfter is the Retry-After header value of a FaultThrottle or
	// FaultStatus503 rule; "" sends no header (as APIG is believed to do,
	// cce-api.md section 7).
	RetryAfter string
}

// validate reports a rule that cannot work here.
func (g *Gateway) validate(f Fault) error {
	return f.Validate(func(label string) bool { return g.known[label] })
}

// Validate reports a rule that cannot work; known tells the route labels.
func (f Fault) Validate(known func(label string) bool) error {
	switch {
	case !slices.Contains(faultKinds, f.Kind):
		return fmt.Errorf("fault kind %q is not one of %s", f.Kind, kindList())
	case f.Route != "" && !known(f.Route):
		return fmt.Errorf("fault route %q is not a Route* label", f.Route)
	case math.IsNaN(f.Probability) || f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("fault probability %v is outside 0..1", f.Probability)
	case f.Times < 0:
		return fmt.Errorf("fault times %d is negative", f.Times)
	case f.Kind == FaultLatency && f.Latency <= 0:
		return errors.New("a latency fault needs a positive latency")
	case f.Kind != FaultLatency && f.Latency != 0:
		return fmt.Errorf("a latency is only for kind %q", FaultLatency)
	case f.Kind != FaultThrottle && f.Kind != FaultStatus503 && f.RetryAfter != "":
		return fmt.Errorf("a retry-after is only for kind %q or %q", FaultThrottle, FaultStatus503)
	}
	return nil
}

// kindList returns the kinds as "500, 502, ...".
func kindList() string {
	s := make([]string, len(faultKinds))
	for i, k := range faultKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// String renders f in the -fault flag syntax that ParseFault reads.
func (f Fault) String() string {
	route := f.Route
	if route == "" {
		route = "*"
	}
	var b strings.Builder
	b.WriteString("route=" + route + ",kind=" + string(f.Kind) + ",p=" + strconv.FormatFloat(f.Probability, 'g', -1, 64))
	if f.Times > 0 {
		b.WriteString(",times=" + strconv.Itoa(f.Times))
	}
	if f.Latency != 0 {
		b.WriteString(",latency=" + f.Latency.String())
	}
	if f.RetryAfter != "" {
		b.WriteString(",retry-after=" + f.RetryAfter)
	}
	return b.String()
}

// faultRule is a rule with its injection count.
type faultRule struct {
	Fault
	hits int
}

// faultSet holds the active rules and their random source; guarded by mu.
type faultSet struct {
	mu    sync.Mutex
	rng   *rand.Rand
	rules []faultRule
}

// set replaces the rules and reseeds the source.
func (s *faultSet) set(seed int64, faults []Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rng = rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))
	s.rules = make([]faultRule, len(faults))
	for i, f := range faults {
		s.rules[i] = faultRule{Fault: f}
	}
}

// injection is what the rules decided for one request.
type injection struct {
	latency time.Duration
	kind    FaultKind // the deciding non-latency fault, or ""
	rule    Fault
}

// recorded returns the Request.Fault value: the deciding kind, else
// "latency" when only latency was added.
func (in injection) recorded() string {
	switch {
	case in.kind != "":
		return string(in.kind)
	case in.latency > 0:
		return string(FaultLatency)
	}
	return ""
}

// pick applies the rules to a request with the given route label. kube
// requests only match rules naming their label exactly. applies reports
// whether a kind can hit this request at all.
func (s *faultSet) pick(label string, kube bool, applies func(FaultKind) bool) injection {
	s.mu.Lock()
	defer s.mu.Unlock()
	var in injection
	for i := range s.rules {
		rl := &s.rules[i]
		if rl.Route != label && (kube || rl.Route != "") {
			continue
		}
		if rl.Kind != FaultLatency && in.kind != "" {
			continue
		}
		if (rl.Times > 0 && rl.hits >= rl.Times) || !applies(rl.Kind) || !s.fires(rl.Probability) {
			continue
		}
		rl.hits++
		if rl.Kind == FaultLatency {
			in.latency += rl.Latency
			continue
		}
		in.kind, in.rule = rl.Kind, rl.Fault
	}
	return in
}

// fires draws against p; the caller holds mu.
func (s *faultSet) fires(p float64) bool {
	switch {
	case p >= 1:
		return true
	case p <= 0:
		return false
	}
	return s.rng.Float64() < p
}

// pickFaults decides the faults of a request to the cloud's listeners; rt is
// its route, nil when none matched.
func (g *Gateway) pickFaults(rt *wire.Route, r *http.Request) injection {
	label := ""
	if rt != nil {
		label = rt.Pattern
	}
	return g.faults.pick(label, false, func(k FaultKind) bool {
		return k != FaultExpireTokens || rt != nil && !rt.Public && g.acct.KnownToken(presentedToken(r))
	})
}

// SetFaults replaces the fault rules, restarting their Times counts and the
// random source from seed; it changes nothing when a rule cannot work here.
func (g *Gateway) SetFaults(seed int64, faults ...Fault) error {
	for i, f := range faults {
		if err := g.validate(f); err != nil {
			return fmt.Errorf("fault %d: %w", i, err)
		}
	}
	g.faults.set(seed, faults)
	return nil
}

// AddFault appends a rule after the active ones.
func (g *Gateway) AddFault(f Fault) error {
	if err := g.validate(f); err != nil {
		return err
	}
	g.faults.mu.Lock()
	defer g.faults.mu.Unlock()
	g.faults.rules = append(g.faults.rules, faultRule{Fault: f})
	return nil
}

// RuleHits is an active rule with how often it fired.
type RuleHits struct {
	Fault Fault
	Hits  int
}

// Faults returns the active rules.
func (g *Gateway) Faults() []RuleHits {
	g.faults.mu.Lock()
	defer g.faults.mu.Unlock()
	out := make([]RuleHits, len(g.faults.rules))
	for i, rl := range g.faults.rules {
		out[i] = RuleHits{Fault: rl.Fault, Hits: rl.hits}
	}
	return out
}

// sleepFor waits d of real time, or until the client goes away.
func sleepFor(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// isStatusFault reports whether k answers with an error status.
func isStatusFault(k FaultKind) bool {
	return k == FaultStatus500 || k == FaultStatus502 || k == FaultStatus503 || k == FaultThrottle
}

// writeFault answers an injected error status on the cloud's listeners.
func writeFault(c *wire.Call, label string, f Fault) {
	if f.Kind == FaultThrottle {
		if f.RetryAfter != "" {
			c.W.Header().Set("Retry-After", f.RetryAfter)
		}
		wire.APIGW(c, http.StatusTooManyRequests, CodeThrottled, throttleMessage)
		return
	}
	if f.RetryAfter != "" {
		c.W.Header().Set("Retry-After", f.RetryAfter)
	}
	status, _ := strconv.Atoi(string(f.Kind)) // Only called for the numeric kinds.
	path := c.R.URL.Path
	if label != "" {
		_, path, _ = strings.Cut(label, " ")
	}
	switch {
	case strings.HasPrefix(path, "/api/v3/"):
		wire.CCEError(c, status, wire.CodeInternal, "injected fault: "+http.StatusText(status))
	case status == http.StatusInternalServerError:
		wire.APIGW(c, status, CodeBackendMissing, "The backend does not exist.")
	default:
		wire.APIGW(c, status, CodeBackendUnavailable, "Backend unavailable.")
	}
}

// writeKubeFault answers an injected error status on a kube API server,
// with the API server's Status body.
func writeKubeFault(w http.ResponseWriter, f Fault) {
	if f.Kind == FaultThrottle {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		wire.KubeStatus(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests, please try again later.")
		return
	}
	status, _ := strconv.Atoi(string(f.Kind)) // Only called for the numeric kinds.
	reasons := map[int]string{http.StatusInternalServerError: "InternalError", http.StatusBadGateway: "BadGateway",
		http.StatusServiceUnavailable: "ServiceUnavailable"}
	wire.KubeStatus(w, status, reasons[status], "injected fault: "+http.StatusText(status))
}

// dropConnection closes the client connection without an answer: with a TCP
// reset (no TLS close_notify) when reset is true, else with an orderly
// close. An HTTP/2 connection cannot be hijacked; there only the request's
// stream is reset, so other requests on the connection are not disturbed.
func dropConnection(w http.ResponseWriter, reset bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if reset {
		raw := conn
		if tc, isTLS := conn.(*tls.Conn); isTLS {
			raw = tc.NetConn()
		}
		if tcp, isTCP := raw.(*net.TCPConn); isTCP {
			_ = tcp.SetLinger(0) // Best effort: a plain close still drops the request.
		}
		_ = raw.Close() // The connection is being thrown away.
		return
	}
	_ = conn.Close() // The connection is being thrown away.
}
