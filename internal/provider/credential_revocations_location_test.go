package provider

import (
	"regexp"
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
	checks := locationChecks("cce_credential_revocations")
	for _, lr := range locatedRevocations {
		checks = append(checks, statecheck.ExpectKnownValue("cce_credential_revocations."+lr.name,
			entry("user/"+mockcloud.LeaverUserID, "applicant_name"), knownvalue.StringExact("dana.leaver")))
	}
	importStep := func(name, id string) resource.TestStep {
		return importVerifyStep(testConfig(t, "revocations_location.tf"), v, "cce_credential_revocations."+name, id, "revocations")
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

// A batch's region changed to one without its cluster stops the plan at
// region, naming where the revocations were made; a malformed region stops
// it before any request. Nothing is revoked again.
func TestAccCredentialRevocations_badLocation(t *testing.T) {
	e := newAccEnv(t)
	vars := func(nl string) config.Variables {
		return config.Variables{"region_endpoints": regionEndpointsVar(e.cloud), "user_id": config.StringVariable(mockcloud.LeaverUserID),
			"nl_region": config.StringVariable(nl)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: testConfig(t, "revocations_location.tf"), ConfigVariables: vars(mockcloud.RegionNL)},
			{
				Config: testConfig(t, "revocations_location.tf"), ConfigVariables: vars(mockcloud.RegionDE), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Error: Cluster not in region "eu-de".*with cce_credential_revocations\.nl,.*` +
					`region\s+=\s+var\.nl_region.*was made in\s+region\s+"eu-nl".*set\s+region\s+=\s+"eu-nl"\s+and\s+project_id\s+=\s+"` +
					mockcloud.ProjectIDNL + `"`),
			},
			{
				Config: testConfig(t, "revocations_location.tf"), ConfigVariables: vars("EU_NL"), PlanOnly: true,
				ExpectError: regexp.MustCompile(`Invalid region`),
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
	wantAllLocated(t, "after apply", stateLocations(t, c))

	providerMovesUnderRecords(t, e, c, `cce_credential_revocations.this["`+mockcloud.ProdClusterID+`"]`, func(what string) {
		wantAllLocated(t, what, stateLocations(t, c))
	})
}

// Batches recorded without a location: a refresh in a wrong project keeps
// them unchanged with a warning; in the provider's location the batch there
// takes it, the others are placed by their arguments at the next apply, and
// nothing is revoked again.
func TestAccCredentialRevocations_recordsFromBefore(t *testing.T) {
	e := newAccEnv(t)
	c := newLocatedBatchCLI(t, e)
	c.must("apply", "-auto-approve", "-input=false", "-no-color")
	placeRecordsFromBefore(t, e, c)
}
