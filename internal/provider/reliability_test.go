package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// These tests drive the real CLI and provider binary through faults, as an
// offboarding pipeline meets them: nothing may be lost, nothing may be reported
// done that was not, and a second apply finishes what the first could not.

// reliabilityCLI prepares a copy of testdata/reliability with n other-ID
// revocations spread over the clusters.
func reliabilityCLI(t *testing.T, e *accEnv, clusters []string, n int) *cli {
	t.Helper()
	c := newCLI(t, e, filepath.Join("testdata", "reliability"), "reliability")
	revocationTargetsFrom(t, c, clusters, 0, n)
	return c
}

// revocationTargetsFrom writes n other-ID revocations spread over the
// clusters as tfvars for testdata/reliability/main.tf, with the IDs numbered
// from first, so that several workspaces revoke different IDs.
func revocationTargetsFrom(t *testing.T, c *cli, clusters []string, first, n int) {
	t.Helper()
	targets := map[string]map[string]string{}
	for i := first; i < first+n; i++ {
		id := fmt.Sprintf("10ad%028x", i)
		cl := clusters[i%len(clusters)]
		targets[cl+"/"+id] = map[string]string{"cluster_id": cl, "other_id": id}
	}
	b, err := json.Marshal(map[string]any{"targets": targets})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "targets.auto.tfvars.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// addClusters adds seven clusters to the three seeded ones that accept
// revocations, for ten in all.
func addClusters(e *accEnv) []string {
	ids := []string{mockcloud.ProdClusterID, mockcloud.StagingClusterID, mockcloud.LegacyClusterID}
	e.cloud.AddExtraClusters(7)
	for i := range 7 {
		ids = append(ids, mockcloud.ExtraClusterID(i))
	}
	return ids
}

// stateRevocations reads "<cluster>/<other ID>" of every revocation in state.
func stateRevocations(t *testing.T, c *cli) []string {
	t.Helper()
	var out []string
	for _, r := range shownResources(t, c) {
		if r.Type == "cce_credential_revocation" {
			out = append(out, fmt.Sprint(r.Values["cluster_id"], "/", r.Values["other_id"]))
		}
	}
	slices.Sort(out)
	return out
}

// mockRevocations is the set of "<cluster>/<user ID>" the mock recorded
// (a retried revocation counts once).
func mockRevocations(c *mockcloud.Cloud) []string {
	var out []string
	for _, r := range c.Revocations() {
		out = append(out, r.ClusterID+"/"+r.UserID)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// assertConverged checks that state and the mock agree exactly and hold want.
func assertConverged(t *testing.T, e *accEnv, c *cli, want int) {
	t.Helper()
	inState, inMock := stateRevocations(t, c), mockRevocations(e.cloud)
	if len(inState) != want {
		t.Errorf("state holds %d revocations, want %d", len(inState), want)
	}
	if !slices.Equal(inState, inMock) {
		missing, extra := diff(inState, inMock), diff(inMock, inState)
		t.Errorf("state and the mock disagree: %d in state only (reported but not done) %v, %d in the mock only (done but lost) %v",
			len(missing), first(missing), len(extra), first(extra))
	}
}

func diff(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

func first(s []string) []string { return s[:min(len(s), 3)] }

// maxApplies is how many applies the faults test allows. At its fault rate
// one of the 200 revocations exhausts its six tries in most first applies
// (about 1 % each) and in a few percent of second ones: with two, CI would
// fail by bad luck every few runs.
const maxApplies = 3

// 200 revocations over 10 clusters at -parallelism=50 while 30 % of the
// revocation and cluster calls fail in every way the gateway fails. Every
// apply either succeeds or fails with clear, transient errors; applying again
// finishes the rest; in the end state and the mock agree exactly.
func TestAccReliability_faultsConverge(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_MAX_RETRIES", "") // the provider's default, 5
	clusters := addClusters(e)
	c := reliabilityCLI(t, e, clusters, 200)
	faults := []mockcloud.Fault{
		{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultStatus500, Probability: 0.08},
		{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultStatus503, Probability: 0.05},
		{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultThrottle, Probability: 0.05},
		{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultThrottle, Probability: 0.03, RetryAfter: "1"},
		{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultReset, Probability: 0.05},
		{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultCommitDrop, Probability: 0.06},
		{Route: mockcloud.RouteGetCluster, Kind: mockcloud.FaultStatus502, Probability: 0.3},
	}
	e.cloud.SetFaults(42, faults...)

	var applies int
	for applies = 1; applies <= maxApplies; applies++ {
		out, code := c.run("apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=50")
		if code == 0 {
			break
		}
		// A failed apply may only blame transient faults, never a revocation
		// that had already succeeded.
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "Error: ") && !transientError(line) {
				t.Fatalf("apply %d failed for a non-transient reason: %s\n%s", applies, line, out)
			}
		}
		if strings.Contains(out, "Revocation refused") {
			t.Errorf("a transient fault was reported as CCE refusing a revocation:\n%s", out)
		}
		t.Logf("apply %d failed on transient faults (as it may); applying again", applies)
	}
	if applies > maxApplies {
		t.Fatalf("%d applies did not converge", maxApplies)
	}
	injected := map[string]int{}
	for _, r := range e.cloud.Requests() {
		if r.Fault != "" {
			injected[r.Fault]++
		}
	}
	t.Logf("converged after %d apply(s); faults injected: %v", applies, injected)
	if injected[string(mockcloud.FaultCommitDrop)] == 0 || injected[string(mockcloud.FaultReset)] == 0 {
		t.Errorf("the run did not meet every fault kind: %v", injected)
	}
	e.cloud.ClearFaults()
	assertConverged(t, e, c, 200)
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Errorf("a plan after convergence is not empty (exit %d):\n%s", code, out)
	}
}

// transientError tells an error summary line caused by an injected fault.
func transientError(summary string) bool {
	for _, s := range []string{"Revocation outcome unknown", "Revocation not sent", "Cannot read the cluster", "Cannot tell who", "Cannot look up"} {
		if strings.Contains(summary, s) {
			return true
		}
	}
	return false
}

// The CLI interrupted (SIGINT) in the middle of 100 revocations that take a
// second each: the revocations in flight finish and are saved, none is started
// after the interrupt, and the next apply sends exactly the rest: state and the
// mock agree after each apply, and the mock sees 100 revocation requests in all.
func TestAccReliability_interruptedApply(t *testing.T) {
	const n = 100
	e := newAccEnv(t)
	clusters := addClusters(e)
	c := reliabilityCLI(t, e, clusters, n)
	e.cloud.SetFaults(1, mockcloud.Fault{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultLatency, Probability: 1,
		Latency: time.Second})

	cmd := exec.Command(c.bin, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = c.dir, c.env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(e.cloud.Revocations()) < 30 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	inState, inMock := stateRevocations(t, c), mockRevocations(e.cloud)
	t.Logf("interrupted apply: exit %v, %d revocations in state, %d in the mock", err, len(inState), len(inMock))
	if err == nil || len(inState) == 0 || len(inState) >= n {
		t.Fatalf("the interrupt did not land mid-apply (exit %v, %d in state):\n%s", err, len(inState), out.String())
	}
	assertConverged(t, e, c, len(inMock))
	errorLines := map[string]int{}
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "Error: ") {
			errorLines[line]++
		}
	}
	t.Logf("its errors: %v", errorLines)
	for _, claim := range []string{"may or may not", "retries", "lost"} {
		if strings.Contains(out.String(), claim) {
			t.Errorf("the interrupted apply claims %q:\n%s", claim, out.String())
		}
	}

	e.cloud.ClearFaults()
	before := e.cloud.Count(mockcloud.RouteRevoke)
	c.must("apply", "-auto-approve", "-input=false", "-no-color")
	if sent := e.cloud.Count(mockcloud.RouteRevoke) - before; sent != n-len(inState) {
		t.Errorf("the second apply sent %d revocations, want the %d left", sent, n-len(inState))
	}
	if total := e.cloud.Count(mockcloud.RouteRevoke); total != n {
		t.Errorf("the mock saw %d revocation requests in all, want %d", total, n)
	}
	assertConverged(t, e, c, n)
}

// An expired IAM token (the gateway answers 401) costs one sign-in, not a
// failed revocation.
func TestAccReliability_expiredTokenRenewed(t *testing.T) {
	e := newAccEnv(t)
	e.signInWith("HW_USER_NAME", mockcloud.AdminUserName, "HW_PASSWORD", mockcloud.AdminPassword, "HW_DOMAIN_NAME", mockcloud.DomainName)
	e.cloud.SetFaults(7, mockcloud.Fault{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultExpireTokens, Probability: 1, Times: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "revocation.tf"), ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID),
		}},
	})
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.BobUserID, RevokedBy: mockcloud.AdminUserID})
	var expired int
	for _, r := range e.cloud.Requests() {
		if r.Fault == string(mockcloud.FaultExpireTokens) {
			expired++
		}
	}
	if expired != 1 {
		t.Errorf("the token was expired %d times, want 1", expired)
	}
}

// AK/SK signatures more than 15 minutes off the cloud's clock are refused with
// the gateway's code and a hint, and never retried.
func TestAccReliability_clockSkew(t *testing.T) {
	e := newAccEnv(t, mockcloud.WithClockSkew(20*time.Minute))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "caller_identity.tf"),
			ExpectError: re(`Clock out of step with the cloud.*This machine's clock is 20m0s off the cloud's.*` +
				`Set the clock right.*HTTP 401, code APIGW.0301: .*15 minutes`),
		}},
	})
	seen := map[string]int{}
	for _, r := range e.cloud.Requests() {
		if seen[r.Route]++; seen[r.Route] > 1 {
			t.Errorf("%s was tried %d times (a 401 is not retried)", r.Route, seen[r.Route])
		}
	}
}
