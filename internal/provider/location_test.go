package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// regionEndpoints is the provider's region_endpoints for every region of the
// mock, the provider's own included (a test may move the provider away).
func regionEndpoints(c *mockcloud.Cloud) map[string]any {
	ep := c.Endpoints()
	out := map[string]any{}
	for _, r := range mockcloud.Regions() {
		out[r] = map[string]any{"cce": ep.CCE[r], "cts": ep.CTS[r]}
	}
	return out
}

func regionEndpointsVar(c *mockcloud.Cloud) config.Variable {
	out := map[string]config.Variable{}
	ep := c.Endpoints()
	for _, r := range mockcloud.Regions() {
		out[r] = config.ObjectVariable(map[string]config.Variable{
			"cce": config.StringVariable(ep.CCE[r]), "cts": config.StringVariable(ep.CTS[r]),
		})
	}
	return config.MapVariable(out)
}

// locatedRevocations are the revocations of testdata/location.tf: address,
// cluster, region and project.
var locatedRevocations = []struct{ name, cluster, region, project string }{
	{"home", mockcloud.ProdClusterID, mockcloud.Region, mockcloud.ProjectID},
	{"de", mockcloud.DEProdClusterID, mockcloud.RegionDE, mockcloud.ProjectIDDE},
	{"de_ops", mockcloud.DEOpsClusterID, mockcloud.RegionDE, mockcloud.ProjectIDDE2},
	{"nl", mockcloud.NLProdClusterID, mockcloud.RegionNL, mockcloud.ProjectIDNL},
}

// revokedOnTheirHosts checks that the mock saw exactly one revocation per
// cluster of testdata/location.tf, on the CCE host of its region and in the
// path of its project.
func (e *accEnv) revokedOnTheirHosts() error {
	seen := map[string]string{}
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteRevoke {
			if _, dup := seen[r.Path]; dup {
				return fmt.Errorf("%s sent twice", r.Path)
			}
			seen[r.Path] = r.Host
		}
	}
	for _, lr := range locatedRevocations {
		path := "/api/v3/projects/" + lr.project + "/clusters/" + lr.cluster + "/clustercertrevoke"
		if seen[path] != "cce."+lr.region {
			return fmt.Errorf("POST %s reached host %q, want cce.%s (all: %v)", path, seen[path], lr.region, seen)
		}
	}
	if len(seen) != len(locatedRevocations) {
		return fmt.Errorf("%d revocations sent, want %d: %v", len(seen), len(locatedRevocations), seen)
	}
	return nil
}

// locationChecks checks region, project_id and cluster_name of the
// resources of type typ named after locatedRevocations.
func locationChecks(typ string) []statecheck.StateCheck {
	var out []statecheck.StateCheck
	for _, lr := range locatedRevocations {
		addr := typ + "." + lr.name
		out = append(out,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("region"), knownvalue.StringExact(lr.region)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("project_id"), knownvalue.StringExact(lr.project)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_name"), knownvalue.NotNull()))
	}
	return out
}

// importVerifyStep imports addr by id under config and compares the result
// with the state, but for the attributes in ignore.
func importVerifyStep(config string, v config.Variables, addr, id string, ignore ...string) resource.TestStep {
	return resource.TestStep{
		ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true, ImportStateVerifyIgnore: ignore,
		Config: config, ConfigVariables: v,
	}
}

// One provider block revokes a person on clusters in three regions and two
// projects of one region; each revocation reaches the CCE host of its region
// and is imported again by an ID that names its location.
func TestAccLocation_oneProviderThreeRegions(t *testing.T) {
	e := newAccEnv(t)
	v := config.Variables{"region_endpoints": regionEndpointsVar(e.cloud), "user_id": config.StringVariable(mockcloud.LeaverUserID)}
	importStep := func(name, id string) resource.TestStep {
		return importVerifyStep(testConfig(t, "location.tf"), v, "cce_credential_revocation."+name, id, "revoked_at", "revoked_by")
	}
	leaver := "/user/" + mockcloud.LeaverUserID
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: testConfig(t, "location.tf"), ConfigVariables: v,
				ConfigStateChecks: locationChecks("cce_credential_revocation"),
				Check:             func(*terraform.State) error { return e.revokedOnTheirHosts() },
			},
			importStep("de_ops", mockcloud.DEOpsClusterID+leaver+"@"+mockcloud.RegionDE+"/"+mockcloud.ProjectIDDE2),
			importStep("nl", mockcloud.NLProdClusterID+leaver+"@"+mockcloud.RegionNL),
			importStep("home", mockcloud.ProdClusterID+leaver), // the form from before locations
		},
	})
	if n := e.revokePosts(); n != len(locatedRevocations) {
		t.Errorf("the mock saw %d revocations, want %d", n, len(locatedRevocations))
	}
}

// An identity with a region imports the revocation of that region.
func TestAccLocation_importByIdentityWithRegion(t *testing.T) {
	e := newAccEnv(t)
	v := config.Variables{"region_endpoints": regionEndpointsVar(e.cloud), "user_id": config.StringVariable(mockcloud.LeaverUserID)}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{identityCLI},
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: testConfig(t, "location.tf"), ConfigVariables: v,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity("cce_credential_revocation.de_ops",
					map[string]knownvalue.Check{
						"cluster_id": knownvalue.StringExact(mockcloud.DEOpsClusterID), "applicant_type": knownvalue.StringExact("user"),
						"applicant_id": knownvalue.StringExact(mockcloud.LeaverUserID), "region": knownvalue.StringExact(mockcloud.RegionDE),
						"project_id": knownvalue.StringExact(mockcloud.ProjectIDDE2),
					})},
			},
			{
				ResourceName: "cce_credential_revocation.de_ops", ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity, Config: testConfig(t, "location.tf"), ConfigVariables: v,
			},
			{
				ResourceName: "cce_credential_revocation.nl", ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity, Config: testConfig(t, "location.tf"), ConfigVariables: v,
			},
		},
	})
}

// newLocationCLI prepares testdata/location_cli for the CLI under test.
func newLocationCLI(t *testing.T, e *accEnv) *cli {
	t.Helper()
	c := newCLI(t, e, filepath.Join("testdata", "location_cli"), "location")
	b, err := os.ReadFile(filepath.Join("testdata", "location.tf"))
	if err != nil {
		t.Fatal(err)
	}
	c.writeFile("location.tf", string(b))
	c.writeVars("location", map[string]any{"region_endpoints": regionEndpoints(e.cloud), "user_id": mockcloud.LeaverUserID})
	return c
}

// setEnv replaces (or with "" removes) environment variables of the CLI's
// next commands.
func (c *cli) setEnv(kv ...string) {
	drop := map[string]bool{}
	for i := 0; i+1 < len(kv); i += 2 {
		drop[kv[i]] = true
	}
	env := c.env[:0:0]
	for _, e := range c.env {
		if name, _, _ := strings.Cut(e, "="); !drop[name] {
			env = append(env, e)
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			env = append(env, kv[i]+"="+kv[i+1])
		}
	}
	c.env = env
}

// shownResource is a resource of `show -json`'s state.
type shownResource struct {
	Type   string         `json:"type"`
	Name   string         `json:"name"`
	Index  any            `json:"index"` // for_each key or count index; nil without
	Values map[string]any `json:"values"`
}

// shownResources returns the resources of the root module's state.
func shownResources(t *testing.T, c *cli) []shownResource {
	t.Helper()
	var show struct {
		Values struct {
			RootModule struct {
				Resources []shownResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(c.must("show", "-json")), &show); err != nil {
		t.Fatal(err)
	}
	return show.Values.RootModule.Resources
}

// stateLocations returns region/project of every revocation in the state,
// by resource name, or by index for the instances of a for_each.
func stateLocations(t *testing.T, c *cli) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range shownResources(t, c) {
		key := r.Name
		if r.Index != nil {
			key = fmt.Sprint(r.Index)
		}
		out[key] = fmt.Sprintf("%v/%v", r.Values["region"], r.Values["project_id"])
	}
	return out
}

// locatedKey is the key of a revocation in stateLocations: its name, or its
// cluster ID for the instances of a for_each over the clusters.
func locatedKey(got map[string]string, name, cluster string) string {
	if _, ok := got[name]; ok {
		return name
	}
	return cluster
}

// wantAllLocated checks the locations of locatedRevocations in got, keyed by
// their names, or by their cluster IDs (a for_each over the clusters).
func wantAllLocated(t *testing.T, what string, got map[string]string) {
	t.Helper()
	for _, lr := range locatedRevocations {
		key := locatedKey(got, lr.name, lr.cluster)
		if want := lr.region + "/" + lr.project; got[key] != want {
			t.Errorf("%s: %s is at %q, want %q (all: %v)", what, key, got[key], want, got)
		}
	}
}

// A saved plan with regions applies in another process; then the provider's
// project, and its region, change under the records: every refresh keeps every
// record where it was made, and the plan refuses to move the one that follows
// the provider to a place without its cluster, saying how to keep it.
func TestAccLocation_providerLocationChanges(t *testing.T) {
	e := newAccEnv(t)
	c := newLocationCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	e.assertNoWrites()
	noProviderBug(t, c.must("apply", "-input=false", "-no-color", "tfplan"))
	if err := e.revokedOnTheirHosts(); err != nil {
		t.Fatal(err)
	}
	wantAllLocated(t, "after apply", stateLocations(t, c))

	providerMovesUnderRecords(t, e, c, "cce_credential_revocation.home", func(what string) {
		wantAllLocated(t, what, stateLocations(t, c))
	})
}

// providerMovesUnderRecords changes the provider's project, then its region,
// under the records c applied: every refresh keeps every record where it was
// made (check), and the plan refuses to move the one at address home, which
// follows the provider, to a place without its cluster, saying how to keep
// it. Nothing is revoked again.
func providerMovesUnderRecords(t *testing.T, e *accEnv, c *cli, home string, check func(what string)) {
	t.Helper()
	revoked := e.revokePosts()
	// A wrong but existing project: the sandbox project of the same region, without clusters.
	c.setEnv("HW_PROJECT_ID", mockcloud.ProjectIDSandbox)
	c.must("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	check("after a refresh in a wrong project")
	out, code := c.run("plan", "-input=false", "-no-color")
	if code == 0 {
		t.Fatalf("the plan moved the record to a project without its cluster:\n%s", out)
	}
	keep := `set region = "eu-west-101" and project_id = "` + mockcloud.ProjectID + `"`
	mustMatch(t, "the plan in a wrong project", out, `Error: Cluster not in region "eu-west-101", project `+mockcloud.ProjectIDSandbox,
		`with `+regexp.QuoteMeta(home), mockcloud.ProdClusterID, keep)
	if strings.Count(out, "Error: ") != 1 {
		t.Errorf("only the record that follows the provider may fail:\n%s", out)
	}

	// Another region: the provider moves to eu-de (its project discovered).
	ep := e.cloud.Endpoints()
	c.setEnv("HW_PROJECT_ID", "", "HW_REGION_NAME", mockcloud.RegionDE,
		"HW_CCE_ENDPOINT", ep.CCE[mockcloud.RegionDE], "HW_CTS_ENDPOINT", ep.CTS[mockcloud.RegionDE])
	c.must("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	check("after a refresh in another region")
	out, code = c.run("plan", "-input=false", "-no-color")
	if code == 0 {
		t.Fatalf("the plan moved the record to a region without its cluster:\n%s", out)
	}
	mustMatch(t, "the plan in another region", out, `Error: Cluster not in region "eu-de", project `+mockcloud.ProjectIDDE,
		`with `+regexp.QuoteMeta(home), `the provider's region or project_id changed`, keep)
	if n := e.revokePosts(); n != revoked {
		t.Errorf("the mock saw %d revocations, want %d", n, revoked)
	}
}

// stripLocations removes region and project_id from every resource of the
// state file, and from its identity, as a state written before locations.
func stripLocations(t *testing.T, c *cli) {
	t.Helper()
	p := filepath.Join(c.dir, "terraform.tfstate")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	resources, _ := st["resources"].([]any)
	for _, r := range resources {
		rm, _ := r.(map[string]any)
		instances, _ := rm["instances"].([]any)
		for _, inst := range instances {
			m, _ := inst.(map[string]any)
			if _, ok := m["identity"]; ok {
				m["identity_schema_version"] = 0 // as the provider stored it before region and project_id
			}
			for _, key := range []string{"attributes", "identity"} {
				if attrs, ok := m[key].(map[string]any); ok {
					delete(attrs, "region")
					delete(attrs, "project_id")
				}
			}
		}
	}
	serial, _ := st["serial"].(float64)
	st["serial"] = serial + 1
	if b, err = json.MarshalIndent(st, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Records from before locations: a refresh in the provider's location records
// it where it finds the cluster, and keeps the record unchanged, with a
// warning, where CCE does not know the cluster.
func TestAccLocation_recordsFromBefore(t *testing.T) {
	e := newAccEnv(t)
	c := newLocationCLI(t, e)
	c.must("apply", "-auto-approve", "-input=false", "-no-color")
	placeRecordsFromBefore(t, e, c)
}

// placeRecordsFromBefore strips the locations from the records c applied
// (locatedRevocations), as a state written before locations: a refresh in a
// wrong but existing project keeps them unchanged with a warning; one in the
// provider's location places the record of the provider's cluster there; the
// next apply places the others, whose configuration names their location,
// and revokes nothing again.
func placeRecordsFromBefore(t *testing.T, e *accEnv, c *cli) {
	t.Helper()
	stripLocations(t, c)
	c.setEnv("HW_PROJECT_ID", mockcloud.ProjectIDSandbox)
	out := c.must("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	mustMatch(t, "the refresh", out, `Warning: Revocation record kept: cluster not found in the provider's location`)
	for key, at := range stateLocations(t, c) {
		if at != "<nil>/<nil>" {
			t.Errorf("%s: located at %q by a refresh that did not find it", key, at)
		}
	}

	c.setEnv("HW_PROJECT_ID", mockcloud.ProjectID)
	c.must("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	got := stateLocations(t, c)
	if home := locatedRevocations[0]; got[locatedKey(got, home.name, home.cluster)] != mockcloud.Region+"/"+mockcloud.ProjectID {
		t.Errorf("the provider's record after the refresh: %v", got)
	}
	noProviderBug(t, c.must("apply", "-auto-approve", "-input=false", "-no-color"))
	wantAllLocated(t, "after the apply", stateLocations(t, c))
	if n := e.revokePosts(); n != len(locatedRevocations) {
		t.Errorf("the mock saw %d revocations, want %d: a record from before was revoked again", n, len(locatedRevocations))
	}
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Errorf("plan after the records were placed (exit %d):\n%s", code, out)
	}
}

// cce_clusters lists several regions in one read, each cluster with its
// region, project and eligibility; IAM is asked as often as for one region.
func TestAccLocation_clustersOfSeveralRegions(t *testing.T) {
	e := newAccEnv(t)
	regionsVar := func(r ...string) config.Variable {
		vals := make([]config.Variable, len(r))
		for i, s := range r {
			vals[i] = config.StringVariable(s)
		}
		return config.ListVariable(vals...)
	}
	const ds = "data.cce_clusters.this"
	var iamOne int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:          testConfig(t, "clusters_regions.tf"),
				ConfigVariables: config.Variables{"region_endpoints": regionEndpointsVar(e.cloud)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("regions"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(mockcloud.Region)})),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("project_id"), knownvalue.StringExact(mockcloud.ProjectID)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("clusters"), knownvalue.ListSizeExact(4)),
				},
				Check: func(*terraform.State) error { iamOne = e.iamRequests(); return nil },
			},
			{
				PreConfig: func() { e.cloud.ResetRequests() },
				Config:    testConfig(t, "clusters_regions.tf"),
				ConfigVariables: config.Variables{"region_endpoints": regionEndpointsVar(e.cloud),
					"regions": regionsVar(mockcloud.Region, mockcloud.RegionDE, mockcloud.RegionNL)},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("project_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("clusters"), knownvalue.ListSizeExact(8)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("clusters").AtSliceIndex(4), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("de-old"), "region": knownvalue.StringExact(mockcloud.RegionDE),
						"project_id": knownvalue.StringExact(mockcloud.ProjectIDDE), "revocable": knownvalue.Bool(false),
						"minimum_version": knownvalue.StringExact("v1.23.9-r10"),
					})),
					statecheck.ExpectKnownOutputValue("revocable", knownvalue.MapExact(map[string]knownvalue.Check{
						"legacy":  knownvalue.StringExact(mockcloud.Region + "/" + mockcloud.ProjectID),
						"prod":    knownvalue.StringExact(mockcloud.Region + "/" + mockcloud.ProjectID),
						"staging": knownvalue.StringExact(mockcloud.Region + "/" + mockcloud.ProjectID),
						"de-prod": knownvalue.StringExact(mockcloud.RegionDE + "/" + mockcloud.ProjectIDDE),
						"nl-prod": knownvalue.StringExact(mockcloud.RegionNL + "/" + mockcloud.ProjectIDNL),
					})),
				},
				Check: func(*terraform.State) error {
					if n := e.iamRequests(); n > iamOne {
						return fmt.Errorf("IAM saw %d requests for three regions, %d for one: it must not grow with the regions", n, iamOne)
					}
					return nil
				},
			},
		},
	})
}

// iamRequests counts the requests IAM saw, but the project look-ups (one
// per region by design).
func (e *accEnv) iamRequests() int {
	n := 0
	for _, r := range e.cloud.Requests() {
		if r.Host == "iam" && r.Route != mockcloud.RouteProjects {
			n++
		}
	}
	return n
}

// optionalString is a string value, null for "".
func optionalString(s string) tftypes.Value {
	if s == "" {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, s)
}

// The data sources and cce_cluster_credential work in the region and project
// they name, on that region's hosts, and keep them in the state.
func TestAccLocation_otherObjects(t *testing.T) {
	e := newAccEnv(t)
	v := config.Variables{"region_endpoints": regionEndpointsVar(e.cloud)}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "location_objects.tf"), ConfigVariables: v,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.cce_caller_identity.nl", tfjsonpath.New("project_id"), knownvalue.StringExact(mockcloud.ProjectIDNL)),
				statecheck.ExpectKnownValue("data.cce_caller_identity.nl", tfjsonpath.New("user_id"), knownvalue.StringExact(mockcloud.AdminUserID)),
				statecheck.ExpectKnownValue("data.cce_certificate_applicants.de", tfjsonpath.New("project_id"), knownvalue.StringExact(mockcloud.ProjectIDDE)),
				statecheck.ExpectKnownValue("data.cce_certificate_applicants.de", tfjsonpath.New("cluster_version"), knownvalue.StringExact("v1.28.3-r0")),
				statecheck.ExpectKnownValue("cce_cluster_credential.ops", tfjsonpath.New("region"), knownvalue.StringExact(mockcloud.RegionDE)),
				statecheck.ExpectKnownValue("cce_cluster_credential.ops", tfjsonpath.New("project_id"), knownvalue.StringExact(mockcloud.ProjectIDDE2)),
			},
			Check: e.requestsCheck(func(reqs []mockcloud.Request) error {
				hosts := map[string]map[string]bool{}
				for _, r := range reqs {
					if hosts[r.Route] == nil {
						hosts[r.Route] = map[string]bool{}
					}
					hosts[r.Route][r.Host] = true
				}
				for route, want := range map[string]string{
					mockcloud.RouteClusterCert: "cce." + mockcloud.RegionDE, mockcloud.RouteListTraces: "cts." + mockcloud.RegionDE,
					mockcloud.RouteGetCluster: "cce." + mockcloud.RegionDE,
				} {
					if len(hosts[route]) != 1 || !hosts[route][want] {
						return fmt.Errorf("%s reached %v, want only %s", route, hosts[route], want)
					}
				}
				return nil
			}),
		}},
	})
}

// The action revokes in the region it names, on that region's CCE host.
func TestAccLocation_actionInAnotherRegion(t *testing.T) {
	e := newAccEnv(t)
	c := actionCLI(t, e, "revoke_action")
	c.writeVars("location", map[string]any{"region_endpoints": regionEndpoints(e.cloud)})
	out, code := c.invoke("cluster_id="+mockcloud.NLProdClusterID, "user_id="+mockcloud.BobUserID, "region="+mockcloud.RegionNL)
	if code != 0 {
		t.Fatalf("apply -invoke exited %d:\n%s", code, out)
	}
	mustMatch(t, "the invocation", out, `revoked every credential user `+mockcloud.BobUserID+` downloaded for cluster "nl-prod"`)
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteRevoke && (r.Host != "cce."+mockcloud.RegionNL || !strings.Contains(r.Path, mockcloud.ProjectIDNL)) {
			t.Errorf("the revocation reached %s %s, want eu-nl's host and project", r.Host, r.Path)
		}
	}
	if n := e.revokePosts(); n != 1 {
		t.Errorf("the mock saw %d revocation requests, want 1", n)
	}
}

// An identity stored before region and project_id (version 0) upgrades to
// one with both null.
func TestCredentialRevocation_oldIdentityUpgrades(t *testing.T) {
	server, _, _ := protocolServer(t, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	old := fmt.Sprintf(`{"cluster_id":%q,"applicant_type":"user","applicant_id":%q}`, mockcloud.ProdClusterID, mockcloud.LeaverUserID)
	resp, err := server.UpgradeResourceIdentity(t.Context(), &tfprotov6.UpgradeResourceIdentityRequest{
		TypeName: "cce_credential_revocation", Version: 0, RawIdentity: &tfprotov6.RawState{JSON: []byte(old)},
	})
	failOnDiags(t, "upgrade identity", resp.Diagnostics, err)
	got := identityAttrs(t, server, resp.UpgradedIdentity.IdentityData)
	if got["cluster_id"] != mockcloud.ProdClusterID || got["applicant_id"] != mockcloud.LeaverUserID || got["applicant_type"] != "user" ||
		got["region"] != "" || got["project_id"] != "" {
		t.Errorf("upgraded identity %v", got)
	}
}
