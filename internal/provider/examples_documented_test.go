package provider

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cceops/terraform-provider-cce/internal/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// rootExample says how to apply one directory of examples/ as written: the
// files are copied, never edited.
type rootExample struct {
	dir string
	// vars are -var arguments for the variables the example asks for.
	vars []string
	// floor skips CLIs that cannot parse the example.
	floor tfversion.TerraformVersionCheck
	// modules: the example calls modules, installed with `get` first.
	modules bool
	// invoke is the action the example is applied with (-invoke), if any.
	invoke string
	// prepare writes what the example reads besides the cloud, or adds a
	// provider it uses; check runs after apply, destroyed after destroy.
	prepare, check, destroyed func(t *testing.T, e *accEnv, c *cli)
}

// rootExamples lists every example configuration: the docs pages' examples
// and the root modules that call examples/modules. TestExamples_everyOneApplied
// keeps the list complete.
var rootExamples = []rootExample{
	{dir: "provider", vars: []string{"otc_user=u", "otc_account=a", "otc_password=p"}},
	{dir: "resources/cce_credential_revocation"},
	{dir: "resources/cce_credential_revocations"},
	{dir: "resources/cce_credential_revocation/import-by-identity", floor: identityCLI, check: revocations(0)},
	{dir: "resources/cce_cluster_credential"},
	{dir: "data-sources/cce_caller_identity"},
	{dir: "data-sources/cce_certificate_applicants"},
	{dir: "data-sources/cce_clusters"},
	{dir: "functions/certificate_applicant_id", floor: functionsCLI, prepare: leakedCredential},
	{dir: "ephemeral-resources/cce_cluster_credential", floor: ephemeralCLI, prepare: kubernetesStandIn, check: kubernetesReached},
	{dir: "quickstart"},
	{dir: "offboarding", modules: true, vars: []string{`leaver_names=["dana.leaver"]`}},
	{dir: "rotation", modules: true, vars: []string{"incident=INC-1"}},
	{dir: "actions/cce_revoke_credential", floor: actionsCLI, invoke: "action.cce_revoke_credential.leaked", check: revocations(1)},
	{dir: "offboarding-by-destroy", floor: actionsCLI, check: revocations(0), destroyed: revocations(4)},
}

// Every example is applied as written against the mock with the CLI under
// test, a second plan is empty, and destroy succeeds. On CLIs that cannot
// parse an example (functions: Terraform 1.8 / OpenTofu 1.7; ephemeral
// resources: Terraform 1.10 / OpenTofu 1.11; import by identity: 1.12 on
// both; actions: Terraform 1.14) it is skipped, saying why. An action's
// example is applied with -invoke, as its comment says.
func TestAccExamples_documented(t *testing.T) {
	for _, ex := range rootExamples {
		t.Run(ex.dir, func(t *testing.T) {
			e := newAccEnv(t)
			if ex.floor != nil {
				skipBelow(t, ex.floor)
			}
			c := newExampleCLI(t, e, ex.dir)
			if ex.prepare != nil {
				ex.prepare(t, e, c)
			}
			if ex.modules {
				c.must("get", "-no-color")
			}
			var vars []string
			for _, v := range ex.vars {
				vars = append(vars, "-var", v)
			}
			apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
			if ex.invoke != "" {
				apply = append(apply, "-invoke="+ex.invoke)
			}
			c.must(append(apply, vars...)...)
			if ex.check != nil {
				ex.check(t, e, c)
			}
			if out, code := c.run(append([]string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, vars...)...); code != 0 {
				t.Errorf("a second plan is not empty (exit %d):\n%s", code, out)
			}
			c.must(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
			if ex.destroyed != nil {
				ex.destroyed(t, e, c)
			}
		})
	}
}

// TestExamples_everyOneApplied fails when a directory of examples/ with a
// configuration is missing from rootExamples, or an entry names no example.
// Modules are applied through the root examples that call them.
func TestExamples_everyOneApplied(t *testing.T) {
	root := filepath.Join("..", "..", "examples")
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".tf" {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(p))
		if dir = filepath.ToSlash(dir); !strings.HasPrefix(dir, "modules/") && !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	listed := make([]string, len(rootExamples))
	for i, ex := range rootExamples {
		listed[i] = ex.dir
	}
	for _, d := range dirs {
		if !slices.Contains(listed, d) {
			t.Errorf("examples/%s is not applied: add it to rootExamples", d)
		}
	}
	for _, d := range listed {
		if !slices.Contains(dirs, d) {
			t.Errorf("rootExamples names examples/%s, which holds no configuration", d)
		}
	}
}

// revocations checks how many revocation requests the mock has seen.
func revocations(want int) func(t *testing.T, e *accEnv, c *cli) {
	return func(t *testing.T, e *accEnv, _ *cli) {
		t.Helper()
		if n := e.revokePosts(); n != want {
			t.Errorf("the mock saw %d revocation requests, want %d", n, want)
		}
	}
}

// leakedCredential writes the kubeconfig and certificate that the function
// example reads: a credential of the ops agency for prod.
func leakedCredential(t *testing.T, e *accEnv, c *cli) {
	t.Helper()
	kubeconfig, err := e.cloud.IssueAgencyCredential(mockcloud.ProdClusterID, mockcloud.OpsAgencyID, 1)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := cce.ParseKubeconfig(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{"leaked-kubeconfig.yaml": kubeconfig, "leaked-client.crt": kc.ClientCertificatePEM} {
		if err := os.WriteFile(filepath.Join(c.dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// kubernetesStandIn serves hashicorp/kubernetes from this test binary.
func kubernetesStandIn(t *testing.T, _ *accEnv, c *cli) {
	c.override("hashicorp/kubernetes", kubernetesStubDir(t))
	c.env = append(c.env, envServeKubernetesStub+"=1")
}

// kubernetesReached proves that the ephemeral credential opened the cluster's
// API server: the stand-in read its version as the caller.
func kubernetesReached(t *testing.T, e *accEnv, c *cli) {
	t.Helper()
	var got string
	c.output("kubernetes_version", &got)
	if got != "1.28.3-r0" {
		t.Errorf("kubernetes_version = %q, want prod's 1.28.3-r0", got)
	}
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteKubeVersion && r.Status == 200 && r.Caller == mockcloud.AdminUserID {
			return
		}
	}
	t.Error("the kube API server saw no GET /version with the ephemeral credential")
}
