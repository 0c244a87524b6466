package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// Whether a cluster can take a revocation now is decided here, once, for
// every object: the revocation resources at plan and apply, cce_clusters and
// cce_certificate_applicants. The rules: not locked; a phase CCE revokes in
// (Available, or one that ends by itself, which apply waits out); a version
// whose line and patch support revocation, where a v1.28 or later cluster
// that reports only its line qualifies as it is (every patch of it does).

// versionAnswer is what is known of a cluster's version: the client's full
// version, or only its line, or why it cannot be told.
type versionAnswer struct {
	v        cce.Version
	source   string // where v was read (cce.Source*)
	lineOnly bool   // v1.28 or later with no patch level: the line decides
	err      error  // the upgrade information could not be read
}

// versionOf asks the client for cl's full version, unless its line alone
// decides (then nothing is asked).
func versionOf(ctx context.Context, client *cce.Client, cl *cce.Cluster) versionAnswer {
	if lineOnly(*cl) {
		return versionAnswer{lineOnly: true}
	}
	v, source, err := client.ClusterVersion(ctx, cl)
	return versionAnswer{v: v, source: source, err: err}
}

// lineOnly reports a cluster that gives only its line, v1.28 or later, with
// no patch level: it is accepted as it is.
func lineOnly(cl cce.Cluster) bool {
	_, _, resolved := cce.ResolveVersion(cl.Version, cl.PlatformVersion, cl.LegacyVersion)
	return !resolved && cce.EveryPatchRevokes(cl.Version)
}

// refusal is one reason a cluster cannot take a revocation now: a title, a
// sentence that names the cluster and says what to do, and the API error
// behind it, if any.
type refusal struct {
	summary, reason string
	err             error
}

// eligibility is the verdict on one cluster.
type eligibility struct {
	version   string // the full version, the line of a line-only cluster, "" when it cannot be told
	supported *bool  // whether the version supports revocation; nil when it cannot be told
	minimum   string // the first patch of the cluster's line that supports it, when an older patch runs
	busy      bool   // a phase that ends by itself: the revocation waits for Available
	refusals  []refusal
}

// eligible reports whether the cluster can take a revocation now (perhaps
// after waiting for it to become Available).
func (e eligibility) eligible() bool { return len(e.refusals) == 0 }

// judgeCluster decides whether cl can take a revocation now, given what is
// known of its version. Refusals come in a fixed order: lock, phase, version.
func judgeCluster(cl *cce.Cluster, ans versionAnswer) eligibility {
	var e eligibility
	if msg := lockedRefusal(cl); msg != "" {
		e.refusals = append(e.refusals, refusal{summary: "Cluster cannot accept a revocation", reason: msg})
	}
	switch cce.ClassifyPhase(cl.Phase) {
	case cce.PhaseReady:
	case cce.PhaseTransitional:
		e.busy = true
	default:
		e.refusals = append(e.refusals, refusal{summary: "Cluster cannot accept a revocation", reason: fmt.Sprintf(
			"Cluster %q is %s; CCE revokes credentials only on an Available cluster, and this does not end by "+
				"itself. %s", cl.Name, phaseText(cl.Phase), phaseAdvice(cl.Phase))})
	}
	supported := func(b bool) *bool { return &b }
	switch {
	case ans.lineOnly:
		e.version, e.supported = cl.Version, supported(true)
	case ans.err != nil:
		why, fix := "its upgrade information, which has the patch level, could not be read", "Give the caller read "+
			"access to the cluster (cce:cluster:get) and apply again; if the CCE console shows an older patch, "+
			"upgrade the cluster first."
		if cce.IsNotFound(ans.err) {
			why, fix = "CCE has no upgrade information for it, which would give the patch level", "Check the "+
				"cluster's version in the CCE console, and upgrade it to a patch that supports revocation."
		}
		e.refusals = append(e.refusals, refusal{summary: "Cannot tell the cluster's version", err: ans.err, reason: fmt.Sprintf(
			"Cluster %q reports version %s without a patch level (platform version %s), and %s. %s %s",
			cl.Name, quote(cl.Version), quote(cl.PlatformVersion), why, lineRule(cl.Version), fix)})
	default:
		e.version = ans.v.String()
		err := cce.CheckRevocationSupport(ans.v)
		e.supported = supported(err == nil)
		var old *cce.UnsupportedVersionError
		if errors.As(err, &old) {
			rule := fmt.Sprintf("On the %s line, credential revocation needs %s or later: upgrade the cluster's "+
				"patch version, then apply again.", ans.v.Line(), old.Minimum)
			if old.LineUnsupported {
				rule = fmt.Sprintf("No %s patch can revoke credentials; revocation needs %s. Upgrade the cluster "+
					"to a supported line, then apply again.", ans.v.Line(), cce.RevocationRule())
			} else {
				e.minimum = old.Minimum.String()
			}
			e.refusals = append(e.refusals, refusal{summary: "Cluster version too old for revocation",
				reason: fmt.Sprintf("Cluster %q runs %s (read from %s). %s", cl.Name, ans.v, ans.source, rule)})
		}
	}
	return e
}

// lockedRefusal is the refusal of a cluster that its status reports locked
// (status.isLocked: frozen, for example for an unpaid bill), as a sentence
// that starts with the cluster's name; "" when it is not locked.
func lockedRefusal(cl *cce.Cluster) string {
	if !cl.IsLocked {
		return ""
	}
	scene := ""
	if cl.LockScene != "" {
		scene = fmt.Sprintf(" (lock scene %s)", quote(cl.LockScene))
	}
	return fmt.Sprintf("Cluster %q is locked%s: CCE reports status.isLocked = true, as for a cluster frozen for an "+
		"unpaid bill or by an administrator, and refuses changes to it until it is unlocked. Settle or lift the "+
		"lock (Billing Center, or the CCE console), then apply again.", cl.Name, scene)
}

// detail is a refusal's reason with the API error behind it, for a
// diagnostic.
func (r refusal) detail() string {
	if r.err == nil {
		return r.reason
	}
	return apiErrorDetail(r.err, r.reason)
}

// lineRule says which patch of a cluster's line can revoke, to explain why
// the patch level matters.
func lineRule(version string) string {
	if line, ok := cce.ParseLine(version); ok {
		if m, ok := cce.RevocationMinimum(line); ok {
			return fmt.Sprintf("On the %s line only %s or later can revoke credentials, so the provider needs the patch level.", line.Line(), m)
		}
	}
	return "Credential revocation needs " + cce.RevocationRule() + "."
}
