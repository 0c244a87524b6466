package provider

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// refusedClient returns a client whose every request the cloud refuses
// with a 401, except those whose path accept says.
func refusedClient(t *testing.T, cr cce.Credentials, domainID string, accept func(path string) bool) *cce.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if accept != nil && accept(r.URL.Path) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"account_id":"x","principal_urn":"iam::x:user:alice","principal_id":"u1"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}`))
	}))
	t.Cleanup(srv.Close)
	c, err := cce.NewClient(cce.Config{Region: "eu-de", ProjectID: "0123456789abcdef0123456789abcdef", DomainID: domainID,
		IAMEndpoint: srv.URL, CCEEndpoint: srv.URL, CTSEndpoint: srv.URL, STSEndpoint: srv.URL, Credentials: cr})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The first report of a refusal in a process says it in full; later ones
// say one line where an error is required, and nothing in a resource's plan.
func TestAddRefusal_oncePerProcess(t *testing.T) {
	c := refusedClient(t, cce.Credentials{AccessKey: "AK", SecretKey: "wrong-secret"}, "", nil)
	_, err := c.Cluster(t.Context(), "c1", cce.Cached)
	var first, second diag.Diagnostics
	if !addRefusal(&first, err) || !addRefusal(&second, err) {
		t.Fatal("a refusal must be recognised every time")
	}
	if len(first) != 1 || first[0].Summary() != "Credentials refused" || !strings.Contains(first[0].Detail(), "Check access_key and secret_key") {
		t.Errorf("first report: %v", first)
	}
	if len(second) != 1 || second[0].Summary() != "Credentials refused: see the first error" || strings.Contains(second[0].Detail(), "HTTP 401") {
		t.Errorf("second report: %v", second)
	}
	// Any other error that carries the refusal (a revocation not sent) says it in one line too.
	if d := apiErrorDetail(err, "advice"); !strings.HasPrefix(d, seeFirstRefusal) || strings.Contains(d, "Check access_key") {
		t.Errorf("a later error's detail: %s", d)
	}
	if addRefusal(&first, errors.New("other")) {
		t.Error("another error is no refusal")
	}
	if strings.Contains(first[0].Detail(), "wrong-secret") {
		t.Error("the detail holds the secret key")
	}
}

// The error names the setting at fault.
func TestRefusalCause_namesTheSetting(t *testing.T) {
	const domain = "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name   string
		cr     cce.Credentials
		domain string
		accept func(string) bool
		read   func(*cce.Client) error
		want   string
	}{
		{"secret key", cce.Credentials{AccessKey: "AK", SecretKey: "SK"}, "", nil,
			func(c *cce.Client) error { _, err := c.Cluster(context.Background(), "c1", cce.Cached); return err },
			"Check access_key and secret_key"},
		{"security token", cce.Credentials{AccessKey: "AK", SecretKey: "SK", SecurityToken: "ST"}, "", nil,
			func(c *cce.Client) error { _, err := c.Cluster(context.Background(), "c1", cce.Cached); return err },
			"security_token"},
		{"password", cce.Credentials{UserName: "u", Password: "p", DomainName: "d"}, "", nil,
			func(c *cce.Client) error { _, err := c.Cluster(context.Background(), "c1", cce.Cached); return err },
			"check user_name, password and domain_name"},
		{"auth token", cce.Credentials{AuthToken: "tok"}, "", nil,
			func(c *cce.Client) error { _, err := c.Cluster(context.Background(), "c1", cce.Cached); return err },
			"The cloud refused auth_token"},
		{"domain_id", cce.Credentials{AccessKey: "AK", SecretKey: "SK"}, domain,
			func(p string) bool { return p == "/v5/caller-identity" },
			func(c *cce.Client) error {
				if _, err := c.Caller(context.Background(), cce.Cached); err != nil {
					return err
				}
				return errors.New("the caller was read")
			},
			`IAM refused the access key pair with domain_id = "` + domain + `", although STS or CCE accepted the same key pair`},
		{"domain_id or key", cce.Credentials{AccessKey: "AK", SecretKey: "SK"}, domain, nil,
			func(c *cce.Client) error { _, err := c.User(context.Background(), "u1", cce.Cached); return err },
			`Either domain_id is not the ID of the key's account`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read(refusedClient(t, tc.cr, tc.domain, tc.accept))
			var diags diag.Diagnostics
			if !addRefusal(&diags, err) {
				t.Fatalf("not a refusal: %v", err)
			}
			if d := diags[0].Detail(); !strings.Contains(d, tc.want) {
				t.Errorf("detail does not say %q:\n%s", tc.want, d)
			}
		})
	}
}

// A host that does not exist is reported once, naming cloud and region (or
// the endpoint setting).
func TestAddRefusal_unknownHost(t *testing.T) {
	derived := &cce.UnknownHostError{Host: "iam.eu-de.myhuaweicloud.cmo", Setting: "region and cloud", Region: "eu-de",
		Cloud: "myhuaweicloud.cmo", Err: &net.DNSError{Err: "no such host", IsNotFound: true}}
	var diags diag.Diagnostics
	if !addRefusal(&diags, derived) || diags[0].Summary() != "Endpoint host not found" ||
		!strings.Contains(diags[0].Detail(), `from region = "eu-de" and cloud = "myhuaweicloud.cmo": check cloud`) {
		t.Errorf("derived host: %v", diags)
	}
	configured := &cce.UnknownHostError{Host: "iam.example.cmo", Setting: "endpoints.iam"}
	if cause := commonCause(configured); !strings.Contains(cause, `"iam.example.cmo", of endpoints.iam, does not exist`) {
		t.Errorf("configured endpoint: %s", cause)
	}
}
