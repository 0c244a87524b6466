package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// mockEnv is the environment of a user of the mock, as env.sh sets it.
func mockEnv(t *testing.T) map[string]string {
	cloud := mockcloud.NewForTest(t)
	ca, err := cloud.WriteCACert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	u := cloud.URL()
	return map[string]string{"HW_REGION_NAME": mockcloud.Region, "HW_PROJECT_ID": mockcloud.ProjectID,
		"HW_ACCESS_KEY": mockcloud.AdminAccessKey, "HW_SECRET_KEY": mockcloud.AdminSecretKey,
		"HW_IAM_ENDPOINT": u, "HW_CCE_ENDPOINT": u, "HW_CTS_ENDPOINT": u, "HW_STS_ENDPOINT": u, "HW_CACERT_FILE": ca,
		"CCE_TEST_CLUSTER_ID": mockcloud.ProdClusterID, "HW_RATE_LIMIT": "0"}
}

func TestRun_recordAndReplay(t *testing.T) {
	env := mockEnv(t)
	getenv := func(k string) string { return env[k] }
	dir := filepath.Join(t.TempDir(), "rec")
	var out, errOut bytes.Buffer
	if rc := run([]string{"-record", dir}, getenv, &out, &errOut); rc != 0 {
		t.Fatalf("exit %d: %s%s", rc, out.String(), errOut.String())
	}
	for _, want := range []string{"gw-no-route ", "cts-errors ", " 0 refuted, ", "recorded "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(files) < 20 {
		t.Errorf("%d answers recorded", len(files))
	}
	out.Reset()
	if rc := run([]string{"-replay", dir}, getenv, &out, &errOut); rc != 0 || !strings.Contains(out.String(), " 0 differ, 0 skipped") {
		t.Fatalf("replay: exit %d: %s%s", rc, out.String(), errOut.String())
	}
	// An answer edited to disagree makes the replay fail.
	files, _ := filepath.Glob(filepath.Join(dir, "*gw-no-route-trailing-slash.json"))
	b, _ := os.ReadFile(files[0])
	if err := os.WriteFile(files[0], bytes.Replace(b, []byte(`"status": 404`), []byte(`"status": 400`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if rc := run([]string{"-replay", dir}, getenv, &out, &errOut); rc != 1 || !strings.Contains(out.String(), "status: recorded 400, mock 404") {
		t.Fatalf("edited replay: exit %d: %s", rc, out.String())
	}
}

func TestRun_namesWhatIsMissing(t *testing.T) {
	var out, errOut bytes.Buffer
	rc := run(nil, func(string) string { return "" }, &out, &errOut)
	if rc != 2 || !strings.Contains(errOut.String(), "no credentials: set HW_ACCESS_KEY and HW_SECRET_KEY") {
		t.Fatalf("exit %d: %s", rc, errOut.String())
	}
}
