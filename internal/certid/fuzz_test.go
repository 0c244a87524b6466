package certid

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	ct "github.com/cceops/terraform-provider-cce/internal/certid/certidtest"
)

// minLeakLine is the shortest input line whose appearance in an error message
// counts as repeating the input.
const minLeakLine = 12

// FuzzCertificateApplicantID checks ApplicantID, the parser behind the
// certificate_applicant_id function: it never panics, and an error
// message never repeats an input line of minLeakLine or more bytes (the input
// may be a kubeconfig with a private key in it). Lines that are fixed message
// text anyway, such as "-----BEGIN CERTIFICATE-----", are exempt.
func FuzzCertificateApplicantID(f *testing.F) {
	fx := ct.Fixtures()
	for _, seed := range []string{fx.Alice.PEM(), fx.Bob.PEM() + fx.CA.PEM(), ct.KubeconfigYAML(), ct.KubeconfigJSON(),
		ct.KubeconfigTokenYAML(), fx.Alice.KeyPEM(), fx.CSRPEM} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		id, err := ApplicantID(text)
		if err == nil {
			if strings.TrimSpace(id) == "" {
				t.Fatalf("no error but an empty applicant ID")
			}
			return
		}
		msg := err.Error()
		if msg == "" {
			t.Fatal("empty error message")
		}
		vocabulary, err := messageText()
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
			for _, l := range []string{line, strings.TrimSpace(line)} {
				if len(l) >= minLeakLine && strings.Contains(msg, l) && !strings.Contains(vocabulary, l) {
					t.Fatalf("error message repeats input line %q:\n%s", l, msg)
				}
			}
		}
	})
}

// messageText returns every string literal of the package's source
// files, one a line: the fixed text its messages are built from.
var messageText = sync.OnceValues(func() (string, error) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			return "", err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					b.WriteString(s)
					b.WriteByte('\n')
				}
			}
			return true
		})
	}
	return b.String(), nil
})
