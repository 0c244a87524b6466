package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// One provider block, batches on clusters in three regions and two projects
// of one region: each revocation reaches the CCE host of its region, the
// state keeps each batch's location, and import by an ID with @region or
// @region/project finds the batch there.
func TestAccCredentialRevocations_threeRegions(t *testing.T) {
	e := newAccEnv(t)
	v := config.Variables{"region_endpoints": regionEndpointsVar(e.cloud), "user_id": config.StringVariable(mockcloud.LeaverUserID)}
	var checks []statecheck.StateCheck
	for _, lr := range locatedRevocations {
		addr := "cce_credential_revocations." + lr.name
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("region"), knownvalue.StringExact(lr.region)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("project_id"), knownvalue.StringExact(lr.project)),
			statecheck.ExpectKnownValue(addr, entry("user/"+mockcloud.LeaverUserID, "applicant_name"), knownvalue.StringExact("dana.leaver")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_name"), knownvalue.NotNull()))
	}
	importStep := func(name, id string) resource.TestStep {
		return resource.TestStep{
			ResourceName: "cce_credential_revocations." + name, ImportState: true, ImportStateId: id,
			ImportStateVerify: true, ImportStateVerifyIgnore: []string{"revocations"},
			Config: testConfig(t, "revocations_location.tf"), ConfigVariables: v,
		}
	}
	leaver := "/user/" + mockcloud.LeaverUserID
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: testConfig(t, "revocations_location.tf"), ConfigVariables: v,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("cce_credential_revocations.home", tfjsonpath.New("region"), knownvalue.StringExact(mockcloud.Region)),
					plancheck.ExpectKnownValue("cce_credential_revocations.de", tfjsonpath.New("project_id"), knownvalue.StringExact(mockcloud.ProjectIDDE)),
					plancheck.ExpectKnownValue("cce_credential_revocations.nl", tfjsonpath.New("cluster_name"), knownvalue.StringExact("nl-prod")),
				}},
				ConfigStateChecks: checks,
				Check:             func(*terraform.State) error { return e.revokedOnTheirHosts() },
			},
			importStep("de_ops", mockcloud.DEOpsClusterID+leaver+"@"+mockcloud.RegionDE+"/"+mockcloud.ProjectIDDE2),
			importStep("nl", mockcloud.NLProdClusterID+leaver+"@"+mockcloud.RegionNL),
			importStep("home", mockcloud.ProdClusterID+leaver), // the form without a location
			{
				Config: testConfig(t, "revocations_location.tf"), ConfigVariables: v,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	if n := e.revokePosts(); n != len(locatedRevocations) {
		t.Errorf("the mock saw %d revocations, want %d", n, len(locatedRevocations))
	}
}

// An import ID whose location has no such cluster fails, naming the cluster;
// one whose location is malformed fails with the forms.
func TestAccCredentialRevocations_importLocationErrors(t *testing.T) {
	e := newAccEnv(t)
	v := config.Variables{"region_endpoints": regionEndpointsVar(e.cloud), "user_id": config.StringVariable(mockcloud.LeaverUserID)}
	step := func(id, want string) resource.TestStep {
		return resource.TestStep{
			ResourceName: "cce_credential_revocations.nl", ImportState: true, ImportStateId: id,
			Config: testConfig(t, "revocations_location.tf"), ConfigVariables: v, ExpectError: regexp.MustCompile(want),
		}
	}
	leaver := "/user/" + mockcloud.LeaverUserID
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			step(mockcloud.NLProdClusterID+leaver+"@"+mockcloud.RegionDE, `Cluster not found[\s\S]*`+mockcloud.NLProdClusterID),
			step(mockcloud.NLProdClusterID+leaver+"@eu-nl/nothex", `Invalid import ID[\s\S]*is not a project ID`),
		},
	})
	e.assertNoWrites()
}

// batchLocations returns region/project of every batch of testdata/batch in
// the state, by cluster ID.
func batchLocations(t *testing.T, c *cli) map[string]string {
	t.Helper()
	var show struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Index  string         `json:"index"`
					Values map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(c.must("show", "-json")), &show); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range show.Values.RootModule.Resources {
		out[r.Index] = fmt.Sprintf("%v/%v", r.Values["region"], r.Values["project_id"])
	}
	return out
}

func wantBatchesLocated(t *testing.T, what string, got map[string]string) {
	t.Helper()
	for _, lr := range locatedRevocations {
		if want := lr.region + "/" + lr.project; got[lr.cluster] != want {
			t.Errorf("%s: the batch of %s (%s) is at %q, want %q (all: %v)", what, lr.cluster, lr.name, got[lr.cluster], want, got)
		}
	}
}

// newLocatedBatchCLI prepares testdata/batch with one batch per cluster of
// locatedRevocations, each naming its region and project except the
// provider's own, which follows the provider.
func newLocatedBatchCLI(t *testing.T, e *accEnv) *cli {
	t.Helper()
	batches := map[string]any{}
	for _, lr := range locatedRevocations {
		b := map[string]any{"users": []string{mockcloud.LeaverUserID}}
		switch lr.name {
		case "home":
		case "de":
			b["region"] = lr.region // its project discovered by the region's name
		default:
			b["region"], b["project_id"] = lr.region, lr.project
		}
		batches[lr.cluster] = b
	}
	c := newBatchCLI(t, e, batches)
	c.writeVars("location", map[string]any{"region_endpoints": regionEndpoints(e.cloud)})
	return c
}

// A saved plan of batches in three regions applies in another process; then
// the provider's project, and its region, change under the records: every
// refresh keeps every record where it was made, and the plan refuses to move
// the batch that follows the provider to a place without its cluster.
func TestAccCredentialRevocations_providerLocationChanges(t *testing.T) {
	e := newAccEnv(t)
	c := newLocatedBatchCLI(t, e)
	out := c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	mustMatch(t, "the plan", out, `region\s+= "eu-nl"`, `project_id\s+= "`+mockcloud.ProjectIDDE+`"`)
	e.assertNoWrites()
	noProviderBug(t, c.must("apply", "-input=false", "-no-color", "tfplan"))
	if err := e.revokedOnTheirHosts(); err != nil {
		t.Fatal(err)
	}
	wantBatchesLocated(t, "after apply", batchLocations(t, c))

	// A wrong but existing project: the sandbox project of the same region, without clusters.
	c.setEnv("HW_PROJECT_ID", mockcloud.ProjectIDSandbox)
	c.must("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	wantBatchesLocated(t, "after a refresh in a wrong project", batchLocations(t, c))
	out, code := c.run("plan", "-input=false", "-no-color")
	if code == 0 {
		t.Fatalf("the plan moved the batch to a project without its cluster:\n%s", out)
	}
	mustMatch(t, "the plan in a wrong project", out, `Error: Cluster not in region "eu-west-101", project `+mockcloud.ProjectIDSandbox,
		`with cce_credential_revocations.this\["`+mockcloud.ProdClusterID+`"\]`,
		`set region = "eu-west-101" and project_id = "`+mockcloud.ProjectID+`"`)
	if strings.Count(out, "Error: ") != 1 {
		t.Errorf("only the batch that follows the provider may fail:\n%s", out)
	}

	// Another region: the provider moves to eu-de (its project discovered).
	ep := e.cloud.Endpoints()
	c.setEnv("HW_PROJECT_ID", "", "HW_REGION_NAME", mockcloud.RegionDE,
		"HW_CCE_ENDPOINT", ep.CCE[mockcloud.RegionDE], "HW_CTS_ENDPOINT", ep.CTS[mockcloud.RegionDE])
	c.must("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	wantBatchesLocated(t, "after a refresh in another region", batchLocations(t, c))
	out, code = c.run("plan", "-input=false", "-no-color")
	if code == 0 {
		t.Fatalf("the plan moved the batch to a region without its cluster:\n%s", out)
	}
	mustMatch(t, "the plan in another region", out, `Error: Cluster not in region "eu-de", project `+mockcloud.ProjectIDDE,
		`the provider's region or project_id changed`)
	if n := e.revokePosts(); n != len(locatedRevocations) {
		t.Errorf("the mock saw %d revocations, want %d", n, len(locatedRevocations))
	}
}

// Batches recorded without a location: a refresh in a wrong project keeps
// them unchanged with a warning; in the provider's location the batch there
// takes it, the others are placed by their arguments at the next apply, and
// nothing is revoked again.
func TestAccCredentialRevocations_recordsFromBefore(t *testing.T) {
	e := newAccEnv(t)
	c := newLocatedBatchCLI(t, e)
	c.must("apply", "-auto-approve", "-input=false", "-no-color")
	stripLocations(t, c)

	c.setEnv("HW_PROJECT_ID", mockcloud.ProjectIDSandbox)
	out := c.must("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	mustMatch(t, "the refresh", out, `Warning: Revocation record kept: cluster not found in the provider's location`)
	for cluster, at := range batchLocations(t, c) {
		if at != "<nil>/<nil>" {
			t.Errorf("the batch of %s was located at %q by a refresh that did not find it", cluster, at)
		}
	}

	c.setEnv("HW_PROJECT_ID", mockcloud.ProjectID)
	c.must("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	if got := batchLocations(t, c)[mockcloud.ProdClusterID]; got != mockcloud.Region+"/"+mockcloud.ProjectID {
		t.Errorf("the provider's batch after the refresh: %q", got)
	}
	noProviderBug(t, c.must("apply", "-auto-approve", "-input=false", "-no-color"))
	wantBatchesLocated(t, "after the apply", batchLocations(t, c))
	if n := e.revokePosts(); n != len(locatedRevocations) {
		t.Errorf("the mock saw %d revocations, want %d: a record from before was revoked again", n, len(locatedRevocations))
	}
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Errorf("plan after the records were placed (exit %d):\n%s", code, out)
	}
}
