package cce

import (
	"strings"
	"testing"
)

func TestParseKubeconfig(t *testing.T) {
	const doc = `{"kind":"Config","apiVersion":"v1","preferences":{},
"clusters":[{"name":"internalCluster","cluster":{"server":"https://192.168.1.7:5443","certificate-authority-data":"Q0E="}},
            {"name":"externalCluster","cluster":{"server":"https://203.0.113.7:5443","insecure-skip-tls-verify":true}}],
"users":[{"name":"user","user":{"client-certificate-data":"Q0VSVA==","client-key-data":"S0VZ"}}],
"contexts":[{"name":"internal","context":{"cluster":"internalCluster","user":"user"}},
            {"name":"external","context":{"cluster":"externalCluster","user":"user"}}],
"current-context":"external"}`
	k, err := ParseKubeconfig([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if k.CurrentContext != "external" || k.InternalServer != "https://192.168.1.7:5443" ||
		k.ExternalServer != "https://203.0.113.7:5443" || string(k.CACertificatePEM) != "CA" ||
		string(k.ClientCertificatePEM) != "CERT" || string(k.ClientKeyPEM) != "KEY" {
		t.Errorf("parsed %+v", k)
	}

	for name, bad := range map[string]string{
		"not json":   `client-key-data: S0VZ`,
		"no user":    `{"current-context":"internal","contexts":[{"name":"internal","context":{"user":"user"}}]}`,
		"key absent": `{"users":[{"name":"user","user":{"client-certificate-data":"Q0VSVA=="}}]}`,
	} {
		_, err := ParseKubeconfig([]byte(bad))
		if err == nil {
			t.Errorf("%s: expected an error", name)
			continue
		}
		if strings.Contains(err.Error(), "S0VZ") || strings.Contains(err.Error(), "KEY") {
			t.Errorf("%s: the error quotes key material: %s", name, err)
		}
	}
}
