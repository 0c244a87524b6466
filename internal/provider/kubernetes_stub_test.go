package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The ephemeral resource example hands its credential to the kubernetes
// provider, which cannot be installed offline. The test binary stands in for
// it: started by the CLI with envServeKubernetesStub set, TestMain serves a
// provider with the arguments the example sets and the data source it reads,
// and that data source really calls the cluster's API server with the
// credential, as the real one would.
const envServeKubernetesStub = "CCE_TEST_SERVE_KUBERNETES_STUB"

// kubernetesStubDir returns a directory holding terraform-provider-kubernetes,
// a link to this test binary, for a dev_overrides entry.
func kubernetesStubDir(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(self, filepath.Join(dir, "terraform-provider-kubernetes")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// serveKubernetesStub serves the stand-in provider until the CLI stops it.
func serveKubernetesStub() error {
	return providerserver.Serve(context.Background(), func() provider.Provider { return kubeStub{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/hashicorp/kubernetes", ProtocolVersion: 6})
}

type kubeStub struct{}

type kubeStubModel struct {
	Host                 types.String `tfsdk:"host"`
	ClusterCACertificate types.String `tfsdk:"cluster_ca_certificate"`
	ClientCertificate    types.String `tfsdk:"client_certificate"`
	ClientKey            types.String `tfsdk:"client_key"`
}

func (kubeStub) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "kubernetes"
}

func (kubeStub) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{Attributes: map[string]pschema.Attribute{
		"host":                   pschema.StringAttribute{Optional: true},
		"cluster_ca_certificate": pschema.StringAttribute{Optional: true},
		"client_certificate":     pschema.StringAttribute{Optional: true},
		"client_key":             pschema.StringAttribute{Optional: true, Sensitive: true},
	}}
}

func (kubeStub) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m kubeStubModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cert, err := tls.X509KeyPair([]byte(m.ClientCertificate.ValueString()), []byte(m.ClientKey.ValueString()))
	if err != nil {
		resp.Diagnostics.AddError("Invalid client certificate or key", err.Error())
		return
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM([]byte(m.ClusterCACertificate.ValueString())) {
		resp.Diagnostics.AddError("Invalid cluster CA certificate", "no PEM certificate in cluster_ca_certificate")
		return
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots, Certificates: []tls.Certificate{cert}},
	}}
	resp.DataSourceData = kubeConn{host: m.Host.ValueString(), client: client}
}

func (kubeStub) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return &kubeServerVersion{} }}
}

func (kubeStub) Resources(context.Context) []func() resource.Resource { return nil }

type kubeConn struct {
	host   string
	client *http.Client
}

// kubeServerVersion is kubernetes_server_version: GET /version.
type kubeServerVersion struct{ conn kubeConn }

type kubeServerVersionModel struct {
	ID      types.String `tfsdk:"id"`
	Version types.String `tfsdk:"version"`
}

func (*kubeServerVersion) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = "kubernetes_server_version"
}

func (*kubeServerVersion) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = dschema.Schema{Attributes: map[string]dschema.Attribute{
		"id":      dschema.StringAttribute{Computed: true},
		"version": dschema.StringAttribute{Computed: true},
	}}
}

func (d *kubeServerVersion) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	if conn, ok := req.ProviderData.(kubeConn); ok {
		d.conn = conn
	}
}

func (d *kubeServerVersion) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	v, err := d.serverVersion(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the server version", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, kubeServerVersionModel{ID: types.StringValue(v), Version: types.StringValue(v)})...)
}

// serverVersion parses gitVersion as the real data source does (go-version).
func (d *kubeServerVersion) serverVersion(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.conn.host+"/version", nil)
	if err != nil {
		return "", err
	}
	res, err := d.conn.client.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = res.Body.Close() }()
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /version: HTTP %d", res.StatusCode)
	}
	var info struct {
		GitVersion string `json:"gitVersion"`
	}
	if err := json.NewDecoder(res.Body).Decode(&info); err != nil {
		return "", err
	}
	v, err := version.NewVersion(info.GitVersion)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}
