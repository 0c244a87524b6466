package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The arguments that cce_credential_revocation and cce_revoke_credential
// share: the cluster, the one identity whose credentials to revoke, and the
// confirmation. Both objects describe, validate and read them alike, so that
// the same mistake gets the same message from either.

const (
	clusterIDDoc = "ID of the cluster (a UUID, not its name)."
	userIDDoc    = "ID of an existing IAM user whose credentials to revoke. Exactly one of `user_id`, `agency_id` " +
		"and `other_id` must be set."
	agencyIDDoc = "ID of an existing IAM agency whose credentials to revoke."
	otherIDDoc  = "Raw ID of an identity IAM no longer knows: a deleted user or agency, or a federated (IdP) " +
		"identity (`<identity provider ID>:<user name>`). Take it from the CN of their certificate " +
		"(`provider::cce::certificate_applicant_id`) or from a CTS `deleteUser` / `deleteAgency` trace " +
		"(`cce_certificate_applicants` with `include_deleted = true`). Any ID of at most 256 characters without " +
		"white space, control characters or `/`; one that is not an IAM ID (32 lowercase hexadecimal characters) " +
		"warns. Looked for in IAM's lists of users and agencies only to check `other_id_type`."
	otherIDTypeDoc = "How `other_id` is sent to CCE: `user` (the default, as `userId`) or `agency` (as `agencyId`). " +
		"Only valid with `other_id`. The plan fails when IAM knows the ID as the other type: CCE would answer " +
		"success and revoke nothing."
	confirmationDoc = "Must be exactly `REVOKE`, the word the console asks for, to acknowledge that revocation " +
		"cannot be undone."
)

// otherIDTypeValidators reject an other_id_type CCE does not know, or one
// given with user_id or agency_id.
func otherIDTypeValidators() []validator.String {
	return []validator.String{
		stringvalidator.OneOf(kindUser, kindAgency),
		otherIDTypeAlone,
	}
}

// validateOneApplicant requires exactly one of user_id, agency_id and
// other_id, with a message that says which were set and which to pick. object
// is what to use one of per identity: "resource" or "action".
func validateOneApplicant(userID, agencyID, otherID types.String, object string, diags *diag.Diagnostics) {
	var set []string
	for _, f := range []struct {
		attr string
		v    types.String
	}{{"user_id", userID}, {"agency_id", agencyID}, {"other_id", otherID}} {
		if f.v.IsUnknown() {
			return // Known later; the checks before the request see the final values.
		}
		if !f.v.IsNull() {
			set = append(set, f.attr)
		}
	}
	const which = "Use user_id for an existing IAM user, agency_id for an existing agency, or other_id for the ID " +
		"of a deleted or federated identity."
	switch len(set) {
	case 0:
		diags.AddAttributeError(path.Root("user_id"), "Whose credential?",
			"None of user_id, agency_id and other_id is set; a revocation needs exactly one. "+which)
	case 1:
	default:
		diags.AddAttributeError(path.Root(set[1]), "One identity per revocation",
			fmt.Sprintf("%s are set, but a revocation is about exactly one identity. %s To revoke several, "+
				"use one %s per identity (for_each).", strings.Join(set, " and "), which, object))
	}
}

// applicantFrom reads the one applicant from the identity arguments; known
// is false while any of them is unknown, or none is set. A null
// other_id_type sends other_id as a user.
func applicantFrom(userID, agencyID, otherID, otherIDType types.String) (applicant, bool) {
	for _, f := range []struct {
		kind string
		v    types.String
	}{{kindUser, userID}, {kindAgency, agencyID}, {kindOther, otherID}} {
		if f.v.IsUnknown() {
			return applicant{}, false
		}
		if f.v.IsNull() {
			continue
		}
		a := newApplicant(f.kind, f.v.ValueString(), f.kind)
		if f.kind == kindOther {
			if otherIDType.IsUnknown() {
				return applicant{}, false
			}
			if a.apiType = otherIDType.ValueString(); a.apiType == "" {
				a.apiType = kindUser
			}
		}
		return a, true
	}
	return applicant{}, false
}

// targetOf is what a revocation is about, as far as the arguments are known.
func targetOf(clusterID, userID, agencyID, otherID, otherIDType types.String) revocationTarget {
	var t revocationTarget
	if !clusterID.IsUnknown() {
		t.clusterID = clusterID.ValueString()
	}
	if a, ok := applicantFrom(userID, agencyID, otherID, otherIDType); ok {
		t.applicant = &a
	}
	return t
}

// revocationArgs are the arguments the resource and the action share.
type revocationArgs struct {
	ClusterID    types.String `tfsdk:"cluster_id"`
	UserID       types.String `tfsdk:"user_id"`
	AgencyID     types.String `tfsdk:"agency_id"`
	OtherID      types.String `tfsdk:"other_id"`
	OtherIDType  types.String `tfsdk:"other_id_type"`
	Confirmation types.String `tfsdk:"confirmation"`
}

// target is what the revocation is about, as far as the arguments know it.
func (a revocationArgs) target() revocationTarget {
	return targetOf(a.ClusterID, a.UserID, a.AgencyID, a.OtherID, a.OtherIDType)
}

// targetIn is what a revocation is about, as far as a configuration, plan or
// state knows it.
func targetIn(ctx context.Context, src attributeGetter, diags *diag.Diagnostics) revocationTarget {
	var v [5]types.String
	for i, name := range []string{"cluster_id", "user_id", "agency_id", "other_id", "other_id_type"} {
		getAttr(ctx, src, name, &v[i], diags)
	}
	return targetOf(v[0], v[1], v[2], v[3], v[4])
}

// minTimeout is the shortest timeout of a revocation: less cannot wait for a
// busy cluster or even for CCE's answer.
const minTimeout = time.Second

// defaultTimeout bounds a revocation whose configuration sets no timeout.
const defaultTimeout = 20 * time.Minute

// checkTimeoutFloor reports a timeout under minTimeout, the one floor of
// the resource's create timeout and the action's timeout; written is the
// setting as the configuration wrote it. It returns false when raw is not a
// duration, which it leaves to the caller.
func checkTimeoutFloor(at path.Path, written, raw string, diags *diag.Diagnostics) bool {
	d, err := time.ParseDuration(raw)
	if err != nil {
		return false
	}
	if d < minTimeout {
		diags.AddAttributeError(at, "Timeout too short",
			fmt.Sprintf("%s is less than %s: it bounds how long apply waits for a busy cluster and for CCE's answer, "+
				"so the revocation could never be sent. Write a duration such as \"10m\", or remove it for the default, %s.",
				written, minTimeout, shortDuration(defaultTimeout)))
	}
	return true
}

// timeoutFloor accepts a duration of at least minTimeout: the action's
// timeout, with the rule of the resource's create timeout.
var timeoutFloor = stringRule{
	fmt.Sprintf("value must be a duration such as \"10m\", at least %s", minTimeout),
	func(_ context.Context, req validator.StringRequest, raw string, diags *diag.Diagnostics) {
		if !checkTimeoutFloor(req.Path, fmt.Sprintf("%s = %s", req.Path, quote(raw)), raw, diags) {
			diags.AddAttributeError(req.Path, "Invalid duration",
				fmt.Sprintf("%s = %s is not a duration. Write one such as \"10m\" or \"90s\", or remove it for the "+
					"default, %s.", req.Path, quote(raw), shortDuration(defaultTimeout)))
		}
	},
}
