package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

var (
	_ ephemeral.EphemeralResource                   = (*clusterCredentialEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithConfigure      = (*clusterCredentialEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*clusterCredentialEphemeral)(nil)
)

// NewClusterCredentialEphemeralResource returns the cce_cluster_credential
// ephemeral resource.
func NewClusterCredentialEphemeralResource() ephemeral.EphemeralResource {
	return &clusterCredentialEphemeral{}
}

type clusterCredentialEphemeral struct {
	client *cce.Client
}

type clusterCredentialEphemeralModel struct {
	credentialRequest
	credentialOutputs
}

func (e *clusterCredentialEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_credential"
}

func (e *clusterCredentialEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"cluster_id": schema.StringAttribute{Required: true, MarkdownDescription: "ID of the cluster (a UUID).",
			Validators: []validator.String{clusterIDFormat}},
		"duration_days": schema.Int64Attribute{Optional: true,
			MarkdownDescription: durationDaysDescription,
			Validators:          []validator.Int64{credentialDays{}}},
		"expire_at": schema.StringAttribute{Optional: true,
			MarkdownDescription: "Expiry time (RFC 3339), 15 minutes to 5 years ahead.",
			Validators:          []validator.String{rfc3339Time}},
		"region": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: regionDoc,
			Validators: []validator.String{regionFormat}},
		"project_id": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: projectIDDoc,
			Validators: []validator.String{projectIDFormat}},
	}
	for name, o := range credentialOutputAttrs {
		attrs[name] = schema.StringAttribute{Computed: true, Sensitive: o.sensitive, MarkdownDescription: o.description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues the caller's own kubeconfig for a CCE cluster without storing it: the key never " +
			"reaches the plan or the state. Use it to hand a credential to another provider (e.g. `kubernetes`) " +
			"or a pipeline step.\n\n" +
			"Every time Terraform opens it (during plan and again during apply) CCE issues a new certificate, " +
			"so prefer a short `duration_days`. Needs Terraform 1.10 or later, or OpenTofu 1.11 or later.\n\n" +
			issueOnceNote,
		Attributes: attrs,
	}
}

func (e *clusterCredentialEphemeral) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var m clusterCredentialEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.validate(&resp.Diagnostics)
}

func (e *clusterCredentialEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *clusterCredentialEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if !requireClient(e.client, &resp.Diagnostics) {
		return
	}
	var m clusterCredentialEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	m.checkExpiryWindow(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	c := issueCredential(ctx, e.client, m.credentialRequest, &resp.Diagnostics)
	if c == nil {
		return
	}
	if here, ok := locate(ctx, e.client, m.Region, m.ProjectID, path.Empty(), &resp.Diagnostics); ok {
		m.Region, m.ProjectID = types.StringValue(here.loc.Region), types.StringValue(here.loc.ProjectID)
	}
	m.set(c)
	resp.Diagnostics.Append(resp.Result.Set(ctx, m)...)
}
