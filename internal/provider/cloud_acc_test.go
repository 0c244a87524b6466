package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The real-account lane: TestAccCloud_* run against whatever cloud the
// environment names, exactly as a user's provider would, through
// environment variables only (no mock in the process). `make testacc-cloud`
// runs them; `make test` runs them against the standalone mock
// (scripts/cloud-lane.sh), so the lane cannot rot. CONTRIBUTING.md
// "Testing against a real account" lists the variables and permissions.
//
// Read-only unless CCE_TEST_WRITE=1, and then they write only the throwaway
// user's own credentials on the test cluster.

// cloudGate is the explicit switch: a shell that holds HW_* variables for
// other work never sends the in-process suite (make testacc) to an account.
const cloudGate = "CCE_TEST_CLOUD"

const cloudDocs = `see CONTRIBUTING.md "Testing against a real account"`

// cloudEnv skips the test unless the lane is switched on and the account's
// settings are complete; the message names what is missing.
func cloudEnv(t *testing.T) (clusterID string) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (make testacc-cloud does)", resource.EnvTfAcc)
	}
	if os.Getenv(cloudGate) != "1" {
		t.Skipf("real-account test: set %s=1 (make testacc-cloud does) with the account's HW_* variables; %s", cloudGate, cloudDocs)
	}
	var missing []string
	if firstEnv(os.Getenv, envRegion) == "" {
		missing = append(missing, "HW_REGION_NAME")
	}
	keys := firstEnv(os.Getenv, envAccessKey) != "" && firstEnv(os.Getenv, envSecretKey) != ""
	password := firstEnv(os.Getenv, envUserName) != "" && firstEnv(os.Getenv, envPassword) != "" && firstEnv(os.Getenv, envDomainName) != ""
	if !keys && !password && firstEnv(os.Getenv, envAuthToken) == "" {
		missing = append(missing, "credentials (HW_ACCESS_KEY and HW_SECRET_KEY, or HW_USER_NAME, HW_PASSWORD and HW_DOMAIN_NAME, or HW_AUTH_TOKEN)")
	}
	clusterID = os.Getenv("CCE_TEST_CLUSTER_ID")
	if clusterID == "" {
		missing = append(missing, "CCE_TEST_CLUSTER_ID (an Available cluster that supports revocation)")
	}
	if len(missing) > 0 {
		t.Skipf("real-account test skipped: %s not set; %s", strings.Join(missing, ", "), cloudDocs)
	}
	return clusterID
}

// firstEnv returns the first set variable of v.
func firstEnv(getenv func(string) string, v envVar) string {
	for _, name := range v {
		if s := getenv(name); s != "" {
			return s
		}
	}
	return ""
}

// cloudFactories serves the provider reading the process environment,
// with the given variables replaced ("" removes one).
func cloudFactories(override map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	getenv := func(k string) string {
		if v, ok := override[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	var instances atomic.Int64
	return map[string]func() (tfprotov6.ProviderServer, error){
		"cce": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6WithError(newWithEnv(fmt.Sprintf("cloud-%d", instances.Add(1)), getenv)())()
		},
	}
}

// Who am I, the clusters, the applicants of the test cluster: read-only.
func TestAccCloud_reads(t *testing.T) {
	clusterID := cloudEnv(t)
	t.Parallel()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: cloudFactories(nil),
		Steps: []resource.TestStep{{
			Config:          testConfig(t, "cloud/read.tf"),
			ConfigVariables: config.Variables{"cluster_id": config.StringVariable(clusterID)},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(callerIdentity, tfjsonpath.New("domain_id"), knownvalue.StringRegexp(idPattern)),
				statecheck.ExpectKnownValue(callerIdentity, tfjsonpath.New("project_id"), knownvalue.StringRegexp(idPattern)),
				statecheck.ExpectKnownValue(callerIdentity, tfjsonpath.New("principal_type"), knownvalue.NotNull()),
				statecheck.ExpectKnownOutputValue("cluster_listed", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("caller_listed", knownvalue.Bool(true)),
			},
		}},
	})
}

// Deleted identities come from CTS: the caller needs CTS read access too.
func TestAccCloud_readsDeleted(t *testing.T) {
	clusterID := cloudEnv(t)
	t.Parallel()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: cloudFactories(nil),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "cloud/read.tf"),
			ConfigVariables: config.Variables{"cluster_id": config.StringVariable(clusterID),
				"include_deleted": config.BoolVariable(true)},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.cce_certificate_applicants.this", tfjsonpath.New("applicants"), knownvalue.NotNull()),
			},
		}},
	})
}

// idPattern is an IAM ID: 32 lowercase hex characters.
var idPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// The plan-time checks on the real cluster, and their refusals; every
// step is a plan, so nothing is revoked.
func TestAccCloud_planChecks(t *testing.T) {
	clusterID := cloudEnv(t)
	t.Parallel()
	rev := testConfig(t, "revocation.tf")
	unknownUser := "00000000000000000000000000000bad"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: cloudFactories(nil),
		Steps: []resource.TestStep{
			{ // the caller's own revocation passes every check
				Config:             testConfig(t, "cloud/plan_self.tf"),
				ConfigVariables:    config.Variables{"cluster_id": config.StringVariable(clusterID)},
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config:          rev,
				ConfigVariables: vars("cluster_id", clusterID, "user_id", unknownUser),
				PlanOnly:        true,
				ExpectError:     re(`No such user.*IAM has no user with this ID`),
			},
			{
				Config:          rev,
				ConfigVariables: vars("cluster_id", "00000000-0000-4000-8000-000000000000", "user_id", unknownUser),
				PlanOnly:        true,
				ExpectError:     re(`Cluster not found.*HTTP 404`),
			},
			{
				Config:          rev,
				ConfigVariables: vars("cluster_id", clusterID, "user_id", unknownUser, "confirmation", "yes"),
				PlanOnly:        true,
				ExpectError:     re(`Revocation not confirmed`),
			},
		},
	})
}

// The writes, only with CCE_TEST_WRITE=1 and only as the throwaway user:
// issue a kubeconfig, revoke it (the user's own revocation), show the old
// kubeconfig refused by the cluster's API server when it is reachable, and
// issue a fresh one that works. Destroying afterwards only forgets.
func TestAccCloud_selfRevocation(t *testing.T) {
	clusterID := cloudEnv(t)
	if os.Getenv("CCE_TEST_WRITE") != "1" {
		t.Skipf("writes: set CCE_TEST_WRITE=1 and a throwaway IAM user's CCE_TEST_USER_ACCESS_KEY and CCE_TEST_USER_SECRET_KEY; " +
			"the test then issues and revokes that user's own credentials on CCE_TEST_CLUSTER_ID, nothing else; " + cloudDocs)
	}
	ak, sk := os.Getenv("CCE_TEST_USER_ACCESS_KEY"), os.Getenv("CCE_TEST_USER_SECRET_KEY")
	if ak == "" || sk == "" {
		t.Skipf("writes: CCE_TEST_WRITE=1 needs a throwaway IAM user's CCE_TEST_USER_ACCESS_KEY and CCE_TEST_USER_SECRET_KEY " +
			"(its own credentials are the only ones the test revokes); " + cloudDocs)
	}
	// Signed in as the throwaway user, with no other credential.
	override := map[string]string{}
	for _, v := range []envVar{envAccessKey, envSecretKey, envSecurityToken, envUserName, envPassword, envDomainName, envAuthToken} {
		for _, name := range v {
			override[name] = ""
		}
	}
	override["HW_ACCESS_KEY"], override["HW_SECRET_KEY"] = ak, sk

	kube := newCloudKubectl(t)
	dir := t.TempDir()
	oldKubeconfig, freshKubeconfig := filepath.Join(dir, "old.yaml"), filepath.Join(dir, "fresh.yaml")
	stepVars := func(revoke bool) config.Variables {
		return config.Variables{"cluster_id": config.StringVariable(clusterID), "revoke": config.BoolVariable(revoke)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: cloudFactories(override),
		Steps: []resource.TestStep{
			{ // before any write: the keys are a plain user's, who can revoke nobody's credentials but its own
				Config: testConfig(t, "caller_identity.tf"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(callerIdentity, tfjsonpath.New("principal_type"), knownvalue.StringExact("user")),
					statecheck.ExpectKnownValue(callerIdentity, tfjsonpath.New("is_admin"), knownvalue.Bool(false)),
				},
			},
			{
				Config:          testConfig(t, "cloud/self_revocation.tf"),
				ConfigVariables: stepVars(false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("cce_cluster_credential.old", tfjsonpath.New("applicant_id"), knownvalue.StringRegexp(idPattern)),
				},
				Check: resource.ComposeTestCheckFunc(
					saveKubeconfig("cce_cluster_credential.old", oldKubeconfig),
					kube.worksIfReachable(oldKubeconfig),
				),
			},
			{
				Config:          testConfig(t, "cloud/self_revocation.tf"),
				ConfigVariables: stepVars(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("cce_credential_revocation.self[0]", tfjsonpath.New("applicant_type"), knownvalue.StringExact("user")),
					statecheck.ExpectKnownValue("cce_credential_revocation.self[0]", tfjsonpath.New("revoked_at"), knownvalue.NotNull()),
				},
				Check: resource.ComposeTestCheckFunc(
					saveKubeconfig("cce_cluster_credential.fresh.0", freshKubeconfig),
					kube.refusedIfReachable(oldKubeconfig),
					kube.worksIfReachable(freshKubeconfig),
				),
			},
		},
	})
	kube.report()
}

// saveKubeconfig writes a credential's kubeconfig from the state to path.
func saveKubeconfig(address, path string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in the state", address)
		}
		raw := rs.Primary.Attributes["kubeconfig_raw"]
		if !strings.Contains(raw, "client-certificate-data") {
			return fmt.Errorf("%s has no kubeconfig with a client certificate", address)
		}
		return os.WriteFile(path, []byte(raw), 0o600)
	}
}

// cloudKubectl proves with kubectl what the API server makes of a
// kubeconfig, when kubectl is installed and the server reachable; else it
// says once, at the end, why that proof was skipped.
type cloudKubectl struct {
	t                *testing.T
	bin, home, ctx   string
	wait             time.Duration
	skipped, checked []string
}

func newCloudKubectl(t *testing.T) *cloudKubectl {
	k := &cloudKubectl{t: t, home: t.TempDir(), ctx: os.Getenv("CCE_TEST_KUBE_CONTEXT"), wait: 2 * time.Minute}
	if d, err := time.ParseDuration(os.Getenv("CCE_TEST_REVOKE_WAIT")); err == nil {
		k.wait = d
	}
	if bin, err := exec.LookPath("kubectl"); err == nil {
		k.bin = bin
	} else {
		k.skipped = append(k.skipped, "kubectl is not on PATH")
	}
	return k
}

// run runs kubectl get --raw /version with the kubeconfig.
func (k *cloudKubectl) run(kubeconfig string) (string, error) {
	args := []string{"--kubeconfig", kubeconfig, "--request-timeout", "20s"}
	if k.ctx != "" {
		args = append(args, "--context", k.ctx)
	}
	cmd := exec.Command(k.bin, append(args, "get", "--raw", "/version")...) //nolint:gosec // a test runs kubectl on purpose.
	cmd.Env = []string{"HOME=" + k.home, "PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (k *cloudKubectl) worksIfReachable(kubeconfig string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if k.bin == "" || len(k.skipped) > 0 {
			return nil
		}
		out, err := k.run(kubeconfig)
		switch {
		case err == nil && strings.Contains(out, "gitVersion"):
			k.checked = append(k.checked, filepath.Base(kubeconfig)+" works")
			return nil
		case strings.Contains(out, "Unauthorized") || strings.Contains(out, "Forbidden"):
			return fmt.Errorf("kubectl with %s: the API server refused a kubeconfig that should work: %s", filepath.Base(kubeconfig), out)
		}
		k.skipped = append(k.skipped, fmt.Sprintf("the cluster's API server is not reachable from here (%s; set CCE_TEST_KUBE_CONTEXT to a reachable context)", strings.TrimSpace(out)))
		return nil
	}
}

// refusedIfReachable waits up to CCE_TEST_REVOKE_WAIT (2m) for the API
// server to refuse the revoked kubeconfig.
func (k *cloudKubectl) refusedIfReachable(kubeconfig string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if k.bin == "" || len(k.skipped) > 0 {
			return nil
		}
		deadline := time.Now().Add(k.wait)
		for {
			out, _ := k.run(kubeconfig)
			if strings.Contains(out, "Unauthorized") {
				k.checked = append(k.checked, filepath.Base(kubeconfig)+" refused after the revocation")
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("kubectl with the revoked %s still gets through %s after the revocation: %s", filepath.Base(kubeconfig), k.wait, out)
			}
			time.Sleep(5 * time.Second)
		}
	}
}

// report logs what kubectl proved, or why it proved nothing.
func (k *cloudKubectl) report() {
	if len(k.skipped) > 0 {
		k.t.Logf("kubectl proof SKIPPED: %s (the revocation itself was applied)", strings.Join(k.skipped, "; "))
		return
	}
	k.t.Logf("kubectl: %s", strings.Join(k.checked, "; "))
}
