package certid

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	ct "github.com/cceops/terraform-provider-cce/internal/certid/certidtest"
)

func TestApplicantID_accepted(t *testing.T) {
	f := ct.Fixtures()
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	wrapped := func(s string) string { // like base64(1): lines of 76 characters
		var b strings.Builder
		for len(s) > 76 {
			b.WriteString(s[:76] + "\n")
			s = s[76:]
		}
		return b.String() + s + "\n"
	}
	kcYAML := ct.KubeconfigYAML()
	only := ct.YAML(ct.Kubeconfig("", [][2]string{{"a", "alice"}, {"b", "alice"}}, ct.CertUser("alice", f.Alice)))

	tests := []struct {
		name, text, want string
	}{
		{name: "PEM certificate", text: f.Alice.PEM(), want: ct.AliceID},
		{name: "PEM chain: the first certificate counts", text: f.Bob.PEM() + f.CA.PEM(), want: ct.BobID},
		{name: "key before the certificate in one bundle", text: f.Alice.KeyPEM() + f.Alice.PEM(), want: ct.AliceID},
		{name: "text around the PEM block (openssl output)", text: "subject=CN = " + "x\nissuer=CN = y\n" + f.Alice.PEM() + "trailer\n", want: ct.AliceID},
		{name: "kubeconfig YAML: the user of the current context", text: kcYAML, want: ct.BobID},
		{name: "kubeconfig JSON, only user, no current context", text: ct.KubeconfigJSON(), want: ct.AliceID},
		{name: "kubeconfig YAML, only user, no current context", text: only, want: ct.AliceID},
		{name: "kubeconfig JSON on one line with current context", text: strings.Join(strings.Fields(ct.JSON(
			ct.Kubeconfig("a", [][2]string{{"b", "bob"}, {"a", "alice"}}, ct.CertUser("bob", f.Bob), ct.CertUser("alice", f.Alice)))), ""), want: ct.AliceID},
		{name: "kubeconfig whose certificate data is a chain", text: ct.YAML(ct.Kubeconfig("c", [][2]string{{"c", "u"}},
			ct.User{Name: "u", User: map[string]any{"client-certificate-data": ct.B64(f.Bob.PEM() + f.CA.PEM())}})), want: ct.BobID},
		{name: "kubeconfig with minimal keys", text: "users:\n- name: u\n  user:\n    client-certificate-data: " + ct.B64(f.Alice.PEM()) + "\n", want: ct.AliceID},
		{name: "base64 of PEM", text: ct.B64(f.Alice.PEM()), want: ct.AliceID},
		{name: "base64 of PEM, wrapped at 76 characters", text: wrapped(ct.B64(f.Alice.PEM())), want: ct.AliceID},
		{name: "unpadded URL-safe base64 of PEM", text: base64.RawURLEncoding.EncodeToString([]byte(f.Bob.PEM())), want: ct.BobID},
		{name: "base64 of kubeconfig YAML", text: ct.B64(kcYAML), want: ct.BobID},
		{name: "base64 of kubeconfig JSON", text: ct.B64(ct.KubeconfigJSON()), want: ct.AliceID},
		{name: "base64 of a DER certificate (PEM body)", text: base64.StdEncoding.EncodeToString(f.Alice.DER), want: ct.AliceID},
		{name: "CRLF PEM", text: crlf(f.Alice.PEM()), want: ct.AliceID},
		{name: "CRLF kubeconfig", text: crlf(kcYAML), want: ct.BobID},
		{name: "base64 of CRLF PEM", text: ct.B64(crlf(f.Bob.PEM())), want: ct.BobID},
		{name: "surrounding white space", text: "\n\t  " + f.Alice.PEM() + "\n\n  ", want: ct.AliceID},
		{name: "byte order mark", text: "\ufeff" + kcYAML, want: ct.BobID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ApplicantID(tt.text)
			if err != nil {
				t.Fatalf("error: %s", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestApplicantID_rejected(t *testing.T) {
	f := ct.Fixtures()
	withSubject := func(s pkix.Name) string { return ct.Issue(s, &f.CA).PEM() }
	damaged := func(p string) string { // flip a byte inside the DER, keep the PEM armour
		block, _ := pem.Decode([]byte(p))
		b := append([]byte(nil), block.Bytes...)
		b[len(b)/3] ^= 0xff
		b[len(b)/3+1] ^= 0xff
		return string(pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: b}))
	}
	keyLines := strings.Split(strings.TrimSpace(f.Alice.KeyPEM()), "\n")
	truncatedKey := strings.Join(keyLines[:2], "\n")
	pubDER, err := x509.MarshalPKIXPublicKey(&f.Alice.Key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	ctx := func(name, user string) [][2]string { return [][2]string{{name, user}} }
	users2 := []ct.User{ct.CertUser("alice", f.Alice), ct.CertUser("bob", f.Bob)}
	kc := func(current string, contexts [][2]string, users ...ct.User) string {
		return ct.YAML(ct.Kubeconfig(current, contexts, users...))
	}
	user := func(fields ...string) ct.User {
		m := map[string]any{}
		for i := 0; i+1 < len(fields); i += 2 {
			m[fields[i]] = fields[i+1]
		}
		return ct.User{Name: "u", User: m}
	}
	const certPath = "/home/someone/.secret-dir/client.crt"

	tests := []struct {
		name, text, want string
	}{
		{name: "empty", text: "", want: `^The text is empty.*expects a PEM certificate`},
		{name: "only white space and CRLF", text: " \r\n\t\r\n ", want: `^The text is empty`},
		{name: "plain words", text: "hello world, this is not a certificate", want: `^The text is neither a PEM certificate nor a kubeconfig.*file\("path/to/kubeconfig"\)`},
		{name: "words that would be base64 without the spaces", text: "not a certificate at all, sorry", want: `^The text is neither a PEM certificate nor a kubeconfig`},
		{name: "a file name", text: "~/.kube/config", want: `neither a PEM certificate.*If you passed a file name, read the file first: file\(`},
		{name: "private key (PKCS#8)", text: f.Alice.KeyPEM(), want: `^The text is a private key, not a certificate.*repeats none of it.*client-certificate-data`},
		{name: "RSA private key (PKCS#1)", text: f.RSAKeyPEM, want: `^The text is a private key`},
		{name: "truncated private key", text: truncatedKey, want: `^The text is a private key`},
		{name: "base64 of a private key (client-key-data)", text: ct.B64(f.Bob.KeyPEM()), want: `^The base64-decoded text is a private key`},
		{name: "base64 of a DER private key", text: base64.StdEncoding.EncodeToString(ct.PKCS8(f.Alice.Key)), want: `^The base64-decoded text is a private key`},
		{name: "kubeconfig whose certificate data is a key", text: kc("c", ctx("c", "u"), user("client-certificate-data", ct.B64(f.Alice.KeyPEM()))),
			want: `^The client-certificate-data of the user of the kubeconfig's current context is a private key`},
		{name: "CSR", text: f.CSRPEM, want: `^The text is a certificate signing request \(CSR\), not a certificate`},
		{name: "base64 of a DER CSR", text: base64.StdEncoding.EncodeToString(f.CSRDER), want: `^The base64-decoded text is a certificate signing request`},
		{name: "public key", text: pubPEM, want: `^The text is a public key, not a certificate`},
		{name: "certificate without CN", text: withSubject(pkix.Name{Organization: []string{"no cn"}}),
			want: `^The text is a certificate whose subject has no common name \(CN\).*not a CCE client certificate`},
		{name: "certificate with an empty CN", text: withSubject(pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidCommonName, Value: ""}}}),
			want: `^The text is a certificate whose subject has a common name \(CN\), but it is empty`},
		{name: "certificate with a blank CN", text: withSubject(pkix.Name{CommonName: "   "}), want: `common name \(CN\), but it is empty`},
		{name: "certificate with two CNs", text: withSubject(pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidCommonName, Value: ct.AliceID}, {Type: oidCommonName, Value: ct.BobID}}}),
			want: `has 2 common names \(CN\), so its applicant is ambiguous`},
		{name: "truncated certificate", text: f.Alice.PEM()[:200], want: `^The text has a PEM BEGIN line but no complete PEM block`},
		{name: "damaged certificate", text: damaged(f.Alice.PEM()), want: `^The text has a CERTIFICATE block that is not a valid X.509 certificate`},
		{name: "PEM of another type", text: string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte("crl")})), want: `^The text holds 1 PEM block\(s\), none of them a certificate`},
		{name: "garbage base64", text: ct.B64(f.Alice.PEM())[:401], want: `^The text consists of base64 characters only, but it is not valid base64`},
		{name: "base64 with a character appended after the padding", text: ct.B64(f.Alice.PEM()+"\n") + "x", want: `^The text consists of base64 characters only, but it is not valid base64`},
		{name: "base64 of plain text", text: ct.B64("this is just some text, not a certificate"), want: `^The base64-decoded text is neither a PEM certificate nor a kubeconfig`},
		{name: "base64 of base64", text: ct.B64(ct.B64(f.Alice.PEM())), want: `^The base64-decoded text is neither.*decoded once only`},
		{name: "base64 of binary data", text: base64.StdEncoding.EncodeToString([]byte{0x30, 0x82, 0x00, 0x01, 0xff, 0xfe, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80}),
			want: `^The base64-decoded text is binary data, neither a certificate nor a kubeconfig`},
		{name: "base64 of nothing but white space", text: ct.B64(strings.Repeat(" \n", 12)), want: `^The base64-decoded text is empty`},
		{name: "YAML that is not a kubeconfig", text: "name: web\nreplicas: 3\n", want: `^The text is YAML or JSON, but not a kubeconfig.*kubectl config view --raw`},
		{name: "base64 of YAML that is not a kubeconfig", text: ct.B64("name: web\nreplicas: 3\n"), want: `^The base64-decoded text is YAML or JSON, but not a kubeconfig`},
		{name: "JSON that is not a kubeconfig", text: `{"certificate": "none"}`, want: `^The text is YAML or JSON, but not a kubeconfig`},
		{name: "broken JSON", text: `{"users": [{"name": "u", "user": {`, want: `^The text starts like JSON but is not valid JSON`},
		{name: "kubeconfig YAML indented with tabs", text: "apiVersion: v1\nusers:\n\t- name: u\n", want: `^The text looks like a kubeconfig in YAML but does not parse.*tabs`},
		{name: "kubeconfig with users that is not a list", text: "kind: Config\nusers: everyone\n", want: `^The text is a kubeconfig whose structure is invalid`},
		{name: "token user", text: ct.KubeconfigTokenYAML(), want: `^The user of the kubeconfig's current context authenticates with a bearer token, not with a client certificate`},
		{name: "token file user", text: kc("", nil, user("tokenFile", "/var/run/token")), want: `^The kubeconfig's only user authenticates with a bearer token`},
		{name: "exec user", text: kc("", nil, ct.User{Name: "u", User: map[string]any{"exec": map[string]any{"command": "cce-auth"}}}), want: `authenticates with an exec credential plugin`},
		{name: "auth provider user", text: kc("", nil, ct.User{Name: "u", User: map[string]any{"auth-provider": map[string]any{"name": "oidc"}}}), want: `authenticates with an auth provider plugin`},
		{name: "basic auth user", text: kc("", nil, user("username", "admin", "password", "pa55word-not-a-secret")), want: `authenticates with a user name and password`},
		{name: "user with nothing", text: kc("", nil, user()), want: `authenticates with no client certificate \(client-certificate-data\)`},
		{name: "client certificate as a file path", text: kc("c", ctx("c", "u"), user("client-certificate", certPath, "client-key", "/k.pem")),
			want: `^The kubeconfig names the client certificate of its user of the kubeconfig's current context by file path.*cannot read files.*file\("path/to/client.crt"\).*filebase64`},
		{name: "several users, no current context", text: kc("", nil, users2...), want: `^The kubeconfig has 2 users and no current-context.*users\[0\]`},
		{name: "current context missing", text: kc("gone", ctx("c", "alice"), users2...), want: `^The kubeconfig's current-context names a context that is not in its contexts list \(1 context\)`},
		{name: "current context's user missing", text: kc("c", ctx("c", "carol"), users2...), want: `^The kubeconfig's current context refers to a user that is not in its users list \(2 users\)`},
		{name: "current context without user", text: kc("c", ctx("c", ""), users2...), want: `^The kubeconfig's current context names no user`},
		{name: "kubeconfig without users", text: kc("", nil), want: `^The kubeconfig has no users`},
		{name: "certificate data that is not base64", text: kc("", nil, user("client-certificate-data", "not base64 at all!")),
			want: `^The client-certificate-data of the kubeconfig's only user is not valid base64`},
		{name: "CA certificate", text: f.CA.PEM(), want: `^The text is a CA certificate \(its basic constraints say CA=true\), not a client certificate.*certificate-authority-data`},
		{name: "PEM chain starting with the CA", text: f.CA.PEM() + f.Alice.PEM(), want: `^The text is a CA certificate.*put the client certificate first`},
		{name: "certificate that may sign certificates", text: keyUsageCA(t, f), want: `^The text is a CA certificate \(its key usage allows signing certificates \(certSign\)\)`},
		{name: "base64 of a DER CA certificate", text: base64.StdEncoding.EncodeToString(f.CA.DER), want: `^The base64-decoded text is a CA certificate`},
		{name: "kubeconfig whose certificate data is the CA", text: kc("", nil, user("client-certificate-data", ct.B64(f.CA.PEM()))),
			want: `^The client-certificate-data of the kubeconfig's only user is a CA certificate`},
		{name: "certificate data of a CSR", text: kc("", nil, user("client-certificate-data", ct.B64(f.CSRPEM))),
			want: `^The client-certificate-data of the kubeconfig's only user is a certificate signing request`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ApplicantID(tt.text)
			if err == nil {
				t.Fatalf("no error, result %q", got)
			}
			msg := err.Error()
			if !regexp.MustCompile(`(?s)` + tt.want).MatchString(msg) {
				t.Errorf("message does not match %s:\n%s", tt.want, msg)
			}
			// The function trims this full stop because the CLI adds its own.
			if !strings.HasSuffix(msg, ".") {
				t.Errorf("message is not a finished sentence: %s", msg)
			}
			assertNoEcho(t, msg, tt.text)
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
func TestApplicantID_privateKeyNotEchoed(t *testing.T) {
	f := ct.Fixtures()
	for _, key := range []string{f.Alice.KeyPEM(), f.RSAKeyPEM} {
		_, err := ApplicantID(key)
		if err == nil {
			t.Fatal("no error for a private key")
		}
		for _, line := range strings.Split(strings.TrimSpace(key), "\n") {
			if strings.Contains(err.Error(), strings.TrimSpace(line)) {
				t.Errorf("the message repeats a line of the key (%d chars)", len(line))
			}
		}
	}
}

// keyUsageCA is a certificate without basic constraints whose key usage
// allows signing certificates.
func keyUsageCA(t *testing.T, f ct.Set) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(4242), Subject: pkix.Name{CommonName: "intermediate"},
		NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.CA.Cert, &f.Alice.Key.PublicKey, f.CA.Key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
