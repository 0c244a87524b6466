package cce

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// statusSeq serves the given statuses in order, then 200 with a cluster.
func statusSeq(f *fakeCloud, hdr http.Header, statuses ...int) *atomic.Int32 {
	var n atomic.Int32
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(statuses) {
			for k, v := range hdr {
				w.Header()[k] = v
			}
			writeJSON(w, statuses[i], map[string]any{"errorCode": "CCE.01500001", "errorMessage": "boom"})
			return
		}
		writeJSON(w, 200, clusterJSONBody(testCluster))
	})
	return &n
}

func TestRetryServerErrorsThenSuccess(t *testing.T) {
	for _, st := range []int{500, 502, 503, 504, 429} {
		f := newFakeCloud(t)
		n := statusSeq(f, nil, st)
		c := newTestClient(t, f, akskCreds())
		if _, err := c.Cluster(t.Context(), testCluster, Fresh); err != nil {
			t.Fatalf("%d: %v", st, err)
		}
		if got := n.Load(); got != 2 {
			t.Errorf("%d: attempts = %d, want 2", st, got)
		}
	}
}

func TestRetryNeverFor4xxAnd501(t *testing.T) {
	for _, st := range []int{400, 401, 403, 404, 409, 501} {
		f := newFakeCloud(t)
		n := statusSeq(f, nil, st, st, st)
		c := newTestClient(t, f, akskCreds())
		_, err := c.Cluster(t.Context(), testCluster, Fresh)
		ae, ok := AsAPIError(err)
		if !ok || ae.StatusCode != st {
			t.Fatalf("%d: err = %v", st, err)
		}
		if got := n.Load(); got != 1 {
			t.Errorf("%d: attempts = %d, want 1", st, got)
		}
	}
}

func TestRetryExhaustedReturnsLastAPIError(t *testing.T) {
	f := newFakeCloud(t)
	n := statusSeq(f, nil, 503, 503, 503, 503, 503)
	c := newTestClient(t, f, akskCreds(), func(c *Config) { c.MaxRetries = 2 })
	_, err := c.Cluster(t.Context(), testCluster, Fresh)
	ae, ok := AsAPIError(err)
	if !ok || ae.StatusCode != 503 || ae.Code != "CCE.01500001" {
		t.Fatalf("err = %v", err)
	}
	if got := n.Load(); got != 3 {
		t.Errorf("attempts = %d, want 3", got)
	}
}

func TestRetryZeroMeansNoRetry(t *testing.T) {
	f := newFakeCloud(t)
	n := statusSeq(f, nil, 503)
	c := newTestClient(t, f, akskCreds(), func(c *Config) { c.MaxRetries = 0 })
	if _, err := c.Cluster(t.Context(), testCluster, Fresh); err == nil {
		t.Fatal("want error")
	}
	if got := n.Load(); got != 1 {
		t.Errorf("attempts = %d, want 1", got)
	}
}

func TestRetry429RetryAfterHonouredAndCapped(t *testing.T) {
	f := newFakeCloud(t)
	n := statusSeq(f, http.Header{"Retry-After": {"1"}}, 429)
	c := newTestClient(t, f, akskCreds(), func(c *Config) { c.RetryWaitMax = 80 * time.Millisecond })
	start := time.Now()
	if _, err := c.Cluster(t.Context(), testCluster, Fresh); err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	if el < 75*time.Millisecond || el > 900*time.Millisecond {
		t.Errorf("elapsed %s, want about the 80ms cap", el)
	}
	if n.Load() != 2 {
		t.Errorf("attempts = %d", n.Load())
	}
}

func TestRetryTransportErrorRetried(t *testing.T) {
	f := newFakeCloud(t)
	var n atomic.Int32
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			conn, _, err := hj.Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		writeJSON(w, 200, clusterJSONBody(testCluster))
	})
	c := newTestClient(t, f, akskCreds())
	if _, err := c.Cluster(t.Context(), testCluster, Fresh); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 {
		t.Errorf("attempts = %d, want 2", n.Load())
	}
}

func TestRetryPOSTBodyReplayed(t *testing.T) {
	f := newFakeCloud(t)
	var bodies bodyLog
	f.handle("POST /api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke", func(w http.ResponseWriter, r *http.Request) {
		if bodies.add(readBody(r)) < 3 {
			writeJSON(w, 503, map[string]string{"error_code": "APIGW.0201", "error_msg": "busy"})
			return
		}
		w.WriteHeader(200)
	})
	c := newTestClient(t, f, akskCreds())
	if err := c.RevokeClusterCert(t.Context(), testCluster, Applicant{UserID: testUserID}); err != nil {
		t.Fatal(err)
	}
	got := bodies.all()
	if len(got) != 3 {
		t.Fatalf("attempts = %d, want 3", len(got))
	}
	for _, b := range got {
		check(t, "body", b, `{"userId":"`+testUserID+`"}`)
	}
	if len(f.authFail) != 0 {
		t.Errorf("auth failures: %v", f.authFail)
	}
}

func TestRetryTLSUnknownAuthorityNotRetried(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, clusterJSONBody(testCluster))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	cfg := func(c *Config) {
		c.IAMEndpoint, c.CCEEndpoint, c.CTSEndpoint = srv.URL, srv.URL, srv.URL
	}
	f := newFakeCloud(t)
	c := newTestClient(t, f, akskCreds(), cfg)
	_, err := c.Cluster(t.Context(), testCluster, Fresh)
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("want certificate error, got %v", err)
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("connections = %d, want 1 (no retry)", got)
	}

	// With the server's CA as extra root the same call works.
	pemCA := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	c2 := newTestClient(t, f, akskCreds(), cfg, func(c *Config) { c.CACertPEM = pemCA })
	if _, err := c2.Cluster(t.Context(), testCluster, Fresh); err != nil {
		t.Fatalf("with CA: %v", err)
	}
	// Insecure skips verification.
	c3 := newTestClient(t, f, akskCreds(), cfg, func(c *Config) { c.Insecure = true })
	if _, err := c3.Cluster(t.Context(), testCluster, Fresh); err != nil {
		t.Fatalf("insecure: %v", err)
	}
}

func TestCheckRetryClassification(t *testing.T) {
	ctx := t.Context()
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"eof", &url.Error{Op: "Get", URL: "u", Err: io.EOF}, true},
		{"conn refused", &url.Error{Op: "Get", URL: "u", Err: errors.New("connection refused")}, true},
		{"unknown authority", &url.Error{Op: "Get", URL: "u", Err: x509.UnknownAuthorityError{}}, false},
		{"hostname", &url.Error{Op: "Get", URL: "u", Err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "h"}}, false},
		{"scheme", &url.Error{Op: "Get", URL: "u", Err: errors.New(`unsupported protocol scheme "ftp"`)}, false},
		{"permanent", &url.Error{Op: "Get", URL: "u", Err: &permanentError{err: errors.New("x")}}, false},
		{"canceled", &url.Error{Op: "Get", URL: "u", Err: context.Canceled}, false},
		{"tls version", &url.Error{Op: "Get", URL: "u", Err: &net.OpError{Op: "remote error", Err: errors.New("tls: protocol version not supported")}}, false},
	}
	for _, tc := range cases {
		got, _ := checkRetry(ctx, nil, tc.err)
		if got != tc.want {
			t.Errorf("%s: retry = %v, want %v", tc.name, got, tc.want)
		}
	}
	for st, want := range map[int]bool{200: false, 400: false, 401: false, 403: false, 404: false, 409: false, 429: true, 500: true, 501: false, 502: true, 503: true, 504: true} {
		got, _ := checkRetry(ctx, &http.Response{StatusCode: st}, nil)
		if got != want {
			t.Errorf("status %d: retry = %v, want %v", st, got, want)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if got, err := checkRetry(cctx, &http.Response{StatusCode: 503}, nil); got || err == nil {
		t.Errorf("canceled ctx: retry=%v err=%v", got, err)
	}
}

func TestBackoff(t *testing.T) {
	wmin, wmax := 100*time.Millisecond, 2*time.Second
	for attempt := 0; attempt < 70; attempt++ {
		hi := jitterBackoff(wmin, wmax, attempt, func(n int64) int64 { return n - 1 })
		lo := jitterBackoff(wmin, wmax, attempt, func(int64) int64 { return 0 })
		if lo != wmin {
			t.Errorf("attempt %d: low %s", attempt, lo)
		}
		wantHi := wmin << attempt
		if attempt > 10 || wantHi > wmax {
			wantHi = wmax
		}
		if hi != wantHi {
			t.Errorf("attempt %d: high %s, want %s", attempt, hi, wantHi)
		}
	}
	for i := 0; i < 200; i++ {
		d := backoff(wmin, wmax, 3, nil)
		if d < wmin || d > 800*time.Millisecond {
			t.Fatalf("backoff %s out of [100ms, 800ms]", d)
		}
	}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"1"}}}
	if d := backoff(wmin, wmax, 0, resp); d != time.Second {
		t.Errorf("retry-after 1: %s", d)
	}
	resp.Header.Set("Retry-After", "3600")
	if d := backoff(wmin, wmax, 0, resp); d != wmax {
		t.Errorf("retry-after capped: %s", d)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"0": 0, "7": 7 * time.Second, "-1": -1, "abc": -1, "": -1,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
	} {
		d, ok := parseRetryAfter(v, now)
		if want < 0 {
			if ok {
				t.Errorf("%q: want not ok, got %s", v, d)
			}
			continue
		}
		if !ok || d != want {
			t.Errorf("%q: got %s %v, want %s", v, d, ok, want)
		}
	}
}

func TestRateLimiter(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	c := newTestClient(t, f, akskCreds(), func(c *Config) { c.RateLimit = 50 })
	start := time.Now()
	for i := 0; i < 60; i++ {
		if _, err := c.Cluster(t.Context(), testCluster, Fresh); err != nil {
			t.Fatal(err)
		}
	}
	// Burst 50, then 10 more tokens at 50/s = 200ms.
	if el := time.Since(start); el < 150*time.Millisecond {
		t.Errorf("60 requests at 50/s took %s, want >= ~200ms", el)
	}
	// A canceled context stops the wait without retries.
	c2 := newTestClient(t, f, akskCreds(), func(c *Config) { c.RateLimit = 0.5 })
	if _, err := c2.Cluster(t.Context(), testCluster, Fresh); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	if _, err := c2.Cluster(ctx, testCluster, Fresh); err == nil {
		t.Fatal("want rate-limit wait error")
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("canceled wait took %s", el)
	}
}

// NotSent tells a call whose requests never reached the network (nothing can
// have happened) from one whose answer was an error or got lost.
func TestNotSent(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	_ = l.Close()
	f := newFakeCloud(t)
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("cluster_id") == "reset" {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close() // the request arrived; the answer is lost
				}
			}
			return
		}
		writeJSON(w, 503, map[string]any{"errorCode": "CCE.01500001", "errorMessage": "busy"})
	})
	live := newTestClient(t, f, akskCreds())
	down := newTestClient(t, f, akskCreds(), func(c *Config) { c.CCEEndpoint = dead })
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tc := range []struct {
		name    string
		call    func() error
		notSent bool
	}{
		{name: "connection refused", call: func() error { _, err := down.Cluster(t.Context(), testCluster, Fresh); return err }, notSent: true},
		{name: "canceled before sending", call: func() error { return live.RevokeClusterCert(canceled, testCluster, Applicant{UserID: testUserID}) }, notSent: true},
		{name: "no applicant", call: func() error { return live.RevokeClusterCert(t.Context(), testCluster, Applicant{}) }, notSent: true},
		{name: "server error", call: func() error { _, err := live.Cluster(t.Context(), testCluster, Fresh); return err }},
		{name: "answer lost", call: func() error { _, err := live.Cluster(t.Context(), "reset", Fresh); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil || NotSent(err) != tc.notSent {
				t.Errorf("err %v: NotSent = %v, want %v", err, NotSent(err), tc.notSent)
			}
		})
	}
}

// The API gateway's 429 (APIGW.0308) means CCE never saw the request, so
// even POST clustercert, which issues a certificate each time, is sent
// again, and one certificate is issued.
func TestCreateClusterCertRetriedAfterGatewayThrottle(t *testing.T) {
	cloud := mockcloud.NewForTest(t, mockcloud.WithFaults(1,
		mockcloud.Fault{Route: mockcloud.RouteClusterCert, Kind: mockcloud.FaultThrottle, Probability: 1, Times: 2}))
	c := newMockClient(t, cloud, keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey), func(cfg *Config) {
		cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = 3, time.Millisecond, 5*time.Millisecond
	})
	cert, err := c.CreateClusterCert(t.Context(), mockcloud.ProdClusterID, ClusterCertRequest{Duration: 1})
	if err != nil || len(cert.Kubeconfig) == 0 {
		t.Fatalf("err = %v", err)
	}
	var faults []string
	for _, r := range cloud.Requests() {
		if r.Route == mockcloud.RouteClusterCert {
			faults = append(faults, r.Fault)
		}
	}
	if strings.Join(faults, ",") != "429,429," {
		t.Fatalf("POST clustercert tries with faults %q, want two throttled and one answered", faults)
	}
}
