package cce

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// refusal asserts that err is a *CredentialsError and returns it.
func refusal(t *testing.T, err error) *CredentialsError {
	t.Helper()
	var ce *CredentialsError
	if !errors.As(err, &ce) {
		t.Fatalf("want a CredentialsError, got %v", err)
	}
	return ce
}

// A refused key pair: every later call of the client fails at once with the
// same error and sends nothing; the first reporter claims it, no one else.
func TestVerdict_refusedKeyStopsEveryCall(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	f.serveIAM(true, "alice")
	c := newTestClient(t, f, Credentials{AccessKey: testRefusedAK, SecretKey: "wrong"}, func(c *Config) { c.DomainID = testDomainID })
	ctx := t.Context()
	_, err := c.Cluster(ctx, testCluster, Cached)
	first := refusal(t, err)
	if first.Fault() != FaultAccessKey {
		t.Errorf("fault %s, want %s", first.Fault(), FaultAccessKey)
	}
	sent := f.count(routeGetCluster)
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				_, errs[i] = c.Cluster(ctx, "other-cluster", Fresh)
			case 1:
				_, errs[i] = c.User(ctx, testUserID, Fresh)
			case 2:
				_, errs[i] = c.Caller(ctx, Fresh)
			default:
				errs[i] = c.RevokeClusterCert(ctx, testCluster, Applicant{UserID: testUserID})
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if refusal(t, err) != first {
			t.Errorf("call %d: %v, want the first refusal itself", i, err)
		}
		if !NotSent(err) {
			t.Errorf("call %d: %v is not marked as not sent", i, err)
		}
	}
	if got := f.count(routeGetCluster); got != sent {
		t.Errorf("%d cluster reads after the refusal", got-sent)
	}
	for _, r := range []string{routeListUsers, routeCallerID, routeRevoke, routeUserGroups} {
		if n := f.count(r); n != 0 {
			t.Errorf("%s sent %d times after the refusal", r, n)
		}
	}
	if !first.Claim() || first.Claim() {
		t.Error("the refusal must be claimed once, by its first reporter")
	}
	// A refusal no client recorded is every reporter's own.
	loose := &CredentialsError{Method: AuthAKSK, Err: &APIError{StatusCode: 401}}
	for range 2 {
		if !loose.Claim() {
			t.Error("a CredentialsError of no client must always be claimed")
		}
	}
}

// A wrong password is sent once per client, however many calls want a token,
// concurrently or later: IAM locks a user after a few failed sign-ins.
func TestVerdict_passwordSignInOnce(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	c := newTestClient(t, f, Credentials{UserName: "alice", Password: "wrong", DomainName: "acme"})
	var wg sync.WaitGroup
	errs := make([]error, 30)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.Cluster(t.Context(), testCluster, Fresh) })
	}
	wg.Wait()
	_, err := c.Caller(t.Context(), Fresh)
	for _, err := range append(slices.Clip(errs), err) {
		if ce := refusal(t, err); ce.Method != AuthPassword || ce.Fault() != FaultPassword {
			t.Errorf("%v: method %s fault %s", err, ce.Method, ce.Fault())
		}
	}
	f.wantCount(t, routeTokens, 1)
	f.wantCount(t, routeGetCluster, 0)
}

// IAM refuses the key pair with X-Domain-Id while STS and CCE accept it:
// the fault is domain_id; calls without the header still go, calls with it
// stop. Before anything accepted the key, the fault is not decided yet; a
// refusal without the header decides it for the key pair.
func TestVerdict_domainID(t *testing.T) {
	refuseDomain := func(f *fakeCloud) {
		f.handle(routeListUsers, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, map[string]string{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: X-Domain-Id"})
		})
	}
	t.Run("key accepted elsewhere", func(t *testing.T) {
		f := newFakeCloud(t)
		f.serveCluster()
		refuseDomain(f)
		c := newTestClient(t, f, akskCreds(), func(c *Config) { c.DomainID = testDomainID })
		if _, err := c.Cluster(t.Context(), testCluster, Fresh); err != nil {
			t.Fatal(err)
		}
		_, err := c.User(t.Context(), "u2", Cached)
		ce := refusal(t, err)
		if ce.Fault() != FaultDomainID || ce.DomainID != testDomainID {
			t.Errorf("fault %s domain %q, want %s %q", ce.Fault(), ce.DomainID, FaultDomainID, testDomainID)
		}
		if _, err := c.ListUserGroups(t.Context(), testUserID); refusal(t, err) != ce || !NotSent(err) {
			t.Errorf("an IAM call with the header after the refusal: %v", err)
		}
		if _, err := c.Cluster(t.Context(), testCluster, Fresh); err != nil {
			t.Errorf("CCE still accepts the key: %v", err)
		}
		if n := f.count(routeListUsers) + f.count(routeUserGroups); n != 1 {
			t.Errorf("%d IAM requests, want the one refused", n)
		}
	})
	t.Run("undecided, then the key refused", func(t *testing.T) {
		f := newFakeCloud(t)
		refuseDomain(f)
		f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, map[string]string{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: verify aksk signature fail"})
		})
		c := newTestClient(t, f, akskCreds(), func(c *Config) { c.DomainID = testDomainID })
		_, err := c.User(t.Context(), "u2", Cached)
		ce := refusal(t, err)
		if ce.Fault() != FaultDomainIDOrKey {
			t.Errorf("fault %s before any other answer, want %s", ce.Fault(), FaultDomainIDOrKey)
		}
		_, err = c.Cluster(t.Context(), testCluster, Cached)
		if key := refusal(t, err); key == ce || key.Fault() != FaultAccessKey {
			t.Errorf("the CCE refusal: fault %s", key.Fault())
		}
		if ce.Fault() != FaultAccessKey {
			t.Errorf("the IAM refusal now: fault %s, want %s", ce.Fault(), FaultAccessKey)
		}
		if !ce.Claim() || ce.Claim() {
			t.Error("both refusals share one claim per client")
		}
	})
}

// A failed look-up is kept like an answer: concurrent and later callers
// share one request (with its retries); a caller's interrupt is not kept.
func TestKeepFailure_sharedLookUp(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeListUsers, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, map[string]string{"error_code": "APIGW.0202", "error_msg": "Service unavailable"})
	})
	c := newTestClient(t, f, akskCreds(), func(c *Config) { c.DomainID = testDomainID; c.MaxRetries = 2 })
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			if _, err := c.User(t.Context(), testUserID, Cached); err == nil || IsNotFound(err) {
				t.Errorf("want the 503, got %v", err)
			}
		})
	}
	wg.Wait()
	if _, err := c.User(t.Context(), "u2", Cached); err == nil {
		t.Error("a later caller must get the kept failure")
	}
	f.wantCount(t, routeListUsers, 3) // one look-up: a try and two retries
	if _, err := c.User(t.Context(), testUserID, Fresh); err == nil {
		t.Error("Fresh asks again and fails again")
	}
	f.wantCount(t, routeListUsers, 6)

	for _, err := range []error{context.Canceled, context.DeadlineExceeded, opError(ServiceIAM, "list users", context.Canceled)} {
		if keepFailure(err) {
			t.Errorf("%v is kept", err)
		}
	}
	if !keepFailure(&APIError{StatusCode: 503}) {
		t.Error("a 503 is not kept")
	}
}

// logTransportOf returns the innermost transport of c that tests may replace.
func logTransportOf(t *testing.T, c *Client) *logTransport {
	t.Helper()
	at, ok1 := c.http.HTTPClient.Transport.(*authTransport)
	if !ok1 {
		t.Fatal("unexpected transport chain")
	}
	rt, ok2 := at.next.(*rateTransport)
	if !ok2 {
		t.Fatal("unexpected transport chain")
	}
	lt, ok3 := rt.next.(*logTransport)
	if !ok3 {
		t.Fatal("unexpected transport chain")
	}
	return lt
}

// roundTripFunc is an http.RoundTripper of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A host DNS says does not exist (a mistyped cloud) is asked for once per
// client: every later request to it fails at once with the same error,
// which names the settings the host came from; other hosts still work.
func TestVerdict_unknownHost(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	c := newTestClient(t, f, akskCreds(), func(c *Config) {
		c.IAMEndpoint, c.STSEndpoint, c.CTSEndpoint, c.Cloud = "", "", "", "myhuaweicloud.cmo"
		c.DomainID = testDomainID
	})
	var mu sync.Mutex
	lookups := map[string]int{}
	log := logTransportOf(t, c)
	fromTest := log.next
	log.next = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if h := r.URL.Hostname(); strings.HasSuffix(h, ".cmo") {
			mu.Lock()
			lookups[h]++
			mu.Unlock()
			return nil, &net.DNSError{Err: "no such host", Name: h, IsNotFound: true}
		}
		return fromTest.RoundTrip(r)
	})
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.User(t.Context(), fmt.Sprint(i), Fresh) })
	}
	wg.Wait()
	var first *UnknownHostError
	for _, err := range errs {
		var e *UnknownHostError
		if !errors.As(err, &e) {
			t.Fatalf("want an UnknownHostError, got %v", err)
		}
		if first == nil {
			first = e
		}
		if e != first {
			t.Errorf("two errors for one host: %v and %v", first, e)
		}
	}
	if first.Host != "iam.eu-de.myhuaweicloud.cmo" || first.Setting != "region and cloud" || first.Cloud != "myhuaweicloud.cmo" || first.Region != "eu-de" {
		t.Errorf("error %+v", first)
	}
	if n := lookups["iam.eu-de.myhuaweicloud.cmo"]; n != 1 {
		t.Errorf("%d requests to the unknown host, want 1 (not even a retry)", n)
	}
	if _, err := c.Cluster(t.Context(), testCluster, Fresh); err != nil {
		t.Errorf("CCE's configured endpoint still works: %v", err)
	}
	if !first.Claim() || first.Claim() {
		t.Error("claimed once per client")
	}

	// A configured endpoint is named as such.
	c2 := newTestClient(t, f, akskCreds(), func(c *Config) { c.IAMEndpoint = "https://iam.example.cmo" })
	log = logTransportOf(t, c2)
	log.next = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}
	})
	_, err := c2.User(t.Context(), "x", Fresh)
	var e *UnknownHostError
	if !errors.As(err, &e) || e.Setting != "endpoints.iam" || e.Host != "iam.example.cmo" {
		t.Errorf("configured endpoint: %v (%+v)", err, e)
	}
}

// A 401 whose answer's Date is far from this machine's clock is the clock's
// fault, for every signed request of the run: it is asked once.
func TestVerdict_clockSkew(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat))
		writeJSON(w, 401, map[string]string{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: verify aksk signature fail"})
	})
	f.serveIAM(true, "alice")
	c := newTestClient(t, f, akskCreds(), func(c *Config) { c.DomainID = testDomainID })
	_, err := c.Cluster(t.Context(), testCluster, Fresh)
	var first *ClockSkewError
	if !errors.As(err, &first) {
		t.Fatalf("want a ClockSkewError, got %v", err)
	}
	for range 3 {
		_, err := c.User(t.Context(), testUserID, Fresh)
		var e *ClockSkewError
		if !errors.As(err, &e) || e != first || !NotSent(err) {
			t.Errorf("a later call: %v", err)
		}
	}
	if n := f.count(routeGetCluster) + f.count(routeListUsers); n != 1 {
		t.Errorf("%d requests, want the one refused", n)
	}
	if !first.Claim() || first.Claim() || !first.Claimed() {
		t.Error("claimed once per client")
	}
}
