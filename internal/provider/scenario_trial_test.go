package provider

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/testkit"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The fleet trial, as a new user runs it (internal/mockcloud/README.md, "A
// trial"): the standalone cce-mockcloud serves examples/mockcloud/trial.yaml,
// the offboarding example runs with the CLI under test, and the world changes
// through the control API only. No Go reaches into the mock.

// mockcloudBuild builds cce-mockcloud once per test binary, beside the provider.
var mockcloudBuild = sync.OnceValues(func() (string, error) {
	provider, err := providerBuild()
	if err != nil {
		return "", err
	}
	return goBuild(filepath.Join(filepath.Dir(provider), "cce-mockcloud"), "../mockcloud/cmd/cce-mockcloud")
})

// mockcloudBinary returns cce-mockcloud built for the tests.
func mockcloudBinary(t *testing.T) string {
	t.Helper()
	return built(t, mockcloudBuild)
}

// standaloneMock is a running cce-mockcloud process.
type standaloneMock struct {
	env    map[string]string // env.sh
	log    *testkit.Buffer   // stderr: one line per request
	client *http.Client
}

// startStandaloneMock starts cce-mockcloud with a scenario and reads its
// env.sh; SIGTERM stops it when the test ends.
func startStandaloneMock(t *testing.T, scenario string) *standaloneMock {
	t.Helper()
	dir := t.TempDir()
	m := &standaloneMock{env: map[string]string{}, log: &testkit.Buffer{}}
	cmd := exec.Command(mockcloudBinary(t), "-scenario", scenario, "-dir", dir)
	cmd.Stdout, cmd.Stderr = io.Discard, m.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-done:
			if err != nil {
				t.Logf("cce-mockcloud exited: %v", err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cce-mockcloud did not start:\n%s", m.requestLog())
		}
	}
	envFile, err := os.ReadFile(filepath.Join(dir, "env.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for sc := bufio.NewScanner(bytes.NewReader(envFile)); sc.Scan(); {
		if k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "="); ok {
			m.env[k] = v
		}
	}
	recordStandaloneSecrets(t, m.env["HW_SECRET_KEY"], m.env["CCE_MOCKCLOUD_CONTROL_TOKEN"])
	caPEM, err := os.ReadFile(m.env["HW_CACERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	m.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	return m
}

// recordStandaloneSecrets adds a standalone mock's secrets to the secret scan.
func recordStandaloneSecrets(t *testing.T, secrets ...string) {
	dir := os.Getenv(envSecretsScanDir)
	if dir == "" {
		return
	}
	file := filepath.Join(dir, "secrets", unsafeName.ReplaceAllString(t.Name(), "_")+"-standalone.txt")
	_ = os.MkdirAll(filepath.Dir(file), 0o700)
	_ = os.WriteFile(file, []byte(strings.Join(secrets, "\x00")), 0o600)
}

// control calls the control API as curl would, fails the test unless it
// answers 200, and returns the answer.
func (m *standaloneMock) control(t *testing.T, method, path, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(method, m.env["CCE_MOCKCLOUD_CONTROL_URL"]+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+m.env["CCE_MOCKCLOUD_CONTROL_TOKEN"])
	resp, err := m.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, answer)
	}
	return answer
}

// requestLog returns the mock's request log so far.
func (m *standaloneMock) requestLog() string { return m.log.String() }

// revocationsSeen counts the accepted clustercertrevoke calls in the log.
func (m *standaloneMock) revocationsSeen() int {
	n := 0
	for line := range strings.Lines(m.requestLog()) {
		if strings.Contains(line, " POST ") && strings.Contains(line, "/clustercertrevoke 200 ") {
			n++
		}
	}
	return n
}

// 20 contractors leave and are offboarded from 3 clusters. Then a user is
// deleted (revoked everywhere by the next apply), a cluster hibernates (a
// warning; nothing destroyed, thanks to keep), and the caller loses its
// admin rights (the plan stops with a clear error and sends nothing).
func TestAccExamples_offboardingTrial(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (make testacc does)", resource.EnvTfAcc)
	}
	t.Parallel()
	m := startStandaloneMock(t, filepath.Join("..", "..", "examples", "mockcloud", "trial.yaml"))
	// No in-process cloud: the CLI gets the standalone mock's env.sh.
	c := newExampleCLI(t, &accEnv{t: t, env: m.env}, "offboarding")
	var leavers []string
	for i := range 20 {
		leavers = append(leavers, fmt.Sprintf("contractor-%02d", i+1))
	}
	c.writeVars("leavers", map[string]any{"leaver_names": leavers})
	c.must("get", "-no-color")

	// 3 clusters x (20 leavers + erin.former + the old-vendor agency); ancient.user is beyond CTS' week.
	c.must("apply", "-auto-approve", "-input=false", "-no-color")
	var revoked map[string]string
	c.output("revoked", &revoked)
	if len(revoked) != 66 || m.revocationsSeen() != 66 {
		t.Fatalf("revoked output has %d entries and the mock accepted %d revocations, want 66 and 66", len(revoked), m.revocationsSeen())
	}
	c.saveKeep()

	// IAM deletes mallory.intern: the next plan revokes her on every cluster.
	var mallory struct{ ID string }
	if err := json.Unmarshal(m.control(t, "DELETE", "/users/mallory.intern", ""), &mallory); err != nil || mallory.ID == "" {
		t.Fatalf("the deletion's answer: %+v %v", mallory, err)
	}
	changes := c.plannedChanges()
	if len(changes) != 3 {
		t.Fatalf("after a deletion the plan changes %v, want 3 updates (one batch per cluster)", changes)
	}
	for _, ch := range changes {
		if !strings.HasPrefix(ch, "module.offboarding.cce_credential_revocations.this[") || !strings.HasSuffix(ch, ": update") {
			t.Errorf("after a deletion the plan has %s", ch)
		}
		if after, _ := plannedValues(t, c, strings.TrimSuffix(ch, ": update"), "check.tfplan"); asMap(after["others"])[mallory.ID] != "user" {
			t.Errorf("%s does not add %s: %v", ch, mallory.ID, after["others"])
		}
	}
	c.must("apply", "-auto-approve", "-input=false", "-no-color")
	c.saveKeep()
	if n := m.revocationsSeen(); n != 69 {
		t.Errorf("the mock accepted %d revocations in all, want 69", n)
	}

	// analytics hibernates: a warning, and nothing is planned or destroyed.
	m.control(t, "PATCH", "/clusters/analytics", `{"phase": "Hibernation"}`)
	if changes := c.plannedChanges(); len(changes) > 0 {
		t.Errorf("with a hibernated cluster the plan changes %v", changes)
	}
	if out := c.must("plan", "-input=false", "-no-color"); !re(`Skipped, nothing new is revoked there: analytics \(.*Cluster "analytics" is hibernated`).MatchString(out) {
		t.Errorf("the plan does not warn about the hibernated cluster:\n%s", out)
	}

	// The caller drops out of group admin: the plan stops and says why.
	m.control(t, "DELETE", "/groups/admin/users/platform-admin", "")
	out, code := c.run("apply", "-auto-approve", "-input=false", "-no-color")
	if code == 0 || !re(`Error: Cannot list IAM users.*The caller is not allowed to read this.*HTTP 403`).MatchString(out) {
		t.Errorf("without admin rights, apply exited %d:\n%s", code, out)
	}
	if n := m.revocationsSeen(); n != 69 {
		t.Errorf("without admin rights the mock accepted %d revocations in all, want still 69", n)
	}

	// Rights back and the cluster awake: nothing is left to do.
	m.control(t, "PUT", "/groups/admin/users/platform-admin", "")
	m.control(t, "PATCH", "/clusters/analytics", "phase: Available\n")
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Errorf("back to normal, the plan is not empty (exit %d):\n%s", code, out)
	}
	if !strings.Contains(m.requestLog(), " control PATCH /mockcloud/v1/clusters/analytics 200\n") {
		t.Errorf("control requests are not marked in the mock's log:\n%s", m.requestLog())
	}
}
