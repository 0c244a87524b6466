package provider

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// An https:// endpoint whose port answers in plain HTTP is said to be one,
// once: not a missing permission, and not retried.
func TestAccTransport_plainHTTPPort(t *testing.T) {
	e := newAccEnv(t)
	var hits atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(plain.Close)
	e.set("HW_CCE_ENDPOINT", "https://"+strings.TrimPrefix(plain.URL, "http://"))
	check, done := expectError(t, re(`Cannot read the cluster.*answered in plain HTTP although its URL says https://`), "permission")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		ErrorCheck:               check,
		Steps: []resource.TestStep{{Config: testConfig(t, "revocation.tf"), PlanOnly: true,
			ConfigVariables: config.Variables{"cluster_id": config.StringVariable(mockcloud.ProdClusterID),
				"user_id": config.StringVariable(mockcloud.BobUserID)}}},
	})
	done()
	if n := hits.Load(); n > 1 {
		t.Errorf("the plain-HTTP port was tried %d times", n)
	}
	e.assertNoWrites()
}

// CCE and CTS refuse a token scoped to the account: the error says so, and
// how to get a project-scoped one.
func TestAccTransport_domainScopedToken(t *testing.T) {
	e := newAccEnv(t)
	e.signInWith("HW_AUTH_TOKEN", e.cloud.IssueDomainScopedToken(mockcloud.AdminUserID))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{Config: testConfig(t, "clusters.tf"),
			ExpectError: re(`Cannot list clusters.*auth_token is scoped to the account \(domain\), and CCE and CTS accept only a ` +
				`token scoped to a project.*HTTP 401`)}},
	})
	e.assertNoWrites()
}
