// Package loopbackonly keeps tests on this machine: Install makes
// http.DefaultTransport (which every client of internal/cce clones) refuse to
// connect anywhere but a loopback address, before any name is looked up.
//
// Only tests import it, and the provider binary that the CLI tests build with
// the build tag cce_loopback_only (main_loopback_only.go); a release build
// never contains it.
package loopbackonly

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
)

// ErrRefused prefixes the error of every refused connection.
const ErrRefused = "tests never leave the machine: refused to connect to"

var once sync.Once

// Install wraps http.DefaultTransport's DialContext (once per process).
// Clients built afterwards from a clone of it inherit the guard.
func Install() {
	once.Do(func() {
		t, ok := http.DefaultTransport.(*http.Transport)
		if !ok {
			panic(fmt.Sprintf("loopbackonly: http.DefaultTransport is %T", http.DefaultTransport))
		}
		dial := t.DialContext
		t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if err := Check(addr); err != nil {
				return nil, err
			}
			return dial(ctx, network, addr)
		}
		t.DialTLSContext = nil
	})
}

// Check returns an error unless addr (host:port) is a loopback IP address or
// localhost. A name other than localhost is refused without a lookup, so no
// DNS query leaves the machine either.
func Check(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s %s (not a loopback address)", ErrRefused, addr)
}
