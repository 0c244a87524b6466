// Package mockcloud is an in-process fake of the Huawei Cloud / Open Telekom
// Cloud IAM, STS, CCE and CTS APIs used by the provider's tests. It serves
// each service on its own HTTPS listener as the real cloud serves each on its
// own host (Endpoints: IAM and STS once, CCE and CTS once per region), all
// with its own CA, verifies AK/SK signatures and IAM tokens, and records
// every request so tests can assert what was called. URL is one more
// listener that serves every service of the first region, for tests that
// need no more than that.
//
// It is built in layers, each importing only the ones below it:
//
//	mockcloud             the assembly (Cloud, Start, options), the control API, scenarios, the demo account
//	gateway               listeners, http.ServeMux routing, quota, faults, signature and token checks, the request log
//	iam sts cce cts kube  one handler set per service (kube: every cluster's Kubernetes API server)
//	wire                  what the gateway and the services share: Call, Route, the answers' shapes
//	world pki             the account and its rules; the certificate authorities
//
// TestLayers_importOnlyDownward holds the rule. This package re-exports what
// tests use of the layers below (types, constants), so that they need to
// import it alone.
package mockcloud

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/cts"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/gateway"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/iam"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/kube"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/pki"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/sts"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// Flavour selects cloud-specific response shapes.
type Flavour = cce.Flavour

// Supported flavours.
const (
	// FlavourHWC is Huawei Cloud: status.endpoints is an array of {url, type}.
	FlavourHWC = cce.FlavourHWC
	// FlavourOTC is Open Telekom Cloud: status.endpoints is one object.
	FlavourOTC = cce.FlavourOTC
)

// maxBodyBytes caps control API request bodies.
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
	lockout   world.LockoutPolicy // WithSignInLockout
	quota     gateway.Quota       // WithQuota
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

// WithFaults injects faults from the start. Fractional probabilities draw
// from one PCG source seeded with seed, so the same requests in the same
// order meet the same faults. Start fails on an invalid rule; a later
// WithFaults replaces an earlier one.
func WithFaults(seed int64, faults ...Fault) Option {
	return func(o *options) {
		o.faultSeed = seed
		o.faults = append([]Fault(nil), faults...)
	}
}

// WithClockSkew runs the server clock d ahead of the clock it would use
// otherwise (time.Now or WithClock's), whatever the order of the options.
// AK/SK signatures dated more than 15 minutes from the skewed clock fail with
// the API gateway's 401.
func WithClockSkew(d time.Duration) Option { return func(o *options) { o.clockSkew = d } }

// WithSignInLockout locks a user's password sign-in for period after
// attempts failed sign-ins in a row (default DefaultLockoutAttempts and
// DefaultLockoutPeriod); attempts 0 turns the lock off.
func WithSignInLockout(attempts int, period time.Duration) Option {
	return func(o *options) { o.lockout = world.LockoutPolicy{Attempts: attempts, Period: period} }
}

// WithQuota gives the account a quota of rps requests per second with bursts
// of up to burst requests: a token bucket that starts full and refills at rps.
// A request beyond it is answered 429 APIGW.0308 as a throttling fault is,
// without Retry-After, is recorded with Fault QuotaFault and reaches no
// service (no authentication, no fault rule, no handler). A refused request
// takes no token. The mock has one account, so every request of the cloud's
// listeners counts; kube API servers and the control API do not. The bucket
// runs on real time, whatever WithClock says. rps 0 turns the quota off (the
// default); Start fails on a negative rps or on burst < 1 with rps > 0.
func WithQuota(rps float64, burst int) Option {
	return func(o *options) { o.quota = gateway.Quota{RPS: rps, Burst: burst} }
}

// Cloud is a running fake cloud.
type Cloud struct {
	opts    options
	acct    *world.Account
	ca      *pki.CA
	kube    *kube.Servers
	gw      *gateway.Gateway
	closing sync.Once
	control atomic.Pointer[control] // nil until EnableControl
}

// Start starts the fake cloud on HTTPS listeners with its own CA.
func Start(opts ...Option) (*Cloud, error) {
	o := options{addr: "127.0.0.1:0", flavour: FlavourHWC, now: time.Now, seed: true, lockout: world.DefaultLockout}
	for _, opt := range opts {
		opt(&o)
	}
	if o.flavour != FlavourHWC && o.flavour != FlavourOTC {
		return nil, fmt.Errorf("mockcloud: unknown flavour %q", o.flavour)
	}
	if skew, base := o.clockSkew, o.now; skew != 0 {
		o.now = func() time.Time { return base().Add(skew) }
	}
	ca, err := pki.NewCA("cce-mockcloud CA")
	if err != nil {
		return nil, err
	}
	serverCert, err := ca.ServerCert()
	if err != nil {
		return nil, err
	}
	c := &Cloud{opts: o, acct: world.NewAccount(o.now, o.lockout), ca: ca}
	if o.seed {
		seedDemo(c.acct, c.now())
	}
	cfg := gateway.Config{Account: c.acct, KubeRoutes: kube.Routes, Addr: o.addr, Cert: serverCert,
		Front: c.controlFront, LogTo: o.logTo, FaultSeed: o.faultSeed, Faults: o.faults, Quota: o.quota}
	// The routes' handlers need the kube servers, which the gateway wraps:
	// the gateway exists before its routes are known.
	var gw *gateway.Gateway
	c.kube = kube.New(c.acct, func(label func(*http.Request) string, h kube.Handle) http.Handler { return gw.Kube(label, h) })
	cfg.Routes = routeTable(c.acct, o.flavour, c.kube)
	if gw, err = gateway.New(cfg); err != nil {
		return nil, fmt.Errorf("mockcloud: %w", err)
	}
	c.gw = gw
	if err := gw.Start(cfg); err != nil {
		c.Close()
		return nil, fmt.Errorf("mockcloud: %w", err)
	}
	return c, nil
}

// routeTable is every service's routes, each service over the account.
func routeTable(acct *world.Account, flavour Flavour, issuer cce.Issuer) []wire.Route {
	var out []wire.Route
	out = append(out, cce.New(acct, flavour, issuer).Routes()...)
	out = append(out, iam.New(acct).Routes()...)
	out = append(out, sts.New(acct).Routes()...)
	return append(out, cts.New(acct).Routes()...)
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
func (c *Cloud) URL() string { return c.gw.URL() }

// Endpoints are the base URLs of the fake cloud's hosts, laid out as the
// client's defaults: one IAM and one STS for the account, CCE and CTS per
// region (keys: Regions()).
type Endpoints = gateway.Endpoints

// Endpoints returns the base URLs of every host (no trailing slash).
func (c *Cloud) Endpoints() Endpoints { return c.gw.Endpoints() }

// CACertPEM returns the PEM of the CA that signed the server certificate.
func (c *Cloud) CACertPEM() []byte { return append([]byte(nil), c.ca.CertPEM...) }

// WriteCACert writes dir/ca.pem and returns its path.
func (c *Cloud) WriteCACert(dir string) (string, error) {
	p := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(p, c.ca.CertPEM, 0o600); err != nil {
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
		if c.gw != nil {
			c.gw.Close(ctx)
		}
		c.kube.CloseAll(ctx)
	})
}

// ServeHTTP answers a request as the combined listener (URL) does.
func (c *Cloud) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.gw.ServeHTTP(w, r) }

// now returns the server time.
func (c *Cloud) now() time.Time { return c.acct.Now() }
