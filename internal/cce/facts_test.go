package cce

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// withFacts turns the fact cache on in dir.
func withFacts(dir string, ttl time.Duration) func(*Config) {
	return func(c *Config) { c.FactCacheDir, c.FactCacheTTL = dir, ttl }
}

// factFiles lists the entries in dir.
func factFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A second process (client) with the same credentials reuses what the first
// learned: no cluster, identity, project or user requests at all.
func TestFactsCarryOverToTheNextProcess(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	f.serveIAM(true, "alice")
	dir := t.TempDir()
	noProject := func(c *Config) { c.ProjectID = "" }
	plan := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute), noProject)
	if _, err := plan.RecentCluster(t.Context(), testCluster); err != nil {
		t.Fatal(err)
	}
	if _, err := plan.RecentIdentity(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := plan.RecentUser(t.Context(), "u2"); err != nil {
		t.Fatal(err)
	}
	if _, err := plan.RecentAgency(t.Context(), "ag1"); err != nil {
		t.Fatal(err)
	}
	before := f.snapshot()
	if n := len(factFiles(t, dir)); n != 4 {
		t.Fatalf("%d entries recorded, want 4 (cluster, caller, user, agency)", n)
	}

	apply := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute), noProject)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			cl, err := apply.RecentCluster(t.Context(), testCluster)
			if err != nil || cl.ID != testCluster || cl.Phase != "Available" || cl.Version != "v1.25" {
				t.Errorf("cluster %+v %v", cl, err)
			}
			id, err := apply.RecentIdentity(t.Context())
			if err != nil || id.UserID != testUserID || !id.IsAdmin || id.ProjectID != testProject || len(id.Groups) == 0 {
				t.Errorf("identity %+v %v", id, err)
			}
			if u, err := apply.RecentUser(t.Context(), "u2"); err != nil || u.Name != "bob" {
				t.Errorf("user %+v %v", u, err)
			}
			if a, err := apply.RecentAgency(t.Context(), "ag1"); err != nil || a.Name != "ops" {
				t.Errorf("agency %+v %v", a, err)
			}
		})
	}
	wg.Wait()
	// The discovered project came with the identity: no discovery either.
	if pid, err := apply.ProjectID(t.Context()); err != nil || pid != testProject {
		t.Errorf("project %q %v", pid, err)
	}
	if after := f.snapshot(); after != before {
		t.Errorf("the second process sent requests:\nbefore %s\nafter  %s", before, after)
	}
}

// The account's agencies are listed with the domain of the recorded caller:
// a process that finds the caller recorded does not ask IAM who it is again.
func TestListAgenciesUsesTheRecordedCaller(t *testing.T) {
	f := newFakeCloud(t)
	f.serveIAM(true, "alice")
	dir := t.TempDir()
	plan := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute))
	if _, err := plan.RecentIdentity(t.Context()); err != nil {
		t.Fatal(err)
	}
	owners := f.count(routeCredential)
	apply := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute))
	if a, err := apply.LookupAgency(t.Context(), "ag1"); err != nil || a.Name != "ops" {
		t.Fatalf("agency %+v %v", a, err)
	}
	if got := f.count(routeCredential); got != owners {
		t.Errorf("credential lookups %d, want %d: the caller was asked again", got, owners)
	}
	if got := f.count(routeListAgency); got != 1 {
		t.Errorf("agency lists %d, want 1", got)
	}
}

// snapshot renders the hit counters, for before/after comparisons.
func (f *fakeCloud) snapshot() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(f.hits)) {
		fmt.Fprintf(&b, "%s=%d ", k, f.hits[k])
	}
	return b.String()
}

// Entries are scoped: other credentials, another endpoint or another project
// never see them.
func TestFactsAreScoped(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	dir := t.TempDir()
	first := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute))
	if _, err := first.RecentCluster(t.Context(), testCluster); err != nil {
		t.Fatal(err)
	}
	others := map[string]func(*Config){
		"temporary keys": func(c *Config) { c.Credentials.SecurityToken = testSecToken },
		"another secret": func(c *Config) { c.Credentials.SecretKey = "another-secret" },
		"another region": func(c *Config) { c.Region = "eu-nl" },
		"another project": func(c *Config) {
			c.ProjectID = strings.Repeat("f", 32)
		},
		"another endpoint": func(c *Config) { c.CCEEndpoint = strings.Replace(f.srv.URL, "127.0.0.1", "localhost", 1) },
	}
	for name, mut := range others {
		c := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute), mut)
		var v Cluster
		if c.facts.get(t.Context(), factCluster, testCluster, &v) {
			t.Errorf("%s: found the first client's entry", name)
		}
	}
	same := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute))
	var v Cluster
	if !same.facts.get(t.Context(), factCluster, testCluster, &v) || v.ID != testCluster {
		t.Errorf("the same configuration does not find its entry: %+v", v)
	}
}

// Only facts that let a revocation go ahead are kept.
func TestFactsKeepOnlyReadyClusters(t *testing.T) {
	f := newFakeCloud(t)
	phase := "Upgrading"
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		body := clusterJSONBody(r.PathValue("cluster_id"))
		body["status"] = map[string]any{"phase": phase}
		writeJSON(w, 200, body)
	})
	f.handle("GET /api/v3/projects/{project_id}/clusters/gone", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 404, map[string]string{"errorCode": "CCE.01404001", "errorMessage": "not found"})
	})
	dir := t.TempDir()
	c := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute))
	if cl, err := c.RecentCluster(t.Context(), testCluster); err != nil || cl.Phase != "Upgrading" {
		t.Fatalf("%+v %v", cl, err)
	}
	if _, err := c.RecentCluster(t.Context(), "gone"); !IsNotFound(err) {
		t.Fatalf("want not found, got %v", err)
	}
	if files := factFiles(t, dir); len(files) != 0 {
		t.Errorf("a busy or missing cluster was recorded: %v", files)
	}
	// Once Available (and forgotten by this process), it is recorded.
	phase = "Available"
	c.ForgetCluster(testCluster)
	if cl, err := c.RecentCluster(t.Context(), testCluster); err != nil || cl.Phase != "Available" {
		t.Fatalf("%+v %v", cl, err)
	}
	if files := factFiles(t, dir); len(files) != 1 {
		t.Errorf("entries %v, want the Available cluster", files)
	}
}

// A changed, foreign, expired or future entry is ignored, and the fact is
// asked again.
func TestFactsRejectBadEntries(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	dir := t.TempDir()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	record := func() string {
		t.Helper()
		c := newTestClient(t, f, akskCreds(), withFacts(dir, 5*time.Minute))
		c.facts.now = clock
		if _, err := c.RecentCluster(t.Context(), testCluster); err != nil {
			t.Fatal(err)
		}
		files := factFiles(t, dir)
		if len(files) != 1 {
			t.Fatalf("entries %v", files)
		}
		return files[0]
	}
	hit := func() bool {
		c := newTestClient(t, f, akskCreds(), withFacts(dir, 5*time.Minute))
		c.facts.now = clock
		var v Cluster
		return c.facts.get(t.Context(), factCluster, testCluster, &v)
	}
	file := record()
	if !hit() {
		t.Fatal("a fresh entry is not used")
	}
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func([]byte) []byte{
		"value changed": func(b []byte) []byte { return bytes.Replace(b, []byte(`Available`), []byte(`Availablf`), 1) },
		"time changed": func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"written":"2026-11-27T12`), []byte(`"written":"2026-11-27T13`), 1)
		},
		"not JSON":      func([]byte) []byte { return []byte("{") },
		"other version": func(b []byte) []byte { return bytes.Replace(b, []byte(`"v":1`), []byte(`"v":2`), 1) },
		"empty":         func([]byte) []byte { return nil },
	} {
		if err := os.WriteFile(file, edit(orig), 0o600); err != nil {
			t.Fatal(err)
		}
		if hit() {
			t.Errorf("%s: the entry was used", name)
		}
	}
	if err := os.WriteFile(file, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	now = now.Add(5 * time.Minute)
	if hit() {
		t.Error("an entry as old as the TTL was used")
	}
	now = now.Add(-5*time.Minute - 2*factClockSkew)
	if hit() {
		t.Error("an entry from the future was used")
	}
}

// With the cache off nothing is written, and files and directory are private.
func TestFactsOffAndPermissions(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	base := t.TempDir()
	off := []struct {
		cr  Credentials
		mut func(*Config)
	}{
		{akskCreds(), withFacts(filepath.Join(base, "off-ttl"), 0)},
		{akskCreds(), withFacts("", time.Minute)},
		// A key derived from a password would let readers of the entries guess it.
		{passwordCreds(), withFacts(filepath.Join(base, "off-password"), time.Minute)},
	}
	for _, o := range off {
		c := newTestClient(t, f, o.cr, o.mut)
		if c.facts != nil {
			t.Fatalf("fact cache on: %+v", c.facts)
		}
		if _, err := c.RecentCluster(t.Context(), testCluster); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"off-ttl", "off-password"} {
		if _, err := os.Stat(filepath.Join(base, d)); !os.IsNotExist(err) {
			t.Errorf("the cache directory %s was created while off: %v", d, err)
		}
	}
	dir := filepath.Join(base, "facts")
	c := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute))
	if _, err := c.RecentCluster(t.Context(), testCluster); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("directory %v %v, want 0700", fi.Mode(), err)
	}
	files := factFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("entries %v, want the cluster's", files)
	}
	for _, file := range files {
		fi, err := os.Stat(file)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want 0600", file, fi.Mode(), err)
		}
		b, _ := os.ReadFile(file)
		if bytes.Contains(b, []byte(testSK)) || bytes.Contains(b, []byte(testAK)) || strings.Contains(file, testCluster) {
			t.Errorf("%s reveals the key or the cluster ID in its name or body: %s", file, b)
		}
	}
	if _, err := NewClient(Config{Region: "eu-de", ProjectID: testProject, Credentials: akskCreds(),
		FactCacheDir: dir, FactCacheTTL: 2 * time.Hour}); err == nil || !strings.Contains(err.Error(), "1h0m0s") {
		t.Errorf("a TTL over the maximum was accepted: %v", err)
	}
}

// ForgetRecent drops the cluster and the caller here and on disk; prune
// removes what no one can use any more.
func TestFactsForgetAndPrune(t *testing.T) {
	f := newFakeCloud(t)
	f.serveCluster()
	f.serveIAM(true, "alice")
	dir := t.TempDir()
	c := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute))
	if _, err := c.RecentCluster(t.Context(), testCluster); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RecentIdentity(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(factFiles(t, dir)); n != 2 {
		t.Fatalf("%d entries", n)
	}
	gets := f.count(routeGetCluster)
	c.ForgetRecent(testCluster)
	if n := len(factFiles(t, dir)); n != 0 {
		t.Errorf("%d entries left after ForgetRecent", n)
	}
	if _, err := c.RecentCluster(t.Context(), testCluster); err != nil || f.count(routeGetCluster) != gets+1 {
		t.Errorf("not asked again: %v, GETs %d", err, f.count(routeGetCluster))
	}
	owners := f.count(routeCredential)
	if _, err := c.RecentIdentity(t.Context()); err != nil || f.count(routeCredential) != owners+1 {
		t.Errorf("caller not asked again: %v, credential lookups %d", err, f.count(routeCredential))
	}
	recorded := factFiles(t, dir)
	if len(recorded) != 2 {
		t.Fatalf("entries %v after asking again, want the cluster's and the caller's", recorded)
	}

	old := time.Now().Add(-2 * MaxFactCacheTTL)
	stale, orphan, keep := filepath.Join(dir, "stale.json"), filepath.Join(dir, ".tmp-1"), filepath.Join(dir, "other.txt")
	writing := filepath.Join(dir, ".tmp-2") // another process is writing it right now
	for _, p := range []string{stale, orphan, keep, writing} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if p == writing {
			continue
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	fresh := newTestClient(t, f, akskCreds(), withFacts(dir, time.Minute))
	fresh.facts.put(t.Context(), factCluster, "x", &Cluster{ID: "x"}) // the first write prunes
	want := map[string]bool{stale: false, orphan: false, keep: true, writing: true}
	for _, p := range recorded {
		want[p] = true // fresh entries survive
	}
	for p, want := range want {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: exists=%v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}
