package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// mock is one running standalone mock cloud (cce-mockcloud).
type mock struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	exitErr error
	logPath string
	logFile *os.File
	env     []string // HW_* variables from env.sh
}

// startMock starts the mock with its state in dir. With latency > 0 every
// request is delayed by that much (the mock's -latency flag).
func (b *bench) startMock(dir string, latency time.Duration) (*mock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	m := &mock{logPath: filepath.Join(dir, "mock.log"), done: make(chan struct{})}
	var err error
	if m.logFile, err = os.Create(m.logPath); err != nil {
		return nil, err
	}
	state := filepath.Join(dir, "state")
	args := []string{"-dir", state, "-extra-clusters", fmt.Sprint(extraClusters)}
	if latency > 0 {
		args = append(args, "-latency", latency.String())
	}
	m.cmd = exec.Command(b.mockBin, args...)
	m.cmd.Stdout, m.cmd.Stderr = io.Discard, m.logFile
	if err := m.cmd.Start(); err != nil {
		_ = m.logFile.Close()
		return nil, err
	}
	go func() {
		m.exitErr = m.cmd.Wait()
		close(m.done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(state, "ready")); err == nil {
			break
		}
		select {
		case <-m.done:
			_ = m.logFile.Close()
			log, _ := os.ReadFile(m.logPath)
			return nil, fmt.Errorf("the mock exited before it was ready (%v): %s", m.exitErr, log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.stop()
			return nil, errors.New("the mock did not write its ready file within 30s")
		}
	}
	env, err := readEnvSh(filepath.Join(state, "env.sh"))
	if err != nil {
		m.stop()
		return nil, err
	}
	for k, v := range env {
		m.env = append(m.env, k+"="+v)
	}
	return m, nil
}

// readEnvSh parses the export lines of the mock's env.sh.
func readEnvSh(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "="); ok {
			env[k] = v
		}
	}
	if env["HW_CCE_ENDPOINT"] == "" || env["HW_CACERT_FILE"] == "" {
		return nil, fmt.Errorf("%s lacks HW_CCE_ENDPOINT or HW_CACERT_FILE", path)
	}
	return env, nil
}

// logOffset is the current size of the mock's log, to split it by command.
func (m *mock) logOffset() int64 {
	st, err := os.Stat(m.logPath)
	if err != nil {
		return 0
	}
	return st.Size()
}

// routesBetween counts the log's requests per route between two offsets
// (to = -1: the end).
func (m *mock) routesBetween(from, to int64) (map[string]int, error) {
	b, err := os.ReadFile(m.logPath)
	if err != nil {
		return nil, err
	}
	if to < 0 || to > int64(len(b)) {
		to = int64(len(b))
	}
	if from > to {
		from = to
	}
	return countRoutes(string(b[from:to])), nil
}

// stop ends the mock with SIGTERM (SIGKILL after 5 s).
func (m *mock) stop() {
	if m.cmd.Process != nil {
		_ = m.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-m.done:
		case <-time.After(5 * time.Second):
			_ = m.cmd.Process.Kill()
			<-m.done
		}
	}
	_ = m.logFile.Close()
}

// routePatterns are the mock's route labels (internal/mockcloud/routes.go);
// the label is also the pattern, {x} matching one path segment.
var routePatterns = []string{
	"GET /api/v3/projects/{project_id}/clusters",
	"GET /api/v3/projects/{project_id}/clusters/{cluster_id}",
	"GET /api/v3/projects/{project_id}/clusters/{cluster_id}/upgradeinfo",
	"POST /api/v3/projects/{project_id}/clusters/{cluster_id}/clustercert",
	"POST /api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke",
	"POST /v3/auth/tokens",
	"GET /v3/auth/tokens",
	"GET /v3.0/OS-CREDENTIAL/credentials/{access_key}",
	"GET /v3/auth/domains",
	"GET /v3/projects",
	"GET /v3/users",
	"GET /v3/users/{user_id}",
	"GET /v3/users/{user_id}/groups",
	"GET /v3/groups",
	"GET /v3.0/OS-AGENCY/agencies",
	"GET /v3.0/OS-AGENCY/agencies/{agency_id}",
	"GET /v3/{project_id}/traces",
}

// Route labels the targets are about.
const (
	routeRevoke     = "POST /api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke"
	routeGetCluster = "GET /api/v3/projects/{project_id}/clusters/{cluster_id}"
)

// isIAMRoute reports whether a route label is an IAM call.
func isIAMRoute(label string) bool {
	_, p, _ := strings.Cut(label, " ")
	return (strings.HasPrefix(p, "/v3/") || strings.HasPrefix(p, "/v3.0/")) && !strings.HasSuffix(p, "/traces")
}

// routeOf maps a method and path to its route label; unknown paths are kept
// as they are.
func routeOf(method, path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, pat := range routePatterns {
		m, p, _ := strings.Cut(pat, " ")
		if m != method {
			continue
		}
		ps := strings.Split(strings.Trim(p, "/"), "/")
		if len(ps) != len(segs) {
			continue
		}
		ok := true
		for i, s := range ps {
			if !strings.HasPrefix(s, "{") && s != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return pat
		}
	}
	return method + " " + path
}

// countRoutes counts the mock's log lines ("time method path status caller
// [fault=kind]") per route label.
func countRoutes(log string) map[string]int {
	out := map[string]int{}
	for line := range strings.SplitSeq(log, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		out[routeOf(f[1], f[2])]++
	}
	return out
}
