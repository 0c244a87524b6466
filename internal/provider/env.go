package provider

import (
	"strings"
)

// envVar lists the environment variables of one provider argument, in the order
// they are consulted: the huaweicloud provider's HW_* name first, then OTC's OS_*.
type envVar []string

var (
	envRegion        = envVar{"HW_REGION_NAME", "OS_REGION_NAME"}
	envProjectID     = envVar{"HW_PROJECT_ID", "OS_PROJECT_ID"}
	envAccessKey     = envVar{"HW_ACCESS_KEY", "OS_ACCESS_KEY"}
	envSecretKey     = envVar{"HW_SECRET_KEY", "OS_SECRET_KEY"}
	envSecurityToken = envVar{"HW_SECURITY_TOKEN", "OS_SECURITY_TOKEN"}
	envUserName      = envVar{"HW_USER_NAME", "OS_USERNAME"}
	envPassword      = envVar{"HW_PASSWORD", "OS_PASSWORD"}
	envDomainName    = envVar{"HW_DOMAIN_NAME", "OS_DOMAIN_NAME"}
	envAuthToken     = envVar{"HW_AUTH_TOKEN", "OS_AUTH_TOKEN"}
	envDomainID      = envVar{"HW_DOMAIN_ID", "OS_DOMAIN_ID"}
	envCloud         = envVar{"HW_CLOUD"}
	envIAMEndpoint   = envVar{"HW_IAM_ENDPOINT"}
	envCCEEndpoint   = envVar{"HW_CCE_ENDPOINT"}
	envCTSEndpoint   = envVar{"HW_CTS_ENDPOINT"}
	envSTSEndpoint   = envVar{"HW_STS_ENDPOINT"}
	envInsecure      = envVar{"HW_INSECURE", "OS_INSECURE"}
	envCACertFile    = envVar{"HW_CACERT_FILE", "OS_CACERT"}
	envMaxRetries    = envVar{"HW_MAX_RETRIES", "OS_MAX_RETRIES"}
	envRateLimit     = envVar{"HW_RATE_LIMIT"}
	envSeparateApply = envVar{"HW_CCE_SEPARATE_APPLY_PRINCIPAL"}
)

// envDoc is the sentence every attribute description ends with.
func envDoc(v envVar) string {
	return "If omitted, " + envList(v) + " is used."
}

// envList names the variables in Markdown, e.g. "`HW_ACCESS_KEY` (or `OS_ACCESS_KEY`)".
func envList(v envVar) string {
	s := "`" + v[0] + "`"
	if len(v) > 1 {
		s += " (or `" + strings.Join(v[1:], "`, `") + "`)"
	}
	return s
}
