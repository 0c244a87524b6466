package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

var (
	_ resource.Resource                   = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithConfigure      = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*credentialRevocationResource)(nil)
	_ resource.ResourceWithImportState    = (*credentialRevocationResource)(nil)
)

// NewCredentialRevocationResource returns the cce_credential_revocation resource.
func NewCredentialRevocationResource() resource.Resource {
	return &credentialRevocationResource{}
}

type credentialRevocationResource struct {
	client *cce.Client
}

type credentialRevocationModel struct {
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
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

// Kinds of applicant, as they appear in the resource ID.
const (
	kindUser   = "user"
	kindAgency = "agency"
	kindOther  = "other"
)

const defaultCreateTimeout = 20 * time.Minute

func (r *credentialRevocationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_credential_revocation"
}

func (r *credentialRevocationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes every access credential (kubeconfig / X.509 client certificate) that one IAM " +
			"user, agency, or deleted or federated identity downloaded for one CCE cluster, as the console's " +
			"*Revoke credential* action does.\n\n" +
			"**Revocation cannot be undone.** Certificates issued before it stop working at once; the holder must " +
			"download a new credential to regain access. Destroying this resource only forgets the record: the " +
			"credential stays revoked.\n\n" +
			"Every prerequisite is checked at plan time: the cluster exists, is Available, and runs " +
			cce.RevocationRule() + "; the user or agency exists; and the caller may revoke it (members of the `admin` " +
			"group and the account may revoke anyone; other IAM users only themselves).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`<cluster_id>/<user|agency|other>/<applicant ID>`: unique per revocation, " +
					"so `for_each` over people and clusters works. Also the import ID.",
				PlanModifiers: keep,
			},
			"cluster_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the cluster (a UUID, not its name). Changing it revokes on the new cluster.",
				PlanModifiers:       replace,
				Validators:          []validator.String{clusterIDFormat},
			},
			"user_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "ID of an existing IAM user whose credentials to revoke. Exactly one of " +
					"`user_id`, `agency_id` and `other_id` must be set.",
				PlanModifiers: replace,
				Validators:    []validator.String{applicantIDFormat},
			},
			"agency_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "ID of an existing IAM agency whose credentials to revoke.",
				PlanModifiers:       replace,
				Validators:          []validator.String{applicantIDFormat},
			},
			"other_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Raw ID of an identity IAM no longer knows: a deleted user or agency, or a " +
					"federated (IdP) identity. Take it from the CN of their certificate " +
					"(`provider::cce::certificate_applicant_id`) or from a CTS `deleteUser` / `deleteAgency` trace " +
					"(`cce_certificate_applicants` with `include_deleted = true`). Not looked up in IAM.",
				PlanModifiers: replace,
				Validators:    []validator.String{applicantIDFormat},
			},
			"other_id_type": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(kindUser),
				MarkdownDescription: "How `other_id` is sent to CCE: `user` (the default, as `userId`) or " +
					"`agency` (as `agencyId`). Only valid with `other_id`.",
				PlanModifiers: replace,
				Validators: []validator.String{
					stringvalidator.OneOf(kindUser, kindAgency),
					stringvalidator.ConflictsWith(path.MatchRoot("user_id"), path.MatchRoot("agency_id")),
				},
			},
			"confirmation": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Must be exactly `REVOKE`, the word the console asks for, to acknowledge that " +
					"revocation cannot be undone. Changing it later changes nothing remotely.",
				Validators: []validator.String{exactConfirmation{}},
			},
			"triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary values; changing any of them revokes again, e.g. after a leaked " +
					"credential was reissued and leaked again.",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"applicant_type": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`user` or `agency`: how the applicant was sent to CCE.",
				PlanModifiers:       keep,
			},
			"applicant_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Name of the user or agency in IAM at revocation time; empty for `other_id` " +
					"and when the caller may not read IAM.",
				PlanModifiers: keep,
			},
			"cluster_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the cluster at revocation time.",
				PlanModifiers:       keep,
			},
			"cluster_version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Full version of the cluster at revocation time, e.g. `v1.25.4-r10`.",
				PlanModifiers:       keep,
			},
			"revoked_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the revocation was made (RFC 3339, UTC); null after import.",
				PlanModifiers:       keep,
			},
			"revoked_by": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "IAM user ID of the caller that revoked; null after import.",
				PlanModifiers:       keep,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true}),
		},
	}
}

// ValidateConfig requires exactly one applicant, with a message that says
// which were set and which to pick.
func (r *credentialRevocationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m credentialRevocationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var set []string
	for _, f := range []struct {
		attr string
		v    types.String
	}{{"user_id", m.UserID}, {"agency_id", m.AgencyID}, {"other_id", m.OtherID}} {
		if f.v.IsUnknown() {
			return // Known at apply; Create sees the final values.
		}
		if !f.v.IsNull() {
			set = append(set, f.attr)
		}
	}
	const which = "Use user_id for an existing IAM user, agency_id for an existing agency, or other_id for the ID " +
		"of a deleted or federated identity."
	switch len(set) {
	case 0:
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Whose credential?",
			"None of user_id, agency_id and other_id is set; a revocation needs exactly one. "+which)
	case 1:
	default:
		resp.Diagnostics.AddAttributeError(path.Root(set[1]), "One identity per revocation",
			fmt.Sprintf("%s are set, but a revocation is about exactly one identity. %s To revoke several, "+
				"use one resource per identity (for_each).", strings.Join(set, " and "), which))
	}
}

func (r *credentialRevocationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks every prerequisite of a new revocation that plan can know,
// so that apply does not fail half-way through a list of people.
func (r *credentialRevocationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return // Destroy, or an in-place change of confirmation: nothing remote happens.
	}
	var plan credentialRevocationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, known := applicantOf(plan)
	if known {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("applicant_type"), a.apiType)...)
		if !plan.ClusterID.IsUnknown() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), revocationID(plan.ClusterID.ValueString(), a))...)
		}
	}
	if r.client == nil {
		return // Provider not configured yet (unknown provider values); Create checks everything.
	}
	c := r.check(ctx, plan, a, known, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	who := a.describe()
	where := "the cluster " + plan.ClusterID.String()
	if c.cluster != nil {
		where = fmt.Sprintf("cluster %q (%s)", c.cluster.Name, c.cluster.ID)
	}
	resp.Diagnostics.AddWarning("Revocation cannot be undone",
		fmt.Sprintf("Applying this plan revokes every credential (kubeconfig or client certificate) that %s "+
			"downloaded for %s. Their kubectl and CI jobs lose access at once. To come back they must download "+
			"a new credential; destroying this resource does not restore anything.", who, where))
}

// checked is what the prerequisite checks learned.
type checked struct {
	cluster *cce.Cluster
	version string
	name    string
	caller  *cce.Identity
	wait    bool // the cluster is in a transitional phase: Create must wait
	waited  bool // Create waited for it
}

// check runs every prerequisite whose inputs are known, adding
// attribute-scoped diagnostics. It is shared by ModifyPlan and Create, and it
// goes through the client's Recent* lookups: per process, N revocations on C
// clusters cost C cluster reads, and facts a plan recorded moments before
// (check_cache_ttl) cost none, so the apply of that plan sends only its
// revocations. The cluster, the caller and the applicant are looked up at the
// same time: on a cold cache these are sequential round trips.
func (r *credentialRevocationResource) check(ctx context.Context, m credentialRevocationModel, a applicant, known bool, diags *diagsT) checked {
	var (
		c                            checked
		clusterDiags, applicantDiags diagsT
		callerErr                    error
		wg                           sync.WaitGroup
	)
	if !m.ClusterID.IsUnknown() {
		wg.Go(func() { c.cluster, c.version, c.wait = r.checkCluster(ctx, m.ClusterID.ValueString(), &clusterDiags) })
	}
	if known {
		wg.Go(func() { c.caller, callerErr = r.client.RecentIdentity(ctx) })
		wg.Go(func() { c.name = r.checkApplicant(ctx, a, &applicantDiags) })
	}
	wg.Wait()
	diags.Append(clusterDiags...)
	if !known {
		return c
	}
	if callerErr != nil {
		diags.AddError("Cannot tell who the provider is signed in as", apiErrorDetail(callerErr,
			"The provider needs the caller's identity to know whether it may revoke this credential."))
		return c
	}
	diags.Append(applicantDiags...)
	caller := c.caller
	if !caller.IsAdmin && (a.apiType != kindUser || a.id != caller.UserID) {
		diags.AddAttributeError(path.Root(a.attr), "Not allowed to revoke this credential",
			fmt.Sprintf("The provider is signed in as %s (%s), who is not a member of the admin group, and an IAM "+
				"user may revoke only their own credential (user_id = %q); %s = %q is someone else. Sign in as a "+
				"member of the admin group or as the account, or ask an administrator to apply this.",
				caller.UserName, caller.UserID, caller.UserID, a.attr, a.id))
	}
	return c
}

func (r *credentialRevocationResource) checkCluster(ctx context.Context, id string, diags *diagsT) (*cce.Cluster, string, bool) {
	cl, err := r.client.RecentCluster(ctx, id)
	if cce.IsNotFound(err) {
		diags.AddAttributeError(path.Root("cluster_id"), "Cluster not found", apiErrorDetail(err, fmt.Sprintf(
			"cluster_id = %q: no such cluster in this project and region. Check the ID on the cluster's overview "+
				"page in the CCE console, and the provider's region and project_id.", id)))
		return nil, "", false
	}
	if err != nil {
		diags.AddAttributeError(path.Root("cluster_id"), "Cannot read the cluster", apiErrorDetail(err, fmt.Sprintf(
			"Reading cluster %q failed, so its version and state cannot be checked. The caller needs the "+
				"cce:cluster:get permission.", id)))
		return nil, "", false
	}
	version, wait := r.assessCluster(ctx, cl, diags)
	return cl, version, wait
}

// assessCluster checks a cluster's phase and version. It returns the full
// version and whether the cluster is in a phase that ends by itself.
func (r *credentialRevocationResource) assessCluster(ctx context.Context, cl *cce.Cluster, diags *diagsT) (string, bool) {
	at := path.Root("cluster_id")
	wait := false
	switch cce.ClassifyPhase(cl.Phase) {
	case cce.PhaseReady:
	case cce.PhaseTransitional:
		wait = true
		diags.AddAttributeWarning(at, "Cluster is busy",
			fmt.Sprintf("Cluster %q is %s. Apply will wait for it to become Available, up to the create timeout "+
				"(timeouts { create = ... }, default %s).", cl.Name, cl.Phase, defaultCreateTimeout))
	default:
		diags.AddAttributeError(at, "Cluster cannot accept a revocation",
			fmt.Sprintf("Cluster %q is %s; CCE revokes credentials only on an Available cluster, and this "+
				"phase does not end by itself. %s", cl.Name, orDash(cl.Phase), phaseAdvice(cl.Phase)))
		return "", false
	}
	v, source, err := r.client.ClusterVersion(ctx, cl)
	if err != nil {
		diags.AddAttributeError(at, "Cannot tell the cluster's version", apiErrorDetail(err, fmt.Sprintf(
			"Cluster %q reports version %q, platform version %q and no full patch version, and its upgrade "+
				"information could not be read.", cl.Name, cl.Version, cl.PlatformVersion)))
		return "", wait
	}
	if err := cce.CheckRevocationSupport(v); err != nil {
		diags.AddAttributeError(at, "Cluster version too old for revocation",
			fmt.Sprintf("Cluster %q runs %s (from %s). %s. Credential revocation needs %s. Upgrade the cluster "+
				"(a patch upgrade is enough when the line is supported), then apply again.",
				cl.Name, v, source, err, cce.RevocationRule()))
	}
	return v.String(), wait
}

func phaseAdvice(phase string) string {
	switch phase {
	case "Hibernation", "Hibernating":
		return "Wake the cluster up in the CCE console, then apply again."
	case "Deleting":
		return "The cluster is being deleted; its credentials die with it."
	default:
		return "Repair the cluster (see its events in the CCE console) until it is Available, then apply again."
	}
}

// checkApplicant confirms that a user or agency exists and returns its name.
// Missing IAM read permission is a warning: the caller may still be allowed
// to revoke, and CCE will tell.
func (r *credentialRevocationResource) checkApplicant(ctx context.Context, a applicant, diags *diagsT) string {
	if a.kind == kindOther {
		return ""
	}
	at := path.Root(a.attr)
	var (
		name string
		err  error
	)
	if a.kind == kindUser {
		var u *cce.User
		if u, err = r.client.RecentUser(ctx, a.id); err == nil {
			name = u.Name
		}
	} else {
		var ag *cce.Agency
		if ag, err = r.client.RecentAgency(ctx, a.id); err == nil {
			name = ag.Name
		}
	}
	switch {
	case err == nil:
		return name
	case cce.IsNotFound(err):
		diags.AddAttributeError(at, "No such "+a.kind,
			fmt.Sprintf("%s = %q: IAM has no %s with this ID. If it was deleted, or it is a federated identity "+
				"that IAM does not list, revoke it with other_id = %q (and other_id_type = %q) instead; CCE accepts "+
				"IDs IAM no longer knows.", a.attr, a.id, a.kind, a.id, a.kind))
	case cce.IsForbidden(err):
		diags.AddAttributeWarning(at, "Cannot verify the "+a.kind,
			apiErrorDetail(err, fmt.Sprintf("The caller may not read IAM %ss, so the provider cannot check that "+
				"%s = %q exists. Grant IAM read access (e.g. the IAM ReadOnlyAccess role) to have it checked.",
				a.kind, a.attr, a.id)))
	default:
		diags.AddAttributeError(at, "Cannot look up the "+a.kind, apiErrorDetail(err,
			fmt.Sprintf("Looking up %s = %q in IAM failed.", a.attr, a.id)))
	}
	return ""
}

func (r *credentialRevocationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	var plan credentialRevocationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	a, _ := applicantOf(plan)
	// Checks skipped at plan (unknown values) run here; the others are free
	// (this process's or a recent plan's facts). Warnings were shown at plan
	// time, so only errors are kept.
	c, ok := r.checkForCreate(ctx, plan, a, timeout, &resp.Diagnostics)
	if !ok {
		return
	}
	tflog.Info(ctx, "revoking credential", map[string]any{"cluster_id": c.cluster.ID, "applicant": a.describe()})
	err := r.client.RevokeClusterCert(ctx, c.cluster.ID, a.api())
	if err != nil && refusedByAPI(err) {
		// The checks may have used facts that went stale since they were
		// learned: look again, live, before blaming CCE. A cluster that became
		// busy is waited for; anything the checks now find is the clearer
		// explanation of the refusal.
		r.client.ForgetRecent(c.cluster.ID)
		var recheck diagsT
		if c, ok = r.checkForCreate(ctx, plan, a, timeout, &recheck); !ok || c.waited {
			resp.Diagnostics.Append(recheck...)
			if !ok {
				return
			}
			tflog.Info(ctx, "revoking credential after waiting", map[string]any{"cluster_id": c.cluster.ID, "applicant": a.describe()})
			err = r.client.RevokeClusterCert(ctx, c.cluster.ID, a.api())
		}
	}
	if err != nil {
		outcome := "CCE refused to revoke the credentials of %s on cluster %q; nothing was changed."
		if !refusedByAPI(err) {
			outcome = "Revoking the credentials of %s on cluster %q failed even after retries, and CCE's answer " +
				"was lost or was a server error, so the revocation may or may not have been made. It is not " +
				"recorded in the state; apply again: revoking twice is harmless."
		}
		resp.Diagnostics.AddAttributeError(path.Root(a.attr), "Revocation failed", apiErrorDetail(err,
			fmt.Sprintf(outcome, a.describe(), c.cluster.Name)))
		return
	}

	plan.ID = types.StringValue(revocationID(c.cluster.ID, a))
	plan.ApplicantType = types.StringValue(a.apiType)
	plan.ApplicantName = types.StringValue(c.name)
	plan.ClusterName = types.StringValue(c.cluster.Name)
	plan.ClusterVersion = types.StringValue(c.version)
	plan.RevokedAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	plan.RevokedBy = types.StringValue(c.caller.UserID)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// checkForCreate runs the checks for Create and waits while the cluster is
// busy. Only errors are added to diags; ok is false when there was one.
func (r *credentialRevocationResource) checkForCreate(ctx context.Context, plan credentialRevocationModel, a applicant, timeout time.Duration, diags *diagsT) (checked, bool) {
	var checks diagsT
	c := r.check(ctx, plan, a, true, &checks)
	if c.wait && !checks.HasError() {
		c.cluster, c.version = r.waitAvailable(ctx, plan.ClusterID.ValueString(), timeout, &checks)
		c.waited = true
	}
	diags.Append(checks.Errors()...)
	return c, !checks.HasError()
}

// waitAvailable polls the cluster (uncached) with backoff until it is
// Available, then re-checks its version.
func (r *credentialRevocationResource) waitAvailable(ctx context.Context, id string, timeout time.Duration, diags *diagsT) (*cce.Cluster, string) {
	delay := time.Second
	phase := "busy"
	timedOut := func() {
		diags.AddAttributeError(path.Root("cluster_id"), "Timed out waiting for the cluster",
			fmt.Sprintf("Cluster %s was still %s after %s. Nothing was revoked. Apply again later, or raise "+
				"timeouts { create = ... }.", id, phase, timeout))
	}
	for {
		cl, err := r.client.GetCluster(ctx, id)
		if ctx.Err() != nil {
			timedOut()
			return nil, ""
		}
		if err != nil {
			diags.AddAttributeError(path.Root("cluster_id"), "Cannot read the cluster", apiErrorDetail(err,
				"Waiting for the cluster to become Available failed."))
			return nil, ""
		}
		phase = cl.Phase
		switch cce.ClassifyPhase(cl.Phase) {
		case cce.PhaseReady:
			// The cache still holds the busy phase: let the next revocation on
			// this cluster read it once more instead of waiting again.
			r.client.ForgetCluster(id)
			version, _ := r.assessCluster(ctx, cl, diags)
			return cl, version
		case cce.PhaseUnusable:
			diags.AddAttributeError(path.Root("cluster_id"), "Cluster cannot accept a revocation",
				fmt.Sprintf("While waiting, cluster %q became %s. %s", cl.Name, cl.Phase, phaseAdvice(cl.Phase)))
			return nil, ""
		}
		tflog.Info(ctx, "waiting for the cluster to become Available", map[string]any{
			"cluster_id": id, "phase": cl.Phase, "next_check_in": delay.String(),
		})
		select {
		case <-ctx.Done():
			timedOut()
			return nil, ""
		case <-time.After(delay):
		}
		delay = min(delay*2, 15*time.Second)
	}
}

// Read keeps the record: CCE has no API to read revocations back. Only a
// cluster that no longer exists takes the record out of state.
func (r *credentialRevocationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	var state credentialRevocationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cl, err := r.client.CachedCluster(ctx, state.ClusterID.ValueString())
	if cce.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Cluster gone: revocation record removed",
			fmt.Sprintf("Cluster %s no longer exists, so %s leaves the state. Credentials of a deleted cluster "+
				"are useless anyway.", state.ClusterID.ValueString(), state.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the cluster", apiErrorDetail(err,
			fmt.Sprintf("Refreshing %s needs cluster %s.", state.ID.ValueString(), state.ClusterID.ValueString())))
		return
	}
	// After import, fill in what can be known now.
	if state.ClusterName.IsNull() || state.ClusterName.ValueString() == "" {
		state.ClusterName = types.StringValue(cl.Name)
	}
	if state.ClusterVersion.IsNull() {
		if v, _, err := r.client.ClusterVersion(ctx, cl); err == nil {
			state.ClusterVersion = types.StringValue(v.String())
		}
	}
	if state.ApplicantName.IsNull() {
		state.ApplicantName = types.StringValue(r.lookupName(ctx, state))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *credentialRevocationResource) lookupName(ctx context.Context, m credentialRevocationModel) string {
	switch {
	case !m.UserID.IsNull():
		if u, err := r.client.LookupUser(ctx, m.UserID.ValueString()); err == nil {
			return u.Name
		}
	case !m.AgencyID.IsNull():
		if a, err := r.client.LookupAgency(ctx, m.AgencyID.ValueString()); err == nil {
			return a.Name
		}
	}
	return ""
}

// Update only happens when confirmation changes: nothing happens remotely.
func (r *credentialRevocationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan credentialRevocationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete forgets the record. There is no API to un-revoke.
func (r *credentialRevocationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state credentialRevocationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.AddWarning("The credential stays revoked",
		fmt.Sprintf("%s was removed from the state only. Revocation cannot be undone: certificates issued before it "+
			"keep being refused. To regain access to the cluster, the holder downloads a new credential (CCE console "+
			"> cluster > kubectl > Download, or the cce_cluster_credential resource).", state.ID.ValueString()))
}

func (r *credentialRevocationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	clusterID, a, err := parseRevocationID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	set := func(attr string, v any) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	set("id", revocationID(clusterID, a))
	set("cluster_id", clusterID)
	set(a.attr, a.id)
	otherIDType := kindUser // the schema default, unless an other ID was sent as an agency
	if a.kind == kindOther {
		otherIDType = a.apiType
	}
	set("other_id_type", otherIDType)
	set("applicant_type", a.apiType)
	set("confirmation", confirmationWord)
}

// applicant is the one identity a revocation is about.
type applicant struct {
	kind    string // user, agency or other
	attr    string // user_id, agency_id or other_id
	id      string
	apiType string // user or agency: how CCE receives it
}

// applicantOf reads the applicant from a plan; known is false while any of
// the identifying values is unknown.
func applicantOf(m credentialRevocationModel) (applicant, bool) {
	for _, f := range []struct {
		kind string
		v    types.String
	}{{kindUser, m.UserID}, {kindAgency, m.AgencyID}, {kindOther, m.OtherID}} {
		if f.v.IsUnknown() {
			return applicant{}, false
		}
		if f.v.IsNull() {
			continue
		}
		a := applicant{kind: f.kind, attr: f.kind + "_id", id: f.v.ValueString(), apiType: f.kind}
		if f.kind == kindOther {
			if m.OtherIDType.IsUnknown() {
				return applicant{}, false
			}
			a.apiType = m.OtherIDType.ValueString()
		}
		return a, true
	}
	return applicant{}, false
}

func (a applicant) api() cce.Applicant {
	if a.apiType == kindAgency {
		return cce.Applicant{AgencyID: a.id}
	}
	return cce.Applicant{UserID: a.id}
}

func (a applicant) describe() string {
	if a.kind == kindOther {
		return fmt.Sprintf("the %s ID %s", a.apiType, a.id)
	}
	return fmt.Sprintf("%s %s", a.kind, a.id)
}

func revocationID(clusterID string, a applicant) string {
	id := clusterID + "/" + a.kind + "/" + a.id
	if a.kind == kindOther && a.apiType == kindAgency {
		id += "/" + kindAgency
	}
	return id
}

var errImportFormat = errors.New("the import ID must look like <cluster_id>/user/<user ID>, <cluster_id>/agency/<agency ID>, " +
	"<cluster_id>/other/<ID> or <cluster_id>/other/<ID>/agency (an other ID sent as an agency)")

func parseRevocationID(id string) (string, applicant, error) {
	parts := strings.Split(id, "/")
	if len(parts) < 3 || len(parts) > 4 {
		return "", applicant{}, fmt.Errorf("%q: %w", id, errImportFormat)
	}
	clusterID, kind, appID := parts[0], parts[1], parts[2]
	if !clusterIDRE.MatchString(clusterID) {
		return "", applicant{}, fmt.Errorf("%q: cluster ID %q is not valid: %s", id, clusterID, clusterIDFormat.rule)
	}
	if !applicantIDRE.MatchString(appID) {
		return "", applicant{}, fmt.Errorf("%q: applicant ID %q is not valid: %s", id, appID, applicantIDFormat.rule)
	}
	a := applicant{kind: kind, attr: kind + "_id", id: appID, apiType: kind}
	switch {
	case len(parts) == 4 && kind == kindOther && parts[3] == kindAgency:
		a.apiType = kindAgency
	case len(parts) == 4:
		return "", applicant{}, fmt.Errorf("%q: %w", id, errImportFormat)
	case kind == kindOther:
		a.apiType = kindUser
	case kind != kindUser && kind != kindAgency:
		return "", applicant{}, fmt.Errorf("%q: kind %q is none of user, agency, other: %w", id, kind, errImportFormat)
	}
	return clusterID, a, nil
}
