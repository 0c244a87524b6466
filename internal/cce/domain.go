package cce

import (
	"context"
	"errors"
	"net/http"
)

// IAM is a global service. With AK/SK, the official SDK's global credentials
// send X-Domain-Id on every IAM request, and find the domain ID once when it
// is not configured: GET /v3/auth/domains, and when that lists nothing, the
// account_id of STS caller identity. Both look-ups go out without the header,
// as the SDK's do; so does the project look-up, which the SDK makes with its
// project credentials.

// domainJSON is one entry of GET /v3/auth/domains.
type domainJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// signsRequests reports whether m signs each request with an access key.
func (m AuthMethod) signsRequests() bool { return m == AuthAKSK || m == AuthTemporaryAKSK }

// authDomain returns the account GET /v3/auth/domains lists for the caller
// (its own), or the zero value when it lists none. Looked up once.
func (c *Client) authDomain(ctx context.Context) (domainJSON, error) {
	return c.domain.get(ctx, "", Cached, func(ctx context.Context) (domainJSON, error) {
		var out struct {
			Domains []domainJSON `json:"domains"`
		}
		err := c.getJSON(ctx, call{service: ServiceIAM, op: "list auth domains", method: http.MethodGet,
			base: c.cfg.iamURL, path: pathDomains}, &out)
		if err != nil || len(out.Domains) == 0 {
			return domainJSON{}, err
		}
		return out.Domains[0], nil
	}, keepFailure)
}

// errNoDomainID is returned when neither look-up names the account.
var errNoDomainID = errors.New("neither IAM (GET /v3/auth/domains) nor STS named the account of these credentials; set domain_id")

// domainID returns the X-Domain-Id of IAM requests: the configured one, else
// the look-ups above.
func (c *Client) domainID(ctx context.Context) (string, error) {
	if c.cfg.DomainID != "" {
		return c.cfg.DomainID, nil
	}
	d, err := c.authDomain(ctx)
	if err != nil || d.ID != "" {
		return d.ID, err
	}
	who, err := c.stsCaller(ctx)
	switch {
	case err != nil:
		return "", opError(ServiceIAM, "find the account", errors.Join(errNoDomainID, err))
	case who.AccountID == "":
		return "", opError(ServiceIAM, "find the account", errNoDomainID)
	}
	return who.AccountID, nil
}

// withDomainHeader adds X-Domain-Id to an AK/SK-signed IAM call that needs it.
func (c *Client) withDomainHeader(ctx context.Context, cl call) (call, error) {
	if !cl.global || !c.cfg.method.signsRequests() {
		return cl, nil
	}
	d, err := c.domainID(ctx)
	if err != nil {
		return cl, err
	}
	h := cl.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set(headerDomainID, d)
	cl.header = h
	return cl, nil
}
