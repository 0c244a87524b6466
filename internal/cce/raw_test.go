package cce

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Raw sends the path byte for byte, signs it as every request, tries once
// whatever the status, and moves the signing date when asked.
func TestRaw_sendsAsGiven(t *testing.T) {
	f := newFakeCloud(t)
	var mu sync.Mutex
	var seen []*http.Request
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r)
		auth = append(auth, f.checkAuth(r))
		mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error_code":"APIGW.0103"}`))
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, f, akskCreds(), func(cfg *Config) { cfg.CCEEndpoint, cfg.IAMEndpoint = srv.URL, srv.URL })
	ctx := context.Background()

	resp, err := c.Raw(ctx, RawRequest{Service: ServiceCCE, Method: "GET", Path: "/api/v3/projects/p//clusters/./x/",
		Header: http.Header{"X-Project-Id": {"p"}}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 500 || string(resp.Body) != `{"error_code":"APIGW.0103"}` {
		t.Errorf("answer %d %s", resp.Status, resp.Body)
	}
	if len(seen) != 1 {
		t.Fatalf("%d tries, want 1: Raw never retries", len(seen))
	}
	if got := seen[0].RequestURI; got != "/api/v3/projects/p//clusters/./x/" {
		t.Errorf("the server saw %q", got)
	}
	if auth[0] != "" {
		t.Errorf("signature refused: %s", auth[0])
	}
	if seen[0].Header.Get("X-Domain-Id") != "" {
		t.Error("Raw added X-Domain-Id")
	}

	if _, err := c.Raw(ctx, RawRequest{Service: ServiceIAM, Method: "GET", Path: "/v3/users", SignSkew: 20 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	date, err := time.Parse(sdkDateLayout, seen[1].Header.Get("X-Sdk-Date"))
	if err != nil || time.Until(date) < 19*time.Minute {
		t.Errorf("X-Sdk-Date %q is not 20 minutes ahead", seen[1].Header.Get("X-Sdk-Date"))
	}

	if _, err := c.Raw(ctx, RawRequest{Service: ServiceCCE, Method: "GET", Path: "/x", Token: "tok"}); err != nil {
		t.Fatal(err)
	}
	if seen[2].Header.Get("X-Auth-Token") != "tok" || seen[2].Header.Get("Authorization") != "" {
		t.Errorf("a given token replaces the signature: %v", seen[2].Header)
	}
	if _, err := c.Raw(ctx, RawRequest{Service: ServiceCCE, Method: "GET", Path: "/x", NoAuth: true}); err != nil {
		t.Fatal(err)
	}
	if seen[3].Header.Get("X-Auth-Token") != "" || seen[3].Header.Get("Authorization") != "" {
		t.Errorf("NoAuth sent credentials: %v", seen[3].Header)
	}
	if _, err := c.Raw(ctx, RawRequest{Service: "ECS", Method: "GET", Path: "/x"}); err == nil {
		t.Error("an unknown service has no endpoint")
	}
}
