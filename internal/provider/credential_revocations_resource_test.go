package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

const batch = "cce_credential_revocations.this"

// setVar is a set(string) variable.
func setVar(ids ...string) config.Variable {
	v := make([]config.Variable, len(ids))
	for i, id := range ids {
		v[i] = config.StringVariable(id)
	}
	return config.SetVariable(v...)
}

// mapVar is a map(string) variable from key/value pairs.
func mapVar(kv ...string) config.Variable {
	m := map[string]config.Variable{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = config.StringVariable(kv[i+1])
	}
	return config.MapVariable(m)
}

// asMap is a JSON object of a plan, or nil.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// entry is the path of an attribute of one element of revocations.
func entry(key, attr string) tfjsonpath.Path {
	return tfjsonpath.New("revocations").AtMapKey(key).AtMapKey(attr)
}

// perProcess counts the requests of route per provider process.
func (e *accEnv) perProcess(route string) map[string]int {
	n := map[string]int{}
	for _, r := range e.cloud.Requests() {
		if r.Route == route {
			n[r.UserAgent]++
		}
	}
	return n
}

// Users, agencies and other IDs of both types on one cluster: one POST each,
// the plan shows who and the apply records by whom, and every provider
// process reads the cluster and IAM's listings once, whatever the number.
func TestAccCredentialRevocations_happyPath(t *testing.T) {
	e := newAccEnv(t)
	v := config.Variables{
		"cluster_id": config.StringVariable(mockcloud.ProdClusterID),
		"users":      setVar(mockcloud.AliceUserID, mockcloud.LeaverUserID),
		"agencies":   setVar(mockcloud.OpsAgencyID),
		"others":     mapVar(mockcloud.ErinUserID, "user", mockcloud.OldVendorAgencyID, "agency"),
	}
	keys := map[string][2]string{ // key -> applicant_type, applicant_name
		"user/" + mockcloud.AliceUserID:                    {"user", "alice"},
		"user/" + mockcloud.LeaverUserID:                   {"user", "dana.leaver"},
		"agency/" + mockcloud.OpsAgencyID:                  {"agency", "ops-automation"},
		"other/" + mockcloud.ErinUserID:                    {"user", ""},
		"other/" + mockcloud.OldVendorAgencyID + "/agency": {"agency", ""},
	}
	var planChecks []plancheck.PlanCheck
	var stateChecks []statecheck.StateCheck
	for k, tn := range keys {
		planChecks = append(planChecks,
			plancheck.ExpectKnownValue(batch, entry(k, "applicant_type"), knownvalue.StringExact(tn[0])),
			plancheck.ExpectKnownValue(batch, entry(k, "applicant_name"), knownvalue.StringExact(tn[1])),
			plancheck.ExpectUnknownValue(batch, entry(k, "revoked_by")),
			plancheck.ExpectUnknownValue(batch, entry(k, "cluster_version")))
		stateChecks = append(stateChecks,
			statecheck.ExpectKnownValue(batch, entry(k, "applicant_name"), knownvalue.StringExact(tn[1])),
			statecheck.ExpectKnownValue(batch, entry(k, "revoked_by"), knownvalue.StringExact(mockcloud.AdminUserID)),
			statecheck.ExpectKnownValue(batch, entry(k, "cluster_version"), knownvalue.StringExact("v1.28.3-r0")),
			statecheck.ExpectKnownValue(batch, entry(k, "revoked_at"), knownvalue.StringRegexp(rfc3339)))
	}
	planChecks = append(planChecks, plancheck.ExpectKnownValue(batch, tfjsonpath.New("cluster_name"), knownvalue.StringExact("prod")))
	importID := mockcloud.ProdClusterID + "/user/" + mockcloud.AliceUserID + ",user/" + mockcloud.LeaverUserID +
		",agency/" + mockcloud.OpsAgencyID + ",other/" + mockcloud.ErinUserID + ",other/" + mockcloud.OldVendorAgencyID + "/agency"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.stillRevoked(5),
		Steps: []resource.TestStep{
			{
				Config: testConfig(t, "revocations.tf"), ConfigVariables: v,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: planChecks},
				ConfigStateChecks: append(stateChecks, statecheck.ExpectKnownValue(batch, tfjsonpath.New("cluster_name"), knownvalue.StringExact("prod"))),
			},
			{
				// Import knows the cluster and the applicants, not when or by whom.
				ResourceName: batch, ImportState: true, ImportStateId: importID, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"revocations"},
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					a := s[0].Attributes
					for k, tn := range keys {
						if a["revocations."+k+".applicant_type"] != tn[0] || a["revocations."+k+".applicant_name"] != tn[1] ||
							a["revocations."+k+".cluster_version"] != "v1.28.3-r0" || a["revocations."+k+".revoked_by"] != "" {
							return fmt.Errorf("imported %s: %v", k, a)
						}
					}
					return nil
				},
				Config: testConfig(t, "revocations.tf"), ConfigVariables: v,
			},
			{
				Config: testConfig(t, "revocations.tf"), ConfigVariables: v,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	bodies := e.revokeBodies()
	var got []string
	for _, b := range bodies {
		for k, id := range b {
			got = append(got, k+"="+id)
		}
	}
	slices.Sort(got)
	want := []string{"agencyId=" + mockcloud.OldVendorAgencyID, "agencyId=" + mockcloud.OpsAgencyID,
		"userId=" + mockcloud.LeaverUserID, "userId=" + mockcloud.AliceUserID, "userId=" + mockcloud.ErinUserID}
	slices.Sort(want)
	if len(bodies) != 5 || !slices.Equal(got, want) {
		t.Errorf("revocation bodies %v, want one each of %v", got, want)
	}
	for _, route := range []string{mockcloud.RouteGetCluster, mockcloud.RouteListUsers, mockcloud.RouteListAgencies} {
		for ua, n := range e.perProcess(route) {
			if n > 1 {
				t.Errorf("provider process %q sent %s %d times, want at most once", ua, route, n)
			}
		}
	}
}

// newBatchCLI prepares testdata/batch for e with the batches given as
// cluster ID -> {users, agencies, others}.
func newBatchCLI(t *testing.T, e *accEnv, batches map[string]any) *cli {
	t.Helper()
	c := newCLI(t, e, filepath.Join("testdata", "batch"), "batch")
	c.batches(batches)
	return c
}

// batches replaces the configuration's batches.
func (c *cli) batches(b map[string]any) {
	c.t.Helper()
	js, err := json.Marshal(map[string]any{"batches": b})
	if err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "batch.auto.tfvars.json"), js, 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// stateKeys returns the keys of revocations of one batch in the state.
func stateKeys(t *testing.T, c *cli, clusterID string) []string {
	t.Helper()
	var st struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Index  string `json:"index"`
					Values struct {
						Revocations map[string]map[string]any `json:"revocations"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(c.must("show", "-json")), &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Values.RootModule.Resources {
		if r.Index == clusterID {
			var keys []string
			for k := range r.Values.Revocations {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			return keys
		}
	}
	return nil
}

// Adding an applicant revokes only that one; removing one forgets it with a
// warning and sends nothing, even on a cluster that could not take a
// revocation now.
func TestAccCredentialRevocations_addAndRemove(t *testing.T) {
	e := newAccEnv(t)
	prod := mockcloud.ProdClusterID
	c := newBatchCLI(t, e, map[string]any{prod: map[string]any{"users": []string{mockcloud.AliceUserID}}})
	c.must("apply", "-input=false", "-no-color", "-auto-approve")
	e.wantRevokeRequests(1)

	c.batches(map[string]any{prod: map[string]any{"users": []string{mockcloud.AliceUserID, mockcloud.BobUserID}}})
	out := c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	mustMatch(t, "the plan", out, `will be updated in-place`, `"user/`+mockcloud.BobUserID+`" = \{`,
		`applicant_name\s+= "bob"`, `revoked_by\s+= \(known after apply\)`)
	out = c.must("apply", "-input=false", "-no-color", "tfplan")
	noProviderBug(t, out)
	e.wantRevokeRequests(2)
	if b := e.revokeBodies(); len(b) != 2 || b[1]["userId"] != mockcloud.BobUserID {
		t.Errorf("revocation bodies %v, want Alice's then Bob's alone", b)
	}

	// Forgetting sends nothing, so it works on a cluster that could not take a revocation now.
	e.cloud.SetClusterPhase(prod, "Hibernation")
	c.batches(map[string]any{prod: map[string]any{"users": []string{mockcloud.BobUserID}}})
	out = c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	mustMatch(t, "the plan", out, `Warning: The credential stays revoked`, `Removing user/`+mockcloud.AliceUserID+
		` from the revocations of cluster `+prod+` only forgets the record`)
	out = c.must("apply", "-input=false", "-no-color", "tfplan")
	noProviderBug(t, out)
	mustMatch(t, "the apply", out, `Warning: The credential stays revoked`)
	e.wantRevokeRequests(2)
	if got := stateKeys(t, c, prod); !slices.Equal(got, []string{"user/" + mockcloud.BobUserID}) {
		t.Errorf("state keys %v, want Bob's alone", got)
	}
}

// A saved plan applied as another session of the same agency: who revoked is
// known after apply, so nothing Terraform checks changes.
func TestAccCredentialRevocations_applyInAnotherSession(t *testing.T) {
	e := newAccEnv(t)
	const agencyID = "a9e000000000000000000000000000ab"
	e.cloud.AddAgency(mockcloud.Agency{ID: agencyID, Name: "pipeline", Admin: true})
	e.signInWith(e.sessionEnv(agencyID, "plan-job-1")...)
	c := newBatchCLI(t, e, map[string]any{
		mockcloud.ProdClusterID:    map[string]any{"users": []string{mockcloud.LeaverUserID}, "others": map[string]string{mockcloud.ErinUserID: "user"}},
		mockcloud.StagingClusterID: map[string]any{"agencies": []string{mockcloud.VendorAgencyID}},
	})
	out := c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	mustMatch(t, "the plan", out, `revoked_by\s+= \(known after apply\)`, `applicant_name\s+= "dana.leaver"`,
		`cluster_name\s+= "prod"`)
	e.assertNoWrites()

	c.signIn(e.sessionEnv(agencyID, "apply-job-2")...)
	out = c.must("apply", "-input=false", "-no-color", "tfplan")
	noProviderBug(t, out)
	e.wantRevokeRequests(3)
	mustMatch(t, "the state", c.must("state", "show", `cce_credential_revocations.this["`+mockcloud.ProdClusterID+`"]`),
		`revoked_by\s+= "`+agencyID+`:apply-job-2"`, `cluster_version\s+= "v1.28.3-r0"`)
}

// selfService signs e in as session job-1 of a new agency that is no admin:
// it may revoke its own agency's credentials only. It returns the agency's ID.
func (e *accEnv) selfService() string {
	const agencyID = "a9e000000000000000000000000000ac"
	e.cloud.AddAgency(mockcloud.Agency{ID: agencyID, Name: "self-service"})
	e.signInWith(e.sessionEnv(agencyID, "job-1")...)
	return agencyID
}

// One applicant's POST is refused: the state records the one that was made,
// and the next apply sends only the refused one. The caller is an agency
// session that may revoke only its own agency's credentials, which the plan
// cannot tell (CCE decides), so CCE refuses the other.
func TestAccCredentialRevocations_partialFailure(t *testing.T) {
	e := newAccEnv(t)
	agencyID := e.selfService()
	prod := mockcloud.ProdClusterID
	c := newBatchCLI(t, e, map[string]any{prod: map[string]any{"agencies": []string{agencyID, mockcloud.OpsAgencyID}}})
	out, code := c.run("apply", "-input=false", "-no-color", "-auto-approve")
	if code == 0 {
		t.Fatalf("the apply passed although CCE refused one revocation:\n%s", out)
	}
	noProviderBug(t, out)
	mustMatch(t, "the apply", out, `Error: Revocation refused`, `agency `+mockcloud.OpsAgencyID,
		`Error: Some revocations were not made`, `1 of 2 new revocations`)
	e.wantRevocations(mockcloud.Revocation{ClusterID: prod, AgencyID: agencyID, RevokedBy: agencyID})
	if got := stateKeys(t, c, prod); !slices.Equal(got, []string{"agency/" + agencyID}) {
		t.Errorf("state keys %v after the partial apply, want the one made", got)
	}

	c.signIn("HW_ACCESS_KEY", mockcloud.AdminAccessKey, "HW_SECRET_KEY", mockcloud.AdminSecretKey)
	before := e.cloud.Count(mockcloud.RouteRevoke)
	out = c.must("apply", "-input=false", "-no-color", "-auto-approve")
	noProviderBug(t, out)
	if strings.Contains(out, "planned twice") {
		t.Errorf("replacing the tainted batch warns of a duplicate:\n%s", out)
	}
	if n := e.cloud.Count(mockcloud.RouteRevoke) - before; n != 1 {
		t.Errorf("the second apply sent %d revocations, want only the refused one", n)
	}
	if b := e.revokeBodies(); b[len(b)-1]["agencyId"] != mockcloud.OpsAgencyID {
		t.Errorf("the second apply sent %v, want %s", b[len(b)-1], mockcloud.OpsAgencyID)
	}
	show := c.must("state", "show", `cce_credential_revocations.this["`+prod+`"]`)
	mustMatch(t, "the state", show, `revoked_by\s+= "`+agencyID+`:job-1"`, `revoked_by\s+= "`+mockcloud.AdminUserID+`"`)
	if strings.Contains(show, "tainted") {
		t.Errorf("the state is still tainted:\n%s", show)
	}
}

// The same refusal while adding applicants to a recorded batch: the update
// keeps what was recorded and made, the resource is not tainted, and the next
// apply sends only the refused one.
func TestAccCredentialRevocations_partialUpdate(t *testing.T) {
	e := newAccEnv(t)
	agencyID := e.selfService()
	ak, sk, token := e.env["HW_ACCESS_KEY"], e.env["HW_SECRET_KEY"], e.env["HW_SECURITY_TOKEN"]
	prod := mockcloud.ProdClusterID
	c := newBatchCLI(t, e, map[string]any{prod: map[string]any{"others": map[string]string{mockcloud.ErinUserID: "user"}}})
	c.signIn("HW_ACCESS_KEY", mockcloud.AdminAccessKey, "HW_SECRET_KEY", mockcloud.AdminSecretKey)
	c.must("apply", "-input=false", "-no-color", "-auto-approve")

	c.signIn("HW_ACCESS_KEY", ak, "HW_SECRET_KEY", sk, "HW_SECURITY_TOKEN", token)
	c.batches(map[string]any{prod: map[string]any{"others": map[string]string{mockcloud.ErinUserID: "user"},
		"agencies": []string{agencyID, mockcloud.OpsAgencyID}}})
	out, code := c.run("apply", "-input=false", "-no-color", "-auto-approve")
	if code == 0 {
		t.Fatalf("the apply passed although CCE refused one revocation:\n%s", out)
	}
	noProviderBug(t, out)
	mustMatch(t, "the apply", out, `Error: Revocation refused`, `1 of 2 new revocations`)
	want := []string{"agency/" + agencyID, "other/" + mockcloud.ErinUserID}
	if got := stateKeys(t, c, prod); !slices.Equal(got, want) {
		t.Errorf("state keys %v after the partial update, want %v", got, want)
	}

	c.signIn("HW_ACCESS_KEY", mockcloud.AdminAccessKey, "HW_SECRET_KEY", mockcloud.AdminSecretKey)
	before := e.cloud.Count(mockcloud.RouteRevoke)
	out = c.must("apply", "-input=false", "-no-color", "-auto-approve")
	noProviderBug(t, out)
	mustMatch(t, "the apply", out, `will be updated in-place`)
	if n := e.cloud.Count(mockcloud.RouteRevoke) - before; n != 1 {
		t.Errorf("the second apply sent %d revocations, want only the refused one", n)
	}
}

// A batch and a single resource revoking the same ID on the same cluster: the
// plan warns, naming both, and the apply sends one request for both.
func TestAccCredentialRevocations_duplicateOfSingle(t *testing.T) {
	e := newAccEnv(t)
	prod := mockcloud.ProdClusterID
	c := newBatchCLI(t, e, map[string]any{prod: map[string]any{"users": []string{mockcloud.AliceUserID, mockcloud.BobUserID}}})
	c.writeFile("single.tf", fmt.Sprintf("resource \"cce_credential_revocation\" \"alice\" {\n  cluster_id   = %q\n"+
		"  user_id      = %q\n  confirmation = \"REVOKE\"\n}\n", prod, mockcloud.AliceUserID))
	out := c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	mustMatch(t, "the plan", out, `Warning: Same revocation planned twice`, `user `+mockcloud.AliceUserID+` on cluster `+prod)
	c.must("apply", "-input=false", "-no-color", "tfplan")
	e.wantRevokeRequests(2)
}

// An import ID without applicants, or with a malformed one, fails naming the
// forms the ID takes; nothing enters the state.
func TestAccCredentialRevocations_importErrors(t *testing.T) {
	e := newAccEnv(t)
	prod := mockcloud.ProdClusterID
	c := newBatchCLI(t, e, map[string]any{prod: map[string]any{"users": []string{mockcloud.AliceUserID}}})
	addr := `cce_credential_revocations.this["` + prod + `"]`
	for id, want := range map[string]string{
		prod:                                     `Error: Invalid import ID.*names no applicant.*<cluster_id>/<applicant>,<applicant>`,
		prod + "/user/alice":                     `Error: Invalid import ID.*Applicant "user/alice".*is not valid: an IAM ID.*user/<user ID>, agency/<agency ID>, other/<ID>`,
		prod + "/group/" + mockcloud.AliceUserID: `Error: Invalid import ID.*kind "group" is none of user, agency, other`,
	} {
		out, code := c.run("import", "-input=false", "-no-color", addr, id)
		if code == 0 {
			t.Errorf("import %s passed:\n%s", id, out)
		}
		mustMatch(t, "the import of "+id, out, want)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "terraform.tfstate")); err == nil {
		if got := stateAddresses(t, c); len(got) != 0 {
			t.Errorf("state holds %v after failed imports", got)
		}
	}
	e.assertNoWrites()
}

// New triggers revoke every applicant of the cluster again (a replacement,
// with no warning of a duplicate); triggers first written for an imported
// batch only record them.
func TestAccCredentialRevocations_triggers(t *testing.T) {
	e := newAccEnv(t)
	prod := mockcloud.ProdClusterID
	with := func(leak string, users ...string) map[string]any {
		b := map[string]any{"users": users}
		if leak != "" {
			b["triggers"] = map[string]string{"leak": leak}
		}
		return map[string]any{prod: b}
	}
	c := newBatchCLI(t, e, with("1", mockcloud.AliceUserID))
	c.must("apply", "-input=false", "-no-color", "-auto-approve")
	c.batches(with("2", mockcloud.AliceUserID, mockcloud.BobUserID))
	out := c.must("apply", "-input=false", "-no-color", "-auto-approve")
	noProviderBug(t, out)
	mustMatch(t, "the apply", out, `must be replaced`)
	if strings.Contains(out, "planned twice") {
		t.Errorf("a replacement warns of a duplicate:\n%s", out)
	}
	e.wantRevokeRequests(3) // Alice, then Alice and Bob again

	addr := `cce_credential_revocations.this["` + prod + `"]`
	c.must("state", "rm", addr)
	c.batches(with("", mockcloud.AliceUserID))
	c.must("import", "-input=false", "-no-color", addr, prod+"/user/"+mockcloud.AliceUserID)
	c.batches(with("3", mockcloud.AliceUserID))
	out = c.must("apply", "-input=false", "-no-color", "-auto-approve")
	mustMatch(t, "the apply", out, `will be updated in-place`)
	e.wantRevokeRequests(3)
}
