package cce

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// newMockClient builds a Client against the mock cloud, trusting its CA.
func newMockClient(t *testing.T, c *mockcloud.Cloud, cr Credentials, mut ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Region: mockcloud.Region, ProjectID: mockcloud.ProjectID, CACertPEM: c.CACertPEM(),
		IAMEndpoint: c.URL(), CCEEndpoint: c.URL(), CTSEndpoint: c.URL(), STSEndpoint: c.URL(),
		Credentials: cr, MaxRetries: 0, UserAgent: "cce-test/" + t.Name(),
	}
	for _, m := range mut {
		m(&cfg)
	}
	cl, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func keys(ak, sk string) Credentials { return Credentials{AccessKey: ak, SecretKey: sk} }

// IAM is a global service: every AK/SK-signed IAM request carries
// X-Domain-Id, found once with GET /v3/auth/domains unless configured, as
// the official SDK's global credentials do. The mock refuses IAM requests
// without it.
func TestDomainIDHeader(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		domainID   string
		wantLookup int
	}{
		{name: "looked up", wantLookup: 1},
		{name: "configured", domainID: mockcloud.DomainID, wantLookup: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cloud := mockcloud.NewForTest(t)
			c := newMockClient(t, cloud, keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey), func(cfg *Config) {
				cfg.DomainID, cfg.ProjectID = tc.domainID, ""
			})
			if _, err := c.Caller(t.Context(), Cached); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListUsers(t.Context()); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ListAgencies(t.Context()); err != nil {
				t.Fatal(err)
			}
			if n := cloud.Count(mockcloud.RouteDomains); n != tc.wantLookup {
				t.Errorf("%d domain look-ups, want %d", n, tc.wantLookup)
			}
			for _, r := range cloud.Requests() {
				want := mockcloud.DomainID
				if r.Route == mockcloud.RouteDomains || r.Route == mockcloud.RouteProjects || r.Route == mockcloud.RouteCallerID {
					want = "" // the SDK sends these without it
				}
				if r.Header["X-Domain-Id"] != want || r.Status != http.StatusOK {
					t.Errorf("%s %s: X-Domain-Id %q (want %q), status %d", r.Method, r.Path, r.Header["X-Domain-Id"], want, r.Status)
				}
			}
		})
	}
}

// Every kind of caller is classified, and the admin answer is live, with a
// reason: STS first, the credential look-up only for permanent keys.
func TestCallerClassification(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	cloud.AddUser(mockcloud.User{ID: "acc0000000000000000000000000000a", Name: mockcloud.DomainName, Enabled: true,
		AccessKey: "ACCOUNTAKEXAMPLE0000", SecretKey: "accountSecretKeyDoNotLog"})
	cloud.AddAgency(mockcloud.Agency{ID: "a9e000000000000000000000000000aa", Name: "platform-ops", Admin: true})
	tmpAK, tmpSK, tmpST := cloud.IssueTemporaryCredential(mockcloud.BobUserID)
	agAK, agSK, agST := cloud.AssumeAgency("a9e000000000000000000000000000aa", "deploy")
	fedAK, fedSK, fedST := cloud.FederatedSession("idp-corp", "carol")
	noSTS := func(cfg *Config) { cfg.STSEndpoint = cloud.URL() + "/no-sts-here" }
	for _, tc := range []struct {
		name     string
		cr       Credentials
		mut      func(*Config)
		kind     PrincipalKind
		admin    AdminStatus
		userID   string
		reason   string
		lookups  int // OS-CREDENTIAL look-ups
		stsCalls int
	}{
		{name: "permanent keys of an admin", cr: keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey),
			kind: PrincipalUser, admin: AdminYes, userID: mockcloud.AdminUserID, reason: "member of group admin", stsCalls: 1},
		{name: "permanent keys of a user", cr: keys(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey),
			kind: PrincipalUser, admin: AdminNo, userID: mockcloud.AliceUserID, reason: "only their own", stsCalls: 1},
		{name: "temporary keys", cr: Credentials{AccessKey: tmpAK, SecretKey: tmpSK, SecurityToken: tmpST},
			kind: PrincipalUser, admin: AdminNo, userID: mockcloud.BobUserID, stsCalls: 1},
		{name: "the account", cr: keys("ACCOUNTAKEXAMPLE0000", "accountSecretKeyDoNotLog"),
			kind: PrincipalAccount, admin: AdminYes, userID: "acc0000000000000000000000000000a", reason: "account itself", stsCalls: 1},
		{name: "agency session", cr: Credentials{AccessKey: agAK, SecretKey: agSK, SecurityToken: agST},
			kind: PrincipalAgencySession, admin: AdminUnknown, reason: "agency's policies", stsCalls: 1},
		{name: "federated user", cr: Credentials{AccessKey: fedAK, SecretKey: fedSK, SecurityToken: fedST},
			kind: PrincipalFederatedUser, admin: AdminUnknown, reason: "identity provider", stsCalls: 1},
		{name: "token", cr: Credentials{AuthToken: cloud.IssueToken(mockcloud.AdminUserID)},
			kind: PrincipalUser, admin: AdminYes, userID: mockcloud.AdminUserID, stsCalls: 1},
		{name: "permanent keys without STS", cr: keys(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey), mut: noSTS,
			kind: PrincipalUser, admin: AdminNo, userID: mockcloud.AliceUserID, lookups: 1},
		{name: "temporary keys without STS", cr: Credentials{AccessKey: tmpAK, SecretKey: tmpSK, SecurityToken: tmpST}, mut: noSTS,
			kind: PrincipalUnknown, admin: AdminUnknown, reason: "only by STS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cloud.ResetRequests()
			var muts []func(*Config)
			if tc.mut != nil {
				muts = append(muts, tc.mut)
			}
			id, err := newMockClient(t, cloud, tc.cr, muts...).Caller(t.Context(), Cached)
			if err != nil {
				t.Fatal(err)
			}
			if id.Kind != tc.kind || id.Admin != tc.admin || id.UserID != tc.userID || id.DomainID != mockcloud.DomainID ||
				!strings.Contains(id.AdminReason, tc.reason) {
				t.Errorf("identity %+v", *id)
			}
			if n := cloud.Count(mockcloud.RouteCredential); n != tc.lookups {
				t.Errorf("%d credential look-ups, want %d", n, tc.lookups)
			}
			if n := cloud.Count(mockcloud.RouteCallerID); n != tc.stsCalls {
				t.Errorf("%d STS calls, want %d", n, tc.stsCalls)
			}
		})
	}
}

// IAM that cannot be read leaves the admin question open instead of
// answering no, and says why.
func TestCallerGroupsUnreadable(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t, mockcloud.WithFaults(1, mockcloud.Fault{Route: mockcloud.RouteUserGroups,
		Kind: mockcloud.FaultStatus503, Probability: 1}))
	id, err := newMockClient(t, cloud, keys(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey)).Caller(t.Context(), Cached)
	if err != nil {
		t.Fatal(err)
	}
	if id.Admin != AdminUnknown || id.Groups != nil || !strings.Contains(id.AdminReason, "HTTP 503") || id.UserID != mockcloud.AliceUserID {
		t.Errorf("identity %+v", *id)
	}
}

// Refused credentials are a CredentialsError naming the sign-in method,
// from the caller look-up and from any other call, also when the refusal
// came from the password sign-in that had to come first.
func TestCredentialsRefused(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	for _, cr := range []Credentials{
		keys(mockcloud.AliceAccessKey, "not-the-secret-key"),
		{UserName: mockcloud.AliceUserName, Password: "not-the-password", DomainName: mockcloud.DomainName},
		{AuthToken: "MIIDmock-not-a-token"},
	} {
		c := newMockClient(t, cloud, cr)
		m, _ := cr.Method()
		for _, err := range []error{
			func() error { _, err := c.Caller(t.Context(), Cached); return err }(),
			func() error { _, err := c.Cluster(t.Context(), mockcloud.ProdClusterID, Cached); return err }(),
		} {
			var ce *CredentialsError
			if !errors.As(err, &ce) || ce.Method != m || !IsUnauthorized(err) {
				t.Errorf("%s: err %v", m, err)
			}
		}
	}
}

// CCE and CTS refuse a token scoped to the account; the client says that the
// scope is the cause.
func TestTokenScope(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	c := newMockClient(t, cloud, Credentials{AuthToken: cloud.IssueDomainScopedToken(mockcloud.AdminUserID)})
	_, err := c.Cluster(t.Context(), mockcloud.ProdClusterID, Cached)
	var scope *TokenScopeError
	if !errors.As(err, &scope) || !IsUnauthorized(err) || IsCredentialsRefused(err) {
		t.Fatalf("err %v", err)
	}
	if _, err := c.ListTraces(t.Context(), TraceQuery{}); !errors.As(err, &scope) {
		t.Errorf("CTS: %v", err)
	}
	if id, err := c.Caller(t.Context(), Cached); err != nil || id.TokenScope != ScopeDomain {
		t.Errorf("identity %+v %v", id, err)
	}
	project := newMockClient(t, cloud, Credentials{AuthToken: cloud.IssueToken(mockcloud.AdminUserID)})
	if _, err := project.Cluster(t.Context(), mockcloud.ProdClusterID, Cached); err != nil {
		t.Errorf("project-scoped token: %v", err)
	}
}

// A failed deleteUser trace deleted nothing: the trace says so.
func TestTraceOutcome(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	cloud.DeleteUser(mockcloud.BobUserID, mockcloud.AliceUserID)
	cloud.DeleteUser(mockcloud.LeaverUserID, mockcloud.AdminUserID)
	c := newMockClient(t, cloud, keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey))
	traces, err := c.ListTraces(t.Context(), TraceQuery{TraceName: "deleteUser", From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, tr := range traces {
		got[tr.ResourceID+" "+tr.Code+" "+tr.Rating] = tr.Succeeded()
	}
	want := map[string]bool{mockcloud.BobUserID + " 403 warning": false, mockcloud.LeaverUserID + " 200 normal": true}
	if len(got) != len(want) {
		t.Errorf("traces %v", got)
	}
	for k, v := range want {
		if ok, found := got[k]; !found || ok != v {
			t.Errorf("%s: succeeded %v (found %v), want %v", k, ok, found, v)
		}
	}
	for _, tc := range []struct {
		trace Trace
		want  bool
	}{
		{trace: Trace{}, want: true},
		{trace: Trace{Code: "204"}, want: true},
		{trace: Trace{Code: "404", Rating: "normal"}, want: false},
		{trace: Trace{Rating: "incident"}, want: false},
		{trace: Trace{Rating: "normal"}, want: true},
	} {
		if got := tc.trace.Succeeded(); got != tc.want {
			t.Errorf("%+v: Succeeded() = %v", tc.trace, got)
		}
	}
}

// http:// is refused unless the host is this machine.
func TestPlainHTTPEndpoints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		endpoint string
		ok       bool
	}{
		{endpoint: "http://127.0.0.1:8080", ok: true},
		{endpoint: "http://localhost:8080", ok: true},
		{endpoint: "http://[::1]:8080", ok: true},
		{endpoint: "https://iam.example.com", ok: true},
		{endpoint: "http://iam.example.com"},
		{endpoint: "http://10.0.0.1"},
		{endpoint: "http://127.0.0.1.nip.io"},
	} {
		_, err := NewClient(Config{Region: "eu-de", ProjectID: testProject, IAMEndpoint: tc.endpoint, Credentials: akskCreds()})
		if (err == nil) != tc.ok || err != nil && !strings.Contains(err.Error(), "clear text") {
			t.Errorf("%s: %v", tc.endpoint, err)
		}
	}
}

// An https:// URL that reaches a plain HTTP server is said to be one, once:
// it does not heal by retrying.
func TestPlainHTTPAnswer(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	https := "https://" + strings.TrimPrefix(srv.URL, "http://")
	c, err := NewClient(Config{Region: "eu-de", ProjectID: testProject, IAMEndpoint: https, CCEEndpoint: https, CTSEndpoint: https,
		STSEndpoint: https, Credentials: akskCreds(), MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Cluster(t.Context(), testCluster, Cached)
	if !IsPlainHTTPAnswer(err) || IsUnknownAuthority(err) {
		t.Errorf("err %v", err)
	}
	if n := hits.Load(); n > 1 {
		t.Errorf("%d tries of a plain-HTTP answer", n)
	}
}

// A server certificate from an authority this machine does not trust is
// recognisable, so the provider can point at cacert_file.
func TestUnknownAuthority(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	c := newMockClient(t, cloud, keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey), func(cfg *Config) { cfg.CACertPEM = nil })
	_, err := c.Cluster(t.Context(), mockcloud.ProdClusterID, Cached)
	if !IsUnknownAuthority(err) || IsPlainHTTPAnswer(err) {
		t.Errorf("err %v", err)
	}
	if reqs := cloud.Requests(); len(reqs) != 0 || slices.ContainsFunc(reqs, func(r mockcloud.Request) bool { return r.Status != 0 }) {
		t.Errorf("the mock answered %d requests", len(reqs))
	}
}

// A signature refused because this machine's clock is off is said to be
// that, not a wrong key: the answer's Date tells.
func TestClockSkew(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t, mockcloud.WithClockSkew(-20*time.Minute))
	_, err := newMockClient(t, cloud, keys(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey)).Cluster(t.Context(), mockcloud.ProdClusterID, Cached)
	var skew *ClockSkewError
	if !errors.As(err, &skew) || skew.Skew < 19*time.Minute || skew.Skew > 21*time.Minute || IsCredentialsRefused(err) {
		t.Errorf("err %v", err)
	}
}
