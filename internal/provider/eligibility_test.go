package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// One table of clusters through every object that judges whether a cluster
// can take a revocation: the revocation's plan (checkCluster, which the
// single and the batch resource and the action share), cce_clusters
// (assessIn) and cce_certificate_applicants (readCluster). All must reach
// the same verdict, in the same words: the plan's errors are the reasons
// cce_clusters gives, and cce_certificate_applicants reports the version and
// support cce_clusters does.
func TestEligibility_oneVerdictEverywhere(t *testing.T) {
	cloud := mockcloud.NewForTest(t)
	fleet(cloud)
	const lockedID = "c0ffee00-0000-4000-8000-00000000000b"
	cloud.PutCluster(mockcloud.Cluster{ID: lockedID, Name: "frozen", Phase: mockcloud.PhaseAvailable, Version: "v1.28.3-r0",
		Locked: true, LockScene: "ARREARAGE"})
	engine := engineFor(t, cloud, cloud.URL())

	cases := []struct {
		id, name  string
		eligible  bool
		supported *bool  // nil: the version cannot be told
		version   string // as every object reports it
		reason    string // a regexp the reason (and the plan's error) must match; "" when eligible
	}{
		{mockcloud.ProdClusterID, "prod", true, yes, "v1.28.3-r0", ""},
		{busyClusterID, "busy", true, yes, "v1.27.1-r10", ""},
		{lineClusterID, "line-only", true, yes, "v1.29", ""},
		{upgradeClusterID, "upgradeinfo-only", true, yes, "v1.25.5-r0", ""},
		{ancientClusterID, "ancient", false, no, "v1.17.9-r0", `^Cluster "ancient" runs v1.17.9-r0 .*No v1.17 patch can revoke credentials`},
		{mockcloud.OldClusterID, "old", false, no, "v1.23.9-r0", `^Cluster "old" runs v1.23.9-r0 .*needs v1.23.9-r10 or later`},
		{asleepClusterID, "dev-asleep", false, yes, "v1.28.3-r0", `^Cluster "dev-asleep" is hibernated; .*Wake the cluster up`},
		{stalledClusterID, "stalled", false, no, "v1.25.4-r0", `^Cluster "stalled" is in an error state; .* Cluster "stalled" runs v1.25.4-r0`},
		{mysteryClusterID, "mystery", false, nil, "", `^Cluster "mystery" reports version "v1.25" without a patch level .*CCE has no upgrade information`},
		{lockedID, "frozen", false, yes, "v1.28.3-r0", `^Cluster "frozen" is locked \(lock scene "ARREARAGE"\)`},
	}

	clusters, err := engine.client.Clusters(t.Context(), cce.Cached)
	if err != nil {
		t.Fatal(err)
	}
	var listDiags diag.Diagnostics
	rows, ok := assessIn(t.Context(), engine.client, clusters, &listDiags)
	if !ok {
		t.Fatalf("cce_clusters: %s", diagText(listDiags))
	}
	byID := map[string]clusterRow{}
	for _, r := range rows {
		byID[r.ID] = r
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			row, found := byID[tc.id]
			if !found {
				t.Fatalf("cce_clusters has no row for %s", tc.id)
			}
			var f revocationFacts
			planDiags := engine.checkCluster(t.Context(), tc.id, cce.Cached, &f)
			var planReasons []string
			for _, d := range planDiags.Errors() {
				planReasons = append(planReasons, d.Detail())
			}
			m := certificateApplicantsModel{ClusterID: types.StringValue(tc.id)}
			var appDiags diag.Diagnostics
			(&certificateApplicantsDataSource{client: engine.client}).readCluster(t.Context(), &m, &appDiags)

			// The verdict.
			if row.Revocable != tc.eligible || planDiags.HasError() == tc.eligible {
				t.Errorf("eligible: cce_clusters %t, plan %t (%s), want %t", row.Revocable, !planDiags.HasError(),
					diagText(planDiags), tc.eligible)
			}
			// The wording: the plan's errors are cce_clusters' reasons.
			reason := ""
			if row.Reason != nil {
				reason = *row.Reason
			}
			if got := strings.Join(planReasons, " "); !strings.HasPrefix(got, reason) || (reason == "") != (got == "") {
				t.Errorf("the plan says %q, cce_clusters %q", got, reason)
			}
			if tc.reason != "" && !re(tc.reason).MatchString(reason) {
				t.Errorf("reason %q, want /%s/", reason, tc.reason)
			}
			// The version and whether it supports revocation.
			if got := deref(row.Version); got != tc.version || f.clusterVersion != tc.version {
				t.Errorf("version: cce_clusters %q, plan %q, want %q", got, f.clusterVersion, tc.version)
			}
			if tc.supported == nil {
				if row.RevocationSupported || !m.RevocationSupported.IsNull() || !appDiags.HasError() {
					t.Errorf("unknown version: cce_clusters supported %t, cce_certificate_applicants %v (%s)",
						row.RevocationSupported, m.RevocationSupported, diagText(appDiags))
				}
				return
			}
			if appDiags.HasError() || row.RevocationSupported != *tc.supported || m.RevocationSupported.ValueBool() != *tc.supported ||
				m.ClusterVersion.ValueString() != tc.version {
				t.Errorf("supported: cce_clusters %t, cce_certificate_applicants %v %v (%s), want %t %s",
					row.RevocationSupported, m.RevocationSupported, m.ClusterVersion, diagText(appDiags), *tc.supported, tc.version)
			}
		})
	}
}

var (
	yes = func() *bool { b := true; return &b }()
	no  = func() *bool { b := false; return &b }()
)

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
