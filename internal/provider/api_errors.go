package provider

// Diagnostics that explain a failed API call: what the API answered, and what
// the failure means when it is not about the call itself.

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// apiErrorDetail ends a diagnostic detail with the API's own words: HTTP status,
// error code, message and request ID, which support needs to trace a call.
// When the failure is not about this call (refused credentials, a token of
// the wrong scope, an untrusted certificate, a port without TLS), what
// explains it replaces the advice.
func apiErrorDetail(err error, advice string) string {
	if cause := commonCause(err); cause != "" {
		advice = cause
	}
	var apiErr *cce.APIError
	if errors.As(err, &apiErr) {
		return fmt.Sprintf("%s\n\nThe API answered HTTP %d, code %s: %s (request ID %s).",
			advice, apiErr.StatusCode, orDash(apiErr.Code), apiErr.Message, orDash(apiErr.RequestID))
	}
	return fmt.Sprintf("%s\n\nThe request failed: %s", advice, err)
}

// commonCause explains a failure every call would meet, "" for others.
func commonCause(err error) string {
	var (
		refused *cce.CredentialsError
		scope   *cce.TokenScopeError
		skew    *cce.ClockSkewError
		noHost  *cce.UnknownHostError
	)
	switch {
	case errors.As(err, &skew) && skew.Claimed():
		return seeFirstClock
	case errors.As(err, &noHost) && noHost.Claimed():
		return seeFirstHost(noHost)
	case errors.As(err, &noHost):
		return unknownHostCause(noHost)
	case errors.As(err, &refused) && refused.Claimed():
		return seeFirstRefusal // reported in full once per process (addRefusal)
	case errors.As(err, &skew):
		return fmt.Sprintf("This machine's clock is %s off the cloud's, and an access key signature is valid only "+
			"within 15 minutes of the cloud's time. Set the clock right (e.g. enable NTP), then run again.",
			skew.Skew.Abs().Round(time.Minute))
	case errors.As(err, &scope):
		return "auth_token is scoped to the account (domain), and CCE and CTS accept only a token scoped to a " +
			"project. Request the token with a project scope (\"scope\": {\"project\": {\"id\": \"<project ID>\"}}), " +
			"or sign in with an access key pair or a password, for which the provider asks the right scope itself."
	case errors.As(err, &refused):
		return refusalCause(refused)
	case cce.IsUnknownAuthority(err):
		return "The endpoint's TLS certificate is signed by a certificate authority this machine does not trust. " +
			"If the endpoint uses a private or corporate authority (a private API gateway, a proxy that inspects " +
			"TLS), set cacert_file (or " + envList(envCACertFile) + ") to that authority's PEM file; keep insecure off."
	case cce.IsPlainHTTPAnswer(err):
		return "The endpoint answered in plain HTTP although its URL says https://: the URL names a port (or goes " +
			"through a proxy) that does not speak TLS. Check the endpoint URLs and the HTTPS_PROXY variable."
	}
	return ""
}

// credentialsRefused says, per way of signing in, that the cloud refused it.
var credentialsRefused = map[cce.AuthMethod]string{
	cce.AuthAKSK: "The cloud refused the access key pair: the secret key does not belong to the access key, or the " +
		"key is deleted or disabled. Check access_key and secret_key (or " + envList(envAccessKey) + " and " +
		envList(envSecretKey) + ").",
	cce.AuthTemporaryAKSK: "The cloud refused the temporary access key pair: it expired, or the secret key or " +
		"security_token does not belong to the access key. Get a fresh pair with its security token.",
	cce.AuthPassword: "IAM refused the password sign-in: check user_name, password and domain_name (the account " +
		"name), and that the user is enabled.",
	cce.AuthToken: "The cloud refused auth_token: it expired (tokens live at most 24 hours) or was revoked. Get a " +
		"new token, or sign in with an access key pair.",
}

// refusalCause says which setting a refusal is about. A refusal of an IAM
// request that carried domain_id is about domain_id when STS or CCE accepted
// the same key pair.
func refusalCause(refused *cce.CredentialsError) string {
	switch refused.Fault() {
	case cce.FaultDomainID:
		return fmt.Sprintf("IAM refused the access key pair with domain_id = %q, although STS or CCE accepted the "+
			"same key pair: domain_id is not the ID of the account the key belongs to. Set domain_id (or %s) to "+
			"the account ID (My Credentials > API Credentials in the console), or leave it unset: the provider then "+
			"looks it up.", refused.DomainID, envList(envDomainID))
	case cce.FaultDomainIDOrKey:
		return fmt.Sprintf("IAM refused the access key pair with domain_id = %q. Either domain_id is not the ID of "+
			"the key's account (set it to the account ID, or leave it unset), or the key pair itself is wrong "+
			"(check access_key and secret_key).", refused.DomainID)
	}
	return credentialsRefused[refused.Method]
}

// unknownHostCause says which setting an endpoint host that does not exist
// comes from.
func unknownHostCause(e *cce.UnknownHostError) string {
	if e.Setting != "region and cloud" {
		return fmt.Sprintf("DNS says host %q, of %s, does not exist. Check that endpoint's URL.", e.Host, e.Setting)
	}
	return fmt.Sprintf("DNS says host %q does not exist. The provider builds each endpoint as "+
		"https://<service>.<region>.<cloud> from region = %q and cloud = %q: check cloud (or %s; %q for Huawei "+
		"Cloud, %q for Open Telekom Cloud) and region (or %s), or set the endpoints.", e.Host, e.Region, e.Cloud,
		envList(envCloud), cce.DefaultCloud, cce.CloudOTC, envList(envRegion))
}

// seeFirstClock is the detail of every report of a clock refusal after the
// first in a provider process.
const seeFirstClock = "The cloud refused the request because of this machine's clock; the first error of this run " +
	"says by how much. Nothing more was sent in this run."

// seeFirstHost is the detail of every report of an unknown host after the
// first in a provider process.
func seeFirstHost(e *cce.UnknownHostError) string {
	return "Host " + e.Host + " does not exist; the first error of this run says which setting to check."
}

// seeFirstRefusal is the detail of every report of a refusal after the first
// in a provider process.
const seeFirstRefusal = "The cloud refused the provider's credentials; the first error of this run says which " +
	"setting and what to do. Nothing more was sent with these credentials in this run."

// addRefusal adds the error that says the credentials were refused (or that
// an endpoint's host does not exist), when err is that, and reports whether
// err was: every other call of the run would fail the same way, so the
// caller reports nothing else. The credentials are checked once per provider
// process (cce.CredentialsError.Claim): the first caller says in full which
// setting is at fault; later callers add one line that points at it.
//
// A later caller in a resource's plan adds that line too, although the plan
// fails anyway: during apply Terraform plans each resource again, and a
// resource whose plan has no error goes on to be checked against the saved
// plan, where the facts it could not learn would come out as "inconsistent
// final plan ... a bug in the provider".
func addRefusal(diags *diag.Diagnostics, err error) bool {
	var (
		refused *cce.CredentialsError
		noHost  *cce.UnknownHostError
		skew    *cce.ClockSkewError
		claim   func() bool
		summary string
		later   = seeFirstRefusal
	)
	switch {
	case errors.As(err, &skew):
		claim, summary, later = skew.Claim, "Clock out of step with the cloud", seeFirstClock
	case errors.As(err, &refused):
		claim, summary = refused.Claim, "Credentials refused"
	case errors.As(err, &noHost):
		// A host that does not exist fails every call to it the same way.
		claim, summary = noHost.Claim, "Endpoint host not found"
		later = seeFirstHost(noHost)
	default:
		return false
	}
	full := apiErrorDetail(err, "") // before the claim, which shortens it
	if claim() {
		diags.AddError(summary, full)
	} else {
		diags.AddError(summary+": see the first error", later)
	}
	return true
}

// ifForbidden returns " " + sentence (about a missing permission) when err is
// a 403, else "": another failure is no question of permission.
func ifForbidden(err error, sentence string) string {
	if cce.IsForbidden(err) {
		return " " + sentence
	}
	return ""
}

// refusedByAPI reports whether CCE certainly did not act: it answered with a
// client error. After a 5xx, a throttled retry budget or a transport error the
// outcome is unknown (the request may have been carried out before the
// connection broke).
func refusedByAPI(err error) bool {
	var apiErr *cce.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != 429
}
