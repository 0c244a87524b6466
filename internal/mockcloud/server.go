// Package mockcloud is an in-process fake of the Huawei Cloud / Open Telekom
// Cloud IAM, STS, CCE and CTS APIs used by the provider's tests. It serves
// each service on its own HTTPS listener as the real cloud serves each on its
// own host (Endpoints: IAM and STS once, CCE and CTS once per region), all
// with its own CA, verifies AK/SK signatures and IAM tokens, and records
// every request so tests can assert what was called. URL is one more
// listener that serves every service of the first region, for tests that
// need no more than that.
package mockcloud

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Flavour selects cloud-specific response shapes.
type Flavour string

// Supported flavours.
const (
	// FlavourHWC is Huawei Cloud: status.endpoints is an array of {url, type}.
	FlavourHWC Flavour = "hwc"
	// FlavourOTC is Open Telekom Cloud: status.endpoints is one object.
	FlavourOTC Flavour = "otc"
)

// maxBodyBytes caps request bodies.
const maxBodyBytes = 1 << 20

// options configure Start.
type options struct {
	addr    string
	flavour Flavour
	now     func() time.Time
	seed    bool
	logTo   io.Writer
	// faultSeed and faults are WithFaults' arguments; clockSkew is WithClockSkew's.
	faultSeed int64
	faults    []Fault
	clockSkew time.Duration
	lockout   *lockoutPolicy // WithSignInLockout; nil: the default (lockout.go)
	quota     quotaConfig    // WithQuota (quota.go)
}

// Option configures Start.
type Option func(*options)

// WithAddr sets the listen address (default "127.0.0.1:0").
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// WithFlavour selects the response flavour (default FlavourHWC).
func WithFlavour(f Flavour) Option { return func(o *options) { o.flavour = f } }

// WithClock replaces the server clock (signature skew, token expiry, CTS window).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithoutSeed starts with an empty account apart from the domain, project and
// the "admin", "developers", "iam-readonly" and "readonly" groups.
func WithoutSeed() Option { return func(o *options) { o.seed = false } }

// WithLogWriter writes one line per request (time, method, path, status,
// caller, and " fault=KIND" when a fault was injected; never headers or
// bodies) to w.
func WithLogWriter(w io.Writer) Option { return func(o *options) { o.logTo = w } }

// Cloud is a running fake cloud.
type Cloud struct {
	opts      options
	st        *state
	log       requestLog
	muxes     []*http.ServeMux
	ca        *certAuthority
	kube      kubeRegistry
	faults    faultSet
	byService map[string]*http.ServeMux
	srv       *http.Server
	ln        net.Listener
	url       string
	hosts     []*host // one listener per service and region (hosts.go)
	closing   sync.Once
	control   atomic.Pointer[control] // nil until EnableControl
	quota     *quotaBucket            // WithQuota; nil: none (quota.go)
}

// Start starts the fake cloud on an HTTPS listener with its own CA.
func Start(opts ...Option) (*Cloud, error) {
	o := options{addr: "127.0.0.1:0", flavour: FlavourHWC, now: time.Now, seed: true}
	for _, opt := range opts {
		opt(&o)
	}
	if o.flavour != FlavourHWC && o.flavour != FlavourOTC {
		return nil, fmt.Errorf("mockcloud: unknown flavour %q", o.flavour)
	}
	for i, f := range o.faults {
		if err := f.validate(); err != nil {
			return nil, fmt.Errorf("mockcloud: fault %d: %w", i, err)
		}
	}
	if err := o.quota.validate(); err != nil {
		return nil, fmt.Errorf("mockcloud: %w", err)
	}
	if skew, base := o.clockSkew, o.now; skew != 0 {
		o.now = func() time.Time { return base().Add(skew) }
	}
	ca, err := newCertAuthority("cce-mockcloud CA")
	if err != nil {
		return nil, err
	}
	serverCert, err := ca.serverCert()
	if err != nil {
		return nil, err
	}
	c := &Cloud{opts: o, st: newState(), ca: ca, quota: newQuotaBucket(o.quota, time.Now)}
	c.faults.set(o.faultSeed, o.faults)
	c.st.seedIdentity()
	if o.seed {
		c.st.seed(c.now())
	}
	c.muxes, c.byService = newMuxes(c.routeTable())
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("mockcloud: listen: %w", err)
	}
	c.ln = ln
	c.url = "https://" + ln.Addr().String()
	c.srv = serveTLS(ln, c, serverCert)
	if err := c.startHosts(serverCert); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// serveTLS serves h on ln with the server certificate.
func serveTLS(ln net.Listener, h http.Handler, cert tls.Certificate) *http.Server {
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	go func() {
		if serveErr := srv.ServeTLS(ln, "", ""); serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "mockcloud: serve: %v\n", serveErr)
		}
	}()
	return srv
}

// NewForTest starts a fake cloud that is closed when the test ends.
func NewForTest(t testing.TB, opts ...Option) *Cloud {
	t.Helper()
	c, err := Start(opts...)
	if err != nil {
		t.Fatalf("mockcloud: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// URL returns the base URL, e.g. "https://127.0.0.1:PORT" (no trailing slash).
func (c *Cloud) URL() string { return c.url }

// CACertPEM returns the PEM of the CA that signed the server certificate.
func (c *Cloud) CACertPEM() []byte { return append([]byte(nil), c.ca.certPEM...) }

// WriteCACert writes dir/ca.pem and returns its path.
func (c *Cloud) WriteCACert(dir string) (string, error) {
	p := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(p, c.ca.certPEM, 0o600); err != nil {
		return "", fmt.Errorf("mockcloud: write CA: %w", err)
	}
	return p, nil
}

// Close stops the server and every kube API server; it is safe to call more
// than once.
func (c *Cloud) Close() {
	c.closing.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for _, srv := range c.servers() {
			if err := srv.Shutdown(ctx); err != nil {
				_ = srv.Close() // Best effort after a timed-out graceful shutdown.
			}
		}
		c.kube.closeAll(ctx)
	})
}

// now returns the server time.
func (c *Cloud) now() time.Time { return c.opts.now() }

// ServeHTTP dispatches one request: the control API (control.go), else route
// match, injected faults, authentication, handler, log.
func (c *Cloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.serveControl(w, r) {
		return
	}
	c.serve(w, r, &host{region: Region})
}

// serve answers one request that reached the listener h: only the routes of
// h's service (all on the combined listener), for h's region.
func (c *Cloud) serve(w http.ResponseWriter, r *http.Request, h *host) {
	rec := &bufferedWriter{header: w.Header()}
	rt, routed := c.match(r, h.service)
	rc := &reqCtx{w: rec, r: routed, reqID: randomHex(16), cloud: c, region: h.region}
	rec.Header().Set("X-Request-Id", rc.reqID)
	start := c.now()
	rec.Header().Set("Date", start.UTC().Format(http.TimeFormat)) // the cloud's clock, not this machine's
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	rc.body = body
	label := ""
	if rt != nil {
		label = rt.label
	}
	throttled := c.overQuota(rc) // beyond the account's quota nothing else happens (quota.go)
	var inj injection
	if !throttled {
		inj = c.pickFaults(rt, r)
	}
	sleepFor(r, inj.latency)
	// The body is masked by the matched route whatever happens next: a token
	// request cut short still holds the start of its password.
	entry := Request{
		Time: start, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Route: label,
		Body: maskBody(label, body), RequestID: rc.reqID, UserAgent: r.UserAgent(), Fault: inj.recorded(),
		Header: recordedHeader(r.Header), Host: h.name(),
	}
	switch {
	case throttled:
		entry.Fault = QuotaFault
	case inj.kind == FaultReset:
		c.record(entry)
		dropConnection(w, true)
		return
	case err != nil:
		entry.Route = ""
		writeAPIGW(rc, http.StatusBadRequest, "APIGW.0201", "Request body could not be read")
	case isStatusFault(inj.kind):
		writeFault(rc, label, inj.rule)
	case rt == nil:
		writeNoRoute(rc)
	default:
		if inj.kind == FaultExpireTokens {
			c.expireToken(presentedToken(r))
		}
		if rt.public || c.authenticate(rc, rt) {
			rt.handle(rc)
		}
	}
	entry.Status, entry.Caller, entry.Auth = rec.status(), rc.caller.userID, rc.caller.auth
	c.record(entry)
	if inj.kind == FaultCommitDrop {
		dropConnection(w, false)
		return
	}
	rec.flush(w)
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
