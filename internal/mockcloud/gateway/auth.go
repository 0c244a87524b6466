package gateway

import (
	"net/http"
	"strings"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// authenticate checks the AK/SK signature or the IAM token of c, then what
// the route's service asks of them. On failure it writes the APIG 401 and
// returns false.
func (g *Gateway) authenticate(c *wire.Call, rt *wire.Route) bool {
	authz := c.R.Header.Get("Authorization")
	ok := false
	switch tok := presentedToken(c.R); {
	case strings.HasPrefix(authz, signAlgorithm):
		ok = g.authAKSK(c, authz) && checkDomainHeader(c, rt)
	case tok != "":
		ok = g.authToken(c, tok) && checkTokenScope(c, rt)
	default:
		wire.AuthFailed(c, "x-auth-token not found")
	}
	return ok
}

// checkDomainHeader requires X-Domain-Id, naming the caller's account, on an
// AK/SK-signed request to IAM, a global service (cce-api.md section 9). The
// gateway's wording of the refusal is UNCONFIRMED.
func checkDomainHeader(c *wire.Call, rt *wire.Route) bool {
	if rt.Service != wire.IAM || rt.NoDomainID {
		return true
	}
	switch d := c.R.Header.Get("X-Domain-Id"); d {
	case world.DomainID:
		return true
	case "":
		wire.AuthFailed(c, "X-Domain-Id is required by a global service called with AK/SK")
	default:
		wire.AuthFailed(c, "X-Domain-Id "+d+" is not the account of the access key")
	}
	return false
}

// checkTokenScope refuses a domain-scoped token on a project-scoped service
// (CCE, CTS). The gateway's wording is UNCONFIRMED.
func checkTokenScope(c *wire.Call, rt *wire.Route) bool {
	if !c.Caller.DomainScoped || (rt.Service != wire.CCE && rt.Service != wire.CTS) {
		return true
	}
	wire.AuthFailed(c, "the token is scoped to a domain, and "+rt.Service+" accepts only a token scoped to a project")
	return false
}

// presentedToken returns the IAM token of r (X-Auth-Token or a Bearer
// Authorization), or "".
func presentedToken(r *http.Request) string {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		return tok
	}
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(bearer)
	}
	return ""
}

// authToken validates an IAM token.
func (g *Gateway) authToken(c *wire.Call, tok string) bool {
	now := g.acct.Now()
	g.acct.Mu.Lock()
	t, ok := g.acct.Tokens[tok]
	var userOK bool
	if ok {
		u, found := g.acct.Users[t.UserID]
		userOK = found && u.Enabled
	}
	g.acct.Mu.Unlock()
	switch {
	case !ok:
		wire.AuthFailed(c, "decrypt token fail")
	case !now.Before(t.Expires):
		wire.AuthFailed(c, "token expires, expires_at: "+t.Expires.UTC().Format(wire.IAMTimeLayout))
	case t.Revoked || !userOK:
		wire.AuthFailed(c, "The token must be updated")
	default:
		c.Caller = wire.Caller{UserID: t.UserID, Auth: wire.AuthToken, Token: tok, DomainScoped: !t.ProjectScoped}
		return true
	}
	return false
}

// authAKSK validates an SDK-HMAC-SHA256 signature made with a permanent or
// temporary access key.
func (g *Gateway) authAKSK(c *wire.Call, authz string) bool {
	sh, err := parseSigHeader(authz)
	if err != nil {
		wire.AuthFailed(c, "verify aksk signature fail")
		return false
	}
	now := g.acct.Now()
	var userID, secret, kind, wantSecToken string
	var sess *world.Session
	g.acct.Mu.Lock()
	if u := g.acct.UserByAccessKey(sh.Access); u != nil && u.Enabled {
		userID, secret, kind = u.ID, u.SecretKey, wire.AuthAKSK
	}
	if tc, ok := g.acct.TempCreds[sh.Access]; ok && userID == "" && now.Before(tc.Expires) {
		if u, found := g.acct.Users[tc.UserID]; found && u.Enabled || tc.Session != nil {
			userID, secret, kind, wantSecToken = tc.UserID, tc.Secret, wire.AuthTemporaryAKSK, tc.SecurityToken
			sess = tc.Session
		}
	}
	g.acct.Mu.Unlock()
	if userID == "" {
		wire.AuthFailed(c, "verify aksk signature fail")
		return false
	}
	if kind == wire.AuthTemporaryAKSK && c.R.Header.Get("X-Security-Token") != wantSecToken {
		wire.AuthFailed(c, "verify aksk signature fail, invalid security token")
		return false
	}
	if err := verifySignature(c.R, c.Body, sh, secret, now); err != nil {
		wire.AuthFailed(c, err.Error())
		return false
	}
	c.Caller = wire.Caller{UserID: userID, Auth: kind, Session: sess}
	return true
}
