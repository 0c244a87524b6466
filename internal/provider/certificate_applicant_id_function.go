package provider

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"sigs.k8s.io/yaml"
)

var _ function.Function = (*certificateApplicantIDFunction)(nil)

// NewCertificateApplicantIDFunction returns the certificate_applicant_id
// function.
func NewCertificateApplicantIDFunction() function.Function {
	return &certificateApplicantIDFunction{}
}

// certificateApplicantIDFunction reads the applicant ID (the subject CN) from a
// CCE client certificate. It is pure: no files, no API, no provider
// configuration. Its input may hold secrets (a kubeconfig usually carries the
// client key too), so no error message ever repeats any of it.
type certificateApplicantIDFunction struct{}

func (f *certificateApplicantIDFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "certificate_applicant_id"
}

func (f *certificateApplicantIDFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Applicant ID (certificate CN) of a CCE credential",
		MarkdownDescription: "Returns the applicant ID of a CCE credential: the common name (CN) of its X.509 " +
			"client certificate, which CCE sets to the ID of the IAM user or agency that downloaded the " +
			"kubeconfig. Use it to revoke a credential whose owner IAM no longer knows (a deleted user or " +
			"agency, or a federated identity) by passing the result to `other_id` of `cce_credential_revocation`, " +
			"or to find out whose kubeconfig turned up somewhere.\n\n" +
			"`text` may be a PEM certificate (of a chain, the first certificate counts), a kubeconfig in YAML " +
			"or JSON (the user of its `current-context`, or its only user when it has no current context; that " +
			"user must carry `client-certificate-data`), or base64 of either. Leading and trailing white space " +
			"and CRLF line endings are fine.\n\n" +
			"The function is pure: it reads no files and calls no API, so it needs no provider configuration " +
			"or credentials. Read files with `file()` or `filebase64()`. It fails, saying what it found and " +
			"what to pass instead, for private keys, certificate signing requests, kubeconfig users without a " +
			"client certificate (tokens, exec plugins, certificate file paths), ambiguous kubeconfigs and " +
			"certificates without a CN. Error messages never repeat the input, which may hold secrets.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "text",
				MarkdownDescription: "A PEM certificate or chain, a kubeconfig (YAML or JSON) whose user has " +
					"`client-certificate-data`, or base64 of either; for example `file(\"client.crt\")`, " +
					"`file(\"kubeconfig.yaml\")` or `filebase64(\"kubeconfig.json\")`.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *certificateApplicantIDFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text string
	resp.Error = req.Arguments.Get(ctx, &text)
	if resp.Error != nil {
		return
	}
	id, err := applicantIDFromText(text)
	if err != nil {
		// Terraform and OpenTofu end the message with their own full stop.
		resp.Error = function.NewArgumentFuncError(0, strings.TrimSuffix(err.Error(), "."))
		return
	}
	resp.Error = resp.Result.Set(ctx, id)
}

// What the function accepts and the usual way to get there, repeated at the
// end of the messages about unrecognised input.
const (
	applicantIDExpected = "certificate_applicant_id expects a PEM certificate, a kubeconfig (YAML or JSON) " +
		"whose user has client-certificate-data, or base64 of either."
	applicantIDFileHint = "If you passed a file name, read the file first: file(\"path/to/kubeconfig\") or " +
		"filebase64(\"path/to/client.crt\")."
	notCCEHint = "CCE puts the applicant's IAM user or agency ID in the CN of every client certificate it " +
		"issues, so this is not a CCE client certificate (a CA or server certificate?). Pass the certificate " +
		"of the person's kubeconfig (client-certificate-data), or the kubeconfig itself."
)

// applicantIDFromText returns the CN of the certificate the text holds, or an
// error that says what was found and what to do, without quoting the text.
func applicantIDFromText(text string) (string, error) {
	return fromText(text, "The text", true)
}

// fromText recognises the form of one text. where names it at the start of a
// sentence; allowBase64 is false once the text came out of base64 already.
func fromText(text, where string, allowBase64 bool) (string, error) {
	t := normalizeText(text)
	if t == "" {
		if allowBase64 {
			return "", fail("The text is empty (or only white space). " + applicantIDExpected +
				" If the value comes from a variable, a file or another resource, check that it is set.")
		}
		return "", fail(where + " is empty (or only white space). " + applicantIDExpected)
	}
	if strings.Contains(t, "-----BEGIN") {
		return fromPEM([]byte(t), where)
	}
	if id, ok, err := fromStructured(t, where); ok {
		return id, err
	}
	if allowBase64 {
		if compact := joinLines(t); len(compact) >= minBase64Len && base64Alphabet.MatchString(compact) {
			decoded, ok := decodeBase64(compact)
			if !ok {
				return "", fail("The text consists of base64 characters only, but it is not valid base64 " +
					"(wrong length or padding, or a mix of the standard and URL-safe alphabets). " +
					applicantIDExpected + " Pass the value unchanged, as filebase64() or base64encode() produced it, " +
					"or pass the plain PEM certificate or kubeconfig. " + applicantIDFileHint)
			}
			const decodedWhere = "The base64-decoded text"
			if utf8.Valid(decoded) && !bytes.ContainsRune(decoded, 0) {
				return fromText(string(decoded), decodedWhere, false)
			}
			return fromDER(decoded, decodedWhere)
		}
	}
	if !allowBase64 {
		return "", fail(where + " is neither a PEM certificate nor a kubeconfig. " + applicantIDExpected +
			" Base64 is decoded once only; pass base64 of the PEM certificate or kubeconfig itself.")
	}
	return "", fail("The text is neither a PEM certificate nor a kubeconfig (YAML or JSON), nor base64 of " +
		"either. " + applicantIDExpected + " " + applicantIDFileHint)
}

// normalizeText drops a byte order mark, turns CRLF (and lone CR) line
// endings into LF and trims surrounding white space.
func normalizeText(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}

// minBase64Len keeps short words ("kubeconfig", "hello") out of the base64
// branch: base64 of the smallest certificate is hundreds of characters.
const minBase64Len = 20

// joinLines undoes the line wrapping of base64 tools (base64(1) wraps at 76
// characters). Spaces inside a line stay, so prose is never taken for base64.
func joinLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "")
}

// base64Alphabet admits '=' anywhere: misplaced padding is damaged base64,
// and the message should say so.
var base64Alphabet = regexp.MustCompile(`^[A-Za-z0-9+/_=-]+$`)

func decodeBase64(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// PEM block types that are not certificates, with what to call them.
var (
	privateKeyPEM = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----`)
	csrPEM        = regexp.MustCompile(`-----BEGIN (NEW )?CERTIFICATE REQUEST-----`)
	publicKeyPEM  = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PUBLIC KEY-----`)
)

// fromPEM returns the CN of the first CERTIFICATE block. Other blocks (a key
// next to the certificate, further certificates of a chain) are ignored; with
// no certificate at all, the message names what the blocks are instead.
func fromPEM(b []byte, where string) (string, error) {
	rest := b
	blocks := 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		blocks++
		if block.Type == "CERTIFICATE" {
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return "", fail(where + " has a CERTIFICATE block that is not a valid X.509 certificate " +
					"(damaged or edited). Pass the certificate unchanged, e.g. with file(), or download the " +
					"kubeconfig again.")
			}
			return commonName(cert, where)
		}
	}
	// Judge by the BEGIN lines, so that a damaged key is still called a key.
	switch {
	case privateKeyPEM.Match(b):
		return "", privateKeyError(where)
	case csrPEM.Match(b):
		return "", csrError(where)
	case publicKeyPEM.Match(b):
		return "", fail(where + " is a public key, not a certificate: it carries no subject and so no " +
			"applicant ID. Pass the certificate (-----BEGIN CERTIFICATE-----) or the kubeconfig.")
	case blocks == 0:
		return "", fail(where + " has a PEM BEGIN line but no complete PEM block: it is truncated, its END " +
			"line is missing or its body is not valid base64. Pass the whole certificate unchanged, e.g. with " +
			"file(\"client.crt\").")
	default:
		return "", failf("%s holds %d PEM block(s), none of them a certificate "+
			"(-----BEGIN CERTIFICATE-----). Pass the client certificate or the kubeconfig.", where, blocks)
	}
}

func privateKeyError(where string) error {
	return fail(where + " is a private key, not a certificate. A private key holds no applicant ID, " +
		"and it is a secret: this message repeats none of it, but keep it out of configurations, variables " +
		"and state. Pass the certificate that belongs to the key instead (client-certificate-data in the " +
		"kubeconfig, not client-key-data; or the .crt file next to the key), or the kubeconfig itself.")
}

func csrError(where string) error {
	return fail(where + " is a certificate signing request (CSR), not a certificate. The applicant ID " +
		"is in the certificate CCE issues, not in a request. Pass the issued certificate or the kubeconfig " +
		"downloaded from the CCE console.")
}

// fromDER handles base64 that decodes to binary: a DER certificate (the body
// of a PEM block) is accepted; keys and CSRs get their own messages.
func fromDER(b []byte, where string) (string, error) {
	if cert, err := x509.ParseCertificate(b); err == nil {
		return commonName(cert, where)
	}
	if _, err := x509.ParseCertificateRequest(b); err == nil {
		return "", csrError(where)
	}
	if isDERPrivateKey(b) {
		return "", privateKeyError(where)
	}
	return "", fail(where + " is binary data, neither a certificate nor a kubeconfig. " +
		applicantIDExpected + " Pass base64 of the PEM certificate or kubeconfig, e.g. filebase64(\"client.crt\").")
}

func isDERPrivateKey(b []byte) bool {
	if _, err := x509.ParsePKCS8PrivateKey(b); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS1PrivateKey(b); err == nil {
		return true
	}
	_, err := x509.ParseECPrivateKey(b)
	return err == nil
}

var oidCommonName = asn1.ObjectIdentifier{2, 5, 4, 3}

// commonName returns the single, non-empty CN of the certificate's subject.
func commonName(cert *x509.Certificate, where string) (string, error) {
	var cns []string
	for _, n := range cert.Subject.Names {
		if !n.Type.Equal(oidCommonName) {
			continue
		}
		s, _ := n.Value.(string)
		cns = append(cns, s)
	}
	switch {
	case len(cns) == 0:
		return "", fail(where + " is a certificate whose subject has no common name (CN). " + notCCEHint)
	case len(cns) > 1:
		return "", failf("%s is a certificate whose subject has %d common names (CN), so its applicant "+
			"is ambiguous. %s", where, len(cns), notCCEHint)
	case strings.TrimSpace(cns[0]) == "":
		return "", fail(where + " is a certificate whose subject has a common name (CN), but it is " +
			"empty. " + notCCEHint)
	}
	return cns[0], nil
}

// kubeconfig is the part of a kubeconfig (clientcmd v1 Config) the function
// reads.
type kubeconfig struct {
	Kind           string `json:"kind"`
	CurrentContext string `json:"current-context"`
	Contexts       []struct {
		Name    string `json:"name"`
		Context struct {
			User string `json:"user"`
		} `json:"context"`
	} `json:"contexts"`
	Users []struct {
		Name string   `json:"name"`
		User kubeUser `json:"user"`
	} `json:"users"`
}

type kubeUser struct {
	ClientCertificateData string          `json:"client-certificate-data"`
	ClientCertificate     string          `json:"client-certificate"`
	Token                 string          `json:"token"`
	TokenFile             string          `json:"tokenFile"`
	Exec                  json.RawMessage `json:"exec"`
	AuthProvider          json.RawMessage `json:"auth-provider"`
	Username              string          `json:"username"`
}

// kubeconfigKeys are the top-level keys that make a YAML or JSON mapping a
// kubeconfig; kubeconfigKeyLine spots them in YAML that does not parse.
var (
	kubeconfigKeys    = []string{"users", "contexts", "clusters", "current-context"}
	kubeconfigKeyLine = regexp.MustCompile(`(?m)^(apiVersion|kind|clusters|contexts|users|current-context|preferences)\s*:`)
)

// fromStructured handles YAML and JSON. ok is false when the text is not a
// mapping at all, so the caller tries the other forms. Parser errors are never
// quoted: they echo pieces of the input.
func fromStructured(t, where string) (id string, ok bool, err error) {
	var top map[string]any
	if perr := yaml.Unmarshal([]byte(t), &top); perr != nil || top == nil {
		switch {
		case strings.HasPrefix(t, "{"):
			return "", true, fail(where + " starts like JSON but is not valid JSON (or is cut off). " +
				"Pass the kubeconfig file unchanged, e.g. with file(\"kubeconfig.json\").")
		case kubeconfigKeyLine.MatchString(t):
			return "", true, fail(where + " looks like a kubeconfig in YAML but does not parse: check the " +
				"indentation (YAML allows no tabs) and that nothing was cut off. Pass the kubeconfig file " +
				"unchanged, e.g. with file(\"kubeconfig.yaml\").")
		}
		return "", false, nil
	}
	isKubeconfig := top["kind"] == "Config"
	for _, k := range kubeconfigKeys {
		if _, found := top[k]; found {
			isKubeconfig = true
		}
	}
	if !isKubeconfig {
		return "", true, fail(where + " is YAML or JSON, but not a kubeconfig: it has none of the keys users, " +
			"contexts, clusters and current-context. " + applicantIDExpected + " Pass the kubeconfig downloaded " +
			"from the CCE console (kubectl config view --raw --minify --flatten prints one).")
	}
	var kc kubeconfig
	if uerr := yaml.Unmarshal([]byte(t), &kc); uerr != nil {
		return "", true, fail(where + " is a kubeconfig whose structure is invalid (for example users or " +
			"contexts is not a list of entries with name and user/context). Pass the kubeconfig unchanged, as " +
			"downloaded from the CCE console.")
	}
	id, err = fromKubeconfig(kc)
	return id, true, err
}

// fromKubeconfig picks the user of the current context (or the only user)
// and reads the CN of its client-certificate-data.
func fromKubeconfig(kc kubeconfig) (string, error) {
	var user *kubeUser
	var which string
	switch {
	case kc.CurrentContext != "":
		ctxIdx := -1
		for i := range kc.Contexts {
			if kc.Contexts[i].Name == kc.CurrentContext {
				ctxIdx = i
				break
			}
		}
		if ctxIdx < 0 {
			return "", failf("The kubeconfig's current-context names a context that is not in its "+
				"contexts list (%s), so there is no user to read. Fix current-context (kubectl config "+
				"use-context), or add the missing context.", countOf(len(kc.Contexts), "context"))
		}
		name := kc.Contexts[ctxIdx].Context.User
		if name == "" {
			return "", fail("The kubeconfig's current context names no user, so there is no client " +
				"certificate to read. Set the context's user (kubectl config set-context --current --user=...), " +
				"or pass the certificate itself.")
		}
		for i := range kc.Users {
			if kc.Users[i].Name == name {
				user = &kc.Users[i].User
				break
			}
		}
		if user == nil {
			return "", failf("The kubeconfig's current context refers to a user that is not in its users "+
				"list (%s). Fix the context's user, or add the missing user with its client-certificate-data.",
				countOf(len(kc.Users), "user"))
		}
		which = "user of the kubeconfig's current context"
	case len(kc.Users) == 1:
		user = &kc.Users[0].User
		which = "kubeconfig's only user"
	case len(kc.Users) == 0:
		return "", fail("The kubeconfig has no users, so there is no client certificate to read. Pass a " +
			"kubeconfig with the user's credentials (kubectl config view --raw --minify --flatten prints " +
			"one), or the certificate itself.")
	default:
		return "", failf("The kubeconfig has %d users and no current-context, so it is unclear whose "+
			"applicant ID to return. Set current-context (kubectl config use-context), or pass one user's "+
			"certificate, e.g. yamldecode(file(\"kubeconfig\")).users[0].user[\"client-certificate-data\"].",
			len(kc.Users))
	}

	switch {
	case user.ClientCertificateData != "":
		where := "The client-certificate-data of the " + which
		decoded, ok := decodeBase64(joinLines(user.ClientCertificateData))
		if !ok {
			return "", fail(where + " is not valid base64. Download the kubeconfig again, or pass the " +
				"certificate itself.")
		}
		t := normalizeText(string(decoded))
		if strings.Contains(t, "-----BEGIN") {
			return fromPEM([]byte(t), where)
		}
		return fromDER(decoded, where)
	case user.ClientCertificate != "":
		return "", fail("The kubeconfig names the client certificate of its " + which + " by file path " +
			"(client-certificate), and a provider function is pure: it cannot read files. Read the file in " +
			"the configuration and pass its content: certificate_applicant_id(file(\"path/to/client.crt\")) or " +
			"filebase64(...); or embed the certificate with kubectl config view --raw --flatten, which turns " +
			"client-certificate into client-certificate-data.")
	}
	method := "no client certificate (client-certificate-data)"
	switch {
	case user.Token != "" || user.TokenFile != "":
		method = "a bearer token"
	case len(user.Exec) > 0 && string(user.Exec) != "null":
		method = "an exec credential plugin"
	case len(user.AuthProvider) > 0 && string(user.AuthProvider) != "null":
		method = "an auth provider plugin"
	case user.Username != "":
		method = "a user name and password"
	}
	return "", fail("The " + which + " authenticates with " + method +
		", not with a client certificate, so there is no certificate CN to read. Only certificate users " +
		"(client-certificate-data, as in kubeconfigs downloaded from the CCE console) carry an applicant ID. " +
		"Pass such a kubeconfig or certificate, or look the ID up in the IAM console.")
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// funcMessage is an error whose text is a complete diagnostic: full
// sentences, capitalised, shown to the user as the function error.
type funcMessage string

func (m funcMessage) Error() string { return string(m) }

func fail(msg string) error { return funcMessage(msg) }

func failf(format string, args ...any) error { return funcMessage(fmt.Sprintf(format, args...)) }
