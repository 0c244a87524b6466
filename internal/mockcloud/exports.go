package mockcloud

import (
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/gateway"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/kube"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// What tests use of the layers below, under the names they have always had.

// Things of the account (package world).
type (
	// User is an IAM user. Groups holds group names; unknown names create the group.
	User = world.User
	// Agency is an IAM agency; Admin stands for policies that allow everything.
	Agency = world.Agency
	// Cluster is a CCE cluster as seen by tests.
	Cluster = world.Cluster
	// Trace is a CTS management trace.
	Trace = world.Trace
	// Revocation records one accepted clustercertrevoke call.
	Revocation = world.Revocation
	// Issuance records one issued client certificate.
	Issuance = world.Issuance
)

// The account every cloud has (package world).
const (
	Region               = world.Region
	DomainID             = world.DomainID
	DomainName           = world.DomainName
	ProjectID            = world.ProjectID
	ProjectIDSandbox     = world.ProjectIDSandbox
	RegionDE             = world.RegionDE
	ProjectIDDE          = world.ProjectIDDE
	ProjectIDDE2         = world.ProjectIDDE2
	RegionNL             = world.RegionNL
	ProjectIDNL          = world.ProjectIDNL
	AdminGroupName       = world.AdminGroupName
	AdminGroupID         = world.AdminGroupID
	DevelopersGroupName  = world.DevelopersGroupName
	DevelopersGroupID    = world.DevelopersGroupID
	IAMReadOnlyGroupName = world.IAMReadOnlyGroupName
	IAMReadOnlyGroupID   = world.IAMReadOnlyGroupID
	ReadOnlyGroupName    = world.ReadOnlyGroupName
	ReadOnlyGroupID      = world.ReadOnlyGroupID
	PhaseAvailable       = world.PhaseAvailable

	// DefaultLockoutAttempts is how many failed sign-ins in a row lock a user.
	DefaultLockoutAttempts = world.DefaultLockoutAttempts
	// DefaultLockoutPeriod is how long the lock lasts.
	DefaultLockoutPeriod = world.DefaultLockoutPeriod
)

// Regions returns the regions of the account, the provider tests' first.
func Regions() []string { return world.Regions() }

// Answers and their codes (package wire, cce, kube).
const (
	CodeInvalidRequest    = wire.CodeInvalidRequest
	CodeVersionNotSupport = wire.CodeVersionNotSupport
	CodeForbidden         = wire.CodeForbidden
	CodeNotFound          = wire.CodeNotFound
	CodeInternal          = wire.CodeInternal
	CodeAPINotFound       = wire.CodeAPINotFound
	CodeAuthFailed        = wire.CodeAuthFailed
	CodeCTSBadQuery       = wire.CodeCTSBadQuery
	CodeCTSForbidden      = wire.CodeCTSForbidden

	AuthAKSK          = wire.AuthAKSK
	AuthTemporaryAKSK = wire.AuthTemporaryAKSK
	AuthToken         = wire.AuthToken
	// AuthX509 is Request.Auth of a kube API request whose client certificate was accepted.
	AuthX509 = kube.AuthX509

	// MaxCertDays is clustercert's longest validity in days; duration -1 selects it.
	MaxCertDays = cce.MaxCertDays
)

// The gateway's faults, quota and request log (package gateway).
type (
	// Request is one recorded request, successful or not.
	Request = gateway.Request
	// Fault is one rule of fault injection.
	Fault = gateway.Fault
	// FaultKind names what an injected fault does; it is also Request.Fault.
	FaultKind = gateway.FaultKind
	// QuotaStats is what the quota did so far.
	QuotaStats = gateway.QuotaStats
)

// Fault kinds, and the gateway's codes of injected answers.
const (
	FaultStatus500    = gateway.FaultStatus500
	FaultStatus502    = gateway.FaultStatus502
	FaultStatus503    = gateway.FaultStatus503
	FaultThrottle     = gateway.FaultThrottle
	FaultLatency      = gateway.FaultLatency
	FaultReset        = gateway.FaultReset
	FaultCommitDrop   = gateway.FaultCommitDrop
	FaultExpireTokens = gateway.FaultExpireTokens

	// QuotaFault is the Request.Fault of a request the quota refused.
	QuotaFault = gateway.QuotaFault

	CodeBackendMissing     = gateway.CodeBackendMissing
	CodeBackendUnavailable = gateway.CodeBackendUnavailable
	CodeThrottled          = gateway.CodeThrottled
)

// ParseQuota reads the -quota flag of the standalone mock: "RPS" or
// "RPS/BURST" (requests per second, the bucket's size; the size defaults to
// RPS rounded up, at least 1). "0" is no quota.
func ParseQuota(s string) (rps float64, burst int, err error) { return gateway.ParseQuota(s) }
