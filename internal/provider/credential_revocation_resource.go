package provider

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

var (
	_ resource.Resource                    = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithConfigure       = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithValidateConfig  = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithModifyPlan      = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithImportState     = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithUpgradeState    = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithIdentity        = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithUpgradeIdentity = (*credentialRevocationResource)(nil)
)

// NewCredentialRevocationResource returns the cce_credential_revocation resource.
func NewCredentialRevocationResource() resource.Resource {
	return &credentialRevocationResource{}
}

// credentialRevocationResource has no model struct: it reads and writes its
// attributes one at a time (attribute_access.go says why).
type credentialRevocationResource struct {
	client        *cce.Client
	separateApply bool // provider setting separate_apply_principal
}

// principalDoc says which changes of the identity arguments revoke again.
const principalDoc = "Moving the ID from `user_id` to `other_id` (for example once the user is deleted), from " +
	"`agency_id` to `other_id` with `other_id_type = \"agency\"`, or back, changes nothing remotely: it is the same " +
	"revocation. Another ID, or sending it as the other type, revokes again."

func (r *credentialRevocationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_credential_revocation"
	// A record from before locations gains its region and project in the
	// identity when Read first finds its cluster.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *credentialRevocationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	principal := []planmodifier.String{principalChange}
	region, project := resourceLocationAttrs("Kept in the state: refresh reads the cluster where the revocation "+
		"was made. A change (of this argument, or of the provider's `region` when it is left out) plans a "+
		"replacement, checked at plan like a new revocation: a cluster that is not in the new region is an error "+
		"at plan. A record from before this argument existed takes the provider's region when its refresh finds "+
		"the cluster there.", "Kept in the state, and changed like `region`.")
	resp.Schema = schema.Schema{
		Version: 1, // 1: other_id_type is null without other_id
		MarkdownDescription: "Revokes every access credential (kubeconfig / X.509 client certificate) that one IAM " +
			"user, agency, or deleted or federated identity downloaded for one CCE cluster, as the console's " +
			"*Revoke credential* action does.\n\n" +
			"**Revocation cannot be undone.** Certificates issued before it stop working at once; the holder must " +
			"download a new credential to regain access. Destroying this resource only forgets the record: the " +
			"credential stays revoked.\n\n" +
			"Every prerequisite is checked at plan time: the cluster exists, is Available and not locked, and runs " +
			cce.RevocationRule() + "; the user or agency exists (an `other_id` is not sent as the wrong type); and " +
			"the caller may revoke it (members of the `admin` " +
			"group and the account may revoke anyone; other IAM users only themselves). When the provider cannot tell " +
			"whether the caller may (an agency session, a federated user, IAM groups it may not read), the plan warns " +
			"and CCE decides at apply. The plan shows the cluster's and the applicant's names; who revoked and the " +
			"cluster's version are known after apply, because the apply of a saved plan often signs in as another " +
			"session or principal, and the cluster may be upgraded in between (see *What the plan shows*).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`<cluster_id>/<user|agency|other>/<applicant ID>`, after the argument that " +
					"names the applicant (`/agency` follows an `other_id` sent as an agency). Also the import ID.",
				PlanModifiers: keep,
			},
			"cluster_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: clusterIDDoc + " Changing it revokes on the new cluster.",
				PlanModifiers:       replace,
				Validators:          []validator.String{clusterIDFormat},
			},
			"user_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: userIDDoc + " " + principalDoc,
				PlanModifiers:       principal,
				Validators:          []validator.String{applicantIDFormat},
			},
			"agency_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: agencyIDDoc,
				PlanModifiers:       principal,
				Validators:          []validator.String{applicantIDFormat},
			},
			"other_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: otherIDDoc,
				PlanModifiers:       principal,
				Validators:          []validator.String{otherIDFormat},
			},
			"other_id_type": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: otherIDTypeDoc + " Null without it.",
				PlanModifiers:       []planmodifier.String{otherIDTypeDefault{}, principalChange},
				Validators:          otherIDTypeValidators(),
			},
			"region":     region,
			"project_id": project,
			"confirmation": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: confirmationDoc + " Changing it later changes nothing remotely.",
				Validators:          []validator.String{exactConfirmation},
			},
			"triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary values; changing any of them revokes again, e.g. after a leaked " +
					"credential was reissued and leaked again. Adding them to an imported revocation only records them.",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(triggersChanged,
					"Changing triggers revokes again, except when they are first written for an imported revocation.",
					"Changing `triggers` revokes again, except when they are first written for an imported revocation.")},
			},
			"applicant_type": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`user` or `agency`: how the applicant was sent to CCE.",
				PlanModifiers:       keep,
			},
			"applicant_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Name of the user or agency in IAM when the revocation was planned; empty for " +
					"`other_id` and when the caller may not read IAM. Known after apply with the provider's " +
					"`separate_apply_principal`, since what IAM shows depends on the signer.",
				PlanModifiers: keep,
			},
			"cluster_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the cluster when the revocation was planned.",
				PlanModifiers:       keep,
			},
			"cluster_version": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Full version of the cluster when the revocation was made, e.g. `v1.25.4-r10`; " +
					"only its line (e.g. `v1.29`) for a v1.28+ cluster that reports no patch level. Known after " +
					"apply: the cluster may be upgraded between plan and apply (the plan checks the version it " +
					"sees, and the apply checks again).",
				PlanModifiers: keep,
			},
			"revoked_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the revocation was made (RFC 3339, UTC); null after import.",
				PlanModifiers:       keep,
			},
			"revoked_by": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "IAM user ID of the caller that revoked (for an agency session or a federated user, " +
					"STS's principal ID, `<agency or identity provider ID>:<session name>`). Known after apply: the " +
					"apply of a saved plan may sign in as another session or principal than the plan. Null after import.",
				PlanModifiers: keep,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true}),
		},
	}
}

// ValidateConfig requires exactly one applicant, with a message that says
// which were set and which to pick, and a create timeout of at least a second.
func (r *credentialRevocationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var (
		userID, agencyID, otherID types.String
		t                         timeouts.Value
	)
	getAttr(ctx, req.Config, "user_id", &userID, &resp.Diagnostics)
	getAttr(ctx, req.Config, "agency_id", &agencyID, &resp.Diagnostics)
	getAttr(ctx, req.Config, "other_id", &otherID, &resp.Diagnostics)
	getAttr(ctx, req.Config, "timeouts", &t, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	validateCreateTimeout(t, &resp.Diagnostics)
	validateOneApplicant(userID, agencyID, otherID, "resource", &resp.Diagnostics)
}

func (r *credentialRevocationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
	r.separateApply = separateApplyFrom(req.ProviderData)
}

// ModifyPlan checks every prerequisite of a new revocation that plan can know,
// so that apply does not fail half-way through a list of people, and puts
// into the plan what any later process and signer will see the same.
//
// Terraform plans each resource again during apply, in a new process that may
// be signed in as another session or principal, and refuses the apply if a
// value known in the saved plan comes out different. So the checks run again
// there, through the client's per-process memo (one GET per cluster, IAM reads
// independent of the number of revocations), and a world that changed stops
// with the checks' own error; what depends on the signer or on the moment
// (who revokes, the cluster's version) is known after apply.
func (r *credentialRevocationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // Destroy: nothing remote happens.
	}
	t := targetIn(ctx, req.Plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	planned := map[string]string{}
	if t.applicant != nil && t.clusterID != "" {
		// The ID follows the argument, also in an in-place change (confirmation,
		// first triggers, or the applicant moving to another argument), which
		// sends nothing.
		planned["id"] = revocationID(t.clusterID, *t.applicant)
	}
	at, known := planLocation(ctx, r.client, req, resp, t.clusterID)
	if resp.Diagnostics.HasError() {
		return
	}
	if known {
		planned["region"], planned["project_id"] = at.loc.Region, at.loc.ProjectID
	}
	if req.State.Raw.IsNull() {
		if t.applicant != nil {
			planned["applicant_type"] = t.applicant.apiType
		}
		warnDuplicate(r.client, t, &resp.Diagnostics)
		if known { // else: provider not configured yet (unknown provider values); Create checks everything.
			checks := revocationChecks{client: at.client, by: resourceRevoker, callerAtApply: r.separateApply}
			f, diags := checks.check(ctx, t, cce.Cached)
			resp.Diagnostics.Append(diags...)
			if resp.Diagnostics.HasError() {
				return
			}
			maps.Copy(planned, plannedFacts(f, r.separateApply))
			warnIrreversible(&resp.Diagnostics, t, f, "; destroying this resource does not restore anything")
		}
	}
	resp.Plan.Raw = withStrings(resp.Plan.Raw, planned, &resp.Diagnostics)
}

// Create checks again, enforcing every rule (also the one a read-only plan
// left to the apply), sends the revocation and records what only the apply
// knows. The checks ran when this resource was planned again, moments before
// in this process: they cost no request here.
func (r *credentialRevocationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	t := targetIn(ctx, req.Plan, &resp.Diagnostics)
	var to timeouts.Value
	getAttr(ctx, req.Plan, "timeouts", &to, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := to.Create(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if t.applicant == nil || t.clusterID == "" {
		resp.Diagnostics.AddError("Revocation not sent", "The cluster or the applicant is still unknown at apply. "+
			"This is a bug in the provider; please report it.")
		return
	}
	var region, project types.String
	getAttr(ctx, req.Plan, "region", &region, &resp.Diagnostics)
	getAttr(ctx, req.Plan, "project_id", &project, &resp.Diagnostics)
	at, ok := locate(ctx, r.client, region, project, path.Empty(), &resp.Diagnostics)
	if !ok {
		return
	}
	checks := revocationChecks{client: at.client, by: resourceRevoker}
	f, diags := checks.check(ctx, t, cce.Cached)
	resp.Diagnostics.Append(diags.Errors()...) // warnings were shown at plan
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(checks.sendRevocation(ctx, t, timeout)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Only now is there a state: the plan, and what only apply knows.
	computed := appliedFacts(f)
	computed["id"] = revocationID(t.clusterID, *t.applicant)
	computed["applicant_type"] = t.applicant.apiType
	computed["revoked_at"] = time.Now().UTC().Format(time.RFC3339)
	computed["region"], computed["project_id"] = at.loc.Region, at.loc.ProjectID
	resp.State.Raw = withUnknownStrings(req.Plan.Raw, computed, &resp.Diagnostics)
	setIdentity(ctx, t, resp.Identity, &resp.Diagnostics)
	setIdentityLocation(ctx, types.StringValue(at.loc.Region), types.StringValue(at.loc.ProjectID), resp.Identity, &resp.Diagnostics)
}

// Read keeps the record: CCE has no API to read revocations back. Only a
// cluster that is certainly gone takes the record out of state.
func (r *credentialRevocationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	t := targetIn(ctx, req.State, &resp.Diagnostics)
	var id, clusterName, clusterVersion, applicantName types.String
	getAttr(ctx, req.State, "id", &id, &resp.Diagnostics)
	getAttr(ctx, req.State, "cluster_name", &clusterName, &resp.Diagnostics)
	getAttr(ctx, req.State, "cluster_version", &clusterVersion, &resp.Diagnostics)
	getAttr(ctx, req.State, "applicant_name", &applicantName, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// First, from the state alone: it gives states from before identity one,
	// and the framework wants one from every Read that does not fail, even
	// one that removes the resource (Terraform 1.5 stores none).
	setIdentity(ctx, t, resp.Identity, &resp.Diagnostics)
	var region, project types.String
	getAttr(ctx, req.State, "region", &region, &resp.Diagnostics)
	getAttr(ctx, req.State, "project_id", &project, &resp.Diagnostics)
	setIdentityLocation(ctx, region, project, resp.Identity, &resp.Diagnostics)
	found, ok := refreshAt(ctx, r.client, req.State, t.clusterID, id.ValueString(), func(cce.Location) (string, string) {
		return "Cluster gone: revocation record removed", fmt.Sprintf("Cluster %s no longer exists, so %s leaves the "+
			"state. Credentials of a deleted cluster are useless anyway.", t.clusterID, id.ValueString())
	}, resp)
	if !ok {
		return
	}
	at, cl := found.at, found.cluster
	// After import, fill in what can be known now; otherwise the state stays
	// as it is (the framework starts resp.State from it).
	filled := map[string]string{}
	if found.unplaced { // found where the provider works: that is where the record is
		filled["region"], filled["project_id"] = at.loc.Region, at.loc.ProjectID
		setIdentityLocation(ctx, types.StringValue(at.loc.Region), types.StringValue(at.loc.ProjectID), resp.Identity, &resp.Diagnostics)
	}
	if clusterName.ValueString() == "" {
		filled["cluster_name"] = cl.Name
	}
	if clusterVersion.IsNull() {
		if v := judgeCluster(cl, versionOf(ctx, at.client, cl)).version; v != "" {
			filled["cluster_version"] = v
		}
	}
	if applicantName.IsNull() {
		// The name of a user or agency named by its own argument; "" for an
		// other ID, and when IAM does not say.
		name := ""
		if a := t.applicant; a != nil && a.kind != kindOther {
			name, _ = revocationChecks{client: r.client}.iamName(ctx, a.kind, a.id, cce.Cached)
		}
		filled["applicant_name"] = name
	}
	resp.State.Raw = withStrings(resp.State.Raw, filled, &resp.Diagnostics)
}

// Update only happens when confirmation changes, triggers are first written
// for an imported revocation, or the applicant moves to another argument
// (user_id = X becomes other_id = X): nothing happens remotely.
func (r *credentialRevocationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	t := targetIn(ctx, req.Plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.State.Raw = req.Plan.Raw
	setIdentity(ctx, t, resp.Identity, &resp.Diagnostics)
	var region, project types.String
	getAttr(ctx, req.Plan, "region", &region, &resp.Diagnostics)
	getAttr(ctx, req.Plan, "project_id", &project, &resp.Diagnostics)
	setIdentityLocation(ctx, region, project, resp.Identity, &resp.Diagnostics)
}

// Delete forgets the record. There is no API to un-revoke.
func (r *credentialRevocationResource) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddWarning("The credential stays revoked", "Destroying only forgets the record: revocation "+
		"cannot be undone, and the holder needs a new credential to regain access.")
}
