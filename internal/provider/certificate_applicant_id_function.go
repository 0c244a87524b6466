package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/cceops/terraform-provider-cce/internal/certid"
)

var _ function.Function = (*certificateApplicantIDFunction)(nil)

// NewCertificateApplicantIDFunction returns the certificate_applicant_id
// function.
func NewCertificateApplicantIDFunction() function.Function {
	return &certificateApplicantIDFunction{}
}

// certificateApplicantIDFunction reads the applicant ID (the subject CN) from a
// CCE client certificate. It is pure: no files, no API, no provider
// configuration. Its input may hold secrets (a kubeconfig usually carries the
// client key too), so no error message ever repeats any of it.
type certificateApplicantIDFunction struct{}

func (f *certificateApplicantIDFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "certificate_applicant_id"
}

func (f *certificateApplicantIDFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Applicant ID (certificate CN) of a CCE credential",
		MarkdownDescription: "Returns the applicant ID of a CCE credential: the common name (CN) of its X.509 " +
			"client certificate, which CCE sets to the ID of the IAM user or agency that downloaded the " +
			"kubeconfig. Use it to revoke a credential whose owner IAM no longer knows (a deleted user or " +
			"agency, or a federated identity) by passing the result to `other_id` of `cce_credential_revocation`, " +
			"or to find out whose kubeconfig turned up somewhere.\n\n" +
			"`text` may be a PEM certificate (of a chain, the first certificate counts), a kubeconfig in YAML " +
			"or JSON (the user of its `current-context`, or its only user when it has no current context; that " +
			"user must carry `client-certificate-data`), or base64 of either. Leading and trailing white space " +
			"and CRLF line endings are fine.\n\n" +
			"The function is pure: it reads no files and calls no API, so it needs no provider configuration " +
			"or credentials. Read files with `file()` or `filebase64()`. It fails, saying what it found and " +
			"what to pass instead, for private keys, certificate signing requests, CA certificates, kubeconfig users without a " +
			"client certificate (tokens, exec plugins, certificate file paths), ambiguous kubeconfigs and " +
			"certificates without a CN. Error messages never repeat the input, which may hold secrets.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "text",
				MarkdownDescription: "A PEM certificate or chain, a kubeconfig (YAML or JSON) whose user has " +
					"`client-certificate-data`, or base64 of either; for example `file(\"client.crt\")`, " +
					"`file(\"kubeconfig.yaml\")` or `filebase64(\"kubeconfig.json\")`.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *certificateApplicantIDFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text string
	resp.Error = req.Arguments.Get(ctx, &text)
	if resp.Error != nil {
		return
	}
	id, err := certid.ApplicantID(text)
	if err != nil {
		// The error is the message; Terraform and OpenTofu end it with their own full stop.
		resp.Error = function.NewArgumentFuncError(0, strings.TrimSuffix(err.Error(), "."))
		return
	}
	resp.Error = resp.Result.Set(ctx, id)
}
