package cce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testAK = "TESTAKAAAAAAAAAAAAAA"
	// testRefusedAK stands for a key pair whose secret key is wrong: the
	// fake answers its requests as the gateway answers a bad signature.
	testRefusedAK = "TESTAKREFUSEDAAAAAAA"
	testSK        = "sk-SUPERSECRET-0123456789"
	testSecToken  = "sectok-SUPERSECRET-temporary"
	testPassword  = "pw-SUPERSECRET-hunter2"
	testToken     = "static-token-SUPERSECRET"
	testProject   = "0123456789abcdef0123456789abcdef"
	testUserID    = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testDomainID  = "dddddddddddddddddddddddddddddddd"
	testCluster   = "365b5e05-846a-11ea-9fe6-0255ac101107"
)

// fakeCloud is a tiny test double: routes on a ServeMux, per-route hit
// counters, and auth checks (a known access key, or a known token).
type fakeCloud struct {
	t      *testing.T
	srv    *httptest.Server
	mux    *http.ServeMux
	mu     sync.Mutex
	hits   map[string]int
	tokens map[string]time.Time // issued token -> expiry
	tokSeq atomic.Int32
	// tokenTTL is the lifetime of issued tokens.
	tokenTTL time.Duration
	// tokenDelay slows token issuing to widen races.
	tokenDelay time.Duration
	// now is the fake's clock.
	now func() time.Time
	// authFail records why auth failed (for assertions).
	authFail []string
}

func newFakeCloud(t *testing.T) *fakeCloud {
	t.Helper()
	f := &fakeCloud{t: t, mux: http.NewServeMux(), hits: map[string]int{}, tokens: map[string]time.Time{}, tokenTTL: 24 * time.Hour, now: time.Now}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	f.handle("POST /v3/auth/tokens", f.issueToken)
	return f
}

func (f *fakeCloud) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", "0123456789abcdef0123456789abcdef")
	f.mux.ServeHTTP(w, r)
}

// handle registers a route; non-token routes require authentication.
func (f *fakeCloud) handle(pattern string, h http.HandlerFunc) {
	f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits[pattern]++
		f.mu.Unlock()
		if pattern != "POST /v3/auth/tokens" {
			if why := f.checkAuth(r); why != "" {
				f.mu.Lock()
				f.authFail = append(f.authFail, why)
				f.mu.Unlock()
				writeJSON(w, http.StatusUnauthorized, map[string]string{"error_code": "APIGW.0301",
					"error_msg": "Incorrect IAM authentication information: " + why, "request_id": "r1"})
				return
			}
		}
		h(w, r)
	})
}

func (f *fakeCloud) count(pattern string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[pattern]
}

// checkAuth returns "" when the request is authenticated.
func (f *fakeCloud) checkAuth(r *http.Request) string {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		if tok == testToken {
			return ""
		}
		f.mu.Lock()
		exp, ok := f.tokens[tok]
		f.mu.Unlock()
		if !ok {
			return "decrypt token fail"
		}
		if f.now().After(exp) {
			return "token expires"
		}
		return ""
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return "x-auth-token not found"
	}
	var ak, signed string
	for _, part := range strings.Split(strings.TrimPrefix(auth, signAlgorithm+" "), ", ") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "Access":
			ak = v
		case "SignedHeaders":
			signed = v
		}
	}
	switch ak {
	case testAK:
	case testRefusedAK:
		return "verify aksk signature fail"
	default:
		return "unknown access key"
	}
	if !strings.Contains(";"+signed+";", ";x-sdk-date;") {
		return "x-sdk-date not signed"
	}
	if tok := r.Header.Get("X-Security-Token"); tok != "" && tok != testSecToken {
		return "bad security token"
	}
	// Read the body first, as a gateway does before the service sees it (the
	// server notices a client that went away only once the body is read).
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	// The signature itself is not checked here: checked with the client's own
	// signer, it would prove nothing. signer_test.go checks it against the
	// published vectors, and every test against internal/mockcloud against
	// the mock's signer, written from the documentation separately.
	return ""
}

// issueToken implements POST /v3/auth/tokens for the password flow.
func (f *fakeCloud) issueToken(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Auth struct {
			Identity struct {
				Methods  []string `json:"methods"`
				Password struct {
					User struct {
						Name, Password string
						Domain         struct{ Name string } `json:"domain"`
					} `json:"user"`
				} `json:"password"`
			} `json:"identity"`
			Scope struct {
				Project struct{ ID, Name string } `json:"project"`
			} `json:"scope"`
		} `json:"auth"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"code": 400, "title": "Bad Request", "message": "bad body"}})
		return
	}
	u := body.Auth.Identity.Password.User
	if u.Name != "alice" || u.Password != testPassword || u.Domain.Name != "acme" {
		writeJSON(w, 401, map[string]any{"error": map[string]any{"code": 401, "title": "Unauthorized", "message": "The username or password is wrong."}})
		return
	}
	if f.tokenDelay > 0 {
		time.Sleep(f.tokenDelay)
	}
	tok := fmt.Sprintf("tok-%d-SUPERSECRET", f.tokSeq.Add(1))
	exp := f.now().Add(f.tokenTTL)
	f.mu.Lock()
	f.tokens[tok] = exp
	f.mu.Unlock()
	pid := body.Auth.Scope.Project.ID
	if pid == "" {
		pid = testProject
	}
	w.Header().Set("X-Subject-Token", tok)
	writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
		"methods": []string{"password"}, "expires_at": exp.UTC().Format("2006-01-02T15:04:05.000000Z"),
		"user":    map[string]any{"id": testUserID, "name": "alice", "domain": map[string]any{"id": testDomainID, "name": "acme"}},
		"project": map[string]any{"id": pid, "name": "eu-de"},
	}})
}

// revokeTokens forgets every issued token.
func (f *fakeCloud) revokeTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = map[string]time.Time{}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// clusterJSONBody renders an Available v1.25 (cce.4.10) cluster in the HWC shape.
func clusterJSONBody(id string) map[string]any {
	return map[string]any{
		"kind": "Cluster", "apiVersion": "v3",
		"metadata": map[string]any{"name": "c1", "uid": id},
		"spec":     map[string]any{"version": "v1.25", "platformVersion": "cce.4.10"},
		"status": map[string]any{"phase": "Available", "endpoints": []map[string]string{
			{"url": "https://192.168.0.61:5443", "type": "Internal"}, {"url": "https://1.2.3.4:5443", "type": "External"}}},
	}
}

func akskCreds() Credentials { return Credentials{AccessKey: testAK, SecretKey: testSK} }

func passwordCreds() Credentials {
	return Credentials{UserName: "alice", Password: testPassword, DomainName: "acme"}
}

// newTestClient builds a Client against the fake with fast retries.
func newTestClient(t *testing.T, f *fakeCloud, cr Credentials, mut ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Region: "eu-de", ProjectID: testProject,
		IAMEndpoint: f.srv.URL + "/", CCEEndpoint: f.srv.URL, CTSEndpoint: f.srv.URL, STSEndpoint: f.srv.URL,
		Credentials: cr, MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
	}
	for _, m := range mut {
		m(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

const routeGetCluster = "GET /api/v3/projects/{project_id}/clusters/{cluster_id}"

// serveCluster registers GET cluster returning an Available v1.25.4-r10 cluster.
func (f *fakeCloud) serveCluster() {
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, clusterJSONBody(r.PathValue("cluster_id")))
	})
}

// wantCount fails the test unless the fake answered want requests of route.
func (f *fakeCloud) wantCount(t *testing.T, route string, want int) {
	t.Helper()
	if got := f.count(route); got != want {
		t.Errorf("%s: %d requests, want %d", route, got, want)
	}
}

// bodyLog keeps, in order, what a handler saw of each request; handlers may
// run concurrently.
type bodyLog struct {
	mu      sync.Mutex
	entries []string
}

// add records entry and returns how many there are now.
func (l *bodyLog) add(entry string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, entry)
	return len(l.entries)
}

// all returns a copy of the entries.
func (l *bodyLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries)
}

// readBody reads a request's whole body.
func readBody(r *http.Request) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}
