package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// Kinds of applicant, as they appear in the resource ID.
const (
	kindUser   = "user"
	kindAgency = "agency"
	kindOther  = "other"
)

// applicant is the one identity a revocation is about.
type applicant struct {
	kind    string // user, agency or other
	attr    string // user_id, agency_id or other_id
	id      string
	apiType string // user or agency: how CCE receives it
}

func newApplicant(kind, id, apiType string) applicant {
	return applicant{kind: kind, attr: kind + "_id", id: id, apiType: apiType}
}

func (a applicant) api() cce.Applicant {
	if a.apiType == kindAgency {
		return cce.Applicant{AgencyID: a.id}
	}
	return cce.Applicant{UserID: a.id}
}

func (a applicant) describe() string {
	if a.kind == kindOther {
		return fmt.Sprintf("the %s ID %s", a.apiType, a.id)
	}
	return fmt.Sprintf("%s %s", a.kind, a.id)
}

// revocationID is `<cluster_id>/<kind>/<applicant ID>`, with `/agency` after
// an other ID sent as an agency.
func revocationID(clusterID string, a applicant) string {
	id := clusterID + "/" + a.kind + "/" + a.id
	if a.kind == kindOther && a.apiType == kindAgency {
		id += "/" + kindAgency
	}
	return id
}

var errImportFormat = errors.New("the import ID must look like <cluster_id>/user/<user ID>, <cluster_id>/agency/<agency ID>, " +
	"<cluster_id>/other/<ID> or <cluster_id>/other/<ID>/agency (an other ID sent as an agency), each optionally " +
	"followed by @<region> or @<region>/<project_id>")

// parseRevocationID is the inverse of revocationID.
func parseRevocationID(id string) (string, applicant, error) {
	parts := strings.Split(id, "/")
	if len(parts) < 3 || len(parts) > 4 {
		return "", applicant{}, fmt.Errorf("%s: %w", quote(id), errImportFormat)
	}
	clusterID, kind, appID := parts[0], parts[1], parts[2]
	if !clusterIDRE.MatchString(clusterID) {
		return "", applicant{}, fmt.Errorf("%s: cluster ID %s is not valid: %s", quote(id), quote(clusterID), clusterIDFormat.rule)
	}
	if problem := importedIDProblem(kind, appID); problem != "" {
		return "", applicant{}, fmt.Errorf("%s: applicant ID %s %s", quote(id), quote(appID), problem)
	}
	a := newApplicant(kind, appID, kind)
	switch {
	case len(parts) == 4 && kind == kindOther && parts[3] == kindAgency:
		a.apiType = kindAgency
	case len(parts) == 4:
		return "", applicant{}, fmt.Errorf("%s: %w", quote(id), errImportFormat)
	case kind == kindOther:
		a.apiType = kindUser
	case kind != kindUser && kind != kindAgency:
		return "", applicant{}, fmt.Errorf("%s: kind %s is none of user, agency, other: %w", quote(id), quote(kind), errImportFormat)
	}
	return clusterID, a, nil
}

// importedIDProblem checks an applicant ID of an import: an other ID may be
// any ID other_id accepts (a federated identity's), a user or agency ID is an
// IAM ID. It returns the rest of a sentence after the ID, "" when it is valid.
func importedIDProblem(kind, appID string) string {
	if kind == kindOther {
		return otherIDProblem(appID)
	}
	if !applicantIDRE.MatchString(appID) {
		return "is not valid: " + applicantIDFormat.rule
	}
	return ""
}

// errImportLocation says which location suffixes an import ID takes.
const importLocationForms = "An import ID may end in @<region> or @<region>/<project_id> to name the cluster's " +
	"location (e.g. <cluster_id>/user/<user ID>@eu-de); without it the provider's region and project are meant"

// splitImportLocation takes an optional location suffix off an import ID:
// the text after the last "@" when it is a region, or a region, "/" and a
// project ID. A federated ID may hold "@" too: a suffix that is no location
// is left on the ID.
func splitImportLocation(id string) (string, string, string, error) {
	at := strings.LastIndex(id, "@")
	if at < 0 {
		return id, "", "", nil
	}
	rest := id[at+1:]
	region, project, hasProject := strings.Cut(rest, "/")
	if cce.CheckRegion(region) != nil {
		if hasProject || !strings.Contains(id[:at], "/"+kindOther+"/") { // only an other ID may hold "@"
			return "", "", "", fmt.Errorf("%s: %q after the last \"@\" is not a region name. %s", quote(id), rest, importLocationForms)
		}
		return id, "", "", nil // part of a federated ID
	}
	if hasProject {
		if err := cce.CheckProjectID(project); err != nil {
			return "", "", "", fmt.Errorf("%s: %w. %s", quote(id), err, importLocationForms)
		}
	}
	return id[:at], region, project, nil
}
