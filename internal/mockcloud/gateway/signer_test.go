package gateway

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// vector is one signing test vector of cce-api.md section 9.
type vector struct {
	name, method, url, body, ak, sk string
	headers                         map[string]string
	wantCR, wantAuth                string
}

// vectors are A, B and C of cce-api.md section 9.
var vectors = []vector{
	{
		name: "A", method: "GET", url: "https://example.huaweicloud.com/path?limit=1", ak: "AccessKey", sk: "SecretKey",
		headers: map[string]string{"X-Sdk-Date": "20060102T150405Z", "TEST_UNDERSCORE": "TEST_VALUE"},
		wantCR:  "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		wantAuth: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, " +
			"Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
	},
	{
		name: "B", method: "POST", url: "https://example.huaweicloud.com/path?key=value", ak: "AccessKey", sk: "SecretKey",
		body: "{\"Name\":\"test\",\"Id\":1}\n",
		headers: map[string]string{"X-Sdk-Date": "20060102T150405Z", "TEST_UNDERSCORE": "TEST_VALUE",
			"Content-Type": "application/json"},
		wantAuth: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, " +
			"Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
	},
	{
		name: "C", method: "GET",
		url: "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
		ak:  "QTWAOYTTINDUT2QVKYUC", sk: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
		headers: map[string]string{"X-Sdk-Date": "20191115T033655Z", "Content-Type": "application/json"},
		wantCR: "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n" +
			"content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n" +
			"content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		wantAuth: "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, " +
			"Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
	},
}

// TestSignerVectors checks the canonical request, signature and verification against A, B, C.
func TestSignerVectors(t *testing.T) {
	t.Parallel()
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(v.method, v.url, strings.NewReader(v.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, val := range v.headers {
				req.Header[k] = []string{val}
			}
			sh, err := parseSigHeader(v.wantAuth)
			if err != nil {
				t.Fatal(err)
			}
			cr := canonicalRequest(req, canonicalQueries(req.URL.Query())[0], sh.SignedHeaders, []byte(v.body))
			if v.wantCR != "" && cr != v.wantCR {
				t.Errorf("canonical request\n got %q\nwant %q", cr, v.wantCR)
			}
			if v.name == "B" {
				if got := payloadHash(req, []byte(v.body)); got != "a29d7b4c5efd1a22011d69fd7b7aee76fe51e4083c609244228de258afd61289" {
					t.Errorf("body hash %s", got)
				}
				if got := stringToSign(cr, "20060102T150405Z"); !strings.HasSuffix(got, "13f75ff5f5216199f986c7e7f2f77834d5e160ad9e46f37319816dc72ba7eeab") {
					t.Errorf("string to sign %q", got)
				}
			}
			if v.name == "C" {
				if got := stringToSign(cr, "20191115T033655Z"); !strings.HasSuffix(got, "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a") {
					t.Errorf("string to sign %q", got)
				}
			}
			sig := signatureOf(v.sk, stringToSign(cr, v.headers["X-Sdk-Date"]))
			if sig != sh.Signature {
				t.Errorf("signature %s, want %s", sig, sh.Signature)
			}
			at, err := time.Parse(sdkDateLayout, v.headers["X-Sdk-Date"])
			if err != nil {
				t.Fatal(err)
			}
			if err := verifySignature(req, []byte(v.body), sh, v.sk, at.Add(14*time.Minute)); err != nil {
				t.Errorf("verify within skew: %v", err)
			}
			if err := verifySignature(req, []byte(v.body), sh, v.sk, at.Add(16*time.Minute)); err == nil {
				t.Error("verify accepted a 16-minute skew")
			}
			if err := verifySignature(req, []byte(v.body), sh, v.sk+"x", at); err == nil {
				t.Error("verify accepted a wrong secret")
			}
		})
	}
}

// TestSignEscapeAndQuery covers percent-encoding and query ordering.
func TestSignEscapeAndQuery(t *testing.T) {
	t.Parallel()
	if got := signEscape("a b/c~d_e.f-g*h"); got != "a%20b%2Fc~d_e.f-g%2Ah" {
		t.Errorf("escape %q", got)
	}
	if got := canonicalURI("/v3/users"); got != "/v3/users/" {
		t.Errorf("uri %q", got)
	}
	req, err := http.NewRequest("GET", "https://h/p?b=2&a=z&a=y&a_b=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	qs := canonicalQueries(req.URL.Query())
	if qs[0] != "a=y&a=z&a_b=1&b=2" {
		t.Errorf("query %q", qs)
	}
	// "a-b" sorts before "a=" as a string but after "a" as a key: both orders
	// are candidates, and a signature over the key order is accepted too.
	req, err = http.NewRequest("GET", "https://h/p?a-b=1&a=2", nil)
	if err != nil {
		t.Fatal(err)
	}
	qs = canonicalQueries(req.URL.Query())
	if !slices.Equal(qs, []string{"a-b=1&a=2", "a=2&a-b=1"}) {
		t.Errorf("queries %q", qs)
	}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	req.Header.Set(headerSdkDate, at.Format(sdkDateLayout))
	sh := sigHeader{Access: "ak", SignedHeaders: []string{"x-sdk-date"}}
	sh.Signature = signatureOf("sk", stringToSign(canonicalRequest(req, "a=2&a-b=1", sh.SignedHeaders, nil), at.Format(sdkDateLayout)))
	if err := verifySignature(req, nil, sh, "sk", at); err != nil {
		t.Errorf("key-ordered query signature: %v", err)
	}
	if _, err := parseSigHeader("Bearer x"); err == nil {
		t.Error("parsed a bearer header")
	}
	if _, err := parseSigHeader("SDK-HMAC-SHA256 Access=a, SignedHeaders=x-sdk-date"); err == nil {
		t.Error("parsed a header without signature")
	}
}
