package cce

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/testkit"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// runFlow exercises every call type with the given credentials.
func runFlow(t *testing.T, ctx context.Context, c *Client) {
	t.Helper()
	if _, err := c.Caller(ctx, Cached); err != nil {
		t.Fatalf("whoami: %v", err)
	}
	if _, err := c.Cluster(ctx, testCluster, Fresh); err != nil {
		t.Fatalf("get cluster: %v", err)
	}
	if _, err := c.CreateClusterCert(ctx, testCluster, ClusterCertRequest{Duration: 1}); err != nil {
		t.Fatalf("cert: %v", err)
	}
	if err := c.RevokeClusterCert(ctx, testCluster, Applicant{UserID: "u2"}); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if _, err := c.User(ctx, "u2", Cached); err != nil {
		t.Fatalf("lookup: %v", err)
	}
}

func TestLogsNeverContainSecrets(t *testing.T) {
	creds := map[string]Credentials{
		"password":  passwordCreds(),
		"aksk":      akskCreds(),
		"temporary": {AccessKey: testAK, SecretKey: testSK, SecurityToken: testSecToken},
		"token":     {AuthToken: testToken},
	}
	for name, cr := range creds {
		t.Run(name, func(t *testing.T) {
			f := newFakeCloud(t)
			f.serveIAM(true, "alice")
			f.serveCluster()
			f.handle(routeCert, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Port-ID", "p")
				writeJSON(w, 200, map[string]any{"kind": "Config", "users": []any{map[string]any{"name": "user",
					"user": map[string]any{"client-key-data": "S0VZLVNVUEVSU0VDUkVU", "client-certificate-data": "Q0VSVC1TVVBFUlNFQ1JFVA=="}}}})
			})
			f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
			// An endpoint that echoes secret-looking JSON keys in a non-credential response.
			f.handle("GET /api/v3/projects/{project_id}/clusters/{cluster_id}/upgradeinfo", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 503, map[string]any{"error_code": "X", "error_msg": "busy", "token": "echo-SUPERSECRET",
					"nested": map[string]any{"password": "echo2-SUPERSECRET", "client-key-data": "S0VZLVNVUEVSU0VDUkVU"}})
			})
			var buf testkit.Buffer // the client logs from concurrent goroutines
			ctx := tflogtest.RootLogger(t.Context(), &buf)
			c := newTestClient(t, f, cr, func(c *Config) { c.MaxRetries = 1 })
			runFlow(t, ctx, c)
			_, _, err := c.ClusterVersion(ctx, &Cluster{ID: testCluster, Version: "v1.25"})
			if err == nil {
				t.Fatal("want upgradeinfo error")
			}
			if strings.Contains(err.Error(), "SUPERSECRET") {
				t.Errorf("secret in error: %v", err)
			}
			out := buf.String()
			for _, s := range []string{"SUPERSECRET", "S0VZLVNVUEVSU0VDUkVU", "Q0VSVC1TVVBFUlNFQ1JFVA"} {
				if n := strings.Count(out, s); n != 0 {
					t.Errorf("log contains %q %d times", s, n)
				}
			}
			for _, s := range []string{`"@module":"provider.cce"`, `"http_status":200`, `"attempt":2`, `"request_id":"0123456789abcdef0123456789abcdef"`,
				`"http_path":"/api/v3/projects/` + testProject + `/clusters/` + testCluster + `"`, "not logged: contains credentials"} {
				if !strings.Contains(out, s) {
					t.Errorf("log lacks %s", s)
				}
			}
			if cr.AuthToken != "" || cr.Password != "" {
				if !strings.Contains(out, `"X-Auth-Token":"***"`) {
					t.Error("X-Auth-Token not masked")
				}
			} else if !strings.Contains(out, `"Authorization":"***"`) {
				t.Error("Authorization not masked")
			}
			if cr.Password != "" && !strings.Contains(out, `\"password\":\"***\"`) {
				t.Error("password request body not logged masked")
			}
		})
	}
}

func TestMaskBody(t *testing.T) {
	in := `{"auth":{"identity":{"password":{"user":{"name":"u","password":"p1"}}}},"sk":"s","secret_key":"x","security_token":"y",` +
		`"users":[{"user":{"client-key-data":"k","client-certificate-data":"c"}}],"clusters":[{"cluster":{"certificate-authority-data":"ca","server":"https://s"}}],"id":"keep"}`
	out := maskBody([]byte(in))
	for _, s := range []string{`"p1"`, `"s"`, `"x"`, `"y"`, `"k"`, `"c"`, `"ca"`} {
		if strings.Contains(out, s) {
			t.Errorf("%s leaked in %s", s, out)
		}
	}
	for _, s := range []string{`"keep"`, `"https://s"`} {
		if !strings.Contains(out, s) {
			t.Errorf("%s missing in %s", s, out)
		}
	}
	check(t, "non-JSON", maskBody([]byte("password=hunter2")), "(non-JSON body not logged)")
	check(t, "big", maskBody(bytes.Repeat([]byte("a"), maxLoggedBody+1)), "(body larger than 64 KiB not logged)")
	h := maskHeaders(http.Header{"Authorization": {"a"}, "X-Auth-Token": {"b"}, "X-Subject-Token": {"c"}, "X-Security-Token": {"d"}, "X-Sdk-Date": {"e"}})
	for k, v := range h {
		if k != "X-Sdk-Date" && v != "***" {
			t.Errorf("%s not masked", k)
		}
	}
}
