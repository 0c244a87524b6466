package gateway

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Request is one recorded request, successful or not.
type Request struct {
	Time                          time.Time
	Method, Path, RawQuery, Route string
	Status                        int
	// Caller is the authenticated user ID ("" if unauthenticated). For kube
	// API requests it is the CN of a client certificate from that cluster's
	// CA, also when the certificate was rejected (expired or revoked).
	Caller string
	// Auth is "aksk" | "temporary_aksk" | "token" | "", or for kube API
	// requests "x509" when the client certificate was accepted.
	Auth string
	// Body is the request body with every password value "***" (POST
	// /v3/auth/tokens has one). Responses are never recorded (clustercert's holds a key).
	Body string
	// Header holds the request headers that tell how a client called an API
	// (see recordedHeaders), keyed by canonical name. Secret values are
	// "***"; an AK/SK Authorization keeps its access key and signed headers
	// and masks its signature.
	Header    map[string]string
	RequestID string
	UserAgent string // lets tests group requests by client instance
	// Fault is the FaultKind injected into this request, "" when none. When
	// latency was added to a request that another fault also hit, Fault names
	// the other one. A FaultReset request has Status 0; a FaultCommitDrop
	// request has the Status its handler produced, which the client never saw.
	Fault string
	// Host names the listener the request reached: "iam", "sts",
	// "cce.<region>", "cts.<region>", or "all" for the combined listener
	// (URL).
	Host string
}

// requestLog is the append-only list of requests.
type requestLog struct {
	mu   sync.Mutex
	reqs []Request
}

// passwordValue matches a JSON "password":"..." string member (not the password method object).
var passwordValue = regexp.MustCompile(`("password"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// recordedHeaders are the request headers Request.Header keeps; true marks a
// secret, recorded as "***".
var recordedHeaders = map[string]bool{
	"Content-Type": false, "X-Sdk-Date": false, "X-Domain-Id": false, "X-Project-Id": false,
	"X-Auth-Token": true, "X-Subject-Token": true, "X-Security-Token": true,
}

// recordedHeader returns what Request.Header keeps of h.
func recordedHeader(h http.Header) map[string]string {
	out := map[string]string{}
	for name, secret := range recordedHeaders {
		v := h.Get(name)
		switch {
		case v == "":
		case secret:
			out[name] = "***"
		default:
			out[name] = v
		}
	}
	if authz := h.Get("Authorization"); authz != "" {
		if head, _, ok := strings.Cut(authz, "Signature="); ok {
			out["Authorization"] = head + "Signature=***"
		} else if scheme, _, ok := strings.Cut(authz, " "); ok {
			out["Authorization"] = scheme + " ***"
		} else {
			out["Authorization"] = "***"
		}
	}
	return out
}

// maskBody hides password values (POST /v3/auth/tokens has one).
func maskBody(body []byte) string {
	return passwordValue.ReplaceAllString(string(body), `$1"***"`)
}

// record appends r to the log and writes the optional log line.
func (g *Gateway) record(r Request) {
	g.log.mu.Lock()
	g.log.reqs = append(g.log.reqs, r)
	g.log.mu.Unlock()
	if g.logTo != nil {
		caller := r.Caller
		if caller == "" {
			caller = "-"
		}
		// A failing log sink must not break the fake; the line is dropped.
		fault := ""
		if r.Fault != "" {
			fault = " fault=" + r.Fault
		}
		_, _ = fmt.Fprintf(g.logTo, "%s %s %s %d %s%s\n",
			r.Time.UTC().Format(time.RFC3339), r.Method, r.Path, r.Status, caller, fault)
	}
}

// Requests returns a copy of the request log in arrival order.
func (g *Gateway) Requests() []Request {
	g.log.mu.Lock()
	defer g.log.mu.Unlock()
	return slices.Clone(g.log.reqs)
}

// ResetRequests empties the request log.
func (g *Gateway) ResetRequests() {
	g.log.mu.Lock()
	defer g.log.mu.Unlock()
	g.log.reqs = nil
}

// Count returns the number of recorded requests with that Route label.
func (g *Gateway) Count(route string) int {
	g.log.mu.Lock()
	defer g.log.mu.Unlock()
	n := 0
	for _, r := range g.log.reqs {
		if r.Route == route {
			n++
		}
	}
	return n
}
