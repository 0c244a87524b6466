package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Rules of single attributes of cce_credential_revocation: the floor of the
// create timeout, the default of other_id_type, when triggers revoke again,
// and when the identity arguments do; and which computed attributes hold the
// facts the checks find.

// validateCreateTimeout applies the timeout floor to timeouts.create (a
// malformed duration the timeouts block reports itself).
func validateCreateTimeout(t timeouts.Value, diags *diag.Diagnostics) {
	if t.IsNull() || t.IsUnknown() {
		return
	}
	v, ok := t.Attributes()["create"].(types.String)
	if !ok || v.IsNull() || v.IsUnknown() {
		return
	}
	raw := v.ValueString()
	checkTimeoutFloor(path.Root("timeouts").AtName("create"), fmt.Sprintf("timeouts { create = %s }", quote(raw)), raw, diags)
}

// otherIDTypeDefault plans other_id_type: "user" when other_id is set and
// other_id_type is not, null without other_id (so that a configuration
// generated from the state is valid).
type otherIDTypeDefault struct{}

func (otherIDTypeDefault) Description(context.Context) string {
	return `defaults to "user" when other_id is set; null otherwise`
}

func (d otherIDTypeDefault) MarkdownDescription(ctx context.Context) string {
	return d.Description(ctx)
}

func (otherIDTypeDefault) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var otherID types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("other_id"), &otherID)...)
	switch {
	case otherID.IsUnknown():
		resp.PlanValue = types.StringUnknown()
	case otherID.IsNull():
		resp.PlanValue = types.StringNull()
	default:
		resp.PlanValue = types.StringValue(kindUser)
	}
}

// triggersChanged requires a new revocation when triggers change, except when
// they are first written for an imported revocation (no revoked_at, no
// triggers in state): import cannot know them, and the docs ask for them.
func triggersChanged(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	var revokedAt types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("revoked_at"), &revokedAt)...)
	resp.RequiresReplace = !req.StateValue.IsNull() || !revokedAt.IsNull()
}

// principalChange requires a new revocation of user_id, agency_id, other_id
// and other_id_type only when the principal CCE receives (user or agency, and
// its ID) changes. The same principal moving between arguments (user_id = X
// becomes other_id = X once the user is deleted, or an import by identity
// filled user_id and the configuration says other_id) is the same
// revocation: an in-place update that sends nothing.
var principalChange = stringplanmodifier.RequiresReplaceIf(principalChanged,
	"Changing the user or agency revoked (its ID, or how CCE receives it) revokes again; moving the same user or "+
		"agency between its own argument and other_id changes nothing remotely.",
	"Changing the user or agency revoked (its ID, or how CCE receives it) revokes again; moving the same user or "+
		"agency between its own argument and `other_id` changes nothing remotely.")

func principalChanged(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	before := targetIn(ctx, req.State, &resp.Diagnostics).applicant
	after := targetIn(ctx, req.Config, &resp.Diagnostics).applicant
	resp.RequiresReplace = before == nil || after == nil || before.apiType != after.apiType || before.id != after.id
}

// plannedFacts are the computed attributes the plan may know: only what any
// later process and signer sees the same (Terraform plans each resource again
// during apply, often as another session, and refuses a known value that came
// out different). The cluster's name cannot change; the applicant's name is
// what the signer may read of IAM, the same for every session of one
// principal, so it is left to the apply when it signs in as another.
func plannedFacts(f revocationFacts, separateApply bool) map[string]string {
	v := map[string]string{}
	if f.cluster != nil {
		v["cluster_name"] = f.cluster.Name
	}
	if f.applicantChecked && !separateApply {
		v["applicant_name"] = f.applicantName
	}
	return v
}

// appliedFacts are the computed attributes the apply records: the planned
// ones, and who revoked and the cluster's version at the revocation, which
// may differ from what the plan saw (another session, an upgrade since).
func appliedFacts(f revocationFacts) map[string]string {
	v := plannedFacts(f, false)
	if f.cluster != nil {
		v["cluster_version"] = f.clusterVersion
	}
	if f.caller != nil {
		v["revoked_by"] = callerID(f.caller)
	}
	return v
}
