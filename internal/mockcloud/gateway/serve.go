package gateway

import (
	"io"
	"net/http"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// serve answers one request that reached the listener h for route rt (nil:
// no route): the quota, injected faults, authentication, the route's
// handler, the log.
func (g *Gateway) serve(w http.ResponseWriter, r *http.Request, h *host, rt *wire.Route) {
	rec := &bufferedWriter{header: w.Header()}
	c := &wire.Call{W: rec, R: r, RequestID: world.RandomHex(16), Region: h.region}
	rec.Header().Set("X-Request-Id", c.RequestID)
	start := g.acct.Now()
	rec.Header().Set("Date", start.UTC().Format(http.TimeFormat)) // the cloud's clock, not this machine's
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	c.Body = body
	label := ""
	if rt != nil {
		label = rt.Pattern
	}
	throttled := g.overQuota(c) // beyond the account's quota nothing else happens (quota.go)
	var inj injection
	if !throttled {
		inj = g.pickFaults(rt, r)
	}
	sleepFor(r, inj.latency)
	// The body is masked whatever happens next: a token request cut short
	// still holds the start of its password.
	entry := Request{
		Time: start, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Route: label,
		Body: maskBody(body), RequestID: c.RequestID, UserAgent: r.UserAgent(), Fault: inj.recorded(),
		Header: recordedHeader(r.Header), Host: h.name(),
	}
	switch {
	case throttled:
		entry.Fault = QuotaFault
	case inj.kind == FaultReset:
		g.record(entry)
		dropConnection(w, true)
		return
	case err != nil:
		entry.Route = ""
		wire.APIGW(c, http.StatusBadRequest, "APIGW.0201", "Request body could not be read")
	case isStatusFault(inj.kind):
		writeFault(c, label, inj.rule)
	case rt == nil:
		wire.NoRoute(c)
	default:
		if inj.kind == FaultExpireTokens {
			g.acct.ExpireToken(presentedToken(r))
		}
		if rt.Public || g.authenticate(c, rt) {
			rt.Handle(c)
		}
	}
	entry.Status, entry.Caller, entry.Auth = rec.status(), c.Caller.UserID, c.Caller.Auth
	g.record(entry)
	if inj.kind == FaultCommitDrop {
		dropConnection(w, false)
		return
	}
	rec.flush(w)
}

// Kube is the gateway around a cluster's API server: injected faults (only
// rules naming one of its labels), handle, the log. handle answers the
// request and says who made it; label names the request's route.
func (g *Gateway) Kube(label func(*http.Request) string, handle func(http.ResponseWriter, *http.Request) (caller, auth string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &bufferedWriter{header: w.Header()}
		start := g.acct.Now()
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes)) // A short body only shortens the log entry.
		l := label(r)
		inj := g.faults.pick(l, true, func(k FaultKind) bool { return k != FaultExpireTokens })
		sleepFor(r, inj.latency)
		entry := Request{
			Time: start, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Route: l,
			Body: string(body), RequestID: world.RandomHex(16), UserAgent: r.UserAgent(), Fault: inj.recorded(),
		}
		if inj.kind == FaultReset {
			g.record(entry)
			dropConnection(w, true)
			return
		}
		if isStatusFault(inj.kind) {
			writeKubeFault(rec, inj.rule)
			// The client's certificate is read for the log as without a fault.
			entry.Caller, _ = handle(&bufferedWriter{header: http.Header{}}, r)
		} else {
			entry.Caller, entry.Auth = handle(rec, r)
		}
		entry.Status = rec.status()
		g.record(entry)
		if inj.kind == FaultCommitDrop {
			dropConnection(w, false)
			return
		}
		rec.flush(w)
	})
}

// bufferedWriter holds a handler's response until the request is recorded,
// so a client that got its answer always finds its request in the log.
type bufferedWriter struct {
	header http.Header
	code   int
	buf    []byte
}

// Header returns the response header map.
func (b *bufferedWriter) Header() http.Header { return b.header }

// WriteHeader records the status code.
func (b *bufferedWriter) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

// Write buffers the body, implying 200 when no status was set.
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// status returns the recorded status (200 when the handler wrote nothing).
func (b *bufferedWriter) status() int {
	if b.code == 0 {
		return http.StatusOK
	}
	return b.code
}

// flush sends the buffered response.
func (b *bufferedWriter) flush(w http.ResponseWriter) {
	w.WriteHeader(b.status())
	_, _ = w.Write(b.buf) // The client may have gone; nothing useful to do with the error.
}
