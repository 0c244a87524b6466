package main

import (
	"os"
	"strings"
)

// quietUnlessAsked turns the plugin libraries' logs off when no log variable
// is set. Terraform and OpenTofu then drop every line a provider logs
// (TF_LOG_PROVIDER, else TF_LOG, decides), but terraform-plugin-go and the
// framework still write them all at TRACE, and the CLI still reads them: a
// fifth of the CPU time of a large apply.
func quietUnlessAsked() {
	if logsAsked(os.Environ()) {
		return
	}
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_CCE"} {
		_ = os.Setenv(v, "OFF") // the levels terraform-plugin-log reads for every request
	}
}

// logsAsked reports whether the environment sets any variable that asks the
// CLI or the plugin libraries for logs (TF_LOG, TF_LOG_PROVIDER, TF_LOG_PATH,
// TF_LOG_SDK_FRAMEWORK, TF_ACC_LOG_PATH, ...), even to an empty value.
func logsAsked(environ []string) bool {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "TF_LOG") || strings.HasPrefix(kv, "TF_ACC_LOG") {
			return true
		}
	}
	return false
}
