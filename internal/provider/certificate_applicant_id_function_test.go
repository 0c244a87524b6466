package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/certid"
	ct "github.com/cceops/terraform-provider-cce/internal/certid/certidtest"
)

// The forms the function reads and every message it gives are tested in
// internal/certid; these tests cover what the framework sees.

// runApplicantID calls the function's Run as Terraform would.
func runApplicantID(t *testing.T, text string) (string, *function.FuncError) {
	t.Helper()
	resp := function.RunResponse{Result: function.NewResultData(types.StringUnknown())}
	NewCertificateApplicantIDFunction().Run(context.Background(),
		function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{types.StringValue(text)})}, &resp)
	if resp.Error != nil {
		return "", resp.Error
	}
	v, ok := resp.Result.Value().(types.String)
	if !ok || v.IsNull() || v.IsUnknown() {
		t.Fatalf("result is %#v, want a known string", resp.Result.Value())
	}
	return v.ValueString(), nil
}

func TestCertificateApplicantIDFunction_definition(t *testing.T) {
	f := NewCertificateApplicantIDFunction()
	var meta function.MetadataResponse
	f.Metadata(context.Background(), function.MetadataRequest{}, &meta)
	if meta.Name != "certificate_applicant_id" {
		t.Errorf("name %q", meta.Name)
	}
	var def function.DefinitionResponse
	f.Definition(context.Background(), function.DefinitionRequest{}, &def)
	d := def.Definition
	if d.Summary == "" || !strings.Contains(d.MarkdownDescription, "other_id") ||
		!strings.Contains(d.MarkdownDescription, "cce_credential_revocation") {
		t.Errorf("summary or description incomplete: %q / %q", d.Summary, d.MarkdownDescription)
	}
	if len(d.Parameters) != 1 || d.Parameters[0].GetName() != "text" || d.Parameters[0].GetMarkdownDescription() == "" {
		t.Errorf("parameters %#v", d.Parameters)
	}
	if _, ok := d.Return.(function.StringReturn); !ok {
		t.Errorf("return %#v, want a string", d.Return)
	}
	var v function.DefinitionValidateResponse
	d.ValidateImplementation(context.Background(), function.DefinitionValidateRequest{FuncName: meta.Name}, &v)
	if v.Diagnostics.HasError() || def.Diagnostics.HasError() {
		t.Errorf("definition: %v %v", v.Diagnostics, def.Diagnostics)
	}
}

// A parser error becomes an error on the text argument with the parser's
// message, less the full stop the CLI adds.
func TestCertificateApplicantIDFunction_error(t *testing.T) {
	f := ct.Fixtures()
	for _, text := range []string{"", f.Alice.KeyPEM(), ct.KubeconfigTokenYAML()} {
		_, perr := certid.ApplicantID(text)
		got, ferr := runApplicantID(t, text)
		if perr == nil || ferr == nil {
			t.Fatalf("no error, result %q", got)
		}
		if ferr.FunctionArgument == nil || *ferr.FunctionArgument != 0 {
			t.Errorf("function argument %v, want 0 (text)", ferr.FunctionArgument)
		}
		if want := strings.TrimSuffix(perr.Error(), "."); ferr.Text != want || want == perr.Error() {
			t.Errorf("message %q, want the parser's without its full stop: %q", ferr.Text, perr)
		}
	}
}

// fnTestdata are the files the acceptance tests read: how to write each, and
// the applicant ID it yields ("" for inputs that must fail).
var fnTestdata = map[string]struct {
	content func(ct.Set) string
	want    string
}{
	"function_cert.pem":              {content: func(f ct.Set) string { return f.Alice.PEM() }, want: ct.AliceID},
	"function_chain.pem":             {content: func(f ct.Set) string { return f.Bob.PEM() + f.CA.PEM() }, want: ct.BobID},
	"function_kubeconfig.yaml":       {content: func(ct.Set) string { return ct.KubeconfigYAML() }, want: ct.BobID},
	"function_kubeconfig.json":       {content: func(ct.Set) string { return ct.KubeconfigJSON() + "\n" }, want: ct.AliceID},
	"function_kubeconfig_token.yaml": {content: func(ct.Set) string { return ct.KubeconfigTokenYAML() }, want: ""},
	"function_private_key.pem":       {content: func(f ct.Set) string { return f.Alice.KeyPEM() }, want: ""},
	"function_csr.pem":               {content: func(f ct.Set) string { return f.CSRPEM }, want: ""},
}

// The committed testdata files still yield what the acceptance tests expect.
func TestCertificateApplicantIDFunction_testdata(t *testing.T) {
	for name, file := range fnTestdata {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatalf("%s: %s (regenerate with CCE_WRITE_FUNCTION_TESTDATA=1)", name, err)
		}
		got, ferr := runApplicantID(t, string(b))
		switch want := file.want; {
		case want == "" && ferr == nil:
			t.Errorf("%s: got %q, want an error", name, got)
		case want != "" && ferr != nil:
			t.Errorf("%s: %s", name, ferr.Text)
		case got != want:
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

// TestCertificateApplicantIDFunction_writeTestdata regenerates the testdata
// files with fresh throwaway keys:
//
//	CCE_WRITE_FUNCTION_TESTDATA=1 go test -run CertificateApplicantIDFunction_writeTestdata ./internal/provider/
func TestCertificateApplicantIDFunction_writeTestdata(t *testing.T) {
	if os.Getenv("CCE_WRITE_FUNCTION_TESTDATA") == "" {
		t.Skip("set CCE_WRITE_FUNCTION_TESTDATA=1 to regenerate testdata/function_*")
	}
	for name, file := range fnTestdata {
		if err := os.WriteFile(filepath.Join("testdata", name), []byte(file.content(ct.Fixtures())), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
