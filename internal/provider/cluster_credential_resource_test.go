package provider

import (
	"fmt"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

const credential = "cce_cluster_credential.this"

func credentialAttr(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(credential, tfjsonpath.New(name), v)
}

var pemCert = regexp.MustCompile(`^-----BEGIN CERTIFICATE-----\n`)

// issuedTo asserts what every issued credential carries.
func issuedTo(applicantID string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		credentialAttr("applicant_id", knownvalue.StringExact(applicantID)),
		credentialAttr("client_certificate", knownvalue.StringRegexp(pemCert)),
		credentialAttr("client_key", knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN (EC )?PRIVATE KEY-----\n`))),
		credentialAttr("cluster_ca_certificate", knownvalue.StringRegexp(pemCert)),
		credentialAttr("kubeconfig_raw", knownvalue.StringRegexp(regexp.MustCompile(`(?m)^current-context: external$`))),
		credentialAttr("current_context", knownvalue.StringExact("external")),
		credentialAttr("internal_endpoint", knownvalue.StringRegexp(regexp.MustCompile(`^https://`))),
		credentialAttr("external_endpoint", knownvalue.StringRegexp(regexp.MustCompile(`^https://`))),
		credentialAttr("serial_number", knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]+$`))),
		credentialAttr("expires_at", knownvalue.StringRegexp(rfc3339)),
	}
}

// expiresAround checks expires_at within a minute of want.
func expiresAround(want time.Time) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith(credential, "expires_at", func(v string) error {
		got, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return err
		}
		if d := got.Sub(want); d < -time.Minute || d > time.Minute {
			return fmt.Errorf("expires_at %s, want about %s", v, want.Format(time.RFC3339))
		}
		return nil
	})
}

func TestAccClusterCredential_durationNoDrift(t *testing.T) {
	e := newAccEnv(t)
	e.signIn(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey)
	v := config.Variables{"cluster_id": config.StringVariable(mockcloud.ProdClusterID), "duration_days": config.IntegerVariable(30)}
	serial := statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: testConfig(t, "cluster_credential.tf"), ConfigVariables: v,
				ConfigStateChecks: append(issuedTo(mockcloud.AliceUserID),
					serial.AddStateValue(credential, tfjsonpath.New("serial_number"))),
				Check: expiresAround(time.Now().Add(30 * 24 * time.Hour)),
			},
			{
				// Refresh and plan again: nothing changes and nothing is issued.
				Config: testConfig(t, "cluster_credential.tf"), ConfigVariables: v,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{serial.AddStateValue(credential, tfjsonpath.New("serial_number"))},
			},
			{RefreshState: true},
		},
	})
	if n := e.cloud.Count(mockcloud.RouteClusterCert); n != 1 {
		t.Errorf("the mock issued %d credentials over create and refreshes, want exactly 1", n)
	}
}

func TestAccClusterCredential_expireAt(t *testing.T) {
	e := newAccEnv(t)
	e.signIn(mockcloud.BobAccessKey, mockcloud.BobSecretKey)
	at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: testConfig(t, "cluster_credential.tf"),
			ConfigVariables: config.Variables{"cluster_id": config.StringVariable(mockcloud.ProdClusterID),
				"expire_at": config.StringVariable(at.Format(time.RFC3339))},
			ConfigStateChecks: issuedTo(mockcloud.BobUserID),
			Check:             expiresAround(at),
		}},
	})
	if n := e.cloud.Count(mockcloud.RouteClusterCert); n != 1 {
		t.Errorf("the mock issued %d credentials, want exactly 1", n)
	}
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteClusterCert && r.Body != fmt.Sprintf(`{"expire_at":%q}`, at.Format("2006-01-02 15:04:05 +0000 UTC")) {
			t.Errorf("clustercert body %s", r.Body)
		}
	}
}

// rotate_before plans a replacement once the credential is that close to
// expiry; changing rotate_before alone is an in-place no-op. The mock's clock
// starts 23 hours behind, so the first one-day credential has an hour left.
func TestAccClusterCredential_rotateBefore(t *testing.T) {
	var behind atomic.Int64
	behind.Store(int64(23 * time.Hour))
	e := newAccEnv(t, mockcloud.WithClock(func() time.Time { return time.Now().Add(-time.Duration(behind.Load())) }))
	// A token, because AK/SK signatures must be within 15 minutes of the mock's clock.
	e.signInWith("HW_AUTH_TOKEN", e.cloud.IssueToken(mockcloud.AdminUserID))
	vars := func(rotate string) config.Variables {
		return config.Variables{"cluster_id": config.StringVariable(mockcloud.ProdClusterID),
			"duration_days": config.IntegerVariable(1), "rotate_before": config.StringVariable(rotate)}
	}
	serial := statecheck.CompareValue(compare.ValuesDiffer())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				// An hour left, rotate 30 minutes before expiry: not due.
				Config: testConfig(t, "cluster_credential.tf"), ConfigVariables: vars("30m"),
				ConfigStateChecks: []statecheck.StateCheck{serial.AddStateValue(credential, tfjsonpath.New("serial_number"))},
				Check:             expiresAround(time.Now().Add(time.Hour)),
			},
			{
				// Two hours before expiry: due, so replaced by a fresh one-day credential.
				PreConfig: func() { behind.Store(0) },
				Config:    testConfig(t, "cluster_credential.tf"), ConfigVariables: vars("2h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(credential, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{serial.AddStateValue(credential, tfjsonpath.New("serial_number"))},
				Check:             expiresAround(time.Now().Add(24 * time.Hour)),
			},
			{
				// Changing rotate_before alone updates in place and issues nothing.
				Config: testConfig(t, "cluster_credential.tf"), ConfigVariables: vars("3h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(credential, plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
	if n := e.cloud.Count(mockcloud.RouteClusterCert); n != 2 {
		t.Errorf("the mock issued %d credentials, want 2 (create and one rotation)", n)
	}
}

func TestAccClusterCredential_ephemeral(t *testing.T) {
	e := newAccEnv(t)
	e.signIn(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey)
	factories := e.factories()
	factories["echo"] = func() (tfprotov6.ProviderServer, error) { return echoprovider.NewProviderServer()() }
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{ephemeralCLI},
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{{
			Config:          testConfig(t, "cluster_credential_ephemeral.tf"),
			ConfigVariables: config.Variables{"cluster_id": config.StringVariable(mockcloud.ProdClusterID)},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.this", tfjsonpath.New("data"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"applicant_id": knownvalue.StringExact(mockcloud.AliceUserID),
					"context":      knownvalue.StringExact("external"),
					"has_key":      knownvalue.Bool(true),
				})),
			},
		}},
	})
	if e.cloud.Count(mockcloud.RouteClusterCert) == 0 {
		t.Error("the ephemeral resource never asked for a credential")
	}
}

// A refresh with a wrong provider project keeps the credential in state: it
// reads the cluster where the credential was issued. A plan that would move
// it to a project without the cluster fails there.
func TestAccClusterCredential_refreshWithWrongProjectKeepsState(t *testing.T) {
	e := newAccEnv(t)
	v := config.Variables{"cluster_id": config.StringVariable(mockcloud.ProdClusterID), "duration_days": config.IntegerVariable(30)}
	resource.Test(t, resource.TestCase{Steps: wrongProjectSteps(e, "cce_cluster_credential.this", testConfig(t, "cluster_credential.tf"), v,
		re(`Cluster not found.*no such cluster in this project and region`))})
	if n := e.cloud.Count(mockcloud.RouteClusterCert); n != 1 {
		t.Errorf("the mock issued %d credentials, want 1", n)
	}
}

// Each request issues a certificate: when CCE issued one and the answer was
// lost, the provider does not ask again (that would issue a second), and says
// the outcome is unknown. Applying again issues the credential.
func TestAccClusterCredential_lostAnswerNotRetried(t *testing.T) {
	e := newAccEnv(t)
	e.set("HW_MAX_RETRIES", "5")
	e.cloud.SetFaults(1, mockcloud.Fault{Route: mockcloud.RouteClusterCert, Kind: mockcloud.FaultCommitDrop, Probability: 1, Times: 1})
	v := config.Variables{"cluster_id": config.StringVariable(mockcloud.ProdClusterID), "duration_days": config.IntegerVariable(1)}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: testConfig(t, "cluster_credential.tf"), ConfigVariables: v,
				ExpectError: re(`Credential outcome unknown.*may have issued a certificate that nobody received`),
			},
			{
				PreConfig: func() {
					if n := e.cloud.Count(mockcloud.RouteClusterCert); n != 1 {
						t.Errorf("after a lost answer the request was sent %d times, want 1", n)
					}
				},
				Config: testConfig(t, "cluster_credential.tf"), ConfigVariables: v,
			},
		},
	})
	if n := e.cloud.Count(mockcloud.RouteClusterCert); n != 2 {
		t.Errorf("the mock issued %d credentials, want 2 (the lost one and the applied one)", n)
	}
}
