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

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// asleepCluster is a hibernated cluster the offboarding tests add.
const asleepCluster = "c0000000-0000-4000-8000-0000000000b1"

// writeFile writes a file into the CLI's working directory.
func (c *cli) writeFile(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// writeVars writes variables as <name>.auto.tfvars.json.
func (c *cli) writeVars(name string, v map[string]any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.writeFile(name+".auto.tfvars.json", string(b))
}

// plannedChanges plans into a file and returns the resource changes other
// than no-ops and reads, as "address: actions".
func (c *cli) plannedChanges() []string {
	c.t.Helper()
	c.must("plan", "-input=false", "-no-color", "-out=check.tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(c.must("show", "-json", "check.tfplan")), &plan); err != nil {
		c.t.Fatalf("show -json: %s", err)
	}
	var changes []string
	for _, rc := range plan.ResourceChanges {
		if a := strings.Join(rc.Change.Actions, ","); a != "no-op" && a != "read" {
			changes = append(changes, rc.Address+": "+a)
		}
	}
	return changes
}

// saveKeep does what the module's README says after an apply:
//
//	echo "keep = $(terraform output -json keep)" > keep.auto.tfvars
func (c *cli) saveKeep() map[string]string {
	c.t.Helper()
	out := strings.TrimSpace(c.must("output", "-json", "keep"))
	c.writeFile("keep.auto.tfvars", "keep = "+out+"\n")
	var keep map[string]string
	if err := json.Unmarshal([]byte(out), &keep); err != nil {
		c.t.Fatalf("keep output: %s", err)
	}
	return keep
}

// The offboarding example on every cluster of the project (all_clusters): 20
// named leavers and the three identities deleted this week. prod, staging and
// legacy take revocations; old (v1.23.9-r0) and a hibernated cluster are
// reported with their reasons instead of failing the plan. Plan reads the
// cluster list once and each cluster at most once, apply sends exactly one
// POST per pair, and with keep saved, nothing is destroyed later when the
// identities leave the CTS window or the leaver list, or a cluster hibernates;
// a new cluster gets every kept identity revoked.
func TestAccExamples_offboarding(t *testing.T) {
	e := newAccEnv(t)
	e.cloud.PutCluster(mockcloud.Cluster{ID: asleepCluster, Name: "dev-asleep", Phase: "Hibernation",
		Version: "v1.28", PlatformVersion: "cce.3.0"})
	clusters := []string{mockcloud.ProdClusterID, mockcloud.StagingClusterID, mockcloud.LegacyClusterID}
	var names []string
	var want []mockcloud.Revocation
	for i := range 20 {
		id, name := fmt.Sprintf("1ea7e%027x", i+100), fmt.Sprintf("leaver-%02d", i)
		e.cloud.AddUser(mockcloud.User{ID: id, Name: name, Enabled: true})
		names = append(names, name)
		for _, cl := range clusters {
			want = append(want, mockcloud.Revocation{ClusterID: cl, UserID: id, RevokedBy: mockcloud.AdminUserID})
		}
	}
	for _, cl := range clusters {
		for _, d := range []mockcloud.Revocation{{UserID: mockcloud.ErinUserID}, {UserID: mockcloud.FrankOldUserID}, {AgencyID: mockcloud.OldVendorAgencyID}} {
			want = append(want, mockcloud.Revocation{ClusterID: cl, UserID: d.UserID, AgencyID: d.AgencyID, RevokedBy: mockcloud.AdminUserID})
		}
	}
	c := newExampleCLI(t, e, "offboarding")
	c.writeVars("leavers", map[string]any{"leaver_names": names})
	c.must("get", "-no-color") // installs the local module; no provider is downloaded

	out := c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	for _, w := range []string{
		`Skipped, nothing new is revoked there: .*dev-asleep \(` + asleepCluster + `, eu-west-101\): Cluster "dev-asleep" is hibernated;.*Wake the cluster up`,
		`old \(` + mockcloud.OldClusterID + `, eu-west-101\): Cluster "old" runs v1.23.9-r0.*needs v1.23.9-r10 or later`,
		`69 revocation\(s\) are not in keep yet`,
	} {
		if !re(w).MatchString(out) {
			t.Errorf("the plan does not warn %q:\n%s", w, out)
		}
	}
	if n := e.cloud.Count(mockcloud.RouteListClusters); n != 1 {
		t.Errorf("plan listed the clusters %d times, want once", n)
	}
	if n := clusterReads(e.cloud); n > len(clusters) {
		t.Errorf("plan read clusters %d times, want at most %d", n, len(clusters))
	}
	e.readOnly()

	e.cloud.ResetRequests()
	c.must("apply", "-input=false", "-no-color", "tfplan")
	if n := clusterReads(e.cloud); n > len(clusters) {
		t.Errorf("apply read clusters %d times, want at most %d", n, len(clusters))
	}
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != len(want) {
		t.Errorf("apply sent %d revocations, want exactly %d", n, len(want))
	}
	e.wantRevocations(want...)
	var revoked map[string]string
	c.output("revoked", &revoked)
	if got := revoked[mockcloud.StagingClusterID+"/"+mockcloud.OldVendorAgencyID]; got != "agency old-vendor on staging" {
		t.Errorf("revoked output for the deleted agency is %q", got)
	}
	var ineligible map[string]map[string]any
	c.output("ineligible_clusters", &ineligible)
	if len(ineligible) != 2 || ineligible[mockcloud.OldClusterID]["minimum_version"] != "v1.23.9-r10" ||
		ineligible[asleepCluster]["phase"] != "Hibernation" {
		t.Errorf("ineligible_clusters output: %v", ineligible)
	}
	keep := c.saveKeep()
	if len(keep) != len(want) || keep[mockcloud.ProdClusterID+"/"+mockcloud.OldVendorAgencyID] != "agency" {
		t.Errorf("keep output has %d entries (want %d): %v", len(keep), len(want), keep)
	}
	keepFile, err := os.ReadFile(filepath.Join(c.dir, "keep.auto.tfvars"))
	if err != nil {
		t.Fatal(err)
	}

	e.cloud.ResetRequests()
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 || strings.Contains(out, "not in keep yet") {
		t.Errorf("with keep saved, a second plan is not empty and quiet (exit %d):\n%s", code, out)
	}

	// A week later: the deleted identities left the CTS window (a 1h window
	// here, set by an override file), the leavers are no longer listed and one
	// of them was deleted, and prod hibernates. Kept revocations stay planned:
	// nothing changes.
	e.cloud.DeleteUser(fmt.Sprintf("1ea7e%027x", 100), mockcloud.AdminUserID)
	e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Hibernation")
	c.writeVars("leavers", map[string]any{"leaver_names": []string{}})
	c.writeFile("window_override.tf", "module \"offboarding\" {\n  revoke_deleted_within = \"1h\"\n}\n")
	if changes := c.plannedChanges(); len(changes) > 0 {
		t.Errorf("a week later with keep, the plan changes %d resources, first %s", len(changes), changes[0])
	}
	// Without keep, the same plan forgets the records of what aged out: the
	// hibernated prod's batch goes, staging and legacy keep only the deleted
	// leaver (one resource per cluster).
	if err := os.Remove(filepath.Join(c.dir, "keep.auto.tfvars")); err != nil {
		t.Fatal(err)
	}
	batch := func(id string) string { return `module.offboarding.cce_credential_revocations.this["` + id + `"]` }
	wantChanges := []string{batch(mockcloud.ProdClusterID) + ": delete", batch(mockcloud.StagingClusterID) + ": update",
		batch(mockcloud.LegacyClusterID) + ": update"}
	if changes := c.plannedChanges(); !slices.Equal(changes, wantChanges) {
		t.Errorf("without keep, the plan a week later changes %v, want %v", changes, wantChanges)
	}

	// With keep back, a new cluster gets a revocation of every kept identity:
	// one new resource, with 23 applicants (20 leavers, 3 deleted identities).
	c.writeFile("keep.auto.tfvars", string(keepFile))
	const newCluster = "c0000000-0000-4000-8000-0000000000b2"
	e.cloud.PutCluster(mockcloud.Cluster{ID: newCluster, Name: "new", Phase: mockcloud.PhaseAvailable,
		Version: "v1.29", PlatformVersion: "cce.2.0"})
	if changes := c.plannedChanges(); !slices.Equal(changes, []string{batch(newCluster) + ": create"}) {
		t.Errorf("a new cluster plans %v, want one create", changes)
	}
	if after, _ := plannedValues(t, c, batch(newCluster), "check.tfplan"); len(asMap(after["others"])) != 23 {
		t.Errorf("the new cluster's batch has %d applicants, want 23: %v", len(asMap(after["others"])), after["others"])
	}

	c.must("destroy", "-auto-approve", "-input=false", "-no-color")
	e.assertNoWrites()
	if n := len(e.cloud.Revocations()); n != len(want) {
		t.Errorf("after destroy the mock holds %d revocations, want %d", n, len(want))
	}
}

// The module with explicit cluster_ids, and each way its inputs can be wrong:
// every mistake stops the plan before anything is revoked.
func TestAccModules_offboardingInputs(t *testing.T) {
	e := newAccEnv(t)
	c := newExampleCLI(t, e, ".")
	if err := os.CopyFS(filepath.Join(c.dir, "by-id"), os.DirFS(filepath.Join("testdata", "offboarding_by_id"))); err != nil {
		t.Fatal(err)
	}
	c.dir = filepath.Join(c.dir, "by-id")
	c.must("get", "-no-color")

	for _, tc := range []struct {
		name string
		vars map[string]any
		want string
	}{
		{name: "unknown cluster", vars: map[string]any{"cluster_ids": []string{mockcloud.ProdClusterID, "00000000-0000-4000-8000-000000000000"}},
			want: `cluster_ids lists clusters this project does not have: 00000000-0000-4000-8000-000000000000. Check the IDs`},
		{name: "both selections", vars: map[string]any{"cluster_ids": []string{mockcloud.ProdClusterID}, "all_clusters": true},
			want: `Set either cluster_ids or all_clusters = true, not both.`},
		{name: "no selection", vars: map[string]any{},
			want: `Set either cluster_ids or all_clusters = true, not both.`},
		{name: "unknown leaver", vars: map[string]any{"all_clusters": true, "leaver_names": []string{"alice", "nobody"}},
			want: `Every name in leaver_names must be an IAM user, or one deleted within revoke_deleted_within: nobody is not.`},
		{name: "keep by hand", vars: map[string]any{"all_clusters": true, "keep": map[string]string{mockcloud.AliceUserID: "user"}},
			want: `Each key of keep is "<cluster ID>/<identity ID>"`},
	} {
		c.writeVars("test", tc.vars)
		out, code := c.run("plan", "-input=false", "-no-color")
		if code == 0 || !re(tc.want).MatchString(out) {
			t.Errorf("%s: plan exited %d, want an error matching %q:\n%s", tc.name, code, tc.want, out)
		}
	}
	e.assertNoWrites()

	// Explicit IDs: alice is cut off from prod; old is reported, not fatal.
	c.writeVars("test", map[string]any{"cluster_ids": []string{mockcloud.ProdClusterID, mockcloud.OldClusterID}})
	c.must("apply", "-auto-approve", "-input=false", "-no-color")
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.AliceUserID, RevokedBy: mockcloud.AdminUserID})
	var ineligible map[string]map[string]any
	c.output("ineligible_clusters", &ineligible)
	if len(ineligible) != 1 || ineligible[mockcloud.OldClusterID]["name"] != "old" {
		t.Errorf("ineligible_clusters output: %v", ineligible)
	}
}

// The offboarding example across three regions with one provider block: the
// leaver and this week's deletions are revoked on every eligible cluster of
// each region, each POST on its region's CCE host; the ineligible clusters of
// every region are reported with their region, and the leaver, whose IAM user
// is still enabled, is named. IAM is read once per provider process and each
// cluster at most once, whatever the number of regions.
func TestAccModules_offboardingAcrossRegions(t *testing.T) {
	e := newAccEnv(t)
	c := newExampleCLI(t, e, "offboarding")
	override, err := json.Marshal(map[string]any{"provider": map[string]any{"cce": map[string]any{"region_endpoints": regionEndpoints(e.cloud)}}})
	if err != nil {
		t.Fatal(err)
	}
	c.writeFile("provider_override.tf.json", string(override))
	c.writeVars("leavers", map[string]any{"leaver_names": []string{mockcloud.LeaverUserName}})
	c.must("get", "-no-color")

	regionOf := map[string]string{ // the eligible clusters of each region's own project
		mockcloud.ProdClusterID: mockcloud.Region, mockcloud.StagingClusterID: mockcloud.Region,
		mockcloud.LegacyClusterID: mockcloud.Region, mockcloud.DEProdClusterID: mockcloud.RegionDE,
		mockcloud.NLProdClusterID: mockcloud.RegionNL,
	}
	// One provider process per command: each reads each cluster at most once,
	// and IAM as often as a plan of the provider's region alone.
	clustersOnce := func(phase string) {
		t.Helper()
		reads := map[string]int{}
		for _, r := range e.cloud.Requests() {
			if r.Route == mockcloud.RouteGetCluster {
				reads[r.Path]++
			}
		}
		for k, n := range reads {
			if n > 1 {
				t.Errorf("%s: GET %s sent %d times, want at most once", phase, k, n)
			}
		}
	}
	c.writeVars("regions", map[string]any{"regions": []string{mockcloud.Region}})
	c.must("plan", "-input=false", "-no-color")
	iamOneRegion := e.iamRequests()
	e.cloud.ResetRequests()
	c.writeVars("regions", map[string]any{"regions": []string{mockcloud.Region, mockcloud.RegionDE, mockcloud.RegionNL}})
	out := c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	mustMatch(t, "the plan", out, `Still enabled in IAM: `+mockcloud.LeaverUserName+`\.`, `Disable the user in IAM before you revoke`,
		`de-old \(`+mockcloud.DEOldClusterID+`, eu-de\)`)
	e.readOnly()
	clustersOnce("plan")
	if n := e.iamRequests(); n > iamOneRegion {
		t.Errorf("the plan of three regions sent %d IAM requests, of one region %d: IAM must not grow with the regions", n, iamOneRegion)
	}
	e.cloud.ResetRequests()
	noProviderBug(t, c.must("apply", "-input=false", "-no-color", "tfplan"))
	clustersOnce("apply")
	if n := e.iamRequests(); n > iamOneRegion {
		t.Errorf("the apply of three regions sent %d IAM requests, a plan of one region %d", n, iamOneRegion)
	}

	var want []mockcloud.Revocation
	for cl := range regionOf {
		for _, d := range []mockcloud.Revocation{{UserID: mockcloud.LeaverUserID}, {UserID: mockcloud.ErinUserID},
			{UserID: mockcloud.FrankOldUserID}, {AgencyID: mockcloud.OldVendorAgencyID}} {
			want = append(want, mockcloud.Revocation{ClusterID: cl, UserID: d.UserID, AgencyID: d.AgencyID, RevokedBy: mockcloud.AdminUserID})
		}
	}
	e.wantRevocations(want...)
	perHost := map[string]int{}
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteRevoke {
			perHost[r.Host]++
			cl := strings.Split(strings.TrimPrefix(r.Path, "/api/v3/projects/"), "/")[2]
			if r.Host != "cce."+regionOf[cl] {
				t.Errorf("the revocation on %s reached %s, want cce.%s", cl, r.Host, regionOf[cl])
			}
		}
	}
	if want := map[string]int{"cce." + mockcloud.Region: 12, "cce." + mockcloud.RegionDE: 4, "cce." + mockcloud.RegionNL: 4}; !maps.Equal(perHost, want) {
		t.Errorf("revocations per host %v, want %v", perHost, want)
	}
	var ineligible map[string]map[string]any
	c.output("ineligible_clusters", &ineligible)
	if len(ineligible) != 3 || ineligible[mockcloud.DEOldClusterID]["region"] != mockcloud.RegionDE ||
		ineligible[mockcloud.NLLegacyClusterID]["project_id"] != mockcloud.ProjectIDNL || ineligible[mockcloud.OldClusterID]["region"] != mockcloud.Region {
		t.Errorf("ineligible_clusters output: %v", ineligible)
	}
	var enabled []string
	c.output("still_enabled", &enabled)
	if !slices.Equal(enabled, []string{mockcloud.LeaverUserName}) {
		t.Errorf("still_enabled output %v, want [%s]", enabled, mockcloud.LeaverUserName)
	}
	c.saveKeep()
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Errorf("with keep saved, a second plan is not empty (exit %d):\n%s", code, out)
	}
}
