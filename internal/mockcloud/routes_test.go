package mockcloud

import (
	"slices"
	"testing"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/kube"
)

// Every route the mock serves, the kube API servers' included, has a Route*
// name that -fault and the control API accept, and no name is left over.
func TestRouteNames_everyRoute(t *testing.T) {
	t.Parallel()
	served := append(Routes(), kube.Routes...)
	for _, label := range served {
		if !knownRoute(label) {
			t.Errorf("route %q has no name in routeNames: -fault route=<name> cannot name it", label)
		}
	}
	for name, label := range routeNames {
		if !slices.Contains(served, label) {
			t.Errorf("routeNames[%q] = %q, which the mock does not serve", name, label)
		}
	}
}
