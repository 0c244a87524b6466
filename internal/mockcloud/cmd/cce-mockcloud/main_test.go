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
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// syncBuffer is a bytes.Buffer safe for the exec copy goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns the contents so far.
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

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

// TestCommand builds the binary, starts it, reads env.sh, GETs a cluster and stops it with SIGTERM.
func TestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "cce-mockcloud")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := filepath.Join(tmp, "state")
	var stdout, stderr syncBuffer
	cmd := exec.Command(bin, "-dir", dir, "-flavour", "otc")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			t.Logf("killed the mock: %v", <-done)
		}
	})

	ready := filepath.Join(dir, "ready")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ready file; stderr: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	envFile, err := os.ReadFile(filepath.Join(dir, "env.sh"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(envFile))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			env[k] = v
		}
	}
	for _, k := range []string{"HW_REGION_NAME", "HW_PROJECT_ID", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_IAM_ENDPOINT",
		"HW_CCE_ENDPOINT", "HW_CTS_ENDPOINT", "HW_CACERT_FILE"} {
		if env[k] == "" {
			t.Errorf("env.sh lacks %s:\n%s", k, envFile)
		}
	}
	if env["HW_REGION_NAME"] != mockcloud.Region || env["HW_ACCESS_KEY"] != mockcloud.AdminAccessKey ||
		env["HW_CACERT_FILE"] != filepath.Join(dir, "ca.pem") {
		t.Errorf("env.sh:\n%s", envFile)
	}
	if !strings.Contains(stdout.String(), "FAKE cloud") || !strings.Contains(stdout.String(), string(envFile)) {
		t.Errorf("stdout:\n%s", stdout.String())
	}

	caPEM, err := os.ReadFile(env["HW_CACERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("bad CA file")
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
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

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
	if _, err := os.Stat(ready); !os.IsNotExist(err) {
		t.Errorf("ready file still there: %v", err)
	}
	log := stderr.String()
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
