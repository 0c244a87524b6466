package provider

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// Two pipelines of one account apply at once, 80 revocations each at
// -parallelism=40, against an account quota of 20 requests a second: the
// gateway throttles them, and the provider slows down: fewer than one try in
// three is throttled. Both applies succeed at the first go, and CCE sees each
// (cluster, ID) exactly once.
func TestAccReliability_sharedQuota(t *testing.T) {
	const pipelines, n = 2, 80
	e := newAccEnv(t, mockcloud.WithQuota(20, 10))
	e.set("HW_MAX_RETRIES", "") // the provider's default, 5
	clusters := addClusters(e)
	clis := make([]*cli, pipelines)
	for i := range clis {
		clis[i] = newCLI(t, e, filepath.Join("testdata", "reliability"), fmt.Sprintf("pipeline-%d", i+1))
		revocationTargetsFrom(t, clis[i], clusters, i*n, n)
	}
	outs, codes := make([]string, pipelines), make([]int, pipelines)
	var wg sync.WaitGroup
	for i, c := range clis {
		wg.Go(func() {
			outs[i], codes[i] = c.run("apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=40")
		})
	}
	wg.Wait()
	for i := range clis {
		if codes[i] != 0 {
			t.Errorf("pipeline %d: apply exited %d:\n%s", i+1, codes[i], outs[i])
		}
	}
	st := e.cloud.QuotaStats()
	t.Logf("quota: %d requests admitted, %d throttled", st.Admitted, st.Throttled)
	if st.Throttled == 0 {
		t.Error("the quota throttled nothing: the test does not test throttling")
	}
	// Without slowing down (retries with backoff alone) the same run has
	// more throttled tries than admitted requests.
	if st.Throttled*2 > st.Admitted {
		t.Errorf("%d tries throttled for %d requests admitted: the provider did not slow down", st.Throttled, st.Admitted)
	}
	var inState []string
	for _, c := range clis {
		inState = append(inState, stateRevocations(t, c)...)
	}
	slices.Sort(inState)
	var inMock []string
	for _, r := range e.cloud.Revocations() {
		inMock = append(inMock, r.ClusterID+"/"+r.UserID)
	}
	slices.Sort(inMock)
	if len(inState) != pipelines*n || !slices.Equal(inState, inMock) {
		t.Errorf("state holds %d revocations, CCE recorded %d (each (cluster, ID) must be revoked once): state only %v, CCE only %v",
			len(inState), len(inMock), first(diff(inState, inMock)), first(diff(inMock, inState)))
	}
	if strings.Contains(strings.Join(outs, ""), "Error") {
		t.Error("an apply reported an error")
	}
}
