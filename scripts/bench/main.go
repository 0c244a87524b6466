// Command bench is the performance harness behind `make bench`.
//
// It builds the provider, the do-nothing provider of scripts/bench/floor (the
// same schema on the same framework, no API calls) and the standalone mock
// cloud, then runs real `plan` and `apply -auto-approve` commands of every CLI
// the project tests (Terraform 1.5.7 and 1.16.4, OpenTofu 1.12.6, from
// scripts/tools.sh) through dev_overrides against generated configurations of
// N cce_credential_revocation resources over C clusters, alternated with the
// same configuration on the floor provider and N terraform_data resources. It
// also times `validate` and `plan` of one resource, runs the Go benchmarks of
// internal/cce, counts the mock's requests per route, samples the provider's
// peak memory, and writes BENCHMARKS.md and benchmarks/chart.svg.
//
// The quota case (quota.go) runs 8 applies of 250 revocations at once
// against one mock whose account has a quota of 50 requests a second.
//
// It also runs the round-trip case: plan and apply -auto-approve of one
// revocation with the mock answering every request 100 ms late, as real IAM
// and CCE do (50 to 150 ms), against the floor at the same latency; the
// difference in wall time over 100 ms is the provider's round trips in
// sequence, and the mock's log, read as it is written, shows which they are.
//
// And the fleet case (issue 25): an offboarding of -fleet-people people on
// -fleet-clusters clusters through examples/modules/offboarding (one
// cce_credential_revocations per cluster) and as one for_each block of single
// revocations, once per CLI, with the module at -fleet-more people too; the
// target is the module's plan at most 0.1x the single block's.
//
// Usage (from the repository root):
//
//	go run ./scripts/bench                 full run: N in {10,100,1000}, 3 rounds; round trips: 9 rounds
//	BENCH_QUICK=1 go run ./scripts/bench   N in {10,100}, 1 round; round trips: 5 rounds
//	go run ./scripts/bench -only=roundtrips   one case (gobench, one, matrix, roundtrips, fleet, quota; comma-separated);
//	                                          the report goes to stdout unless -report says where
//
// Only the standard library is used. CONTRIBUTING.md says how to profile.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// extraClusters is how many clusters the standalone mock is asked to add
// (-extra-clusters) to the three seeded ones that accept a revocation (the
// fourth seeded cluster, "old", is below its line's minimum by design).
const extraClusters = 7

// seededClusters are the clusters the benchmark spreads revocations over.
var seededClusters = func() []string {
	ids := []string{mockcloud.ProdClusterID, mockcloud.StagingClusterID, mockcloud.LegacyClusterID}
	for i := range extraClusters {
		ids = append(ids, mockcloud.ExtraClusterID(i))
	}
	return ids
}()

// options are the command-line settings.
type options struct {
	root        string
	quick       bool
	ns          []int
	cs          []int
	rounds      int
	oneRuns     int
	parallelism int
	latency     time.Duration
	report      string
	chart       string
	keep        bool
	skipTools   bool
	cmdTimeout  time.Duration
	clis        []string
	only        map[string]bool // cases to run; nil: all
	rtLatency   time.Duration
	rtRounds    int
	// The fleet case: people x clusters, and the module's larger run.
	fleetPeople, fleetClusters, fleetMore int
}

// Cases of the harness, for -only.
const (
	caseGoBench    = "gobench"    // go test -bench of internal/cce
	caseOne        = "one"        // validate and plan of one resource
	caseMatrix     = "matrix"     // plan and apply of N revocations over C clusters, and the saved plan
	caseRoundTrips = "roundtrips" // plan and apply of one revocation at -rt-latency per request
)

var allCases = []string{caseGoBench, caseOne, caseMatrix, caseRoundTrips, caseFleet, caseQuota}

// runs reports whether a case is selected.
func (o options) runs(c string) bool { return o.only == nil || o.only[c] }

// Round-trip targets: at -rt-latency per request, the provider may take at
// most this many round trips of wall time more than the floor (issue 20).
const (
	rtPlanMax  = 2.5
	rtApplyMax = 5.5
)

// cliInfo is one CLI under test.
type cliInfo struct {
	Name    string // a name of scripts/tools.sh path: terraform | terraform-1.16 | tofu
	Path    string
	Version string // first line of `version`
}

// bench holds the state of one harness run.
type bench struct {
	opt       options
	work      string
	provider  string // provider binary
	floorBin  string // the do-nothing provider's binary
	mockBin   string
	rc        string // dev.tfrc: the provider
	rcFloor   string // dev.tfrc: the do-nothing provider, under the same address
	baseEnv   []string
	clis      []cliInfo
	machine   machineInfo
	goBench   string
	binSize   int64
	one       []oneResult
	samples   []*sample
	rt        []*sample // the round-trip case
	rtMachine caseLoad  // how busy the machine was during the round-trip case
	fleet     []*fleetSample
	quota     []*quotaRun // the quota case (quota.go)
	started   time.Time
	finished  time.Time
	command   string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// parseInts reads a comma-separated list of positive integers.
func parseInts(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a list of positive integers", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func parseOptions() (options, error) {
	var o options
	quickDefault := os.Getenv("BENCH_QUICK") != "" && os.Getenv("BENCH_QUICK") != "0"
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.root, "root", ".", "repository root")
	fs.BoolVar(&o.quick, "quick", quickDefault, "quick mode: N in {10,100}, 1 round (default from BENCH_QUICK=1)")
	ns := fs.String("n", "", "comma-separated resource counts (default 10,100,1000; quick: 10,100)")
	cs := fs.String("c", "1,10", "comma-separated cluster counts (at most 10: see seededClusters)")
	fs.IntVar(&o.rounds, "rounds", 0, "rounds per CLI and N, each running every kind of sample once (default 3; quick: 1)")
	fs.IntVar(&o.oneRuns, "one-runs", 9, "runs of validate / plan of one resource")
	fs.IntVar(&o.parallelism, "parallelism", 10, "-parallelism of plan and apply")
	fs.DurationVar(&o.latency, "latency", 20*time.Millisecond, "per-request latency of the slow mode (0: none)")
	fs.StringVar(&o.report, "report", "BENCHMARKS.md", "report path, relative to -root; - for stdout (default with -only)")
	fs.StringVar(&o.chart, "chart", "benchmarks/chart.svg", "chart path, relative to -root")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory (configs, CLI output, mock logs)")
	fs.BoolVar(&o.skipTools, "skip-tools", false, "do not run scripts/tools.sh (the CLIs must already be built)")
	fs.DurationVar(&o.cmdTimeout, "cmd-timeout", 10*time.Minute, "timeout of one CLI command")
	clis := fs.String("clis", "terraform,terraform-1.16,tofu", "CLIs to run (names of scripts/tools.sh path)")
	only := fs.String("only", "", "comma-separated cases to run, of "+strings.Join(allCases, ", ")+" (default: all)")
	fs.DurationVar(&o.rtLatency, "rt-latency", 100*time.Millisecond, "per-request latency of the round-trip case")
	fs.IntVar(&o.rtRounds, "rt-rounds", 0, "rounds of the round-trip case (default 9; quick: 5)")
	fs.IntVar(&o.fleetPeople, "fleet-people", 20, "people of the fleet case, through the module and as one block of single resources")
	fs.IntVar(&o.fleetClusters, "fleet-clusters", 100, "clusters of the fleet case (the mock's -extra-clusters, at most 1000)")
	fs.IntVar(&o.fleetMore, "fleet-more", 50, "people of the fleet case's second module run (0: none)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return o, err
	}
	var err error
	if *only != "" {
		o.only = map[string]bool{}
		for c := range strings.SplitSeq(*only, ",") {
			c = strings.TrimSpace(c)
			if !slices.Contains(allCases, c) {
				return o, fmt.Errorf("-only: unknown case %q (cases: %s)", c, strings.Join(allCases, ", "))
			}
			o.only[c] = true
		}
		reportSet := false
		fs.Visit(func(f *flag.Flag) { reportSet = reportSet || f.Name == "report" })
		if !reportSet {
			o.report = "-" // a partial report must not replace BENCHMARKS.md by accident
		}
	}
	if o.rtLatency <= 0 {
		return o, errors.New("-rt-latency must be positive: the case measures round trips")
	}
	if o.rtRounds == 0 {
		o.rtRounds = 9
		if o.quick {
			o.rtRounds = 5
		}
	}
	if o.fleetClusters < 1 || o.fleetClusters > 1000 || o.fleetPeople < 1 || o.fleetMore < 0 {
		return o, errors.New("-fleet-clusters must be from 1 to 1000, -fleet-people at least 1, -fleet-more at least 0")
	}
	if o.rtRounds < 1 {
		return o, errors.New("-rt-rounds must be at least 1")
	}
	switch {
	case *ns != "":
		o.ns, err = parseInts(*ns)
	case o.quick:
		o.ns = []int{10, 100}
	default:
		o.ns = []int{10, 100, 1000}
	}
	if err != nil {
		return o, err
	}
	if o.cs, err = parseInts(*cs); err != nil {
		return o, err
	}
	for _, c := range o.cs {
		if c > len(seededClusters) {
			return o, fmt.Errorf("-c %d: the mock seeds only %d clusters that accept a revocation", c, len(seededClusters))
		}
	}
	if o.rounds == 0 {
		o.rounds = 3
		if o.quick {
			o.rounds = 1
		}
	}
	o.clis = strings.Split(*clis, ",")
	if o.oneRuns < 1 {
		return o, errors.New("-one-runs must be at least 1")
	}
	if o.root, err = filepath.Abs(o.root); err != nil {
		return o, err
	}
	if _, err := os.Stat(filepath.Join(o.root, "go.mod")); err != nil {
		return o, fmt.Errorf("-root %s is not the repository root: %w", o.root, err)
	}
	return o, nil
}

func run() error {
	opt, err := parseOptions()
	if err != nil {
		return err
	}
	b := &bench{opt: opt, started: time.Now()}
	b.command = "make bench"
	if opt.quick {
		b.command = "BENCH_QUICK=1 make bench"
	}
	args := strings.Join(append([]string{""}, os.Args[1:]...), " ")
	b.command += "  (= go run ./scripts/bench" + args + ")"
	b.work, err = os.MkdirTemp("", "cce-bench-")
	if err != nil {
		return err
	}
	if opt.keep {
		logf("work directory %s (kept)", b.work)
	} else {
		defer func() { _ = os.RemoveAll(b.work) }()
	}
	b.machine = readMachine(true)
	if err := b.setup(); err != nil {
		return err
	}
	if opt.runs(caseGoBench) {
		if err := b.runGoBench(); err != nil {
			return err
		}
	}
	if opt.runs(caseOne) {
		for _, cli := range b.clis {
			if err := b.runOneResource(cli); err != nil {
				return err
			}
		}
	}
	if opt.runs(caseMatrix) {
		b.runMatrix()
	}
	if opt.runs(caseRoundTrips) {
		b.runRoundTrips()
	}
	if opt.runs(caseFleet) {
		b.runFleet()
	}
	if opt.runs(caseQuota) {
		b.runQuota()
	}
	b.finished = time.Now()
	end := readMachine(false)
	b.machine.LoadEnd = end.LoadStart
	wrote := []string{}
	if opt.runs(caseMatrix) {
		if err := b.writeChart(); err != nil {
			return err
		}
		wrote = append(wrote, b.inRoot(opt.chart))
	}
	if err := b.writeReport(); err != nil {
		return err
	}
	if opt.report == "-" {
		wrote = append([]string{"the report on stdout"}, wrote...)
	} else {
		wrote = append([]string{b.inRoot(opt.report)}, wrote...)
	}
	logf("done in %s: %s", b.finished.Sub(b.started).Round(time.Second), strings.Join(wrote, " and "))
	return nil
}

// inRoot resolves a path relative to the repository root.
func (b *bench) inRoot(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(b.opt.root, p)
}

// logf prints a progress line to stderr.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench %s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// output runs a command in dir and returns its combined output.
func output(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if err != nil {
		return buf.String(), fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, buf.String())
	}
	return buf.String(), nil
}

// setup builds the tools, the provider and the mock, and writes dev.tfrc.
func (b *bench) setup() error {
	root := b.opt.root
	tools := filepath.Join(root, "scripts", "tools.sh")
	if !b.opt.skipTools {
		logf("scripts/tools.sh: building missing tools (only the first run on a machine takes long)")
		cmd := exec.Command(tools)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("scripts/tools.sh: %w", err)
		}
	}
	for _, name := range b.opt.clis {
		p, err := output(root, nil, tools, "path", name)
		if err != nil {
			return err
		}
		p = strings.TrimSpace(p)
		v, err := output(root, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.work, "CHECKPOINT_DISABLE=1",
			"TF_CLI_CONFIG_FILE=/dev/null"}, p, "version")
		if err != nil {
			return fmt.Errorf("%s (build it with scripts/tools.sh): %w", p, err)
		}
		b.clis = append(b.clis, cliInfo{Name: name, Path: p, Version: strings.SplitN(strings.TrimSpace(v), "\n", 2)[0]})
	}

	binDir, floorDir := filepath.Join(b.work, "bin"), filepath.Join(b.work, "bin-floor")
	b.provider = filepath.Join(binDir, providerBinary)
	b.floorBin = filepath.Join(floorDir, providerBinary)
	b.mockBin = filepath.Join(b.work, "cce-mockcloud")
	logf("building the provider (flags of `make build`), the do-nothing provider and the mock cloud")
	buildArgs := []string{"build", "-trimpath", "-ldflags", "-s -w -X main.version=bench"}
	if _, err := output(root, nil, "go", append(buildArgs, "-o", b.provider, ".")...); err != nil {
		return err
	}
	// The floor is its own module: build it from its directory, with its go.mod.
	if _, err := output(filepath.Join(root, "scripts", "bench", "floor"), nil, "go",
		append(buildArgs, "-o", b.floorBin, ".")...); err != nil {
		return err
	}
	st, err := os.Stat(b.provider)
	if err != nil {
		return err
	}
	b.binSize = st.Size()
	if _, err := output(root, nil, "go", "build", "-o", b.mockBin, "./internal/mockcloud/cmd/cce-mockcloud"); err != nil {
		return err
	}

	b.rc = filepath.Join(b.work, "dev.tfrc")
	b.rcFloor = filepath.Join(b.work, "dev-floor.tfrc")
	for rcPath, dir := range map[string]string{b.rc: binDir, b.rcFloor: floorDir} {
		if err := os.WriteFile(rcPath, []byte(devOverrides(dir)), 0o600); err != nil {
			return err
		}
	}
	b.baseEnv = []string{"PATH=" + os.Getenv("PATH"), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}
	if t := os.Getenv("TMPDIR"); t != "" {
		b.baseEnv = append(b.baseEnv, "TMPDIR="+t)
	}
	return nil
}

// providerBinary is the file name dev_overrides looks for; the floor has it
// too, so that one configuration runs on either.
const providerBinary = "terraform-provider-cce"

// devOverrides is a CLI configuration that takes the provider from dir.
func devOverrides(dir string) string {
	return fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"cceops/cce\" = %q\n  }\n  direct {}\n}\n", dir)
}

// goBenchCmd is the Go benchmark command, as printed in the report.
var goBenchCmd = []string{"go", "test", "-run=^$", "-bench=.", "-benchmem", "./internal/cce/"}

// runGoBench runs the Go benchmarks of internal/cce.
func (b *bench) runGoBench() error {
	logf("%s", strings.Join(goBenchCmd, " "))
	out, err := output(b.opt.root, nil, goBenchCmd[0], goBenchCmd[1:]...)
	if err != nil {
		return err
	}
	b.goBench = strings.TrimSpace(out)
	return nil
}

// machineInfo describes the machine for the report.
type machineInfo struct {
	CPUs      int
	CPUModel  string
	MemTotal  string
	Kernel    string
	GoVersion string
	LoadStart string
	LoadEnd   string
}

// readMachine reads /proc and `go version`.
func readMachine(full bool) machineInfo {
	m := machineInfo{CPUs: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 3 {
			m.LoadStart = strings.Join(f[:3], " ")
		}
	}
	if !full {
		return m
	}
	if out, err := exec.Command("nproc").Output(); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil {
			m.CPUs = n
		}
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				m.MemTotal = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.GoVersion = strings.TrimSpace(string(out))
	}
	return m
}
