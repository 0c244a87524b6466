package cce

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Client talks to CCE, IAM and CTS. It is safe for concurrent use; create it
// once per provider configuration. It works in one location (a region and a
// project of it); At gives a view of the same client in another location.
type Client struct {
	*core
	loc *located
}

// core is what every location view of a Client shares: the transport, the
// rate limiter, the sign-in, the verdict on the credentials and every answer
// of the global services (IAM and STS answer for the whole account).
type core struct {
	cfg     *resolvedConfig
	http    *retryablehttp.Client
	limiter *adaptiveLimiter // shared by the process's clients of one account (ratelimit.go)
	now     func() time.Time

	tokens tokenManager

	project   memo[string] // by region (location.go)
	domain    memo[domainJSON]
	sts       memo[*stsIdentity]
	tokenView memo[*tokenInfo]
	caller    memo[*Identity]
	users     directory[User]
	agencies  directory[Agency]

	verdict verdict // refused credentials (verdict.go)

	views views // the location views handed out by At (location.go)
}

// located is what a location view has of its own: where it works, the CCE
// and CTS hosts of its region, and the answers of those hosts.
type located struct {
	region    string // "" only for a provider with every endpoint and no region
	projectID string // "" means discovered by region name
	cceURL    string
	ctsURL    string

	clusters    memo[*Cluster]
	clusterList memo[[]Cluster]
	upgradeInfo memo[Version]
	revokes     revokeOnce // one revocation per cluster and applicant (revoke_once.go)
}

// NewClient validates cfg and builds a Client. It does no network I/O.
func NewClient(cfg Config) (*Client, error) {
	rc, err := resolveConfig(cfg)
	if err != nil {
		return nil, err
	}
	base, err := baseTransport(rc)
	if err != nil {
		return nil, err
	}
	c := &Client{core: &core{cfg: rc, now: time.Now},
		loc: &located{region: rc.Region, projectID: rc.ProjectID, cceURL: rc.cceURL, ctsURL: rc.ctsURL}}
	c.limiter = sharedLimiter(rc)
	c.tokens.client = c
	c.views.home = c
	c.users = directory[User]{what: "user", list: c.ListUsers, get: c.getUser, idOf: func(u User) string { return u.ID }}
	c.agencies = directory[Agency]{what: "agency", list: c.ListAgencies, get: c.getAgency, idOf: func(a Agency) string { return a.ID }}
	var rt http.RoundTripper = &logTransport{next: base}
	rt = &rateTransport{next: rt, limiter: c.limiter}
	rt = &authTransport{next: rt, client: c}
	c.http = &retryablehttp.Client{
		HTTPClient: &http.Client{
			Transport: rt,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		RetryWaitMin: rc.RetryWaitMin,
		RetryWaitMax: rc.RetryWaitMax,
		RetryMax:     rc.MaxRetries,
		CheckRetry:   checkRetry,
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return c, nil
}

// baseTransport builds the TLS-configured transport.
func baseTransport(rc *resolvedConfig) (*http.Transport, error) {
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("unexpected http.DefaultTransport type")
	}
	t := dt.Clone()
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: rc.Insecure} //nolint:gosec // opt-in via Config.Insecure.
	if len(rc.CACertPEM) > 0 {
		verifying, err := extraRootsTLS(rc.CACertPEM, x509.SystemCertPool)
		if err != nil {
			return nil, err
		}
		if !rc.Insecure {
			tc = verifying
		}
	}
	t.TLSClientConfig = tc
	t.ResponseHeaderTimeout = responseHeaderTimeout
	// Terraform plans and applies up to 10 resources at once, and a plan's
	// first reads go out together: keep their connections for the next
	// requests instead of two (Go's default), so that they need no new TLS
	// handshake.
	t.MaxIdleConnsPerHost = 16
	return t, nil
}

// ProjectID returns the project of the client's location: the configured
// one, else the one discovered with GET /v3/projects?name=<region> (password
// auth takes the provider's from the region-scoped token). The result is
// kept per region for every view; concurrent callers share one lookup.
func (c *Client) ProjectID(ctx context.Context) (string, error) {
	if c.loc.projectID != "" {
		return c.loc.projectID, nil
	}
	region := c.loc.region
	return c.project.get(ctx, region, Cached, func(ctx context.Context) (string, error) {
		if c.cfg.method == AuthPassword && region == c.cfg.Region {
			tok, err := c.tokens.get(ctx)
			if err != nil {
				return "", err
			}
			if tok.info.Project.ID != "" {
				return tok.info.Project.ID, nil
			}
		}
		var out struct {
			Projects []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"projects"`
		}
		q := url.Values{"name": {region}}
		if err := c.getJSON(ctx, call{service: ServiceIAM, op: "discover project", method: http.MethodGet,
			base: c.cfg.iamURL, path: pathProjects, query: q}, &out); err != nil {
			return "", err
		}
		for _, p := range out.Projects {
			if p.Name == region && p.ID != "" {
				return p.ID, nil
			}
		}
		return "", notFoundError(ServiceIAM, "discover project",
			fmt.Sprintf("no project named %q is visible to these credentials; set project_id", region))
	}, nil)
}

// call describes one API operation.
type call struct {
	service, op, method string
	base, path          string
	query               url.Values
	body                any
	header              http.Header
	noAuth              bool
	// global marks an IAM call that carries X-Domain-Id when signed with AK/SK.
	global bool
	// once marks a call that must not be repeated once it may have reached
	// the server (it creates something): it is retried only after a try
	// that failed before its request was written.
	once bool
}

// reqInfo travels in the request context to the transports.
type reqInfo struct {
	service, op string
	noAuth      bool
	attempt     atomic.Int32
	sent        atomic.Bool // the headers of a try reached the connection
	trySent     atomic.Bool // the headers of the latest try reached the connection
	once        bool        // call.once
	// interrupt is the caller's interrupt (WithInterrupt), nil without one;
	// waiting is set while the client waits between tries.
	interrupt context.Context
	waiting   atomic.Bool

	// domainID is the X-Domain-Id a try carried (a string), for the verdict.
	domainID atomic.Value
}

type reqInfoKey struct{}

func infoFrom(ctx context.Context) *reqInfo {
	ri, _ := ctx.Value(reqInfoKey{}).(*reqInfo)
	return ri
}

// escapeID path-escapes one ID and rejects empty ones.
func escapeID(kind, id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", fmt.Errorf("%s must not be empty", kind)
	}
	return url.PathEscape(id), nil
}

// do sends one API call with retries, auth and logging. On a 2xx status it
// returns the response (caller closes the body); otherwise an *APIError or
// a wrapped transport error.
func (c *Client) do(ctx context.Context, cl call) (*http.Response, error) {
	cl, err := c.withDomainHeader(ctx, cl)
	if err != nil {
		return nil, err
	}
	ri := &reqInfo{service: cl.service, op: cl.op, noAuth: cl.noAuth, once: cl.once, interrupt: interruptFrom(ctx)}
	if ri.interrupted() {
		return nil, notSent(opError(cl.service, cl.op, ErrInterrupted))
	}
	ctx, stop := watchInterrupt(ctx, ri)
	resp, err := c.send(ctx, cl, ri)
	if err != nil {
		stop()
		if ri.interrupted() && !Interrupted(err) && retryableError(err) {
			err = &interruptedError{err: err} // the retries an interrupt stopped: say so
		}
		return nil, err
	}
	resp.Body = &stopOnClose{ReadCloser: resp.Body, stop: stop}
	return resp, nil
}

// stopOnClose releases the interrupt watch of a call when its answer has
// been read.
type stopOnClose struct {
	io.ReadCloser
	stop func()
}

// Close implements io.Closer.
func (b *stopOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.stop()
	return err
}

// send makes the tries of one call.
func (c *Client) send(ctx context.Context, cl call, ri *reqInfo) (*http.Response, error) {
	ctx = c.logContext(ctx)
	ctx = context.WithValue(ctx, reqInfoKey{}, ri)

	u := cl.base + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body []byte
	if cl.body != nil {
		var err error
		if body, err = json.Marshal(cl.body); err != nil {
			return nil, notSent(opError(cl.service, cl.op, err))
		}
	}
	var raw any
	if body != nil {
		raw = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, u, raw)
	if err != nil {
		return nil, notSent(opError(cl.service, cl.op, err))
	}
	c.setHeaders(req.Header, cl.header)
	resp, err := c.http.Do(req)
	if err != nil {
		if ae, ok := AsAPIError(err); ok {
			var refused verdictError
			out := error(ae)
			if errors.As(err, &refused) {
				out = refused // the sign-in that had to come first, or an earlier request, was refused: say so
			}
			if !ri.sent.Load() {
				return nil, notSent(out)
			}
			return nil, out
		}
		if ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		err = opError(cl.service, cl.op, unwrapPermanent(err))
		if !ri.sent.Load() {
			err = notSent(err)
		}
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer func() { _ = resp.Body.Close() }()
		ae := parseAPIError(resp, cl.service, cl.op)
		ae.redact(c.secretValues()...)
		return nil, c.explainRefusal(ctx, ae, resp.Header.Get("Date"))
	}
	return resp, nil
}

// explainRefusal says what a 401 is about: this machine's clock, when the
// answer's Date is further from it than a signature may be; a configured
// token scoped to the account that CCE or CTS refuses (the token itself is
// fine); else the credentials themselves.
func (c *Client) explainRefusal(ctx context.Context, ae *APIError, date string) error {
	if ae.StatusCode != http.StatusUnauthorized {
		return ae
	}
	if at, err := http.ParseTime(date); err == nil && c.cfg.method.signsRequests() {
		if skew := c.now().Sub(at); skew > maxSignatureSkew || skew < -maxSignatureSkew {
			return c.verdict.skewed(&ClockSkewError{Skew: skew.Round(time.Second), Err: ae})
		}
	}
	if c.cfg.method == AuthToken && (ae.Service == ServiceCCE || ae.Service == ServiceCTS) {
		if t, err := c.tokenBody(ctx); err == nil && t.Project.ID == "" {
			return &TokenScopeError{Err: ae}
		}
	}
	return c.verdict.refuse(&CredentialsError{Method: c.cfg.method, Err: ae, DomainID: sentDomainID(ctx)})
}

// secretValues returns the configured secrets and the current IAM token: a
// server that echoes a request (the password of a token request, say) must
// not put them into an error message.
func (c *Client) secretValues() []string {
	out := c.cfg.Credentials.secrets()
	c.tokens.mu.Lock()
	if c.tokens.cur != nil {
		out = append(out, c.tokens.cur.value)
	}
	c.tokens.mu.Unlock()
	return out
}

// unwrapPermanent strips the internal permanentError marker from messages.
func unwrapPermanent(err error) error {
	var perm *permanentError
	if errors.As(err, &perm) {
		return perm.err
	}
	return err
}

// getJSON runs do and decodes a JSON body into out (nil: body discarded).
func (c *Client) getJSON(ctx context.Context, cl call, out any) error {
	return c.read(ctx, cl, func(r io.Reader) error {
		if out == nil {
			_, err := io.Copy(io.Discard, r)
			return err
		}
		return decodeJSON(r, out)
	})
}

// getBody sends cl and returns its whole success body.
func (c *Client) getBody(ctx context.Context, cl call) ([]byte, error) {
	var b []byte
	err := c.read(ctx, cl, func(r io.Reader) error {
		var err error
		if b, err = io.ReadAll(r); err != nil {
			return fmt.Errorf("reading response: %w", err)
		}
		return nil
	})
	return b, err
}

// read sends cl and hands its success body to decode, then closes it; an
// error of decode is the call's operation's.
func (c *Client) read(ctx context.Context, cl call, decode func(io.Reader) error) error {
	resp, err := c.do(ctx, cl)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if err := decode(resp.Body); err != nil {
		return opError(cl.service, cl.op, err)
	}
	return nil
}

// setHeaders adds extra to h, then the headers every request carries.
func (c *Client) setHeaders(h, extra http.Header) {
	for k, vs := range extra {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	h.Set("User-Agent", c.cfg.UserAgent)
}

// projectPath formats a project-scoped path with escaped IDs.
func (c *Client) projectPath(ctx context.Context, format string, ids ...string) (string, string, error) {
	pid, err := c.ProjectID(ctx)
	if err != nil {
		return "", "", err
	}
	args := []any{url.PathEscape(pid)}
	for _, id := range ids {
		args = append(args, url.PathEscape(id))
	}
	return fmt.Sprintf(format, args...), pid, nil
}

// clusterCall builds a call to a path of one cluster (format takes the
// project and cluster IDs) in the project's CCE API.
func (c *Client) clusterCall(ctx context.Context, op, method, format, clusterID string, body any) (call, error) {
	if _, err := escapeID("cluster ID", clusterID); err != nil {
		return call{}, opError(ServiceCCE, op, err)
	}
	path, pid, err := c.projectPath(ctx, format, clusterID)
	if err != nil {
		return call{}, err
	}
	return call{service: ServiceCCE, op: op, method: method, base: c.loc.cceURL, path: path, body: body,
		header: projectHeader(pid)}, nil
}

// projectHeader returns the X-Project-Id header for CCE/CTS calls.
func projectHeader(pid string) http.Header {
	return http.Header{headerProjectID: {pid}}
}

// decodeJSON decodes one JSON value from r.
func decodeJSON(r io.Reader, out any) error {
	if err := json.NewDecoder(r).Decode(out); err != nil {
		return fmt.Errorf("decoding response: %w", err)
	}
	return nil
}
