package mockcloud

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"slices"
	"time"
)

// certAuthority is an in-memory ECDSA P-256 CA. It backs both the CA of the
// cloud's own listener and the per-cluster CAs of the kube API servers.
type certAuthority struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
}

// newSigned creates a fresh ECDSA P-256 key and a certificate for it from
// tmpl (whose SerialNumber it sets to a random 128-bit number), signed by ca,
// or self-signed when ca is nil. It returns the key and the parsed certificate.
func newSigned(tmpl *x509.Certificate, ca *certAuthority) (*ecdsa.PrivateKey, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("mockcloud: key for %q: %w", tmpl.Subject.CommonName, err)
	}
	if tmpl.SerialNumber, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128)); err != nil {
		return nil, nil, fmt.Errorf("mockcloud: serial: %w", err)
	}
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, nil, fmt.Errorf("mockcloud: certificate for %q: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("mockcloud: parse certificate for %q: %w", tmpl.Subject.CommonName, err)
	}
	return key, cert, nil
}

// newCertAuthority creates a self-signed CA with the given common name.
func newCertAuthority(cn string) (*certAuthority, error) {
	key, cert, err := newSigned(&x509.Certificate{
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil)
	if err != nil {
		return nil, err
	}
	return &certAuthority{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})}, nil
}

// serverCert issues a TLS server certificate for localhost, 127.0.0.1 and ::1,
// the only addresses the cloud and its kube API servers listen on.
func (ca *certAuthority) serverCert() (tls.Certificate, error) {
	key, cert, err := newSigned(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "cce-mockcloud"},
		NotBefore:   time.Now().Add(-time.Hour),
		NotAfter:    time.Now().Add(5 * 365 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}, ca)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw, ca.cert.Raw}, PrivateKey: key}, nil
}

// clientCert is an issued client certificate with its private key.
type clientCert struct {
	cert    *x509.Certificate
	certPEM []byte
	keyPEM  []byte // SEC1 "EC PRIVATE KEY"
}

// clientCert issues a client-authentication certificate with a fresh ECDSA
// P-256 key for subject CN=cn, O=orgs, valid from notBefore to notAfter.
func (ca *certAuthority) clientCert(cn string, orgs []string, notBefore, notAfter time.Time) (*clientCert, error) {
	key, cert, err := newSigned(&x509.Certificate{
		Subject:     pkix.Name{CommonName: cn, Organization: orgs},
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("mockcloud: client key encode: %w", err)
	}
	return &clientCert{
		cert:    cert,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// verifyClient reports whether cert was signed by ca for client
// authentication. Validity dates are checked by the caller against the
// cloud's clock, which may differ from the wall clock.
func (ca *certAuthority) verifyClient(cert *x509.Certificate) bool {
	if cert.CheckSignatureFrom(ca.cert) != nil {
		return false
	}
	return slices.Contains(cert.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
}
