package provider

// Small text helpers of diagnostics and state values.

import (
	"fmt"
	"slices"
	"strconv"
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

// maxQuoted is how many characters of a value an error message repeats.
const maxQuoted = 100

// quote formats a value for a message like %q, cut after maxQuoted
// characters: a pasted kubeconfig must not fill the screen.
func quote(s string) string {
	r := []rune(s)
	if len(r) <= maxQuoted {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s... (%d characters)", strconv.Quote(string(r[:maxQuoted])), len(r))
}
