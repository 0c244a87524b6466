package world

import (
	"fmt"
	"regexp"
	"strconv"
)

// Cluster version resolution and revocation minimums (cce-api.md section 2).
// This is the mock's own implementation; internal/cce has another.

var (
	VersionRe         = regexp.MustCompile(`^v(\d+)\.(\d+)\.(\d+)-r(\d+)$`)
	shortVersionRe    = regexp.MustCompile(`^v(\d+)\.(\d+)$`)
	platformVersionRe = regexp.MustCompile(`^cce\.(\d+)\.(\d+)$`)
	releaseRe         = regexp.MustCompile(`^v\d+\.\d+\.\d+$`)
	patchRe           = regexp.MustCompile(`^r\d+$`)
)

// Version formats a cluster's fields may take, for scenario checks.
var (
	// IsFullVersion matches "vA.B.C-rD" (spec.version or legacyVersion).
	IsFullVersion = VersionRe.MatchString
	// IsLineVersion matches "vA.B" (spec.version without a patch level).
	IsLineVersion = shortVersionRe.MatchString
	// IsPlatformVersion matches "cce.C.D".
	IsPlatformVersion = platformVersionRe.MatchString
	// IsRelease matches upgradeinfo's release "vA.B.C".
	IsRelease = releaseRe.MatchString
	// IsPatch matches upgradeinfo's patch "rD".
	IsPatch = patchRe.MatchString
)

// Version is a full cluster version, vMajor.Minor.Patch-rRev.
type Version struct{ Major, Minor, Patch, Rev int }

// String renders v as "vA.B.C-rD".
func (v Version) String() string {
	return fmt.Sprintf("v%d.%d.%d-r%d", v.Major, v.Minor, v.Patch, v.Rev)
}

// parseFull parses "vA.B.C-rD".
func parseFull(s string) (Version, bool) {
	m := VersionRe.FindStringSubmatch(s)
	if m == nil {
		return Version{}, false
	}
	n := make([]int, 4)
	for i := range n {
		v, err := strconv.Atoi(m[i+1])
		if err != nil {
			return Version{}, false
		}
		n[i] = v
	}
	return Version{n[0], n[1], n[2], n[3]}, true
}

// resolveWithoutUpgradeInfo applies steps 1-3 of the resolution algorithm.
func resolveWithoutUpgradeInfo(cl Cluster) (Version, bool) {
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
	return Version{}, false
}

// UpgradeRelease returns what upgradeinfo answers: the configured release and
// patch, else the ones derived from the resolved version.
func UpgradeRelease(cl Cluster) (release, patch string, ok bool) {
	if releaseRe.MatchString(cl.UpgradeRelease) && patchRe.MatchString(cl.UpgradePatch) {
		return cl.UpgradeRelease, cl.UpgradePatch, true
	}
	if v, found := resolveWithoutUpgradeInfo(cl); found {
		return fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch), fmt.Sprintf("r%d", v.Rev), true
	}
	return "", "", false
}

// ResolveVersion applies all four steps, using upgradeinfo data last.
func ResolveVersion(cl Cluster) (Version, bool) {
	if v, ok := resolveWithoutUpgradeInfo(cl); ok {
		return v, true
	}
	if cl.UpgradeRelease != "" && cl.UpgradePatch != "" {
		return parseFull(cl.UpgradeRelease + "-" + cl.UpgradePatch)
	}
	return Version{}, false
}

// RevokeMinimum returns the first patch of the line vMajor.Minor that
// supports revocation, for a line below v1.28 that has one.
func RevokeMinimum(major, minor int) (Version, bool) {
	v, ok := revokeMinimums[[2]int{major, minor}]
	return v, ok
}

// revokeMinimums lists the first patch of each line below v1.28 that supports revocation.
var revokeMinimums = map[[2]int]Version{
	{1, 19}: {1, 19, 16, 50},
	{1, 21}: {1, 21, 11, 10},
	{1, 23}: {1, 23, 9, 10},
	{1, 25}: {1, 25, 4, 10},
	{1, 27}: {1, 27, 1, 10},
}

// SupportsRevocation reports whether v is at or above the minimum of its line.
func SupportsRevocation(v Version) bool {
	if v.Major > 1 || v.Major == 1 && v.Minor >= 28 {
		return true
	}
	least, ok := revokeMinimums[[2]int{v.Major, v.Minor}]
	if !ok {
		return false
	}
	return v.Patch > least.Patch || v.Patch == least.Patch && v.Rev >= least.Rev
}

// EveryPatchRevokes reports whether the cluster reports only a line (vA.B)
// on which every patch supports revocation (v1.28+): its patch level does not
// matter, so the cluster is eligible without one.
func EveryPatchRevokes(cl Cluster) bool {
	m := shortVersionRe.FindStringSubmatch(cl.Version)
	if m == nil {
		return false
	}
	major, err1 := strconv.Atoi(m[1])
	minor, err2 := strconv.Atoi(m[2])
	return err1 == nil && err2 == nil && SupportsRevocation(Version{Major: major, Minor: minor})
}

// Line returns the major and minor of a "vA.B" version, as written.
func Line(version string) (major, minor string, ok bool) {
	m := shortVersionRe.FindStringSubmatch(version)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}
