package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// signGET signs a body-less GET with host;x-sdk-date (a third, minimal signer).
func signGET(req *http.Request, ak, sk string) { signBody(req, nil, ak, sk) }

// signBody signs a request without query whose body is body, with host;x-sdk-date.
func signBody(req *http.Request, body []byte, ak, sk string) {
	date := time.Now().UTC().Format("20060102T150405Z")
	req.Header.Set("X-Sdk-Date", date)
	bodyHash := sha256.Sum256(body)
	cr := req.Method + "\n" + req.URL.Path + "/\n\nhost:" + req.URL.Host + "\nx-sdk-date:" + date + "\n\nhost;x-sdk-date\n" + hex.EncodeToString(bodyHash[:])
	crHash := sha256.Sum256([]byte(cr))
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte("SDK-HMAC-SHA256\n" + date + "\n" + hex.EncodeToString(crHash[:])))
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+ak+", SignedHeaders=host;x-sdk-date, Signature="+hex.EncodeToString(mac.Sum(nil)))
}

// binary builds the command once per test run.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "cce-mockcloud-test")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "cce-mockcloud")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build: %w\n%s", err, out)
	}
	return bin, nil
})

// TestMain removes the built binary after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := binary(); err == nil {
		_ = os.RemoveAll(filepath.Dir(bin)) // Best effort clean-up of a temporary directory.
	}
	os.Exit(code)
}

// runningMock is a started command with its output and env.sh.
type runningMock struct {
	cmd            *exec.Cmd
	done           chan error
	stdout, stderr *testkit.Buffer
	ready          string
	envFile        []byte
	env            map[string]string
}

// startMock builds and starts the command with args (which must hold -dir)
// and waits for its ready file; the process is killed when the test ends.
func startMock(t *testing.T, args ...string) runningMock {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	dir := args[slices.Index(args, "-dir")+1]
	m := runningMock{cmd: exec.Command(bin, args...), done: make(chan error, 1), stdout: &testkit.Buffer{}, stderr: &testkit.Buffer{},
		ready: filepath.Join(dir, "ready"), env: map[string]string{}}
	m.cmd.Stdout, m.cmd.Stderr = m.stdout, m.stderr
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { m.done <- m.cmd.Wait() }()
	t.Cleanup(func() {
		if m.cmd.ProcessState == nil {
			_ = m.cmd.Process.Kill()
			t.Logf("killed the mock: %v", <-m.done)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(m.ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ready file; stderr: %s", m.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	m.envFile, err = os.ReadFile(filepath.Join(dir, "env.sh"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(m.envFile))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			m.env[k] = v
		}
	}
	return m
}

// client returns an HTTP client (no keep-alives) that trusts the CA file named in env.sh.
func (m runningMock) client(t *testing.T) *http.Client {
	t.Helper()
	caPEM, err := os.ReadFile(m.env["HW_CACERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("bad CA file")
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, DisableKeepAlives: true}}
}

// stop sends SIGTERM and fails unless the command exits cleanly within 10 s.
func (m runningMock) stop(t *testing.T) {
	t.Helper()
	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-m.done:
		if err != nil {
			t.Fatalf("exit: %v; stderr: %s", err, m.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
}

// TestCommand builds the binary, starts it, reads env.sh, GETs a cluster and stops it with SIGTERM.
func TestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := filepath.Join(t.TempDir(), "state")
	m := startMock(t, "-dir", dir, "-flavour", "otc")
	env := m.env
	for _, k := range []string{"HW_REGION_NAME", "HW_PROJECT_ID", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_IAM_ENDPOINT",
		"HW_CCE_ENDPOINT", "HW_CTS_ENDPOINT", "HW_STS_ENDPOINT", "HW_CACERT_FILE"} {
		if env[k] == "" {
			t.Errorf("env.sh lacks %s:\n%s", k, m.envFile)
		}
	}
	if env["HW_REGION_NAME"] != mockcloud.Region || env["HW_ACCESS_KEY"] != mockcloud.AdminAccessKey ||
		env["HW_CACERT_FILE"] != filepath.Join(dir, "ca.pem") {
		t.Errorf("env.sh:\n%s", m.envFile)
	}
	out := m.stdout.String()
	if !strings.Contains(out, "FAKE cloud") || !strings.Contains(out, string(m.envFile)) {
		t.Errorf("stdout:\n%s", out)
	}
	for line := range strings.Lines(string(m.envFile)) {
		if n := strings.Count(out, line); n != 1 {
			t.Errorf("stdout prints %q %d times, want once", line, n)
		}
	}
	for _, want := range []string{
		"\n#   prod       " + mockcloud.ProdClusterID + "  v1.28.3-r0    Available  eu-west-101  " + mockcloud.ProjectID + "  yes\n",
		"\n#   old        " + mockcloud.OldClusterID + "  v1.23.9-r0    Available  eu-west-101  " + mockcloud.ProjectID +
			"  no: version v1.23.9-r0 does not support revocation",
		"\n#   de-ops     " + mockcloud.DEOpsClusterID + "  v1.27.", "\n# Hosts: IAM https://",
		"\n#     \"eu-nl\" = { cce = \"https://",
		"\n#   platform-admin  " + mockcloud.AdminUserID + "  admin         " + mockcloud.AdminAccessKey + "  " +
			mockcloud.AdminSecretKey + "  " + mockcloud.AdminPassword + "  <- env.sh signs in as this user\n",
		// Every demo user's secrets, for trying a pipeline's read-only plan by hand.
		"\n#   viewer.ci       " + mockcloud.RoUserID + "  readonly      " + mockcloud.RoAccessKey + "  " +
			mockcloud.RoSecretKey + "     " + mockcloud.RoPassword + "\n",
		"agencies/<agency>/sessions\n",
		"\n#   ops-automation  " + mockcloud.OpsAgencyID + "  acme-ops\n",
		"\n#   user    erin.former  " + mockcloud.ErinUserID + "  2d ago   platform-admin\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasPrefix(env["CCE_MOCKCLOUD_CONTROL_TOKEN"], "mockctl-") || !strings.HasSuffix(env["CCE_MOCKCLOUD_CONTROL_URL"], "/mockcloud/v1") {
		t.Errorf("env.sh lacks the control API:\n%s", m.envFile)
	}

	client := m.client(t)
	req, err := http.NewRequest("GET", env["HW_CCE_ENDPOINT"]+"/api/v3/projects/"+env["HW_PROJECT_ID"]+"/clusters/"+mockcloud.ProdClusterID, nil)
	if err != nil {
		t.Fatal(err)
	}
	signGET(req, env["HW_ACCESS_KEY"], env["HW_SECRET_KEY"])
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var cluster struct {
		Metadata struct{ UID string }
		Status   struct{ Endpoints map[string]string }
	}
	err = json.NewDecoder(resp.Body).Decode(&cluster)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || cluster.Metadata.UID != mockcloud.ProdClusterID || cluster.Status.Endpoints["internal"] == "" {
		t.Fatalf("GET cluster: %d %+v %v", resp.StatusCode, cluster, err)
	}

	kubeURL, kubeClient := issueAndUse(t, client, env)

	m.stop(t)
	if _, err := os.Stat(m.ready); !os.IsNotExist(err) {
		t.Errorf("ready file still there: %v", err)
	}
	log := m.stderr.String()
	if !strings.Contains(log, "GET /api/v3/projects/"+mockcloud.ProjectID+"/clusters/"+mockcloud.ProdClusterID+" 200 "+mockcloud.AdminUserID) {
		t.Errorf("request log line missing:\n%s", log)
	}
	if strings.Contains(log, mockcloud.AdminSecretKey) || strings.Contains(log, "Authorization") || strings.Contains(log, "PRIVATE KEY") {
		t.Errorf("secret in log:\n%s", log)
	}
	if !strings.Contains(log, "GET /version 200 "+mockcloud.AdminUserID) {
		t.Errorf("kube API log line missing:\n%s", log)
	}
	if resp, err := kubeClient.Get(kubeURL + "/version"); err == nil {
		_ = resp.Body.Close()
		t.Error("kube API server still answers after SIGTERM")
	}
}

// issueAndUse gets a kubeconfig from clustercert and calls GET /version on the
// cluster's kube API server with it; it returns that server's URL and client.
func issueAndUse(t *testing.T, client *http.Client, env map[string]string) (string, *http.Client) {
	t.Helper()
	body := []byte(`{"duration":1}`)
	req, err := http.NewRequest("POST", env["HW_CCE_ENDPOINT"]+"/api/v3/projects/"+env["HW_PROJECT_ID"]+"/clusters/"+
		mockcloud.ProdClusterID+"/clustercert", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	signBody(req, body, env["HW_ACCESS_KEY"], env["HW_SECRET_KEY"])
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var kc struct {
		Clusters []struct {
			Cluster struct {
				Server string `json:"server"`
				CA     string `json:"certificate-authority-data"`
			} `json:"cluster"`
		} `json:"clusters"`
		Users []struct {
			User struct {
				Cert string `json:"client-certificate-data"`
				Key  string `json:"client-key-data"`
			} `json:"user"`
		} `json:"users"`
	}
	err = json.NewDecoder(resp.Body).Decode(&kc)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(kc.Clusters) == 0 || len(kc.Users) != 1 {
		t.Fatalf("clustercert: %d %v", resp.StatusCode, err)
	}
	decode := func(s string) []byte {
		b, derr := base64.StdEncoding.DecodeString(s)
		if derr != nil {
			t.Fatal(derr)
		}
		return b
	}
	pair, err := tls.X509KeyPair(decode(kc.Users[0].User.Cert), decode(kc.Users[0].User.Key))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(decode(kc.Clusters[0].Cluster.CA)) {
		t.Fatal("bad cluster CA")
	}
	kube := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}}}
	server := kc.Clusters[0].Cluster.Server
	resp, err = kube.Get(server + "/version")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("kube GET /version: %d", resp.StatusCode)
	}
	return server, kube
}

// TestCommandScenario serves the trial scenario: the start-up summary shows
// its world, env.sh signs in as its caller, and the control API (with the
// token from env.sh, like curl would) hibernates a cluster, which the cloud
// then reports; the log marks control requests apart from cloud requests.
func TestCommandScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := filepath.Join(t.TempDir(), "state")
	m := startMock(t, "-dir", dir, "-scenario", filepath.Join("..", "..", "..", "..", "examples", "mockcloud", "trial.yaml"))
	out := m.stdout.String()
	for _, want := range []string{
		"serving scenario ../../../../examples/mockcloud/trial.yaml.\n",
		"# Clusters (3):\n", "v1.27.1-r10  Available  eu-west-101  " + mockcloud.ProjectID + "  yes\n", "# Users (23):\n", "#   contractor-20   ",
		"TRIALADMINAK00000001  trial-admin-secret-key-0001-DoNotLog", "<- env.sh signs in as this user\n", "#   agency  old-vendor   ", "3d12h ago",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ancient.user") || m.env["HW_ACCESS_KEY"] != "TRIALADMINAK00000001" {
		t.Errorf("stdout:\n%s", out)
	}

	client := m.client(t)
	req, err := http.NewRequest("PATCH", m.env["CCE_MOCKCLOUD_CONTROL_URL"]+"/clusters/analytics", strings.NewReader(`{"phase":"Hibernation"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+m.env["CCE_MOCKCLOUD_CONTROL_TOKEN"])
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var patched struct{ ID, Phase string }
	err = json.NewDecoder(resp.Body).Decode(&patched)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || patched.Phase != "Hibernation" {
		t.Fatalf("PATCH: %d %+v %v", resp.StatusCode, patched, err)
	}
	req, err = http.NewRequest("GET", m.env["HW_CCE_ENDPOINT"]+"/api/v3/projects/"+m.env["HW_PROJECT_ID"]+"/clusters/"+patched.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	signGET(req, m.env["HW_ACCESS_KEY"], m.env["HW_SECRET_KEY"])
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var cluster struct{ Status struct{ Phase string } }
	err = json.NewDecoder(resp.Body).Decode(&cluster)
	_ = resp.Body.Close()
	if err != nil || cluster.Status.Phase != "Hibernation" {
		t.Errorf("GET cluster after the PATCH: %d %+v %v", resp.StatusCode, cluster, err)
	}
	m.stop(t)
	log := m.stderr.String()
	if !strings.Contains(log, " control PATCH /mockcloud/v1/clusters/analytics 200\n") || strings.Count(log, "\n") != 2 {
		t.Errorf("log (want the control line and the GET):\n%s", log)
	}
}

// TestRunRequiresDir checks the flag validation.
func TestRunRequiresDir(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "-dir") {
		t.Errorf("run without -dir: %v", err)
	}
	if err := run([]string{"-dir", t.TempDir(), "-flavour", "aws"}, &out, &errOut); err == nil {
		t.Error("bad flavour accepted")
	}
}

// TestCommandFaults starts the command with -fault, -seed, -latency and
// -clock-skew and checks the start-up lines, the answers and the log.
func TestCommandFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := filepath.Join(t.TempDir(), "state")
	m := startMock(t, "-dir", dir, "-seed", "7", "-latency", "20ms", "-clock-skew", "1m",
		"-fault", "route=RouteGetCluster,kind=503,p=1,times=1",
		"-fault", "route=*,kind=429,p=1,times=1,retry-after=2",
		"-fault", "route=RouteRevoke,kind=commit-drop,p=1")
	out := m.stdout.String()
	for _, want := range []string{
		"# fault injection, seed 7:\n",
		"#   -fault 'route=" + mockcloud.RouteGetCluster + ",kind=503,p=1,times=1'\n",
		"#   -fault 'route=*,kind=429,p=1,times=1,retry-after=2'\n",
		"#   -fault 'route=" + mockcloud.RouteRevoke + ",kind=commit-drop,p=1'\n",
		"#   -fault 'route=*,kind=latency,p=1,latency=20ms'\n",
		"# server clock skew: 1m0s\n",
		string(m.envFile),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}

	client := m.client(t)
	clusterURL := m.env["HW_CCE_ENDPOINT"] + "/api/v3/projects/" + m.env["HW_PROJECT_ID"] + "/clusters/" + mockcloud.ProdClusterID
	for i, want := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusOK} {
		start := time.Now()
		resp := m.signedGet(t, client, clusterURL)
		if took := time.Since(start); took < 20*time.Millisecond {
			t.Errorf("request %d took %s, want at least 20ms", i, took)
		}
		if resp.StatusCode != want || (want == http.StatusTooManyRequests) != (resp.Header.Get("Retry-After") == "2") {
			t.Errorf("request %d: %d Retry-After %q, want %d", i, resp.StatusCode, resp.Header.Get("Retry-After"), want)
		}
	}
	body := []byte(`{"userId":"` + mockcloud.AliceUserID + `"}`)
	req, err := http.NewRequest("POST", clusterURL+"/clustercertrevoke", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	signBody(req, body, m.env["HW_ACCESS_KEY"], m.env["HW_SECRET_KEY"])
	if resp, err := client.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Errorf("commit-drop answered %d", resp.StatusCode)
	}

	m.stop(t)
	log := m.stderr.String()
	path := "/api/v3/projects/" + mockcloud.ProjectID + "/clusters/" + mockcloud.ProdClusterID
	for _, want := range []string{
		"GET " + path + " 503 - fault=503\n",
		"GET " + path + " 429 - fault=429\n",
		"GET " + path + " 200 " + mockcloud.AdminUserID + " fault=latency\n",
		"POST " + path + "/clustercertrevoke 200 " + mockcloud.AdminUserID + " fault=commit-drop\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// signedGet sends a GET signed with env.sh's keys; the body is closed.
func (m runningMock) signedGet(t *testing.T, client *http.Client, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	signGET(req, m.env["HW_ACCESS_KEY"], m.env["HW_SECRET_KEY"])
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp
}

// TestCommandQuota: -quota gives the account a quota; the summary says so,
// a request beyond it gets 429 and the log line fault=quota, and the mock
// reports the counts when it stops.
func TestCommandQuota(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := filepath.Join(t.TempDir(), "state")
	m := startMock(t, "-dir", dir, "-quota", "0.001/2")
	if out := m.stdout.String(); !strings.Contains(out, "# account quota: 0.001 requests per second, bursts of 2; beyond it 429 APIGW.0308 (logged fault=quota)\n") {
		t.Errorf("stdout lacks the quota:\n%s", out)
	}
	client := m.client(t)
	clusterURL := m.env["HW_CCE_ENDPOINT"] + "/api/v3/projects/" + m.env["HW_PROJECT_ID"] + "/clusters/" + mockcloud.ProdClusterID
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		if resp := m.signedGet(t, client, clusterURL); resp.StatusCode != want {
			t.Errorf("request %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
	m.stop(t)
	path := "/api/v3/projects/" + mockcloud.ProjectID + "/clusters/" + mockcloud.ProdClusterID
	if log := m.stderr.String(); !strings.Contains(log, "GET "+path+" 429 - fault=quota\n") {
		t.Errorf("log lacks the throttled request:\n%s", log)
	}
	if out := m.stdout.String(); !strings.HasSuffix(out, "# account quota: 2 requests admitted, 1 throttled (429)\n") {
		t.Errorf("stdout does not end with the quota's counts:\n%s", out)
	}
}

// TestRunFlags checks the fault flags' validation.
func TestRunFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-fault", "route=*,kind=418,p=1"},
		{"-fault", "kind=500"},
		{"-fault", "route=Nope,kind=500"},
		{"-latency", "-1s"},
		{"-latency", "soon"},
		{"-seed", "x"},
		{"-clock-skew", "x"},
		{"-extra-clusters", "-1"},
		{"-extra-clusters", "1001"},
		{"-quota", "fast"},
		{"-quota", "-5"},
		{"-quota", "50/0"},
		{"stray"},
		{"-scenario", "does-not-exist.yaml"},
		{"-scenario", filepath.Join("..", "..", "..", "..", "go.mod")},
	} {
		var out, errOut bytes.Buffer
		if err := run(append([]string{"-dir", t.TempDir()}, args...), &out, &errOut); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}

// TestCommandScenarioFlavour: the scenario's flavour applies unless -flavour says otherwise.
func TestCommandScenarioFlavour(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	scenario := filepath.Join(t.TempDir(), "otc.yaml")
	doc := "flavour: otc\nusers:\n  - {name: boss, groups: [admin], accessKey: BOSSBOSS01, secretKey: boss-secret}\n" +
		"clusters:\n  - {name: prod, id: " + mockcloud.ProdClusterID + ", version: v1.28.3-r0}\n"
	if err := os.WriteFile(scenario, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for flag, wantOTC := range map[string]bool{"": true, "hwc": false} {
		args := []string{"-dir", filepath.Join(t.TempDir(), "state"), "-scenario", scenario}
		if flag != "" {
			args = append(args, "-flavour", flag)
		}
		m := startMock(t, args...)
		req, err := http.NewRequest("GET", m.env["HW_CCE_ENDPOINT"]+"/api/v3/projects/"+m.env["HW_PROJECT_ID"]+"/clusters/"+mockcloud.ProdClusterID, nil)
		if err != nil {
			t.Fatal(err)
		}
		signGET(req, m.env["HW_ACCESS_KEY"], m.env["HW_SECRET_KEY"])
		resp, err := m.client(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var cluster struct {
			Status struct{ Endpoints json.RawMessage }
		}
		err = json.NewDecoder(resp.Body).Decode(&cluster)
		_ = resp.Body.Close()
		if isObject := strings.HasPrefix(string(cluster.Status.Endpoints), "{"); err != nil || isObject != wantOTC {
			t.Errorf("-flavour %q: endpoints %s (%v), want the OTC object: %v", flag, cluster.Status.Endpoints, err, wantOTC)
		}
		m.stop(t)
	}
}

// TestRunScenarioProblems: a bad scenario stops the start with its problems,
// before anything is served or written.
func TestRunScenarioProblems(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("users:\n  - name: a\n    gruops: [admin]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "state")
	var out, errOut bytes.Buffer
	err := run([]string{"-dir", dir, "-scenario", bad}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:3:5: users[0].gruops: unknown field; a user has the fields name,") ||
		!strings.Contains(err.Error(), "did you mean groups?") {
		t.Errorf("run: %v", err)
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) || out.Len() > 0 {
		t.Errorf("a bad scenario created %s (%v) or printed %q", dir, statErr, out.String())
	}
}
