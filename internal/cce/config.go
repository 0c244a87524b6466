package cce

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// DefaultCloud is the cloud domain used when Config.Cloud is empty (Huawei Cloud).
const DefaultCloud = "myhuaweicloud.com"

// CloudOTC is the cloud domain of Open Telekom Cloud.
const CloudOTC = "otc.t-systems.com"

// Default retry waits used when Config leaves them zero.
const (
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
)

// DefaultUserAgent is sent when Config.UserAgent is empty.
const DefaultUserAgent = "terraform-provider-cce"

// Config configures a Client.
type Config struct {
	// Region is the region name, e.g. "eu-de". It builds the default endpoints
	// and scopes project discovery.
	Region string
	// ProjectID is the project to work in; empty means discovered via
	// GET /v3/projects?name=<Region>.
	ProjectID string
	// Cloud is the cloud domain; empty means DefaultCloud.
	Cloud string
	// DomainID is the account (domain) ID that AK/SK-signed IAM requests
	// carry in X-Domain-Id; empty means it is looked up once, as the
	// official SDK's global credentials do (see domain.go).
	DomainID string

	// IAMEndpoint, CCEEndpoint, CTSEndpoint and STSEndpoint override the
	// default https://{iam|cce|cts|sts}.{Region}.{Cloud}. A trailing "/" is
	// trimmed. http:// is accepted only for a loopback host.
	IAMEndpoint, CCEEndpoint, CTSEndpoint, STSEndpoint string

	// RegionEndpoints overrides the CCE and CTS endpoints of regions other
	// than Region (whose own are CCEEndpoint and CTSEndpoint), by region
	// name; see Client.At. IAM and STS are global: a view of another region
	// uses IAMEndpoint and STSEndpoint.
	RegionEndpoints map[string]RegionEndpoints

	// Credentials selects exactly one authentication method.
	Credentials Credentials

	// Insecure skips TLS certificate verification.
	Insecure bool
	// CACertPEM holds extra trusted roots added to the system pool.
	CACertPEM []byte

	// MaxRetries is the number of retries after the first try; 0 means no
	// retries. Negative values are rejected.
	MaxRetries int
	// RateLimit is the client-side request rate per second (token bucket,
	// burst max(1, int(RateLimit))); 0 means unlimited.
	RateLimit float64
	// RetryWaitMin and RetryWaitMax bound the backoff between tries; they
	// default to 500ms and 30s when zero.
	RetryWaitMin, RetryWaitMax time.Duration

	// UserAgent is sent on every request; empty means DefaultUserAgent.
	UserAgent string
}

// RegionEndpoints are the CCE and CTS endpoints of one region; an empty one
// means the default https://{cce|cts}.{region}.{cloud}.
type RegionEndpoints struct {
	CCE, CTS string
}

// Credentials holds the secrets of all supported authentication methods; exactly
// one method must be complete.
type Credentials struct {
	AccessKey, SecretKey, SecurityToken string
	UserName, Password, DomainName      string
	AuthToken                           string
}

// AuthMethod names an authentication method.
type AuthMethod string

// Supported authentication methods.
const (
	AuthAKSK          AuthMethod = "aksk"
	AuthTemporaryAKSK AuthMethod = "temporary_aksk"
	AuthPassword      AuthMethod = "password"
	AuthToken         AuthMethod = "token"
)

// secrets returns the non-empty secret values, used to mask logs.
func (c Credentials) secrets() []string {
	var out []string
	for _, s := range []string{c.SecretKey, c.SecurityToken, c.Password, c.AuthToken} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// normalizeEndpoint validates an endpoint URL and trims its trailing slashes.
// Error messages show the URL without user info, query and fragment (where
// a password or token could hide), and never the text of a URL that does not
// parse.
func normalizeEndpoint(name, raw string) (string, error) {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	if e := CheckEndpoint(raw); e != nil {
		if e.Shown == "" {
			return "", fmt.Errorf("invalid %s endpoint: %s", name, e.Problem)
		}
		return "", fmt.Errorf("invalid %s endpoint %q: %s", name, e.Shown, e.Problem)
	}
	return raw, nil
}

// EndpointError says what is wrong with an endpoint URL.
type EndpointError struct {
	// Shown is the URL as it may be shown: without user info, query and
	// fragment; "" when no part of it may be shown (it does not parse).
	Shown string
	// Problem says what is wrong and what to do: the end of a sentence that
	// begins with the URL.
	Problem string
	// PlainHTTP marks an http:// URL of a host that is not this machine.
	PlainHTTP bool
}

// exampleEndpoint is the form every endpoint error suggests.
const exampleEndpoint = "an absolute https:// URL such as https://cce.eu-de.otc.t-systems.com"

// CheckEndpoint checks an endpoint URL: https (http only for a loopback
// host), a host, no user info, query or fragment. It returns nil when the URL
// is fine.
func CheckEndpoint(raw string) *EndpointError {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the whole URL.
		}
		var esc url.EscapeError
		if errors.As(err, &esc) {
			err = errors.New("invalid %-escape") // the escape's text may be part of a password
		}
		return &EndpointError{Problem: fmt.Sprintf("is not a valid URL (%s); use %s", err, exampleEndpoint)}
	}
	shown := safeURL(u)
	switch {
	case u.Scheme == "":
		return &EndpointError{Shown: shown, Problem: "has no scheme; write it with https://, e.g. https://" +
			strings.TrimPrefix(shown, "//")}
	case u.Opaque != "":
		// "name:secret@host" parses as scheme "name": show none of it.
		return &EndpointError{Problem: "is not an absolute URL (no // after the scheme; the value is not shown, " +
			"it may hold a password); use " + exampleEndpoint}
	case u.Scheme != "https" && u.Scheme != "http":
		return &EndpointError{Shown: shown, Problem: fmt.Sprintf("has scheme %q; the endpoints speak HTTPS only: use https://", u.Scheme)}
	case u.Host == "":
		return &EndpointError{Shown: shown, Problem: "has no host; use " + exampleEndpoint}
	case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
		return &EndpointError{Shown: shown, Problem: PlainHTTPRule, PlainHTTP: true}
	}
	var extra []string
	if u.User != nil {
		extra = append(extra, "user info")
	}
	if u.RawQuery != "" || u.ForceQuery {
		extra = append(extra, "a query")
	}
	if u.Fragment != "" || u.RawFragment != "" {
		extra = append(extra, "a fragment")
	}
	if len(extra) > 0 {
		return &EndpointError{Shown: shown, Problem: fmt.Sprintf("(shown without %s) must not contain credentials, "+
			"a query or a fragment; remove them from the URL and sign in with the provider's credential "+
			"arguments", strings.Join(extra, " and "))}
	}
	return nil
}

// PlainHTTPRule says why an http:// endpoint is refused.
const PlainHTTPRule = "http:// would send the credentials (a signature, a token or a password) in clear text; " +
	"use https://. Plain http is accepted only for a loopback host (localhost, 127.0.0.1, ::1), such as a local test cloud"

// IsLoopbackHost reports whether host (a name or an IP, without port) is
// this machine: "localhost" or a loopback address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// safeURL renders u without user info, query and fragment.
func safeURL(u *url.URL) string {
	cp := *u
	cp.User = nil
	cp.RawQuery, cp.ForceQuery = "", false
	cp.Fragment, cp.RawFragment = "", ""
	return cp.String()
}

// resolvedConfig is a validated Config with defaults applied.
type resolvedConfig struct {
	Config
	method                         AuthMethod
	iamURL, cceURL, ctsURL, stsURL string
}

func resolveConfig(cfg Config) (*resolvedConfig, error) {
	rc := &resolvedConfig{Config: cfg}
	m, err := cfg.Credentials.Method()
	if err != nil {
		return nil, err
	}
	rc.method = m
	if rc.Cloud == "" {
		rc.Cloud = DefaultCloud
	}
	rc.Region = strings.TrimSpace(rc.Region)
	allEndpoints := cfg.IAMEndpoint != "" && cfg.CCEEndpoint != "" && cfg.CTSEndpoint != ""
	if rc.Region == "" && !allEndpoints {
		return nil, errors.New("region is required unless the iam, cce and cts endpoints are all set")
	}
	if rc.Region == "" && rc.ProjectID == "" {
		return nil, errors.New("project_id is required when region is not set (the project is discovered by region name)")
	}
	for _, e := range []struct {
		name, val string
		dst       *string
	}{
		{"iam", cfg.IAMEndpoint, &rc.iamURL},
		{"cce", cfg.CCEEndpoint, &rc.cceURL},
		{"cts", cfg.CTSEndpoint, &rc.ctsURL},
		{"sts", cfg.STSEndpoint, &rc.stsURL},
	} {
		v := e.val
		switch {
		case v == "" && rc.Region == "":
			continue // only STS may be left out: the caller is then identified through IAM
		case v == "":
			v = "https://" + e.name + "." + rc.Region + "." + rc.Cloud
		}
		n, err := normalizeEndpoint(e.name, v)
		if err != nil {
			return nil, err
		}
		*e.dst = n
	}
	rc.RegionEndpoints = make(map[string]RegionEndpoints, len(cfg.RegionEndpoints))
	for region, re := range cfg.RegionEndpoints {
		if err := CheckRegion(region); err != nil {
			return nil, fmt.Errorf("region_endpoints: %w", err)
		}
		var out RegionEndpoints
		for _, e := range []struct {
			name, val string
			dst       *string
		}{{"cce", re.CCE, &out.CCE}, {"cts", re.CTS, &out.CTS}} {
			if e.val == "" {
				continue
			}
			n, err := normalizeEndpoint(e.name+" ("+region+")", e.val)
			if err != nil {
				return nil, err
			}
			*e.dst = n
		}
		rc.RegionEndpoints[region] = out
	}
	if rc.MaxRetries < 0 {
		return nil, fmt.Errorf("max_retries must be 0 or more, got %d", rc.MaxRetries)
	}
	if rc.RateLimit < 0 {
		return nil, fmt.Errorf("rate limit must be 0 (unlimited) or more, got %g", rc.RateLimit)
	}
	if rc.RetryWaitMin == 0 {
		rc.RetryWaitMin = DefaultRetryWaitMin
	}
	if rc.RetryWaitMax == 0 {
		rc.RetryWaitMax = DefaultRetryWaitMax
	}
	if rc.RetryWaitMin < 0 || rc.RetryWaitMax < rc.RetryWaitMin {
		return nil, fmt.Errorf("retry waits must satisfy 0 <= min <= max, got min %s max %s", rc.RetryWaitMin, rc.RetryWaitMax)
	}
	if rc.UserAgent == "" {
		rc.UserAgent = DefaultUserAgent
	}
	return rc, nil
}
