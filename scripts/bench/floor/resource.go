package main

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// revocation has the attributes (region and project_id too), validators,
// plan modifiers, schema version, timeouts block and identity (version 1) of
// cce_credential_revocation; its ModifyPlan
// returns at once and its Create only fills in the computed values and the
// identity.
type revocation struct{}

var (
	_ resource.ResourceWithModifyPlan = revocation{}
	_ resource.ResourceWithIdentity   = revocation{}
)

// IdentitySchema is the resource identity of cce_credential_revocation.
func (revocation) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Version: 1, Attributes: map[string]identityschema.Attribute{
		"cluster_id":     identityschema.StringAttribute{RequiredForImport: true},
		"applicant_type": identityschema.StringAttribute{RequiredForImport: true},
		"applicant_id":   identityschema.StringAttribute{RequiredForImport: true},
		"region":         identityschema.StringAttribute{OptionalForImport: true},
		"project_id":     identityschema.StringAttribute{OptionalForImport: true},
	}}
}

type revocationModel struct {
	ID             types.String   `tfsdk:"id"`
	ClusterID      types.String   `tfsdk:"cluster_id"`
	UserID         types.String   `tfsdk:"user_id"`
	AgencyID       types.String   `tfsdk:"agency_id"`
	OtherID        types.String   `tfsdk:"other_id"`
	OtherIDType    types.String   `tfsdk:"other_id_type"`
	Confirmation   types.String   `tfsdk:"confirmation"`
	Triggers       types.Map      `tfsdk:"triggers"`
	ApplicantType  types.String   `tfsdk:"applicant_type"`
	ApplicantName  types.String   `tfsdk:"applicant_name"`
	ClusterName    types.String   `tfsdk:"cluster_name"`
	ClusterVersion types.String   `tfsdk:"cluster_version"`
	RevokedAt      types.String   `tfsdk:"revoked_at"`
	RevokedBy      types.String   `tfsdk:"revoked_by"`
	Region         types.String   `tfsdk:"region"`
	ProjectID      types.String   `tfsdk:"project_id"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

func (revocation) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_credential_revocation"
}

func (revocation) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	applicantID := []validator.String{matches(`^[0-9a-f]{32}$`)}
	computed := func() schema.StringAttribute {
		return schema.StringAttribute{Computed: true, Description: "Computed.", PlanModifiers: keep}
	}
	resp.Schema = schema.Schema{
		Version:     1,
		Description: "Floor of cce_credential_revocation: same schema, no API calls.",
		Attributes: map[string]schema.Attribute{
			"id": computed(),
			"cluster_id": schema.StringAttribute{Required: true, Description: "Cluster.", PlanModifiers: replace,
				Validators: []validator.String{matches(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)}},
			"user_id":   schema.StringAttribute{Optional: true, Description: "User.", PlanModifiers: replace, Validators: applicantID},
			"agency_id": schema.StringAttribute{Optional: true, Description: "Agency.", PlanModifiers: replace, Validators: applicantID},
			"other_id":  schema.StringAttribute{Optional: true, Description: "Other.", PlanModifiers: replace, Validators: applicantID},
			"other_id_type": schema.StringAttribute{Optional: true, Computed: true, Description: "Type of other_id.",
				PlanModifiers: []planmodifier.String{otherIDTypeDefault{}, stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.OneOf("user", "agency"),
					stringvalidator.ConflictsWith(path.MatchRoot("user_id"), path.MatchRoot("agency_id")),
				}},
			"confirmation": schema.StringAttribute{Required: true, Description: "REVOKE.",
				Validators: []validator.String{stringvalidator.OneOf("REVOKE")}},
			"triggers": schema.MapAttribute{Optional: true, ElementType: types.StringType, Description: "Triggers.",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(triggersChanged, "Revokes again.", "Revokes again.")}},
			"applicant_type":  computed(),
			"applicant_name":  computed(),
			"cluster_name":    computed(),
			"cluster_version": computed(),
			"revoked_at":      computed(),
			"revoked_by":      computed(),
			"region": schema.StringAttribute{Optional: true, Computed: true, Description: "Region.",
				Validators: []validator.String{matches(`^[a-z][a-z0-9]*(-[a-z0-9]+)+$`)}},
			"project_id": schema.StringAttribute{Optional: true, Computed: true, Description: "Project.",
				Validators: []validator.String{matches(`^[0-9a-f]{32}$`)}},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true}),
		},
	}
}

func (revocation) ModifyPlan(context.Context, resource.ModifyPlanRequest, *resource.ModifyPlanResponse) {
}

func (revocation) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m revocationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue(m.ClusterID.ValueString() + "/other/" + m.OtherID.ValueString())
	m.ApplicantType = m.OtherIDType
	m.ApplicantName = types.StringValue("")
	m.ClusterName = types.StringValue("floor")
	m.ClusterVersion = types.StringValue("v1.28.1-r0")
	m.RevokedAt = types.StringValue("2026-01-01T00:00:00Z")
	m.RevokedBy = types.StringValue("0123456789abcdef0123456789abcdef")
	m.Region = types.StringValue("eu-de")
	m.ProjectID = types.StringValue("0123456789abcdef0123456789abcdef")
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("cluster_id"), m.ClusterID)...)
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("applicant_type"), m.ApplicantType)...)
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("applicant_id"), m.OtherID)...)
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("region"), m.Region)...)
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("project_id"), m.ProjectID)...)
	}
}

func (revocation) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (revocation) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (revocation) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// matchesRE stands in for the provider's ID validators: one regular
// expression per attribute.
type matchesRE struct{ re *regexp.Regexp }

func matches(pattern string) matchesRE { return matchesRE{regexp.MustCompile(pattern)} }

func (v matchesRE) Description(context.Context) string { return "must match " + v.re.String() }

func (v matchesRE) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v matchesRE) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); !v.re.MatchString(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid ID", fmt.Sprintf("%q %s.", s, v.Description(context.Background())))
	}
}

// otherIDTypeDefault and triggersChanged do what the provider's plan
// modifiers of other_id_type and triggers do, with the same reads.
type otherIDTypeDefault struct{}

func (otherIDTypeDefault) Description(context.Context) string { return "user with other_id, else null" }

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
		resp.PlanValue = types.StringValue("user")
	}
}

func triggersChanged(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	var revokedAt types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("revoked_at"), &revokedAt)...)
	resp.RequiresReplace = !req.StateValue.IsNull() || !revokedAt.IsNull()
}
