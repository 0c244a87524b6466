package provider

import (
	"context"
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
	functionsCLI = skipBelowCLI(tfversion.Version1_8_0, tfversion.Version1_7_0)
	// ephemeralCLI: ephemeral resources (Terraform 1.10, OpenTofu 1.11).
	ephemeralCLI = skipBelowCLI(tfversion.Version1_10_0, tfversion.Version1_11_0)
)

// skipBelowCLI skips a test when the CLI under test is older than the floor of
// its kind. tfversion.SkipBelow cannot tell the two apart: `tofu version -json`
// reports OpenTofu's own version as terraform_version, so OpenTofu 1.10 looks
// like Terraform 1.10 (toolchain.md, gotcha 3). Plain `version` output starts
// with "OpenTofu" for OpenTofu.
func skipBelowCLI(tfMin, tofuMin *version.Version) tfversion.TerraformVersionCheck {
	return cliFloor{tfMin: tfMin, tofuMin: tofuMin, isTofu: cliIsOpenTofu}
}

type cliFloor struct {
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
	if req.TerraformVersion.Core().LessThan(floor) {
		resp.Skip = name + " " + req.TerraformVersion.String() + " is older than " + floor.String() +
			", the first version with this feature"
	}
}

// cliIsOpenTofu runs `version` of the CLI under test once per test binary. The
// CLI is TF_ACC_TERRAFORM_PATH, else terraform from PATH, as plugin-testing
// picks it; when it cannot run, the Terraform floor applies.
var cliIsOpenTofu = sync.OnceValue(func() bool {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		bin = "terraform"
	}
	out, err := exec.Command(bin, "version").Output()
	return err == nil && strings.HasPrefix(strings.TrimSpace(string(out)), "OpenTofu")
})

func TestSkipBelowCLI(t *testing.T) {
	tests := []struct {
		name  string
		check tfversion.TerraformVersionCheck
		tofu  bool
		cli   string
		skip  bool
	}{
		{"functions, Terraform 1.5.7", functionsCLI, false, "1.5.7", true},
		{"functions, Terraform 1.7.5", functionsCLI, false, "1.7.5", true},
		{"functions, Terraform 1.8.0", functionsCLI, false, "1.8.0", false},
		{"functions, OpenTofu 1.6.2", functionsCLI, true, "1.6.2", true},
		{"functions, OpenTofu 1.7.0", functionsCLI, true, "1.7.0", false},
		{"functions, OpenTofu 1.12.6", functionsCLI, true, "1.12.6", false},
		{"ephemeral, Terraform 1.10.0", ephemeralCLI, false, "1.10.0", false},
		{"ephemeral, Terraform 1.9.8", ephemeralCLI, false, "1.9.8", true},
		{"ephemeral, OpenTofu 1.10.10", ephemeralCLI, true, "1.10.10", true},
		{"ephemeral, OpenTofu 1.11.0", ephemeralCLI, true, "1.11.0", false},
		{"ephemeral, OpenTofu 1.11.0-beta1 counts as 1.11", ephemeralCLI, true, "1.11.0-beta1", false},
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
