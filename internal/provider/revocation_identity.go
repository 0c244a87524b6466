package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The identity of a cce_credential_revocation is the remote object it
// records: a revocation of one principal, as CCE receives it (a user or an
// agency, and its ID), on one cluster. user_id = X and other_id = X are the
// same revocation, so the identity does not say which argument named it.

type revocationIdentityModel struct {
	ClusterID     types.String `tfsdk:"cluster_id"`
	ApplicantType types.String `tfsdk:"applicant_type"`
	ApplicantID   types.String `tfsdk:"applicant_id"`
	Region        types.String `tfsdk:"region"`
	ProjectID     types.String `tfsdk:"project_id"`
}

func (r *credentialRevocationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Version: 1, // 1: region and project_id (UpgradeIdentity)
		Attributes: map[string]identityschema.Attribute{
			"cluster_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID of the cluster (a UUID).",
			},
			"applicant_type": identityschema.StringAttribute{
				RequiredForImport: true,
				Description: "`user` or `agency`: how CCE received the applicant (`userId` or `agencyId`), whichever " +
					"argument named it. Imports into `user_id` or `agency_id`.",
			},
			"applicant_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID of the user, agency, or deleted or federated identity.",
			},
			// Added in identity version 1: an identity stored before has them
			// null after UpgradeIdentity, and Read fills them in from the state
			// (MutableIdentity).
			"region": identityschema.StringAttribute{
				OptionalForImport: true,
				Description:       "Region of the cluster; the provider's when left out.",
			},
			"project_id": identityschema.StringAttribute{
				OptionalForImport: true,
				Description: "Project of the cluster; the provider's in the provider's region, else the project " +
					"named after `region`, when left out.",
			},
		},
	}
}

// identityOf is the identity of a revocation of a on a cluster.
func identityOf(clusterID string, a applicant) revocationIdentityModel {
	return revocationIdentityModel{
		ClusterID:     types.StringValue(clusterID),
		ApplicantType: types.StringValue(a.apiType),
		ApplicantID:   types.StringValue(a.id),
	}
}

// setIdentity sets the identity of the revocation of t, one attribute at a
// time (attribute_access.go says why). identity is nil only when the framework
// has none to give (a guard, not a CLI switch: CLIs without identity simply
// drop it).
func setIdentity(ctx context.Context, t revocationTarget, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || t.applicant == nil || t.clusterID == "" {
		return
	}
	setAttr(ctx, identity, "cluster_id", t.clusterID, diags)
	setAttr(ctx, identity, "applicant_type", t.applicant.apiType, diags)
	setAttr(ctx, identity, "applicant_id", t.applicant.id, diags)
}

// parse checks an identity given to import and returns the revocation it names.
func (id revocationIdentityModel) parse() (string, applicant, error) {
	clusterID, kind, appID := id.ClusterID.ValueString(), id.ApplicantType.ValueString(), id.ApplicantID.ValueString()
	switch {
	case !clusterIDRE.MatchString(clusterID):
		return "", applicant{}, fmt.Errorf("cluster_id = %s is not valid: %s", quote(clusterID), clusterIDFormat.rule)
	case kind != kindUser && kind != kindAgency:
		return "", applicant{}, fmt.Errorf("applicant_type = %s is neither \"user\" nor \"agency\": it is how CCE "+
			"receives the applicant. For a deleted or federated identity, use the type it had (\"user\" unless it "+
			"was an agency)", quote(kind))
	case !applicantIDRE.MatchString(appID):
		// Not an IAM ID: a federated identity's, which only other_id takes.
		if problem := otherIDProblem(appID); problem != "" {
			return "", applicant{}, fmt.Errorf("applicant_id = %s %s", quote(appID), problem)
		}
		return clusterID, newApplicant(kindOther, appID, kind), nil
	}
	return clusterID, newApplicant(kind, appID, kind), nil
}

// setIdentityLocation sets the location of the identity from the record's
// (null for a record from before locations that Read could not place).
func setIdentityLocation(ctx context.Context, region, project types.String, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	setAttr(ctx, identity, "region", region, diags)
	setAttr(ctx, identity, "project_id", project, diags)
}

// UpgradeIdentity reads identities of version 0, stored before region and
// project_id: OpenTofu refuses an identity that lacks attributes of the
// current version, so version 1 takes them from this upgrade, null.
func (r *credentialRevocationResource) UpgradeIdentity(context.Context) map[int64]resource.IdentityUpgrader {
	return map[int64]resource.IdentityUpgrader{0: {IdentityUpgrader: upgradeRevocationIdentityV0}}
}

func upgradeRevocationIdentityV0(ctx context.Context, req resource.UpgradeIdentityRequest, resp *resource.UpgradeIdentityResponse) {
	var old struct {
		ClusterID     string `json:"cluster_id"`
		ApplicantType string `json:"applicant_type"`
		ApplicantID   string `json:"applicant_id"`
	}
	if req.RawIdentity == nil || json.Unmarshal(req.RawIdentity.JSON, &old) != nil {
		resp.Diagnostics.AddError("Cannot upgrade the identity", "The stored identity of this revocation is not a JSON "+
			"object with cluster_id, applicant_type and applicant_id. Remove it from the state and import the "+
			"revocation again.")
		return
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, revocationIdentityModel{
		ClusterID: types.StringValue(old.ClusterID), ApplicantType: types.StringValue(old.ApplicantType),
		ApplicantID: types.StringValue(old.ApplicantID), Region: types.StringNull(), ProjectID: types.StringNull(),
	})...)
}
