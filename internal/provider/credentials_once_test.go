package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// Credentials are checked once per provider process: a plan of 60
// revocations (20 users on 3 clusters) with wrong credentials sends one
// request that the cloud refuses (or the few sent together with it) and says
// once what is wrong, naming the setting at fault; every other revocation
// only points at that error (it must fail too: see addRefusal). These tests
// drive the real CLI (one provider process per plan) and count what the
// mock saw.

const onceUsers, onceClusters = 20, 3

// newOnceCLI adds the users and clusters to e's cloud and prepares
// testdata/credentials_once for them.
func newOnceCLI(t *testing.T, e *accEnv) *cli {
	t.Helper()
	var users, clusters []string
	for i := range onceUsers {
		id := fmt.Sprintf("0c0e%028x", i+1)
		e.cloud.AddUser(mockcloud.User{ID: id, Name: fmt.Sprintf("leaver-%02d", i+1), Enabled: true,
			Groups: []string{mockcloud.DevelopersGroupName}})
		users = append(users, id)
	}
	e.cloud.AddExtraClusters(onceClusters)
	for i := range onceClusters {
		clusters = append(clusters, mockcloud.ExtraClusterID(i))
	}
	c := newCLI(t, e, filepath.Join("testdata", "credentials_once"), "credentials_once")
	b, err := json.Marshal(map[string]any{"users": users, "clusters": clusters})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "credentials_once.auto.tfvars.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// refusedRequests returns the requests the mock answered 401.
func refusedRequests(e *accEnv) []string {
	var out []string
	for _, r := range e.cloud.Requests() {
		if r.Status == 401 {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// laterRefusal is the summary of every report of a refusal after the first.
const laterRefusal = "Error: Credentials refused: see the first error"

// planRefused runs a plan that must fail with one error matching want, the
// others only pointing at it, and returns its output.
func planRefused(t *testing.T, c *cli, want string) string {
	t.Helper()
	out, code := c.run("plan", "-input=false", "-no-color")
	if code == 0 {
		t.Fatalf("the plan succeeded with wrong credentials:\n%s", out)
	}
	errs, later := strings.Count(out, "Error: "), strings.Count(out, laterRefusal)
	if errs-later != 1 || errs > onceUsers*onceClusters {
		t.Errorf("the plan printed %d errors of which %d point at the first, want one full error and at most one per revocation:\n%s",
			errs, later, out)
	}
	if n := len(re("The API answered HTTP 401").FindAllStringIndex(out, -1)); n != 1 {
		t.Errorf("the refusal is told %d times, want once", n)
	}
	if !re(want).MatchString(out) {
		t.Errorf("the error does not match %q:\n%s", want, out)
	}
	for _, s := range secrets() {
		if strings.Contains(out, s) {
			t.Errorf("the output holds a secret (%d chars)", len(s))
		}
	}
	return out
}

// A wrong secret key: the requests already in flight when the first refusal
// comes back are refused too (the provider does not hold them back: that
// would cost every plan a round trip), and nothing is sent after it.
func TestAccCredentialsOnce_wrongSecretKey(t *testing.T) {
	e := newAccEnv(t)
	c := newOnceCLI(t, e)
	e.signIn(mockcloud.AdminAccessKey, "wrong-secret-key-0000")
	c = newOnceCLIEnv(t, e, c)
	planRefused(t, c, `Error: Credentials refused.*The cloud refused the access key pair.*Check access_key and secret_key`)
	refused := refusedRequests(e)
	// The first requests of a plan go out together: STS, the account
	// look-up and one read per cluster; every later one is stopped unsent.
	if len(refused) == 0 || len(refused) > 2+onceClusters {
		t.Errorf("%d refused requests, want 1 to %d (those in flight together): %v", len(refused), 2+onceClusters, refused)
	}
	if n := len(e.cloud.Requests()); n != len(refused) {
		t.Errorf("%d requests, of which %d refused: nothing may follow a refusal", n, len(refused))
	}
	t.Logf("refused requests: %v", refused)
	e.assertNoWrites()
}

// A wrong password: one sign-in per provider process, so IAM never locks the
// user (the mock locks after five failures in a row, as IAM does).
func TestAccCredentialsOnce_wrongPassword(t *testing.T) {
	e := newAccEnv(t)
	c := newOnceCLI(t, e)
	e.signInWith("HW_USER_NAME", mockcloud.AdminUserName, "HW_PASSWORD", "Wrong-Passw0rd!", "HW_DOMAIN_NAME", mockcloud.DomainName)
	c = newOnceCLIEnv(t, e, c)
	for run := 1; run <= 2; run++ {
		planRefused(t, c, `Error: Credentials refused.*IAM refused the password sign-in: check user_name, password and domain_name`)
		if n := e.cloud.Count(mockcloud.RouteCreateToken); n != run {
			t.Errorf("after %d plan(s): %d sign-ins, want %d (one per provider process)", run, n, run)
		}
		if got := refusedRequests(e); len(got) != run || len(e.cloud.Requests()) != run {
			t.Errorf("after %d plan(s): refused %v of %d requests, want only the sign-ins", run, got, len(e.cloud.Requests()))
		}
	}
	if failures, locked, _ := e.cloud.SignInStatus(mockcloud.AdminUserID); failures != 2 || locked {
		t.Errorf("IAM counts %d failed sign-ins (locked: %v), want 2 and not locked", failures, locked)
	}
	// The user can still sign in.
	e.set("HW_PASSWORD", mockcloud.AdminPassword)
	c = newOnceCLIEnv(t, e, c)
	if out, code := c.run("plan", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("plan with the right password after two wrong ones: exit %d\n%s", code, out)
	}
	e.assertNoWrites()
}

// A domain_id that is not the key's account: STS and CCE accept the key
// pair, IAM refuses it with that X-Domain-Id once, and the error names
// domain_id, not the key pair.
func TestAccCredentialsOnce_wrongDomainID(t *testing.T) {
	const wrong = "0123456789abcdef0123456789abcdef"
	e := newAccEnv(t)
	c := newOnceCLI(t, e)
	e.set("HW_DOMAIN_ID", wrong)
	c = newOnceCLIEnv(t, e, c)
	out := planRefused(t, c, `Error: Credentials refused.*IAM refused the access key pair with domain_id = "`+wrong+
		`", although STS or CCE accepted the same key pair.*Set domain_id`)
	if strings.Contains(out, "Check access_key and secret_key") {
		t.Errorf("the error blames the key pair:\n%s", out)
	}
	// IAM reads with X-Domain-Id that go out together (the user list, and
	// the caller's groups once STS has answered) are refused together;
	// nothing with the header is sent after the first refusal came back.
	if got := refusedRequests(e); len(got) == 0 || len(got) > 2 {
		t.Errorf("refused requests %v, want one, or two in flight together", got)
	}
	for _, r := range e.cloud.Requests() {
		if r.Header["X-Domain-Id"] != "" && r.Status != 401 {
			t.Errorf("%s %s with X-Domain-Id answered %d after the refusal", r.Method, r.Path, r.Status)
		}
	}
	e.assertNoWrites()
}

// The user list answering 503: one failed look-up (a request and its
// retries) for the whole plan, not one per revocation.
func TestAccCredentialsOnce_userListUnavailable(t *testing.T) {
	e := newAccEnv(t)
	c := newOnceCLI(t, e)
	e.cloud.SetFaults(1, mockcloud.Fault{Route: mockcloud.RouteListUsers, Kind: mockcloud.FaultStatus503, Probability: 1})
	out, code := c.run("plan", "-input=false", "-no-color")
	if code == 0 || !re(`Cannot look up the user`).MatchString(out) {
		t.Fatalf("plan with the user list down: exit %d\n%s", code, out)
	}
	const tries = 1 + 2 // HW_MAX_RETRIES=2 (mockEnv)
	if n := e.cloud.Count(mockcloud.RouteListUsers); n != tries {
		t.Errorf("%d GET /v3/users, want %d: one failed look-up for all %d revocations", n, tries, onceUsers*onceClusters)
	}
	if n := e.cloud.Count(mockcloud.RouteGetUser); n != 0 {
		t.Errorf("%d GET /v3/users/{id}: a failed list is no reason to read users one by one", n)
	}
	e.assertNoWrites()
}

// newOnceCLIEnv rebuilds c's environment from e (credentials changed after
// newOnceCLI), keeping its directory.
func newOnceCLIEnv(t *testing.T, e *accEnv, c *cli) *cli {
	t.Helper()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Dir(c.dir), "TF_CLI_CONFIG_FILE=" + c.rc,
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}
	for k, v := range e.env {
		env = append(env, k+"="+v)
	}
	c.env = append(env, cliLogEnv(t.Name())...)
	return c
}

// A saved plan applied with a wrong secret key: the apply's provider
// process says what is wrong once, sends no revocation, and every other
// revocation only points at that first error.
func TestAccCredentialsOnce_applyWithWrongKey(t *testing.T) {
	e := newAccEnv(t)
	c := newOnceCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	e.cloud.ResetRequests()
	e.signIn(mockcloud.AdminAccessKey, "wrong-secret-key-0000")
	c = newOnceCLIEnv(t, e, c)
	out, code := c.run("apply", "-input=false", "-no-color", "tfplan")
	if code == 0 {
		t.Fatalf("the apply succeeded with a wrong key:\n%s", out)
	}
	if n := len(re("Check access_key and secret_key").FindAllStringIndex(out, -1)); n != 1 {
		t.Errorf("the cause is told %d times, want once:\n%s", n, out)
	}
	if strings.Contains(out, "bug in the provider") {
		t.Errorf("the apply blames the provider:\n%s", out)
	}
	if n := strings.Count(out, "Error: "); n-strings.Count(out, laterRefusal) != 1 {
		t.Errorf("%d errors, and not every later one points at the first:\n%s", n, out)
	}
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != 0 {
		t.Errorf("%d revocations sent with a refused key", n)
	}
	if refused := refusedRequests(e); len(refused) == 0 || len(refused) > 2+onceClusters || len(e.cloud.Requests()) != len(refused) {
		t.Errorf("refused %v of %d requests", refused, len(e.cloud.Requests()))
	}
	t.Logf("%d errors, %d refused requests", strings.Count(out, "Error: "), len(refusedRequests(e)))
}
