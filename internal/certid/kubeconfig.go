package certid

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"
)

// kubeconfig is the part of a kubeconfig (clientcmd v1 Config) ApplicantID
// reads.
type kubeconfig struct {
	Kind           string `json:"kind"`
	CurrentContext string `json:"current-context"`
	Contexts       []struct {
		Name    string `json:"name"`
		Context struct {
			User string `json:"user"`
		} `json:"context"`
	} `json:"contexts"`
	Users []struct {
		Name string   `json:"name"`
		User kubeUser `json:"user"`
	} `json:"users"`
}

type kubeUser struct {
	ClientCertificateData string          `json:"client-certificate-data"`
	ClientCertificate     string          `json:"client-certificate"`
	Token                 string          `json:"token"`
	TokenFile             string          `json:"tokenFile"`
	Exec                  json.RawMessage `json:"exec"`
	AuthProvider          json.RawMessage `json:"auth-provider"`
	Username              string          `json:"username"`
}

// kubeconfigKeys are the top-level keys that make a YAML or JSON mapping a
// kubeconfig; kubeconfigKeyLine spots them in YAML that does not parse.
var (
	kubeconfigKeys    = []string{"users", "contexts", "clusters", "current-context"}
	kubeconfigKeyLine = regexp.MustCompile(`(?m)^(apiVersion|kind|clusters|contexts|users|current-context|preferences)\s*:`)
)

// fromStructured handles YAML and JSON. ok is false when the text is not a
// mapping at all, so the caller tries the other forms. Parser errors are never
// quoted: they echo pieces of the input.
func fromStructured(t, where string) (id string, ok bool, err error) {
	var top map[string]any
	if perr := yaml.Unmarshal([]byte(t), &top); perr != nil || top == nil {
		switch {
		case strings.HasPrefix(t, "{"):
			return "", true, fail(where + " starts like JSON but is not valid JSON (or is cut off). " +
				"Pass the kubeconfig file unchanged, e.g. with file(\"kubeconfig.json\").")
		case kubeconfigKeyLine.MatchString(t):
			return "", true, fail(where + " looks like a kubeconfig in YAML but does not parse: check the " +
				"indentation (YAML allows no tabs) and that nothing was cut off. Pass the kubeconfig file " +
				"unchanged, e.g. with file(\"kubeconfig.yaml\").")
		}
		return "", false, nil
	}
	isKubeconfig := top["kind"] == "Config"
	for _, k := range kubeconfigKeys {
		if _, found := top[k]; found {
			isKubeconfig = true
		}
	}
	if !isKubeconfig {
		return "", true, fail(where + " is YAML or JSON, but not a kubeconfig: it has none of the keys users, " +
			"contexts, clusters and current-context. " + applicantIDExpected + " Pass the kubeconfig downloaded " +
			"from the CCE console (kubectl config view --raw --minify --flatten prints one).")
	}
	var kc kubeconfig
	if uerr := yaml.Unmarshal([]byte(t), &kc); uerr != nil {
		return "", true, fail(where + " is a kubeconfig whose structure is invalid (for example users or " +
			"contexts is not a list of entries with name and user/context). Pass the kubeconfig unchanged, as " +
			"downloaded from the CCE console.")
	}
	id, err = fromKubeconfig(kc)
	return id, true, err
}

// fromKubeconfig picks the user of the current context (or the only user)
// and reads the CN of its client-certificate-data.
func fromKubeconfig(kc kubeconfig) (string, error) {
	var user *kubeUser
	var which string
	switch {
	case kc.CurrentContext != "":
		ctxIdx := -1
		for i := range kc.Contexts {
			if kc.Contexts[i].Name == kc.CurrentContext {
				ctxIdx = i
				break
			}
		}
		if ctxIdx < 0 {
			return "", failf("The kubeconfig's current-context names a context that is not in its "+
				"contexts list (%s), so there is no user to read. Fix current-context (kubectl config "+
				"use-context), or add the missing context.", countOf(len(kc.Contexts), "context"))
		}
		name := kc.Contexts[ctxIdx].Context.User
		if name == "" {
			return "", fail("The kubeconfig's current context names no user, so there is no client " +
				"certificate to read. Set the context's user (kubectl config set-context --current --user=...), " +
				"or pass the certificate itself.")
		}
		for i := range kc.Users {
			if kc.Users[i].Name == name {
				user = &kc.Users[i].User
				break
			}
		}
		if user == nil {
			return "", failf("The kubeconfig's current context refers to a user that is not in its users "+
				"list (%s). Fix the context's user, or add the missing user with its client-certificate-data.",
				countOf(len(kc.Users), "user"))
		}
		which = "user of the kubeconfig's current context"
	case len(kc.Users) == 1:
		user = &kc.Users[0].User
		which = "kubeconfig's only user"
	case len(kc.Users) == 0:
		return "", fail("The kubeconfig has no users, so there is no client certificate to read. Pass a " +
			"kubeconfig with the user's credentials (kubectl config view --raw --minify --flatten prints " +
			"one), or the certificate itself.")
	default:
		return "", failf("The kubeconfig has %d users and no current-context, so it is unclear whose "+
			"applicant ID to return. Set current-context (kubectl config use-context), or pass one user's "+
			"certificate, e.g. yamldecode(file(\"kubeconfig\")).users[0].user[\"client-certificate-data\"].",
			len(kc.Users))
	}

	switch {
	case user.ClientCertificateData != "":
		where := "The client-certificate-data of the " + which
		decoded, ok := decodeBase64(joinLines(user.ClientCertificateData))
		if !ok {
			return "", fail(where + " is not valid base64. Download the kubeconfig again, or pass the " +
				"certificate itself.")
		}
		t := normalizeText(string(decoded))
		if strings.Contains(t, "-----BEGIN") {
			return fromPEM([]byte(t), where)
		}
		return fromDER(decoded, where)
	case user.ClientCertificate != "":
		return "", fail("The kubeconfig names the client certificate of its " + which + " by file path " +
			"(client-certificate), and a provider function is pure: it cannot read files. Read the file in " +
			"the configuration and pass its content: certificate_applicant_id(file(\"path/to/client.crt\")) or " +
			"filebase64(...); or embed the certificate with kubectl config view --raw --flatten, which turns " +
			"client-certificate into client-certificate-data.")
	}
	method := "no client certificate (client-certificate-data)"
	switch {
	case user.Token != "" || user.TokenFile != "":
		method = "a bearer token"
	case len(user.Exec) > 0 && string(user.Exec) != "null":
		method = "an exec credential plugin"
	case len(user.AuthProvider) > 0 && string(user.AuthProvider) != "null":
		method = "an auth provider plugin"
	case user.Username != "":
		method = "a user name and password"
	}
	return "", fail("The " + which + " authenticates with " + method +
		", not with a client certificate, so there is no certificate CN to read. Only certificate users " +
		"(client-certificate-data, as in kubeconfigs downloaded from the CCE console) carry an applicant ID. " +
		"Pass such a kubeconfig or certificate, or look the ID up in the IAM console.")
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
