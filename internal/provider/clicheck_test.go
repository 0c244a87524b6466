package provider

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// CLI floors of features that Terraform and OpenTofu added in different
// versions. Use them as TerraformVersionChecks entries.
var (
	// functionsCLI: provider-defined functions (Terraform 1.8, OpenTofu 1.7).
	functionsCLI = skipBelowCLI("provider-defined functions", tfversion.Version1_8_0, tfversion.Version1_7_0)
	// ephemeralCLI: ephemeral resources (Terraform 1.10, OpenTofu 1.11).
	ephemeralCLI = skipBelowCLI("ephemeral resources", tfversion.Version1_10_0, tfversion.Version1_11_0)
	// identityCLI: resource identity and import { identity } (Terraform 1.12, OpenTofu 1.12).
	identityCLI = skipBelowCLI("resource identity", tfversion.Version1_12_0, tfversion.Version1_12_0)
	// actionsCLI: actions, -invoke and action_trigger (Terraform 1.14; no OpenTofu yet).
	actionsCLI = skipBelowCLI("actions", tfversion.Version1_14_0, nil)
)

// skipBelowCLI skips a test when the CLI under test is older than the floor of
// its kind. tfversion.SkipBelow cannot tell the two apart: `tofu version -json`
// reports OpenTofu's own version as terraform_version, so OpenTofu 1.10 looks
// like Terraform 1.10 (toolchain.md, gotcha 3). Plain `version` output starts
// with "OpenTofu" for OpenTofu. A nil floor means the CLI has no such feature
// in any version.
func skipBelowCLI(feature string, tfMin, tofuMin *version.Version) tfversion.TerraformVersionCheck {
	return cliFloor{feature: feature, tfMin: tfMin, tofuMin: tofuMin, isTofu: cliIsOpenTofu}
}

type cliFloor struct {
	feature        string
	tfMin, tofuMin *version.Version
	isTofu         func() bool
}

func (c cliFloor) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	name, floor := "Terraform", c.tfMin
	if c.isTofu() {
		name, floor = "OpenTofu", c.tofuMin
	}
	if req.TerraformVersion == nil {
		return
	}
	if floor == nil {
		resp.Skip = name + " " + req.TerraformVersion.String() + " has no " + c.feature
		return
	}
	if req.TerraformVersion.Core().LessThan(floor) {
		resp.Skip = name + " " + req.TerraformVersion.String() + " is older than " + floor.String() +
			", the first with " + c.feature
	}
}

// cliIsOpenTofu runs `version` of the CLI under test once per test binary. The
// CLI is TF_ACC_TERRAFORM_PATH, else terraform from PATH, as plugin-testing
// picks it; when it cannot run, the Terraform floor applies.
var cliIsOpenTofu = sync.OnceValue(func() bool {
	out, err := exec.Command(cliUnderTest(), "version").Output()
	return err == nil && strings.HasPrefix(strings.TrimSpace(string(out)), "OpenTofu")
})

// cliVersion is the version the CLI under test reports, read once per test binary.
var cliVersion = sync.OnceValues(func() (*version.Version, error) {
	out, err := exec.Command(cliUnderTest(), "version", "-json").Output()
	if err != nil {
		return nil, err
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, err
	}
	return version.NewVersion(v.TerraformVersion)
})

func cliUnderTest() string {
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin
	}
	return "terraform"
}

// skipBelow applies a floor to a test that drives the CLI itself (newCLI), as
// TerraformVersionChecks do for resource.Test.
func skipBelow(t *testing.T, check tfversion.TerraformVersionCheck) {
	t.Helper()
	v, err := cliVersion()
	if err != nil {
		t.Fatalf("version of %s: %s", cliUnderTest(), err)
	}
	var resp tfversion.CheckTerraformVersionResponse
	check.CheckTerraformVersion(context.Background(), tfversion.CheckTerraformVersionRequest{TerraformVersion: v}, &resp)
	if resp.Skip != "" {
		t.Skip(resp.Skip)
	}
}

func TestSkipBelowCLI(t *testing.T) {
	tests := []struct {
		name  string
		check tfversion.TerraformVersionCheck
		tofu  bool
		cli   string
		skip  bool
	}{
		{name: "functions, Terraform 1.5.7", check: functionsCLI, cli: "1.5.7", skip: true},
		{name: "functions, Terraform 1.7.5", check: functionsCLI, cli: "1.7.5", skip: true},
		{name: "functions, Terraform 1.8.0", check: functionsCLI, cli: "1.8.0"},
		{name: "functions, Terraform 1.16.4", check: functionsCLI, cli: "1.16.4"},
		{name: "functions, OpenTofu 1.6.2", check: functionsCLI, tofu: true, cli: "1.6.2", skip: true},
		{name: "functions, OpenTofu 1.7.0", check: functionsCLI, tofu: true, cli: "1.7.0"},
		{name: "functions, OpenTofu 1.12.6", check: functionsCLI, tofu: true, cli: "1.12.6"},
		{name: "ephemeral, Terraform 1.5.7", check: ephemeralCLI, cli: "1.5.7", skip: true},
		{name: "ephemeral, Terraform 1.9.8", check: ephemeralCLI, cli: "1.9.8", skip: true},
		{name: "ephemeral, Terraform 1.10.0", check: ephemeralCLI, cli: "1.10.0"},
		{name: "ephemeral, Terraform 1.16.4", check: ephemeralCLI, cli: "1.16.4"},
		{name: "ephemeral, OpenTofu 1.10.10", check: ephemeralCLI, tofu: true, cli: "1.10.10", skip: true},
		{name: "ephemeral, OpenTofu 1.11.0", check: ephemeralCLI, tofu: true, cli: "1.11.0"},
		{name: "ephemeral, OpenTofu 1.11.0-beta1 counts as 1.11", check: ephemeralCLI, tofu: true, cli: "1.11.0-beta1"},
		{name: "identity, Terraform 1.5.7", check: identityCLI, cli: "1.5.7", skip: true},
		{name: "identity, Terraform 1.12.0", check: identityCLI, cli: "1.12.0"},
		{name: "identity, OpenTofu 1.11.5", check: identityCLI, tofu: true, cli: "1.11.5", skip: true},
		{name: "identity, OpenTofu 1.12.6", check: identityCLI, tofu: true, cli: "1.12.6"},
		{name: "actions, Terraform 1.13.5", check: actionsCLI, cli: "1.13.5", skip: true},
		{name: "actions, Terraform 1.14.0", check: actionsCLI, cli: "1.14.0"},
		{name: "actions, Terraform 1.16.4", check: actionsCLI, cli: "1.16.4"},
		{name: "actions, OpenTofu 1.12.6", check: actionsCLI, tofu: true, cli: "1.12.6", skip: true},
		{name: "actions, OpenTofu 1.99.0", check: actionsCLI, tofu: true, cli: "1.99.0", skip: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := tt.check.(cliFloor)
			if !ok {
				t.Fatalf("check is %T", tt.check)
			}
			c.isTofu = func() bool { return tt.tofu }
			var resp tfversion.CheckTerraformVersionResponse
			c.CheckTerraformVersion(context.Background(),
				tfversion.CheckTerraformVersionRequest{TerraformVersion: version.Must(version.NewVersion(tt.cli))}, &resp)
			if (resp.Skip != "") != tt.skip || resp.Error != nil {
				t.Errorf("skip %q, error %v; want skip %v", resp.Skip, resp.Error, tt.skip)
			}
		})
	}
}
