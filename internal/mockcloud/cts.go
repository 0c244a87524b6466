package mockcloud

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// CTS query limits (cce-api.md section 12).
const (
	ctsDefaultLimit = 10
	ctsMaxLimit     = 200
	ctsRetention    = 7 * 24 * time.Hour
	ctsDefaultSpan  = time.Hour
)

// traceJSON renders one trace. cce-api.md §12 notes that the docs' table types
// "code" as a string while one example shows a number; the official Go SDK
// decodes only a string, so the mock sends a string (the client accepts both).
func traceJSON(t *traceRec) map[string]any {
	return map[string]any{
		"trace_id": t.ID, "trace_name": t.Name, "trace_rating": t.Rating, "trace_type": t.TraceType,
		"service_type": t.ServiceType, "resource_type": t.ResourceType, "resource_id": t.ResourceID,
		"resource_name": t.ResourceName, "time": t.Time.UnixMilli(), "record_time": t.recorded.UnixMilli(),
		"code": t.Code, "api_version": "3.0",
		"user":    map[string]any{"id": t.UserID, "name": t.UserName, "domain": map[string]string{"id": DomainID, "name": DomainName}},
		"request": "", "response": "", "message": "", "source_ip": "192.0.2.10", "request_id": t.requestID,
		"endpoint": "", "resource_url": "", "location_info": "",
	}
}

// parseMillis parses a 13-digit epoch-milliseconds query value.
func parseMillis(s string) (time.Time, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(n), true
}

// traceQuery is a parsed trace list query.
type traceQuery struct {
	from, to time.Time
	limit    int
	next     string
	filters  map[string]string
	traceID  string
}

// parseTraceQuery validates the query of GET /v3/{project_id}/traces; the
// returned string is an error message when the query is invalid.
func parseTraceQuery(r *http.Request, now time.Time) (traceQuery, string) {
	q := r.URL.Query()
	out := traceQuery{to: now, limit: ctsDefaultLimit, next: q.Get("next"), traceID: q.Get("trace_id"),
		filters: map[string]string{}}
	if tt := q.Get("trace_type"); tt != "" && tt != "system" && tt != "data" {
		return out, "trace_type must be system or data"
	}
	if tn := q.Get("tracker_name"); tn != "" && tn != "system" {
		return out, "tracker_name of a management tracker must be system"
	}
	if s := q.Get("to"); s != "" {
		t, ok := parseMillis(s)
		if !ok {
			return out, "to must be a UTC timestamp in milliseconds"
		}
		out.to = t
	}
	out.from = out.to.Add(-ctsDefaultSpan)
	if s := q.Get("from"); s != "" {
		t, ok := parseMillis(s)
		if !ok {
			return out, "from must be a UTC timestamp in milliseconds"
		}
		out.from = t
	}
	if out.from.After(out.to) {
		return out, "from must not be later than to"
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > ctsMaxLimit {
			return out, "limit must be an integer from 1 to 200"
		}
		out.limit = n
	}
	if rating := q.Get("trace_rating"); rating != "" && rating != "normal" && rating != "warning" && rating != "incident" {
		return out, "trace_rating must be normal, warning or incident"
	}
	for _, k := range []string{"service_type", "resource_type", "trace_name", "resource_id", "resource_name", "user", "trace_rating"} {
		if v := q.Get(k); v != "" {
			out.filters[k] = v
		}
	}
	if q.Get("trace_type") == "data" {
		out.filters["trace_type"] = "data"
	}
	return out, ""
}

// matches reports whether t passes the query's filters (trace_id overrides them).
func (tq traceQuery) matches(t *traceRec) bool {
	if tq.traceID != "" {
		return t.ID == tq.traceID
	}
	if t.Time.Before(tq.from) || t.Time.After(tq.to) {
		return false
	}
	f := tq.filters
	if _, ok := f["trace_type"]; ok {
		return false // Only management (system) traces are modelled.
	}
	checks := map[string]string{"service_type": t.ServiceType, "resource_type": t.ResourceType,
		"trace_name": t.Name, "resource_id": t.ResourceID, "resource_name": t.ResourceName, "trace_rating": t.Rating}
	for k, v := range checks {
		if want, ok := f[k]; ok && want != v {
			return false
		}
	}
	if want, ok := f["user"]; ok && want != t.UserName && want != t.UserID {
		return false
	}
	return true
}

// handleListTraces answers GET /v3/{project_id}/traces for admins.
func (c *Cloud) handleListTraces(rc *reqCtx) {
	c.st.mu.Lock()
	inRegion := c.st.projectIn(rc.r.PathValue("project_id"), rc.region)
	c.st.mu.Unlock()
	if !inRegion { // every region's CTS keeps the account's IAM traces (UNCONFIRMED)
		writeCTS(rc, http.StatusNotFound, CodeCTSBadQuery, "project "+rc.r.PathValue("project_id")+" not found")
		return
	}
	now := c.now()
	tq, bad := parseTraceQuery(rc.r, now)
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	if !c.st.isAdmin(rc.caller.userID) && !c.st.isReadOnly(rc.caller.userID) {
		writeCTS(rc, http.StatusForbidden, CodeCTSForbidden, "The user does not have the permission to query traces.")
		return
	}
	if bad != "" {
		writeCTS(rc, http.StatusBadRequest, CodeCTSBadQuery, "Query failed: "+bad)
		return
	}
	oldest := now.Add(-ctsRetention)
	var hits []*traceRec
	for _, t := range c.st.traces {
		if t.Time.Before(oldest) || !tq.matches(t) {
			continue
		}
		hits = append(hits, t)
	}
	slices.SortFunc(hits, func(a, b *traceRec) int {
		if d := b.Time.Compare(a.Time); d != 0 {
			return d
		}
		return cmp.Compare(b.ID, a.ID)
	})
	start := 0
	if tq.next != "" {
		i := slices.IndexFunc(hits, func(t *traceRec) bool { return t.ID == tq.next })
		if i < 0 {
			writeCTS(rc, http.StatusBadRequest, CodeCTSBadQuery, "Query failed: next does not match any trace of this query")
			return
		}
		start = i + 1
	}
	end := min(start+tq.limit, len(hits))
	page := hits[start:end]
	traces := make([]map[string]any, 0, len(page))
	for _, t := range page {
		traces = append(traces, traceJSON(t))
	}
	var marker any
	if end < len(hits) && len(page) > 0 {
		marker = page[len(page)-1].ID
	}
	writeJSON(rc.w, http.StatusOK, map[string]any{
		"meta_data": map[string]any{"count": len(page), "marker": marker},
		"traces":    traces,
	})
}
