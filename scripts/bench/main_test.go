package main

import (
	"slices"
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
	if floor := configText(kindFloor, 4, 3); strings.Count(floor, "cluster_id = ") != 4 ||
		!strings.Contains(floor, `resource "cce_credential_revocation" "r"`) {
		t.Errorf("floor:\n%s", floor)
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

func TestRatiosPairSamplesOfTheSameRound(t *testing.T) {
	s := func(kind string, round int, plan, apply time.Duration) *sample {
		return &sample{CLI: "tofu", Kind: kind, N: 1000, C: 10, Round: round,
			Plan: phase{Wall: plan}, Apply: phase{Wall: apply}}
	}
	b := &bench{samples: []*sample{
		s(kindOurs, 1, 2*time.Second, 6*time.Second),
		s(kindFloor, 1, time.Second, 4*time.Second),
		s(kindFloor, 2, 4*time.Second, 4*time.Second),
		s(kindOurs, 2, 5*time.Second, 5*time.Second),
		s(kindOurs, 3, 5*time.Second, 5*time.Second), // its floor failed: no ratio
		{CLI: "tofu", Kind: kindFloor, N: 1000, Round: 3, Plan: phase{Err: "boom"}},
	}}
	if got, want := b.ratios("tofu", 1000, 10, 0, kindFloor, planWall), []float64{2, 1.25}; !slices.Equal(got, want) {
		t.Errorf("plan ratios = %v, want %v", got, want)
	}
	if got, want := b.ratios("tofu", 1000, 10, 0, kindFloor, applyWall), []float64{1.5, 1.25}; !slices.Equal(got, want) {
		t.Errorf("apply ratios = %v, want %v", got, want)
	}
	if got, want := runRatios([]phase{{CPU: 3}, {CPU: 4}}, []phase{{CPU: 2}, {CPU: 4}, {CPU: 5}}, planCPU), []float64{1.5, 1}; !slices.Equal(got, want) {
		t.Errorf("runRatios = %v, want %v", got, want)
	}
}
