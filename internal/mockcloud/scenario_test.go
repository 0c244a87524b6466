package mockcloud

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/testkit"
)

// loadScenario parses doc and loads it into a fresh cloud (seeded for base: demo).
func loadScenario(t *testing.T, doc string, opts ...Option) (*Cloud, User) {
	t.Helper()
	s, err := ParseScenario("test.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if s.Base() == BaseEmpty {
		opts = append(opts, WithoutSeed())
	}
	c := NewForTest(t, opts...)
	caller, err := c.LoadScenario(s)
	if err != nil {
		t.Fatal(err)
	}
	return c, caller
}

// The committed example scenarios parse and load, and serve what their
// comments promise.
func TestScenario_examples(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "mockcloud", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example scenarios: %v", err)
	}
	worlds := map[string]World{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := loadScenario(t, string(data))
		worlds[filepath.Base(f)] = c.World()
	}
	trial := worlds["trial.yaml"]
	contractors := 0
	for _, u := range trial.Users {
		if slices.Contains(u.Groups, "contractors") {
			contractors++
		}
	}
	if contractors != 20 || len(trial.Clusters) != 3 || len(trial.Deleted) != 2 {
		t.Errorf("trial.yaml: %d contractors, %d clusters, %d deletions in the CTS window; want 20, 3, 2", contractors, len(trial.Clusters), len(trial.Deleted))
	}
	for _, cl := range trial.Clusters {
		if !cl.Revocable {
			t.Errorf("trial.yaml: cluster %s cannot take a revocation: %s", cl.Name, cl.Reason)
		}
	}
	modules := worlds["modules.yaml"]
	if i := slices.IndexFunc(modules.Clusters, func(cl WorldCluster) bool { return cl.Name == "old" }); i < 0 ||
		modules.Clusters[i].Revocable || modules.Clusters[i].Version != "v1.23.9-r0" {
		t.Errorf("modules.yaml: want an ineligible cluster old at v1.23.9-r0: %+v", modules.Clusters)
	}
}

// Every mistake is reported with its line, column and field, what is wrong
// and what to write; all mistakes of one kind come at once.
func TestParseScenario_problems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, doc string
		want      []string // regular expressions, each must match the error
	}{
		{name: "empty", doc: "", want: []string{`test.yaml: the document is empty`}},
		{name: "syntax", doc: "users:\n  - name: x\n   bad", want: []string{`test.yaml: line \d+: .* \(the file must be YAML or JSON\)`}},
		{name: "bad JSON", doc: `{"users": [}`, want: []string{`the file must be YAML or JSON`}},
		{name: "not an object", doc: "- a\n", want: []string{`test.yaml:1:1: want a scenario \(an object with the fields base, flavour, caller, groups, users, agencies, clusters, deleted\), got a list`}},
		{name: "unknown field", doc: "cluster: []\n", want: []string{`test.yaml:1:1: cluster: unknown field; a scenario has the fields .*; did you mean clusters\?`}},
		{name: "wrong case", doc: "users:\n  - name: a\n    AccessKey: X\n", want: []string{`test.yaml:3:5: users\[0\].AccessKey: unknown field.*did you mean accessKey\?`}},
		{name: "list wanted", doc: "users: {name: a}\n", want: []string{`1:8: users: want a list of users, got an object`}},
		{name: "number for string", doc: "clusters:\n  - name: a\n    version: 1.30\n", want: []string{`3:14: clusters\[0\].version: want a string, got the number 1.30; put the value in quotes`}},
		{name: "yes for bool", doc: "users:\n  - name: a\n    enabled: yes\n", want: []string{`3:14: users\[0\].enabled: want true or false, got "yes"`}},
		{name: "field twice", doc: "users:\n  - name: a\n    groups: []\n    groups: []\n", want: []string{`4:5: users\[0\].groups: given twice; keep one`}},
		{name: "base", doc: "base: seeded\n", want: []string{`1:7: base: "seeded" is not a base; write empty .* or demo`}},
		{name: "flavour", doc: "flavour: aws\n", want: []string{`1:10: flavour: "aws" is not a flavour; write hwc .* or otc`}},
		{name: "nameless user", doc: "users:\n  - description: x\n", want: []string{`2:5: users\[0\].name: a user needs a name`}},
		{name: "bad user name", doc: "users:\n  - name: ' a'\n", want: []string{`users\[0\].name: " a" is not a valid user name: use 1 to 64 letters`}},
		{name: "bad ID", doc: "users:\n  - name: a\n    id: ABC\n", want: []string{`3:9: users\[0\].id: "ABC" is not an IAM ID: write 32 lowercase hexadecimal characters, or leave id out`}},
		{name: "undeclared group", doc: "users:\n  - name: a\n    groups: [admin, admn]\n", want: []string{`3:21: users\[0\].groups\[1\]: group "admn" does not exist: declare it under groups, or use admin, developers, iam-readonly or readonly`}},
		{name: "group twice", doc: "groups: [x, x]\n", want: []string{`1:13: groups\[1\]: group "x" is declared twice`}},
		{name: "user twice", doc: "users:\n  - name: a\n  - name: a\n", want: []string{`3:11: users\[1\].name: the name "a" is also used by users\[0\].name; each must be unique`}},
		{name: "half a key pair", doc: "users:\n  - name: a\n    accessKey: ABCDEFGH\n", want: []string{`2:5: users\[0\]: give both accessKey and secretKey, or neither`}},
		{name: "access key twice", doc: "users:\n  - {name: a, accessKey: ABCDEFGH, secretKey: s}\n  - {name: b, accessKey: ABCDEFGH, secretKey: t}\n",
			want: []string{`users\[1\].accessKey: the access key "ABCDEFGH" is also used by users\[0\].accessKey`}},
		{name: "bad access key", doc: "users:\n  - {name: a, accessKey: 'AK 1', secretKey: s}\n", want: []string{`users\[0\].accessKey: "AK 1" is not an access key`}},
		{name: "shared ID", doc: "users:\n  - {name: a, id: " + strings.Repeat("a", 32) + "}\ndeleted:\n  - {type: agency, name: b, id: " + strings.Repeat("a", 32) + ", ago: 1d}\n",
			want: []string{`4:33: deleted\[0\].id: the ID "a{32}" is also used by users\[0\].id`}},
		{name: "bad cluster name", doc: "clusters:\n  - {name: Prod, version: v1.28.3-r0}\n", want: []string{`clusters\[0\].name: "Prod" is not a cluster name: use lowercase letters`}},
		{name: "bad cluster ID", doc: "clusters:\n  - {name: p, id: c1, version: v1.28.3-r0}\n", want: []string{`clusters\[0\].id: "c1" is not a cluster ID: write a lowercase UUID`}},
		{name: "bad phase", doc: "clusters:\n  - {name: p, phase: Sleeping, version: v1.28.3-r0}\n", want: []string{`2:22: clusters\[0\].phase: "Sleeping" is not a CCE cluster phase: write one of Available, .*Hibernation`}},
		{name: "bad versions", doc: "clusters:\n  - {name: p, version: '1.28', platformVersion: cce3, legacyVersion: v1.28}\n",
			want: []string{`clusters\[0\].version: "1.28" is not a version: write vMAJOR.MINOR`, `clusters\[0\].platformVersion: "cce3" is not a version: write cce.PATCH.REV`,
				`clusters\[0\].legacyVersion: "v1.28" is not a version: write vMAJOR.MINOR.PATCH-rREV`}},
		{name: "no version", doc: "clusters:\n  - {name: p, version: v1.28}\n", want: []string{`2:5: clusters\[0\]: the cluster has no version: give version "v1.28" with platformVersion "cce.3.0", or a full version`}},
		{name: "half upgradeinfo", doc: "clusters:\n  - {name: p, version: v1.28.3-r0, upgradeRelease: v1.28.3}\n", want: []string{`clusters\[0\]: give both upgradeRelease and upgradePatch`}},
		{name: "http endpoint", doc: "clusters:\n  - {name: p, version: v1.28.3-r0, externalEndpoint: 'http://x'}\n", want: []string{`clusters\[0\].externalEndpoint: "http://x" is not an https:// URL`}},
		{name: "unknown region", doc: "clusters:\n  - {name: p, version: v1.28.3-r0, region: eu-xx}\n", want: []string{`clusters\[0\].region: "eu-xx" is not a region of the mock: use one of eu-west-101, eu-de, eu-nl`}},
		{name: "project of another region", doc: "clusters:\n  - {name: p, version: v1.28.3-r0, region: eu-nl, projectId: " + ProjectIDDE2 + "}\n",
			want: []string{`clusters\[0\].projectId: project ` + ProjectIDDE2 + ` is in region eu-de, not eu-nl`}},
		{name: "cluster twice", doc: "clusters:\n  - {name: p, version: v1.28.3-r0}\n  - {name: p, version: v1.28.3-r0}\n", want: []string{`clusters\[1\].name: the name "p" is also used by clusters\[0\].name`}},
		{name: "deleted type", doc: "deleted:\n  - {type: group, name: g, ago: 1d}\n", want: []string{`2:12: deleted\[0\].type: "group" is not a type of deleted identity: write user or agency`}},
		{name: "deleted ago", doc: "deleted:\n  - {type: user, name: u, ago: 3 days}\n", want: []string{`deleted\[0\].ago: "3 days" is not how long ago the identity was deleted: write a duration such as "2d"`}},
		{name: "deleted without ago", doc: "deleted:\n  - {type: user, name: u}\n", want: []string{`deleted\[0\].ago: "" is not how long ago`}},
		{name: "several at once", doc: "users:\n  - {name: a, groups: [nope]}\nclusters:\n  - {name: p, phase: Off, version: v1.28.3-r0}\n",
			want: []string{`has 2 problems:\n  test.yaml:2:24: users\[0\].groups\[0\]: .*\n  test.yaml:4:22: clusters\[0\].phase: `}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario("test.yaml", []byte(tc.doc))
			var se *ScenarioError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a *ScenarioError", err)
			}
			for _, w := range tc.want {
				if !regexp.MustCompile(w).MatchString(err.Error()) {
					t.Errorf("the error does not match %q:\n%s", w, err)
				}
			}
		})
	}
}

// A JSON document declares the same world as the YAML one.
func TestParseScenario_JSONAndYAMLAgree(t *testing.T) {
	t.Parallel()
	yamlDoc := `
users:
  - {name: admin-a, groups: [admin, ops], accessKey: AKAKAKAK01, secretKey: s1}
groups: [ops]
agencies:
  - {name: ag, trustDomainName: other, admin: true}
clusters:
  - {name: p, version: v1.25, platformVersion: cce.4.10, phase: Hibernation}
deleted:
  - {type: agency, name: gone, ago: 1d2h}
`
	jsonDoc := `{"groups": ["ops"],
 "users": [{"name": "admin-a", "groups": ["admin", "ops"], "accessKey": "AKAKAKAK01", "secretKey": "s1"}],
 "agencies": [{"name": "ag", "trustDomainName": "other", "admin": true}],
 "clusters": [{"name": "p", "version": "v1.25", "platformVersion": "cce.4.10", "phase": "Hibernation"}],
 "deleted": [{"type": "agency", "name": "gone", "ago": "1d2h"}]}`
	clock := testkit.NewClock(time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC))
	fromYAML, _ := loadScenario(t, yamlDoc, WithClock(clock.Now))
	fromJSON, _ := loadScenario(t, jsonDoc, WithClock(clock.Now))
	a, b := fromYAML.World(), fromJSON.World()
	if !equalJSON(t, a, b) {
		t.Errorf("YAML and JSON differ:\n%+v\n%+v", a, b)
	}
	if len(a.Agencies) != 1 || !a.Agencies[0].Admin {
		t.Errorf("agencies: %+v", a.Agencies)
	}
	if len(a.Deleted) != 1 || !a.Deleted[0].DeletedAt.Equal(clock.Now().Add(-26*time.Hour)) || a.Deleted[0].By != "admin-a" {
		t.Errorf("deleted: %+v", a.Deleted)
	}
}

// Defaults: users are enabled, clusters Available with the demo endpoints,
// and IDs derive from names, the same at every start and never shared
// between a live user and a deleted one of the same name.
func TestParseScenario_defaults(t *testing.T) {
	t.Parallel()
	doc := `
users:
  - {name: boss, groups: [admin], accessKey: BOSSBOSS01, secretKey: s}
  - {name: frank}
clusters:
  - {name: p, version: v1.28.3-r0, externalEndpoint: ""}
deleted:
  - {type: user, name: frank, ago: 1h}
`
	clock := testkit.NewClock(time.Now())
	c, _ := loadScenario(t, doc, WithClock(clock.Now))
	again, _ := loadScenario(t, doc, WithClock(clock.Now))
	w := c.World()
	if !equalJSON(t, w, again.World()) {
		t.Error("two loads of one scenario differ")
	}
	frank := w.Users[slices.IndexFunc(w.Users, func(u WorldUser) bool { return u.Name == "frank" })]
	if !frank.Enabled || frank.ID != derivedID("user", "frank") || w.Deleted[0].ID == frank.ID || !iamIDRe.MatchString(w.Deleted[0].ID) {
		t.Errorf("users %+v, deleted %+v", w.Users, w.Deleted)
	}
	cl, ok := c.Cluster(w.Clusters[0].ID)
	if !ok || cl.Phase != PhaseAvailable || cl.InternalEndpoint != SeedInternalEndpoint || cl.ExternalEndpoint != "" ||
		!clusterIDRe.MatchString(cl.ID) || cl.ID != derivedClusterID("p") {
		t.Errorf("cluster %+v", cl)
	}
}

// A scenario on the demo account must not clash with it; when it does,
// nothing of it is added.
func TestLoadScenario_clashes(t *testing.T) {
	t.Parallel()
	s, err := ParseScenario("more.yaml", []byte(`base: demo
users:
  - {name: newcomer}
  - {name: alice}
  - {name: other, id: `+AdminUserID+`, accessKey: `+BobAccessKey+`, secretKey: s}
agencies:
  - {name: ops-automation}
clusters:
  - {name: prod, version: v1.28.3-r0}
  - {name: p2, id: `+ProdClusterID+`, version: v1.28.3-r0}
deleted:
  - {type: user, name: x, id: `+AliceUserID+`, ago: 1d, by: nobody}
`))
	if err != nil {
		t.Fatal(err)
	}
	clock := testkit.NewClock(time.Now())
	c := NewForTest(t, WithClock(clock.Now))
	before := c.World()
	_, err = c.LoadScenario(s)
	for _, w := range []string{
		`more.yaml:4:12: users\[1\].name: a user named "alice" already exists \(base: demo\); choose another name`,
		`users\[2\].id: ID ` + AdminUserID + ` is already taken`,
		`users\[2\].accessKey: access key "` + BobAccessKey + `" is already taken \(base: demo\)`,
		`agencies\[0\].name: an agency named "ops-automation" already exists`,
		`clusters\[0\].name: a cluster named "prod" already exists`,
		`clusters\[1\].id: cluster ID ` + ProdClusterID + ` is already taken`,
		`deleted\[0\].id: ID ` + AliceUserID + ` is already taken`,
		`deleted\[0\].by: no user is named "nobody"`,
	} {
		if err == nil || !regexp.MustCompile(w).MatchString(err.Error()) {
			t.Errorf("the error does not match %q:\n%v", w, err)
		}
	}
	if !equalJSON(t, before, c.World()) {
		t.Error("a scenario that failed to load changed the cloud")
	}
}

// env.sh signs in as the named caller, else the first admin with keys in
// the file, else an admin of the base; without one, loading fails.
func TestLoadScenario_caller(t *testing.T) {
	t.Parallel()
	users := "users:\n  - {name: dev, accessKey: DEVDEVDEV1, secretKey: s}\n  - {name: boss, groups: [admin], accessKey: BOSSBOSS01, secretKey: s}\n" +
		"  - {name: off, groups: [admin], enabled: false, accessKey: OFFOFFOFF1, secretKey: s}\n  - {name: nokeys, groups: [admin]}\n"
	for _, tc := range []struct{ doc, want, problem string }{
		{doc: users, want: "boss"},
		{doc: "caller: dev\n" + users, want: "dev"},
		{doc: "base: demo\nusers:\n  - {name: nokeys, groups: [admin]}\n", want: AdminUserName},
		{doc: "caller: off\n" + users, problem: `caller: user "off" is disabled`},
		{doc: "caller: nokeys\n" + users, problem: `caller: user "nokeys" has no accessKey and secretKey`},
		{doc: "caller: ghost\n" + users, problem: `caller: no user is named "ghost"`},
		{doc: "users:\n  - {name: dev, accessKey: DEVDEVDEV1, secretKey: s}\n", problem: `caller: no enabled member of group admin has an accessKey and a secretKey`},
	} {
		s, err := ParseScenario("test.yaml", []byte(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		var opts []Option
		if s.Base() == BaseEmpty {
			opts = append(opts, WithoutSeed())
		}
		caller, err := NewForTest(t, opts...).LoadScenario(s)
		switch {
		case tc.problem != "" && (err == nil || !strings.Contains(err.Error(), tc.problem)):
			t.Errorf("%q: got %v, want %q", tc.doc, err, tc.problem)
		case tc.problem == "" && (err != nil || caller.Name != tc.want):
			t.Errorf("%q: caller %q (%v), want %q", tc.doc, caller.Name, err, tc.want)
		}
	}
}

// Users sign in with the scenario's keys and password, disabled users
// cannot, and deletions are CTS traces by the caller (or by), within the
// 7-day window or not.
func TestLoadScenario_servesTheWorld(t *testing.T) {
	t.Parallel()
	c, caller := loadScenario(t, `
users:
  - {name: boss, groups: [admin], accessKey: BOSSBOSS01, secretKey: boss-secret, password: Boss-Passw0rd!}
  - {name: auditor, groups: [iam-readonly], accessKey: AUDITAUDIT, secretKey: audit-secret}
  - {name: gone-soon, enabled: false, accessKey: GONEGONE01, secretKey: gone-secret}
deleted:
  - {type: user, name: erin, ago: 2d, by: auditor}
  - {type: agency, name: vendor, ago: 3d}
  - {type: user, name: ancient, ago: 8d}
`)
	boss := cred{ak: caller.AccessKey, sk: caller.SecretKey}
	expectStatus(t, call(t, c, boss, "GET", "/v3/users", nil), http.StatusOK)
	expectStatus(t, call(t, c, cred{ak: "GONEGONE01", sk: "gone-secret"}, "GET", "/v3/users", nil), http.StatusUnauthorized)
	tok := call(t, c, cred{}, "POST", "/v3/auth/tokens", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"boss",
		"password":"Boss-Passw0rd!","domain":{"name":"`+DomainName+`"}}}},"scope":{"project":{"id":"`+ProjectID+`"}}}}`)
	expectStatus(t, tok, http.StatusCreated)

	now := c.now()
	week := query("from", ms(now.Add(-8*24*time.Hour)), "to", ms(now), "limit", "200")
	traces := arr(call(t, c, boss, "GET", tracesPath+week, nil).json(t)["traces"])
	var got []string
	for _, tr := range traces {
		m := obj(tr)
		got = append(got, str(m, "trace_name")+" "+str(m, "resource_name")+" by "+str(m, "user.name"))
	}
	if want := []string{"deleteUser erin by auditor", "deleteAgency vendor by boss"}; !slices.Equal(got, want) {
		t.Errorf("CTS within 8 days answers %q, want %q (the 8-day-old deletion is beyond the 7-day window)", got, want)
	}
}

// parseAgo reads days, Go durations and both.
func TestParseAgo(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"2d": 48 * time.Hour, "1d12h": 36 * time.Hour, "90m": 90 * time.Minute, "0s": 0, "0d": 0} {
		if got, ok := parseAgo(in); !ok || got != want {
			t.Errorf("parseAgo(%q) = %s, %v; want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "d", "-1h", "1.5d", "2 days", "1d-1h", "99999d"} {
		if got, ok := parseAgo(in); ok {
			t.Errorf("parseAgo(%q) = %s, want an error", in, got)
		}
	}
}

// oneEditApart drives the "did you mean" hints.
func TestOneEditApart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{a: "gruops", b: "groups", want: true}, {a: "group", b: "groups", want: true}, {a: "groupss", b: "groups", want: true},
		{a: "grpups", b: "groups", want: true}, {a: "groups", b: "groups"}, {a: "grups", b: "groups", want: true},
		{a: "gorpus", b: "groups"}, {a: "users", b: "groups"}, {a: "", b: "ab"},
	} {
		if got := oneEditApart(tc.a, tc.b); got != tc.want {
			t.Errorf("oneEditApart(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

// equalJSON reports whether a and b encode to the same JSON.
func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}
