package provider

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// How cce_credential_revocations reads and writes its values: the applicants
// of a configuration, the revocations map (tftypes, so that unknown and null
// elements survive), and the element-scoped wording of the shared checks.

// entryAttrs are the attributes of one element of revocations.
var entryAttrs = []string{"applicant_type", "applicant_name", "revoked_at", "revoked_by", "cluster_version"}

func entryType() tftypes.Object {
	t := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	for _, a := range entryAttrs {
		t.AttributeTypes[a] = tftypes.String
	}
	return t
}

// batchApplicant is one applicant of the batch and where the configuration names it.
type batchApplicant struct {
	applicant
	at  path.Path // the set element or map key
	key string    // its key in revocations
}

// revocationKey is the key of a's element in revocations: the tail of the
// single resource's ID.
func revocationKey(a applicant) string { return strings.TrimPrefix(revocationID("", a), "/") }

// applicantsIn reads the applicants of a configuration or plan, in a stable
// order; known is false while any of them is unknown.
func applicantsIn(ctx context.Context, src attributeGetter, diags *diag.Diagnostics) (apps []batchApplicant, known bool) {
	var users, agencies types.Set
	var others types.Map
	getAttr(ctx, src, "users", &users, diags)
	getAttr(ctx, src, "agencies", &agencies, diags)
	getAttr(ctx, src, "others", &others, diags)
	if diags.HasError() || users.IsUnknown() || agencies.IsUnknown() || others.IsUnknown() {
		return nil, false
	}
	known = true
	add := func(kind, id, apiType string, at path.Path) {
		a := newApplicant(kind, id, apiType)
		apps = append(apps, batchApplicant{applicant: a, at: at, key: revocationKey(a)})
	}
	for _, s := range []struct {
		attr, kind string
		set        types.Set
	}{{"users", kindUser, users}, {"agencies", kindAgency, agencies}} {
		for _, v := range s.set.Elements() {
			sv, ok := v.(types.String)
			if !ok || sv.IsUnknown() {
				known = false
				continue
			}
			add(s.kind, sv.ValueString(), s.kind, path.Root(s.attr).AtSetValue(sv))
		}
	}
	for id, v := range others.Elements() {
		sv, ok := v.(types.String)
		if !ok || sv.IsUnknown() {
			known = false
			continue
		}
		add(kindOther, id, sv.ValueString(), path.Root("others").AtMapKey(id))
	}
	slices.SortFunc(apps, func(a, b batchApplicant) int { return strings.Compare(a.key, b.key) })
	return apps, known
}

// scoped moves diagnostics of the single resource's checks from its
// arguments (user_id, other_id_type, ...) to the batch's element, and names
// the element in the text the way this resource's arguments do.
func (b batchApplicant) scoped(diags diag.Diagnostics) diag.Diagnostics {
	words := strings.NewReplacer("user_id = ", "users entry ", "agency_id = ", "agencies entry ",
		"other_id_type = ", "others value ", "other_id = ", "others key ")
	var out diag.Diagnostics
	for _, d := range diags {
		wp, ok := d.(diag.DiagnosticWithPath)
		if !ok || !slices.ContainsFunc([]string{"user_id", "agency_id", "other_id", "other_id_type"},
			func(a string) bool { return wp.Path().Equal(path.Root(a)) }) {
			out.Append(d)
			continue
		}
		if d.Severity() == diag.SeverityError {
			out.AddAttributeError(b.at, d.Summary(), words.Replace(d.Detail()))
		} else {
			out.AddAttributeWarning(b.at, d.Summary(), words.Replace(d.Detail()))
		}
	}
	return out
}

// batchState is what a plan or state of the resource says beyond its applicants.
type batchState struct {
	clusterID string // "" while unknown
	entries   map[string]map[string]tftypes.Value
}

// stateOf reads the cluster and the revocations of a plan or state.
func stateOf(raw tftypes.Value, diags *diag.Diagnostics) batchState {
	var s batchState
	if raw.IsNull() || !raw.IsKnown() {
		return s
	}
	var attrs map[string]tftypes.Value
	var revs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		diags.AddError("Cannot read the revocations", err.Error())
		return s
	}
	if c := attrs["cluster_id"]; c.IsKnown() && !c.IsNull() {
		_ = c.As(&s.clusterID)
	}
	if v := attrs["revocations"]; !v.IsKnown() || v.IsNull() {
		return s
	} else if err := v.As(&revs); err != nil {
		diags.AddError("Cannot read the revocations", err.Error())
		return s
	}
	s.entries = map[string]map[string]tftypes.Value{}
	for k, v := range revs {
		var e map[string]tftypes.Value
		if err := v.As(&e); err != nil {
			diags.AddError("Cannot read the revocations", err.Error())
			return s
		}
		s.entries[k] = e
	}
	return s
}

// newEntry is an element of revocations: known strings from vals, null for
// the names in nulls, unknown for the rest.
func newEntry(vals map[string]string, nulls ...string) map[string]tftypes.Value {
	e := map[string]tftypes.Value{}
	for _, a := range entryAttrs {
		switch v, ok := vals[a]; {
		case ok:
			e[a] = tftypes.NewValue(tftypes.String, v)
		case slices.Contains(nulls, a):
			e[a] = tftypes.NewValue(tftypes.String, nil)
		default:
			e[a] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
		}
	}
	return e
}

// withRevocations returns obj with revocations set to entries (unknown for nil).
func withRevocations(obj tftypes.Value, entries map[string]map[string]tftypes.Value, diags *diag.Diagnostics) tftypes.Value {
	var attrs map[string]tftypes.Value
	if err := obj.As(&attrs); err != nil {
		diags.AddError("Cannot set the revocations", err.Error())
		return obj
	}
	mt := tftypes.Map{ElementType: entryType()}
	if entries == nil {
		attrs["revocations"] = tftypes.NewValue(mt, tftypes.UnknownValue)
	} else {
		m := map[string]tftypes.Value{}
		for k, e := range entries {
			m[k] = tftypes.NewValue(entryType(), e)
		}
		attrs["revocations"] = tftypes.NewValue(mt, m)
	}
	return tftypes.NewValue(obj.Type(), attrs)
}

// overlay returns e with the values planned knew: the plan's values stay.
func overlay(e, planned map[string]tftypes.Value) map[string]tftypes.Value {
	out := maps.Clone(e)
	for a, v := range planned {
		if v.IsKnown() {
			out[a] = v
		}
	}
	return out
}
