package provider

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// accEnv is one acceptance test's world: a fresh mock cloud and the
// environment the provider reads, kept in a map so tests can run in parallel
// and secrets never appear in HCL (the CLI logs every test configuration).
type accEnv struct {
	t     *testing.T
	cloud *mockcloud.Cloud
	env   map[string]string
}

// newAccEnv starts a seeded mock cloud and signs the provider in as the
// account's administrator with an access key pair.
func newAccEnv(t *testing.T, opts ...mockcloud.Option) *accEnv {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (make testacc does)", resource.EnvTfAcc)
	}
	t.Parallel()
	cloud := mockcloud.NewForTest(t, opts...)
	t.Cleanup(func() { recordSecrets(t, cloud) })
	e := &accEnv{t: t, cloud: cloud, env: mockEnv(t, cloud)}
	return e.signIn(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
}

// mockEnv is the environment, without credentials, that points the provider
// at cloud.
func mockEnv(t *testing.T, cloud *mockcloud.Cloud) map[string]string {
	t.Helper()
	ca, err := cloud.WriteCACert(t.TempDir())
	if err != nil {
		t.Fatalf("writing the mock's CA: %s", err)
	}
	ep := cloud.Endpoints() // each service on its own host, as in the cloud
	return map[string]string{
		"HW_REGION_NAME":  mockcloud.Region,
		"HW_PROJECT_ID":   mockcloud.ProjectID,
		"HW_IAM_ENDPOINT": ep.IAM,
		"HW_CCE_ENDPOINT": ep.CCE[mockcloud.Region],
		"HW_CTS_ENDPOINT": ep.CTS[mockcloud.Region],
		"HW_STS_ENDPOINT": ep.STS,
		"HW_CACERT_FILE":  ca,
		// Fast retries keep failure tests short; the schema's default is 5.
		"HW_MAX_RETRIES": "2",
	}
}

// signIn replaces the credentials with an access key pair.
func (e *accEnv) signIn(ak, sk string) *accEnv {
	return e.signInWith("HW_ACCESS_KEY", ak, "HW_SECRET_KEY", sk)
}

// signInWith drops every credential and sets kv (name, value, ...) instead.
func (e *accEnv) signInWith(kv ...string) *accEnv {
	e.clearCredentials()
	e.set(kv...)
	return e
}

// set sets (or, with an empty value, removes) environment variables.
func (e *accEnv) set(kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(e.env, kv[i])
		} else {
			e.env[kv[i]] = kv[i+1]
		}
	}
}

func (e *accEnv) clearCredentials() {
	for _, v := range credentialVars {
		for _, name := range v {
			delete(e.env, name)
		}
	}
}

// credentialVars are the environment variables of every kind of sign-in.
var credentialVars = []envVar{envAccessKey, envSecretKey, envSecurityToken, envUserName, envPassword, envDomainName, envAuthToken}

// sessionEnv starts a new session of the agency agencyID and returns the
// environment (name, value, ...) that signs in as it.
func (e *accEnv) sessionEnv(agencyID, session string) []string {
	ak, sk, token := e.cloud.AssumeAgency(agencyID, session)
	return []string{"HW_ACCESS_KEY", ak, "HW_SECRET_KEY", sk, "HW_SECURITY_TOKEN", token}
}

// factories returns provider factories bound to a snapshot of the environment.
// Every provider process gets its own version string, which reaches the mock in
// the User-Agent, so tests can tell one plan's or apply's requests from another's.
func (e *accEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	env := maps.Clone(e.env)
	getenv := func(k string) string { return env[k] }
	var instances atomic.Int64
	return map[string]func() (tfprotov6.ProviderServer, error){
		"cce": func() (tfprotov6.ProviderServer, error) {
			version := fmt.Sprintf("test-%d", instances.Add(1))
			return newTestServer(newWithEnv(version, getenv)), nil // as main serves it (stop_signal.go)
		},
	}
}

// secrets lists every credential of the seeded account, for checks that
// none of them ever reaches an error message.
func secrets() []string {
	return []string{
		mockcloud.AdminSecretKey, mockcloud.AdminPassword,
		mockcloud.AliceSecretKey, mockcloud.AlicePassword,
		mockcloud.BobSecretKey, mockcloud.BobPassword,
		mockcloud.IvySecretKey, mockcloud.IvyPassword,
		mockcloud.RoSecretKey, mockcloud.RoPassword,
	}
}

// expectError is ExpectError that also proves the error text holds none of
// the given secrets. plugin-testing skips ErrorCheck when ExpectError is set,
// so the check runs in ErrorCheck and the caller asserts that it fired.
func expectError(t *testing.T, re *regexp.Regexp, forbidden ...string) (resource.ErrorCheckFunc, func()) {
	var mu sync.Mutex
	seen := false
	check := func(err error) error {
		mu.Lock()
		defer mu.Unlock()
		msg := err.Error()
		if !re.MatchString(msg) {
			return fmt.Errorf("expected an error matching %s, got: %w", re, err)
		}
		for _, s := range forbidden {
			if s != "" && strings.Contains(msg, s) {
				return fmt.Errorf("error message contains a secret (%d chars): %w", len(s), err)
			}
		}
		seen = true
		return nil
	}
	done := func() {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if !seen {
			t.Fatalf("expected an error matching %s, got none", re)
		}
	}
	return check, done
}

// oneError is an ErrorCheck that requires exactly one error diagnostic
// before check.
func oneError(check resource.ErrorCheckFunc) resource.ErrorCheckFunc {
	return func(err error) error {
		if n := strings.Count(err.Error(), "Error: "); n != 1 {
			return fmt.Errorf("%d errors, want exactly one: %w", n, err)
		}
		return check(err)
	}
}

// requestsCheck turns a predicate over the mock's request log into a step check.
func (e *accEnv) requestsCheck(f func([]mockcloud.Request) error) resource.TestCheckFunc {
	return func(*terraform.State) error { return f(e.cloud.Requests()) }
}

// assertNoWrites fails the test when the mock saw any write.
func (e *accEnv) assertNoWrites() {
	e.t.Helper()
	if w := e.cloud.Writes(); len(w) > 0 {
		e.t.Fatalf("the mock saw %d write(s), first: %s %s", len(w), w[0].Method, w[0].Path)
	}
}

// readOnly fails the test when the mock issued a credential or saw any other
// write. (Issuing is a POST too: checked first, so its own message shows.)
func (e *accEnv) readOnly() {
	e.t.Helper()
	if n := e.cloud.Count(mockcloud.RouteClusterCert); n != 0 {
		e.t.Errorf("the mock issued %d credentials (clustercert)", n)
	}
	e.assertNoWrites()
}

// testConfig reads an HCL file from testdata.
func testConfig(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// re compiles a message pattern that survives the CLIs' line wrapping: every
// space matches any run of white space.
func re(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}
