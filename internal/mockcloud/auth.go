package mockcloud

import (
	"net/http"
	"strings"
)

// Auth kinds recorded in Request.Auth.
const (
	AuthAKSK          = "aksk"
	AuthTemporaryAKSK = "temporary_aksk"
	AuthToken         = "token"
)

// authenticate checks the AK/SK signature or the IAM token of rc, then what
// the route's service asks of them. On failure it writes the APIG 401 and
// returns false.
func (c *Cloud) authenticate(rc *reqCtx, rt *route) bool {
	authz := rc.r.Header.Get("Authorization")
	ok := false
	switch tok := presentedToken(rc.r); {
	case strings.HasPrefix(authz, signAlgorithm):
		ok = c.authAKSK(rc, authz) && c.checkDomainHeader(rc, rt)
	case tok != "":
		ok = c.authToken(rc, tok) && checkTokenScope(rc, rt)
	default:
		writeAuthFailed(rc, "x-auth-token not found")
	}
	return ok
}

// domainIDOptional are the IAM routes the official SDK calls without
// X-Domain-Id: the domain look-up of its global credentials, and the project
// look-up of its project (basic) credentials.
var domainIDOptional = map[string]bool{RouteDomains: true, RouteProjects: true}

// checkDomainHeader requires X-Domain-Id, naming the caller's account, on an
// AK/SK-signed request to IAM, a global service (cce-api.md section 9). The
// gateway's wording of the refusal is UNCONFIRMED.
func (c *Cloud) checkDomainHeader(rc *reqCtx, rt *route) bool {
	if rt.service != serviceIAM || domainIDOptional[rt.label] {
		return true
	}
	switch d := rc.r.Header.Get("X-Domain-Id"); d {
	case DomainID:
		return true
	case "":
		writeAuthFailed(rc, "X-Domain-Id is required by a global service called with AK/SK")
	default:
		writeAuthFailed(rc, "X-Domain-Id "+d+" is not the account of the access key")
	}
	return false
}

// checkTokenScope refuses a domain-scoped token on a project-scoped service
// (CCE, CTS). The gateway's wording is UNCONFIRMED.
func checkTokenScope(rc *reqCtx, rt *route) bool {
	if !rc.caller.domainScoped || (rt.service != serviceCCE && rt.service != serviceCTS) {
		return true
	}
	writeAuthFailed(rc, "the token is scoped to a domain, and "+rt.service+" accepts only a token scoped to a project")
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
func (c *Cloud) authToken(rc *reqCtx, tok string) bool {
	now := c.now()
	c.st.mu.Lock()
	t, ok := c.st.tokens[tok]
	var userOK bool
	if ok {
		u, found := c.st.users[t.userID]
		userOK = found && u.Enabled
	}
	c.st.mu.Unlock()
	switch {
	case !ok:
		writeAuthFailed(rc, "decrypt token fail")
	case !now.Before(t.expires):
		writeAuthFailed(rc, "token expires, expires_at: "+t.expires.UTC().Format(iamTimeLayout))
	case t.revoked || !userOK:
		writeAuthFailed(rc, "The token must be updated")
	default:
		rc.caller = principal{userID: t.userID, auth: AuthToken, token: tok, domainScoped: !t.projectScoped}
		return true
	}
	return false
}

// authAKSK validates an SDK-HMAC-SHA256 signature made with a permanent or
// temporary access key.
func (c *Cloud) authAKSK(rc *reqCtx, authz string) bool {
	sh, err := parseSigHeader(authz)
	if err != nil {
		writeAuthFailed(rc, "verify aksk signature fail")
		return false
	}
	now := c.now()
	var userID, secret, kind, wantSecToken string
	var sess *session
	c.st.mu.Lock()
	for _, u := range c.st.users {
		if u.AccessKey != "" && u.AccessKey == sh.Access {
			if u.Enabled {
				userID, secret, kind = u.ID, u.SecretKey, AuthAKSK
			}
			break
		}
	}
	if tc, ok := c.st.tempCreds[sh.Access]; ok && userID == "" && now.Before(tc.expires) {
		if u, found := c.st.users[tc.userID]; found && u.Enabled || tc.session != nil {
			userID, secret, kind, wantSecToken = tc.userID, tc.secret, AuthTemporaryAKSK, tc.securityToken
			sess = tc.session
		}
	}
	c.st.mu.Unlock()
	if userID == "" {
		writeAuthFailed(rc, "verify aksk signature fail")
		return false
	}
	if kind == AuthTemporaryAKSK && rc.r.Header.Get("X-Security-Token") != wantSecToken {
		writeAuthFailed(rc, "verify aksk signature fail, invalid security token")
		return false
	}
	if err := verifySignature(rc.r, rc.body, sh, secret, now); err != nil {
		writeAuthFailed(rc, err.Error())
		return false
	}
	rc.caller = principal{userID: userID, auth: kind, session: sess}
	return true
}
