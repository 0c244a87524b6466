package mockcloud

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
	"go.yaml.in/yaml/v3"
)

// Scenario bases.
const (
	// BaseEmpty starts from an account with nothing but the built-in groups.
	BaseEmpty = "empty"
	// BaseDemo starts from the seeded demo account (the default without a scenario).
	BaseDemo = "demo"
)

// clusterPhases lists the values of status.phase that CCE documents (the HWC
// SDK's enum) and Shelved; a scenario may put a cluster in any of them.
var clusterPhases = []string{"Available", "Unavailable", "ScalingUp", "ScalingDown", "Creating", "Deleting", "Upgrading",
	"Resizing", "RollingBack", "RollbackFailed", "Hibernating", "Hibernation", "Awaking", "Empty", "Error", "Shelved"}

var (
	// iamNameRe is what the mock accepts as a user, agency or group name.
	iamNameRe = regexp.MustCompile(`^[A-Za-z0-9._-]([A-Za-z0-9 ._-]{0,62}[A-Za-z0-9._-])?$`)
	// clusterNameRe is CCE's cluster name rule, loosened to allow short names.
	clusterNameRe = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,126}[a-z0-9])?$`)
	iamIDRe       = regexp.MustCompile(`^[0-9a-f]{32}$`)
	clusterIDRe   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	accessKeyRe   = regexp.MustCompile(`^[A-Za-z0-9]{4,64}$`)
)

// Scenario is a world for the mock cloud: users, groups, agencies, clusters
// and identities deleted before the start, read from a JSON or YAML document
// by ParseScenario and added to a cloud by LoadScenario. README.md beside
// this file describes the format.
type Scenario struct {
	file     string
	base     string
	flavour  string
	caller   string
	groups   []string
	users    []User
	agencies []Agency
	clusters []Cluster
	deleted  []deletedIdentity
	pos      map[string]position
}

// deletedIdentity is a user or agency that exists only as a CTS delete trace.
type deletedIdentity struct {
	kind, id, name, by string // kind: "user" or "agency"
	ago                string
}

// Base returns BaseEmpty or BaseDemo: what the cloud holds before the
// scenario is loaded.
func (s *Scenario) Base() string { return s.base }

// Flavour returns the response flavour the scenario asks for (FlavourHWC
// unless it says otc).
func (s *Scenario) Flavour() Flavour { return Flavour(s.flavour) }

// ReadScenarioFile reads and checks a scenario file; see ParseScenario.
func ReadScenarioFile(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return ParseScenario(path, data)
}

// ParseScenario reads a scenario document (JSON or YAML) named file and
// checks everything that does not depend on the cloud it is loaded into. The
// error is a *ScenarioError listing every problem with its line and field.
func ParseScenario(file string, data []byte) (*Scenario, error) {
	d := newDecoder(file)
	s := &Scenario{file: file, base: BaseEmpty, flavour: string(FlavourHWC)}
	if root := d.parse(data); root != nil {
		d.object(root, "", "a scenario", []field{
			{"base", d.str(&s.base)},
			{"flavour", d.str(&s.flavour)},
			{"caller", d.str(&s.caller)},
			{"groups", d.strings(&s.groups)},
			{"users", func(n *yaml.Node, path string) {
				d.list(n, path, "users", func(n *yaml.Node, p string) { s.users = append(s.users, d.user(n, p)) })
			}},
			{"agencies", func(n *yaml.Node, path string) {
				d.list(n, path, "agencies", func(n *yaml.Node, p string) { s.agencies = append(s.agencies, d.agency(n, p)) })
			}},
			{"clusters", func(n *yaml.Node, path string) {
				d.list(n, path, "clusters", func(n *yaml.Node, p string) { s.clusters = append(s.clusters, d.cluster(n, p)) })
			}},
			{"deleted", func(n *yaml.Node, path string) {
				d.list(n, path, "deleted identities", func(n *yaml.Node, p string) { s.deleted = append(s.deleted, d.deletedIdentity(n, p)) })
			}},
		})
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	s.check(d)
	s.pos = d.pos
	if err := d.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// user decodes a user; enabled defaults to true.
func (d *decoder) user(n *yaml.Node, path string) User {
	u := User{Enabled: true}
	d.object(n, path, "a user", []field{
		{"name", d.str(&u.Name)}, {"id", d.str(&u.ID)}, {"description", d.str(&u.Description)},
		{"enabled", d.boolean(&u.Enabled)}, {"groups", d.strings(&u.Groups)}, {"password", d.str(&u.Password)},
		{"accessKey", d.str(&u.AccessKey)}, {"secretKey", d.str(&u.SecretKey)},
	})
	return u
}

// agency decodes an agency.
func (d *decoder) agency(n *yaml.Node, path string) Agency {
	var a Agency
	d.object(n, path, "an agency", []field{
		{"name", d.str(&a.Name)}, {"id", d.str(&a.ID)}, {"description", d.str(&a.Description)},
		{"trustDomainName", d.str(&a.TrustDomainName)}, {"trustDomainId", d.str(&a.TrustDomainID)},
		{"admin", d.boolean(&a.Admin)},
	})
	return a
}

// clusterFields are the fields of a cluster object, decoded into cl.
func (d *decoder) clusterFields(cl *Cluster) []field {
	return []field{
		{"name", d.str(&cl.Name)}, {"id", d.str(&cl.ID)}, {"phase", d.str(&cl.Phase)},
		{"version", d.str(&cl.Version)}, {"platformVersion", d.str(&cl.PlatformVersion)},
		{"legacyVersion", d.str(&cl.LegacyVersion)}, {"upgradeRelease", d.str(&cl.UpgradeRelease)},
		{"upgradePatch", d.str(&cl.UpgradePatch)}, {"internalEndpoint", d.str(&cl.InternalEndpoint)},
		{"externalEndpoint", d.str(&cl.ExternalEndpoint)}, {"region", d.str(&cl.Region)},
		{"projectId", d.str(&cl.ProjectID)},
	}
}

// cluster decodes a cluster; it is Available with the demo endpoints unless
// the document says otherwise ("" removes an endpoint).
func (d *decoder) cluster(n *yaml.Node, path string) Cluster {
	cl := Cluster{Phase: PhaseAvailable, InternalEndpoint: SeedInternalEndpoint, ExternalEndpoint: SeedExternalEndpoint}
	d.object(n, path, "a cluster", d.clusterFields(&cl))
	return cl
}

// deletedIdentity decodes a deleted user or agency.
func (d *decoder) deletedIdentity(n *yaml.Node, path string) deletedIdentity {
	var di deletedIdentity
	d.object(n, path, "a deleted identity", []field{
		{"type", d.str(&di.kind)}, {"name", d.str(&di.name)}, {"id", d.str(&di.id)},
		{"ago", d.str(&di.ago)}, {"by", d.str(&di.by)},
	})
	return di
}

// check applies the rules that need nothing but the document, and fills in
// derived IDs.
func (s *Scenario) check(d *decoder) {
	if s.base != BaseEmpty && s.base != BaseDemo {
		d.fail("base", "%q is not a base; write %s (the default: only what this file declares) or %s (the demo account, plus this file)",
			s.base, BaseEmpty, BaseDemo)
	}
	if s.flavour != string(FlavourHWC) && s.flavour != string(FlavourOTC) {
		d.fail("flavour", "%q is not a flavour; write hwc (Huawei Cloud, the default) or otc (Open Telekom Cloud)", s.flavour)
	}
	declared := map[string]bool{AdminGroupName: true, DevelopersGroupName: true, IAMReadOnlyGroupName: true, ReadOnlyGroupName: true}
	for i, g := range s.groups {
		path := fmt.Sprintf("groups[%d]", i)
		if d.checkName(path, g, "group") && slices.Contains(s.groups[:i], g) {
			d.fail(path, "group %q is declared twice; keep one", g)
		}
		declared[g] = true
	}
	ids := map[string]string{}   // IAM ID -> path of its first holder
	names := map[string]string{} // "user/alice" -> path
	unique := func(path, kind, key, what string, seen map[string]string) {
		if first, dup := seen[kind+"/"+key]; dup && key != "" {
			d.fail(path, "%s %q is also used by %s; each must be unique", what, key, first)
			return
		}
		seen[kind+"/"+key] = path
	}
	for i := range s.users {
		path, u := fmt.Sprintf("users[%d]", i), &s.users[i]
		d.checkUser(path, u, func(g string) bool { return declared[g] })
		unique(path+".name", "user", u.Name, "the name", names)
		unique(path+".id", "iam", u.ID, "the ID", ids)
		unique(path+".accessKey", "ak", u.AccessKey, "the access key", names)
	}
	for i := range s.agencies {
		path, a := fmt.Sprintf("agencies[%d]", i), &s.agencies[i]
		d.checkAgency(path, a)
		unique(path+".name", "agency", a.Name, "the name", names)
		unique(path+".id", "iam", a.ID, "the ID", ids)
	}
	for i := range s.clusters {
		path, cl := fmt.Sprintf("clusters[%d]", i), &s.clusters[i]
		d.checkCluster(path, cl)
		unique(path+".name", "cluster", cl.Name, "the name", names)
		unique(path+".id", "cluster-id", cl.ID, "the ID", ids)
	}
	for i := range s.deleted {
		path, di := fmt.Sprintf("deleted[%d]", i), &s.deleted[i]
		d.checkDeleted(path, di)
		unique(path+".id", "iam", di.id, "the ID", ids)
	}
}

// checkName checks an IAM name (user, agency, group); it reports whether it is valid.
func (d *decoder) checkName(path, name, what string) bool {
	switch {
	case name == "":
		d.fail(path, "a %s needs a name", what)
	case !iamNameRe.MatchString(name):
		d.fail(path, "%q is not a valid %s name: use 1 to 64 letters, digits, spaces, '.', '_' or '-', not starting or ending with a space",
			name, what)
	default:
		return true
	}
	return false
}

// checkIAMID fills an empty ID with one derived from kind and name, or checks the given one.
func (d *decoder) checkIAMID(path string, id *string, kind, name string) {
	if *id == "" {
		*id = derivedID(kind, name)
		return
	}
	if !iamIDRe.MatchString(*id) {
		d.fail(path, "%q is not an IAM ID: write 32 lowercase hexadecimal characters, or leave id out to derive one from the name", *id)
	}
}

// checkUser checks a user; groupExists tells whether a group may be named.
func (d *decoder) checkUser(path string, u *User, groupExists func(string) bool) {
	d.checkName(join(path, "name"), u.Name, "user")
	d.checkIAMID(join(path, "id"), &u.ID, "user", u.Name)
	for i, g := range u.Groups {
		gp := fmt.Sprintf("%s.groups[%d]", path, i)
		switch {
		case !groupExists(g):
			d.fail(gp, "group %q does not exist: declare it under groups, or use %s, %s, %s or %s",
				g, AdminGroupName, DevelopersGroupName, IAMReadOnlyGroupName, ReadOnlyGroupName)
		case slices.Contains(u.Groups[:i], g):
			d.fail(gp, "group %q is listed twice; keep one", g)
		}
	}
	switch {
	case (u.AccessKey == "") != (u.SecretKey == ""):
		d.fail(path, "give both accessKey and secretKey, or neither")
	case u.AccessKey != "" && !accessKeyRe.MatchString(u.AccessKey):
		d.fail(join(path, "accessKey"), "%q is not an access key: use 4 to 64 letters and digits, e.g. TRIALADMIN0000000001", u.AccessKey)
	case strings.ContainsFunc(u.SecretKey, func(r rune) bool { return r <= ' ' || r == ',' }):
		d.fail(join(path, "secretKey"), "a secret key must not hold spaces, control characters or commas")
	}
}

// checkAgency checks an agency.
func (d *decoder) checkAgency(path string, a *Agency) {
	d.checkName(join(path, "name"), a.Name, "agency")
	d.checkIAMID(join(path, "id"), &a.ID, "agency", a.Name)
	if a.TrustDomainID != "" && !iamIDRe.MatchString(a.TrustDomainID) {
		d.fail(join(path, "trustDomainId"), "%q is not a domain ID: write 32 lowercase hexadecimal characters", a.TrustDomainID)
	}
}

// checkCluster checks a cluster and derives its ID from the name when empty.
func (d *decoder) checkCluster(path string, cl *Cluster) {
	name := join(path, "name")
	switch {
	case cl.Name == "":
		d.fail(name, "a cluster needs a name")
	case !clusterNameRe.MatchString(cl.Name):
		d.fail(name, "%q is not a cluster name: use lowercase letters, digits and '-', starting with a letter", cl.Name)
	}
	switch {
	case cl.ID == "":
		cl.ID = derivedClusterID(cl.Name)
	case !clusterIDRe.MatchString(cl.ID):
		d.fail(join(path, "id"), "%q is not a cluster ID: write a lowercase UUID, or leave id out to derive one from the name", cl.ID)
	}
	d.checkClusterState(path, *cl)
	d.checkPlace(path, cl.Region, cl.ProjectID)
	for _, ep := range []struct{ field, value string }{{"internalEndpoint", cl.InternalEndpoint}, {"externalEndpoint", cl.ExternalEndpoint}} {
		if u, err := url.Parse(ep.value); ep.value != "" && (err != nil || u.Scheme != "https" || u.Host == "") {
			d.fail(join(path, ep.field), "%q is not an https:// URL with a host, e.g. https://192.168.0.10:5443", ep.value)
		}
	}
}

// checkClusterState checks a cluster's phase and versions.
func (d *decoder) checkClusterState(path string, cl Cluster) {
	if !slices.Contains(clusterPhases, cl.Phase) {
		d.fail(join(path, "phase"), "%q is not a CCE cluster phase: write one of %s", cl.Phase, strings.Join(clusterPhases, ", "))
	}
	bad := false
	formats := []struct {
		field, value string
		ok           bool
		want         string
	}{
		{"version", cl.Version, world.IsLineVersion(cl.Version) || world.IsFullVersion(cl.Version),
			`vMAJOR.MINOR such as "v1.28" (with platformVersion), or vMAJOR.MINOR.PATCH-rREV such as "v1.28.3-r0"`},
		{"platformVersion", cl.PlatformVersion, world.IsPlatformVersion(cl.PlatformVersion), `cce.PATCH.REV such as "cce.3.0"`},
		{"legacyVersion", cl.LegacyVersion, world.IsFullVersion(cl.LegacyVersion), `vMAJOR.MINOR.PATCH-rREV such as "v1.28.3-r0"`},
		{"upgradeRelease", cl.UpgradeRelease, world.IsRelease(cl.UpgradeRelease), `vMAJOR.MINOR.PATCH such as "v1.28.3"`},
		{"upgradePatch", cl.UpgradePatch, world.IsPatch(cl.UpgradePatch), `rREV such as "r0"`},
	}
	for _, f := range formats {
		if f.value != "" && !f.ok {
			d.fail(join(path, f.field), "%q is not a version: write %s", f.value, f.want)
			bad = true
		}
	}
	if (cl.UpgradeRelease == "") != (cl.UpgradePatch == "") {
		d.fail(path, "give both upgradeRelease and upgradePatch, or neither")
		bad = true
	}
	if _, ok := world.ResolveVersion(cl); !bad && !ok {
		d.fail(path, `the cluster has no version: give version "v1.28" with platformVersion "cce.3.0", `+
			`or a full version "v1.28.3-r0" (in version or legacyVersion)`)
	}
}

// checkDeleted checks a deleted identity and derives its ID when empty.
func (d *decoder) checkDeleted(path string, di *deletedIdentity) {
	if di.kind != "user" && di.kind != "agency" {
		d.fail(join(path, "type"), "%q is not a type of deleted identity: write user or agency", di.kind)
	}
	d.checkName(join(path, "name"), di.name, "deleted "+di.kind)
	d.checkIAMID(join(path, "id"), &di.id, "deleted-"+di.kind, di.name)
	if _, ok := parseAgo(di.ago); !ok {
		d.fail(join(path, "ago"), "%q is not how long ago the identity was deleted: write a duration such as \"2d\", \"36h\" or \"1d12h\" "+
			"(CTS answers for the last 7 days, so \"8d\" is an old deletion no plan finds)", di.ago)
	}
}

// parseAgo reads a non-negative duration with an optional leading day count: "2d", "1d12h", "90m".
func parseAgo(s string) (time.Duration, bool) {
	var days time.Duration
	if before, after, found := strings.Cut(s, "d"); found {
		n, err := strconv.ParseUint(before, 10, 16)
		if err != nil {
			return 0, false
		}
		days, s = time.Duration(n)*24*time.Hour, after
		if s == "" {
			return days, true
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, false
	}
	return days + d, true
}

// derivedID returns the IAM ID a scenario gives a named identity without an
// id: stable across starts, so configurations and keep maps stay valid.
func derivedID(kind, name string) string {
	sum := sha256.Sum256([]byte("cce-mockcloud/" + kind + "/" + name))
	return hex.EncodeToString(sum[:16])
}

// derivedClusterID returns the cluster ID (a version-4 UUID) derived from a name.
func derivedClusterID(name string) string {
	h := derivedID("cluster", name)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

// checkPlace checks a cluster's region and project: a region of the mock, a
// project of the account, and the project in the region.
func (d *decoder) checkPlace(path, region, projectID string) {
	if region != "" && !slices.Contains(Regions(), region) {
		d.fail(join(path, "region"), "%q is not a region of the mock: use one of %s", region, strings.Join(Regions(), ", "))
		return
	}
	if projectID == "" {
		return
	}
	for _, p := range world.Projects {
		if p.ID == projectID {
			if region != "" && p.Region != region {
				d.fail(join(path, "projectId"), "project %s is in region %s, not %s: leave region out or name its region", projectID, p.Region, region)
			}
			return
		}
	}
	ids := make([]string, 0, len(world.Projects))
	for _, p := range world.Projects {
		ids = append(ids, p.ID+" ("+p.Name+")")
	}
	d.fail(join(path, "projectId"), "%q is not a project of the mock: use one of %s", projectID, strings.Join(ids, ", "))
}
