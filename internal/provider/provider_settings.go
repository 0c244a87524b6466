package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// settings reads one attribute with its environment fallback.
type settings struct {
	getenv func(string) string
	diags  *diag.Diagnostics
}

func (s settings) env(v envVar) (string, string) {
	for _, name := range v {
		if val := s.getenv(name); val != "" {
			return val, name
		}
	}
	return "", ""
}

func (s settings) unknown(p path.Path) {
	s.diags.AddAttributeError(p, "Unknown provider argument",
		"The value of "+p.String()+" is not known until apply, but the provider needs it to plan. Use a value "+
			"known at plan time, such as a variable or an environment variable.")
}

func (s settings) str(v types.String, p path.Path, e envVar) string {
	return envFallback(s, v, v.ValueString(), p, e, "", func(raw string) (string, error) { return raw, nil }, "")
}

func (s settings) boolean(v types.Bool, p path.Path, e envVar) bool {
	return envFallback(s, v, v.ValueBool(), p, e, false, strconv.ParseBool, "is not a boolean. Set it to true or false.")
}

func (s settings) integer(v types.Int64, p path.Path, e envVar, def, lo, hi int64) int64 {
	return envFallback(s, v, v.ValueInt64(), p, e, def, func(raw string) (int64, error) {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err == nil && (n < lo || n > hi) {
			err = errOutOfRange
		}
		return n, err
	}, fmt.Sprintf("is not a whole number from %d to %d. Fix or unset it.", lo, hi))
}

func (s settings) float(v types.Float64, p path.Path, e envVar) float64 {
	return envFallback(s, v, v.ValueFloat64(), p, e, 0, func(raw string) (float64, error) {
		f, err := strconv.ParseFloat(raw, 64)
		if err == nil && f < 0 {
			err = errOutOfRange
		}
		return f, err
	}, "is not a number of requests per second (0 or more). Fix or unset it.")
}

var errOutOfRange = errors.New("out of range")

// envFallback returns the attribute v at p: value when v is set, else its
// environment variable e parsed by parse, else def. An unknown v is an error,
// and so is a variable that parse refuses (NAME="raw" problem); both give def.
func envFallback[T any](s settings, v attr.Value, value T, p path.Path, e envVar, def T, parse func(string) (T, error), problem string) T {
	if v.IsUnknown() {
		s.unknown(p)
		return def
	}
	if !v.IsNull() {
		return value
	}
	raw, name := s.env(e)
	if raw == "" {
		return def
	}
	x, err := parse(raw)
	if err != nil {
		s.diags.AddAttributeError(p, "Invalid environment variable", fmt.Sprintf("%s=%q %s", name, raw, problem))
		return def
	}
	return x
}

// domainIDPattern is the form of an account (domain) ID: 32 hexadecimal
// characters, as IAM shows it (My Credentials > API Credentials).
var domainIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)

// domainIDProblem completes "domain_id = "<value>" " with what is wrong, ""
// when the value has the form of an account ID. Every IAM request the key
// pair signs carries it, so a malformed one is refused before any request.
func domainIDProblem(id string) string {
	if domainIDPattern.MatchString(id) {
		return ""
	}
	hint := ""
	if !strings.ContainsAny(id, "0123456789") {
		hint = " It looks like a name: domain_id is the account's ID, and the account's name goes in domain_name."
	}
	return fmt.Sprintf("is not an account ID: an account (domain) ID is 32 hexadecimal characters (%d given). Copy it "+
		"from My Credentials > API Credentials in the console, or leave domain_id unset: the provider then looks "+
		"it up with the access key.%s", len(id), hint)
}

// domainIDFormat is the schema validator of domain_id.
var domainIDFormat = stringRule{
	"value must be an account ID: 32 hexadecimal characters",
	func(_ context.Context, req validator.StringRequest, id string, diags *diag.Diagnostics) {
		if id == "" {
			return // LengthAtLeast's
		}
		if problem := domainIDProblem(id); problem != "" {
			diags.AddAttributeError(req.Path, "Invalid domain_id", fmt.Sprintf("domain_id = %q %s", id, problem))
		}
	},
}

// checkDomainID applies the schema's rule to domain_id from the
// environment too.
func checkDomainID(id string, diags *diag.Diagnostics) {
	if id == "" {
		return
	}
	if problem := domainIDProblem(id); problem != "" {
		diags.AddAttributeError(path.Root("domain_id"), "Invalid domain_id",
			fmt.Sprintf("domain_id = %q %s (The value comes from the provider block or %s.)", id, problem, envList(envDomainID)))
	}
}
