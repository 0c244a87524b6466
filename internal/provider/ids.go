package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// applicantIDPattern is the one rule for user, agency and other IDs. IAM IDs
// are 32 lowercase hexadecimal characters in every document and answer seen;
// that is observed, not a documented constraint (cce-api.md §0), so this
// constant is the single place to relax it.
const applicantIDPattern = `^[0-9a-f]{32}$`

// clusterIDPattern matches a CCE cluster ID (metadata.uid), a UUID.
const clusterIDPattern = `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`

var (
	applicantIDRE = regexp.MustCompile(applicantIDPattern)
	clusterIDRE   = regexp.MustCompile(clusterIDPattern)
)

// idFormat validates an ID against a pattern with a message that names the
// value, the rule and where to find a correct one.
type idFormat struct {
	re   *regexp.Regexp
	rule string
	fix  string
}

var (
	applicantIDFormat = idFormat{
		re:   applicantIDRE,
		rule: "an IAM ID is 32 lowercase hexadecimal characters, e.g. 0c97ac3cb280f4d91fa7c0096739e1f8",
		fix: "Copy the ID from the IAM console, from the CN of the person's certificate " +
			"(provider::cce::certificate_applicant_id), or from a CTS deleteUser/deleteAgency trace",
	}
	clusterIDFormat = idFormat{
		re:   clusterIDRE,
		rule: "a CCE cluster ID is a lowercase UUID, e.g. 365b5e05-846a-11ea-9fe6-0255ac101107",
		fix:  "Copy it from the cluster's overview page in the CCE console (it is not the cluster name)",
	}
)

func (v idFormat) Description(context.Context) string { return v.rule }

func (v idFormat) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v idFormat) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); !v.re.MatchString(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid ID",
			fmt.Sprintf("%s = %s is not valid: %s. %s.", req.Path, quote(s), v.rule, v.fix))
	}
}
