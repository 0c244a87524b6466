package mockcloud

// This file is the demo account: what Start serves unless WithoutSeed is
// given, and what most tests of this repository use by the names below.

import (
	"fmt"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// Seeded clusters outside the provider tests' region (Region, ProjectID).
const (
	DEProdClusterID   = "de000000-0000-4000-8000-000000000001" // eu-de, v1.28: accepts revocations
	DEOldClusterID    = "de000000-0000-4000-8000-000000000002" // eu-de, v1.23: too old
	DEOpsClusterID    = "de200000-0000-4000-8000-000000000001" // eu-de_ops, v1.27: accepts revocations
	NLProdClusterID   = "0a000000-0000-4000-8000-000000000001" // eu-nl, v1.29: accepts revocations
	NLLegacyClusterID = "0a000000-0000-4000-8000-000000000002" // eu-nl, v1.19: too old
)

// Seeded IAM users and their demo credentials (all fake).
const (
	AdminUserID    = "ad000000000000000000000000000001"
	AdminUserName  = "platform-admin"
	AdminAccessKey = "ADMINAKEXAMPLE000001"
	AdminSecretKey = "adminSecretKey0001DoNotLog"
	AdminPassword  = "Admin-Passw0rd!"

	AliceUserID    = "a11ce000000000000000000000000002"
	AliceUserName  = "alice"
	AliceAccessKey = "ALICEAKEXAMPLE000002"
	AliceSecretKey = "aliceSecretKey0002DoNotLog"
	AlicePassword  = "Alice-Passw0rd!"

	BobUserID    = "b0b00000000000000000000000000003"
	BobUserName  = "bob"
	BobAccessKey = "BOBAKEXAMPLE00000003"
	BobSecretKey = "bobSecretKey0003DoNotLog"
	BobPassword  = "Bob-Passw0rd!"

	LeaverUserID   = "1ea7e000000000000000000000000004"
	LeaverUserName = "dana.leaver"

	FrankUserID   = "f0000000000000000000000000000007"
	FrankUserName = "frank"

	// Ivy is a read-only IAM auditor (group "iam-readonly"), for permission tests.
	IvyUserID    = "1e4d0000000000000000000000000009"
	IvyUserName  = "ivy.reader"
	IvyAccessKey = "IVYAKEXAMPLE00000009"
	IvySecretKey = "ivySecretKey0009DoNotLog"
	IvyPassword  = "Ivy-Passw0rd!"

	// Ro is a read-only principal (group "readonly"), as a pipeline plans
	// with: it reads IAM, CCE and CTS, and may neither revoke nor download.
	RoUserID    = "7ead0000000000000000000000000010"
	RoUserName  = "viewer.ci"
	RoAccessKey = "ROAKEXAMPLE000000010"
	RoSecretKey = "roSecretKey0010DoNotLog"
	RoPassword  = "Ro-Passw0rd!"
)

// Seeded agencies.
const (
	OpsAgencyID       = "a9e00000000000000000000000000011"
	OpsAgencyName     = "ops-automation"
	VendorAgencyID    = "a9e00000000000000000000000000012"
	VendorAgencyName  = "vendor-support"
	OldVendorAgencyID = "a9e00000000000000000000000000013"
)

// Identities deleted before the mock started; they exist only as CTS traces.
const (
	ErinUserID        = "e1e1e000000000000000000000000005"
	ErinUserName      = "erin.former"
	FrankOldUserID    = "f0000000000000000000000000000006"
	OldVendorName     = "old-vendor"
	AncientUserID     = "0d000000000000000000000000000008"
	AncientUserName   = "ancient.user"
	deletedTraceActor = AdminUserID
)

// Seeded clusters.
const (
	ProdClusterID    = "c0000000-0000-4000-8000-000000000001"
	StagingClusterID = "c0000000-0000-4000-8000-000000000002"
	LegacyClusterID  = "c0000000-0000-4000-8000-000000000003"
	OldClusterID     = "c0000000-0000-4000-8000-000000000004"

	// SeedInternalEndpoint and SeedExternalEndpoint are the endpoints of every seeded cluster.
	SeedInternalEndpoint = "https://192.168.0.10:5443"
	SeedExternalEndpoint = "https://203.0.113.10:5443"
)

// seedDemo fills the demo account that Start serves unless WithoutSeed is
// given; the caller owns acct.
func seedDemo(acct *world.Account, now time.Time) {
	day := 24 * time.Hour
	users := []User{
		{ID: AdminUserID, Name: AdminUserName, Description: "Platform administrator", Enabled: true,
			Groups: []string{AdminGroupName}, AccessKey: AdminAccessKey, SecretKey: AdminSecretKey, Password: AdminPassword},
		{ID: AliceUserID, Name: AliceUserName, Description: "Developer", Enabled: true,
			Groups: []string{DevelopersGroupName}, AccessKey: AliceAccessKey, SecretKey: AliceSecretKey, Password: AlicePassword},
		{ID: BobUserID, Name: BobUserName, Description: "Developer", Enabled: true,
			Groups: []string{DevelopersGroupName}, AccessKey: BobAccessKey, SecretKey: BobSecretKey, Password: BobPassword},
		{ID: LeaverUserID, Name: LeaverUserName, Description: "Leaving at the end of the month", Enabled: true,
			Groups: []string{DevelopersGroupName}},
		{ID: FrankUserID, Name: FrankUserName, Description: "Developer (re-created)", Enabled: true,
			Groups: []string{DevelopersGroupName}},
		{ID: IvyUserID, Name: IvyUserName, Description: "IAM auditor (read-only)", Enabled: true,
			Groups: []string{IAMReadOnlyGroupName}, AccessKey: IvyAccessKey, SecretKey: IvySecretKey, Password: IvyPassword},
		{ID: RoUserID, Name: RoUserName, Description: "Read-only (pipeline plans)", Enabled: true,
			Groups: []string{ReadOnlyGroupName}, AccessKey: RoAccessKey, SecretKey: RoSecretKey, Password: RoPassword},
	}
	for _, u := range users {
		acct.AddUser(u, now.Add(-30*day))
	}
	acct.AddAgency(Agency{ID: OpsAgencyID, Name: OpsAgencyName, Description: "CI/CD automation account",
		TrustDomainID: "0a0b0c0d0e0f101112131415161718a1", TrustDomainName: "acme-ops"}, now.Add(-60*day))
	acct.AddAgency(Agency{ID: VendorAgencyID, Name: VendorAgencyName, Description: "Vendor support access",
		TrustDomainID: "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e01", TrustDomainName: "vendor-co"}, now.Add(-60*day))

	traces := []Trace{
		{ID: "7a1c0001-0000-4000-8000-000000000001", Name: "deleteUser", ResourceType: "user",
			ResourceID: ErinUserID, ResourceName: ErinUserName, Time: now.Add(-2 * day)},
		{ID: "7a1c0002-0000-4000-8000-000000000002", Name: "deleteUser", ResourceType: "user",
			ResourceID: FrankOldUserID, ResourceName: FrankUserName, Time: now.Add(-1 * day)},
		{ID: "7a1c0003-0000-4000-8000-000000000003", Name: "deleteAgency", ResourceType: "agency",
			ResourceID: OldVendorAgencyID, ResourceName: OldVendorName, Time: now.Add(-3 * day)},
		{ID: "7a1c0004-0000-4000-8000-000000000004", Name: "deleteUser", ResourceType: "user",
			ResourceID: AncientUserID, ResourceName: AncientUserName, Time: now.Add(-10 * day)},
		{ID: "7a1c0005-0000-4000-8000-000000000005", Name: "createUser", ResourceType: "user",
			ResourceID: FrankUserID, ResourceName: FrankUserName, Time: now.Add(-1*day + time.Hour)},
	}
	for _, t := range traces {
		t.UserID, t.UserName = deletedTraceActor, AdminUserName
		acct.AddTrace(t)
	}

	clusters := []Cluster{
		{ID: ProdClusterID, Name: "prod", Phase: PhaseAvailable, Version: "v1.28", PlatformVersion: "cce.3.0", LegacyVersion: "v1.28.3-r0"},
		{ID: StagingClusterID, Name: "staging", Phase: PhaseAvailable, Version: "v1.25", PlatformVersion: "cce.4.10"},
		{ID: LegacyClusterID, Name: "legacy", Phase: PhaseAvailable, Version: "v1.19.16-r50", PlatformVersion: "cce.2.0"},
		{ID: OldClusterID, Name: "old", Phase: PhaseAvailable, Version: "v1.23", PlatformVersion: "cce.9.0", LegacyVersion: "v1.23.9-r0"},
	}
	for i, cl := range clusters {
		cl.InternalEndpoint, cl.ExternalEndpoint = SeedInternalEndpoint, SeedExternalEndpoint
		acct.PutCluster(cl, now.Add(-time.Duration(400-50*i)*day))
	}
	elsewhere := []Cluster{
		{ID: DEProdClusterID, Name: "de-prod", Region: RegionDE, Version: "v1.28", PlatformVersion: "cce.3.0"},
		{ID: DEOldClusterID, Name: "de-old", Region: RegionDE, Version: "v1.23", PlatformVersion: "cce.9.0"},
		{ID: DEOpsClusterID, Name: "de-ops", Region: RegionDE, ProjectID: ProjectIDDE2, Version: "v1.27", PlatformVersion: "cce.5.0"},
		{ID: NLProdClusterID, Name: "nl-prod", Region: RegionNL, Version: "v1.29", PlatformVersion: "cce.2.0"},
		{ID: NLLegacyClusterID, Name: "nl-legacy", Region: RegionNL, Version: "v1.19.16-r20", PlatformVersion: "cce.2.0"},
	}
	for _, cl := range elsewhere {
		cl.Phase, cl.InternalEndpoint, cl.ExternalEndpoint = PhaseAvailable, SeedInternalEndpoint, SeedExternalEndpoint
		acct.PutCluster(cl, now.Add(-200*day))
	}
}

// ExtraClusterID is the ID of the i-th extra cluster that the standalone
// command adds with -extra-clusters (i from 0): Available, v1.28.3-r0.
func ExtraClusterID(i int) string { return fmt.Sprintf("c0000000-0000-4000-8000-1%011d", i) }

// AddExtraClusters adds n Available clusters that accept revocations, with
// the IDs ExtraClusterID(0) to ExtraClusterID(n-1), for load and benchmarks.
func (c *Cloud) AddExtraClusters(n int) {
	for i := range n {
		c.PutCluster(Cluster{ID: ExtraClusterID(i), Name: fmt.Sprintf("extra-%02d", i), Phase: PhaseAvailable,
			Version: "v1.28", PlatformVersion: "cce.3.0", LegacyVersion: "v1.28.3-r0",
			InternalEndpoint: SeedInternalEndpoint, ExternalEndpoint: SeedExternalEndpoint})
	}
}

// DemoSecrets returns the secret key and the password of a user (either ""
// when the user has none), for the standalone mock's start-up summary: all
// of them are fake, and a user trying a pipeline by hand needs them.
func (c *Cloud) DemoSecrets(userID string) (secretKey, password string) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	if u := c.acct.Users[userID]; u != nil {
		return u.SecretKey, u.Password
	}
	return "", ""
}
