package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// Sending a revocation: wait while the cluster is busy, send the request
// once the checks (revocation_checks.go) passed, and when CCE refuses, look
// again, live, to say why. The single and the batch resource and the action
// send through here.

// sendRevocation sends the revocation (POST clustercertrevoke) of a fully known target. It waits while the
// cluster is busy (as this process last saw it), sends the request, and when
// CCE refuses, checks once more, live, to explain why. ctx carries the create
// timeout; once the request is on its way, an interrupt no longer cancels it:
// it finishes, bounded by the timeout, so that its outcome is known and saved.
func (e revocationChecks) sendRevocation(ctx context.Context, t revocationTarget, timeout time.Duration) diag.Diagnostics {
	a := *t.applicant
	var diags diag.Diagnostics
	if cl, err := e.client.Cluster(ctx, t.clusterID, cce.Cached); err == nil && cce.ClassifyPhase(cl.Phase) == cce.PhaseTransitional {
		if diags = e.waitAvailable(ctx, t.clusterID, timeout); diags.HasError() {
			return diags
		}
	}
	if ctx.Err() != nil {
		return e.interrupted(ctx, "sending the revocation of "+a.describe())
	}
	send, cancel := detached(ctx)
	defer cancel()
	tflog.Info(ctx, "revoking credential", map[string]any{"cluster_id": t.clusterID, "applicant": a.describe()})
	err := e.client.RevokeClusterCert(send, t.clusterID, a.api())
	if err != nil && !cce.NotSent(err) && refusedByAPI(err) {
		// Something changed since the checks ran: look again, live. A cluster
		// that became busy is waited for; anything else the checks find is the
		// clearer explanation of the refusal.
		f, recheck := e.check(send, t, cce.Fresh)
		if recheck.HasError() {
			return recheck.Errors()
		}
		if !f.busy {
			return e.failed(send, t, err)
		}
		if diags = e.waitAvailable(ctx, t.clusterID, timeout); diags.HasError() {
			return diags
		}
		if ctx.Err() != nil {
			return e.interrupted(ctx, "sending the revocation of "+a.describe())
		}
		tflog.Info(ctx, "revoking credential after waiting", map[string]any{"cluster_id": t.clusterID, "applicant": a.describe()})
		err = e.client.RevokeClusterCert(send, t.clusterID, a.api())
	}
	if err != nil {
		return e.failed(send, t, err)
	}
	return diags
}

// detached returns a context that an interrupt does not cancel but that ends
// at ctx's deadline: a request already decided on is seen through. The client
// still hears the interrupt (cce.WithInterrupt; stop_signal.go): it starts no
// new try and stops waiting for an answer shortly after it.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	interrupt, release := interruptOf(ctx)
	base := cce.WithInterrupt(context.WithoutCancel(ctx), interrupt)
	var (
		send   context.Context
		cancel context.CancelFunc
	)
	if d, ok := ctx.Deadline(); ok {
		send, cancel = context.WithDeadline(base, d)
	} else {
		send, cancel = context.WithCancel(base)
	}
	return send, func() { cancel(); release() }
}

// failed explains a revocation request that did not succeed.
func (e revocationChecks) failed(ctx context.Context, t revocationTarget, err error) diag.Diagnostics {
	a := *t.applicant
	var diags diag.Diagnostics
	at := path.Root(a.attr)
	switch {
	case cce.NotSent(err) && cce.Interrupted(err):
		diags.AddAttributeError(at, "Revocation not sent", fmt.Sprintf("Terraform was interrupted before the "+
			"revocation of %s on cluster %s was sent (or tried again): nothing was revoked%s. %s to revoke.",
			a.describe(), t.clusterID, e.by.unrecorded(), e.by.Again()))
	case cce.Interrupted(err):
		diags.AddAttributeError(at, "Revocation outcome unknown", fmt.Sprintf("Terraform was interrupted while "+
			"the revocation of %s on cluster %s was waiting for CCE's answer, so it may or may not have been "+
			"made%s. %s: revoking twice is harmless.", a.describe(), t.clusterID, e.by.unrecorded(), e.by.Again()))
	case cce.NotSent(err):
		diags.AddAttributeError(at, "Revocation not sent", apiErrorDetail(err, fmt.Sprintf(
			"The revocation of %s on cluster %s could not be sent, so nothing was revoked%s. Fix the cause below "+
				"and %s.", a.describe(), t.clusterID, e.by.unrecorded(), e.by.again)))
	case refusedByAPI(err):
		cause := ""
		if cce.IsForbidden(err) {
			cause = e.forbiddenCause(ctx)
		}
		diags.AddAttributeError(at, "Revocation refused", apiErrorDetail(err, fmt.Sprintf(
			"CCE refused to revoke the credentials of %s on cluster %s; nothing was changed.", a.describe(), t.clusterID)+cause))
	default:
		diags.AddAttributeError(at, "Revocation outcome unknown", apiErrorDetail(err, fmt.Sprintf(
			"CCE's answer to the revocation of %s on cluster %s was lost or was a server error, so the "+
				"revocation may or may not have been made%s. %s: revoking twice is harmless.",
			a.describe(), t.clusterID, e.by.unrecorded(), e.by.Again())))
	}
	return diags
}

// interrupted is the error of work cut short by an interrupt or by the
// timeout before anything was sent.
func (e revocationChecks) interrupted(ctx context.Context, doing string) diag.Diagnostics {
	var diags diag.Diagnostics
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		diags.AddError("Timed out", fmt.Sprintf("The %s ran out while %s. Nothing was revoked. %s, or raise %s.",
			e.by.timeout, doing, e.by.Again(), e.by.timeoutArg))
		return diags
	}
	diags.AddError("Revocation not sent", fmt.Sprintf("Terraform was interrupted while %s, before the "+
		"revocation was sent: nothing was revoked%s. %s to revoke.", doing, e.by.unrecorded(), e.by.Again()))
	return diags
}

// waitAvailable polls the cluster with backoff until it is Available. Fresh
// reads keep this process's memo current, so other revocations on the cluster
// do not wait again.
func (e revocationChecks) waitAvailable(ctx context.Context, id string, timeout time.Duration) diag.Diagnostics {
	var diags diag.Diagnostics
	at := path.Root("cluster_id")
	delay := time.Second
	still := "busy"
	for {
		cl, err := e.client.Cluster(ctx, id, cce.Fresh)
		if ctx.Err() != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				diags.AddAttributeError(at, "Timed out waiting for the cluster",
					fmt.Sprintf("Cluster %s was still %s after %s. Nothing was revoked. %s later, or raise %s.",
						id, still, shortDuration(timeout), e.by.Again(), e.by.timeoutArg))
				return diags
			}
			return e.interrupted(ctx, "waiting for cluster "+id+" to become Available")
		}
		if err != nil {
			diags.AddAttributeError(at, "Cannot read the cluster", apiErrorDetail(err,
				"Waiting for the cluster to become Available failed. Nothing was revoked."))
			return diags
		}
		still = phaseText(cl.Phase)
		switch cce.ClassifyPhase(cl.Phase) {
		case cce.PhaseReady:
			return diags
		case cce.PhaseUnusable:
			diags.AddAttributeError(at, "Cluster cannot accept a revocation",
				fmt.Sprintf("While waiting, cluster %q became %s. Nothing was revoked. %s", cl.Name, phaseText(cl.Phase), phaseAdvice(cl.Phase)))
			return diags
		}
		tflog.Info(ctx, "waiting for the cluster to become Available", map[string]any{
			"cluster_id": id, "phase": cl.Phase, "next_check_in": delay.String(),
		})
		if e.progress != nil {
			e.progress(fmt.Sprintf("cluster %q is %s; waiting for it to become Available (next check in %s)",
				cl.Name, phaseText(cl.Phase), delay))
		}
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
		delay = min(delay*2, 15*time.Second)
	}
}
