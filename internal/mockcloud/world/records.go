package world

import "time"

// Cluster is a CCE cluster as seen by tests. Empty version fields are omitted
// from the API's JSON.
type Cluster struct {
	ID, Name, Phase, Version, PlatformVersion, LegacyVersion string
	// UpgradeRelease and UpgradePatch are what upgradeinfo answers (e.g.
	// "v1.27.1", "r10"); when empty they are derived from the resolved
	// version, and upgradeinfo answers 404 when that fails too.
	UpgradeRelease, UpgradePatch       string
	InternalEndpoint, ExternalEndpoint string
	// Locked sets status.isLocked (a cluster frozen, e.g. for an unpaid bill),
	// with LockScene as status.lockScene; CCE then refuses revocations.
	Locked    bool
	LockScene string
	// Region and ProjectID place the cluster: empty Region means the
	// project's region, else Region; empty ProjectID means the region's main
	// project (the one named after it).
	Region, ProjectID string
}

// User is an IAM user. Groups holds group names; unknown names create the group.
type User struct {
	ID, Name, Description          string
	Enabled                        bool
	Groups                         []string
	AccessKey, SecretKey, Password string
}

// Agency is an IAM agency (a role another account can assume). Admin stands
// for its identity policies: sessions of an agency with Admin set may do
// what members of group admin may.
type Agency struct {
	ID, Name, Description, TrustDomainID, TrustDomainName string
	Admin                                                 bool
}

// Trace is a CTS management trace. ServiceType defaults to "IAM", TraceType
// to "ApiCall", Code (the HTTP status of the traced call) to "200" and
// Rating to "normal" ("warning" for a failed call); an empty ID gets a
// random UUID.
type Trace struct {
	ID, Name, ResourceType, ResourceID, ResourceName string
	Time                                             time.Time
	UserID, UserName                                 string
	ServiceType, TraceType                           string
	Code, Rating                                     string
}

// Revocation records one accepted clustercertrevoke call.
type Revocation struct {
	ClusterID, UserID, AgencyID, RevokedBy string
	At                                     time.Time
}

// Issuance records one issued client certificate. Serial is the certificate's
// serial number in lowercase hex without separators.
type Issuance struct {
	ClusterID, ApplicantID, Serial string
	NotBefore, NotAfter, IssuedAt  time.Time
}

// UserRec is a stored user.
type UserRec struct {
	User
	Created time.Time
}

// AgencyRec is a stored agency.
type AgencyRec struct {
	Agency
	Created time.Time
}

// ClusterRec is a stored cluster. Its CA and kube API server live with the
// kube service, keyed by cluster ID, so PutCluster keeps them.
type ClusterRec struct {
	Cluster
	Created, Updated time.Time
}

// TraceRec is a stored trace.
type TraceRec struct {
	Trace
	Recorded  time.Time
	RequestID string
}

// IsDeletion reports whether t records a user or agency that IAM deleted
// (a refused deletion is traced too, with its error code).
func (t *TraceRec) IsDeletion() bool {
	return (t.Name == "deleteUser" || t.Name == "deleteAgency") && t.Code == "200"
}

// IssuanceRec is a stored issuance; Agency tells which revocation field
// (userId or agencyId) applies to its applicant.
type IssuanceRec struct {
	Issuance
	Agency bool
}
