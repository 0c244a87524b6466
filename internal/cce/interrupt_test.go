package cce

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// baseOf returns the client's innermost transport, to fake dial failures.
func baseOf(t *testing.T, c *Client) *http.Transport {
	t.Helper()
	logt := logTransportOf(t, c)
	base, ok := logt.next.(*http.Transport)
	if !ok {
		t.Fatalf("base transport is %T", logt.next)
	}
	return base
}

// failDials makes the first n dials of c fail with err and counts all dials.
func failDials(t *testing.T, c *Client, n int32, err error) *atomic.Int32 {
	t.Helper()
	base := baseOf(t, c)
	dial := base.DialContext
	var dials atomic.Int32
	base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= n {
			return nil, &net.OpError{Op: "dial", Net: network, Err: err}
		}
		return dial(ctx, network, addr)
	}
	return &dials
}

// interruptible returns a context an interrupt does not cancel, carrying the
// interrupt, and the function that fires it (as revocation_checks.go sends).
func interruptible(t *testing.T) (context.Context, context.CancelFunc) {
	parent, interrupt := context.WithCancel(t.Context())
	return WithInterrupt(context.WithoutCancel(parent), parent), interrupt
}

// slowRetries makes backoff waits long enough that a retry could not hide.
func slowRetries(c *Config) {
	c.RetryWaitMin, c.RetryWaitMax, c.MaxRetries = 10*time.Second, 10*time.Second, 5
}

// After an interrupt no new try starts: neither while the client waits to
// retry a 503, nor after a try in flight comes back with a 503.
func TestInterruptStopsRetries(t *testing.T) {
	for _, when := range []string{"in backoff wait", "in flight"} {
		t.Run(when, func(t *testing.T) {
			f := newFakeCloud(t)
			var tries atomic.Int32
			arrived := make(chan struct{}, 10)
			release := make(chan struct{})
			f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) {
				tries.Add(1)
				arrived <- struct{}{}
				if when == "in flight" {
					<-release
				}
				writeJSON(w, 503, map[string]any{"errorCode": "CCE.01500001", "errorMessage": "busy"})
			})
			c := newTestClient(t, f, akskCreds(), slowRetries)
			ctx, interrupt := interruptible(t)
			done := make(chan error, 1)
			start := time.Now()
			go func() { done <- c.RevokeClusterCert(ctx, testCluster, Applicant{UserID: testUserID}) }()
			<-arrived
			if when == "in backoff wait" {
				time.Sleep(100 * time.Millisecond) // the answer is in; the client waits 10 s to retry
			}
			interrupt()
			if when == "in flight" {
				close(release)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("the call went on after the interrupt (%d tries so far)", tries.Load())
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("the call took %s after an interrupt", el)
			}
			if n := tries.Load(); n != 1 {
				t.Errorf("tries = %d, want 1: no retry after an interrupt", n)
			}
			if !Interrupted(err) || NotSent(err) {
				t.Errorf("err = %v: want an interrupted call that was sent (Interrupted %v, NotSent %v)", err, Interrupted(err), NotSent(err))
			}
			if when == "in flight" {
				if ae, ok := AsAPIError(err); !ok || ae.StatusCode != 503 {
					t.Errorf("err = %v, want the 503 the try got", err)
				}
			}
		})
	}
}

// A try in flight when the interrupt comes is seen through: its answer is
// the call's outcome.
func TestInterruptLetsTryInFlightFinish(t *testing.T) {
	f := newFakeCloud(t)
	arrived := make(chan struct{}, 1)
	f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		time.Sleep(500 * time.Millisecond)
		w.WriteHeader(200)
	})
	c := newTestClient(t, f, akskCreds())
	ctx, interrupt := interruptible(t)
	done := make(chan error, 1)
	go func() { done <- c.RevokeClusterCert(ctx, testCluster, Applicant{UserID: testUserID}) }()
	<-arrived
	interrupt()
	if err := <-done; err != nil {
		t.Fatalf("the try in flight did not finish: %v", err)
	}
}

// A try that hangs after the interrupt is given up interruptGrace later, as
// sent (its outcome is unknown), not after the 2-minute header timeout and
// further tries.
func TestInterruptBoundsHangingTry(t *testing.T) {
	old := interruptGrace
	interruptGrace = 300 * time.Millisecond
	t.Cleanup(func() { interruptGrace = old })
	f := newFakeCloud(t)
	var tries atomic.Int32
	arrived := make(chan struct{}, 10)
	f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) {
		tries.Add(1)
		arrived <- struct{}{}
		<-r.Context().Done() // hangs until the client goes
	})
	c := newTestClient(t, f, akskCreds(), slowRetries)
	ctx, interrupt := interruptible(t)
	done := make(chan error, 1)
	go func() { done <- c.RevokeClusterCert(ctx, testCluster, Applicant{UserID: testUserID}) }()
	<-arrived
	start := time.Now()
	interrupt()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a hanging try was waited for past the grace after the interrupt")
	}
	if el := time.Since(start); el < interruptGrace || el > 3*time.Second {
		t.Errorf("gave up %s after the interrupt, want about %s", el, interruptGrace)
	}
	if !Interrupted(err) || NotSent(err) || !MayHaveActed(err) || tries.Load() != 1 {
		t.Errorf("err = %v (Interrupted %v, NotSent %v), tries %d: want one try, outcome unknown", err,
			Interrupted(err), NotSent(err), tries.Load())
	}
}

// A call made after the interrupt sends nothing.
func TestInterruptBeforeCallSendsNothing(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	c := newTestClient(t, f, akskCreds())
	ctx, interrupt := interruptible(t)
	interrupt()
	err := c.RevokeClusterCert(ctx, testCluster, Applicant{UserID: testUserID})
	if !NotSent(err) || !errors.Is(err, ErrInterrupted) || f.count(routeRevoke) != 0 {
		t.Errorf("err = %v, %d requests: want nothing sent", err, f.count(routeRevoke))
	}
}

// POST clustercert issues a certificate each time: after a try that may have
// reached CCE (the answer lost, a 5xx, a 429 of CCE itself) it is not sent
// again. (The gateway's 429: TestCreateClusterCertRetriedAfterGatewayThrottle.)
func TestCreateClusterCertNotRetriedOnceSent(t *testing.T) {
	for _, answer := range []string{"lost", "503", "429"} {
		t.Run(answer, func(t *testing.T) {
			f := newFakeCloud(t)
			f.handle(routeCert, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body)
				switch answer {
				case "lost":
					if hj, ok := w.(http.Hijacker); ok {
						if conn, _, err := hj.Hijack(); err == nil {
							_ = conn.Close() // read, perhaps acted on, never answered
						}
					}
				case "503":
					writeJSON(w, 503, map[string]any{"errorCode": "CCE.01500001", "errorMessage": "busy"})
				default:
					writeJSON(w, 429, map[string]any{"errorCode": "CCE.02429001", "errorMessage": "The throttling threshold has been reached."})
				}
			})
			c := newTestClient(t, f, akskCreds())
			_, err := c.CreateClusterCert(t.Context(), testCluster, ClusterCertRequest{Duration: 1})
			if err == nil {
				t.Fatal("want an error")
			}
			f.wantCount(t, routeCert, 1)
			if want := answer != "429"; MayHaveActed(err) != want {
				t.Errorf("MayHaveActed(%v) = %v, want %v", err, !want, want)
			}
		})
	}
	// The revocation, which is harmless to repeat, is still retried.
	f := newFakeCloud(t)
	statusRevoke := 0
	f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) {
		if statusRevoke++; statusRevoke == 1 {
			writeJSON(w, 503, map[string]any{"errorCode": "CCE.01500001", "errorMessage": "busy"})
			return
		}
		w.WriteHeader(200)
	})
	if err := newTestClient(t, f, akskCreds()).RevokeClusterCert(t.Context(), testCluster, Applicant{UserID: testUserID}); err != nil || f.count(routeRevoke) != 2 {
		t.Errorf("revocation: err %v after %d tries, want success on the second", err, f.count(routeRevoke))
	}
}

// A try that failed before its request was written (connection refused)
// cannot have issued anything: POST clustercert is retried then.
func TestCreateClusterCertRetriedWhenNotSent(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeCert, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, kubeconfig)
	})
	c := newTestClient(t, f, akskCreds())
	dials := failDials(t, c, 2, syscall.ECONNREFUSED)
	if _, err := c.CreateClusterCert(t.Context(), testCluster, ClusterCertRequest{Duration: 1}); err != nil {
		t.Fatal(err)
	}
	if dials.Load() != 3 || f.count(routeCert) != 1 {
		t.Errorf("dials %d, requests %d: want two refused connections, then one request", dials.Load(), f.count(routeCert))
	}
}

// A host that does not exist (NXDOMAIN) is not retried; a temporary lookup
// failure is retried once.
func TestNoSuchHostNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       *net.DNSError
		wantDials int32
	}{
		{"no such host", &net.DNSError{Err: "no such host", Name: "cce.eu-xx.example", IsNotFound: true}, 1},
		{"temporary", &net.DNSError{Err: "server misbehaving", Name: "cce.eu-de.example", IsTemporary: true}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeCloud(t)
			f.serveCluster()
			c := newTestClient(t, f, akskCreds(), func(c *Config) { c.MaxRetries = 5 })
			dials := failDials(t, c, 100, tc.err)
			_, err := c.Cluster(t.Context(), testCluster, Fresh)
			var dnsErr *net.DNSError
			if !errors.As(err, &dnsErr) || !NotSent(err) {
				t.Errorf("err = %v, want the DNS error, not sent", err)
			}
			if got := dials.Load(); got != tc.wantDials {
				t.Errorf("dials = %d, want %d", got, tc.wantDials)
			}
		})
	}
}
