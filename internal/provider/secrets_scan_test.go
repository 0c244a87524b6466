package provider

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// The secret scan: with CCE_SECRETS_SCAN_DIR set (make testacc-terraform does),
// every acceptance test logs the provider at TRACE into that directory (in
// process through TF_LOG_PATH_MASK, and the CLI harness through TF_LOG_PROVIDER
// and TF_LOG_PATH), records every secret its mock cloud handed out, and
// TestMain fails the run if any secret appears in any log.

const envSecretsScanDir = "CCE_SECRETS_SCAN_DIR"

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// recordSecrets writes the seeded and issued secrets of one test's mock.
func recordSecrets(t interface{ Name() string }, cloud *mockcloud.Cloud) {
	dir := os.Getenv(envSecretsScanDir)
	if dir == "" {
		return
	}
	all := append(secrets(), cloud.IssuedSecrets()...)
	file := filepath.Join(dir, "secrets", unsafeName.ReplaceAllString(t.Name(), "_")+".txt")
	_ = os.MkdirAll(filepath.Dir(file), 0o700)
	_ = os.WriteFile(file, []byte(strings.Join(all, "\x00")), 0o600)
}

// cliLogEnv makes the CLI harness log the provider binary at TRACE.
func cliLogEnv(testName string) []string {
	dir := os.Getenv(envSecretsScanDir)
	if dir == "" {
		return nil
	}
	_ = os.MkdirAll(filepath.Join(dir, "logs"), 0o700)
	return []string{"TF_LOG_PROVIDER=TRACE",
		"TF_LOG_PATH=" + filepath.Join(dir, "logs", "cli-"+unsafeName.ReplaceAllString(testName, "_")+".log")}
}

// needles turns secrets into the strings to look for: each secret, and for a
// PEM private key also every body line and its base64 form (kubeconfigs carry
// keys base64-encoded).
func needles(secret string) []string {
	if !strings.HasPrefix(secret, "-----BEGIN") {
		return []string{secret}
	}
	out := []string{base64.StdEncoding.EncodeToString([]byte(secret))[:48]}
	for _, line := range strings.Split(secret, "\n") {
		if len(line) >= 24 && !strings.HasPrefix(line, "-----") {
			out = append(out, line)
		}
	}
	return out
}

// scanSecrets reports every log file that contains a recorded secret. Every
// test records the seeded secrets again, so the needles are deduplicated:
// the scan reads each log once per distinct secret.
func scanSecrets(dir string) (int, []string, error) {
	seen := map[string]bool{}
	var all []string
	files, _ := filepath.Glob(filepath.Join(dir, "secrets", "*.txt"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return 0, nil, err
		}
		for _, s := range strings.Split(string(b), "\x00") {
			if s == "" {
				continue
			}
			for _, n := range needles(s) {
				if !seen[n] {
					seen[n] = true
					all = append(all, n)
				}
			}
		}
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "logs", "*"))
	var hits []string
	for _, f := range logs {
		b, err := os.ReadFile(f)
		if err != nil {
			return 0, nil, err
		}
		text := string(b)
		for _, n := range all {
			if strings.Contains(text, n) {
				hits = append(hits, fmt.Sprintf("%s contains a secret starting %q", filepath.Base(f), n[:min(6, len(n))]))
			}
		}
	}
	if len(logs) == 0 || len(all) == 0 {
		return 0, nil, fmt.Errorf("nothing to scan: %d log files, %d secrets", len(logs), len(all))
	}
	return len(logs), hits, nil
}

// The scan must be able to fail: a secret planted in a log is found, in the
// clear and, for a private key, base64-encoded as in a kubeconfig.
func TestScanSecrets_findsPlantedSecrets(t *testing.T) {
	key := "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4Lw2J8xq0yJ1ZQ3mM8zYw0cC8o2x6V2mV8iJq0kHoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n"
	for name, logged := range map[string]string{
		"secret key":        "request_headers=map[X-Sk:" + mockcloud.AliceSecretKey + "]",
		"private key":       "body=" + strings.Split(key, "\n")[1],
		"base64 kubeconfig": `"client-key-data":"` + base64.StdEncoding.EncodeToString([]byte(key)) + `"`,
	} {
		dir := t.TempDir()
		for sub, content := range map[string]string{"secrets/t.txt": strings.Join([]string{mockcloud.AliceSecretKey, key}, "\x00"), "logs/t.log": "ok\n" + logged} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, sub)), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, sub), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if _, hits, err := scanSecrets(dir); err != nil || len(hits) == 0 {
			t.Errorf("%s: the scan missed a planted secret (err %v)", name, err)
		}
	}
}
