package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cceops/terraform-provider-cce/internal/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// protocolServer configures the provider, signed in with the given keys,
// against a fresh mock and returns it with the revocation's value type.
func protocolServer(t *testing.T, ak, sk string) (tfprotov6.ProviderServer, *mockcloud.Cloud, tftypes.Type) {
	t.Helper()
	ctx := context.Background()
	cloud := mockcloud.NewForTest(t)
	env := mockEnv(t, cloud)
	env["HW_ACCESS_KEY"], env["HW_SECRET_KEY"] = ak, sk
	server, err := providerserver.NewProtocol6WithError(newWithEnv("test", func(k string) string { return env[k] })())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	providerType := schemas.Provider.ValueType()
	providerConfig := dynamic(t, providerType, objectOf(t, providerType, nil))
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: providerConfig})
	failOnDiags(t, "configure", configured.Diagnostics, err)
	return server, cloud, schemas.ResourceSchemas["cce_credential_revocation"].ValueType()
}

// confirmation can only be written as "REVOKE", so a plan can change it only
// when the state holds something else (a state written by hand or by another
// tool). That change must be an in-place no-op, never a new revocation. No CLI
// can produce it, so this test speaks the plugin protocol directly.
func TestCredentialRevocation_confirmationChangeIsInPlace(t *testing.T) {
	ctx := context.Background()
	server, cloud, typ := protocolServer(t, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	id := mockcloud.ProdClusterID + "/user/" + mockcloud.AliceUserID
	state := map[string]tftypes.Value{
		"id": str(id), "cluster_id": str(mockcloud.ProdClusterID), "user_id": str(mockcloud.AliceUserID),
		"confirmation": str("revoke"), "applicant_type": str("user"),
		"applicant_name": str("alice"), "cluster_name": str("prod"), "cluster_version": str("v1.28.3-r0"),
		"revoked_at": str("2026-01-02T03:04:05Z"), "revoked_by": str(mockcloud.AdminUserID),
	}
	prior := objectOf(t, typ, state)
	state["confirmation"] = str(confirmationWord)
	proposed := objectOf(t, typ, state)
	config := objectOf(t, typ, map[string]tftypes.Value{
		"cluster_id": str(mockcloud.ProdClusterID), "user_id": str(mockcloud.AliceUserID), "confirmation": str(confirmationWord),
	})

	plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "cce_credential_revocation", PriorState: dynamic(t, typ, prior),
		ProposedNewState: dynamic(t, typ, proposed), Config: dynamic(t, typ, config),
	})
	failOnDiags(t, "plan", plan.Diagnostics, err)
	if len(plan.RequiresReplace) != 0 {
		t.Fatalf("changing only confirmation requires replacement of %v", plan.RequiresReplace)
	}

	applied, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "cce_credential_revocation", PriorState: dynamic(t, typ, prior),
		PlannedState: plan.PlannedState, Config: dynamic(t, typ, config),
	})
	failOnDiags(t, "apply", applied.Diagnostics, err)
	attrs := attrsOf(t, applied.NewState, typ)
	for name, want := range state {
		if !attrs[name].Equal(want) {
			t.Errorf("after the update %s = %v, want %v", name, attrs[name], want)
		}
	}
	if w := cloud.Writes(); len(w) != 0 {
		t.Errorf("an in-place confirmation change sent %d writes, first %s %s", len(w), w[0].Method, w[0].Path)
	}
}

// attrsOf decodes an object value of typ into its attributes.
func attrsOf(t *testing.T, v *tfprotov6.DynamicValue, typ tftypes.Type) map[string]tftypes.Value {
	t.Helper()
	obj, err := v.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := obj.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs
}

// objectOf builds an object of typ with the given attributes and null elsewhere.
func objectOf(t *testing.T, typ tftypes.Type, attrs map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object type", typ)
	}
	vals := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		if v, ok := attrs[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(typ, vals)
}

func dynamic(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func failOnDiags(t *testing.T, step string, diags []*tfprotov6.Diagnostic, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %s", step, err)
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("%s: %s: %s", step, d.Summary, d.Detail)
		}
	}
}

// The warnings a user must see, which plugin-testing cannot assert: every new
// revocation says it cannot be undone and whom it cuts off from where; a
// caller without IAM read access is warned that the applicant was not
// verified; destroy says the credential stays revoked.
func TestCredentialRevocation_warnings(t *testing.T) {
	ctx := context.Background()
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	config := func(typ tftypes.Type, userID string) tftypes.Value {
		return objectOf(t, typ, map[string]tftypes.Value{
			"cluster_id": str(mockcloud.ProdClusterID), "user_id": str(userID), "confirmation": str(confirmationWord),
		})
	}
	plan := func(server tfprotov6.ProviderServer, typ tftypes.Type, userID string) []*tfprotov6.Diagnostic {
		t.Helper()
		cfg := config(typ, userID)
		resp, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: "cce_credential_revocation", PriorState: dynamic(t, typ, tftypes.NewValue(typ, nil)),
			ProposedNewState: dynamic(t, typ, cfg), Config: dynamic(t, typ, cfg),
		})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}
	has := func(diags []*tfprotov6.Diagnostic, sev tfprotov6.DiagnosticSeverity, summary, detail string) bool {
		for _, d := range diags {
			if d.Severity == sev && d.Summary == summary && strings.Contains(d.Detail, detail) {
				return true
			}
		}
		return false
	}

	// An administrator plans a revocation: one warning, naming who and where.
	server, _, typ := protocolServer(t, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	diags := plan(server, typ, mockcloud.BobUserID)
	if len(diags) != 1 || !has(diags, tfprotov6.DiagnosticSeverityWarning, "Revocation cannot be undone",
		`user `+mockcloud.BobUserID+` downloaded for cluster "prod" (`+mockcloud.ProdClusterID+`, v1.28.3-r0 now)`) {
		t.Errorf("an admin's plan: %v", summaries(diags))
	}

	// A caller who may not read IAM: the existence check turns into a
	// warning, and the permission check still fails the plan.
	server, _, typ = protocolServer(t, mockcloud.AliceAccessKey, mockcloud.AliceSecretKey)
	diags = plan(server, typ, mockcloud.BobUserID)
	if !has(diags, tfprotov6.DiagnosticSeverityWarning, "Cannot verify the user", "may not read IAM users") ||
		!has(diags, tfprotov6.DiagnosticSeverityError, "Not allowed to revoke this credential", "signed in as alice") {
		t.Errorf("a plain user's plan: %v", summaries(diags))
	}

	// Destroy only forgets, and says so.
	server, cloud, typ := protocolServer(t, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	prior := objectOf(t, typ, map[string]tftypes.Value{
		"id": str(mockcloud.ProdClusterID + "/user/" + mockcloud.BobUserID), "cluster_id": str(mockcloud.ProdClusterID),
		"user_id": str(mockcloud.BobUserID), "confirmation": str(confirmationWord),
	})
	resp, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "cce_credential_revocation", PriorState: dynamic(t, typ, prior),
		PlannedState: dynamic(t, typ, tftypes.NewValue(typ, nil)), Config: dynamic(t, typ, tftypes.NewValue(typ, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) != 1 || !has(resp.Diagnostics, tfprotov6.DiagnosticSeverityWarning, "The credential stays revoked", "cannot be undone") {
		t.Fatalf("destroy: %v", summaries(resp.Diagnostics))
	}
	// One line: a destroy of a hundred revocations repeats it a hundred times.
	if d := resp.Diagnostics[0].Detail; len(d) > 120 || strings.Count(d, ". ") > 0 || strings.Contains(d, "\n") {
		t.Errorf("the destroy warning is not one short line (%d characters): %s", len(d), d)
	}
	if w := cloud.Writes(); len(w) != 0 {
		t.Errorf("destroy sent %d writes", len(w))
	}
}

func summaries(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, fmt.Sprintf("%v %q: %s", d.Severity, d.Summary, d.Detail))
	}
	return out
}

// States written before schema version 1 hold other_id_type = "user" for every
// revocation; the upgrade makes it null where other_id is, so that upgrading
// the provider plans nothing.
func TestCredentialRevocation_upgradeStateV0(t *testing.T) {
	ctx := context.Background()
	server, _, typ := protocolServer(t, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	for _, tc := range []struct {
		name, state string
		want        tftypes.Value
	}{
		{name: "user", state: `{"id":"x","cluster_id":"c","user_id":"u","other_id_type":"user","confirmation":"REVOKE"}`,
			want: tftypes.NewValue(tftypes.String, nil)},
		{name: "other as agency", state: `{"id":"x","cluster_id":"c","other_id":"o","other_id_type":"agency","confirmation":"REVOKE"}`,
			want: tftypes.NewValue(tftypes.String, "agency")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
				TypeName: "cce_credential_revocation", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(tc.state)},
			})
			failOnDiags(t, "upgrade", resp.Diagnostics, err)
			attrs := attrsOf(t, resp.UpgradedState, typ)
			if !attrs["other_id_type"].Equal(tc.want) {
				t.Errorf("other_id_type = %v, want %v", attrs["other_id_type"], tc.want)
			}
		})
	}
}

// The version error states the rule once: the minimum of the cluster's own
// line, or the whole rule when the line never supports revocation.
func TestCredentialRevocation_versionErrorStatesTheRuleOnce(t *testing.T) {
	ctx := context.Background()
	server, cloud, typ := protocolServer(t, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey)
	const v117 = "c0000000-0000-4000-8000-000000000017"
	cloud.PutCluster(mockcloud.Cluster{ID: v117, Name: "ancient", Phase: "Available", Version: "v1.17.9-r0"})
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	for _, tc := range []struct {
		name, clusterID, rule string
	}{
		{name: "below the line's minimum", clusterID: mockcloud.OldClusterID, rule: "v1.23.9-r10"},
		{name: "line never supported", clusterID: v117, rule: cce.RevocationRule()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := objectOf(t, typ, map[string]tftypes.Value{
				"cluster_id": str(tc.clusterID), "user_id": str(mockcloud.BobUserID), "confirmation": str(confirmationWord),
			})
			resp, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
				TypeName: "cce_credential_revocation", PriorState: dynamic(t, typ, tftypes.NewValue(typ, nil)),
				ProposedNewState: dynamic(t, typ, cfg), Config: dynamic(t, typ, cfg),
			})
			if err != nil {
				t.Fatal(err)
			}
			var detail string
			for _, d := range resp.Diagnostics {
				if d.Summary == "Cluster version too old for revocation" {
					detail = d.Detail
				}
			}
			if n := strings.Count(detail, tc.rule); n != 1 {
				t.Errorf("the rule %q appears %d times in: %s", tc.rule, n, detail)
			}
		})
	}
}
