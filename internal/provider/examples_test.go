package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/loopbackonly"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// The examples are applied with the real CLI and a real provider binary, as a
// user would, through dev_overrides: no plugin-testing shim, so for_each works
// and every CLI command is its own provider process.

// providerBinDir holds the binaries built for the tests: shared by every test
// of the binary, so not t.TempDir(); TestMain removes it.
var providerBinDir string

// providerBuild builds the provider once per test binary.
var providerBuild = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "cce-provider-bin-") //nolint:usetesting // see above
	if err != nil {
		return "", err
	}
	providerBinDir = dir
	return goBuild(filepath.Join(dir, "terraform-provider-cce"), "../..", "-tags", "cce_loopback_only")
})

// providerBinary returns the provider built for the tests.
func providerBinary(t *testing.T) string {
	t.Helper()
	return built(t, providerBuild)
}

// goBuild builds the package pkg into bin.
func goBuild(bin, pkg string, flags ...string) (string, error) {
	args := append(append([]string{"build"}, flags...), "-o", bin, pkg)
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return bin, nil
}

// built returns the binary of a once-per-test-binary build, or fails the test.
func built(t *testing.T, build func() (string, error)) string {
	t.Helper()
	bin, err := build()
	if err != nil {
		t.Fatal(err)
	}
	return bin
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

// newExampleCLI prepares a copy of examples/<example> as the README tells a
// user to lay it out: the example's files, and each module it calls with
// source = "./modules/<name>" copied there from examples/modules/<name>.
// Example "." is the whole examples tree.
func newExampleCLI(t *testing.T, e *accEnv, example string) *cli {
	t.Helper()
	examples := filepath.Join("..", "..", "examples")
	if example == "." {
		return newCLI(t, e, examples, "examples")
	}
	c := newCLI(t, e, filepath.Join(examples, example), example)
	for _, name := range localModules(t, c.dir) {
		if err := os.CopyFS(filepath.Join(c.dir, "modules", name), os.DirFS(filepath.Join(examples, "modules", name))); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// localModuleSource matches a module source the README's layout resolves.
var localModuleSource = regexp.MustCompile(`(?m)^\s*source\s*=\s*"\./modules/([a-z0-9_-]+)"`)

// localModules returns the names of the modules the .tf files of dir call
// from ./modules/.
func localModules(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range localModuleSource.FindAllStringSubmatch(string(b), -1) {
			if !slices.Contains(names, m[1]) {
				names = append(names, m[1])
			}
		}
	}
	return names
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
	if len(applicants) != 12 || applicants[0] != "DELETED agency old-vendor "+mockcloud.OldVendorAgencyID {
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

// TestMain serves the kubernetes stand-in when a CLI starts this binary as
// that provider (kubernetes_stub_test.go). Otherwise it runs the tests, then
// removes the provider binary built for the example tests and, when
// CCE_SECRETS_SCAN_DIR is set, fails the run if any log holds a secret.
func TestMain(m *testing.M) {
	loopbackonly.Install() // tests never leave the machine (loopback_test.go)
	if os.Getenv(envServeKubernetesStub) != "" {
		if err := serveKubernetesStub(); err != nil {
			fmt.Fprintln(os.Stderr, "kubernetes stand-in:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if providerBinDir != "" {
		_ = os.RemoveAll(providerBinDir)
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
