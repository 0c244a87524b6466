package cce

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Terraform starts a new provider process for every plan and every apply, and
// re-plans each resource during apply. The prerequisite checks of a revocation
// would therefore learn the same facts (the cluster's phase and version, who
// the caller is, whether the applicant exists) in every process, one round trip
// after another, before the first revocation is sent.
//
// The fact cache keeps those facts for a short time in small files, so that
// the apply of a plan made moments before on the same machine does not ask
// again: its only requests are then the revocations. It is deliberately narrow:
//
//   - Only facts that let a revocation go ahead are kept (an Available
//     cluster, an identity, an existing user or agency). Anything else is
//     asked again every time.
//   - Entries are found and verified with a key derived from the credential's
//     secret: a process with other credentials, endpoints, region or project
//     never sees them, and nobody without the secret can forge one. They hold
//     no secret themselves (files are 0600 in a 0700 directory anyway).
//   - CCE still decides. A fact that went stale since it was recorded makes a
//     revocation fail with CCE's refusal; the caller then forgets the facts
//     (ForgetRecent) and checks again live.
//
// Every failure of the cache (no directory, a corrupt or expired file, a MAC
// that does not match) is a miss, never an error.

// MaxFactCacheTTL is the longest time a recorded fact is trusted.
const MaxFactCacheTTL = time.Hour

// Fact kinds, part of every entry's name and MAC.
const (
	factCluster = "cluster"
	factCaller  = "caller"
	factUser    = "user"
	factAgency  = "agency"
)

// factClockSkew is how far in the future an entry's time may be (processes on
// one machine share a clock; this only absorbs its adjustments).
const factClockSkew = time.Minute

// factCache is the file store of one Client. The zero value (or a nil
// pointer) is disabled.
type factCache struct {
	dir   string
	ttl   time.Duration
	key   []byte // HMAC key derived from the credential's secret
	scope string // what else the facts depend on: endpoints, region, project, identity
	now   func() time.Time

	pruneOnce sync.Once
}

// factEntry is one file.
type factEntry struct {
	Version int             `json:"v"`
	Kind    string          `json:"kind"`
	Written time.Time       `json:"written"`
	Value   json.RawMessage `json:"value"`
	MAC     string          `json:"mac"`
}

// newFactCache returns nil (disabled) when dir is empty, ttl is zero or the
// caller signs in with a password.
func newFactCache(rc *resolvedConfig, now func() time.Time) *factCache {
	if rc.FactCacheDir == "" || rc.FactCacheTTL <= 0 {
		return nil
	}
	cr := rc.Credentials
	var secret, who string
	switch rc.method {
	case AuthAKSK, AuthTemporaryAKSK:
		secret, who = cr.SecretKey+"\x00"+cr.SecurityToken, cr.AccessKey
	case AuthPassword:
		// A password may be weak: a key derived from it would let anyone
		// who can read the entries test guesses offline. Keys and tokens are
		// long and random.
		return nil
	default:
		secret = cr.AuthToken
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("terraform-provider-cce fact cache v1\x00" + string(rc.method)))
	scope := strings.Join([]string{string(rc.method), who, rc.Region, rc.ProjectID, rc.iamURL, rc.cceURL}, "\x00")
	return &factCache{dir: rc.FactCacheDir, ttl: rc.FactCacheTTL, key: mac.Sum(nil), scope: scope, now: now}
}

func (f *factCache) sum(parts ...string) string {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(m.Sum(nil))
}

// path is the file of one fact: its name reveals nothing of the scope or id.
func (f *factCache) path(kind, id string) string {
	return filepath.Join(f.dir, f.sum("name", f.scope, kind, id)[:40]+".json")
}

func (f *factCache) entryMAC(file string, e *factEntry) string {
	return f.sum("entry", filepath.Base(file), e.Kind, e.Written.UTC().Format(time.RFC3339Nano), string(e.Value))
}

// get decodes the fact into out and reports whether a valid, fresh one was
// found.
func (f *factCache) get(ctx context.Context, kind, id string, out any) bool {
	if f == nil {
		return false
	}
	file := f.path(kind, id)
	b, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	var e factEntry
	reason := ""
	now := f.now()
	switch {
	case json.Unmarshal(b, &e) != nil || e.Version != 1:
		reason = "unreadable"
	case e.Kind != kind || !hmac.Equal([]byte(e.MAC), []byte(f.entryMAC(file, &e))):
		reason = "failed verification"
	case e.Written.After(now.Add(factClockSkew)) || now.Sub(e.Written) >= f.ttl:
		reason = "expired"
	case json.Unmarshal(e.Value, out) != nil:
		reason = "unreadable"
	}
	if reason != "" {
		tflog.SubsystemDebug(ctx, LogSubsystem, "fact cache entry ignored", map[string]any{"kind": kind, "id": id, "reason": reason})
		return false
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "using a recorded fact", map[string]any{
		"kind": kind, "id": id, "age": now.Sub(e.Written).Round(time.Millisecond).String(),
	})
	return true
}

// put records a fact. Failures are logged and otherwise ignored.
func (f *factCache) put(ctx context.Context, kind, id string, v any) {
	if f == nil {
		return
	}
	f.pruneOnce.Do(f.prune)
	err := func() error {
		val, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(f.dir, 0o700); err != nil {
			return err
		}
		file := f.path(kind, id)
		e := factEntry{Version: 1, Kind: kind, Written: f.now().UTC(), Value: val}
		e.MAC = f.entryMAC(file, &e)
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		tmp, err := os.CreateTemp(f.dir, ".tmp-*") // 0600
		if err != nil {
			return err
		}
		_, werr := tmp.Write(b)
		if cerr := tmp.Close(); werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), file) // atomic: readers see the old or the new entry
		}
		if werr != nil {
			_ = os.Remove(tmp.Name())
		}
		return werr
	}()
	if err != nil {
		tflog.SubsystemDebug(ctx, LogSubsystem, "cannot record a fact", map[string]any{"kind": kind, "error": err.Error()})
	}
}

// remove deletes a fact (e.g. after CCE refused what it allowed).
func (f *factCache) remove(kind, id string) {
	if f == nil {
		return
	}
	_ = os.Remove(f.path(kind, id))
}

// prune deletes, once per process, entries nobody can use any more: older
// than the longest TTL, and temporary files left by a killed process.
func (f *factCache) prune() {
	ents, err := os.ReadDir(f.dir)
	if err != nil {
		return
	}
	now := f.now()
	for _, de := range ents {
		info, err := de.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		name := de.Name()
		stale := strings.HasSuffix(name, ".json") && now.Sub(info.ModTime()) > MaxFactCacheTTL+factClockSkew
		orphan := strings.HasPrefix(name, ".tmp-") && now.Sub(info.ModTime()) > time.Minute
		if stale || orphan {
			_ = os.Remove(filepath.Join(f.dir, name))
		}
	}
}

// recent returns a copy of a fact from this process's memo m, else what this
// process already read live (the memo live), else the fact cache, else fetch;
// a fetched value is recorded when keep says so. Errors are memoised only when
// keepErr says so (e.g. not found).
func recent[V any](ctx context.Context, c *Client, m, live *memo[*V], kind, id string,
	fetch func(context.Context) (*V, error), keep func(*V) bool, keepErr func(error) bool,
) (*V, error) {
	return copyOf(m.get(ctx, id, func(ctx context.Context) (*V, error) {
		e, seen := live.lookup(id)
		v, err := e.v, e.err
		if !seen {
			if v = new(V); c.facts.get(ctx, kind, id, v) {
				return v, nil
			}
			v, err = fetch(ctx)
		}
		if err == nil && (keep == nil || keep(v)) {
			c.facts.put(ctx, kind, id, v)
		}
		return v, err
	}, keepErr))
}

// RecentCluster is CachedCluster for prerequisite checks: an Available
// cluster recorded by a process with the same credentials within the fact
// cache's TTL is returned without a request. Read the cluster with
// CachedCluster or GetCluster where it must be live.
func (c *Client) RecentCluster(ctx context.Context, clusterID string) (*Cluster, error) {
	return recent(ctx, c, &c.recentClusters, &c.clusters, factCluster, clusterID, func(ctx context.Context) (*Cluster, error) {
		return c.CachedCluster(ctx, clusterID)
	}, func(cl *Cluster) bool { return ClassifyPhase(cl.Phase) == PhaseReady }, IsNotFound)
}

// RecentIdentity is WhoAmI for prerequisite checks, through the fact cache.
// A recorded identity also supplies the discovered project ID.
func (c *Client) RecentIdentity(ctx context.Context) (*Identity, error) {
	id, err := recent(ctx, c, &c.recentCaller, &c.whoami, factCaller, "", c.WhoAmI, nil, nil)
	if err != nil {
		return nil, err
	}
	if c.cfg.ProjectID == "" && id.ProjectID != "" {
		if _, ok := c.project.lookup(""); !ok {
			c.project.store("", memoEntry[string]{v: id.ProjectID})
		}
	}
	id.Groups = slices.Clone(id.Groups)
	return id, nil
}

// RecentUser is LookupUser for prerequisite checks, through the fact cache.
func (c *Client) RecentUser(ctx context.Context, id string) (*User, error) {
	return recent(ctx, c, &c.recentUsers, &c.usersByID, factUser, id, func(ctx context.Context) (*User, error) {
		return c.LookupUser(ctx, id)
	}, nil, IsNotFound)
}

// RecentAgency is LookupAgency for prerequisite checks, through the fact cache.
func (c *Client) RecentAgency(ctx context.Context, id string) (*Agency, error) {
	return recent(ctx, c, &c.recentAgencies, &c.agencyByID, factAgency, id, func(ctx context.Context) (*Agency, error) {
		return c.LookupAgency(ctx, id)
	}, nil, IsNotFound)
}

// ForgetRecent drops what this process and the fact cache know about a
// cluster and about the caller, so that the next check asks again. Call it
// when CCE refuses something the checks allowed.
func (c *Client) ForgetRecent(clusterID string) {
	c.ForgetCluster(clusterID)
	c.facts.remove(factCluster, clusterID)
	c.recentCaller.forget("")
	c.whoami.forget("")
	c.facts.remove(factCaller, "")
}
