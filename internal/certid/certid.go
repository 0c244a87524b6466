// Package certid reads the applicant ID of a CCE credential, the common name
// (CN) of its client certificate, from whatever a user has at hand: a PEM
// certificate or chain, a kubeconfig in YAML or JSON, or base64 of either. It
// is the parser behind the certificate_applicant_id provider function, so its
// messages suggest Terraform's file() and filebase64(); it imports no
// Terraform package.
//
// The input may hold secrets (a kubeconfig usually carries the client key
// too), so no error ever repeats any of it.
package certid

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// What the certificate_applicant_id function accepts and the usual way to get
// there, repeated at the end of the messages about unrecognised input.
const (
	applicantIDExpected = "certificate_applicant_id expects a PEM certificate, a kubeconfig (YAML or JSON) " +
		"whose user has client-certificate-data, or base64 of either."
	applicantIDFileHint = "If you passed a file name, read the file first: file(\"path/to/kubeconfig\") or " +
		"filebase64(\"path/to/client.crt\")."
	notCCEHint = "CCE puts the applicant's IAM user or agency ID in the CN of every client certificate it " +
		"issues, so this is not a CCE client certificate (a CA or server certificate?). Pass the certificate " +
		"of the person's kubeconfig (client-certificate-data), or the kubeconfig itself."
)

// ApplicantID returns the CN of the certificate the text holds. Its error is a
// message for the user, full sentences ending with a full stop, that says what
// was found and what to do without quoting the text.
func ApplicantID(text string) (string, error) {
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

// message is an error whose text is a complete diagnostic: full sentences,
// capitalised, shown to the user as it is.
type message string

func (m message) Error() string { return string(m) }

func fail(msg string) error { return message(msg) }

func failf(format string, args ...any) error { return message(fmt.Sprintf(format, args...)) }
