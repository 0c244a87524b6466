package mockcloud

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/kube"
)

// kubectlRunner runs the real kubectl with an isolated HOME (so no user
// kubeconfig or discovery cache is read) and no KUBECONFIG.
type kubectlRunner struct {
	bin, home string
}

// newKubectl finds kubectl on PATH or skips the test.
func newKubectl(t *testing.T) kubectlRunner {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH; the kube API servers are covered by the Go-client tests only")
	}
	return kubectlRunner{bin: bin, home: t.TempDir()}
}

// run executes kubectl --kubeconfig path args... and returns its combined output.
func (k kubectlRunner) run(t *testing.T, path string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.bin, append([]string{"--kubeconfig", path}, args...)...)
	env := []string{"HOME=" + k.home, "XDG_CONFIG_HOME=" + filepath.Join(k.home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(k.home, ".cache")}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "HOME", "KUBECONFIG", "XDG_CONFIG_HOME", "XDG_CACHE_HOME":
		default:
			env = append(env, kv)
		}
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	t.Logf("kubectl %s:\n%s", strings.Join(args, " "), out)
	return string(out), err
}

// writeKubeconfig stores a clustercert response as dir/name.json.
func writeKubeconfig(t *testing.T, raw []byte, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name+".json")
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// whoamiUser runs kubectl auth whoami -o json and returns the username.
func (k kubectlRunner) whoamiUser(t *testing.T, path string) (string, string, error) {
	t.Helper()
	out, err := k.run(t, path, "auth", "whoami", "-o", "json")
	if err != nil {
		return "", out, err
	}
	var review kube.SelfSubjectReview
	if jerr := json.Unmarshal([]byte(out), &review); jerr != nil {
		t.Fatalf("whoami output %q: %v", out, jerr)
	}
	return review.Status.UserInfo.Username, out, nil
}

// TestKubectl drives the kube API servers with the real kubectl: issue,
// revoke, re-issue, and a colleague's credential surviving the revocation.
func TestKubectl(t *testing.T) {
	t.Parallel()
	k := newKubectl(t)
	c := NewForTest(t)
	issue := func(cr cred, name string) string {
		t.Helper()
		r := call(t, c, cr, "POST", cceClusters+"/"+ProdClusterID+"/clustercert", map[string]int{"duration": 30})
		expectStatus(t, r, http.StatusOK)
		return writeKubeconfig(t, r.body, name)
	}
	alice := issue(aliceCred, "alice")

	out, err := k.run(t, alice, "--context", "internal", "get", "--raw", "/version")
	if err != nil || !strings.Contains(out, `"gitVersion":"v1.28.3-r0"`) {
		t.Fatalf("get --raw /version: %v\n%s", err, out)
	}
	out, err = k.run(t, alice, "version", "-o", "json")
	if err != nil || !strings.Contains(out, `"serverVersion"`) || !strings.Contains(out, `"gitVersion": "v1.28.3-r0"`) {
		t.Fatalf("version: %v\n%s", err, out)
	}
	user, out, err := k.whoamiUser(t, alice)
	if err != nil || user != AliceUserID || !strings.Contains(out, DevelopersGroupID) || !strings.Contains(out, "system:authenticated") {
		t.Fatalf("whoami: %v\n%s", err, out)
	}
	out, err = k.run(t, alice, "get", "pods")
	if err != nil || !strings.Contains(out, "No resources found in default namespace") {
		t.Fatalf("get pods: %v\n%s", err, out)
	}

	// Bob's credential is issued before alice's revocation and must survive it.
	bob := issue(bobCred, "bob")
	expectStatus(t, call(t, c, adminCred, "POST", cceClusters+"/"+ProdClusterID+"/clustercertrevoke",
		map[string]string{"userId": AliceUserID}), http.StatusOK)

	_, out, err = k.whoamiUser(t, alice)
	if err == nil || !strings.Contains(out, "Unauthorized") {
		t.Fatalf("whoami after revocation: err %v\n%s", err, out)
	}
	if out, err = k.run(t, alice, "get", "pods"); err == nil || !strings.Contains(out, "Unauthorized") {
		t.Fatalf("get pods after revocation: err %v\n%s", err, out)
	}
	if user, out, err = k.whoamiUser(t, bob); err != nil || user != BobUserID {
		t.Fatalf("bob after alice's revocation: %v\n%s", err, out)
	}
	aliceAgain := issue(aliceCred, "alice-again")
	if user, out, err = k.whoamiUser(t, aliceAgain); err != nil || user != AliceUserID {
		t.Fatalf("alice re-issued: %v\n%s", err, out)
	}

	// The kubectl on PATH may be a dispatcher that picks the client matching
	// the server's minor version: a v1.32 cluster exercises kubectl 1.32.
	c.PutCluster(Cluster{ID: "c132", Name: "current", Phase: PhaseAvailable, Version: "v1.32", PlatformVersion: "cce.2.0"})
	r := call(t, c, aliceCred, "POST", cceClusters+"/c132/clustercert", map[string]int{"duration": 1})
	expectStatus(t, r, http.StatusOK)
	current := writeKubeconfig(t, r.body, "current")
	out, err = k.run(t, current, "version", "-o", "json")
	if err != nil || !strings.Contains(out, `"gitVersion": "v1.32.2-r0"`) {
		t.Fatalf("version on v1.32: %v\n%s", err, out)
	}
	if user, out, err = k.whoamiUser(t, current); err != nil || user != AliceUserID {
		t.Fatalf("whoami on v1.32: %v\n%s", err, out)
	}
	if out, err = k.run(t, current, "get", "pods", "-A"); err != nil || !strings.Contains(out, "No resources found") {
		t.Fatalf("get pods -A on v1.32: %v\n%s", err, out)
	}

	var unauthorized, whoamis int
	for _, q := range c.Requests() {
		if q.Route == RouteKubeSelfSubjectReview {
			whoamis++
			if q.Status == http.StatusUnauthorized && q.Caller == AliceUserID {
				unauthorized++
			}
		}
	}
	if unauthorized == 0 || whoamis < 4 || c.Count(RouteKubeVersion) == 0 {
		t.Errorf("kube request log: %d whoami, %d unauthorized, %d version", whoamis, unauthorized, c.Count(RouteKubeVersion))
	}
}
