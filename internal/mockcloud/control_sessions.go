package mockcloud

import (
	"encoding/json"
	"net/http"
	"regexp"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// sessionNamePattern is what STS accepts as a session name (UNCONFIRMED:
// the AssumeAgency reference's rule, 2 to 64 of letters, digits and
// "_+=,.@-").
var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// SessionKeys is the answer of POST /mockcloud/v1/agencies/{agency}/sessions:
// the temporary keys of a new session of the agency, as STS AssumeAgency
// hands them out, and the names STS gives the session.
type SessionKeys struct {
	AccessKey     string `json:"access_key"`
	SecretKey     string `json:"secret_key"`
	SecurityToken string `json:"security_token"`
	ExpiresAt     string `json:"expires_at"`
	AgencyID      string `json:"agency_id"`
	SessionName   string `json:"session_name"`
	// PrincipalID is what STS caller identity and CTS call the session:
	// "<agency ID>:<session name>".
	PrincipalID string `json:"principal_id"`
}

// ctlAssumeAgency answers POST /agencies/{agency}/sessions with body
// {"session_name": "..."}: a new session of the agency (named by ID or
// name), so that a pipeline's plan and apply jobs can be tried by hand, each
// signed in as its own session.
func (c *Cloud) ctlAssumeAgency(_ *control, q *controlReq) {
	if !q.readBody() {
		return
	}
	var req struct {
		SessionName string `json:"session_name"`
	}
	if err := json.Unmarshal(q.body, &req); err != nil {
		q.fail(http.StatusBadRequest, `the body is not valid JSON (%v); send {"session_name": "plan-job-1"}`, err)
		return
	}
	if !sessionNamePattern.MatchString(req.SessionName) {
		q.fail(http.StatusBadRequest, "session_name %q is not a session name: 2 to 64 letters, digits and _+=,.@- "+
			`(send {"session_name": "plan-job-1"})`, req.SessionName)
		return
	}
	ref := q.r.PathValue("agency")
	c.acct.Mu.Lock()
	a := findAgencyRef(c.acct, ref)
	c.acct.Mu.Unlock()
	if a == nil {
		q.fail(http.StatusNotFound, "no agency with ID or name %q; GET /mockcloud/v1/world lists them", ref)
		return
	}
	ak, sk, tok := c.AssumeAgency(a.ID, req.SessionName)
	c.acct.Mu.Lock()
	expires := c.acct.TempCreds[ak].Expires
	c.acct.Mu.Unlock()
	s := world.Session{Kind: world.SessionAgency, ID: a.ID, Name: req.SessionName}
	q.reply(http.StatusCreated, SessionKeys{AccessKey: ak, SecretKey: sk, SecurityToken: tok,
		ExpiresAt: expires.UTC().Format(wire.IAMTimeLayout), AgencyID: a.ID,
		SessionName: req.SessionName, PrincipalID: s.PrincipalID()})
}
