package world

import (
	"strings"
	"time"
)

// Token is an IAM token issued by the cloud.
type Token struct {
	UserID           string
	Issued, Expires  time.Time
	Methods          []string
	ProjectScoped    bool
	Revoked          bool
	RequestedCatalog bool
}

// TempCred is a temporary AK/SK pair with its security token. UserID is the
// IAM user, or the subject of Session.
type TempCred struct {
	UserID, Secret, SecurityToken string
	Created, Expires              time.Time
	Session                       *Session // nil: keys of an IAM user
}

// Kinds of session: temporary identities that are no IAM user.
const (
	SessionAgency    = "assumed-agency"
	SessionFederated = "external-user"
)

// Session is an assumed agency or a federated (identity provider) user,
// signed in with temporary keys. Its subject (the caller ID of the request
// log and the CN of its certificates) is the agency ID for an agency session
// and the principal ID for a federated user.
type Session struct {
	Kind string // SessionAgency or SessionFederated
	ID   string // the agency ID or the identity provider ID
	Name string // the session name
}

// PrincipalID is the session's STS principal_id: "<agency or IdP ID>:<session name>".
func (s *Session) PrincipalID() string { return s.ID + ":" + s.Name }

// SessionLifetime is how long the temporary keys of a session work (the
// default duration_seconds of STS AssumeAgency).
const SessionLifetime = time.Hour

// IssueToken stores and returns a new 24-hour token; the caller holds Mu.
func (a *Account) IssueToken(userID string, methods []string, projectScoped, catalog bool) string {
	id := "MIIDmock" + RandomHex(48)
	now := a.now()
	a.Tokens[id] = &Token{UserID: userID, Issued: now, Expires: now.Add(24 * time.Hour),
		Methods: methods, ProjectScoped: projectScoped, RequestedCatalog: catalog}
	return id
}

// IssueTempKeys stores a temporary key pair of the IAM user userID, or of
// session s whose subject is userID, valid for lifetime; the caller holds Mu.
func (a *Account) IssueTempKeys(userID string, s *Session, lifetime time.Duration) (ak, sk, securityToken string) {
	ak, sk, securityToken = "TMP"+strings.ToUpper(RandomHex(9))[:17], RandomHex(20), "gQpjbi1ub3J0aC00"+RandomHex(64)
	now := a.now()
	a.TempCreds[ak] = &TempCred{UserID: userID, Secret: sk, SecurityToken: securityToken,
		Created: now, Expires: now.Add(lifetime), Session: s}
	return ak, sk, securityToken
}

// KnownToken reports whether tok was issued by this cloud; it takes Mu.
func (a *Account) KnownToken(tok string) bool {
	if tok == "" {
		return false
	}
	a.Mu.Lock()
	defer a.Mu.Unlock()
	_, ok := a.Tokens[tok]
	return ok
}

// ExpireToken makes tok expire now (or keeps an earlier expiry); it takes Mu.
func (a *Account) ExpireToken(tok string) {
	now := a.now()
	a.Mu.Lock()
	defer a.Mu.Unlock()
	if t, ok := a.Tokens[tok]; ok && now.Before(t.Expires) {
		t.Expires = now
	}
}
