package cce

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

const routeTraces = "GET /v3/{project_id}/traces"

func TestListTracesPaging(t *testing.T) {
	f := newFakeCloud(t)
	var mu sync.Mutex
	var queries []url.Values
	f.handle(routeTraces, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		queries = append(queries, q)
		mu.Unlock()
		if r.PathValue("project_id") != testProject {
			t.Errorf("project %q", r.PathValue("project_id"))
		}
		trace := func(id string, code any) map[string]any {
			return map[string]any{"trace_id": "t-" + id, "trace_name": "deleteUser", "resource_type": "user",
				"resource_id": "uid-" + id, "resource_name": "name-" + id, "time": 1472148708232, "code": code,
				"user": map[string]any{"id": "admin-id", "name": "admin", "domain": map[string]any{"id": "d"}}}
		}
		switch q.Get("next") {
		case "":
			writeJSON(w, 200, map[string]any{"meta_data": map[string]any{"count": 2, "marker": "m1"},
				"traces": []any{trace("1", "200"), trace("2", 200)}})
		case "m1":
			writeJSON(w, 200, map[string]any{"meta_data": map[string]any{"count": 1, "marker": "m2"},
				"traces": []any{trace("3", 204)}})
		case "m2":
			writeJSON(w, 200, map[string]any{"meta_data": map[string]any{"count": 1, "marker": nil},
				"traces": []any{trace("4", "200")}})
		default:
			t.Errorf("unexpected next %q", q.Get("next"))
		}
	})
	c := newTestClient(t, f, akskCreds())
	from := time.UnixMilli(1700000000000)
	to := time.UnixMilli(1700000600000)
	traces, err := c.ListTraces(t.Context(), TraceQuery{ResourceType: "user", TraceName: "deleteUser", From: from, To: to, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(traces) != 4 || len(queries) != 3 {
		t.Fatalf("traces %d, pages %d", len(traces), len(queries))
	}
	want := Trace{ID: "t-3", Name: "deleteUser", ResourceType: "user", ResourceID: "uid-3", ResourceName: "name-3",
		Time: time.UnixMilli(1472148708232).UTC(), UserID: "admin-id", UserName: "admin", Code: "204"}
	if traces[2] != want {
		t.Errorf("trace %+v", traces[2])
	}
	q := queries[0]
	for k, v := range map[string]string{"trace_type": "system", "service_type": "IAM", "resource_type": "user",
		"trace_name": "deleteUser", "from": "1700000000000", "to": "1700000600000", "limit": "200"} {
		check(t, k, q.Get(k), v)
	}
	check(t, "page 3 next", queries[2].Get("next"), "m2")
}

func TestListTracesForbiddenAndLoop(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeTraces, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("resource_type") == "agency" {
			writeJSON(w, 200, map[string]any{"meta_data": map[string]any{"marker": "same"}, "traces": []any{}})
			return
		}
		writeJSON(w, 403, map[string]string{"error_code": "CTS.0013", "error_msg": "no permission"})
	})
	c := newTestClient(t, f, akskCreds())
	_, err := c.ListTraces(t.Context(), TraceQuery{ResourceType: "user"})
	if !IsForbidden(err) {
		t.Errorf("want 403, got %v", err)
	}
	if ae, _ := AsAPIError(err); ae == nil || ae.Code != "CTS.0013" || ae.Service != "CTS" {
		t.Errorf("%v", err)
	}
	if _, err := c.ListTraces(t.Context(), TraceQuery{ResourceType: "agency"}); err == nil {
		t.Error("repeated marker: want error")
	}
}
