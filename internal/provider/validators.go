package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// endpointURL accepts an absolute https URL with a host and no query, and
// an http one only for a loopback host.
type endpointURL struct{}

func (endpointURL) Description(context.Context) string {
	return "value must be an absolute https:// URL such as https://cce.eu-de.otc.t-systems.com"
}

func (v endpointURL) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v endpointURL) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if summary, problem := endpointProblem(req.Path.String(), req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, summary, problem)
	}
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
type hostnameSuffix struct{}

var hostnameSuffixRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

func (hostnameSuffix) Description(context.Context) string {
	return "value must be a lowercase domain suffix such as myhuaweicloud.com or otc.t-systems.com, without scheme or dots at the ends"
}

func (v hostnameSuffix) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v hostnameSuffix) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if raw := req.ConfigValue.ValueString(); !hostnameSuffixRE.MatchString(raw) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid cloud domain",
			fmt.Sprintf("%s = %q is not a domain suffix: %s.", req.Path, raw, v.Description(ctx)))
	}
}

// validRegex accepts a Go (RE2) regular expression.
type validRegex struct{}

func (validRegex) Description(context.Context) string {
	return "value must be a valid RE2 regular expression"
}

func (v validRegex) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (validRegex) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%s = %s is not a valid regular expression: %s. The syntax is Go's RE2 "+
				"(https://github.com/google/re2/wiki/Syntax): no look-around or back-references.",
				req.Path, quote(req.ConfigValue.ValueString()), err))
	}
}

// clusterPhase accepts a documented CCE cluster phase (cce.Phases), spelled
// exactly as CCE reports it.
type clusterPhase struct{}

func (clusterPhase) Description(context.Context) string {
	return "value must be a CCE cluster phase: " + strings.Join(cce.Phases(), ", ")
}

func (v clusterPhase) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v clusterPhase) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	if slices.Contains(cce.Phases(), raw) {
		return
	}
	hint := ""
	if i := slices.IndexFunc(cce.Phases(), func(p string) bool { return strings.EqualFold(p, raw) }); i >= 0 {
		hint = fmt.Sprintf(" Did you mean %q? Phases are case-sensitive.", cce.Phases()[i])
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid cluster phase",
		fmt.Sprintf("%s is not a phase CCE reports.%s Use one of: %s.", quote(raw), hint, strings.Join(cce.Phases(), ", ")))
}

// durationWithin accepts a Go duration greater than 0 and at most max; why
// explains the bound.
type durationWithin struct {
	max time.Duration
	why string
}

func (v durationWithin) Description(context.Context) string {
	return fmt.Sprintf("value must be a duration such as 72h, greater than 0 and at most %s", shortDuration(v.max))
}

func (v durationWithin) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationWithin) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.Path.String(), req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, v.title(req.ConfigValue.ValueString()), msg)
	}
}

// title is the summary of the error check reports for raw.
func (v durationWithin) title(raw string) string {
	if _, err := time.ParseDuration(raw); err != nil {
		return "Invalid duration"
	}
	return "Duration out of range"
}

// check explains what is wrong with raw as the value of name ("" if nothing).
func (v durationWithin) check(name, raw string) string {
	d, err := time.ParseDuration(raw)
	switch {
	case err != nil:
		return fmt.Sprintf("%s = %s is not a duration: %s. Use hours, minutes or seconds, e.g. \"72h\" or \"90m\" "+
			"(days are not a unit: write 48h for two days).", name, quote(raw), v.Description(context.Background()))
	case d <= 0 || d > v.max:
		return fmt.Sprintf("%s = %s is out of range: %s. %s", name, quote(raw), v.Description(context.Background()), v.why)
	}
	return ""
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
type exactConfirmation struct{}

func (exactConfirmation) Description(context.Context) string {
	return `value must be exactly "` + confirmationWord + `"`
}

func (v exactConfirmation) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (exactConfirmation) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); s != confirmationWord {
		resp.Diagnostics.AddAttributeError(req.Path, "Revocation not confirmed",
			fmt.Sprintf("confirmation = %q, but it must be exactly %q (in capitals), as the console asks. "+
				"Revoking a credential cannot be undone; write confirmation = %q to confirm.",
				s, confirmationWord, confirmationWord))
	}
}
