package certid

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"regexp"
	"strings"
)

// FirstCertificate parses the first CERTIFICATE block of a PEM document,
// skipping blocks of other types (a key beside it). Without such a block the
// error is a *NoCertificateError; a block that is not X.509 gives x509's error.
func FirstCertificate(b []byte) (*x509.Certificate, error) {
	for rest, blocks := b, 0; ; blocks++ {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			return nil, &NoCertificateError{Blocks: blocks}
		}
		if block.Type == "CERTIFICATE" {
			return x509.ParseCertificate(block.Bytes)
		}
	}
}

// NoCertificateError reports a PEM document without a CERTIFICATE block.
type NoCertificateError struct {
	// Blocks counts the complete PEM blocks of other types.
	Blocks int
}

func (e *NoCertificateError) Error() string { return "no PEM certificate found" }

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
	cert, err := FirstCertificate(b)
	var none *NoCertificateError
	switch {
	case err == nil:
		return commonName(cert, where)
	case !errors.As(err, &none):
		return "", fail(where + " has a CERTIFICATE block that is not a valid X.509 certificate " +
			"(damaged or edited). Pass the certificate unchanged, e.g. with file(), or download the " +
			"kubeconfig again.")
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
	case none.Blocks == 0:
		return "", fail(where + " has a PEM BEGIN line but no complete PEM block: it is truncated, its END " +
			"line is missing or its body is not valid base64. Pass the whole certificate unchanged, e.g. with " +
			"file(\"client.crt\").")
	default:
		return "", failf("%s holds %d PEM block(s), none of them a certificate "+
			"(-----BEGIN CERTIFICATE-----). Pass the client certificate or the kubeconfig.", where, none.Blocks)
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
// A CA certificate is refused: its CN names the authority, not an applicant.
func commonName(cert *x509.Certificate, where string) (string, error) {
	if err := notCA(cert, where); err != nil {
		return "", err
	}
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

// notCA refuses a certificate that may sign others (BasicConstraints CA=true,
// or the certSign key usage): CCE issues client certificates, never CAs, and a
// CA's CN is the authority's name, which revokes nothing.
func notCA(cert *x509.Certificate, where string) error {
	var why string
	switch {
	case cert.BasicConstraintsValid && cert.IsCA:
		why = "its basic constraints say CA=true"
	case cert.KeyUsage&x509.KeyUsageCertSign != 0:
		why = "its key usage allows signing certificates (certSign)"
	default:
		return nil
	}
	return fail(where + " is a CA certificate (" + why + "), not a client certificate: its common name (CN) names " +
		"the certificate authority, not the person whose credential to revoke. If it is the first certificate of a " +
		"chain, put the client certificate first or pass it alone; from a kubeconfig, pass client-certificate-data, " +
		"not certificate-authority-data, or the kubeconfig itself.")
}
