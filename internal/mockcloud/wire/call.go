// Package wire is what the gateway and the services of the fake cloud agree
// on: a Call (one request that passed the gateway, with its caller), a Route
// (a service's handler under its http.ServeMux pattern), and the shapes of
// the answers, errors included, that more than one of them writes. It sits
// over the world and under both the services and the gateway.
package wire

import (
	"net/http"
	"strings"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// Services of the cloud. In the real cloud each has its own host
// (iam.{region}.{cloud}, cce..., sts..., cts...), so their paths never meet.
const (
	CCE = "CCE"
	IAM = "IAM"
	STS = "STS"
	CTS = "CTS"
)

// IAMTimeLayout is the timestamp format of IAM token bodies and of the
// gateway's word on an expired token.
const IAMTimeLayout = "2006-01-02T15:04:05.000000Z"

// Auth kinds recorded in the request log.
const (
	AuthAKSK          = "aksk"
	AuthTemporaryAKSK = "temporary_aksk"
	AuthToken         = "token"
)

// Route is one API of a service. Pattern is its http.ServeMux pattern
// ("METHOD /path/{wildcard}"), which is also its label in the request log.
type Route struct {
	Pattern string
	Service string
	// Public routes need no authentication (only POST /v3/auth/tokens).
	Public bool
	// NoDomainID marks the IAM routes the official SDK calls with AK/SK and
	// without X-Domain-Id (the domain look-up of its global credentials, the
	// project look-up of its project credentials); every other IAM route
	// needs the header.
	NoDomainID bool
	Handle     func(*Call)
}

// Method returns the HTTP method the route's pattern names.
func (rt Route) Method() string {
	m, _, _ := strings.Cut(rt.Pattern, " ")
	return m
}

// Call is one request as a service's handler sees it: R.PathValue gives the
// path's wildcards, Body the whole body, Caller who signed it.
type Call struct {
	W         http.ResponseWriter
	R         *http.Request
	Body      []byte
	RequestID string
	Caller    Caller
	// Region is the region of the host the request reached (the first
	// region on the combined listener and on the global IAM and STS hosts).
	Region string
}

// Caller is the authenticated principal of a call.
type Caller struct {
	UserID string // the user ID, or the subject of Session
	Auth   string // AuthAKSK | AuthTemporaryAKSK | AuthToken
	Token  string // the X-Auth-Token value for token callers
	// Session is the agency or federated session the caller signed in as,
	// nil for an IAM user.
	Session *world.Session
	// DomainScoped is true for a token scoped to the account, not a project.
	DomainScoped bool
}

// AsAgency reports whether the caller is a session of an agency.
func (c Caller) AsAgency() bool { return c.Session != nil && c.Session.Kind == world.SessionAgency }
