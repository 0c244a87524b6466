package cce

import (
	"encoding/json"
	"fmt"
)

// Kubeconfig is the credential clustercert returns (cce-api.md §4): a
// kubeconfig rendered as JSON with an internal and, when the cluster has an
// EIP, an external cluster entry, and one user named "user".
type Kubeconfig struct {
	CurrentContext string
	// InternalServer and ExternalServer are the API server URLs of the
	// internalCluster and externalCluster entries ("" when absent).
	InternalServer, ExternalServer string
	// CACertificatePEM is the cluster CA of the first entry that carries one.
	CACertificatePEM []byte
	// ClientCertificatePEM and ClientKeyPEM belong to the current context's
	// user. The key is secret: never log it.
	ClientCertificatePEM, ClientKeyPEM []byte
}

type kubeconfigJSON struct {
	CurrentContext string `json:"current-context"`
	Clusters       []struct {
		Name    string `json:"name"`
		Cluster struct {
			Server string `json:"server"`
			CAData []byte `json:"certificate-authority-data"`
		} `json:"cluster"`
	} `json:"clusters"`
	Users []struct {
		Name string `json:"name"`
		User struct {
			CertData []byte `json:"client-certificate-data"`
			KeyData  []byte `json:"client-key-data"`
		} `json:"user"`
	} `json:"users"`
	Contexts []struct {
		Name    string `json:"name"`
		Context struct {
			User string `json:"user"`
		} `json:"context"`
	} `json:"contexts"`
}

// Names CCE gives the entries of an issued kubeconfig.
const (
	kubeInternalCluster = "internalCluster"
	kubeExternalCluster = "externalCluster"
)

// ParseKubeconfig reads an issued kubeconfig. Errors never quote the input,
// which holds a private key.
func ParseKubeconfig(b []byte) (*Kubeconfig, error) {
	var raw kubeconfigJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("the issued kubeconfig (%d bytes) is not the JSON CCE documents", len(b))
	}
	k := &Kubeconfig{CurrentContext: raw.CurrentContext}
	for _, c := range raw.Clusters {
		switch c.Name {
		case kubeInternalCluster:
			k.InternalServer = c.Cluster.Server
		case kubeExternalCluster:
			k.ExternalServer = c.Cluster.Server
		}
		if k.CACertificatePEM == nil && len(c.Cluster.CAData) > 0 {
			k.CACertificatePEM = c.Cluster.CAData
		}
	}
	userName := ""
	for _, c := range raw.Contexts {
		if c.Name == raw.CurrentContext {
			userName = c.Context.User
		}
	}
	for _, u := range raw.Users {
		if u.Name == userName || (userName == "" && len(raw.Users) == 1) {
			k.ClientCertificatePEM, k.ClientKeyPEM = u.User.CertData, u.User.KeyData
		}
	}
	if len(k.ClientCertificatePEM) == 0 || len(k.ClientKeyPEM) == 0 {
		return nil, fmt.Errorf("the issued kubeconfig has no client certificate and key for its current context %q", raw.CurrentContext)
	}
	return k, nil
}
