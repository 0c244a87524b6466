package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// confirmClusterGone confirms a 404 for cluster id before a record of it leaves the
// state: a wrong project, region or endpoint also answers 404, and must not
// empty the state. The cluster is gone when the project's cluster list
// answers without it; otherwise an error says why the record (named by
// record) stays.
func confirmClusterGone(ctx context.Context, client *cce.Client, id, record string, diags *diag.Diagnostics) bool {
	list, err := client.Clusters(ctx, cce.Cached)
	if err != nil {
		diags.AddError("Cannot confirm that the cluster is gone", apiErrorDetail(err, fmt.Sprintf(
			"CCE answered that cluster %s does not exist, but the project's clusters cannot be listed either, so "+
				"the provider's project_id, region or CCE endpoint is more likely wrong than the cluster gone. %s "+
				"stays in the state: fix the provider settings and refresh again.", id, record)))
		return false
	}
	if slices.ContainsFunc(list, func(cl cce.Cluster) bool { return cl.ID == id }) {
		diags.AddError("Cannot confirm that the cluster is gone", fmt.Sprintf(
			"CCE answered that cluster %s does not exist, yet lists it among the project's clusters. %s stays in "+
				"the state; refresh again later.", id, record))
		return false
	}
	return true
}
