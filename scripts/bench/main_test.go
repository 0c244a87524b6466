package main

import (
	"strings"
	"testing"
	"time"
)

func TestRouteOf(t *testing.T) {
	for path, want := range map[string]string{
		"GET /api/v3/projects/p1/clusters/c1":                    routeGetCluster,
		"POST /api/v3/projects/p1/clusters/c1/clustercertrevoke": routeRevoke,
		"GET /v3/auth/domains":                                   "GET /v3/auth/domains",
		"GET /v3/users/u1/groups":                                "GET /v3/users/{user_id}/groups",
		"GET /v3/p1/traces":                                      "GET /v3/{project_id}/traces",
		"GET /nowhere":                                           "GET /nowhere",
	} {
		m, p, _ := strings.Cut(path, " ")
		if got := routeOf(m, p); got != want {
			t.Errorf("routeOf(%s) = %q, want %q", path, got, want)
		}
	}
	if !isIAMRoute("GET /v3/users/{user_id}") || isIAMRoute("GET /v3/{project_id}/traces") || isIAMRoute(routeRevoke) {
		t.Error("isIAMRoute")
	}
}

func TestCountRoutes(t *testing.T) {
	log := "2026-01-01T00:00:00Z GET /v3/auth/domains 200 ad01\n" +
		"2026-01-01T00:00:00Z POST /api/v3/projects/p/clusters/c/clustercertrevoke 200 ad01 fault=latency\n" +
		"2026-01-01T00:00:00Z POST /api/v3/projects/p/clusters/d/clustercertrevoke 200 ad01\n"
	got := countRoutes(log)
	if got[routeRevoke] != 2 || got["GET /v3/auth/domains"] != 1 || iamCalls(got) != 1 {
		t.Errorf("countRoutes = %v", got)
	}
}

func TestConfigText(t *testing.T) {
	ours := configText(kindOurs, 4, 3)
	if strings.Count(ours, "cluster_id = ") != 4 || !strings.Contains(ours, seededClusters[2]) ||
		!strings.Contains(ours, `resource "cce_credential_revocation" "r"`) {
		t.Errorf("ours:\n%s", ours)
	}
	base := configText(kindBaseline, 2, 1)
	if strings.Contains(base, "cce") && strings.Contains(base, "provider") || !strings.Contains(base, `resource "terraform_data" "r"`) {
		t.Errorf("baseline:\n%s", base)
	}
}

func TestMedianAndStep(t *testing.T) {
	if m := median([]time.Duration{3, 1, 2}); m != 2 {
		t.Errorf("median = %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("medianF = %v", m)
	}
	if s := niceStep(3.7); s != 5 {
		t.Errorf("niceStep(3.7) = %v", s)
	}
}

func TestSummarizeLog(t *testing.T) {
	log := "2026-01-01T00:00:00.000Z [DEBUG] provider: starting plugin: path=x\n" +
		"2026-01-01T00:00:00.050Z [DEBUG] provider: using plugin: version=6\n" +
		"2026-01-01T00:00:00.100Z [DEBUG] provider.terraform-provider-cce: received API response: @module=cce duration_ms=20 http_method=POST http_path=/api/v3/projects/p/clusters/c/clustercertrevoke\n" +
		"2026-01-01T00:00:00.120Z [TRACE] provider.terraform-provider-cce: Received downstream response: tf_req_duration_ms=25 tf_rpc=ApplyResourceChange diagnostic_warning_count=0\n"
	out := summarizeLog(log, "apply", time.Second, 20*time.Millisecond, 10, 1)
	for _, want := range []string{"provider processes started: 1", "| ApplyResourceChange | 1 | 0.03 s", "clustercertrevoke` | 1 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
