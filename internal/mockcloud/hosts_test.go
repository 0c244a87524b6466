package mockcloud

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestHosts_eachServiceAndRegionOnItsOwn: every host answers its own
// service for its own region, and a request sent to the wrong one fails as
// it would at the real cloud.
func TestHosts_eachServiceAndRegionOnItsOwn(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	e := c.Endpoints()
	if e.IAM == "" || e.STS == "" || len(e.CCE) != 3 || len(e.CTS) != 3 {
		t.Fatalf("endpoints %+v", e)
	}
	clusters := func(pid string) string { return "/api/v3/projects/" + pid + "/clusters" }
	ids := func(r response) []string {
		var out []string
		for _, it := range arr(r.json(t)["items"]) {
			out = append(out, str(obj(it), "metadata.uid"))
		}
		return out
	}
	// Each region's CCE lists the clusters of its own project only.
	for _, tc := range []struct {
		region, pid string
		want        []string
	}{
		{Region, ProjectID, []string{LegacyClusterID, OldClusterID, ProdClusterID, StagingClusterID}},
		{RegionDE, ProjectIDDE, []string{DEOldClusterID, DEProdClusterID}},
		{RegionDE, ProjectIDDE2, []string{DEOpsClusterID}},
		{RegionNL, ProjectIDNL, []string{NLLegacyClusterID, NLProdClusterID}},
	} {
		r := callAt(t, c, e.CCE[tc.region], adminCred, "GET", clusters(tc.pid), nil)
		expectStatus(t, r, http.StatusOK)
		got := ids(r)
		slices.Sort(got)
		slices.Sort(tc.want)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s/%s: clusters %v, want %v", tc.region, tc.pid, got, tc.want)
		}
	}
	notFound := []struct {
		name, base, path, code string
	}{
		{"a CCE path on the IAM host", e.IAM, clusters(ProjectID), CodeAPINotFound},
		{"an IAM path on a CCE host", e.CCE[Region], "/v3/users", CodeAPINotFound},
		{"an STS path on the IAM host", e.IAM, "/v5/caller-identity", CodeAPINotFound},
		{"a CTS path on a CCE host", e.CCE[Region], "/v3/" + ProjectID + "/traces", CodeAPINotFound},
		{"eu-de's project on eu-nl's CCE", e.CCE[RegionNL], clusters(ProjectIDDE), CodeNotFound},
		{"eu-de's cluster on eu-nl's CCE", e.CCE[RegionNL], clusters(ProjectIDNL) + "/" + DEProdClusterID, CodeNotFound},
		{"a cluster of another project of the region", e.CCE[RegionDE], clusters(ProjectIDDE) + "/" + DEOpsClusterID, CodeNotFound},
		{"the first region's cluster on eu-de", e.CCE[RegionDE], clusters(ProjectIDDE) + "/" + ProdClusterID, CodeNotFound},
		{"eu-de's project on eu-nl's CTS", e.CTS[RegionNL], "/v3/" + ProjectIDDE + "/traces?trace_type=system", CodeCTSBadQuery},
	}
	for _, tc := range notFound {
		r := callAt(t, c, tc.base, adminCred, "GET", tc.path, nil)
		if r.status != http.StatusNotFound || !containsCode(r, tc.code) {
			t.Errorf("%s: %d %s, want 404 %s", tc.name, r.status, r.body, tc.code)
		}
	}
	// A revocation on the right host lands; on another region's host it does not.
	body := map[string]string{"userId": LeaverUserID}
	r := callAt(t, c, e.CCE[RegionNL], adminCred, "POST", clusters(ProjectIDNL)+"/"+DEProdClusterID+"/clustercertrevoke", body)
	expectStatus(t, r, http.StatusNotFound)
	r = callAt(t, c, e.CCE[RegionDE], adminCred, "POST", clusters(ProjectIDDE)+"/"+DEProdClusterID+"/clustercertrevoke", body)
	expectStatus(t, r, http.StatusOK)
	hosts := map[string]string{}
	for _, q := range c.Requests() {
		hosts[q.Method+" "+q.Path] = q.Host
	}
	if h := hosts["POST "+clusters(ProjectIDDE)+"/"+DEProdClusterID+"/clustercertrevoke"]; h != "cce."+RegionDE {
		t.Errorf("Request.Host of the revocation %q, want cce.%s", h, RegionDE)
	}
	// IAM discovers each region's main project by name, not its sub-projects.
	r = callAt(t, c, e.IAM, adminCred, "GET", "/v3/projects?name="+RegionDE, nil)
	if ps := arr(r.json(t)["projects"]); len(ps) != 1 || str(obj(ps[0]), "id") != ProjectIDDE {
		t.Errorf("projects?name=eu-de %s", r.body)
	}
}

func containsCode(r response, code string) bool {
	return strings.Contains(string(r.body), `"`+code+`"`)
}

// A scenario places a cluster by region and project; its region's host
// serves it, and no other.
func TestHosts_scenarioPlacesClusters(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithoutSeed())
	s, err := ParseScenario("test.yaml", []byte("base: empty\nusers:\n  - {name: root, groups: [admin], accessKey: ROOTAKEXAMPLE0000001, secretKey: s}\nclusters:\n  - {name: far, version: v1.28.3-r0, region: eu-nl}\n"+
		"  - {name: ops, version: v1.28.3-r0, projectId: "+ProjectIDDE2+"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.LoadScenario(s); err != nil {
		t.Fatal(err)
	}
	e := c.Endpoints()
	root := cred{ak: "ROOTAKEXAMPLE0000001", sk: "s"}
	for _, tc := range []struct{ region, project, name string }{{RegionNL, ProjectIDNL, "far"}, {RegionDE, ProjectIDDE2, "ops"}} {
		r := callAt(t, c, e.CCE[tc.region], root, "GET", "/api/v3/projects/"+tc.project+"/clusters", nil)
		if items := arr(r.json(t)["items"]); len(items) != 1 || str(obj(items[0]), "metadata.name") != tc.name {
			t.Errorf("%s/%s lists %s", tc.region, tc.project, r.body)
		}
	}
	if r := callAt(t, c, e.CCE[Region], root, "GET", cceClusters, nil); r.status != http.StatusOK || len(arr(r.json(t)["items"])) != 0 {
		t.Errorf("the first region lists %s", r.body)
	}
}
