package cce

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The fuzz targets below run their seed corpus (testdata/fuzz/FuzzXxx and
// the f.Add calls) as ordinary tests under plain go test; make fuzz explores
// further with -fuzz.

// FuzzParseVersion checks that ParseVersion never panics, that every version
// it accepts prints back to exactly its input and parses back equal, and that
// the revocation check copes with whatever it returns.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"v1.25.4-r10", "v0.0.0-r0", "v01.25.4-r10", "v1.25", " v1.25.4-r10", "v1.25.4-r10\n",
		"v9223372036854775807.0.0-r0", "v9223372036854775808.0.0-r0", "V1.25.4-R10", "v1.25.4-r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			if !v.IsZero() {
				t.Fatalf("ParseVersion(%q) = %v with error %v, want the zero version", s, v, err)
			}
			// The message quotes at most maxQuoted characters of the input,
			// each escaped to at most 10 bytes, and the length cut off.
			if n := len(err.Error()); n > 250+10*maxQuoted {
				t.Fatalf("ParseVersion(%q): error of %d bytes repeats too much input", s, n)
			}
			return
		}
		if got := v.String(); got != s {
			t.Fatalf("ParseVersion(%q).String() = %q, want the input back", s, got)
		}
		if !fullVersionRE.MatchString(v.String()) {
			t.Fatalf("String() %q does not match the strict form", v.String())
		}
		back, err := ParseVersion(v.String())
		if err != nil || back != v {
			t.Fatalf("round trip of %q: %v, %v", v.String(), back, err)
		}
		if v.Compare(v) != 0 || !strings.HasPrefix(v.String(), v.Line()+".") {
			t.Fatalf("Compare/Line inconsistent for %v", v)
		}
		checkRevocationConsistent(t, v)
	})
}

// FuzzResolveVersion checks steps 1-3 of the version rule over arbitrary
// cluster fields: no panics, and every resolved version prints in the strict
// form and parses back equal.
func FuzzResolveVersion(f *testing.F) {
	seeds := [][3]string{
		{"v1.25", "cce.4.10", ""},
		{"v1.25.4-r10", "", ""},
		{"v1.25", "cce.4.10", "v1.25.4-r10"},
		{"v1.25", "cce.04.10", "v1.25"},
		{"v1.19", "cce.16.50", "v1.19.16-r50 "},
		{"v1.28", "cce.99999999999999999999.0", ""},
		{"", "", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	sources := []string{SourceLegacyVersion, SourceVersion, SourceVersionPlatform}
	f.Fuzz(func(t *testing.T, version, platformVersion, legacyVersion string) {
		v, source, ok := ResolveVersion(version, platformVersion, legacyVersion)
		if !ok {
			if !v.IsZero() || source != "" {
				t.Fatalf("not ok but returned %v %q", v, source)
			}
			return
		}
		if !slices.Contains(sources, source) {
			t.Fatalf("unknown source %q", source)
		}
		if !fullVersionRE.MatchString(v.String()) {
			t.Fatalf("ResolveVersion(%q, %q, %q) = %q, not in the strict form", version, platformVersion, legacyVersion, v.String())
		}
		back, err := ParseVersion(v.String())
		if err != nil || back != v {
			t.Fatalf("round trip of %q: %v, %v", v.String(), back, err)
		}
		if _, err := ParseVersion(legacyVersion); err == nil && source != SourceLegacyVersion {
			t.Fatalf("legacyVersion %q is a full version but source is %q", legacyVersion, source)
		}
		checkRevocationConsistent(t, v)
	})
}

// checkRevocationConsistent runs CheckRevocationSupport and compares it with
// RevocationMinimum.
func checkRevocationConsistent(t *testing.T, v Version) {
	t.Helper()
	err := CheckRevocationSupport(v)
	minimum, supported := RevocationMinimum(v)
	want := supported && v.Compare(minimum) >= 0
	if (err == nil) != want {
		t.Fatalf("CheckRevocationSupport(%v) = %v, but minimum %v supported %v", v, err, minimum, supported)
	}
	var uve *UnsupportedVersionError
	if err != nil && (!errors.As(err, &uve) || uve.Error() == "") {
		t.Fatalf("CheckRevocationSupport(%v) = %T %v", v, err, err)
	}
}

// canonicalURIChars is what canonicalURI may produce: unreserved characters,
// upper-case percent escapes and "/", ending with "/".
var canonicalURIChars = regexp.MustCompile(`^([A-Za-z0-9._~/-]|%[0-9A-F]{2})*/$`)

// FuzzCanonicalRequest checks the signer's canonical request builder over
// arbitrary method, path, query, header and body: no panics, the canonical
// URI is well formed and ends with "/", the result is deterministic, and the
// canonical query does not depend on the order of the query pairs.
func FuzzCanonicalRequest(f *testing.F) {
	f.Add("GET", "/path", "limit=1", "X-Project-Id", "p", []byte(nil), uint64(0))
	f.Add("post", "/api/v3/projects/p/clusters/c/clustercertrevoke", "", "Content-Type", "application/json", []byte(`{"userId":"u"}`), uint64(1))
	f.Add("GET", "/a b/%2F/ü/", "b=2&a=1&a=0&c", "X-Security-Token", "  t  ", []byte("x"), uint64(7))
	f.Add("GET", "", "a=%zz&b=1;c=2&=&&d=%20", "Host", "evil", []byte{}, uint64(3))
	f.Add("DELETE", "//x//", "k=v&k=v&k=a", "X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD", []byte{0, 1, 2}, uint64(42))
	f.Add("GET", "/%zz/%41", "~=.&_=-", "X-Domain-Id", "d\n", []byte(nil), uint64(9))
	f.Fuzz(func(t *testing.T, method, path, rawQuery, hdrName, hdrValue string, body []byte, perm uint64) {
		h := http.Header{}
		h.Set("X-Sdk-Date", "20060102T150405Z")
		h.Set(hdrName, hdrValue)
		var signed []string
		for _, name := range signedHeaderNames {
			if name == "host" || h.Get(name) != "" {
				signed = append(signed, name)
			}
		}
		urls := []*url.URL{{Scheme: "https", Host: "example.com", Path: path, RawQuery: rawQuery}}
		if u, err := url.Parse("https://example.com" + path + "?" + rawQuery); err == nil {
			urls = append(urls, u)
		}
		for _, u := range urls {
			cu := canonicalURI(u)
			if !canonicalURIChars.MatchString(cu) {
				t.Fatalf("canonicalURI(%q) = %q: not escaped or no trailing slash", u.EscapedPath(), cu)
			}
			cr := canonicalRequest(method, u, h, "example.com", signed, body)
			if again := canonicalRequest(method, u, h.Clone(), "example.com", slices.Clone(signed), slices.Clone(body)); again != cr {
				t.Fatalf("not deterministic:\n%q\n%q", cr, again)
			}
			lines := strings.Split(cr, "\n")
			if got := lines[len(lines)-2]; got != strings.Join(signed, ";") {
				t.Fatalf("signed headers line %q, want %q", got, strings.Join(signed, ";"))
			}

			// Reordering the query pairs must not change the canonical query.
			pairs := strings.Split(u.RawQuery, "&")
			shuffled := slices.Clone(pairs)
			shuffle(shuffled, perm)
			u2 := *u
			u2.RawQuery = strings.Join(shuffled, "&")
			if a, b := canonicalQuery(u), canonicalQuery(&u2); a != b {
				t.Fatalf("query order matters: %q -> %q, %q -> %q", u.RawQuery, a, u2.RawQuery, b)
			}
		}
		// The whole signer never panics either.
		h2 := h.Clone()
		_, _ = signParts(method, "https://example.com"+path+"?"+rawQuery, h2, "", body, "AK", "SK", time.Time{}, nil)
	})
}

// shuffle permutes s deterministically from seed (Fisher-Yates over a
// splitmix64 sequence).
func shuffle(s []string, seed uint64) {
	for i := len(s) - 1; i > 0; i-- {
		seed += 0x9e3779b97f4a7c15
		z := seed
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		j := int(z % uint64(i+1))
		s[i], s[j] = s[j], s[i]
	}
}

// FuzzParseAPIError checks the error-envelope parser over arbitrary status,
// body and headers: no panics, and the error text never contains the value
// of a secret header (Authorization, X-Auth-Token), not even when the body or
// X-Request-Id echoes it.
func FuzzParseAPIError(f *testing.F) {
	f.Add(404, []byte(`{"errorCode":"CCE.01404001","errorMessage":"Resource not found.","message":"Resource not found."}`), "3f2a", "Content-Type", "application/json", []byte("seed"), uint8(0))
	f.Add(401, []byte(`{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: token expires","request_id":"r"}`), "", "", "", []byte{1}, uint8(1))
	f.Add(403, []byte(`{"error":{"code":403,"title":"Forbidden","message":"You are not authorized"}}`), "", "X-Subject-Token", "subject", []byte{2}, uint8(2))
	f.Add(502, []byte(`<html>bad gateway</html>`), "id", "Set-Cookie", "session=abc", []byte{3}, uint8(5))
	f.Add(0, []byte(``), "", "", "", []byte(nil), uint8(9))
	f.Add(-1, []byte(`{"code":{"a":1},"message":null,"error":null}`), "", "", "", []byte{4}, uint8(13))
	f.Add(409, []byte(`{"errorCode":7,"errorMessage":"","error_code":true,"error_msg":"x","message":"\u0074ok"}`), "", "", "", []byte{5}, uint8(21))
	f.Fuzz(func(t *testing.T, status int, body []byte, requestID, hdrName, hdrValue string, secretSeed []byte, echo uint8) {
		sum := sha256.Sum256(secretSeed)
		secret := "tok-" + hex.EncodeToString(sum[:12])
		sig := hex.EncodeToString(sum[12:])
		auth := "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=" + sig
		// echo decides how the answer repeats the secret: in the body (raw
		// or inside a JSON message), or as the request ID.
		switch echo % 4 {
		case 1:
			at := int(echo>>2) % (len(body) + 1)
			body = append(body[:at:at], append([]byte(secret), body[at:]...)...)
		case 2:
			body = []byte(`{"error_msg":"token ` + secret + ` rejected, signature ` + sig + `","request_id":"` + secret + `"}`)
		case 3:
			requestID = secret + requestID
		}
		hdr := http.Header{}
		hdr.Set(hdrName, hdrValue)
		hdr.Set(headerRequestID, requestID)
		hdr.Set("Authorization", auth)
		hdr.Set(headerAuthToken, secret)
		req := &http.Request{Method: http.MethodGet, URL: &url.URL{Scheme: "https", Host: "x", Path: "/"},
			Header: http.Header{"Authorization": {auth}, "X-Auth-Token": {secret}}}
		resp := &http.Response{StatusCode: status, Header: hdr, Body: io.NopCloser(strings.NewReader(string(body))), Request: req}
		ae := parseAPIError(resp, ServiceCCE, "get cluster")
		text := ae.Error()
		for _, s := range []string{secret, sig, auth} {
			if strings.Contains(text, s) {
				t.Fatalf("error text repeats a secret header value %q: %q", s, text)
			}
		}
		if ae.StatusCode != status {
			t.Fatalf("status %d, want %d", ae.StatusCode, status)
		}
		// Without a Request the parser still works.
		resp2 := &http.Response{StatusCode: status, Header: hdr, Body: io.NopCloser(strings.NewReader(string(body)))}
		if strings.Contains(parseAPIError(resp2, ServiceIAM, "x").Error(), secret) {
			t.Fatalf("error text repeats the X-Auth-Token response header")
		}
	})
}
