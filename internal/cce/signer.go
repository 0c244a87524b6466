package cce

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// signAlgorithm is the SDK-HMAC-SHA256 algorithm name of cce-api.md §9.
const signAlgorithm = "SDK-HMAC-SHA256"

// sdkDateLayout is the X-Sdk-Date format.
const sdkDateLayout = "20060102T150405Z"

// signedHeaderNames lists the headers the client signs when present
// (contract: host, x-sdk-date, content-type, x-project-id, x-domain-id,
// x-security-token).
var signedHeaderNames = []string{"content-type", "host", "x-domain-id", "x-project-id", "x-sdk-date", "x-security-token"}

// signEscape percent-encodes s keeping only A-Z a-z 0-9 - _ . ~ unescaped,
// with upper-case hex.
func signEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ('A' <= ch && ch <= 'Z') || ('a' <= ch && ch <= 'z') || ('0' <= ch && ch <= '9') ||
			ch == '-' || ch == '_' || ch == '.' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[ch>>4])
		b.WriteByte(hexDigits[ch&0x0f])
	}
	return b.String()
}

// canonicalURI encodes each path segment and appends a trailing "/".
func canonicalURI(u *url.URL) string {
	segs := strings.Split(u.EscapedPath(), "/")
	for i, s := range segs {
		if dec, err := url.PathUnescape(s); err == nil {
			s = dec
		}
		segs[i] = signEscape(s)
	}
	p := strings.Join(segs, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// canonicalQuery encodes and sorts the query pairs by key, then value.
func canonicalQuery(u *url.URL) string {
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, signEscape(k)+"="+signEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// headerValue returns the value used for a signed header; host comes from
// the explicit host argument.
func headerValue(h http.Header, host, name string) string {
	if name == "host" {
		return host
	}
	return strings.TrimSpace(h.Get(name))
}

// canonicalRequest builds the canonical request of cce-api.md §9. signed must
// be lower-case names sorted ascending.
func canonicalRequest(method string, u *url.URL, h http.Header, host string, signed []string, body []byte) string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(method))
	b.WriteByte('\n')
	b.WriteString(canonicalURI(u))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(u))
	b.WriteByte('\n')
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(headerValue(h, host, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	if v := h.Get("X-Sdk-Content-Sha256"); v != "" {
		b.WriteString(v)
	} else {
		sum := sha256.Sum256(body)
		b.WriteString(hex.EncodeToString(sum[:]))
	}
	return b.String()
}

// stringToSign builds the string to sign from the X-Sdk-Date value and the
// canonical request.
func stringToSign(sdkDate, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return signAlgorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(sum[:])
}

// signature is hex(HMAC-SHA256(sk, sts)).
func signature(sk, sts string) string {
	m := hmac.New(sha256.New, []byte(sk))
	_, _ = m.Write([]byte(sts)) // hash.Hash.Write never returns an error.
	return hex.EncodeToString(m.Sum(nil))
}

// authorizationHeader formats the Authorization header value.
func authorizationHeader(ak string, signed []string, sig string) string {
	return signAlgorithm + " Access=" + ak + ", SignedHeaders=" + strings.Join(signed, ";") + ", Signature=" + sig
}

// signResult carries every intermediate value so tests can compare them.
type signResult struct {
	Canonical, StringToSign, Authorization string
	SignedHeaders                          []string
}

// signParts signs a request given as plain parts. h is modified: X-Sdk-Date
// is set from t when absent and Authorization is set. If signed is nil the
// client's rule (signedHeaderNames, when present) is used.
func signParts(method, rawURL string, h http.Header, host string, body []byte, ak, sk string, t time.Time, signed []string) (signResult, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return signResult{}, err
	}
	if host == "" {
		host = u.Host
	}
	if h.Get(headerSdkDate) == "" {
		h.Set(headerSdkDate, t.UTC().Format(sdkDateLayout))
	}
	if signed == nil {
		for _, name := range signedHeaderNames {
			if name == "host" || h.Get(name) != "" {
				signed = append(signed, name)
			}
		}
	} else {
		signed = append([]string(nil), signed...)
		for i := range signed {
			signed[i] = strings.ToLower(signed[i])
		}
		sort.Strings(signed)
	}
	cr := canonicalRequest(method, u, h, host, signed, body)
	sts := stringToSign(h.Get(headerSdkDate), cr)
	auth := authorizationHeader(ak, signed, signature(sk, sts))
	h.Set("Authorization", auth)
	return signResult{Canonical: cr, StringToSign: sts, Authorization: auth, SignedHeaders: signed}, nil
}
