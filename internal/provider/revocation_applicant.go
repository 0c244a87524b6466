package provider

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// The checks of a revocation's applicant and target that keep it from being
// a silent no-op or a double: an other_id sent as the wrong type (CCE answers
// 200 and revokes nothing), the same revocation planned twice, a locked
// cluster. Each is called from one line of the engine or the resource.

// checkOtherID checks an other_id against IAM's listings of users and
// agencies (one read of each per provider process): the ID of a live agency
// sent as a user, or of a user sent as an agency, reaches nobody, yet CCE
// answers success. Where IAM cannot be listed, a warning says the type was not
// checked. An ID IAM does not know (deleted, federated) is left to CCE.
func (e revocationChecks) checkOtherID(ctx context.Context, a applicant, read cce.Read) diag.Diagnostics {
	var diags diag.Diagnostics
	k, err := e.client.KindOf(ctx, a.id, read)
	if err != nil {
		diags.AddAttributeWarning(path.Root("other_id"), "other_id_type not checked", apiErrorDetail(err, fmt.Sprintf(
			"The provider could not list IAM users and agencies, so it cannot tell whether other_id = %q is a live "+
				"user or agency; it is sent as %s (other_id_type = %q). If it is an agency's ID, set other_id_type = "+
				"\"agency\": sent as the other type, CCE answers success and revokes nothing. Grant IAM read access "+
				"(e.g. the IAM ReadOnlyAccess role) to have it checked.", a.id, apiField(a.apiType), a.apiType)))
		return diags
	}
	if k.Kind == "" {
		if !applicantIDRE.MatchString(a.id) {
			if id, kind, ok := e.client.NamedAs(ctx, a.id, read); ok {
				diags.AddAttributeError(path.Root("other_id"), "Name instead of ID", fmt.Sprintf(
					"other_id = %q is the name of IAM %s %s, but CCE knows applicants by ID. Use %s_id = %q.",
					a.id, kind, id, kind, id))
			}
		}
		return diags
	}
	if k.Kind != a.apiType {
		diags.AddAttributeError(path.Root("other_id_type"), "other_id_type contradicts IAM", fmt.Sprintf(
			"other_id = %q is the ID of IAM %s %s, but other_id_type = %q sends it to CCE as %s. CCE would answer "+
				"success and revoke nothing: the %s's credentials would keep working. Set other_id_type = %q, or "+
				"use %s_id = %q, which IAM checks.",
			a.id, k.Kind, k.Name, a.apiType, apiField(a.apiType), k.Kind, k.Kind, k.Kind, a.id))
	}
	return diags
}

// apiField is the field of clustercertrevoke an applicant type is sent in.
func apiField(apiType string) string {
	if apiType == kindAgency {
		return "agencyId"
	}
	return "userId"
}

// plannedRevocations holds, per configured client (one per provider process
// and configuration), the revocations planned as new: (cluster, type, ID).
// It does not keep a client alive: its entry goes with it.
var plannedRevocations struct {
	mu  sync.Mutex
	set map[weak.Pointer[cce.Client]]map[string]bool
}

// firstPlan records key as planned through client and reports whether it was
// not planned before.
func firstPlan(client *cce.Client, key string) bool {
	p := &plannedRevocations
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.set == nil {
		p.set = map[weak.Pointer[cce.Client]]map[string]bool{}
	}
	wp := weak.Make(client)
	seen, ok := p.set[wp]
	if !ok {
		seen = map[string]bool{}
		p.set[wp] = seen
		runtime.AddCleanup(client, func(k weak.Pointer[cce.Client]) {
			p.mu.Lock()
			defer p.mu.Unlock()
			delete(p.set, k)
		}, wp)
	}
	if seen[key] {
		return false
	}
	seen[key] = true
	return true
}

// warnDuplicate warns when this provider process planned the same revocation
// (cluster, how the applicant is sent, ID) as new before: two resources, or a
// resource and a module, that revoke one credential. Terraform calls
// ModifyPlan once per instance with a null prior state (also for a
// replacement), so only such calls may come here. Apply sends one request for
// both (cce.Client.RevokeClusterCert); the state holds two records.
func warnDuplicate(client *cce.Client, t revocationTarget, diags *diag.Diagnostics) {
	if client == nil || t.applicant == nil || t.clusterID == "" {
		return
	}
	a := *t.applicant
	if firstPlan(client, t.clusterID+"\x00"+a.apiType+"\x00"+a.id) {
		return
	}
	diags.AddAttributeWarning(path.Root(a.attr), "Same revocation planned twice", fmt.Sprintf(
		"Another revocation in this plan also revokes the credentials of %s on cluster %s. The provider sends one "+
			"request for both, but the state will hold two records of one revocation. Keep one: remove the other "+
			"resource (or module instance), or use a removed block to forget it without changing anything remotely.",
		a.describe(), t.clusterID))
}

// importedClusterExists refuses the import of a revocation on a cluster CCE
// does not know: there is nothing to import. Other errors are left to the
// refresh that follows the import, which explains them.
func importedClusterExists(ctx context.Context, client *cce.Client, id string, diags *diag.Diagnostics) bool {
	if client == nil {
		return true
	}
	_, err := client.Cluster(ctx, id, cce.Cached)
	if !cce.IsNotFound(err) {
		return true
	}
	diags.AddError("Cluster not found", apiErrorDetail(err, fmt.Sprintf("The import names cluster %s, which does not "+
		"exist in this project and region, so there is nothing to import: a revocation exists only on its cluster. "+
		"Check the cluster ID in the import ID (the UUID on the cluster's overview page in the CCE console), and the "+
		"provider's region and project_id.", id)))
	return false
}

// otherIDTypeAlone refuses other_id_type beside user_id or agency_id, naming
// other_id_type as what to remove: those arguments say the type themselves.
// An unknown value is left to the checks before the request, which see the
// final values.
var otherIDTypeAlone = stringRule{
	"other_id_type applies only to other_id; it cannot be set with user_id or agency_id",
	func(ctx context.Context, req validator.StringRequest, raw string, diags *diag.Diagnostics) {
		for _, attr := range []string{"user_id", "agency_id"} {
			var v types.String
			if d := req.Config.GetAttribute(ctx, path.Root(attr), &v); d.HasError() || v.IsNull() || v.IsUnknown() {
				continue
			}
			sends := "a user"
			if attr == "agency_id" {
				sends = "an agency"
			}
			diags.AddAttributeError(req.Path, "other_id_type without other_id", fmt.Sprintf(
				"other_id_type = %s is set together with %s, but other_id_type applies only to other_id: %s is always "+
					"sent to CCE as %s. Remove other_id_type; or, for an ID IAM no longer knows, move the ID to other_id "+
					"and keep other_id_type.", quote(raw), attr, attr, sends))
			return
		}
	},
}
