package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// minLeakLine is the shortest input line whose appearance in an error message
// counts as repeating the input.
const minLeakLine = 12

// FuzzCertificateApplicantID checks applicantIDFromText, the pure entry point
// of the certificate_applicant_id function: it never panics, and an error
// message never repeats an input line of minLeakLine or more bytes (the input
// may be a kubeconfig with a private key in it). Lines that are fixed message
// text anyway, such as "-----BEGIN CERTIFICATE-----", are exempt.
func FuzzCertificateApplicantID(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "function_*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no testdata/function_* seeds: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, text string) {
		id, err := applicantIDFromText(text)
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
		vocabulary, err := functionMessageText()
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

// functionMessageText returns every string literal of the function's source
// file, one a line: the fixed text its messages are built from.
var functionMessageText = sync.OnceValues(func() (string, error) {
	file, err := parser.ParseFile(token.NewFileSet(), "certificate_applicant_id_function.go", nil, 0)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	ast.Inspect(file, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				b.WriteString(s)
				b.WriteByte('\n')
			}
		}
		return true
	})
	return b.String(), nil
})
