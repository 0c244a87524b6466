package cce

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// KindOf tells users from agencies from IDs IAM does not know, with one
// listing of each kind for any number of look-ups.
func TestKindOf(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	c := newMockClient(t, cloud, keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey))
	for range 3 {
		for id, want := range map[string]string{mockcloud.BobUserID: "user", mockcloud.VendorAgencyID: "agency",
			mockcloud.ErinUserID: "", "idp-corp:carol": ""} {
			k, err := c.KindOf(t.Context(), id, Cached)
			if err != nil || k.Kind != want || (want != "") != (k.Name != "") {
				t.Errorf("%s: %+v, %v; want kind %q", id, k, err, want)
			}
		}
	}
	if n, m := cloud.Count(mockcloud.RouteListUsers), cloud.Count(mockcloud.RouteListAgencies); n != 1 || m != 1 {
		t.Errorf("%d user and %d agency listings, want one each", n, m)
	}
	if id, kind, ok := c.NamedAs(t.Context(), "vendor-support", Cached); !ok || kind != "agency" || id != mockcloud.VendorAgencyID {
		t.Errorf("NamedAs: %q %q %v", id, kind, ok)
	}
}

// A caller who may not list IAM gets a forbidden error, once.
func TestKindOfForbidden(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	c := newMockClient(t, cloud, keys(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey))
	for range 3 {
		if _, err := c.KindOf(t.Context(), mockcloud.VendorAgencyID, Cached); !IsForbidden(err) {
			t.Fatalf("want a forbidden error, got %v", err)
		}
	}
	if n := cloud.Count(mockcloud.RouteListUsers); n != 1 {
		t.Errorf("%d user listings, want 1", n)
	}
	if n := cloud.Count(mockcloud.RouteGetUser) + cloud.Count(mockcloud.RouteGetAgency); n != 0 {
		t.Errorf("%d reads by ID, want none", n)
	}
}

// One Client sends one revocation per cluster and applicant: concurrent
// callers share the request, later ones the remembered success; a failure
// is not remembered.
func TestRevokeClusterCertOnce(t *testing.T) {
	f := newFakeCloud(t)
	var mu sync.Mutex
	fail := true
	f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			fail = false
			writeJSON(w, 400, map[string]any{"kind": "Status", "code": 400, "errorCode": "CCE.01400001", "errorMessage": "not now"})
			return
		}
		w.WriteHeader(200)
	})
	c := newTestClient(t, f, akskCreds())
	if err := c.RevokeClusterCert(t.Context(), testCluster, Applicant{UserID: "u1"}); err == nil {
		t.Fatal("the first answer is an error")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := c.RevokeClusterCert(t.Context(), testCluster, Applicant{UserID: "u1"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := c.RevokeClusterCert(t.Context(), testCluster, Applicant{UserID: "u1"}); err != nil {
		t.Fatal(err)
	}
	f.wantCount(t, routeRevoke, 2) // the failure, then one success
	// Another applicant, or the same ID sent as an agency, is another revocation.
	for _, a := range []Applicant{{UserID: "u2"}, {AgencyID: "u1"}} {
		if err := c.RevokeClusterCert(t.Context(), testCluster, a); err != nil {
			t.Fatal(err)
		}
	}
	f.wantCount(t, routeRevoke, 4)
}

// A waiting caller returns when its own context ends.
func TestRevokeOnceWaiterCancelled(t *testing.T) {
	var o revokeOnce
	release := make(chan struct{})
	started := make(chan struct{})
	go func() {
		_ = o.do(context.Background(), "k", func(context.Context) error { close(started); <-release; return nil })
	}()
	<-started
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := o.do(ctx, "k", func(context.Context) error { return errors.New("not run") }); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
	close(release)
}

// An STS answer of a kind the provider does not know leaves the decision to
// CCE; it is never a failed read of a user with an empty ID.
func TestCallerUnknownPrincipal(t *testing.T) {
	t.Parallel()
	cloud := mockcloud.NewForTest(t)
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"account_id": mockcloud.DomainID,
			"principal_urn": "sts::" + mockcloud.DomainID + ":service-principal:robot", "principal_id": "svc:robot"})
	}))
	t.Cleanup(sts.Close)
	c := newMockClient(t, cloud, keys(mockcloud.AdminAccessKey, mockcloud.AdminSecretKey),
		func(cfg *Config) { cfg.STSEndpoint = sts.URL })
	id, err := c.Caller(t.Context(), Cached)
	if err != nil {
		t.Fatal(err)
	}
	if id.Kind != PrincipalUnknown || id.Admin != AdminUnknown || !strings.Contains(id.AdminReason, "service-principal:robot") {
		t.Errorf("identity %+v", *id)
	}
}
