package sdkcompat

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	ccesdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cce/v3"
	ccemodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cce/v3/model"
	ctssdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cts/v3"
	ctsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cts/v3/model"
	iamsdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
	stssdk "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sts/v1"
	stsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sts/v1/model"

	"github.com/cceops/terraform-provider-cce/internal/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// The provider's client (internal/cce) and the official SDK each call every
// route the provider uses, against a mock of their own, in two worlds: the
// account's domain and project IDs configured, and looked up. Each route's
// first request on each side is compared as the mock recorded it: method,
// path, query, the headers that carry identity and scope, and the shape of
// the JSON body. TestWireComparison prints the table (go test -v).

// world names one pair of runs.
type world struct {
	name       string
	configured bool // domain and project IDs given to both clients
}

// wireRoutes are the routes the provider calls, each compared in the world
// where the provider makes it.
var wireRoutes = []struct {
	route string
	world string
}{
	{route: mockcloud.RouteDomains, world: "IDs looked up"},
	{route: mockcloud.RouteProjects, world: "IDs looked up"},
	{route: mockcloud.RouteListUsers, world: "IDs looked up"},
	{route: mockcloud.RouteListUsers, world: "IDs configured"},
	{route: mockcloud.RouteGetUser, world: "IDs configured"},
	{route: mockcloud.RouteUserGroups, world: "IDs configured"},
	{route: mockcloud.RouteCredential, world: "IDs configured"},
	{route: mockcloud.RouteListAgencies, world: "IDs configured"},
	{route: mockcloud.RouteGetAgency, world: "IDs configured"},
	{route: mockcloud.RouteCreateToken, world: "IDs configured"},
	{route: mockcloud.RouteGetToken, world: "IDs configured"},
	{route: mockcloud.RouteCallerID, world: "IDs configured"},
	{route: mockcloud.RouteGetCluster, world: "IDs configured"},
	{route: mockcloud.RouteListClusters, world: "IDs configured"},
	{route: mockcloud.RouteUpgradeInfo, world: "IDs configured"},
	{route: mockcloud.RouteClusterCert, world: "IDs configured"},
	{route: mockcloud.RouteRevoke, world: "IDs configured"},
	{route: mockcloud.RouteListTraces, world: "IDs configured"},
}

// versionless is a cluster whose version only upgradeinfo completes.
var versionless = mockcloud.Cluster{ID: "c0000000-0000-4000-8000-0000000000aa", Name: "versionless",
	Phase: mockcloud.PhaseAvailable, Version: "v1.25", UpgradeRelease: "v1.25.4", UpgradePatch: "r10"}

// volatileQuery are query parameters whose values differ between two runs.
var volatileQuery = map[string]bool{"from": true, "to": true}

func TestWireComparison(t *testing.T) {
	worlds := []world{{name: "IDs looked up"}, {name: "IDs configured", configured: true}}
	logs := map[string][2][]mockcloud.Request{}
	// The SDK keeps the IDs it looked up per access key for the whole
	// process: a key of its own makes it look them up here.
	wire := mockcloud.User{ID: "3e1e0000000000000000000000000010", Name: "wire-admin", Enabled: true,
		Groups: []string{mockcloud.AdminGroupName}, AccessKey: fmt.Sprintf("WIRE%016X", rand.Uint64()), SecretKey: "wireSecretKeyDoNotLog"}
	for _, w := range worlds {
		prov, sdk := mockcloud.NewForTest(t), mockcloud.NewForTest(t)
		for _, c := range []*mockcloud.Cloud{prov, sdk} {
			c.PutCluster(versionless)
			c.AddUser(wire)
		}
		driveProvider(t, prov, w, wire)
		driveSDK(t, sdk, w, wire)
		logs[w.name] = [2][]mockcloud.Request{prov.Requests(), sdk.Requests()}
	}
	var table strings.Builder
	table.WriteString("| route | IDs | method | path | query | headers | body | verdict |\n|---|---|---|---|---|---|---|---|\n")
	for _, wr := range wireRoutes {
		p, okP := firstOf(logs[wr.world][0], wr.route)
		s, okS := firstOf(logs[wr.world][1], wr.route)
		if !okP || !okS {
			t.Errorf("%s (%s): provider called it %v, SDK called it %v", wr.route, wr.world, okP, okS)
			continue
		}
		path := "same" // the route names the path
		if p.Path != s.Path {
			path = cell(p.Path, s.Path)
		}
		cells := []string{
			cell(p.Method, s.Method), path, cell(queryOf(p), queryOf(s)),
			cell(headersOf(p), headersOf(s)), cell(bodyShape(p.Body), bodyShape(s.Body)),
		}
		verdict := "same"
		if slices.ContainsFunc(cells, func(c string) bool { return strings.HasPrefix(c, "provider ") }) {
			verdict = "different"
			t.Errorf("%s (%s) differs: %s", wr.route, wr.world, strings.Join(cells, " | "))
		}
		fmt.Fprintf(&table, "| `%s` | %s | %s | %s |\n", wr.route, strings.TrimPrefix(wr.world, "IDs "),
			strings.Join(cells, " | "), verdict)
	}
	t.Logf("provider (internal/cce) and official SDK v0.1.207, request by request:\n%s", table.String())
	// The SDK's own look-ups go out without X-Domain-Id: the mock must let them.
	for _, r := range logs["IDs looked up"][1] {
		if r.Status == 401 {
			t.Errorf("the mock refused the SDK's %s %s: %s", r.Method, r.Path, r.Header)
		}
	}
}

// firstOf returns the first request with the route label.
func firstOf(reqs []mockcloud.Request, route string) (mockcloud.Request, bool) {
	i := slices.IndexFunc(reqs, func(r mockcloud.Request) bool { return r.Route == route })
	if i < 0 {
		return mockcloud.Request{}, false
	}
	return reqs[i], true
}

// cell renders one compared cell: the value both sent ("-" for nothing),
// or both values.
func cell(p, s string) string {
	show := func(v string) string {
		v = strings.NewReplacer(mockcloud.DomainID, "<domain>", mockcloud.ProjectID, "<project>").Replace(v)
		if v == "" {
			return "-"
		}
		return "`" + v + "`"
	}
	if p == s {
		return show(p)
	}
	return fmt.Sprintf("provider %s, SDK %s", show(p), show(s))
}

// queryOf renders the query sorted, volatile values as "*".
func queryOf(r mockcloud.Request) string {
	q, err := url.ParseQuery(r.RawQuery)
	if err != nil {
		return "unparsable " + r.RawQuery
	}
	var parts []string
	for k, vs := range q {
		for _, v := range vs {
			if volatileQuery[k] {
				v = "*"
			}
			parts = append(parts, k+"="+v)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "&")
}

// headersOf renders the headers that carry identity and scope: the account
// (X-Domain-Id) on IAM, the project (X-Project-Id) on CCE and CTS, how the
// request is authenticated (with, for AK/SK, whether the signature covers each
// scope header), and the body's media type.
func headersOf(r mockcloud.Request) string {
	h := r.Header
	var out []string
	// A scope header of an AK/SK-signed request says whether the signature
	// covers it (its SignedHeaders list): the gateway may refuse one it does
	// not, and nothing else here would notice.
	signed := signedHeaders(h["Authorization"])
	add := func(name, v string) {
		if v == "" {
			return
		}
		if signed != "" && name != "Authorization" && name != "Content-Type" {
			if slices.Contains(strings.Split(signed, ";"), strings.ToLower(name)) {
				v += " (signed)"
			} else {
				v += " (not signed)"
			}
		}
		out = append(out, name+": "+v)
	}
	switch {
	case strings.HasPrefix(r.Path, "/api/v3/"), strings.HasSuffix(r.Path, "/traces"):
		add("X-Project-Id", h["X-Project-Id"])
	case strings.HasPrefix(r.Path, "/v3"):
		add("X-Domain-Id", h["X-Domain-Id"])
	}
	scheme, _, _ := strings.Cut(h["Authorization"], " ")
	add("Authorization", scheme)
	for _, name := range []string{"X-Auth-Token", "X-Subject-Token", "X-Security-Token"} {
		if h[name] != "" {
			add(name, "set")
		}
	}
	if r.Body != "" {
		mt, _, _ := mime.ParseMediaType(h["Content-Type"])
		add("Content-Type", mt)
	}
	return strings.Join(out, ", ")
}

// signedHeaders returns the SignedHeaders list of an SDK-HMAC-SHA256
// Authorization header, "" for none: the headers the signature covers. A
// header sent but not signed (x-domain-id, say) could be changed on the way
// without the gateway noticing, and the gateway may refuse it.
func signedHeaders(authz string) string {
	for _, part := range strings.Split(authz, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "SignedHeaders="); ok {
			return v
		}
	}
	return ""
}

// bodyShape renders a JSON body as its sorted member paths and value types.
func bodyShape(body string) string {
	if body == "" {
		return ""
	}
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		return "not JSON"
	}
	var paths []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(prefix+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(prefix+"[]", e)
			}
		case string:
			paths = append(paths, prefix+":string")
		case float64:
			paths = append(paths, prefix+":number")
		case bool:
			paths = append(paths, prefix+":bool")
		}
	}
	walk("", v)
	slices.Sort(paths)
	return strings.Join(slices.Compact(paths), " ")
}

// driveProvider makes every call of wireRoutes with the provider's client.
func driveProvider(t *testing.T, c *mockcloud.Cloud, w world, wire mockcloud.User) {
	t.Helper()
	ctx := t.Context()
	client := func(cr cce.Credentials, mut ...func(*cce.Config)) *cce.Client {
		cfg := cce.Config{Region: mockcloud.Region, CACertPEM: c.CACertPEM(), Credentials: cr,
			IAMEndpoint: c.URL(), CCEEndpoint: c.URL(), CTSEndpoint: c.URL(), STSEndpoint: c.URL()}
		if w.configured {
			cfg.DomainID, cfg.ProjectID = mockcloud.DomainID, mockcloud.ProjectID
		}
		for _, m := range mut {
			m(&cfg)
		}
		cl, err := cce.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	admin := client(cce.Credentials{AccessKey: wire.AccessKey, SecretKey: wire.SecretKey})
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("provider %s: %v", what, err)
		}
	}
	_, err := admin.ListUsers(ctx)
	must("list users", err)
	if !w.configured {
		_, err := admin.ProjectID(ctx)
		must("project", err)
		return
	}
	_, err = admin.Caller(ctx, cce.Cached)
	must("caller", err)
	_, err = admin.ListAgencies(ctx)
	must("list agencies", err)
	// Without STS a permanent key's owner is looked up, then the user read.
	_, err = client(cce.Credentials{AccessKey: wire.AccessKey, SecretKey: wire.SecretKey},
		func(cfg *cce.Config) { cfg.STSEndpoint = c.URL() + "/no-sts" }).Caller(ctx, cce.Cached)
	must("caller without STS", err)
	// A caller who may not list agencies reads the one asked for.
	_, _ = client(cce.Credentials{AccessKey: mockcloud.AliceAccessKey, SecretKey: mockcloud.AliceSecretKey}).Agency(ctx, mockcloud.OpsAgencyID, cce.Cached)
	_, err = client(cce.Credentials{UserName: mockcloud.AliceUserName, Password: mockcloud.AlicePassword,
		DomainName: mockcloud.DomainName}).Caller(ctx, cce.Cached)
	must("password sign-in", err)
	_, err = client(cce.Credentials{AuthToken: c.IssueToken(mockcloud.AliceUserID)}).Caller(ctx, cce.Cached)
	must("token", err)

	cl, err := admin.Cluster(ctx, versionless.ID, cce.Cached)
	must("cluster", err)
	_, _, err = admin.ClusterVersion(ctx, cl)
	must("upgrade info", err)
	_, err = admin.Clusters(ctx, cce.Cached)
	must("list clusters", err)
	_, err = admin.CreateClusterCert(ctx, mockcloud.ProdClusterID, cce.ClusterCertRequest{Duration: 1})
	must("cluster cert", err)
	must("revoke", admin.RevokeClusterCert(ctx, mockcloud.ProdClusterID, cce.Applicant{UserID: mockcloud.BobUserID}))
	now := time.Now()
	_, err = admin.ListTraces(ctx, cce.TraceQuery{ResourceType: "user", TraceName: "deleteUser",
		From: now.Add(-7 * 24 * time.Hour), To: now, Limit: 200})
	must("traces", err)
}

// driveSDK makes the same calls with the official SDK: IAM with global
// credentials, CCE, CTS and STS with project (basic) credentials.
func driveSDK(t *testing.T, c *mockcloud.Cloud, w world, wire mockcloud.User) {
	t.Helper()
	hc := httpConfig(t, c)
	reg := region.NewRegion(mockcloud.Region, c.URL())
	domainID, projectID := "", ""
	if w.configured {
		domainID, projectID = mockcloud.DomainID, mockcloud.ProjectID
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("SDK %s: %v", what, err)
		}
	}
	globalCred, err := global.NewCredentialsBuilder().WithAk(wire.AccessKey).WithSk(wire.SecretKey).
		WithDomainId(domainID).WithIamEndpointOverride(c.URL()).SafeBuild()
	must("global credentials", err)
	projCred, err := basic.NewCredentialsBuilder().WithAk(wire.AccessKey).WithSk(wire.SecretKey).
		WithProjectId(projectID).WithIamEndpointOverride(c.URL()).SafeBuild()
	must("project credentials", err)
	iamHC, err := iamsdk.IamClientBuilder().WithRegion(reg).WithCredential(globalCred).WithHttpConfig(hc).SafeBuild()
	must("IAM client", err)
	iam := iamsdk.NewIamClient(iamHC)
	cceHC, err := ccesdk.CceClientBuilder().WithRegion(reg).WithCredential(projCred).WithHttpConfig(hc).SafeBuild()
	must("CCE client", err)
	cceClient := ccesdk.NewCceClient(cceHC)

	_, err = iam.KeystoneListUsers(&iammodel.KeystoneListUsersRequest{})
	must("list users", err)
	_, err = cceClient.ListClusters(&ccemodel.ListClustersRequest{}) // the project look-up comes first
	must("list clusters", err)
	if !w.configured {
		return
	}
	_, err = iam.KeystoneShowUser(&iammodel.KeystoneShowUserRequest{UserId: wire.ID})
	must("show user", err)
	_, err = iam.KeystoneListGroupsForUser(&iammodel.KeystoneListGroupsForUserRequest{UserId: wire.ID})
	must("groups", err)
	_, err = iam.ShowPermanentAccessKey(&iammodel.ShowPermanentAccessKeyRequest{AccessKey: wire.AccessKey})
	must("credential", err)
	_, err = iam.ListAgencies(&iammodel.ListAgenciesRequest{DomainId: mockcloud.DomainID})
	must("list agencies", err)
	_, err = iam.ShowAgency(&iammodel.ShowAgencyRequest{AgencyId: mockcloud.OpsAgencyID})
	must("show agency", err)
	// A password sign-in carries no credentials of its own.
	anonHC, err := iamsdk.IamClientBuilder().WithRegion(reg).WithHttpConfig(hc).
		WithCredential(iamsdk.NewIamCredentialsBuilder().Build()).SafeBuild()
	must("anonymous IAM client", err)
	noCatalog := "true"
	tok, err := iamsdk.NewIamClient(anonHC).KeystoneCreateUserTokenByPassword(&iammodel.KeystoneCreateUserTokenByPasswordRequest{
		Nocatalog: &noCatalog, Body: &iammodel.KeystoneCreateUserTokenByPasswordRequestBody{Auth: &iammodel.PwdAuth{
			Identity: &iammodel.PwdIdentity{
				Methods: []iammodel.PwdIdentityMethods{iammodel.GetPwdIdentityMethodsEnum().PASSWORD},
				Password: &iammodel.PwdPassword{User: &iammodel.PwdPasswordUser{
					Domain: &iammodel.PwdPasswordUserDomain{Name: mockcloud.DomainName},
					Name:   mockcloud.AliceUserName, Password: mockcloud.AlicePassword,
				}},
			},
			Scope: &iammodel.AuthScope{Project: &iammodel.AuthScopeProject{Id: &projectID}},
		}},
	})
	must("password sign-in", err)
	tokenHC, err := iamsdk.IamClientBuilder().WithRegion(reg).WithHttpConfig(hc).
		WithCredential(iamsdk.NewIamCredentialsBuilder().WithXAuthToken(*tok.XSubjectToken).Build()).SafeBuild()
	must("token client", err)
	_, err = iamsdk.NewIamClient(tokenHC).KeystoneValidateToken(&iammodel.KeystoneValidateTokenRequest{XSubjectToken: *tok.XSubjectToken})
	must("validate token", err)

	stsHC, err := stssdk.StsClientBuilder().WithRegion(reg).WithCredential(projCred).WithHttpConfig(hc).SafeBuild()
	must("STS client", err)
	_, err = stssdk.NewStsClient(stsHC).GetCallerIdentity(&stsmodel.GetCallerIdentityRequest{})
	must("caller identity", err)

	_, err = cceClient.ShowCluster(&ccemodel.ShowClusterRequest{ClusterId: versionless.ID})
	must("show cluster", err)
	_, err = cceClient.ShowClusterUpgradeInfo(&ccemodel.ShowClusterUpgradeInfoRequest{ClusterId: versionless.ID})
	must("upgrade info", err)
	days := int32(1)
	_, err = cceClient.CreateKubernetesClusterCert(&ccemodel.CreateKubernetesClusterCertRequest{
		ClusterId: mockcloud.ProdClusterID, Body: &ccemodel.ClusterCertDuration{Duration: &days}})
	must("cluster cert", err)
	bob := mockcloud.BobUserID
	_, err = cceClient.RevokeKubernetesClusterCert(&ccemodel.RevokeKubernetesClusterCertRequest{
		ClusterId: mockcloud.ProdClusterID, Body: &ccemodel.CertRevokeConfigRequestBody{UserId: &bob}})
	must("revoke", err)

	ctsHC, err := ctssdk.CtsClientBuilder().WithRegion(reg).WithCredential(projCred).WithHttpConfig(hc).SafeBuild()
	must("CTS client", err)
	now := time.Now()
	from, to, limit := now.Add(-7*24*time.Hour).UnixMilli(), now.UnixMilli(), int32(200)
	svc, rtype, name := "IAM", "user", "deleteUser"
	_, err = ctssdk.NewCtsClient(ctsHC).ListTraces(&ctsmodel.ListTracesRequest{
		TraceType: ctsmodel.GetListTracesRequestTraceTypeEnum().SYSTEM, From: &from, To: &to, Limit: &limit,
		ServiceType: &svc, ResourceType: &rtype, TraceName: &name,
	})
	must("traces", err)
}
