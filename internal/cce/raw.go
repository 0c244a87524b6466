package cce

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// This file serves cmd/cce-probe, which asks the cloud how it answers
// requests the client never sends on purpose (a trailing slash, a skewed
// signing date, an IAM call without X-Domain-Id): it needs the client's
// endpoints, TLS settings and signer, but none of its retries, memos or error
// handling.

// RawRequest is one request sent exactly as described.
type RawRequest struct {
	// Service selects the endpoint: ServiceIAM, ServiceCCE, ServiceCTS or ServiceSTS.
	Service string
	Method  string
	// Path is sent as is, with no cleaning (a trailing "/" stays); Query is appended.
	Path  string
	Query url.Values
	// Header is sent in addition to Content-Type, Accept and User-Agent. An
	// X-Domain-Id or X-Project-Id here is signed like any other.
	Header http.Header
	Body   []byte
	// NoAuth sends the request without signature or token.
	NoAuth bool
	// Token, when set, is sent as X-Auth-Token instead of the client's own
	// credentials.
	Token string
	// SignSkew moves the X-Sdk-Date of an AK/SK signature this far from now.
	SignSkew time.Duration
}

// RawResponse is the whole answer, whatever its status.
type RawResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// maxRawBody bounds the body Raw reads.
const maxRawBody = 4 << 20

// Raw sends r once: no retries, no X-Domain-Id or X-Project-Id added, no
// error parsing. With AK/SK credentials it is signed as every request of
// the client is (X-Security-Token for temporary keys); with a token or a
// password it carries the IAM token. The answer is returned whatever its
// status; err is a transport error only.
func (c *Client) Raw(ctx context.Context, r RawRequest) (*RawResponse, error) {
	base := c.Endpoint(r.Service)
	if base == "" {
		return nil, fmt.Errorf("no %s endpoint configured", r.Service)
	}
	u := base + r.Path
	if len(r.Query) > 0 {
		u += "?" + r.Query.Encode()
	}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return nil, err
	}
	// Keep the path byte for byte: "//" or "/./" must reach the server. (An
	// opaque path that starts with "//" would be sent in absolute form.)
	if !strings.HasPrefix(r.Path, "/") || strings.HasPrefix(r.Path, "//") {
		return nil, fmt.Errorf("raw path %q must start with exactly one /", r.Path)
	}
	req.URL.Opaque = r.Path
	c.setHeaders(req.Header, r.Header)
	switch {
	case r.NoAuth:
	case r.Token != "":
		req.Header.Set(headerAuthToken, r.Token)
	case c.cfg.method.signsRequests():
		cr := c.cfg.Credentials
		if c.cfg.method == AuthTemporaryAKSK {
			req.Header.Set(headerSecToken, cr.SecurityToken)
		}
		signURL := base + r.Path
		if len(r.Query) > 0 {
			signURL += "?" + r.Query.Encode()
		}
		if _, err := signParts(r.Method, signURL, req.Header, req.URL.Host, r.Body, cr.AccessKey, cr.SecretKey,
			c.now().Add(r.SignSkew), nil); err != nil {
			return nil, err
		}
	case c.cfg.method == AuthToken:
		req.Header.Set(headerAuthToken, c.cfg.Credentials.AuthToken)
	default: // AuthPassword
		tok, err := c.tokens.get(ctx)
		if err != nil {
			return nil, err
		}
		req.Header.Set(headerAuthToken, tok.value)
	}
	base2, err := baseTransport(c.cfg)
	if err != nil {
		return nil, err
	}
	defer base2.CloseIdleConnections()
	hc := &http.Client{Transport: base2, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, err
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxRawBody))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	return &RawResponse{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Endpoint returns the base URL of a service (ServiceIAM, ServiceCCE,
// ServiceCTS, ServiceSTS), empty when it is not configured.
func (c *Client) Endpoint(service string) string {
	switch strings.ToUpper(service) {
	case ServiceIAM:
		return c.cfg.iamURL
	case ServiceCCE:
		return c.loc.cceURL
	case ServiceCTS:
		return c.loc.ctsURL
	case ServiceSTS:
		return c.cfg.stsURL
	}
	return ""
}

// Method returns how the client signs in.
func (c *Client) Method() AuthMethod { return c.cfg.method }

// DomainID returns the account ID AK/SK-signed IAM requests carry in
// X-Domain-Id: the configured one, else the one the look-ups find.
func (c *Client) DomainID(ctx context.Context) (string, error) { return c.domainID(ctx) }

// IAMToken returns the IAM token the client sends: the configured one, or
// the one obtained with the password; empty for AK/SK.
func (c *Client) IAMToken(ctx context.Context) (string, error) {
	switch c.cfg.method {
	case AuthToken:
		return c.cfg.Credentials.AuthToken, nil
	case AuthPassword:
		tok, err := c.tokens.get(ctx)
		if err != nil {
			return "", err
		}
		return tok.value, nil
	}
	return "", nil
}
