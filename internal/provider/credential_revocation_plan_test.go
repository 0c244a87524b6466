package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// These tests drive plan -out and apply of the saved plan through the real CLI
// and provider binary, two processes as in a pipeline, and look at what the
// plan shows and what the apply asked the mock.

const savedPlanOthers = 6 // raw IDs in testdata/saved_plan, besides a user and an agency

// newSavedPlanCLI prepares testdata/saved_plan for e.
func newSavedPlanCLI(t *testing.T, e *accEnv) *cli {
	t.Helper()
	c := newCLI(t, e, filepath.Join("testdata", "saved_plan"), "saved_plan")
	var others []string
	for i := range savedPlanOthers {
		others = append(others, fmt.Sprintf("c4ec%028x", i))
	}
	b, err := json.Marshal(map[string]any{
		"prod": mockcloud.ProdClusterID, "staging": mockcloud.StagingClusterID,
		"user_id": mockcloud.LeaverUserID, "agency_id": mockcloud.VendorAgencyID, "other_ids": others,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "saved_plan.auto.tfvars.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// plannedValues reads the planned values and the attributes left unknown of
// one resource from a saved plan.
func plannedValues(t *testing.T, c *cli, address string, planFile ...string) (after map[string]any, unknown []string) {
	t.Helper()
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				After        map[string]any `json:"after"`
				AfterUnknown map[string]any `json:"after_unknown"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	file := "tfplan"
	if len(planFile) > 0 {
		file = planFile[0]
	}
	if err := json.Unmarshal([]byte(c.must("show", "-json", file)), &plan); err != nil {
		t.Fatal(err)
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Address != address {
			continue
		}
		for k, v := range rc.Change.AfterUnknown {
			if v == true {
				unknown = append(unknown, k)
			}
		}
		slices.Sort(unknown)
		return rc.Change.After, unknown
	}
	t.Fatalf("the plan has no %s", address)
	return nil, nil
}

// The plan shows what the checks learned; the apply of that plan, a new
// provider process, plans each revocation again (Terraform does, and refuses a
// value that differs from the saved plan) through the per-process memo, so it
// sends the N revocations, at most one read of each cluster, and IAM reads
// whose number does not depend on N.
func TestAccCredentialRevocation_savedPlanShowsFacts(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_PROJECT_ID", "") // discovered once per process too
	c := newSavedPlanCLI(t, e)
	out := c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	for _, want := range []string{`applicant_name\s+= "dana.leaver"`, `cluster_name\s+= "prod"`,
		`cluster "prod" \(` + mockcloud.ProdClusterID + `, v1.28.3-r0 now\)`, `revoked_by\s+= \(known after apply\)`} {
		if !re(want).MatchString(out) {
			t.Errorf("the plan does not show %s:\n%s", want, out)
		}
	}
	after, unknown := plannedValues(t, c, "cce_credential_revocation.user")
	for k, want := range map[string]any{
		"applicant_name": "dana.leaver", "applicant_type": "user", "cluster_name": "prod", "other_id_type": nil,
		"id": mockcloud.ProdClusterID + "/user/" + mockcloud.LeaverUserID,
	} {
		if after[k] != want {
			t.Errorf("planned %s = %v, want %v", k, after[k], want)
		}
	}
	// Who revokes and the cluster's version at the revocation depend on the
	// apply's signer and moment: known after apply (ARCHITECTURE.md).
	if !slices.Equal(unknown, []string{"cluster_version", "revoked_at", "revoked_by"}) {
		t.Errorf("known after apply: %v, want cluster_version, revoked_at and revoked_by", unknown)
	}
	e.assertNoWrites()

	e.cloud.ResetRequests()
	c.must("apply", "-input=false", "-no-color", "tfplan")
	seen := map[string]int{}
	processes := map[string]bool{}
	for _, r := range e.cloud.Requests() {
		processes[r.UserAgent] = true
		if r.Route != mockcloud.RouteRevoke {
			seen[r.Method+" "+r.Path+"?"+r.RawQuery]++
		}
	}
	if got := e.cloud.Count(mockcloud.RouteRevoke); got != savedPlanOthers+2 {
		t.Errorf("apply sent %d revocations, want %d", got, savedPlanOthers+2)
	}
	for req, n := range seen {
		if n > 1 {
			t.Errorf("apply (%d provider process(es)) sent %s %d times, want at most once", len(processes), req, n)
		}
	}
	t.Logf("apply of the saved plan: %d revocations and %d other requests, each once: %v",
		e.cloud.Count(mockcloud.RouteRevoke), len(seen), slices.Sorted(maps.Keys(seen)))
	out = c.must("state", "show", "cce_credential_revocation.user")
	for _, want := range []string{`applicant_name  = "dana.leaver"`, `cluster_name    = "prod"`,
		`cluster_version = "v1.28.3-r0"`, `revoked_by      = "` + mockcloud.AdminUserID + `"`} {
		if !strings.Contains(out, want) {
			t.Errorf("state lacks %s:\n%s", want, out)
		}
	}
}

// A cluster that became busy between plan and apply: the apply's own checks
// see it, and the revocation waits for it instead of being refused.
func TestAccCredentialRevocation_savedPlanClusterBusy(t *testing.T) {
	e := newAccEnv(t)
	c := newSavedPlanCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Upgrading")
	back := time.AfterFunc(1500*time.Millisecond, func() { e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Available") })
	defer back.Stop()
	e.cloud.ResetRequests()
	c.must("apply", "-input=false", "-no-color", "tfplan")
	var refused, revokedProd int
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteRevoke && strings.Contains(r.Path, mockcloud.ProdClusterID) {
			if r.Status == 400 {
				refused++
			} else if r.Status/100 == 2 {
				revokedProd++
			}
		}
	}
	if refused != 0 || revokedProd != 1 {
		t.Errorf("prod: %d refused and %d accepted revocations, want 0 and 1", refused, revokedProd)
	}
	if n := len(e.cloud.Revocations()); n != savedPlanOthers+2 {
		t.Errorf("the mock holds %d revocations, want %d", n, savedPlanOthers+2)
	}
	if n := len(stateAddresses(t, c)); n != savedPlanOthers+2 {
		t.Errorf("state holds %d resources, want %d", n, savedPlanOthers+2)
	}
}

// A cluster deleted between plan and apply: the apply's checks explain it on
// cluster_id, and nothing of that cluster enters state.
func TestAccCredentialRevocation_savedPlanClusterDeleted(t *testing.T) {
	e := newAccEnv(t)
	c := newSavedPlanCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	e.cloud.DeleteCluster(mockcloud.StagingClusterID)
	out, code := c.run("apply", "-input=false", "-no-color", "tfplan")
	if code == 0 {
		t.Fatalf("apply succeeded on a deleted cluster:\n%s", out)
	}
	if !strings.Contains(out, "Cluster not found") || !strings.Contains(out, "cluster_id = \""+mockcloud.StagingClusterID+"\": no such cluster") {
		t.Errorf("the error does not explain the refusal:\n%s", out)
	}
	if got := stateAddresses(t, c); !slices.Equal(got, []string{"cce_credential_revocation.user"}) {
		t.Errorf("state holds %v, want only the prod revocation", got)
	}
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != 1 {
		t.Errorf("the mock saw %d revocation requests, want only prod's", n)
	}
}

// plan -generate-config-out (Terraform 1.5+, OpenTofu 1.6+) writes, for
// imported revocations, a configuration that is valid as written, and plans
// nothing once they are imported: other_id_type is null without other_id.
func TestAccCredentialRevocation_generatedConfigIsValid(t *testing.T) {
	e := newAccEnv(t)
	c := newCLI(t, e, filepath.Join("testdata", "generate_config"), "generate_config")
	imports := map[string]string{
		"user":            mockcloud.ProdClusterID + "/user/" + mockcloud.AliceUserID,
		"agency":          mockcloud.StagingClusterID + "/agency/" + mockcloud.OpsAgencyID,
		"other_as_agency": mockcloud.LegacyClusterID + "/other/" + mockcloud.OldVendorAgencyID + "/agency",
	}
	var hcl strings.Builder
	for name, id := range imports {
		fmt.Fprintf(&hcl, "import {\n  to = cce_credential_revocation.%s\n  id = %q\n}\n\n", name, id)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "imports.tf"), []byte(hcl.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	c.must("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf", "-out=tfplan")
	generated, err := os.ReadFile(filepath.Join(c.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(generated), `other_id_type = "`); got != 1 || !strings.Contains(string(generated), `other_id_type = "agency"`) {
		t.Errorf("other_id_type is set %d times, want only on the other ID:\n%s", got, generated)
	}
	c.must("apply", "-input=false", "-no-color", "tfplan")
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Errorf("after the import, the generated configuration plans changes (exit %d):\n%s\n%s", code, out, generated)
	}
	e.readOnly()
}

// stateAddresses lists the resource addresses in state.
func stateAddresses(t *testing.T, c *cli) []string {
	t.Helper()
	out, code := c.run("state", "list")
	if code != 0 {
		t.Fatalf("state list exited %d:\n%s", code, out)
	}
	return strings.Fields(out)
}
