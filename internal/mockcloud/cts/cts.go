// Package cts is the fake cloud's CTS: the management traces of the
// account (IAM's deleteUser and deleteAgency above all), as every region's
// CTS answers them.
package cts

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// RouteListTraces is CTS's trace list API (its http.ServeMux pattern).
const RouteListTraces = "GET /v3/{project_id}/traces"

// CTS query limits (cce-api.md section 12).
const (
	ctsDefaultLimit = 10
	ctsMaxLimit     = 200
	ctsDefaultSpan  = time.Hour
	// Retention is how long CTS answers for a trace.
	Retention = 7 * 24 * time.Hour
)

// Service is CTS.
type Service struct{ acct *world.Account }

// New returns CTS over the account.
func New(acct *world.Account) *Service { return &Service{acct: acct} }

// Routes returns CTS's APIs.
func (s *Service) Routes() []wire.Route {
	return []wire.Route{{Pattern: RouteListTraces, Service: wire.CTS, Handle: s.handleListTraces}}
}

// traceJSON renders one trace. cce-api.md §12 notes that the docs' table types
// "code" as a string while one example shows a number; the official Go SDK
// decodes only a string, so the mock sends a string (the client accepts both).
func traceJSON(t *world.TraceRec) map[string]any {
	return map[string]any{
		"trace_id": t.ID, "trace_name": t.Name, "trace_rating": t.Rating, "trace_type": t.TraceType,
		"service_type": t.ServiceType, "resource_type": t.ResourceType, "resource_id": t.ResourceID,
		"resource_name": t.ResourceName, "time": t.Time.UnixMilli(), "record_time": t.Recorded.UnixMilli(),
		"code": t.Code, "api_version": "3.0",
		"user":    map[string]any{"id": t.UserID, "name": t.UserName, "domain": map[string]string{"id": world.DomainID, "name": world.DomainName}},
		"request": "", "response": "", "message": "", "source_ip": "192.0.2.10", "request_id": t.RequestID,
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
func (tq traceQuery) matches(t *world.TraceRec) bool {
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
func (s *Service) handleListTraces(c *wire.Call) {
	s.acct.Mu.Lock()
	inRegion := s.acct.ProjectIn(c.R.PathValue("project_id"), c.Region)
	s.acct.Mu.Unlock()
	if !inRegion { // every region's CTS keeps the account's IAM traces (UNCONFIRMED)
		wire.CTSError(c, http.StatusNotFound, wire.CodeCTSBadQuery, "project "+c.R.PathValue("project_id")+" not found")
		return
	}
	now := s.acct.Now()
	tq, bad := parseTraceQuery(c.R, now)
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	if !s.acct.IsAdmin(c.Caller.UserID) && !s.acct.IsReadOnly(c.Caller.UserID) {
		wire.CTSError(c, http.StatusForbidden, wire.CodeCTSForbidden, "The user does not have the permission to query traces.")
		return
	}
	if bad != "" {
		wire.CTSError(c, http.StatusBadRequest, wire.CodeCTSBadQuery, "Query failed: "+bad)
		return
	}
	oldest := now.Add(-Retention)
	var hits []*world.TraceRec
	for _, t := range s.acct.Traces {
		if t.Time.Before(oldest) || !tq.matches(t) {
			continue
		}
		hits = append(hits, t)
	}
	slices.SortFunc(hits, func(a, b *world.TraceRec) int {
		if d := b.Time.Compare(a.Time); d != 0 {
			return d
		}
		return cmp.Compare(b.ID, a.ID)
	})
	start := 0
	if tq.next != "" {
		i := slices.IndexFunc(hits, func(t *world.TraceRec) bool { return t.ID == tq.next })
		if i < 0 {
			wire.CTSError(c, http.StatusBadRequest, wire.CodeCTSBadQuery, "Query failed: next does not match any trace of this query")
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
	wire.JSON(c.W, http.StatusOK, map[string]any{
		"meta_data": map[string]any{"count": len(page), "marker": marker},
		"traces":    traces,
	})
}
