package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// How an existing record enters this version of cce_credential_revocation:
// import (by ID or identity) and the upgrade of states of older schema
// versions.

// ImportState takes the resource ID (terraform import, import { id }) or the
// identity (import { identity }, Terraform and OpenTofu 1.12+). An identity
// names the applicant by how CCE receives it, so it imports into user_id or
// agency_id; a configuration that says other_id moves it there in place.
func (r *credentialRevocationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var (
		clusterID       string
		a               applicant
		err             error
		region, project types.String
	)
	if req.ID != "" || req.Identity == nil {
		id, reg, proj, lerr := splitImportLocation(req.ID)
		if lerr != nil {
			resp.Diagnostics.AddError("Invalid import ID", lerr.Error())
			return
		}
		region, project = types.StringValue(reg), types.StringValue(proj)
		if clusterID, a, err = parseRevocationID(id); err != nil {
			resp.Diagnostics.AddError("Invalid import ID", err.Error())
			return
		}
	} else {
		var id revocationIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if clusterID, a, err = id.parse(); err != nil {
			resp.Diagnostics.AddError("Invalid import identity", err.Error())
			return
		}
		region, project = id.Region, id.ProjectID
		if err := identityLocationProblem(region, project); err != nil {
			resp.Diagnostics.AddError("Invalid import identity", err.Error())
			return
		}
	}
	imported := located{client: r.client}
	if r.client != nil {
		var ok bool
		if imported, ok = locate(ctx, r.client, region, project, path.Empty(), &resp.Diagnostics); !ok {
			return
		}
	}
	if !importedClusterExists(ctx, imported.client, clusterID, &resp.Diagnostics) {
		return
	}
	set := func(attr string, v any) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	set("id", revocationID(clusterID, a))
	set("cluster_id", clusterID)
	set(a.attr, a.id)
	if a.kind == kindOther {
		set("other_id_type", a.apiType)
	}
	set("applicant_type", a.apiType)
	set("confirmation", confirmationWord)
	if r.client != nil {
		set("region", imported.loc.Region)
		set("project_id", imported.loc.ProjectID)
	}
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityOf(clusterID, a))...)
		if r.client != nil {
			setIdentityLocation(ctx, types.StringValue(imported.loc.Region), types.StringValue(imported.loc.ProjectID),
				resp.Identity, &resp.Diagnostics)
		}
	}
}

// UpgradeState rewrites states of schema version 0, where other_id_type was
// "user" for every revocation, so that upgrading the provider plans nothing.
func (r *credentialRevocationResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: {StateUpgrader: upgradeRevocationV0}}
}

func upgradeRevocationV0(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	var state map[string]any
	if err := json.Unmarshal(req.RawState.JSON, &state); err != nil {
		resp.Diagnostics.AddError("Cannot upgrade the state", "The state of this revocation is not a JSON object: "+err.Error())
		return
	}
	if state["other_id"] == nil {
		state["other_id_type"] = nil
	}
	b, err := json.Marshal(state)
	if err != nil {
		resp.Diagnostics.AddError("Cannot upgrade the state", err.Error())
		return
	}
	resp.DynamicValue = &tfprotov6.DynamicValue{JSON: b}
}
