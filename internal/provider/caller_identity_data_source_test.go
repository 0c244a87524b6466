package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

const callerIdentity = "data.cce_caller_identity.me"

// identityChecks asserts every attribute of the data source.
func identityChecks(userID, userName string, admin bool, groups []string, method string) []statecheck.StateCheck {
	groupValues := make([]knownvalue.Check, len(groups))
	for i, g := range groups {
		groupValues[i] = knownvalue.StringExact(g)
	}
	attr := func(name string, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(callerIdentity, tfjsonpath.New(name), v)
	}
	return []statecheck.StateCheck{
		attr("user_id", knownvalue.StringExact(userID)),
		attr("user_name", knownvalue.StringExact(userName)),
		attr("domain_id", knownvalue.StringExact(mockcloud.DomainID)),
		attr("domain_name", knownvalue.StringExact(mockcloud.DomainName)),
		attr("project_id", knownvalue.StringExact(mockcloud.ProjectID)),
		attr("is_admin", knownvalue.Bool(admin)),
		attr("groups", knownvalue.ListExact(groupValues)),
		attr("auth_method", knownvalue.StringExact(method)),
	}
}

// onlyAs checks that every request the mock saw was authenticated as the
// given user with the given method (token requests themselves excepted).
func onlyAs(userID, auth string) func([]mockcloud.Request) error {
	return func(reqs []mockcloud.Request) error {
		if len(reqs) == 0 {
			return fmt.Errorf("the mock saw no request")
		}
		for _, r := range reqs {
			if r.Route == mockcloud.RouteCreateToken {
				continue
			}
			if r.Caller != userID || r.Auth != auth || r.Status >= 400 {
				return fmt.Errorf("%s %s: caller %q auth %q status %d, want caller %q auth %q and success",
					r.Method, r.Path, r.Caller, r.Auth, r.Status, userID, auth)
			}
		}
		return nil
	}
}

func TestAccCallerIdentity_accessKey(t *testing.T) {
	e := newAccEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:            testConfig(t, "caller_identity.tf"),
			ConfigStateChecks: identityChecks(mockcloud.AdminUserID, "platform-admin", true, []string{"admin"}, "aksk"),
			Check:             e.requestsCheck(onlyAs(mockcloud.AdminUserID, "aksk")),
		}},
	})
	if n := e.cloud.Count(mockcloud.RouteCredential); n == 0 {
		t.Errorf("the provider never looked up its access key (%s)", mockcloud.RouteCredential)
	}
	e.assertNoWrites()
}

func TestAccCallerIdentity_password(t *testing.T) {
	e := newAccEnv(t)
	e.clearCredentials()
	e.set("HW_USER_NAME", "alice", "HW_PASSWORD", mockcloud.AlicePassword, "HW_DOMAIN_NAME", mockcloud.DomainName)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:            testConfig(t, "caller_identity.tf"),
			ConfigStateChecks: identityChecks(mockcloud.AliceUserID, "alice", false, []string{"developers"}, "password"),
			Check:             e.requestsCheck(onlyAs(mockcloud.AliceUserID, "token")),
		}},
	})
	if e.cloud.Count(mockcloud.RouteCreateToken) == 0 {
		t.Errorf("the provider never signed in with the password (%s)", mockcloud.RouteCreateToken)
	}
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteCreateToken && r.Status != 201 {
			t.Errorf("token request answered %d, want 201", r.Status)
		}
	}
	e.assertNoWrites()
}

func TestAccCallerIdentity_temporaryAccessKey(t *testing.T) {
	e := newAccEnv(t)
	ak, sk, token := e.cloud.IssueTemporaryCredential(mockcloud.BobUserID)
	e.signIn(ak, sk).set("HW_SECURITY_TOKEN", token)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:            testConfig(t, "caller_identity.tf"),
			ConfigStateChecks: identityChecks(mockcloud.BobUserID, "bob", false, []string{"developers"}, "temporary_aksk"),
			Check:             e.requestsCheck(onlyAs(mockcloud.BobUserID, "temporary_aksk")),
		}},
	})
	e.assertNoWrites()
}

func TestAccCallerIdentity_token(t *testing.T) {
	e := newAccEnv(t)
	e.clearCredentials()
	e.set("HW_AUTH_TOKEN", e.cloud.IssueToken(mockcloud.AliceUserID))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:            testConfig(t, "caller_identity.tf"),
			ConfigStateChecks: identityChecks(mockcloud.AliceUserID, "alice", false, []string{"developers"}, "token"),
			Check:             e.requestsCheck(onlyAs(mockcloud.AliceUserID, "token")),
		}},
	})
	if n := e.cloud.Count(mockcloud.RouteCreateToken); n != 0 {
		t.Errorf("a static token must not be exchanged, but the mock saw %d token requests", n)
	}
	e.assertNoWrites()
}

// OS_* variables (OTC's names) work when no HW_* variable is set.
func TestAccCallerIdentity_otcVariables(t *testing.T) {
	e := newAccEnv(t)
	e.clearCredentials()
	e.set("OS_ACCESS_KEY", mockcloud.AliceAccessKey, "OS_SECRET_KEY", mockcloud.AliceSecretKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:            testConfig(t, "caller_identity.tf"),
			ConfigStateChecks: identityChecks(mockcloud.AliceUserID, "alice", false, []string{"developers"}, "aksk"),
			Check:             e.requestsCheck(onlyAs(mockcloud.AliceUserID, "aksk")),
		}},
	})
}

func TestAccCallerIdentity_wrongSecretKey(t *testing.T) {
	e := newAccEnv(t)
	wrong := "wrongSecretKeyThatMustNotLeak01"
	e.signIn(mockcloud.AdminAccessKey, wrong)
	check, done := expectError(t,
		re(`Cannot tell who the provider is signed in as.*HTTP 401, code APIGW.0301: .*request ID [0-9a-f]{32}`),
		append(secrets(), wrong)...)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		ErrorCheck:               check,
		Steps:                    []resource.TestStep{{Config: testConfig(t, "caller_identity.tf")}},
	})
	done()
	// 4xx is never retried: one rejected request, then the provider gives up.
	for _, r := range e.cloud.Requests() {
		if r.Status != 401 {
			t.Errorf("unexpected request %s %s (status %d)", r.Method, r.Path, r.Status)
		}
	}
	if n := len(e.cloud.Requests()); n != 1 {
		t.Errorf("the mock saw %d requests, want exactly 1 (a 401 must not be retried)", n)
	}
}

func TestAccCallerIdentity_noCredentials(t *testing.T) {
	e := newAccEnv(t)
	e.clearCredentials()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "caller_identity.tf"),
			ExpectError: re(`No credentials.*HW_ACCESS_KEY.*HW_SECRET_KEY.*HW_SECURITY_TOKEN.*HW_USER_NAME.*` +
				`HW_PASSWORD.*HW_DOMAIN_NAME.*HW_AUTH_TOKEN`),
		}},
	})
	if n := len(e.cloud.Requests()); n != 0 {
		t.Errorf("the provider called the mock %d times without credentials", n)
	}
}

func TestAccCallerIdentity_incompleteCredentials(t *testing.T) {
	e := newAccEnv(t)
	e.clearCredentials()
	e.set("HW_USER_NAME", "alice", "HW_PASSWORD", mockcloud.AlicePassword)
	check, done := expectError(t, re(`Incomplete credentials.*domain_name is missing.*HW_DOMAIN_NAME`), secrets()...)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		ErrorCheck:               check,
		Steps:                    []resource.TestStep{{Config: testConfig(t, "caller_identity.tf")}},
	})
	done()
	if n := len(e.cloud.Requests()); n != 0 {
		t.Errorf("the provider called the mock %d times with incomplete credentials", n)
	}
}

func TestAccCallerIdentity_twoMethods(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_AUTH_TOKEN", e.cloud.IssueToken(mockcloud.AliceUserID))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      testConfig(t, "caller_identity.tf"),
			ExpectError: re(`More than one way to sign in.*an access key pair and a token`),
		}},
	})
	if n := len(e.cloud.Requests()); n != 0 {
		t.Errorf("the provider called the mock %d times with ambiguous credentials", n)
	}
}

func TestAccCallerIdentity_unknownCA(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_CACERT_FILE", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      testConfig(t, "caller_identity.tf"),
			ExpectError: re(`Cannot tell who the provider is signed in as.*certificate signed by unknown authority`),
		}},
	})
	// The TLS handshake fails before any request reaches the mock's handlers.
	if n := len(e.cloud.Requests()); n != 0 {
		t.Errorf("the mock saw %d requests through an untrusted TLS connection", n)
	}
}

func TestAccCallerIdentity_insecure(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_CACERT_FILE", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:            testConfig(t, "caller_identity_insecure.tf"),
			ConfigStateChecks: identityChecks(mockcloud.AdminUserID, "platform-admin", true, []string{"admin"}, "aksk"),
			Check:             e.requestsCheck(onlyAs(mockcloud.AdminUserID, "aksk")),
		}},
	})
}

func TestAccCallerIdentity_badCACertFile(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_CACERT_FILE", "testdata/caller_identity.tf")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      testConfig(t, "caller_identity.tf"),
			ExpectError: re(`cacert_file holds no certificate`),
		}},
	})
	if n := len(e.cloud.Requests()); n != 0 {
		t.Errorf("the provider called the mock %d times with an unusable cacert_file", n)
	}
}
