package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// identityIs expects the revocation's identity.
func identityIs(clusterID, applicantType, applicantID string) statecheck.StateCheck {
	return statecheck.ExpectIdentity(revocation, map[string]knownvalue.Check{
		"cluster_id":     knownvalue.StringExact(clusterID),
		"applicant_type": knownvalue.StringExact(applicantType),
		"applicant_id":   knownvalue.StringExact(applicantID),
		"region":         knownvalue.StringExact(mockcloud.Region),
		"project_id":     knownvalue.StringExact(mockcloud.ProjectID),
	})
}

// The identity is the principal CCE received, whichever argument named it,
// and `import { identity = ... }` finds the revocation again. An identity
// imports into user_id or agency_id, so a configuration with other_id plans an
// in-place update after it.
func TestAccCredentialRevocation_identity(t *testing.T) {
	for _, tc := range []struct {
		name    string
		vars    config.Variables
		cluster string
		typ, id string
		moves   bool // the configuration names the applicant with other_id
	}{
		{name: "user", vars: vars("user_id", mockcloud.AliceUserID), typ: "user", id: mockcloud.AliceUserID},
		{name: "agency", vars: vars("agency_id", mockcloud.OpsAgencyID), typ: "agency", id: mockcloud.OpsAgencyID},
		{name: "other ID", vars: vars("other_id", mockcloud.ErinUserID), typ: "user", id: mockcloud.ErinUserID, moves: true},
		{name: "other ID as an agency", vars: vars("other_id", mockcloud.OldVendorAgencyID, "other_id_type", "agency"),
			typ: "agency", id: mockcloud.OldVendorAgencyID, moves: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccEnv(t)
			tc.vars["cluster_id"] = config.StringVariable(mockcloud.LegacyClusterID)
			importBlock := resource.TestStep{
				ResourceName: revocation, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config: testConfig(t, "revocation.tf"), ConfigVariables: tc.vars,
			}
			if tc.moves {
				importBlock.ExpectNonEmptyPlan = true
				importBlock.ImportPlanChecks.PreApply = []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocation, plancheck.ResourceActionUpdate),
				}
			}
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{identityCLI},
				ProtoV6ProviderFactories: e.factories(),
				Steps: []resource.TestStep{
					{
						Config: testConfig(t, "revocation.tf"), ConfigVariables: tc.vars,
						ConfigStateChecks: []statecheck.StateCheck{
							identityIs(mockcloud.LegacyClusterID, tc.typ, tc.id),
							statecheck.ExpectIdentityValueMatchesState(revocation, tfjsonpath.New("cluster_id")),
							statecheck.ExpectIdentityValueMatchesState(revocation, tfjsonpath.New("applicant_type")),
						},
					},
					importBlock,
					{
						ResourceName: revocation, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
						Config: testConfig(t, "revocation.tf"), ConfigVariables: tc.vars,
					},
				},
			})
			if n := e.revokePosts(); n != 1 {
				t.Errorf("the mock saw %d revocation requests, want 1", n)
			}
		})
	}
}

// Importing by identity into a configuration that says other_id: the plan
// moves the ID from user_id to other_id in place, and applying it sends
// nothing. The state then follows the configuration.
func TestAccCredentialRevocation_importByIdentityIntoOtherID(t *testing.T) {
	e := newAccEnv(t)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{identityCLI},
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "revocation_import_identity.tf"),
			ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "applicant_type", "user",
				"applicant_id", mockcloud.ErinUserID),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(revocation, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(revocation, tfjsonpath.New("id"),
					knownvalue.StringExact(mockcloud.ProdClusterID+"/other/"+mockcloud.ErinUserID)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				attrIs("id", knownvalue.StringExact(mockcloud.ProdClusterID+"/other/"+mockcloud.ErinUserID)),
				attrIs("other_id", knownvalue.StringExact(mockcloud.ErinUserID)),
				attrIs("other_id_type", knownvalue.StringExact("user")),
				attrIs("user_id", knownvalue.Null()),
				attrIs("applicant_type", knownvalue.StringExact("user")),
				attrIs("revoked_at", knownvalue.Null()),
				identityIs(mockcloud.ProdClusterID, "user", mockcloud.ErinUserID),
			},
		}},
	})
	e.assertNoWrites()
}

// The same principal moving between arguments is the same revocation: a
// user revoked with user_id and deleted afterwards moves to other_id in place,
// sending nothing; sending it as an agency instead is another revocation.
func TestAccCredentialRevocation_moveBetweenArguments(t *testing.T) {
	e := newAccEnv(t)
	cl := mockcloud.ProdClusterID
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: testConfig(t, "revocation.tf"), ConfigVariables: vars("cluster_id", cl, "user_id", mockcloud.LeaverUserID),
			},
			{
				PreConfig: func() { e.cloud.DeleteUser(mockcloud.LeaverUserID, mockcloud.AdminUserID) },
				Config:    testConfig(t, "revocation.tf"), ConfigVariables: vars("cluster_id", cl, "other_id", mockcloud.LeaverUserID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocation, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					attrIs("id", knownvalue.StringExact(cl+"/other/"+mockcloud.LeaverUserID)),
					attrIs("user_id", knownvalue.Null()),
					attrIs("other_id", knownvalue.StringExact(mockcloud.LeaverUserID)),
					attrIs("other_id_type", knownvalue.StringExact("user")),
					attrIs("applicant_name", knownvalue.StringExact(mockcloud.LeaverUserName)),
					attrIs("revoked_at", knownvalue.StringRegexp(rfc3339)),
				},
				Check: e.requestsCheck(func([]mockcloud.Request) error {
					if n := e.revokePosts(); n != 1 {
						t.Errorf("after the move the mock saw %d revocation requests, want still 1", n)
					}
					return nil
				}),
			},
			{
				Config:          testConfig(t, "revocation.tf"),
				ConfigVariables: vars("cluster_id", cl, "other_id", mockcloud.LeaverUserID, "other_id_type", "agency"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocation, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
	e.wantRevocations(
		mockcloud.Revocation{ClusterID: cl, UserID: mockcloud.LeaverUserID, RevokedBy: mockcloud.AdminUserID},
		mockcloud.Revocation{ClusterID: cl, AgencyID: mockcloud.LeaverUserID, RevokedBy: mockcloud.AdminUserID},
	)
}

// A state written before the provider had identity gets one at the next
// refresh, so that Terraform 1.12+ can show and match it.
func TestCredentialRevocation_readGivesOldStatesAnIdentity(t *testing.T) {
	ctx := context.Background()
	server, _, typ := protocolServer(t, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	state := objectOf(t, typ, map[string]tftypes.Value{
		"id": str(mockcloud.ProdClusterID + "/other/" + mockcloud.OldVendorAgencyID + "/agency"), "cluster_id": str(mockcloud.ProdClusterID),
		"other_id": str(mockcloud.OldVendorAgencyID), "other_id_type": str("agency"), "confirmation": str(confirmationWord),
		"applicant_type": str("agency"), "applicant_name": str(""), "cluster_name": str("prod"), "cluster_version": str("v1.28.3-r0"),
	})
	resp, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
		TypeName: "cce_credential_revocation", CurrentState: dynamic(t, typ, state),
	})
	failOnDiags(t, "read", resp.Diagnostics, err)
	if resp.NewIdentity == nil {
		t.Fatal("read returned no identity")
	}
	got := identityAttrs(t, server, resp.NewIdentity.IdentityData)
	want := map[string]string{"cluster_id": mockcloud.ProdClusterID, "applicant_type": "agency", "applicant_id": mockcloud.OldVendorAgencyID}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("identity %s = %q, want %q", k, got[k], v)
		}
	}
}

// A malformed identity is refused with what is wrong and what it should be.
func TestCredentialRevocation_importBadIdentity(t *testing.T) {
	ctx := context.Background()
	server, _, _ := protocolServer(t, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	idType := identityType(t, server)
	for _, tc := range []struct {
		name, cluster, typ, id, want string
		region, project              string
	}{
		{name: "region with a space", cluster: mockcloud.ProdClusterID, typ: "user", id: mockcloud.ErinUserID, region: "eu de",
			want: `region = "eu de" is not a region name`},
		{name: "project not hex", cluster: mockcloud.ProdClusterID, typ: "user", id: mockcloud.ErinUserID, region: "eu-de",
			project: "ops", want: `project_id = "ops" is not a project ID`},
		{name: "kind instead of type", cluster: mockcloud.ProdClusterID, typ: "other", id: mockcloud.ErinUserID,
			want: `applicant_type = "other" is neither "user" nor "agency"`},
		{name: "cluster name", cluster: "prod", typ: "user", id: mockcloud.ErinUserID,
			want: `cluster_id = "prod" is not valid: a CCE cluster ID is a lowercase UUID`},
		{name: "user name with a space", cluster: mockcloud.ProdClusterID, typ: "user", id: "erin former",
			want: `applicant_id = "erin former" contains white space`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			identity := tftypes.NewValue(idType, map[string]tftypes.Value{
				"cluster_id":     tftypes.NewValue(tftypes.String, tc.cluster),
				"applicant_type": tftypes.NewValue(tftypes.String, tc.typ),
				"applicant_id":   tftypes.NewValue(tftypes.String, tc.id),
				"region":         optionalString(tc.region),
				"project_id":     optionalString(tc.project),
			})
			resp, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{
				TypeName: "cce_credential_revocation",
				Identity: &tfprotov6.ResourceIdentityData{IdentityData: dynamic(t, idType, identity)},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Invalid import identity" ||
				!strings.Contains(resp.Diagnostics[0].Detail, tc.want) {
				t.Errorf("diagnostics %v, want one Invalid import identity saying %q", summaries(resp.Diagnostics), tc.want)
			}
		})
	}
}

// identityType is the value type of the revocation's identity.
func identityType(t *testing.T, server tfprotov6.ProviderServer) tftypes.Type {
	t.Helper()
	resp, err := server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s, ok := resp.IdentitySchemas["cce_credential_revocation"]
	if !ok {
		t.Fatal("cce_credential_revocation has no identity schema")
	}
	return s.ValueType()
}

func identityAttrs(t *testing.T, server tfprotov6.ProviderServer, data *tfprotov6.DynamicValue) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, a := range attrsOf(t, data, identityType(t, server)) {
		var s string
		if err := a.As(&s); err != nil {
			t.Fatal(err)
		}
		out[k] = s
	}
	return out
}
