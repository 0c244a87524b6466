package cce

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestSignerVectorA(t *testing.T) {
	h := http.Header{}
	h.Set("X-Sdk-Date", "20060102T150405Z")
	h.Set("TEST_UNDERSCORE", "TEST_VALUE")
	res, err := signParts("GET", "https://example.huaweicloud.com/path?limit=1", h, "", nil,
		"AccessKey", "SecretKey", time.Time{}, []string{"x-sdk-date"})
	if err != nil {
		t.Fatal(err)
	}
	wantCR := "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	wantSTS := "SDK-HMAC-SHA256\n20060102T150405Z\n85c3b7730f308aee452b16138a42a914397e43a8f0d732dfa521c0ef2afa98a4"
	wantAuth := "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
	check(t, "canonical request", res.Canonical, wantCR)
	check(t, "string to sign", res.StringToSign, wantSTS)
	check(t, "authorization", res.Authorization, wantAuth)
	check(t, "header", h.Get("Authorization"), wantAuth)
}

func TestSignerVectorB(t *testing.T) {
	h := http.Header{}
	h.Set("X-Sdk-Date", "20060102T150405Z")
	h.Set("TEST_UNDERSCORE", "TEST_VALUE")
	h.Set("Content-Type", "application/json")
	body := []byte("{\"Name\":\"test\",\"Id\":1}\n")
	sum := sha256.Sum256(body)
	check(t, "body hash", hex.EncodeToString(sum[:]), "a29d7b4c5efd1a22011d69fd7b7aee76fe51e4083c609244228de258afd61289")
	res, err := signParts("POST", "https://example.huaweicloud.com/path?key=value", h, "", body,
		"AccessKey", "SecretKey", time.Time{}, []string{"x-sdk-date"})
	if err != nil {
		t.Fatal(err)
	}
	wantCR := "POST\n/path/\nkey=value\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\na29d7b4c5efd1a22011d69fd7b7aee76fe51e4083c609244228de258afd61289"
	checkVector(t, res, wantCR, "20060102T150405Z", "13f75ff5f5216199f986c7e7f2f77834d5e160ad9e46f37319816dc72ba7eeab",
		"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59")
}

func TestSignerVectorC(t *testing.T) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Sdk-Date", "20191115T033655Z")
	res, err := signParts("GET",
		"https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
		h, "service.region.example.com", nil,
		"QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", time.Time{},
		[]string{"content-type", "host", "x-sdk-date"})
	if err != nil {
		t.Fatal(err)
	}
	wantCR := "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n" +
		"content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n" +
		"content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	checkVector(t, res, wantCR, "20191115T033655Z", "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
		"SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe")
}

// checkVector checks each step of a signature against a published vector:
// the canonical request, its hash, the string to sign (from the date and
// that hash) and the Authorization header.
func checkVector(t *testing.T, res signResult, canonical, date, canonicalHash, authorization string) {
	t.Helper()
	check(t, "canonical request", res.Canonical, canonical)
	sum := sha256.Sum256([]byte(res.Canonical))
	check(t, "canonical request hash", hex.EncodeToString(sum[:]), canonicalHash)
	check(t, "string to sign", res.StringToSign, "SDK-HMAC-SHA256\n"+date+"\n"+canonicalHash)
	check(t, "authorization", res.Authorization, authorization)
}

func TestSignerClientRuleAndDate(t *testing.T) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Project-Id", "p1")
	h.Set("User-Agent", "ua")
	res, err := signParts("GET", "https://cce.eu-de.example.com/api/v3/projects/p1/clusters", h, "", nil,
		"ak", "sk", time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)), nil)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "date", h.Get("X-Sdk-Date"), "20240102T020405Z")
	got := res.SignedHeaders
	want := []string{"content-type", "host", "x-project-id", "x-sdk-date"}
	if len(got) != len(want) {
		t.Fatalf("signed headers %v, want %v", got, want)
	}
	for i := range want {
		check(t, "signed header", got[i], want[i])
	}
}

func TestCanonicalEscaping(t *testing.T) {
	u, err := url.Parse("https://h/a%20b/c~d/e%2Ff/?z=1&a=b+c&a=a&k=%C3%A9")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "uri", canonicalURI(u), "/a%20b/c~d/e%2Ff/")
	check(t, "query", canonicalQuery(u), "a=a&a=b%20c&k=%C3%A9&z=1")
	u2, _ := url.Parse("https://h")
	check(t, "empty path", canonicalURI(u2), "/")
	h := http.Header{"X-Sdk-Content-Sha256": {"UNSIGNED-PAYLOAD"}, "X-Sdk-Date": {"d"}}
	cr := canonicalRequest("get", u2, h, "h", []string{"x-sdk-date"}, []byte("ignored"))
	check(t, "unsigned payload", cr, "GET\n/\n\nx-sdk-date:d\n\nx-sdk-date\nUNSIGNED-PAYLOAD")
}

func check(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}
