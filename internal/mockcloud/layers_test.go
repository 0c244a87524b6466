package mockcloud

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// layers are the mock's packages by layer, bottom first (the package doc of
// server.go draws them). A package imports only packages of layers below its
// own: never one of its own layer (the services know nothing of each other),
// never one above.
var layers = [][]string{
	{"world", "pki"},
	{"wire"},
	{"iam", "sts", "cce", "cts", "kube"},
	{"gateway"},
	{"."},
	{"cmd/cce-mockcloud"},
}

// TestLayers_importOnlyDownward reads the imports of every Go file of the
// mock, tests included, and fails on one that reaches sideways or up.
func TestLayers_importOnlyDownward(t *testing.T) {
	t.Parallel()
	const module = "github.com/cceops/terraform-provider-cce/internal/mockcloud"
	layerOf := map[string]int{}
	for i, pkgs := range layers {
		for _, p := range pkgs {
			layerOf[p] = i
		}
	}
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path == "sdkcompat" { // a module of its own, a client of the mock
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		own, known := layerOf[dir]
		if !known {
			t.Errorf("%s: package %q is in no layer; add it to layers (and to the package doc of server.go)", path, dir)
			return nil
		}
		seen[dir] = true
		f, perr := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if perr != nil {
			return perr
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			rest, ok := strings.CutPrefix(p, module)
			if !ok {
				continue
			}
			target := strings.TrimPrefix(rest, "/")
			if target == "" {
				target = "."
			}
			if l, inLayer := layerOf[target]; !inLayer || l >= own {
				t.Errorf("%s (layer %d) imports %s (layer %d): a layer imports only the ones below it", path, own, target, l)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range layerOf {
		if !seen[p] {
			t.Errorf("layer package %q has no Go file", p)
		}
	}
}
