package main

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// maxRatio is the target: at most this many times the do-nothing
// provider's time, for validate, plan and apply, on every CLI. It is judged
// on CPU time: on a shared 2-core machine the wall time of one run of the
// same case moves by a factor of two, its CPU time by a few percent.
const maxRatio = 1.10

// median of durations or ratios (0 for none).
func median[T time.Duration | float64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// secs formats a duration in seconds.
func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// ratioText formats a ratio such as 1.07x.
func ratioText(r float64) string { return fmt.Sprintf("%.2fx", r) }

// filter returns the successful samples of a case; C only tells ours apart.
func (b *bench) filter(cli, kind string, n, c int, lat time.Duration) []*sample {
	var out []*sample
	for _, s := range b.samples {
		if s.CLI == cli && s.Kind == kind && s.N == n && s.ok() && s.Latency == lat && (kind != kindOurs || s.C == c) {
			out = append(out, s)
		}
	}
	return out
}

// metric is what is compared: the wall time or the CPU time of the plan or
// the apply of a sample.
type metric struct{ apply, cpu bool }

var (
	planWall  = metric{}
	applyWall = metric{apply: true}
	planCPU   = metric{cpu: true}
	applyCPU  = metric{apply: true, cpu: true}
)

// commands are the two commands of a sample, with their metrics.
var commands = []struct {
	name      string
	wall, cpu metric
}{{"plan", planWall, planCPU}, {"apply -auto-approve", applyWall, applyCPU}}

// of returns the metric of one command.
func (m metric) of(p phase) time.Duration {
	if m.cpu {
		return p.CPU
	}
	return p.Wall
}

// in returns the metric of a sample.
func (m metric) in(s *sample) time.Duration {
	if m.apply {
		return m.of(s.Apply)
	}
	return m.of(s.Plan)
}

// values extracts one metric of samples.
func values(ss []*sample, m metric) []time.Duration {
	var out []time.Duration
	for _, s := range ss {
		out = append(out, m.in(s))
	}
	return out
}

// phaseValues extracts one metric of commands.
func phaseValues(ps []phase, m metric) []time.Duration {
	var out []time.Duration
	for _, p := range ps {
		out = append(out, m.of(p))
	}
	return out
}

// ratios are ours (N, C, latency) over the sample of kind `against` of the
// same round, one per round.
func (b *bench) ratios(cli string, n, c int, lat time.Duration, against string, m metric) []float64 {
	var out []float64
	for _, o := range b.filter(cli, kindOurs, n, c, lat) {
		for _, a := range b.filter(cli, against, n, 0, 0) {
			if a.Round == o.Round {
				out = append(out, m.in(o).Seconds()/m.in(a).Seconds())
			}
		}
	}
	return out
}

// runRatios are ours over `against`, run by run, of one-resource commands.
func runRatios(ours, against []phase, m metric) []float64 {
	var out []float64
	for i := range min(len(ours), len(against)) {
		out = append(out, m.of(ours[i]).Seconds()/m.of(against[i]).Seconds())
	}
	return out
}

// latencyExtras are the apply time of each latency sample minus that of the
// zero-latency sample with the same C in the same round.
func (b *bench) latencyExtras(cli string, n, c int) []time.Duration {
	var out []time.Duration
	for _, l := range b.filter(cli, kindOurs, n, c, b.opt.latency) {
		for _, z := range b.filter(cli, kindOurs, n, c, 0) {
			if z.Round == l.Round {
				out = append(out, l.Apply.Wall-z.Apply.Wall)
			}
		}
	}
	return out
}

// ratioList formats per-round ratios in round order.
func ratioList(rs []float64) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, ratioText(r))
	}
	return strings.Join(parts, ", ")
}

// target is one evaluated goal of the issue.
type target struct {
	Name   string
	Result string // PASS | MISS | n/a
	Detail string
}

func passIf(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

// evalTargets evaluates the targets from the samples.
func (b *bench) evalTargets() []target {
	var ts []target
	if b.opt.runs(caseMatrix) {
		ts = b.apiTargets()
	}
	cmax, nmax := slices.Max(b.opt.cs), slices.Max(b.opt.ns)
	for _, one := range b.one {
		t := target{Name: fmt.Sprintf("%s: validate of one resource ≤ %.2f × the floor (CPU)", one.CLI, maxRatio)}
		v := one.Validate
		rs := runRatios(v[kindOurs], v[kindFloor], planCPU)
		if len(rs) == 0 {
			t.Result, t.Detail = "n/a", one.Err
		} else {
			t.Result = passIf(median(rs) <= maxRatio)
			t.Detail = fmt.Sprintf("median of %d run-by-run CPU ratios %s (median %s vs %s); wall %s (median %s vs %s; "+
				"terraform_data %s)", len(rs), ratioText(median(rs)), secs(median(phaseValues(v[kindOurs], planCPU))),
				secs(median(phaseValues(v[kindFloor], planCPU))), ratioText(median(runRatios(v[kindOurs], v[kindFloor], planWall))),
				secs(median(phaseValues(v[kindOurs], planWall))), secs(median(phaseValues(v[kindFloor], planWall))),
				secs(median(phaseValues(v[kindBaseline], planWall))))
		}
		ts = append(ts, t)
	}
	for _, cli := range b.clis {
		if !b.opt.runs(caseMatrix) {
			break
		}
		for _, cmd := range commands {
			t := target{Name: fmt.Sprintf("%s: %s, N=%d C=%d ≤ %.2f × the floor (CPU)", cli.Name, cmd.name, nmax, cmax, maxRatio)}
			ours, floor := b.filter(cli.Name, kindOurs, nmax, cmax, 0), b.filter(cli.Name, kindFloor, nmax, 0, 0)
			rs := b.ratios(cli.Name, nmax, cmax, 0, kindFloor, cmd.cpu)
			if len(rs) == 0 {
				t.Result, t.Detail = "n/a", "no successful pair"
			} else {
				walls := b.ratios(cli.Name, nmax, cmax, 0, kindFloor, cmd.wall)
				t.Result = passIf(median(rs) <= maxRatio)
				t.Detail = fmt.Sprintf("median of per-round CPU ratios %s (%s; median %s vs %s); wall %s (%s; median %s vs %s)",
					ratioText(median(rs)), ratioList(rs), secs(median(values(ours, cmd.cpu))), secs(median(values(floor, cmd.cpu))),
					ratioText(median(walls)), ratioList(walls), secs(median(values(ours, cmd.wall))),
					secs(median(values(floor, cmd.wall))))
				if nmax != 1000 {
					t.Detail += fmt.Sprintf("; the issue asks for N=1000, this run's largest N is %d", nmax)
				}
			}
			ts = append(ts, t)
		}
	}
	if b.opt.runs(caseRoundTrips) {
		ts = append(ts, b.rtTargets()...)
	}
	if b.opt.runs(caseFleet) {
		ts = append(ts, b.fleetTargets()...)
	}
	if b.opt.runs(caseQuota) {
		ts = append(ts, b.quotaTargets()...)
	}
	return ts
}

// apiTargets checks what the provider asks of the API: N revocation POSTs
// per apply and none per plan, at most one read per cluster per provider
// process, and IAM calls that do not grow with N.
func (b *bench) apiTargets() []target {
	var ours []*sample
	for _, s := range b.samples {
		if onMock(s.Kind) {
			ours = append(ours, s)
		}
	}

	var bad []string
	failed := 0
	for _, s := range ours {
		if !s.ok() {
			failed++
			continue
		}
		if got := s.Apply.Routes[routeRevoke]; got != s.N || s.Plan.Routes[routeRevoke] != 0 {
			bad = append(bad, fmt.Sprintf("%s N=%d C=%d %s round %d: apply %d, plan %d", s.CLI, s.N, s.C,
				latencyLabel(s.Latency), s.Round, got, s.Plan.Routes[routeRevoke]))
		}
	}
	detail := fmt.Sprintf("%d of %d applies sent exactly N revocation POSTs and their plans none", len(ours)-failed-len(bad), len(ours))
	if failed > 0 {
		detail += fmt.Sprintf("; %d samples failed", failed)
	}
	if len(bad) > 0 {
		detail += ": " + strings.Join(bad, "; ")
	}
	ts := []target{{Name: "exactly N revocation POSTs per apply", Result: passIf(len(bad) == 0 && failed == 0 && len(ours) > 0), Detail: detail}}

	// The mock cannot tell provider processes apart, so the bound is C reads
	// per command for each provider process the command started.
	bad = nil
	most := map[string]float64{}
	for _, s := range ours {
		if !s.ok() {
			continue
		}
		for cmd, p := range map[string]phase{"plan": s.Plan, "apply": s.Apply} {
			got := p.Routes[routeGetCluster]
			most[cmd] = max(most[cmd], float64(got)/float64(max(s.C, 1)))
			if got > s.C*p.Procs {
				bad = append(bad, fmt.Sprintf("%s N=%d C=%d %s round %d %s: %d reads, %d provider processes", s.CLI, s.N, s.C,
					latencyLabel(s.Latency), s.Round, cmd, got, p.Procs))
			}
		}
	}
	detail = fmt.Sprintf("at most %.1f reads per cluster in a plan, %.1f in an apply", most["plan"], most["apply"])
	if len(bad) > 0 {
		detail = strings.Join(bad, "; ")
	}
	ts = append(ts, target{Name: "at most one cluster GET per cluster per provider process", Result: passIf(len(bad) == 0 && len(ours) > 0), Detail: detail})

	type key struct {
		cli, kind, cmd string
		c              int
		lat            time.Duration
	}
	seen := map[key]map[int]bool{}
	for _, s := range ours {
		if !s.ok() {
			continue
		}
		for cmd, routes := range map[string]map[string]int{"plan": s.Plan.Routes, "apply": s.Apply.Routes} {
			k := key{s.CLI, s.Kind, cmd, s.C, s.Latency}
			if seen[k] == nil {
				seen[k] = map[int]bool{}
			}
			seen[k][iamCalls(routes)] = true
		}
	}
	bad = nil
	counts := map[int]bool{}
	for k, v := range seen {
		for n := range v {
			counts[n] = true
		}
		if len(v) > 1 {
			var ns []string
			for n := range v {
				ns = append(ns, fmt.Sprint(n))
			}
			sort.Strings(ns)
			bad = append(bad, fmt.Sprintf("%s %s C=%d %s: %s IAM calls", k.cli, k.cmd, k.c, latencyLabel(k.lat), strings.Join(ns, " / ")))
		}
	}
	var cs []int
	for n := range counts {
		cs = append(cs, n)
	}
	slices.Sort(cs)
	detail = fmt.Sprintf("IAM calls per command for N in %v: %v whatever N", b.opt.ns, cs)
	if len(bad) > 0 {
		sort.Strings(bad)
		detail = "varies with N: " + strings.Join(bad, "; ")
	}
	ts = append(ts, target{Name: "IAM calls independent of N", Result: passIf(len(bad) == 0 && len(ours) > 0), Detail: detail})
	return append(ts, b.savedTarget())
}

// savedTarget checks the apply of a saved plan: N revocation POSTs and,
// besides them, only what Terraform's re-plan of each resource during apply
// needs: no other route more than once per cluster in each provider process.
func (b *bench) savedTarget() target {
	t := target{Name: "apply of a saved plan: N revocation POSTs; any other route at most once per cluster per provider process"}
	var parts, bad []string
	for _, s := range b.samples {
		if s.Kind != kindSaved {
			continue
		}
		if !s.ok() {
			bad = append(bad, fmt.Sprintf("%s: failed", s.CLI))
			continue
		}
		others, ok := 0, s.Apply.Routes[routeRevoke] == s.N
		for r, n := range s.Apply.Routes {
			if r != routeRevoke {
				others += n
				ok = ok && n <= s.C*s.Apply.Procs
			}
		}
		parts = append(parts, fmt.Sprintf("%s N=%d C=%d: %d POSTs, %d other requests", s.CLI, s.N, s.C, s.Apply.Routes[routeRevoke], others))
		if !ok {
			bad = append(bad, s.CLI)
		}
	}
	if len(parts) == 0 && len(bad) == 0 {
		t.Result, t.Detail = "n/a", "no saved-plan sample"
		return t
	}
	t.Result = passIf(len(bad) == 0)
	t.Detail = strings.Join(parts, "; ") + " (see \"Apply of a saved plan\")"
	if len(bad) > 0 {
		t.Detail += "; out of bounds: " + strings.Join(bad, ", ")
	}
	return t
}

// iamCalls sums the IAM routes of one command.
func iamCalls(routes map[string]int) int {
	n := 0
	for r, c := range routes {
		if isIAMRoute(r) {
			n += c
		}
	}
	return n
}

// step is the requests of a command that the mock answered together: one
// round trip of the provider's chain of requests.
type step struct {
	Sent   time.Duration // about when they were sent: the first answer less the latency
	Routes map[string]int
}

// stepsOf groups a command's requests, in the order the mock answered them,
// into steps: a request answered more than half a latency after the first
// answer of the current step was sent after that answer came, so it starts
// the next step. Requests in flight together land in one step.
func stepsOf(evs []event, lat time.Duration) []step {
	evs = slices.Clone(evs)
	slices.SortStableFunc(evs, func(a, b event) int { return cmp.Compare(a.At, b.At) })
	var out []step
	var first time.Duration
	for _, e := range evs {
		if len(out) == 0 || e.At-first > lat/2 {
			first = e.At
			out = append(out, step{Sent: e.At - lat, Routes: map[string]int{}})
		}
		out[len(out)-1].Routes[e.Route]++
	}
	return out
}

// typical is the most common shape of a command over the rounds of a CLI's
// round-trip case: the same requests in the same number of steps. On a busy
// machine a late reading of the log can merge two steps of one round; the
// other rounds outvote it.
type typical struct {
	Phase        phase  // of the first round with this shape
	Steps        []step // its steps
	Agree, Total int    // rounds with this shape, of all
}

// typicalOf returns the typical shape of a command of a CLI's round-trip case.
func (b *bench) typicalOf(cli string, cmdOf func(*sample) phase) typical {
	var t typical
	count := map[string]int{}
	first := map[string]phase{}
	var keys []string
	for _, p := range b.rtPairs(cli) {
		ph := cmdOf(p.ours)
		k := fmt.Sprintf("%s / %d", formatRoutes(ph.Routes), len(stepsOf(ph.Events, b.opt.rtLatency)))
		if count[k] == 0 {
			keys, first[k] = append(keys, k), ph
		}
		count[k]++
		t.Total++
	}
	for _, k := range keys { // in round order, so a tie goes to the earlier round
		if count[k] > t.Agree {
			t.Agree, t.Phase = count[k], first[k]
		}
	}
	t.Steps = stepsOf(t.Phase.Events, b.opt.rtLatency)
	return t
}

// rtPair is the provider's and the floor's round-trip samples of one round.
type rtPair struct{ ours, floor *sample }

// rtPairs returns the successful pairs of a CLI's round-trip case, by round.
func (b *bench) rtPairs(cli string) []rtPair {
	var out []rtPair
	for _, o := range b.rt {
		if o.CLI != cli || o.Kind != kindOurs || !o.ok() {
			continue
		}
		for _, f := range b.rt {
			if f.CLI == cli && f.Kind == kindFloor && f.Round == o.Round && f.ok() {
				out = append(out, rtPair{o, f})
			}
		}
	}
	return out
}

// roundTrips are, per round, the provider's wall time over the floor's in
// units of the round-trip latency.
func (b *bench) roundTrips(cli string, m metric) []float64 {
	var out []float64
	for _, p := range b.rtPairs(cli) {
		out = append(out, float64(m.in(p.ours)-m.in(p.floor))/float64(b.opt.rtLatency))
	}
	return out
}

// rtText formats a number of round trips such as +2.45.
func rtText(x float64) string { return fmt.Sprintf("%+.2f", x) }

// rtList formats per-round round trips in round order.
func rtList(xs []float64) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, rtText(x))
	}
	return strings.Join(parts, ", ")
}

// rtCommands are the commands of the round-trip case with their targets.
var rtCommands = []struct {
	name  string
	wall  metric
	max   float64
	cmdOf func(*sample) phase
}{
	{"plan", planWall, rtPlanMax, func(s *sample) phase { return s.Plan }},
	{"apply -auto-approve", applyWall, rtApplyMax, func(s *sample) phase { return s.Apply }},
}

// rtTargets judges the round-trip case: at most rtPlanMax round trips over
// the floor for the plan and rtApplyMax for the apply, median over rounds.
func (b *bench) rtTargets() []target {
	var ts []target
	for _, cli := range b.clis {
		pairs := b.rtPairs(cli.Name)
		for _, cmd := range rtCommands {
			t := target{Name: fmt.Sprintf("%s: %s of one revocation at %s per request ≤ the floor + %.1f round trips (wall)",
				cli.Name, cmd.name, b.opt.rtLatency, cmd.max)}
			rts := b.roundTrips(cli.Name, cmd.wall)
			if len(rts) == 0 {
				t.Result, t.Detail = "n/a", "no successful pair of the provider and the floor"
				ts = append(ts, t)
				continue
			}
			var ours, floor []*sample
			floorRequests := 0
			for _, p := range pairs {
				ours, floor = append(ours, p.ours), append(floor, p.floor)
				for _, n := range cmd.cmdOf(p.floor).Routes {
					floorRequests += n
				}
			}
			ty := b.typicalOf(cli.Name, cmd.cmdOf)
			t.Result = passIf(median(rts) <= cmd.max)
			t.Detail = fmt.Sprintf("median %s round trips (%s; median %s vs %s); %d requests in %d steps one after another "+
				"(%d of %d rounds)", rtText(median(rts)), rtList(rts), secs(median(values(ours, cmd.wall))),
				secs(median(values(floor, cmd.wall))), len(ty.Phase.Events), len(ty.Steps), ty.Agree, ty.Total)
			if floorRequests > 0 {
				t.Detail += fmt.Sprintf("; the floor sent %d requests, and should send none", floorRequests)
			}
			ts = append(ts, t)
		}
	}
	return ts
}
