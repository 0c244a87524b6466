package cce

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// newRegionalClient builds a Client of the mock's first region with each
// service pinned to its own host, and region_endpoints for the others.
func newRegionalClient(t *testing.T, cloud *mockcloud.Cloud, mut ...func(*Config)) *Client {
	t.Helper()
	ep := cloud.Endpoints()
	return newMockClient(t, cloud, keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey), append([]func(*Config){func(cfg *Config) {
		cfg.IAMEndpoint, cfg.STSEndpoint = ep.IAM, ep.STS
		cfg.CCEEndpoint, cfg.CTSEndpoint = ep.CCE[mockcloud.Region], ep.CTS[mockcloud.Region]
		cfg.RegionEndpoints = map[string]RegionEndpoints{}
		for _, r := range mockcloud.Regions()[1:] {
			cfg.RegionEndpoints[r] = RegionEndpoints{CCE: ep.CCE[r], CTS: ep.CTS[r]}
		}
	}}, mut...)...)
}

// work reads what a revocation reads (the caller, the applicant, the
// cluster, its version) and revokes, in every location given.
func work(t *testing.T, c *Client, locs map[Location]string) {
	t.Helper()
	ctx := context.Background()
	for loc, cluster := range locs {
		v, err := c.At(loc)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 { // three revocations on the cluster read it once
			if _, err := v.Caller(ctx, Cached); err != nil {
				t.Fatal(err)
			}
			if _, err := v.User(ctx, mockcloud.LeaverUserID, Cached); err != nil {
				t.Fatal(err)
			}
			cl, err := v.Cluster(ctx, cluster, Cached)
			if err != nil {
				t.Fatalf("%s: %v", loc, err)
			}
			if _, _, err := v.ClusterVersion(ctx, cl); err != nil {
				t.Fatal(err)
			}
			if err := v.RevokeClusterCert(ctx, cluster, Applicant{UserID: mockcloud.LeaverUserID}); err != nil {
				t.Fatalf("%s: %v", loc, err)
			}
		}
	}
}

// IAM and STS are global: a client that works in three regions asks them as
// often as one that works in one; each cluster is read once per process, on
// the CCE host of its region.
func TestAt_IAMOnceWhateverTheRegions(t *testing.T) {
	t.Parallel()
	count := func(locs map[Location]string) (iam, sts, projects, clusterReads int, hosts map[string]string) {
		cloud := mockcloud.NewForTest(t)
		work(t, newRegionalClient(t, cloud), locs)
		hosts = map[string]string{}
		for _, r := range cloud.Requests() {
			switch {
			case r.Route == mockcloud.RouteProjects:
				projects++
			case r.Host == "iam":
				iam++
			case r.Host == "sts":
				sts++
			case r.Route == mockcloud.RouteGetCluster:
				clusterReads++
			}
			if r.Route == mockcloud.RouteRevoke {
				hosts[r.Path] = r.Host
			}
		}
		return
	}
	one := map[Location]string{{}: mockcloud.ProdClusterID}
	three := map[Location]string{
		{}:                           mockcloud.ProdClusterID,
		{Region: mockcloud.RegionDE}: mockcloud.DEProdClusterID,
		{Region: mockcloud.RegionDE, ProjectID: mockcloud.ProjectIDDE2}: mockcloud.DEOpsClusterID,
		{Region: mockcloud.RegionNL}:                                    mockcloud.NLProdClusterID,
	}
	iam1, sts1, _, reads1, _ := count(one)
	iam3, sts3, projects3, reads3, hosts := count(three)
	if iam1 == 0 || iam3 != iam1 || sts3 != sts1 {
		t.Errorf("IAM %d and STS %d requests with one region, %d and %d with three: the global services must not be asked again per region",
			iam1, sts1, iam3, sts3)
	}
	if projects3 != 2 {
		t.Errorf("%d project discoveries, want 2 (eu-de and eu-nl once each; the provider's project is configured)", projects3)
	}
	if reads1 != 1 || reads3 != 4 {
		t.Errorf("cluster reads %d (one cluster) and %d (four), want each cluster read once", reads1, reads3)
	}
	want := map[string]string{
		"/api/v3/projects/" + mockcloud.ProjectID + "/clusters/" + mockcloud.ProdClusterID + "/clustercertrevoke":     "cce." + mockcloud.Region,
		"/api/v3/projects/" + mockcloud.ProjectIDDE + "/clusters/" + mockcloud.DEProdClusterID + "/clustercertrevoke": "cce." + mockcloud.RegionDE,
		"/api/v3/projects/" + mockcloud.ProjectIDDE2 + "/clusters/" + mockcloud.DEOpsClusterID + "/clustercertrevoke": "cce." + mockcloud.RegionDE,
		"/api/v3/projects/" + mockcloud.ProjectIDNL + "/clusters/" + mockcloud.NLProdClusterID + "/clustercertrevoke": "cce." + mockcloud.RegionNL,
	}
	for path, host := range want {
		if hosts[path] != host {
			t.Errorf("POST %s reached %q, want %q (all: %v)", path, hosts[path], host, hosts)
		}
	}
}

// A view of the same location is the same view; the provider's location
// with its project spelt out is the provider's view.
func TestAt_sameLocationSameView(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	c := newRegionalClient(t, cloud)
	for _, loc := range []Location{{}, {Region: mockcloud.Region}, {Region: mockcloud.Region, ProjectID: mockcloud.ProjectID}} {
		if v, err := c.At(loc); err != nil || v != c {
			t.Errorf("At(%v) = %p, %v; want the client itself", loc, v, err)
		}
	}
	a, _ := c.At(Location{Region: mockcloud.RegionDE})
	b, _ := c.At(Location{Region: mockcloud.RegionDE})
	if a != b || a == c {
		t.Error("two views of eu-de differ, or eu-de's is the provider's")
	}
	if a2, _ := a.At(Location{Region: mockcloud.RegionNL}); a2 == nil || a2.Location().Region != mockcloud.RegionNL {
		t.Error("a view's At does not reach another region")
	}
	// A cluster of eu-de asked in eu-nl is not found there.
	nl, _ := c.At(Location{Region: mockcloud.RegionNL})
	if _, err := nl.Cluster(context.Background(), mockcloud.DEProdClusterID, Cached); !IsNotFound(err) {
		t.Errorf("eu-de's cluster in eu-nl: %v, want not found", err)
	}
}

func TestAt_badLocationsAndPrivateGateways(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	c := newMockClient(t, cloud, keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)) // endpoints set: a private gateway
	for _, tc := range []struct {
		loc  Location
		want string
	}{
		{Location{Region: "EU DE"}, "is not a region name"},
		{Location{Region: " "}, "is not a region name"},
		{Location{Region: mockcloud.RegionDE, ProjectID: "xyz"}, "is not a project ID"},
		{Location{Region: mockcloud.RegionDE}, "no cce endpoint for region eu-de: endpoints.cce is set"},
	} {
		_, err := c.At(tc.loc)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("At(%q): %v, want %q", tc.loc, err, tc.want)
		}
	}
	var le *LocationEndpointError
	if err := RegionEndpointProblem(Config{Region: mockcloud.Region, CTSEndpoint: "https://cts.example"}, mockcloud.RegionNL); !errors.As(err, &le) || le.Service != "cts" {
		t.Errorf("RegionEndpointProblem: %v", err)
	}
	d := newMockClient(t, cloud, keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey), func(cfg *Config) {
		cfg.CCEEndpoint, cfg.CTSEndpoint = "", ""
	})
	v, err := d.At(Location{Region: mockcloud.RegionDE})
	if err != nil || v.Endpoint(ServiceCCE) != "https://cce.eu-de."+DefaultCloud || v.Endpoint(ServiceIAM) != d.Endpoint(ServiceIAM) {
		t.Errorf("public defaults: %v cce %s iam %s", err, v.Endpoint(ServiceCCE), v.Endpoint(ServiceIAM))
	}
}

// A token is scoped to one project: a client that signs in with a password or
// a token works in the provider's location only, and says why.
func TestAt_tokenSignInStaysHome(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	for _, cr := range []Credentials{
		{UserName: mockcloud.AdminUserName, Password: mockcloud.AdminPassword, DomainName: mockcloud.DomainName},
		{AuthToken: "a-token"},
	} {
		c := newRegionalClient(t, cloud, func(cfg *Config) { cfg.Credentials = cr })
		if v, err := c.At(Location{}); err != nil || v != c {
			t.Errorf("%s: the provider's location: %v", c.Method(), err)
		}
		var le *LocationAuthError
		if _, err := c.At(Location{Region: mockcloud.RegionDE}); !errors.As(err, &le) || !strings.Contains(err.Error(), "access key pair") {
			t.Errorf("%s: another region: %v", c.Method(), err)
		}
	}
}
