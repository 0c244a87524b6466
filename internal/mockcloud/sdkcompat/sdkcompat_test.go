package sdkcompat

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
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

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
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

// TestOfficialSDK drives the mock with huaweicloud-sdk-go-v3 using AK/SK and ID discovery.
func TestOfficialSDK(t *testing.T) {
	c := mockcloud.NewForTest(t)
	hc := httpConfig(t, c)
	reg := region.NewRegion(mockcloud.Region, c.URL())

	// Project-scoped services: no project ID given, the SDK discovers it via GET /v3/projects?name=<region>.
	projCred, err := basic.NewCredentialsBuilder().WithAk(mockcloud.AdminAccessKey).WithSk(mockcloud.AdminSecretKey).
		WithIamEndpointOverride(c.URL()).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	cceHC, err := cce.CceClientBuilder().WithRegion(reg).WithCredential(projCred).WithHttpConfig(hc).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	cceClient := cce.NewCceClient(cceHC)

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

	// Global service (IAM): no domain ID given, the SDK discovers it via GET /v3/auth/domains.
	globalCred, err := global.NewCredentialsBuilder().WithAk(mockcloud.AdminAccessKey).WithSk(mockcloud.AdminSecretKey).
		WithIamEndpointOverride(c.URL()).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	iamHC, err := iam.IamClientBuilder().WithRegion(reg).WithCredential(globalCred).WithHttpConfig(hc).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	iamClient := iam.NewIamClient(iamHC)
	users, err := iamClient.KeystoneListUsers(&iammodel.KeystoneListUsersRequest{})
	if err != nil {
		t.Fatalf("KeystoneListUsers: %v", err)
	}
	if users.Users == nil || len(*users.Users) != 5 {
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
	ctsHC, err := cts.CtsClientBuilder().WithRegion(reg).WithCredential(projCred).WithHttpConfig(hc).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	ctsClient := cts.NewCtsClient(ctsHC)
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

	for _, r := range c.Requests() {
		t.Logf("%s %s?%s -> %d (%s, %s)", r.Method, r.Path, r.RawQuery, r.Status, r.Auth, r.Route)
	}
}
