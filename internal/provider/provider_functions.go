package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

var _ provider.ProviderWithFunctions = (*cceProvider)(nil)

// Functions lists the provider-defined functions. They are pure: Terraform
// calls them without configuring the provider, so they need no credentials.
func (p *cceProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewCertificateApplicantIDFunction,
	}
}
