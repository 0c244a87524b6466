package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// checkCredentials requires exactly one complete way to sign in and says which
// attributes or variables are missing. It never prints a value. As in
// cce.Credentials.Method, domain_name alone does not select the password
// method: it qualifies user_name, and environments set up for the huaweicloud
// provider often carry HW_DOMAIN_NAME next to an access key pair.
func checkCredentials(c cce.Credentials, diags *diag.Diagnostics) {
	type method struct {
		name      string
		fields    []credField
		qualifier string // a field that, set alone, does not select the method
	}
	methods := []method{
		{"an access key pair", []credField{{"access_key", envAccessKey, c.AccessKey}, {"secret_key", envSecretKey, c.SecretKey}}, ""},
		{"a password", []credField{{"user_name", envUserName, c.UserName}, {"password", envPassword, c.Password}, {"domain_name", envDomainName, c.DomainName}}, "domain_name"},
		{"a token", []credField{{"auth_token", envAuthToken, c.AuthToken}}, ""},
	}
	var complete []method
	for _, m := range methods {
		var set, missing []credField
		selected := false
		for _, f := range m.fields {
			if f.value != "" {
				set = append(set, f)
				selected = selected || f.attr != m.qualifier
			} else {
				missing = append(missing, f)
			}
		}
		switch {
		case len(missing) == 0:
			complete = append(complete, m)
		case selected:
			f, verb := missing[0], "is"
			if len(set) > 1 {
				verb = "are"
			}
			diags.AddAttributeError(path.Root(f.attr), "Incomplete credentials",
				fmt.Sprintf("%s %s set, so the provider signs in with %s, but %s is missing. Set %s in the "+
					"provider block or %s.", joinAttrs(set), verb, m.name, f.attr, f.attr, envList(f.env)))
			return
		}
	}
	if c.SecurityToken != "" && c.AccessKey == "" {
		diags.AddAttributeError(path.Root("security_token"), "Security token without an access key",
			"security_token belongs to a temporary access key pair. Set access_key and secret_key of that pair "+
				"too ("+envList(envAccessKey)+", "+envList(envSecretKey)+").")
		return
	}
	switch len(complete) {
	case 0:
		diags.AddAttributeError(path.Root("access_key"), "No credentials",
			"The provider found no way to sign in. Set exactly one of:\n"+
				"- access_key and secret_key ("+envList(envAccessKey)+", "+envList(envSecretKey)+"), plus "+
				"security_token ("+envList(envSecurityToken)+") for a temporary pair;\n"+
				"- user_name, password and domain_name ("+envList(envUserName)+", "+envList(envPassword)+", "+
				envList(envDomainName)+");\n"+
				"- auth_token ("+envList(envAuthToken)+").")
	case 1:
	default:
		second := complete[1].fields[0]
		diags.AddAttributeError(path.Root(second.attr), "More than one way to sign in",
			fmt.Sprintf("Both %s and %s are configured (in the provider block or the environment). Keep exactly "+
				"one: unset %s or the other method's attributes and variables.",
				complete[0].name, complete[1].name, envList(second.env)))
	}
}

type credField struct {
	attr  string
	env   envVar
	value string
}

func joinAttrs(fs []credField) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.attr
	}
	return strings.Join(names, " and ")
}
