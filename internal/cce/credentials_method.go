package cce

import (
	"fmt"
	"strings"
)

// The ways to sign in, in the order they are looked at. domain_name alone
// does not select the password method (it qualifies user_name):
// environments set up for the huaweicloud provider often carry
// HW_DOMAIN_NAME next to an access key pair.
var signInWays = []struct {
	name      string
	attrs     []string
	qualifier string // an attribute that, set alone, does not select the way
	method    AuthMethod
}{
	{"an access key pair", []string{"access_key", "secret_key"}, "", AuthAKSK},
	{"a password", []string{"user_name", "password", "domain_name"}, "domain_name", AuthPassword},
	{"a token", []string{"auth_token"}, "", AuthToken},
}

// MethodProblem is what keeps Credentials from selecting one way to sign in.
type MethodProblem int

// The problems Method reports.
const (
	// NoMethod: nothing that selects a way to sign in is set.
	NoMethod MethodProblem = iota
	// IncompleteMethod: a way is selected, but one of its attributes is missing.
	IncompleteMethod
	// SeveralMethods: more than one way is complete.
	SeveralMethods
	// TokenWithoutKey: security_token is set without an access key pair.
	TokenWithoutKey
)

// MethodError says why Credentials select no single way to sign in. It
// names attributes (access_key, user_name, ...), never values, so the
// provider can point at the setting and its environment variables.
type MethodError struct {
	Problem MethodProblem
	// Method is the way concerned ("an access key pair", "a password", "a
	// token"): the incomplete one, or the first of several complete ones.
	Method string
	// Set and Missing are the incomplete way's attributes that are set, and
	// the first that is not.
	Set     []string
	Missing string
	// Second is the second complete way, and SecondAttr its first attribute.
	Second, SecondAttr string
}

// Error implements error.
func (e *MethodError) Error() string {
	switch e.Problem {
	case IncompleteMethod:
		return fmt.Sprintf("incomplete credentials for %s: %s set, %s not set", e.Method, strings.Join(e.Set, " and "), e.Missing)
	case SeveralMethods:
		return fmt.Sprintf("more than one authentication method configured (%s and %s); set exactly one", e.Method, e.Second)
	case TokenWithoutKey:
		return "security_token is set, but access_key and secret_key not set: a security token belongs to a temporary access key pair"
	default:
		return "no credentials configured: set access_key and secret_key (plus security_token for temporary keys), or " +
			"user_name, password and domain_name, or auth_token"
	}
}

// Method returns the one complete way to sign in, or a *MethodError.
func (c Credentials) Method() (AuthMethod, error) {
	values := map[string]string{"access_key": c.AccessKey, "secret_key": c.SecretKey, "user_name": c.UserName,
		"password": c.Password, "domain_name": c.DomainName, "auth_token": c.AuthToken}
	var complete []int
	for i, w := range signInWays {
		var set, missing []string
		selected := false
		for _, a := range w.attrs {
			if values[a] == "" {
				missing = append(missing, a)
				continue
			}
			set = append(set, a)
			selected = selected || a != w.qualifier
		}
		switch {
		case len(missing) == 0:
			complete = append(complete, i)
		case selected:
			return "", &MethodError{Problem: IncompleteMethod, Method: w.name, Set: set, Missing: missing[0]}
		}
	}
	if c.SecurityToken != "" && c.AccessKey == "" {
		return "", &MethodError{Problem: TokenWithoutKey, Method: signInWays[0].name}
	}
	switch len(complete) {
	case 0:
		return "", &MethodError{Problem: NoMethod}
	case 1:
	default:
		first, second := signInWays[complete[0]], signInWays[complete[1]]
		return "", &MethodError{Problem: SeveralMethods, Method: first.name, Second: second.name, SecondAttr: second.attrs[0]}
	}
	m := signInWays[complete[0]].method
	if m == AuthAKSK && c.SecurityToken != "" {
		m = AuthTemporaryAKSK
	}
	return m, nil
}
