package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// callerRuleCLI prepares testdata/caller_rule to revoke userID's credential
// on the prod cluster.
func callerRuleCLI(t *testing.T, e *accEnv, userID string) *cli {
	t.Helper()
	c := newCLI(t, e, filepath.Join("testdata", "caller_rule"), "caller_rule")
	b, err := json.Marshal(map[string]string{"cluster_id": mockcloud.ProdClusterID, "user_id": userID})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "caller_rule.auto.tfvars.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// mustMatch fails the test unless out matches every pattern (spaces match
// any run of white space, as the CLIs wrap lines).
func mustMatch(t *testing.T, what, out string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if !re(p).MatchString(out) {
			t.Errorf("%s does not match %s:\n%s", what, p, out)
		}
	}
}

// An agency session is no IAM user: whether it may revoke others is its
// agency's policies' business, which the provider cannot read. The plan
// warns instead of refusing, and CCE, which can, allows it at apply.
func TestAccCredentialRevocation_agencySessionAllowed(t *testing.T) {
	e := newAccEnv(t)
	const agencyID = "a9e000000000000000000000000000aa"
	e.cloud.AddAgency(mockcloud.Agency{ID: agencyID, Name: "platform-ops", Admin: true})
	e.signInWith(e.sessionEnv(agencyID, "deploy")...)
	c := callerRuleCLI(t, e, mockcloud.BobUserID)
	out := c.must("plan", "-input=false", "-no-color", "-out=tfplan")
	mustMatch(t, "the plan", out, `Warning: CCE decides whether this revocation is allowed`,
		`signed in as sts::`+mockcloud.DomainID+`:assumed-agency:platform-ops/deploy\. An agency session acts with the agency's policies`,
		`revoked_by\s+= \(known after apply\)`)
	c.must("apply", "-input=false", "-no-color", "tfplan")
	mustMatch(t, "the state", c.must("state", "show", "cce_credential_revocation.this"), `revoked_by\s+= "`+agencyID+`:deploy"`)
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.BobUserID, RevokedBy: agencyID})
}

// A session whose agency may not revoke others: the plan warns, CCE refuses
// at apply, the error explains its 403, and nothing is revoked or recorded.
func TestAccCredentialRevocation_agencySessionRefused(t *testing.T) {
	e := newAccEnv(t)
	e.signInWith(e.sessionEnv(mockcloud.VendorAgencyID, "ticket-7")...)
	c := callerRuleCLI(t, e, mockcloud.BobUserID)
	mustMatch(t, "the plan", c.must("plan", "-input=false", "-no-color"), `Warning: CCE decides whether this revocation is allowed`)
	out, code := c.run("apply", "-input=false", "-no-color", "-auto-approve")
	if code == 0 {
		t.Fatalf("apply succeeded:\n%s", out)
	}
	mustMatch(t, "the apply", out, `Error: Revocation refused`,
		`CCE answered 403: the caller, sts::`+mockcloud.DomainID+`:assumed-agency:vendor-support/ticket-7, may not revoke this credential\. `+
			`An agency session acts with the agency's policies.*Allow cce:cluster:revokeClientCredential in those policies.*HTTP 403, code CCE.01403001`)
	if revs := e.cloud.Revocations(); len(revs) != 0 {
		t.Errorf("revocations %+v", revs)
	}
	if out, _ := c.run("state", "list"); regexp.MustCompile(`cce_credential_revocation`).MatchString(out) {
		t.Errorf("the refused revocation is in the state:\n%s", out)
	}
}

// When IAM will not show the caller's groups, the plan cannot say no: it
// warns with the reason, and CCE's refusal at apply is explained.
func TestAccCredentialRevocation_groupsUnreadable(t *testing.T) {
	e := newAccEnv(t, mockcloud.WithFaults(1, mockcloud.Fault{Route: mockcloud.RouteUserGroups,
		Kind: mockcloud.FaultStatus503, Probability: 1}))
	e.signIn(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey).set("HW_MAX_RETRIES", "0")
	c := callerRuleCLI(t, e, mockcloud.BobUserID)
	mustMatch(t, "the plan", c.must("plan", "-input=false", "-no-color"), `Warning: CCE decides whether this revocation is allowed`,
		`signed in as alice \(`+mockcloud.AliceUserID+`\)\. IAM did not let the provider read the caller's groups .*HTTP 503`)
	out, code := c.run("apply", "-input=false", "-no-color", "-auto-approve")
	if code == 0 {
		t.Fatalf("apply succeeded:\n%s", out)
	}
	mustMatch(t, "the apply", out, `Error: Revocation refused`, `CCE answered 403: the caller, alice \(`+mockcloud.AliceUserID+`\), may not revoke`,
		`An IAM user may revoke only their own credential unless they are a member of the admin group`)
	if revs := e.cloud.Revocations(); len(revs) != 0 {
		t.Errorf("revocations %+v", revs)
	}
}

// A secret key the cloud refuses is one error on a revocation's plan, not
// one per check (cluster, caller, applicant).
func TestAccCredentialRevocation_wrongSecretKey(t *testing.T) {
	e := newAccEnv(t)
	e.signIn(mockcloud.AdminAccessKey, "not-the-admins-secret-key")
	check, done := expectError(t, re(`Credentials refused.*The cloud refused the access key pair`), "not-the-admins-secret-key")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		ErrorCheck:               oneError(check),
		Steps: []resource.TestStep{{Config: testConfig(t, "revocation.tf"), PlanOnly: true,
			ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID)}},
	})
	done()
	e.assertNoWrites()
}
