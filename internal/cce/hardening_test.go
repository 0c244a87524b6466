package cce

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The tests in this file show the client properties the "Reliability and
// security" issue asks for. Related tests elsewhere: TestStaticTokenNoReauth,
// TestRetryNeverFor4xxAnd501, TestRetryExhaustedReturnsLastAPIError and
// TestRetryTLSUnknownAuthorityNotRetried.

// TestTLS11OnlyServerRefused shows that the client insists on TLS 1.2: a
// server that speaks at most TLS 1.1 is refused, even with verification off.
func TestTLS11OnlyServerRefused(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, 200, clusterJSONBody(testCluster))
	}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	var conns atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()

	// Control: the server really answers a client that accepts TLS 1.1.
	ctl := srv.Client()
	ctl.Transport.(*http.Transport).TLSClientConfig.MinVersion = tls.VersionTLS10 //nolint:forcetypeassert // httptest's client uses *http.Transport.
	resp, err := ctl.Get(srv.URL)
	if err != nil {
		t.Fatalf("control client with TLS 1.0 allowed: %v", err)
	}
	_ = resp.Body.Close()
	if resp.TLS == nil || resp.TLS.Version != tls.VersionTLS11 {
		t.Fatalf("control connection did not use TLS 1.1: %+v", resp.TLS)
	}

	f := newFakeCloud(t)
	c := newTestClient(t, f, akskCreds(), func(c *Config) {
		c.IAMEndpoint, c.CCEEndpoint, c.CTSEndpoint = srv.URL, srv.URL, srv.URL
		c.Insecure = true
	})
	_, err = c.Cluster(t.Context(), testCluster, Fresh)
	if err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Fatalf("want a TLS protocol version error, got %v", err)
	}
	if got := hits.Load(); got != 1 {
		t.Errorf("requests served = %d, want 1 (the control only)", got)
	}
	if got := conns.Load(); got != 2 {
		t.Errorf("connections = %d, want 2 (the control and one refused handshake, not retried)", got)
	}
}

// TestPasswordExpiredTokenReauthOnce: a 401 for a token the server considers
// expired (the client still thinks it is valid) triggers exactly one new token
// and one retry; when the retry is refused too, that 401 is returned.
func TestPasswordExpiredTokenReauthOnce(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	f.tokenTTL = time.Hour
	base := time.Now()
	var serverClock atomic.Int64
	serverClock.Store(base.UnixNano())
	f.now = func() time.Time { return time.Unix(0, serverClock.Load()) }
	c := newTestClient(t, f, passwordCreds())
	c.now = func() time.Time { return base } // the client's clock stands still.
	ctx := t.Context()

	if _, err := c.Cluster(ctx, testCluster, Fresh); err != nil {
		t.Fatal(err)
	}
	// Two hours later for the server: the cached token has expired there.
	serverClock.Store(base.Add(2 * time.Hour).UnixNano())
	if _, err := c.Cluster(ctx, testCluster, Fresh); err != nil {
		t.Fatalf("after server-side expiry: %v", err)
	}
	if got, want := f.count(routeTokens), 2; got != want {
		t.Errorf("token requests = %d, want %d", got, want)
	}
	if got, want := f.count(routeGetCluster), 3; got != want {
		t.Errorf("cluster GETs = %d, want %d (ok, 401, ok)", got, want)
	}

	// Now every new token is born expired: one re-auth, one retry, then the
	// second 401 is the answer. No loop, and 401 is not retried.
	f.tokenTTL = -time.Minute
	serverClock.Store(base.Add(4 * time.Hour).UnixNano())
	_, err := c.Cluster(ctx, testCluster, Fresh)
	if !IsUnauthorized(err) {
		t.Fatalf("want the second 401, got %v", err)
	}
	if !strings.Contains(err.Error(), "token expires") {
		t.Errorf("error %q does not carry the gateway message", err)
	}
	if got, want := f.count(routeTokens), 3; got != want {
		t.Errorf("token requests = %d, want %d", got, want)
	}
	if got, want := f.count(routeGetCluster), 5; got != want {
		t.Errorf("cluster GETs = %d, want %d (401, 401)", got, want)
	}
}

// TestRevoke4xxNeverRetried covers the POST side of the 4xx rule.
func TestRevoke4xxNeverRetried(t *testing.T) {
	for _, st := range []int{400, 403, 404, 409} {
		f := newFakeCloud(t)
		var n atomic.Int32
		f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			writeJSON(w, st, map[string]string{"error_code": "CCE.01400001", "error_msg": "no"})
		})
		c := newTestClient(t, f, akskCreds())
		err := c.RevokeClusterCert(t.Context(), testCluster, Applicant{UserID: testUserID})
		if ae, ok := AsAPIError(err); !ok || ae.StatusCode != st {
			t.Fatalf("%d: err = %v", st, err)
		}
		if got := n.Load(); got != 1 {
			t.Errorf("%d: attempts = %d, want 1", st, got)
		}
	}
}

// TestRetry429And5xxUpToMaxRetries: each retryable status is tried
// 1+MaxRetries times and the last answer is returned.
func TestRetry429And5xxUpToMaxRetries(t *testing.T) {
	for _, st := range []int{429, 500, 502, 503, 504} {
		f := newFakeCloud(t)
		n := statusSeq(f, nil, st, st, st, st, st, st, st)
		c := newTestClient(t, f, akskCreds(), func(c *Config) { c.MaxRetries = 2 })
		_, err := c.Cluster(t.Context(), testCluster, Fresh)
		if ae, ok := AsAPIError(err); !ok || ae.StatusCode != st {
			t.Fatalf("%d: err = %v", st, err)
		}
		if got := n.Load(); got != 3 {
			t.Errorf("%d: attempts = %d, want 3 (1 + MaxRetries)", st, got)
		}
	}
}

// TestRetryAfterHonoured: a Retry-After below RetryWaitMax is waited out in
// full, for 429 and 503 alike, although RetryWaitMin is 1ms.
func TestRetryAfterHonoured(t *testing.T) {
	for _, st := range []int{429, 503} {
		f := newFakeCloud(t)
		var mu sync.Mutex
		var at []time.Time
		f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			at = append(at, time.Now())
			k := len(at)
			mu.Unlock()
			if k == 1 {
				w.Header().Set("Retry-After", "1")
				writeJSON(w, st, map[string]string{"error_code": "APIGW.0308", "error_msg": "throttled"})
				return
			}
			writeJSON(w, 200, clusterJSONBody(testCluster))
		})
		c := newTestClient(t, f, akskCreds(), func(c *Config) { c.RetryWaitMax = 5 * time.Second })
		if _, err := c.Cluster(t.Context(), testCluster, Fresh); err != nil {
			t.Fatalf("%d: %v", st, err)
		}
		if len(at) != 2 {
			t.Fatalf("%d: attempts = %d, want 2", st, len(at))
		}
		if gap := at[1].Sub(at[0]); gap < 950*time.Millisecond || gap > 3*time.Second {
			t.Errorf("%d: retry after %s, want about the 1s of Retry-After", st, gap)
		}
	}
}

// TestRevokeResponseLostIsRetried: the server records the revocation, then
// the connection drops before any answer. The client retries the POST (with
// the same body) and the retry's 200 is success.
func TestRevokeResponseLostIsRetried(t *testing.T) {
	f := newFakeCloud(t)
	var mu sync.Mutex
	var bodies []string
	revoked := map[string]int{}
	f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		var in struct {
			UserID string `json:"userId"`
		}
		if err := json.Unmarshal(b, &in); err != nil {
			t.Errorf("body %q: %v", b, err)
		}
		mu.Lock()
		bodies = append(bodies, string(b))
		revoked[in.UserID]++ // recorded before the answer is lost.
		first := len(bodies) == 1
		mu.Unlock()
		if first {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			conn, _, err := hj.Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			_ = conn.Close()
			return
		}
		w.WriteHeader(200)
	})
	c := newTestClient(t, f, akskCreds())
	if err := c.RevokeClusterCert(t.Context(), testCluster, Applicant{UserID: testUserID}); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 {
		t.Fatalf("attempts = %d, want 2", len(bodies))
	}
	if bodies[0] != bodies[1] || revoked[testUserID] != 2 {
		t.Errorf("bodies %q, revoked %v", bodies, revoked)
	}
	if len(f.authFail) != 0 {
		t.Errorf("auth failures: %v", f.authFail)
	}
}

// secretMarker is part of every secret the tests use (testSK, testSecToken,
// testPassword, testToken and the tokens the fake issues).
const secretMarker = "SUPERSECRET"

// allSecretsCreds fills every credential field; which method it selects
// depends on the fields a case clears.
func allSecretsCreds() Credentials {
	return Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: testSecToken,
		UserName: "alice", Password: testPassword, DomainName: "acme", AuthToken: testToken}
}

// TestNoSecretsInNewClientErrors goes through every error path of NewClient
// with secrets in the credentials and, where an endpoint can hold one, in
// the endpoint URL.
func TestNoSecretsInNewClientErrors(t *testing.T) {
	aksk := Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: testSecToken}
	cases := []struct {
		name   string
		mut    func(*Config)
		errHas string
	}{
		{"all methods", func(c *Config) { c.Credentials = allSecretsCreds() }, "more than one"},
		{"sk only", func(c *Config) { c.Credentials = Credentials{SecretKey: testSK, SecurityToken: testSecToken} }, "access_key not set"},
		{"password no domain", func(c *Config) { c.Credentials = Credentials{UserName: "u", Password: testPassword} }, "domain_name not set"},
		{"password no user", func(c *Config) { c.Credentials = Credentials{Password: testPassword, DomainName: "d"} }, "user_name not set"},
		{"token and half a password", func(c *Config) { c.Credentials = Credentials{Password: testPassword, AuthToken: testToken} }, "user_name not set"},
		{"token and password", func(c *Config) {
			c.Credentials = Credentials{UserName: "u", Password: testPassword, DomainName: "d", AuthToken: testToken}
		}, "more than one"},
		{"no region", func(c *Config) { c.Region = "" }, "region is required"},
		{"no project", func(c *Config) {
			c.Region, c.IAMEndpoint, c.CCEEndpoint, c.CTSEndpoint = "", "https://x", "https://x", "https://x"
		}, "project_id is required"},
		{"userinfo", func(c *Config) { c.IAMEndpoint = "https://u:pw-SUPERSECRET@iam.example.com" }, "credentials"},
		{"user only", func(c *Config) { c.IAMEndpoint = "https://tok-SUPERSECRET@iam.example.com" }, "credentials"},
		{"query", func(c *Config) { c.CCEEndpoint = "https://cce.example.com/?X-Auth-Token=tok-SUPERSECRET" }, "query"},
		{"fragment", func(c *Config) { c.CTSEndpoint = "https://cts.example.com/#tok-SUPERSECRET" }, "fragment"},
		{"unparsable with userinfo", func(c *Config) { c.IAMEndpoint = "https://u:pw-SUPERSECRET@bad host" }, "invalid iam endpoint"},
		{"control character", func(c *Config) { c.IAMEndpoint = "https://u:pw-SUPERSECRET@x/\x7f" }, "invalid iam endpoint"},
		{"bad scheme with userinfo", func(c *Config) { c.CCEEndpoint = "ftp://u:pw-SUPERSECRET@x" }, "scheme"},
		{"no host with userinfo", func(c *Config) { c.CTSEndpoint = "https://u:pw-SUPERSECRET@" }, "no host"},
		{"negative retries", func(c *Config) { c.MaxRetries = -1 }, "max_retries"},
		{"negative rate", func(c *Config) { c.RateLimit = -1 }, "rate limit"},
		{"waits", func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = 2*time.Second, time.Second }, "retry waits"},
		{"ca", func(c *Config) { c.CACertPEM = []byte("not pem " + secretMarker) }, "PEM"},
	}
	for _, tc := range cases {
		cfg := Config{Region: "eu-de", Credentials: aksk}
		tc.mut(&cfg)
		_, err := NewClient(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.errHas) {
			t.Errorf("%s: err %v, want containing %q", tc.name, err, tc.errHas)
			continue
		}
		if strings.Contains(err.Error(), secretMarker) {
			t.Errorf("%s: secret in error: %v", tc.name, err)
		}
	}
}

// echoAll answers with status and an error body that repeats every request
// header value and the request body: the worst case of a server or proxy
// that echoes what it got.
func echoAll(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var parts []string
		for k, vs := range r.Header {
			parts = append(parts, k+"="+strings.Join(vs, ","))
		}
		w.Header().Set("X-Request-Id", r.Header.Get("X-Auth-Token")+r.Header.Get("Authorization"))
		writeJSON(w, status, map[string]string{"error_code": "APIGW.0301",
			"error_msg":  "rejected " + strings.Join(parts, "; ") + " body " + string(b),
			"request_id": r.Header.Get("X-Security-Token")})
	}
}

// serveIAMWith registers the IAM routes WhoAmI uses; the route named fail
// is answered by failWith instead.
func serveIAMWith(f *fakeCloud, fail string, failWith http.HandlerFunc) {
	routes := map[string]http.HandlerFunc{
		routeCredential: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"credential": map[string]any{"user_id": testUserID}})
		},
		routeGetUser: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"user": map[string]any{"id": testUserID, "name": "alice", "domain_id": testDomainID}})
		},
		routeUserGroups: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"groups": []any{map[string]any{"id": "g", "name": "admin"}}})
		},
		routeDomains: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"domains": []any{map[string]any{"id": testDomainID, "name": "acme"}}})
		},
		routeProjects: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"projects": []any{map[string]any{"id": testProject, "name": "eu-de"}}})
		},
		routeVerifyToken: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"token": map[string]any{"user": map[string]any{"id": testUserID, "name": "alice",
				"domain": map[string]any{"id": testDomainID, "name": "acme"}}}})
		},
	}
	if fail == routeCallerID {
		routes[routeCallerID] = nil // without it STS answers 404 and the client falls back to IAM
	}
	for route, h := range routes {
		if route == fail {
			h = failWith
		}
		f.handle(route, h)
	}
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
		}
	}
}

// TestNoSecretsInWhoAmIErrors fails each step of WhoAmI for each
// authentication method, with servers that echo the request, and checks that
// no secret (nor an AK/SK signature) reaches the error text.
func TestNoSecretsInWhoAmIErrors(t *testing.T) {
	aksk := akskCreds()
	temp := Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: testSecToken}
	tok := Credentials{AuthToken: testToken}
	pw := passwordCreds()
	wrongPW := passwordCreds()
	wrongPW.Password = "wrong-" + secretMarker + "-pw"
	plainJSON := func(v any) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, v) }
	}
	cases := []struct {
		name      string
		cr        Credentials
		discover  bool // project_id unset: discovery runs
		fail      string
		failWith  http.HandlerFunc
		errHas    string
		tokenFail http.HandlerFunc // replaces the fake's token issuing
	}{
		{name: "aksk credential 401", cr: aksk, fail: routeCredential, failWith: echoAll(401), errHas: "HTTP 401"},
		{name: "aksk credential 403", cr: aksk, fail: routeCredential, failWith: echoAll(403), errHas: "HTTP 403"},
		{name: "aksk credential 500 exhausted", cr: aksk, fail: routeCredential, failWith: echoAll(500), errHas: "HTTP 500"},
		{name: "aksk credential no user_id", cr: aksk, fail: routeCredential, failWith: plainJSON(map[string]any{"credential": map[string]any{}}), errHas: "no user_id"},
		{name: "aksk credential not JSON", cr: aksk, fail: routeCredential, failWith: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, r.Header.Get("X-Security-Token")+r.Header.Get("Authorization"))
		}, errHas: "decoding response"},
		{name: "aksk connection dropped", cr: aksk, fail: routeCredential, failWith: hangUp, errHas: "get credential"},
		{name: "aksk user 404", cr: aksk, fail: routeGetUser, failWith: echoAll(404), errHas: "HTTP 404"},
		{name: "aksk domains 500", cr: temp, fail: routeDomains, failWith: echoAll(502), errHas: "HTTP 502"},
		{name: "aksk groups 400 (admin unknown)", cr: aksk, fail: routeUserGroups, failWith: echoAll(400), errHas: "HTTP 400"},
		{name: "aksk STS 401", cr: aksk, fail: routeCallerID, failWith: echoAll(401), errHas: "HTTP 401"},
		{name: "temporary STS 503 (caller unknown)", cr: temp, fail: routeCallerID, failWith: echoAll(503), errHas: "HTTP 503"},
		{name: "aksk project discovery 401", cr: temp, discover: true, fail: routeProjects, failWith: echoAll(401), errHas: "HTTP 401"},
		{name: "token verify 401", cr: tok, fail: routeVerifyToken, failWith: echoAll(401), errHas: "HTTP 401"},
		{name: "token verify dropped", cr: tok, fail: routeVerifyToken, failWith: hangUp, errHas: "verify token"},
		{name: "token groups 409 (admin unknown)", cr: tok, fail: routeUserGroups, failWith: echoAll(409), errHas: "HTTP 409"},
		{name: "token project discovery 404", cr: tok, discover: true, fail: routeProjects, failWith: plainJSON(map[string]any{"projects": []any{}}), errHas: "no project named"},
		{name: "password wrong", cr: wrongPW, errHas: "HTTP 401"},
		{name: "password token echoed 401", cr: pw, tokenFail: echoAll(401), errHas: "HTTP 401"},
		{name: "password token 500", cr: pw, tokenFail: echoAll(503), errHas: "HTTP 503"},
		{name: "password token without subject header", cr: pw, tokenFail: plainJSON(map[string]any{"token": map[string]any{}}), errHas: "X-Subject-Token"},
		{name: "password groups 401", cr: pw, fail: routeUserGroups, failWith: echoAll(401), errHas: "HTTP 401"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f *fakeCloud
			if tc.tokenFail != nil {
				f = newFakeCloudTokenRoute(t, tc.tokenFail)
			} else {
				f = newFakeCloud(t)
			}
			var sigMu sync.Mutex
			var signatures []string
			serveIAMWith(f, tc.fail, func(w http.ResponseWriter, r *http.Request) {
				if _, sig, ok := strings.Cut(r.Header.Get("Authorization"), "Signature="); ok {
					sigMu.Lock()
					signatures = append(signatures, sig)
					sigMu.Unlock()
				}
				tc.failWith(w, r)
			})
			c := newTestClient(t, f, tc.cr, func(c *Config) {
				if tc.discover {
					c.ProjectID = ""
				}
			})
			// A failure that leaves the caller unclassified is no error: its
			// reason carries the API's answer instead.
			id, err := c.Caller(t.Context(), Cached)
			text := ""
			switch {
			case err != nil:
				text = err.Error()
			case id.Admin == AdminUnknown:
				text = id.AdminReason
			}
			if !strings.Contains(text, tc.errHas) {
				t.Fatalf("err %v, identity %+v, want an error or reason containing %q", err, id, tc.errHas)
			}
			if strings.Contains(text, secretMarker) {
				t.Errorf("secret in error: %s", text)
			}
			sigMu.Lock()
			defer sigMu.Unlock()
			if m, _ := tc.cr.Method(); (m == AuthAKSK || m == AuthTemporaryAKSK) && len(signatures) == 0 {
				t.Fatal("no signature captured: the signature check cannot fail")
			}
			for _, sig := range signatures {
				if strings.Contains(text, sig) {
					t.Errorf("AK/SK signature in error: %s", text)
				}
			}
			if ae, ok := AsAPIError(err); ok && strings.Contains(ae.Code+ae.Message+ae.RequestID, secretMarker) {
				t.Errorf("secret in APIError fields: %+v", *ae)
			}
		})
	}
}

// newFakeCloudTokenRoute is newFakeCloud with POST /v3/auth/tokens answered
// by h.
func newFakeCloudTokenRoute(t *testing.T, h http.HandlerFunc) *fakeCloud {
	t.Helper()
	f := &fakeCloud{t: t, mux: http.NewServeMux(), hits: map[string]int{}, tokens: map[string]time.Time{}, tokenTTL: time.Hour, now: time.Now}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	f.handle(routeTokens, h)
	return f
}

// TestNoSecretsInAKSKFailure: a gateway that rejects the signature and
// echoes the request (including the Authorization header and the security
// token) yields an error without them, on a CCE call and on a revoke.
func TestNoSecretsInAKSKFailure(t *testing.T) {
	f := newFakeCloud(t)
	var mu sync.Mutex
	var sigs []string
	fail := func(w http.ResponseWriter, r *http.Request) {
		if _, sig, ok := strings.Cut(r.Header.Get("Authorization"), "Signature="); ok {
			mu.Lock()
			sigs = append(sigs, sig)
			mu.Unlock()
		}
		echoAll(401)(w, r)
	}
	f.handle(routeGetCluster, fail)
	f.handle(routeRevoke, fail)
	// One client per call: a client that was refused once sends nothing more (verdict.go).
	creds := Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: testSecToken}
	_, err1 := newTestClient(t, f, creds).Cluster(t.Context(), testCluster, Fresh)
	err2 := newTestClient(t, f, creds).RevokeClusterCert(t.Context(), testCluster, Applicant{UserID: testUserID})
	mu.Lock()
	captured := len(sigs)
	mu.Unlock()
	if captured != 2 {
		t.Fatalf("signatures captured %d, want 2 (one per call)", captured)
	}
	for _, err := range []error{err1, err2} {
		if !IsUnauthorized(err) {
			t.Fatalf("want 401, got %v", err)
		}
		if strings.Contains(err.Error(), secretMarker) {
			t.Errorf("secret in error: %v", err)
		}
		mu.Lock()
		for _, sig := range sigs {
			if strings.Contains(err.Error(), sig) {
				t.Errorf("signature in error: %v", err)
			}
		}
		mu.Unlock()
	}
}
