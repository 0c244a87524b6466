package certid

import (
	"encoding/pem"
	"errors"
	"testing"

	ct "github.com/cceops/terraform-provider-cce/internal/certid/certidtest"
)

func TestFirstCertificate(t *testing.T) {
	f := ct.Fixtures()
	crl := string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte("crl")}))
	tests := []struct {
		name   string
		pem    string
		wantCN string
	}{
		{name: "one certificate", pem: f.Alice.PEM(), wantCN: ct.AliceID},
		{name: "a chain: the first certificate", pem: f.Bob.PEM() + f.CA.PEM(), wantCN: ct.BobID},
		{name: "a key and a CRL before it are skipped", pem: f.Alice.KeyPEM() + crl + f.Alice.PEM(), wantCN: ct.AliceID},
		{name: "text around it", pem: "subject=CN = x\n" + f.Bob.PEM() + "trailer\n", wantCN: ct.BobID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := FirstCertificate([]byte(tt.pem))
			if err != nil {
				t.Fatal(err)
			}
			if cert.Subject.CommonName != tt.wantCN {
				t.Errorf("CN %q, want %q", cert.Subject.CommonName, tt.wantCN)
			}
		})
	}
}

func TestFirstCertificate_none(t *testing.T) {
	f := ct.Fixtures()
	tests := []struct {
		name       string
		pem        string
		wantBlocks int
	}{
		{name: "empty", pem: "", wantBlocks: 0},
		{name: "truncated certificate", pem: f.Alice.PEM()[:200], wantBlocks: 0},
		{name: "a key", pem: f.Alice.KeyPEM(), wantBlocks: 1},
		{name: "a key and a CSR", pem: f.RSAKeyPEM + f.CSRPEM, wantBlocks: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert, err := FirstCertificate([]byte(tt.pem))
			var none *NoCertificateError
			if !errors.As(err, &none) {
				t.Fatalf("got %v, %v; want a *NoCertificateError", cert, err)
			}
			if none.Blocks != tt.wantBlocks {
				t.Errorf("Blocks = %d, want %d", none.Blocks, tt.wantBlocks)
			}
			if err.Error() != "no PEM certificate found" {
				t.Errorf("message %q", err)
			}
		})
	}
}

// A CERTIFICATE block that is not X.509 is x509's error, not "none found":
// the caller must say the certificate is damaged, not missing.
func TestFirstCertificate_damaged(t *testing.T) {
	bad := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})
	cert, err := FirstCertificate(append(bad, ct.Fixtures().Alice.PEM()...))
	var none *NoCertificateError
	if err == nil || errors.As(err, &none) {
		t.Fatalf("got %v, %v; want a parse error", cert, err)
	}
}
