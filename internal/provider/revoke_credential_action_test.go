package provider

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// The action runs only through the CLI: plugin-testing has no -invoke, so
// these tests drive Terraform itself (newCLI) against the mock, and the
// mock's request log counts the revocations sent. CLIs without actions
// (Terraform before 1.14, OpenTofu) skip them; cce_credential_revocation
// covers those.

const invokeLeaked = "-invoke=action.cce_revoke_credential.leaked"

// actionCLI prepares a copy of testdata/<dir> for a CLI that has actions.
func actionCLI(t *testing.T, e *accEnv, dir string) *cli {
	t.Helper()
	skipBelow(t, actionsCLI)
	return newCLI(t, e, filepath.Join("testdata", dir), dir)
}

// invoke runs apply -invoke of the leaked action with variables as name=value.
func (c *cli) invoke(vars ...string) (string, int) {
	c.t.Helper()
	args := []string{"apply", "-auto-approve", "-input=false", "-no-color", invokeLeaked}
	for _, v := range vars {
		args = append(args, "-var", v)
	}
	return c.run(args...)
}

// revokePosts counts the revocation requests the mock saw.
func (e *accEnv) revokePosts() int { return e.cloud.Count(mockcloud.RouteRevoke) }

// On demand, with nothing in state: one invocation sends one request, says
// what it revoked, and leaves no resource in the state.
func TestAccRevokeCredentialAction_invoke(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars []string
		want mockcloud.Revocation
		says string
	}{
		{
			name: "user", vars: []string{"cluster_id=" + mockcloud.ProdClusterID, "user_id=" + mockcloud.BobUserID},
			want: mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.BobUserID},
			says: `revoked every credential user ` + mockcloud.BobUserID + ` downloaded for cluster "prod"`,
		},
		{
			name: "agency", vars: []string{"cluster_id=" + mockcloud.StagingClusterID, "agency_id=" + mockcloud.OpsAgencyID},
			want: mockcloud.Revocation{ClusterID: mockcloud.StagingClusterID, AgencyID: mockcloud.OpsAgencyID},
			says: `revoked every credential agency ` + mockcloud.OpsAgencyID + ` downloaded for cluster "staging"`,
		},
		{
			name: "deleted agency by raw ID",
			vars: []string{"cluster_id=" + mockcloud.LegacyClusterID, "other_id=" + mockcloud.OldVendorAgencyID, "other_id_type=agency"},
			want: mockcloud.Revocation{ClusterID: mockcloud.LegacyClusterID, AgencyID: mockcloud.OldVendorAgencyID},
			says: `revoked every credential the agency ID ` + mockcloud.OldVendorAgencyID + ` downloaded for cluster "legacy"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccEnv(t)
			c := actionCLI(t, e, "revoke_action")
			out, code := c.invoke(tc.vars...)
			if code != 0 {
				t.Fatalf("apply -invoke exited %d:\n%s", code, out)
			}
			for _, w := range []string{
				`Actions: 1 to invoke`,
				`Warning: Revocation cannot be undone`,
				`Action action.cce_revoke_credential.leaked \(triggered by CLI\): ` + tc.says,
				`Actions: 1 invoked`,
			} {
				if !re(w).MatchString(out) {
					t.Errorf("the output does not say %q:\n%s", w, out)
				}
			}
			if n := e.revokePosts(); n != 1 {
				t.Errorf("the mock saw %d revocation requests, want 1", n)
			}
			tc.want.RevokedBy = mockcloud.AdminUserID
			e.wantRevocations(tc.want)
			if list := strings.TrimSpace(c.must("state", "list")); list != "" {
				t.Errorf("the state holds resources after an invocation: %s", list)
			}
		})
	}
}

// A busy cluster is waited for, and the wait shows as progress of the action.
func TestAccRevokeCredentialAction_waitsForBusyCluster(t *testing.T) {
	e := newAccEnv(t)
	c := actionCLI(t, e, "revoke_action")
	e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Upgrading")
	// The plan reads prod once and the invocation once before its first wait:
	// the upgrade ends once the action has waited.
	done := make(chan struct{})
	defer close(done)
	go func() {
		for clusterReads(e.cloud) < 3 {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Available")
	}()
	out, code := c.invoke("cluster_id="+mockcloud.ProdClusterID, "user_id="+mockcloud.BobUserID)
	if code != 0 {
		t.Fatalf("apply -invoke exited %d:\n%s", code, out)
	}
	for _, w := range []string{
		`Warning: Cluster is busy.*Apply will wait for it to become Available, up to the action's timeout \(timeout = ..., default 20m\)`,
		`Action action.cce_revoke_credential.leaked \(triggered by CLI\): cluster "prod" is being upgraded; waiting for it to become Available`,
		`Actions: 1 invoked`,
	} {
		if !re(w).MatchString(out) {
			t.Errorf("the output does not say %q:\n%s", w, out)
		}
	}
	if n := e.revokePosts(); n != 1 {
		t.Errorf("the mock saw %d revocation requests, want 1", n)
	}
}

// The action's timeout bounds the wait: nothing is sent, and the error says
// how to try again.
func TestAccRevokeCredentialAction_busyClusterTimesOut(t *testing.T) {
	e := newAccEnv(t)
	c := actionCLI(t, e, "revoke_action")
	e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Upgrading")
	out, code := c.invoke("cluster_id="+mockcloud.ProdClusterID, "user_id="+mockcloud.BobUserID, "timeout=3s")
	want := `Action failed: action.cce_revoke_credential.leaked.*Timed out waiting for the cluster.*still being upgraded after 3s. ` +
		`Nothing was revoked. Invoke the action again \(terraform apply -invoke=action.cce_revoke_credential.<name>; ` +
		`a trigger does not retry it\) later, or raise timeout = ...`
	if code != 1 || !re(want).MatchString(out) {
		t.Errorf("apply -invoke exited %d, want 1 and %q:\n%s", code, want, out)
	}
	if n := e.revokePosts(); n != 0 {
		t.Errorf("the mock saw %d revocation requests", n)
	}
}

// Every bad input stops the plan of an -invoke: exit 1, the resource's
// message on the argument, and no request sent.
func TestAccRevokeCredentialAction_badInputs(t *testing.T) {
	old, unknown := mockcloud.OldClusterID, "00000000-0000-4000-8000-000000000000"
	prod, bob := "cluster_id="+mockcloud.ProdClusterID, "user_id="+mockcloud.BobUserID
	for _, tc := range []struct {
		name            string
		vars            []string
		setup           func(*accEnv)
		summary, detail string
	}{
		{name: "unconfirmed", vars: []string{prod, bob, "confirmation=yes"},
			summary: "Revocation not confirmed", detail: `confirmation = "yes", but it must be exactly "REVOKE"`},
		{name: "no applicant", vars: []string{prod},
			summary: `Whose credential\?`, detail: `None of user_id, agency_id and other_id is set`},
		{name: "two applicants", vars: []string{prod, bob, "agency_id=" + mockcloud.OpsAgencyID},
			summary: "One identity per revocation", detail: `user_id and agency_id are set.*one action per identity`},
		{name: "name instead of ID", vars: []string{prod, "user_id=bob"},
			summary: "Invalid ID", detail: `user_id = "bob" is not valid: an IAM ID is 32 lowercase hexadecimal`},
		{name: "other_id_type with user_id", vars: []string{prod, bob, "other_id_type=agency"},
			summary: "other_id_type without other_id", detail: `other_id_type = "agency" is set together with user_id.*Remove other_id_type`},
		{name: "cluster too old", vars: []string{"cluster_id=" + old, bob},
			summary: "Cluster version too old for revocation", detail: `runs v1.23.9-r0`},
		{name: "unknown cluster", vars: []string{"cluster_id=" + unknown, bob},
			summary: "Cluster not found", detail: `HTTP 404, code CCE.01404001`},
		{name: "unknown user", vars: []string{prod, "user_id=00000000000000000000000000000bad"},
			summary: "No such user", detail: `IAM has no user with this ID.*other_id = "00000000000000000000000000000bad"`},
		{name: "hibernating cluster", vars: []string{prod, bob},
			setup:   func(e *accEnv) { e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Hibernation") },
			summary: "Cluster cannot accept a revocation", detail: `"prod" is hibernated;.*Wake the cluster up`},
		{name: "locked cluster", vars: []string{prod, bob},
			setup: func(e *accEnv) {
				cl, _ := e.cloud.Cluster(mockcloud.ProdClusterID)
				cl.Locked = true
				e.cloud.PutCluster(cl)
			},
			summary: "Cluster cannot accept a revocation", detail: `Cluster "prod" is locked: CCE reports status.isLocked = true`},
		{name: "agency ID as other_id sent as a user", vars: []string{prod, "other_id=" + mockcloud.VendorAgencyID},
			summary: "other_id_type contradicts IAM", detail: `IAM agency vendor-support.*Set other_id_type = "agency"`},
		{name: "plain user revoking another", vars: []string{prod, bob},
			setup:   func(e *accEnv) { e.signIn(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey) },
			summary: "Not allowed to revoke this credential", detail: `signed in as alice.*not a member of the admin group`},
		{name: "timeout under a second", vars: []string{prod, bob, "timeout=500ms"},
			summary: "Timeout too short", detail: `timeout = "500ms" is less than 1s.*default, 20m`},
		{name: "timeout in words", vars: []string{prod, bob, "timeout=ten minutes"},
			summary: "Invalid duration", detail: `timeout = "ten minutes" is not a duration`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccEnv(t)
			if tc.setup != nil {
				tc.setup(e)
			}
			c := actionCLI(t, e, "revoke_action")
			out, code := c.invoke(tc.vars...)
			if want := `Error: ` + tc.summary + `.*` + tc.detail; code != 1 || !re(want).MatchString(out) {
				t.Errorf("apply -invoke exited %d, want 1 and %q:\n%s", code, want, out)
			}
			if strings.Contains(out, "Action started") {
				t.Errorf("the action was invoked:\n%s", out)
			}
			e.readOnly()
		})
	}
}

// people is the variable of the trigger configuration, as -var.
func people(names ...string) string {
	ids := map[string]string{"dana": mockcloud.LeaverUserID, "erin": mockcloud.ErinUserID}
	var kv []string
	for _, n := range names {
		kv = append(kv, n+`="`+ids[n]+`"`)
	}
	return "people={" + strings.Join(kv, ",") + "}"
}

// triggerCLI prepares the trigger configuration on clusters prod and
// staging (by default), with dana and erin as users.
func triggerCLI(t *testing.T, e *accEnv) *cli {
	t.Helper()
	c := actionCLI(t, e, "revoke_action_trigger")
	c.writeVars("clusters", map[string]any{"clusters": map[string]string{
		"prod": mockcloud.ProdClusterID, "staging": mockcloud.StagingClusterID,
	}})
	c.must("apply", "-auto-approve", "-input=false", "-no-color", "-var", people("dana", "erin"))
	if n := e.revokePosts(); n != 0 {
		t.Fatalf("creating the users sent %d revocations", n)
	}
	return c
}

// Destroying a leaver's user revokes their credentials on each cluster, one
// request per invocation, by the raw ID the destroyed object held; destroying
// everything revokes everyone's.
func TestAccRevokeCredentialAction_afterDestroy(t *testing.T) {
	e := newAccEnv(t)
	c := triggerCLI(t, e)

	out := c.must("apply", "-auto-approve", "-input=false", "-no-color", "-var", people("erin"))
	for _, w := range []string{
		`terraform_data.iam_user\["dana"\] will be destroyed`,
		`Action complete: action.cce_revoke_credential.offboard\["prod"\] \(triggered by terraform_data.iam_user\["dana"\]\)`,
		`Action complete: action.cce_revoke_credential.offboard\["staging"\] \(triggered by terraform_data.iam_user\["dana"\]\)`,
		`Resources: 0 added, 0 changed, 1 destroyed. Actions: 2 invoked.`,
	} {
		if !re(w).MatchString(out) {
			t.Errorf("the apply does not say %q:\n%s", w, out)
		}
	}
	if n := e.revokePosts(); n != 2 {
		t.Errorf("the mock saw %d revocation requests, want 2", n)
	}
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode", "-var", people("erin")); code != 0 {
		t.Errorf("the plan after offboarding is not empty (exit %d):\n%s", code, out)
	}

	c.must("destroy", "-auto-approve", "-input=false", "-no-color", "-var", people("erin"))
	if n := e.revokePosts(); n != 4 {
		t.Errorf("the mock saw %d revocation requests, want 4", n)
	}
	by := mockcloud.AdminUserID
	e.wantRevocations(
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.LeaverUserID, RevokedBy: by},
		mockcloud.Revocation{ClusterID: mockcloud.StagingClusterID, UserID: mockcloud.LeaverUserID, RevokedBy: by},
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.ErinUserID, RevokedBy: by},
		mockcloud.Revocation{ClusterID: mockcloud.StagingClusterID, UserID: mockcloud.ErinUserID, RevokedBy: by},
	)
}

// When the action's plan fails for a leaver removed from for_each, Terraform
// turns the error into a warning and skips that action; the others run and the
// user is destroyed anyway. The checks cannot hold up offboarding, and the
// skipped action sends nothing.
func TestAccRevokeCredentialAction_afterDestroyPlanFails(t *testing.T) {
	e := newAccEnv(t)
	c := triggerCLI(t, e)
	e.cloud.SetClusterPhase(mockcloud.StagingClusterID, "Hibernation")

	out, code := c.run("apply", "-auto-approve", "-input=false", "-no-color", "-var", people("erin"))
	if code != 0 {
		t.Fatalf("apply exited %d:\n%s", code, out)
	}
	for _, w := range []string{
		`Action complete: action.cce_revoke_credential.offboard\["prod"\]`,
		`Warning: Orphaned action failed to plan.*terraform_data.iam_user\["dana"\].*will not be invoked`,
		`Warning: Cluster cannot accept a revocation.*Cluster "staging" is hibernated`,
		`Resources: 0 added, 0 changed, 1 destroyed. Actions: 1 invoked.`,
	} {
		if !re(w).MatchString(out) {
			t.Errorf("the apply does not say %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, `Action started: action.cce_revoke_credential.offboard["staging"]`) {
		t.Errorf("the action whose plan failed was invoked:\n%s", out)
	}
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.LeaverUserID, RevokedBy: mockcloud.AdminUserID})
	if n := e.revokePosts(); n != 1 {
		t.Errorf("the mock saw %d revocation requests, want 1", n)
	}
}

// An invocation that fails stops the actions after it, and nothing retries
// it: the user is gone from the state, so the next plan is empty.
func TestAccRevokeCredentialAction_afterDestroyInvokeFails(t *testing.T) {
	e := newAccEnv(t)
	c := triggerCLI(t, e)
	c.must("plan", "-input=false", "-no-color", "-out=offboard.tfplan", "-var", people("erin"))
	e.cloud.DeleteCluster(mockcloud.ProdClusterID) // after the plan: only the invocation can find out

	out, code := c.run("apply", "-auto-approve", "-input=false", "-no-color", "offboard.tfplan")
	want := `Action failed: action.cce_revoke_credential.offboard\["prod"\] \(triggered by terraform_data.iam_user\["dana"\]\) - Cluster not found`
	if code != 1 || !re(want).MatchString(out) {
		t.Errorf("apply exited %d, want 1 and %q:\n%s", code, want, out)
	}
	if strings.Contains(out, `Action started: action.cce_revoke_credential.offboard["staging"]`) {
		t.Errorf("the action after the failed one was invoked:\n%s", out)
	}
	if n := e.revokePosts(); n != 0 {
		t.Errorf("the mock saw %d revocation requests, want none", n)
	}
	if out, code := c.run("plan", "-input=false", "-no-color", "-detailed-exitcode", "-var", people("erin")); code != 0 {
		t.Errorf("the plan after a failed offboarding is not empty (exit %d):\n%s", code, out)
	}
}
