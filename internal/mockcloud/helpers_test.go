package mockcloud

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/gateway"
)

// cred is how a test client authenticates. AK/SK requests carry X-Domain-Id
// (as IAM requires) unless noDomainID is set.
type cred struct {
	ak, sk, secToken string
	token            string
	skew             time.Duration // added to the X-Sdk-Date the client claims
	noDomainID       bool
}

// adminCred, aliceCred and bobCred are the seeded users' permanent keys.
var (
	adminCred = cred{ak: AdminAccessKey, sk: AdminSecretKey}
	aliceCred = cred{ak: AliceAccessKey, sk: AliceSecretKey}
	bobCred   = cred{ak: BobAccessKey, sk: BobSecretKey}
)

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic map.
func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return m
}

// httpClient returns a client trusting the mock's CA.
func httpClient(t testing.TB, c *Cloud) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(c.CACertPEM()) {
		t.Fatal("CA PEM not accepted")
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}}
}

// call sends one request. pathAndQuery may hold a query string.
func call(t testing.TB, c *Cloud, cr cred, method, pathAndQuery string, body any, extra ...string) response {
	t.Helper()
	r, err := tryCall(t, c, cr, method, pathAndQuery, body, extra...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tryCall is call returning the transport error instead of failing the test.
func tryCall(t testing.TB, c *Cloud, cr cred, method, pathAndQuery string, body any, extra ...string) (response, error) {
	t.Helper()
	return tryCallAt(t, c, c.URL(), cr, method, pathAndQuery, body, extra...)
}

// callAt is call on the host at base (one of c.Endpoints()).
func callAt(t testing.TB, c *Cloud, base string, cr cred, method, pathAndQuery string, body any) response {
	t.Helper()
	r, err := tryCallAt(t, c, base, cr, method, pathAndQuery, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tryCallAt is tryCall on the host at base.
func tryCallAt(t testing.TB, c *Cloud, base string, cr cred, method, pathAndQuery string, body any, extra ...string) (response, error) {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, base+pathAndQuery, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	switch {
	case cr.token != "":
		req.Header.Set("X-Auth-Token", cr.token)
	case cr.ak != "":
		if !cr.noDomainID && req.Header.Get("X-Domain-Id") == "" {
			req.Header.Set("X-Domain-Id", DomainID)
		}
		signForTest(req, raw, cr, c.now().Add(cr.skew))
	}
	return send(httpClient(t, c), req)
}

// send does req with client and reads the whole answer.
func send(client *http.Client, req *http.Request) (response, error) {
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: got}, nil
}

// signForTest signs req like the APIG guide (content-type;host;x-sdk-date).
func signForTest(req *http.Request, body []byte, cr cred, at time.Time) {
	req.Host = req.URL.Host
	if cr.secToken != "" {
		req.Header.Set("X-Security-Token", cr.secToken)
	}
	signed := []string{"host", "x-sdk-date"}
	if req.Header.Get("Content-Type") != "" {
		signed = append(signed, "content-type")
	}
	if cr.secToken != "" {
		signed = append(signed, "x-security-token")
	}
	gateway.SignRequest(req, body, cr.ak, cr.sk, signed, at)
}

// expectStatus fails the test when the status differs.
func expectStatus(t testing.TB, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body %s", r.status, want, r.body)
	}
}

// str reads a nested string field by dotted path.
func str(m map[string]any, path string) string {
	var cur any = m
	for p := range strings.SplitSeq(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[p]
	}
	s, _ := cur.(string)
	return s
}

// cceClusters is the CCE clusters path prefix of the seeded project.
const cceClusters = "/api/v3/projects/" + ProjectID + "/clusters"

// query builds a query string.
func query(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return "?" + v.Encode()
}

// obj returns v as a JSON object, or nil.
func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// arr returns v as a JSON array, or nil.
func arr(v any) []any {
	a, _ := v.([]any)
	return a
}
