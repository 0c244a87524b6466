package provider

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ datasource.DataSource                   = (*certificateApplicantsDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*certificateApplicantsDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*certificateApplicantsDataSource)(nil)
)

// ctsWindow is how far back CTS answers queries (cce-api.md §12): the default
// and the maximum of deleted_within.
const ctsWindow = 168 * time.Hour

// NewCertificateApplicantsDataSource returns the cce_certificate_applicants data source.
func NewCertificateApplicantsDataSource() datasource.DataSource {
	return &certificateApplicantsDataSource{}
}

type certificateApplicantsDataSource struct {
	client *cce.Client
}

type certificateApplicantsModel struct {
	Types               types.List   `tfsdk:"types"`
	NameRegex           types.String `tfsdk:"name_regex"`
	IncludeDeleted      types.Bool   `tfsdk:"include_deleted"`
	DeletedWithin       types.String `tfsdk:"deleted_within"`
	ClusterID           types.String `tfsdk:"cluster_id"`
	Region              types.String `tfsdk:"region"`
	ProjectID           types.String `tfsdk:"project_id"`
	ClusterVersion      types.String `tfsdk:"cluster_version"`
	RevocationSupported types.Bool   `tfsdk:"revocation_supported"`
	Applicants          types.List   `tfsdk:"applicants"`
	IDs                 types.List   `tfsdk:"ids"`
}

// applicantRow is one element of applicants.
type applicantRow struct {
	ID          string
	Name        string
	Type        string
	Status      string
	Enabled     *bool
	Description string
	DeletedAt   *time.Time
	DeletedBy   string
}

var applicantAttrTypes = map[string]attr.Type{
	"id": types.StringType, "name": types.StringType, "type": types.StringType, "status": types.StringType,
	"enabled": types.BoolType, "description": types.StringType, "deleted_at": types.StringType,
	"deleted_by": types.StringType,
}

func (d *certificateApplicantsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_certificate_applicants"
}

func (d *certificateApplicantsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who can be revoked: the IAM users and agencies of the account (the console's *User* " +
			"and *Account* choices) and, with `include_deleted`, users and agencies deleted within the last " +
			"week, found from CTS `deleteUser` / `deleteAgency` traces. Deleted identities keep working " +
			"certificates until revoked; pass their `id` to `cce_credential_revocation` as `other_id` with " +
			"`other_id_type = type`.\n\n" +
			"Reading it has no side effects: it never issues a certificate and never writes. The caller needs " +
			"IAM read permission (e.g. the IAM `ReadOnlyAccess` role), and CTS read permission for deleted " +
			"identities.",
		Attributes: map[string]schema.Attribute{
			"types": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Kinds of applicant to list: `user`, `agency` or both (the default).",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.OneOf(kindUser, kindAgency)),
				},
			},
			"name_regex": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Keep only applicants whose name matches this regular expression (Go RE2 " +
					"syntax, e.g. `^ext-` or `(?i)contractor`).",
				Validators: []validator.String{validRegex},
			},
			"include_deleted": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Also list users and agencies deleted within `deleted_within`, from CTS. " +
					"Default `false`. An identity deleted and re-created with the same name appears twice, with " +
					"different IDs.",
			},
			"deleted_within": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How far back to look for deletions, as a duration such as `72h`. Default and " +
					"maximum `168h`: CTS keeps only the last 7 days of traces. Only used with `include_deleted`.",
				Validators: []validator.String{durationWithin(ctsWindow, "CTS keeps only the last 7 days of traces, so older deletions cannot be found.")},
			},
			"cluster_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A cluster to check: when set, `cluster_version` and `revocation_supported` " +
					"tell whether credentials can be revoked there, so a module can guard on it.",
				Validators: []validator.String{clusterIDFormat},
			},
			"region": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: regionDoc + " It locates `cluster_id`, and CTS (for `include_deleted`) is asked " +
					"in this region; the IAM users and agencies are the account's whatever the region.",
				Validators: []validator.String{regionFormat},
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: projectIDDoc,
				Validators:          []validator.String{projectIDFormat},
			},
			"cluster_version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Full version of `cluster_id`, e.g. `v1.25.4-r10`; null without `cluster_id`.",
			},
			"revocation_supported": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether `cluster_id` runs a version that supports credential revocation " +
					"(" + cce.RevocationRule() + "); null without `cluster_id`.",
			},
			"applicants": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The applicants, sorted by type, name and ID (stable across runs).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{Computed: true,
						MarkdownDescription: "IAM user or agency ID: the CN of the certificates it downloaded."},
					"name": schema.StringAttribute{Computed: true,
						MarkdownDescription: "User or agency name (for deleted ones, the name at deletion)."},
					"type":   schema.StringAttribute{Computed: true, MarkdownDescription: "`user` or `agency`."},
					"status": schema.StringAttribute{Computed: true, MarkdownDescription: "`active` or `deleted`."},
					"enabled": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "Whether an active user is enabled; always true for agencies, null for deleted identities."},
					"description": schema.StringAttribute{Computed: true, MarkdownDescription: "Description in IAM."},
					"deleted_at": schema.StringAttribute{Computed: true,
						MarkdownDescription: "When it was deleted (RFC 3339, UTC); null for active identities."},
					"deleted_by": schema.StringAttribute{Computed: true,
						MarkdownDescription: "Name of the user who deleted it; null for active identities."},
				}},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The `id` of every applicant, in the same order.",
			},
		},
	}
}

func (d *certificateApplicantsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m certificateApplicantsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if !m.DeletedWithin.IsNull() && !m.DeletedWithin.IsUnknown() && !m.IncludeDeleted.IsUnknown() && !m.IncludeDeleted.ValueBool() {
		resp.Diagnostics.AddAttributeWarning(path.Root("deleted_within"), "deleted_within has no effect",
			"deleted_within only applies with include_deleted = true. Set include_deleted = true to list deleted "+
				"identities, or remove deleted_within.")
	}
}

func (d *certificateApplicantsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *certificateApplicantsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.client, &resp.Diagnostics) {
		return
	}
	var m certificateApplicantsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	here, ok := locate(ctx, d.client, m.Region, m.ProjectID, path.Empty(), &resp.Diagnostics)
	if !ok {
		return
	}
	d = &certificateApplicantsDataSource{client: here.client} // this read works in its location
	m.Region, m.ProjectID = types.StringValue(here.loc.Region), types.StringValue(here.loc.ProjectID)
	kinds := []string{kindUser, kindAgency}
	if !m.Types.IsNull() {
		kinds = nil
		resp.Diagnostics.Append(m.Types.ElementsAs(ctx, &kinds, false)...)
	}
	var nameRE *regexp.Regexp
	if !m.NameRegex.IsNull() {
		nameRE = regexp.MustCompile(m.NameRegex.ValueString()) // validated at plan
	}
	within := ctsWindow
	if !m.DeletedWithin.IsNull() {
		within, _ = time.ParseDuration(m.DeletedWithin.ValueString()) // validated at plan
	}

	// The lists (and the cluster) do not depend on each other: ask for all of
	// them at once, then report in a fixed order, stopping at the first list
	// that failed, as if they had been read one after the other.
	type list struct {
		rows  []applicantRow
		diags diag.Diagnostics
		ok    bool
	}
	var (
		wg           sync.WaitGroup
		active       = make([]list, len(kinds))
		deleted      = make([]list, len(kinds))
		clusterDiags diag.Diagnostics
		now          = time.Now()
	)
	for i, kind := range kinds {
		wg.Go(func() { active[i].rows, active[i].ok = d.listActive(ctx, kind, &active[i].diags) })
		if m.IncludeDeleted.ValueBool() {
			wg.Go(func() {
				deleted[i].rows, deleted[i].ok = d.listDeleted(ctx, kind, now.Add(-within), now, &deleted[i].diags)
			})
		} else {
			deleted[i].ok = true
		}
	}
	m.ClusterVersion, m.RevocationSupported = types.StringNull(), types.BoolNull()
	if !m.ClusterID.IsNull() {
		wg.Go(func() { d.readCluster(ctx, &m, &clusterDiags) })
	}
	wg.Wait()

	var rows []applicantRow
	seen := map[string]bool{}
	for _, l := range append(active, deleted...) {
		resp.Diagnostics.Append(l.diags...)
		if !l.ok {
			return
		}
		for _, r := range l.rows {
			if !seen[r.ID] { // never list an identity twice under one ID: the active one comes first
				seen[r.ID] = true
				rows = append(rows, r)
			}
		}
	}
	resp.Diagnostics.Append(clusterDiags...)
	if nameRE != nil {
		rows = slices.DeleteFunc(rows, func(r applicantRow) bool { return !nameRE.MatchString(r.Name) })
	}
	slices.SortFunc(rows, func(a, b applicantRow) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	m.Applicants, m.IDs = applicantValues(rows)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// listActive lists the current users or agencies.
func (d *certificateApplicantsDataSource) listActive(ctx context.Context, kind string, diags *diag.Diagnostics) ([]applicantRow, bool) {
	var rows []applicantRow
	var err error
	if kind == kindUser {
		var users []cce.User
		users, err = d.client.ListUsers(ctx)
		for _, u := range users {
			rows = append(rows, applicantRow{ID: u.ID, Name: u.Name, Type: kindUser, Status: "active",
				Enabled: &u.Enabled, Description: u.Description})
		}
	} else {
		var agencies []cce.Agency
		agencies, err = d.client.ListAgencies(ctx)
		enabled := true
		for _, a := range agencies {
			rows = append(rows, applicantRow{ID: a.ID, Name: a.Name, Type: kindAgency, Status: "active",
				Enabled: &enabled, Description: a.Description})
		}
	}
	if addRefusal(diags, err) {
		return nil, false
	}
	if err != nil {
		action := map[string]string{kindUser: "iam:users:listUsers", kindAgency: "iam:agencies:listAgencies"}[kind]
		plural := map[string]string{kindUser: "users", kindAgency: "agencies"}[kind]
		diags.AddError("Cannot list IAM "+plural, apiErrorDetail(err, permissionAdvice(err,
			fmt.Sprintf("Listing %s needs IAM read permission (%s). Grant the caller the IAM ReadOnlyAccess role "+
				"(or Security Administrator), or set types to the kinds it may list.", plural, action))))
		return nil, false
	}
	return rows, true
}

// listDeleted finds users or agencies deleted in [from, to] from CTS traces,
// keeping the latest deletion of each ID.
func (d *certificateApplicantsDataSource) listDeleted(ctx context.Context, kind string, from, to time.Time, diags *diag.Diagnostics) ([]applicantRow, bool) {
	traceName := map[string]string{kindUser: "deleteUser", kindAgency: "deleteAgency"}[kind]
	traces, err := d.client.ListTraces(ctx, cce.TraceQuery{ResourceType: kind, TraceName: traceName, From: from, To: to, Limit: 200})
	if addRefusal(diags, err) {
		return nil, false
	}
	if err != nil {
		diags.AddError("Cannot read deletions from CTS", apiErrorDetail(err, permissionAdvice(err,
			fmt.Sprintf("include_deleted reads CTS %s traces, which needs CTS read permission (cts:trace:list). "+
				"Grant the caller the CTS ReadOnlyAccess role, or set include_deleted = false.", traceName))))
		return nil, false
	}
	latest := map[string]applicantRow{}
	for _, tr := range traces {
		if tr.ResourceID == "" || !tr.Succeeded() {
			continue // a failed deletion deleted nothing
		}
		at := tr.Time.UTC()
		if prev, ok := latest[tr.ResourceID]; ok && prev.DeletedAt.After(at) {
			continue
		}
		by := tr.UserName
		if by == "" {
			by = tr.UserID
		}
		latest[tr.ResourceID] = applicantRow{ID: tr.ResourceID, Name: tr.ResourceName, Type: kind, Status: "deleted",
			DeletedAt: &at, DeletedBy: by}
	}
	rows := make([]applicantRow, 0, len(latest))
	for _, r := range latest {
		rows = append(rows, r)
	}
	return rows, true
}

func (d *certificateApplicantsDataSource) readCluster(ctx context.Context, m *certificateApplicantsModel, diags *diag.Diagnostics) {
	at := path.Root("cluster_id")
	cl, err := d.client.Cluster(ctx, m.ClusterID.ValueString(), cce.Cached)
	if err != nil {
		summary := "Cannot read the cluster"
		if cce.IsNotFound(err) {
			summary = "Cluster not found"
		}
		diags.AddAttributeError(at, summary, apiErrorDetail(err, fmt.Sprintf(
			"cluster_id = %q could not be read in this project and region. Check the ID on the cluster's overview "+
				"page in the CCE console, and the provider's region and project_id.", m.ClusterID.ValueString())))
		return
	}
	e := judgeCluster(cl, versionOf(ctx, d.client, cl))
	if e.supported == nil { // the version cannot be told: say why, as the revocation's plan would
		for _, r := range e.refusals {
			if r.err != nil {
				diags.AddAttributeError(at, r.summary, r.detail())
			}
		}
		return
	}
	m.ClusterVersion = types.StringValue(e.version)
	m.RevocationSupported = types.BoolValue(*e.supported)
}

// permissionAdvice returns advice for a 403 and a generic sentence otherwise.
func permissionAdvice(err error, forbidden string) string {
	if cce.IsForbidden(err) {
		return "The caller is not allowed to read this. " + forbidden
	}
	return "The request failed; it is retried only for throttling and server errors."
}

func applicantValues(rows []applicantRow) (types.List, types.List) {
	objType := types.ObjectType{AttrTypes: applicantAttrTypes}
	objs := make([]attr.Value, len(rows))
	ids := make([]attr.Value, len(rows))
	for i, r := range rows {
		enabled, deletedAt, deletedBy := types.BoolNull(), types.StringNull(), types.StringNull()
		if r.Enabled != nil {
			enabled = types.BoolValue(*r.Enabled)
		}
		if r.DeletedAt != nil {
			deletedAt = types.StringValue(r.DeletedAt.Format(time.RFC3339))
			deletedBy = types.StringValue(r.DeletedBy)
		}
		objs[i] = types.ObjectValueMust(applicantAttrTypes, map[string]attr.Value{
			"id": types.StringValue(r.ID), "name": types.StringValue(r.Name), "type": types.StringValue(r.Type),
			"status": types.StringValue(r.Status), "enabled": enabled, "description": types.StringValue(r.Description),
			"deleted_at": deletedAt, "deleted_by": deletedBy,
		})
		ids[i] = types.StringValue(r.ID)
	}
	return types.ListValueMust(objType, objs), types.ListValueMust(types.StringType, ids)
}
