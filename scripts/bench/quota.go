package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// The quota case (issue 22, "many pipelines, one quota"): K concurrent
// `apply -auto-approve` processes of N revocations each, as K pipelines of
// one account run them, against ONE standalone mock whose account has a
// quota of quotaRPS requests per second (its -quota flag). Every apply must
// succeed, the cloud must see each (cluster, ID) exactly once, and the
// total wall time is compared with the quota's bound: every request the
// applies needed (those the quota admitted) divided by quotaRPS.
const caseQuota = "quota"

// The quota case's sizes. 8 applies of 250 revocations need about 2,150
// requests; at 50 a second the bound is about 43 s, and the applies need
// about 40 s of CPU (a third of it the CLIs', most of the rest the
// provider's; see the case's CPU column), which two cores give in 20 s: the
// quota, not the machine, sets the pace.
const (
	quotaK     = 8
	quotaN     = 250
	quotaC     = 10
	quotaRPS   = 50
	quotaBurst = 50
	// quotaTarget is the target for the wall time over the bound.
	quotaTarget = 1.3
)

// quotaRun is the quota case on one CLI.
type quotaRun struct {
	CLI       string
	Wall      time.Duration // from the start of the first apply to the end of the last
	Applies   []phase
	Admitted  int // requests the quota admitted: what the applies needed
	Throttled int // tries it answered 429
	Expected  int // (cluster, ID) pairs of the configurations
	Once      int // of them, seen exactly once by CCE
	Twice     int // seen more than once
	Unknown   int // revocations of pairs no configuration holds
	Err       string
}

// ok reports whether every apply succeeded.
func (r *quotaRun) ok() bool {
	if r.Err != "" || len(r.Applies) != quotaK {
		return false
	}
	for _, a := range r.Applies {
		if a.Err != "" {
			return false
		}
	}
	return true
}

// ratio is the wall time over the quota's bound.
func (r *quotaRun) ratio() float64 {
	if r.Admitted == 0 {
		return 0
	}
	return r.Wall.Seconds() / (float64(r.Admitted) / quotaRPS)
}

// runQuota runs the quota case on every CLI.
func (b *bench) runQuota() {
	for _, cli := range b.clis {
		r := b.runQuotaOn(cli)
		b.quota = append(b.quota, r)
		if r.Err != "" {
			logf("%-14s quota: FAILED: %s", cli.Name, r.Err)
			continue
		}
		failed := 0
		for _, a := range r.Applies {
			if a.Err != "" {
				failed++
				logf("%-14s quota: an apply FAILED: %s", cli.Name, a.Err)
			}
		}
		logf("%-14s quota: %d applies of %d in %.1fs (%d failed), %d requests admitted, %d throttled: %.2fx the bound; "+
			"%d of %d pairs revoked once", cli.Name, quotaK, quotaN, r.Wall.Seconds(), failed, r.Admitted, r.Throttled, r.ratio(), r.Once, r.Expected)
	}
}

// runQuotaOn runs K applies at once in fresh directories against one mock.
func (b *bench) runQuotaOn(cli cliInfo) *quotaRun {
	r := &quotaRun{CLI: cli.Name}
	dir := filepath.Join(b.work, "quota", cli.Name)
	if !b.opt.keep {
		defer func() { _ = os.RemoveAll(dir) }()
	}
	m, err := b.startMock(filepath.Join(dir, "mock"), 0, "-quota", fmt.Sprintf("%d/%d", quotaRPS, quotaBurst))
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer m.stop()
	want := map[string]int{}
	envs := make([][]string, quotaK)
	dirs := make([]string, quotaK)
	for i := range quotaK {
		dirs[i] = filepath.Join(dir, fmt.Sprintf("apply-%d", i+1))
		if err := writeConfig(dirs[i], kindOurs, quotaN, quotaC); err != nil {
			r.Err = err.Error()
			return r
		}
		pairs, err := configPairs(filepath.Join(dirs[i], "main.tf"))
		if err != nil {
			r.Err = err.Error()
			return r
		}
		for _, p := range pairs {
			want[p]++
		}
		env, err := b.env(kindOurs, dirs[i])
		if err != nil {
			r.Err = err.Error()
			return r
		}
		envs[i] = append(env, m.env...)
	}
	r.Expected = len(want)
	r.Applies = make([]phase, quotaK)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range quotaK {
		wg.Go(func() { r.Applies[i] = b.runCLI(cli, dirs[i], envs[i], "apply", b.applyArgs(kindOurs)...) })
	}
	wg.Wait()
	r.Wall = time.Since(start)

	var st struct{ Admitted, Throttled int }
	if err := m.controlGet("/quota", &st); err != nil {
		r.Err = err.Error()
		return r
	}
	r.Admitted, r.Throttled = st.Admitted, st.Throttled
	var revs []struct {
		ClusterID string `json:"cluster_id"`
		UserID    string `json:"user_id"`
		AgencyID  string `json:"agency_id"`
	}
	if err := m.controlGet("/revocations", &revs); err != nil {
		r.Err = err.Error()
		return r
	}
	seen := map[string]int{}
	for _, rv := range revs {
		seen[rv.ClusterID+" "+rv.UserID+rv.AgencyID]++
	}
	for p, n := range seen {
		switch {
		case want[p] == 0:
			r.Unknown += n
		case n == 1:
			r.Once++
		default:
			r.Twice++
		}
	}
	return r
}

// pairLine matches an entry of configText's locals map.
var pairLine = regexp.MustCompile(`cluster_id = "([^"]+)", id = "([^"]+)"`)

// configPairs returns the "cluster ID" pairs a generated main.tf revokes.
func configPairs(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range pairLine.FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1]+" "+m[2])
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no revocation", path)
	}
	return out, nil
}

// controlDo sends a control API request and returns the answer's body; it
// fails unless the answer is a success.
func (m *mock) controlDo(method, path, body string) ([]byte, error) {
	req, err := http.NewRequest(method, m.vars["CCE_MOCKCLOUD_CONTROL_URL"]+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+m.vars["CCE_MOCKCLOUD_CONTROL_TOKEN"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("control %s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("control %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("control %s %s: %s: %s", method, path, resp.Status, out)
	}
	return out, nil
}

// controlGet sends GET path to the control API and decodes its JSON answer.
func (m *mock) controlGet(path string, out any) error {
	b, err := m.controlDo(http.MethodGet, path, "")
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// quotaTargets judges the quota case per CLI.
func (b *bench) quotaTargets() []target {
	var ts []target
	for _, r := range b.quota {
		t := target{Name: fmt.Sprintf("%s: %d concurrent applies of %d revocations at a quota of %d requests/s ≤ %.1f × the quota's bound (wall)",
			r.CLI, quotaK, quotaN, quotaRPS, quotaTarget)}
		switch {
		case r.Err != "":
			t.Result, t.Detail = "n/a", tail(r.Err, 300)
		default:
			exact := r.Once == r.Expected && r.Twice == 0 && r.Unknown == 0
			t.Result = passIf(r.ok() && exact && r.ratio() <= quotaTarget)
			t.Detail = fmt.Sprintf("%s (%.1f s for %d requests at %d/s: bound %.1f s); %s; %s; %d tries throttled",
				ratioText(r.ratio()), r.Wall.Seconds(), r.Admitted, quotaRPS, float64(r.Admitted)/quotaRPS,
				r.appliesText(), r.pairsText(), r.Throttled)
		}
		ts = append(ts, t)
	}
	return ts
}

// appliesText says how many applies succeeded.
func (r *quotaRun) appliesText() string {
	ok := 0
	for _, a := range r.Applies {
		if a.Err == "" {
			ok++
		}
	}
	return fmt.Sprintf("%d of %d applies succeeded", ok, quotaK)
}

// pairsText says how often CCE saw each (cluster, ID).
func (r *quotaRun) pairsText() string {
	s := fmt.Sprintf("CCE saw %d of %d (cluster, ID) pairs exactly once", r.Once, r.Expected)
	if r.Twice > 0 {
		s += fmt.Sprintf(", %d more than once", r.Twice)
	}
	if r.Unknown > 0 {
		s += fmt.Sprintf(", and %d revocations of no configuration", r.Unknown)
	}
	return s
}

// writeQuota writes the quota case's section.
func (b *bench) writeQuota(p printer) {
	p("## Many pipelines, one quota: %d concurrent applies\n\n", quotaK)
	p("Pipelines of one account share its API quota (issue 22). %d `apply -auto-approve` processes (no plan before; "+
		"`-parallelism=%d`) start together, each in its own directory with fresh state and its own %d revocations "+
		"(`other_id`, random IDs, over %d clusters), against ONE standalone mock whose account has a quota of %d requests "+
		"per second with bursts of %d (its `-quota %d/%d` flag: beyond it 429 `APIGW.0308`, and the request reaches no "+
		"service). The bound is every request the applies needed (those the quota admitted) divided by %d per second; "+
		"the target is a wall time of at most %.1f times that. CCE's revocations (the control API's `GET /revocations`) "+
		"must hold each (cluster, ID) of the configurations exactly once. The provider slows down when throttled and "+
		"speeds up again (internal/cce/ratelimit.go); each provider process adapts on its own.\n\n",
		quotaK, b.opt.parallelism, quotaN, quotaC, quotaRPS, quotaBurst, quotaRPS, quotaBurst, quotaRPS, quotaTarget)
	p("| CLI | wall | requests admitted | bound | wall ÷ bound | target | tries throttled | applies ok | each (cluster, ID) once | apply wall (min–max) | CPU of the applies |\n" +
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n")
	for _, r := range b.quota {
		if r.Err != "" {
			p("%s", failedRow(r.CLI, r.Err, 9))
			continue
		}
		var lo, hi, cpu time.Duration
		for i, a := range r.Applies {
			if i == 0 || a.Wall < lo {
				lo = a.Wall
			}
			hi = max(hi, a.Wall)
			cpu += a.CPU
		}
		ok := 0
		for _, a := range r.Applies {
			if a.Err == "" {
				ok++
			}
		}
		p("| %s | %s | %d | %.1f s | **%s** | ≤ %.1fx | %d | %d of %d | %d of %d | %.1f–%.1f s | %s |\n", r.CLI, secs(r.Wall), r.Admitted,
			float64(r.Admitted)/quotaRPS, ratioText(r.ratio()), quotaTarget, r.Throttled, ok, quotaK, r.Once, r.Expected,
			lo.Seconds(), hi.Seconds(), secs(cpu))
	}
	p("\n")
}

// failedRow is a table row saying that a CLI's case failed and why, with
// empty more cells.
func failedRow(cli, err string, empty int) string {
	return fmt.Sprintf("| %s | failed: %s |%s\n", cli, strings.ReplaceAll(tail(err, 200), "\n", " "), strings.Repeat(" |", empty))
}
