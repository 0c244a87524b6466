package provider

// Small text helpers of diagnostics and state values.

import (
	"slices"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// orDash shows an empty value as a dash.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// sortedCopy returns s sorted, never nil (an empty list, not null, in state).
func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// quote formats a value for a message: cce.Quote, the one rule for values
// in messages of both rooms.
func quote(s string) string { return cce.Quote(s) }
