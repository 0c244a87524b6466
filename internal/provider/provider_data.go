package provider

// The client each object gets from the provider's Configure.

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// clientFrom takes the client out of the provider data given to Configure. It
// returns nil without a diagnostic while the provider is not configured yet
// (Terraform calls Configure on objects before the provider during validation).
func clientFrom(data any, diags *diag.Diagnostics) *cce.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*cce.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *cce.Client, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return c
}

// requireClient reports a clear error when an object is used before the
// provider could be configured (for example after a provider configuration error).
func requireClient(c *cce.Client, diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider not configured",
			"The cce provider has no client, usually because its configuration has errors reported above. Fix them and retry.")
		return false
	}
	return true
}
