package mockcloud

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// getCluster is the path of the seeded production cluster.
const getCluster = cceClusters + "/" + ProdClusterID

// revokePath is the clustercertrevoke path of the seeded production cluster.
const revokePath = getCluster + "/clustercertrevoke"

// faultsOf returns Request.Fault of every logged request, in order.
func faultsOf(c *Cloud) []string {
	var out []string
	for _, r := range c.Requests() {
		out = append(out, r.Fault)
	}
	return out
}

// lastRequest returns the newest logged request.
func lastRequest(t *testing.T, c *Cloud) Request {
	t.Helper()
	reqs := c.Requests()
	if len(reqs) == 0 {
		t.Fatal("empty request log")
	}
	return reqs[len(reqs)-1]
}

// isDropped reports whether err is what a client sees when the server drops
// the connection without an answer.
func isDropped(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// TestFaultStatuses covers 500, 502, 503 and 429 on CCE and IAM routes.
func TestFaultStatuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind       FaultKind
		route      string
		path       string
		status     int
		code       string // errorCode of the CCE envelope, else error_code of the APIGW body
		retryAfter string
	}{
		{FaultStatus500, RouteGetCluster, getCluster, 500, CodeInternal, ""},
		{FaultStatus502, RouteGetCluster, getCluster, 502, CodeInternal, ""},
		{FaultStatus503, RouteGetCluster, getCluster, 503, CodeInternal, ""},
		{FaultStatus500, RouteListUsers, "/v3/users", 500, CodeBackendMissing, ""},
		{FaultStatus502, RouteListUsers, "/v3/users", 502, CodeBackendUnavailable, ""},
		{FaultStatus503, RouteListTraces, "/v3/" + ProjectID + "/traces", 503, CodeBackendUnavailable, ""},
		{FaultThrottle, RouteGetCluster, getCluster, 429, CodeThrottled, ""},
		{FaultThrottle, RouteListUsers, "/v3/users", 429, CodeThrottled, "2"},
		{FaultStatus503, RouteGetCluster, getCluster, 503, CodeInternal, "30"},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind)+" "+tc.route+" "+tc.retryAfter, func(t *testing.T) {
			t.Parallel()
			c := NewForTest(t, WithFaults(1, Fault{Route: tc.route, Kind: tc.kind, Probability: 1, RetryAfter: tc.retryAfter}))
			r := call(t, c, adminCred, "GET", tc.path, nil)
			expectStatus(t, r, tc.status)
			m := r.json(t)
			if strings.HasPrefix(tc.path, "/api/v3/") && tc.kind != FaultThrottle {
				if m["errorCode"] != tc.code || m["errorMessage"] != "Internal error." || m["error_code"] != "CCE_CM.0005" ||
					m["kind"] != "Status" || m["code"] != float64(tc.status) {
					t.Errorf("CCE envelope: %s", r.body)
				}
			} else if m["error_code"] != tc.code || m["request_id"] != r.header.Get("X-Request-Id") || m["error_msg"] == "" {
				t.Errorf("APIGW body: %s", r.body)
			}
			if tc.kind == FaultThrottle && !strings.Contains(str(m, "error_msg"), "The throttling threshold has been reached: policy user over ratelimit,limit:") {
				t.Errorf("429 message: %s", r.body)
			}
			if got, has := r.header["Retry-After"]; tc.retryAfter == "" && has || tc.retryAfter != "" && (len(got) != 1 || got[0] != tc.retryAfter) {
				t.Errorf("Retry-After %q, want %q", got, tc.retryAfter)
			}
			last := lastRequest(t, c)
			if last.Fault != string(tc.kind) || last.Status != tc.status || last.Route != tc.route {
				t.Errorf("logged %+v", last)
			}
			// Other routes are untouched.
			expectStatus(t, call(t, c, adminCred, "GET", "/v3/groups", nil), http.StatusOK)
			if last := lastRequest(t, c); last.Fault != "" {
				t.Errorf("unfaulted request logged with fault %q", last.Fault)
			}
		})
	}
}

// TestFaultEveryRoute covers Route "" on routed and unrouted paths, and that
// a fault answers before authentication.
func TestFaultEveryRoute(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithFaults(1, Fault{Kind: FaultStatus503, Probability: 1}))
	expectStatus(t, call(t, c, cred{}, "GET", "/nope", nil), http.StatusServiceUnavailable)
	expectStatus(t, call(t, c, cred{}, "GET", "/v3/users", nil), http.StatusServiceUnavailable)
	expectStatus(t, call(t, c, adminCred, "GET", cceClusters, nil), http.StatusServiceUnavailable)
	if got := strings.Join(faultsOf(c), ","); got != "503,503,503" {
		t.Errorf("faults %s", got)
	}
	c.ClearFaults()
	expectStatus(t, call(t, c, adminCred, "GET", cceClusters, nil), http.StatusOK)
}

// faultSequence sends n signed list-clusters requests and returns which got a fault.
func faultSequence(t *testing.T, c *Cloud, n int) string {
	t.Helper()
	c.ResetRequests()
	client := httpClient(t, c)
	var b strings.Builder
	for range n {
		req, err := http.NewRequest("GET", c.URL()+cceClusters, nil)
		if err != nil {
			t.Fatal(err)
		}
		signForTest(req, nil, adminCred, c.now())
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	for _, f := range faultsOf(c) {
		switch f {
		case "":
			b.WriteByte('.')
		case string(FaultStatus500):
			b.WriteByte('5')
		case string(FaultThrottle):
			b.WriteByte('T')
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// TestFaultDeterminism covers the seeded source: same seed, same sequence.
func TestFaultDeterminism(t *testing.T) {
	t.Parallel()
	rules := []Fault{
		{Route: RouteListClusters, Kind: FaultStatus500, Probability: 0.2},
		{Kind: FaultThrottle, Probability: 0.3},
		{Route: RouteGetCluster, Kind: FaultStatus503, Probability: 0.5}, // Never matches: draws nothing.
	}
	a := NewForTest(t, WithFaults(42, rules...))
	b := NewForTest(t, WithFaults(42, rules...))
	d := NewForTest(t, WithFaults(43, rules...))
	seqA, seqB, seqD := faultSequence(t, a, 100), faultSequence(t, b, 100), faultSequence(t, d, 100)
	if len(seqA) != 100 || seqA != seqB {
		t.Errorf("same seed differs:\n%s\n%s", seqA, seqB)
	}
	if seqA == seqD {
		t.Errorf("seeds 42 and 43 give the same sequence %s", seqA)
	}
	n5, nT := strings.Count(seqA, "5"), strings.Count(seqA, "T")
	if n5 < 5 || n5 > 40 || nT < 10 || nT > 50 {
		t.Errorf("implausible counts 500=%d 429=%d in %s", n5, nT, seqA)
	}
	// SetFaults restarts the source.
	a.SetFaults(42, rules...)
	if again := faultSequence(t, a, 100); again != seqA {
		t.Errorf("after SetFaults:\n%s\n%s", again, seqA)
	}
	// Probability 0 never fires, probability 1 always.
	a.SetFaults(42, Fault{Kind: FaultStatus500, Probability: 0})
	if got := faultSequence(t, a, 5); got != "....." {
		t.Errorf("p=0: %s", got)
	}
	a.SetFaults(42, Fault{Kind: FaultStatus500, Probability: 1})
	if got := faultSequence(t, a, 5); got != "55555" {
		t.Errorf("p=1: %s", got)
	}
}

// TestFaultTimes covers Times with probability 1 and below.
func TestFaultTimes(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithFaults(7, Fault{Route: RouteListClusters, Kind: FaultStatus500, Probability: 1, Times: 2}))
	if got := faultSequence(t, c, 5); got != "55..." {
		t.Errorf("times=2: %s", got)
	}
	c.SetFaults(7, Fault{Route: RouteListClusters, Kind: FaultStatus500, Probability: 0.5, Times: 3})
	if got := faultSequence(t, c, 60); strings.Count(got, "5") != 3 {
		t.Errorf("p=0.5 times=3: %s", got)
	}
	// A spent rule lets the next one decide.
	c.SetFaults(7, Fault{Kind: FaultStatus500, Probability: 1, Times: 1}, Fault{Kind: FaultThrottle, Probability: 1, Times: 1})
	if got := faultSequence(t, c, 3); got != "5T." {
		t.Errorf("chained: %s", got)
	}
}

// TestFaultReset covers a dropped connection: transport error, request not handled.
func TestFaultReset(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithFaults(1, Fault{Route: RouteRevoke, Kind: FaultReset, Probability: 1, Times: 1}))
	_, err := tryCall(t, c, aliceCred, "POST", revokePath, map[string]string{"userId": AliceUserID})
	t.Logf("client error: %v", err)
	if err == nil || !isDropped(err) {
		t.Fatalf("want a dropped connection, got %v", err)
	}
	if n := len(c.Revocations()); n != 0 {
		t.Errorf("reset request was handled: %d revocations", n)
	}
	last := lastRequest(t, c)
	if last.Fault != string(FaultReset) || last.Status != 0 || last.Route != RouteRevoke || last.Caller != "" ||
		last.Body != `{"userId":"`+AliceUserID+`"}` {
		t.Errorf("logged %+v", last)
	}
	// Times=1: the retry goes through.
	expectStatus(t, call(t, c, aliceCred, "POST", revokePath, map[string]string{"userId": AliceUserID}), http.StatusOK)
	if n := len(c.Revocations()); n != 1 {
		t.Errorf("%d revocations after the retry", n)
	}
}

// TestFaultCommitDrop covers a revocation that is stored but never answered.
func TestFaultCommitDrop(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithFaults(1, Fault{Route: RouteRevoke, Kind: FaultCommitDrop, Probability: 1}))
	_, err := tryCall(t, c, aliceCred, "POST", revokePath, map[string]string{"userId": AliceUserID})
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want EOF, got %v", err)
	}
	revs := c.Revocations()
	if len(revs) != 1 || revs[0].UserID != AliceUserID || revs[0].ClusterID != ProdClusterID {
		t.Errorf("revocations %+v", revs)
	}
	last := lastRequest(t, c)
	if last.Fault != string(FaultCommitDrop) || last.Status != http.StatusOK || last.Caller != AliceUserID || last.Auth != AuthAKSK {
		t.Errorf("logged %+v", last)
	}
	// A rejected request is dropped too, with its real status logged.
	_, err = tryCall(t, c, bobCred, "POST", revokePath, map[string]string{"userId": "nobody"})
	if !isDropped(err) {
		t.Errorf("want a dropped connection, got %v", err)
	}
	if last := lastRequest(t, c); last.Fault != string(FaultCommitDrop) || last.Status < 400 {
		t.Errorf("logged %+v", last)
	}
}

// TestFaultLatency covers added latency, alone and with another fault.
func TestFaultLatency(t *testing.T) {
	t.Parallel()
	const d = 150 * time.Millisecond
	c := NewForTest(t, WithFaults(1,
		Fault{Route: RouteListClusters, Kind: FaultLatency, Probability: 1, Latency: d},
		Fault{Route: RouteListClusters, Kind: FaultStatus502, Probability: 1, Times: 1}))
	for i, want := range []int{http.StatusBadGateway, http.StatusOK} {
		start := time.Now()
		r := call(t, c, adminCred, "GET", cceClusters, nil)
		if took := time.Since(start); took < d {
			t.Errorf("request %d took %s, want at least %s", i, took, d)
		}
		expectStatus(t, r, want)
	}
	if got := strings.Join(faultsOf(c), ","); got != "502,latency" {
		t.Errorf("faults %s", got)
	}
}

// TestFaultExpireTokens covers a token that expires under the client.
func TestFaultExpireTokens(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithFaults(1, Fault{Route: RouteListClusters, Kind: FaultExpireTokens, Probability: 1, Times: 1}))
	// AK/SK requests present no token: not hit, Times not consumed.
	expectStatus(t, call(t, c, adminCred, "GET", cceClusters, nil), http.StatusOK)
	// Neither are unknown tokens, nor unrouted or public requests.
	expectStatus(t, call(t, c, cred{token: "MIIDbogus"}, "GET", cceClusters, nil), http.StatusUnauthorized)
	c.SetFaults(1, Fault{Kind: FaultExpireTokens, Probability: 1, Times: 1})
	early := c.IssueToken(AliceUserID)
	expectStatus(t, call(t, c, cred{token: early}, "GET", "/nope", nil), http.StatusNotFound)
	expectStatus(t, call(t, c, cred{token: early}, "POST", "/v3/auth/tokens",
		passwordBody(AliceUserName, AlicePassword, "id", ProjectID)), http.StatusCreated)
	expectStatus(t, call(t, c, cred{token: early}, "GET", cceClusters, nil), http.StatusUnauthorized)
	if got := strings.Join(faultsOf(c), ","); got != ",,,,expire-tokens" {
		t.Errorf("faults %q", got)
	}
	c.SetFaults(1, Fault{Route: RouteListClusters, Kind: FaultExpireTokens, Probability: 1, Times: 1})
	c.ResetRequests()
	expectStatus(t, call(t, c, adminCred, "GET", cceClusters, nil), http.StatusOK)
	if got := strings.Join(faultsOf(c), ","); got != "" {
		t.Errorf("faults %q", got)
	}
	tok := cred{token: c.IssueToken(AliceUserID)}
	r := call(t, c, tok, "GET", cceClusters, nil)
	expectStatus(t, r, http.StatusUnauthorized)
	if m := r.json(t); m["error_code"] != CodeAuthFailed ||
		!strings.HasPrefix(str(m, "error_msg"), "Incorrect IAM authentication information: token expires, expires_at: ") {
		t.Errorf("401 body %s", r.body)
	}
	if last := lastRequest(t, c); last.Fault != string(FaultExpireTokens) || last.Status != http.StatusUnauthorized {
		t.Errorf("logged %+v", last)
	}
	// The token stays dead everywhere; a fresh one works.
	r = call(t, c, cred{}, "GET", "/v3/users/"+AliceUserID, nil, "Authorization", "Bearer "+tok.token)
	expectStatus(t, r, http.StatusUnauthorized)
	if !strings.Contains(string(r.body), "token expires") {
		t.Errorf("dead token: %s", r.body)
	}
	if last := lastRequest(t, c); last.Fault != "" {
		t.Errorf("second use logged fault %q", last.Fault)
	}
	expectStatus(t, call(t, c, cred{token: c.IssueToken(AliceUserID)}, "GET", cceClusters, nil), http.StatusOK)
}

// TestClockSkew covers WithClockSkew against a client signing with real time.
func TestClockSkew(t *testing.T) {
	t.Parallel()
	signedGET := func(c *Cloud) response {
		req, err := http.NewRequest("GET", c.URL()+getCluster, nil)
		if err != nil {
			t.Fatal(err)
		}
		signForTest(req, nil, adminCred, time.Now())
		r, err := send(httpClient(t, c), req)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	expectStatus(t, signedGET(NewForTest(t)), http.StatusOK)
	expectStatus(t, signedGET(NewForTest(t, WithClockSkew(10*time.Minute))), http.StatusOK)
	for _, skew := range []time.Duration{16 * time.Minute, -20 * time.Minute} {
		c := NewForTest(t, WithClockSkew(skew))
		r := signedGET(c)
		expectStatus(t, r, http.StatusUnauthorized)
		if m := r.json(t); m["error_code"] != CodeAuthFailed || !strings.Contains(str(m, "error_msg"), "more than 15 minutes away from the server time") {
			t.Errorf("skew %s: %s", skew, r.body)
		}
		// Tokens follow the server clock and still work.
		expectStatus(t, call(t, c, cred{token: c.IssueToken(AdminUserID)}, "GET", getCluster, nil), http.StatusOK)
	}
	// The skew applies on top of WithClock, whatever the option order.
	base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewForTest(t, WithClockSkew(time.Hour), WithClock(func() time.Time { return base }))
	if got := c.now(); !got.Equal(base.Add(time.Hour)) {
		t.Errorf("now %s", got)
	}
}

// TestFaultKubeAPI covers faults on a cluster's kube API server.
func TestFaultKubeAPI(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithFaults(1, Fault{Kind: FaultStatus500, Probability: 1, Times: 1}))
	expectStatus(t, call(t, c, adminCred, "GET", "/nope", nil), http.StatusInternalServerError)
	kc := issueFor(t, c, adminCred, ProdClusterID, map[string]any{"duration": 1})
	// Route "" leaves the kube API servers alone.
	c.SetFaults(1, Fault{Kind: FaultStatus500, Probability: 1})
	expectStatus(t, kc.kube(t, kc.server(), "GET", "/version", true), http.StatusOK)

	c.SetFaults(1, Fault{Route: RouteKubeVersion, Kind: FaultStatus503, Probability: 1, Times: 1},
		Fault{Route: RouteKubeVersion, Kind: FaultThrottle, Probability: 1, Times: 1, RetryAfter: "1"})
	r := kc.kube(t, kc.server(), "GET", "/version", true)
	expectStatus(t, r, http.StatusServiceUnavailable)
	if m := r.json(t); m["kind"] != "Status" || m["reason"] != "ServiceUnavailable" {
		t.Errorf("503 body %s", r.body)
	}
	r = kc.kube(t, kc.server(), "GET", "/version", true)
	expectStatus(t, r, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	expectStatus(t, kc.kube(t, kc.server(), "GET", "/version", true), http.StatusOK)

	c.SetFaults(1, Fault{Route: RouteKubeSelfSubjectReview, Kind: FaultReset, Probability: 1})
	req, err := http.NewRequest("POST", kc.server()+selfSubjectReviewsPath, strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := kc.kubeClient(t, true).Do(req); err == nil {
		_ = resp.Body.Close()
		t.Error("reset kube request answered")
	}
	last := lastRequest(t, c)
	if last.Fault != string(FaultReset) || last.Status != 0 || last.Route != RouteKubeSelfSubjectReview {
		t.Errorf("logged %+v", last)
	}
}

// TestFaultValidation covers rules Start and SetFaults refuse.
func TestFaultValidation(t *testing.T) {
	t.Parallel()
	bad := []Fault{
		{Kind: "418", Probability: 1},
		{Route: "GET /nope", Kind: FaultStatus500, Probability: 1},
		{Kind: FaultStatus500, Probability: 1.5},
		{Kind: FaultStatus500, Probability: -0.1},
		{Kind: FaultStatus500, Probability: 1, Times: -1},
		{Kind: FaultLatency, Probability: 1},
		{Kind: FaultStatus500, Probability: 1, Latency: time.Second},
		{Kind: FaultStatus500, Probability: 1, RetryAfter: "2"},
	}
	for _, f := range bad {
		if c, err := Start(WithFaults(1, f)); err == nil {
			c.Close()
			t.Errorf("Start accepted %+v", f)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SetFaults accepted %+v", f)
				}
			}()
			(&Cloud{}).SetFaults(1, f)
		}()
	}
}

// TestParseFault covers the -fault flag syntax.
func TestParseFault(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want Fault
		err  string
	}{
		{in: "route=*,kind=500,p=0.25", want: Fault{Kind: FaultStatus500, Probability: 0.25}},
		{in: "route=RouteRevoke,kind=commit-drop,p=1,times=1",
			want: Fault{Route: RouteRevoke, Kind: FaultCommitDrop, Probability: 1, Times: 1}},
		{in: "route=" + RouteRevoke + ",kind=reset,p=1", want: Fault{Route: RouteRevoke, Kind: FaultReset, Probability: 1}},
		{in: "route=*,kind=latency,p=1,latency=20ms", want: Fault{Kind: FaultLatency, Probability: 1, Latency: 20 * time.Millisecond}},
		{in: "route=RouteListClusters,kind=429,p=0.5,retry-after=2",
			want: Fault{Route: RouteListClusters, Kind: FaultThrottle, Probability: 0.5, RetryAfter: "2"}},
		{in: "kind=expire-tokens,route=RouteGetCluster", want: Fault{Route: RouteGetCluster, Kind: FaultExpireTokens, Probability: 1}},
		{in: "route=RouteKubeVersion,kind=503,p=0", want: Fault{Route: RouteKubeVersion, Kind: FaultStatus503}},
		{in: "kind=500,p=1", err: "route= is required"},
		{in: "route=*,p=1", err: "kind= is required"},
		{in: "route=*,kind=418,p=1", err: "not one of"},
		{in: "route=Revoke,kind=500", err: "unknown route"},
		{in: "route=*,kind=500,p=2", err: "outside 0..1"},
		{in: "route=*,kind=500,p=x", err: "invalid syntax"},
		{in: "route=*,kind=500,times=-1", err: "negative"},
		{in: "route=*,kind=500,times=x", err: "invalid syntax"},
		{in: "route=*,kind=latency,p=1", err: "positive latency"},
		{in: "route=*,kind=latency,latency=fast", err: "invalid duration"},
		{in: "route=*,kind=500,latency=1s", err: "only for kind"},
		{in: "route=*,kind=500,retry-after=2", err: "only for kind"},
		{in: "route=*,kind=500,colour=red", err: "unknown key"},
		{in: "route=*,kind=500,kind=502", err: "given twice"},
		{in: "route=*,kind=500,p", err: "not key=value"},
		{in: "", err: "not key=value"},
	}
	for _, tc := range cases {
		got, err := ParseFault(tc.in)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case got != tc.want:
			t.Errorf("%q: got %+v, want %+v", tc.in, got, tc.want)
		default:
			if again, err := ParseFault(got.String()); err != nil || again != got {
				t.Errorf("%q: String %q parses to %+v, %v", tc.in, got.String(), again, err)
			}
		}
	}
}

// TestFaultLogLine covers the fault in WithLogWriter's lines.
func TestFaultLogLine(t *testing.T) {
	t.Parallel()
	var log testkit.Buffer
	c := NewForTest(t, WithLogWriter(&log), WithFaults(1, Fault{Route: RouteGetCluster, Kind: FaultStatus503, Probability: 1, Times: 1}))
	call(t, c, adminCred, "GET", getCluster, nil)
	call(t, c, adminCred, "GET", getCluster, nil)
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], " 503 - fault=503") || !strings.HasSuffix(lines[1], " 200 "+AdminUserID) {
		t.Errorf("log:\n%s", log.String())
	}
}

// TestFaultDropHTTP2 covers reset and commit-drop for an HTTP/2 client (the
// provider's client clones http.DefaultTransport, which negotiates h2): the
// stream is reset, other requests on the connection go on.
func TestFaultDropHTTP2(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithFaults(1, Fault{Route: RouteRevoke, Kind: FaultCommitDrop, Probability: 1, Times: 1},
		Fault{Route: RouteRevoke, Kind: FaultReset, Probability: 1, Times: 1}))
	client := httpClient(t, c)
	tr, ok := client.Transport.(*http.Transport)
	if !ok {
		t.Fatal("transport type")
	}
	tr.ForceAttemptHTTP2 = true
	send := func(method, path, body string) (*http.Response, error) {
		req, err := http.NewRequest(method, c.URL()+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		signForTest(req, []byte(body), aliceCred, c.now())
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
		return resp, err
	}
	resp, err := send("GET", cceClusters, "")
	if err != nil || resp.ProtoMajor != 2 {
		t.Fatalf("h2 GET: %v %v", resp, err)
	}
	body := `{"userId":"` + AliceUserID + `"}`
	for _, kind := range []FaultKind{FaultCommitDrop, FaultReset} {
		if _, err := send("POST", revokePath, body); err == nil {
			t.Errorf("%s answered", kind)
		} else {
			t.Logf("%s: %v", kind, err)
		}
		if last := lastRequest(t, c); last.Fault != string(kind) {
			t.Errorf("logged %+v", last)
		}
	}
	if n := len(c.Revocations()); n != 1 {
		t.Errorf("%d revocations, want 1 (commit-drop handled, reset not)", n)
	}
	if resp, err := send("GET", cceClusters, ""); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("after the drops: %v %v", resp, err)
	}
}
