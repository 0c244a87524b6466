package world

import (
	"crypto/x509"
	"errors"
	"time"
)

// Why a certificate cannot be issued for a cluster (clustercert and
// Cloud.IssueAgencyCredential).
var (
	ErrClusterNotFound     = errors.New("cluster not found")
	ErrClusterNotAvailable = errors.New("cluster not available")
)

// RecordIssuance records the client certificate cert (with its private key
// keyPEM) issued at now for applicantID on the cluster, if the cluster is
// still there and Available, and reports whether it has an external
// endpoint. It takes Mu.
func (a *Account) RecordIssuance(clusterID, applicantID string, agency bool, cert *x509.Certificate, keyPEM []byte,
	now time.Time) (external bool, err error) {
	a.Mu.Lock()
	defer a.Mu.Unlock()
	cl, ok := a.Clusters[clusterID]
	switch {
	case !ok:
		return false, ErrClusterNotFound
	case cl.Phase != PhaseAvailable:
		return false, ErrClusterNotAvailable
	}
	a.Issuances = append(a.Issuances, IssuanceRec{Agency: agency, Issuance: Issuance{
		ClusterID: clusterID, ApplicantID: applicantID, Serial: cert.SerialNumber.Text(16),
		NotBefore: cert.NotBefore, NotAfter: cert.NotAfter, IssuedAt: now,
	}})
	a.IssuedKeys = append(a.IssuedKeys, keyPEM)
	return cl.ExternalEndpoint != "", nil
}

// Accepts reports whether the cluster's kube API server accepts the client
// certificate with this serial: one issued on the cluster and not revoked
// there at or after its issue time. It takes Mu.
func (a *Account) Accepts(clusterID, serial string) bool {
	a.Mu.Lock()
	defer a.Mu.Unlock()
	var iss *IssuanceRec
	for i := range a.Issuances {
		if is := &a.Issuances[i]; is.ClusterID == clusterID && is.Serial == serial {
			iss = is
			break
		}
	}
	if iss == nil {
		return false
	}
	for _, rv := range a.Revocations {
		if rv.ClusterID != clusterID {
			continue
		}
		revokes := iss.Agency && rv.AgencyID == iss.ApplicantID || !iss.Agency && rv.UserID == iss.ApplicantID
		if revokes && !rv.At.Before(iss.IssuedAt) {
			return false
		}
	}
	return true
}
