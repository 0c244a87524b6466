package cce

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	routeRevoke = "POST /api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke"
	routeCert   = "POST /api/v3/projects/{project_id}/clusters/{cluster_id}/clustercert"
	kubeconfig  = `{"kind":"Config","apiVersion":"v1","users":[{"name":"user","user":{"client-certificate-data":"Q0VSVC1TVVBFUlNFQ1JFVA==","client-key-data":"S0VZLVNVUEVSU0VDUkVU"}}]}`
)

func TestRevokeClusterCert(t *testing.T) {
	f := newFakeCloud(t)
	var bodies bodyLog
	f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) {
		bodies.add(r.PathValue("project_id") + " " + r.PathValue("cluster_id") + " " + readBody(r))
		w.WriteHeader(200)
	})
	c := newTestClient(t, f, akskCreds())
	ctx := t.Context()
	if err := c.RevokeClusterCert(ctx, testCluster, Applicant{UserID: "u1"}); err != nil {
		t.Fatal(err)
	}
	if err := c.RevokeClusterCert(ctx, testCluster, Applicant{AgencyID: "a1"}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []Applicant{{}, {UserID: "u", AgencyID: "a"}} {
		if err := c.RevokeClusterCert(ctx, testCluster, a); err == nil || !strings.Contains(err.Error(), "exactly one") {
			t.Errorf("%+v: %v", a, err)
		}
	}
	want := []string{testProject + " " + testCluster + ` {"userId":"u1"}`, testProject + " " + testCluster + ` {"agencyId":"a1"}`}
	if got := bodies.all(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("bodies %q", got)
	}
}

func TestRevokeErrors(t *testing.T) {
	f := newFakeCloud(t)
	f.handle(routeRevoke, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]any{"kind": "Status", "code": 400, "errorCode": "CCE.01400015", "errorMessage": "version not supported",
			"error_code": "CCE_CM.0004", "error_msg": "Request is invalid", "message": "version not supported"})
	})
	c := newTestClient(t, f, akskCreds())
	err := c.RevokeClusterCert(t.Context(), testCluster, Applicant{UserID: "u1"})
	ae, ok := AsAPIError(err)
	if !ok || ae.Code != "CCE.01400015" || ae.Operation != "revoke cluster certificate" || f.count(routeRevoke) != 1 {
		t.Errorf("%v", err)
	}
}

func TestCreateClusterCert(t *testing.T) {
	f := newFakeCloud(t)
	var bodies bodyLog
	f.handle(routeCert, func(w http.ResponseWriter, r *http.Request) {
		bodies.add(readBody(r))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, kubeconfig)
	})
	c := newTestClient(t, f, akskCreds())
	ctx := t.Context()
	cert, err := c.CreateClusterCert(ctx, testCluster, ClusterCertRequest{Duration: 30})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "kubeconfig", string(cert.Kubeconfig), kubeconfig)
	exp := time.Date(2027, 1, 2, 16, 0, 0, 0, time.FixedZone("x", 2*3600))
	if _, err := c.CreateClusterCert(ctx, testCluster, ClusterCertRequest{Duration: 5, ExpireAt: exp}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateClusterCert(ctx, testCluster, ClusterCertRequest{Duration: -1}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateClusterCert(ctx, testCluster, ClusterCertRequest{}); err == nil {
		t.Error("empty request: want error")
	}
	want := []string{`{"duration":30}`, `{"expire_at":"2027-01-02 14:00:00 +0000 UTC"}`, `{"duration":-1}`}
	if got := bodies.all(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("bodies %q", got)
	}
}
