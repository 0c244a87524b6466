package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// stringRule is a string validator: description states the rule, and check
// reports what is wrong with a configured value. Null and unknown values are
// not checked (an unknown one is checked where it is used).
type stringRule struct {
	description string
	check       func(ctx context.Context, req validator.StringRequest, value string, diags *diag.Diagnostics)
}

func (r stringRule) Description(context.Context) string { return r.description }

func (r stringRule) MarkdownDescription(context.Context) string { return r.description }

func (r stringRule) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	r.check(ctx, req, req.ConfigValue.ValueString(), &resp.Diagnostics)
}

// endpointURL accepts an absolute https URL with a host and no query, and
// an http one only for a loopback host.
var endpointURL = stringRule{
	"value must be an absolute https:// URL such as https://cce.eu-de.otc.t-systems.com",
	func(_ context.Context, req validator.StringRequest, raw string, diags *diag.Diagnostics) {
		if summary, problem := endpointProblem(req.Path.String(), raw); problem != "" {
			diags.AddAttributeError(req.Path, summary, problem)
		}
	},
}

// endpointProblem says what is wrong with the endpoint URL raw of the
// argument named at, as a summary and a detail that names the argument and
// shows the URL without user info, query and fragment; "" when nothing.
func endpointProblem(at, raw string) (string, string) {
	e := cce.CheckEndpoint(raw)
	switch {
	case e == nil:
		return "", ""
	case e.PlainHTTP:
		return "Plain-HTTP endpoint refused", fmt.Sprintf("%s = %q is refused: %s.", at, e.Shown, e.Problem)
	case e.Shown == "":
		return "Invalid endpoint URL", fmt.Sprintf("%s %s.", at, e.Problem)
	}
	return "Invalid endpoint URL", fmt.Sprintf("%s = %q %s.", at, e.Shown, e.Problem)
}

// hostnameSuffix accepts a DNS domain suffix such as myhuaweicloud.com.
const hostnameSuffixRule = "value must be a lowercase domain suffix such as myhuaweicloud.com or otc.t-systems.com, without scheme or dots at the ends"

var (
	hostnameSuffixRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	hostnameSuffix   = stringRule{hostnameSuffixRule,
		func(_ context.Context, req validator.StringRequest, raw string, diags *diag.Diagnostics) {
			if !hostnameSuffixRE.MatchString(raw) {
				diags.AddAttributeError(req.Path, "Invalid cloud domain",
					fmt.Sprintf("%s = %q is not a domain suffix: %s.", req.Path, raw, hostnameSuffixRule))
			}
		},
	}
)

// validRegex accepts a Go (RE2) regular expression.
var validRegex = stringRule{
	"value must be a valid RE2 regular expression",
	func(_ context.Context, req validator.StringRequest, raw string, diags *diag.Diagnostics) {
		if _, err := regexp.Compile(raw); err != nil {
			diags.AddAttributeError(req.Path, "Invalid regular expression",
				fmt.Sprintf("%s = %s is not a valid regular expression: %s. The syntax is Go's RE2 "+
					"(https://github.com/google/re2/wiki/Syntax): no look-around or back-references.",
					req.Path, quote(raw), err))
		}
	},
}

// clusterPhase accepts a documented CCE cluster phase (cce.Phases), spelled
// exactly as CCE reports it.
var clusterPhase = stringRule{
	"value must be a CCE cluster phase: " + strings.Join(cce.Phases(), ", "),
	func(_ context.Context, req validator.StringRequest, raw string, diags *diag.Diagnostics) {
		if slices.Contains(cce.Phases(), raw) {
			return
		}
		hint := ""
		if i := slices.IndexFunc(cce.Phases(), func(p string) bool { return strings.EqualFold(p, raw) }); i >= 0 {
			hint = fmt.Sprintf(" Did you mean %q? Phases are case-sensitive.", cce.Phases()[i])
		}
		diags.AddAttributeError(req.Path, "Invalid cluster phase",
			fmt.Sprintf("%s is not a phase CCE reports.%s Use one of: %s.", quote(raw), hint, strings.Join(cce.Phases(), ", ")))
	},
}

// durationWithin accepts a Go duration greater than 0 and at most limit; why
// explains the bound.
func durationWithin(limit time.Duration, why string) stringRule {
	rule := fmt.Sprintf("value must be a duration such as 72h, greater than 0 and at most %s", shortDuration(limit))
	return stringRule{rule, func(_ context.Context, req validator.StringRequest, raw string, diags *diag.Diagnostics) {
		d, err := time.ParseDuration(raw)
		switch {
		case err != nil:
			diags.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("%s = %s is not a duration: %s. Use hours, "+
				"minutes or seconds, e.g. \"72h\" or \"90m\" (days are not a unit: write 48h for two days).",
				req.Path, quote(raw), rule))
		case d <= 0 || d > limit:
			diags.AddAttributeError(req.Path, "Duration out of range",
				fmt.Sprintf("%s = %s is out of range: %s. %s", req.Path, quote(raw), rule, why))
		}
	}}
}

// shortDuration prints 168h0m0s as 168h and 20m0s as 20m.
func shortDuration(d time.Duration) string {
	switch {
	case d != 0 && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d != 0 && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// confirmationWord is what the console asks an administrator to type before it
// revokes a credential.
const confirmationWord = "REVOKE"

// exactConfirmation accepts only the confirmation word.
var exactConfirmation = stringRule{
	`value must be exactly "` + confirmationWord + `"`,
	func(_ context.Context, req validator.StringRequest, s string, diags *diag.Diagnostics) {
		if s != confirmationWord {
			diags.AddAttributeError(req.Path, "Revocation not confirmed",
				fmt.Sprintf("confirmation = %q, but it must be exactly %q (in capitals), as the console asks. "+
					"Revoking a credential cannot be undone; write confirmation = %q to confirm.",
					s, confirmationWord, confirmationWord))
		}
	},
}
