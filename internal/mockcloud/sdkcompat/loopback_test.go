package sdkcompat

import (
	"os"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/loopbackonly"
)

// TestMain keeps the provider's client on this machine (see
// internal/loopbackonly). The SDK builds transports of its own, which the
// guard does not reach; every SDK client here names the mock's endpoint.
func TestMain(m *testing.M) {
	loopbackonly.Install()
	os.Exit(m.Run())
}
