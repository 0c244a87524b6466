package provider

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// exitWithin is how soon after the first Ctrl-C Terraform must have exited.
const exitWithin = 30 * time.Second

// interruptApply starts `apply`, waits until ready says the interrupt would
// land mid-apply, sends SIGINT and returns the output and how long the CLI
// took to exit after it. It kills the CLI (and fails) if it runs past 90 s.
func interruptApply(t *testing.T, c *cli, ready func(out string) bool) (string, time.Time, time.Duration) {
	t.Helper()
	cmd := exec.Command(c.bin, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
	cmd.Dir, cmd.Env = c.dir, c.env
	var out testkit.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for !ready(out.String()) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Logf("killed: %v", <-done)
			t.Fatalf("the apply never reached the point to interrupt:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("the interrupted apply exited 0:\n%s", out.String())
		}
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		t.Logf("killed: %v", <-done)
		t.Fatalf("the CLI was still running 90 s after the interrupt:\n%s", out.String())
	}
	return out.String(), sent, time.Since(sent)
}

// revocationsSince counts revocation requests that reached the mock after t.
func revocationsSince(c *mockcloud.Cloud, t time.Time) int {
	n := 0
	for _, r := range c.Requests() {
		if r.Route == mockcloud.RouteRevoke && r.Time.After(t) {
			n++
		}
	}
	return n
}

// CCE answers half the revocations 503 with Retry-After: 30, so the other
// half are retried every 30 s. Ctrl-C: no retry starts, Terraform exits
// within 30 s, and the state holds exactly the revocations CCE made.
func TestAccReliability_interruptWhileRetrying503(t *testing.T) {
	const n = 20
	e := newAccEnv(t)
	e.set("HW_MAX_RETRIES", "") // the provider's default, 5
	clusters := addClusters(e)
	c := reliabilityCLI(t, e, clusters, n)
	e.cloud.SetFaults(7, mockcloud.Fault{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultStatus503, Probability: 0.5, RetryAfter: "30"})

	out, sent, took := interruptApply(t, c, func(string) bool {
		return len(e.cloud.Revocations()) > 0 && e.cloud.Count(mockcloud.RouteRevoke) >= n // every one tried once
	})
	t.Logf("exited %s after the interrupt; %d revocations made", took.Round(time.Millisecond), len(mockRevocations(e.cloud)))
	if took > exitWithin {
		t.Errorf("the CLI exited %s after the interrupt, want within %s:\n%s", took.Round(time.Second), exitWithin, out)
	}
	if late := revocationsSince(e.cloud, sent.Add(2*time.Second)); late != 0 {
		t.Errorf("%d revocation requests were sent more than 2 s after the interrupt", late)
	}
	assertConverged(t, e, c, len(mockRevocations(e.cloud)))
	if inState := len(stateRevocations(t, c)); inState == 0 || inState == n {
		t.Errorf("%d of %d revocations in state: the interrupt did not land mid-apply:\n%s", inState, n, out)
	}
}

// CCE hangs on every revocation (and never makes it). Ctrl-C: the provider
// stops waiting for the answers soon after, says their outcome is unknown,
// and Terraform exits within 30 s, with nothing in state (nothing was made).
func TestAccReliability_interruptWhileHanging(t *testing.T) {
	const n = 5
	e := newAccEnv(t)
	clusters := addClusters(e)
	c := reliabilityCLI(t, e, clusters, n)
	e.cloud.SetFaults(7,
		mockcloud.Fault{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultLatency, Probability: 1, Latency: 10 * time.Minute},
		mockcloud.Fault{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultStatus503, Probability: 1})

	var creating time.Time
	out, _, took := interruptApply(t, c, func(out string) bool {
		if creating.IsZero() && strings.Count(out, "Creating...") >= n {
			creating = time.Now()
		}
		// The requests leave right after "Creating..."; give them time to.
		return !creating.IsZero() && time.Since(creating) > 2*time.Second
	})
	t.Logf("exited %s after the interrupt", took.Round(time.Millisecond))
	if took > exitWithin {
		t.Errorf("the CLI exited %s after the interrupt, want within %s:\n%s", took.Round(time.Second), exitWithin, out)
	}
	if !strings.Contains(out, "Revocation outcome unknown") {
		t.Errorf("the apply does not say the hanging revocations' outcome is unknown:\n%s", out)
	}
	if got := e.cloud.Count(mockcloud.RouteRevoke); got != n {
		t.Errorf("the mock saw %d revocation requests, want %d: one each, no retry", got, n)
	}
	assertConverged(t, e, c, 0)
}
