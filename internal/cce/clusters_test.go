package cce

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDecodeEndpointsBothShapes(t *testing.T) {
	cases := []struct{ raw, in, ex string }{
		{`[{"url":"https://192.168.0.61:5443","type":"Internal"},{"url":"https://1.2.3.4:5443","type":"External"}]`, "https://192.168.0.61:5443", "https://1.2.3.4:5443"},
		{`[{"url":"https://192.168.0.61:5443","type":"Internal"}]`, "https://192.168.0.61:5443", ""},
		{`{"internal":"https://10.0.0.1:5443","external":"https://80.1.1.1:5443","external_otc":"https://id.cce.eu-de.otc.t-systems.com"}`, "https://10.0.0.1:5443", "https://80.1.1.1:5443"},
		{`{"internal":"https://10.0.0.1:5443","external_otc":"https://id.cce.eu-de.otc.t-systems.com"}`, "https://10.0.0.1:5443", "https://id.cce.eu-de.otc.t-systems.com"},
		{`null`, "", ""},
		{``, "", ""},
	}
	for _, tc := range cases {
		in, ex, err := decodeEndpoints(json.RawMessage(tc.raw))
		if err != nil || in != tc.in || ex != tc.ex {
			t.Errorf("%s: %q %q %v", tc.raw, in, ex, err)
		}
	}
	if _, _, err := decodeEndpoints(json.RawMessage(`"x"`)); err == nil {
		t.Error("string endpoints: want error")
	}
}

func TestGetClusterOTCShape(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{
			"metadata": map[string]any{"name": "otc", "uid": r.PathValue("cluster_id")},
			"spec":     map[string]any{"version": "v1.29", "platformVersion": "cce.4.0"},
			"status": map[string]any{"phase": "Hibernation", "isLocked": true, "lockScene": "BILLING",
				"endpoints": map[string]string{"internal": "https://10.0.0.1:5443", "external_otc": "https://x.otc"}},
		})
	})
	c := newTestClient(t, f, akskCreds())
	cl, err := c.Cluster(t.Context(), testCluster, Fresh)
	if err != nil {
		t.Fatal(err)
	}
	want := Cluster{ID: testCluster, Name: "otc", Phase: "Hibernation", Version: "v1.29", PlatformVersion: "cce.4.0",
		InternalEndpoint: "https://10.0.0.1:5443", ExternalEndpoint: "https://x.otc", IsLocked: true, LockScene: "BILLING"}
	if *cl != want {
		t.Errorf("got %+v", *cl)
	}
	if _, err := c.Cluster(t.Context(), "", Fresh); err == nil {
		t.Error("empty ID: want error")
	}
}

func TestClusterCachedSingleflight(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Millisecond)
		writeJSON(w, 200, clusterJSONBody(r.PathValue("cluster_id")))
	})
	c := newTestClient(t, f, akskCreds())
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			cl, err := c.Cluster(t.Context(), testCluster, Cached)
			if err != nil || cl.ID != testCluster {
				t.Errorf("%v %v", cl, err)
				return
			}
			cl.Phase = "mutated" // callers get copies.
		})
	}
	wg.Wait()
	f.wantCount(t, routeGetCluster, 1)
	cl, err := c.Cluster(t.Context(), testCluster, Cached)
	if err != nil || cl.Phase != "Available" || f.count(routeGetCluster) != 1 {
		t.Errorf("cached: %+v %v, GETs %d", cl, err, f.count(routeGetCluster))
	}
}

// Fresh asks again, and what it learns is what Cached answers from then on.
func TestClusterFreshReplacesCached(t *testing.T) {
	f := newFakeCloud(t)
	var phase atomic.Value
	phase.Store("Upgrading")
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		body := clusterJSONBody(r.PathValue("cluster_id"))
		status, _ := body["status"].(map[string]any)
		status["phase"] = phase.Load()
		writeJSON(w, 200, body)
	})
	c := newTestClient(t, f, akskCreds())
	read := func(r Read) string {
		t.Helper()
		cl, err := c.Cluster(t.Context(), testCluster, r)
		if err != nil {
			t.Fatal(err)
		}
		return cl.Phase
	}
	if got := read(Cached); got != "Upgrading" {
		t.Fatalf("first read: %s", got)
	}
	phase.Store("Available")
	if got := read(Cached); got != "Upgrading" {
		t.Errorf("Cached read %s, want the kept Upgrading", got)
	}
	if got := read(Fresh); got != "Available" {
		t.Errorf("Fresh read %s, want Available", got)
	}
	if got := read(Cached); got != "Available" {
		t.Errorf("Cached after Fresh read %s, want Available", got)
	}
	f.wantCount(t, routeGetCluster, 2)
}

func TestClusterCachedErrors(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeGetCluster, func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("cluster_id") == "gone" {
			writeJSON(w, 404, map[string]any{"errorCode": "CCE.01404001", "errorMessage": "Resource not found."})
			return
		}
		writeJSON(w, 500, map[string]any{"errorCode": "CCE.01500001", "errorMessage": "Internal error."})
	})
	c := newTestClient(t, f, akskCreds(), func(c *Config) { c.MaxRetries = 0 })
	ctx := t.Context()
	for i := 0; i < 3; i++ {
		if _, err := c.Cluster(ctx, "gone", Cached); !IsNotFound(err) {
			t.Fatalf("want not found, got %v", err)
		}
		if _, err := c.Cluster(ctx, "broken", Cached); err == nil || IsNotFound(err) {
			t.Fatalf("want 500, got %v", err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := f.hits[routeGetCluster]; got != 1+1 {
		t.Errorf("GETs = %d, want 2 (the 404 and the 500 are kept like answers)", got)
	}
}

func TestClusterVersion(t *testing.T) {
	f := newFakeCloud(t)
	f.handle("GET /api/v3/projects/{project_id}/clusters/{cluster_id}/upgradeinfo", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"spec": map[string]any{"versionInfo": map[string]any{"release": "v1.23.9", "patch": "r10"}}})
	})
	c := newTestClient(t, f, akskCreds())
	ctx := t.Context()
	v, src, err := c.ClusterVersion(ctx, &Cluster{ID: testCluster, Version: "v1.25", PlatformVersion: "cce.4.10"})
	if err != nil || v != (Version{1, 25, 4, 10}) || src != "version+platformVersion" {
		t.Errorf("%v %q %v", v, src, err)
	}
	for i := 0; i < 3; i++ {
		v, src, err = c.ClusterVersion(ctx, &Cluster{ID: testCluster, Version: "v1.23"})
		if err != nil || v != (Version{1, 23, 9, 10}) || src != "upgradeinfo" {
			t.Errorf("%v %q %v", v, src, err)
		}
	}
	if got := f.count("GET /api/v3/projects/{project_id}/clusters/{cluster_id}/upgradeinfo"); got != 1 {
		t.Errorf("upgradeinfo GETs = %d, want 1", got)
	}
}

func TestClassifyPhase(t *testing.T) {
	want := map[string]PhaseClass{
		"Available": PhaseReady,
		"Creating":  PhaseTransitional, "Upgrading": PhaseTransitional, "Resizing": PhaseTransitional,
		"ScalingUp": PhaseTransitional, "ScalingDown": PhaseTransitional, "RollingBack": PhaseTransitional, "Awaking": PhaseTransitional,
		"Unavailable": PhaseUnusable, "Error": PhaseUnusable, "Hibernating": PhaseUnusable, "Hibernation": PhaseUnusable,
		"Deleting": PhaseUnusable, "RollbackFailed": PhaseUnusable, "Empty": PhaseUnusable, "Shelved": PhaseUnusable,
		"Frozen": PhaseUnusable, "": PhaseUnusable, "available": PhaseUnusable, "Unknow": PhaseUnusable,
	}
	for p, w := range want {
		if got := ClassifyPhase(p); got != w {
			t.Errorf("%q: %v, want %v", p, got, w)
		}
	}
}

const routeListClusters = "GET /api/v3/projects/{project_id}/clusters"

func TestListClusters(t *testing.T) {
	f := newFakeCloud(t)
	var gotPath, gotProject string
	f.handle(routeListClusters, func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotProject = r.URL.Path, r.Header.Get("X-Project-Id")
		old := clusterJSONBody("c-old")
		old["metadata"] = map[string]any{"name": "old", "uid": "c-old"}
		old["spec"] = map[string]any{"version": "v1.19.16-r0"}
		writeJSON(w, 200, map[string]any{"kind": "Cluster", "apiVersion": "v3",
			"items": []any{clusterJSONBody("c-new"), old}})
	})
	c := newTestClient(t, f, akskCreds())
	got, err := c.Clusters(t.Context(), Cached)
	if err != nil {
		t.Fatal(err)
	}
	want := []Cluster{
		{ID: "c-new", Name: "c1", Phase: "Available", Version: "v1.25", PlatformVersion: "cce.4.10",
			InternalEndpoint: "https://192.168.0.61:5443", ExternalEndpoint: "https://1.2.3.4:5443"},
		{ID: "c-old", Name: "old", Phase: "Available", Version: "v1.19.16-r0",
			InternalEndpoint: "https://192.168.0.61:5443", ExternalEndpoint: "https://1.2.3.4:5443"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if gotPath != "/api/v3/projects/"+testProject+"/clusters" || gotProject != testProject {
		t.Errorf("path %q, X-Project-Id %q", gotPath, gotProject)
	}
	f.wantCount(t, routeListClusters, 1)
}

func TestListClustersEmptyAndBroken(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    any
		wantErr string
	}{
		{name: "no clusters", status: 200, body: map[string]any{"kind": "Cluster", "items": []any{}}},
		{name: "items missing", status: 200, body: map[string]any{"kind": "Cluster"}},
		{name: "item without uid", status: 200, body: map[string]any{"items": []any{map[string]any{"metadata": map[string]any{"name": "x"}}}},
			wantErr: `cluster 0 of the list (name "x") has no metadata.uid`},
		{name: "bad endpoints", status: 200, body: map[string]any{"items": []any{map[string]any{"status": map[string]any{"endpoints": "x"}}}},
			wantErr: "decoding cluster 0 of the list"},
		{name: "forbidden", status: 403, body: map[string]any{"errorCode": "CCE.01403001", "errorMessage": "Forbidden."},
			wantErr: "CCE.01403001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeCloud(t)
			f.handle(routeListClusters, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, tt.status, tt.body) })
			got, err := newTestClient(t, f, akskCreds()).Clusters(t.Context(), Cached)
			switch {
			case tt.wantErr == "" && (err != nil || got == nil || len(got) != 0):
				t.Errorf("got %v, %v; want an empty list", got, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestClustersListKeptPerClient(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeListClusters, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"kind": "Cluster", "apiVersion": "v3",
			"items": []any{clusterJSONBody("a"), clusterJSONBody("b")}})
	})
	c := newTestClient(t, f, akskCreds())
	for range 3 {
		list, err := c.Clusters(t.Context(), Cached)
		if err != nil || len(list) != 2 || list[0].ID != "a" || list[1].Version != "v1.25" {
			t.Fatalf("%+v %v", list, err)
		}
		list[0].ID = "mutated" // callers get copies
	}
	f.wantCount(t, routeListClusters, 1)
	if _, err := c.Clusters(t.Context(), Fresh); err != nil || f.count(routeListClusters) != 2 {
		t.Errorf("Fresh: %v, list requests %d", err, f.count(routeListClusters))
	}
}
