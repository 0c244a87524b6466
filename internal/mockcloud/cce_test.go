package mockcloud

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestClusterShapes covers list and get in both flavours, and the 404 envelope.
func TestClusterShapes(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	r := call(t, c, aliceCred, "GET", cceClusters, nil)
	expectStatus(t, r, http.StatusOK)
	m := r.json(t)
	items := arr(m["items"])
	if m["kind"] != "Cluster" || m["apiVersion"] != "v3" || len(items) != 4 {
		t.Fatalf("list %s", r.body)
	}
	c.SetClusterPhase(OldClusterID, "Hibernation")
	r = call(t, c, aliceCred, "GET", cceClusters+"?status=Available", nil)
	if items := arr(r.json(t)["items"]); len(items) != 3 {
		t.Errorf("status filter: %d items", len(items))
	}
	r = call(t, c, aliceCred, "GET", cceClusters+"?status=Hibernation", nil)
	if items := arr(r.json(t)["items"]); len(items) != 1 || str(obj(items[0]), "metadata.uid") != OldClusterID {
		t.Errorf("status filter %s", r.body)
	}

	r = call(t, c, aliceCred, "GET", cceClusters+"/"+StagingClusterID, nil)
	expectStatus(t, r, http.StatusOK)
	m = r.json(t)
	spec := obj(m["spec"])
	if str(m, "metadata.uid") != StagingClusterID || str(m, "metadata.name") != "staging" || spec["version"] != "v1.25" ||
		spec["platformVersion"] != "cce.4.10" || str(m, "status.phase") != PhaseAvailable {
		t.Errorf("cluster %s", r.body)
	}
	if _, ok := spec["legacyVersion"]; ok {
		t.Error("legacyVersion present although empty")
	}
	st := obj(m["status"])
	eps := arr(st["endpoints"])
	if len(eps) != 2 || obj(eps[0])["url"] != SeedInternalEndpoint || obj(eps[0])["type"] != "Internal" ||
		obj(eps[1])["type"] != "External" || st["isLocked"] != false {
		t.Errorf("HWC status %v", st)
	}
	if !strings.Contains(str(m, "metadata.creationTimestamp"), "+0000 UTC") {
		t.Errorf("timestamp %q", str(m, "metadata.creationTimestamp"))
	}
	r = call(t, c, aliceCred, "GET", cceClusters+"/"+ProdClusterID, nil)
	if str(r.json(t), "spec.legacyVersion") != "v1.28.3-r0" {
		t.Errorf("prod %s", r.body)
	}

	r = call(t, c, aliceCred, "GET", cceClusters+"/c0000000-0000-4000-8000-00000000dead", nil)
	expectStatus(t, r, http.StatusNotFound)
	m = r.json(t)
	for _, k := range []string{"kind", "apiVersion", "status", "code", "message", "errorCode", "errorMessage", "error_code", "error_msg"} {
		if _, ok := m[k]; !ok {
			t.Errorf("404 envelope lacks %s: %s", k, r.body)
		}
	}
	if m["errorCode"] != CodeNotFound || m["code"] != float64(404) {
		t.Errorf("404 %s", r.body)
	}
	expectStatus(t, call(t, c, aliceCred, "GET", "/api/v3/projects/00000000000000000000000000000000/clusters", nil), http.StatusNotFound)

	o := NewForTest(t, WithFlavour(FlavourOTC))
	r = call(t, o, aliceCred, "GET", cceClusters+"/"+ProdClusterID, nil)
	ep := obj(obj(r.json(t)["status"])["endpoints"])
	if ep["internal"] != SeedInternalEndpoint || ep["external"] != SeedExternalEndpoint || !strings.HasPrefix(fmt.Sprint(ep["external_otc"]), "https://"+ProdClusterID) {
		t.Errorf("OTC endpoints %v", ep)
	}
	c.DeleteCluster(ProdClusterID)
	expectStatus(t, call(t, c, aliceCred, "GET", cceClusters+"/"+ProdClusterID, nil), http.StatusNotFound)
	if _, ok := c.Cluster(ProdClusterID); ok {
		t.Error("deleted cluster still there")
	}
}

// TestUpgradeInfo covers derived, configured and missing upgrade info.
func TestUpgradeInfo(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	get := func(id string) response {
		return call(t, c, aliceCred, "GET", cceClusters+"/"+id+"/upgradeinfo", nil)
	}
	r := get(StagingClusterID)
	expectStatus(t, r, http.StatusOK)
	if m := r.json(t); str(m, "spec.versionInfo.release") != "v1.25.4" || str(m, "spec.versionInfo.patch") != "r10" {
		t.Errorf("staging %s", r.body)
	}
	c.PutCluster(Cluster{ID: "c1", Name: "configured", Phase: PhaseAvailable, Version: "v1.27", UpgradeRelease: "v1.27.1", UpgradePatch: "r10"})
	if m := get("c1").json(t); str(m, "spec.versionInfo.release") != "v1.27.1" || str(m, "spec.versionInfo.patch") != "r10" {
		t.Errorf("configured %v", m)
	}
	c.PutCluster(Cluster{ID: "c2", Name: "opaque", Phase: PhaseAvailable, Version: "v1.27"})
	r = get("c2")
	expectStatus(t, r, http.StatusNotFound)
	if r.json(t)["errorCode"] != CodeNotFound {
		t.Errorf("opaque %s", r.body)
	}
	expectStatus(t, get("nope"), http.StatusNotFound)
}

// TestRevokeRules covers every rejection of clustercertrevoke and the success path.
func TestRevokeRules(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	revoke := func(cr cred, cluster string, body any) response {
		return call(t, c, cr, "POST", cceClusters+"/"+cluster+"/clustercertrevoke", body)
	}
	c.PutCluster(Cluster{ID: "c17", Name: "ancient", Phase: PhaseAvailable, Version: "v1.17.9-r0"})
	c.PutCluster(Cluster{ID: "c30", Name: "new", Phase: PhaseAvailable, Version: "v1.30", PlatformVersion: "cce.2.1"})
	c.PutCluster(Cluster{ID: "cup", Name: "upgrading", Phase: "Upgrading", Version: "v1.30", PlatformVersion: "cce.2.1"})
	c.PutCluster(Cluster{ID: "cui", Name: "opaque", Phase: PhaseAvailable, Version: "v1.27", UpgradeRelease: "v1.27.1", UpgradePatch: "r10"})
	c.PutCluster(Cluster{ID: "c29", Name: "line-only", Phase: PhaseAvailable, Version: "v1.29"})
	c.PutCluster(Cluster{ID: "c25", Name: "line-only-old", Phase: PhaseAvailable, Version: "v1.25"})

	rejects := []struct {
		name    string
		cr      cred
		cluster string
		body    any
		status  int
		code    string
		msg     string
	}{
		{"both", adminCred, ProdClusterID, map[string]string{"userId": BobUserID, "agencyId": OpsAgencyID}, 400, CodeInvalidRequest, "exactly one"},
		{"neither", adminCred, ProdClusterID, map[string]string{}, 400, CodeInvalidRequest, "exactly one"},
		{"empty strings", adminCred, ProdClusterID, map[string]string{"userId": "", "agencyId": ""}, 400, CodeInvalidRequest, "exactly one"},
		{"no body", adminCred, ProdClusterID, nil, 400, CodeInvalidRequest, "JSON"},
		{"unknown cluster", adminCred, "c0000000-0000-4000-8000-00000000dead", map[string]string{"userId": BobUserID}, 404, CodeNotFound, "not found"},
		{"non-admin other user", aliceCred, ProdClusterID, map[string]string{"userId": BobUserID}, 403, CodeForbidden, "admin"},
		{"non-admin agency", aliceCred, ProdClusterID, map[string]string{"agencyId": OpsAgencyID}, 403, CodeForbidden, "admin"},
		{"not available", adminCred, "cup", map[string]string{"userId": BobUserID}, 400, CodeInvalidRequest, "Upgrading"},
		{"too old patch", adminCred, OldClusterID, map[string]string{"userId": BobUserID}, 400, CodeVersionNotSupport, "version not supported"},
		{"line never supported", adminCred, "c17", map[string]string{"userId": BobUserID}, 400, CodeVersionNotSupport, "v1.17.9-r0"},
		{"no patch level below v1.28", adminCred, "c25", map[string]string{"userId": BobUserID}, 400, CodeVersionNotSupport, "unknown"},
	}
	for _, tc := range rejects {
		r := revoke(tc.cr, tc.cluster, tc.body)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, r.status, tc.status, r.body)
			continue
		}
		m := r.json(t)
		if m["errorCode"] != tc.code || !strings.Contains(str(m, "message"), tc.msg) || m["kind"] != "Status" {
			t.Errorf("%s: body %s", tc.name, r.body)
		}
	}
	if n := len(c.Revocations()); n != 0 {
		t.Fatalf("%d revocations after rejections", n)
	}

	accepts := []struct {
		cr      cred
		cluster string
		body    map[string]string
	}{
		{adminCred, ProdClusterID, map[string]string{"userId": BobUserID}},
		{adminCred, ProdClusterID, map[string]string{"userId": BobUserID}}, // repeat
		{adminCred, StagingClusterID, map[string]string{"agencyId": OpsAgencyID}},
		{adminCred, LegacyClusterID, map[string]string{"userId": ErinUserID}}, // deleted user
		{aliceCred, ProdClusterID, map[string]string{"userId": AliceUserID}},  // self
		{adminCred, "c30", map[string]string{"userId": "anything-federated"}},
		{adminCred, "cui", map[string]string{"userId": BobUserID}},
		{adminCred, "c29", map[string]string{"userId": BobUserID}}, // any v1.28+ patch, so none needed
	}
	for i, tc := range accepts {
		r := revoke(tc.cr, tc.cluster, tc.body)
		expectStatus(t, r, http.StatusOK)
		if len(r.body) != 0 {
			t.Errorf("accept %d: body %q", i, r.body)
		}
	}
	revs := c.Revocations()
	if len(revs) != len(accepts) {
		t.Fatalf("revocations %+v", revs)
	}
	if revs[2].AgencyID != OpsAgencyID || revs[2].UserID != "" || revs[2].RevokedBy != AdminUserID || revs[2].At.IsZero() ||
		revs[4].RevokedBy != AliceUserID || revs[4].ClusterID != ProdClusterID {
		t.Errorf("revocations %+v", revs)
	}
	if w := c.Writes(); len(w) != len(rejects)+len(accepts) || w[0].Route != RouteRevoke {
		t.Errorf("writes: %d", len(w))
	}
}

// TestConcurrentRevokes runs 50 parallel clients against one cloud.
func TestConcurrentRevokes(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	const workers = 50
	var wg sync.WaitGroup
	errs := make(chan string, 2*workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cr := adminCred
			if i%2 == 1 {
				cr = cred{token: c.IssueToken(AdminUserID)}
			}
			// tryCall, not call: t.Fatal must not run outside the test goroutine.
			r, err := tryCall(t, c, cr, "POST", cceClusters+"/"+ProdClusterID+"/clustercertrevoke", map[string]string{"userId": BobUserID})
			if err != nil || r.status != http.StatusOK {
				errs <- fmt.Sprintf("revoke: %d %s %v", r.status, r.body, err)
			}
			if g, err := tryCall(t, c, aliceCred, "GET", cceClusters+"/"+StagingClusterID, nil); err != nil || g.status != http.StatusOK {
				errs <- fmt.Sprintf("get: %d %s %v", g.status, g.body, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := len(c.Revocations()); n != workers {
		t.Errorf("%d revocations", n)
	}
	if n := c.Count(RouteRevoke); n != workers {
		t.Errorf("Count(revoke) = %d", n)
	}
	if n := len(c.Requests()); n != 2*workers {
		t.Errorf("%d requests", n)
	}
}

// TestAddExtraClusters covers the clusters of -extra-clusters and their IDs.
func TestAddExtraClusters(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	c.AddExtraClusters(3)
	if id := ExtraClusterID(2); id != "c0000000-0000-4000-8000-100000000002" {
		t.Errorf("ExtraClusterID(2) = %q", id)
	}
	if _, ok := c.Cluster(ExtraClusterID(3)); ok {
		t.Error("a fourth extra cluster exists")
	}
	r := call(t, c, aliceCred, "GET", cceClusters, nil)
	if items := arr(r.json(t)["items"]); len(items) != 7 {
		t.Errorf("%d clusters, want 4 seeded + 3 extra", len(items))
	}
	for i := range 3 {
		r := call(t, c, adminCred, "POST", cceClusters+"/"+ExtraClusterID(i)+"/clustercertrevoke", map[string]string{"userId": BobUserID})
		expectStatus(t, r, http.StatusOK)
	}
}
