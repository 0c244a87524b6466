package provider

import (
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// Plan and apply as pipelines run them: `plan -out` in one job, the saved
// plan applied in another, which signs in on its own (another agency session,
// other keys, even another principal), with the world moving in between.
// Terraform plans every resource again during apply and refuses a value known
// in the saved plan that comes out different with "Provider produced
// inconsistent final plan ... bug in the provider": none of these may end so.

// signIn replaces the CLI's credentials for the commands that follow, as the
// next job of a pipeline signs in on its own.
func (c *cli) signIn(kv ...string) {
	c.t.Helper()
	var drop []string
	for _, v := range credentialVars {
		for _, name := range v {
			drop = append(drop, name, "")
		}
	}
	c.setEnv(drop...)
	c.setEnv(kv...)
}

// noProviderBug fails the test when Terraform blamed the provider in the
// output of an apply.
func noProviderBug(t *testing.T, out string) {
	t.Helper()
	for _, bad := range []string{"bug in the provider", "inconsistent final plan", "inconsistent result after apply"} {
		if strings.Contains(out, bad) {
			t.Errorf("the apply says %q:\n%s", bad, out)
		}
	}
}

// applySavedPlan applies tfplan of newSavedPlanCLI, which revokes every
// applicant of testdata/saved_plan, and matches the user's revocation in the
// state against patterns.
func (c *cli) applySavedPlan(e *accEnv, patterns ...string) {
	c.t.Helper()
	noProviderBug(c.t, c.must("apply", "-input=false", "-no-color", "tfplan"))
	e.wantRevokeRequests(savedPlanOthers + 2)
	mustMatch(c.t, "the state", c.must("state", "show", "cce_credential_revocation.user"), patterns...)
}

// wantRevokeRequests fails the test unless the mock saw n revocation requests.
func (e *accEnv) wantRevokeRequests(n int) {
	e.t.Helper()
	if got := e.cloud.Count(mockcloud.RouteRevoke); got != n {
		e.t.Errorf("the mock saw %d revocation requests, want %d", got, n)
	}
}

// One agency, two sessions: the plan job's and the apply job's. The plan
// does not know who will revoke; the apply records its own session.
func TestAccPipeline_applyInAnotherSession(t *testing.T) {
	e := newAccEnv(t)
	const agencyID = "a9e000000000000000000000000000ab"
	e.cloud.AddAgency(mockcloud.Agency{ID: agencyID, Name: "pipeline", Admin: true})
	e.signInWith(e.sessionEnv(agencyID, "plan-job-1")...)
	c := newSavedPlanCLI(t, e)
	out := c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	mustMatch(t, "the plan", out, `revoked_by\s+= \(known after apply\)`, `cluster_version\s+= \(known after apply\)`,
		`applicant_name\s+= "dana.leaver"`, `cluster_name\s+= "prod"`)
	e.assertNoWrites()

	c.signIn(e.sessionEnv(agencyID, "apply-job-2")...)
	c.applySavedPlan(e, `revoked_by\s+= "`+agencyID+`:apply-job-2"`, `cluster_version\s+= "v1.28.3-r0"`)
}

// A read-only plan and a revoking apply: the plan's signer (ivy.reader, who
// may read IAM but is no admin) may not revoke others. By default that stops
// the plan, with the setting to use; with separate_apply_principal it plans,
// warns, and the apply with admin keys revokes.
func TestAccPipeline_readOnlyPlanAdminApply(t *testing.T) {
	e := newAccEnv(t)
	e.signIn(mockcloud.IvyAccessKey, mockcloud.IvySecretKey)
	c := newSavedPlanCLI(t, e)

	out, code := c.run("plan", "-input=false", "-no-color", "-out=tfplan")
	if code == 0 {
		t.Fatalf("a read-only plan of others' revocations passed without separate_apply_principal:\n%s", out)
	}
	mustMatch(t, "the refused plan", out, `Error: Not allowed to revoke this credential`,
		`signed in as ivy.reader`, `separate_apply_principal = true`)

	c.signIn("HW_ACCESS_KEY", mockcloud.IvyAccessKey, "HW_SECRET_KEY", mockcloud.IvySecretKey,
		"HW_CCE_SEPARATE_APPLY_PRINCIPAL", "true")
	out = c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	mustMatch(t, "the plan", out, `Warning: Checked at apply: whether the caller may revoke this credential`,
		`the apply signs in as another principal, and its own checks enforce this rule before anything is sent`,
		`applicant_name\s+= \(known after apply\)`, `cluster_name\s+= "prod"`)
	after, unknown := plannedValues(t, c, "cce_credential_revocation.user")
	if after["cluster_name"] != "prod" || strings.Join(unknown, ",") != "applicant_name,cluster_version,revoked_at,revoked_by" {
		t.Errorf("planned %v, unknown %v", after, unknown)
	}
	e.assertNoWrites()

	c.signIn("HW_ACCESS_KEY", mockcloud.AdminAccessKey, "HW_SECRET_KEY", mockcloud.AdminSecretKey,
		"HW_CCE_SEPARATE_APPLY_PRINCIPAL", "true")
	c.applySavedPlan(e, `revoked_by\s+= "`+mockcloud.AdminUserID+`"`, `applicant_name\s+= "dana.leaver"`)
}

// The same read-only plan applied with the same read-only keys: the apply's
// own checks refuse every revocation of someone else before anything is sent.
func TestAccPipeline_readOnlyApplyRefusedBeforeSending(t *testing.T) {
	e := newAccEnv(t)
	e.signIn(mockcloud.IvyAccessKey, mockcloud.IvySecretKey).set("HW_CCE_SEPARATE_APPLY_PRINCIPAL", "true")
	c := newSavedPlanCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	out, code := c.run("apply", "-input=false", "-no-color", "tfplan")
	if code == 0 {
		t.Fatalf("a read-only apply revoked others' credentials:\n%s", out)
	}
	noProviderBug(t, out)
	mustMatch(t, "the apply", out, `Error: Not allowed to revoke this credential`, `signed in as ivy.reader`)
	e.wantRevokeRequests(0)
	if got := stateAddresses(t, c); len(got) != 0 {
		t.Errorf("state holds %v after refused revocations", got)
	}
}

// A cluster upgraded between plan and apply: the new version is still
// eligible, so the revocation goes ahead and records the version it was made
// on.
func TestAccPipeline_clusterUpgradedBetweenPlanAndApply(t *testing.T) {
	e := newAccEnv(t)
	c := newSavedPlanCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	prod, _ := e.cloud.Cluster(mockcloud.ProdClusterID)
	prod.PlatformVersion, prod.LegacyVersion = "cce.5.0", "v1.28.5-r0"
	e.cloud.PutCluster(prod)

	c.applySavedPlan(e, `cluster_version\s+= "v1.28.5-r0"`)
}

// The planning user leaves the admin group before the apply: the apply's
// checks stop every revocation of someone else with the provider's own
// message, before any request is sent.
func TestAccPipeline_callerLosesAdminBeforeApply(t *testing.T) {
	e := newAccEnv(t)
	lead := mockcloud.User{ID: "0b5000000000000000000000000000aa", Name: "ops-lead", Enabled: true,
		Groups: []string{mockcloud.AdminGroupName}, AccessKey: "OPSLEADAKEXAMPLE0001", SecretKey: "opsLeadSecretKeyDoNotLog"}
	e.cloud.AddUser(lead)
	e.signIn(lead.AccessKey, lead.SecretKey)
	c := newSavedPlanCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	lead.Groups = nil
	e.cloud.AddUser(lead)

	out, code := c.run("apply", "-input=false", "-no-color", "tfplan")
	if code == 0 {
		t.Fatalf("the apply revoked after the caller left the admin group:\n%s", out)
	}
	noProviderBug(t, out)
	mustMatch(t, "the apply", out, `Error: Not allowed to revoke this credential`, `signed in as ops-lead`,
		`While applying a saved plan, this means the apply signs in as someone else than the plan did, or the caller left the admin group since: nothing was sent`)
	e.wantRevokeRequests(0)
}
