package probe

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// mockSettings points the probe at cloud with every kind of credential the
// mock can hand out: the admin's keys, temporary keys and password.
func mockSettings(cloud *mockcloud.Cloud) Settings {
	tak, tsk, tok := cloud.IssueTemporaryCredential(mockcloud.AdminUserID)
	u := cloud.URL()
	return Settings{
		Base: cce.Config{Region: mockcloud.Region, ProjectID: mockcloud.ProjectID, IAMEndpoint: u, CCEEndpoint: u,
			CTSEndpoint: u, STSEndpoint: u, CACertPEM: cloud.CACertPEM()},
		Credentials: map[string]cce.Credentials{
			KindAKSK:          {AccessKey: mockcloud.AdminAccessKey, SecretKey: mockcloud.AdminSecretKey},
			KindTemporaryAKSK: {AccessKey: tak, SecretKey: tsk, SecurityToken: tok},
			KindPassword:      {UserName: mockcloud.AdminUserName, Password: mockcloud.AdminPassword, DomainName: mockcloud.DomainName},
		},
		ClusterID: mockcloud.ProdClusterID,
	}
}

func newMockProbe(t *testing.T) *Probe {
	t.Helper()
	p, err := New(context.Background(), mockSettings(mockcloud.NewForTest(t)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The mock answers as it guesses, so against it nothing is refuted, and
// every point the probe can check with the credentials at hand is confirmed.
func TestProbe_mockConfirmsItsOwnGuesses(t *testing.T) {
	cloud := mockcloud.NewForTest(t)
	p, err := New(context.Background(), mockSettings(cloud))
	if err != nil {
		t.Fatal(err)
	}
	rows := p.Run(context.Background())
	// Read-only: besides sign-ins, the only request that is no read is the
	// PUT to a path that has no PUT, and it changes nothing.
	for _, w := range cloud.Writes() {
		if w.Method != "PUT" || w.Status != 404 {
			t.Errorf("the probe wrote: %s %s (%d)", w.Method, w.Path, w.Status)
		}
	}
	if len(rows) != len(Checks) {
		t.Fatalf("%d rows for %d checks", len(rows), len(Checks))
	}
	for i, r := range rows {
		switch {
		case Checks[i].Run == nil && r.Verdict != NotCheckable:
			t.Errorf("%s: %s without a check", r.ID, r.Verdict)
		case Checks[i].Run != nil && r.Verdict != Confirmed && r.ID != "cce-otc-flavour":
			t.Errorf("%s: %s: %s", r.ID, r.Verdict, r.Detail)
		}
	}
	var b strings.Builder
	if err := Print(&b, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), " confirmed, 0 refuted, ") {
		t.Errorf("summary: %s", b.String())
	}
}

// The OTC row is checked on an OTC-flavoured account.
func TestProbe_otcFlavour(t *testing.T) {
	s := mockSettings(mockcloud.NewForTest(t, mockcloud.WithFlavour(mockcloud.FlavourOTC)))
	s.Base.Cloud = cce.CloudOTC
	p, err := New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if v, d := checkOTC(context.Background(), p); v != Confirmed {
		t.Errorf("%s: %s", v, d)
	}
}

// A recording holds no secret of any kind and names the account only
// through placeholders.
func TestRecording_noSecretsNoAccountIDs(t *testing.T) {
	p := newMockProbe(t)
	p.Run(context.Background())
	dir := t.TempDir()
	if err := WriteRecording(dir, p.Exchanges()); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) < 30 {
		t.Fatalf("%d answers recorded, want every request of the run", len(files))
	}
	forbidden := append(p.secrets(), mockcloud.AdminAccessKey, mockcloud.ProjectID, mockcloud.DomainID,
		mockcloud.AdminUserID, mockcloud.ProdClusterID, "SDK-HMAC-SHA256", "Signature=")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range forbidden {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds %q", filepath.Base(f), s)
			}
		}
	}
}

// record runs the probe against a mock and returns its recording, as read
// back from disk.
func record(t *testing.T) []Exchange {
	t.Helper()
	p := newMockProbe(t)
	p.Run(context.Background())
	dir := t.TempDir()
	if err := WriteRecording(dir, p.Exchanges()); err != nil {
		t.Fatal(err)
	}
	rec, err := ReadRecording(dir)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// A recording made against the mock replays against another mock (other
// keys, other token) without a difference.
func TestReplay_recordingOfTheMockPasses(t *testing.T) {
	rec := record(t)
	diffs, skipped := newMockProbe(t).Replay(context.Background(), rec)
	if len(diffs) > 0 || len(skipped) > 0 {
		t.Fatalf("differences: %q; skipped: %q", diffs, skipped)
	}
}

// A recording edited to disagree with the mock fails, and says where: a
// status, a code, a field of an error body, a success field's type, the
// Date header.
func TestReplay_editedRecordingFails(t *testing.T) {
	rec := record(t)
	find := func(check, name string) *Exchange {
		for i := range rec {
			if rec[i].Check == check && rec[i].Name == name {
				return &rec[i]
			}
		}
		t.Fatalf("no %s/%s in the recording", check, name)
		return nil
	}
	edit := func(body json.RawMessage, f func(map[string]any)) json.RawMessage {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	find("gw-no-route", "trailing slash").Response.Status = 405
	find("cce-unknown-project", "clusters of a project no one has").Response.Code = "CCE.01404002"
	env := find("cce-error-envelope", "unknown cluster")
	env.Response.Body = edit(env.Response.Body, func(m map[string]any) { delete(m, "reason") })
	sts := find("sts-no-headers", "caller identity without X-Domain-Id and X-Project-Id")
	sts.Response.Body = edit(sts.Response.Body, func(m map[string]any) { m["principal_id"] = 42 })
	delete(find("iam-project-by-name", "projects named after the region").Response.Header, "Date")

	diffs, _ := newMockProbe(t).Replay(context.Background(), rec)
	want := []string{
		`gw-no-route/trailing slash .*status: recorded 405, mock 404`,
		`cce-unknown-project/.*code: recorded "CCE.01404002", mock "CCE.01404001"`,
		`cce-error-envelope/unknown cluster .*the mock sends fields the recording lacks: reason`,
		`sts-no-headers/.*field principal_id: recorded number, mock string`,
		`iam-project-by-name/.*Date header: recorded "", mock`,
	}
	if len(diffs) != len(want) {
		t.Errorf("%d differences, want %d: %q", len(diffs), len(want), diffs)
	}
	for _, w := range want {
		re := regexp.MustCompile(w)
		found := false
		for _, d := range diffs {
			found = found || re.MatchString(d)
		}
		if !found {
			t.Errorf("no difference matches %s in %q", w, diffs)
		}
	}
}

// Every recording committed under testdata/recordings (a maintainer's run on
// a real account turns guesses into fixtures this way) replays against the
// mock.
func TestReplay_committedRecordings(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/recordings/*")
	if len(dirs) == 0 {
		t.Fatal("no recording under testdata/recordings")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			rec, err := ReadRecording(dir)
			if err != nil {
				t.Fatal(err)
			}
			diffs, skipped := newMockProbe(t).Replay(context.Background(), rec)
			for _, s := range skipped {
				t.Log("skipped:", s)
			}
			for _, d := range diffs {
				t.Error(d)
			}
		})
	}
}

// markerRE finds the marker of one UNCONFIRMED.md line.
var markerRE = regexp.MustCompile(`\(probe: ([a-z0-9-]+)(, not checkable read-only)?\)\s*$`)

// Every guess in UNCONFIRMED.md says whether the probe checks it, and the
// probe has one row per guess, in the same order.
func TestUnconfirmed_everyLineMarked(t *testing.T) {
	b, err := os.ReadFile("../mockcloud/UNCONFIRMED.md")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Check{}
	for _, c := range Checks {
		if _, dup := byID[c.ID]; dup {
			t.Errorf("two checks named %s", c.ID)
		}
		byID[c.ID] = c
	}
	var ids []string
	section := ""
	for n, line := range strings.Split(string(b), "\n") {
		if s, ok := strings.CutPrefix(line, "## "); ok {
			section = s
			continue
		}
		if !strings.HasPrefix(line, "- ") {
			continue
		}
		m := markerRE.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("UNCONFIRMED.md:%d has no probe marker: end it with \"(probe: <id>)\" when cce-probe checks it, "+
				"or \"(probe: <id>, not checkable read-only)\", and add {ID: \"<id>\", Section: %q, ...} to Checks in internal/probe/checks.go: %.60s",
				n+1, section, line)
			continue
		}
		id, notReadOnly := m[1], m[2] != ""
		ids = append(ids, id)
		c, ok := byID[id]
		switch {
		case !ok:
			t.Errorf("UNCONFIRMED.md:%d: no check %s in internal/probe/checks.go", n+1, id)
		case !strings.HasPrefix(section, c.Section):
			t.Errorf("UNCONFIRMED.md:%d: check %s is in section %q, the line in %q", n+1, id, c.Section, section)
		case notReadOnly != (c.Run == nil):
			t.Errorf("UNCONFIRMED.md:%d: the marker says not checkable read-only = %v, but check %s has Run = %v", n+1, notReadOnly, id, c.Run != nil)
		case c.Run == nil && c.Why == "":
			t.Errorf("check %s: say in Why why it cannot be checked", id)
		}
	}
	var want []string
	for _, c := range Checks {
		want = append(want, c.ID)
	}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("UNCONFIRMED.md's lines are %v\nthe probe's checks are %v: one per line, in the same order", ids, want)
	}
}

// Recording templates values, never keys, and removes secrets wherever
// they appear.
func TestRecording_templatesValuesOnly(t *testing.T) {
	p := &Probe{facts: Facts{UserName: "code", ProjectID: "0123456789abcdef0123456789abcdef"},
		set: Settings{Credentials: map[string]cce.Credentials{KindToken: {AuthToken: "MIIsecrettoken"}}}}
	got := p.templateAnswer(&answer{status: 403, header: map[string][]string{"X-Subject-Token": {"MIIsecrettoken"}},
		body: []byte(`{"error":{"code":403,"message":"user code may not read 0123456789abcdef0123456789abcdef with MIIsecrettoken"}}`)})
	want := `{"error":{"code":403,"message":"user {user_name} may not read {project_id} with <redacted>"}}`
	if string(got.Body) != want || len(got.Header) != 0 {
		t.Errorf("got %s %v, want %s and no header", got.Body, got.Header, want)
	}
}

// A replay skips, and says so, what the credentials at hand cannot send.
func TestReplay_skipsWhatItCannotSend(t *testing.T) {
	rec := record(t)
	s := mockSettings(mockcloud.NewForTest(t))
	delete(s.Credentials, KindPassword)
	delete(s.Credentials, KindTemporaryAKSK)
	p, err := New(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	diffs, skipped := p.Replay(context.Background(), rec)
	if len(diffs) > 0 {
		t.Errorf("differences: %q", diffs)
	}
	joined := strings.Join(skipped, "\n")
	for _, want := range []string{"gw-domain-token/sign in scoped to the account: nothing at hand fills {password",
		"gw-domain-token/CCE: a domain-scoped token needs password credentials", "no temporary_aksk credentials at hand"} {
		if !strings.Contains(joined, want) {
			t.Errorf("skipped lacks %q:\n%s", want, joined)
		}
	}
}
