package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

var (
	_ action.Action                   = (*revokeCredentialAction)(nil)
	_ action.ActionWithConfigure      = (*revokeCredentialAction)(nil)
	_ action.ActionWithValidateConfig = (*revokeCredentialAction)(nil)
	_ action.ActionWithModifyPlan     = (*revokeCredentialAction)(nil)
)

// NewRevokeCredentialAction returns the cce_revoke_credential action.
func NewRevokeCredentialAction() action.Action {
	return &revokeCredentialAction{}
}

// revokeCredentialAction revokes on demand: what cce_credential_revocation
// does on create, with nothing kept in the state.
type revokeCredentialAction struct {
	client        *cce.Client
	separateApply bool // provider setting separate_apply_principal
}

type revokeCredentialModel struct {
	revocationArgs
	Timeout   types.String `tfsdk:"timeout"`
	Region    types.String `tfsdk:"region"`
	ProjectID types.String `tfsdk:"project_id"`
}

// at returns the action working in the location m names.
func (a *revokeCredentialAction) at(ctx context.Context, m revokeCredentialModel, diags *diag.Diagnostics) (*revokeCredentialAction, bool) {
	here, ok := locate(ctx, a.client, m.Region, m.ProjectID, path.Empty(), diags)
	if !ok {
		return nil, false
	}
	return &revokeCredentialAction{client: here.client, separateApply: a.separateApply}, true
}

func (a *revokeCredentialAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_revoke_credential"
}

func (a *revokeCredentialAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes, when invoked, every access credential (kubeconfig / X.509 client certificate) " +
			"that one IAM user, agency, or deleted or federated identity downloaded for one CCE cluster, and keeps " +
			"no record in the state. For incident response without state " +
			"(`terraform apply -invoke=action.cce_revoke_credential.<name>`) and for `action_trigger`s, such as " +
			"revoking a leaver's credentials when their IAM user resource is destroyed. Terraform 1.14 or later; " +
			"OpenTofu has no actions: use the `cce_credential_revocation` resource there, which revokes the same " +
			"way and keeps a record in the state.\n\n" +
			"**Revocation cannot be undone.** Certificates issued before it stop working at once; the holder must " +
			"download a new credential to regain access.\n\n" +
			"The plan checks every prerequisite the resource checks, with the same messages: the cluster exists, " +
			"is Available and not locked, and runs " + cce.RevocationRule() + "; the user or agency exists (an " +
			"`other_id` is not sent as the wrong type); and the caller may " +
			"revoke it. The invocation checks again before it sends the request, so a value known only at apply " +
			"is checked too. Each invocation sends one request; a busy cluster is waited for, with progress shown.",
		Attributes: map[string]schema.Attribute{
			"cluster_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: clusterIDDoc,
				Validators:          []validator.String{clusterIDFormat},
			},
			"user_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: userIDDoc,
				Validators:          []validator.String{applicantIDFormat},
			},
			"agency_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: agencyIDDoc,
				Validators:          []validator.String{applicantIDFormat},
			},
			"other_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: otherIDDoc,
				Validators:          []validator.String{otherIDFormat},
			},
			"other_id_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: otherIDTypeDoc,
				Validators:          otherIDTypeValidators(),
			},
			"confirmation": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: confirmationDoc,
				Validators:          []validator.String{exactConfirmation},
			},
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: regionDoc,
				Validators:          []validator.String{regionFormat},
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: projectIDDoc,
				Validators:          []validator.String{projectIDFormat},
			},
			"timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How long the invocation may take, waiting for a busy cluster "+
					"and for CCE's answer included: a duration such as `10m`, at least `%s`. Defaults to `%s`.",
					minTimeout, shortDuration(defaultTimeout)),
				Validators: []validator.String{timeoutFloor},
			},
		},
	}
}

func (a *revokeCredentialAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFrom(req.ProviderData, &resp.Diagnostics)
	a.separateApply = separateApplyFrom(req.ProviderData)
}

func (a *revokeCredentialAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var m revokeCredentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateOneApplicant(m.UserID, m.AgencyID, m.OtherID, "action", &resp.Diagnostics)
}

// validate runs the schema's validators and ValidateConfig on the values a
// request carries. Terraform 1.16 validates an action's configuration only in
// its validate walk, where variables, locals and self are still unknown
// (internal/terraform/node_action.go), and never again: without this, an
// -invoke with -var confirmation=yes would revoke.
func (a *revokeCredentialAction) validate(ctx context.Context, config tfsdk.Config, m revokeCredentialModel) diag.Diagnostics {
	var diags diag.Diagnostics
	var s action.SchemaResponse
	a.Schema(ctx, action.SchemaRequest{}, &s)
	for _, name := range slices.Sorted(maps.Keys(s.Schema.Attributes)) {
		attr, ok := s.Schema.Attributes[name].(schema.StringAttribute)
		if !ok {
			continue
		}
		var v types.String
		diags.Append(config.GetAttribute(ctx, path.Root(name), &v)...)
		for _, check := range attr.Validators {
			var r validator.StringResponse
			check.ValidateString(ctx, validator.StringRequest{
				Path: path.Root(name), PathExpression: path.MatchRoot(name), ConfigValue: v, Config: config,
			}, &r)
			diags.Append(r.Diagnostics...)
		}
	}
	validateOneApplicant(m.UserID, m.AgencyID, m.OtherID, "action", &diags)
	return diags
}

// ModifyPlan validates what is known now and runs the resource's plan-time
// checks on it. Terraform 1.16 calls it at plan only, never again before
// Invoke.
func (a *revokeCredentialAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var m revokeCredentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(a.validate(ctx, req.Config, m)...)
	if resp.Diagnostics.HasError() || a.client == nil || m.Region.IsUnknown() || m.ProjectID.IsUnknown() {
		return // provider or location unknown: Invoke checks everything
	}
	a, ok := a.at(ctx, m, &resp.Diagnostics)
	if !ok {
		return
	}
	t := m.target()
	checks := a.checks(nil)
	checks.callerAtApply = a.separateApply // Invoke enforces the rule
	f, diags := checks.check(ctx, t, cce.Cached)
	resp.Diagnostics.Append(diags...)
	if !resp.Diagnostics.HasError() {
		warnIrreversible(&resp.Diagnostics, t, f, "")
	}
}

// Invoke validates and checks again, in this process, and sends one
// revocation. The plan may have skipped values known only now (an
// after_create trigger), and it may be old; its warnings were shown then.
func (a *revokeCredentialAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	if !requireClient(a.client, &resp.Diagnostics) {
		return
	}
	var m revokeCredentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(a.validate(ctx, req.Config, m).Errors()...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := defaultTimeout
	if !m.Timeout.IsNull() {
		timeout, _ = time.ParseDuration(m.Timeout.ValueString()) // validated
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	a, ok := a.at(ctx, m, &resp.Diagnostics)
	if !ok {
		return
	}
	t := m.target()
	if t.applicant == nil || t.clusterID == "" {
		resp.Diagnostics.AddError("Revocation not sent", "The cluster or the applicant is unknown at invocation. "+
			"This is a bug in the provider; please report it.")
		return
	}
	progress := func(msg string) { resp.SendProgress(action.InvokeProgressEvent{Message: msg}) }
	checks := a.checks(progress)
	f, diags := checks.check(ctx, t, cce.Cached)
	resp.Diagnostics.Append(diags.Errors()...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(checks.sendRevocation(ctx, t, timeout)...)
	if resp.Diagnostics.HasError() {
		return
	}
	where := "cluster " + t.clusterID
	if f.cluster != nil {
		where = fmt.Sprintf("cluster %q (%s)", f.cluster.Name, t.clusterID)
	}
	progress(fmt.Sprintf("revoked every credential %s downloaded for %s", t.applicant.describe(), where))
}

func (a *revokeCredentialAction) checks(progress func(string)) revocationChecks {
	return revocationChecks{client: a.client, by: actionRevoker, progress: progress}
}
