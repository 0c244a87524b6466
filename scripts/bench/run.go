package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kinds of sample: the same configuration on the provider and on the
// do-nothing provider, and as many terraform_data resources.
const (
	kindOurs     = "ours"     // cce_credential_revocation
	kindFloor    = "floor"    // cce_credential_revocation of scripts/bench/floor
	kindBaseline = "baseline" // terraform_data
	kindSaved    = "saved"    // cce_credential_revocation, planned with -out and applied from the plan file
)

// onMock reports whether a kind runs the provider against the mock.
func onMock(kind string) bool { return kind == kindOurs || kind == kindSaved }

// phase is one CLI command of a sample.
type phase struct {
	Wall   time.Duration
	CPU    time.Duration  // user + system time of the CLI and every provider process it started and reaped
	PeakKB int64          // peak RSS (VmHWM) of the largest provider process; 0 when none ran
	Procs  int            // provider processes seen
	Routes map[string]int // mock requests per route (ours only)
	Events []event        // the mock's requests in the order it answered them (samples with a mock only)
	Start  time.Time      // when the command started
	Err    string
}

// event is one request the mock answered during a command.
type event struct {
	At    time.Duration // from the command's start to the mock's log line (written when the answer was ready)
	Route string
}

// eventsOf turns the mock's log lines into events of a command that started
// at start.
func eventsOf(lines []logLine, start time.Time) []event {
	var out []event
	for _, l := range lines {
		if r, ok := routeOfLine(l.Text); ok {
			out = append(out, event{At: l.At.Sub(start), Route: r})
		}
	}
	return out
}

// sample is one plan and apply -auto-approve in a fresh directory.
type sample struct {
	CLI     string
	Kind    string
	N, C    int
	Latency time.Duration
	Round   int
	Seq     int
	// RoundTrip marks the samples of the round-trip case (runRoundTrips):
	// one revocation, the mock at -rt-latency for the provider and the floor.
	RoundTrip bool
	Plan      phase
	Apply     phase
}

// ok reports whether both commands succeeded.
func (s *sample) ok() bool { return s.Plan.Err == "" && s.Apply.Err == "" && s.Apply.Wall > 0 }

// peakKB is the larger peak of the two commands.
func (s *sample) peakKB() int64 { return max(s.Plan.PeakKB, s.Apply.PeakKB) }

// randomHex returns n random bytes as lower-case hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux.
	return hex.EncodeToString(b)
}

// configText renders a configuration of n resources over the first c seeded
// clusters: revocations of random other_id values (no IAM lookup), for the
// provider or the floor, or the same map as terraform_data inputs.
func configText(kind string, n, c int) string {
	var sb strings.Builder
	if kind != kindBaseline {
		sb.WriteString("terraform {\n  required_providers {\n    cce = {\n      source = \"cceops/cce\"\n    }\n  }\n}\n\n" +
			"provider \"cce\" {}\n\n")
	}
	sb.WriteString("locals {\n  revocations = {\n")
	for i := range n {
		fmt.Fprintf(&sb, "    r%04d = { cluster_id = %q, id = %q }\n", i, seededClusters[i%max(c, 1)], randomHex(16))
	}
	sb.WriteString("  }\n}\n\n")
	if kind != kindBaseline {
		sb.WriteString("resource \"cce_credential_revocation\" \"r\" {\n  for_each     = local.revocations\n" +
			"  cluster_id   = each.value.cluster_id\n  other_id     = each.value.id\n  confirmation = \"REVOKE\"\n}\n")
	} else {
		sb.WriteString("resource \"terraform_data\" \"r\" {\n  for_each = local.revocations\n  input    = each.value\n}\n")
	}
	return sb.String()
}

// writeConfig writes main.tf into a new directory.
func writeConfig(dir, kind string, n, c int) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configText(kind, n, c)), 0o600)
}

// env is the environment of the commands of one sample: the floor's CLI
// configuration for the floor, and a HOME of its own in dir, so that nothing
// a provider keeps in the user's cache carries over between samples.
func (b *bench) env(kind, dir string) ([]string, error) {
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, err
	}
	rc := b.rc
	if kind == kindFloor {
		rc = b.rcFloor
	}
	return append(slices.Clone(b.baseEnv), "HOME="+home, "TF_CLI_CONFIG_FILE="+rc), nil
}

// planArgs and applyArgs are the two commands of every case: plan, then
// apply -auto-approve (which plans again), as a user runs them; for a saved
// plan, plan -out and the apply of that file, as a pipeline runs them.
func (b *bench) planArgs(kind string) []string {
	args := []string{"plan", "-input=false", "-no-color", "-parallelism=" + strconv.Itoa(b.opt.parallelism)}
	if kind == kindSaved {
		args = append(args, "-out="+savedPlan)
	}
	return args
}

func (b *bench) applyArgs(kind string) []string {
	if kind == kindSaved {
		return []string{"apply", "-input=false", "-no-color", "-parallelism=" + strconv.Itoa(b.opt.parallelism), savedPlan}
	}
	return []string{"apply", "-input=false", "-no-color", "-auto-approve", "-parallelism=" + strconv.Itoa(b.opt.parallelism)}
}

// savedPlan is the plan file of a saved-plan sample, in its directory.
const savedPlan = "tfplan"

// runCLI runs one CLI command in dir, timing it and sampling the provider's
// memory; its output goes to dir/<logName>.log.
func (b *bench) runCLI(cli cliInfo, dir string, env []string, logName string, args ...string) phase {
	var p phase
	f, err := os.Create(filepath.Join(dir, logName+".log"))
	if err != nil {
		p.Err = err.Error()
		return p
	}
	defer func() { _ = f.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), b.opt.cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli.Path, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, f, f
	start := time.Now()
	p.Start = start
	if err := cmd.Start(); err != nil {
		p.Err = err.Error()
		return p
	}
	w := startWatch(cmd.Process.Pid)
	err = cmd.Wait()
	p.Wall = time.Since(start)
	// wait4 reports the CLI's usage together with that of the children it reaped (go-plugin waits for each provider).
	p.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	p.PeakKB, p.Procs = w.stop()
	if err != nil {
		out, _ := os.ReadFile(filepath.Join(dir, logName+".log"))
		p.Err = fmt.Sprintf("%s %s: %v: %s", cli.Name, strings.Join(args, " "), err, tail(string(out), 1500))
	}
	return p
}

// tail returns the end of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// runCase runs plan and apply -auto-approve in a fresh directory with fresh
// state; ours gets its own freshly started mock, so the request counts belong
// to this sample alone. A round-trip sample gets a mock whatever its kind, so
// that the floor runs in the same environment (and is seen to send nothing).
func (b *bench) runCase(cli cliInfo, s *sample) {
	name := fmt.Sprintf("%03d-%s-%s-n%d-c%d-%s-r%d", s.Seq, cli.Name, s.Kind, s.N, s.C, latencyLabel(s.Latency), s.Round)
	if s.RoundTrip {
		name = "rt-" + name
	}
	dir := filepath.Join(b.work, "cases", name)
	if !b.opt.keep {
		defer func() { _ = os.RemoveAll(dir) }()
	}
	if err := writeConfig(dir, s.Kind, s.N, s.C); err != nil {
		s.Plan.Err = err.Error()
		return
	}
	env, err := b.env(s.Kind, dir)
	if err != nil {
		s.Plan.Err = err.Error()
		return
	}
	var m *mock
	if onMock(s.Kind) || s.RoundTrip {
		if m, err = b.startMock(filepath.Join(dir, "mock"), s.Latency); err != nil {
			s.Plan.Err = err.Error()
			return
		}
		defer m.stop()
		env = append(env, m.env...)
	}
	// collect splits the mock's log at a marker after a command.
	collect := func(p *phase, from int) int {
		to, err := m.mark()
		if err != nil {
			p.Err += err.Error()
			return from
		}
		p.Routes = m.routesBetween(from, to)
		p.Events = eventsOf(m.linesBetween(from, to), p.Start)
		return to
	}
	s.Plan = b.runCLI(cli, dir, env, "plan", b.planArgs(s.Kind)...)
	var off int
	if m != nil {
		off = collect(&s.Plan, 0)
	}
	if s.Plan.Err == "" {
		s.Apply = b.runCLI(cli, dir, env, "apply", b.applyArgs(s.Kind)...)
		if m != nil {
			collect(&s.Apply, off)
		}
	}
	what := fmt.Sprintf("%-14s %-8s N=%-4d", cli.Name, s.Kind, s.N)
	if onMock(s.Kind) || s.RoundTrip {
		what += fmt.Sprintf(" C=%d %s", s.C, latencyLabel(s.Latency))
	}
	if !s.ok() {
		logf("%s round %d: FAILED: %s%s", what, s.Round, s.Plan.Err, s.Apply.Err)
		return
	}
	mem := ""
	if s.peakKB() > 0 {
		mem = fmt.Sprintf(", provider peak %.0f MiB", float64(s.peakKB())/1024)
	}
	logf("%s round %d: plan %.2fs, apply %.2fs%s", what, s.Round, s.Plan.Wall.Seconds(), s.Apply.Wall.Seconds(), mem)
}

// latencyLabel names a latency mode.
func latencyLabel(d time.Duration) string {
	if d == 0 {
		return "0ms"
	}
	return d.String()
}

// runMatrix runs every CLI, N and round. A round runs ours at the most
// clusters and the floor next to each other (which goes first alternates
// between rounds, so that a trend in the machine's load does not favour
// either), then terraform_data, ours at the other cluster counts and ours
// with latency. Ratios compare samples of the same round. Last, once per CLI,
// ours at the largest N and C through a saved plan, for its API calls.
func (b *bench) runMatrix() {
	cmax := slices.Max(b.opt.cs)
	for _, cli := range b.clis {
		for _, n := range b.opt.ns {
			for r := 1; r <= b.opt.rounds; r++ {
				ours := &sample{CLI: cli.Name, Kind: kindOurs, N: n, C: cmax, Round: r}
				floor := &sample{CLI: cli.Name, Kind: kindFloor, N: n, C: cmax, Round: r}
				order := []*sample{ours, floor}
				if r%2 == 0 {
					order = []*sample{floor, ours}
				}
				order = append(order, &sample{CLI: cli.Name, Kind: kindBaseline, N: n, Round: r})
				for _, c := range b.opt.cs {
					if c != cmax {
						order = append(order, &sample{CLI: cli.Name, Kind: kindOurs, N: n, C: c, Round: r})
					}
				}
				if b.opt.latency > 0 {
					order = append(order, &sample{CLI: cli.Name, Kind: kindOurs, N: n, C: cmax, Latency: b.opt.latency, Round: r})
				}
				for _, s := range order {
					s.Seq = len(b.samples) + 1
					b.runCase(cli, s)
					b.samples = append(b.samples, s)
				}
			}
		}
		s := &sample{CLI: cli.Name, Kind: kindSaved, N: slices.Max(b.opt.ns), C: cmax, Round: 1, Seq: len(b.samples) + 1}
		b.runCase(cli, s)
		b.samples = append(b.samples, s)
	}
}

// runRoundTrips runs the round-trip case: plan and apply -auto-approve of
// one revocation on the provider and on the floor, each in a fresh directory
// with a freshly started mock at -rt-latency per request, which goes first
// alternating between rounds. The floor sends no request, so the difference
// is the provider's round trips in sequence plus its own time over the
// floor's (CPU, TLS handshakes).
func (b *bench) runRoundTrips() {
	b.rtMachine = startCaseLoad()
	defer b.rtMachine.finish()
	for _, cli := range b.clis {
		for r := 1; r <= b.opt.rtRounds; r++ {
			ours := &sample{CLI: cli.Name, Kind: kindOurs, N: 1, C: 1, Latency: b.opt.rtLatency, Round: r, RoundTrip: true}
			floor := &sample{CLI: cli.Name, Kind: kindFloor, N: 1, C: 1, Latency: b.opt.rtLatency, Round: r, RoundTrip: true}
			order := []*sample{ours, floor}
			if r%2 == 0 {
				order = []*sample{floor, ours}
			}
			for _, s := range order {
				s.Seq = len(b.samples) + len(b.rt) + 1
				b.runCase(cli, s)
				b.rt = append(b.rt, s)
			}
		}
	}
}

// oneResult holds the one-resource timings of one CLI, per kind.
type oneResult struct {
	CLI            string
	Validate, Plan map[string][]phase
	PeakKB         int64
	Err            string
}

// runOneResource times validate and plan of a one-resource configuration on
// the provider, the floor and terraform_data, alternated, oneRuns times.
func (b *bench) runOneResource(cli cliInfo) error {
	res := oneResult{CLI: cli.Name, Validate: map[string][]phase{}, Plan: map[string][]phase{}}
	dir := filepath.Join(b.work, "one", cli.Name)
	m, err := b.startMock(filepath.Join(dir, "mock"), 0)
	if err != nil {
		return err
	}
	defer m.stop()
	par := "-parallelism=" + strconv.Itoa(b.opt.parallelism)
	kinds := []string{kindOurs, kindFloor, kindBaseline}
	for i := range b.opt.oneRuns {
		for _, cmd := range []struct {
			into map[string][]phase
			args []string
		}{
			{res.Validate, []string{"validate", "-no-color"}},
			{res.Plan, []string{"plan", "-input=false", "-no-color", par}},
		} {
			for _, kind := range kinds {
				run := filepath.Join(dir, fmt.Sprintf("%s-%s-%d", kind, cmd.args[0], i+1))
				if err := writeConfig(run, kind, 1, 1); err != nil {
					return err
				}
				env, err := b.env(kind, run)
				if err != nil {
					return err
				}
				if kind == kindOurs {
					env = append(env, m.env...)
				}
				p := b.runCLI(cli, run, env, cmd.args[0], cmd.args...)
				if p.Err != "" {
					res.Err = p.Err
					logf("%s one resource: FAILED: %s", cli.Name, p.Err)
					b.one = append(b.one, res)
					return nil
				}
				cmd.into[kind] = append(cmd.into[kind], p)
				if kind == kindOurs {
					res.PeakKB = max(res.PeakKB, p.PeakKB)
				}
			}
		}
		logf("%-14s one resource run %d: validate %.2fs (floor %.2fs, terraform_data %.2fs), plan %.2fs (floor %.2fs, "+
			"terraform_data %.2fs)", cli.Name, i+1, res.Validate[kindOurs][i].Wall.Seconds(), res.Validate[kindFloor][i].Wall.Seconds(),
			res.Validate[kindBaseline][i].Wall.Seconds(), res.Plan[kindOurs][i].Wall.Seconds(), res.Plan[kindFloor][i].Wall.Seconds(),
			res.Plan[kindBaseline][i].Wall.Seconds())
	}
	b.one = append(b.one, res)
	return nil
}

// watcher samples the peak RSS of the provider processes a CLI starts.
//
// VmHWM in /proc/<pid>/status is the kernel's own high-water mark of the
// process's resident set, so a sampler only has to see each provider process
// while it is alive: every reading is the peak so far, and a reading taken
// late in the process's life is its peak. Polling every 20 ms can miss a
// provider that lives less than 20 ms and growth in its last 20 ms (shutdown,
// after the work is done). The provider binary is not wrapped, so timings are
// not disturbed.
type watcher struct {
	stopCh chan struct{}
	done   chan struct{}
	peak   map[int]int64
}

const providerComm = "terraform-provi" // /proc/<pid>/comm keeps 15 bytes of the binary's name

// startWatch starts sampling the children of pid.
func startWatch(pid int) *watcher {
	w := &watcher{stopCh: make(chan struct{}), done: make(chan struct{}), peak: map[int]int64{}}
	go func() {
		defer close(w.done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			w.sample(pid)
			select {
			case <-w.stopCh:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// stop ends sampling and returns the largest peak and the number of
// provider processes seen.
func (w *watcher) stop() (int64, int) {
	close(w.stopCh)
	<-w.done
	var peak int64
	for _, v := range w.peak {
		peak = max(peak, v)
	}
	return peak, len(w.peak)
}

// sample reads VmHWM of every provider child of pid.
func (w *watcher) sample(pid int) {
	for _, c := range childrenOf(pid) {
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", c))
		if err != nil || !strings.HasPrefix(strings.TrimSpace(string(comm)), providerComm) {
			continue // not a provider, or still the CLI between fork and exec
		}
		w.peak[c] = max(w.peak[c], vmHWM(c))
	}
}

// childrenOf lists the child processes of pid from /proc/<pid>/task/*/children,
// falling back to scanning /proc/*/stat where that file does not exist.
func childrenOf(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	if len(tasks) > 0 {
		var out []int
		for _, t := range tasks {
			b, err := os.ReadFile(t)
			if err != nil {
				continue
			}
			for _, f := range strings.Fields(string(b)) {
				if c, err := strconv.Atoi(f); err == nil {
					out = append(out, c)
				}
			}
		}
		return out
	}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, s := range stats {
		b, err := os.ReadFile(s)
		if err != nil {
			continue
		}
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			if c, err := strconv.Atoi(filepath.Base(filepath.Dir(s))); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// vmHWM returns VmHWM of pid in KiB (0 when unreadable).
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}
