package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// applicantIDPattern is the rule for user and agency IDs. IAM IDs
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
	stringRule
	rule, fix string
}

var (
	applicantIDFormat = newIDFormat(applicantIDRE,
		"an IAM ID is 32 lowercase hexadecimal characters, e.g. 0c97ac3cb280f4d91fa7c0096739e1f8",
		"Copy the ID from the IAM console, from the CN of the person's certificate "+
			"(provider::cce::certificate_applicant_id), or from a CTS deleteUser/deleteAgency trace")
	clusterIDFormat = newIDFormat(clusterIDRE,
		"a CCE cluster ID is a lowercase UUID, e.g. 365b5e05-846a-11ea-9fe6-0255ac101107",
		"Copy it from the cluster's overview page in the CCE console (it is not the cluster name)")
)

func newIDFormat(re *regexp.Regexp, rule, fix string) idFormat {
	return idFormat{rule: rule, fix: fix, stringRule: stringRule{rule,
		func(_ context.Context, req validator.StringRequest, s string, diags *diag.Diagnostics) {
			if !re.MatchString(s) {
				diags.AddAttributeError(req.Path, "Invalid ID",
					fmt.Sprintf("%s = %s is not valid: %s. %s.", req.Path, quote(s), rule, fix))
			}
		},
	}}
}

// maxOtherIDLen bounds other_id: no source documents the length of a
// federated identity's ID ("<identity provider ID>:<user name>").
const maxOtherIDLen = 256

// otherIDProblem says what is wrong with an other ID, as the rest of a
// sentence that starts with the value; "" when nothing. Any non-empty ID
// without white space, control characters or "/" (the separator of the
// resource ID) is accepted: a federated identity's ID is no IAM ID.
func otherIDProblem(s string) string {
	switch {
	case s == "":
		return "is empty"
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case utf8.RuneCountInString(s) > maxOtherIDLen:
		return fmt.Sprintf("is longer than %d characters", maxOtherIDLen)
	case strings.IndexFunc(s, unicode.IsSpace) >= 0:
		return "contains white space (a pasted line break or a padding space?)"
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "contains a control character"
	case strings.Contains(s, "/"):
		return `contains "/", which no IAM or federated ID holds and which separates the parts of the resource ID`
	}
	return ""
}

// otherIDFormat validates other_id: an error for what cannot be an ID (see
// otherIDProblem), a warning for an ID that is not an IAM ID.
var otherIDFormat = stringRule{
	fmt.Sprintf("value must be a non-empty ID of at most %d characters without white space, control "+
		"characters or \"/\": an IAM user or agency ID, or a federated identity's ID", maxOtherIDLen),
	func(_ context.Context, req validator.StringRequest, s string, diags *diag.Diagnostics) {
		if problem := otherIDProblem(s); problem != "" {
			diags.AddAttributeError(req.Path, "Invalid ID", fmt.Sprintf("%s = %s %s. An ID is one word: "+
				"an IAM user or agency ID (32 lowercase hexadecimal characters), or the ID of a federated identity "+
				"(<identity provider ID>:<user name>). %s.", req.Path, quote(s), problem, applicantIDFormat.fix))
			return
		}
		if !applicantIDRE.MatchString(s) {
			diags.AddAttributeWarning(req.Path, "Not an IAM ID", fmt.Sprintf("%s = %s is not an IAM user "+
				"or agency ID (%s). That is right for a federated identity, whose ID is <identity provider ID>:<user "+
				"name> as provider::cce::certificate_applicant_id returns it; otherwise check that it was copied whole. "+
				"CCE accepts any ID and answers success even for one that never had a credential, so a wrong ID "+
				"revokes nothing.", req.Path, quote(s), applicantIDFormat.rule))
		}
	},
}
