package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestWithStrings(t *testing.T) {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String, "n": tftypes.Number}}
	obj := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"n":  tftypes.NewValue(tftypes.Number, nil),
	})

	var diags diag.Diagnostics
	got := withStrings(obj, map[string]string{"id": "a/b"}, &diags)
	want := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, "a/b"),
		"n":  tftypes.NewValue(tftypes.Number, nil),
	})
	if diags.HasError() || !got.Equal(want) {
		t.Errorf("withStrings = %v, %v; want %v", got, diags, want)
	}

	for _, name := range []string{"n", "missing"} {
		var diags diag.Diagnostics
		if got := withStrings(obj, map[string]string{name: "x"}, &diags); !diags.HasError() || !got.Equal(obj) {
			t.Errorf("withStrings(%s) = %v, %v; want the object unchanged and an error", name, got, diags)
		}
	}
}
