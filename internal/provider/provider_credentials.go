package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// credentialEnv is the environment variable of each credentials attribute.
var credentialEnv = map[string]envVar{
	"access_key": envAccessKey, "secret_key": envSecretKey, "security_token": envSecurityToken,
	"user_name": envUserName, "password": envPassword, "domain_name": envDomainName, "auth_token": envAuthToken,
}

// checkCredentials turns cce.Credentials.Method's verdict (exactly one
// complete way to sign in) into an error on the attribute at fault that
// names its environment variables. It never prints a value.
func checkCredentials(c cce.Credentials, diags *diag.Diagnostics) {
	_, err := c.Method()
	var me *cce.MethodError
	if !errors.As(err, &me) {
		return
	}
	switch me.Problem {
	case cce.IncompleteMethod:
		verb := "is"
		if len(me.Set) > 1 {
			verb = "are"
		}
		diags.AddAttributeError(path.Root(me.Missing), "Incomplete credentials",
			fmt.Sprintf("%s %s set, so the provider signs in with %s, but %s is missing. Set %s in the "+
				"provider block or %s.", strings.Join(me.Set, " and "), verb, me.Method, me.Missing, me.Missing,
				envList(credentialEnv[me.Missing])))
	case cce.TokenWithoutKey:
		diags.AddAttributeError(path.Root("security_token"), "Security token without an access key",
			"security_token belongs to a temporary access key pair. Set access_key and secret_key of that pair "+
				"too ("+envList(envAccessKey)+", "+envList(envSecretKey)+").")
	case cce.SeveralMethods:
		diags.AddAttributeError(path.Root(me.SecondAttr), "More than one way to sign in",
			fmt.Sprintf("Both %s and %s are configured (in the provider block or the environment). Keep exactly "+
				"one: unset %s or the other method's attributes and variables.",
				me.Method, me.Second, envList(credentialEnv[me.SecondAttr])))
	default:
		diags.AddAttributeError(path.Root("access_key"), "No credentials",
			"The provider found no way to sign in. Set exactly one of:\n"+
				"- access_key and secret_key ("+envList(envAccessKey)+", "+envList(envSecretKey)+"), plus "+
				"security_token ("+envList(envSecurityToken)+") for a temporary pair;\n"+
				"- user_name, password and domain_name ("+envList(envUserName)+", "+envList(envPassword)+", "+
				envList(envDomainName)+");\n"+
				"- auth_token ("+envList(envAuthToken)+").")
	}
}
