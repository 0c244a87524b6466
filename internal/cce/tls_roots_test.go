package cce

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// tlsServer starts an HTTPS server whose certificate, for 127.0.0.1, is
// signed by a CA of its own, which it returns.
func tlsServer(t *testing.T) (*httptest.Server, *x509.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, ca
}

func pemOf(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// getWith sends one GET with a transport built from extraRootsTLS(caPEM,
// system), counting how often the system's roots were loaded.
func getWith(t *testing.T, url string, caPEM []byte, system *x509.Certificate, loads *atomic.Int32) error {
	t.Helper()
	tc, err := extraRootsTLS(caPEM, func() (*x509.CertPool, error) {
		loads.Add(1)
		pool := x509.NewCertPool()
		if system != nil {
			pool.AddCert(system)
		}
		return pool, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}
	resp, err := c.Get(url)
	if err == nil {
		_ = resp.Body.Close()
	}
	c.CloseIdleConnections()
	return err
}

// TestExtraRoots_fileFirst: a server whose chain leads to the CA file is
// trusted without loading the system's roots; one that leads elsewhere is
// checked against them, loaded once; one that leads nowhere, or whose
// certificate names another host, is refused as crypto/tls refuses it.
func TestExtraRoots_fileFirst(t *testing.T) {
	inFile, fileCA := tlsServer(t)
	inSystem, systemCA := tlsServer(t)
	nowhere, _ := tlsServer(t)
	caPEM := pemOf(fileCA)

	var loads atomic.Int32
	if err := getWith(t, inFile.URL, caPEM, systemCA, &loads); err != nil {
		t.Fatalf("server of the CA file: %v", err)
	}
	if n := loads.Load(); n != 0 {
		t.Errorf("system roots loaded %d times for a server of the CA file, want 0", n)
	}

	loads.Store(0)
	if err := getWith(t, inSystem.URL, caPEM, systemCA, &loads); err != nil {
		t.Fatalf("server of a system root: %v", err)
	}
	if n := loads.Load(); n != 1 {
		t.Errorf("system roots loaded %d times, want 1", n)
	}

	loads.Store(0)
	err := getWith(t, nowhere.URL, caPEM, systemCA, &loads)
	if !IsUnknownAuthority(err) || retryableTransportError(err) {
		t.Errorf("server of an unknown authority: got %v (unknown authority %t), want a refusal that is not retried", err, IsUnknownAuthority(err))
	}

	wrongHost := strings.Replace(inFile.URL, "127.0.0.1", "localhost", 1) // the certificate names 127.0.0.1, not localhost
	err = getWith(t, wrongHost, caPEM, nil, &loads)
	var hostErr x509.HostnameError
	if !errors.As(err, &hostErr) || retryableTransportError(err) {
		t.Errorf("certificate for another host: got %v, want a host name error that is not retried", err)
	}
}

// TestExtraRoots_badPEM: a CA file without a certificate is refused when the
// client is built, as before.
func TestExtraRoots_badPEM(t *testing.T) {
	_, err := NewClient(Config{Region: "eu-de", Credentials: Credentials{AccessKey: "a", SecretKey: "b"}, CACertPEM: []byte("not a certificate")})
	if err == nil || !strings.Contains(err.Error(), "no PEM certificate found") {
		t.Errorf("got %v, want the no PEM certificate error", err)
	}
}
