package cce

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Version is a full CCE cluster version vMAJOR.MINOR.PATCH-rREVISION.
type Version struct{ Major, Minor, Patch, Revision int }

// String formats the version, e.g. "v1.25.4-r10".
func (v Version) String() string {
	return fmt.Sprintf("v%d.%d.%d-r%d", v.Major, v.Minor, v.Patch, v.Revision)
}

// Line returns the minor line, e.g. "v1.25".
func (v Version) Line() string {
	return fmt.Sprintf("v%d.%d", v.Major, v.Minor)
}

// IsZero reports whether v is the zero Version.
func (v Version) IsZero() bool { return v == Version{} }

// Compare returns -1, 0 or +1 ordering v against o component-wise.
func (v Version) Compare(o Version) int {
	for _, p := range [][2]int{{v.Major, o.Major}, {v.Minor, o.Minor}, {v.Patch, o.Patch}, {v.Revision, o.Revision}} {
		switch {
		case p[0] < p[1]:
			return -1
		case p[0] > p[1]:
			return 1
		}
	}
	return 0
}

// num is a decimal without leading zeros (a lone "0" is allowed).
const num = `(0|[1-9][0-9]*)`

var (
	fullVersionRE  = regexp.MustCompile(`^v` + num + `\.` + num + `\.` + num + `-r` + num + `$`)
	lineVersionRE  = regexp.MustCompile(`^v` + num + `\.` + num + `$`)
	platformRE     = regexp.MustCompile(`^cce\.` + num + `\.` + num + `$`)
	releaseRE      = regexp.MustCompile(`^v` + num + `\.` + num + `\.` + num + `$`)
	patchRE        = regexp.MustCompile(`^r` + num + `$`)
	errVersionForm = errors.New(`want the form vMAJOR.MINOR.PATCH-rREVISION, e.g. "v1.25.4-r10"`)
)

// atoiParts converts regexp submatches to ints, rejecting overflow.
func atoiParts(parts []string) ([]int, error) {
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("number %q out of range", p)
		}
		out[i] = n
	}
	return out, nil
}

// ParseVersion parses a full version "vA.B.C-rD" strictly: no surrounding
// spaces, no leading zeros, no missing parts, numbers within int range.
func ParseVersion(s string) (Version, error) {
	m := fullVersionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("invalid cluster version %s: %w", Quote(s), errVersionForm)
	}
	n, err := atoiParts(m[1:])
	if err != nil {
		return Version{}, fmt.Errorf("invalid cluster version %s: %w", Quote(s), err)
	}
	return Version{n[0], n[1], n[2], n[3]}, nil
}

// Version sources reported by ResolveVersion and ClusterVersion.
const (
	SourceLegacyVersion   = "legacyVersion"
	SourceVersion         = "version"
	SourceVersionPlatform = "version+platformVersion"
	SourceUpgradeInfo     = "upgradeinfo"
)

// ResolveVersion applies steps 1-3 of cce-api.md §2: legacyVersion when it is
// a full version; else version when it is; else version vA.B with
// platformVersion cce.X.Y gives vA.B.X-rY. ok is false when none applies
// (the caller then asks upgradeinfo).
func ResolveVersion(version, platformVersion, legacyVersion string) (v Version, source string, ok bool) {
	if v, err := ParseVersion(legacyVersion); err == nil {
		return v, SourceLegacyVersion, true
	}
	if v, err := ParseVersion(version); err == nil {
		return v, SourceVersion, true
	}
	lm := lineVersionRE.FindStringSubmatch(version)
	pm := platformRE.FindStringSubmatch(platformVersion)
	if lm == nil || pm == nil {
		return Version{}, "", false
	}
	n, err := atoiParts(append(lm[1:], pm[1:]...))
	if err != nil {
		return Version{}, "", false
	}
	return Version{n[0], n[1], n[2], n[3]}, SourceVersionPlatform, true
}

// versionFromUpgradeInfo builds a version from upgradeinfo release + patch
// (e.g. "v1.19.10" + "r0").
func versionFromUpgradeInfo(release, patch string) (Version, error) {
	if !releaseRE.MatchString(release) || !patchRE.MatchString(patch) {
		return Version{}, fmt.Errorf("invalid upgradeinfo version release %s patch %s", Quote(release), Quote(patch))
	}
	return ParseVersion(release + "-" + patch)
}

// revocationMinimums are the per-line minimums of cce_10_0744.
var revocationMinimums = map[[2]int]Version{
	{1, 19}: {1, 19, 16, 50},
	{1, 21}: {1, 21, 11, 10},
	{1, 23}: {1, 23, 9, 10},
	{1, 25}: {1, 25, 4, 10},
	{1, 27}: {1, 27, 1, 10},
}

// alwaysSupportedFrom is the first line on which every patch supports
// revocation.
var alwaysSupportedFrom = Version{Major: 1, Minor: 28}

// RevocationMinimum returns the first version of v's line that supports
// credential revocation. supported is false (and minimum zero) when the line
// never supports it; for lines v1.28 and newer the minimum is vA.B.0-r0.
func RevocationMinimum(v Version) (minimum Version, supported bool) {
	if m, ok := revocationMinimums[[2]int{v.Major, v.Minor}]; ok {
		return m, true
	}
	if v.Major > alwaysSupportedFrom.Major || (v.Major == alwaysSupportedFrom.Major && v.Minor >= alwaysSupportedFrom.Minor) {
		return Version{Major: v.Major, Minor: v.Minor}, true
	}
	return Version{}, false
}

// ParseLine parses a minor line "vA.B", as spec.version reports it for v1.21
// and newer clusters.
func ParseLine(s string) (Version, bool) {
	m := lineVersionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, false
	}
	n, err := atoiParts(m[1:])
	if err != nil {
		return Version{}, false
	}
	return Version{Major: n[0], Minor: n[1]}, true
}

// EveryPatchRevokes reports whether line ("vA.B") is one on which every
// patch supports credential revocation (v1.28 and newer), so that the patch
// level of a cluster on it need not be known.
func EveryPatchRevokes(line string) bool {
	v, ok := ParseLine(line)
	return ok && v.Compare(alwaysSupportedFrom) >= 0
}

// CheckRevocationSupport returns nil when v supports credential revocation,
// else an *UnsupportedVersionError.
func CheckRevocationSupport(v Version) error {
	m, ok := RevocationMinimum(v)
	if !ok {
		return &UnsupportedVersionError{Version: v, LineUnsupported: true}
	}
	if v.Compare(m) < 0 {
		return &UnsupportedVersionError{Version: v, Minimum: m}
	}
	return nil
}

// UnsupportedVersionError says a cluster version cannot revoke credentials.
type UnsupportedVersionError struct {
	Version, Minimum Version
	LineUnsupported  bool
}

// RevocationRule states, for messages and documentation, which versions
// support credential revocation (from revocationMinimums and
// alwaysSupportedFrom, so the text cannot drift from the check).
func RevocationRule() string {
	var parts []string
	for _, m := range slices.SortedFunc(maps.Values(revocationMinimums), Version.Compare) {
		parts = append(parts, m.String())
	}
	return strings.Join(parts, ", ") + " or later within their lines, or any " + alwaysSupportedFrom.Line() + "+ version"
}

// Error implements error.
func (e *UnsupportedVersionError) Error() string {
	if e.LineUnsupported {
		return fmt.Sprintf("cluster version %s does not support credential revocation: no %s patch supports it (revocation needs %s); upgrade the cluster to a supported line",
			e.Version, e.Version.Line(), RevocationRule())
	}
	return fmt.Sprintf("cluster version %s does not support credential revocation: the %s line needs %s or later; upgrade the cluster's patch version",
		e.Version, e.Version.Line(), e.Minimum)
}
