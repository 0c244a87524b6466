package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

var (
	_ resource.Resource                   = (*clusterCredentialResource)(nil)
	_ resource.ResourceWithConfigure      = (*clusterCredentialResource)(nil)
	_ resource.ResourceWithValidateConfig = (*clusterCredentialResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*clusterCredentialResource)(nil)
)

// NewClusterCredentialResource returns the cce_cluster_credential resource.
func NewClusterCredentialResource() resource.Resource {
	return &clusterCredentialResource{}
}

type clusterCredentialResource struct {
	client *cce.Client
}

type clusterCredentialModel struct {
	ID           types.String `tfsdk:"id"`
	RotateBefore types.String `tfsdk:"rotate_before"`
	credentialRequest
	credentialOutputs
}

func (r *clusterCredentialResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_credential"
}

func (r *clusterCredentialResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	region, project := resourceLocationAttrs("Kept in the state; a change (of this argument, or of the provider's "+
		"`region` when it is left out) issues a new credential in the new place.", "Kept in the state, and changed like `region`.")
	attrs := map[string]schema.Attribute{
		"region":     region,
		"project_id": project,
		"id":         schema.StringAttribute{Computed: true, MarkdownDescription: "`<cluster_id>/<serial_number>`.", PlanModifiers: keep},
		"cluster_id": schema.StringAttribute{Required: true, MarkdownDescription: "ID of the cluster (a UUID).",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}, Validators: []validator.String{clusterIDFormat}},
		"duration_days": schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: durationDaysDescription,
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			Validators:          []validator.Int64{credentialDays{}},
		},
		"expire_at": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Expiry time (RFC 3339), 15 minutes to 5 years ahead when the credential is issued.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators:          []validator.String{rfc3339Time},
		},
		"rotate_before": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Plan a replacement (a fresh credential) once the current one expires within this " +
				"duration, e.g. `720h`. Changing it alone changes nothing remotely.",
			Validators: []validator.String{durationWithin(maxCredentialAhead, "It is compared with the credential's lifetime, which is at most 5 years.")},
		},
	}
	for name, o := range credentialOutputAttrs {
		attrs[name] = schema.StringAttribute{Computed: true, Sensitive: o.sensitive, MarkdownDescription: o.description, PlanModifiers: keep}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues the caller's own kubeconfig (X.509 client certificate) for a CCE cluster, as the " +
			"console's *Download kubeconfig* does, and keeps it in the state: the way back after a revocation.\n\n" +
			"The certificate's CN is the caller's IAM user ID. Refreshing never issues a new certificate: only " +
			"creating or replacing the resource does (`rotate_before` plans a replacement near expiry). The " +
			"private key is stored in the state, marked sensitive; use the `cce_cluster_credential` ephemeral " +
			"resource to keep it out of the state. Destroying the resource does not invalidate the certificate: " +
			"revoke it with `cce_credential_revocation`. It cannot be imported: CCE never hands out an issued " +
			"private key again.\n\n" + issueOnceNote,
		Attributes: attrs,
	}
}

func (r *clusterCredentialResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m clusterCredentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.validate(&resp.Diagnostics)
	validateRotation(m.DurationDays, m.RotateBefore, &resp.Diagnostics)
}

func (r *clusterCredentialResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks the cluster before a credential is issued, and plans a
// replacement when rotate_before says the current one is due.
func (r *clusterCredentialResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan clusterCredentialModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var cfg clusterCredentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state clusterCredentialModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	here, known := r.planLocation(ctx, cfg, state, !req.State.Raw.IsNull(), resp)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		plan.checkExpiryWindow(&resp.Diagnostics)
		if known && !plan.ClusterID.IsUnknown() {
			checkIssuable(ctx, here.client, plan.ClusterID.ValueString(), &resp.Diagnostics)
		}
		return
	}
	if resp.Diagnostics.HasError() || plan.RotateBefore.IsNull() || plan.RotateBefore.IsUnknown() {
		return
	}
	before, err := time.ParseDuration(plan.RotateBefore.ValueString())
	expires, err2 := time.Parse(time.RFC3339, state.ExpiresAt.ValueString())
	if err != nil || err2 != nil || time.Until(expires) > before {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
	for name := range credentialOutputAttrs {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), types.StringUnknown())...)
	}
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expires_at"))
	resp.Diagnostics.AddAttributeWarning(path.Root("rotate_before"), "Credential due for rotation",
		fmt.Sprintf("The credential expires at %s, within rotate_before (%s): this plan replaces it with a fresh one. "+
			"The old certificate stays valid until it expires; revoke it with cce_credential_revocation if it must "+
			"stop working at once.", state.ExpiresAt.ValueString(), plan.RotateBefore.ValueString()))
}

// checkIssuable confirms the cluster exists and is in a phase where CCE issues
// credentials.
func checkIssuable(ctx context.Context, client *cce.Client, clusterID string, diags *diag.Diagnostics) {
	cl, err := client.Cluster(ctx, clusterID, cce.Cached)
	switch {
	case cce.IsNotFound(err):
		diags.AddAttributeError(path.Root("cluster_id"), "Cluster not found", apiErrorDetail(err, fmt.Sprintf(
			"cluster_id = %q: no such cluster in this project and region.", clusterID)))
	case err != nil:
		diags.AddAttributeError(path.Root("cluster_id"), "Cannot read the cluster", apiErrorDetail(err, fmt.Sprintf(
			"Reading cluster %q failed.", clusterID)+ifForbidden(err, "The caller needs the cce:cluster:get permission.")))
	case cce.ClassifyPhase(cl.Phase) != cce.PhaseReady:
		diags.AddAttributeError(path.Root("cluster_id"), "Cluster cannot issue a credential",
			fmt.Sprintf("Cluster %q is %s; CCE issues credentials only for an Available cluster. %s",
				cl.Name, phaseText(cl.Phase), phaseAdvice(cl.Phase)))
	}
}

func (r *clusterCredentialResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan clusterCredentialModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.checkExpiryWindow(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	c := issueCredential(ctx, r.client, plan.credentialRequest, &resp.Diagnostics)
	if here, ok := locate(ctx, r.client, plan.Region, plan.ProjectID, path.Empty(), &resp.Diagnostics); ok {
		plan.Region, plan.ProjectID = types.StringValue(here.loc.Region), types.StringValue(here.loc.ProjectID)
	}
	if c == nil {
		return
	}
	plan.ID = types.StringValue(plan.ClusterID.ValueString() + "/" + c.serialNumber)
	plan.set(c)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Read never issues a certificate (that would drift on every refresh); it only
// notices a cluster that is gone.
func (r *clusterCredentialResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	var state clusterCredentialModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	unplaced := state.Region.IsNull() && state.ProjectID.IsNull() // a record from before locations
	here, ok := locate(ctx, r.client, state.Region, state.ProjectID, path.Empty(), &resp.Diagnostics)
	if !ok {
		return
	}
	_, err := here.client.Cluster(ctx, state.ClusterID.ValueString(), cce.Cached)
	if cce.IsNotFound(err) && unplaced {
		resp.Diagnostics.AddWarning("Credential record kept: cluster not found in the provider's location", fmt.Sprintf(
			"Credential %s was recorded before credentials kept their region and project, and CCE says there is no "+
				"cluster %s in the provider's location (%s). The provider cannot tell a wrong region or project_id from "+
				"a deleted cluster, so the record stays unchanged.", state.SerialNumber.ValueString(),
			state.ClusterID.ValueString(), where(here.loc)))
		return
	}
	if err == nil && unplaced {
		state.Region, state.ProjectID = types.StringValue(here.loc.Region), types.StringValue(here.loc.ProjectID)
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
	if cce.IsNotFound(err) {
		record := "Credential " + state.SerialNumber.ValueString()
		if !confirmClusterGone(ctx, here.client, state.ClusterID.ValueString(), record, &resp.Diagnostics) {
			return
		}
		resp.Diagnostics.AddWarning("Cluster gone: credential removed from state",
			fmt.Sprintf("Cluster %s no longer exists, so its credential %s leaves the state.",
				state.ClusterID.ValueString(), state.SerialNumber.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the cluster", apiErrorDetail(err,
			fmt.Sprintf("Refreshing the credential for cluster %s needs the cluster.", state.ClusterID.ValueString())))
	}
}

// Update happens only when rotate_before changes: nothing happens remotely.
func (r *clusterCredentialResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan clusterCredentialModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete forgets the credential; CCE has no API to delete one.
func (r *clusterCredentialResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state clusterCredentialModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.AddWarning("The certificate is still valid",
		fmt.Sprintf("The credential %s was removed from the state only: the certificate keeps working until %s. "+
			"To cut it off now, revoke the applicant (%s) with cce_credential_revocation.",
			state.SerialNumber.ValueString(), state.ExpiresAt.ValueString(), state.ApplicantID.ValueString()))
}

// planLocation plans region and project_id: the configuration's, else the
// provider's; a change against the state replaces the credential. A record
// from before locations keeps none until its refresh places it.
func (r *clusterCredentialResource) planLocation(ctx context.Context, cfg, state clusterCredentialModel, recorded bool,
	resp *resource.ModifyPlanResponse) (located, bool) {
	if r.client == nil || cfg.Region.IsUnknown() || cfg.ProjectID.IsUnknown() {
		return located{}, false
	}
	if recorded && state.Region.IsNull() && state.ProjectID.IsNull() && cfg.Region.IsNull() && cfg.ProjectID.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("region"), types.StringNull())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("project_id"), types.StringNull())...)
		return located{}, false
	}
	here, ok := locate(ctx, r.client, cfg.Region, cfg.ProjectID, path.Empty(), &resp.Diagnostics)
	if !ok {
		return located{}, false
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("region"), here.loc.Region)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("project_id"), here.loc.ProjectID)...)
	if recorded && (here.loc.Region != state.Region.ValueString() || here.loc.ProjectID != state.ProjectID.ValueString()) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("region"), path.Root("project_id"))
	}
	return here, true
}
