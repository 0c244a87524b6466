package sdkcompat

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	cce "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cce/v3"
	ccemodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cce/v3/model"
	cts "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cts/v3"
	ctsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cts/v3/model"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
	sts "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sts/v1"
	stsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sts/v1/model"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/kube"
)

// httpConfig trusts the mock's CA (no InsecureSkipVerify).
func httpConfig(t *testing.T, c *mockcloud.Cloud) *config.HttpConfig {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(c.CACertPEM()) {
		t.Fatal("CA")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return config.DefaultHttpConfig().WithHttpTransport(tr).WithTimeout(10 * time.Second).WithRetries(0)
}

// sdkClients are the official SDK's clients, signed in with one access key.
type sdkClients struct {
	cce *cce.CceClient
	iam *iam.IamClient
	cts *cts.CtsClient
}

// clientsAs builds the SDK's CCE, IAM and CTS clients for an access key pair,
// pointed at the mock. No project or domain ID is given: the SDK discovers
// them (GET /v3/projects?name=<region>, GET /v3/auth/domains).
func clientsAs(t *testing.T, c *mockcloud.Cloud, hc *config.HttpConfig, reg *region.Region, ak, sk string) sdkClients {
	t.Helper()
	projCred, err := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithIamEndpointOverride(c.URL()).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	globalCred, err := global.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithIamEndpointOverride(c.URL()).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	cceHC, err := cce.CceClientBuilder().WithRegion(reg).WithCredential(projCred).WithHttpConfig(hc).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	iamHC, err := iam.IamClientBuilder().WithRegion(reg).WithCredential(globalCred).WithHttpConfig(hc).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	ctsHC, err := cts.CtsClientBuilder().WithRegion(reg).WithCredential(projCred).WithHttpConfig(hc).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return sdkClients{cce: cce.NewCceClient(cceHC), iam: iam.NewIamClient(iamHC), cts: cts.NewCtsClient(ctsHC)}
}

// TestOfficialSDK drives the mock with huaweicloud-sdk-go-v3 using AK/SK and ID discovery.
func TestOfficialSDK(t *testing.T) {
	c := mockcloud.NewForTest(t)
	hc := httpConfig(t, c)
	reg := region.NewRegion(mockcloud.Region, c.URL())

	admin := clientsAs(t, c, hc, reg, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	cceClient, iamClient, ctsClient := admin.cce, admin.iam, admin.cts

	show, err := cceClient.ShowCluster(&ccemodel.ShowClusterRequest{ClusterId: mockcloud.StagingClusterID})
	if err != nil {
		t.Fatalf("ShowCluster: %v", err)
	}
	if show.Metadata == nil || show.Metadata.Uid == nil || *show.Metadata.Uid != mockcloud.StagingClusterID ||
		show.Spec.Version == nil || *show.Spec.Version != "v1.25" || show.Status == nil || show.Status.Phase == nil ||
		*show.Status.Phase != "Available" || show.Status.Endpoints == nil || len(*show.Status.Endpoints) != 2 {
		t.Errorf("ShowCluster: %s", show)
	}

	status := ccemodel.GetListClustersRequestStatusEnum().AVAILABLE
	list, err := cceClient.ListClusters(&ccemodel.ListClustersRequest{Status: &status})
	if err != nil {
		t.Fatalf("ListClusters: %v", err)
	}
	if list.Items == nil || len(*list.Items) != 4 {
		t.Errorf("ListClusters: %s", list)
	}

	info, err := cceClient.ShowClusterUpgradeInfo(&ccemodel.ShowClusterUpgradeInfoRequest{ClusterId: mockcloud.StagingClusterID})
	if err != nil {
		t.Fatalf("ShowClusterUpgradeInfo: %v", err)
	}
	if info.Spec == nil || info.Spec.VersionInfo == nil || info.Spec.VersionInfo.Release == nil ||
		*info.Spec.VersionInfo.Release != "v1.25.4" || *info.Spec.VersionInfo.Patch != "r10" {
		t.Errorf("ShowClusterUpgradeInfo: %s", info)
	}

	bob := mockcloud.BobUserID
	if _, err := cceClient.RevokeKubernetesClusterCert(&ccemodel.RevokeKubernetesClusterCertRequest{
		ClusterId: mockcloud.ProdClusterID, Body: &ccemodel.CertRevokeConfigRequestBody{UserId: &bob},
	}); err != nil {
		t.Fatalf("RevokeKubernetesClusterCert: %v", err)
	}
	if revs := c.Revocations(); len(revs) != 1 || revs[0].UserID != bob || revs[0].RevokedBy != mockcloud.AdminUserID {
		t.Errorf("revocations %+v", revs)
	}
	_, err = cceClient.RevokeKubernetesClusterCert(&ccemodel.RevokeKubernetesClusterCertRequest{
		ClusterId: mockcloud.OldClusterID, Body: &ccemodel.CertRevokeConfigRequestBody{UserId: &bob},
	})
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) || se.StatusCode != http.StatusBadRequest || se.RequestId == "" {
		t.Errorf("revoke on too-old cluster: %v", err)
	} else {
		t.Logf("SDK view of a CCE error: status=%d code=%s msg=%s request_id=%s", se.StatusCode, se.ErrorCode, se.ErrorMessage, se.RequestId)
	}
	_, err = cceClient.ShowCluster(&ccemodel.ShowClusterRequest{ClusterId: "c0000000-0000-4000-8000-00000000dead"})
	if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound {
		t.Errorf("ShowCluster unknown: %v", err)
	}

	// Global service (IAM): the SDK discovers the domain ID via GET /v3/auth/domains.
	users, err := iamClient.KeystoneListUsers(&iammodel.KeystoneListUsersRequest{})
	if err != nil {
		t.Fatalf("KeystoneListUsers: %v", err)
	}
	if users.Users == nil || len(*users.Users) != 7 {
		t.Errorf("KeystoneListUsers: %s", users)
	}
	agencies, err := iamClient.ListAgencies(&iammodel.ListAgenciesRequest{DomainId: mockcloud.DomainID})
	if err != nil {
		t.Fatalf("ListAgencies: %v", err)
	}
	if agencies.Agencies == nil || len(*agencies.Agencies) != 2 {
		t.Errorf("ListAgencies: %s", agencies)
	}

	// CTS v3 traces.
	now := time.Now()
	from, to := now.Add(-7*24*time.Hour).UnixMilli(), now.UnixMilli()
	limit := int32(1)
	svc, rtype, name := "IAM", "user", "deleteUser"
	var ids []string
	var next *string
	for range 5 {
		resp, err := ctsClient.ListTraces(&ctsmodel.ListTracesRequest{
			TraceType: ctsmodel.GetListTracesRequestTraceTypeEnum().SYSTEM, From: &from, To: &to, Limit: &limit,
			ServiceType: &svc, ResourceType: &rtype, TraceName: &name, Next: next,
		})
		if err != nil {
			t.Fatalf("ListTraces: %v", err)
		}
		if resp.Traces != nil {
			for _, tr := range *resp.Traces {
				if tr.ResourceId != nil {
					ids = append(ids, *tr.ResourceId)
				}
			}
		}
		if resp.MetaData == nil || resp.MetaData.Marker == nil {
			break
		}
		next = resp.MetaData.Marker
	}
	// Newest first, one per page: frank (1 day ago), then erin (2 days ago).
	if len(ids) != 2 || ids[0] != mockcloud.FrankOldUserID || ids[1] != mockcloud.ErinUserID {
		t.Errorf("ListTraces resource IDs %v", ids)
	}

	checkCallerIdentity(t, c, hc, reg)
	checkClusterCert(t, cceClient)
	checkIAMReads(t, iamClient)
	checkTokens(t, iamClient)
	checkReader(t, c, hc, reg)

	for _, r := range c.Requests() {
		t.Logf("%s %s?%s -> %d (%s, %s)", r.Method, r.Path, r.RawQuery, r.Status, r.Auth, r.Route)
	}
	checkCoverage(t, c)
}

// notCallableThroughSDK lists the route labels of routes.go that
// huaweicloud-sdk-go-v3 has no call for, each with the reason. Every other
// route must be answered with a 2xx to at least one SDK call above, or
// checkCoverage fails. Empty: v0.1.207 has a call for every route.
var notCallableThroughSDK = map[string]string{}

// checkCoverage fails for a route of routes.go that no SDK call reached with
// a 2xx answer and that notCallableThroughSDK does not list; it logs which
// routes were covered.
func checkCoverage(t *testing.T, c *mockcloud.Cloud) {
	t.Helper()
	ok := map[string]bool{}
	for _, r := range c.Requests() {
		if r.Status >= 200 && r.Status < 300 {
			ok[r.Route] = true
		}
	}
	var covered []string
	for _, label := range mockcloud.Routes() {
		reason, listed := notCallableThroughSDK[label]
		switch {
		case ok[label] && listed:
			t.Errorf("route %q is listed as not callable through the SDK but an SDK call reached it", label)
		case ok[label]:
			covered = append(covered, label)
		case listed:
			t.Logf("not callable through the SDK: %s (%s)", label, reason)
		default:
			t.Errorf("route %q: no SDK call reached it and it is not listed in notCallableThroughSDK", label)
		}
	}
	for label := range notCallableThroughSDK {
		if !slices.Contains(mockcloud.Routes(), label) {
			t.Errorf("notCallableThroughSDK lists %q, which is no route of the mock", label)
		}
	}
	t.Logf("SDK covered %d of %d routes:\n  %s", len(covered), len(mockcloud.Routes()), strings.Join(covered, "\n  "))
}

// checkClusterCert issues a client certificate with CreateKubernetesClusterCert,
// decodes the kubeconfig the SDK parsed and uses it against the cluster's kube API.
func checkClusterCert(t *testing.T, cceClient *cce.CceClient) {
	t.Helper()
	days := int32(1)
	resp, err := cceClient.CreateKubernetesClusterCert(&ccemodel.CreateKubernetesClusterCertRequest{
		ClusterId: mockcloud.ProdClusterID, Body: &ccemodel.ClusterCertDuration{Duration: &days},
	})
	if err != nil {
		t.Fatalf("CreateKubernetesClusterCert: %v", err)
	}
	if resp.PortID == nil || *resp.PortID == "" {
		t.Errorf("CreateKubernetesClusterCert: no Port-ID header in the SDK response")
	}
	if resp.Kind == nil || *resp.Kind != "Config" || resp.ApiVersion == nil || *resp.ApiVersion != "v1" ||
		resp.Clusters == nil || len(*resp.Clusters) != 2 || resp.Users == nil || len(*resp.Users) != 1 ||
		resp.Contexts == nil || len(*resp.Contexts) != 2 || resp.CurrentContext == nil || *resp.CurrentContext != "external" {
		t.Fatalf("CreateKubernetesClusterCert: kubeconfig shape %s", resp)
	}
	var internal *ccemodel.ClusterCert
	for _, cl := range *resp.Clusters {
		if cl.Name != nil && *cl.Name == "internalCluster" {
			internal = cl.Cluster
		}
	}
	u := (*resp.Users)[0].User
	if internal == nil || internal.Server == nil || internal.CertificateAuthorityData == nil ||
		u == nil || u.ClientCertificateData == nil || u.ClientKeyData == nil {
		t.Fatalf("CreateKubernetesClusterCert: missing cluster or user data %s", resp)
	}
	b64 := func(name, s string) []byte {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return b
	}
	caPEM := b64("certificate-authority-data", *internal.CertificateAuthorityData)
	pair, err := tls.X509KeyPair(b64("client-certificate-data", *u.ClientCertificateData), b64("client-key-data", *u.ClientKeyData))
	if err != nil {
		t.Fatalf("client certificate and key: %v", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if leaf.Subject.CommonName != mockcloud.AdminUserID || leaf.NotAfter.Sub(leaf.NotBefore) > 25*time.Hour {
		t.Errorf("client certificate CN %q valid %s..%s", leaf.Subject.CommonName, leaf.NotBefore, leaf.NotAfter)
	}

	// The decoded kubeconfig authenticates at the cluster's kube API server.
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("cluster CA")
	}
	kc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12,
	}}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost,
		*internal.Server+"/apis/authentication.k8s.io/v1/selfsubjectreviews", strings.NewReader(
			`{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	kr, err := kc.Do(req)
	if err != nil {
		t.Fatalf("kube API: %v", err)
	}
	defer func() { _ = kr.Body.Close() }()
	var review kube.SelfSubjectReview
	if err := json.NewDecoder(kr.Body).Decode(&review); err != nil || kr.StatusCode != http.StatusCreated ||
		review.Status.UserInfo.Username != mockcloud.AdminUserID {
		t.Errorf("selfsubjectreview: status %d, user %q, %v", kr.StatusCode, review.Status.UserInfo.Username, err)
	}
}

// checkIAMReads covers the IAM read calls other than KeystoneListUsers and ListAgencies.
func checkIAMReads(t *testing.T, iamClient *iam.IamClient) {
	t.Helper()
	user, err := iamClient.KeystoneShowUser(&iammodel.KeystoneShowUserRequest{UserId: mockcloud.BobUserID})
	if err != nil {
		t.Fatalf("KeystoneShowUser: %v", err)
	}
	if user.User == nil || user.User.Id != mockcloud.BobUserID || user.User.Name != mockcloud.BobUserName ||
		user.User.DomainId != mockcloud.DomainID || !user.User.Enabled || user.User.Links == nil || user.User.Links.Self == "" {
		t.Errorf("KeystoneShowUser: %s", user)
	}
	var se *sdkerr.ServiceResponseError
	_, err = iamClient.KeystoneShowUser(&iammodel.KeystoneShowUserRequest{UserId: mockcloud.ErinUserID})
	if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound {
		t.Errorf("KeystoneShowUser deleted user: %v", err)
	}

	ug, err := iamClient.KeystoneListGroupsForUser(&iammodel.KeystoneListGroupsForUserRequest{UserId: mockcloud.BobUserID})
	if err != nil {
		t.Fatalf("KeystoneListGroupsForUser: %v", err)
	}
	if ug.Groups == nil || len(*ug.Groups) != 1 || (*ug.Groups)[0].Id != mockcloud.DevelopersGroupID ||
		(*ug.Groups)[0].Name != mockcloud.DevelopersGroupName || (*ug.Groups)[0].CreateTime == 0 {
		t.Errorf("KeystoneListGroupsForUser: %s", ug)
	}

	groups, err := iamClient.KeystoneListGroups(&iammodel.KeystoneListGroupsRequest{})
	if err != nil {
		t.Fatalf("KeystoneListGroups: %v", err)
	}
	var names []string
	if groups.Groups != nil {
		for _, g := range *groups.Groups {
			names = append(names, g.Name)
		}
	}
	if want := []string{mockcloud.AdminGroupName, mockcloud.DevelopersGroupName, mockcloud.IAMReadOnlyGroupName, mockcloud.ReadOnlyGroupName}; !slices.Equal(names, want) {
		t.Errorf("KeystoneListGroups: %v, want %v", names, want)
	}
	domain, name := mockcloud.DomainID, mockcloud.AdminGroupName
	groups, err = iamClient.KeystoneListGroups(&iammodel.KeystoneListGroupsRequest{DomainId: &domain, Name: &name})
	if err != nil || groups.Groups == nil || len(*groups.Groups) != 1 || (*groups.Groups)[0].Id != mockcloud.AdminGroupID {
		t.Errorf("KeystoneListGroups name=admin: %v %v", groups, err)
	}

	agency, err := iamClient.ShowAgency(&iammodel.ShowAgencyRequest{AgencyId: mockcloud.OpsAgencyID})
	if err != nil {
		t.Fatalf("ShowAgency: %v", err)
	}
	if a := agency.Agency; a == nil || a.Id != mockcloud.OpsAgencyID || a.Name != mockcloud.OpsAgencyName ||
		a.TrustDomainName == nil || *a.TrustDomainName != "acme-ops" || a.CreateTime == "" {
		t.Errorf("ShowAgency: %s", agency)
	}
	_, err = iamClient.ShowAgency(&iammodel.ShowAgencyRequest{AgencyId: mockcloud.OldVendorAgencyID})
	if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound {
		t.Errorf("ShowAgency deleted agency: %v", err)
	}

	key, err := iamClient.ShowPermanentAccessKey(&iammodel.ShowPermanentAccessKeyRequest{AccessKey: mockcloud.BobAccessKey})
	if err != nil {
		t.Fatalf("ShowPermanentAccessKey: %v", err)
	}
	if k := key.Credential; k == nil || k.UserId != mockcloud.BobUserID || k.Access != mockcloud.BobAccessKey ||
		k.Status != "active" || k.CreateTime == "" {
		t.Errorf("ShowPermanentAccessKey: %s", key)
	}
	if strings.Contains(key.String(), mockcloud.BobSecretKey) {
		t.Error("ShowPermanentAccessKey returned the secret key")
	}

	domains, err := iamClient.KeystoneListAuthDomains(&iammodel.KeystoneListAuthDomainsRequest{})
	if err != nil {
		t.Fatalf("KeystoneListAuthDomains: %v", err)
	}
	if domains.Domains == nil || len(*domains.Domains) != 1 || (*domains.Domains)[0].Id != mockcloud.DomainID ||
		(*domains.Domains)[0].Name != mockcloud.DomainName || !(*domains.Domains)[0].Enabled {
		t.Errorf("KeystoneListAuthDomains: %s", domains)
	}

	region := mockcloud.Region
	projects, err := iamClient.KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: &region})
	if err != nil {
		t.Fatalf("KeystoneListProjects: %v", err)
	}
	if projects.Projects == nil || len(*projects.Projects) != 1 || (*projects.Projects)[0].Id != mockcloud.ProjectID ||
		(*projects.Projects)[0].DomainId != mockcloud.DomainID {
		t.Errorf("KeystoneListProjects: %s", projects)
	}
	other := "eu-nowhere-1"
	projects, err = iamClient.KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: &other})
	if err != nil || projects.Projects == nil || len(*projects.Projects) != 0 {
		t.Errorf("KeystoneListProjects name=%s: %v %v", other, projects, err)
	}
}

// checkTokens signs in with a password and validates the token.
func checkTokens(t *testing.T, iamClient *iam.IamClient) {
	t.Helper()
	project, noCatalog := mockcloud.ProjectID, "true"
	body := func(password string) *iammodel.KeystoneCreateUserTokenByPasswordRequestBody {
		return &iammodel.KeystoneCreateUserTokenByPasswordRequestBody{Auth: &iammodel.PwdAuth{
			Identity: &iammodel.PwdIdentity{
				Methods: []iammodel.PwdIdentityMethods{iammodel.GetPwdIdentityMethodsEnum().PASSWORD},
				Password: &iammodel.PwdPassword{User: &iammodel.PwdPasswordUser{
					Domain: &iammodel.PwdPasswordUserDomain{Name: mockcloud.DomainName},
					Name:   mockcloud.AliceUserName, Password: password,
				}},
			},
			Scope: &iammodel.AuthScope{Project: &iammodel.AuthScopeProject{Id: &project}},
		}}
	}
	created, err := iamClient.KeystoneCreateUserTokenByPassword(&iammodel.KeystoneCreateUserTokenByPasswordRequest{
		Body: body(mockcloud.AlicePassword),
	})
	if err != nil {
		t.Fatalf("KeystoneCreateUserTokenByPassword: %v", err)
	}
	if created.XSubjectToken == nil || *created.XSubjectToken == "" {
		t.Fatalf("KeystoneCreateUserTokenByPassword: no X-Subject-Token")
	}
	tk := created.Token
	if tk == nil || tk.User == nil || tk.User.Id != mockcloud.AliceUserID || tk.Project == nil ||
		tk.Project.Id != mockcloud.ProjectID || tk.ExpiresAt == "" || len(tk.Catalog) == 0 ||
		!slices.Equal(tk.Methods, []string{"password"}) {
		t.Errorf("KeystoneCreateUserTokenByPassword: %s", created)
	}
	bare, err := iamClient.KeystoneCreateUserTokenByPassword(&iammodel.KeystoneCreateUserTokenByPasswordRequest{
		Nocatalog: &noCatalog, Body: body(mockcloud.AlicePassword),
	})
	if err != nil || bare.Token == nil || len(bare.Token.Catalog) != 0 || bare.XSubjectToken == nil {
		t.Errorf("KeystoneCreateUserTokenByPassword nocatalog=true: %v %v", bare, err)
	}
	var se *sdkerr.ServiceResponseError
	_, err = iamClient.KeystoneCreateUserTokenByPassword(&iammodel.KeystoneCreateUserTokenByPasswordRequest{Body: body("wrong")})
	if !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized {
		t.Errorf("KeystoneCreateUserTokenByPassword wrong password: %v", err)
	}

	valid, err := iamClient.KeystoneValidateToken(&iammodel.KeystoneValidateTokenRequest{XSubjectToken: *created.XSubjectToken})
	if err != nil {
		t.Fatalf("KeystoneValidateToken: %v", err)
	}
	if valid.XSubjectToken == nil || *valid.XSubjectToken != *created.XSubjectToken || valid.Token == nil ||
		valid.Token.User == nil || valid.Token.User.Name != mockcloud.AliceUserName || valid.Token.ExpiresAt != tk.ExpiresAt ||
		len(valid.Token.Catalog) == 0 {
		t.Errorf("KeystoneValidateToken: %s", valid)
	}
	valid, err = iamClient.KeystoneValidateToken(&iammodel.KeystoneValidateTokenRequest{
		XSubjectToken: *created.XSubjectToken, Nocatalog: &noCatalog,
	})
	if err != nil || valid.Token == nil || len(valid.Token.Catalog) != 0 {
		t.Errorf("KeystoneValidateToken nocatalog=true: %v %v", valid, err)
	}
	_, err = iamClient.KeystoneValidateToken(&iammodel.KeystoneValidateTokenRequest{XSubjectToken: "MIIDmockunknown"})
	if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound {
		t.Errorf("KeystoneValidateToken unknown token: %v", err)
	}
}

// checkReader drives the mock as the read-only IAM user: IAM reads work,
// CTS traces and revoking someone else are refused with the documented codes.
func checkReader(t *testing.T, c *mockcloud.Cloud, hc *config.HttpConfig, reg *region.Region) {
	t.Helper()
	reader := clientsAs(t, c, hc, reg, mockcloud.IvyAccessKey, mockcloud.IvySecretKey)
	iamClient := reader.iam
	users, err := iamClient.KeystoneListUsers(&iammodel.KeystoneListUsersRequest{})
	if err != nil || users.Users == nil || len(*users.Users) != 7 {
		t.Errorf("reader KeystoneListUsers: %v %v", users, err)
	}
	groups, err := iamClient.KeystoneListGroupsForUser(&iammodel.KeystoneListGroupsForUserRequest{UserId: mockcloud.IvyUserID})
	if err != nil || groups.Groups == nil || len(*groups.Groups) != 1 || (*groups.Groups)[0].Id != mockcloud.IAMReadOnlyGroupID {
		t.Errorf("reader KeystoneListGroupsForUser: %v %v", groups, err)
	}
	if _, err := iamClient.ShowAgency(&iammodel.ShowAgencyRequest{AgencyId: mockcloud.VendorAgencyID}); err != nil {
		t.Errorf("reader ShowAgency: %v", err)
	}

	var se *sdkerr.ServiceResponseError
	_, err = reader.cts.ListTraces(&ctsmodel.ListTracesRequest{TraceType: ctsmodel.GetListTracesRequestTraceTypeEnum().SYSTEM})
	if !errors.As(err, &se) || se.StatusCode != http.StatusForbidden || se.ErrorCode != mockcloud.CodeCTSForbidden {
		t.Errorf("reader ListTraces: %v", err)
	}

	bob := mockcloud.BobUserID
	_, err = reader.cce.RevokeKubernetesClusterCert(&ccemodel.RevokeKubernetesClusterCertRequest{
		ClusterId: mockcloud.ProdClusterID, Body: &ccemodel.CertRevokeConfigRequestBody{UserId: &bob},
	})
	// The CCE body carries errorCode CCE.01403001 and error_code CCE_CM.0003;
	// the SDK reports error_code (the mock's own tests check errorCode).
	if !errors.As(err, &se) || se.StatusCode != http.StatusForbidden || se.ErrorCode != "CCE_CM.0003" {
		t.Errorf("reader revoking bob: %v", err)
	}
}

// checkCallerIdentity asks STS who is calling, with permanent keys and with
// the temporary keys of an agency session.
func checkCallerIdentity(t *testing.T, c *mockcloud.Cloud, hc *config.HttpConfig, reg *region.Region) {
	t.Helper()
	ak, sk, st := c.AssumeAgency(mockcloud.OpsAgencyID, "sdk-session")
	for _, tc := range []struct {
		name               string
		ak, sk, token, urn string
	}{
		{name: "permanent keys", ak: mockcloud.AdminAccessKey, sk: mockcloud.AdminSecretKey,
			urn: "iam::" + mockcloud.DomainID + ":user:" + mockcloud.AdminUserName},
		{name: "agency session", ak: ak, sk: sk, token: st,
			urn: "sts::" + mockcloud.DomainID + ":assumed-agency:" + mockcloud.OpsAgencyName + "/sdk-session"},
	} {
		cred, err := basic.NewCredentialsBuilder().WithAk(tc.ak).WithSk(tc.sk).WithSecurityToken(tc.token).
			WithProjectId(mockcloud.ProjectID).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		hcli, err := sts.StsClientBuilder().WithRegion(reg).WithCredential(cred).WithHttpConfig(hc).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		who, err := sts.NewStsClient(hcli).GetCallerIdentity(&stsmodel.GetCallerIdentityRequest{})
		if err != nil {
			t.Fatalf("GetCallerIdentity (%s): %v", tc.name, err)
		}
		if who.AccountId == nil || *who.AccountId != mockcloud.DomainID || who.PrincipalUrn == nil || *who.PrincipalUrn != tc.urn {
			t.Errorf("GetCallerIdentity (%s): %s", tc.name, who)
		}
	}
}
