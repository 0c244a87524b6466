package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// The checks of a revocation: what must hold before CCE is asked to revoke
// (the request itself is revocation_send.go; whether a cluster can take one,
// eligibility.go). They know nothing of a resource's model, so that what
// revokes a credential (the single and the batch resource, the action) runs
// the same checks at plan, with the same errors on the same attribute paths
// (cluster_id and the applicant's attribute).

// revocationTarget is what a revocation is about, as far as it is known.
type revocationTarget struct {
	clusterID string     // "" while unknown
	applicant *applicant // nil while unknown
}

// revocationFacts is what the checks learned.
type revocationFacts struct {
	cluster        *cce.Cluster // nil when not read (unknown ID, or an error)
	clusterVersion string       // full version, or only the line of a v1.28+ cluster that reports no patch
	busy           bool         // the cluster is in a phase that ends by itself: wait before revoking

	applicantChecked bool   // the applicant was known and looked up (or is an other ID)
	applicantName    string // "" for other IDs and when IAM may not be read

	caller *cce.Identity // nil when not read
}

// revocationChecks runs the prerequisites through the client's per-process
// memo: N revocations on C clusters read each cluster, the caller and the IAM
// directory once per provider process, whether they are planned or applied.
type revocationChecks struct {
	client *cce.Client
	by     revoker
	// progress, when set, hears how a wait for a busy cluster goes (the
	// action's progress events; a resource has no way to report progress).
	progress func(msg string)
	// callerAtApply leaves the rule of who may revoke whom to the apply,
	// which signs in as another principal (separate_apply_principal).
	callerAtApply bool
}

// revoker is what sends the revocation, as the engine's advice names it: the
// resource and the action differ in how their timeout is written and in how
// to try again.
type revoker struct {
	timeout    string // its name, after "the"
	timeoutArg string // how to write it
	again      string // what to do to try again, lower case
	stateful   bool   // a revocation it makes is recorded in the state
}

var (
	resourceRevoker = revoker{timeout: "create timeout", timeoutArg: "timeouts { create = ... }",
		again: "apply again", stateful: true}
	actionRevoker = revoker{timeout: "action's timeout", timeoutArg: "timeout = ...",
		again: "invoke the action again (terraform apply -invoke=action.cce_revoke_credential.<name>; " +
			"a trigger does not retry it)"}
)

// Again is the advice to try again as the start of a sentence.
func (r revoker) Again() string { return strings.ToUpper(r.again[:1]) + r.again[1:] }

// unrecorded completes "nothing was revoked" for a revoker with state.
func (r revoker) unrecorded() string {
	if r.stateful {
		return " and nothing is recorded in the state"
	}
	return ""
}

// check runs every prerequisite whose inputs are known and returns what it
// learned, with attribute-scoped diagnostics. read is cce.Fresh to look at the
// present (explaining a refusal), cce.Cached otherwise.
func (e revocationChecks) check(ctx context.Context, t revocationTarget, read cce.Read) (revocationFacts, diag.Diagnostics) {
	var (
		f                            revocationFacts
		clusterDiags, applicantDiags diag.Diagnostics
		callerErr                    error
		wg                           sync.WaitGroup
	)
	// The cluster, the caller and the applicant are independent round trips.
	if t.clusterID != "" {
		wg.Go(func() { clusterDiags = e.checkCluster(ctx, t.clusterID, read, &f) })
	}
	if t.applicant != nil {
		wg.Go(func() { f.caller, callerErr = e.client.Caller(ctx, read) })
		wg.Go(func() { f.applicantName, applicantDiags = e.checkApplicant(ctx, *t.applicant, read) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		return revocationFacts{}, e.interrupted(ctx, "checking this revocation")
	}
	var diags diag.Diagnostics
	if addRefusal(&diags, callerErr) {
		return revocationFacts{}, diags // the cluster and applicant reads were refused too: one error says it
	}
	diags.Append(clusterDiags...)
	if t.applicant == nil {
		return f, diags
	}
	a := *t.applicant
	f.applicantChecked = !applicantDiags.HasError()
	diags.Append(applicantDiags...)
	if callerErr != nil {
		f.caller = nil
		diags.AddError("Cannot tell who the provider is signed in as", apiErrorDetail(callerErr,
			"The provider needs the caller's identity to know whether it may revoke this credential."))
		return f, diags
	}
	diags.Append(callerRule(f.caller, a, e.callerAtApply)...)
	return f, diags
}

// warnIrreversible warns that applying the plan cuts the applicant off for
// good, naming whom and where; tail ends the detail's last sentence.
func warnIrreversible(diags *diag.Diagnostics, t revocationTarget, f revocationFacts, tail string) {
	if t.applicant == nil {
		return
	}
	where := "the cluster known at apply"
	switch {
	case f.cluster != nil && f.clusterVersion != "":
		where = fmt.Sprintf("cluster %q (%s, %s now)", f.cluster.Name, f.cluster.ID, f.clusterVersion)
	case f.cluster != nil:
		where = fmt.Sprintf("cluster %q (%s)", f.cluster.Name, f.cluster.ID)
	case t.clusterID != "":
		where = "cluster " + t.clusterID
	}
	diags.AddWarning("Revocation cannot be undone",
		fmt.Sprintf("Applying this plan revokes every credential (kubeconfig or client certificate) that %s "+
			"downloaded for %s. Their kubectl and CI jobs lose access at once. To come back they must download "+
			"a new credential%s.", t.applicant.describe(), where, tail))
}

// checkCluster reads the cluster and checks its phase and version into f.
func (ec revocationChecks) checkCluster(ctx context.Context, id string, read cce.Read, f *revocationFacts) diag.Diagnostics {
	var diags diag.Diagnostics
	at := path.Root("cluster_id")
	cl, err := ec.client.Cluster(ctx, id, read)
	switch {
	case cce.IsNotFound(err):
		diags.AddAttributeError(at, "Cluster not found", apiErrorDetail(err, fmt.Sprintf(
			"cluster_id = %q: no such cluster in this project and region. Check the ID on the cluster's overview "+
				"page in the CCE console, and the provider's region and project_id.", id)))
		return diags
	case err != nil:
		diags.AddAttributeError(at, "Cannot read the cluster", apiErrorDetail(err, fmt.Sprintf(
			"Reading cluster %q failed, so its version and state cannot be checked.", id)+
			ifForbidden(err, "The caller needs the cce:cluster:get permission.")))
		return diags
	}
	e := judgeCluster(cl, versionOf(ctx, ec.client, cl))
	for _, r := range e.refusals {
		diags.AddAttributeError(at, r.summary, r.detail())
	}
	if e.busy && e.eligible() {
		diags.AddAttributeWarning(at, "Cluster is busy",
			fmt.Sprintf("Cluster %q is %s. Apply will wait for it to become Available, up to the %s (%s, default %s).",
				cl.Name, phaseText(cl.Phase), ec.by.timeout, ec.by.timeoutArg, shortDuration(defaultTimeout)))
	}
	f.cluster, f.clusterVersion, f.busy = cl, e.version, e.busy
	return diags
}

// checkApplicant confirms that a user or agency exists and returns its name.
// Missing IAM read permission is a warning: the caller may still be allowed
// to revoke, and CCE will tell.
func (e revocationChecks) checkApplicant(ctx context.Context, a applicant, read cce.Read) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if a.kind == kindOther {
		return "", e.checkOtherID(ctx, a, read)
	}
	at := path.Root(a.attr)
	name, err := e.iamName(ctx, a.kind, a.id, read)
	switch {
	case err == nil:
		return name, diags
	case cce.IsNotFound(err):
		diags.AddAttributeError(at, "No such "+a.kind, e.notFoundDetail(ctx, a, read))
	case cce.IsForbidden(err):
		diags.AddAttributeWarning(at, "Cannot verify the "+a.kind,
			apiErrorDetail(err, fmt.Sprintf("The caller may not read IAM %ss, so the provider cannot check that "+
				"%s = %q exists. Grant IAM read access (e.g. the IAM ReadOnlyAccess role) to have it checked.",
				a.kind, a.attr, a.id)))
	default:
		diags.AddAttributeError(at, "Cannot look up the "+a.kind, apiErrorDetail(err,
			fmt.Sprintf("Looking up %s = %q in IAM failed.", a.attr, a.id)))
	}
	return "", diags
}

// iamName looks up the name of a user or an agency.
func (e revocationChecks) iamName(ctx context.Context, kind, id string, read cce.Read) (string, error) {
	if kind == kindUser {
		u, err := e.client.User(ctx, id, read)
		if err != nil {
			return "", err
		}
		return u.Name, nil
	}
	ag, err := e.client.Agency(ctx, id, read)
	if err != nil {
		return "", err
	}
	return ag.Name, nil
}

// notFoundDetail explains an applicant IAM does not know: the ID of the other
// kind (a user's ID given as agency_id) points at the right attribute; other
// IDs may be deleted or federated identities.
func (e revocationChecks) notFoundDetail(ctx context.Context, a applicant, read cce.Read) string {
	other := kindAgency
	if a.kind == kindAgency {
		other = kindUser
	}
	if name, err := e.iamName(ctx, other, a.id, read); err == nil {
		return fmt.Sprintf("%s = %q: IAM has no %s with this ID; this is the ID of %s %s: use %s_id = %q instead.",
			a.attr, a.id, a.kind, other, name, other, a.id)
	}
	return fmt.Sprintf("%s = %q: IAM has no %s with this ID. If it was deleted, or it is a federated identity "+
		"that IAM does not list, revoke it with other_id = %q (and other_id_type = %q) instead; CCE accepts "+
		"IDs IAM no longer knows.", a.attr, a.id, a.kind, a.id, a.kind)
}
