package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/kube"
)

// kubectl runs the real kubectl against one kubeconfig file, in an empty HOME
// so that no user configuration or cache interferes.
type kubectl struct {
	t    *testing.T
	bin  string
	home string
}

func newKubectl(t *testing.T) *kubectl {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH: the end-to-end proof that a revoked kubeconfig is refused needs it " +
			"(Debian: apt-get install kubectl, or any kubectl 1.28+)")
	}
	return &kubectl{t: t, bin: bin, home: t.TempDir()}
}

// run runs kubectl with the kubeconfig at path, on the context that verifies
// the cluster CA, and returns its output and whether it succeeded.
func (k *kubectl) run(kubeconfig string, args ...string) (string, bool) {
	cmd := exec.Command(k.bin, append([]string{"--kubeconfig", kubeconfig, "--context", "internal", "--request-timeout", "20s"}, args...)...)
	cmd.Env = []string{"HOME=" + k.home, "PATH=" + os.Getenv("PATH"), "KUBECONFIG=" + kubeconfig}
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// whoami returns the user name the API server sees, or fails the check.
func (k *kubectl) whoami(kubeconfig string) (string, error) {
	out, ok := k.run(kubeconfig, "auth", "whoami", "-o", "json")
	if !ok {
		return "", fmt.Errorf("kubectl auth whoami failed: %s", out)
	}
	var review kube.SelfSubjectReview
	if err := json.Unmarshal([]byte(out), &review); err != nil {
		return "", fmt.Errorf("kubectl auth whoami printed %q: %w", out, err)
	}
	return review.Status.UserInfo.Username, nil
}

// works asserts that a kubeconfig is accepted as the given identity.
func (k *kubectl) works(kubeconfig, wantUser string) error {
	if out, ok := k.run(kubeconfig, "get", "--raw", "/version"); !ok || !strings.Contains(out, `"gitVersion"`) {
		return fmt.Errorf("kubectl get --raw /version with %s failed: %s", filepath.Base(kubeconfig), out)
	}
	user, err := k.whoami(kubeconfig)
	if err != nil {
		return err
	}
	if user != wantUser {
		return fmt.Errorf("kubectl auth whoami says %q, want %q", user, wantUser)
	}
	return nil
}

// refused asserts that a kubeconfig is rejected as Unauthorized.
func (k *kubectl) refused(kubeconfig string) error {
	for _, args := range [][]string{{"get", "--raw", "/version"}, {"auth", "whoami"}} {
		out, ok := k.run(kubeconfig, args...)
		if ok || !strings.Contains(out, "Unauthorized") {
			return fmt.Errorf("kubectl %s with the revoked %s: ok=%v, want Unauthorized; output: %s",
				strings.Join(args, " "), filepath.Base(kubeconfig), ok, out)
		}
	}
	return nil
}

// The product's promise, shown with the real CLI, a real provider binary and
// the real kubectl: a credential works, is refused once revoked, and a fresh one
// works again; other people's credentials are untouched. The same for an agency.
// (plugin-testing serves one provider instance to every alias, so a
// configuration with a provider per person runs through the CLI harness.)
func TestAccKubectl_revokeAndReissue(t *testing.T) {
	k := newKubectl(t)
	e := newAccEnv(t)
	c := newCLI(t, e, filepath.Join("testdata", "kubectl_e2e"), "kubectl_e2e")
	files := t.TempDir()
	path := func(name string) string { return filepath.Join(files, name) }
	// The provider never signs in as an agency; the mock's test API issues its credential.
	agencyKubeconfig, err := e.cloud.IssueAgencyCredential(mockcloud.ProdClusterID, mockcloud.OpsAgencyID, 1)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(path(name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("agency.json", string(agencyKubeconfig))
	apply := func(revoke bool, aliceDays int) {
		t.Helper()
		b, _ := json.Marshal(map[string]any{
			"cluster_id": mockcloud.ProdClusterID, "agency_id": mockcloud.OpsAgencyID,
			"alice_access_key": mockcloud.AliceAccessKey, "alice_secret_key": mockcloud.AliceSecretKey,
			"bob_access_key": mockcloud.BobAccessKey, "bob_secret_key": mockcloud.BobSecretKey,
			"revoke": revoke, "alice_days": aliceDays,
		})
		if err := os.WriteFile(filepath.Join(c.dir, "test.auto.tfvars.json"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		c.must("apply", "-auto-approve", "-input=false", "-no-color")
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// Alice and Bob download their kubeconfigs; all three work.
	apply(false, 1)
	write("alice-1.yaml", c.must("output", "-raw", "alice_kubeconfig"))
	write("bob.yaml", c.must("output", "-raw", "bob_kubeconfig"))
	check(k.works(path("alice-1.yaml"), mockcloud.AliceUserID))
	check(k.works(path("bob.yaml"), mockcloud.BobUserID))
	check(k.works(path("agency.json"), mockcloud.OpsAgencyID))

	// The administrator revokes Alice and the agency: refused. Bob is untouched.
	apply(true, 1)
	check(k.refused(path("alice-1.yaml")))
	check(k.refused(path("agency.json")))
	check(k.works(path("bob.yaml"), mockcloud.BobUserID))

	// Alice downloads a new credential: it works, the old one stays refused.
	apply(true, 2)
	write("alice-2.yaml", c.must("output", "-raw", "alice_kubeconfig"))
	check(k.works(path("alice-2.yaml"), mockcloud.AliceUserID))
	check(k.refused(path("alice-1.yaml")))

	e.wantRevocations(
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.AliceUserID, RevokedBy: mockcloud.AdminUserID},
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, AgencyID: mockcloud.OpsAgencyID, RevokedBy: mockcloud.AdminUserID},
	)
	issued := map[string]int{}
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteClusterCert {
			issued[r.Caller]++
		}
	}
	if issued[mockcloud.AliceUserID] != 2 || issued[mockcloud.BobUserID] != 1 || len(issued) != 2 {
		t.Errorf("credentials issued per caller: %v, want Alice 2 and Bob 1", issued)
	}
	c.must("destroy", "-auto-approve", "-input=false", "-no-color")
}

// The rotation example as a plain user rotating their own leaked credential:
// the first kubeconfig works, is refused after the next incident's rotation,
// and the fresh one works.
func TestAccExamples_rotation(t *testing.T) {
	k := newKubectl(t)
	e := newAccEnv(t)
	e.signIn(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey)
	c := newExampleCLI(t, e, "rotation")
	files := t.TempDir()
	c.must("get", "-no-color")
	kubeconfig := func(name string) string {
		t.Helper()
		p := filepath.Join(files, name)
		if err := os.WriteFile(p, []byte(c.must("output", "-raw", "kubeconfig")), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	c.must("apply", "-auto-approve", "-input=false", "-no-color", "-var", "incident=initial")
	first := kubeconfig("first.yaml")
	check(k.works(first, mockcloud.AliceUserID))

	c.must("apply", "-auto-approve", "-input=false", "-no-color", "-var", "incident=INC-2041")
	second := kubeconfig("second.yaml")
	check(k.refused(first))
	check(k.works(second, mockcloud.AliceUserID))

	e.wantRevocations(
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.AliceUserID, RevokedBy: mockcloud.AliceUserID},
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.AliceUserID, RevokedBy: mockcloud.AliceUserID},
	)
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode", "-var", "incident=INC-2041"); code != 0 {
		t.Errorf("a plan with the same incident is not empty (exit %d):\n%s", code, out)
	}
}
