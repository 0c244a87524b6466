package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// The product's rule on who may revoke: members of the admin group and the
// account may revoke anyone's credential, other IAM users only their own.
// Plan stops on it only when this provider process read the caller's groups
// and they say no. A caller it cannot classify (an agency session, a
// federated user, groups IAM will not show) gets a warning: its policies,
// which the provider cannot read, decide, and CCE applies them at apply.

// callerRule checks that the caller may revoke a's credential. atApply: the
// apply signs in as another principal (separate_apply_principal), so a
// refusal of this signer is left to the apply's own checks, with a warning.
func callerRule(c *cce.Identity, a applicant, atApply bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if c.UserID != "" && a.apiType == kindUser && a.id == c.UserID {
		return diags // one's own credential
	}
	at := path.Root(a.attr)
	switch c.Admin {
	case cce.AdminNo:
		who := fmt.Sprintf("The provider is signed in as %s, who is not a member of the admin group, and an IAM user "+
			"may revoke only their own credential (user_id = %q); %s = %q is someone else.", callerName(c), c.UserID, a.attr, a.id)
		if atApply {
			diags.AddAttributeWarning(at, "Checked at apply: whether the caller may revoke this credential",
				who+" separate_apply_principal is set: the apply signs in as another principal, and its own checks "+
					"enforce this rule before anything is sent.")
			return diags
		}
		diags.AddAttributeError(at, "Not allowed to revoke this credential", who+" Sign in as a member of the admin "+
			"group or as the account, or ask an administrator to apply this. A pipeline that plans with read-only "+
			"credentials and applies with others sets separate_apply_principal = true (or "+
			"HW_CCE_SEPARATE_APPLY_PRINCIPAL=true). While applying a saved plan, this means the apply signs in as "+
			"someone else than the plan did, or the caller left the admin group since: nothing was sent.")
	case cce.AdminUnknown:
		diags.AddAttributeWarning(at, "CCE decides whether this revocation is allowed",
			fmt.Sprintf("The provider is signed in as %s. %s So the plan cannot tell whether it may revoke the "+
				"credentials of %s: CCE decides when this is applied, and if it refuses, nothing is revoked and the "+
				"error says why.", callerName(c), c.AdminReason, a.describe()))
	}
	return diags
}

// callerName names the caller in a message.
func callerName(c *cce.Identity) string {
	switch {
	case c.UserName != "":
		return fmt.Sprintf("%s (%s)", c.UserName, c.UserID)
	case c.PrincipalURN != "":
		return c.PrincipalURN
	}
	return "an identity neither STS nor IAM could name"
}

// callerID is what revoked_by records: the IAM user ID, else STS's
// principal ID (an agency session, a federated user).
func callerID(c *cce.Identity) string {
	if c.UserID != "" {
		return c.UserID
	}
	return c.PrincipalID
}

// forbiddenCause explains CCE's 403 to a revocation from who the caller is.
func (e revocationChecks) forbiddenCause(ctx context.Context) string {
	c, err := e.client.Caller(ctx, cce.Cached)
	if err != nil {
		return ""
	}
	who := fmt.Sprintf(" CCE answered 403: the caller, %s, may not revoke this credential.", callerName(c))
	switch {
	case c.Admin == cce.AdminYes:
		return fmt.Sprintf(" CCE answered 403 although the caller, %s, may revoke any credential by the admin rule (%s) "+
			"Check its CCE permissions in this project (cce:cluster:revokeClientCredential).", callerName(c), c.AdminReason)
	case c.Kind == cce.PrincipalAgencySession || c.Kind == cce.PrincipalFederatedUser:
		return who + " " + c.AdminReason + " Allow cce:cluster:revokeClientCredential in those policies, or apply as a " +
			"member of the admin group or as the account."
	}
	return who + " " + c.AdminReason + " An IAM user may revoke only their own credential unless they are a member of " +
		"the admin group: apply as a member of the admin group or as the account."
}
