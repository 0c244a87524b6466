package world

import "testing"

// TestVersionResolution covers the resolution algorithm and the minimums table.
func TestVersionResolution(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cl   Cluster
		want string
		ok   bool
	}{
		{Cluster{Version: "v1.28", PlatformVersion: "cce.3.0", LegacyVersion: "v1.28.3-r0"}, "v1.28.3-r0", true},
		{Cluster{Version: "v1.25", PlatformVersion: "cce.4.10"}, "v1.25.4-r10", true},
		{Cluster{Version: "v1.25", PlatformVersion: "cce.4.9"}, "v1.25.4-r9", false},
		{Cluster{Version: "v1.19.16-r50", PlatformVersion: "cce.2.0"}, "v1.19.16-r50", true},
		{Cluster{Version: "v1.19.16-r4", PlatformVersion: "cce.2.0"}, "v1.19.16-r4", false},
		{Cluster{Version: "v1.23", PlatformVersion: "cce.9.0", LegacyVersion: "v1.23.9-r0"}, "v1.23.9-r0", false},
		{Cluster{Version: "v1.23", LegacyVersion: "v1.23.10-r0"}, "v1.23.10-r0", true},
		{Cluster{Version: "v1.21", PlatformVersion: "cce.11.10"}, "v1.21.11-r10", true},
		{Cluster{Version: "v1.27", PlatformVersion: "cce.1.10"}, "v1.27.1-r10", true},
		{Cluster{Version: "v1.27", UpgradeRelease: "v1.27.1", UpgradePatch: "r9"}, "v1.27.1-r9", false},
		{Cluster{Version: "v1.17.9-r0"}, "v1.17.9-r0", false},
		{Cluster{Version: "v1.20", PlatformVersion: "cce.99.99"}, "v1.20.99-r99", false},
		{Cluster{Version: "v1.30", PlatformVersion: "cce.1.0"}, "v1.30.1-r0", true},
		{Cluster{Version: "v2.0", PlatformVersion: "cce.1.0"}, "v2.0.1-r0", true},
	}
	for _, tc := range cases {
		v, found := ResolveVersion(tc.cl)
		if !found || v.String() != tc.want || SupportsRevocation(v) != tc.ok {
			t.Errorf("%+v: got %s found=%v ok=%v, want %s ok=%v", tc.cl, v, found, SupportsRevocation(v), tc.want, tc.ok)
		}
	}
	if _, found := ResolveVersion(Cluster{Version: "v1.27"}); found {
		t.Error("resolved without any data")
	}
}
