package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// The fleet case (issue 25): an offboarding of P people on C clusters, as
// the offboarding module writes it (one cce_credential_revocations per
// cluster) and as one for_each block of P x C cce_credential_revocation.
// Terraform core plans the instances of one block in more than linear time,
// so the shape, not the provider, decides how long a large offboarding plans.

const caseFleet = "fleet"

// Shapes of a fleet sample.
const (
	fleetModule = "module" // examples/modules/offboarding: one batch per cluster
	fleetSingle = "single" // one for_each block of single revocations
)

// fleetTarget is the target: the module's plan at most this times
// the single block's.
const fleetTarget = 0.1

// fleetSample is one plan and apply -auto-approve of a fleet shape.
type fleetSample struct {
	CLI              string
	Shape            string
	People, Clusters int
	Plan, Apply      phase
}

func (s *fleetSample) ok() bool { return s.Plan.Err == "" && s.Apply.Err == "" && s.Apply.Wall > 0 }

// fleetPersonID is the IAM user ID of person i of the fleet.
func fleetPersonID(i int) string { return fmt.Sprintf("f1ee7%027x", i) }

// runFleet runs, per CLI, the module and the single block at fleetPeople x
// fleetClusters, then the module at fleetMore people.
func (b *bench) runFleet() {
	for _, cli := range b.clis {
		for _, s := range []*fleetSample{
			{Shape: fleetModule, People: b.opt.fleetPeople},
			{Shape: fleetSingle, People: b.opt.fleetPeople},
			{Shape: fleetModule, People: b.opt.fleetMore},
		} {
			if s.People < 1 {
				continue
			}
			s.CLI, s.Clusters = cli.Name, b.opt.fleetClusters
			b.runFleetCase(cli, s)
			b.fleet = append(b.fleet, s)
		}
	}
}

// fleetConfig renders the configuration of a fleet shape.
func fleetConfig(shape string, people, clusters int) string {
	var sb strings.Builder
	sb.WriteString("terraform {\n  required_providers {\n    cce = {\n      source = \"cceops/cce\"\n    }\n  }\n}\n\nprovider \"cce\" {}\n\n")
	list := func(f func(int) string, n int) string {
		q := make([]string, n)
		for i := range n {
			q[i] = strconv.Quote(f(i))
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	clusterIDs := list(mockcloud.ExtraClusterID, clusters)
	if shape == fleetModule {
		fmt.Fprintf(&sb, "module \"offboarding\" {\n  source                = \"./modules/offboarding\"\n"+
			"  cluster_ids           = %s\n  leaver_names          = %s\n  revoke_deleted_within = \"\"\n}\n",
			clusterIDs, list(func(i int) string { return fmt.Sprintf("fleet-%03d", i) }, people))
		return sb.String()
	}
	fmt.Fprintf(&sb, "locals {\n  clusters = %s\n  people   = %s\n}\n\n", clusterIDs, list(fleetPersonID, people))
	sb.WriteString("resource \"cce_credential_revocation\" \"r\" {\n" +
		"  for_each = { for p in setproduct(local.clusters, local.people) : \"${p[0]}/${p[1]}\" => p }\n\n" +
		"  cluster_id   = each.value[0]\n  user_id      = each.value[1]\n  confirmation = \"REVOKE\"\n}\n")
	return sb.String()
}

// runFleetCase runs one fleet sample in a fresh directory against a fresh
// mock with fleetClusters clusters and the people as IAM users.
func (b *bench) runFleetCase(cli cliInfo, s *fleetSample) {
	name := fmt.Sprintf("fleet-%s-%s-p%d-c%d", cli.Name, s.Shape, s.People, s.Clusters)
	dir := filepath.Join(b.work, "cases", name)
	if !b.opt.keep {
		defer func() { _ = os.RemoveAll(dir) }()
	}
	fail := func(err error) { s.Plan.Err = err.Error(); logf("%s: FAILED: %s", name, err) }
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fail(err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(fleetConfig(s.Shape, s.People, s.Clusters)), 0o600); err != nil {
		fail(err)
		return
	}
	if s.Shape == fleetModule {
		src := filepath.Join(b.opt.root, "examples", "modules", "offboarding")
		if err := os.CopyFS(filepath.Join(dir, "modules", "offboarding"), os.DirFS(src)); err != nil {
			fail(err)
			return
		}
	}
	env, err := b.env(kindOurs, dir)
	if err != nil {
		fail(err)
		return
	}
	m, err := b.startMock(filepath.Join(dir, "mock"), 0, "-extra-clusters", strconv.Itoa(s.Clusters))
	if err != nil {
		fail(err)
		return
	}
	defer m.stop()
	env = append(env, m.env...)
	for i := range s.People {
		body := fmt.Sprintf(`{"name": "fleet-%03d", "id": %q}`, i, fleetPersonID(i))
		if err := m.control(http.MethodPost, "/users", body); err != nil {
			fail(err)
			return
		}
	}
	if s.Shape == fleetModule {
		if out, err := output(dir, env, cli.Path, "get", "-no-color"); err != nil {
			fail(fmt.Errorf("%w: %s", err, out))
			return
		}
	}
	from, err := m.mark()
	if err != nil {
		fail(err)
		return
	}
	s.Plan = b.runCLI(cli, dir, env, "plan", b.planArgs(kindOurs)...)
	to, err := m.mark()
	if err == nil {
		s.Plan.Routes = m.routesBetween(from, to)
	}
	if s.Plan.Err == "" {
		s.Apply = b.runCLI(cli, dir, env, "apply", b.applyArgs(kindOurs)...)
		if end, err := m.mark(); err == nil {
			s.Apply.Routes = m.routesBetween(to, end)
		}
	}
	if !s.ok() {
		logf("%s: FAILED: %s%s", name, s.Plan.Err, s.Apply.Err)
		return
	}
	logf("%s: plan %.2fs, apply %.2fs, provider peak %.0f MiB, %d POSTs", name, s.Plan.Wall.Seconds(),
		s.Apply.Wall.Seconds(), float64(max(s.Plan.PeakKB, s.Apply.PeakKB))/1024, s.Apply.Routes[routeRevoke])
}

// control sends a control API request and fails unless it succeeds.
func (m *mock) control(method, path, body string) error {
	_, err := m.controlDo(method, path, body)
	return err
}

// fleetOf returns the sample of a CLI, shape and people count.
func (b *bench) fleetOf(cli, shape string, people int) *fleetSample {
	for _, s := range b.fleet {
		if s.CLI == cli && s.Shape == shape && s.People == people && s.ok() {
			return s
		}
	}
	return nil
}

// fleetTargets are the fleet case's targets, one per CLI.
func (b *bench) fleetTargets() []target {
	var out []target
	for _, cli := range b.clis {
		mod, single := b.fleetOf(cli.Name, fleetModule, b.opt.fleetPeople), b.fleetOf(cli.Name, fleetSingle, b.opt.fleetPeople)
		name := fmt.Sprintf("%s: fleet of %d x %d, the module's plan at most %.1fx the single block's",
			cli.Name, b.opt.fleetPeople, b.opt.fleetClusters, fleetTarget)
		if mod == nil || single == nil {
			out = append(out, target{Name: name, Result: "n/a", Detail: "a sample failed; see the log"})
			continue
		}
		r := mod.Plan.Wall.Seconds() / single.Plan.Wall.Seconds()
		out = append(out, target{Name: name, Result: passIf(r <= fleetTarget),
			Detail: fmt.Sprintf("%s / %s = %s", secs(mod.Plan.Wall), secs(single.Plan.Wall), ratioText(r))})
	}
	return append(out, b.fleetRequestTarget())
}

// fleetRequestTarget checks the fleet's requests on every CLI: P x C POSTs
// per apply and none per plan, at most C cluster reads per provider process,
// and as many IAM requests for the module at fleetMore people as at
// fleetPeople.
func (b *bench) fleetRequestTarget() target {
	t := target{Name: "fleet: one POST per revocation, each cluster read at most once per provider process, IAM requests independent of the people"}
	var bad, seen []string
	for _, s := range b.fleet {
		if !s.ok() {
			continue
		}
		if got := s.Apply.Routes[routeRevoke]; got != s.People*s.Clusters || s.Plan.Routes[routeRevoke] != 0 {
			bad = append(bad, fmt.Sprintf("%s %s %dx%d: %d POSTs", s.CLI, s.Shape, s.People, s.Clusters, got))
		}
		for _, ph := range []phase{s.Plan, s.Apply} {
			if n := ph.Routes[routeGetCluster]; n > s.Clusters*max(ph.Procs, 1) {
				bad = append(bad, fmt.Sprintf("%s %s: %d cluster reads by %d provider processes", s.CLI, s.Shape, n, ph.Procs))
			}
		}
		if s.Shape == fleetModule {
			seen = append(seen, fmt.Sprintf("%s %d people: %d/%d", s.CLI, s.People, iamCalls(s.Plan.Routes), iamCalls(s.Apply.Routes)))
		}
	}
	for _, cli := range b.clis {
		few, many := b.fleetOf(cli.Name, fleetModule, b.opt.fleetPeople), b.fleetOf(cli.Name, fleetModule, b.opt.fleetMore)
		if few != nil && many != nil && (iamCalls(few.Plan.Routes) != iamCalls(many.Plan.Routes) ||
			iamCalls(few.Apply.Routes) != iamCalls(many.Apply.Routes)) {
			bad = append(bad, cli.Name+": IAM requests grow with the people")
		}
	}
	switch {
	case len(b.fleet) == 0:
		t.Result, t.Detail = "n/a", "no sample"
	case len(bad) > 0:
		t.Result, t.Detail = "MISS", strings.Join(bad, "; ")
	default:
		t.Result = "PASS"
		t.Detail = "IAM requests of the module's plan/apply: " + strings.Join(seen, ", ")
	}
	return t
}

// writeFleet writes the fleet case's section.
func (b *bench) writeFleet(p printer) {
	p("## Fleet: an offboarding of many people on many clusters\n\n")
	p("P people on C clusters (the mock's extra clusters, each Available), revoked through "+
		"`examples/modules/offboarding` (one `cce_credential_revocations` per cluster, leavers by name) and as one "+
		"`for_each` block of P x C `cce_credential_revocation` (by `user_id`). Wall time of `plan` and of "+
		"`apply -auto-approve` (which plans again), one run each; target: the module's plan at most %.1fx the single "+
		"block's. Requests are the mock's per command: POSTs must equal P x C, cluster reads at most C per command, "+
		"IAM reads independent of P.\n\n", fleetTarget)
	p("| CLI | shape | P x C | plan | apply | plan / single block's | provider peak | plan requests | apply requests |\n")
	p("|---|---|---|---:|---:|---:|---:|---|---|\n")
	for _, s := range b.fleet {
		if !s.ok() {
			p("| %s | %s | %d x %d | failed | | | | | |\n", s.CLI, s.Shape, s.People, s.Clusters)
			continue
		}
		ratio := ""
		if single := b.fleetOf(s.CLI, fleetSingle, s.People); single != nil {
			ratio = ratioText(s.Plan.Wall.Seconds() / single.Plan.Wall.Seconds())
		}
		p("| %s | %s | %d x %d | %s | %s | %s | %.0f MiB | %s | %s |\n", s.CLI, s.Shape, s.People, s.Clusters,
			secs(s.Plan.Wall), secs(s.Apply.Wall), ratio, float64(max(s.Plan.PeakKB, s.Apply.PeakKB))/1024,
			formatRoutes(s.Plan.Routes), formatRoutes(s.Apply.Routes))
	}
	p("\n")
}
