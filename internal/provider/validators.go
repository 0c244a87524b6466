package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// absoluteURL accepts an absolute http(s) URL with a host and no query.
type absoluteURL struct{}

func (absoluteURL) Description(context.Context) string {
	return "value must be an absolute https:// URL such as https://cce.eu-de.otc.t-systems.com"
}

func (v absoluteURL) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v absoluteURL) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint URL",
			fmt.Sprintf("%q is not an absolute URL with scheme and host: %s.", raw, v.Description(ctx)))
	}
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
			fmt.Sprintf("%q is not a domain suffix: %s.", raw, v.Description(ctx)))
	}
}
