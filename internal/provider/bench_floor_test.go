package provider

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The bench's floor (scripts/bench/floor) is a do-nothing provider with the
// schema of cce_credential_revocation: its attributes, blocks and identity.
// When the resource's schema grows and the floor's does not, every target
// "at most 1.10x the floor" measures the new attributes, not the provider
// (two location attributes made the apply look 1.17x on 2026-12-06).
func TestBenchFloor_sameSchemaAsTheResource(t *testing.T) {
	src, err := os.ReadFile("../../scripts/bench/floor/resource.go")
	if err != nil {
		t.Fatal(err)
	}
	names := func(re *regexp.Regexp, text string) []string {
		var out []string
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return out
	}
	floorAttrs := names(regexp.MustCompile(`"([a-z_]+)":\s+(?:schema\.\w+Attribute|computed\(\))`), string(src))
	floorIdentity := names(regexp.MustCompile(`"([a-z_]+)":\s+identityschema\.StringAttribute`), string(src))
	floorBlocks := names(regexp.MustCompile(`"([a-z_]+)":\s+timeouts\.Block`), string(src))

	r := NewCredentialRevocationResource()
	var sr resource.SchemaResponse
	r.Schema(t.Context(), resource.SchemaRequest{}, &sr)
	withIdentity, ok := r.(resource.ResourceWithIdentity)
	if !ok {
		t.Fatal("cce_credential_revocation has no identity")
	}
	var ir resource.IdentitySchemaResponse
	withIdentity.IdentitySchema(t.Context(), resource.IdentitySchemaRequest{}, &ir)
	keys := func(m map[string]bool) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	attrs, blocks, identity := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for k := range sr.Schema.Attributes {
		attrs[k] = true
	}
	for k := range sr.Schema.Blocks {
		blocks[k] = true
	}
	for k := range ir.IdentitySchema.Attributes {
		identity[k] = true
	}
	for _, c := range []struct {
		what        string
		floor, ours []string
	}{{"attributes", floorAttrs, keys(attrs)}, {"blocks", floorBlocks, keys(blocks)}, {"identity", floorIdentity, keys(identity)}} {
		if !slices.Equal(c.floor, c.ours) {
			t.Errorf("the floor's %s %v, the resource's %v: update scripts/bench/floor/resource.go", c.what, c.floor, c.ours)
		}
	}
	if v := regexp.MustCompile(`identityschema\.Schema\{Version: (\d+)`).FindStringSubmatch(string(src)); v == nil ||
		v[1] != strconv.FormatInt(ir.IdentitySchema.Version, 10) {
		t.Errorf("identity versions: the floor's %v, the resource's %d", v, ir.IdentitySchema.Version)
	}
}
