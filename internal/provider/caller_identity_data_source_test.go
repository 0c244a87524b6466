package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

const callerIdentity = "data.cce_caller_identity.me"

// identityChecks asserts every attribute of the data source for an IAM user.
func identityChecks(userID, userName string, admin bool, groups []string, method string) []statecheck.StateCheck {
	groupValues := make([]knownvalue.Check, len(groups))
	for i, g := range groups {
		groupValues[i] = knownvalue.StringExact(g)
	}
	return append(principalChecks(identityAttr{
		"user_id": knownvalue.StringExact(userID), "user_name": knownvalue.StringExact(userName),
		"principal_id":   knownvalue.StringExact(userID),
		"principal_urn":  knownvalue.StringExact("iam::" + mockcloud.DomainID + ":user:" + userName),
		"principal_type": knownvalue.StringExact("user"),
		"is_admin":       knownvalue.Bool(admin), "groups": knownvalue.ListExact(groupValues),
	}), statecheck.ExpectKnownValue(callerIdentity, tfjsonpath.New("auth_method"), knownvalue.StringExact(method)))
}

// identityAttr holds expected values by attribute name.
type identityAttr map[string]knownvalue.Check

// principalChecks asserts the given attributes, and the account's and
// project's as the seeded account has them unless given.
func principalChecks(want identityAttr) []statecheck.StateCheck {
	for name, v := range map[string]knownvalue.Check{
		"domain_id": knownvalue.StringExact(mockcloud.DomainID), "domain_name": knownvalue.StringExact(mockcloud.DomainName),
		"account_id": knownvalue.StringExact(mockcloud.DomainID), "project_id": knownvalue.StringExact(mockcloud.ProjectID),
	} {
		if _, ok := want[name]; !ok {
			want[name] = v
		}
	}
	var out []statecheck.StateCheck
	for name, v := range want {
		out = append(out, statecheck.ExpectKnownValue(callerIdentity, tfjsonpath.New(name), v))
	}
	return out
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
	// STS first: the credential look-up is only the fallback for permanent keys.
	if n, m := e.cloud.Count(mockcloud.RouteCallerID), e.cloud.Count(mockcloud.RouteCredential); n == 0 || m != 0 {
		t.Errorf("%d STS calls and %d credential look-ups, want STS and no look-up", n, m)
	}
	// IAM is a global service: its AK/SK requests name the account, except
	// the two look-ups the official SDK makes without it.
	for _, r := range e.cloud.Requests() {
		iam := strings.HasPrefix(r.Path, "/v3/") && r.Route != mockcloud.RouteListTraces || strings.HasPrefix(r.Path, "/v3.0/")
		bare := r.Route == mockcloud.RouteDomains || r.Route == mockcloud.RouteProjects
		if got := r.Header["X-Domain-Id"]; iam && !bare && got != mockcloud.DomainID || (!iam || bare) && got != "" {
			t.Errorf("%s %s: X-Domain-Id %q", r.Method, r.Path, got)
		}
	}
	e.assertNoWrites()
}

// The credential look-up answers for permanent keys where the cloud has no
// STS (OTC): a request to it fails, and the caller is still named.
func TestAccCallerIdentity_withoutSTS(t *testing.T) {
	e := newAccEnv(t)
	e.signIn(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey).set("HW_STS_ENDPOINT", e.cloud.URL()+"/no-sts")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "caller_identity.tf"),
			ConfigStateChecks: principalChecks(identityAttr{
				"user_id": knownvalue.StringExact(mockcloud.AliceUserID), "user_name": knownvalue.StringExact("alice"),
				"principal_id": knownvalue.StringExact(""), "principal_urn": knownvalue.StringExact(""),
				"principal_type": knownvalue.StringExact("user"), "is_admin": knownvalue.Bool(false),
			}),
		}},
	})
	if n := e.cloud.Count(mockcloud.RouteCredential); n == 0 {
		t.Errorf("without STS the provider never looked up its access key (%s)", mockcloud.RouteCredential)
	}
}

// An agency session is named by STS; whether it may revoke others is its
// agency's policies' business, so is_admin is null and no groups are read.
func TestAccCallerIdentity_agencySession(t *testing.T) {
	e := newAccEnv(t)
	e.signInWith(e.sessionEnv(mockcloud.OpsAgencyID, "pipeline-7")...)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "caller_identity.tf"),
			ConfigStateChecks: principalChecks(identityAttr{
				"user_id": knownvalue.StringExact(""), "user_name": knownvalue.StringExact(""),
				"principal_id": knownvalue.StringExact(mockcloud.OpsAgencyID + ":pipeline-7"),
				"principal_urn": knownvalue.StringExact("sts::" + mockcloud.DomainID + ":assumed-agency:" +
					mockcloud.OpsAgencyName + "/pipeline-7"),
				"principal_type": knownvalue.StringExact("agency_session"), "is_admin": knownvalue.Null(),
				"groups": knownvalue.Null(), "auth_method": knownvalue.StringExact("temporary_aksk"),
			}),
		}},
	})
	if n := e.cloud.Count(mockcloud.RouteUserGroups) + e.cloud.Count(mockcloud.RouteCredential); n != 0 {
		t.Errorf("the provider read %d IAM user records for an agency session", n)
	}
	e.assertNoWrites()
}

// With domain_id configured, the provider skips the domain look-up.
func TestAccCallerIdentity_domainID(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_DOMAIN_ID", mockcloud.DomainID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "caller_identity.tf"),
			ConfigStateChecks: principalChecks(identityAttr{
				"user_id": knownvalue.StringExact(mockcloud.AdminUserID), "domain_name": knownvalue.StringExact(""),
				"is_admin": knownvalue.Bool(true),
			}),
		}},
	})
	if n := e.cloud.Count(mockcloud.RouteDomains); n != 0 {
		t.Errorf("the provider looked the domain up %d times although domain_id is set", n)
	}
}

func TestAccCallerIdentity_password(t *testing.T) {
	e := newAccEnv(t)
	e.signInWith("HW_USER_NAME", "alice", "HW_PASSWORD", mockcloud.AlicePassword, "HW_DOMAIN_NAME", mockcloud.DomainName)
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
	e.signInWith("HW_AUTH_TOKEN", e.cloud.IssueToken(mockcloud.AliceUserID))
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
	e.signInWith("OS_ACCESS_KEY", mockcloud.AliceAccessKey, "OS_SECRET_KEY", mockcloud.AliceSecretKey)
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
	// One error that says the key pair was refused, with the gateway's answer.
	check, done := expectError(t,
		re(`Credentials refused.*The cloud refused the access key pair: the secret key does not belong to the access key.*`+
			`HTTP 401, code APIGW.0301: .*request ID [0-9a-f]{32}`),
		append(secrets(), wrong)...)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		ErrorCheck:               oneError(check),
		Steps:                    []resource.TestStep{{Config: testConfig(t, "caller_identity.tf")}},
	})
	done()
	// 4xx is never retried: each first call (STS and the domain look-up go
	// out together) is refused once, then the provider gives up.
	seen := map[string]int{}
	for _, r := range e.cloud.Requests() {
		seen[r.Route]++
		if r.Status != 401 || seen[r.Route] > 1 {
			t.Errorf("unexpected request %s %s (status %d, #%d)", r.Method, r.Path, r.Status, seen[r.Route])
		}
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
	e.signInWith("HW_USER_NAME", "alice", "HW_PASSWORD", mockcloud.AlicePassword)
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
			ExpectError: re(`Cannot tell who the provider is signed in as.*not trust.*set cacert_file.*certificate signed by unknown authority`),
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
