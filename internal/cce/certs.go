package cce

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Applicant identifies whose credentials to revoke: exactly one of UserID
// and AgencyID.
type Applicant struct{ UserID, AgencyID string }

// validate checks the exactly-one rule locally.
func (a Applicant) validate() error {
	switch {
	case a.UserID == "" && a.AgencyID == "":
		return errors.New("applicant: set exactly one of user ID and agency ID (neither is set)")
	case a.UserID != "" && a.AgencyID != "":
		return errors.New("applicant: set exactly one of user ID and agency ID (both are set)")
	}
	return nil
}

// RevokeClusterCert revokes every certificate the applicant downloaded for
// the cluster (POST clustercertrevoke, 200 with empty body). Repeating it
// is harmless, so the client retries it like any other call; but one Client
// sends it once per cluster and applicant (revokeOnce), however many
// revocations ask for it.
func (c *Client) RevokeClusterCert(ctx context.Context, clusterID string, a Applicant) error {
	const op = "revoke cluster certificate"
	if err := a.validate(); err != nil {
		return notSent(opError(ServiceCCE, op, err))
	}
	body := map[string]string{}
	if a.UserID != "" {
		body["userId"] = a.UserID
	} else {
		body["agencyId"] = a.AgencyID
	}
	cc, err := c.clusterCall(ctx, op, http.MethodPost, pathRevoke, clusterID, body)
	if err != nil {
		return notSent(err) // e.g. the project ID could not be discovered
	}
	return c.loc.revokes.do(ctx, revokeKey(clusterID, a), func(ctx context.Context) error { return c.getJSON(ctx, cc, nil) })
}

// ClusterCertRequest asks for a certificate valid for Duration days (-1 =
// the maximum) or until ExpireAt. ExpireAt wins when both are set.
type ClusterCertRequest struct {
	Duration int
	ExpireAt time.Time
}

// ClusterCert is an issued credential.
type ClusterCert struct {
	// Kubeconfig is the JSON kubeconfig exactly as returned.
	Kubeconfig []byte
}

// CreateClusterCert issues a client certificate (POST clustercert). The
// response body is never logged. Every call issues a new certificate, so the
// request is retried only when a try failed before it was written (no
// connection, a failed TLS handshake) or the API gateway throttled it (429
// APIGW.0308: CCE never saw it); after a lost answer, a 5xx or CCE's own 429
// the error is returned (a certificate may have been issued after the first
// two). MayHaveActed tells that case.
func (c *Client) CreateClusterCert(ctx context.Context, clusterID string, r ClusterCertRequest) (*ClusterCert, error) {
	const op = "create cluster certificate"
	var body map[string]any
	switch {
	case !r.ExpireAt.IsZero():
		body = map[string]any{"expire_at": r.ExpireAt.UTC().Format(expireAtLayout)}
	case r.Duration == -1 || r.Duration > 0:
		body = map[string]any{"duration": r.Duration}
	default:
		return nil, opError(ServiceCCE, op, errors.New("set a duration in days (or -1 for the maximum) or an expiry time"))
	}
	cc, err := c.clusterCall(ctx, op, http.MethodPost, pathClusterCert, clusterID, body)
	if err != nil {
		return nil, err
	}
	cc.once = true // a second try after a lost answer would issue a second certificate
	b, err := c.getBody(ctx, cc)
	if err != nil {
		return nil, err
	}
	return &ClusterCert{Kubeconfig: b}, nil
}

// MayHaveActed reports whether the call that failed with err may still have
// been carried out by the server: a request was sent and no answer refused it
// (the answer was lost, or was a 5xx). A 4xx refusal and a request never
// sent are not.
func MayHaveActed(err error) bool {
	if err == nil || NotSent(err) {
		return false
	}
	if ae, ok := AsAPIError(err); ok {
		return ae.StatusCode >= 500
	}
	return true
}
