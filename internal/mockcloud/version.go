package mockcloud

import (
	"fmt"
	"regexp"
	"strconv"
)

// Cluster version resolution and revocation minimums (cce-api.md section 2).
// This is the mock's own implementation; internal/cce has another.

var (
	fullVersionRe     = regexp.MustCompile(`^v(\d+)\.(\d+)\.(\d+)-r(\d+)$`)
	shortVersionRe    = regexp.MustCompile(`^v(\d+)\.(\d+)$`)
	platformVersionRe = regexp.MustCompile(`^cce\.(\d+)\.(\d+)$`)
	releaseRe         = regexp.MustCompile(`^v\d+\.\d+\.\d+$`)
	patchRe           = regexp.MustCompile(`^r\d+$`)
)

// fullVersion is vMajor.Minor.Patch-rRev.
type fullVersion struct{ major, minor, patch, rev int }

// String renders v as "vA.B.C-rD".
func (v fullVersion) String() string {
	return fmt.Sprintf("v%d.%d.%d-r%d", v.major, v.minor, v.patch, v.rev)
}

// parseFull parses "vA.B.C-rD".
func parseFull(s string) (fullVersion, bool) {
	m := fullVersionRe.FindStringSubmatch(s)
	if m == nil {
		return fullVersion{}, false
	}
	n := make([]int, 4)
	for i := range n {
		v, err := strconv.Atoi(m[i+1])
		if err != nil {
			return fullVersion{}, false
		}
		n[i] = v
	}
	return fullVersion{n[0], n[1], n[2], n[3]}, true
}

// resolveWithoutUpgradeInfo applies steps 1-3 of the resolution algorithm.
func resolveWithoutUpgradeInfo(cl Cluster) (fullVersion, bool) {
	if v, ok := parseFull(cl.LegacyVersion); ok {
		return v, true
	}
	if v, ok := parseFull(cl.Version); ok {
		return v, true
	}
	sm := shortVersionRe.FindStringSubmatch(cl.Version)
	pm := platformVersionRe.FindStringSubmatch(cl.PlatformVersion)
	if sm != nil && pm != nil {
		return parseFull(fmt.Sprintf("v%s.%s.%s-r%s", sm[1], sm[2], pm[1], pm[2]))
	}
	return fullVersion{}, false
}

// upgradeRelease returns what upgradeinfo answers: the configured release and
// patch, else the ones derived from the resolved version.
func upgradeRelease(cl Cluster) (release, patch string, ok bool) {
	if releaseRe.MatchString(cl.UpgradeRelease) && patchRe.MatchString(cl.UpgradePatch) {
		return cl.UpgradeRelease, cl.UpgradePatch, true
	}
	if v, found := resolveWithoutUpgradeInfo(cl); found {
		return fmt.Sprintf("v%d.%d.%d", v.major, v.minor, v.patch), fmt.Sprintf("r%d", v.rev), true
	}
	return "", "", false
}

// resolveVersion applies all four steps, using upgradeinfo data last.
func resolveVersion(cl Cluster) (fullVersion, bool) {
	if v, ok := resolveWithoutUpgradeInfo(cl); ok {
		return v, true
	}
	if cl.UpgradeRelease != "" && cl.UpgradePatch != "" {
		return parseFull(cl.UpgradeRelease + "-" + cl.UpgradePatch)
	}
	return fullVersion{}, false
}

// revokeMinimums lists the first patch of each line below v1.28 that supports revocation.
var revokeMinimums = map[[2]int]fullVersion{
	{1, 19}: {1, 19, 16, 50},
	{1, 21}: {1, 21, 11, 10},
	{1, 23}: {1, 23, 9, 10},
	{1, 25}: {1, 25, 4, 10},
	{1, 27}: {1, 27, 1, 10},
}

// supportsRevocation reports whether v is at or above the minimum of its line.
func supportsRevocation(v fullVersion) bool {
	if v.major > 1 || v.major == 1 && v.minor >= 28 {
		return true
	}
	least, ok := revokeMinimums[[2]int{v.major, v.minor}]
	if !ok {
		return false
	}
	return v.patch > least.patch || v.patch == least.patch && v.rev >= least.rev
}

// everyPatchRevokes reports whether the cluster reports only a line (vA.B)
// on which every patch supports revocation (v1.28+): its patch level does not
// matter, so the cluster is eligible without one.
func everyPatchRevokes(cl Cluster) bool {
	m := shortVersionRe.FindStringSubmatch(cl.Version)
	if m == nil {
		return false
	}
	major, err1 := strconv.Atoi(m[1])
	minor, err2 := strconv.Atoi(m[2])
	return err1 == nil && err2 == nil && supportsRevocation(fullVersion{major: major, minor: minor})
}
