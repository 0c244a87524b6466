package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// diagnosis is the profile of one missed target, as Markdown.
type diagnosis struct {
	Text string
}

// logEnv makes the CLI write core DEBUG and provider TRACE logs to path.
func logEnv(path string) []string {
	return []string{"TF_LOG_CORE=DEBUG", "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH=" + path}
}

// diagnoseMisses re-runs each missed timing target once with logging and
// summarises where the time went. One profile per CLI and kind of target. It
// returns the missed timing targets.
func (b *bench) diagnoseMisses() []target {
	done := map[string]bool{}
	var missed []target
	for _, t := range b.evalTargets() {
		if t.Result != "MISS" || t.diagKind == "" || done[t.diagCLI+t.diagKind] {
			continue
		}
		done[t.diagCLI+t.diagKind] = true
		missed = append(missed, t)
		var cli cliInfo
		for _, c := range b.clis {
			if c.Name == t.diagCLI {
				cli = c
			}
		}
		logf("profiling the miss %q", t.Name)
		text, err := b.profile(cli, t)
		if err != nil {
			text = "profiling failed: " + err.Error()
		}
		b.diags = append(b.diags, diagnosis{Text: fmt.Sprintf("#### %s\n\n%s\n", t.Name, text)})
	}
	return missed
}

// profile runs the command behind a target once with logs and summarises them.
func (b *bench) profile(cli cliInfo, t target) (string, error) {
	dir := filepath.Join(b.work, "profile", cli.Name+"-"+t.diagKind)
	cmax := slices.Max(b.opt.cs)
	n, lat := t.diagN, time.Duration(0)
	if t.diagKind == "validate" {
		n = 1
	}
	if t.diagKind == "latency" {
		lat = b.opt.latency
	}
	env, m, err := b.setupOurs(dir, n, lat)
	if err != nil {
		return "", err
	}
	defer m.stop()
	logPath := filepath.Join(dir, "tf.log")
	var p phase
	what := ""
	switch t.diagKind {
	case "validate":
		what = "validate of one resource"
		p = b.runCLI(cli, dir, append(env, logEnv(logPath)...), "validate", "validate", "-no-color")
	default:
		if p = b.runCLI(cli, dir, env, "plan", b.planArgs()...); p.Err != "" {
			return "", fmt.Errorf("%s", p.Err)
		}
		what = fmt.Sprintf("apply of N=%d C=%d at %s latency", n, cmax, latencyLabel(lat))
		p = b.runCLI(cli, dir, append(env, logEnv(logPath)...), "apply", b.applyArgs()...)
	}
	if p.Err != "" {
		return "", fmt.Errorf("%s", p.Err)
	}
	raw, err := os.ReadFile(logPath)
	if err != nil {
		return "", err
	}
	return summarizeLog(string(raw), what, p.Wall, lat, b.opt.parallelism, n), nil
}

var (
	tsRE       = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)`)
	rpcRE      = regexp.MustCompile(`tf_rpc=(\w+)`)
	rpcDurRE   = regexp.MustCompile(`tf_req_duration_ms=(\d+)`)
	apiDurRE   = regexp.MustCompile(`[ \t]duration_ms=(\d+)`)
	apiPathRE  = regexp.MustCompile(`http_path=(\S+)`)
	apiMethRE  = regexp.MustCompile(`http_method=(\w+)`)
	tsLayout   = "2006-01-02T15:04:05.000Z"
	revokePart = "/clustercertrevoke"
)

// rpcStat sums one RPC's or one API call kind's durations.
type rpcStat struct {
	n          int
	total, top time.Duration
}

func (s *rpcStat) add(d time.Duration) {
	s.n++
	s.total += d
	s.top = max(s.top, d)
}

// summarizeLog turns a CLI log into a short account of where the time went.
func summarizeLog(log, what string, wall, lat time.Duration, parallelism, n int) string {
	var first, last, firstStart, firstAPI, firstRevoke, lastRevoke time.Time
	var starts, uses []time.Time
	rpcs := map[string]*rpcStat{}
	apis := map[string]*rpcStat{}
	warnings := 0
	for line := range strings.SplitSeq(log, "\n") {
		m := tsRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		ts, err := time.Parse(tsLayout, m[1])
		if err != nil {
			continue
		}
		if first.IsZero() {
			first = ts
		}
		last = ts
		switch {
		case strings.Contains(line, "provider: starting plugin"):
			starts = append(starts, ts)
			if firstStart.IsZero() {
				firstStart = ts
			}
		case strings.Contains(line, "provider: using plugin"):
			uses = append(uses, ts)
		case strings.Contains(line, "Received downstream response"):
			r, d := rpcRE.FindStringSubmatch(line), rpcDurRE.FindStringSubmatch(line)
			if r != nil && d != nil {
				ms, _ := strconv.Atoi(d[1])
				if rpcs[r[1]] == nil {
					rpcs[r[1]] = &rpcStat{}
				}
				rpcs[r[1]].add(time.Duration(ms) * time.Millisecond)
			}
			if strings.Contains(line, "diagnostic_warning_count=1") {
				warnings++
			}
		case strings.Contains(line, "received API response") || strings.Contains(line, "API request failed"):
			d, p, me := apiDurRE.FindStringSubmatch(line), apiPathRE.FindStringSubmatch(line), apiMethRE.FindStringSubmatch(line)
			if d == nil || p == nil || me == nil {
				continue
			}
			path, _, _ := strings.Cut(p[1], "?")
			route := routeOf(me[1], path)
			ms, _ := strconv.Atoi(d[1])
			if apis[route] == nil {
				apis[route] = &rpcStat{}
			}
			apis[route].add(time.Duration(ms) * time.Millisecond)
			start := ts.Add(-time.Duration(ms) * time.Millisecond)
			if firstAPI.IsZero() || start.Before(firstAPI) {
				firstAPI = start
			}
			if strings.Contains(path, revokePart) {
				if firstRevoke.IsZero() || start.Before(firstRevoke) {
					firstRevoke = start
				}
				lastRevoke = ts
			}
		}
	}
	var sb strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	p("One %s with logs: %s wall (%s from the CLI's first to last log line).\n\n", what, secs(wall), secs(last.Sub(first)))
	var startup time.Duration
	for i := range min(len(starts), len(uses)) {
		startup += uses[i].Sub(starts[i])
	}
	p("- provider processes started: %d, %s in all from `starting plugin` to `using plugin` (process start and handshake)\n",
		len(starts), secs(startup))
	if !firstStart.IsZero() {
		p("- CLI alone before the first provider start: %s\n", secs(firstStart.Sub(first)))
	}
	if !firstRevoke.IsZero() {
		p("- first API request at +%s, first revocation POST at +%s (requests before it run one after the other), "+
			"last revocation answer at +%s: the POSTs took %s",
			secs(firstAPI.Sub(first)), secs(firstRevoke.Sub(first)), secs(lastRevoke.Sub(first)), secs(lastRevoke.Sub(firstRevoke)))
		if lat > 0 {
			rounds := (n + parallelism - 1) / parallelism
			p(" against an ideal %d × %s = %s at -parallelism=%d", rounds, lat, secs(time.Duration(rounds)*lat), parallelism)
		}
		p("\n- after the last revocation answer the CLI needed %s more (state, output, provider shutdown)\n", secs(last.Sub(lastRevoke)))
	}
	if warnings > 0 {
		p("- RPC responses carrying a warning diagnostic: %d (each is rendered by the CLI)\n", warnings)
	}
	p("\n| provider RPC | calls | total | longest |\n|---|---:|---:|---:|\n")
	for _, k := range sortedKeys(rpcs) {
		s := rpcs[k]
		p("| %s | %d | %s | %s |\n", k, s.n, secs(s.total), secs(s.top))
	}
	if len(apis) > 0 {
		p("\n| API route (provider's view) | calls | total | longest |\n|---|---:|---:|---:|\n")
		for _, k := range sortedKeys(apis) {
			s := apis[k]
			p("| `%s` | %d | %s | %s |\n", k, s.n, secs(s.total), secs(s.top))
		}
	}
	return sb.String()
}

// sortedKeys returns the keys by descending total time.
func sortedKeys(m map[string]*rpcStat) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]].total != m[keys[j]].total {
			return m[keys[i]].total > m[keys[j]].total
		}
		return keys[i] < keys[j]
	})
	return keys
}
