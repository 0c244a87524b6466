package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// Location: every object takes optional region and project_id; empty means
// the provider's. The client's At gives the view of that location, which
// shares IAM, STS and the sign-in with the provider's and has its own CCE
// and CTS hosts.

const (
	regionDoc = "Region of the cluster(s), e.g. `eu-de`. Default: the provider's `region`. CCE and CTS requests go " +
		"to that region's hosts (the provider's `region_endpoints`, else `https://{cce|cts}.{region}.{cloud}`); " +
		"IAM and STS are global and shared."
	projectIDDoc = "ID of the project (32 hexadecimal characters) the cluster(s) live in. Default: the provider's " +
		"`project_id` in the provider's region, else the project named after `region`."
)

var (
	regionFormat    = formatRule("Invalid region", "value must be a region name such as eu-de or cn-north-4", cce.CheckRegion)
	projectIDFormat = formatRule("Invalid project_id", "value must be a project ID: 32 lowercase hexadecimal characters", cce.CheckProjectID)
)

// formatRule is a validator of a string's form: check says what is wrong,
// and summary is the error's.
func formatRule(summary, description string, check func(string) error) stringRule {
	return stringRule{description, func(_ context.Context, req validator.StringRequest, raw string, diags *diag.Diagnostics) {
		if err := check(raw); err != nil {
			diags.AddAttributeError(req.Path, summary, fmt.Sprintf("%s = %s.", req.Path, err))
		}
	}}
}

// located is a client view and the location it works in, with the
// project spelt out.
type located struct {
	client *cce.Client
	loc    cce.Location
}

// locate returns the view of client for region and project (null or ""
// means the provider's), with the project discovered when not given. Errors
// point at region (or project_id) under at: "" for the object's root.
func locate(ctx context.Context, client *cce.Client, region, project types.String, at path.Path, diags *diag.Diagnostics) (located, bool) {
	regionAt, projectAt := at.AtName("region"), at.AtName("project_id")
	if at.Equal(path.Empty()) {
		regionAt, projectAt = path.Root("region"), path.Root("project_id")
	}
	view, err := client.At(cce.Location{Region: region.ValueString(), ProjectID: project.ValueString()})
	var le *cce.LocationEndpointError
	switch {
	case errors.As(err, &le):
		diags.AddAttributeError(regionAt, "No endpoint for region "+le.Region, fmt.Sprintf(
			"region = %q needs the %s endpoint of %s. %s.", le.Region, le.Service, le.Region, err))
		return located{}, false
	case errors.As(err, new(*cce.LocationAuthError)):
		diags.AddAttributeError(regionAt, "Another location needs an access key pair", err.Error()+".")
		return located{}, false
	case err != nil && !project.IsNull() && project.ValueString() != "" && cce.CheckProjectID(project.ValueString()) != nil:
		diags.AddAttributeError(projectAt, "Invalid project_id", err.Error())
		return located{}, false
	case err != nil:
		diags.AddAttributeError(regionAt, "Invalid region", err.Error())
		return located{}, false
	}
	pid, err := view.ProjectID(ctx)
	if err != nil {
		diags.AddAttributeError(regionAt, "Cannot find the project of region "+view.Location().Region, apiErrorDetail(err,
			"Without project_id the provider looks up the project named after the region (GET /v3/projects?name=...). "+
				"Set project_id on this object, or check the region's name."))
		return located{}, false
	}
	return located{client: view, loc: cce.Location{Region: view.Location().Region, ProjectID: pid}}, true
}

// where renders a location for messages: `region "eu-de", project 0a1b...`.
func where(loc cce.Location) string {
	return fmt.Sprintf("region %q, project %s", loc.Region, loc.ProjectID)
}

// regionEndpointsModel is one value of the provider's region_endpoints.
type regionEndpointsModel struct {
	CCE types.String `tfsdk:"cce"`
	CTS types.String `tfsdk:"cts"`
}

// regionEndpointsSchema is the provider's region_endpoints attribute.
func regionEndpointsSchema() providerschema.MapNestedAttribute {
	return providerschema.MapNestedAttribute{
		Optional: true,
		MarkdownDescription: "CCE and CTS endpoints of regions other than the provider's, by region name, for " +
			"objects whose `region` names another region. `endpoints.cce` and `endpoints.cts` apply to the " +
			"provider's region only; another region uses its entry here, else the public " +
			"`https://{cce|cts}.{region}.{cloud}`. When `endpoints.cce` or `endpoints.cts` is set (a private " +
			"gateway), an object in a region without an entry for that service is refused at plan instead of " +
			"going to the public host. IAM and STS are global: every region uses `endpoints.iam` and `endpoints.sts`. " +
			"Same URL rules as `endpoints`.",
		Validators: []validator.Map{mapvalidator.KeysAre(regionFormat)},
		NestedObject: providerschema.NestedAttributeObject{
			Attributes: map[string]providerschema.Attribute{
				"cce": providerschema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "CCE endpoint of the region, e.g. `https://cce.eu-nl.otc.t-systems.com`.",
					Validators:          []validator.String{endpointURL},
				},
				"cts": providerschema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "CTS (Cloud Trace Service) endpoint of the region.",
					Validators:          []validator.String{endpointURL},
				},
			},
		},
	}
}

// regionEndpointsConfig turns region_endpoints into the client's form.
func regionEndpointsConfig(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]cce.RegionEndpoints {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	var in map[string]regionEndpointsModel
	diags.Append(m.ElementsAs(ctx, &in, false)...)
	out := make(map[string]cce.RegionEndpoints, len(in))
	for region, e := range in {
		out[region] = cce.RegionEndpoints{CCE: e.CCE.ValueString(), CTS: e.CTS.ValueString()}
	}
	return out
}

// resourceLocationAttrs returns the region and project_id attributes of a
// resource that keeps its location in the state; the texts end their
// descriptions.
func resourceLocationAttrs(regionMore, projectMore string) (region, project resourceschema.StringAttribute) {
	region = resourceschema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: regionDoc + " " + regionMore,
		Validators: []validator.String{regionFormat}}
	project = resourceschema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: projectIDDoc + " " + projectMore,
		Validators: []validator.String{projectIDFormat}}
	return region, project
}
