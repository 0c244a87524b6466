package main

import (
	"strings"
	"testing"
	"time"
)

func TestFleetConfig(t *testing.T) {
	mod := fleetConfig(fleetModule, 3, 4)
	if !strings.Contains(mod, `source                = "./modules/offboarding"`) || strings.Count(mod, "fleet-") != 3 ||
		strings.Count(mod, `"c0000000-0000-4000-8000-1`) != 4 || !strings.Contains(mod, `revoke_deleted_within = ""`) {
		t.Errorf("module config:\n%s", mod)
	}
	single := fleetConfig(fleetSingle, 3, 4)
	if !strings.Contains(single, `resource "cce_credential_revocation" "r"`) || !strings.Contains(single, "setproduct(local.clusters, local.people)") ||
		strings.Count(single, `"f1ee7`) != 3 {
		t.Errorf("single-block config:\n%s", single)
	}
}

func TestFleetTargets(t *testing.T) {
	b := &bench{opt: options{fleetPeople: 2, fleetClusters: 3, fleetMore: 4}, clis: []cliInfo{{Name: "tf"}}}
	s := func(shape string, people int, plan time.Duration, posts int) *fleetSample {
		return &fleetSample{CLI: "tf", Shape: shape, People: people, Clusters: 3,
			Plan:  phase{Wall: plan, Procs: 1, Routes: map[string]int{routeGetCluster: 3, "GET /v3/users": 1}},
			Apply: phase{Wall: time.Second, Procs: 2, Routes: map[string]int{routeGetCluster: 6, routeRevoke: posts, "GET /v3/users": 2}}}
	}
	b.fleet = []*fleetSample{s(fleetModule, 2, time.Second, 6), s(fleetSingle, 2, 20*time.Second, 6), s(fleetModule, 4, time.Second, 12)}
	ts := b.fleetTargets()
	if len(ts) != 2 || ts[0].Result != "PASS" || ts[1].Result != "PASS" {
		t.Fatalf("targets %+v", ts)
	}
	b.fleet[1].Plan.Wall = 5 * time.Second // 0.2x
	b.fleet[2].Apply.Routes[routeRevoke] = 11
	ts = b.fleetTargets()
	if ts[0].Result != "MISS" || ts[1].Result != "MISS" || !strings.Contains(ts[1].Detail, "11 POSTs") {
		t.Errorf("targets %+v", ts)
	}
}
