package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// planLocation plans region and project_id of a revocation (or of the
// revocations of one cluster: cce_credential_revocations) on cluster
// clusterID ("" while unknown) and returns the client view of that location;
// false when it is not known yet (provider or arguments unknown) or the
// record keeps no location.
//
// A new revocation goes where the configuration says, else where the
// provider works. A recorded one stays where it was made unless that
// changes (the arguments, or the provider's settings they default to): the
// change is a replacement, and the plan checks first that the cluster is in
// the new place. A record from before locations keeps none until its refresh
// finds the cluster where the provider works, or its arguments name one.
func planLocation(ctx context.Context, client *cce.Client, req resource.ModifyPlanRequest,
	resp *resource.ModifyPlanResponse, clusterID string) (located, bool) {
	diags := &resp.Diagnostics
	var cfgRegion, cfgProject, stRegion, stProject types.String
	getAttr(ctx, req.Config, "region", &cfgRegion, diags)
	getAttr(ctx, req.Config, "project_id", &cfgProject, diags)
	created := req.State.Raw.IsNull()
	if !created {
		getAttr(ctx, req.State, "region", &stRegion, diags)
		getAttr(ctx, req.State, "project_id", &stProject, diags)
	}
	if diags.HasError() || client == nil || cfgRegion.IsUnknown() || cfgProject.IsUnknown() {
		return located{}, false
	}
	unplaced := !created && stRegion.IsNull() && stProject.IsNull()
	if unplaced && cfgRegion.IsNull() && cfgProject.IsNull() {
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("region"), types.StringNull())...)
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("project_id"), types.StringNull())...)
		return located{}, false
	}
	at, ok := locate(ctx, client, cfgRegion, cfgProject, path.Empty(), diags)
	if !ok || created {
		return at, ok
	}
	old := cce.Location{Region: stRegion.ValueString(), ProjectID: stProject.ValueString()}
	if !unplaced && at.loc == old {
		return at, true
	}
	if clusterID != "" {
		_, err := at.client.Cluster(ctx, clusterID, cce.Cached)
		switch {
		case cce.IsNotFound(err):
			diags.AddAttributeError(path.Root("region"), "Cluster not in "+where(at.loc), movedAwayDetail(clusterID, old, at.loc,
				unplaced, cfgRegion.IsNull(), cfgProject.IsNull()))
			return located{}, false
		case err != nil:
			diags.AddAttributeError(path.Root("region"), "Cannot read the cluster", apiErrorDetail(err, fmt.Sprintf(
				"Planning the move of this revocation to %s needs cluster %s there.", where(at.loc), clusterID)))
			return located{}, false
		}
	}
	if unplaced {
		return at, true // the arguments place a record that had no location: recorded in place
	}
	if at.loc.Region != old.Region {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("region"))
	}
	if at.loc.ProjectID != old.ProjectID {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("project_id"))
	}
	return at, true
}

// movedAwayDetail explains a planned location without the cluster.
func movedAwayDetail(clusterID string, old, now cce.Location, unplaced, regionDefault, projectDefault bool) string {
	why := "this resource's region or project_id changed"
	if regionDefault && projectDefault {
		why = "this resource sets neither region nor project_id, and the provider's region or project_id changed"
	}
	if unplaced {
		return fmt.Sprintf("This record of a revocation on cluster %s has no location yet, and its arguments place it "+
			"in %s, where CCE says there is no cluster %s. Set region (and project_id) to where the cluster is.",
			clusterID, where(now), clusterID)
	}
	fix := fmt.Sprintf("set region = %q and project_id = %q on this resource", old.Region, old.ProjectID)
	return fmt.Sprintf("The revocation on cluster %s was made in %s. The plan moves it to %s, because %s; CCE says "+
		"there is no cluster %s there, so the replacement would fail and revoke nothing. To keep the record where "+
		"the revocation was made, %s (or restore the provider's settings); if the cluster moved, set them to its "+
		"new location.", clusterID, where(old), where(now), why, clusterID, fix)
}

// identityLocationProblem checks the location of an identity given to import.
func identityLocationProblem(region, project types.String) error {
	if r := region.ValueString(); r != "" {
		if err := cce.CheckRegion(r); err != nil {
			return fmt.Errorf("region = %w", err)
		}
	}
	if p := project.ValueString(); p != "" {
		if err := cce.CheckProjectID(p); err != nil {
			return fmt.Errorf("project_id = %w", err)
		}
	}
	return nil
}

// refreshed is what a refresh found of the cluster of a record.
type refreshed struct {
	at       located
	cluster  *cce.Cluster
	unplaced bool // a record from before locations, found where the provider works
}

// refreshAt reads cluster clusterID of record (its ID, for messages) where
// the state's region and project say (null: where the provider works).
// A record from before locations whose cluster is not found there stays
// unchanged with a warning: a wrong region or project cannot be told from a
// deleted cluster. Otherwise a cluster CCE says is gone removes the record
// with the warning gone gives (summary, detail) for the location read. ok is false when the
// refresh has nothing more to do.
func refreshAt(ctx context.Context, client *cce.Client, state attributeGetter, clusterID, record string,
	gone func(cce.Location) (string, string), resp *resource.ReadResponse) (refreshed, bool) {
	var region, project types.String
	getAttr(ctx, state, "region", &region, &resp.Diagnostics)
	getAttr(ctx, state, "project_id", &project, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return refreshed{}, false
	}
	unplaced := region.IsNull() && project.IsNull()
	at, ok := locate(ctx, client, region, project, path.Empty(), &resp.Diagnostics)
	if !ok {
		return refreshed{}, false
	}
	cl, err := at.client.Cluster(ctx, clusterID, cce.Cached)
	switch {
	case cce.IsNotFound(err) && unplaced:
		resp.Diagnostics.AddWarning("Revocation record kept: cluster not found in the provider's location", fmt.Sprintf(
			"%s was recorded before revocations kept their region and project, so the provider looks for cluster %s "+
				"in its own (%s), where CCE says there is no such cluster. The provider cannot tell a wrong region or "+
				"project_id from a deleted cluster, so the record stays unchanged. Set region and project_id on this "+
				"resource to where the cluster is (the next apply records them), or remove the record from the state "+
				"if the cluster was deleted.", record, clusterID, where(at.loc)))
		return refreshed{}, false
	case cce.IsNotFound(err):
		if confirmClusterGone(ctx, at.client, clusterID, record, &resp.Diagnostics) {
			resp.Diagnostics.AddWarning(gone(at.loc))
			resp.State.RemoveResource(ctx)
		}
		return refreshed{}, false
	case err != nil:
		resp.Diagnostics.AddError("Cannot read the cluster", apiErrorDetail(err,
			fmt.Sprintf("Refreshing %s needs cluster %s.", record, clusterID)))
		return refreshed{}, false
	}
	return refreshed{at: at, cluster: cl, unplaced: unplaced}, true
}
