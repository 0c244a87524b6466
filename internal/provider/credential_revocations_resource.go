package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// cce_credential_revocations: the revocations of many applicants on one
// cluster as one resource instance. Terraform's own cost of planning one
// resource block grows much faster than linearly in its instances (a for_each
// of 5,000 single revocations plans in about five minutes), so an offboarding
// of many people on many clusters is one instance per cluster. Every
// applicant gets the single resource's checks (revocation_checks.go) and its
// own request; only the shape differs. This file: schema, apply, refresh;
// the plan is credential_revocations_plan.go, the values
// credential_revocations_values.go, import credential_revocations_import.go.

var (
	_ resource.Resource                   = (*credentialRevocationsResource)(nil)
	_ resource.ResourceWithConfigure      = (*credentialRevocationsResource)(nil)
	_ resource.ResourceWithValidateConfig = (*credentialRevocationsResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*credentialRevocationsResource)(nil)
	_ resource.ResourceWithImportState    = (*credentialRevocationsResource)(nil)
)

// NewCredentialRevocationsResource returns the cce_credential_revocations resource.
func NewCredentialRevocationsResource() resource.Resource {
	return &credentialRevocationsResource{}
}

type credentialRevocationsResource struct {
	cl            *cce.Client
	separateApply bool // provider setting separate_apply_principal
}

// client is the one way this resource reaches the cloud.
func (r *credentialRevocationsResource) client() *cce.Client { return r.cl }

// batchConcurrency bounds the revocations sent at once by one resource.
const batchConcurrency = 8

func (r *credentialRevocationsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_credential_revocations"
}

func (r *credentialRevocationsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	region, project := resourceLocationAttrs("Kept in the state: refresh reads the cluster where the revocations "+
		"were made, and removes the resource only when CCE says the cluster is gone there. A change (of this "+
		"argument, or of the provider's `region` when it is left out) plans a replacement, checked at plan like a new "+
		"batch: a cluster that is not in the new region is an error at plan.", "Kept in the state, and changed like `region`.")
	idElems := []validator.Set{setvalidator.ValueStringsAre(applicantIDFormat)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes the access credentials (kubeconfigs / X.509 client certificates) of many IAM " +
			"users, agencies and deleted or federated identities on one CCE cluster: one resource per cluster instead " +
			"of one `cce_credential_revocation` per person and cluster, which keeps large offboardings fast to plan " +
			"(see *Large offboardings*).\n\n" +
			"**Revocation cannot be undone.** Every applicant gets the checks of `cce_credential_revocation` at plan " +
			"(the cluster exists, is Available and not locked, and runs " + cce.RevocationRule() + "; the user or " +
			"agency exists; the caller may revoke it) and its own request at apply. Adding an applicant revokes only " +
			"that one; removing one, or destroying the resource, only forgets the record: the credential stays revoked.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The cluster ID.",
				PlanModifiers:       keep,
			},
			"cluster_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: clusterIDDoc + " Changing it revokes every applicant on the new cluster.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{clusterIDFormat},
			},
			"users": schema.SetAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "IDs of existing IAM users whose credentials to revoke. At least one of `users`, " +
					"`agencies` and `others` must name an applicant.",
				Validators: idElems,
			},
			"agencies": schema.SetAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "IDs of existing IAM agencies whose credentials to revoke.",
				Validators:          idElems,
			},
			"others": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Identities IAM no longer knows, as a map from the raw ID to how it is sent to " +
					"CCE, `\"user\"` or `\"agency\"`. Each key follows the rules of `other_id` of " +
					"`cce_credential_revocation`, each value those of its `other_id_type`: the plan fails when IAM knows " +
					"the ID as the other type, since CCE would answer success and revoke nothing.",
				Validators: []validator.Map{
					mapvalidator.KeysAre(otherIDFormat),
					mapvalidator.ValueStringsAre(stringvalidator.OneOf(kindUser, kindAgency)),
				},
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
				MarkdownDescription: "Arbitrary values; changing any of them revokes every applicant of the cluster " +
					"again, e.g. after leaked credentials were reissued and leaked again. Adding them to an imported " +
					"resource only records them.",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(batchTriggersChanged,
					"Changing triggers revokes every applicant again, except when they are first written for an imported resource.",
					"Changing `triggers` revokes every applicant again, except when they are first written for an imported resource.")},
			},
			"cluster_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Name of the cluster when the first revocations were planned.",
				PlanModifiers:       keep,
			},
			"revocations": schema.MapNestedAttribute{
				Computed: true,
				MarkdownDescription: "One element per applicant, keyed like the tail of the ID of a " +
					"`cce_credential_revocation`: `user/<ID>`, `agency/<ID>`, `other/<ID>`, or `other/<ID>/agency` for " +
					"an other ID sent as an agency. The plan shows each new applicant's type and name; who revoked, " +
					"when, and the cluster's version are known after apply, because the apply of a saved plan often " +
					"signs in as another session or principal and the cluster may be upgraded in between. Applicants " +
					"already revoked keep what was recorded.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"applicant_type": schema.StringAttribute{Computed: true,
						MarkdownDescription: "`user` or `agency`: how the applicant was sent to CCE."},
					"applicant_name": schema.StringAttribute{Computed: true,
						MarkdownDescription: "Name of the user or agency in IAM; empty for other IDs and when the caller " +
							"may not read IAM. Known after apply with the provider's `separate_apply_principal`."},
					"revoked_at": schema.StringAttribute{Computed: true,
						MarkdownDescription: "When the revocation was made (RFC 3339, UTC); null after import."},
					"revoked_by": schema.StringAttribute{Computed: true,
						MarkdownDescription: "IAM user ID of the caller that revoked (for an agency session or a federated " +
							"user, `<agency or identity provider ID>:<session name>`); null after import."},
					"cluster_version": schema.StringAttribute{Computed: true,
						MarkdownDescription: "Full version of the cluster when the revocation was made, e.g. `v1.25.4-r10`."},
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true}),
		},
	}
}

func (r *credentialRevocationsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.cl = clientFrom(req.ProviderData, &resp.Diagnostics)
	r.separateApply = separateApplyFrom(req.ProviderData)
}

// ValidateConfig requires an applicant and refuses one listed twice.
func (r *credentialRevocationsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	apps, known := applicantsIn(ctx, req.Config, &resp.Diagnostics)
	if !known || resp.Diagnostics.HasError() {
		return
	}
	if len(apps) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("users"), "Whose credentials?",
			"users, agencies and others name nobody; a cce_credential_revocations needs at least one applicant. Put "+
				"IAM user IDs in users, agency IDs in agencies, and IDs of deleted or federated identities in others "+
				"(ID = \"user\" or \"agency\"); to stop managing a cluster's revocations, remove the resource.")
		return
	}
	sent := map[string]batchApplicant{}
	for _, b := range apps {
		k := b.apiType + "\x00" + b.id
		first, twice := sent[k]
		if !twice {
			sent[k] = b
			continue
		}
		if b.kind != kindOther {
			first, b = b, first
		}
		resp.Diagnostics.AddAttributeError(b.at, "Applicant listed twice", fmt.Sprintf(
			"others[%s] = %q sends the ID to CCE as %s, as %s already does: it is one revocation. Remove it from "+
				"others (keep it there and drop it from %s if IAM no longer knows it).",
			quote(b.id), b.apiType, apiField(b.apiType), first.at, first.at.ParentPath()))
	}
}

// revokeNew sends the revocations of fresh, bounded in concurrency, and
// returns the entries of those that were made, with the diagnostics of the
// rest. planned holds the entries the plan knew.
func (r *credentialRevocationsResource) revokeNew(ctx context.Context, at located, clusterID string, fresh []batchApplicant,
	planned map[string]map[string]tftypes.Value, timeout time.Duration,
) (map[string]map[string]tftypes.Value, diag.Diagnostics) {
	checks := r.checks(at, false) // the apply enforces every rule
	made := map[string]map[string]tftypes.Value{}
	if len(fresh) == 0 {
		return made, nil // only forgetting, or confirmation: nothing is sent, whatever the cluster's state
	}
	cf, diags := checks.check(ctx, revocationTarget{clusterID: clusterID}, cce.Cached)
	diags = diags.Errors() // warnings were shown at plan
	if diags.HasError() {
		return made, diags
	}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, batchConcurrency)
	)
	for _, b := range fresh {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			t := revocationTarget{clusterID: clusterID, applicant: &b.applicant}
			f, d := checks.check(ctx, revocationTarget{applicant: &b.applicant}, cce.Cached)
			if d = b.scoped(d.Errors()); !d.HasError() {
				d = b.scoped(checks.sendRevocation(ctx, t, timeout))
			}
			mu.Lock()
			defer mu.Unlock()
			diags.Append(d...)
			if d.HasError() {
				return
			}
			f.cluster, f.clusterVersion = cf.cluster, cf.clusterVersion
			vals := appliedFacts(f)
			delete(vals, "cluster_name")
			vals["applicant_type"] = b.apiType
			vals["revoked_at"] = time.Now().UTC().Format(time.RFC3339)
			made[b.key] = overlay(newEntry(vals), planned[b.key])
		})
	}
	wg.Wait()
	if diags.HasError() && len(made) > 0 {
		diags.AddError("Some revocations were not made", fmt.Sprintf("%d of %d new revocations on cluster %s were "+
			"made and are recorded in the state; the errors above say why the others were not. Fix the cause and apply "+
			"again: only the missing ones are sent.", len(made), len(fresh), clusterID))
	}
	return made, diags
}

// apply revokes the applicants of the plan that kept has no record of, and
// returns the state to save: kept's records of planned applicants and the
// revocations made. ok is false when nothing should be saved.
func (r *credentialRevocationsResource) apply(ctx context.Context, src tfsdk.Plan, kept map[string]map[string]tftypes.Value,
	t timeouts.Value, create bool, diags *diag.Diagnostics,
) (tftypes.Value, bool) {
	if !requireClient(r.client(), diags) {
		return src.Raw, false
	}
	read := t.Update
	if create {
		read = t.Create
	}
	timeout, d := read(ctx, defaultTimeout)
	diags.Append(d...)
	plan := src.Raw
	ps := stateOf(plan, diags)
	apps, known := applicantsIn(ctx, src, diags)
	if diags.HasError() {
		return plan, false
	}
	if !known || ps.clusterID == "" {
		diags.AddError("Revocations not sent", "The cluster or an applicant is still unknown at apply. This is a bug "+
			"in the provider; please report it.")
		return plan, false
	}
	at, ok := r.applyAt(ctx, src, diags)
	if !ok {
		return plan, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	entries := map[string]map[string]tftypes.Value{}
	var fresh []batchApplicant
	for _, b := range apps {
		if e, ok := kept[b.key]; ok {
			entries[b.key] = overlay(e, ps.entries[b.key])
		} else {
			fresh = append(fresh, b)
		}
	}
	made, d := r.revokeNew(ctx, at, ps.clusterID, fresh, ps.entries, timeout)
	diags.Append(d...)
	for k, e := range made {
		entries[k] = e
	}
	if create && len(entries) == 0 {
		return plan, false // nothing was revoked: no state
	}
	computed := map[string]string{"id": ps.clusterID, "region": at.loc.Region, "project_id": at.loc.ProjectID}
	var name types.String
	diags.Append(src.GetAttribute(ctx, path.Root("cluster_name"), &name)...)
	if name.IsUnknown() { // the plan could not read the cluster (provider configured late)
		computed["cluster_name"] = ""
		if cl, err := at.client.Cluster(ctx, ps.clusterID, cce.Cached); err == nil {
			computed["cluster_name"] = cl.Name
		}
	}
	return withRevocations(withUnknownStrings(plan, computed, diags), entries, diags), true
}

// Create revokes every applicant. A failure part-way records the ones that
// were made (Terraform then marks the resource tainted); the replacement that
// follows in the next apply revokes only the others (forgottenBatches).
func (r *credentialRevocationsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var t timeouts.Value
	getAttr(ctx, req.Plan, "timeouts", &t, &resp.Diagnostics)
	ps := stateOf(req.Plan.Raw, &resp.Diagnostics)
	kept := takeForgotten(r.client(), ps.clusterID)
	state, ok := r.apply(ctx, req.Plan, kept, t, true, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.State.Raw = state
}

// Update revokes the applicants added since, and forgets the removed ones.
func (r *credentialRevocationsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var t timeouts.Value
	getAttr(ctx, req.Plan, "timeouts", &t, &resp.Diagnostics)
	prior := stateOf(req.State.Raw, &resp.Diagnostics)
	apps, _ := applicantsIn(ctx, req.Plan, &resp.Diagnostics)
	warnForgotten(prior.entries, apps, prior.clusterID, &resp.Diagnostics)
	state, ok := r.apply(ctx, req.Plan, prior.entries, t, false, &resp.Diagnostics)
	if ok {
		resp.State.Raw = state
	}
}

// Read keeps the records: CCE has no API to read revocations back. Only a
// cluster that is certainly gone takes them out of state. After import it
// fills in what can be known now.
func (r *credentialRevocationsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.client(), &resp.Diagnostics) {
		return
	}
	s := stateOf(req.State.Raw, &resp.Diagnostics)
	var clusterName types.String
	getAttr(ctx, req.State, "cluster_name", &clusterName, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	record := "cce_credential_revocations " + s.clusterID
	found, ok := refreshAt(ctx, r.client(), req.State, s.clusterID, record, func(loc cce.Location) (string, string) {
		return "Cluster gone: revocation records removed", fmt.Sprintf("Cluster %s no longer exists in %s, so its %d "+
			"revocation records leave the state. Credentials of a deleted cluster are useless anyway.",
			s.clusterID, where(loc), len(s.entries))
	}, resp)
	if !ok {
		return
	}
	at, cl := found.at, found.cluster
	if found.unplaced { // found where the provider works: that is where the records are
		resp.State.Raw = withStrings(resp.State.Raw, map[string]string{"region": at.loc.Region, "project_id": at.loc.ProjectID},
			&resp.Diagnostics)
	}
	if clusterName.ValueString() == "" {
		resp.State.Raw = withStrings(resp.State.Raw, map[string]string{"cluster_name": cl.Name}, &resp.Diagnostics)
	}
	filled := false
	names := revocationChecks{client: at.client}
	for k, e := range s.entries {
		if !e["cluster_version"].IsNull() {
			continue
		}
		filled = true
		if v, _, err := at.client.ClusterVersion(ctx, cl); err == nil {
			e["cluster_version"] = tftypes.NewValue(tftypes.String, v.String())
		} else if cce.EveryPatchRevokes(cl.Version) {
			e["cluster_version"] = tftypes.NewValue(tftypes.String, cl.Version)
		}
		if e["applicant_name"].IsNull() {
			name := ""
			if kind, id, _ := strings.Cut(k, "/"); kind != kindOther {
				name, _ = names.iamName(ctx, kind, id, cce.Cached)
			}
			e["applicant_name"] = tftypes.NewValue(tftypes.String, name)
		}
	}
	if filled {
		resp.State.Raw = withRevocations(resp.State.Raw, s.entries, &resp.Diagnostics)
	}
}

// Delete forgets the records. There is no API to un-revoke. The records of a
// batch whose creation failed part-way (Terraform marks it tainted and
// replaces it, deleting first) are kept for this process's Create that
// replaces it, so that it sends only the missing revocations.
func (r *credentialRevocationsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	// A batch with fewer records than applicants was created or updated
	// part-way; its records are true and need not be sent again.
	s := stateOf(req.State.Raw, &resp.Diagnostics)
	if apps, known := applicantsIn(ctx, req.State, &resp.Diagnostics); known && len(s.entries) < len(apps) {
		keepForgotten(r.client(), s.clusterID, s.entries)
	}
	resp.Diagnostics.AddWarning("The credential stays revoked", "Destroying only forgets the records: revocation "+
		"cannot be undone, and the holders need a new credential to regain access.")
}
