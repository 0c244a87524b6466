package mockcloud

import (
	"net/http"
	"strings"
	"time"
)

// Kinds of session: temporary identities that are no IAM user.
const (
	sessionAgency    = "assumed-agency"
	sessionFederated = "external-user"
)

// session is an assumed agency or a federated (identity provider) user,
// signed in with temporary keys. Its subject (the caller ID of the request
// log and the CN of its certificates) is the agency ID for an agency session
// and the principal ID for a federated user.
type session struct {
	kind string // sessionAgency or sessionFederated
	id   string // the agency ID or the identity provider ID
	name string // the session name
}

// principalID is the session's STS principal_id: "<agency or IdP ID>:<session name>".
func (s *session) principalID() string { return s.id + ":" + s.name }

// sessionLifetime is how long the temporary keys of a session work (the
// default duration_seconds of STS AssumeAgency).
const sessionLifetime = time.Hour

// AssumeAgency returns the temporary keys of a new session of the agency, as
// STS AssumeAgency would: its requests act as the agency, which may do what
// members of group admin may when Agency.Admin is set. The CN of the
// certificates it downloads is the agency ID.
func (c *Cloud) AssumeAgency(agencyID, sessionName string) (ak, sk, securityToken string) {
	return c.issueSession(&session{kind: sessionAgency, id: agencyID, name: sessionName}, agencyID)
}

// FederatedSession returns the temporary keys of a federated user who signed
// in through the identity provider idpID. It may not read IAM or CTS and may
// revoke only its own credential (the CN of its certificates is its
// principal ID, "<idpID>:<sessionName>").
func (c *Cloud) FederatedSession(idpID, sessionName string) (ak, sk, securityToken string) {
	s := &session{kind: sessionFederated, id: idpID, name: sessionName}
	return c.issueSession(s, s.principalID())
}

func (c *Cloud) issueSession(s *session, subject string) (ak, sk, securityToken string) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	ak, sk, securityToken = newTempKeys()
	now := c.now()
	c.st.tempCreds[ak] = &tempCred{userID: subject, secret: sk, securityToken: securityToken,
		created: now, expires: now.Add(sessionLifetime), session: s}
	return ak, sk, securityToken
}

// handleCallerIdentity answers STS GET /v5/caller-identity for every kind of
// caller; it needs no permission. The URN and ID formats follow the CTS
// trace's user.principal_urn / principal_id documentation (UNCONFIRMED for STS).
func (c *Cloud) handleCallerIdentity(rc *reqCtx) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	var urn, id string
	switch s := rc.caller.session; {
	case s == nil:
		u := c.st.users[rc.caller.userID]
		if u == nil {
			writeAuthFailed(rc, "The token must be updated")
			return
		}
		urn, id = "iam::"+DomainID+":user:"+u.Name, u.ID
	case s.kind == sessionAgency:
		name := s.id
		if a := c.st.agencies[s.id]; a != nil {
			name = a.Name
		}
		urn, id = "sts::"+DomainID+":"+s.kind+":"+name+"/"+s.name, s.principalID()
	default:
		urn, id = "sts::"+DomainID+":"+s.kind+":"+s.id+"/"+s.name, s.principalID()
	}
	writeJSON(rc.w, http.StatusOK, map[string]string{"account_id": DomainID, "principal_urn": urn, "principal_id": id})
}

// newTempKeys returns a fresh temporary access key, secret key and security token.
func newTempKeys() (ak, sk, securityToken string) {
	return "TMP" + strings.ToUpper(randomHex(9))[:17], randomHex(20), "gQpjbi1ub3J0aC00" + randomHex(64)
}
