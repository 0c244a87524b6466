package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// Every bad input fails at plan (PlanOnly), says what is wrong, and the mock
// sees no write.
func TestAccCredentialRevocation_badInputs(t *testing.T) {
	tooOld := func(name, version, platform, legacy string) func(*mockcloud.Cloud) string {
		return func(c *mockcloud.Cloud) string {
			id := "c0000000-0000-4000-8000-0000000000" + name
			c.PutCluster(mockcloud.Cluster{ID: id, Name: "line-" + name, Phase: "Available",
				Version: version, PlatformVersion: platform, LegacyVersion: legacy})
			return id
		}
	}
	inPhase := func(phase string) func(*mockcloud.Cloud) string {
		return func(c *mockcloud.Cloud) string {
			c.SetClusterPhase(mockcloud.ProdClusterID, phase)
			return mockcloud.ProdClusterID
		}
	}
	prod := func(*mockcloud.Cloud) string { return mockcloud.ProdClusterID }

	tests := []struct {
		name    string
		cluster func(*mockcloud.Cloud) string
		vars    []string // besides cluster_id
		asAlice bool
		want    string
	}{
		{"both user and agency", prod, []string{"user_id", mockcloud.BobUserID, "agency_id", mockcloud.OpsAgencyID}, false,
			`One identity per revocation.*user_id and agency_id are set.*one resource per identity`},
		{"no applicant", prod, nil, false, `Whose credential\?.*None of user_id, agency_id and other_id is set`},
		{"wrong confirmation", prod, []string{"user_id", mockcloud.BobUserID, "confirmation", "yes"}, false,
			`Revocation not confirmed.*confirmation = "yes", but it must be exactly "REVOKE"`},
		{"lowercase revoke", prod, []string{"user_id", mockcloud.BobUserID, "confirmation", "revoke"}, false,
			`Revocation not confirmed.*confirmation = "revoke".*in capitals`},
		{"uppercase user ID", prod, []string{"user_id", "B0B00000000000000000000000000003"}, false,
			`Invalid ID.*user_id = "B0B00000000000000000000000000003" is not valid: an IAM ID is 32 lowercase hexadecimal`},
		{"short agency ID", prod, []string{"agency_id", "a9e0001"}, false, `Invalid ID.*agency_id = "a9e0001" is not valid`},
		{"name instead of other ID", prod, []string{"other_id", "erin.former"}, false,
			`Invalid ID.*other_id = "erin.former" is not valid.*certificate_applicant_id`},
		{"cluster name instead of ID", func(*mockcloud.Cloud) string { return "prod" }, []string{"user_id", mockcloud.BobUserID}, false,
			`Invalid ID.*cluster_id = "prod" is not valid: a CCE cluster ID is a lowercase UUID`},
		{"other_id_type unknown", prod, []string{"other_id", mockcloud.ErinUserID, "other_id_type", "group"}, false,
			`other_id_type value must be one of: \["user" "agency"\], got: "group"`},
		{"other_id_type with user_id", prod, []string{"user_id", mockcloud.BobUserID, "other_id_type", "agency"}, false,
			`Invalid Attribute Combination.*other_id_type.*user_id`},
		{"unknown user", prod, []string{"user_id", "00000000000000000000000000000bad"}, false,
			`No such user.*IAM has no user with this ID.*other_id = "00000000000000000000000000000bad"`},
		{"unknown agency", prod, []string{"agency_id", "00000000000000000000000000000bad"}, false,
			`No such agency.*other_id_type = "agency"`},
		{"unknown cluster", func(*mockcloud.Cloud) string { return "00000000-0000-4000-8000-000000000000" },
			[]string{"user_id", mockcloud.BobUserID}, false, `Cluster not found.*HTTP 404, code CCE.01404001`},
		{"v1.19 below r50", tooOld("19", "v1.19.16-r20", "cce.2.0", ""), []string{"user_id", mockcloud.BobUserID}, false,
			`Cluster version too old for revocation.*runs v1.19.16-r20`},
		{"v1.21 below r10", tooOld("21", "v1.21", "cce.11.9", ""), []string{"user_id", mockcloud.BobUserID}, false,
			`Cluster version too old for revocation.*runs v1.21.11-r9`},
		{"v1.23 below r10", func(*mockcloud.Cloud) string { return mockcloud.OldClusterID }, []string{"user_id", mockcloud.BobUserID}, false,
			`Cluster version too old for revocation.*runs v1.23.9-r0`},
		{"v1.25 below r10", tooOld("25", "v1.25", "cce.3.99", ""), []string{"user_id", mockcloud.BobUserID}, false,
			`Cluster version too old for revocation.*runs v1.25.3-r99`},
		{"v1.27 below r10", tooOld("27", "v1.27", "cce.1.0", "v1.27.1-r0"), []string{"user_id", mockcloud.BobUserID}, false,
			`Cluster version too old for revocation.*runs v1.27.1-r0`},
		{"v1.17 never", tooOld("17", "v1.17.9-r0", "", ""), []string{"user_id", mockcloud.BobUserID}, false,
			`Cluster version too old for revocation.*runs v1.17.9-r0`},
		{"hibernating cluster", inPhase("Hibernation"), []string{"user_id", mockcloud.BobUserID}, false,
			`Cluster cannot accept a revocation.*is Hibernation.*Wake the cluster up`},
		{"unavailable cluster", inPhase("Unavailable"), []string{"user_id", mockcloud.BobUserID}, false,
			`Cluster cannot accept a revocation.*is Unavailable`},
		{"cluster in error", inPhase("Error"), []string{"user_id", mockcloud.BobUserID}, false,
			`Cluster cannot accept a revocation.*is Error`},
		{"plain user revoking another", prod, []string{"user_id", mockcloud.BobUserID}, true,
			`Not allowed to revoke this credential.*signed in as alice.*not a member of the admin group`},
		{"plain user revoking an agency", prod, []string{"agency_id", mockcloud.OpsAgencyID}, true,
			`Not allowed to revoke this credential.*agency_id = "a9e00000000000000000000000000011" is someone else`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccEnv(t)
			if tc.asAlice {
				e.signIn(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey)
			}
			v := vars(append([]string{"cluster_id", tc.cluster(e.cloud)}, tc.vars...)...)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: e.factories(),
				Steps: []resource.TestStep{{
					Config:          testConfig(t, "revocation.tf"),
					ConfigVariables: v,
					PlanOnly:        true,
					ExpectError:     re(tc.want),
				}},
			})
			e.assertNoWrites()
		})
	}
}
