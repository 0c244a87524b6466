package provider

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// failingCCE is a loopback proxy in front of the mock that answers GET
// cluster with the status in fail (0: passes it on), as CCE answers when it
// fails (500) or when the caller lost the right to read clusters (403).
func failingCCE(t *testing.T, cloud *mockcloud.Cloud, fail *atomic.Int32) string {
	t.Helper()
	target, err := url.Parse(cloud.URL())
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(cloud.CACertPEM())
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status := int(fail.Load())
		if status == 0 || r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "/clusters/") {
			proxy.ServeHTTP(w, r)
			return
		}
		code, msg := "CCE.01500001", "Internal error."
		if status == http.StatusForbidden {
			code, msg = "CCE.01403001", "Forbidden: no permission to get cluster"
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "code": status, "errorCode": code, "errorMessage": msg})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A refresh that cannot read the cluster (CCE answers 500, or 403) reports
// it and keeps the record: only a cluster that is gone drops it.
func TestAccCredentialRevocation_refreshErrorKeepsRecord(t *testing.T) {
	e := newAccEnv(t)
	var fail atomic.Int32
	e.set("HW_CCE_ENDPOINT", failingCCE(t, e.cloud, &fail))
	v := vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID)
	failWith := func(status int32) func() {
		return func() { fail.Store(status) }
	}
	step := func(status int32) resource.TestStep {
		return resource.TestStep{
			PreConfig: failWith(status), RefreshState: true,
			ExpectError: re(`Cannot read the cluster.*Refreshing .* needs cluster ` + mockcloud.ProdClusterID),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: testConfig(t, "revocation.tf"), ConfigVariables: v},
			step(http.StatusInternalServerError),
			step(http.StatusForbidden),
			{
				PreConfig: failWith(0), Config: testConfig(t, "revocation.tf"), ConfigVariables: v,
				// Still in the state: nothing to create again.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != 1 {
		t.Errorf("the mock saw %d revocation requests, want 1", n)
	}
}
