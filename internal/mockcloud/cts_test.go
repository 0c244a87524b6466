package mockcloud

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// tracesPath is the CTS trace list path of the seeded project.
const tracesPath = "/v3/" + ProjectID + "/traces"

// ms renders t as epoch milliseconds.
func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// TestTraces covers the window, filters, paging, code types and errors.
func TestTraces(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(time.Now().UTC())
	c := NewForTest(t, WithClock(clock.Now))
	now := clock.Now()
	week := query("trace_type", "system", "from", ms(now.Add(-8*24*time.Hour)), "to", ms(now))

	// Default window is the last hour: the seeded deletions are older.
	r := call(t, c, adminCred, "GET", tracesPath, nil)
	expectStatus(t, r, http.StatusOK)
	if m := r.json(t); len(arr(m["traces"])) != 0 || obj(m["meta_data"])["marker"] != nil {
		t.Errorf("default window %s", r.body)
	}

	// Deleted users in the last 7 days, newest first; the 10-day-old one never appears.
	r = call(t, c, adminCred, "GET", tracesPath+week+"&service_type=IAM&resource_type=user&trace_name=deleteUser", nil)
	expectStatus(t, r, http.StatusOK)
	m := r.json(t)
	traces := arr(m["traces"])
	if len(traces) != 2 {
		t.Fatalf("deleteUser traces %s", r.body)
	}
	first, second := obj(traces[0]), obj(traces[1])
	if first["resource_id"] != FrankOldUserID || second["resource_id"] != ErinUserID || first["resource_name"] != FrankUserName ||
		str(first, "user.name") != AdminUserName || first["trace_type"] != "ApiCall" {
		t.Errorf("deleteUser traces %s", r.body)
	}
	if _, isNum := first["time"].(float64); !isNum {
		t.Errorf("time not a number: %v", first["time"])
	}
	if meta := obj(m["meta_data"]); meta["count"] != float64(2) || meta["marker"] != nil {
		t.Errorf("meta %v", meta)
	}
	r = call(t, c, adminCred, "GET", tracesPath+"?from=0&to="+ms(now)+"&resource_id="+AncientUserID, nil)
	if traces := arr(r.json(t)["traces"]); len(traces) != 0 {
		t.Errorf("trace older than 7 days returned: %s", r.body)
	}
	r = call(t, c, adminCred, "GET", tracesPath+week+"&resource_type=agency&trace_name=deleteAgency", nil)
	if traces := arr(r.json(t)["traces"]); len(traces) != 1 || obj(traces[0])["resource_id"] != OldVendorAgencyID {
		t.Errorf("deleteAgency %s", r.body)
	}
	for _, f := range []string{"&resource_name=erin.former", "&user=" + AdminUserName, "&trace_id=7a1c0001-0000-4000-8000-000000000001"} {
		r = call(t, c, adminCred, "GET", tracesPath+week+"&trace_name=deleteUser"+f, nil)
		if n := len(arr(r.json(t)["traces"])); f != "&user="+AdminUserName && n != 1 || n == 0 {
			t.Errorf("filter %s: %s", f, r.body)
		}
	}

	// Paging: limit=1 walks every trace of the week once, marker null on the last page.
	seen := map[string]bool{}
	next := ""
	for page := 0; ; page++ {
		q := tracesPath + week + "&limit=1"
		if next != "" {
			q += "&next=" + next
		}
		r = call(t, c, adminCred, "GET", q, nil)
		expectStatus(t, r, http.StatusOK)
		m := r.json(t)
		for _, tr := range arr(m["traces"]) {
			tm := obj(tr)
			id := fmt.Sprint(tm["trace_id"])
			if seen[id] {
				t.Fatalf("trace %s twice", id)
			}
			seen[id] = true
			if _, ok := tm["code"].(string); !ok {
				t.Errorf("trace code %#v is not a string (the official SDK decodes only strings)", tm["code"])
			}
		}
		marker := obj(m["meta_data"])["marker"]
		if marker == nil {
			break
		}
		next = fmt.Sprint(marker)
		if page > 10 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 4 {
		t.Errorf("paging saw %v", seen)
	}

	// Live deletions become traces.
	c.DeleteUser(LeaverUserID, AdminUserID)
	c.DeleteAgency(VendorAgencyID, AdminUserID)
	c.AddTrace(Trace{Name: "deleteUser", ResourceType: "user", ResourceID: "0d0000000000000000000000000000ff", ResourceName: "too.old",
		Time: now.Add(-8 * 24 * time.Hour), UserID: AdminUserID, UserName: AdminUserName})
	r = call(t, c, adminCred, "GET", tracesPath+"?trace_name=deleteUser", nil)
	if traces := arr(r.json(t)["traces"]); len(traces) != 1 || obj(traces[0])["resource_name"] != LeaverUserName {
		t.Errorf("live deletion %s", r.body)
	}
	r = call(t, c, adminCred, "GET", tracesPath+query("from", "0", "to", ms(now), "resource_name", "too.old"), nil)
	if traces := arr(r.json(t)["traces"]); len(traces) != 0 {
		t.Errorf("8-day-old trace returned %s", r.body)
	}

	// Errors.
	for _, q := range []string{"?limit=201", "?limit=0", "?limit=x", "?from=abc", "?from=" + ms(now) + "&to=" + ms(now.Add(-time.Hour)),
		"?trace_type=bogus", "?next=no-such-marker"} {
		r = call(t, c, adminCred, "GET", tracesPath+q, nil)
		expectStatus(t, r, http.StatusBadRequest)
		if str(r.json(t), "error_code") != CodeCTSBadQuery {
			t.Errorf("%s: %s", q, r.body)
		}
	}
	r = call(t, c, adminCred, "GET", tracesPath+"?limit=200", nil)
	expectStatus(t, r, http.StatusOK)
	r = call(t, c, aliceCred, "GET", tracesPath, nil)
	expectStatus(t, r, http.StatusForbidden)
	if str(r.json(t), "error_code") != CodeCTSForbidden {
		t.Errorf("non-admin %s", r.body)
	}
	expectStatus(t, call(t, c, adminCred, "GET", "/v3/00000000000000000000000000000000/traces", nil), http.StatusNotFound)
}
