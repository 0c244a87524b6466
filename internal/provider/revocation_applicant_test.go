package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cceops/terraform-provider-cce/internal/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// An agency's ID in other_id, sent as a user (the default type), would be a
// revocation that revokes nothing: CCE answers 200 and the agency's
// certificates keep working. The plan refuses it on other_id_type, naming
// the right value; so does a user's ID sent as an agency. Nothing is sent.
func TestAccCredentialRevocation_otherIDTypeContradictsIAM(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    config.Variables
		want string
	}{
		{"agency sent as user", vars("cluster_id", mockcloud.ProdClusterID, "other_id", mockcloud.VendorAgencyID),
			`other_id_type contradicts IAM.*other_id = "` + mockcloud.VendorAgencyID + `" is the ID of IAM agency vendor-support, but other_id_type = "user" sends it to CCE as userId.*revoke nothing.*Set other_id_type = "agency"`},
		{"user sent as agency", vars("cluster_id", mockcloud.ProdClusterID, "other_id", mockcloud.BobUserID, "other_id_type", "agency"),
			`other_id_type contradicts IAM.*IAM user bob, but other_id_type = "agency" sends it to CCE as agencyId.*Set other_id_type = "user"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccEnv(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: e.factories(),
				Steps: []resource.TestStep{{
					Config: testConfig(t, "revocation.tf"), ConfigVariables: tc.v,
					ExpectError: re(tc.want),
				}},
			})
			e.readOnly()
			// The listings are the only IAM reads of the other ID: never one by ID.
			for _, r := range e.cloud.Requests() {
				if (r.Route == mockcloud.RouteGetUser || r.Route == mockcloud.RouteGetAgency) && !strings.HasSuffix(r.Path, mockcloud.AdminUserID) {
					t.Errorf("the other ID was read by ID: %s", r.Path)
				}
			}
		})
	}
}

// A federated identity's ID, as certificate_applicant_id returns it from its
// certificate, is revoked through other_id (the old validator demanded 32 hex
// characters); the mock's kube API then refuses carol's certificate.
func TestAccCredentialRevocation_federatedID(t *testing.T) {
	e := newAccEnv(t)
	const carol = "idp-corp:carol"
	v := vars("cluster_id", mockcloud.ProdClusterID, "other_id", carol)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: testConfig(t, "revocation.tf"), ConfigVariables: v,
				ConfigStateChecks: revocationStateChecks(mockcloud.ProdClusterID, "other", carol, "user",
					"", "prod", "v1.28.3-r0", mockcloud.AdminUserID),
			},
			{
				ResourceName: revocation, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"revoked_at", "revoked_by"},
				Config:                  testConfig(t, "revocation.tf"), ConfigVariables: v,
			},
		},
	})
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: carol, RevokedBy: mockcloud.AdminUserID})
}

// Two resources that revoke the same ID on the same cluster: one POST, two
// records (the warning is asserted by TestCredentialRevocation_duplicateWarns).
func TestAccCredentialRevocation_sameRevocationTwice(t *testing.T) {
	e := newAccEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:          testConfig(t, "revocation_twice.tf"),
			ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("cce_credential_revocation.first", tfjsonpath.New("revoked_at"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("cce_credential_revocation.second", tfjsonpath.New("revoked_at"), knownvalue.NotNull()),
			},
		}},
	})
	if n := e.cloud.Count(mockcloud.RouteRevoke); n != 1 {
		t.Errorf("%d revocation requests, want 1", n)
	}
	e.wantRevocations(mockcloud.Revocation{ClusterID: mockcloud.ProdClusterID, UserID: mockcloud.BobUserID, RevokedBy: mockcloud.AdminUserID})
}

// Importing a revocation on a cluster that does not exist says so.
func TestAccCredentialRevocation_importUnknownCluster(t *testing.T) {
	e := newAccEnv(t)
	const missing = "00000000-0000-4000-8000-000000000000"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:          testConfig(t, "revocation.tf"),
			ConfigVariables: vars("cluster_id", missing, "user_id", mockcloud.BobUserID),
			ResourceName:    revocation, ImportState: true,
			ImportStateId: missing + "/user/" + mockcloud.BobUserID,
			ExpectError:   re(`Cluster not found.*cluster ` + missing + `, which does not exist in this project and region.*nothing to import`),
		}},
	})
	e.readOnly()
}

// A locked (frozen) cluster is refused at plan like a hibernated one, and
// cce_clusters finds it not revocable.
func TestAccCredentialRevocation_lockedCluster(t *testing.T) {
	e := newAccEnv(t)
	cl, _ := e.cloud.Cluster(mockcloud.ProdClusterID)
	cl.Locked, cl.LockScene = true, "ARREARAGE"
	e.cloud.PutCluster(cl)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: testConfig(t, "revocation.tf"), ConfigVariables: vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID),
				ExpectError: re(`Cluster cannot accept a revocation.*cluster_id = .*Cluster "prod" is locked \(lock scene "ARREARAGE"\)`),
			},
			clustersStep(t, vars("name_regex", "^prod$"),
				clusterIs(0, mockcloud.ProdClusterID, "prod", "Available", "v1.28.3-r0", true, "", false, `^Cluster "prod" is locked.*apply again.$`)),
		},
	})
	e.readOnly()
}

// The warning plugin-testing cannot assert: the second create-plan of the same
// (cluster, type, ID) in one provider process warns, naming both; a plan
// with a prior state (the first half of a replacement) does not count.
func TestCredentialRevocation_duplicateWarns(t *testing.T) {
	ctx := context.Background()
	server, _, typ := protocolServer(t, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	plan := func(prior tftypes.Value, attrs map[string]tftypes.Value) []*tfprotov6.Diagnostic {
		t.Helper()
		attrs["cluster_id"], attrs["confirmation"] = str(mockcloud.ProdClusterID), str(confirmationWord)
		cfg := objectOf(t, typ, attrs)
		resp, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: "cce_credential_revocation", PriorState: dynamic(t, typ, prior),
			ProposedNewState: dynamic(t, typ, cfg), Config: dynamic(t, typ, cfg),
		})
		failOnDiags(t, "plan", resp.Diagnostics, err)
		return resp.Diagnostics
	}
	dup := func(diags []*tfprotov6.Diagnostic) string {
		for _, d := range diags {
			if d.Severity == tfprotov6.DiagnosticSeverityWarning && d.Summary == "Same revocation planned twice" {
				return d.Detail
			}
		}
		return ""
	}
	none := tftypes.NewValue(typ, nil)
	prior := objectOf(t, typ, map[string]tftypes.Value{
		"id": str(mockcloud.ProdClusterID + "/user/" + mockcloud.BobUserID), "cluster_id": str(mockcloud.ProdClusterID),
		"user_id": str(mockcloud.BobUserID), "confirmation": str(confirmationWord),
	})
	if d := dup(plan(prior, map[string]tftypes.Value{"user_id": str(mockcloud.BobUserID)})); d != "" {
		t.Errorf("a plan with a prior state warned: %s", d)
	}
	if d := dup(plan(none, map[string]tftypes.Value{"user_id": str(mockcloud.BobUserID)})); d != "" {
		t.Errorf("the first create-plan warned: %s", d)
	}
	if d := dup(plan(none, map[string]tftypes.Value{"agency_id": str(mockcloud.OpsAgencyID)})); d != "" {
		t.Errorf("another applicant warned: %s", d)
	}
	d := dup(plan(none, map[string]tftypes.Value{"other_id": str(mockcloud.BobUserID)}))
	if !strings.Contains(d, "the user ID "+mockcloud.BobUserID) || !strings.Contains(d, "cluster "+mockcloud.ProdClusterID) {
		t.Errorf("the second create-plan of bob on prod: warning %q", d)
	}
}

// The engine refuses a locked cluster for the resource and the action alike,
// and warns (not refuses) an other_id whose type IAM cannot confirm.
func TestRevocationChecks_lockedAndUncheckedType(t *testing.T) {
	cloud := mockcloud.NewForTest(t)
	cl, _ := cloud.Cluster(mockcloud.StagingClusterID)
	cl.Locked = true
	cloud.PutCluster(cl)
	e := engineFor(t, cloud, cloud.URL())
	_, diags := e.check(t.Context(), bobOn(mockcloud.StagingClusterID), cce.Cached)
	if !diags.HasError() || !strings.Contains(diagText(diags), `Cluster "staging" is locked`) {
		t.Errorf("locked cluster: %s", diagText(diags))
	}

	cloud.ResetRequests()
	client, err := cce.NewClient(cce.Config{
		Region: mockcloud.Region, ProjectID: mockcloud.ProjectID,
		IAMEndpoint: cloud.URL(), CCEEndpoint: cloud.URL(), CTSEndpoint: cloud.URL(), STSEndpoint: cloud.URL(),
		CACertPEM:   cloud.CACertPEM(),
		Credentials: cce.Credentials{AccessKey: mockcloud.AliceAccessKey, SecretKey: mockcloud.AliceSecretKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := newApplicant(kindOther, mockcloud.VendorAgencyID, kindUser)
	for range 3 {
		diags = revocationChecks{client: client, by: resourceRevoker}.checkOtherID(t.Context(), a, cce.Cached)
		if diags.HasError() || len(diags) != 1 || diags[0].Summary() != "other_id_type not checked" ||
			!strings.Contains(diags[0].Detail(), `set other_id_type = "agency"`) {
			t.Errorf("IAM not readable: %s", diagText(diags))
		}
	}
	if n := cloud.Count(mockcloud.RouteListUsers); n != 1 {
		t.Errorf("%d user listings for three checks, want 1", n)
	}
}

// other_id takes any one-word ID; one that is not an IAM ID warns.
func TestOtherIDFormat(t *testing.T) {
	for _, tc := range []struct {
		id, warning, err string
	}{
		{id: mockcloud.ErinUserID},
		{id: "idp-corp:carol", warning: `other_id = "idp-corp:carol" is not an IAM user or agency ID.*federated identity`},
		{id: "ERIN", warning: "is not an IAM user or agency ID"},
		{id: "", err: `other_id = "" is empty`},
		{id: "a\tb", err: "contains white space"},
		{id: "a\x00b", err: "contains a control character"},
		{id: "idp/carol", err: `contains "/"`},
		{id: strings.Repeat("é", 257), err: "longer than 256 characters"},
		{id: "\xff", err: "not valid UTF-8"},
	} {
		req := validator.StringRequest{Path: path.Root("other_id"), ConfigValue: types.StringValue(tc.id)}
		var resp validator.StringResponse
		otherIDFormat.ValidateString(context.Background(), req, &resp)
		var warnings, errs []string
		for _, d := range resp.Diagnostics {
			if d.Severity() == diag.SeverityError {
				errs = append(errs, d.Detail())
			} else {
				warnings = append(warnings, d.Detail())
			}
		}
		switch {
		case tc.err != "" && (len(errs) != 1 || !re(tc.err).MatchString(errs[0])):
			t.Errorf("%q: errors %q, want one matching %q", tc.id, errs, tc.err)
		case tc.err == "" && len(errs) != 0:
			t.Errorf("%q: errors %q", tc.id, errs)
		case tc.warning != "" && (len(warnings) != 1 || !re(tc.warning).MatchString(warnings[0])):
			t.Errorf("%q: warnings %q, want one matching %q", tc.id, warnings, tc.warning)
		case tc.warning == "" && len(warnings) != 0:
			t.Errorf("%q: warnings %q", tc.id, warnings)
		}
	}
}

// A caller STS names in a way the provider does not know is a warning, and
// the decision is CCE's; never a failed read of a user with an empty ID.
func TestRevocationChecks_unknownPrincipal(t *testing.T) {
	cloud := mockcloud.NewForTest(t)
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"account_id":"` + mockcloud.DomainID + `","principal_urn":"sts::` + mockcloud.DomainID +
			`:service-principal:robot","principal_id":"svc:robot"}`))
	}))
	t.Cleanup(sts.Close)
	client, err := cce.NewClient(cce.Config{
		Region: mockcloud.Region, ProjectID: mockcloud.ProjectID,
		IAMEndpoint: cloud.URL(), CCEEndpoint: cloud.URL(), CTSEndpoint: cloud.URL(), STSEndpoint: sts.URL,
		CACertPEM:   cloud.CACertPEM(),
		Credentials: cce.Credentials{AccessKey: mockcloud.AdminAccessKey, SecretKey: mockcloud.AdminSecretKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, diags := revocationChecks{client: client, by: resourceRevoker}.check(t.Context(), bobOn(mockcloud.ProdClusterID), cce.Cached)
	if diags.HasError() || !strings.Contains(diagText(diags), "CCE decides whether this revocation is allowed") ||
		!strings.Contains(diagText(diags), "service-principal:robot") {
		t.Errorf("diagnostics:\n%s", diagText(diags))
	}
}

// An identity whose ID is not an IAM ID (a federated identity's) imports into
// other_id, sent as the identity's type.
func TestCredentialRevocation_importFederatedIdentity(t *testing.T) {
	ctx := context.Background()
	server, _, typ := protocolServer(t, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	idType := identityType(t, server)
	identity := tftypes.NewValue(idType, map[string]tftypes.Value{
		"cluster_id":     tftypes.NewValue(tftypes.String, mockcloud.ProdClusterID),
		"applicant_type": tftypes.NewValue(tftypes.String, "user"),
		"region":         tftypes.NewValue(tftypes.String, nil),
		"project_id":     tftypes.NewValue(tftypes.String, nil),
		"applicant_id":   tftypes.NewValue(tftypes.String, "idp-corp:carol"),
	})
	resp, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{
		TypeName: "cce_credential_revocation",
		Identity: &tfprotov6.ResourceIdentityData{IdentityData: dynamic(t, idType, identity)},
	})
	failOnDiags(t, "import", resp.Diagnostics, err)
	if len(resp.ImportedResources) != 1 {
		t.Fatalf("%d imported resources", len(resp.ImportedResources))
	}
	v, err := resp.ImportedResources[0].State.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	got := func(name string) string {
		var s string
		if !attrs[name].IsNull() {
			_ = attrs[name].As(&s)
		}
		return s
	}
	if got("other_id") != "idp-corp:carol" || got("other_id_type") != "user" || got("user_id") != "" ||
		got("id") != mockcloud.ProdClusterID+"/other/idp-corp:carol" {
		t.Errorf("imported state %v", attrs)
	}
}
