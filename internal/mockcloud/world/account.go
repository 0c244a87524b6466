// Package world is the bottom layer of the fake cloud: the account and
// everything in it (users, groups, agencies, projects, clusters, CTS traces,
// revocations, issued certificates, tokens, temporary keys and sessions) with
// the rules that need nothing but the account (who is an admin, where a
// cluster is, which cluster version takes a revocation). It knows no HTTP:
// the services (iam, sts, cce, cts, kube) answer requests from it, and the
// gateway checks signatures and tokens against it.
package world

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// The account every cloud has, seeded or not.
const (
	Region     = "eu-west-101"
	DomainID   = "d0d0a1b2c3d4e5f60718293a4b5c6d7e"
	DomainName = "acme-corp"
	ProjectID  = "9f1e2d3c4b5a69788796a5b4c3d2e1f0"
)

// Further regions and projects of the account (projects belong to the
// account, not to its clusters). Each region has one project named after it,
// as IAM creates them; eu-de has a second one, named "<region>_<suffix>" as
// IAM names sub-projects, which GET /v3/projects?name=eu-de does not return.
const (
	// ProjectIDSandbox is a further project of Region, with no cluster.
	ProjectIDSandbox = "5a0d0000000000000000000000000b0c"
	RegionDE         = "eu-de"
	ProjectIDDE      = "de0000000000000000000000000000de"
	ProjectDE2Name   = "eu-de_ops"
	ProjectIDDE2     = "de2000000000000000000000000000de"
	RegionNL         = "eu-nl"
	ProjectIDNL      = "0a0000000000000000000000000000a1"
)

// Project is an IAM project: Name is the region for a region's main project.
type Project struct{ ID, Name, Region string }

// Projects are the projects of the account, the provider tests' first.
var Projects = []Project{
	{ID: ProjectID, Name: Region, Region: Region},
	{ID: ProjectIDSandbox, Name: Region + "_sandbox", Region: Region},
	{ID: ProjectIDDE, Name: RegionDE, Region: RegionDE},
	{ID: ProjectIDDE2, Name: ProjectDE2Name, Region: RegionDE},
	{ID: ProjectIDNL, Name: RegionNL, Region: RegionNL},
}

// Regions returns the regions of the account, the provider tests' first.
func Regions() []string { return []string{Region, RegionDE, RegionNL} }

// MainProject returns the ID of the project named after region ("" if none).
func MainProject(region string) string {
	for _, p := range Projects {
		if p.Name == region {
			return p.ID
		}
	}
	return ""
}

// The IAM groups every account has.
const (
	AdminGroupName      = "admin"
	AdminGroupID        = "90000000000000000000000000000001"
	DevelopersGroupName = "developers"
	DevelopersGroupID   = "90000000000000000000000000000002"
	// IAMReadOnlyGroupName is the group whose members may read and list IAM
	// users, groups and agencies like an admin, but may neither query CTS
	// traces nor revoke other applicants' credentials.
	IAMReadOnlyGroupName = "iam-readonly"
	IAMReadOnlyGroupID   = "90000000000000000000000000000003"
	// ReadOnlyGroupName is the group whose members may read everything an
	// admin may read (IAM, CCE, CTS) and change nothing: CCE refuses their
	// clustercertrevoke and clustercert with 403, their own included. It
	// stands for read-only policies, as a pipeline's plan job has them.
	ReadOnlyGroupName = "readonly"
	ReadOnlyGroupID   = "90000000000000000000000000000004"
)

// PhaseAvailable is the only cluster phase in which revocation is accepted.
const PhaseAvailable = "Available"

// Account is everything the fake cloud knows. Whoever reads or changes a
// field holds Mu; the methods whose comment says so expect it held, the
// others take it themselves.
type Account struct {
	Mu          sync.Mutex
	Users       map[string]*UserRec   // by ID
	Groups      map[string]string     // name -> ID
	Agencies    map[string]*AgencyRec // by ID
	Clusters    map[string]*ClusterRec
	Projects    map[string]Project // by ID
	Traces      []*TraceRec
	Tokens      map[string]*Token
	TempCreds   map[string]*TempCred // by access key
	Revocations []Revocation
	Issuances   []IssuanceRec
	IssuedKeys  [][]byte // private keys of issued client certificates, for IssuedSecrets

	signIns map[string]*signIns // password sign-ins by user ID (lockout.go)
	lockout LockoutPolicy

	now func() time.Time
}

// NewAccount returns an account with its groups and projects and nothing
// else, on the clock now (the cloud's clock, which tests may move).
func NewAccount(now func() time.Time, lockout LockoutPolicy) *Account {
	a := &Account{
		Users:     map[string]*UserRec{},
		Groups:    map[string]string{},
		Agencies:  map[string]*AgencyRec{},
		Clusters:  map[string]*ClusterRec{},
		Projects:  map[string]Project{},
		Tokens:    map[string]*Token{},
		TempCreds: map[string]*TempCred{},
		lockout:   lockout,
		now:       now,
	}
	a.Groups[AdminGroupName] = AdminGroupID
	a.Groups[DevelopersGroupName] = DevelopersGroupID
	a.Groups[IAMReadOnlyGroupName] = IAMReadOnlyGroupID
	a.Groups[ReadOnlyGroupName] = ReadOnlyGroupID
	for _, p := range Projects {
		a.Projects[p.ID] = p
	}
	return a
}

// Now returns the cloud's time.
func (a *Account) Now() time.Time { return a.now() }

// RandomHex returns n random bytes hex encoded.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return hex.EncodeToString(b)
}

// RandomUUID returns a random version-4 UUID string.
func RandomUUID() string {
	h := RandomHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}
