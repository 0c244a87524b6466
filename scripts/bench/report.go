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

// filter returns the successful samples of the rounds that match (not the
// extra latency pairs).
func (b *bench) filter(cli, kind string, n, c int, lat time.Duration) []*sample {
	var out []*sample
	for _, s := range b.latFilter(cli, kind, n, c, lat) {
		if !s.LatPair {
			out = append(out, s)
		}
	}
	return out
}

// latFilter is filter including the extra latency pairs.
func (b *bench) latFilter(cli, kind string, n, c int, lat time.Duration) []*sample {
	var out []*sample
	for _, s := range b.samples {
		if s.CLI == cli && s.Kind == kind && s.N == n && s.ok() && s.Latency == lat && (kind == kindBaseline || s.C == c) {
			out = append(out, s)
		}
	}
	return out
}

// walls extracts plan or apply wall times.
func walls(ss []*sample, apply bool) []time.Duration {
	var out []time.Duration
	for _, s := range ss {
		if apply {
			out = append(out, s.Apply.Wall)
		} else {
			out = append(out, s.Plan.Wall)
		}
	}
	return out
}

// pairRatios are ours/baseline for each ours sample and the baseline run
// right after it in the same round.
func (b *bench) pairRatios(cli string, n, c int, apply bool) []float64 {
	var out []float64
	for _, o := range b.filter(cli, kindOurs, n, c, 0) {
		for _, base := range b.filter(cli, kindBaseline, n, 0, 0) {
			if base.Round == o.Round && base.PairC == c {
				ow, bw := o.Plan.Wall, base.Plan.Wall
				if apply {
					ow, bw = o.Apply.Wall, base.Apply.Wall
				}
				out = append(out, ow.Seconds()/bw.Seconds())
			}
		}
	}
	return out
}

// latencyExtras are the apply time of the latency sample minus that of the
// zero-latency sample with the same C in the same round or extra pair; the
// target is their median.
func (b *bench) latencyExtras(cli string, n, c int) []time.Duration {
	return pairDiffs(b.latFilter(cli, kindOurs, n, c, b.opt.latency), b.latFilter(cli, kindOurs, n, c, 0))
}

// pairDiffs are, for each slow sample, its apply time minus that of the fast
// sample of the same round (or extra pair), in the slow samples' order.
func pairDiffs(slow, fast []*sample) []time.Duration {
	var out []time.Duration
	for _, l := range slow {
		for _, z := range fast {
			if z.Round == l.Round && z.LatPair == l.LatPair {
				out = append(out, l.Apply.Wall-z.Apply.Wall)
			}
		}
	}
	return out
}

// spread formats the smallest and largest of durations.
func spread(ds []time.Duration) string {
	if len(ds) == 0 {
		return ""
	}
	return fmt.Sprintf("%s to %s", secs(slices.Min(ds)), secs(slices.Max(ds)))
}

// target is one evaluated goal of the issue.
type target struct {
	Name   string
	Result string // PASS | MISS | n/a
	Detail string
	// diagnosis: what to profile when missed.
	diagCLI  string
	diagKind string // apply | latency | validate
	diagN    int
}

// evalTargets evaluates the targets from the samples.
func (b *bench) evalTargets() []target {
	var ts []target
	cmax := slices.Max(b.opt.cs)
	nmax := slices.Max(b.opt.ns)
	var ours []*sample
	for _, s := range b.samples {
		if s.Kind == kindOurs {
			ours = append(ours, s)
		}
	}
	passIf := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "MISS"
	}

	// 1. Exactly N revocation POSTs per apply, none in plan.
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
	ts = append(ts, target{Name: "exactly N revocation POSTs per apply", Result: passIf(len(bad) == 0 && failed == 0 && len(ours) > 0), Detail: detail})

	// 2. At most C cluster GETs per plan and per apply.
	bad = nil
	for _, s := range ours {
		if !s.ok() {
			continue
		}
		p, a := s.Plan.Routes[routeGetCluster], s.Apply.Routes[routeGetCluster]
		if p > s.C || a > s.C {
			bad = append(bad, fmt.Sprintf("%s N=%d C=%d %s round %d: plan %d, apply %d", s.CLI, s.N, s.C,
				latencyLabel(s.Latency), s.Round, p, a))
		}
	}
	detail = "every plan and apply read each cluster at most once"
	if len(bad) > 0 {
		detail = strings.Join(bad, "; ")
	}
	ts = append(ts, target{Name: "at most C cluster GETs per plan and per apply", Result: passIf(len(bad) == 0 && len(ours) > 0), Detail: detail})

	// 3. IAM calls independent of N (per CLI, C, latency and command).
	type key struct {
		cli, cmd string
		c        int
		lat      time.Duration
	}
	seen := map[key]map[int]bool{}
	for _, s := range ours {
		if !s.ok() {
			continue
		}
		for cmd, routes := range map[string]map[string]int{"plan": s.Plan.Routes, "apply": s.Apply.Routes} {
			k := key{s.CLI, cmd, s.C, s.Latency}
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

	for _, cli := range b.clis {
		// 4. apply N=max, C=max at most 5x terraform_data.
		o := walls(b.filter(cli.Name, kindOurs, nmax, cmax, 0), true)
		base := walls(b.filter(cli.Name, kindBaseline, nmax, 0, 0), true)
		t := target{Name: fmt.Sprintf("%s: apply N=%d C=%d ≤ 5 × terraform_data apply", cli.Name, nmax, cmax),
			diagCLI: cli.Name, diagKind: "apply", diagN: nmax}
		if len(o) == 0 || len(base) == 0 {
			t.Result, t.Detail = "n/a", "no successful samples"
		} else {
			r := median(o).Seconds() / median(base).Seconds()
			t.Result = passIf(r <= 5)
			t.Detail = fmt.Sprintf("median %s vs %s: %.2fx (median of per-pair ratios %.2fx)", secs(median(o)), secs(median(base)), r,
				median(b.pairRatios(cli.Name, nmax, cmax, true)))
			if nmax != 1000 {
				t.Detail += fmt.Sprintf("; the issue asks for N=1000, this run's largest N is %d", nmax)
			}
		}
		ts = append(ts, t)
	}
	if b.opt.latency > 0 {
		for _, cli := range b.clis {
			for _, n := range b.opt.ns {
				// 5. extra apply time at 20 ms ≤ 1.5 × N × 20ms / parallelism.
				extra := b.latencyExtras(cli.Name, n, cmax)
				bound := time.Duration(1.5 * float64(n) * float64(b.opt.latency) / float64(b.opt.parallelism))
				t := target{Name: fmt.Sprintf("%s: N=%d C=%d apply at %s latency: extra ≤ 1.5 × N × %s / %d = %s", cli.Name, n, cmax,
					b.opt.latency, b.opt.latency, b.opt.parallelism, secs(bound)), diagCLI: cli.Name, diagKind: "latency", diagN: n}
				if len(extra) == 0 {
					t.Result, t.Detail = "n/a", "no successful pairs"
				} else {
					m := median(extra)
					t.Result = passIf(m <= bound)
					t.Detail = fmt.Sprintf("median of %d per-pair differences %s (from %s; apply %s vs %s)", len(extra), secs(m),
						spread(extra), secs(median(walls(b.latFilter(cli.Name, kindOurs, n, cmax, b.opt.latency), true))),
						secs(median(walls(b.latFilter(cli.Name, kindOurs, n, cmax, 0), true))))
				}
				ts = append(ts, t)
			}
		}
	}
	for _, one := range b.one {
		// 6. validate of one resource ≤ 0.5 s median.
		t := target{Name: fmt.Sprintf("%s: validate of one resource ≤ 0.50 s (median of %d)", one.CLI, b.opt.oneRuns),
			diagCLI: one.CLI, diagKind: "validate"}
		if len(one.Validate) == 0 {
			t.Result, t.Detail = "n/a", one.Err
		} else {
			m := median(one.Validate)
			t.Result = passIf(m <= 500*time.Millisecond)
			t.Detail = fmt.Sprintf("median %s (terraform_data only: %s)", secs(m), secs(median(one.BaseValidate)))
		}
		ts = append(ts, t)
	}
	return ts
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

// writeReport writes BENCHMARKS.md.
func (b *bench) writeReport() error {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }
	cmax := slices.Max(b.opt.cs)
	mode := "full"
	if b.opt.quick {
		mode = "quick (BENCH_QUICK=1)"
	}
	p("# Benchmarks\n\n")
	p("Written by `make bench` (scripts/bench) on %s, %s mode, in %s. Re-run it rather than editing this file.\n\n",
		b.started.UTC().Format("2006-01-02 15:04 MST"), mode, b.finished.Sub(b.started).Round(time.Second))
	p("![plan and apply time against N](benchmarks/chart.svg)\n\n")

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
	p("| latency mode | %s per request, through the mock's `-latency` flag |\n", b.opt.latency)
	p("\n")

	p("## Targets\n\n| target | result | measured |\n|---|---|---|\n")
	for _, t := range b.evalTargets() {
		p("| %s | **%s** | %s |\n", t.Name, t.Result, strings.ReplaceAll(t.Detail, "|", "\\|"))
	}
	p("\n")
	if len(b.diags) > 0 {
		p("### Profiles of the misses\n\n")
		p("Each missed timing target was run once more with `TF_LOG_CORE=DEBUG TF_LOG_PROVIDER=TRACE` (logging slows " +
			"it down, so compare the parts with each other, not with the timings above). Provider RPC times come from " +
			"terraform-plugin-go's `tf_req_duration_ms`, API times from the provider's own `duration_ms`.\n\n")
		for _, d := range b.diags {
			p("%s\n", d.Text)
		}
	}
	b.writePprofSection(p)

	p("## Plan and apply: N revocations over C clusters vs N terraform_data\n\n")
	p("Medians of %d rounds; each round runs, in a fresh directory with fresh state and a freshly started mock, "+
		"`plan -out` then `apply` of the saved plan with `-parallelism=%d`, in the order ours C=1, baseline, ours C=%d, "+
		"baseline, ours C=%d at %s latency. The ratio is ours/baseline for the baseline run right after each ours run "+
		"(median over rounds). Peak memory is the largest provider process of either command.\n\n",
		b.opt.rounds, b.opt.parallelism, cmax, cmax, b.opt.latency)
	p("| CLI | N | C | plan | apply | terraform_data plan | terraform_data apply | plan ratio | apply ratio | provider peak RSS |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, cli := range b.clis {
		for _, n := range b.opt.ns {
			base := b.filter(cli.Name, kindBaseline, n, 0, 0)
			for _, c := range b.opt.cs {
				o := b.filter(cli.Name, kindOurs, n, c, 0)
				if len(o) == 0 {
					p("| %s | %d | %d | failed | | | | | | |\n", cli.Name, n, c)
					continue
				}
				var peaks []float64
				for _, s := range o {
					peaks = append(peaks, float64(s.peakKB())/1024)
				}
				p("| %s | %d | %d | %s | %s | %s | %s | %.2fx | %.2fx | %.0f MiB |\n", cli.Name, n, c,
					secs(median(walls(o, false))), secs(median(walls(o, true))),
					secs(median(walls(base, false))), secs(median(walls(base, true))),
					median(b.pairRatios(cli.Name, n, c, false)), median(b.pairRatios(cli.Name, n, c, true)), median(peaks))
			}
		}
	}
	p("\n")

	if b.opt.latency > 0 {
		p("## Apply with %s per request (C=%d)\n\n", b.opt.latency, cmax)
		p("Extra = the median, over pairs, of the apply at %s minus the zero-latency apply of the same pair: the "+
			"rounds, plus for N ≤ %d extra alternated pairs (0 ms then %s, then the other way round) up to %d pairs. "+
			"The ideal is about N × %s / %d for the revocation POSTs, plus one round trip for each request the provider "+
			"makes one after the other before them.\n\n", b.opt.latency, latPairsMaxN, b.opt.latency, b.opt.latPairs,
			b.opt.latency, b.opt.parallelism)
		p("| CLI | N | pairs | plan | apply | apply at 0 ms | extra | per-pair extras | bound 1.5 × N × %s / %d |\n"+
			"|---|---:|---:|---:|---:|---:|---:|---|---:|\n", b.opt.latency, b.opt.parallelism)
		for _, cli := range b.clis {
			for _, n := range b.opt.ns {
				l := b.latFilter(cli.Name, kindOurs, n, cmax, b.opt.latency)
				if len(l) == 0 {
					continue
				}
				extra := b.latencyExtras(cli.Name, n, cmax)
				bound := time.Duration(1.5 * float64(n) * float64(b.opt.latency) / float64(b.opt.parallelism))
				p("| %s | %d | %d | %s | %s | %s | %s | %s | %s |\n", cli.Name, n, len(extra), secs(median(walls(l, false))),
					secs(median(walls(l, true))), secs(median(walls(b.latFilter(cli.Name, kindOurs, n, cmax, 0), true))),
					secs(median(extra)), spread(extra), secs(bound))
			}
		}
		p("\n")
	}

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

	p("## One resource: validate and plan\n\n")
	p("Median of %d runs each, alternated with the same command on one terraform_data. No `init`: dev_overrides.\n\n", b.opt.oneRuns)
	p("| CLI | validate | validate terraform_data | plan | plan terraform_data | provider peak RSS |\n|---|---:|---:|---:|---:|---:|\n")
	for _, one := range b.one {
		if one.Err != "" {
			p("| %s | failed: %s | | | | |\n", one.CLI, strings.ReplaceAll(tail(one.Err, 200), "\n", " "))
			continue
		}
		p("| %s | %s | %s | %s | %s | %.0f MiB |\n", one.CLI, secs(median(one.Validate)), secs(median(one.BaseValidate)),
			secs(median(one.Plan)), secs(median(one.BasePl)), float64(one.PeakKB)/1024)
	}
	p("\n")

	p("## Go benchmarks\n\n`%s`\n\n```\n%s\n```\n\n", strings.Join(goBenchCmd, " "), b.goBench)

	p("## How it is measured\n\n")
	p("- The provider is built with the flags of `make build` and reached through `dev_overrides` in a CLI config file " +
		"(`TF_CLI_CONFIG_FILE`), so there is no `init` and no registry; `terraform_data` is built into both CLIs.\n")
	p("- Configurations: a `locals` map of N entries `{ cluster_id, id }` with random 32-hex IDs, spread round-robin over " +
		"the first C clusters, and `for_each` over it: `cce_credential_revocation` with `other_id` (no IAM lookup) " +
		"or `terraform_data` with `input = each.value`.\n")
	p("- Clusters: the three seeded clusters that accept a revocation plus %d added with the mock's `-extra-clusters` "+
		"flag (the fourth seeded cluster, `old`, is below its line's minimum by design).\n", extraClusters)
	p("- Wall time is measured around each CLI process. Provider peak memory is VmHWM (the kernel's peak-RSS mark) of " +
		"each `terraform-provider-cce` child of the CLI, read from /proc every 20 ms while it runs; being a high-water " +
		"mark, it only needs one late reading per process, and the provider is not wrapped, so timings are unchanged.\n")
	p("- The latency mode adds %s to every request the mock serves (the mock's `-latency` flag).\n", b.opt.latency)
	p("- Latency target: extra = median of per-pair differences (apply at %s minus apply at 0 ms of the same pair, "+
		"each with its own plan, directory and mock). The rounds give one pair each; for N ≤ %d, where the bound is "+
		"about as small as the run-to-run noise, extra alternated pairs are added up to %d pairs (`-latency-pairs`). "+
		"The extra pairs count for the latency target and its table only.\n", b.opt.latency, latPairsMaxN, b.opt.latPairs)
	p("- Every sample (and every one-resource run) gets a fresh, empty directory for the provider's recorded checks "+
		"(`%s`) in its own directory, shared by its plan and apply, as on a user's machine; nothing carries over "+
		"between samples.\n", cacheDirEnv)
	p("- Other jobs may share the machine: see the load averages above before comparing runs.\n\n")

	p("<details><summary>Every sample</summary>\n\n| # | CLI | kind | N | C | latency | round | plan | apply | provider processes (plan/apply) | peak RSS |\n")
	p("|---:|---|---|---:|---:|---|---|---:|---:|---|---:|\n")
	for _, s := range b.samples {
		status := ""
		if !s.ok() {
			status = " (failed)"
		}
		round := strconv.Itoa(s.Round)
		if s.LatPair {
			round = "pair " + round
		}
		p("| %d | %s | %s | %d | %d | %s | %s | %s | %s%s | %d/%d | %.0f MiB |\n", s.Seq, s.CLI, s.Kind, s.N, s.C,
			latencyLabel(s.Latency), round, secs(s.Plan.Wall), secs(s.Apply.Wall), status, s.Plan.Procs, s.Apply.Procs,
			float64(s.peakKB())/1024)
	}
	p("\n</details>\n")

	path := b.inRoot(b.opt.report)
	return os.WriteFile(path, []byte(w.String()), 0o644) //nolint:gosec // a document in the repository
}

// writePprofSection writes the pprof summaries, if any.
func (b *bench) writePprofSection(p func(format string, args ...any)) {
	if len(b.pprofs) == 0 {
		return
	}
	p("## Where the apply's time goes (pprof)\n\n%s", b.pprofIntro())
	for _, d := range b.pprofs {
		p("%s\n", d.Text)
	}
}

// writePprofReport writes only the pprof summaries (-pprof-only).
func (b *bench) writePprofReport() error {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }
	p("# Profiles (pprof)\n\nWritten by `%s` on %s from the tree at %s (%s) in %s; %d CPUs, load average %s at start.\n\n",
		b.command, b.started.UTC().Format("2006-01-02 15:04 MST"), b.opt.root, treeState(b.opt.root),
		b.finished.Sub(b.started).Round(time.Second), b.machine.CPUs, b.machine.LoadStart)
	for _, c := range b.clis {
		p("- %s: %s\n", c.Name, c.Version)
	}
	p("\n")
	b.writePprofSection(p)
	return os.WriteFile(b.inRoot(b.opt.report), []byte(w.String()), 0o644) //nolint:gosec // a document
}

// treeState names the commit of a work tree and its uncommitted paths.
func treeState(root string) string {
	head, err := output(root, nil, "git", "log", "-1", "--format=%h %s")
	if err != nil {
		return "not a git work tree"
	}
	st, _ := output(root, nil, "git", "status", "--porcelain")
	var paths []string
	for line := range strings.SplitSeq(strings.TrimSpace(st), "\n") {
		if len(line) > 3 {
			paths = append(paths, line[3:])
		}
	}
	out := "commit " + strings.TrimSpace(head)
	switch {
	case len(paths) == 0:
	case len(paths) <= 3:
		out += ", plus uncommitted " + strings.Join(paths, ", ")
	default:
		out += fmt.Sprintf(", plus %d uncommitted paths", len(paths))
	}
	return out
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
