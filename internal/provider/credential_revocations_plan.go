package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// The plan of cce_credential_revocations: where it runs, the single
// resource's checks for every new applicant, the planned revocations, and
// the warnings about what cannot be undone and what is forgotten.

// checks is the prerequisite engine of the single resource, for this batch,
// in the location of at.
func (r *credentialRevocationsResource) checks(at located, callerAtApply bool) revocationChecks {
	return revocationChecks{client: at.client, by: resourceRevoker, callerAtApply: callerAtApply}
}

// planAt plans the location of the batch (planLocation) and returns where its
// checks run: for a record from before locations that the configuration does
// not place, where the provider works (as its apply sends). known is false
// when the provider or the location is not known yet.
func (r *credentialRevocationsResource) planAt(ctx context.Context, req resource.ModifyPlanRequest,
	resp *resource.ModifyPlanResponse, clusterID string) (at located, known bool) {
	at, known = planLocation(ctx, r.client(), req, resp, clusterID)
	if known || resp.Diagnostics.HasError() || r.client() == nil {
		return at, known
	}
	var region types.String
	getAttr(ctx, resp.Plan, "region", &region, &resp.Diagnostics)
	if region.IsUnknown() || resp.Diagnostics.HasError() {
		return at, false
	}
	return locate(ctx, r.client(), types.StringNull(), types.StringNull(), path.Empty(), &resp.Diagnostics)
}

// applyAt is the location the plan of a batch names (null: where the
// provider works, for a record from before locations).
func (r *credentialRevocationsResource) applyAt(ctx context.Context, src attributeGetter, diags *diag.Diagnostics) (located, bool) {
	var region, project types.String
	getAttr(ctx, src, "region", &region, diags)
	getAttr(ctx, src, "project_id", &project, diags)
	if diags.HasError() {
		return located{}, false
	}
	return locate(ctx, r.client(), region, project, path.Empty(), diags)
}

// ModifyPlan runs the single resource's checks for every new applicant,
// reading the cluster once and IAM once whatever their number, and plans the
// revocations: recorded ones as they are, new ones with what any later
// process and signer sees the same (type and name), the rest after apply.
func (r *credentialRevocationsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // Destroy: nothing remote happens.
	}
	plan := stateOf(req.Plan.Raw, &resp.Diagnostics)
	prior := stateOf(req.State.Raw, &resp.Diagnostics)
	apps, known := applicantsIn(ctx, req.Plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	at, placed := r.planAt(ctx, req, resp, plan.clusterID)
	if resp.Diagnostics.HasError() {
		return
	}
	// A replacement (a new cluster, new triggers, another location) is planned
	// again with a null prior state: the checks run there.
	replacing := !req.State.Raw.IsNull() && (len(resp.RequiresReplace) > 0 ||
		replaced(ctx, req, prior, plan.clusterID, &resp.Diagnostics))
	updating := !req.State.Raw.IsNull() && !replacing
	if !updating {
		prior.entries = nil // a new resource or a replacement: every applicant is new
	}
	planned := map[string]string{}
	if plan.clusterID != "" {
		planned["id"] = plan.clusterID
	}
	if placed {
		var region types.String
		getAttr(ctx, resp.Plan, "region", &region, &resp.Diagnostics)
		if !region.IsNull() { // null: a record from before locations stays so until its refresh places it
			planned["region"], planned["project_id"] = at.loc.Region, at.loc.ProjectID
		}
	}
	if known && updating {
		warnForgotten(prior.entries, apps, plan.clusterID, &resp.Diagnostics)
	}
	var fresh []batchApplicant
	for _, b := range apps {
		if _, ok := prior.entries[b.key]; !ok {
			fresh = append(fresh, b)
		}
	}
	entries := map[string]map[string]tftypes.Value{}
	for _, b := range apps {
		if e, ok := prior.entries[b.key]; ok {
			entries[b.key] = e
		}
	}
	if placed && !replacing && (len(fresh) > 0 || (!known && req.State.Raw.IsNull())) {
		checks := r.checks(at, r.separateApply)
		cf, diags := checks.check(ctx, revocationTarget{clusterID: plan.clusterID}, cce.Cached)
		resp.Diagnostics.Append(diags...)
		if req.State.Raw.IsNull() && cf.cluster != nil {
			planned["cluster_name"] = cf.cluster.Name
		}
		for _, b := range fresh {
			if plan.clusterID != "" {
				var dup diag.Diagnostics
				warnDuplicate(at.client, revocationTarget{clusterID: plan.clusterID, applicant: &b.applicant}, &dup)
				resp.Diagnostics.Append(b.scoped(dup)...)
			}
			f, diags := checks.check(ctx, revocationTarget{applicant: &b.applicant}, cce.Cached)
			resp.Diagnostics.Append(b.scoped(diags)...)
			vals := map[string]string{"applicant_type": b.apiType}
			if f.applicantChecked && !r.separateApply {
				vals["applicant_name"] = f.applicantName
			}
			entries[b.key] = newEntry(vals)
		}
		if resp.Diagnostics.HasError() {
			return
		}
		warnBatchIrreversible(fresh, plan.clusterID, cf, &resp.Diagnostics)
	} else {
		for _, b := range fresh {
			entries[b.key] = newEntry(map[string]string{"applicant_type": b.apiType})
		}
	}
	if !known {
		entries = nil
	}
	resp.Plan.Raw = withRevocations(withStrings(resp.Plan.Raw, planned, &resp.Diagnostics), entries, &resp.Diagnostics)
}

// warnBatchIrreversible is warnIrreversible for many applicants: one warning
// that names them, not one each.
func warnBatchIrreversible(fresh []batchApplicant, clusterID string, f revocationFacts, diags *diag.Diagnostics) {
	if len(fresh) == 0 {
		return
	}
	var one diag.Diagnostics
	warnIrreversible(&one, revocationTarget{clusterID: clusterID, applicant: &fresh[0].applicant}, f,
		"; removing them from this resource or destroying it does not restore anything")
	if len(fresh) == 1 || len(one) == 0 {
		diags.Append(one...)
		return
	}
	names := make([]string, 0, 10)
	for _, b := range fresh[:min(len(fresh), 10)] {
		names = append(names, b.describe())
	}
	if len(fresh) > 10 {
		names = append(names, fmt.Sprintf("and %d more", len(fresh)-10))
	}
	detail := strings.Replace(one[0].Detail(), fresh[0].describe(),
		fmt.Sprintf("%d applicants (%s)", len(fresh), strings.Join(names, ", ")), 1)
	diags.AddWarning(one[0].Summary(), detail)
}

// warnForgotten warns about applicants removed from the configuration: their
// records leave the state, their credentials stay revoked.
func warnForgotten(entries map[string]map[string]tftypes.Value, apps []batchApplicant, clusterID string, diags *diag.Diagnostics) {
	var gone []string
	for k := range entries {
		if !slices.ContainsFunc(apps, func(b batchApplicant) bool { return b.key == k }) {
			gone = append(gone, k)
		}
	}
	if len(gone) == 0 {
		return
	}
	slices.Sort(gone)
	diags.AddWarning("The credential stays revoked", fmt.Sprintf("Removing %s from the revocations of cluster %s "+
		"only forgets the record: revocation cannot be undone, and the holder needs a new credential to regain access.",
		strings.Join(gone, ", "), clusterID))
}

// replaced reports whether a plan with a prior state replaces the resource
// (a new cluster, or new triggers): Terraform then plans it again with a
// null prior state, where the checks run.
func replaced(ctx context.Context, req resource.ModifyPlanRequest, prior batchState, clusterID string, diags *diag.Diagnostics) bool {
	if prior.clusterID != clusterID {
		return true
	}
	var before, after types.Map
	getAttr(ctx, req.State, "triggers", &before, diags)
	getAttr(ctx, req.Plan, "triggers", &after, diags)
	return !before.Equal(after) && triggersReplace(before, prior)
}

// triggersReplace reports whether triggers that changed from before revoke
// again: always, except when they are first written for an imported batch.
func triggersReplace(before types.Map, prior batchState) bool {
	if !before.IsNull() {
		return true
	}
	for _, e := range prior.entries {
		if !e["revoked_at"].IsNull() {
			return true
		}
	}
	return false
}

// batchTriggersChanged is triggersChanged for a batch: triggers first written
// for an imported batch (no triggers, no revocation with a time) only record.
func batchTriggersChanged(_ context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = triggersReplace(req.StateValue, stateOf(req.State.Raw, &resp.Diagnostics))
}
