package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

var (
	_ datasource.DataSource              = (*callerIdentityDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*callerIdentityDataSource)(nil)
)

// NewCallerIdentityDataSource returns the cce_caller_identity data source.
func NewCallerIdentityDataSource() datasource.DataSource {
	return &callerIdentityDataSource{}
}

type callerIdentityDataSource struct {
	client *cce.Client
}

type callerIdentityModel struct {
	UserID     types.String `tfsdk:"user_id"`
	UserName   types.String `tfsdk:"user_name"`
	DomainID   types.String `tfsdk:"domain_id"`
	DomainName types.String `tfsdk:"domain_name"`
	ProjectID  types.String `tfsdk:"project_id"`
	IsAdmin    types.Bool   `tfsdk:"is_admin"`
	Groups     types.List   `tfsdk:"groups"`
	AuthMethod types.String `tfsdk:"auth_method"`
}

func (d *callerIdentityDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_caller_identity"
}

func (d *callerIdentityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who the provider is signed in as, and whether that identity may revoke other " +
			"people's credentials. An IAM user may revoke only their own credential; members of the `admin` " +
			"group and the account itself may revoke anyone's. Use it to guard a module, or to revoke your own " +
			"credential with `user_id = data.cce_caller_identity.me.user_id`.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "IAM user ID of the caller: the CN of the certificates this identity downloads.",
			},
			"user_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "IAM user name of the caller.",
			},
			"domain_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "ID of the account (domain) the caller belongs to.",
			},
			"domain_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the account (domain) the caller belongs to.",
			},
			"project_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Project the provider works in: the configured `project_id`, or the project named after `region`.",
			},
			"is_admin": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether the caller may revoke other identities' credentials: true for " +
					"members of the IAM `admin` group and for the account itself.",
			},
			"groups": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Names of the IAM user groups the caller belongs to, sorted.",
			},
			"auth_method": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "How the provider signed in: `aksk`, `temporary_aksk`, `password` or " +
					"`token`.",
			},
		},
	}
}

func (d *callerIdentityDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *callerIdentityDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.client, &resp.Diagnostics) {
		return
	}
	id, err := d.client.Caller(ctx, cce.Cached)
	if err != nil {
		resp.Diagnostics.AddError("Cannot tell who the provider is signed in as", apiErrorDetail(err,
			"The provider asks IAM for the identity behind its credentials. Check that the credentials are "+
				"valid and not expired, and that the IAM endpoint is reachable."))
		return
	}
	groups, diags := types.ListValueFrom(ctx, types.StringType, sortedCopy(id.Groups))
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, callerIdentityModel{
		UserID:     types.StringValue(id.UserID),
		UserName:   types.StringValue(id.UserName),
		DomainID:   types.StringValue(id.DomainID),
		DomainName: types.StringValue(id.DomainName),
		ProjectID:  types.StringValue(id.ProjectID),
		IsAdmin:    types.BoolValue(id.Admin == cce.AdminYes),
		Groups:     groups,
		AuthMethod: types.StringValue(string(id.AuthMethod)),
	})...)
}
