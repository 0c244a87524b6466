package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// mock is one running standalone mock cloud (cce-mockcloud).
//
// Its request log (stderr: one line per request, written when the answer is
// ready and before it is sent) comes through a pipe: a reader copies each
// line to mock.log and keeps it with the time it arrived, which is when the
// mock answered to within a scheduler wake-up (the log's own timestamps have
// whole seconds). Commands are told apart by a marker: after a command, a
// control API request, which the log marks `control` and which answers at
// once whatever -latency says; every request of the command was logged
// before it, because the CLI had its answers before it exited.
type mock struct {
	cmd      *exec.Cmd
	done     chan struct{} // closed when the process has exited
	readDone chan struct{} // closed when the log reader has seen the end of the pipe
	exitErr  error
	logPath  string
	logFile  *os.File
	env      []string // HW_* variables from env.sh
	vars     map[string]string
	client   *http.Client

	mu      sync.Mutex
	changed *sync.Cond
	lines   []logLine
}

// logLine is one line of the mock's log and when the harness read it.
type logLine struct {
	At   time.Time
	Text string
}

// startMock starts the mock with its state in dir. With latency > 0 every
// request is delayed by that much (the mock's -latency flag). extra are more
// flags of the mock.
func (b *bench) startMock(dir string, latency time.Duration, extra ...string) (*mock, error) {
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
	args = append(args, extra...) // a later flag wins
	m.changed = sync.NewCond(&m.mu)
	m.readDone = make(chan struct{})
	pr, pw, err := os.Pipe()
	if err != nil {
		_ = m.logFile.Close()
		return nil, err
	}
	m.cmd = exec.Command(b.mockBin, args...)
	m.cmd.Stdout, m.cmd.Stderr = io.Discard, pw
	err = m.cmd.Start()
	_ = pw.Close() // the child has its own copy; the reader sees EOF when the child exits
	if err != nil {
		_ = pr.Close()
		_ = m.logFile.Close()
		return nil, err
	}
	go m.readLog(pr)
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
			<-m.readDone
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
	m.vars = env
	if m.client, err = mockClient(env["HW_CACERT_FILE"]); err != nil {
		m.stop()
		return nil, err
	}
	return m, nil
}

// mockClient is an HTTPS client that trusts the mock's CA.
func mockClient(caFile string) (*http.Client, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	return &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}, nil
}

// readLog copies the mock's log from the pipe to mock.log, keeping every
// line with the time it was read.
func (m *mock) readLog(r *os.File) {
	defer close(m.readDone)
	defer func() { _ = r.Close() }()
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			at := time.Now()
			_, _ = m.logFile.WriteString(line)
			m.mu.Lock()
			m.lines = append(m.lines, logLine{At: at, Text: strings.TrimSuffix(line, "\n")})
			m.changed.Broadcast()
			m.mu.Unlock()
		}
		if err != nil {
			m.mu.Lock()
			m.changed.Broadcast()
			m.mu.Unlock()
			return
		}
	}
}

// isControl reports whether a log line is the control API's.
func isControl(line string) bool {
	f := strings.Fields(line)
	return len(f) > 1 && f[1] == "control"
}

// mark sends a control API request and waits until its line is in the log;
// it returns the number of lines before the marker, so that every request
// answered before mark was called is in lines[:mark()].
func (m *mock) mark() (int, error) {
	m.mu.Lock()
	from := len(m.lines)
	m.mu.Unlock()
	req, err := http.NewRequest(http.MethodGet, m.vars["CCE_MOCKCLOUD_CONTROL_URL"]+"/faults", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+m.vars["CCE_MOCKCLOUD_CONTROL_TOKEN"])
	resp, err := m.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("marker request to the mock: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("marker request to the mock: %s", resp.Status)
	}
	// The line was written before the answer was sent; the reader may not
	// have read it yet.
	timeout := time.AfterFunc(10*time.Second, func() {
		m.mu.Lock()
		m.changed.Broadcast()
		m.mu.Unlock()
	})
	defer timeout.Stop()
	deadline := time.Now().Add(10 * time.Second)
	m.mu.Lock()
	defer m.mu.Unlock()
	for {
		for i := from; i < len(m.lines); i++ {
			if isControl(m.lines[i].Text) {
				return i, nil
			}
		}
		select {
		case <-m.readDone:
			return 0, errors.New("the mock's log ended before the marker")
		default:
		}
		if time.Now().After(deadline) {
			return 0, errors.New("the marker did not reach the mock's log within 10s")
		}
		m.changed.Wait()
	}
}

// linesBetween returns the log lines from index from to index to (-1: the
// end), without control API lines.
func (m *mock) linesBetween(from, to int) []logLine {
	m.mu.Lock()
	defer m.mu.Unlock()
	if to < 0 || to > len(m.lines) {
		to = len(m.lines)
	}
	from = min(from, to)
	var out []logLine
	for _, l := range m.lines[from:to] {
		if !isControl(l.Text) {
			out = append(out, l)
		}
	}
	return out
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

// routesBetween counts the log's requests per route between two line
// indices (to = -1: the end).
func (m *mock) routesBetween(from, to int) map[string]int {
	out := map[string]int{}
	for _, l := range m.linesBetween(from, to) {
		if r, ok := routeOfLine(l.Text); ok {
			out[r]++
		}
	}
	return out
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
	<-m.readDone
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

// routeOfLine returns the route label of one of the mock's request log lines
// ("time method path status caller [fault=kind]"); control API lines and
// anything else are not requests.
func routeOfLine(line string) (string, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || isControl(line) {
		return "", false
	}
	return routeOf(f[1], f[2]), true
}

// countRoutes counts the mock's log lines per route label.
func countRoutes(log string) map[string]int {
	out := map[string]int{}
	for line := range strings.SplitSeq(log, "\n") {
		if r, ok := routeOfLine(line); ok {
			out[r]++
		}
	}
	return out
}
