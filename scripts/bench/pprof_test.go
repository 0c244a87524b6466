package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

const topSample = `File: terraform-provider-cce
Build ID: d484baf7554aaaf6199ff9a5b59eb97dd558ac3d
Type: cpu
Time: 2026-11-27 12:23:45 UTC
Duration: 69.17ms, Total samples = 40ms (57.83%)
Showing nodes accounting for 40ms, 100% of 40ms total
      flat  flat%   sum%        cum   cum%
450154.53us 94.66% 94.66% 450154.53us 94.66%  runtime.selectgo
      10ms 25.00% 25.00%       1.50s 25.00%  crypto/internal/fips140/nistec/fiat.p521Mul
         0     0%   100%       10ms 25.00%  github.com/cceops/terraform-provider-cce/internal/cce.shared[go.shape.struct { ID string; Kind github.com/x.Kind }] (inline)
         0     0%   100%    2.5mins 25.00%  main.main
`

func TestParseTop(t *testing.T) {
	got := parseTop(topSample)
	if got.Header != "profiled 69.17ms, Total samples = 40ms (57.83%)" {
		t.Errorf("header %q", got.Header)
	}
	want := []topEntry{
		{Flat: 450154530 * time.Nanosecond, Cum: 450154530 * time.Nanosecond, Name: "runtime.selectgo"},
		{Flat: 10 * time.Millisecond, Cum: 1500 * time.Millisecond, Name: "crypto/internal/fips140/nistec/fiat.p521Mul"},
		{Cum: 10 * time.Millisecond, Name: "github.com/cceops/terraform-provider-cce/internal/cce.shared[go.shape.struct { ID string; Kind github.com/x.Kind }]"},
		{Cum: 150 * time.Second, Name: "main.main"},
	}
	if !slices.Equal(got.Entries, want) {
		t.Errorf("entries\n got %+v\nwant %+v", got.Entries, want)
	}
	if len(parseTop("").Entries) != 0 {
		t.Error("empty output")
	}
}

func TestParsePprofDur(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"0": 0, "10ms": 10 * time.Millisecond, "1.50s": 1500 * time.Millisecond, "2us": 2 * time.Microsecond,
		"1.5mins": 90 * time.Second, "2hrs": 2 * time.Hour,
	} {
		if got, err := parsePprofDur(in); err != nil || got != want {
			t.Errorf("parsePprofDur(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parsePprofDur("94.66%"); err == nil {
		t.Error("a percentage parsed")
	}
}

const tracesSample = `File: terraform-provider-cce
Type: delay
-----------+-------------------------------------------------------
   53.51ms   runtime.selectgo
             github.com/hashicorp/go-plugin.Serve
             main.main
-----------+-------------------------------------------------------
   14.77ms   sync.(*WaitGroup).Wait
             github.com/cceops/terraform-provider-cce/internal/provider.(*credentialRevocationResource).check
             github.com/cceops/terraform-provider-cce/internal/provider.(*credentialRevocationResource).ModifyPlan
-----------+-------------------------------------------------------
    3.18ms   runtime.selectgo
             net/http.(*http2ClientConn).roundTrip
             net/http.(*Transport).RoundTrip
             github.com/cceops/terraform-provider-cce/internal/cce.(*logTransport).RoundTrip
             github.com/cceops/terraform-provider-cce/internal/cce.(*Client).do
-----------+-------------------------------------------------------
    1.82ms   runtime.selectgo
             net/http.(*http2ClientConn).roundTrip (inline)
             github.com/cceops/terraform-provider-cce/internal/cce.(*logTransport).RoundTrip
-----------+-------------------------------------------------------
`

func TestParseTracesAndBlockedOn(t *testing.T) {
	ts := parseTraces(tracesSample)
	if len(ts) != 4 || ts[0].Value != 53510*time.Microsecond || len(ts[0].Frames) != 3 || ts[0].Frames[2] != "main.main" ||
		ts[3].Frames[1] != "net/http.(*http2ClientConn).roundTrip" {
		t.Fatalf("parseTraces = %+v", ts)
	}
	got := blockedOn(ts)
	want := []wait{
		{Caller: "github.com/cceops/terraform-provider-cce/internal/provider.(*credentialRevocationResource).check",
			Site: "github.com/cceops/terraform-provider-cce/internal/provider.(*credentialRevocationResource).check",
			Prim: "sync.(*WaitGroup).Wait", Total: 14770 * time.Microsecond},
		{Caller: "github.com/cceops/terraform-provider-cce/internal/cce.(*logTransport).RoundTrip",
			Site: "net/http.(*http2ClientConn).roundTrip", Prim: "runtime.selectgo", Total: 5 * time.Millisecond},
	}
	if !slices.Equal(got, want) {
		t.Errorf("blockedOn\n got %+v\nwant %+v", got, want)
	}
}

func TestGroupCumAndShortFunc(t *testing.T) {
	p := "github.com/cceops/terraform-provider-cce/internal/"
	es := []topEntry{
		{Cum: 9 * time.Millisecond, Name: p + "provider.Create"},
		{Cum: 8 * time.Millisecond, Name: p + "cce.a"}, {Cum: 8 * time.Millisecond, Name: p + "cce.b"},
		{Cum: 8 * time.Millisecond, Name: p + "cce.c"}, {Cum: 8 * time.Millisecond, Name: p + "cce.d"},
		{Cum: 1 * time.Millisecond, Name: "net/http.(*Transport).RoundTrip"},
	}
	got := groupCum(es, 2)
	want := []string{"`provider.Create` 9.0 ms", "`cce.a`, `cce.b`, `cce.c`, 1 more 8.0 ms"}
	if !slices.Equal(got, want) {
		t.Errorf("groupCum = %q", got)
	}
	if own := ownEntries(es, false); len(own) != 5 || len(ownEntries(es, true)) != 6 {
		t.Errorf("ownEntries = %v", own)
	}
	for in, want := range map[string]string{
		p + "cce.shared[go.shape.*uint8]":                                        "cce.shared[…]",
		p + "cce.recent[go.shape.struct { A []string; B map[string]int }].func1": "cce.recent[…].func1",
		"net/http.(*Transport).RoundTrip (inline)":                               "net/http.(*Transport).RoundTrip",
		"x.f[go.shape.int": "x.f[go.shape.int",
	} {
		if got := shortFunc(in); got != want {
			t.Errorf("shortFunc(%q) = %q, want %q", in, got, want)
		}
	}
	if !httpWaitRE.MatchString("net/http.(*persistConn).roundTrip") || httpWaitRE.MatchString("net/http.(*Client).do") {
		t.Error("httpWaitRE")
	}
}

func TestSetEnv(t *testing.T) {
	env := []string{"A=1", "AB=2", "B=3"}
	got := setEnv(env, "A", "9")
	if !slices.Equal(got, []string{"AB=2", "B=3", "A=9"}) || env[0] != "A=1" {
		t.Errorf("setEnv = %v (input now %v)", got, env)
	}
	dir := t.TempDir()
	got, err := withCacheDir(env, dir)
	if err != nil || got[len(got)-1] != cacheDirEnv+"="+dir+"/cce-cache" {
		t.Errorf("withCacheDir = %v, %v", got, err)
	}
}

func TestPairDiffs(t *testing.T) {
	mk := func(round int, pair bool, apply time.Duration) *sample {
		return &sample{Round: round, LatPair: pair, Apply: phase{Wall: apply}}
	}
	slow := []*sample{mk(1, false, 300), mk(2, false, 250), mk(4, true, 220), mk(5, true, 400)}
	fast := []*sample{mk(1, false, 260), mk(2, false, 270), mk(4, true, 200), mk(3, false, 100)}
	got := pairDiffs(slow, fast)
	if !slices.Equal(got, []time.Duration{40, -20, 20}) {
		t.Errorf("pairDiffs = %v", got)
	}
	if m := median(got); m != 20 {
		t.Errorf("median of differences = %v", m)
	}
	if s := spread([]time.Duration{-20 * time.Millisecond, 40 * time.Millisecond}); s != "-0.02 s to 0.04 s" {
		t.Errorf("spread = %q", s)
	}
}

func TestPprofCasesAndExtraPairs(t *testing.T) {
	b := &bench{
		opt:  options{ns: []int{100, 10}, cs: []int{1, 10}, latency: 20 * time.Millisecond, rounds: 3, latPairs: 9},
		clis: []cliInfo{{Name: "terraform"}, {Name: "tofu"}},
	}
	missed := []target{
		{Name: "latency 10", diagCLI: "terraform", diagKind: "latency", diagN: 10},
		{Name: "validate", diagCLI: "tofu", diagKind: "validate"},
		{Name: "unknown CLI", diagCLI: "other", diagKind: "apply", diagN: 100},
	}
	var got []string
	for _, c := range b.pprofCases(missed) {
		got = append(got, c.key()+" "+strings.SplitN(c.why, ":", 2)[0])
	}
	want := []string{"terraform/latency/10 missed", "tofu/validate/1 missed", "tofu/latency/10 always profiled"}
	if !slices.Equal(got, want) {
		t.Errorf("pprofCases = %q", got)
	}
	if b.extraPairsUpTo(10) != 9 || b.extraPairsUpTo(100) != 0 {
		t.Error("extraPairsUpTo")
	}
	b.opt.latency = 0
	if b.extraPairsUpTo(10) != 0 || len(b.pprofCases(nil)) != 0 {
		t.Error("no latency: no pairs and no always-profiled case")
	}
}
