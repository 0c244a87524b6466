package cce

import (
	"os"
	"strings"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/loopbackonly"
)

// TestMain keeps every test on this machine: clients clone
// http.DefaultTransport, which the guard makes refuse any connection to a
// non-loopback address (before any DNS lookup).
func TestMain(m *testing.M) {
	loopbackonly.Install()
	os.Exit(m.Run())
}

// The guard works: a client whose endpoints name the real cloud (the
// defaults for a region) or a public address is refused before connecting.
func TestLoopbackGuard(t *testing.T) {
	for _, cfg := range []Config{
		{Region: "eu-de", ProjectID: testProject, Credentials: akskCreds()},
		{Region: "eu-de", ProjectID: testProject, Credentials: akskCreds(), CCEEndpoint: "https://192.0.2.1:8443"},
	} {
		cfg.MaxRetries = 0
		c, err := NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Cluster(t.Context(), testCluster, Fresh)
		if err == nil || !strings.Contains(err.Error(), loopbackonly.ErrRefused) || !NotSent(err) {
			t.Errorf("%s: err = %v, want the guard's refusal", c.cfg.cceURL, err)
		}
	}
}
