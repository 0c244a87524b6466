package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

func TestCountRoutesSkipsControlLines(t *testing.T) {
	log := "2026-01-01T00:00:00Z GET /v3/auth/domains 200 ad01\n" +
		"2026-01-01T00:00:00Z control GET /mockcloud/v1/faults 200\n"
	if got := countRoutes(log); len(got) != 1 || got["GET /v3/auth/domains"] != 1 {
		t.Errorf("countRoutes = %v, want only the domains request", got)
	}
}

func TestStepsOf(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	evs := []event{ // in the order the mock answered, as the pipe delivers them
		{ms(312), "GET /v5/caller-identity"}, {ms(310), routeGetCluster}, {ms(318), "GET /v3/auth/domains"},
		{ms(425), "GET /v3/users/{user_id}/groups"},
		{ms(700), routeRevoke}, {ms(740), routeRevoke}, // sent together, the second answered 40 ms later: one step
	}
	got := stepsOf(evs, ms(100))
	if len(got) != 3 {
		t.Fatalf("stepsOf = %+v, want 3 steps", got)
	}
	if got[0].Sent != ms(210) || len(got[0].Routes) != 3 || got[1].Routes["GET /v3/users/{user_id}/groups"] != 1 ||
		got[2].Routes[routeRevoke] != 2 || got[2].Sent != ms(600) {
		t.Errorf("stepsOf = %+v", got)
	}
	if s := formatSteps(got[:2]); !strings.HasPrefix(s, "+0.21 s `GET …/clusters/{cluster_id}` 1, ") ||
		!strings.Contains(s, " → +0.33 s `GET /v3/users/{user_id}/groups` 1") {
		t.Errorf("formatSteps = %q", s)
	}
	if stepsOf(nil, ms(100)) != nil || formatSteps(nil) != "none" {
		t.Error("no events: no steps")
	}
}

func TestRoundTripTargets(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	s := func(kind string, round int, plan, apply time.Duration) *sample {
		return &sample{CLI: "tofu", Kind: kind, N: 1, C: 1, Latency: ms(100), Round: round, RoundTrip: true,
			Plan: phase{Wall: plan}, Apply: phase{Wall: apply}}
	}
	b := &bench{opt: options{rtLatency: ms(100)}, clis: []cliInfo{{Name: "tofu"}}, rt: []*sample{
		s(kindOurs, 1, ms(450), ms(800)), s(kindFloor, 1, ms(200), ms(240)), // +2.5, +5.6
		s(kindFloor, 2, ms(210), ms(250)), s(kindOurs, 2, ms(430), ms(820)), // +2.2, +5.7
		s(kindOurs, 3, ms(900), ms(900)), // its floor failed: no pair
		{CLI: "tofu", Kind: kindFloor, N: 1, C: 1, Round: 3, RoundTrip: true, Plan: phase{Err: "boom"}},
	}}
	b.rt[1].Apply.Routes = map[string]int{routeRevoke: 1}
	near := func(got, want []float64) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if d := got[i] - want[i]; d > 1e-9 || d < -1e-9 {
				return false
			}
		}
		return true
	}
	if got := b.roundTrips("tofu", planWall); !near(got, []float64{2.5, 2.2}) {
		t.Errorf("plan round trips = %v", got)
	}
	if got := b.roundTrips("tofu", applyWall); !near(got, []float64{5.6, 5.7}) {
		t.Errorf("apply round trips = %v", got)
	}
	ts := b.rtTargets()
	if len(ts) != 2 || ts[0].Result != "PASS" || ts[1].Result != "MISS" {
		t.Fatalf("targets = %+v, want plan PASS (median +2.35 ≤ 2.5), apply MISS (+5.65 > 5.5)", ts)
	}
	if !strings.Contains(ts[0].Detail, "median +2.35 round trips (+2.50, +2.20;") ||
		!strings.Contains(ts[1].Detail, "the floor sent 1 requests, and should send none") {
		t.Errorf("details:\n%s\n%s", ts[0].Detail, ts[1].Detail)
	}
	b.rt = nil
	if ts := b.rtTargets(); ts[0].Result != "n/a" {
		t.Errorf("no samples: %+v", ts[0])
	}
}

func TestParseOptionsOnly(t *testing.T) {
	parse := func(args ...string) (options, error) {
		old := os.Args
		defer func() { os.Args = old }()
		os.Args = append([]string{"bench", "-root", "../.."}, args...)
		return parseOptions()
	}
	o, err := parse()
	if err != nil || o.only != nil || !o.runs(caseMatrix) || !o.runs(caseRoundTrips) || o.report != "BENCHMARKS.md" ||
		o.rtLatency != 100*time.Millisecond || o.rtRounds != 9 {
		t.Errorf("defaults: %+v, %v", o, err)
	}
	o, err = parse("-only=roundtrips", "-quick")
	if err != nil || o.runs(caseMatrix) || o.runs(caseGoBench) || !o.runs(caseRoundTrips) || o.report != "-" || o.rtRounds != 5 {
		t.Errorf("-only=roundtrips: %+v, %v", o, err)
	}
	if o, err = parse("-only=one,roundtrips", "-report=x.md"); err != nil || o.report != "x.md" || !o.runs(caseOne) {
		t.Errorf("-only with -report: %+v, %v", o, err)
	}
	if _, err = parse("-only=roundtrip"); err == nil || !strings.Contains(err.Error(), `unknown case "roundtrip"`) {
		t.Errorf("-only=roundtrip: %v", err)
	}
}

// TestMockLogSplitAndTimes starts the standalone mock as the harness does and
// checks that the marker splits its log exactly and that the times of the
// lines show which requests were in flight together.
func TestMockLogSplitAndTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the standalone mock")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cce-mockcloud")
	if out, err := exec.Command("go", "build", "-o", bin, "../../internal/mockcloud/cmd/cce-mockcloud").CombinedOutput(); err != nil {
		t.Fatalf("build the mock: %v\n%s", err, out)
	}
	b := &bench{mockBin: bin}
	const lat = 50 * time.Millisecond
	m, err := b.startMock(filepath.Join(dir, "mock"), lat)
	if err != nil {
		t.Fatal(err)
	}
	defer m.stop()
	get := func(path string) {
		resp, err := m.client.Get(m.vars["HW_IAM_ENDPOINT"] + path)
		if err != nil {
			t.Error(err)
			return
		}
		_ = resp.Body.Close()
	}
	start := time.Now()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { get("/v3/auth/domains") })
	}
	wg.Wait()
	get("/v3/users/u1/groups")
	mid, err := m.mark()
	if err != nil {
		t.Fatal(err)
	}
	get("/v3/auth/domains")
	end, err := m.mark()
	if err != nil {
		t.Fatal(err)
	}
	if got := m.routesBetween(0, mid); len(got) != 2 || got["GET /v3/auth/domains"] != 2 || got["GET /v3/users/{user_id}/groups"] != 1 {
		t.Errorf("before the first marker: %v", got)
	}
	if got := m.routesBetween(mid, end); len(got) != 1 || got["GET /v3/auth/domains"] != 1 {
		t.Errorf("between the markers: %v", got)
	}
	steps := stepsOf(eventsOf(m.linesBetween(0, mid), start), lat)
	if len(steps) != 2 || steps[0].Routes["GET /v3/auth/domains"] != 2 || steps[1].Routes["GET /v3/users/{user_id}/groups"] != 1 {
		t.Errorf("steps = %+v, want the two concurrent requests, then the third", steps)
	}
	for _, e := range eventsOf(m.linesBetween(0, end), start) {
		if e.At < lat {
			t.Errorf("%s answered %s after the start, before the latency of %s", e.Route, e.At, lat)
		}
	}
}

func TestBusyNote(t *testing.T) {
	b := &bench{machine: machineInfo{CPUs: 2, LoadStart: "9.00 9.00 9.00", LoadEnd: "9.00 9.00 9.00"},
		rtMachine: caseLoad{LoadBefore: "2.42 0.91 1.41", LoadAfter: "1.90 2.43 2.05", Pressure: 0.04}}
	if n := b.busyNote(); strings.Contains(n, "busy") || !strings.Contains(n, "waited for a CPU 4% of the time") {
		t.Errorf("quiet case on a machine busy before it: %q", n)
	}
	b.rtMachine.Pressure = 0.31
	if n := b.busyNote(); !strings.Contains(n, "**The machine was busy** (during the case some task waited for a CPU 31% of the time") ||
		!strings.Contains(n, "load average 2.42 before the case, 1.90 after it, on 2 CPUs") {
		t.Errorf("busy case: %q", n)
	}
	b.rtMachine.Pressure = -1 // no /proc/pressure: the load after the case decides
	if n := b.busyNote(); n != "" {
		t.Errorf("no pressure, load 1.90 on 2 CPUs: %q", n)
	}
	b.rtMachine.LoadAfter = "3.10 2.00 1.00"
	if n := b.busyNote(); !strings.Contains(n, "**The machine was busy** (1-minute load average 2.42 before the case, 3.10 after it") {
		t.Errorf("no pressure, load 3.10: %q", n)
	}
}

func TestParseStall(t *testing.T) {
	psi := "some avg10=19.47 avg60=21.23 avg300=17.65 total=4169568353\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
	if d, ok := parseStall(psi); !ok || d != 4169568353*time.Microsecond {
		t.Errorf("parseStall = %s, %t", d, ok)
	}
	if _, ok := parseStall("full total=3\n"); ok {
		t.Error("a file without a some line was read")
	}
}

func TestTypicalOfOutvotesAMergedRound(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	evs := func(ats ...int) []event {
		var out []event
		for _, at := range ats {
			out = append(out, event{At: ms(at), Route: routeGetCluster})
		}
		return out
	}
	s := func(kind string, round int, e []event) *sample {
		return &sample{CLI: "terraform", Kind: kind, N: 1, C: 1, Round: round, RoundTrip: true,
			Plan: phase{Wall: ms(500), Events: e, Routes: map[string]int{routeGetCluster: len(e)}}, Apply: phase{Wall: ms(500)}}
	}
	b := &bench{opt: options{rtLatency: ms(100)}, rt: []*sample{
		s(kindOurs, 1, evs(300, 430)), s(kindFloor, 1, nil), // two steps
		s(kindOurs, 2, evs(300, 330)), s(kindFloor, 2, nil), // merged: one step
		s(kindOurs, 3, evs(310, 420)), s(kindFloor, 3, nil),
	}}
	ty := b.typicalOf("terraform", func(s *sample) phase { return s.Plan })
	if len(ty.Steps) != 2 || ty.Agree != 2 || ty.Total != 3 || ty.Phase.Events[0].At != ms(300) {
		t.Errorf("typicalOf = %+v, want the two-step shape of rounds 1 and 3", ty)
	}
}
