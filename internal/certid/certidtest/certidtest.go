// Package certidtest issues throwaway certificates and builds kubeconfigs
// shaped like the ones the CCE console offers, for the tests of certid and of
// the certificate_applicant_id function. Nothing here is a secret.
package certidtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"sync"
	"time"

	"sigs.k8s.io/yaml"
)

// Applicant IDs of the test certificates (made-up IAM user IDs) and the CN of
// their CA.
const (
	AliceID = "0a11ce00000000000000000000000001"
	BobID   = "b0b00000000000000000000000000002"
	CAName  = "function test CA"
)

// Cert is a throwaway certificate with its key.
type Cert struct {
	Cert *x509.Certificate
	DER  []byte
	Key  *ecdsa.PrivateKey
}

// PEM returns the certificate as PEM.
func (c Cert) PEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER}))
}

// KeyPEM returns the private key as PKCS#8 PEM.
func (c Cert) KeyPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: PKCS8(c.Key)}))
}

// PKCS8 returns the DER of a private key.
func PKCS8(k *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return der
}

var serial struct {
	sync.Mutex
	n int64
}

// Issue issues a certificate for subject, signed by parent (self-signed when
// parent is nil).
func Issue(subject pkix.Name, parent *Cert) Cert {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	serial.Lock()
	serial.n++
	number := big.NewInt(serial.n)
	serial.Unlock()
	tmpl := &x509.Certificate{
		SerialNumber: number,
		Subject:      subject,
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	signer, signerCert := key, tmpl
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	} else {
		signer, signerCert = parent.Key, parent.Cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &key.PublicKey, signer)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return Cert{Cert: cert, DER: der, Key: key}
}

// Set is a CA and two users as CCE issues them (CN = IAM user ID), with
// inputs that are not certificates.
type Set struct {
	CA, Alice, Bob Cert
	RSAKeyPEM      string
	CSRPEM         string
	CSRDER         []byte
}

// Fixtures are generated once per test binary.
var Fixtures = sync.OnceValue(func() Set {
	ca := Issue(pkix.Name{CommonName: CAName}, nil)
	f := Set{
		CA:    ca,
		Alice: Issue(pkix.Name{CommonName: AliceID, Organization: []string{"system:authenticated"}}, &ca),
		Bob:   Issue(pkix.Name{CommonName: BobID, Organization: []string{"system:authenticated"}}, &ca),
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	f.RSAKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}))
	f.CSRDER, err = x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: AliceID}}, f.Alice.Key)
	if err != nil {
		panic(err)
	}
	f.CSRPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: f.CSRDER}))
	return f
})

// B64 is standard base64, as in client-certificate-data.
func B64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// User is one users entry of a kubeconfig.
type User struct {
	Name string
	User map[string]any
}

// CertUser authenticates with c and its key, as CCE's kubeconfigs do.
func CertUser(name string, c Cert) User {
	return User{Name: name, User: map[string]any{
		"client-certificate-data": B64(c.PEM()),
		"client-key-data":         B64(c.KeyPEM()),
	}}
}

// Kubeconfig builds a kubeconfig shaped like the ones the CCE console
// offers; contexts are name -> user, and current "" leaves current-context out.
func Kubeconfig(current string, contexts [][2]string, users ...User) map[string]any {
	ctxs := []any{}
	for _, c := range contexts {
		ctxs = append(ctxs, map[string]any{"name": c[0], "context": map[string]any{"cluster": "externalCluster", "user": c[1]}})
	}
	us := []any{}
	for _, u := range users {
		us = append(us, map[string]any{"name": u.Name, "user": u.User})
	}
	kc := map[string]any{
		"apiVersion":  "v1",
		"kind":        "Config",
		"preferences": map[string]any{},
		"clusters": []any{map[string]any{"name": "externalCluster", "cluster": map[string]any{
			"server":                     "https://192.0.2.10:5443",
			"certificate-authority-data": B64(Fixtures().CA.PEM()),
		}}},
		"contexts": ctxs,
		"users":    us,
	}
	if current != "" {
		kc["current-context"] = current
	}
	return kc
}

// YAML renders v as YAML.
func YAML(v any) string {
	b, err := yaml.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// JSON renders v as indented JSON.
func JSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err)
	}
	return string(b)
}

// KubeconfigYAML has two users; the current context is Bob's.
func KubeconfigYAML() string {
	f := Fixtures()
	return YAML(Kubeconfig("bob@external", [][2]string{{"alice@external", "alice"}, {"bob@external", "bob"}},
		CertUser("alice", f.Alice), CertUser("bob", f.Bob)))
}

// KubeconfigJSON has one user, Alice, and no current context.
func KubeconfigJSON() string {
	return JSON(Kubeconfig("", [][2]string{{"external", "user"}}, CertUser("user", Fixtures().Alice)))
}

// KubeconfigTokenYAML has one user, who authenticates with a bearer token.
func KubeconfigTokenYAML() string {
	return YAML(Kubeconfig("external", [][2]string{{"external", "user"}},
		User{Name: "user", User: map[string]any{"token": "function-test-token-not-a-secret"}}))
}
