package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// quotaFlag is the -quota flag: the account's API quota (mockcloud.WithQuota).
type quotaFlag struct {
	rps   float64
	burst int
}

// String implements flag.Value.
func (q *quotaFlag) String() string {
	if q == nil || q.rps == 0 {
		return ""
	}
	return strconv.FormatFloat(q.rps, 'g', -1, 64) + "/" + strconv.Itoa(q.burst)
}

// Set implements flag.Value.
func (q *quotaFlag) Set(v string) error {
	rps, burst, err := mockcloud.ParseQuota(v)
	if err != nil {
		return err
	}
	q.rps, q.burst = rps, burst
	return nil
}

// line renders the quota as a shell comment of the start-up summary.
func (q *quotaFlag) line() string {
	if q.rps == 0 {
		return ""
	}
	return fmt.Sprintf("# account quota: %s requests per second, bursts of %d; beyond it 429 APIGW.0308 (logged fault=quota)\n",
		strconv.FormatFloat(q.rps, 'g', -1, 64), q.burst)
}

// report writes, when the mock stops, how many requests the quota admitted
// and refused.
func (q *quotaFlag) report(w io.Writer, cloud *mockcloud.Cloud) error {
	if q.rps == 0 {
		return nil
	}
	st := cloud.QuotaStats()
	if _, err := fmt.Fprintf(w, "# account quota: %d requests admitted, %d throttled (429)\n", st.Admitted, st.Throttled); err != nil {
		return fmt.Errorf("write stdout: %w", err)
	}
	return nil
}
