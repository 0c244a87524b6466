// Package kube is the Kubernetes API server of every cluster of the fake
// cloud: one HTTPS listener per cluster, started when the cluster's first
// certificate is issued, whose CA signs both its serving certificate and the
// client certificates of clustercert, and which refuses a certificate once
// CCE revoked its holder on that cluster. The gateway wraps each server
// (faults, the request log); this package knows nothing of it.
package kube

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/pki"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// Handle answers one request to a cluster's API server and says who made it:
// caller is the CN of a client certificate from the cluster's CA (also when
// it was refused), auth is AuthX509 when it was accepted.
type Handle = func(w http.ResponseWriter, r *http.Request) (caller, auth string)

// Wrap puts the gateway around a cluster's API server: label names the
// route of a request, handle answers it.
type Wrap = func(label func(*http.Request) string, handle Handle) http.Handler

// server is the Kubernetes API server of one cluster.
type server struct {
	clusterID string
	ca        *pki.CA
	srv       *http.Server
	url       string // https://127.0.0.1:PORT
	hostPort  string // 127.0.0.1:PORT
}

// Servers holds the running API servers by cluster ID.
type Servers struct {
	acct *world.Account
	wrap Wrap

	mu      sync.Mutex
	servers map[string]*server
	closed  bool
}

// New returns the API servers of the account's clusters, each behind wrap.
func New(acct *world.Account, wrap Wrap) *Servers { return &Servers{acct: acct, wrap: wrap} }

// ensure returns the API server of the cluster, creating its CA and
// starting it on a new 127.0.0.1:0 listener when it is not running yet.
func (k *Servers) ensure(clusterID string) (*server, error) {
	k.acct.Mu.Lock()
	cl, ok := k.acct.Clusters[clusterID]
	var name string
	if ok {
		name = cl.Name
	}
	k.acct.Mu.Unlock()
	if !ok {
		return nil, world.ErrClusterNotFound
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil, errors.New("mockcloud: closed")
	}
	if ks, running := k.servers[clusterID]; running {
		return ks, nil
	}
	ca, err := pki.NewCA(name + " cluster CA")
	if err != nil {
		return nil, err
	}
	serving, err := ca.ServerCert()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mockcloud: kube API listen: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	ks := &server{clusterID: clusterID, ca: ca, hostPort: ln.Addr().String()}
	ks.url = "https://" + ks.hostPort
	ks.srv = &http.Server{
		Handler: k.wrap(routeLabel, func(w http.ResponseWriter, r *http.Request) (string, string) { return k.serve(ks, w, r) }),
		// RequestClientCert rather than RequireAnyClientCert: a client without a
		// certificate must get the 401 Status JSON, not a handshake failure.
		// The certificate is verified in serve against this cluster's CA.
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{serving}, ClientAuth: tls.RequestClientCert,
			ClientCAs: pool, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		if serveErr := ks.srv.ServeTLS(ln, "", ""); serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "mockcloud: kube API serve: %v\n", serveErr)
		}
	}()
	if k.servers == nil {
		k.servers = map[string]*server{}
	}
	k.servers[clusterID] = ks
	return ks, nil
}

// Stop closes the API server of one cluster, if running; a cluster created
// again under the same ID gets a new CA.
func (k *Servers) Stop(clusterID string) {
	k.mu.Lock()
	ks, ok := k.servers[clusterID]
	delete(k.servers, clusterID)
	k.mu.Unlock()
	if ok {
		_ = ks.srv.Close() // Only listener and connection close errors; nothing to do.
	}
}

// CloseAll stops every API server and refuses to start new ones.
func (k *Servers) CloseAll(ctx context.Context) {
	k.mu.Lock()
	k.closed = true
	servers := k.servers
	k.servers = nil
	k.mu.Unlock()
	for _, ks := range servers {
		if err := ks.srv.Shutdown(ctx); err != nil {
			_ = ks.srv.Close() // Best effort after a timed-out graceful shutdown.
		}
	}
}

// URL returns the URL of the cluster's API server ("https://127.0.0.1:PORT"),
// starting it if needed; "" for an unknown cluster or after CloseAll.
func (k *Servers) URL(clusterID string) string {
	ks, err := k.ensure(clusterID)
	if err != nil {
		return ""
	}
	return ks.url
}
