package mockcloud

import (
	"net/http"
	"strings"
	"testing"
)

// A federated user's principal ID, sent as userId, revokes its certificates;
// a locked cluster reports isLocked and refuses a revocation.
func TestRevokeFederatedAndLocked(t *testing.T) {
	t.Parallel()
	c := NewForTest(t)
	ak, sk, st := c.FederatedSession("idp-corp", "carol")
	carol := issueFor(t, c, cred{ak: ak, sk: sk, secToken: st}, ProdClusterID, map[string]int{"duration": 1})
	whoami := func() int { return carol.kube(t, carol.server(), "POST", selfSubjectReviewsPath, true).status }
	if whoami() != http.StatusCreated {
		t.Fatal("carol's certificate does not work")
	}
	if cn := carol.clientCertOf(t).Subject.CommonName; cn != "idp-corp:carol" {
		t.Fatalf("CN %q", cn)
	}
	expectStatus(t, call(t, c, adminCred, "POST", cceClusters+"/"+ProdClusterID+"/clustercertrevoke",
		map[string]string{"userId": "idp-corp:carol"}), http.StatusOK)
	if whoami() != http.StatusUnauthorized {
		t.Error("a revocation of idp-corp:carol left its certificate working")
	}

	cl, _ := c.Cluster(StagingClusterID)
	cl.Locked, cl.LockScene = true, "ARREARAGE"
	c.PutCluster(cl)
	m := call(t, c, adminCred, "GET", cceClusters+"/"+StagingClusterID, nil).json(t)
	if s := obj(m["status"]); s["isLocked"] != true || s["lockScene"] != "ARREARAGE" {
		t.Errorf("status %v", s)
	}
	r := call(t, c, adminCred, "POST", cceClusters+"/"+StagingClusterID+"/clustercertrevoke", map[string]string{"userId": BobUserID})
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "locked") {
		t.Errorf("revocation on a locked cluster: %d %s", r.status, r.body)
	}
}
