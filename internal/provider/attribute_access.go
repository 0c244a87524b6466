package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Objects planned by the thousand read single attributes and write their
// computed strings in one step, not through a whole model: the framework
// reflects a model's struct tags anew on every Get and Set (compiling a
// regular expression per field), and SetAttribute copies the whole object
// once per attribute. Either costs more than everything else the provider
// does to plan a revocation.

// attributeGetter is a configuration, plan or state.
type attributeGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// attributeSetter is a plan, state or identity.
type attributeSetter interface {
	SetAttribute(ctx context.Context, p path.Path, val any) diag.Diagnostics
}

// getAttr reads the top-level attribute name of src into target.
func getAttr(ctx context.Context, src attributeGetter, name string, target any, diags *diag.Diagnostics) {
	diags.Append(src.GetAttribute(ctx, path.Root(name), target)...)
}

// setAttr sets the top-level attribute name of dst to val.
func setAttr(ctx context.Context, dst attributeSetter, name string, val any, diags *diag.Diagnostics) {
	diags.Append(dst.SetAttribute(ctx, path.Root(name), val)...)
}

// withStrings returns obj, the raw value of a plan or state, with the
// top-level string attributes in vals set, or obj and an error diagnostic.
func withStrings(obj tftypes.Value, vals map[string]string, diags *diag.Diagnostics) tftypes.Value {
	if len(vals) == 0 {
		return obj
	}
	typ, ok := obj.Type().(tftypes.Object)
	var attrs map[string]tftypes.Value
	if err := obj.As(&attrs); !ok || err != nil || attrs == nil {
		diags.AddError("Cannot set computed values", fmt.Sprintf("The value to set them in is not an object (%v). "+
			"This is a bug in the provider; please report it.", err))
		return obj
	}
	for name, v := range vals {
		if t, ok := typ.AttributeTypes[name]; !ok || !t.Is(tftypes.String) {
			diags.AddError("Cannot set computed values", fmt.Sprintf("%s is not a string attribute of the object. "+
				"This is a bug in the provider; please report it.", name))
			return obj
		}
		attrs[name] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(typ, attrs)
}

// withUnknownStrings is withStrings for the attributes that are still unknown
// in obj: a value the plan knew is kept as planned.
func withUnknownStrings(obj tftypes.Value, vals map[string]string, diags *diag.Diagnostics) tftypes.Value {
	var attrs map[string]tftypes.Value
	if err := obj.As(&attrs); err != nil {
		diags.AddError("Cannot set computed values", fmt.Sprintf("The value to set them in is not an object (%v). "+
			"This is a bug in the provider; please report it.", err))
		return obj
	}
	unknown := map[string]string{}
	for name, v := range vals {
		if a, ok := attrs[name]; ok && !a.IsKnown() {
			unknown[name] = v
		}
	}
	return withStrings(obj, unknown, diags)
}
