package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

const clustersDS = "data.cce_clusters.this"

// Clusters added to the seeded four (legacy, old, prod, staging) by fleet().
const (
	asleepClusterID  = "c0000000-0000-4000-8000-0000000000a1"
	ancientClusterID = "c0000000-0000-4000-8000-0000000000a2"
	busyClusterID    = "c0000000-0000-4000-8000-0000000000a3"
	upgradeClusterID = "c0000000-0000-4000-8000-0000000000a4"
	mysteryClusterID = "c0000000-0000-4000-8000-0000000000a5"
	stalledClusterID = "c0000000-0000-4000-8000-0000000000a6"
	lineClusterID    = "c0000000-0000-4000-8000-0000000000a7"
)

// fleet adds clusters that cover every way a cluster can or cannot take a
// revocation: hibernated, on a line that never supports it, busy, with the
// full version only in upgradeinfo, with no full version at all, too old and
// in an error state at once, and v1.28+ with no patch level (any will do).
func fleet(c *mockcloud.Cloud) {
	for _, cl := range []mockcloud.Cluster{
		{ID: asleepClusterID, Name: "dev-asleep", Phase: "Hibernation", Version: "v1.28", PlatformVersion: "cce.3.0"},
		{ID: ancientClusterID, Name: "ancient", Phase: mockcloud.PhaseAvailable, Version: "v1.17.9-r0"},
		{ID: busyClusterID, Name: "busy", Phase: "Upgrading", Version: "v1.27", PlatformVersion: "cce.1.10"},
		{ID: upgradeClusterID, Name: "upgradeinfo-only", Phase: mockcloud.PhaseAvailable, Version: "v1.25",
			UpgradeRelease: "v1.25.5", UpgradePatch: "r0"},
		{ID: mysteryClusterID, Name: "mystery", Phase: mockcloud.PhaseAvailable, Version: "v1.25"},
		{ID: stalledClusterID, Name: "stalled", Phase: "Error", Version: "v1.25", PlatformVersion: "cce.4.0"},
		{ID: lineClusterID, Name: "line-only", Phase: mockcloud.PhaseAvailable, Version: "v1.29"},
	} {
		c.PutCluster(cl)
	}
}

// clusterIs asserts every attribute of clusters[i]; empty strings are null.
func clusterIs(i int, id, name, phase, version string, supported bool, minimum string, revocable bool, reason string) statecheck.StateCheck {
	str := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	var reasonCheck knownvalue.Check = knownvalue.Null()
	if reason != "" {
		reasonCheck = knownvalue.StringRegexp(re(reason))
	}
	return statecheck.ExpectKnownValue(clustersDS, tfjsonpath.New("clusters").AtSliceIndex(i), knownvalue.ObjectExact(
		map[string]knownvalue.Check{
			"id": knownvalue.StringExact(id), "name": knownvalue.StringExact(name), "phase": knownvalue.StringExact(phase),
			"version": str(version), "revocation_supported": knownvalue.Bool(supported), "minimum_version": str(minimum),
			"revocable": knownvalue.Bool(revocable), "reason": reasonCheck,
			"region": knownvalue.StringExact(mockcloud.Region), "project_id": knownvalue.StringExact(mockcloud.ProjectID),
		}))
}

func clusterIDs(ids ...string) statecheck.StateCheck {
	vals := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		vals[i] = knownvalue.StringExact(id)
	}
	return statecheck.ExpectKnownValue(clustersDS, tfjsonpath.New("ids"), knownvalue.ListExact(vals))
}

func clustersStep(t *testing.T, v config.Variables, checks ...statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{Config: testConfig(t, "clusters.tf"), ConfigVariables: v, ConfigStateChecks: checks}
}

// Every cluster, sorted by name, each judged as cce_credential_revocation
// would judge it at plan; one list call, and upgradeinfo only for the two
// clusters whose list entry has no full version.
func TestAccClusters_all(t *testing.T) {
	e := newAccEnv(t)
	fleet(e.cloud)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{clustersStep(t, config.Variables{},
			clusterIDs(ancientClusterID, busyClusterID, asleepClusterID, mockcloud.LegacyClusterID, lineClusterID, mysteryClusterID,
				mockcloud.OldClusterID, mockcloud.ProdClusterID, mockcloud.StagingClusterID, stalledClusterID, upgradeClusterID),
			clusterIs(0, ancientClusterID, "ancient", "Available", "v1.17.9-r0", false, "", false,
				`^Cluster "ancient" runs v1.17.9-r0 \(read from version\)\. No v1.17 patch can revoke credentials; .*Upgrade the cluster to a supported line, then apply again\.$`),
			clusterIs(1, busyClusterID, "busy", "Upgrading", "v1.27.1-r10", true, "", true, ""),
			clusterIs(2, asleepClusterID, "dev-asleep", "Hibernation", "v1.28.3-r0", true, "", false,
				`^Cluster "dev-asleep" is hibernated; CCE revokes credentials only on an Available cluster, and this does not end by itself. Wake the cluster up in the CCE console, then apply again.$`),
			clusterIs(3, mockcloud.LegacyClusterID, "legacy", "Available", "v1.19.16-r50", true, "", true, ""),
			clusterIs(4, lineClusterID, "line-only", "Available", "v1.29", true, "", true, ""),
			clusterIs(5, mysteryClusterID, "mystery", "Available", "", false, "", false,
				`^Cluster "mystery" reports version "v1.25" without a patch level \(platform version ""\), and CCE has no upgrade information for it, which would give the patch level\. On the v1.25 line only v1.25.4-r10 or later can revoke credentials, .*Check the cluster's version in the CCE console`),
			clusterIs(6, mockcloud.OldClusterID, "old", "Available", "v1.23.9-r0", false, "v1.23.9-r10", false,
				`^Cluster "old" runs v1.23.9-r0 \(read from .*\)\. On the v1.23 line, credential revocation needs v1.23.9-r10 or later: upgrade the cluster's patch version, then apply again\.$`),
			clusterIs(7, mockcloud.ProdClusterID, "prod", "Available", "v1.28.3-r0", true, "", true, ""),
			clusterIs(8, mockcloud.StagingClusterID, "staging", "Available", "v1.25.4-r10", true, "", true, ""),
			clusterIs(9, stalledClusterID, "stalled", "Error", "v1.25.4-r0", false, "v1.25.4-r10", false,
				`^Cluster "stalled" is in an error state; .* Repair the cluster.* Cluster "stalled" runs v1.25.4-r0 .*needs v1.25.4-r10 or later`),
			clusterIs(10, upgradeClusterID, "upgradeinfo-only", "Available", "v1.25.5-r0", true, "", true, ""),
		)},
	})
	e.readOnly()
	// Each step refreshes and plans again: every read repeats the same calls.
	lists, upgradeinfos := e.cloud.Count(mockcloud.RouteListClusters), e.cloud.Count(mockcloud.RouteUpgradeInfo)
	if lists == 0 || upgradeinfos != 2*lists {
		t.Errorf("%d list calls and %d upgradeinfo reads; want two upgradeinfo reads (upgradeinfo-only, mystery) per list", lists, upgradeinfos)
	}
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteUpgradeInfo && !strings.Contains(r.Path, upgradeClusterID) && !strings.Contains(r.Path, mysteryClusterID) {
			t.Errorf("upgradeinfo read %s for a cluster whose list entry has its full version", r.Path)
		}
	}
	if n := clusterReads(e.cloud); n != 0 {
		t.Errorf("%d single-cluster reads; the list has everything", n)
	}
}

func TestAccClusters_filters(t *testing.T) {
	e := newAccEnv(t)
	fleet(e.cloud)
	phases := func(p ...string) config.Variable {
		vals := make([]config.Variable, len(p))
		for i, s := range p {
			vals[i] = config.StringVariable(s)
		}
		return config.ListVariable(vals...)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			clustersStep(t, config.Variables{"name_regex": config.StringVariable("^(prod|staging|dev-.*)$")},
				clusterIDs(asleepClusterID, mockcloud.ProdClusterID, mockcloud.StagingClusterID)),
			clustersStep(t, config.Variables{"phases": phases("Hibernation", "Error")},
				clusterIDs(asleepClusterID, stalledClusterID)),
			clustersStep(t, config.Variables{"phases": phases("Available"), "name_regex": config.StringVariable("(?i)^P")},
				clusterIDs(mockcloud.ProdClusterID)),
			clustersStep(t, config.Variables{"name_regex": config.StringVariable("^nothing-matches$")},
				clusterIDs(),
				statecheck.ExpectKnownValue(clustersDS, tfjsonpath.New("clusters"), knownvalue.ListExact(nil))),
		},
	})
	e.readOnly()
	// Filtered-out clusters cost nothing: upgradeinfo-only and mystery never matched.
	if n := e.cloud.Count(mockcloud.RouteUpgradeInfo); n != 0 {
		t.Errorf("%d upgradeinfo reads for clusters that the filters dropped", n)
	}
}

// An upgradeinfo read that fails for another reason than a missing answer
// fails the data source, naming the cluster.
func TestAccClusters_upgradeInfoFails(t *testing.T) {
	e := newAccEnv(t)
	fleet(e.cloud)
	e.cloud.SetFaults(1, mockcloud.Fault{Route: mockcloud.RouteUpgradeInfo, Kind: mockcloud.FaultStatus503, Probability: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "clusters.tf"), PlanOnly: true,
			ExpectError: re(`Cannot tell a cluster's version.*Cluster "mystery" \(` + mysteryClusterID + `\) reports version "v1.25".*HTTP 503`),
		}},
	})
	e.readOnly()
}

// A list call that keeps failing fails the data source with the API's answer.
func TestAccClusters_listFails(t *testing.T) {
	e := newAccEnv(t)
	e.cloud.SetFaults(1, mockcloud.Fault{Route: mockcloud.RouteListClusters, Kind: mockcloud.FaultStatus503, Probability: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "clusters.tf"), PlanOnly: true,
			ExpectError: re(`Cannot list clusters.*retried only for throttling and server errors.*HTTP 503`),
		}},
	})
	e.readOnly()
	// HW_MAX_RETRIES is 2 in tests: the first try and two retries.
	if n := e.cloud.Count(mockcloud.RouteListClusters); n != 3 {
		t.Errorf("%d list calls, want 3", n)
	}
}
