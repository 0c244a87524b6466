package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// This file is the mock's own, independent implementation of the APIG
// "SDK-HMAC-SHA256" request signature (cce-api.md section 9). It deliberately
// shares no code with internal/cce so that testing one against the other is
// not circular.

const (
	signAlgorithm  = "SDK-HMAC-SHA256"
	sdkDateLayout  = "20060102T150405Z"
	headerSdkDate  = "X-Sdk-Date"
	headerBodyHash = "X-Sdk-Content-Sha256"
	maxClockSkew   = 15 * time.Minute
)

// errBadSignatureHeader reports an Authorization header that cannot be parsed.
var errBadSignatureHeader = errors.New("malformed SDK-HMAC-SHA256 authorization header")

// sigHeader holds the parts of an "SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=..." header.
type sigHeader struct {
	Access        string
	SignedHeaders []string
	Signature     string
}

// parseSigHeader splits an Authorization header value into its parts.
func parseSigHeader(value string) (sigHeader, error) {
	var out sigHeader
	rest, ok := strings.CutPrefix(strings.TrimSpace(value), signAlgorithm+" ")
	if !ok {
		return out, errBadSignatureHeader
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return out, errBadSignatureHeader
		}
		switch k {
		case "Access":
			out.Access = v
		case "SignedHeaders":
			for h := range strings.SplitSeq(v, ";") {
				if h != "" {
					out.SignedHeaders = append(out.SignedHeaders, strings.ToLower(h))
				}
			}
		case "Signature":
			out.Signature = strings.ToLower(v)
		}
	}
	if out.Access == "" || out.Signature == "" || len(out.SignedHeaders) == 0 {
		return out, errBadSignatureHeader
	}
	return out, nil
}

// signEscape percent-encodes s, leaving only A-Z a-z 0-9 - _ . ~ unescaped.
func signEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := range len(s) {
		ch := s[i]
		switch {
		case 'A' <= ch && ch <= 'Z', 'a' <= ch && ch <= 'z', '0' <= ch && ch <= '9',
			ch == '-', ch == '_', ch == '.', ch == '~':
			b.WriteByte(ch)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[ch>>4])
			b.WriteByte(hexDigits[ch&0x0f])
		}
	}
	return b.String()
}

// canonicalURI encodes each path segment and appends the signing-only trailing slash.
func canonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = signEscape(s)
	}
	out := strings.Join(segs, "/")
	if !strings.HasSuffix(out, "/") {
		out += "/"
	}
	return out
}

// canonicalQueries returns the candidate canonical query strings: the HWC Go SDK
// sorts the encoded "k=v" strings, the APIG guide sorts by key then value. The
// two differ only for keys where one is a prefix of another; both are accepted.
func canonicalQueries(q url.Values) []string {
	type kv struct{ k, v string }
	var pairs []kv
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, kv{signEscape(k), signEscape(v)})
		}
	}
	joined := make([]string, len(pairs))
	for i, p := range pairs {
		joined[i] = p.k + "=" + p.v
	}
	sort.Strings(joined)
	bySDK := strings.Join(joined, "&")
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	for i, p := range pairs {
		joined[i] = p.k + "=" + p.v
	}
	byKey := strings.Join(joined, "&")
	if byKey == bySDK {
		return []string{bySDK}
	}
	return []string{bySDK, byKey}
}

// headerValue returns the value of a signed header as the client saw it.
func headerValue(r *http.Request, name string) string {
	if name == "host" {
		return r.Host
	}
	return strings.Join(r.Header.Values(name), ",")
}

// payloadHash returns the hex SHA-256 of body, or the X-Sdk-Content-Sha256 value verbatim.
func payloadHash(r *http.Request, body []byte) string {
	if v := r.Header.Get(headerBodyHash); v != "" {
		return v
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// canonicalRequest builds the canonical request for r with the given query string.
func canonicalRequest(r *http.Request, query string, signed []string, body []byte) string {
	sorted := append([]string(nil), signed...)
	sort.Strings(sorted)
	var hb strings.Builder
	for _, h := range sorted {
		hb.WriteString(h)
		hb.WriteByte(':')
		hb.WriteString(strings.TrimSpace(headerValue(r, h)))
		hb.WriteByte('\n')
	}
	return strings.Join([]string{
		strings.ToUpper(r.Method),
		canonicalURI(r.URL.Path),
		query,
		hb.String(),
		strings.Join(sorted, ";"),
		payloadHash(r, body),
	}, "\n")
}

// stringToSign builds the string that is HMAC-ed.
func stringToSign(canonical, sdkDate string) string {
	sum := sha256.Sum256([]byte(canonical))
	return signAlgorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(sum[:])
}

// signatureOf computes hex(HMAC-SHA256(secret, stringToSign)).
func signatureOf(secret, toSign string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(toSign))
	return hex.EncodeToString(m.Sum(nil))
}

// verifySignature checks the signature of r against secret at time now.
// It returns a short reason on failure, suitable for the APIG error message.
func verifySignature(r *http.Request, body []byte, sh sigHeader, secret string, now time.Time) error {
	if !slices.Contains(sh.SignedHeaders, "x-sdk-date") {
		return errors.New("verify aksk signature fail")
	}
	sdkDate := r.Header.Get(headerSdkDate)
	ts, err := time.Parse(sdkDateLayout, sdkDate)
	if err != nil {
		return errors.New("verify aksk signature fail")
	}
	if skew := now.Sub(ts); skew > maxClockSkew || skew < -maxClockSkew {
		return fmt.Errorf("verify aksk signature fail, the request time %s is more than 15 minutes away from the server time", sdkDate)
	}
	for _, q := range canonicalQueries(r.URL.Query()) {
		want := signatureOf(secret, stringToSign(canonicalRequest(r, q, sh.SignedHeaders, body), sdkDate))
		if hmac.Equal([]byte(want), []byte(sh.Signature)) {
			return nil
		}
	}
	return errors.New("verify aksk signature fail")
}

// SignRequest signs req (whose body is body) with the access key pair at
// time at, over the headers signed (lowercase names; x-sdk-date is added),
// with this file's canonical form: for tests that call the fake cloud.
func SignRequest(req *http.Request, body []byte, ak, sk string, signed []string, at time.Time) {
	req.Header.Set(headerSdkDate, at.UTC().Format(sdkDateLayout))
	if !slices.Contains(signed, "x-sdk-date") {
		signed = append(slices.Clone(signed), "x-sdk-date")
	}
	sorted := slices.Sorted(slices.Values(signed))
	toSign := stringToSign(canonicalRequest(req, canonicalQueries(req.URL.Query())[0], sorted, body), req.Header.Get(headerSdkDate))
	req.Header.Set("Authorization", signAlgorithm+" Access="+ak+", SignedHeaders="+strings.Join(sorted, ";")+
		", Signature="+signatureOf(sk, toSign))
}
