package kube

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/pki"
)

// certBackdate is how far NotBefore lies before the issue time.
const certBackdate = time.Minute

// Issue starts the cluster's API server if needed, signs a client
// certificate for applicantID (CN) in groups (O) with its CA, valid from now
// to notAfter, records the issuance and returns the kubeconfig JSON of
// clustercert. agency tells which field of a revocation names the applicant.
func (k *Servers) Issue(clusterID, applicantID string, agency bool, groups []string, now, notAfter time.Time) ([]byte, error) {
	ks, err := k.ensure(clusterID)
	if err != nil {
		return nil, err
	}
	cc, err := ks.ca.ClientCert(applicantID, groups, now.Add(-certBackdate), notAfter)
	if err != nil {
		return nil, err
	}
	external, err := k.acct.RecordIssuance(clusterID, applicantID, agency, cc.Cert, cc.KeyPEM, now)
	if err != nil {
		return nil, err
	}
	return kubeconfigJSON(ks.url, ks.ca.CertPEM, cc, external)
}

// The kubeconfig JSON of clustercert, in the field order of cce-api.md
// section 4 (exported for the tests that read it).
type (
	Kubeconfig struct {
		Kind           string         `json:"kind"`
		APIVersion     string         `json:"apiVersion"`
		Preferences    struct{}       `json:"preferences"`
		Clusters       []NamedCluster `json:"clusters"`
		Users          []NamedUser    `json:"users"`
		Contexts       []NamedContext `json:"contexts"`
		CurrentContext string         `json:"current-context"`
	}
	NamedCluster struct {
		Name    string      `json:"name"`
		Cluster ClusterInfo `json:"cluster"`
	}
	ClusterInfo struct {
		Server                   string `json:"server"`
		CertificateAuthorityData string `json:"certificate-authority-data,omitempty"`
		InsecureSkipTLSVerify    bool   `json:"insecure-skip-tls-verify,omitempty"`
	}
	NamedUser struct {
		Name string   `json:"name"`
		User UserInfo `json:"user"`
	}
	UserInfo struct {
		ClientCertificateData string `json:"client-certificate-data"`
		ClientKeyData         string `json:"client-key-data"`
	}
	NamedContext struct {
		Name    string      `json:"name"`
		Context ContextInfo `json:"context"`
	}
	ContextInfo struct {
		Cluster string `json:"cluster"`
		User    string `json:"user"`
	}
)

// kubeconfigJSON renders the clustercert response. In the mock the external
// cluster entry points at the same server as the internal one.
func kubeconfigJSON(server string, caPEM []byte, cc *pki.ClientCert, external bool) ([]byte, error) {
	b64 := base64.StdEncoding.EncodeToString
	kc := Kubeconfig{
		Kind: "Config", APIVersion: "v1",
		Clusters:       []NamedCluster{{Name: "internalCluster", Cluster: ClusterInfo{Server: server, CertificateAuthorityData: b64(caPEM)}}},
		Users:          []NamedUser{{Name: "user", User: UserInfo{ClientCertificateData: b64(cc.CertPEM), ClientKeyData: b64(cc.KeyPEM)}}},
		Contexts:       []NamedContext{{Name: "internal", Context: ContextInfo{Cluster: "internalCluster", User: "user"}}},
		CurrentContext: "internal",
	}
	if external {
		kc.Clusters = append(kc.Clusters, NamedCluster{Name: "externalCluster", Cluster: ClusterInfo{Server: server, InsecureSkipTLSVerify: true}})
		kc.Contexts = append(kc.Contexts, NamedContext{Name: "external", Context: ContextInfo{Cluster: "externalCluster", User: "user"}})
		kc.CurrentContext = "external"
	}
	out, err := json.Marshal(kc)
	if err != nil {
		return nil, fmt.Errorf("mockcloud: kubeconfig: %w", err)
	}
	return slices.Concat(out, []byte("\n")), nil
}
