package provider

import (
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	ct "github.com/cceops/terraform-provider-cce/internal/certid/certidtest"
)

// The function is pure, so these tests need no mock cloud and no provider
// block: Terraform calls it on an unconfigured provider. The process
// environment holds no credentials in CI, so a Configure call would fail with
// "No credentials" and show up here.
func functionFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"cce": providerserver.NewProtocol6WithError(New("test")()),
	}
}

// fnCall renders one call of the function on an HCL expression.
func fnCall(expr string) string {
	return "provider::cce::certificate_applicant_id(" + expr + ")"
}

func TestAccCertificateApplicantIDFunction_accepted(t *testing.T) {
	outputs := []struct{ name, expr, want string }{
		{name: "pem", expr: `file("testdata/function_cert.pem")`, want: ct.AliceID},
		{name: "chain", expr: `file("testdata/function_chain.pem")`, want: ct.BobID},
		{name: "kubeconfig_yaml", expr: `file("testdata/function_kubeconfig.yaml")`, want: ct.BobID},
		{name: "kubeconfig_json", expr: `file("testdata/function_kubeconfig.json")`, want: ct.AliceID},
		{name: "base64_kubeconfig", expr: `filebase64("testdata/function_kubeconfig.yaml")`, want: ct.BobID},
		{name: "base64_pem", expr: `base64encode(file("testdata/function_cert.pem"))`, want: ct.AliceID},
		{name: "crlf_padded", expr: `"\n  ${replace(file("testdata/function_kubeconfig.yaml"), "\n", "\r\n")}  \n"`, want: ct.BobID},
		{name: "certificate_data", expr: `yamldecode(file("testdata/function_kubeconfig.yaml")).users[0].user["client-certificate-data"]`, want: ct.AliceID},
	}
	var config strings.Builder
	var checks []statecheck.StateCheck
	for _, o := range outputs {
		config.WriteString("output \"" + o.name + "\" {\n  value = " + fnCall(o.expr) + "\n}\n")
		checks = append(checks, statecheck.ExpectKnownOutputValue(o.name, knownvalue.StringExact(o.want)))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{functionsCLI},
		ProtoV6ProviderFactories: functionFactories(),
		Steps: []resource.TestStep{{
			Config:            config.String(),
			ConfigStateChecks: checks,
		}},
	})
}

// Every bad input stops the plan with the function's message; the CLI wraps
// long lines, hence re().
func TestAccCertificateApplicantIDFunction_rejected(t *testing.T) {
	tests := []struct{ expr, want string }{
		{expr: `""`, want: `certificate_applicant_id.*The text is empty`},
		{expr: `"not a certificate at all"`, want: `The text is neither a PEM certificate nor a kubeconfig`},
		{expr: `file("testdata/function_csr.pem")`, want: `The text is a certificate signing request \(CSR\), not a certificate`},
		{expr: `file("testdata/function_kubeconfig_token.yaml")`, want: `authenticates with a bearer token, not with a client certificate`},
		{expr: `yamldecode(file("testdata/function_kubeconfig.yaml")).users[0].user["client-key-data"]`,
			want: `The base64-decoded text is a private key, not a certificate`},
		{expr: `replace(file("testdata/function_kubeconfig.yaml"), "current-context: bob@external", "")`,
			want: `The kubeconfig has 2 users and no current-context`},
		{expr: `"users:\n- name: u\n  user:\n    client-certificate: /etc/cce/client.crt\n"`,
			want: `by file path \(client-certificate\), and a provider function is pure: it cannot read files.*file\(`},
		{expr: `"${base64encode(file("testdata/function_cert.pem"))}x"`, want: `not valid base64`},
	}
	steps := make([]resource.TestStep, 0, len(tests))
	for _, tt := range tests {
		steps = append(steps, resource.TestStep{
			Config:      "output \"id\" {\n  value = " + fnCall(tt.expr) + "\n}\n",
			ExpectError: re(tt.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{functionsCLI},
		ProtoV6ProviderFactories: functionFactories(),
		Steps:                    steps,
	})
}

// A private key passed by mistake: the error names it and repeats no line of
// it, in the function's message or anywhere else the CLI prints.
func TestAccCertificateApplicantIDFunction_privateKey(t *testing.T) {
	key, err := os.ReadFile("testdata/function_private_key.pem")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(key)), "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	check, done := expectError(t, re(`Invalid value for "text" parameter: The text is a private key, not a certificate.*repeats none of it`), lines...)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{functionsCLI},
		ProtoV6ProviderFactories: functionFactories(),
		ErrorCheck:               check,
		Steps: []resource.TestStep{{
			Config: "output \"id\" {\n  value = " + fnCall(`file("testdata/function_private_key.pem")`) + "\n}\n",
		}},
	})
	done()
}
