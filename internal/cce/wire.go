package cce

import "time"

// This file keeps, in one place, the wire facts and the choices made for
// points that cce-api.md marks UNCONFIRMED.

// Service names used in APIError.Service.
const (
	ServiceCCE = "CCE"
	ServiceIAM = "IAM"
	ServiceCTS = "CTS"
	ServiceSTS = "STS"
)

// API paths (format strings take path-escaped IDs).
const (
	pathClusters       = "/api/v3/projects/%s/clusters"
	pathCluster        = "/api/v3/projects/%s/clusters/%s"
	pathUpgradeInfo    = "/api/v3/projects/%s/clusters/%s/upgradeinfo"
	pathClusterCert    = "/api/v3/projects/%s/clusters/%s/clustercert"
	pathRevoke         = "/api/v3/projects/%s/clusters/%s/clustercertrevoke"
	pathTokens         = "/v3/auth/tokens"
	pathCredential     = "/v3.0/OS-CREDENTIAL/credentials/%s"
	pathDomains        = "/v3/auth/domains"
	pathProjects       = "/v3/projects"
	pathUsers          = "/v3/users"
	pathUser           = "/v3/users/%s"
	pathUserGroups     = "/v3/users/%s/groups"
	pathAgencies       = "/v3.0/OS-AGENCY/agencies"
	pathAgency         = "/v3.0/OS-AGENCY/agencies/%s"
	pathTraces         = "/v3/%s/traces"
	pathCallerIdentity = "/v5/caller-identity"
	headerDomainID     = "X-Domain-Id"
	headerRequestID    = "X-Request-Id"
	headerSubject      = "X-Subject-Token"
	headerAuthToken    = "X-Auth-Token"
	headerSecToken     = "X-Security-Token"
	headerProjectID    = "X-Project-Id"
	headerSdkDate      = "X-Sdk-Date"
	adminGroupName     = "admin"
	expireAtLayout     = "2006-01-02 15:04:05 +0000 UTC"
	ctsMaxPageSize     = 200
	ctsMaxPages        = 1000
	sharedCallTimeout  = 5 * time.Minute
)

// responseHeaderTimeout bounds one try waiting for response headers; a
// timeout counts as a transport error and is retried.
const responseHeaderTimeout = 2 * time.Minute

// maxSignatureSkew is how far X-Sdk-Date may be from the gateway's clock
// (cce-api.md section 9).
const maxSignatureSkew = 15 * time.Minute

// tokenRefreshMargin is how long before expires_at a cached IAM token is
// replaced.
const tokenRefreshMargin = 5 * time.Minute

// tokenFallbackLifetime is assumed when a token response has no parseable
// expires_at (UNCONFIRMED: IAM documents 24 h; a short value is the safe choice).
const tokenFallbackLifetime = time.Hour
