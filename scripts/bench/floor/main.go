// Command floor is the benchmark's do-nothing provider: the schema of
// cce_credential_revocation on the same plugin framework, with no API calls.
// `make bench` times every case against it, so the ratio is the provider's own
// cost. It lives in its own module so that it never enters the provider's
// go.mod; it is served under the provider's address through dev_overrides.
// Its main turns the libraries' logs off when no log variable is set, as the
// provider's does (logs.go in the repository root), so that the ratio is
// about the work per resource.
package main

import (
	"context"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

func main() {
	if !logsAsked(os.Environ()) {
		for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_CCE"} {
			_ = os.Setenv(v, "OFF")
		}
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/cceops/cce"})
	if err != nil {
		log.Fatal(err)
	}
}

// logsAsked is the provider's: any TF_LOG* or TF_ACC_LOG* variable.
func logsAsked(environ []string) bool {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "TF_LOG") || strings.HasPrefix(kv, "TF_ACC_LOG") {
			return true
		}
	}
	return false
}

// floorProvider has no settings: configuring it costs nothing.
type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "cce"
}

func (floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return revocation{} }}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
