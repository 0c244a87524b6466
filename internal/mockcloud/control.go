package mockcloud

import (
	"crypto/subtle"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// This file is the control API: a JSON API on the cloud's own port that
// changes the world while the mock runs (README.md beside this file
// documents it). It answers only loopback clients that present its token;
// other requests, and every request while it is off, go to the cloud's
// routes like any other. Its requests never enter the cloud's request log.

// ControlPrefix is the path prefix of the control API.
const ControlPrefix = "/mockcloud/v1/"

// control is an enabled control API.
type control struct {
	token   string
	actorID string // who deletions are recorded as made by, unless ?by= says
	mux     *http.ServeMux
}

// NewControlToken returns a fresh random control token. It shares no format
// with the cloud's credentials, so neither can be mistaken for the other.
func NewControlToken() string { return "mockctl-" + world.RandomHex(24) }

// EnableControl turns the control API on. Requests must come from a
// loopback address with "Authorization: Bearer <token>". actorUserID is the
// user that CTS records as the author of deletions made through it, unless
// the request names another with ?by=<user>.
func (c *Cloud) EnableControl(token, actorUserID string) {
	ctl := &control{token: token, actorID: actorUserID, mux: http.NewServeMux()}
	for _, h := range []struct {
		pattern string
		handle  func(*control, *controlReq)
	}{
		{"GET /mockcloud/v1/world", c.ctlWorld},
		{"POST /mockcloud/v1/users", c.ctlAddUser},
		{"DELETE /mockcloud/v1/users/{user}", c.ctlDeleteUser},
		{"PUT /mockcloud/v1/groups/{group}/users/{user}", c.ctlJoinGroup},
		{"DELETE /mockcloud/v1/groups/{group}/users/{user}", c.ctlLeaveGroup},
		{"POST /mockcloud/v1/agencies", c.ctlAddAgency},
		{"DELETE /mockcloud/v1/agencies/{agency}", c.ctlDeleteAgency},
		{"POST /mockcloud/v1/agencies/{agency}/sessions", c.ctlAssumeAgency},
		{"POST /mockcloud/v1/clusters", c.ctlAddCluster},
		{"PATCH /mockcloud/v1/clusters/{cluster}", c.ctlPatchCluster},
		{"DELETE /mockcloud/v1/clusters/{cluster}", c.ctlDeleteCluster},
		{"GET /mockcloud/v1/faults", c.ctlFaults},
		{"POST /mockcloud/v1/faults", c.ctlAddFault},
		{"DELETE /mockcloud/v1/faults", c.ctlClearFaults},
		{"GET /mockcloud/v1/quota", c.ctlQuota},             // quota.go
		{"GET /mockcloud/v1/revocations", c.ctlRevocations}, // quota.go
		{ControlPrefix, ctlNotFound},
	} {
		ctl.mux.HandleFunc(h.pattern, func(w http.ResponseWriter, r *http.Request) {
			h.handle(ctl, &controlReq{w: w, r: r})
		})
	}
	c.control.Store(ctl)
}

// controlReq is one control API request.
type controlReq struct {
	w        http.ResponseWriter
	r        *http.Request
	body     []byte
	bodyRead bool
}

// reply writes a JSON answer.
func (q *controlReq) reply(status int, v any) { wire.JSON(q.w, status, v) }

// fail writes {"error": msg}.
func (q *controlReq) fail(status int, format string, args ...any) {
	q.reply(status, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// controlFront puts the control API in front of a listener's handler: it
// answers the control API's requests, and passes every other request on.
func (c *Cloud) controlFront(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctl := c.control.Load()
		if ctl == nil || !strings.HasPrefix(r.URL.Path, ControlPrefix) || !fromLoopback(r) {
			next.ServeHTTP(w, r)
			return
		}
		c.serveControl(ctl, w, r)
	})
}

// statusWriter remembers the status a control API handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records and sends the status.
func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// serveControl answers a control API request.
func (c *Cloud) serveControl(ctl *control, w http.ResponseWriter, r *http.Request) {
	rec := &statusWriter{ResponseWriter: w}
	start := c.acct.Now()
	presented, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if subtle.ConstantTimeCompare([]byte(presented), []byte(ctl.token)) != 1 {
		wire.JSON(rec, http.StatusUnauthorized, map[string]string{"error": "missing or wrong control token: send " +
			"Authorization: Bearer $CCE_MOCKCLOUD_CONTROL_TOKEN (from the mock's env.sh)"})
	} else {
		ctl.mux.ServeHTTP(rec, r)
	}
	if c.opts.logTo != nil {
		// Marked as control, never recorded in Requests: tests assert on cloud calls only.
		_, _ = fmt.Fprintf(c.opts.logTo, "%s control %s %s %d\n", start.UTC().Format(time.RFC3339), r.Method, r.URL.Path, rec.status)
	}
}

// fromLoopback reports whether r comes from a loopback address.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

// readBody reads the request body, once; it writes the 400 and returns
// false when it cannot.
func (q *controlReq) readBody() bool {
	if q.bodyRead {
		return true
	}
	body, err := io.ReadAll(io.LimitReader(q.r.Body, maxBodyBytes))
	if err != nil {
		q.fail(http.StatusBadRequest, "the request body could not be read: %v", err)
		return false
	}
	q.body, q.bodyRead = body, true
	return true
}

// decodeBody parses the request body (JSON or YAML) and decodes it with
// decode; it writes the 400 and returns false on any problem.
func (q *controlReq) decodeBody(what string, decode func(d *decoder, root *yamlNode)) (*decoder, bool) {
	if !q.readBody() {
		return nil, false
	}
	d := newDecoder("request body")
	if root := d.parse(q.body); root != nil {
		decode(d, root)
	}
	return d, q.problems(d, what)
}

// problems writes the 400 for the decoder's problems and reports whether there were none.
func (q *controlReq) problems(d *decoder, what string) bool {
	if err := d.err(); err != nil {
		q.reply(http.StatusBadRequest, map[string]any{"error": "the " + what + " is not valid", "problems": d.problems})
		return false
	}
	return true
}

// ctlNotFound answers paths the control API does not have.
func ctlNotFound(_ *control, q *controlReq) {
	q.fail(http.StatusNotFound, "the control API has no %s %s; see internal/mockcloud/README.md for its endpoints", q.r.Method, q.r.URL.Path)
}

// ctlWorld answers GET /world.
func (c *Cloud) ctlWorld(_ *control, q *controlReq) { q.reply(http.StatusOK, c.World()) }

// ctlAddUser answers POST /users with a scenario user.
func (c *Cloud) ctlAddUser(_ *control, q *controlReq) {
	var u User
	d, ok := q.decodeBody("user", func(d *decoder, root *yamlNode) { u = d.user(root, "") })
	if !ok {
		return
	}
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	d.checkUser("", &u, func(g string) bool { _, ok := c.acct.Groups[g]; return ok })
	checkNewUser(c.acct, d, "", u, "")
	if !q.problems(d, "user") {
		return
	}
	c.acct.AddUser(u, c.acct.Now())
	q.reply(http.StatusCreated, worldUser(c.acct.Users[u.ID].User))
}

// ctlDeleteUser answers DELETE /users/{user}: IAM deletes the user and CTS
// records a deleteUser trace.
func (c *Cloud) ctlDeleteUser(ctl *control, q *controlReq) {
	c.acct.Mu.Lock()
	u := findUserRef(c.acct, q.r.PathValue("user"))
	by, byOK := actor(c.acct, ctl, q.r.URL.Query().Get("by"))
	c.acct.Mu.Unlock()
	switch {
	case u == nil:
		q.fail(http.StatusNotFound, "no user has the name or ID %q", q.r.PathValue("user"))
	case !byOK:
		q.fail(http.StatusBadRequest, "by=%q names no user: name the user who deletes, or leave by out", q.r.URL.Query().Get("by"))
	case !c.DeleteUser(u.ID, by):
		q.fail(http.StatusForbidden, "IAM refused: the deleting user (by) is no admin. CTS recorded the failed deleteUser "+
			"(code 403, rating warning); name an admin with ?by=<user>")
	default:
		q.reply(http.StatusOK, c.deletedEntry(u.ID))
	}
}

// ctlJoinGroup answers PUT /groups/{group}/users/{user}.
func (c *Cloud) ctlJoinGroup(_ *control, q *controlReq) {
	c.changeMembership(q, func(groups []string, g string) []string {
		if slices.Contains(groups, g) {
			return groups
		}
		return append(groups, g)
	})
}

// ctlLeaveGroup answers DELETE /groups/{group}/users/{user}; a user whose
// last admin rights go loses them at once, also for tokens it already holds.
func (c *Cloud) ctlLeaveGroup(_ *control, q *controlReq) {
	c.changeMembership(q, func(groups []string, g string) []string {
		return slices.DeleteFunc(groups, func(x string) bool { return x == g })
	})
}

// changeMembership applies change to the user's groups and answers the user.
func (c *Cloud) changeMembership(q *controlReq, change func(groups []string, group string) []string) {
	group, ref := q.r.PathValue("group"), q.r.PathValue("user")
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	if _, ok := c.acct.Groups[group]; !ok {
		names := make([]string, 0, len(c.acct.Groups))
		for g := range c.acct.Groups {
			names = append(names, g)
		}
		slices.Sort(names)
		q.fail(http.StatusNotFound, "no group is named %q; the groups are %s", group, strings.Join(names, ", "))
		return
	}
	u := findUserRef(c.acct, ref)
	if u == nil {
		q.fail(http.StatusNotFound, "no user has the name or ID %q", ref)
		return
	}
	u.Groups = change(slices.Clone(u.Groups), group)
	q.reply(http.StatusOK, worldUser(u.User))
}

// ctlAddAgency answers POST /agencies with a scenario agency.
func (c *Cloud) ctlAddAgency(_ *control, q *controlReq) {
	var a Agency
	d, ok := q.decodeBody("agency", func(d *decoder, root *yamlNode) { a = d.agency(root, "") })
	if !ok {
		return
	}
	d.checkAgency("", &a)
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	checkNewAgency(c.acct, d, "", a, "")
	if !q.problems(d, "agency") {
		return
	}
	c.acct.AddAgency(a, c.acct.Now())
	q.reply(http.StatusCreated, WorldAgency{ID: a.ID, Name: a.Name, TrustDomainName: a.TrustDomainName, Admin: a.Admin})
}

// ctlDeleteAgency answers DELETE /agencies/{agency}: the agency goes and CTS
// records a deleteAgency trace.
func (c *Cloud) ctlDeleteAgency(ctl *control, q *controlReq) {
	ref := q.r.PathValue("agency")
	c.acct.Mu.Lock()
	a, ok := c.acct.Agencies[ref]
	if !ok {
		a = c.acct.AgencyByName(ref)
	}
	by, byOK := actor(c.acct, ctl, q.r.URL.Query().Get("by"))
	c.acct.Mu.Unlock()
	switch {
	case a == nil:
		q.fail(http.StatusNotFound, "no agency has the name or ID %q", ref)
	case !byOK:
		q.fail(http.StatusBadRequest, "by=%q names no user: name the user who deletes, or leave by out", q.r.URL.Query().Get("by"))
	case !c.DeleteAgency(a.ID, by):
		q.fail(http.StatusForbidden, "IAM refused: the deleting user (by) is no admin. CTS recorded the failed deleteAgency "+
			"(code 403, rating warning); name an admin with ?by=<user>")
	default:
		q.reply(http.StatusOK, c.deletedEntry(a.ID))
	}
}

// ctlAddCluster answers POST /clusters with a scenario cluster.
func (c *Cloud) ctlAddCluster(_ *control, q *controlReq) {
	var cl Cluster
	d, ok := q.decodeBody("cluster", func(d *decoder, root *yamlNode) { cl = d.cluster(root, "") })
	if !ok {
		return
	}
	d.checkCluster("", &cl)
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	checkNewCluster(c.acct, d, "", cl, "")
	if !q.problems(d, "cluster") {
		return
	}
	c.acct.PutCluster(cl, c.acct.Now())
	q.reply(http.StatusCreated, worldCluster(cl))
}

// ctlPatchCluster answers PATCH /clusters/{cluster}: the fields in the body
// (phase, versions, endpoints) replace the cluster's; "" clears one.
func (c *Cloud) ctlPatchCluster(_ *control, q *controlReq) {
	if !q.readBody() {
		return
	}
	ref := q.r.PathValue("cluster")
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	cur := findClusterRef(c.acct, ref)
	if cur == nil {
		q.fail(http.StatusNotFound, "no cluster has the name or ID %q", ref)
		return
	}
	cl := cur.Cluster
	d, ok := q.decodeBody("cluster change", func(d *decoder, root *yamlNode) {
		fields := slices.DeleteFunc(d.clusterFields(&cl), func(f field) bool { return f.name == "name" || f.name == "id" })
		d.object(root, "", "a cluster change", fields)
	})
	if !ok {
		return
	}
	d.checkCluster("", &cl)
	if !q.problems(d, "cluster change") {
		return
	}
	c.acct.PutCluster(cl, c.acct.Now())
	q.reply(http.StatusOK, worldCluster(cl))
}

// ctlDeleteCluster answers DELETE /clusters/{cluster}.
func (c *Cloud) ctlDeleteCluster(_ *control, q *controlReq) {
	c.acct.Mu.Lock()
	cl := findClusterRef(c.acct, q.r.PathValue("cluster"))
	c.acct.Mu.Unlock()
	if cl == nil {
		q.fail(http.StatusNotFound, "no cluster has the name or ID %q", q.r.PathValue("cluster"))
		return
	}
	c.DeleteCluster(cl.ID)
	q.reply(http.StatusOK, map[string]string{"deleted": cl.ID})
}

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

// deletedEntry returns the newest successful delete trace of an identity.
func (c *Cloud) deletedEntry(id string) WorldDeleted {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	for _, t := range slices.Backward(c.acct.Traces) {
		if t.ResourceID == id && t.IsDeletion() {
			return WorldDeleted{Type: t.ResourceType, ID: id, Name: t.ResourceName, DeletedAt: t.Time.UTC(), By: t.UserName}
		}
	}
	return WorldDeleted{ID: id}
}

// worldUser renders a user without secrets.
func worldUser(u User) WorldUser {
	return WorldUser{ID: u.ID, Name: u.Name, Enabled: u.Enabled, Groups: append([]string{}, u.Groups...), AccessKey: u.AccessKey}
}

// findUserRef finds a user by ID, else by name.
func findUserRef(s *world.Account, ref string) *world.UserRec {
	if u, ok := s.Users[ref]; ok {
		return u
	}
	return s.UserByName(ref)
}

// findClusterRef finds a cluster by ID, else by name.
func findClusterRef(s *world.Account, ref string) *world.ClusterRec {
	if cl, ok := s.Clusters[ref]; ok {
		return cl
	}
	return s.ClusterByName(ref)
}

// actor resolves ?by= to a user ID; empty means the control API's actor.
func actor(s *world.Account, ctl *control, by string) (string, bool) {
	if by == "" {
		return ctl.actorID, true
	}
	if u := findUserRef(s, by); u != nil {
		return u.ID, true
	}
	return "", false
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
