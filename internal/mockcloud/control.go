package mockcloud

import (
	"crypto/subtle"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
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
		{"GET /mockcloud/v1/quota", c.ctlQuota},
		{"GET /mockcloud/v1/revocations", c.ctlRevocations},
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
	start := c.now()
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
