package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// The profiling build: main_pprof.go (build tag pprof) makes every provider
// process started with pprofDirEnv set write cpu-<pid>.pprof and
// block-<pid>.pprof into that directory when it exits normally.
const (
	pprofTag    = "pprof"
	pprofDirEnv = "CCE_PPROF_DIR"
	modulePath  = "github.com/cceops/"
	shortPrefix = "github.com/cceops/terraform-provider-cce/internal/"
	pprofRows   = 6 // rows per table of a profile summary
)

// cacheDirEnv names the directory of the provider's recorded plan-time checks
// (check_cache_dir), which every sample gets fresh, shared by its plan and
// apply. Without it the cache would be the user's cache directory under the
// HOME that all samples share.
const cacheDirEnv = "HW_CCE_CHECK_CACHE_DIR"

// httpWaitRE matches the net/http frames a request waits in: the whole round
// trip, waiting for a connection, and waiting for the response (HTTP/1, HTTP/2).
var httpWaitRE = regexp.MustCompile(`^net/http\.\(\*(Transport\)\.RoundTrip|Transport\)\.getConn|persistConn\)\.roundTrip|http2ClientConn\)\.roundTrip)$`)

// pprofCase is one command line to profile.
type pprofCase struct {
	cli  cliInfo
	kind string // apply | latency | validate, as target.diagKind
	n    int
	why  string // the missed target, or why the case is always profiled
}

// key identifies a case: a miss and the always-profiled case may coincide.
func (c pprofCase) key() string { return fmt.Sprintf("%s/%s/%d", c.cli.Name, c.kind, c.n) }

// pprofCases lists what to profile: every missed timing target and, always,
// the apply of the smallest N over the most clusters with latency (the
// tightest of the latency bounds), for every CLI.
func (b *bench) pprofCases(missed []target) []pprofCase {
	var out []pprofCase
	seen := map[string]bool{}
	add := func(c pprofCase) {
		if !seen[c.key()] {
			seen[c.key()] = true
			out = append(out, c)
		}
	}
	for _, t := range missed {
		if cli, ok := b.cliByName(t.diagCLI); ok && t.diagKind != "" {
			n := t.diagN
			if t.diagKind == "validate" {
				n = 1
			}
			add(pprofCase{cli: cli, kind: t.diagKind, n: n, why: "missed: " + t.Name})
		}
	}
	if b.opt.latency > 0 {
		for _, cli := range b.clis {
			add(pprofCase{cli: cli, kind: "latency", n: slices.Min(b.opt.ns),
				why: "always profiled: the tightest latency bound (smallest N, most clusters)"})
		}
	}
	return out
}

// cliByName finds a CLI under test.
func (b *bench) cliByName(name string) (cliInfo, bool) {
	for _, c := range b.clis {
		if c.Name == name {
			return c, true
		}
	}
	return cliInfo{}, false
}

// runPprof profiles every case and keeps the summaries for the report.
func (b *bench) runPprof(missed []target) {
	for _, c := range b.pprofCases(missed) {
		logf("pprof: %s %s N=%d (%s)", c.cli.Name, c.kind, c.n, c.why)
		text, err := b.pprofCase(c)
		if err != nil {
			text = "profiling failed: " + err.Error() + "\n"
		}
		b.pprofs = append(b.pprofs, diagnosis{Text: fmt.Sprintf("### %s: %s\n\n_%s_\n\n%s", c.cli.Name, pprofWhat(c, b),
			c.why, text)})
	}
}

// pprofWhat describes a case.
func pprofWhat(c pprofCase, b *bench) string {
	cmax := slices.Max(b.opt.cs)
	switch c.kind {
	case "validate":
		return "validate of one resource"
	case "latency":
		return fmt.Sprintf("plan and apply of N=%d C=%d at %s latency", c.n, cmax, b.opt.latency)
	default:
		return fmt.Sprintf("plan and apply of N=%d C=%d at 0 ms latency", c.n, cmax)
	}
}

// pprofCase runs one case with the profiling build, each command writing its
// provider processes' profiles into its own directory, and summarises them.
func (b *bench) pprofCase(c pprofCase) (string, error) {
	dir := filepath.Join(b.work, "pprof", fmt.Sprintf("%s-%s-n%d", c.cli.Name, c.kind, c.n))
	lat := time.Duration(0)
	if c.kind == "latency" {
		lat = b.opt.latency
	}
	env, m, err := b.setupOurs(dir, c.n, lat)
	if err != nil {
		return "", err
	}
	defer m.stop()
	env = setEnv(env, "TF_CLI_CONFIG_FILE", b.rcPprof)
	type command struct {
		name string
		args []string
	}
	cmds := []command{{"plan", b.planArgs()}, {"apply", b.applyArgs()}}
	if c.kind == "validate" {
		cmds = []command{{"validate", []string{"validate", "-no-color"}}}
	}
	summaries := map[string]string{}
	for _, cmd := range cmds {
		profDir := filepath.Join(dir, "profiles", cmd.name)
		p := b.runCLI(c.cli, dir, setEnv(env, pprofDirEnv, profDir), cmd.name, cmd.args...)
		if p.Err != "" {
			return "", fmt.Errorf("%s", p.Err)
		}
		s, err := summarizeProfiles(profDir, cmd.name, p)
		if err != nil {
			return "", err
		}
		summaries[cmd.name] = s
	}
	var sb strings.Builder
	for _, name := range []string{"apply", "plan", "validate"} { // the apply first: it is what the targets time
		sb.WriteString(summaries[name])
	}
	return sb.String(), nil
}

// setEnv returns env with key set to value (replaced where present).
func setEnv(env []string, key, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}

// withCacheDir gives a sample a fresh, empty provider cache directory inside
// its own directory, shared by its plan and apply.
func withCacheDir(env []string, sampleDir string) ([]string, error) {
	d := filepath.Join(sampleDir, "cce-cache")
	if err := os.MkdirAll(d, 0o700); err != nil {
		return nil, err
	}
	return setEnv(env, cacheDirEnv, d), nil
}

// summarizeProfiles renders the merged profiles of one command's provider
// processes as Markdown.
func summarizeProfiles(dir, command string, p phase) (string, error) {
	blocks, _ := filepath.Glob(filepath.Join(dir, "block-*.pprof"))
	cpus, _ := filepath.Glob(filepath.Join(dir, "cpu-*.pprof"))
	var sb strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	w("**%s**: %s wall, %d provider processes seen, %d wrote profiles (merged below).\n\n", command, secs(p.Wall), p.Procs, len(blocks))
	if len(blocks) == 0 {
		w("No profiles: was the provider built with `-tags %s`?\n\n", pprofTag)
		return sb.String(), nil
	}
	traces, err := pprofTool(append([]string{"-traces"}, blocks...)...)
	if err != nil {
		return "", err
	}
	waits := blockedOn(parseTraces(traces))
	top, err := pprofTool(append([]string{"-top", "-cum", "-nodefraction=0"}, blocks...)...)
	if err != nil {
		return "", err
	}
	own := ownEntries(parseTop(top).Entries, true)
	if len(own) == 0 {
		w("- block profile: no waits in the provider's own code\n")
	} else {
		w("- block profile, cumulative wait (summed over goroutines) in the provider's code and HTTP round trips: %s\n",
			strings.Join(groupCum(own, pprofRows), "; "))
	}
	if len(waits) > 0 {
		w("- blocked on what (innermost provider function → where it waited, in what):\n")
		for _, wt := range waits[:min(len(waits), pprofRows)] {
			site := "itself"
			if wt.Site != wt.Caller {
				site = "`" + shortFunc(wt.Site) + "`"
			}
			w("  - `%s` → %s, in `%s`: %s\n", shortFunc(wt.Caller), site, shortFunc(wt.Prim), ms(wt.Total))
		}
	}
	if len(cpus) > 0 {
		s, err := summarizeCPU(cpus)
		if err != nil {
			return "", err
		}
		w("%s", s)
	}
	w("\n")
	return sb.String(), nil
}

// cpuAreas are frames whose cumulative CPU time names a cost worth knowing,
// by label; areas overlap.
var cpuAreas = []struct{ label, frame string }{
	{"gRPC requests", "google.golang.org/grpc.(*Server).handleStream"},
	{"go-hclog logging", "github.com/hashicorp/go-hclog.(*intLogger).log"},
	{"go-plugin's mTLS certificate at start", "github.com/hashicorp/go-plugin.generateCert"},
	{"TLS handshakes", "crypto/tls.(*Conn).handshakeContext"},
	{"JSON", "encoding/json.(*encodeState).marshal"},
	{"garbage collection", "runtime.gcBgMarkWorker"},
}

// summarizeCPU renders the merged CPU profiles: time by area, the provider's
// own functions and the top flat entries.
func summarizeCPU(files []string) (string, error) {
	flatOut, err := pprofTool(append([]string{"-top"}, files...)...)
	if err != nil {
		return "", err
	}
	flat := parseTop(flatOut)
	if len(flat.Entries) == 0 {
		return fmt.Sprintf("- CPU profile (100 Hz): no samples (%s)\n", flat.Header), nil
	}
	cumOut, err := pprofTool(append([]string{"-top", "-cum", "-nodefraction=0"}, files...)...)
	if err != nil {
		return "", err
	}
	cum := parseTop(cumOut).Entries
	var sb strings.Builder
	fmt.Fprintf(&sb, "- CPU profile (100 Hz; %s)", flat.Header)
	var areas []string
	for _, a := range cpuAreas {
		for _, e := range cum {
			if e.Name == a.frame && e.Cum > 0 {
				areas = append(areas, fmt.Sprintf("%s %s", a.label, ms(e.Cum)))
			}
		}
	}
	if len(areas) > 0 {
		fmt.Fprintf(&sb, ", by area (overlapping): %s", strings.Join(areas, ", "))
	}
	if own := ownEntries(cum, false); len(own) > 0 {
		fmt.Fprintf(&sb, "; provider code: %s", strings.Join(groupCum(own, 3), "; "))
	}
	var parts []string
	for _, e := range flat.Entries[:min(len(flat.Entries), 4)] {
		parts = append(parts, fmt.Sprintf("`%s` %s", shortFunc(e.Name), ms(e.Flat)))
	}
	fmt.Fprintf(&sb, "; top flat: %s\n", strings.Join(parts, ", "))
	return sb.String(), nil
}

// ownEntries keeps the provider's own functions (and, with http, net/http's
// round-trip frames).
func ownEntries(es []topEntry, http bool) []topEntry {
	var out []topEntry
	for _, e := range es {
		if isOwnFunc(e.Name) || (http && httpWaitRE.MatchString(e.Name)) {
			out = append(out, e)
		}
	}
	return out
}

// groupCum renders up to rows groups of entries (sorted by cumulative time)
// with equal cumulative time, such as a chain of wrappers, as one item.
func groupCum(es []topEntry, rows int) []string {
	var out []string
	for i := 0; i < len(es) && len(out) < rows; {
		j := i
		for j < len(es) && es[j].Cum == es[i].Cum {
			j++
		}
		var names []string
		for _, e := range es[i:min(j, i+3)] {
			names = append(names, "`"+shortFunc(e.Name)+"`")
		}
		if j-i > 3 {
			names = append(names, fmt.Sprintf("%d more", j-i-3))
		}
		out = append(out, fmt.Sprintf("%s %s", strings.Join(names, ", "), ms(es[i].Cum)))
		i = j
	}
	return out
}

// pprofTool runs `go tool pprof` with args.
func pprofTool(args ...string) (string, error) {
	cmd := exec.Command("go", append([]string{"tool", "pprof"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "empty") {
			return "", nil
		}
		return "", fmt.Errorf("go tool pprof %s: %w: %s", strings.Join(args, " "), err, tail(string(out), 500))
	}
	return string(out), nil
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// isOwnFunc reports whether a function is the provider's own code (not the
// main package's Serve call, which waits for the whole life of the process).
func isOwnFunc(name string) bool { return strings.HasPrefix(name, modulePath) }

// shortFunc drops the module's internal/ prefix and generic shape arguments
// (which may hold brackets of their own).
func shortFunc(name string) string {
	name = strings.TrimSuffix(strings.TrimPrefix(name, shortPrefix), " (inline)")
	for {
		i := strings.Index(name, "[go.shape.")
		if i < 0 {
			return name
		}
		depth, end := 0, -1
		for j := i; j < len(name) && end < 0; j++ {
			switch name[j] {
			case '[':
				depth++
			case ']':
				if depth--; depth == 0 {
					end = j
				}
			}
		}
		if end < 0 {
			return name
		}
		name = name[:i] + "[…]" + name[end+1:]
	}
}

// topEntry is one line of `go tool pprof -top`.
type topEntry struct {
	Flat, Cum time.Duration
	Name      string
}

// topOutput is `go tool pprof -top` parsed.
type topOutput struct {
	Header  string // "Duration: 69.17ms, Total samples = 40ms (57.83%)" for CPU profiles
	Entries []topEntry
}

// parseTop parses `go tool pprof -top` output of a time-valued profile.
func parseTop(out string) topOutput {
	var t topOutput
	inTable := false
	for line := range strings.SplitSeq(out, "\n") {
		if d, ok := strings.CutPrefix(strings.TrimSpace(line), "Duration: "); ok {
			t.Header = "profiled " + d
			continue
		}
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "flat" && f[1] == "flat%" {
			inTable = true
			continue
		}
		if !inTable || len(f) < 6 {
			continue
		}
		flat, err1 := parsePprofDur(f[0])
		cum, err2 := parsePprofDur(f[3])
		if err1 != nil || err2 != nil {
			continue
		}
		name := strings.Join(f[5:], " ")
		t.Entries = append(t.Entries, topEntry{Flat: flat, Cum: cum, Name: strings.TrimSuffix(name, " (inline)")})
	}
	return t
}

// parsePprofDur reads a pprof time value: "0", "10ms", "1.50s", "450154.53us", "2.1mins".
func parsePprofDur(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	for suf, rep := range map[string]string{"mins": "m", "min": "m", "hrs": "h", "hr": "h"} {
		if v, ok := strings.CutSuffix(s, suf); ok {
			s = v + rep
			break
		}
	}
	return time.ParseDuration(s)
}

// trace is one stack of `go tool pprof -traces`: its value and frames, leaf first.
type trace struct {
	Value  time.Duration
	Frames []string
}

// parseTraces parses `go tool pprof -traces` output of a time-valued profile.
func parseTraces(out string) []trace {
	var ts []trace
	var cur *trace
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(line, "-----------+") {
			cur = nil
			continue
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if cur == nil {
			if len(line) == 0 || line[0] != ' ' {
				continue // header
			}
			v, err := parsePprofDur(f[0])
			if err != nil || len(f) < 2 {
				continue
			}
			ts = append(ts, trace{Value: v})
			cur = &ts[len(ts)-1]
			f = f[1:]
		}
		if f[0] == "bytes:" || strings.HasSuffix(f[0], ":") { // label lines
			continue
		}
		cur.Frames = append(cur.Frames, strings.TrimSuffix(strings.Join(f, " "), " (inline)"))
	}
	return ts
}

// wait sums the block-profile time of one kind of wait.
type wait struct {
	Caller string // innermost provider function on the stack
	Site   string // innermost frame outside the runtime and sync: where it waited
	Prim   string // the leaf: the blocking primitive (runtime.selectgo, sync.(*WaitGroup).Wait, ...)
	Total  time.Duration
}

// blockedOn groups the block profile's stacks that pass through the
// provider's own code by (innermost provider function, waiting site,
// primitive), largest first.
func blockedOn(ts []trace) []wait {
	sums := map[[3]string]time.Duration{}
	for _, t := range ts {
		if len(t.Frames) == 0 {
			continue
		}
		caller := ""
		for _, f := range t.Frames {
			if isOwnFunc(f) {
				caller = f
				break
			}
		}
		if caller == "" {
			continue
		}
		site := t.Frames[0]
		for _, f := range t.Frames {
			if !strings.HasPrefix(f, "runtime.") && !strings.HasPrefix(f, "sync.") && !strings.HasPrefix(f, "internal/") {
				site = f
				break
			}
		}
		sums[[3]string{caller, site, t.Frames[0]}] += t.Value
	}
	var out []wait
	for k, v := range sums {
		out = append(out, wait{Caller: k[0], Site: k[1], Prim: k[2], Total: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Total != out[j].Total {
			return out[i].Total > out[j].Total
		}
		return out[i].Caller+out[i].Site < out[j].Caller+out[j].Site
	})
	return out
}

// pprofIntro explains the pprof section of the report.
func (b *bench) pprofIntro() string {
	return fmt.Sprintf("Each case below was run with a provider built with `-tags %s` (main_pprof.go; "+
		"otherwise the flags of `make build`): with `%s` set, every provider process records a CPU profile and a block "+
		"profile (`runtime.SetBlockProfileRate(1)`: every wait on a channel, select, mutex or WaitGroup, such as a "+
		"goroutine waiting for an HTTP response) and writes them when the CLI shuts it down. The profiles of all "+
		"provider processes of one command are merged with `go tool pprof`. Block times are summed over goroutines, "+
		"so %d requests waiting %s in parallel count %s; only stacks through the provider's own packages "+
		"(`%s…`, shown without `%s`) are kept, plus net/http's round-trip frames on them. \"Blocked on what\" groups "+
		"those stacks by the innermost provider function and the innermost frame outside the runtime and sync (\"itself\": "+
		"the function waits in its own select or WaitGroup, for goroutines it started or for a call it shares with "+
		"another goroutine). The "+
		"CPU profile samples at 100 Hz, so a short command has few samples.\n\n",
		pprofTag, pprofDirEnv, b.opt.parallelism, b.opt.latency, time.Duration(b.opt.parallelism)*b.opt.latency,
		modulePath, shortPrefix)
}
