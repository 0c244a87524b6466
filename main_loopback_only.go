//go:build cce_loopback_only

package main

import "github.com/cceops/terraform-provider-cce/internal/loopbackonly"

// The provider binary the CLI tests build (go build -tags cce_loopback_only)
// connects to loopback addresses only: a test that forgot an endpoint fails
// instead of calling the real cloud. Release builds have no such tag.
func init() { loopbackonly.Install() }
