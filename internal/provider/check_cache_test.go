package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// These tests drive plan -out and apply of the saved plan through the real CLI
// and provider binary, two processes as in a pipeline, and look at what the
// apply asked the mock.

const checkCacheOthers = 6 // raw IDs in testdata/check_cache, besides a user and an agency

// newCheckCacheCLI prepares testdata/check_cache for e.
func newCheckCacheCLI(t *testing.T, e *accEnv) *cli {
	t.Helper()
	c := newCLI(t, e, filepath.Join("testdata", "check_cache"), "check_cache")
	var others []string
	for i := range checkCacheOthers {
		others = append(others, fmt.Sprintf("c4ec%028x", i))
	}
	b, err := json.Marshal(map[string]any{
		"prod": mockcloud.ProdClusterID, "staging": mockcloud.StagingClusterID,
		"user_id": mockcloud.LeaverUserID, "agency_id": mockcloud.VendorAgencyID, "other_ids": others,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "check_cache.auto.tfvars.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// routes lists the routes of the mock's requests since the last reset, sorted.
func routes(c *mockcloud.Cloud) []string {
	var out []string
	for _, r := range c.Requests() {
		out = append(out, r.Route)
	}
	slices.Sort(out)
	return out
}

// The plan records what its checks learned; the apply of that plan, a new
// provider process, re-plans from it and sends nothing but the revocations.
func TestAccCheckCache_applySendsOnlyRevocations(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_PROJECT_ID", "") // the discovered project is carried over too
	c := newCheckCacheCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	planned := routes(e.cloud)
	for _, want := range []string{mockcloud.RouteGetCluster, mockcloud.RouteCredential, mockcloud.RouteUserGroups,
		mockcloud.RouteListUsers, mockcloud.RouteListAgencies, mockcloud.RouteProjects} {
		if !slices.Contains(planned, want) {
			t.Errorf("plan did not call %s: %v", want, planned)
		}
	}
	e.assertNoWrites()

	e.cloud.ResetRequests()
	c.must("apply", "-input=false", "-no-color", "tfplan")
	want := slices.Repeat([]string{mockcloud.RouteRevoke}, checkCacheOthers+2)
	if got := routes(e.cloud); !slices.Equal(got, want) {
		t.Errorf("apply of the saved plan sent %v, want only the %d revocations", got, len(want))
	}
	if n := len(e.cloud.Revocations()); n != checkCacheOthers+2 {
		t.Errorf("the mock holds %d revocations, want %d", n, checkCacheOthers+2)
	}
	out := c.must("state", "show", "cce_credential_revocation.user")
	for _, want := range []string{`applicant_name  = "dana.leaver"`, `cluster_name    = "prod"`,
		`cluster_version = "v1.28.3-r0"`, `revoked_by      = "` + mockcloud.AdminUserID + `"`} {
		if !strings.Contains(out, want) {
			t.Errorf("state lacks %s:\n%s", want, out)
		}
	}
}

// check_cache_ttl = 0s (here through its variable) turns it off: every
// process asks again, as before the cache existed.
func TestAccCheckCache_off(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_CCE_CHECK_CACHE_TTL", "0s")
	c := newCheckCacheCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	e.cloud.ResetRequests()
	c.must("apply", "-input=false", "-no-color", "tfplan")
	got := routes(e.cloud)
	for _, want := range []string{mockcloud.RouteGetCluster, mockcloud.RouteCredential, mockcloud.RouteUserGroups,
		mockcloud.RouteListUsers, mockcloud.RouteListAgencies} {
		if !slices.Contains(got, want) {
			t.Errorf("with the cache off, apply did not call %s: %v", want, got)
		}
	}
	if entries, _ := filepath.Glob(filepath.Join(e.env["HW_CCE_CHECK_CACHE_DIR"], "*")); len(entries) != 0 {
		t.Errorf("with the cache off, %d entries were written", len(entries))
	}
}

// A cluster that became busy between plan and apply: CCE refuses the
// revocation the recorded facts allowed, the provider looks again, waits for
// the cluster and revokes. Nothing fails and nothing is lost.
func TestAccCheckCache_clusterBusySincePlan(t *testing.T) {
	e := newAccEnv(t)
	c := newCheckCacheCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Upgrading")
	back := time.AfterFunc(1500*time.Millisecond, func() { e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Available") })
	defer back.Stop()
	e.cloud.ResetRequests()
	c.must("apply", "-input=false", "-no-color", "tfplan")
	var refused, revokedProd int
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteRevoke && strings.Contains(r.Path, mockcloud.ProdClusterID) {
			if r.Status == 400 {
				refused++
			} else if r.Status/100 == 2 {
				revokedProd++
			}
		}
	}
	if refused != 1 || revokedProd != 1 {
		t.Errorf("prod: %d refused and %d accepted revocations, want 1 and 1", refused, revokedProd)
	}
	if n := len(e.cloud.Revocations()); n != checkCacheOthers+2 {
		t.Errorf("the mock holds %d revocations, want %d", n, checkCacheOthers+2)
	}
	if n := len(stateAddresses(t, c)); n != checkCacheOthers+2 {
		t.Errorf("state holds %d resources, want %d", n, checkCacheOthers+2)
	}
}

// A cluster deleted between plan and apply: the refusal is explained by the
// live check, attribute-scoped, and nothing of that cluster enters state.
func TestAccCheckCache_clusterDeletedSincePlan(t *testing.T) {
	e := newAccEnv(t)
	c := newCheckCacheCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	e.cloud.DeleteCluster(mockcloud.StagingClusterID)
	out, code := c.run("apply", "-input=false", "-no-color", "tfplan")
	if code == 0 {
		t.Fatalf("apply succeeded on a deleted cluster:\n%s", out)
	}
	if !strings.Contains(out, "Cluster not found") || !strings.Contains(out, "cluster_id = \""+mockcloud.StagingClusterID+"\": no such cluster") {
		t.Errorf("the error does not explain the refusal:\n%s", out)
	}
	if got := stateAddresses(t, c); !slices.Equal(got, []string{"cce_credential_revocation.user"}) {
		t.Errorf("state holds %v, want only the prod revocation", got)
	}
}

// stateAddresses lists the resource addresses in state.
func stateAddresses(t *testing.T, c *cli) []string {
	t.Helper()
	out, code := c.run("state", "list")
	if code != 0 {
		t.Fatalf("state list exited %d:\n%s", code, out)
	}
	return strings.Fields(out)
}
