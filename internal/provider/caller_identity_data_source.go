package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	UserID        types.String `tfsdk:"user_id"`
	UserName      types.String `tfsdk:"user_name"`
	DomainID      types.String `tfsdk:"domain_id"`
	DomainName    types.String `tfsdk:"domain_name"`
	AccountID     types.String `tfsdk:"account_id"`
	PrincipalID   types.String `tfsdk:"principal_id"`
	PrincipalURN  types.String `tfsdk:"principal_urn"`
	PrincipalType types.String `tfsdk:"principal_type"`
	ProjectID     types.String `tfsdk:"project_id"`
	Region        types.String `tfsdk:"region"`
	IsAdmin       types.Bool   `tfsdk:"is_admin"`
	Groups        types.List   `tfsdk:"groups"`
	AuthMethod    types.String `tfsdk:"auth_method"`
}

func (d *callerIdentityDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_caller_identity"
}

func (d *callerIdentityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who the provider is signed in as, and whether that identity may revoke other " +
			"people's credentials. An IAM user may revoke only their own credential; members of the `admin` " +
			"group and the account itself may revoke anyone's. Use it to guard a module, or to revoke your own " +
			"credential with `user_id = data.cce_caller_identity.me.user_id`.\n\n" +
			"The provider asks STS (`GET /v5/caller-identity`) first, which names every kind of caller; " +
			"without STS it asks IAM, which names IAM users only.",
		Attributes: map[string]schema.Attribute{
			"user_id": computed("IAM user ID of the caller: the CN of the certificates this identity downloads. " +
				"Empty for an agency session or a federated user, who are no IAM users."),
			"user_name": computed("IAM user name of the caller; empty when `user_id` is."),
			"domain_id": computed("ID of the account (domain) the caller belongs to."),
			"domain_name": computed("Name of the account (domain) the caller belongs to. Empty when signed in with " +
				"an access key pair and `domain_id` is configured: the provider then skips the look-up that names it."),
			"account_id": computed("The account ID as STS names it: the same value as `domain_id`."),
			"principal_id": computed("STS's ID of the caller: the user ID of an IAM user, " +
				"`<agency ID>:<session name>` for an agency session, `<identity provider ID>:<session name>` for a " +
				"federated user. Empty when STS could not be asked."),
			"principal_urn": computed("STS's URN of the caller, e.g. `iam::<account ID>:user:<user name>` or " +
				"`sts::<account ID>:assumed-agency:<agency name>/<session name>`. Empty when STS could not be asked."),
			"principal_type": computed("What kind of caller this is: `user` (an IAM user), `account` (the account " +
				"itself), `agency_session`, `federated_user`, or `unknown` (temporary keys when STS cannot be asked)."),
			"project_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Project the provider works in: the configured `project_id`, or the project named " +
					"after `region`. With this data source's `region`, that region's project (the project named after " +
					"it); setting it only checks its form and echoes it.",
				Validators: []validator.String{projectIDFormat},
			},
			"region": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Region whose project `project_id` names; default the provider's. The caller is " +
					"the same in every region (IAM and STS are global): only `project_id` depends on it.",
				Validators: []validator.String{regionFormat},
			},
			"is_admin": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether the caller may revoke other identities' credentials, read live from its " +
					"IAM groups: true for members of the IAM `admin` group and for the account itself, false for other " +
					"IAM users. Null when the provider cannot tell: for an agency session or a federated user (their " +
					"policies decide, which the provider cannot read), or when IAM does not show the caller's groups. " +
					"CCE then decides when a revocation is applied.",
			},
			"groups": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Names of the IAM user groups the caller belongs to, sorted. Null when they were not read.",
			},
			"auth_method": computed("How the provider signed in: `aksk`, `temporary_aksk`, `password` or `token`."),
		},
	}
}

func (d *callerIdentityDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *callerIdentityDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.client, &resp.Diagnostics) {
		return
	}
	var region, project types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("region"), &region)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("project_id"), &project)...)
	here, ok := locate(ctx, d.client, region, project, path.Empty(), &resp.Diagnostics)
	if !ok {
		return
	}
	id, err := d.client.Caller(ctx, cce.Cached)
	if addRefusal(&resp.Diagnostics, err) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot tell who the provider is signed in as", apiErrorDetail(err,
			"The provider asks STS and IAM for the identity behind its credentials. Check that the credentials are "+
				"valid and not expired, and that the STS and IAM endpoints are reachable."))
		return
	}
	groups := types.ListNull(types.StringType)
	if id.Groups != nil {
		var diags diag.Diagnostics
		groups, diags = types.ListValueFrom(ctx, types.StringType, sortedCopy(id.Groups))
		resp.Diagnostics.Append(diags...)
	}
	isAdmin := types.BoolNull()
	if id.Admin != cce.AdminUnknown {
		isAdmin = types.BoolValue(id.Admin == cce.AdminYes)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, callerIdentityModel{
		UserID:        types.StringValue(id.UserID),
		UserName:      types.StringValue(id.UserName),
		DomainID:      types.StringValue(id.DomainID),
		DomainName:    types.StringValue(id.DomainName),
		AccountID:     types.StringValue(id.DomainID),
		PrincipalID:   types.StringValue(id.PrincipalID),
		PrincipalURN:  types.StringValue(id.PrincipalURN),
		PrincipalType: types.StringValue(string(id.Kind)),
		ProjectID:     types.StringValue(callerProject(id.ProjectID, region, project, here.loc.ProjectID)),
		Region:        types.StringValue(here.loc.Region),
		IsAdmin:       isAdmin,
		Groups:        groups,
		AuthMethod:    types.StringValue(string(id.AuthMethod)),
	})...)
}

// callerProject is the provider's project as the caller's identity reports
// it, unless the configuration names a location.
func callerProject(providers string, region, project types.String, located string) string {
	if region.IsNull() && project.IsNull() && providers != "" {
		return providers
	}
	return located
}
