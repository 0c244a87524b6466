package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// The examples are applied with the real CLI and a real provider binary, as a
// user would, through dev_overrides: no plugin-testing shim, so for_each works
// and every CLI command is its own provider process.

var (
	buildOnce   sync.Once
	providerBin string
	buildErr    error
)

// providerBinary builds the provider once per test binary.
func providerBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		// Shared by every test of the binary, so not t.TempDir(); TestMain removes it.
		dir, err := os.MkdirTemp("", "cce-provider-bin-") //nolint:usetesting // see above
		if err != nil {
			buildErr = err
			return
		}
		providerBin = filepath.Join(dir, "terraform-provider-cce")
		out, err := exec.Command("go", "build", "-o", providerBin, "../..").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return providerBin
}

// cli runs one CLI in a copy of an example directory against the test's mock.
type cli struct {
	t         *testing.T
	bin       string
	dir       string
	env       []string
	rc        string            // the CLI configuration file
	overrides map[string]string // dev_overrides: provider source -> directory
}

// newExampleCLI prepares a copy of examples/<example>. The whole examples tree
// is copied so that module sources like ../modules/x resolve.
func newExampleCLI(t *testing.T, e *accEnv, example string) *cli {
	t.Helper()
	c := newCLI(t, e, filepath.Join("..", "..", "examples"), "examples")
	c.dir = filepath.Join(c.dir, example)
	return c
}

// newCLI prepares a copy of the directory src, named name, for the CLI under
// test (TF_ACC_TERRAFORM_PATH), with dev_overrides pointing at a freshly built
// provider and the test's environment (mock endpoints, CA, credentials).
func newCLI(t *testing.T, e *accEnv, src, name string) *cli {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		t.Skip("TF_ACC_TERRAFORM_PATH is not set: make testacc sets it to the cached Terraform or OpenTofu")
	}
	work := t.TempDir()
	dir := filepath.Join(work, name)
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + work, "TF_CLI_CONFIG_FILE=" + filepath.Join(work, "dev.tfrc"),
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}
	for k, v := range e.env {
		env = append(env, k+"="+v)
	}
	env = append(env, cliLogEnv(t.Name())...)
	c := &cli{t: t, bin: bin, dir: dir, env: env, rc: filepath.Join(work, "dev.tfrc"), overrides: map[string]string{}}
	c.override("cceops/cce", filepath.Dir(providerBinary(t)))
	return c
}

// override points the CLI at a local build of a provider (dev_overrides), so
// that it is never looked up in a registry.
func (c *cli) override(source, dir string) {
	c.t.Helper()
	c.overrides[source] = dir
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, src := range slices.Sorted(maps.Keys(c.overrides)) {
		fmt.Fprintf(&b, "    %q = %q\n", src, c.overrides[src])
	}
	b.WriteString("  }\n  direct {}\n}\n")
	if err := os.WriteFile(c.rc, []byte(b.String()), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// run runs a CLI command and returns its combined output and exit code.
func (c *cli) run(args ...string) (string, int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		exit, ok := err.(*exec.ExitError)
		if !ok {
			c.t.Fatalf("%s %v: %s", c.bin, args, err)
		}
		code = exit.ExitCode()
	}
	return string(out), code
}

// must runs a command that has to succeed.
func (c *cli) must(args ...string) string {
	c.t.Helper()
	out, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("%s %s exited %d:\n%s", filepath.Base(c.bin), strings.Join(args, " "), code, out)
	}
	return out
}

// output reads one root output as JSON.
func (c *cli) output(name string, into any) {
	c.t.Helper()
	if err := json.Unmarshal([]byte(c.must("output", "-json", name)), into); err != nil {
		c.t.Fatalf("output %s: %s", name, err)
	}
}

// clusterReads counts cluster GETs since the last reset.
func clusterReads(c *mockcloud.Cloud) int { return c.Count(mockcloud.RouteGetCluster) }

func TestAccExamples_quickstart(t *testing.T) {
	e := newAccEnv(t)
	c := newExampleCLI(t, e, "quickstart")
	c.must("apply", "-auto-approve", "-input=false", "-no-color")
	var caller string
	c.output("caller", &caller)
	if caller != "platform-admin (ad000000000000000000000000000001), admin: true" {
		t.Errorf("caller output %q", caller)
	}
	var applicants, revoked []string
	c.output("applicants", &applicants)
	if len(applicants) != 11 || applicants[0] != "DELETED agency old-vendor "+mockcloud.OldVendorAgencyID {
		t.Errorf("applicants output %q", applicants)
	}
	c.output("revoked", &revoked)
	if len(revoked) != 4 || revoked[0] != "user dana.leaver on prod (v1.28.3-r0)" {
		t.Errorf("revoked output %q", revoked)
	}
	e.wantRevocations(
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.LeaverUserID, RevokedBy: mockcloud.AdminUserID},
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.ErinUserID, RevokedBy: mockcloud.AdminUserID},
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.FrankOldUserID, RevokedBy: mockcloud.AdminUserID},
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, AgencyID: mockcloud.OldVendorAgencyID, RevokedBy: mockcloud.AdminUserID},
	)
}

// The offboarding example (module with for_each): 20 named leavers and the
// three identities deleted this week, on 3 clusters. Plan and apply each read
// every cluster at most once, apply sends exactly one POST per pair, a second
// plan is empty, and destroy revokes nothing and undoes nothing.
func TestAccExamples_offboarding(t *testing.T) {
	e := newAccEnv(t)
	clusters := []string{mockcloud.ProdClusterID, mockcloud.StagingClusterID, mockcloud.LegacyClusterID}
	var names []string
	var want []mockcloud.Revocation
	deleted := []mockcloud.Revocation{
		{UserID: mockcloud.ErinUserID}, {UserID: mockcloud.FrankOldUserID}, {AgencyID: mockcloud.OldVendorAgencyID},
	}
	for i := range 20 {
		id, name := fmt.Sprintf("1ea7e%027x", i+100), fmt.Sprintf("leaver-%02d", i)
		e.cloud.AddUser(mockcloud.User{ID: id, Name: name, Enabled: true})
		names = append(names, name)
		for _, cl := range clusters {
			want = append(want, mockcloud.Revocation{ClusterID: cl, UserID: id, RevokedBy: mockcloud.AdminUserID})
		}
	}
	for _, cl := range clusters {
		for _, d := range deleted {
			want = append(want, mockcloud.Revocation{ClusterID: cl, UserID: d.UserID, AgencyID: d.AgencyID, RevokedBy: mockcloud.AdminUserID})
		}
	}
	c := newExampleCLI(t, e, "offboarding")
	b, _ := json.Marshal(map[string]any{"cluster_ids": clusters, "leaver_names": names})
	if err := os.WriteFile(filepath.Join(c.dir, "leavers.auto.tfvars.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	c.must("get", "-no-color") // installs the local module; no provider is downloaded

	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	if n := clusterReads(e.cloud); n > len(clusters) {
		t.Errorf("plan read clusters %d times, want at most %d", n, len(clusters))
	}
	e.readOnly()

	e.cloud.ResetRequests()
	c.must("apply", "-input=false", "-no-color", "tfplan")
	if n := clusterReads(e.cloud); n > len(clusters) {
		t.Errorf("apply read clusters %d times, want at most %d", n, len(clusters))
	}
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != len(want) {
		t.Errorf("apply sent %d revocations, want exactly %d", n, len(want))
	}
	e.wantRevocations(want...)
	var revoked map[string]string
	c.output("revoked", &revoked)
	if got := revoked[mockcloud.StagingClusterID+"/other/"+mockcloud.OldVendorAgencyID]; got != "agency (deleted) on staging" {
		t.Errorf("revoked output for the deleted agency is %q", got)
	}

	e.cloud.ResetRequests()
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Errorf("a second plan is not empty (exit %d):\n%s", code, out)
	}
	c.must("destroy", "-auto-approve", "-input=false", "-no-color")
	e.assertNoWrites()
	if n := len(e.cloud.Revocations()); n != len(want) {
		t.Errorf("after destroy the mock holds %d revocations, want %d", n, len(want))
	}
}

// A leaver name that is not an active IAM user stops the plan before anything
// is revoked.
func TestAccExamples_offboardingUnknownLeaver(t *testing.T) {
	e := newAccEnv(t)
	c := newExampleCLI(t, e, "offboarding")
	b, _ := json.Marshal(map[string]any{"cluster_ids": []string{mockcloud.ProdClusterID}, "leaver_names": []string{"alice", "nobody"}})
	if err := os.WriteFile(filepath.Join(c.dir, "leavers.auto.tfvars.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	c.must("get", "-no-color")
	out, code := c.run("apply", "-auto-approve", "-input=false", "-no-color")
	if code == 0 || !strings.Contains(out, "Every name in leaver_names must be an active IAM user") {
		t.Errorf("apply with an unknown leaver exited %d:\n%s", code, out)
	}
	e.assertNoWrites()
}

// TestMain serves the kubernetes stand-in when a CLI starts this binary as
// that provider (kubernetes_stub_test.go). Otherwise it runs the tests, then
// removes the provider binary built for the example tests and, when
// CCE_SECRETS_SCAN_DIR is set, fails the run if any log holds a secret.
func TestMain(m *testing.M) {
	if os.Getenv(envServeKubernetesStub) != "" {
		if err := serveKubernetesStub(); err != nil {
			fmt.Fprintln(os.Stderr, "kubernetes stand-in:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if providerBin != "" {
		_ = os.RemoveAll(filepath.Dir(providerBin))
	}
	if dir := os.Getenv(envSecretsScanDir); dir != "" && code == 0 {
		n, hits, err := scanSecrets(dir)
		switch {
		case err != nil:
			fmt.Println("secret scan:", err)
			code = 1
		case len(hits) > 0:
			fmt.Printf("secret scan: %d hit(s) in %d provider logs:\n  %s\n", len(hits), n, strings.Join(hits, "\n  "))
			code = 1
		default:
			fmt.Printf("secret scan: no secret in %d provider logs (TRACE)\n", n)
		}
	}
	os.Exit(code)
}
