package cce

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"sync"
)

// Trusting a CA file (Config.CACertPEM) means trusting it as well as the
// system's roots. Loading the system's roots takes about 10 ms, paid by
// every provider process, and a pipeline's plan and apply each start one,
// while most who set a CA file reach every endpoint through it (a private
// gateway, the mock). So the handshake checks the chain against the file's
// roots first and loads the system's only when that fails: the outcome is
// the one crypto/tls gives with RootCAs = system roots + the file's.
// Verification is never skipped: InsecureSkipVerify only hands it over to
// VerifyConnection, which checks the chain and the host name as crypto/tls
// would (the way its documentation shows to customise verification).

// extraRootsTLS returns a TLS configuration that trusts the certificates of
// caPEM and the roots systemRoots returns (called at most once, on the
// first handshake whose chain does not lead to caPEM's).
func extraRootsTLS(caPEM []byte, systemRoots func() (*x509.CertPool, error)) (*tls.Config, error) {
	extra, err := parseCerts(caPEM)
	if err != nil {
		return nil, err
	}
	fileRoots := x509.NewCertPool()
	for _, c := range extra {
		fileRoots.AddCert(c)
	}
	allRoots := sync.OnceValue(func() *x509.CertPool {
		pool, err := systemRoots()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		for _, c := range extra {
			pool.AddCert(c)
		}
		return pool
	})
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, //nolint:gosec // verified in VerifyConnection, against the roots crypto/tls would use.
		VerifyConnection: func(cs tls.ConnectionState) error {
			return verifyChain(cs, fileRoots, allRoots)
		},
	}, nil
}

// parseCerts returns the certificates of a PEM bundle, as
// CertPool.AppendCertsFromPEM reads it: blocks of another type or that do
// not parse are skipped.
func parseCerts(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for len(data) > 0 {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" || len(block.Headers) != 0 {
			continue
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("ca certificate: no PEM certificate found")
	}
	return out, nil
}

// verifyChain checks the server's chain and host name against fileRoots,
// then, if that fails, against allRoots (the system's plus the file's).
func verifyChain(cs tls.ConnectionState, fileRoots *x509.CertPool, allRoots func() *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("tls: the server sent no certificate")
	}
	opts := x509.VerifyOptions{DNSName: cs.ServerName, Roots: fileRoots, Intermediates: x509.NewCertPool()}
	for _, c := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(c)
	}
	leaf := cs.PeerCertificates[0]
	if _, err := leaf.Verify(opts); err == nil {
		return nil
	}
	opts.Roots = allRoots()
	if _, err := leaf.Verify(opts); err != nil {
		// What crypto/tls itself returns, so callers classify it alike.
		return &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: err}
	}
	return nil
}
