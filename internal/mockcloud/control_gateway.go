package mockcloud

import (
	"net/http"
	"time"
)

// This file is the control API's part that reads and changes the gateway
// and what passed it: fault rules, the quota's counts, the revocations CCE
// accepted.

// faultsJSON lists the active fault rules with how often each fired.
func (c *Cloud) faultsJSON() map[string]any {
	active := c.gw.Faults()
	rules := make([]map[string]any, len(active))
	for i, rl := range active {
		rules[i] = map[string]any{"fault": rl.Fault.String(), "hits": rl.Hits}
	}
	return map[string]any{"faults": rules}
}

// ctlFaults answers GET /faults.
func (c *Cloud) ctlFaults(_ *control, q *controlReq) { q.reply(http.StatusOK, c.faultsJSON()) }

// ctlAddFault answers POST /faults with {"fault": "<-fault flag value>"}:
// the rule is appended after the active ones.
func (c *Cloud) ctlAddFault(_ *control, q *controlReq) {
	var spec string
	d, ok := q.decodeBody("fault", func(d *decoder, root *yamlNode) {
		d.object(root, "", "a fault", []field{{"fault", d.str(&spec)}})
	})
	if !ok {
		return
	}
	f, err := ParseFault(spec)
	if err != nil {
		d.fail("fault", "%v", err)
		q.problems(d, "fault")
		return
	}
	if err := c.gw.AddFault(f); err != nil { // ParseFault checked it; cannot fail
		q.fail(http.StatusBadRequest, "%v", err)
		return
	}
	q.reply(http.StatusCreated, c.faultsJSON())
}

// ctlClearFaults answers DELETE /faults.
func (c *Cloud) ctlClearFaults(_ *control, q *controlReq) {
	c.ClearFaults()
	q.reply(http.StatusOK, c.faultsJSON())
}

// ctlQuota answers GET /quota: the quota's settings and counts.
func (c *Cloud) ctlQuota(_ *control, q *controlReq) { q.reply(http.StatusOK, c.QuotaStats()) }

// revocationJSON is one revocation as GET /revocations answers it.
type revocationJSON struct {
	ClusterID string    `json:"cluster_id"`
	UserID    string    `json:"user_id,omitempty"`
	AgencyID  string    `json:"agency_id,omitempty"`
	RevokedBy string    `json:"revoked_by"`
	At        time.Time `json:"at"`
}

// ctlRevocations answers GET /revocations: every accepted revocation,
// oldest first, so that a harness can check that each happened once.
func (c *Cloud) ctlRevocations(_ *control, q *controlReq) {
	revs := c.Revocations()
	out := make([]revocationJSON, len(revs))
	for i, r := range revs {
		out[i] = revocationJSON(r)
	}
	q.reply(http.StatusOK, out)
}
