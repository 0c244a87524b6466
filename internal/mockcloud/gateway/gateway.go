// Package gateway is the API gateway of the fake cloud: the HTTPS listeners
// (one per host of the real cloud, and one combined), routing with
// http.ServeMux, and the middleware every request passes before and after
// its service's handler: the account's quota, injected faults, the AK/SK
// signature or IAM token check, and the request log. It serves the routes the
// services hand it and knows no service's rules; the cloud puts its control
// API in front.
package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// maxBodyBytes caps request bodies.
const maxBodyBytes = 1 << 20

// serviceOrder is the order in which the combined listener, which serves
// every service on one port, asks the services' muxes: their paths never
// meet on the real cloud's hosts, but here GET /v3/users/traces could be
// IAM's or CTS's traces of a project "users"; IAM's comes first.
var serviceOrder = []string{wire.CCE, wire.IAM, wire.STS, wire.CTS}

// Config is what the gateway serves and how.
type Config struct {
	Account *world.Account
	// Routes are every service's APIs.
	Routes []wire.Route
	// KubeRoutes are the route labels of the clusters' API servers, which
	// fault rules may name.
	KubeRoutes []string
	// Addr is the combined listener's address; the others listen on the same
	// IP address, on free ports.
	Addr string
	Cert tls.Certificate
	// Front is put in front of every listener's handler (the control API).
	Front func(http.Handler) http.Handler
	// LogTo gets one line per request (see Gateway.record); nil: none.
	LogTo     io.Writer
	FaultSeed int64
	Faults    []Fault
	Quota     Quota
}

// Gateway is the running gateway.
type Gateway struct {
	acct   *world.Account
	routes []wire.Route
	known  map[string]bool // every route label a fault rule may name
	logTo  io.Writer
	faults faultSet
	quota  *quotaBucket
	log    requestLog

	url      string
	hosts    []*host
	combined http.Handler // the combined listener's handler, with cfg.Front
}

// host is one listener of the fake cloud, as one host name of the real
// cloud: IAM and STS are global (iam.{region}.{cloud} and sts... answer for
// the whole account), CCE and CTS answer for their region only. A request
// for another service's path, or for a project of another region, gets the
// answer the real host gives: the gateway's 404, or the service's
// not-found.
type host struct {
	service, region string // service "" is the combined listener (URL)
	url             string
	srv             *http.Server
}

// name is the label of h in Request.Host.
func (h *host) name() string {
	switch h.service {
	case "":
		return "all"
	case wire.IAM:
		return "iam"
	case wire.STS:
		return "sts"
	case wire.CCE:
		return "cce." + h.region
	}
	return "cts." + h.region
}

// New returns a gateway that serves nothing yet; Start opens its listeners.
// Between the two, Kube may already wrap the clusters' API servers.
func New(cfg Config) (*Gateway, error) {
	g := &Gateway{acct: cfg.Account, routes: cfg.Routes, logTo: cfg.LogTo, known: map[string]bool{}}
	for _, rt := range cfg.Routes {
		g.known[rt.Pattern] = true
	}
	for _, l := range cfg.KubeRoutes {
		g.known[l] = true
	}
	for i, f := range cfg.Faults {
		if err := g.validate(f); err != nil {
			return nil, fmt.Errorf("fault %d: %w", i, err)
		}
	}
	if err := cfg.Quota.validate(); err != nil {
		return nil, err
	}
	g.faults.set(cfg.FaultSeed, cfg.Faults)
	g.quota = newQuotaBucket(cfg.Quota, time.Now)
	return g, nil
}

// Start opens the combined listener on cfg.Addr, then one listener per
// global service and one per regional service and region, on the same IP
// address.
func (g *Gateway) Start(cfg Config) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hosts := []*host{{region: world.Region}, {service: wire.IAM, region: world.Region}, {service: wire.STS, region: world.Region}}
	for _, region := range world.Regions() {
		hosts = append(hosts, &host{service: wire.CCE, region: region}, &host{service: wire.CTS, region: region})
	}
	ip := "127.0.0.1"
	if a, ok := ln.Addr().(*net.TCPAddr); ok {
		ip = a.IP.String()
	}
	for i, h := range hosts {
		if i > 0 {
			if ln, err = net.Listen("tcp", net.JoinHostPort(ip, "0")); err != nil {
				return fmt.Errorf("listen for %s: %w", h.name(), err)
			}
		}
		handler := g.hostHandler(h)
		if cfg.Front != nil {
			handler = cfg.Front(handler)
		}
		h.url, h.srv = "https://"+ln.Addr().String(), serveTLS(ln, handler, cfg.Cert)
		g.hosts = append(g.hosts, h)
		if i == 0 {
			g.combined = handler
		}
	}
	g.url = hosts[0].url
	return nil
}

// ServeHTTP answers a request as the combined listener (URL) does.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) { g.combined.ServeHTTP(w, r) }

// hostHandler routes the requests that reach h with http.ServeMux: one mux
// per service, each with the service's routes and a catch-all for paths it
// does not have. A service's host asks its own mux only; the combined
// listener asks every mux in serviceOrder and takes the first that has a
// route for the request.
func (g *Gateway) hostHandler(h *host) http.Handler {
	var muxes []*http.ServeMux
	for _, service := range serviceOrder {
		if h.service != "" && h.service != service {
			continue
		}
		mux := http.NewServeMux()
		for _, rt := range g.routes {
			if rt.Service == service {
				mux.Handle(rt.Pattern, g.endpoint(h, &rt))
			}
		}
		mux.Handle("/", g.endpoint(h, nil))
		muxes = append(muxes, mux)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A path the mux would clean or redirect (a trailing slash, "//",
		// "/./") is no route, as at the API gateway.
		if p := r.URL.Path; p == "" || path.Clean(p) != p {
			g.serve(w, r, h, nil)
			return
		}
		for _, mux := range muxes[:len(muxes)-1] {
			if _, pattern := mux.Handler(r); pattern != "/" {
				mux.ServeHTTP(w, r)
				return
			}
		}
		muxes[len(muxes)-1].ServeHTTP(w, r)
	})
}

// endpoint is the gateway around one route on one host (nil: no route).
func (g *Gateway) endpoint(h *host, rt *wire.Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt != nil && r.Method != rt.Method() {
			g.serve(w, r, h, nil) // a GET pattern also serves HEAD; the gateway publishes the method it names
			return
		}
		g.serve(w, r, h, rt)
	})
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

// Close stops every listener.
func (g *Gateway) Close(ctx context.Context) {
	for _, h := range g.hosts {
		if err := h.srv.Shutdown(ctx); err != nil {
			_ = h.srv.Close() // Best effort after a timed-out graceful shutdown.
		}
	}
}

// URL returns the combined listener's base URL (no trailing slash).
func (g *Gateway) URL() string { return g.url }

// Endpoints are the base URLs of the fake cloud's hosts, laid out as the
// client's defaults: one IAM and one STS for the account, CCE and CTS per
// region (keys: world.Regions()).
type Endpoints struct {
	IAM, STS string
	CCE, CTS map[string]string
}

// Endpoints returns the base URLs of every host (no trailing slash).
func (g *Gateway) Endpoints() Endpoints {
	e := Endpoints{CCE: map[string]string{}, CTS: map[string]string{}}
	for _, h := range g.hosts {
		switch h.service {
		case wire.IAM:
			e.IAM = h.url
		case wire.STS:
			e.STS = h.url
		case wire.CCE:
			e.CCE[h.region] = h.url
		case wire.CTS:
			e.CTS[h.region] = h.url
		}
	}
	return e
}
