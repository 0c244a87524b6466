package cce

import (
	"net/http"
	"testing"
	"time"
)

// Benchmarks of the per-request hot paths that `make bench` reports next to
// BenchmarkDecodeUsers10k (iam_test.go).

// BenchmarkSign signs one revocation POST the way authTransport does: the
// client's signed-header rule, a JSON body, a fresh header set per request.
func BenchmarkSign(b *testing.B) {
	const rawURL = "https://cce.eu-west-101.myhuaweicloud.com/api/v3/projects/9f1e2d3c4b5a69788796a5b4c3d2e1f0" +
		"/clusters/c0000000-0000-4000-8000-000000000001/clustercertrevoke"
	body := []byte(`{"userId":"1ea7e000000000000000000000000004"}`)
	tmpl := http.Header{}
	tmpl.Set("Content-Type", "application/json")
	tmpl.Set("X-Project-Id", "9f1e2d3c4b5a69788796a5b4c3d2e1f0")
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h := tmpl.Clone()
		if _, err := signParts(http.MethodPost, rawURL, h, "", body, "ADMINAKEXAMPLE000001",
			"adminSecretKey0001DoNotLog", now, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveVersion resolves the three shapes a cluster reports: a full
// legacyVersion, a full version, and version + platformVersion (the slowest:
// two failed full parses first).
func BenchmarkResolveVersion(b *testing.B) {
	cases := []struct{ version, platform, legacy string }{
		{"v1.28", "cce.3.0", "v1.28.3-r0"},
		{"v1.19.16-r50", "cce.2.0", ""},
		{"v1.25", "cce.4.10", ""},
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := cases[i%len(cases)]
		if _, _, ok := ResolveVersion(c.version, c.platform, c.legacy); !ok {
			b.Fatalf("%v did not resolve", c)
		}
	}
}
