// Package provider is the Terraform surface of the CCE credential provider: it
// turns configuration into calls of the internal/cce client and results into
// state and diagnostics. It never builds URLs or parses HTTP.
package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

var (
	_ provider.Provider                       = (*cceProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*cceProvider)(nil)
	_ provider.ProviderWithActions            = (*cceProvider)(nil)
)

// New returns a constructor of the provider, reading environment variables
// from the process environment.
func New(version string) func() provider.Provider {
	return newWithEnv(version, os.Getenv)
}

// newWithEnv lets tests give each provider instance its own environment, so
// that acceptance tests can run in parallel and keep secrets out of HCL.
func newWithEnv(version string, getenv func(string) string) func() provider.Provider {
	return func() provider.Provider {
		return &cceProvider{version: version, getenv: getenv}
	}
}

type cceProvider struct {
	version string
	getenv  func(string) string
}

type providerModel struct {
	Region          types.String  `tfsdk:"region"`
	ProjectID       types.String  `tfsdk:"project_id"`
	AccessKey       types.String  `tfsdk:"access_key"`
	SecretKey       types.String  `tfsdk:"secret_key"`
	SecurityToken   types.String  `tfsdk:"security_token"`
	UserName        types.String  `tfsdk:"user_name"`
	Password        types.String  `tfsdk:"password"`
	DomainName      types.String  `tfsdk:"domain_name"`
	DomainID        types.String  `tfsdk:"domain_id"`
	AuthToken       types.String  `tfsdk:"auth_token"`
	Cloud           types.String  `tfsdk:"cloud"`
	Endpoints       types.Object  `tfsdk:"endpoints"`
	RegionEndpoints types.Map     `tfsdk:"region_endpoints"`
	Insecure        types.Bool    `tfsdk:"insecure"`
	CACertFile      types.String  `tfsdk:"cacert_file"`
	MaxRetries      types.Int64   `tfsdk:"max_retries"`
	RateLimit       types.Float64 `tfsdk:"rate_limit"`
	// SeparateApply says that the apply signs in as another principal than
	// the plan (a read-only plan job, a revoking apply job).
	SeparateApply types.Bool `tfsdk:"separate_apply_principal"`
}

type endpointsModel struct {
	IAM types.String `tfsdk:"iam"`
	CCE types.String `tfsdk:"cce"`
	CTS types.String `tfsdk:"cts"`
	STS types.String `tfsdk:"sts"`
}

// Defaults of the provider block, named once so that schema descriptions and
// Configure agree.
const (
	defaultMaxRetries = 5
	maxMaxRetries     = 20
)

func (p *cceProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "cce"
	resp.Version = p.version
}

func (p *cceProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages access credentials of Huawei Cloud and Open Telekom Cloud CCE " +
			"(Kubernetes) clusters: revokes the client certificates of users, agencies and deleted or " +
			"federated identities, lists who can be revoked, and issues fresh credentials.\n\n" +
			"Every argument can come from an environment variable; a value in the configuration wins. " +
			"Exactly one way to sign in must be complete: an access key pair (optionally temporary, with " +
			"`security_token`), an IAM user name, password and account name, or an IAM token.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Region of the clusters, e.g. `ap-southeast-1` or `eu-de`. " +
					envDoc(envRegion) + " Required unless all three `endpoints` are set.",
			},
			"project_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "ID of the project (region scope) the clusters live in. " + envDoc(envProjectID) +
					" When unset, the provider looks up the project named after `region`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"access_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Access key ID (AK) of an IAM user, for AK/SK request signing. " + envDoc(envAccessKey),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Secret access key (SK) belonging to `access_key`. " + envDoc(envSecretKey),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"security_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Security token of a temporary access key pair; set it together with " +
					"`access_key` and `secret_key`. " + envDoc(envSecurityToken),
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"user_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "IAM user name for password sign-in, together with `password` and " +
					"`domain_name`. " + envDoc(envUserName),
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"password": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Password of `user_name`. " + envDoc(envPassword),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"domain_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Account (domain) name that `user_name` belongs to. " + envDoc(envDomainName),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"domain_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "ID of the account (domain). IAM is a global service: requests to it signed with " +
					"an access key pair carry this ID (`X-Domain-Id`), as the official SDKs send it. When unset, the " +
					"provider looks it up once per run (`GET /v3/auth/domains`, then STS); set it to skip that " +
					"request. It is 32 hexadecimal characters; another value is refused at plan. " + envDoc(envDomainID),
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), domainIDFormat},
			},
			"auth_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "An IAM token (`X-Auth-Token`) scoped to the project: CCE and CTS refuse a token " +
					"scoped to the account (domain). Tokens live at most 24 hours; prefer keys or a password for long " +
					"pipelines. " + envDoc(envAuthToken),
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"cloud": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Domain suffix of the service endpoints: `" + cce.DefaultCloud +
					"` (Huawei Cloud, the default) or `" + cce.CloudOTC + "` (Open Telekom Cloud). " +
					"Endpoints default to `https://{service}.{region}.{cloud}`. " + envDoc(envCloud),
				Validators: []validator.String{hostnameSuffix},
			},
			"endpoints": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Overrides of the service endpoints, e.g. for a private gateway or the " +
					"mock cloud of `make demo`. Each value is an absolute `https://` URL; `http://` is refused (it " +
					"would send the credentials in clear text) unless the host is this machine (`localhost`, " +
					"`127.0.0.1`, `::1`).",
				Attributes: map[string]schema.Attribute{
					"iam": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "IAM endpoint. " + envDoc(envIAMEndpoint),
						Validators:          []validator.String{endpointURL},
					},
					"cce": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "CCE endpoint. " + envDoc(envCCEEndpoint),
						Validators:          []validator.String{endpointURL},
					},
					"cts": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "CTS (Cloud Trace Service) endpoint. " + envDoc(envCTSEndpoint),
						Validators:          []validator.String{endpointURL},
					},
					"sts": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "STS (Security Token Service) endpoint, asked who the provider is signed in " +
							"as. Where the cloud has no STS (a request to it fails), the provider asks IAM instead, which " +
							"names IAM users only. " + envDoc(envSTSEndpoint),
						Validators: []validator.String{endpointURL},
					},
				},
			},
			"region_endpoints": regionEndpointsSchema(),
			"insecure": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Skip TLS certificate verification. Off by default; turning it on prints " +
					"a warning on every run. Prefer `cacert_file`. " + envDoc(envInsecure),
			},
			"cacert_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Path of a PEM file with extra certificate authorities to trust, e.g. a " +
					"corporate proxy's. " + envDoc(envCACertFile),
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a transport error, "+
					"HTTP 429 or 5xx, with exponential backoff and jitter (`Retry-After` is honoured). Client "+
					"errors (4xx) are never retried. 0 to %d, default %d. ", maxMaxRetries, defaultMaxRetries) +
					envDoc(envMaxRetries),
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"rate_limit": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "Most requests per second this provider sends, across all resources of " +
					"one run. 0 (the default) means no client-side limit. Throttling answers (HTTP 429) are " +
					"retried, and each one slows the provider down: its rate halves and grows again after a run " +
					"of successes, never above this limit. " + envDoc(envRateLimit),
				Validators: []validator.Float64{float64validator.AtLeast(0)},
			},
			"separate_apply_principal": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Set to `true` when the plan and the apply of a saved plan sign in as different " +
					"principals, for example a pipeline that plans with read-only credentials and applies with " +
					"credentials that may revoke. The plan then still checks everything it can read, but the rule " +
					"of who may revoke whom (and the applicant's name, which depends on what the signer may read) " +
					"moves to the apply, whose own checks enforce it before anything is sent; the plan says so in a " +
					"warning. Off by default: the plan refuses a revocation its own signer may not make. " +
					envDoc(envSeparateApply),
			},
		},
	}
}

func (p *cceProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, diags := p.clientConfig(ctx, m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.UserAgent = "terraform-provider-cce/" + p.version + " terraform/" + req.TerraformVersion
	client, err := cce.NewClient(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	s := settings{getenv: p.getenv, diags: &resp.Diagnostics}
	data := &providerData{client: client,
		separateApply: s.boolean(m.SeparateApply, path.Root("separate_apply_principal"), envSeparateApply)}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
}

func (p *cceProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewCredentialRevocationResource,
		NewCredentialRevocationsResource,
		NewClusterCredentialResource,
	}
}

func (p *cceProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewClusterCredentialEphemeralResource,
	}
}

func (p *cceProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		NewRevokeCredentialAction,
	}
}

func (p *cceProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewCallerIdentityDataSource,
		NewCertificateApplicantsDataSource,
		NewClustersDataSource,
	}
}

// clientConfig merges configuration and environment (configuration wins)
// into a client configuration, with attribute-scoped diagnostics.
func (p *cceProvider) clientConfig(ctx context.Context, m providerModel) (cce.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := settings{getenv: p.getenv, diags: &diags}

	var ep endpointsModel
	if !m.Endpoints.IsNull() && !m.Endpoints.IsUnknown() {
		diags.Append(m.Endpoints.As(ctx, &ep, basetypes.ObjectAsOptions{})...)
	}
	cfg := cce.Config{
		Region:      s.str(m.Region, path.Root("region"), envRegion),
		ProjectID:   s.str(m.ProjectID, path.Root("project_id"), envProjectID),
		Cloud:       s.str(m.Cloud, path.Root("cloud"), envCloud),
		IAMEndpoint: s.str(ep.IAM, path.Root("endpoints").AtName("iam"), envIAMEndpoint),
		CCEEndpoint: s.str(ep.CCE, path.Root("endpoints").AtName("cce"), envCCEEndpoint),
		CTSEndpoint: s.str(ep.CTS, path.Root("endpoints").AtName("cts"), envCTSEndpoint),
		STSEndpoint: s.str(ep.STS, path.Root("endpoints").AtName("sts"), envSTSEndpoint),
		DomainID:    s.str(m.DomainID, path.Root("domain_id"), envDomainID),
		Credentials: cce.Credentials{
			AccessKey:     s.str(m.AccessKey, path.Root("access_key"), envAccessKey),
			SecretKey:     s.str(m.SecretKey, path.Root("secret_key"), envSecretKey),
			SecurityToken: s.str(m.SecurityToken, path.Root("security_token"), envSecurityToken),
			UserName:      s.str(m.UserName, path.Root("user_name"), envUserName),
			Password:      s.str(m.Password, path.Root("password"), envPassword),
			DomainName:    s.str(m.DomainName, path.Root("domain_name"), envDomainName),
			AuthToken:     s.str(m.AuthToken, path.Root("auth_token"), envAuthToken),
		},
		Insecure:   s.boolean(m.Insecure, path.Root("insecure"), envInsecure),
		MaxRetries: int(s.integer(m.MaxRetries, path.Root("max_retries"), envMaxRetries, defaultMaxRetries, 0, maxMaxRetries)),
		RateLimit:  s.float(m.RateLimit, path.Root("rate_limit"), envRateLimit),
	}
	if diags.HasError() {
		return cfg, diags
	}
	if cfg.Cloud == "" {
		cfg.Cloud = cce.DefaultCloud
	}
	cfg.RegionEndpoints = regionEndpointsConfig(ctx, m.RegionEndpoints, &diags)
	checkEndpoints(cfg, &diags)
	checkDomainID(cfg.DomainID, &diags)
	if cfg.Region == "" && (cfg.IAMEndpoint == "" || cfg.CCEEndpoint == "" || cfg.CTSEndpoint == "") {
		diags.AddAttributeError(path.Root("region"), "Missing region",
			"The provider needs a region to build the service endpoints (https://{service}.{region}.{cloud}). "+
				"Set region in the provider block, or "+envList(envRegion)+".")
	}
	if cfg.Region == "" && cfg.ProjectID == "" {
		diags.AddAttributeError(path.Root("project_id"), "Missing project_id",
			"Without a region the provider cannot discover the project (it looks it up by region name). Set "+
				"project_id in the provider block or "+envList(envProjectID)+", or set region.")
	}
	checkCredentials(cfg.Credentials, &diags)
	if cfg.Insecure {
		diags.AddAttributeWarning(path.Root("insecure"), "TLS verification is off",
			"insecure = true: the provider does not verify the certificates of the IAM, CCE and CTS endpoints, "+
				"so anyone on the network path can read your credentials. Use cacert_file to trust a private "+
				"certificate authority instead.")
	}
	if file := s.str(m.CACertFile, path.Root("cacert_file"), envCACertFile); file != "" {
		pem, err := os.ReadFile(file)
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("cacert_file"), "Cannot read cacert_file",
				fmt.Sprintf("Reading %q failed: %s. Point cacert_file (or %s) at a readable PEM file of "+
					"certificate authorities.", file, err, envList(envCACertFile)))
		case !x509.NewCertPool().AppendCertsFromPEM(pem): // what the client will do with it
			diags.AddAttributeError(path.Root("cacert_file"), "cacert_file holds no certificate",
				fmt.Sprintf("%q contains no readable PEM block of type CERTIFICATE. Point cacert_file at a PEM "+
					"file of certificate authorities.", file))
		default:
			cfg.CACertPEM = pem
		}
	}
	return cfg, diags
}

// checkEndpoints applies the endpoint rules of the schema's validator to
// every endpoint, so that one from the environment fails the same way.
func checkEndpoints(cfg cce.Config, diags *diag.Diagnostics) {
	for _, e := range []struct {
		name, value string
		env         envVar
	}{{"iam", cfg.IAMEndpoint, envIAMEndpoint}, {"cce", cfg.CCEEndpoint, envCCEEndpoint},
		{"cts", cfg.CTSEndpoint, envCTSEndpoint}, {"sts", cfg.STSEndpoint, envSTSEndpoint}} {
		if e.value == "" {
			continue
		}
		at := path.Root("endpoints").AtName(e.name)
		if summary, problem := endpointProblem(fmt.Sprintf("%s (or %s)", at, envList(e.env)), e.value); problem != "" {
			diags.AddAttributeError(at, summary, problem)
		}
	}
}
