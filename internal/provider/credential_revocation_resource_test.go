package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

const revocation = "cce_credential_revocation.this"

// vars builds config variables from name/value pairs.
func vars(kv ...string) config.Variables {
	v := config.Variables{}
	for i := 0; i+1 < len(kv); i += 2 {
		v[kv[i]] = config.StringVariable(kv[i+1])
	}
	return v
}

func attrIs(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(revocation, tfjsonpath.New(name), v)
}

var rfc3339 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// revocationStateChecks asserts the state of one revocation made by the admin.
func revocationStateChecks(clusterID, kind, id, apiType, name, clusterName, version, by string) []statecheck.StateCheck {
	wantID := clusterID + "/" + kind + "/" + id
	if kind == kindOther && apiType == kindAgency {
		wantID += "/agency"
	}
	return []statecheck.StateCheck{
		attrIs("id", knownvalue.StringExact(wantID)),
		attrIs("applicant_type", knownvalue.StringExact(apiType)),
		attrIs("applicant_name", knownvalue.StringExact(name)),
		attrIs("cluster_name", knownvalue.StringExact(clusterName)),
		attrIs("cluster_version", knownvalue.StringExact(version)),
		attrIs("revoked_at", knownvalue.StringRegexp(rfc3339)),
		attrIs("revoked_by", knownvalue.StringExact(by)),
	}
}

// wantRevocations checks the mock's record of revocations against the expected
// (cluster, userId, agencyId, revoker) tuples, in any order.
func (e *accEnv) wantRevocations(want ...mockcloud.Revocation) {
	e.t.Helper()
	key := func(r mockcloud.Revocation) string {
		return strings.Join([]string{r.ClusterID, r.UserID, r.AgencyID, r.RevokedBy}, "|")
	}
	var got, exp []string
	for _, r := range e.cloud.Revocations() {
		got = append(got, key(r))
	}
	for _, r := range want {
		exp = append(exp, key(r))
	}
	slices.Sort(got)
	slices.Sort(exp)
	if !slices.Equal(got, exp) {
		e.t.Errorf("the mock recorded revocations\n  %v\nwant\n  %v", got, exp)
	}
}

// revokeBodies returns the JSON bodies of every revocation request.
func (e *accEnv) revokeBodies() []map[string]string {
	var out []map[string]string
	for _, r := range e.cloud.Requests() {
		if r.Route != mockcloud.RouteRevoke {
			continue
		}
		var body map[string]string
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			e.t.Errorf("revocation body %q is not a JSON object of strings: %s", r.Body, err)
		}
		out = append(out, body)
	}
	return out
}

// stillRevoked is a CheckDestroy that asserts the opposite of the usual: after
// destroy the mock still holds every revocation.
func (e *accEnv) stillRevoked(n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(e.cloud.Revocations()); got != n {
			return fmt.Errorf("after destroy the mock holds %d revocations, want %d (destroy must not undo)", got, n)
		}
		if w := e.cloud.Writes(); len(w) != n {
			return fmt.Errorf("the mock saw %d writes, want %d revocations and nothing else", len(w), n)
		}
		return nil
	}
}

func TestAccCredentialRevocation_user(t *testing.T) {
	e := newAccEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.stillRevoked(1),
		Steps: []resource.TestStep{
			{
				Config:          testConfig(t, "revocation.tf"),
				ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.AliceUserID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocation, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(revocation, tfjsonpath.New("id"),
						knownvalue.StringExact(mockcloud.ProdClusterID+"/user/"+mockcloud.AliceUserID)),
					plancheck.ExpectUnknownValue(revocation, tfjsonpath.New("revoked_at")),
				}},
				ConfigStateChecks: revocationStateChecks(mockcloud.ProdClusterID, "user", mockcloud.AliceUserID, "user",
					"alice", "prod", "v1.28.3-r0", mockcloud.AdminUserID),
			},
			{
				// Import knows the cluster and the applicant, not when or by whom.
				ResourceName:            revocation,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"revoked_at", "revoked_by"},
				ConfigVariables:         vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.AliceUserID),
				Config:                  testConfig(t, "revocation.tf"),
			},
			{
				// A refresh keeps the record, and nothing is planned.
				Config:          testConfig(t, "revocation.tf"),
				ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.AliceUserID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.AliceUserID, RevokedBy: mockcloud.AdminUserID})
	if got := e.revokeBodies(); len(got) != 1 || len(got[0]) != 1 || got[0]["userId"] != mockcloud.AliceUserID {
		t.Errorf("revocation bodies %v, want exactly one {\"userId\": %q}", got, mockcloud.AliceUserID)
	}
}

func TestAccCredentialRevocation_agency(t *testing.T) {
	e := newAccEnv(t)
	v := vars("cluster_id", mockcloud.StagingClusterID, "agency_id", mockcloud.OpsAgencyID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.stillRevoked(1),
		Steps: []resource.TestStep{
			{
				Config:          testConfig(t, "revocation.tf"),
				ConfigVariables: v,
				// staging reports v1.25 + cce.4.10 and no legacyVersion: v1.25.4-r10, exactly the minimum.
				ConfigStateChecks: revocationStateChecks(mockcloud.StagingClusterID, "agency", mockcloud.OpsAgencyID, "agency",
					"ops-automation", "staging", "v1.25.4-r10", mockcloud.AdminUserID),
			},
			{
				ResourceName: revocation, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"revoked_at", "revoked_by"},
				Config:                  testConfig(t, "revocation.tf"), ConfigVariables: v,
			},
		},
	})
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.StagingClusterID, AgencyID: mockcloud.OpsAgencyID, RevokedBy: mockcloud.AdminUserID})
	if got := e.revokeBodies(); len(got) != 1 || len(got[0]) != 1 || got[0]["agencyId"] != mockcloud.OpsAgencyID {
		t.Errorf("revocation bodies %v, want exactly one {\"agencyId\": %q}", got, mockcloud.OpsAgencyID)
	}
}

func TestAccCredentialRevocation_otherIDs(t *testing.T) {
	for _, tc := range []struct {
		name, id, idType, body string
	}{
		{"deleted user", mockcloud.ErinUserID, "", "userId"},
		{"deleted agency", mockcloud.OldVendorAgencyID, "agency", "agencyId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccEnv(t)
			v := vars("cluster_id", mockcloud.LegacyClusterID, "other_id", tc.id)
			apiType := "user"
			if tc.idType != "" {
				v["other_id_type"] = config.StringVariable(tc.idType)
				apiType = tc.idType
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: e.factories(),
				CheckDestroy:             e.stillRevoked(1),
				Steps: []resource.TestStep{
					{
						Config: testConfig(t, "revocation.tf"), ConfigVariables: v,
						// legacy reports the full "v1.19.16-r50" in spec.version: the minimum of its line.
						ConfigStateChecks: revocationStateChecks(mockcloud.LegacyClusterID, "other", tc.id, apiType,
							"", "legacy", "v1.19.16-r50", mockcloud.AdminUserID),
					},
					{
						ResourceName: revocation, ImportState: true, ImportStateVerify: true,
						ImportStateVerifyIgnore: []string{"revoked_at", "revoked_by"},
						Config:                  testConfig(t, "revocation.tf"), ConfigVariables: v,
					},
				},
			})
			if got := e.revokeBodies(); len(got) != 1 || len(got[0]) != 1 || got[0][tc.body] != tc.id {
				t.Errorf("revocation bodies %v, want exactly one {%q: %q}", got, tc.body, tc.id)
			}
			// An other ID is looked for only in the listings of all users and
			// agencies (to catch an ID sent as the wrong type), never read by
			// ID; reading the caller's own user is identifying the caller.
			for _, r := range e.cloud.Requests() {
				switch {
				case r.Route == mockcloud.RouteGetUser && r.Path == "/v3/users/"+mockcloud.AdminUserID:
				case r.Route == mockcloud.RouteGetUser, r.Route == mockcloud.RouteGetAgency:
					t.Errorf("the provider read an applicant by ID for other_id: %s %s?%s", r.Method, r.Path, r.RawQuery)
				}
			}
		})
	}
}

func TestAccCredentialRevocation_selfAsPlainUser(t *testing.T) {
	e := newAccEnv(t)
	e.signIn(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.stillRevoked(1),
		Steps: []resource.TestStep{{
			Config:          testConfig(t, "revocation.tf"),
			ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.AliceUserID),
			ConfigStateChecks: revocationStateChecks(mockcloud.ProdClusterID, "user", mockcloud.AliceUserID, "user",
				"alice", "prod", "v1.28.3-r0", mockcloud.AliceUserID),
		}},
	})
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.AliceUserID, RevokedBy: mockcloud.AliceUserID})
}

func TestAccCredentialRevocation_replace(t *testing.T) {
	e := newAccEnv(t)
	base := func(user string, triggers map[string]string) config.Variables {
		v := vars("cluster_id", mockcloud.ProdClusterID, "user_id", user)
		if triggers != nil {
			m := map[string]config.Variable{}
			for k, val := range triggers {
				m[k] = config.StringVariable(val)
			}
			v["triggers"] = config.MapVariable(m)
		}
		return v
	}
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.stillRevoked(3),
		Steps: []resource.TestStep{
			{
				Config: testConfig(t, "revocation.tf"), ConfigVariables: base(mockcloud.AliceUserID, map[string]string{"leak": "1"}),
				Check: func(s *terraform.State) error {
					firstID = s.RootModule().Resources[revocation].Primary.ID
					return nil
				},
			},
			{
				// A new trigger value revokes again.
				Config: testConfig(t, "revocation.tf"), ConfigVariables: base(mockcloud.AliceUserID, map[string]string{"leak": "2"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocation, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
			{
				// Another person is another revocation.
				Config: testConfig(t, "revocation.tf"), ConfigVariables: base(mockcloud.BobUserID, map[string]string{"leak": "2"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocation, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(s *terraform.State) error {
					if id := s.RootModule().Resources[revocation].Primary.ID; id == firstID {
						return fmt.Errorf("the ID %q did not change with the applicant", id)
					}
					return nil
				},
			},
		},
	})
	e.wantRevocations(
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.AliceUserID, RevokedBy: mockcloud.AdminUserID},
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.AliceUserID, RevokedBy: mockcloud.AdminUserID},
		mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.BobUserID, RevokedBy: mockcloud.AdminUserID},
	)
}

// N revocations over C clusters cost N POSTs and at most C cluster reads per
// provider process (one plan or one apply), thanks to the client's cache.
func TestAccCredentialRevocation_forEach(t *testing.T) {
	e := newAccEnv(t)
	clusters := []string{mockcloud.ProdClusterID, mockcloud.StagingClusterID, mockcloud.LegacyClusterID}
	var want []mockcloud.Revocation
	for i := range 20 {
		e.cloud.AddUser(mockcloud.User{ID: fmt.Sprintf("5eed%028x", i), Name: fmt.Sprintf("leaver-%02d", i), Enabled: true})
	}
	// Every user on one of the three clusters: 20 revocations in all.
	var cfg strings.Builder
	for i := range 20 {
		fmt.Fprintf(&cfg, "resource \"cce_credential_revocation\" \"r%02d\" {\n  cluster_id   = %q\n  user_id      = %q\n  confirmation = \"REVOKE\"\n}\n",
			i, clusters[i%3], fmt.Sprintf("5eed%028x", i))
		want = append(want, mockcloud.Revocation{ClusterID: clusters[i%3], UserID: fmt.Sprintf("5eed%028x", i), RevokedBy: mockcloud.AdminUserID})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps:                    []resource.TestStep{{Config: cfg.String()}},
	})
	e.wantRevocations(want...)
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != 20 {
		t.Errorf("the mock saw %d revocation POSTs, want exactly 20", n)
	}
	perProcess := map[string]int{}
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteGetCluster {
			perProcess[r.UserAgent]++
		}
	}
	for ua, n := range perProcess {
		if n > len(clusters) {
			t.Errorf("provider process %q read clusters %d times, want at most %d", ua, n, len(clusters))
		}
	}
	if len(perProcess) < 2 {
		t.Errorf("expected cluster reads from at least a plan and an apply process, got %v", perProcess)
	}
}

// A cluster ID known only at apply moves every check to apply.
func TestAccCredentialRevocation_unknownClusterAtPlan(t *testing.T) {
	e := newAccEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:          testConfig(t, "revocation_unknown_cluster.tf"),
			ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(revocation, tfjsonpath.New("cluster_id")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{attrIs("cluster_version", knownvalue.StringExact("v1.28.3-r0"))},
		}},
	})
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.BobUserID, RevokedBy: mockcloud.AdminUserID})
}

func TestAccCredentialRevocation_unknownClusterTooOldFailsAtApply(t *testing.T) {
	e := newAccEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:          testConfig(t, "revocation_unknown_cluster.tf"),
			ConfigVariables: vars("cluster_id", mockcloud.OldClusterID, "user_id", mockcloud.BobUserID),
			ExpectError:     re(`Cluster version too old for revocation.*runs v1.23.9-r0`),
		}},
	})
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != 0 {
		t.Errorf("the mock saw %d revocation POSTs for a too-old cluster", n)
	}
}

// A cluster that disappears leaves the state at refresh; planning it again then
// fails because the cluster is gone.
func TestAccCredentialRevocation_clusterDeletedOutOfBand(t *testing.T) {
	e := newAccEnv(t)
	v := vars("cluster_id", mockcloud.StagingClusterID, "user_id", mockcloud.BobUserID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: testConfig(t, "revocation.tf"), ConfigVariables: v},
			{
				PreConfig: func() { e.cloud.DeleteCluster(mockcloud.StagingClusterID) },
				Config:    testConfig(t, "revocation.tf"), ConfigVariables: v,
				PlanOnly:    true,
				ExpectError: re(`Cluster not found.*HTTP 404, code CCE.01404001`),
			},
		},
	})
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != 1 {
		t.Errorf("the mock saw %d revocation POSTs, want 1", n)
	}
}

func TestAccCredentialRevocation_waitsForBusyCluster(t *testing.T) {
	e := newAccEnv(t)
	e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Upgrading")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:          testConfig(t, "revocation.tf"),
			ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				// Plan only warns; once apply has started, the upgrade finishes.
				planHook(func() {
					go func() {
						time.Sleep(1500 * time.Millisecond)
						e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Available")
					}()
				}),
			}},
		}},
	})
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.BobUserID, RevokedBy: mockcloud.AdminUserID})
}

func TestAccCredentialRevocation_busyClusterTimesOut(t *testing.T) {
	e := newAccEnv(t)
	e.cloud.SetClusterPhase(mockcloud.ProdClusterID, "Upgrading")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:          testConfig(t, "revocation_timeouts.tf"),
			ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID, "create_timeout", "3s"),
			ExpectError:     re(`Timed out waiting for the cluster.*still being upgraded after 3s.*Nothing was revoked`),
		}},
	})
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != 0 {
		t.Errorf("the mock saw %d revocation POSTs", n)
	}
}

// planHook runs a function after plan and before apply.
type planHook func()

func (h planHook) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, _ *plancheck.CheckPlanResponse) {
	h()
}

// Refresh with a wrong provider project reads the cluster where the record
// says it is, and keeps the record; the plan then refuses to move it to a
// project without the cluster. Only a cluster that the recorded project's
// cluster list no longer holds leaves the state.
func TestAccCredentialRevocation_refreshWithWrongProjectKeepsState(t *testing.T) {
	e := newAccEnv(t)
	v := vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID)
	resource.Test(t, resource.TestCase{Steps: wrongProjectSteps(e, revocation, testConfig(t, "revocation.tf"), v,
		re(`Cluster not in region "eu-west-101", project 0000000000000000000000000000beef.*The revocation on cluster `+
			mockcloud.ProdClusterID+` was made in region "eu-west-101", project `+mockcloud.ProjectID+
			`.*set region = "eu-west-101" and project_id = "`+mockcloud.ProjectID+`"`))})
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != 1 {
		t.Errorf("the mock saw %d revocation requests, want 1", n)
	}
}

// wrongProjectSteps create the object at address from cfg, refresh it with
// the provider set to another project (the state keeps the object and its
// location), plan there (planError), and plan with the right project again
// (empty).
func wrongProjectSteps(e *accEnv, address, cfg string, v config.Variables, planError *regexp.Regexp) []resource.TestStep {
	right := e.factories()
	e.set("HW_PROJECT_ID", "0000000000000000000000000000beef")
	wrong := e.factories()
	return []resource.TestStep{
		{ProtoV6ProviderFactories: right, Config: cfg, ConfigVariables: v},
		{
			// The refresh keeps the object (the plan without configuration that
			// RefreshState makes afterwards destroys it, hence non-empty).
			ProtoV6ProviderFactories: wrong, RefreshState: true, ExpectNonEmptyPlan: true,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(address, "region", mockcloud.Region),
				resource.TestCheckResourceAttr(address, "project_id", mockcloud.ProjectID)),
		},
		{ProtoV6ProviderFactories: wrong, Config: cfg, ConfigVariables: v, PlanOnly: true, ExpectError: planError},
		{
			ProtoV6ProviderFactories: right, Config: cfg, ConfigVariables: v,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	}
}

// A v1.28+ cluster that reports only its line (no platformVersion, no
// legacyVersion): every patch of the line can revoke, so the patch level is
// neither needed nor asked for.
func TestAccCredentialRevocation_lineOnlyVersion(t *testing.T) {
	e := newAccEnv(t)
	const id = "c0000000-0000-4000-8000-000000000029"
	e.cloud.PutCluster(mockcloud.Cluster{ID: id, Name: "newest", Phase: "Available", Version: "v1.29"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "revocation.tf"), ConfigVariables: vars("cluster_id", id, "user_id", mockcloud.BobUserID),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(revocation, tfjsonpath.New("cluster_version")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{attrIs("cluster_version", knownvalue.StringExact("v1.29"))},
		}},
	})
	e.wantRevocations(mockcloud.Revocation{ClusterID: id, UserID: mockcloud.BobUserID, RevokedBy: mockcloud.AdminUserID})
	if n := e.cloud.Count(mockcloud.RouteUpgradeInfo); n != 0 {
		t.Errorf("the provider asked for upgrade information %d times", n)
	}
}

// The docs say to write triggers into the configuration after an import:
// doing so records them, and does not revoke again. Changing them afterwards
// does.
func TestAccCredentialRevocation_importThenTriggers(t *testing.T) {
	e := newAccEnv(t)
	withLeak := func(leak string) config.Variables {
		v := vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.AliceUserID)
		v["triggers"] = config.MapVariable(map[string]config.Variable{"leak": config.StringVariable(leak)})
		return v
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				ResourceName: revocation, ImportState: true, ImportStatePersist: true,
				ImportStateId: mockcloud.ProdClusterID + "/user/" + mockcloud.AliceUserID,
				Config:        testConfig(t, "revocation.tf"), ConfigVariables: withLeak("1"),
			},
			{
				Config: testConfig(t, "revocation.tf"), ConfigVariables: withLeak("1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocation, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{attrIs("triggers", knownvalue.MapExact(map[string]knownvalue.Check{
					"leak": knownvalue.StringExact("1"),
				}))},
			},
			{
				Config: testConfig(t, "revocation.tf"), ConfigVariables: withLeak("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(revocation, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.AliceUserID, RevokedBy: mockcloud.AdminUserID})
}
