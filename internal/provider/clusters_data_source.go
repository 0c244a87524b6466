package provider

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

var (
	_ datasource.DataSource                   = (*clustersDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*clustersDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*clustersDataSource)(nil)
)

// versionLookups bounds how many upgradeinfo reads one listing runs at once.
const versionLookups = 8

// NewClustersDataSource returns the cce_clusters data source.
func NewClustersDataSource() datasource.DataSource {
	return &clustersDataSource{}
}

type clustersDataSource struct {
	client *cce.Client
}

type clustersModel struct {
	NameRegex types.String `tfsdk:"name_regex"`
	Phases    types.List   `tfsdk:"phases"`
	Regions   types.List   `tfsdk:"regions"`
	ProjectID types.String `tfsdk:"project_id"`
	Clusters  types.List   `tfsdk:"clusters"`
	IDs       types.List   `tfsdk:"ids"`
}

// clusterRow is one element of clusters; nil pointers are null.
type clusterRow struct {
	ID                  string  `tfsdk:"id"`
	Name                string  `tfsdk:"name"`
	Phase               string  `tfsdk:"phase"`
	Version             *string `tfsdk:"version"`
	RevocationSupported bool    `tfsdk:"revocation_supported"`
	MinimumVersion      *string `tfsdk:"minimum_version"`
	Revocable           bool    `tfsdk:"revocable"`
	Reason              *string `tfsdk:"reason"`
	Region              string  `tfsdk:"region"`
	ProjectID           string  `tfsdk:"project_id"`
}

var clusterRowType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "phase": types.StringType, "version": types.StringType,
	"revocation_supported": types.BoolType, "minimum_version": types.StringType, "revocable": types.BoolType,
	"reason": types.StringType, "region": types.StringType, "project_id": types.StringType,
}}

func (d *clustersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_clusters"
}

func (d *clustersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The CCE clusters of the project, or of several regions (`regions`), each with its " +
			"region, project, full version, its phase and whether credentials can be revoked on it now. Use it to revoke on every cluster, and to report the clusters " +
			"that cannot take a revocation (too old, hibernated, failed) instead of failing the plan.\n\n" +
			"One list call reads every cluster; a cluster whose list entry lacks the full patch version costs one " +
			"more read (its upgrade information), done concurrently. Reading it has no side effects. The caller " +
			"needs permission to list clusters (`cce:cluster:list`).",
		Attributes: map[string]schema.Attribute{
			"name_regex": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Keep only clusters whose name matches this regular expression (Go RE2 syntax, " +
					"e.g. `^prod-`).",
				Validators: []validator.String{validRegex},
			},
			"phases": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Keep only clusters in these phases, e.g. `[\"Available\"]`. Spelled as CCE " +
					"reports them: " + markdownList(cce.Phases()) + ".",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(clusterPhase),
				},
			},
			"regions": schema.ListAttribute{
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Regions to list, e.g. `[\"eu-de\", \"eu-nl\"]`; default: the provider's `region`. " +
					"One read lists them all: IAM (global) is asked once, each region's CCE once for its clusters, in " +
					"the project named after the region unless `project_id` is set. The provider's `region_endpoints` " +
					"gives the hosts of regions other than its own.",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(regionFormat),
				},
			},
			"project_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: projectIDDoc + " Only with one region in `regions` (a project belongs to one " +
					"region); with several, each region's own project is listed. Null after a read of several regions.",
				Validators: []validator.String{projectIDFormat},
			},
			"clusters": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The clusters, sorted by region (in the order of `regions`), name and ID (stable across runs).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{Computed: true,
						MarkdownDescription: "Cluster ID (`metadata.uid`): the `cluster_id` of the other objects."},
					"name": schema.StringAttribute{Computed: true, MarkdownDescription: "Cluster name."},
					"phase": schema.StringAttribute{Computed: true,
						MarkdownDescription: "Phase (`status.phase`), e.g. `Available`, `Upgrading` or `Hibernation`."},
					"version": schema.StringAttribute{Computed: true,
						MarkdownDescription: "Full version, e.g. `v1.25.4-r10`, found as `cce_credential_revocation` " +
							"finds it; null when CCE reports no full patch version and no upgrade information."},
					"revocation_supported": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "Whether the version supports credential revocation (" +
							cce.RevocationRule() + "); false when the version is unknown."},
					"minimum_version": schema.StringAttribute{Computed: true,
						MarkdownDescription: "When `revocation_supported` is false, the first version of the cluster's " +
							"line that supports revocation (a patch upgrade to it is enough); null otherwise, and when " +
							"no version of the line supports it."},
					"revocable": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "Whether `cce_credential_revocation` can revoke on this cluster now: " +
							"`revocation_supported` and a phase that accepts revocations, which is `Available` or a busy " +
							"phase that apply waits out (such as `Upgrading`), and no lock (`status.isLocked`). " +
							"Hibernated, failed, deleting and locked (frozen) clusters are not revocable."},
					"reason": schema.StringAttribute{Computed: true,
						MarkdownDescription: "Why `revocable` is false, and what to do (upgrade to `minimum_version`, " +
							"wake the cluster up, ...); null when it is true."},
					"region": schema.StringAttribute{Computed: true,
						MarkdownDescription: "Region of the cluster: pass it as `region` to `cce_credential_revocation`."},
					"project_id": schema.StringAttribute{Computed: true,
						MarkdownDescription: "Project of the cluster: pass it as `project_id` to `cce_credential_revocation`."},
				}},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The `id` of every cluster, in the same order.",
			},
		},
	}
}

func (d *clustersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses project_id with several regions: a project belongs
// to one region.
func (d *clustersDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var regions types.List
	var project types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("regions"), &regions)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("project_id"), &project)...)
	if resp.Diagnostics.HasError() || project.IsNull() || regions.IsNull() || regions.IsUnknown() || len(regions.Elements()) < 2 {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("project_id"), "project_id with several regions",
		fmt.Sprintf("project_id = %q is set together with %d regions, but a project belongs to one region. Remove "+
			"project_id to list each region's own project, or list one region per cce_clusters.", project.ValueString(),
			len(regions.Elements())))
}

func (d *clustersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.client, &resp.Diagnostics) {
		return
	}
	var m clustersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var phases []string
	if !m.Phases.IsNull() {
		resp.Diagnostics.Append(m.Phases.ElementsAs(ctx, &phases, false)...)
	}
	var nameRE *regexp.Regexp
	if !m.NameRegex.IsNull() {
		nameRE = regexp.MustCompile(m.NameRegex.ValueString()) // validated at plan
	}

	var regions []string
	if !m.Regions.IsNull() && !m.Regions.IsUnknown() {
		resp.Diagnostics.Append(m.Regions.ElementsAs(ctx, &regions, false)...)
	}
	if len(regions) == 0 {
		regions = []string{""} // the provider's
	}
	rows := []clusterRow{}
	var listed []attr.Value
	for i, region := range regions {
		at := path.Root("regions").AtListIndex(i)
		if len(regions) == 1 && m.Regions.IsNull() {
			at = path.Empty()
		}
		here, ok := locate(ctx, d.client, types.StringValue(region), m.ProjectID, at, &resp.Diagnostics)
		if !ok {
			return
		}
		listed = append(listed, types.StringValue(here.loc.Region))
		clusters, err := here.client.Clusters(ctx, cce.Cached)
		if addRefusal(&resp.Diagnostics, err) {
			return
		}
		if err != nil {
			resp.Diagnostics.AddError("Cannot list clusters", apiErrorDetail(err, permissionAdvice(err,
				fmt.Sprintf("Listing the clusters of %s needs the cce:cluster:list permission. Grant the caller the "+
					"CCE ReadOnlyAccess role (or CCE FullAccess) in this project.", where(here.loc)))))
			return
		}
		clusters = slices.DeleteFunc(clusters, func(cl cce.Cluster) bool {
			return (nameRE != nil && !nameRE.MatchString(cl.Name)) || (phases != nil && !slices.Contains(phases, cl.Phase))
		})
		slices.SortFunc(clusters, func(a, b cce.Cluster) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
		regionRows, ok := assessIn(ctx, here.client, clusters, &resp.Diagnostics)
		if !ok {
			return
		}
		for i := range regionRows {
			regionRows[i].Region, regionRows[i].ProjectID = here.loc.Region, here.loc.ProjectID
		}
		rows = append(rows, regionRows...)
		if len(regions) == 1 {
			m.ProjectID = types.StringValue(here.loc.ProjectID)
		}
	}
	if len(regions) > 1 {
		m.ProjectID = types.StringNull()
	}
	m.Regions = types.ListValueMust(types.StringType, listed)
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var diags diag.Diagnostics
	m.Clusters, diags = types.ListValueFrom(ctx, clusterRowType, rows)
	resp.Diagnostics.Append(diags...)
	m.IDs, diags = types.ListValueFrom(ctx, types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// assessIn resolves every cluster's full version (only clusters whose list
// entry lacks it cost a read, run concurrently) with the client of the
// clusters' location, and judges whether it can take a revocation. A read
// that fails for another reason than a missing upgradeinfo is an error: the
// first one, in the clusters' order, is reported.
func assessIn(ctx context.Context, client *cce.Client, clusters []cce.Cluster, diags *diag.Diagnostics) ([]clusterRow, bool) {
	answers := make([]versionAnswer, len(clusters))
	var wg sync.WaitGroup
	sem := make(chan struct{}, versionLookups)
	for i := range clusters {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			answers[i] = versionOf(ctx, client, &clusters[i]) // no request when the list entry has it
		})
	}
	wg.Wait()
	failed := func(a versionAnswer) bool { return a.err != nil && !cce.IsNotFound(a.err) }
	if i := slices.IndexFunc(answers, failed); i >= 0 {
		cl := clusters[i]
		diags.AddError("Cannot tell a cluster's version", apiErrorDetail(answers[i].err, fmt.Sprintf(
			"Cluster %q (%s) reports version %q, platform version %q and no full patch version, and reading its "+
				"upgrade information failed.", cl.Name, cl.ID, cl.Version, cl.PlatformVersion)+
			ifForbidden(answers[i].err, "The caller needs the cce:cluster:get permission on it.")))
		return nil, false
	}
	rows := make([]clusterRow, len(clusters))
	for i := range clusters {
		rows[i] = clusterRevocability(&clusters[i], answers[i])
	}
	return rows, true
}

// clusterRevocability is the row of one cluster: judgeCluster's verdict, the
// one cce_credential_revocation reaches at plan, with its reasons.
func clusterRevocability(cl *cce.Cluster, ans versionAnswer) clusterRow {
	e := judgeCluster(cl, ans)
	row := clusterRow{ID: cl.ID, Name: cl.Name, Phase: cl.Phase, Revocable: e.eligible(),
		RevocationSupported: e.supported != nil && *e.supported}
	if e.version != "" {
		row.Version = &e.version
	}
	if e.minimum != "" {
		row.MinimumVersion = &e.minimum
	}
	if !row.Revocable {
		reasons := make([]string, len(e.refusals))
		for i, r := range e.refusals {
			reasons[i] = r.reason
		}
		r := strings.Join(reasons, " ")
		row.Reason = &r
	}
	return row
}

// markdownList renders values as a comma-separated list of code spans.
func markdownList(values []string) string {
	return "`" + strings.Join(values, "`, `") + "`"
}
