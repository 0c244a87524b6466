package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"sigs.k8s.io/yaml"
)

// Applicant IDs of the throwaway test certificates (made-up IAM user IDs).
const (
	fnAliceID = "0a11ce00000000000000000000000001"
	fnBobID   = "b0b00000000000000000000000000002"
	fnCAName  = "function test CA"
)

// fnCert is a throwaway certificate with its key.
type fnCert struct {
	cert *x509.Certificate
	der  []byte
	key  *ecdsa.PrivateKey
}

func (c fnCert) pem() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.der}))
}

func (c fnCert) keyPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(c.key)}))
}

var fnSerial struct {
	sync.Mutex
	n int64
}

// issueFnCert issues a certificate for subject, signed by parent (self-signed
// when parent is nil).
func issueFnCert(subject pkix.Name, parent *fnCert) fnCert {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	fnSerial.Lock()
	fnSerial.n++
	serial := big.NewInt(fnSerial.n)
	fnSerial.Unlock()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      subject,
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	signer, signerCert := key, tmpl
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	} else {
		signer, signerCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &key.PublicKey, signer)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return fnCert{cert: cert, der: der, key: key}
}

// fnFixtures are generated once per test binary: a CA and two users as CCE
// issues them (CN = IAM user ID, O = system:masters or similar).
type fnFixtures struct {
	ca, alice, bob fnCert
	rsaKeyPEM      string
	csrPEM         string
	csrDER         []byte
}

var fixtures = sync.OnceValue(func() fnFixtures {
	ca := issueFnCert(pkix.Name{CommonName: fnCAName}, nil)
	f := fnFixtures{
		ca:    ca,
		alice: issueFnCert(pkix.Name{CommonName: fnAliceID, Organization: []string{"system:authenticated"}}, &ca),
		bob:   issueFnCert(pkix.Name{CommonName: fnBobID, Organization: []string{"system:authenticated"}}, &ca),
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	f.rsaKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}))
	f.csrDER, err = x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: fnAliceID}}, f.alice.key)
	if err != nil {
		panic(err)
	}
	f.csrPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: f.csrDER}))
	return f
})

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// kcUser is one users entry of a kubeconfig.
type kcUser struct {
	name string
	user map[string]any
}

func certUser(name string, c fnCert) kcUser {
	return kcUser{name, map[string]any{
		"client-certificate-data": b64(c.pem()),
		"client-key-data":         b64(c.keyPEM()),
	}}
}

// kubeconfigOf builds a kubeconfig shaped like the ones the CCE console
// offers; contexts are name -> user.
func kubeconfigOf(current string, contexts [][2]string, users ...kcUser) map[string]any {
	f := fixtures()
	ctxs := []any{}
	for _, c := range contexts {
		ctxs = append(ctxs, map[string]any{"name": c[0], "context": map[string]any{"cluster": "externalCluster", "user": c[1]}})
	}
	us := []any{}
	for _, u := range users {
		us = append(us, map[string]any{"name": u.name, "user": u.user})
	}
	kc := map[string]any{
		"apiVersion":  "v1",
		"kind":        "Config",
		"preferences": map[string]any{},
		"clusters": []any{map[string]any{"name": "externalCluster", "cluster": map[string]any{
			"server":                     "https://192.0.2.10:5443",
			"certificate-authority-data": b64(f.ca.pem()),
		}}},
		"contexts": ctxs,
		"users":    us,
	}
	if current != "" {
		kc["current-context"] = current
	}
	return kc
}

func toYAML(v any) string {
	b, err := yaml.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func toJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err)
	}
	return string(b)
}

// fnKubeconfigYAML has two users; the current context is Bob's.
func fnKubeconfigYAML() string {
	f := fixtures()
	return toYAML(kubeconfigOf("bob@external", [][2]string{{"alice@external", "alice"}, {"bob@external", "bob"}},
		certUser("alice", f.alice), certUser("bob", f.bob)))
}

// fnKubeconfigJSON has one user and no current context.
func fnKubeconfigJSON() string {
	return toJSON(kubeconfigOf("", [][2]string{{"external", "user"}}, certUser("user", fixtures().alice)))
}

func fnKubeconfigTokenYAML() string {
	return toYAML(kubeconfigOf("external", [][2]string{{"external", "user"}},
		kcUser{"user", map[string]any{"token": "function-test-token-not-a-secret"}}))
}

// runApplicantID calls the function's Run as Terraform would.
func runApplicantID(t *testing.T, text string) (string, *function.FuncError) {
	t.Helper()
	resp := function.RunResponse{Result: function.NewResultData(types.StringUnknown())}
	NewCertificateApplicantIDFunction().Run(context.Background(),
		function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{types.StringValue(text)})}, &resp)
	if resp.Error != nil {
		return "", resp.Error
	}
	v, ok := resp.Result.Value().(types.String)
	if !ok || v.IsNull() || v.IsUnknown() {
		t.Fatalf("result is %#v, want a known string", resp.Result.Value())
	}
	return v.ValueString(), nil
}

func TestCertificateApplicantIDFunction_definition(t *testing.T) {
	f := NewCertificateApplicantIDFunction()
	var meta function.MetadataResponse
	f.Metadata(context.Background(), function.MetadataRequest{}, &meta)
	if meta.Name != "certificate_applicant_id" {
		t.Errorf("name %q", meta.Name)
	}
	var def function.DefinitionResponse
	f.Definition(context.Background(), function.DefinitionRequest{}, &def)
	d := def.Definition
	if d.Summary == "" || !strings.Contains(d.MarkdownDescription, "other_id") ||
		!strings.Contains(d.MarkdownDescription, "cce_credential_revocation") {
		t.Errorf("summary or description incomplete: %q / %q", d.Summary, d.MarkdownDescription)
	}
	if len(d.Parameters) != 1 || d.Parameters[0].GetName() != "text" || d.Parameters[0].GetMarkdownDescription() == "" {
		t.Errorf("parameters %#v", d.Parameters)
	}
	if _, ok := d.Return.(function.StringReturn); !ok {
		t.Errorf("return %#v, want a string", d.Return)
	}
	var v function.DefinitionValidateResponse
	d.ValidateImplementation(context.Background(), function.DefinitionValidateRequest{FuncName: meta.Name}, &v)
	if v.Diagnostics.HasError() || def.Diagnostics.HasError() {
		t.Errorf("definition: %v %v", v.Diagnostics, def.Diagnostics)
	}
}

func TestCertificateApplicantIDFunction_accepted(t *testing.T) {
	f := fixtures()
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	wrapped := func(s string) string { // like base64(1): lines of 76 characters
		var b strings.Builder
		for len(s) > 76 {
			b.WriteString(s[:76] + "\n")
			s = s[76:]
		}
		return b.String() + s + "\n"
	}
	kcYAML := fnKubeconfigYAML()
	only := toYAML(kubeconfigOf("", [][2]string{{"a", "alice"}, {"b", "alice"}}, certUser("alice", f.alice)))

	tests := []struct {
		name, text, want string
	}{
		{"PEM certificate", f.alice.pem(), fnAliceID},
		{"PEM chain: the first certificate counts", f.bob.pem() + f.ca.pem(), fnBobID},
		{"PEM chain starting with the CA", f.ca.pem() + f.alice.pem(), fnCAName},
		{"key before the certificate in one bundle", f.alice.keyPEM() + f.alice.pem(), fnAliceID},
		{"text around the PEM block (openssl output)", "subject=CN = " + "x\nissuer=CN = y\n" + f.alice.pem() + "trailer\n", fnAliceID},
		{"kubeconfig YAML: the user of the current context", kcYAML, fnBobID},
		{"kubeconfig JSON, only user, no current context", fnKubeconfigJSON(), fnAliceID},
		{"kubeconfig YAML, only user, no current context", only, fnAliceID},
		{"kubeconfig JSON on one line with current context", strings.Join(strings.Fields(toJSON(
			kubeconfigOf("a", [][2]string{{"b", "bob"}, {"a", "alice"}}, certUser("bob", f.bob), certUser("alice", f.alice)))), ""), fnAliceID},
		{"kubeconfig whose certificate data is a chain", toYAML(kubeconfigOf("c", [][2]string{{"c", "u"}},
			kcUser{"u", map[string]any{"client-certificate-data": b64(f.bob.pem() + f.ca.pem())}})), fnBobID},
		{"kubeconfig with minimal keys", "users:\n- name: u\n  user:\n    client-certificate-data: " + b64(f.alice.pem()) + "\n", fnAliceID},
		{"base64 of PEM", b64(f.alice.pem()), fnAliceID},
		{"base64 of PEM, wrapped at 76 characters", wrapped(b64(f.alice.pem())), fnAliceID},
		{"unpadded URL-safe base64 of PEM", base64.RawURLEncoding.EncodeToString([]byte(f.bob.pem())), fnBobID},
		{"base64 of kubeconfig YAML", b64(kcYAML), fnBobID},
		{"base64 of kubeconfig JSON", b64(fnKubeconfigJSON()), fnAliceID},
		{"base64 of a DER certificate (PEM body)", base64.StdEncoding.EncodeToString(f.alice.der), fnAliceID},
		{"CRLF PEM", crlf(f.alice.pem()), fnAliceID},
		{"CRLF kubeconfig", crlf(kcYAML), fnBobID},
		{"base64 of CRLF PEM", b64(crlf(f.bob.pem())), fnBobID},
		{"surrounding white space", "\n\t  " + f.alice.pem() + "\n\n  ", fnAliceID},
		{"byte order mark", "\ufeff" + kcYAML, fnBobID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runApplicantID(t, tt.text)
			if err != nil {
				t.Fatalf("error: %s", err.Text)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCertificateApplicantIDFunction_rejected(t *testing.T) {
	f := fixtures()
	withSubject := func(s pkix.Name) string { return issueFnCert(s, &f.ca).pem() }
	damaged := func(p string) string { // flip a byte inside the DER, keep the PEM armour
		block, _ := pem.Decode([]byte(p))
		b := append([]byte(nil), block.Bytes...)
		b[len(b)/3] ^= 0xff
		b[len(b)/3+1] ^= 0xff
		return string(pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: b}))
	}
	keyLines := strings.Split(strings.TrimSpace(f.alice.keyPEM()), "\n")
	truncatedKey := strings.Join(keyLines[:2], "\n")
	pubDER, err := x509.MarshalPKIXPublicKey(&f.alice.key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	ctx := func(name, user string) [][2]string { return [][2]string{{name, user}} }
	users2 := []kcUser{certUser("alice", f.alice), certUser("bob", f.bob)}
	kc := func(current string, contexts [][2]string, users ...kcUser) string {
		return toYAML(kubeconfigOf(current, contexts, users...))
	}
	user := func(fields ...string) kcUser {
		m := map[string]any{}
		for i := 0; i+1 < len(fields); i += 2 {
			m[fields[i]] = fields[i+1]
		}
		return kcUser{"u", m}
	}
	const certPath = "/home/someone/.secret-dir/client.crt"

	tests := []struct {
		name, text, want string
	}{
		{"empty", "", `^The text is empty.*expects a PEM certificate`},
		{"only white space and CRLF", " \r\n\t\r\n ", `^The text is empty`},
		{"plain words", "hello world, this is not a certificate", `^The text is neither a PEM certificate nor a kubeconfig.*file\("path/to/kubeconfig"\)`},
		{"words that would be base64 without the spaces", "not a certificate at all, sorry", `^The text is neither a PEM certificate nor a kubeconfig`},
		{"a file name", "~/.kube/config", `neither a PEM certificate.*If you passed a file name, read the file first: file\(`},
		{"private key (PKCS#8)", f.alice.keyPEM(), `^The text is a private key, not a certificate.*repeats none of it.*client-certificate-data`},
		{"RSA private key (PKCS#1)", f.rsaKeyPEM, `^The text is a private key`},
		{"truncated private key", truncatedKey, `^The text is a private key`},
		{"base64 of a private key (client-key-data)", b64(f.bob.keyPEM()), `^The base64-decoded text is a private key`},
		{"base64 of a DER private key", base64.StdEncoding.EncodeToString(mustPKCS8(f.alice.key)), `^The base64-decoded text is a private key`},
		{"kubeconfig whose certificate data is a key", kc("c", ctx("c", "u"), user("client-certificate-data", b64(f.alice.keyPEM()))),
			`^The client-certificate-data of the user of the kubeconfig's current context is a private key`},
		{"CSR", f.csrPEM, `^The text is a certificate signing request \(CSR\), not a certificate`},
		{"base64 of a DER CSR", base64.StdEncoding.EncodeToString(f.csrDER), `^The base64-decoded text is a certificate signing request`},
		{"public key", pubPEM, `^The text is a public key, not a certificate`},
		{"certificate without CN", withSubject(pkix.Name{Organization: []string{"no cn"}}), `^The text is a certificate whose subject has no common name \(CN\).*not a CCE client certificate`},
		{"certificate with an empty CN", withSubject(pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidCommonName, Value: ""}}}),
			`^The text is a certificate whose subject has a common name \(CN\), but it is empty`},
		{"certificate with a blank CN", withSubject(pkix.Name{CommonName: "   "}), `common name \(CN\), but it is empty`},
		{"certificate with two CNs", withSubject(pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidCommonName, Value: fnAliceID}, {Type: oidCommonName, Value: fnBobID}}}),
			`has 2 common names \(CN\), so its applicant is ambiguous`},
		{"truncated certificate", f.alice.pem()[:200], `^The text has a PEM BEGIN line but no complete PEM block`},
		{"damaged certificate", damaged(f.alice.pem()), `^The text has a CERTIFICATE block that is not a valid X.509 certificate`},
		{"PEM of another type", string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte("crl")})), `^The text holds 1 PEM block\(s\), none of them a certificate`},
		{"garbage base64", b64(f.alice.pem())[:401], `^The text consists of base64 characters only, but it is not valid base64`},
		{"base64 with a character appended after the padding", b64(f.alice.pem()+"\n") + "x", `^The text consists of base64 characters only, but it is not valid base64`},
		{"base64 of plain text", b64("this is just some text, not a certificate"), `^The base64-decoded text is neither a PEM certificate nor a kubeconfig`},
		{"base64 of base64", b64(b64(f.alice.pem())), `^The base64-decoded text is neither.*decoded once only`},
		{"base64 of binary data", base64.StdEncoding.EncodeToString([]byte{0x30, 0x82, 0x00, 0x01, 0xff, 0xfe, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80}), `^The base64-decoded text is binary data, neither a certificate nor a kubeconfig`},
		{"base64 of nothing but white space", b64(strings.Repeat(" \n", 12)), `^The base64-decoded text is empty`},
		{"YAML that is not a kubeconfig", "name: web\nreplicas: 3\n", `^The text is YAML or JSON, but not a kubeconfig.*kubectl config view --raw`},
		{"base64 of YAML that is not a kubeconfig", b64("name: web\nreplicas: 3\n"), `^The base64-decoded text is YAML or JSON, but not a kubeconfig`},
		{"JSON that is not a kubeconfig", `{"certificate": "none"}`, `^The text is YAML or JSON, but not a kubeconfig`},
		{"broken JSON", `{"users": [{"name": "u", "user": {`, `^The text starts like JSON but is not valid JSON`},
		{"kubeconfig YAML indented with tabs", "apiVersion: v1\nusers:\n\t- name: u\n", `^The text looks like a kubeconfig in YAML but does not parse.*tabs`},
		{"kubeconfig with users that is not a list", "kind: Config\nusers: everyone\n", `^The text is a kubeconfig whose structure is invalid`},
		{"token user", fnKubeconfigTokenYAML(), `^The user of the kubeconfig's current context authenticates with a bearer token, not with a client certificate`},
		{"token file user", kc("", nil, user("tokenFile", "/var/run/token")), `^The kubeconfig's only user authenticates with a bearer token`},
		{"exec user", kc("", nil, kcUser{"u", map[string]any{"exec": map[string]any{"command": "cce-auth"}}}), `authenticates with an exec credential plugin`},
		{"auth provider user", kc("", nil, kcUser{"u", map[string]any{"auth-provider": map[string]any{"name": "oidc"}}}), `authenticates with an auth provider plugin`},
		{"basic auth user", kc("", nil, user("username", "admin", "password", "pa55word-not-a-secret")), `authenticates with a user name and password`},
		{"user with nothing", kc("", nil, user()), `authenticates with no client certificate \(client-certificate-data\)`},
		{"client certificate as a file path", kc("c", ctx("c", "u"), user("client-certificate", certPath, "client-key", "/k.pem")),
			`^The kubeconfig names the client certificate of its user of the kubeconfig's current context by file path.*cannot read files.*file\("path/to/client.crt"\).*filebase64`},
		{"several users, no current context", kc("", nil, users2...), `^The kubeconfig has 2 users and no current-context.*users\[0\]`},
		{"current context missing", kc("gone", ctx("c", "alice"), users2...), `^The kubeconfig's current-context names a context that is not in its contexts list \(1 context\)`},
		{"current context's user missing", kc("c", ctx("c", "carol"), users2...), `^The kubeconfig's current context refers to a user that is not in its users list \(2 users\)`},
		{"current context without user", kc("c", ctx("c", ""), users2...), `^The kubeconfig's current context names no user`},
		{"kubeconfig without users", kc("", nil), `^The kubeconfig has no users`},
		{"certificate data that is not base64", kc("", nil, user("client-certificate-data", "not base64 at all!")),
			`^The client-certificate-data of the kubeconfig's only user is not valid base64`},
		{"certificate data of a CSR", kc("", nil, user("client-certificate-data", b64(f.csrPEM))),
			`^The client-certificate-data of the kubeconfig's only user is a certificate signing request`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ferr := runApplicantID(t, tt.text)
			if ferr == nil {
				t.Fatalf("no error, result %q", got)
			}
			if ferr.FunctionArgument == nil || *ferr.FunctionArgument != 0 {
				t.Errorf("function argument %v, want 0 (text)", ferr.FunctionArgument)
			}
			if !regexp.MustCompile(`(?s)` + tt.want).MatchString(ferr.Text) {
				t.Errorf("message does not match %s:\n%s", tt.want, ferr.Text)
			}
			if strings.HasSuffix(ferr.Text, ".") {
				t.Errorf("message ends with a full stop; the CLI adds its own: %s", ferr.Text)
			}
			assertNoEcho(t, ferr.Text, tt.text)
		})
	}
}

// assertNoEcho fails when the message repeats any line of the input, or any
// run of 12 or more of its non-space characters (decoded base64 included).
func assertNoEcho(t *testing.T, msg, input string) {
	t.Helper()
	pieces := strings.FieldsFunc(input, func(r rune) bool { return r == '\n' || r == '\r' })
	if b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(input), "")); err == nil {
		pieces = append(pieces, strings.Split(string(b), "\n")...)
	}
	for _, p := range pieces {
		p = strings.TrimSpace(p)
		if len(p) >= 12 && strings.Contains(msg, p) {
			t.Errorf("the message repeats part of the input (%d chars): %s", len(p), msg)
		}
	}
	for _, word := range strings.Fields(input) {
		if len(word) >= 12 && strings.Contains(msg, word) {
			t.Errorf("the message repeats a %d-character word of the input", len(word))
		}
	}
}

// The private key's message repeats no line of the key, not even the BEGIN
// and END lines.
func TestCertificateApplicantIDFunction_privateKeyNotEchoed(t *testing.T) {
	f := fixtures()
	for _, key := range []string{f.alice.keyPEM(), f.rsaKeyPEM} {
		_, ferr := runApplicantID(t, key)
		if ferr == nil {
			t.Fatal("no error for a private key")
		}
		for _, line := range strings.Split(strings.TrimSpace(key), "\n") {
			if strings.Contains(ferr.Text, strings.TrimSpace(line)) {
				t.Errorf("the message repeats a line of the key (%d chars)", len(line))
			}
		}
	}
}

func mustPKCS8(k *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return der
}

// fnTestdata are the files the acceptance tests read: how to write each, and
// the applicant ID it yields ("" for inputs that must fail).
var fnTestdata = map[string]struct {
	content func(fnFixtures) string
	want    string
}{
	"function_cert.pem":              {func(f fnFixtures) string { return f.alice.pem() }, fnAliceID},
	"function_chain.pem":             {func(f fnFixtures) string { return f.bob.pem() + f.ca.pem() }, fnBobID},
	"function_kubeconfig.yaml":       {func(fnFixtures) string { return fnKubeconfigYAML() }, fnBobID},
	"function_kubeconfig.json":       {func(fnFixtures) string { return fnKubeconfigJSON() + "\n" }, fnAliceID},
	"function_kubeconfig_token.yaml": {func(fnFixtures) string { return fnKubeconfigTokenYAML() }, ""},
	"function_private_key.pem":       {func(f fnFixtures) string { return f.alice.keyPEM() }, ""},
	"function_csr.pem":               {func(f fnFixtures) string { return f.csrPEM }, ""},
}

// The committed testdata files still yield what the acceptance tests expect.
func TestCertificateApplicantIDFunction_testdata(t *testing.T) {
	for name, file := range fnTestdata {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatalf("%s: %s (regenerate with CCE_WRITE_FUNCTION_TESTDATA=1)", name, err)
		}
		got, ferr := runApplicantID(t, string(b))
		switch want := file.want; {
		case want == "" && ferr == nil:
			t.Errorf("%s: got %q, want an error", name, got)
		case want != "" && ferr != nil:
			t.Errorf("%s: %s", name, ferr.Text)
		case got != want:
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

// TestCertificateApplicantIDFunction_writeTestdata regenerates the testdata
// files with fresh throwaway keys:
//
//	CCE_WRITE_FUNCTION_TESTDATA=1 go test -run CertificateApplicantIDFunction_writeTestdata ./internal/provider/
func TestCertificateApplicantIDFunction_writeTestdata(t *testing.T) {
	if os.Getenv("CCE_WRITE_FUNCTION_TESTDATA") == "" {
		t.Skip("set CCE_WRITE_FUNCTION_TESTDATA=1 to regenerate testdata/function_*")
	}
	for name, file := range fnTestdata {
		if err := os.WriteFile(filepath.Join("testdata", name), []byte(file.content(fixtures())), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
