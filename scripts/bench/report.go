package main

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// writeReport writes BENCHMARKS.md.
func (b *bench) writeReport() error {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }
	mode := "full"
	if b.opt.quick {
		mode = "quick (BENCH_QUICK=1)"
	}
	if b.opt.only != nil {
		var cs []string
		for _, c := range allCases {
			if b.opt.runs(c) {
				cs = append(cs, c)
			}
		}
		mode += " mode, only " + strings.Join(cs, ", ")
	} else {
		mode += " mode"
	}
	p("# Benchmarks\n\n")
	p("Written by `make bench` (scripts/bench) on %s, %s, in %s. Re-run it rather than editing this file.\n\n",
		b.started.UTC().Format("2006-01-02 15:04 MST"), mode, b.finished.Sub(b.started).Round(time.Second))
	p("Every case runs on the provider, on the *floor* (scripts/bench/floor: a do-nothing provider with the schema of "+
		"`cce_credential_revocation` on the same framework, no API calls) and on `terraform_data` (built into the CLI: no "+
		"plugin at all). Time over the floor is the provider's own cost; the target is at most %.2fx, in CPU time.\n\n", maxRatio)
	if b.opt.runs(caseMatrix) {
		p("![plan and apply time against N](benchmarks/chart.svg)\n\n")
	}
	b.writeMachine(p)

	p("## Targets\n\n| target | result | measured |\n|---|---|---|\n")
	for _, t := range b.evalTargets() {
		p("| %s | **%s** | %s |\n", t.Name, t.Result, strings.ReplaceAll(t.Detail, "|", "\\|"))
	}
	p("\n")
	if b.opt.runs(caseOne) || b.opt.runs(caseMatrix) {
		b.writeRatios(p)
	}
	if b.opt.runs(caseMatrix) {
		b.writeCases(p)
		b.writeLatency(p)
		b.writeRoutes(p)
		b.writeSaved(p)
	}
	if b.opt.runs(caseRoundTrips) {
		b.writeRoundTrips(p)
	}
	if b.opt.runs(caseFleet) {
		b.writeFleet(p)
	}
	if b.opt.runs(caseQuota) {
		b.writeQuota(p)
	}
	if b.opt.runs(caseOne) {
		b.writeOne(p)
	}
	if b.opt.runs(caseGoBench) {
		p("## Go benchmarks\n\n`%s`\n\n```\n%s\n```\n\n", strings.Join(goBenchCmd, " "), b.goBench)
	}
	b.writeMethod(p)
	b.writeSamples(p)
	if b.opt.report == "-" {
		_, err := os.Stdout.WriteString(w.String())
		return err
	}
	return os.WriteFile(b.inRoot(b.opt.report), []byte(w.String()), 0o644) //nolint:gosec // a document in the repository
}

// printer appends formatted text to the report.
type printer func(format string, args ...any)

func (b *bench) writeMachine(p printer) {
	p("## Machine and command\n\n| | |\n|---|---|\n")
	p("| command | `%s` |\n", b.command)
	p("| date | %s |\n", b.started.UTC().Format(time.RFC3339))
	p("| CPUs (`nproc`) | %d |\n", b.machine.CPUs)
	p("| CPU model | %s |\n", b.machine.CPUModel)
	p("| memory | %s |\n", b.machine.MemTotal)
	p("| kernel | %s |\n", b.machine.Kernel)
	p("| load average (1, 5, 15 min) at start / end | %s / %s |\n", b.machine.LoadStart, b.machine.LoadEnd)
	p("| Go | %s |\n", b.machine.GoVersion)
	for _, c := range b.clis {
		p("| %s | %s (`%s`) |\n", c.Name, c.Version, c.Path)
	}
	p("| provider binary | %.1f MB (%d bytes), built like `make build` (`-trimpath -ldflags \"-s -w\"`) |\n", float64(b.binSize)/1e6, b.binSize)
	if b.opt.runs(caseMatrix) {
		p("| latency mode | %s per request, through the mock's `-latency` flag |\n", b.opt.latency)
	}
	if b.opt.runs(caseRoundTrips) {
		p("| round-trip case | %s per request (the mock's `-latency`), %d rounds |\n", b.opt.rtLatency, b.opt.rtRounds)
	}
	p("\n")
}

// writeRatios writes the summary: each timed case over the floor, per CLI.
func (b *bench) writeRatios(p printer) {
	cmax, nmax := slices.Max(b.opt.cs), slices.Max(b.opt.ns)
	p("## Over the floor\n\nMedians of the per-run (one resource) or per-round (N resources) ratios of the provider's " +
		"time to the floor's: CPU time (the CLI and every provider process it started), which the targets use because it " +
		"depends much less on what else runs on the machine, then wall time; last, wall time over `terraform_data`.\n\n| case |")
	for _, c := range b.clis {
		p(" %s CPU | wall | wall ÷ terraform_data |", c.Name)
	}
	p("\n|---|%s\n", strings.Repeat("---:|", 3*len(b.clis)))
	cells := func(cpu, wall, base []float64) string {
		if len(cpu) == 0 {
			return " – | – | – |"
		}
		return fmt.Sprintf(" %s | %s | %s |", ratioText(median(cpu)), ratioText(median(wall)), ratioText(median(base)))
	}
	for _, cmd := range []string{"validate", "plan"} {
		p("| `%s`, 1 resource |", cmd)
		for _, c := range b.clis {
			one := b.oneOf(c.Name)
			ps := one.Validate
			if cmd == "plan" {
				ps = one.Plan
			}
			p("%s", cells(runRatios(ps[kindOurs], ps[kindFloor], planCPU), runRatios(ps[kindOurs], ps[kindFloor], planWall),
				runRatios(ps[kindOurs], ps[kindBaseline], planWall)))
		}
		p("\n")
	}
	lats := []time.Duration{0}
	if b.opt.latency > 0 {
		lats = append(lats, b.opt.latency)
	}
	for _, lat := range lats {
		for _, cmd := range commands {
			what := ""
			if lat > 0 {
				what = fmt.Sprintf(", %s per request", lat)
			}
			p("| `%s`, N = %d, C = %d%s |", cmd.name, nmax, cmax, what)
			for _, c := range b.clis {
				p("%s", cells(b.ratios(c.Name, nmax, cmax, lat, kindFloor, cmd.cpu), b.ratios(c.Name, nmax, cmax, lat, kindFloor, cmd.wall),
					b.ratios(c.Name, nmax, cmax, lat, kindBaseline, cmd.wall)))
			}
			p("\n")
		}
	}
	p("\n")
}

// oneOf returns the one-resource timings of a CLI.
func (b *bench) oneOf(cli string) oneResult {
	for _, o := range b.one {
		if o.CLI == cli {
			return o
		}
	}
	return oneResult{CLI: cli}
}

// writeCases writes plan and apply of every N and C against the floor and
// terraform_data.
func (b *bench) writeCases(p printer) {
	p("## Plan and apply: N revocations over C clusters\n\n")
	p("Medians of %d rounds; each round runs, each in a fresh directory with fresh state (and, for the provider, a freshly "+
		"started mock), `plan` then `apply -auto-approve` with `-parallelism=%d`: the provider at C = %d and the floor "+
		"(alternately first), `terraform_data`, then the provider at the other cluster counts and with latency. Times "+
		"are wall times; ratios are medians of per-round ratios. Peak memory is the largest provider process of either command.\n\n",
		b.opt.rounds, b.opt.parallelism, slices.Max(b.opt.cs))
	p("| CLI | N | C | command | provider | floor | CPU ÷ floor | wall ÷ floor | terraform_data | wall ÷ terraform_data | provider peak RSS |\n")
	p("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, cli := range b.clis {
		for _, n := range b.opt.ns {
			floor := b.filter(cli.Name, kindFloor, n, 0, 0)
			base := b.filter(cli.Name, kindBaseline, n, 0, 0)
			for _, c := range b.opt.cs {
				o := b.filter(cli.Name, kindOurs, n, c, 0)
				if len(o) == 0 {
					p("| %s | %d | %d | failed |%s\n", cli.Name, n, c, strings.Repeat(" |", 7))
					continue
				}
				var peaks []float64
				for _, s := range o {
					peaks = append(peaks, float64(s.peakKB())/1024)
				}
				for _, cmd := range commands {
					p("| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %.0f MiB |\n", cli.Name, n, c, cmd.name,
						secs(median(values(o, cmd.wall))), secs(median(values(floor, cmd.wall))),
						ratioText(median(b.ratios(cli.Name, n, c, 0, kindFloor, cmd.cpu))),
						ratioText(median(b.ratios(cli.Name, n, c, 0, kindFloor, cmd.wall))),
						secs(median(values(base, cmd.wall))), ratioText(median(b.ratios(cli.Name, n, c, 0, kindBaseline, cmd.wall))),
						median(peaks))
				}
			}
		}
	}
	p("\n")
}

// writeLatency writes the applies with per-request latency.
func (b *bench) writeLatency(p printer) {
	if b.opt.latency <= 0 {
		return
	}
	cmax := slices.Max(b.opt.cs)
	p("## Apply with %s per request (C = %d)\n\n", b.opt.latency, cmax)
	p("Extra is the median, over rounds, of the apply at %s minus the zero-latency apply of the same round. The N "+
		"revocation POSTs alone need about N × %s / %d; every request the provider makes one after another before "+
		"them adds a round trip.\n\n", b.opt.latency, b.opt.latency, b.opt.parallelism)
	p("| CLI | N | plan | apply | apply ÷ floor | apply at 0 ms | extra | N × %s / %d |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
		b.opt.latency, b.opt.parallelism)
	for _, cli := range b.clis {
		for _, n := range b.opt.ns {
			l := b.filter(cli.Name, kindOurs, n, cmax, b.opt.latency)
			if len(l) == 0 {
				continue
			}
			ideal := time.Duration(float64(n) * float64(b.opt.latency) / float64(b.opt.parallelism))
			p("| %s | %d | %s | %s | %s | %s | %s | %s |\n", cli.Name, n, secs(median(values(l, planWall))),
				secs(median(values(l, applyWall))), ratioText(median(b.ratios(cli.Name, n, cmax, b.opt.latency, kindFloor, applyWall))),
				secs(median(values(b.filter(cli.Name, kindOurs, n, cmax, 0), applyWall))),
				secs(median(b.latencyExtras(cli.Name, n, cmax))), secs(ideal))
		}
	}
	p("\n")
}

// writeRoutes writes the mock's requests per route of every case.
func (b *bench) writeRoutes(p printer) {
	cmax := slices.Max(b.opt.cs)
	p("## Mock requests per route\n\n")
	p("From the mock's request log (one line per request), split at the end of `plan`; `…` stands for " +
		"`/api/v3/projects/{project_id}`. Counts of round 1; the last column says whether every round of the case " +
		"counted the same.\n\n")
	p("| CLI | N | C | latency | command | requests per route | same in all rounds |\n|---|---:|---:|---|---|---|---|\n")
	for _, cli := range b.clis {
		for _, n := range b.opt.ns {
			for _, c := range b.opt.cs {
				lats := []time.Duration{0}
				if b.opt.latency > 0 && c == cmax {
					lats = append(lats, b.opt.latency)
				}
				for _, lat := range lats {
					ss := b.filter(cli.Name, kindOurs, n, c, lat)
					if len(ss) == 0 {
						continue
					}
					for _, cmd := range []string{"plan", "apply"} {
						get := func(s *sample) map[string]int {
							if cmd == "plan" {
								return s.Plan.Routes
							}
							return s.Apply.Routes
						}
						same := "yes"
						for _, s := range ss[1:] {
							if formatRoutes(get(s)) != formatRoutes(get(ss[0])) {
								same = "no"
							}
						}
						p("| %s | %d | %d | %s | %s | %s | %s |\n", cli.Name, n, c, latencyLabel(lat), cmd, formatRoutes(get(ss[0])), same)
					}
				}
			}
		}
	}
	p("\n")
}

// writeSaved writes the requests of the apply of a saved plan.
func (b *bench) writeSaved(p printer) {
	p("## Apply of a saved plan\n\n")
	p("`plan -out=tfplan`, then `apply tfplan`, as a pipeline runs them; once per CLI at the largest N and C. " +
		"The plan shows every fact the checks found (cluster name and version, applicant, who revokes), and Create sends " +
		"only the revocation POST. The other requests are not Create's: during apply, Terraform plans every resource " +
		"again (in a new provider process) and requires the same known values as the saved plan, so the provider reads " +
		"the facts again, once per cluster and once for the caller in that process, whatever N.\n\n")
	p("| CLI | N | C | plan | apply of the plan | requests of the apply per route | provider processes (apply) |\n" +
		"|---|---:|---:|---:|---:|---|---:|\n")
	for _, s := range b.samples {
		if s.Kind != kindSaved {
			continue
		}
		if !s.ok() {
			p("| %s | %d | %d | failed: %s | | | |\n", s.CLI, s.N, s.C, strings.ReplaceAll(tail(s.Plan.Err+s.Apply.Err, 200), "\n", " "))
			continue
		}
		p("| %s | %d | %d | %s | %s | %s | %d |\n", s.CLI, s.N, s.C, secs(s.Plan.Wall), secs(s.Apply.Wall),
			formatRoutes(s.Apply.Routes), s.Apply.Procs)
	}
	p("\n")
}

// writeRoundTrips writes the round-trip case: the times, and the provider's
// requests step by step.
func (b *bench) writeRoundTrips(p printer) {
	lat := b.opt.rtLatency
	p("## Round trips: one revocation at %s per request\n\n", lat)
	p("Real IAM and CCE answer in 50 to 150 ms, so on a real cloud what a small plan or apply waits for is the requests "+
		"the provider sends one after another. Here the mock answers every request %s late (its `-latency` flag); the "+
		"floor sends no request, so the provider's wall time over the floor's, divided by %s, is the number of round "+
		"trips it waits for in sequence, plus the rest of its time over the floor's (the column \"rest\" below). Medians of %d rounds; each round runs `plan` then `apply -auto-approve` (which plans "+
		"again) of one revocation (`other_id`, so no IAM look-up of the applicant) on the provider and on the floor, "+
		"alternately first, each in a fresh directory with its own freshly started mock at the same latency.\n\n",
		lat, lat, b.opt.rtRounds)
	p("The steps are the round trips the mock's log shows the provider waiting for one after another (see below); the rest " +
		"is the provider's time over the floor's spent otherwise (its own CPU time, TLS handshakes, which the latency does " +
		"not slow down, and waiting for a core on a busy machine), in round trips: the median of each round's round trips less its steps.\n\n")
	if busy := b.busyNote(); busy != "" {
		p("%s\n\n", busy)
	}
	p("| CLI | command | provider | floor | round trips over the floor | target | steps | rest | per round |\n" +
		"|---|---|---:|---:|---:|---:|---:|---:|---|\n")
	for _, cli := range b.clis {
		pairs := b.rtPairs(cli.Name)
		for _, cmd := range rtCommands {
			if len(pairs) == 0 {
				p("| %s | %s | failed | | | ≤ %+.1f | | | |\n", cli.Name, cmd.name, cmd.max)
				continue
			}
			var ours, floor []*sample
			for _, pr := range pairs {
				ours, floor = append(ours, pr.ours), append(floor, pr.floor)
			}
			rts := b.roundTrips(cli.Name, cmd.wall)
			steps := len(b.typicalOf(cli.Name, cmd.cmdOf).Steps)
			p("| %s | %s | %s | %s | **%s** | ≤ %+.1f | %d | %s | %s |\n", cli.Name, cmd.name, secs(median(values(ours, cmd.wall))),
				secs(median(values(floor, cmd.wall))), rtText(median(rts)), cmd.max, steps, rtText(median(rts)-float64(steps)), rtList(rts))
		}
	}
	p("\n")
	p("The provider's requests, as the mock's log shows them (`…` stands for `/api/v3/projects/{project_id}`), in the "+
		"shape most rounds agree on: the same requests in the same number of steps (on a busy machine a late reading of "+
		"the log can merge two steps of one round; the last column says how many rounds agree). "+
		"A step is the requests that were in flight together; each step was sent after the answers of the one before "+
		"(or after other work of the CLI), so every step is one round trip of wait. The time of a step is when it was "+
		"sent, from the start of the command: when the mock's first answer of the step was written, less %s. `apply "+
		"-auto-approve` plans again before it applies (Terraform starts a new provider process for each), so its "+
		"steps are those of a plan and then those of the create. The floor sent none in every round unless the targets "+
		"above say otherwise.\n\n", lat)
	p("| CLI | command | requests per route | steps | in sequence | rounds of this shape |\n|---|---|---|---:|---|---|\n")
	for _, cli := range b.clis {
		pairs := b.rtPairs(cli.Name)
		if len(pairs) == 0 {
			continue
		}
		for _, cmd := range rtCommands {
			ty := b.typicalOf(cli.Name, cmd.cmdOf)
			p("| %s | %s | %s | %d | %s | %d of %d |\n", cli.Name, cmd.name, formatRoutes(ty.Phase.Routes), len(ty.Steps),
				formatSteps(ty.Steps), ty.Agree, ty.Total)
		}
	}
	p("\n")
}

// busyNote says how busy the machine was during the round-trip case, and
// warns when other work took the CPUs:
// then the wall time of one command can move by more than a round trip
// from round to round. It judges by the kernel's CPU pressure over the case
// itself (the share of its wall time in which some task waited for a CPU),
// and, where the kernel has none, by the 1-minute load average after the
// case, which the cases before it also weigh on.
func (b *bench) busyNote() string {
	const rough = "the wall time of one command can move by more than a round trip from round to round, so the round trips " +
		"over the floor are rough; the steps, from the mock's log, are the shape most rounds agree on. Re-run on a quiet " +
		"machine before judging a target."
	l := b.rtMachine
	loads := fmt.Sprintf("1-minute load average %s before the case, %s after it, on %d CPUs", first(l.LoadBefore), first(l.LoadAfter), b.machine.CPUs)
	switch {
	case l.Pressure >= 0:
		if l.Pressure <= busyPressure {
			return fmt.Sprintf("The machine was quiet during the case (some task waited for a CPU %.0f%% of the time, the "+
				"kernel's CPU pressure; %s).", 100*l.Pressure, loads)
		}
		return fmt.Sprintf("**The machine was busy** (during the case some task waited for a CPU %.0f%% of the time, the kernel's CPU "+
			"pressure; %s): %s", 100*l.Pressure, loads, rough)
	case b.machine.CPUs >= 1 && loadOf(l.LoadAfter) > float64(b.machine.CPUs):
		return fmt.Sprintf("**The machine was busy** (%s): %s", loads, rough)
	}
	return ""
}

// busyPressure is the CPU pressure above which the round-trip case is rough:
// on a quiet machine the case's own processes wait for a CPU well under 10%
// of the time.
const busyPressure = 0.10

// loadOf returns the 1-minute figure of a load average line, 0 if none.
func loadOf(s string) float64 {
	v, _ := strconv.ParseFloat(first(s), 64)
	return v
}

// first returns the first field of s, "?" if none.
func first(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// formatSteps renders steps as "+0.31 s `route`, `route` → +0.42 s ...".
func formatSteps(steps []step) string {
	if len(steps) == 0 {
		return "none"
	}
	var parts []string
	for _, st := range steps {
		parts = append(parts, fmt.Sprintf("%+.2f s %s", st.Sent.Seconds(), formatRoutes(st.Routes)))
	}
	return strings.Join(parts, " → ")
}

// writeOne writes the one-resource timings.
func (b *bench) writeOne(p printer) {
	p("## One resource: validate and plan\n\n")
	p("Median of %d runs each, the provider, the floor and `terraform_data` one after the other, each in a fresh "+
		"directory. No `init`: dev_overrides.\n\n", b.opt.oneRuns)
	p("| CLI | command | provider | floor | CPU ÷ floor | wall ÷ floor | terraform_data | provider peak RSS |\n" +
		"|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, one := range b.one {
		if one.Err != "" {
			p("%s", failedRow(one.CLI, one.Err, 6))
			continue
		}
		for _, cmd := range []struct {
			name string
			ps   map[string][]phase
		}{{"validate", one.Validate}, {"plan", one.Plan}} {
			ps := cmd.ps
			p("| %s | %s | %s | %s | %s | %s | %s | %.0f MiB |\n", one.CLI, cmd.name,
				secs(median(phaseValues(ps[kindOurs], planWall))), secs(median(phaseValues(ps[kindFloor], planWall))),
				ratioText(median(runRatios(ps[kindOurs], ps[kindFloor], planCPU))),
				ratioText(median(runRatios(ps[kindOurs], ps[kindFloor], planWall))),
				secs(median(phaseValues(ps[kindBaseline], planWall))), float64(one.PeakKB)/1024)
		}
	}
	p("\n")
}

// writeMethod says how the numbers were taken.
func (b *bench) writeMethod(p printer) {
	p("## How it is measured\n\n")
	p("- The provider is built with the flags of `make build`, the floor likewise from its own module " +
		"(scripts/bench/floor, pinned to the provider's framework and dependency versions), and each is reached through " +
		"`dev_overrides` under the provider's address in a CLI config file (`TF_CLI_CONFIG_FILE`), so one configuration " +
		"runs on either, with no `init` and no registry; `terraform_data` is built into every CLI.\n")
	p("- The floor has the attributes, validators, plan modifiers, timeouts block and resource identity of " +
		"`cce_credential_revocation`; its ModifyPlan returns at once and its Create only sets the computed values and " +
		"the identity. It has no provider settings and no other resources. (Terraform 1.16 stores and checks an identity " +
		"for every resource: a floor without one took about 7%% less CPU for the apply at N = 1000 when measured on " +
		"2026-11-29; Terraform 1.5 and OpenTofu 1.12 ignore it.)\n")
	p("- Configurations: a `locals` map of N entries `{ cluster_id, id }` with random 32-hex IDs, spread round-robin over " +
		"the first C clusters, and `for_each` over it: `cce_credential_revocation` with `other_id` (no IAM lookup) " +
		"or `terraform_data` with `input = each.value`.\n")
	p("- Clusters: the three seeded clusters that accept a revocation plus %d added with the mock's `-extra-clusters` "+
		"flag (the fourth seeded cluster, `old`, is below its line's minimum by design).\n", extraClusters)
	p("- Wall time is measured around each CLI process; CPU time is the user + system time the kernel reports when " +
		"the CLI exits, which includes every provider process the CLI started and waited for (not the mock's).\n")
	p("- Provider peak memory is VmHWM (the kernel's peak-RSS mark) of " +
		"each `terraform-provider-cce` child of the CLI, read from /proc every 20 ms while it runs; being a high-water " +
		"mark, it only needs one late reading per process, and the provider is not wrapped, so timings are unchanged.\n")
	p("- The mock cannot tell provider processes apart, so the cluster-read target allows C reads per command for each " +
		"provider process the command started (the processes counted by the memory sampler).\n")
	if b.opt.runs(caseMatrix) {
		p("- The latency mode adds %s to every request the mock serves (the mock's `-latency` flag).\n", b.opt.latency)
	}
	if b.opt.runs(caseRoundTrips) {
		p("- The round-trip case reads the mock's log through a pipe as it is written and notes when each line came "+
			"(the log's own timestamps have whole seconds); the mock writes a request's line when its answer is ready, "+
			"%s after the request came. After each command the harness sends one control API request, which the log "+
			"marks `control` and which is not delayed, to split the log between plan and apply.\n", b.opt.rtLatency)
	}
	p("- Every sample (and every one-resource run) gets its own directory and `HOME`, shared by its plan and apply; " +
		"nothing carries over between samples.\n")
	p("- Other jobs may share the machine: see the load averages above before comparing runs. CONTRIBUTING.md says how " +
		"to profile a case.\n\n")
}

// writeSamples lists every sample.
func (b *bench) writeSamples(p printer) {
	p("<details><summary>Every sample</summary>\n\n| # | CLI | kind | N | C | latency | round | plan | apply | provider processes (plan/apply) | peak RSS |\n")
	p("|---:|---|---|---:|---:|---|---:|---:|---:|---|---:|\n")
	for _, s := range append(slices.Clone(b.samples), b.rt...) {
		status := ""
		if !s.ok() {
			status = " (failed)"
		}
		kind := s.Kind
		if s.RoundTrip {
			kind += ", round trips"
		}
		p("| %d | %s | %s | %d | %d | %s | %d | %s | %s%s | %d/%d | %.0f MiB |\n", s.Seq, s.CLI, kind, s.N, s.C,
			latencyLabel(s.Latency), s.Round, secs(s.Plan.Wall), secs(s.Apply.Wall), status, s.Plan.Procs, s.Apply.Procs,
			float64(s.peakKB())/1024)
	}
	p("\n</details>\n")
}

// formatRoutes renders route counts sorted by label.
func formatRoutes(routes map[string]int) string {
	if len(routes) == 0 {
		return "none"
	}
	var keys []string
	for k := range routes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("`%s` %d", strings.Replace(k, "/api/v3/projects/{project_id}", "…", 1), routes[k]))
	}
	return strings.Join(parts, ", ")
}
