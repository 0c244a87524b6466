package cce

import (
	"fmt"
	"strconv"
)

// maxQuoted is how many characters of a value an error message repeats.
const maxQuoted = 100

// Quote formats a value for an error message like %q, cut after maxQuoted
// characters (never inside one): a pasted kubeconfig or a cloud's odd
// answer must not fill the screen.
func Quote(s string) string {
	r := []rune(s)
	if len(r) <= maxQuoted {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s... (%d characters)", strconv.Quote(string(r[:maxQuoted])), len(r))
}
