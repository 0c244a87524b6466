package cce

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const routeTokens = "POST /v3/auth/tokens"

func TestPasswordTokenCachedAndRefreshedBeforeExpiry(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	f.tokenTTL = time.Hour
	c := newTestClient(t, f, passwordCreds())
	var clock atomic.Int64
	base := time.Now()
	clock.Store(base.UnixNano())
	c.now = func() time.Time { return time.Unix(0, clock.Load()) }
	f.now = c.now
	ctx := t.Context()
	for i := 0; i < 5; i++ {
		if _, err := c.Cluster(ctx, testCluster, Fresh); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.count(routeTokens); got != 1 {
		t.Fatalf("token requests = %d, want 1", got)
	}
	// 54 minutes later: still more than 5 minutes left.
	clock.Store(base.Add(54 * time.Minute).UnixNano())
	if _, err := c.Cluster(ctx, testCluster, Fresh); err != nil {
		t.Fatal(err)
	}
	if got := f.count(routeTokens); got != 1 {
		t.Fatalf("token requests after 54m = %d, want 1", got)
	}
	// 56 minutes later: inside the 5-minute margin -> refresh once.
	clock.Store(base.Add(56 * time.Minute).UnixNano())
	for i := 0; i < 3; i++ {
		if _, err := c.Cluster(ctx, testCluster, Fresh); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.count(routeTokens); got != 2 {
		t.Fatalf("token requests after 56m = %d, want 2", got)
	}
}

func TestPasswordTokenOneRequestForConcurrentCallers(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	f.tokenDelay = 50 * time.Millisecond
	c := newTestClient(t, f, passwordCreds())
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() {
			if _, err := c.Cluster(t.Context(), fmt.Sprintf("%s-%d", testCluster, i), Cached); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	f.wantCount(t, routeTokens, 1)
	f.wantCount(t, routeGetCluster, 20)
}

func TestPasswordReauthOnceOn401(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	c := newTestClient(t, f, passwordCreds())
	ctx := t.Context()
	if _, err := c.Cluster(ctx, testCluster, Fresh); err != nil {
		t.Fatal(err)
	}
	f.revokeTokens() // server forgets the token: next call gets 401.
	if _, err := c.Cluster(ctx, testCluster, Fresh); err != nil {
		t.Fatalf("after revoke: %v", err)
	}
	f.wantCount(t, routeTokens, 2)
	f.wantCount(t, routeGetCluster, 3) // ok, 401, ok
}

func TestPasswordReauthOnlyOnce(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, map[string]string{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: token expires", "request_id": "x"})
	})
	c := newTestClient(t, f, passwordCreds())
	_, err := c.Cluster(t.Context(), testCluster, Fresh)
	if !IsUnauthorized(err) {
		t.Fatalf("want 401, got %v", err)
	}
	f.wantCount(t, routeTokens, 2)
	f.wantCount(t, routeGetCluster, 2)
}

func TestPasswordWrongCredentials(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	cr := passwordCreds()
	cr.Password = "wrong-SUPERSECRET"
	c := newTestClient(t, f, cr)
	_, err := c.Cluster(t.Context(), testCluster, Fresh)
	if !IsUnauthorized(err) {
		t.Fatalf("want 401, got %v", err)
	}
	if strings.Contains(err.Error(), "SUPERSECRET") {
		t.Errorf("secret in error: %v", err)
	}
	f.wantCount(t, routeTokens, 1) // no retry of 401
	f.wantCount(t, routeGetCluster, 0)
}

func TestPasswordScopeByRegionDiscoversProject(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	c := newTestClient(t, f, passwordCreds(), func(c *Config) { c.ProjectID = "" })
	pid, err := c.ProjectID(t.Context())
	if err != nil || pid != testProject {
		t.Fatalf("project %q, %v", pid, err)
	}
}

func TestStaticTokenNoReauth(t *testing.T) {
	f := newFakeCloud(t)
	var n atomic.Int32
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.Header.Get("X-Auth-Token") != testToken {
			t.Errorf("token header = %q", r.Header.Get("X-Auth-Token"))
		}
		writeJSON(w, 401, map[string]string{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: decrypt token fail"})
	})
	c := newTestClient(t, f, Credentials{AuthToken: testToken})
	_, err := c.Cluster(t.Context(), testCluster, Fresh)
	if !IsUnauthorized(err) {
		t.Fatalf("want 401, got %v", err)
	}
	if n.Load() != 1 || f.count(routeTokens) != 0 {
		t.Errorf("attempts %d, token requests %d", n.Load(), f.count(routeTokens))
	}
}

func TestAKSKSignedRequestsAccepted(t *testing.T) {
	for _, cr := range []Credentials{akskCreds(), {AccessKey: testAK, SecretKey: testSK, SecurityToken: testSecToken}} {
		f := newFakeCloud(t)
		var hdr http.Header
		f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
			hdr = r.Header.Clone()
			writeJSON(w, 200, clusterJSONBody(testCluster))
		})
		c := newTestClient(t, f, cr)
		if _, err := c.Cluster(t.Context(), testCluster, Fresh); err != nil {
			t.Fatalf("%v (auth failures %v)", err, f.authFail)
		}
		check(t, "project header", hdr.Get("X-Project-Id"), testProject)
		check(t, "security token", hdr.Get("X-Security-Token"), cr.SecurityToken)
		if !strings.Contains(hdr.Get("Authorization"), "SignedHeaders=content-type;host;x-project-id;x-sdk-date") {
			t.Errorf("authorization = %q", hdr.Get("Authorization"))
		}
		if cr.SecurityToken != "" && !strings.Contains(hdr.Get("Authorization"), "x-security-token") {
			t.Errorf("security token not signed: %q", hdr.Get("Authorization"))
		}
	}
}

func TestAKSKFreshDatePerAttempt(t *testing.T) {
	f := newFakeCloud(t)
	var dates []string
	var mu sync.Mutex
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		dates = append(dates, r.Header.Get("X-Sdk-Date"))
		k := len(dates)
		mu.Unlock()
		if k == 1 {
			writeJSON(w, 503, map[string]string{"error_code": "X", "error_msg": "y"})
			return
		}
		writeJSON(w, 200, clusterJSONBody(testCluster))
	})
	c := newTestClient(t, f, akskCreds())
	var tick atomic.Int64
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return base.Add(time.Duration(tick.Add(1)) * time.Second) }
	if _, err := c.Cluster(t.Context(), testCluster, Fresh); err != nil {
		t.Fatal(err)
	}
	if len(dates) != 2 || dates[0] == dates[1] {
		t.Errorf("dates = %v, want two different", dates)
	}
}

func TestCredentialsMethod(t *testing.T) {
	cases := []struct {
		name   string
		cr     Credentials
		want   AuthMethod
		errHas string
	}{
		{"aksk", Credentials{AccessKey: "a", SecretKey: "s"}, AuthAKSK, ""},
		{"aksk with domain", Credentials{AccessKey: "a", SecretKey: "s", DomainName: "d"}, AuthAKSK, ""},
		{"temporary", Credentials{AccessKey: "a", SecretKey: "s", SecurityToken: "t"}, AuthTemporaryAKSK, ""},
		{"password", Credentials{UserName: "u", Password: "p", DomainName: "d"}, AuthPassword, ""},
		{"token", Credentials{AuthToken: "t"}, AuthToken, ""},
		{"none", Credentials{}, "", "no credentials"},
		{"domain only", Credentials{DomainName: "d"}, "", "no credentials"},
		{"ak only", Credentials{AccessKey: "a"}, "", "secret_key not set"},
		{"sk only", Credentials{SecretKey: "s"}, "", "access_key not set"},
		{"sectoken only", Credentials{SecurityToken: "t"}, "", "access_key and secret_key not set"},
		{"password no domain", Credentials{UserName: "u", Password: "p"}, "", "domain_name not set"},
		{"password no password", Credentials{UserName: "u", DomainName: "d"}, "", "password not set"},
		{"aksk and token", Credentials{AccessKey: "a", SecretKey: "s", AuthToken: "t"}, "", "more than one"},
		{"password and token", Credentials{UserName: "u", Password: "p", DomainName: "d", AuthToken: "t"}, "", "more than one"},
		{"all", Credentials{AccessKey: "a", SecretKey: "s", UserName: "u", Password: "p", DomainName: "d", AuthToken: "t"}, "", "more than one"},
	}
	for _, tc := range cases {
		got, err := tc.cr.Method()
		if tc.errHas == "" {
			if err != nil || got != tc.want {
				t.Errorf("%s: got %q, %v", tc.name, got, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.errHas) {
			t.Errorf("%s: err %v, want containing %q", tc.name, err, tc.errHas)
			continue
		}
		for _, secret := range []string{`"a"`, `"s"`, `"p"`, `"t"`} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: error leaks a value: %v", tc.name, err)
			}
		}
	}
}

func TestNewClientValidation(t *testing.T) {
	ok := Config{Region: "eu-de", Credentials: akskCreds()}
	c, err := NewClient(ok)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "iam", c.cfg.iamURL, "https://iam.eu-de.myhuaweicloud.com")
	check(t, "cce", c.cfg.cceURL, "https://cce.eu-de.myhuaweicloud.com")
	check(t, "cts", c.cfg.ctsURL, "https://cts.eu-de.myhuaweicloud.com")
	if c.cfg.RetryWaitMin != 500*time.Millisecond || c.cfg.RetryWaitMax != 30*time.Second {
		t.Errorf("defaults %s %s", c.cfg.RetryWaitMin, c.cfg.RetryWaitMax)
	}
	otc := ok
	otc.Cloud = CloudOTC
	otc.CCEEndpoint = "https://mock.local:8443/"
	c, err = NewClient(otc)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "otc iam", c.cfg.iamURL, "https://iam.eu-de.otc.t-systems.com")
	check(t, "override trimmed", c.cfg.cceURL, "https://mock.local:8443")

	all := Config{ProjectID: "p", IAMEndpoint: "https://x", CCEEndpoint: "https://x", CTSEndpoint: "https://x", Credentials: akskCreds()}
	if _, err := NewClient(all); err != nil {
		t.Errorf("all endpoints without region: %v", err)
	}
	bad := []struct {
		name   string
		mut    func(*Config)
		errHas string
	}{
		{"no region", func(c *Config) { c.Region = "" }, "region is required"},
		{"no region no project", func(c *Config) {
			c.Region, c.IAMEndpoint, c.CCEEndpoint, c.CTSEndpoint = "", "https://x", "https://x", "https://x"
		}, "project_id is required"},
		{"negative retries", func(c *Config) { c.MaxRetries = -1 }, "max_retries"},
		{"negative rate", func(c *Config) { c.RateLimit = -1 }, "rate limit"},
		{"bad scheme", func(c *Config) { c.CCEEndpoint = "ftp://x" }, "scheme"},
		{"no host", func(c *Config) { c.IAMEndpoint = "https://" }, "no host"},
		{"userinfo", func(c *Config) { c.IAMEndpoint = "https://u:SUPERSECRET@x" }, "credentials"},
		{"waits", func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = 2*time.Second, time.Second }, "retry waits"},
		{"ca", func(c *Config) { c.CACertPEM = []byte("not pem") }, "PEM"},
		{"creds", func(c *Config) { c.Credentials = Credentials{} }, "no credentials"},
	}
	for _, tc := range bad {
		cfg := ok
		tc.mut(&cfg)
		_, err := NewClient(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.errHas) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.errHas)
		}
		if err != nil && strings.Contains(err.Error(), "SUPERSECRET") {
			t.Errorf("%s: secret leaked: %v", tc.name, err)
		}
	}
}

func TestTLSConfig(t *testing.T) {
	for _, insecure := range []bool{false, true} {
		rc, err := resolveConfig(Config{Region: "eu-de", Credentials: akskCreds(), Insecure: insecure})
		if err != nil {
			t.Fatal(err)
		}
		tr, err := baseTransport(rc)
		if err != nil {
			t.Fatal(err)
		}
		if tr.TLSClientConfig.MinVersion != tls.VersionTLS12 || tr.TLSClientConfig.InsecureSkipVerify != insecure {
			t.Errorf("insecure=%v: %+v", insecure, tr.TLSClientConfig)
		}
	}
}
