package provider

import (
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/cce"
	"github.com/cceops/terraform-provider-cce/internal/loopbackonly"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// Tests never leave the machine. In this test binary TestMain installs the
// guard (examples_test.go); the provider binary the CLI tests run is built
// with -tags cce_loopback_only (main_loopback_only.go), which installs the
// same guard, and which a release build never has.

// The guard of this process: a client aimed at the real cloud is refused.
func TestLoopbackGuard_inProcess(t *testing.T) {
	client, err := cce.NewClient(cce.Config{Region: "eu-de", ProjectID: mockcloud.ProjectID,
		Credentials: cce.Credentials{AccessKey: mockcloud.AdminAccessKey, SecretKey: mockcloud.AdminSecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Cluster(t.Context(), mockcloud.ProdClusterID, cce.Fresh)
	if err == nil || !strings.Contains(err.Error(), loopbackonly.ErrRefused) {
		t.Fatalf("err = %v, want the guard's refusal", err)
	}
}

// The guard of the provider binary run by the CLI: an endpoint left at a
// non-loopback address fails the plan with the guard's message.
func TestAccLoopbackGuard_providerBinary(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_CCE_ENDPOINT", "https://192.0.2.1:8443", "HW_MAX_RETRIES", "0")
	c := reliabilityCLI(t, e, []string{mockcloud.ProdClusterID}, 1)
	out, code := c.run("plan", "-input=false", "-no-color")
	if code == 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), loopbackonly.ErrRefused+" 192.0.2.1:8443") {
		t.Fatalf("plan exited %d without the guard's refusal:\n%s", code, out)
	}
}
