package cce

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// tokenBody is the IAM token body of cce-api.md §10 (fields we use).
type tokenBody struct {
	Token tokenInfo `json:"token"`
}

type tokenInfo struct {
	Methods   []string `json:"methods"`
	ExpiresAt string   `json:"expires_at"`
	User      struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Domain struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"domain"`
	} `json:"user"`
	Project struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"project"`
	// Domain is set instead of Project on a domain-scoped token.
	Domain struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"domain"`
	// AssumedBy is set on an agency token: User then describes the agency.
	AssumedBy *struct {
		User struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"user"`
	} `json:"assumed_by"`
}

// iamToken is a cached token with its metadata.
type iamToken struct {
	value   string
	expires time.Time
	info    tokenInfo
}

// tokenManager caches the password-derived token; concurrent refreshes are
// collapsed into one IAM request.
type tokenManager struct {
	client *Client
	mu     sync.Mutex
	cur    *iamToken
	g      singleflight.Group
}

// valid reports whether t can still be used at now.
func (t *iamToken) valid(now time.Time) bool {
	return t != nil && now.Before(t.expires.Add(-tokenRefreshMargin))
}

// get returns a valid token, requesting a new one when needed.
func (m *tokenManager) get(ctx context.Context) (*iamToken, error) {
	if err := m.client.verdict.refusal(false); err != nil {
		return nil, err // the password was refused once: never send it again
	}
	m.mu.Lock()
	cur := m.cur
	m.mu.Unlock()
	if cur.valid(m.client.now()) {
		return cur, nil
	}
	return shared(ctx, &m.g, "token", func(sctx context.Context) (*iamToken, error) {
		m.mu.Lock()
		cur := m.cur
		m.mu.Unlock()
		if cur.valid(m.client.now()) {
			return cur, nil
		}
		if err := m.client.verdict.refusal(false); err != nil {
			return nil, err
		}
		t, err := m.client.passwordToken(sctx)
		if err != nil {
			return nil, err
		}
		m.mu.Lock()
		m.cur = t
		m.mu.Unlock()
		return t, nil
	})
}

// invalidate drops the cached token if it is still the one given.
func (m *tokenManager) invalidate(value string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cur != nil && m.cur.value == value {
		m.cur = nil
	}
}

// passwordToken runs POST /v3/auth/tokens with the password credentials.
func (c *Client) passwordToken(ctx context.Context) (*iamToken, error) {
	cr := c.cfg.Credentials
	type named struct {
		Name string `json:"name,omitempty"`
		ID   string `json:"id,omitempty"`
	}
	var body struct {
		Auth struct {
			Identity struct {
				Methods  []string `json:"methods"`
				Password struct {
					User struct {
						Name     string `json:"name"`
						Password string `json:"password"`
						Domain   named  `json:"domain"`
					} `json:"user"`
				} `json:"password"`
			} `json:"identity"`
			Scope struct {
				Project named `json:"project"`
			} `json:"scope"`
		} `json:"auth"`
	}
	body.Auth.Identity.Methods = []string{"password"}
	body.Auth.Identity.Password.User.Name = cr.UserName
	body.Auth.Identity.Password.User.Password = cr.Password
	body.Auth.Identity.Password.User.Domain.Name = cr.DomainName
	if c.cfg.ProjectID != "" {
		body.Auth.Scope.Project.ID = c.cfg.ProjectID
	} else {
		body.Auth.Scope.Project.Name = c.cfg.Region
	}
	const op = "get token"
	resp, err := c.do(ctx, call{service: ServiceIAM, op: op, method: http.MethodPost, base: c.cfg.iamURL,
		path: pathTokens, query: map[string][]string{"nocatalog": {"true"}}, body: body, noAuth: true})
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	var tb tokenBody
	if err := decodeJSON(resp.Body, &tb); err != nil {
		return nil, opError(ServiceIAM, op, err)
	}
	value := resp.Header.Get(headerSubject)
	if value == "" {
		return nil, opError(ServiceIAM, op, errors.New("response has no X-Subject-Token header"))
	}
	return &iamToken{value: value, expires: parseExpiry(tb.Token.ExpiresAt, c.now()), info: tb.Token}, nil
}

// parseExpiry parses expires_at, falling back to a short lifetime.
func parseExpiry(s string, now time.Time) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return now.Add(tokenFallbackLifetime)
}

// authTransport authenticates each try: AK/SK signature (fresh X-Sdk-Date
// per try), static token, or password-derived token with one re-auth on 401.
type authTransport struct {
	next   http.RoundTripper
	client *Client
}

// RoundTrip implements http.RoundTripper. A host that DNS said does not
// exist is remembered (verdict.go): no later request goes to it.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	if err := t.client.verdict.unknownHost(host); err != nil {
		return nil, &permanentError{err: err}
	}
	resp, err := t.roundTrip(req)
	if err != nil {
		if uhe := t.client.unknownHostError(host, err); uhe != nil {
			return nil, t.client.verdict.noSuchHost(uhe)
		}
	}
	return resp, err
}

// roundTrip authenticates and sends one try.
func (t *authTransport) roundTrip(req *http.Request) (*http.Response, error) {
	ri := infoFrom(req.Context())
	body, err := drainRequestBody(req)
	if err != nil {
		return nil, err
	}
	if ri == nil || ri.noAuth {
		return t.next.RoundTrip(withBody(req, body))
	}
	c := t.client
	cr := c.cfg.Credentials
	domainID := req.Header.Get(headerDomainID)
	if err := c.verdict.refusal(domainID != ""); err != nil {
		return nil, &permanentError{err: err} // refused before: send nothing
	}
	if domainID != "" {
		ri.domainID.Store(domainID)
	}
	switch c.cfg.method {
	case AuthAKSK, AuthTemporaryAKSK:
		r := withBody(req, body)
		if c.cfg.method == AuthTemporaryAKSK {
			r.Header.Set(headerSecToken, cr.SecurityToken)
		}
		r.Header.Del(headerSdkDate)
		host := r.Host
		if host == "" {
			host = r.URL.Host
		}
		if _, err := signParts(r.Method, r.URL.String(), r.Header, host, body, cr.AccessKey, cr.SecretKey, c.now(), nil); err != nil {
			return nil, &permanentError{err: err}
		}
		resp, err := t.next.RoundTrip(r)
		if err == nil && acceptedStatus(resp.StatusCode) {
			c.verdict.accept() // the key pair is good: a later refusal with X-Domain-Id is about domain_id
		}
		return resp, err
	case AuthToken:
		r := withBody(req, body)
		r.Header.Set(headerAuthToken, cr.AuthToken)
		return t.next.RoundTrip(r)
	default: // AuthPassword
		tok, err := c.tokens.get(req.Context())
		if err != nil {
			return nil, &permanentError{err: err}
		}
		r := withBody(req, body)
		r.Header.Set(headerAuthToken, tok.value)
		resp, err := t.next.RoundTrip(r)
		if err != nil || resp.StatusCode != http.StatusUnauthorized {
			return resp, err
		}
		// The token may have been revoked or expired early: re-authenticate once.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody)) // draining is best effort.
		_ = resp.Body.Close()
		c.tokens.invalidate(tok.value)
		tok, err = c.tokens.get(req.Context())
		if err != nil {
			return nil, &permanentError{err: err}
		}
		r = withBody(req, body)
		r.Header.Set(headerAuthToken, tok.value)
		return t.next.RoundTrip(r)
	}
}

// drainRequestBody reads and closes the request body (nil when none).
func drainRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer func() { _ = req.Body.Close() }()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, &permanentError{err: err}
	}
	return b, nil
}

// withBody clones req with a fresh, replayable body.
func withBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(req.Context())
	if body == nil {
		r.Body = nil
		r.GetBody = nil
		r.ContentLength = 0
		return r
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	return r
}
