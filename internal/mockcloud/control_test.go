package mockcloud

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// testControlToken is the control token of these tests.
const testControlToken = "mockctl-test"

// controlCloud starts the demo cloud with the control API on, acting as the admin.
func controlCloud(t *testing.T, opts ...Option) *Cloud {
	t.Helper()
	c := NewForTest(t, opts...)
	c.EnableControl(testControlToken, AdminUserID)
	return c
}

// ctl sends a control API request with the token.
func ctl(t *testing.T, c *Cloud, method, path, body string) response {
	t.Helper()
	return ctlAs(t, c, testControlToken, method, path, body)
}

// ctlAs sends a control API request with a given token ("" for none).
func ctlAs(t *testing.T, c *Cloud, token, method, path, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, c.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	r, err := send(httpClient(t, c), req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The control API answers only with its token, from loopback, and only
// when enabled; its requests never enter the cloud's request log, and the
// log writer marks them as control.
func TestControl_access(t *testing.T) {
	t.Parallel()
	var log testkit.Buffer
	c := controlCloud(t, WithLogWriter(&log))
	for _, token := range []string{"", "mockctl-wrong", AdminSecretKey} {
		r := ctlAs(t, c, token, "GET", "/mockcloud/v1/world", "")
		if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "Authorization: Bearer $CCE_MOCKCLOUD_CONTROL_TOKEN") {
			t.Errorf("token %q: %d %s", token, r.status, r.body)
		}
	}
	expectStatus(t, ctl(t, c, "GET", "/mockcloud/v1/world", ""), http.StatusOK)
	r := ctl(t, c, "GET", "/mockcloud/v1/users", "")
	if r.status != http.StatusNotFound || !strings.Contains(str(r.json(t), "error"), "the control API has no GET /mockcloud/v1/users") {
		t.Errorf("unknown endpoint: %d %s", r.status, r.body)
	}
	if reqs := c.Requests(); len(reqs) != 0 {
		t.Errorf("control requests entered the request log: %+v", reqs)
	}
	if !strings.Contains(log.String(), " control GET /mockcloud/v1/world 200\n") || !strings.Contains(log.String(), " control GET /mockcloud/v1/world 401\n") {
		t.Errorf("log:\n%s", log.String())
	}

	// From another address, or while off, the path is just an unknown cloud route.
	for name, cl := range map[string]*Cloud{"remote": c, "off": NewForTest(t)} {
		remote := "192.0.2.7:40000"
		if name == "off" {
			remote = "127.0.0.1:40000"
		}
		cl.ResetRequests()
		req := httptest.NewRequest("GET", "/mockcloud/v1/world", nil)
		req.RemoteAddr = remote
		req.Header.Set("Authorization", "Bearer "+testControlToken)
		rec := httptest.NewRecorder()
		cl.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "APIGW") || len(cl.Requests()) != 1 {
			t.Errorf("%s: %d %s, %d requests logged", name, rec.Code, rec.Body, len(cl.Requests()))
		}
	}
}

// fromLoopback accepts IPv4, IPv6 and IPv4-mapped loopback addresses only.
func TestFromLoopback(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{"127.0.0.1:1": true, "127.8.9.10:1": true, "[::1]:1": true, "[::ffff:127.0.0.1]:1": true,
		"192.0.2.7:1": false, "[2001:db8::1]:1": false, "[::ffff:192.0.2.7]:1": false, "localhost:1": false, "garbage": false} {
		if got := fromLoopback(&http.Request{RemoteAddr: addr}); got != want {
			t.Errorf("fromLoopback(%q) = %v", addr, got)
		}
	}
}

// Users come and go: a new user signs in at once with its keys; deleting one
// records CTS's deleteUser trace, by the control API's actor or by ?by=.
func TestControl_users(t *testing.T) {
	t.Parallel()
	c := controlCloud(t)
	r := ctl(t, c, "POST", "/mockcloud/v1/users", "name: carol\ngroups: [admin]\naccessKey: CAROLCAROL\nsecretKey: carol-secret\n")
	expectStatus(t, r, http.StatusCreated)
	if m := r.json(t); m["id"] != derivedID("user", "carol") || m["enabled"] != true {
		t.Errorf("created %s", r.body)
	}
	expectStatus(t, call(t, c, cred{ak: "CAROLCAROL", sk: "carol-secret"}, "GET", "/v3/users/"+derivedID("user", "carol"), nil), http.StatusOK)

	for body, want := range map[string]string{
		`{"name": "carol"}`:                      `name: a user named \"carol\" already exists; choose another name`,
		`{"name": "dan", "groups": ["wizards"]}`: `groups[0]: group \"wizards\" does not exist`,
		`{"name": "dan", "accessKey": "ALICEAKEXAMPLE000002", "secretKey": "x"}`: `accessKey: access key \"ALICEAKEXAMPLE000002\" is already taken`,
		`{"naem": "dan"}`: `naem: unknown field; a user has the fields name, id,`,
		`[`:               `the file must be YAML or JSON`,
	} {
		r := ctl(t, c, "POST", "/mockcloud/v1/users", body)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), want) || !strings.Contains(string(r.body), `"error":"the user is not valid"`) {
			t.Errorf("POST %s: %d %s, want %s", body, r.status, r.body, want)
		}
	}

	r = ctl(t, c, "DELETE", "/mockcloud/v1/users/"+BobUserID+"?by=carol", "")
	if m := r.json(t); r.status != http.StatusOK || m["name"] != BobUserName || m["by"] != "carol" {
		t.Errorf("deleted %d %s", r.status, r.body)
	}
	r = ctl(t, c, "DELETE", "/mockcloud/v1/users/carol", "")
	expectStatus(t, r, http.StatusOK)
	if m := r.json(t); m["type"] != "user" || m["name"] != "carol" || m["by"] != AdminUserName {
		t.Errorf("deleted %s", r.body)
	}
	expectStatus(t, call(t, c, cred{ak: "CAROLCAROL", sk: "carol-secret"}, "GET", "/v3/users", nil), http.StatusUnauthorized)
	traces := arr(call(t, c, adminCred, "GET", tracesPath+"?trace_name=deleteUser", nil).json(t)["traces"])
	if len(traces) != 2 || obj(traces[0])["resource_name"] != "carol" || str(obj(traces[1]), "user.name") != "carol" {
		t.Errorf("the last hour's deleteUser traces: %v", traces)
	}
	// IAM refuses a deletion by a user who is no admin, and CTS records the attempt.
	r = ctl(t, c, "DELETE", "/mockcloud/v1/users/alice?by="+IvyUserName, "")
	if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "no admin") {
		t.Errorf("deletion by a non-admin: %d %s", r.status, r.body)
	}
	expectStatus(t, call(t, c, aliceCred, "GET", "/v3/users/"+AliceUserID, nil), http.StatusOK)
	refused := arr(call(t, c, adminCred, "GET", tracesPath+"?trace_name=deleteUser&resource_id="+AliceUserID, nil).json(t)["traces"])
	if len(refused) != 1 || obj(refused[0])["code"] != "403" || obj(refused[0])["trace_rating"] != "warning" {
		t.Errorf("refused deletion traces: %v", refused)
	}
	for _, d := range c.World().Deleted {
		if d.ID == AliceUserID {
			t.Errorf("a refused deletion is listed as deleted: %+v", d)
		}
	}
	for path, want := range map[string]int{"/mockcloud/v1/users/carol": http.StatusNotFound, "/mockcloud/v1/users/alice?by=ghost": http.StatusBadRequest} {
		if r := ctl(t, c, "DELETE", path, ""); r.status != want {
			t.Errorf("DELETE %s: %d %s, want %d", path, r.status, r.body, want)
		}
	}
}

// Dropping a caller from group admin takes its admin rights at once, for
// the token it already holds too; adding it back restores them.
func TestControl_groups(t *testing.T) {
	t.Parallel()
	c := controlCloud(t)
	token := c.IssueToken(AdminUserID)
	expectStatus(t, call(t, c, cred{token: token}, "GET", tracesPath, nil), http.StatusOK)
	r := ctl(t, c, "DELETE", "/mockcloud/v1/groups/admin/users/"+AdminUserName, "")
	if m := r.json(t); r.status != http.StatusOK || len(arr(m["groups"])) != 0 {
		t.Errorf("leave: %d %s", r.status, r.body)
	}
	expectStatus(t, call(t, c, cred{token: token}, "GET", tracesPath, nil), http.StatusForbidden)
	expectStatus(t, call(t, c, adminCred, "POST", cceClusters+"/"+ProdClusterID+"/clustercertrevoke", map[string]string{"userId": AliceUserID}), http.StatusForbidden)
	for range 2 { // Joining twice is no error and lists the group once.
		r = ctl(t, c, "PUT", "/mockcloud/v1/groups/admin/users/"+AdminUserID, "")
	}
	if m := r.json(t); r.status != http.StatusOK || len(arr(m["groups"])) != 1 {
		t.Errorf("join: %d %s", r.status, r.body)
	}
	expectStatus(t, call(t, c, cred{token: token}, "GET", tracesPath, nil), http.StatusOK)
	r = ctl(t, c, "PUT", "/mockcloud/v1/groups/admins/users/alice", "")
	if r.status != http.StatusNotFound || !strings.Contains(string(r.body), "the groups are admin, developers, iam-readonly") {
		t.Errorf("unknown group: %d %s", r.status, r.body)
	}
	expectStatus(t, ctl(t, c, "PUT", "/mockcloud/v1/groups/admin/users/nobody", ""), http.StatusNotFound)
}

// Agencies come and go like users; deleting one records deleteAgency.
func TestControl_agencies(t *testing.T) {
	t.Parallel()
	c := controlCloud(t)
	r := ctl(t, c, "POST", "/mockcloud/v1/agencies", `{"name": "auditors", "trustDomainName": "audit-co"}`)
	expectStatus(t, r, http.StatusCreated)
	expectStatus(t, call(t, c, adminCred, "GET", "/v3.0/OS-AGENCY/agencies/"+derivedID("agency", "auditors"), nil), http.StatusOK)
	expectStatus(t, ctl(t, c, "POST", "/mockcloud/v1/agencies", `{"name": "auditors"}`), http.StatusBadRequest)
	r = ctl(t, c, "DELETE", "/mockcloud/v1/agencies/auditors", "")
	if m := r.json(t); r.status != http.StatusOK || m["type"] != "agency" || m["name"] != "auditors" {
		t.Errorf("deleted %d %s", r.status, r.body)
	}
	expectStatus(t, ctl(t, c, "DELETE", "/mockcloud/v1/agencies/auditors", ""), http.StatusNotFound)
	traces := arr(call(t, c, adminCred, "GET", tracesPath+"?trace_name=deleteAgency", nil).json(t)["traces"])
	if len(traces) != 1 || obj(traces[0])["resource_name"] != "auditors" {
		t.Errorf("deleteAgency traces: %v", traces)
	}
}

// Clusters hibernate, upgrade, appear and go; every change is checked like
// a scenario's cluster.
func TestControl_clusters(t *testing.T) {
	t.Parallel()
	c := controlCloud(t)
	revoke := func() response {
		return call(t, c, adminCred, "POST", cceClusters+"/"+ProdClusterID+"/clustercertrevoke", map[string]string{"userId": AliceUserID})
	}
	r := ctl(t, c, "PATCH", "/mockcloud/v1/clusters/prod", `{"phase": "Hibernation"}`)
	if m := r.json(t); r.status != http.StatusOK || m["revocable"] != false || m["reason"] != "phase Hibernation (revocation needs Available)" {
		t.Errorf("hibernate: %d %s", r.status, r.body)
	}
	expectStatus(t, revoke(), http.StatusBadRequest)
	cl, _ := c.Cluster(ProdClusterID)
	if cl.Phase != "Hibernation" || cl.LegacyVersion != "v1.28.3-r0" || cl.InternalEndpoint != SeedInternalEndpoint {
		t.Errorf("a phase change touched more: %+v", cl)
	}
	expectStatus(t, ctl(t, c, "PATCH", "/mockcloud/v1/clusters/"+ProdClusterID, "phase: Available\n"), http.StatusOK)
	expectStatus(t, revoke(), http.StatusOK)

	// legacyVersion wins over version, so a downgrade clears it.
	r = ctl(t, c, "PATCH", "/mockcloud/v1/clusters/prod", `{"version": "v1.23", "platformVersion": "cce.9.0", "legacyVersion": ""}`)
	if m := r.json(t); r.status != http.StatusOK || m["version"] != "v1.23.9-r0" || m["revocable"] != false {
		t.Errorf("downgrade: %d %s", r.status, r.body)
	}
	expectStatus(t, revoke(), http.StatusBadRequest)

	for body, want := range map[string]string{
		`{"phase": "Sleeping"}`:                  `phase: \"Sleeping\" is not a CCE cluster phase`,
		`{"name": "renamed"}`:                    `name: unknown field; a cluster change has the fields phase, version,`,
		`{"version": "", "platformVersion": ""}`: `the cluster has no version`,
	} {
		r := ctl(t, c, "PATCH", "/mockcloud/v1/clusters/prod", body)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), want) {
			t.Errorf("PATCH %s: %d %s, want %s", body, r.status, r.body, want)
		}
	}
	expectStatus(t, ctl(t, c, "PATCH", "/mockcloud/v1/clusters/nope", `{"phase": "Available"}`), http.StatusNotFound)

	r = ctl(t, c, "POST", "/mockcloud/v1/clusters", `{"name": "edge", "version": "v1.29.1-r0"}`)
	if m := r.json(t); r.status != http.StatusCreated || m["id"] != derivedClusterID("edge") || m["revocable"] != true ||
		m["region"] != Region || m["projectId"] != ProjectID {
		t.Errorf("add: %d %s", r.status, r.body)
	}
	// The answer tells where the cluster was placed: a region gives its main project.
	r = ctl(t, c, "POST", "/mockcloud/v1/clusters", `{"name": "edge-de", "version": "v1.29.1-r0", "region": "eu-de"}`)
	if m := r.json(t); r.status != http.StatusCreated || m["region"] != RegionDE || m["projectId"] != ProjectIDDE {
		t.Errorf("add in eu-de: %d %s", r.status, r.body)
	}
	expectStatus(t, call(t, c, adminCred, "GET", cceClusters+"/"+derivedClusterID("edge"), nil), http.StatusOK)
	expectStatus(t, ctl(t, c, "POST", "/mockcloud/v1/clusters", `{"name": "edge", "version": "v1.29.1-r0"}`), http.StatusBadRequest)
	expectStatus(t, ctl(t, c, "DELETE", "/mockcloud/v1/clusters/edge", ""), http.StatusOK)
	expectStatus(t, call(t, c, adminCred, "GET", cceClusters+"/"+derivedClusterID("edge"), nil), http.StatusNotFound)
	expectStatus(t, ctl(t, c, "DELETE", "/mockcloud/v1/clusters/edge", ""), http.StatusNotFound)
}

// Faults are added in the -fault syntax, listed with their hits, and cleared.
func TestControl_faults(t *testing.T) {
	t.Parallel()
	c := controlCloud(t)
	getProd := func() int { return call(t, c, adminCred, "GET", cceClusters+"/"+ProdClusterID, nil).status }
	r := ctl(t, c, "POST", "/mockcloud/v1/faults", `{"fault": "route=RouteGetCluster,kind=503,times=1"}`)
	expectStatus(t, r, http.StatusCreated)
	if got := []int{getProd(), getProd()}; got[0] != http.StatusServiceUnavailable || got[1] != http.StatusOK {
		t.Errorf("GET cluster after a 503 fault: %v", got)
	}
	var listed struct {
		Faults []struct {
			Fault string
			Hits  int
		}
	}
	if err := json.Unmarshal(ctl(t, c, "GET", "/mockcloud/v1/faults", "").body, &listed); err != nil || len(listed.Faults) != 1 ||
		listed.Faults[0].Fault != "route="+RouteGetCluster+",kind=503,p=1,times=1" || listed.Faults[0].Hits != 1 {
		t.Errorf("faults: %+v %v", listed, err)
	}
	expectStatus(t, ctl(t, c, "POST", "/mockcloud/v1/faults", `{"fault": "route=*,kind=500"}`), http.StatusCreated)
	expectStatus(t, ctl(t, c, "DELETE", "/mockcloud/v1/faults", ""), http.StatusOK)
	if got := getProd(); got != http.StatusOK {
		t.Errorf("GET cluster after clearing faults: %d", got)
	}
	r = ctl(t, c, "POST", "/mockcloud/v1/faults", `{"fault": "route=*,kind=418"}`)
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `fault: fault \"route=*,kind=418\": fault kind \"418\" is not one of`) {
		t.Errorf("bad fault: %d %s", r.status, r.body)
	}
}
