// Package pki is the fake cloud's certificate authorities: the CA of its
// HTTPS listeners and one CA per cluster, which signs the cluster's kube API
// server and the client certificates clustercert hands out. It is a bottom
// layer: it knows nothing of the cloud.
package pki

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

// CA is an in-memory ECDSA P-256 CA. It backs both the CA of the
// cloud's own listener and the per-cluster CAs of the kube API servers.
type CA struct {
	Cert    *x509.Certificate
	CertPEM []byte // the PEM of Cert
	key     *ecdsa.PrivateKey
}

// newSigned creates a fresh ECDSA P-256 key and a certificate for it from
// tmpl (whose SerialNumber it sets to a random 128-bit number), signed by ca,
// or self-signed when ca is nil. It returns the key and the parsed certificate.
func newSigned(tmpl *x509.Certificate, ca *CA) (*ecdsa.PrivateKey, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("pki: key for %q: %w", tmpl.Subject.CommonName, err)
	}
	if tmpl.SerialNumber, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128)); err != nil {
		return nil, nil, fmt.Errorf("pki: serial: %w", err)
	}
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.Cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, nil, fmt.Errorf("pki: certificate for %q: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("pki: parse certificate for %q: %w", tmpl.Subject.CommonName, err)
	}
	return key, cert, nil
}

// NewCA creates a self-signed CA with the given common name.
func NewCA(cn string) (*CA, error) {
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
	return &CA{Cert: cert, key: key, CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})}, nil
}

// ServerCert issues a TLS server certificate for localhost, 127.0.0.1 and ::1,
// the only addresses the cloud and its kube API servers listen on.
func (ca *CA) ServerCert() (tls.Certificate, error) {
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
	return tls.Certificate{Certificate: [][]byte{cert.Raw, ca.Cert.Raw}, PrivateKey: key}, nil
}

// ClientCert is an issued client certificate with its private key.
type ClientCert struct {
	Cert    *x509.Certificate
	CertPEM []byte
	KeyPEM  []byte // SEC1 "EC PRIVATE KEY"
}

// ClientCert issues a client-authentication certificate with a fresh ECDSA
// P-256 key for subject CN=cn, O=orgs, valid from notBefore to notAfter.
func (ca *CA) ClientCert(cn string, orgs []string, notBefore, notAfter time.Time) (*ClientCert, error) {
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
		return nil, fmt.Errorf("pki: client key encode: %w", err)
	}
	return &ClientCert{
		Cert:    cert,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// VerifyClient reports whether cert was signed by ca for client
// authentication. Validity dates are checked by the caller against the
// cloud's clock, which may differ from the wall clock.
func (ca *CA) VerifyClient(cert *x509.Certificate) bool {
	if cert.CheckSignatureFrom(ca.Cert) != nil {
		return false
	}
	return slices.Contains(cert.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
}
