package provider

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// clientFrom takes the client out of the provider data given to Configure. It
// returns nil without a diagnostic while the provider is not configured yet
// (Terraform calls Configure on objects before the provider during validation).
func clientFrom(data any, diags *diagsT) *cce.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*cce.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *cce.Client, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return c
}

// requireClient reports a clear error when an object is used before the
// provider could be configured (for example after a provider configuration error).
func requireClient(c *cce.Client, diags *diagsT) bool {
	if c == nil {
		diags.AddError("Provider not configured",
			"The cce provider has no client, usually because its configuration has errors reported above. Fix them and retry.")
		return false
	}
	return true
}

// apiErrorDetail ends a diagnostic detail with the API's own words: HTTP status,
// error code, message and request ID, which support needs to trace a call.
func apiErrorDetail(err error, advice string) string {
	var apiErr *cce.APIError
	if errors.As(err, &apiErr) {
		return fmt.Sprintf("%s\n\nThe API answered HTTP %d, code %s: %s (request ID %s).",
			advice, apiErr.StatusCode, orDash(apiErr.Code), apiErr.Message, orDash(apiErr.RequestID))
	}
	return fmt.Sprintf("%s\n\nThe request failed: %s", advice, err)
}

// refusedByAPI reports whether CCE certainly did not act: it answered with a
// client error. After a 5xx, a throttled retry budget or a transport error the
// outcome is unknown (the request may have been carried out before the
// connection broke).
func refusedByAPI(err error) bool {
	var apiErr *cce.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != 429
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

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
