package cce

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
)

// Credentials are checked once per Client (one provider process). The first
// request the cloud refuses for the credentials themselves (a 401 that is not
// about the clock or a token's scope, a refused password sign-in) becomes the
// Client's verdict: every later call fails at once with the same error,
// without sending anything, and a password is never sent again (IAM locks a
// user after a few failed sign-ins, cce-api.md §7). The verdict is learned
// from the requests the provider sends anyway; nothing is sent to probe.
//
// A 401 to an IAM request signed with an access key and carrying X-Domain-Id
// is kept apart: when STS or CCE accept the same key pair, the key is fine and
// the domain ID is not its account. Such a refusal stops only the requests
// that carry X-Domain-Id; a refusal of any other request stops everything.

// Fault names the setting that a CredentialsError is about.
type Fault string

// Faults, by setting.
const (
	// FaultAccessKey: access_key and secret_key (a permanent key pair).
	FaultAccessKey Fault = "access_key"
	// FaultTemporaryKey: access_key, secret_key and security_token.
	FaultTemporaryKey Fault = "security_token"
	// FaultPassword: user_name, password and domain_name.
	FaultPassword Fault = "password"
	// FaultToken: auth_token.
	FaultToken Fault = "auth_token"
	// FaultDomainID: domain_id is not the account of an access key that
	// STS or CCE accepted.
	FaultDomainID Fault = "domain_id"
	// FaultDomainIDOrKey: IAM refused a request that carried domain_id, and
	// no other request has told yet whether the key pair is good.
	FaultDomainIDOrKey Fault = "domain_id_or_key"
)

// verdictError is an error the verdict records: CredentialsError,
// ClockSkewError, UnknownHostError.
type verdictError interface {
	error
	Claim() bool
}

// verdict is a Client's memory of refused credentials.
type verdict struct {
	mu       sync.Mutex
	refused  *CredentialsError // every later call fails with it
	domain   *CredentialsError // every later call with X-Domain-Id fails with it
	accepted bool              // a request signed with the key pair was authenticated
	noHost   map[string]*UnknownHostError
	skew     *ClockSkewError // every later signed call fails with it
	claimed  atomic.Bool
}

// refusal returns the error a call must fail with before it is sent, nil
// when it may go. withDomain says the request carries X-Domain-Id.
func (v *verdict) refusal(withDomain bool) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case v.refused != nil:
		return v.refused
	case v.skew != nil:
		return v.skew // the clock does not mend itself within a run
	case withDomain && v.domain != nil:
		return v.domain
	}
	return nil
}

// refuse records e, a refusal of a request (sent with X-Domain-Id when
// e.DomainID is set), unless the same kind of refusal is already known, and
// returns the one recorded: every caller of the Client shares one error.
func (v *verdict) refuse(e *CredentialsError) *CredentialsError {
	v.mu.Lock()
	defer v.mu.Unlock()
	e.v = v
	slot := &v.refused
	if e.DomainID != "" {
		slot = &v.domain
	}
	if *slot == nil {
		*slot = e
	}
	return *slot
}

// skewed records a refusal because of this machine's clock and returns the
// one recorded.
func (v *verdict) skewed(e *ClockSkewError) *ClockSkewError {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.skew == nil {
		e.v = v
		v.skew = e
	}
	return v.skew
}

// Claim is CredentialsError.Claim for a clock refusal: one report per Client.
func (e *ClockSkewError) Claim() bool {
	if e.v == nil {
		return true
	}
	return e.v.claimed.CompareAndSwap(false, true)
}

// Claimed reports whether a reporter has claimed the error (Claim).
func (e *ClockSkewError) Claimed() bool { return e.v != nil && e.v.claimed.Load() }

// accept notes that the cloud authenticated a request signed with the key pair.
func (v *verdict) accept() {
	v.mu.Lock()
	v.accepted = true
	v.mu.Unlock()
}

// acceptedStatus reports whether a response status proves that the gateway
// authenticated the request: a success, or a service's refusal of a
// permission (which comes after authentication). A 404 does not: the
// gateway answers an unknown route (APIGW.0101) before it authenticates.
func acceptedStatus(code int) bool {
	return code >= 200 && code < 300 || code == http.StatusForbidden
}

// fault decides what e is about, with what the Client knows now.
func (v *verdict) fault(e *CredentialsError) Fault {
	if e.DomainID != "" {
		v.mu.Lock()
		refused, accepted := v.refused, v.accepted
		v.mu.Unlock()
		switch {
		case refused != nil:
			return refused.methodFault()
		case accepted:
			return FaultDomainID
		default:
			return FaultDomainIDOrKey
		}
	}
	return e.methodFault()
}

// methodFault is the fault of a refusal that does not depend on domain_id.
func (e *CredentialsError) methodFault() Fault {
	switch e.Method {
	case AuthTemporaryAKSK:
		return FaultTemporaryKey
	case AuthPassword:
		return FaultPassword
	case AuthToken:
		return FaultToken
	}
	return FaultAccessKey
}

// Fault names the setting the refusal is about. For a refusal of a request
// that carried domain_id it is decided by what other requests of the Client
// have shown since (the key pair accepted, or refused too).
func (e *CredentialsError) Fault() Fault {
	if e.v == nil {
		if e.DomainID != "" {
			return FaultDomainIDOrKey
		}
		return e.methodFault()
	}
	return e.v.fault(e)
}

// Claim reports whether the caller is the first of its Client to report this
// refusal: it then says it in full, and every later caller says no more than
// that the credentials were refused. A CredentialsError that no Client
// recorded is always claimed.
func (e *CredentialsError) Claim() bool {
	if e.v == nil {
		return true
	}
	return e.v.claimed.CompareAndSwap(false, true)
}

// Claimed reports whether a reporter has claimed the refusal (Claim).
func (e *CredentialsError) Claimed() bool { return e.v != nil && e.v.claimed.Load() }

// keepFailure is the keepErr of the Client's memos: a failure is kept for the
// life of the Client like an answer, so that N resources do not repeat a
// read that failed (after its retries), unless it is about a caller's
// context (an interrupt, a deadline), which is no fact about the cloud.
func keepFailure(err error) bool {
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// sentDomainID returns the X-Domain-Id that the request of ctx carried, "" if none.
func sentDomainID(ctx context.Context) string {
	if ri := infoFrom(ctx); ri != nil {
		d, _ := ri.domainID.Load().(string)
		return d
	}
	return ""
}

// UnknownHostError is a DNS answer that an endpoint's host does not exist
// (NXDOMAIN): a mistyped cloud, region or endpoint, which no retry mends. A
// Client remembers it per host like refused credentials: every later
// request to that host fails at once with the same error.
type UnknownHostError struct {
	// Host is the host name that does not exist.
	Host string
	// Setting names what the host came from: "endpoints.iam" (and cce,
	// cts, sts) when that endpoint is configured, else "region and cloud".
	Setting string
	// Region and Cloud are the configured values the endpoint was built
	// from (https://<service>.<region>.<cloud>), "" for a configured endpoint.
	Region, Cloud string
	Err           error

	v *verdict
}

// Error implements error.
func (e *UnknownHostError) Error() string {
	return "no such host " + e.Host + " (from " + e.Setting + ")"
}

// Unwrap returns the DNS error.
func (e *UnknownHostError) Unwrap() error { return e.Err }

// Claim is CredentialsError.Claim for an unknown host: one report per Client.
func (e *UnknownHostError) Claim() bool {
	if e.v == nil {
		return true
	}
	return e.v.claimed.CompareAndSwap(false, true)
}

// Claimed reports whether a reporter has claimed the error (Claim).
func (e *UnknownHostError) Claimed() bool { return e.v != nil && e.v.claimed.Load() }

// unknownHost returns the error a request to host must fail with before it
// is sent, nil when it may go.
func (v *verdict) unknownHost(host string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if e := v.noHost[host]; e != nil {
		return e
	}
	return nil
}

// noSuchHost records e and returns the error recorded for its host.
func (v *verdict) noSuchHost(e *UnknownHostError) *UnknownHostError {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.noHost == nil {
		v.noHost = map[string]*UnknownHostError{}
	}
	if prev := v.noHost[e.Host]; prev != nil {
		return prev
	}
	e.v = v
	v.noHost[e.Host] = e
	return e
}

// unknownHostError turns a transport error into an *UnknownHostError when
// DNS said that the host of u does not exist, and returns nil otherwise.
func (c *Client) unknownHostError(host string, err error) *UnknownHostError {
	var (
		dnsErr *net.DNSError
		known  *UnknownHostError
	)
	if errors.As(err, &known) || !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		return nil // known: another request's (a sign-in's) host, already recorded
	}
	e := &UnknownHostError{Host: host, Setting: "region and cloud", Region: c.loc.region, Cloud: c.cfg.Cloud, Err: dnsErr}
	for _, ep := range []struct{ name, configured, resolved string }{
		{"iam", c.cfg.IAMEndpoint, c.cfg.iamURL}, {"cce", c.cfg.CCEEndpoint, c.loc.cceURL},
		{"cts", c.cfg.CTSEndpoint, c.loc.ctsURL}, {"sts", c.cfg.STSEndpoint, c.cfg.stsURL},
	} {
		if u, perr := url.Parse(ep.resolved); perr == nil && u.Hostname() == host && ep.configured != "" {
			e.Setting, e.Region, e.Cloud = "endpoints."+ep.name, "", ""
			break
		}
	}
	return e
}
