package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// Import of cce_credential_revocations, and the records a failed create
// hands to the replacement Terraform plans after it.

// ImportState takes `<cluster_id>/<applicant>,<applicant>,...`, each
// applicant as in the import ID of cce_credential_revocation without the
// cluster: user/<ID>, agency/<ID>, other/<ID> or other/<ID>/agency; then,
// optionally, `@<region>` or `@<region>/<project_id>` (default: the
// provider's).
func (r *credentialRevocationsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	const form = "The import ID must look like <cluster_id>/<applicant>,<applicant>,... with each applicant written " +
		"user/<user ID>, agency/<agency ID>, other/<ID> or other/<ID>/agency (an other ID sent as an agency), e.g. " +
		"365b5e05-846a-11ea-9fe6-0255ac101107/user/0c97ac3cb280f4d91fa7c0096739e1f8,agency/<agency ID>, optionally " +
		"followed by @<region> or @<region>/<project_id> (default: the provider's)."
	id := req.ID
	var region, project string
	if i := strings.LastIndex(id, "@"); i >= 0 && !strings.Contains(id[i:], ",") { // else: part of an other ID
		// Read as the single resource's ID: an applicant after "," is one after "/".
		_, reg, proj, err := splitImportLocation(strings.ReplaceAll(id, ",", "/"))
		if err != nil {
			resp.Diagnostics.AddError("Invalid import ID", err.Error())
			return
		}
		if reg != "" {
			id, region, project = id[:i], reg, proj
		}
	}
	clusterID, rest, _ := strings.Cut(id, "/")
	if rest == "" {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%s names no applicant. %s", quote(req.ID), form))
		return
	}
	var users, agencies []string
	others := map[string]string{}
	entries := map[string]map[string]tftypes.Value{}
	for part := range strings.SplitSeq(rest, ",") {
		_, a, err := parseRevocationID(clusterID + "/" + part)
		if err != nil {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Applicant %s: %s. %s", quote(part), err, form))
			return
		}
		switch a.kind {
		case kindUser:
			users = append(users, a.id)
		case kindAgency:
			agencies = append(agencies, a.id)
		default:
			others[a.id] = a.apiType
		}
		entries[revocationKey(a)] = newEntry(map[string]string{"applicant_type": a.apiType}, entryAttrs...)
	}
	imported := located{client: r.client()}
	if r.client() != nil {
		var ok bool
		if imported, ok = locate(ctx, r.client(), types.StringValue(region), types.StringValue(project), path.Empty(),
			&resp.Diagnostics); !ok {
			return
		}
	}
	if !importedClusterExists(ctx, imported.client, clusterID, &resp.Diagnostics) {
		return
	}
	set := func(attr string, v any) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	set("id", clusterID)
	set("cluster_id", clusterID)
	set("confirmation", confirmationWord)
	if len(users) > 0 {
		set("users", users)
	}
	if len(agencies) > 0 {
		set("agencies", agencies)
	}
	if len(others) > 0 {
		set("others", others)
	}
	set("cluster_name", "")
	if r.client() != nil {
		set("region", imported.loc.Region)
		set("project_id", imported.loc.ProjectID)
	}
	if !resp.Diagnostics.HasError() {
		resp.State.Raw = withRevocations(resp.State.Raw, entries, &resp.Diagnostics)
	}
}

// forgottenBatches holds, per client (one provider process), the records of
// tainted batches this process destroyed, by cluster: Terraform replaces a
// batch whose creation failed part-way, deleting it first, and the Create
// that follows keeps those records instead of sending them again.
var forgottenBatches struct {
	mu sync.Mutex
	m  map[*cce.Client]map[string]map[string]map[string]tftypes.Value
}

func keepForgotten(c *cce.Client, clusterID string, entries map[string]map[string]tftypes.Value) {
	if c == nil || clusterID == "" || len(entries) == 0 {
		return
	}
	f := &forgottenBatches
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[*cce.Client]map[string]map[string]map[string]tftypes.Value{}
	}
	if f.m[c] == nil {
		f.m[c] = map[string]map[string]map[string]tftypes.Value{}
	}
	f.m[c][clusterID] = entries
}

func takeForgotten(c *cce.Client, clusterID string) map[string]map[string]tftypes.Value {
	f := &forgottenBatches
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.m[c][clusterID]
	delete(f.m[c], clusterID)
	if len(f.m[c]) == 0 {
		delete(f.m, c)
	}
	return e
}
