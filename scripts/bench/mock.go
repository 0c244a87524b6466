package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// mock is one running standalone mock cloud (cce-mockcloud), optionally
// behind the delaying proxy.
type mock struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	exitErr error
	logPath string
	logFile *os.File
	env     []string // HW_* variables from env.sh (pointing at the proxy when there is one)
	proxy   *http.Server
}

// startMock starts the mock with its state in dir. With latency > 0 every
// request is delayed by that much, with the mock's own -latency flag when it
// has one, else by a reverse proxy.
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
	if latency > 0 && b.proxyCA == nil {
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
	if latency > 0 && b.proxyCA != nil {
		if err := m.startProxy(env, latency, b.proxyCA); err != nil {
			m.stop()
			return nil, err
		}
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

// stop ends the mock with SIGTERM (SIGKILL after 5 s) and the proxy.
func (m *mock) stop() {
	if m.proxy != nil {
		_ = m.proxy.Close()
	}
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

// proxyCert is the self-signed certificate of the delaying proxy.
type proxyCert struct {
	cert   tls.Certificate
	caPath string
}

// newProxyCert creates a self-signed ECDSA certificate for 127.0.0.1 and
// writes it as a CA file for the provider.
func newProxyCert(dir string) (*proxyCert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "cce-bench latency proxy"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(48 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		return nil, err
	}
	p := &proxyCert{cert: pair, caPath: filepath.Join(dir, "proxy-ca.pem")}
	return p, os.WriteFile(p.caPath, certPEM, 0o600)
}

// startProxy puts an HTTPS reverse proxy that sleeps latency before
// forwarding each request in front of the mock, and points env at it. The
// Host header is kept, so the provider's signature (which covers host) still
// verifies at the mock.
func (m *mock) startProxy(env map[string]string, latency time.Duration, pc *proxyCert) error {
	target, err := url.Parse(env["HW_CCE_ENDPOINT"])
	if err != nil {
		return err
	}
	caPEM, err := os.ReadFile(env["HW_CACERT_FILE"])
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return errors.New("the mock's CA file holds no certificate")
	}
	transport := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 64,
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = r.In.Host
		},
		Transport: transport,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	m.proxy = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
			rp.ServeHTTP(w, r)
		}),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{pc.cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 30 * time.Second,
	}
	go func() { _ = m.proxy.ServeTLS(ln, "", "") }()
	u := "https://" + ln.Addr().String()
	for _, k := range []string{"HW_IAM_ENDPOINT", "HW_CCE_ENDPOINT", "HW_CTS_ENDPOINT"} {
		env[k] = u
	}
	env["HW_CACERT_FILE"] = pc.caPath
	return nil
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
