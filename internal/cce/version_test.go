package cce

import (
	"errors"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	good := map[string]Version{
		"v1.25.4-r10":                 {1, 25, 4, 10},
		"v1.19.16-r50":                {1, 19, 16, 50},
		"v1.34.3-r2":                  {1, 34, 3, 2},
		"v0.0.0-r0":                   {0, 0, 0, 0},
		"v2.0.10-r0":                  {2, 0, 10, 0},
		"v1.9223372036854775807.0-r0": {1, 9223372036854775807, 0, 0},
	}
	for s, want := range good {
		v, err := ParseVersion(s)
		if err != nil || v != want {
			t.Errorf("%q: %v %v", s, v, err)
		}
		if !strings.Contains(s, "922337") {
			check(t, "round trip", v.String(), s)
		}
	}
	bad := []string{
		"", "1.25.4-r10", "v1.25", "v1.25.4", "v1.25.4-r", "v1.25.x-r1", "v01.25.4-r10", "v1.025.4-r10",
		"v1.25.04-r10", "v1.25.4-r010", "v1.25.4-r10 ", " v1.25.4-r10", "v1.25.4-r10x", "v1.25.4-r10\n",
		"V1.25.4-r10", "v1.25.4-R10", "v1.25.4.r10", "v1.25.4-r-1", "v-1.25.4-r1", "v1.25.4-r1.sp1",
		"v1.25.4-r99999999999999999999", "v99999999999999999999.1.1-r1", "v1.25.4-r10-r10", "v1..4-r10",
		"cce.4.10", "v１.25.4-r10",
	}
	for _, s := range bad {
		if v, err := ParseVersion(s); err == nil {
			t.Errorf("%q: parsed as %v, want error", s, v)
		}
	}
	check(t, "line", Version{1, 25, 4, 10}.Line(), "v1.25")
	if _, err := ParseVersion(strings.Repeat("9", 500)); err == nil || len(err.Error()) > 300 {
		t.Errorf("long input error not truncated: %v", err)
	}
}

func TestResolveVersion(t *testing.T) {
	cases := []struct {
		version, platform, legacy string
		want                      Version
		source                    string
		ok                        bool
	}{
		{"v1.34", "cce.3.2", "v1.34.3-r2", Version{1, 34, 3, 2}, "legacyVersion", true},
		{"v1.25", "cce.4.10", "v1.25.4-r10", Version{1, 25, 4, 10}, "legacyVersion", true},
		{"v1.19.16-r20", "cce.1.0", "", Version{1, 19, 16, 20}, "version", true},
		{"v1.19.16-r20", "", "garbage", Version{1, 19, 16, 20}, "version", true},
		{"v1.25", "cce.4.10", "", Version{1, 25, 4, 10}, "version+platformVersion", true},
		{"v1.25", "cce.4.10", "v1.25", Version{1, 25, 4, 10}, "version+platformVersion", true},
		{"v1.25", "", "", Version{}, "", false},
		{"v1.25", "cce.4", "", Version{}, "", false},
		{"v1.25", "cce.04.1", "", Version{}, "", false},
		{"", "cce.4.10", "", Version{}, "", false},
		{"v1.25.4", "cce.4.10", "", Version{}, "", false},
		{"", "", "", Version{}, "", false},
	}
	for _, tc := range cases {
		v, src, ok := ResolveVersion(tc.version, tc.platform, tc.legacy)
		if v != tc.want || src != tc.source || ok != tc.ok {
			t.Errorf("%q %q %q: got %v %q %v", tc.version, tc.platform, tc.legacy, v, src, ok)
		}
	}
}

func TestRevocationSupport(t *testing.T) {
	type row struct {
		v         string
		supported bool // CheckRevocationSupport == nil
		lineBad   bool
	}
	rows := []row{
		// v1.19 line: minimum v1.19.16-r50.
		{"v1.19.16-r49", false, false}, {"v1.19.16-r50", true, false}, {"v1.19.16-r51", true, false},
		{"v1.19.15-r50", false, false}, {"v1.19.15-r99", false, false}, {"v1.19.17-r0", true, false}, {"v1.19.8-r0", false, false},
		// v1.21: v1.21.11-r10.
		{"v1.21.11-r9", false, false}, {"v1.21.11-r10", true, false}, {"v1.21.11-r11", true, false},
		{"v1.21.10-r10", false, false}, {"v1.21.10-r99", false, false}, {"v1.21.12-r0", true, false},
		// v1.23: v1.23.9-r10.
		{"v1.23.9-r9", false, false}, {"v1.23.9-r10", true, false}, {"v1.23.9-r11", true, false},
		{"v1.23.8-r10", false, false}, {"v1.23.10-r0", true, false},
		// v1.25: v1.25.4-r10.
		{"v1.25.4-r9", false, false}, {"v1.25.4-r10", true, false}, {"v1.25.4-r11", true, false},
		{"v1.25.3-r10", false, false}, {"v1.25.5-r0", true, false}, {"v1.25.4-r0", false, false},
		// v1.27: v1.27.1-r10.
		{"v1.27.1-r9", false, false}, {"v1.27.1-r10", true, false}, {"v1.27.1-r11", true, false},
		{"v1.27.0-r10", false, false}, {"v1.27.2-r0", true, false},
		// v1.28+ always.
		{"v1.28.0-r0", true, false}, {"v1.29.1-r0", true, false}, {"v1.34.3-r2", true, false}, {"v2.0.0-r0", true, false},
		// Lines that never support it.
		{"v1.17.9-r0", false, true}, {"v1.18.99-r99", false, true}, {"v1.20.1-r10", false, true}, {"v1.22.9-r10", false, true},
		{"v1.24.9-r10", false, true}, {"v1.26.9-r10", false, true}, {"v1.13.10-r0", false, true}, {"v0.28.0-r0", false, true},
	}
	for _, r := range rows {
		v, err := ParseVersion(r.v)
		if err != nil {
			t.Fatal(err)
		}
		err = CheckRevocationSupport(v)
		if (err == nil) != r.supported {
			t.Errorf("%s: err %v, want supported=%v", r.v, err, r.supported)
			continue
		}
		if err == nil {
			continue
		}
		var ue *UnsupportedVersionError
		if !errors.As(err, &ue) || ue.LineUnsupported != r.lineBad || ue.Version != v {
			t.Errorf("%s: %#v", r.v, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, r.v) {
			t.Errorf("%s: message lacks version: %s", r.v, msg)
		}
		m, ok := RevocationMinimum(v)
		if ok == r.lineBad {
			t.Errorf("%s: RevocationMinimum ok=%v", r.v, ok)
		}
		if !r.lineBad && (!strings.Contains(msg, m.String()) || ue.Minimum != m) {
			t.Errorf("%s: message lacks minimum %s: %s", r.v, m, msg)
		}
		if r.lineBad && (!m.IsZero() || !strings.Contains(msg, "v1.28")) {
			t.Errorf("%s: line-unsupported minimum %v / message %s", r.v, m, msg)
		}
	}
	const lineBad = "cluster version v1.20.1-r10 does not support credential revocation: no v1.20 patch supports it " +
		"(revocation needs v1.19.16-r50, v1.21.11-r10, v1.23.9-r10, v1.25.4-r10, v1.27.1-r10 or later within their " +
		"lines, or any v1.28+ version); upgrade the cluster to a supported line"
	if err := CheckRevocationSupport(Version{1, 20, 1, 10}); err == nil || err.Error() != lineBad {
		t.Errorf("line-unsupported message:\n got %v\nwant %s", err, lineBad)
	}
	if m, ok := RevocationMinimum(Version{1, 30, 5, 5}); !ok || m != (Version{1, 30, 0, 0}) {
		t.Errorf("v1.30 minimum %v %v", m, ok)
	}
}

func TestVersionFromUpgradeInfo(t *testing.T) {
	if v, err := versionFromUpgradeInfo("v1.19.10", "r0"); err != nil || v != (Version{1, 19, 10, 0}) {
		t.Errorf("%v %v", v, err)
	}
	for _, p := range [][2]string{{"v1.19", "r0"}, {"v1.19.10", "0"}, {"v1.19.10-r0", "r0"}, {"", ""}} {
		if _, err := versionFromUpgradeInfo(p[0], p[1]); err == nil {
			t.Errorf("%v: want error", p)
		}
	}
}

func TestEveryPatchRevokes(t *testing.T) {
	for line, want := range map[string]bool{
		"v1.28": true, "v1.29": true, "v1.34": true, "v2.0": true,
		"v1.27": false, "v1.25": false, "v1.19": false,
		"v1.28.3-r0": false, "1.28": false, "v1.028": false, "": false,
	} {
		if got := EveryPatchRevokes(line); got != want {
			t.Errorf("EveryPatchRevokes(%q) = %v, want %v", line, got, want)
		}
	}
}
