package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

func nullModel() providerModel {
	return providerModel{
		Region: types.StringNull(), ProjectID: types.StringNull(), AccessKey: types.StringNull(),
		SecretKey: types.StringNull(), SecurityToken: types.StringNull(), UserName: types.StringNull(),
		Password: types.StringNull(), DomainName: types.StringNull(), DomainID: types.StringNull(), AuthToken: types.StringNull(),
		Cloud: types.StringNull(), Insecure: types.BoolNull(), CACertFile: types.StringNull(),
		MaxRetries: types.Int64Null(), RateLimit: types.Float64Null(),
		Endpoints: types.ObjectNull(map[string]attr.Type{"iam": types.StringType, "cce": types.StringType, "cts": types.StringType,
			"sts": types.StringType}),
	}
}

func configure(t *testing.T, m providerModel, env map[string]string) (cce.Config, diag.Diagnostics) {
	t.Helper()
	p := &cceProvider{version: "test", getenv: func(k string) string { return env[k] }}
	return p.clientConfig(context.Background(), m)
}

func TestProviderConfig_precedence(t *testing.T) {
	env := map[string]string{
		"HW_REGION_NAME": "hw-region", "OS_REGION_NAME": "os-region",
		"OS_PROJECT_ID": "os-project",
		"HW_ACCESS_KEY": "AK", "HW_SECRET_KEY": "SK",
		"HW_MAX_RETRIES": "7", "HW_RATE_LIMIT": "2.5",
	}
	cfg, diags := configure(t, nullModel(), env)
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if cfg.Region != "hw-region" {
		t.Errorf("HW_* must win over OS_*: region = %q", cfg.Region)
	}
	if cfg.ProjectID != "os-project" {
		t.Errorf("OS_* must be the fallback: project = %q", cfg.ProjectID)
	}
	if cfg.Cloud != cce.DefaultCloud || cfg.MaxRetries != 7 || cfg.RateLimit != 2.5 {
		t.Errorf("cloud %q, retries %d, rate %v", cfg.Cloud, cfg.MaxRetries, cfg.RateLimit)
	}

	m := nullModel()
	m.Region = types.StringValue("config-region")
	m.MaxRetries = types.Int64Value(0)
	cfg, _ = configure(t, m, env)
	if cfg.Region != "config-region" || cfg.MaxRetries != 0 {
		t.Errorf("configuration must beat the environment: region %q retries %d", cfg.Region, cfg.MaxRetries)
	}

	cfg, _ = configure(t, nullModel(), map[string]string{"HW_REGION_NAME": "r", "HW_AUTH_TOKEN": "tok"})
	if cfg.MaxRetries != defaultMaxRetries {
		t.Errorf("default max_retries = %d, want %d", cfg.MaxRetries, defaultMaxRetries)
	}
}

// domain_name set beside an access key pair or a token (common for users of
// the huaweicloud provider, which reads HW_DOMAIN_NAME too) is not a
// half-configured password sign-in.
func TestProviderConfig_domainNameBesideOtherMethods(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"keys":  {"HW_ACCESS_KEY": "AK", "HW_SECRET_KEY": "SK"},
		"token": {"HW_AUTH_TOKEN": "x"},
	} {
		env["HW_REGION_NAME"], env["HW_DOMAIN_NAME"] = "r", "acme"
		if _, diags := configure(t, nullModel(), env); diags.HasError() {
			t.Errorf("%s with HW_DOMAIN_NAME: %v", name, diags)
		}
	}
}

// domain_id and the STS endpoint come from the configuration or the
// environment; a plain-HTTP endpoint on this machine (a local test cloud)
// is accepted.
func TestProviderConfig_domainAndSTS(t *testing.T) {
	env := map[string]string{"HW_REGION_NAME": "r", "HW_AUTH_TOKEN": "x", "OS_DOMAIN_ID": "0500d0000000000000000000000000a1",
		"HW_STS_ENDPOINT": "http://127.0.0.1:8443", "HW_IAM_ENDPOINT": "http://localhost:8443"}
	cfg, diags := configure(t, nullModel(), env)
	if diags.HasError() || cfg.DomainID != "0500d0000000000000000000000000a1" || cfg.STSEndpoint != "http://127.0.0.1:8443" {
		t.Errorf("domain %q sts %q: %v", cfg.DomainID, cfg.STSEndpoint, diags)
	}
	m := nullModel()
	m.DomainID = types.StringValue("c0ff1900000000000000000000000000")
	if cfg, _ := configure(t, m, env); cfg.DomainID != "c0ff1900000000000000000000000000" {
		t.Errorf("configuration must beat the environment: domain %q", cfg.DomainID)
	}
}

func TestProviderConfig_errors(t *testing.T) {
	base := map[string]string{"HW_REGION_NAME": "r"}
	with := func(kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	tests := []struct {
		name string
		env  map[string]string
		path string
		want string
	}{
		{"none", with(), "access_key", "No credentials"},
		// domain_name qualifies a password sign-in; alone it selects nothing.
		{"domain name alone", with("HW_DOMAIN_NAME", "acme"), "access_key", "No credentials"},
		{"ak without sk", with("HW_ACCESS_KEY", "AK"), "secret_key", "secret_key is missing"},
		{"sk without ak", with("OS_SECRET_KEY", "SK"), "access_key", "access_key is missing"},
		{"token without keys", with("HW_SECURITY_TOKEN", "t", "HW_AUTH_TOKEN", "x"), "security_token", "temporary access key"},
		{"two methods", with("HW_ACCESS_KEY", "AK", "HW_SECRET_KEY", "SK", "HW_AUTH_TOKEN", "x"), "auth_token", "More than one"},
		{"no region", map[string]string{"HW_AUTH_TOKEN": "x"}, "region", "HW_REGION_NAME"},
		{"endpoints but neither region nor project", map[string]string{"HW_AUTH_TOKEN": "x", "HW_IAM_ENDPOINT": "https://iam.example",
			"HW_CCE_ENDPOINT": "https://cce.example", "HW_CTS_ENDPOINT": "https://cts.example"}, "project_id", "HW_PROJECT_ID"},
		{"bad retries", with("HW_AUTH_TOKEN", "x", "HW_MAX_RETRIES", "99"), "max_retries", "HW_MAX_RETRIES"},
		{"bad insecure", with("HW_AUTH_TOKEN", "x", "HW_INSECURE", "maybe"), "insecure", "HW_INSECURE"},
		{"bad rate", with("HW_AUTH_TOKEN", "x", "HW_RATE_LIMIT", "-1"), "rate_limit", "HW_RATE_LIMIT"},
		{"missing ca file", with("HW_AUTH_TOKEN", "x", "HW_CACERT_FILE", "/does/not/exist"), "cacert_file", "Cannot read"},
		{"plain-HTTP IAM endpoint", with("HW_AUTH_TOKEN", "x", "HW_IAM_ENDPOINT", "http://iam.example.com"), "endpoints.iam",
			"endpoints.iam (or `HW_IAM_ENDPOINT`) = \"http://iam.example.com\" is refused: http:// would send the credentials"},
		{"plain-HTTP STS endpoint", with("HW_AUTH_TOKEN", "x", "HW_STS_ENDPOINT", "http://10.0.0.7:8443"), "endpoints.sts",
			"Plain-HTTP endpoint refused"},
		{"STS endpoint not a URL", with("HW_AUTH_TOKEN", "x", "HW_STS_ENDPOINT", "sts.example.com"), "endpoints.sts",
			"has no scheme; write it with https://, e.g. https://sts.example.com"},
		{"domain name as domain ID", with("HW_AUTH_TOKEN", "x", "HW_DOMAIN_ID", "acme-corp"), "domain_id",
			"domain_id = \"acme-corp\" is not an account ID: an account (domain) ID is 32 hexadecimal characters (9 given)"},
		{"short domain ID", with("HW_AUTH_TOKEN", "x", "OS_DOMAIN_ID", "d0d0a1b2c3d4e5f6"), "domain_id",
			"Invalid domain_id"},
		{"ftp endpoint", with("HW_AUTH_TOKEN", "x", "HW_CCE_ENDPOINT", "ftp://cce.example.com"), "endpoints.cce",
			"endpoints.cce (or `HW_CCE_ENDPOINT`) = \"ftp://cce.example.com\" has scheme \"ftp\"; the endpoints speak HTTPS only: use https://"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := configure(t, nullModel(), tc.env)
			if !diags.HasError() {
				t.Fatal("expected an error")
			}
			d := diags.Errors()[0]
			text := d.Summary() + " " + d.Detail()
			if !strings.Contains(text, tc.want) {
				t.Errorf("diagnostic %q does not mention %q", text, tc.want)
			}
			if wp, ok := d.(diag.DiagnosticWithPath); !ok {
				t.Errorf("diagnostic is not attribute-scoped")
			} else if wp.Path().String() != tc.path {
				t.Errorf("diagnostic is on %s, want %s", wp.Path(), tc.path)
			}
			for _, secret := range []string{"AK", "SK", "tok"} {
				if strings.Contains(d.Detail(), "\""+secret+"\"") {
					t.Errorf("diagnostic echoes a credential: %q", d.Detail())
				}
			}
		})
	}
}

func TestProvider_insecureWarns(t *testing.T) {
	m := nullModel()
	m.Insecure = types.BoolValue(true)
	_, diags := configure(t, m, map[string]string{"HW_REGION_NAME": "r", "HW_AUTH_TOKEN": "x"})
	if diags.HasError() || len(diags.Warnings()) != 1 || !strings.Contains(diags.Warnings()[0].Summary(), "TLS verification is off") {
		t.Fatalf("want exactly one TLS warning, got %v", diags)
	}
}

// Every attribute, block and function parameter of every object has a
// description: the docs are generated from them.
func TestProvider_schemaDescriptions(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var check func(where string, b *tfprotov6.SchemaBlock)
	check = func(where string, b *tfprotov6.SchemaBlock) {
		for _, a := range b.Attributes {
			if a.Description == "" {
				t.Errorf("%s: attribute %s has no description", where, a.Name)
			}
			if a.NestedType != nil {
				for _, n := range a.NestedType.Attributes {
					if n.Description == "" {
						t.Errorf("%s: attribute %s.%s has no description", where, a.Name, n.Name)
					}
				}
			}
		}
		for _, nb := range b.BlockTypes {
			check(where+"."+nb.TypeName, nb.Block)
		}
	}
	schemas := map[string]*tfprotov6.Schema{"provider": resp.Provider}
	for name, sch := range resp.ResourceSchemas {
		schemas["resource "+name] = sch
	}
	for name, sch := range resp.DataSourceSchemas {
		schemas["data source "+name] = sch
	}
	for name, sch := range resp.EphemeralResourceSchemas {
		schemas["ephemeral resource "+name] = sch
	}
	// Every registered object must have been seen, so the loops below cannot pass over nothing.
	ctx, p := context.Background(), &cceProvider{}
	if want := 1 + len(p.Resources(ctx)) + len(p.DataSources(ctx)) + len(p.EphemeralResources(ctx)); len(schemas) != want {
		t.Errorf("want the provider and %d objects, got %d schemas", want-1, len(schemas))
	}
	for where, sch := range schemas {
		if where != "provider" && sch.Block.Description == "" {
			t.Errorf("%s has no description", where)
		}
		check(where, sch.Block)
	}
	if want := len(p.Functions(ctx)); len(resp.Functions) != want || want == 0 {
		t.Errorf("want %d functions, got %d", want, len(resp.Functions))
	}
	for name, f := range resp.Functions {
		if f.Summary == "" || f.Description == "" {
			t.Errorf("function %s has no summary or description", name)
		}
		for _, p := range f.Parameters {
			if p.Description == "" {
				t.Errorf("function %s: parameter %s has no description", name, p.Name)
			}
		}
	}
}

// No endpoint error repeats what could be a secret in the URL: user info, a
// query or a fragment, or any of a URL that does not parse. Each URL holds
// SECRET; the error must name the endpoint and say what to do.
func TestProviderConfig_endpointErrorsHideSecrets(t *testing.T) {
	for _, raw := range []string{
		"https://admin:SECRET@iam.example.com",
		"https://iam.example.com/?token=SECRET",
		"https://iam.example.com/#SECRET",
		"ftp://admin:SECRET@iam.example.com/?SECRET",
		"http://admin:SECRET@iam.example.com",
		"http://admin:SECRET@127.0.0.1:8443/?x=SECRET",
		"admin:SECRET@iam.example.com",
		"iam.example.com/?SECRET",
		"https://admin:SE CRET@iam.example.com",
		"https://admin:SE%zzCRET@iam.example.com",
		"https://admin:SECRET@",
	} {
		// From the environment (checked at configure) and from the
		// configuration (the schema's validator).
		_, diags := configure(t, nullModel(), map[string]string{"HW_REGION_NAME": "r", "HW_AUTH_TOKEN": "x", "HW_IAM_ENDPOINT": raw})
		if !diags.HasError() {
			t.Errorf("%q: accepted", raw)
			continue
		}
		summary, detail := endpointProblem("endpoints.iam", raw)
		for _, text := range []string{diags.Errors()[0].Detail(), detail} {
			if strings.Contains(text, "SECRET") || strings.Contains(text, "SE%zz") || strings.Contains(text, "%zzC") {
				t.Errorf("%q: the error repeats a secret: %s", raw, text)
			}
			if !strings.Contains(text, "endpoints.iam") || !strings.Contains(text, "https://") && !strings.Contains(text, "remove") {
				t.Errorf("%q: the error does not name the endpoint or the fix: %s", raw, text)
			}
		}
		if summary == "" {
			t.Errorf("%q: no summary", raw)
		}
		// The client refuses it the same way, without the secret.
		_, err := cce.NewClient(cce.Config{Region: "r", IAMEndpoint: raw, Credentials: cce.Credentials{AuthToken: "x"}})
		if err == nil || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%q: NewClient: %v", raw, err)
		}
	}
}
