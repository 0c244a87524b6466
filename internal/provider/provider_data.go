package provider

// What each object gets from the provider's Configure: the client, and the
// settings that change how objects plan.

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// providerData is the provider data of every object.
type providerData struct {
	client *cce.Client
	// separateApply: the apply signs in as another principal than the plan,
	// so the plan leaves what depends on the signer to the apply.
	separateApply bool
}

// clientFrom takes the client out of the provider data given to Configure. It
// returns nil without a diagnostic while the provider is not configured yet
// (Terraform calls Configure on objects before the provider during validation).
func clientFrom(data any, diags *diag.Diagnostics) *cce.Client {
	if d := dataFrom(data, diags); d != nil {
		return d.client
	}
	return nil
}

// separateApplyFrom reports whether the provider was told that the apply
// signs in as another principal than the plan.
func separateApplyFrom(data any) bool {
	d, ok := data.(*providerData)
	return ok && d.separateApply
}

func dataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return d
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
