package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

const applicants = "data.cce_certificate_applicants.this"

// wantIDs asserts the exact, ordered ids list.
func wantIDs(ids ...string) statecheck.StateCheck {
	vals := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		vals[i] = knownvalue.StringExact(id)
	}
	return statecheck.ExpectKnownValue(applicants, tfjsonpath.New("ids"), knownvalue.ListExact(vals))
}

// applicantIs asserts every attribute of applicants[i].
func applicantIs(i int, id, name, typ, status string, enabled knownvalue.Check, deleted bool) statecheck.StateCheck {
	var deletedAt, deletedBy knownvalue.Check = knownvalue.Null(), knownvalue.Null()
	if deleted {
		deletedAt, deletedBy = knownvalue.StringRegexp(rfc3339), knownvalue.StringExact(mockcloud.AdminUserName)
	}
	return statecheck.ExpectKnownValue(applicants, tfjsonpath.New("applicants").AtSliceIndex(i), knownvalue.ObjectExact(
		map[string]knownvalue.Check{
			"id": knownvalue.StringExact(id), "name": knownvalue.StringExact(name), "type": knownvalue.StringExact(typ),
			"status": knownvalue.StringExact(status), "enabled": enabled, "description": knownvalue.NotNull(),
			"deleted_at": deletedAt, "deleted_by": deletedBy,
		}))
}

func applicantsStep(t *testing.T, v config.Variables, checks ...statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{Config: testConfig(t, "applicants.tf"), ConfigVariables: v, ConfigStateChecks: checks}
}

func TestAccCertificateApplicants_active(t *testing.T) {
	e := newAccEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{applicantsStep(t, config.Variables{},
			// Sorted by type, then name: agencies before users.
			wantIDs(mockcloud.OpsAgencyID, mockcloud.VendorAgencyID, mockcloud.AliceUserID, mockcloud.BobUserID,
				mockcloud.LeaverUserID, mockcloud.FrankUserID, mockcloud.IvyUserID, mockcloud.AdminUserID, mockcloud.RoUserID),
			applicantIs(0, mockcloud.OpsAgencyID, "ops-automation", "agency", "active", knownvalue.Bool(true), false),
			applicantIs(2, mockcloud.AliceUserID, "alice", "user", "active", knownvalue.Bool(true), false),
			statecheck.ExpectKnownValue(applicants, tfjsonpath.New("cluster_version"), knownvalue.Null()),
			statecheck.ExpectKnownValue(applicants, tfjsonpath.New("revocation_supported"), knownvalue.Null()),
		)},
	})
	e.readOnly()
	if n := e.cloud.Count(mockcloud.RouteListTraces); n != 0 {
		t.Errorf("CTS was queried %d times without include_deleted", n)
	}
}

// A caller with IAM read access but no admin rights lists the applicants too.
func TestAccCertificateApplicants_readOnlyCaller(t *testing.T) {
	e := newAccEnv(t)
	e.signIn(mockcloud.IvyAccessKey, mockcloud.IvySecretKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{applicantsStep(t, config.Variables{"types": config.ListVariable(config.StringVariable("agency"))},
			wantIDs(mockcloud.OpsAgencyID, mockcloud.VendorAgencyID))},
	})
	e.readOnly()
}

func TestAccCertificateApplicants_includeDeleted(t *testing.T) {
	e := newAccEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{applicantsStep(t, config.Variables{"include_deleted": config.BoolVariable(true)},
			// Two deleted users, one deleted agency; frank twice (deleted, then re-created); the
			// user deleted 10 days ago is outside CTS's 7-day window.
			wantIDs(mockcloud.OldVendorAgencyID, mockcloud.OpsAgencyID, mockcloud.VendorAgencyID,
				mockcloud.AliceUserID, mockcloud.BobUserID, mockcloud.LeaverUserID, mockcloud.ErinUserID,
				mockcloud.FrankOldUserID, mockcloud.FrankUserID, mockcloud.IvyUserID, mockcloud.AdminUserID, mockcloud.RoUserID),
			applicantIs(0, mockcloud.OldVendorAgencyID, "old-vendor", "agency", "deleted", knownvalue.Null(), true),
			applicantIs(6, mockcloud.ErinUserID, "erin.former", "user", "deleted", knownvalue.Null(), true),
			applicantIs(7, mockcloud.FrankOldUserID, "frank", "user", "deleted", knownvalue.Null(), true),
			applicantIs(8, mockcloud.FrankUserID, "frank", "user", "active", knownvalue.Bool(true), false),
		)},
	})
	e.readOnly()
}

func TestAccCertificateApplicants_filters(t *testing.T) {
	e := newAccEnv(t)
	users := config.ListVariable(config.StringVariable("user"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			applicantsStep(t, config.Variables{"types": users, "name_regex": config.StringVariable("^frank$"),
				"include_deleted": config.BoolVariable(true)},
				wantIDs(mockcloud.FrankOldUserID, mockcloud.FrankUserID)),
			applicantsStep(t, config.Variables{"types": config.ListVariable(config.StringVariable("agency"))},
				wantIDs(mockcloud.OpsAgencyID, mockcloud.VendorAgencyID)),
			// 36 hours: frank (deleted a day ago) but not erin (two days ago).
			applicantsStep(t, config.Variables{"types": users, "include_deleted": config.BoolVariable(true),
				"deleted_within": config.StringVariable("36h"), "name_regex": config.StringVariable("^(erin|frank)")},
				wantIDs(mockcloud.FrankOldUserID, mockcloud.FrankUserID)),
			applicantsStep(t, config.Variables{"name_regex": config.StringVariable("(?i)^ALICE$")},
				wantIDs(mockcloud.AliceUserID)),
		},
	})
	e.readOnly()
}

// 450 deletions need three CTS pages of 200.
func TestAccCertificateApplicants_ctsPaging(t *testing.T) {
	e := newAccEnv(t)
	var ids []string
	for i := range 450 {
		id := fmt.Sprintf("b0a0%028x", i)
		e.cloud.AddUser(mockcloud.User{ID: id, Name: fmt.Sprintf("bulk-%03d", i), Enabled: true})
		e.cloud.DeleteUser(id, mockcloud.AdminUserID)
		ids = append(ids, id)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{applicantsStep(t, config.Variables{
			"types": config.ListVariable(config.StringVariable("user")), "include_deleted": config.BoolVariable(true),
			"name_regex": config.StringVariable("^bulk-"),
		}, wantIDs(ids...))},
	})
	pages := map[string]int{}
	for _, r := range e.cloud.Requests() {
		if r.Route == mockcloud.RouteListTraces {
			pages[r.UserAgent]++
		}
	}
	if len(pages) == 0 {
		t.Errorf("no provider process read CTS (%s)", mockcloud.RouteListTraces)
	}
	for ua, n := range pages {
		if n != 3 {
			t.Errorf("provider process %s read %d CTS pages, want 3", ua, n)
		}
	}
	e.readOnly()
}

func TestAccCertificateApplicants_cluster(t *testing.T) {
	e := newAccEnv(t)
	cluster := func(id, version string, supported bool) resource.TestStep {
		return applicantsStep(t, config.Variables{"cluster_id": config.StringVariable(id), "name_regex": config.StringVariable("^alice$")},
			statecheck.ExpectKnownValue(applicants, tfjsonpath.New("cluster_version"), knownvalue.StringExact(version)),
			statecheck.ExpectKnownValue(applicants, tfjsonpath.New("revocation_supported"), knownvalue.Bool(supported)),
			wantIDs(mockcloud.AliceUserID))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			cluster(mockcloud.StagingClusterID, "v1.25.4-r10", true),
			cluster(mockcloud.OldClusterID, "v1.23.9-r0", false),
		},
	})
	e.readOnly()
}

// A deletion IAM refused deleted nothing: CTS records the attempt (code
// 403 or 404, rated warning), and it is not listed as a deleted identity.
func TestAccCertificateApplicants_failedDeletions(t *testing.T) {
	e := newAccEnv(t)
	e.cloud.DeleteUser(mockcloud.BobUserID, mockcloud.AliceUserID)                // not an admin: refused
	e.cloud.DeleteUser("0d00000000000000000000000000dead", mockcloud.AdminUserID) // no such user
	e.cloud.DeleteAgency(mockcloud.VendorAgencyID, mockcloud.BobUserID)           // not an admin: refused
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{applicantsStep(t, config.Variables{"include_deleted": config.BoolVariable(true),
			"deleted_within": config.StringVariable("1h")},
			wantIDs(mockcloud.OpsAgencyID, mockcloud.VendorAgencyID, mockcloud.AliceUserID, mockcloud.BobUserID,
				mockcloud.LeaverUserID, mockcloud.FrankUserID, mockcloud.IvyUserID, mockcloud.AdminUserID, mockcloud.RoUserID),
			applicantIs(3, mockcloud.BobUserID, "bob", "user", "active", knownvalue.Bool(true), false),
		)},
	})
	e.readOnly()
}
