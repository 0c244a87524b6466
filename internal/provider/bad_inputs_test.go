package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// badInput is one invalid configuration of the catalogue.
type badInput struct {
	name   string
	config string           // file in testdata
	vars   config.Variables // besides what setup returns
	// setup prepares the mock and the environment, and may return variables.
	setup func(*accEnv) config.Variables
	// summary and detail of the expected diagnostic.
	summary, detail string
	// attr is the argument the diagnostic points at: the CLI quotes its line
	// of configuration between summary and detail. Empty for diagnostics
	// about the whole object (API answers).
	attr string
}

// The bad-input catalogue: every object and the provider block, each invalid
// configuration failing at plan time (PlanOnly) with its message on its
// argument, and the mock seeing no write.
func TestAccBadInputCatalogue(t *testing.T) {
	prod := func(*accEnv) config.Variables { return vars("cluster_id", mockcloud.ProdClusterID) }
	cluster := func(id string) func(*accEnv) config.Variables {
		return func(*accEnv) config.Variables { return vars("cluster_id", id) }
	}
	lineOf := func(id, version, platform, legacy string) func(*accEnv) config.Variables {
		return func(e *accEnv) config.Variables {
			cid := "c0000000-0000-4000-8000-0000000000" + id
			e.cloud.PutCluster(mockcloud.Cluster{ID: cid, Name: "line-" + id, Phase: "Available",
				Version: version, PlatformVersion: platform, LegacyVersion: legacy})
			return vars("cluster_id", cid)
		}
	}
	inPhase := func(phase string) func(*accEnv) config.Variables {
		return func(e *accEnv) config.Variables {
			e.cloud.SetClusterPhase(mockcloud.ProdClusterID, phase)
			return vars("cluster_id", mockcloud.ProdClusterID)
		}
	}
	asAlice := func(next func(*accEnv) config.Variables) func(*accEnv) config.Variables {
		return func(e *accEnv) config.Variables {
			e.signIn(mockcloud.AliceAccessKey, mockcloud.AliceSecretKey)
			if next == nil {
				return nil
			}
			return next(e)
		}
	}
	asIvy := func(e *accEnv) config.Variables { // may read IAM, not CTS
		e.signIn(mockcloud.IvyAccessKey, mockcloud.IvySecretKey)
		return nil
	}
	env := func(kv ...string) func(*accEnv) config.Variables {
		return func(e *accEnv) config.Variables {
			e.set(kv...)
			return nil
		}
	}
	noCredentials := func(kv ...string) func(*accEnv) config.Variables {
		return func(e *accEnv) config.Variables {
			e.clearCredentials()
			e.set(kv...)
			return nil
		}
	}
	bob := vars("user_id", mockcloud.BobUserID)
	soon := time.Now().Add(5 * time.Minute).UTC().Format(time.RFC3339)
	days := func(d int) config.Variables { return config.Variables{"duration_days": config.IntegerVariable(d)} }
	number := func(name string, n int) config.Variables { return config.Variables{name: config.IntegerVariable(n)} }
	endpoints := func(name, url string) config.Variables {
		return config.Variables{"endpoints": config.ObjectVariable(map[string]config.Variable{name: config.StringVariable(url)})}
	}

	const rev, app, cred, prov = "revocation.tf", "applicants.tf", "cluster_credential.tf", "provider_block.tf"
	const eph, fn, cls = "cluster_credential_ephemeral_bad.tf", "function_bad.tf", "clusters.tf"
	phases := func(p ...string) config.Variables {
		vals := make([]config.Variable, len(p))
		for i, s := range p {
			vals[i] = config.StringVariable(s)
		}
		return config.Variables{"phases": config.ListVariable(vals...)}
	}
	const revTimeouts = "revocation_timeouts.tf"
	bobOnProd := func(*accEnv) config.Variables {
		return vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID)
	}
	tests := []badInput{
		// The provider block.
		{"cloud with scheme", prov, vars("cloud", "https://myhuaweicloud.com"), nil,
			"Invalid cloud domain", `cloud = "https://myhuaweicloud.com" is not a domain suffix`, "cloud"},
		{"cloud in capitals", prov, vars("cloud", "OTC"), nil, "Invalid cloud domain", `cloud = "OTC" is not a domain suffix`, "cloud"},
		{"endpoint not a URL", prov, endpoints("iam", "iam.example.com"), nil,
			// The value comes from a variable, so the CLI can only quote the provider block.
			"Invalid endpoint URL", `endpoints.iam = "iam.example.com" is not an absolute URL`, ""},
		{"endpoint with query", prov, endpoints("cce", "https://cce.example.com/?x=1"), nil,
			"Invalid endpoint URL", `endpoints.cce = "https://cce.example.com/\?x=1"`, ""},
		{"plain-HTTP endpoint", prov, endpoints("sts", "http://sts.example.com"), nil,
			"Plain-HTTP endpoint refused", `endpoints.sts = "http://sts.example.com" is refused: http:// would send the credentials.*in clear text`, ""},
		{"plain-HTTP endpoint from the environment", prov, nil, env("HW_CCE_ENDPOINT", "http://192.0.2.1:8080"),
			"Plain-HTTP endpoint refused", `endpoints.cce \(or .HW_CCE_ENDPOINT.\) = "http://192.0.2.1:8080" is refused.*localhost`, ""},
		{"empty domain ID", prov, vars("domain_id", ""), nil, "Invalid Attribute Value Length", `domain_id string length must be at least 1`, "domain_id"},
		{"too many retries", prov, number("max_retries", 99), nil, "Invalid Attribute Value", `max_retries value must be between 0 and 20, got: 99`, "max_retries"},
		{"negative retries", prov, number("max_retries", -1), nil, "Invalid Attribute Value", `got: -1`, "max_retries"},
		{"negative rate limit", prov, number("rate_limit", -1), nil, "Invalid Attribute Value", `rate_limit value must be at least 0`, "rate_limit"},
		{"empty project", prov, vars("project_id", ""), nil, "Invalid Attribute Value Length", `project_id string length must be at least 1`, "project_id"},
		{"missing CA file", prov, vars("cacert_file", "/nonexistent/ca.pem"), nil, "Cannot read cacert_file", `"/nonexistent/ca.pem"`, "cacert_file"},
		{"CA file without certificate", prov, vars("cacert_file", "testdata/provider_block.tf"), nil,
			"cacert_file holds no certificate", `contains no readable PEM block of type CERTIFICATE`, "cacert_file"},
		{"CA file with a damaged certificate", prov, vars("cacert_file", "testdata/ca_damaged.pem"), nil,
			"cacert_file holds no certificate", `"testdata/ca_damaged.pem" contains no readable PEM block`, "cacert_file"},
		{"access key without secret", prov, vars("access_key", "AKONLY"), noCredentials(),
			"Incomplete credentials", `access_key is set.*secret_key is missing.*HW_SECRET_KEY`, "secret_key"},
		{"security token without keys", prov, vars("security_token", "tok", "auth_token", "x"), noCredentials(),
			"Security token without an access key", `temporary access key pair`, "security_token"},
		{"keys and token", prov, vars("auth_token", "x"), nil, "More than one way to sign in", `an access key pair and a token`, "auth_token"},
		{"password without account", prov, nil, noCredentials("HW_USER_NAME", "alice", "HW_PASSWORD", "p"),
			"Incomplete credentials", `domain_name is missing.*HW_DOMAIN_NAME`, ""},
		{"no credentials", prov, nil, noCredentials(), "No credentials", `HW_ACCESS_KEY.*HW_AUTH_TOKEN`, "access_key"},
		{"retries from the environment", prov, nil, env("HW_MAX_RETRIES", "many"),
			"Invalid environment variable", `HW_MAX_RETRIES="many" is not a whole number`, "max_retries"},

		// cce_credential_revocation.
		{"both user and agency", rev, vars("user_id", mockcloud.BobUserID, "agency_id", mockcloud.OpsAgencyID), prod,
			"One identity per revocation", `user_id and agency_id are set.*one resource per identity`, "agency_id"},
		{"no applicant", rev, nil, prod, "Whose credential\\?", `None of user_id, agency_id and other_id is set`, "user_id"},
		{"wrong confirmation", rev, vars("user_id", mockcloud.BobUserID, "confirmation", "yes"), prod,
			"Revocation not confirmed", `confirmation = "yes", but it must be exactly "REVOKE"`, "confirmation"},
		{"lowercase revoke", rev, vars("user_id", mockcloud.BobUserID, "confirmation", "revoke"), prod,
			"Revocation not confirmed", `confirmation = "revoke".*in capitals`, "confirmation"},
		{"uppercase user ID", rev, vars("user_id", "B0B00000000000000000000000000003"), prod, "Invalid ID",
			`user_id = "B0B00000000000000000000000000003" is not valid: an IAM ID is 32 lowercase hexadecimal`, "user_id"},
		{"short agency ID", rev, vars("agency_id", "a9e0001"), prod, "Invalid ID", `agency_id = "a9e0001" is not valid`, "agency_id"},
		{"name instead of other ID", rev, vars("other_id", "erin.former"), prod, "Invalid ID",
			`other_id = "erin.former" is not valid.*certificate_applicant_id`, "other_id"},
		{"cluster name instead of ID", rev, bob, cluster("prod"), "Invalid ID",
			`cluster_id = "prod" is not valid: a CCE cluster ID is a lowercase UUID`, "cluster_id"},
		{"other_id_type unknown", rev, vars("other_id", mockcloud.ErinUserID, "other_id_type", "group"), prod,
			"Invalid Attribute Value Match", `other_id_type value must be one of: \["user" "agency"\], got: "group"`, "other_id_type"},
		{"other_id_type with user_id", rev, vars("user_id", mockcloud.BobUserID, "other_id_type", "agency"), prod,
			"Invalid Attribute Combination", `other_id_type.*user_id`, "other_id_type"},
		{"unknown user", rev, vars("user_id", "00000000000000000000000000000bad"), prod,
			"No such user", `IAM has no user with this ID.*other_id = "00000000000000000000000000000bad"`, "user_id"},
		{"unknown agency", rev, vars("agency_id", "00000000000000000000000000000bad"), prod,
			"No such agency", `other_id_type = "agency"`, "agency_id"},
		{"unknown cluster", rev, bob, cluster("00000000-0000-4000-8000-000000000000"),
			"Cluster not found", `HTTP 404, code CCE.01404001`, "cluster_id"},
		{"v1.19 below r50", rev, bob, lineOf("19", "v1.19.16-r20", "cce.2.0", ""),
			"Cluster version too old for revocation", `runs v1.19.16-r20`, "cluster_id"},
		{"v1.21 below r10", rev, bob, lineOf("21", "v1.21", "cce.11.9", ""),
			"Cluster version too old for revocation", `runs v1.21.11-r9`, "cluster_id"},
		{"v1.23 below r10", rev, bob, cluster(mockcloud.OldClusterID),
			"Cluster version too old for revocation", `runs v1.23.9-r0`, "cluster_id"},
		{"v1.25 below r10", rev, bob, lineOf("25", "v1.25", "cce.3.99", ""),
			"Cluster version too old for revocation", `runs v1.25.3-r99`, "cluster_id"},
		{"v1.27 below r10", rev, bob, lineOf("27", "v1.27", "cce.1.0", "v1.27.1-r0"),
			"Cluster version too old for revocation", `runs v1.27.1-r0`, "cluster_id"},
		{"v1.17 never", rev, bob, lineOf("17", "v1.17.9-r0", "", ""),
			"Cluster version too old for revocation", `runs v1.17.9-r0`, "cluster_id"},
		{"hibernating cluster", rev, bob, inPhase("Hibernation"),
			"Cluster cannot accept a revocation", `"prod" is hibernated;.*Wake the cluster up`, "cluster_id"},
		{"unavailable cluster", rev, bob, inPhase("Unavailable"), "Cluster cannot accept a revocation", `is unavailable;`, "cluster_id"},
		{"cluster in error", rev, bob, inPhase("Error"), "Cluster cannot accept a revocation", `is in an error state;`, "cluster_id"},
		{name: "cluster without patch level", config: rev, vars: bob, setup: lineOf("45", "v1.25", "", ""),
			summary: "Cannot tell the cluster's version",
			detail:  `reports version "v1.25" without a patch level.*only v1.25.4-r10 or later.*Give the caller read access.*upgrade the cluster first`,
			attr:    "cluster_id"},
		{name: "user ID as agency_id", config: rev, vars: vars("agency_id", mockcloud.LeaverUserID), setup: prod,
			summary: "No such agency", detail: `this is the ID of user dana.leaver: use user_id = "` + mockcloud.LeaverUserID + `"`,
			attr: "agency_id"},
		{name: "agency ID as user_id", config: rev, vars: vars("user_id", mockcloud.VendorAgencyID), setup: prod,
			summary: "No such user", detail: `this is the ID of agency vendor-support: use agency_id = "` + mockcloud.VendorAgencyID + `"`,
			attr: "user_id"},
		{name: "pasted text as cluster_id", config: rev, vars: bob, setup: cluster(strings.Repeat("x", 300)),
			summary: "Invalid ID", detail: `cluster_id = "x{100}"\.\.\. \(300 characters\) is not valid`, attr: "cluster_id"},
		{name: "zero create timeout", config: revTimeouts, vars: vars("create_timeout", "0s"), setup: bobOnProd,
			summary: "Create timeout too short", detail: `timeouts \{ create = "0s" \} is less than 1s`, attr: "create"},
		{name: "negative create timeout", config: revTimeouts, vars: vars("create_timeout", "-5m"), setup: bobOnProd,
			summary: "Create timeout too short", detail: `"-5m".*such as "10m"`, attr: "create"},
		{name: "create timeout under a second", config: revTimeouts, vars: vars("create_timeout", "500ms"), setup: bobOnProd,
			summary: "Create timeout too short", detail: `"500ms".*default, 20m`, attr: "create"},
		{"plain user revoking another", rev, bob, asAlice(prod),
			"Not allowed to revoke this credential", `signed in as alice.*not a member of the admin group`, "user_id"},
		{"plain user revoking an agency", rev, vars("agency_id", mockcloud.OpsAgencyID), asAlice(prod),
			"Not allowed to revoke this credential", `agency_id = "a9e00000000000000000000000000011" is someone else`, "agency_id"},

		// cce_certificate_applicants.
		{"bad regex", app, vars("name_regex", "("), nil, "Invalid regular expression",
			`name_regex = "\(" is not a valid regular expression.*RE2`, "name_regex"},
		{"days are no unit", app, config.Variables{"include_deleted": config.BoolVariable(true), "deleted_within": config.StringVariable("8d")}, nil,
			"Invalid duration", `deleted_within = "8d" is not a duration.*write 48h for two days`, "deleted_within"},
		{"window too long", app, config.Variables{"include_deleted": config.BoolVariable(true), "deleted_within": config.StringVariable("200h")}, nil,
			"Duration out of range", `"200h".*at most 168h.*last 7 days`, "deleted_within"},
		{"zero window", app, config.Variables{"include_deleted": config.BoolVariable(true), "deleted_within": config.StringVariable("0s")}, nil,
			"Duration out of range", `greater than 0`, "deleted_within"},
		{"unknown type", app, config.Variables{"types": config.ListVariable(config.StringVariable("group"))}, nil,
			"Invalid Attribute Value Match", `value must be one of: \["user" "agency"\], got: "group"`, "types"},
		{"repeated type", app, config.Variables{"types": config.ListVariable(config.StringVariable("user"), config.StringVariable("user"))}, nil,
			"Duplicate List Value", `types.*duplicate`, "types"},
		{"applicants on a cluster name", app, vars("cluster_id", "prod"), nil, "Invalid ID", `cluster_id = "prod"`, "cluster_id"},
		{"applicants on an unknown cluster", app, vars("cluster_id", "00000000-0000-4000-8000-000000000000"), nil,
			"Cluster not found", `HTTP 404, code CCE.01404001`, "cluster_id"},
		{"no IAM permission for users", app, nil, asAlice(nil),
			"Cannot list IAM users", `not allowed.*IAM ReadOnlyAccess.*HTTP 403`, ""},
		{"no CTS permission", app, config.Variables{"include_deleted": config.BoolVariable(true)}, asIvy,
			"Cannot read deletions from CTS", `cts:trace:list.*CTS ReadOnlyAccess.*HTTP 403, code CTS.0013`, ""},
		{"no IAM permission for agencies", app, config.Variables{"types": config.ListVariable(config.StringVariable("agency"))}, asAlice(nil),
			"Cannot list IAM agencies", `not allowed.*HTTP 403`, ""},

		// cce_clusters.
		{"clusters with a bad regex", cls, vars("name_regex", "[a-"), nil, "Invalid regular expression",
			`name_regex = "\[a-" is not a valid regular expression.*RE2`, "name_regex"},
		{"unknown phase", cls, phases("Asleep"), nil, "Invalid cluster phase",
			`"Asleep" is not a phase CCE reports. Use one of: Available, Unavailable, .*Hibernation`, "phases"},
		{"phase in lower case", cls, phases("hibernation"), nil, "Invalid cluster phase",
			`"hibernation" is not a phase CCE reports. Did you mean "Hibernation"\? Phases are case-sensitive.`, "phases"},
		{"no phases", cls, phases(), nil, "Invalid Attribute Value", `phases list must contain at least 1 elements`, "phases"},
		{"repeated phase", cls, phases("Available", "Available"), nil, "Duplicate List Value", `phases.*duplicate`, "phases"},

		// cce_cluster_credential.
		{"no lifetime", cred, nil, prod, "How long should the credential live\\?", `Set exactly one of duration_days`, "duration_days"},
		{"both lifetimes", cred, config.Variables{"duration_days": config.IntegerVariable(3), "expire_at": config.StringVariable("2030-01-01T00:00:00Z")}, prod,
			"Both duration_days and expire_at are set", `one lifetime`, "expire_at"},
		{"zero days", cred, days(0), prod, "Invalid lifetime", `duration_days = 0: value must be from 1 to 1827 days, or -1`, "duration_days"},
		{"too many days", cred, days(1828), prod, "Invalid lifetime", `duration_days = 1828`, "duration_days"},
		{"minus two days", cred, days(-2), prod, "Invalid lifetime", `duration_days = -2`, "duration_days"},
		{"not a time", cred, vars("expire_at", "tomorrow"), prod, "Invalid time",
			`expire_at = "tomorrow" is not an RFC 3339 time.*Write a fixed time, or use duration_days`, "expire_at"},
		{"expiry too soon", cred, vars("expire_at", soon), prod, "Expiry out of range", `between 15 minutes and 5 years from now`, "expire_at"},
		{"expiry too late", cred, vars("expire_at", "2099-01-01T00:00:00Z"), prod, "Expiry out of range", `5 years`, "expire_at"},
		{"rotation beyond five years", cred, config.Variables{"duration_days": config.IntegerVariable(1), "rotate_before": config.StringVariable("50000h")}, prod,
			"Duration out of range", `rotate_before = "50000h" is out of range.*lifetime, which is at most 5 years`, "rotate_before"},
		{"rotation longer than the lifetime", cred, config.Variables{"duration_days": config.IntegerVariable(1), "rotate_before": config.StringVariable("48h")}, prod,
			"rotate_before is not shorter than the lifetime", `"48h".*1 day.*every plan would replace`, "rotate_before"},
		{"credential for an unknown cluster", cred, days(1), cluster("00000000-0000-4000-8000-000000000000"),
			"Cluster not found", `HTTP 404`, "cluster_id"},
		{"credential for a hibernating cluster", cred, days(1), inPhase("Hibernation"),
			"Cluster cannot issue a credential", `is hibernated;`, "cluster_id"},

		// The ephemeral cce_cluster_credential (Terraform 1.10+, OpenTofu 1.11+).
		{"ephemeral without lifetime", eph, nil, prod, "How long should the credential live\\?", `Set exactly one of duration_days`, "duration_days"},
		{"ephemeral with too many days", eph, days(2000), prod, "Invalid lifetime", `duration_days = 2000`, "duration_days"},
		{"ephemeral on a cluster name", eph, days(1), cluster("prod"), "Invalid ID", `cluster_id = "prod"`, "cluster_id"},

		// The certificate_applicant_id function (Terraform 1.8+, OpenTofu 1.7+): errors name the argument.
		{"function on empty text", fn, vars("text", ""), nil, `Invalid value for "text" parameter`, `empty`, ""},
		{"function on a private key", fn, vars("text", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----\n"), nil,
			`Invalid value for "text" parameter`, `private key`, ""},
	}
	if len(tests) < 40 {
		t.Fatalf("the catalogue has %d cases, the bar is 40", len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newAccEnv(t)
			v := config.Variables{}
			if tc.setup != nil {
				for k, val := range tc.setup(e) {
					v[k] = val
				}
			}
			for k, val := range tc.vars {
				v[k] = val
			}
			pattern := tc.summary + ".*"
			switch {
			case tc.attr != "" && tc.config == eph && !cliIsOpenTofu():
				// Terraform validates an ephemeral resource again at plan, once the
				// variables are known, and passes on the provider's diagnostics
				// without their place in the configuration (1.16.4,
				// internal/terraform/node_resource_ephemeral.go): it quotes no
				// line, so the detail follows the summary.
				pattern = tc.summary + `\s+`
			case tc.attr != "":
				pattern += `\d+: ` + tc.attr + ` = .*`
			}
			// Ephemeral resources and functions are skipped on CLIs without them.
			checks := map[string][]tfversion.TerraformVersionCheck{eph: {ephemeralCLI}, fn: {functionsCLI}}[tc.config]
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   checks,
				ProtoV6ProviderFactories: e.factories(),
				Steps: []resource.TestStep{{
					Config: testConfig(t, tc.config), ConfigVariables: v,
					PlanOnly: true, ExpectError: re(pattern + tc.detail),
				}},
			})
			e.readOnly()
			if strings.HasPrefix(tc.summary, "Invalid") || strings.HasPrefix(tc.summary, "Duplicate") {
				// Input errors stop the run before any IAM, CCE or CTS call but
				// the ones identifying the caller.
				for _, r := range e.cloud.Requests() {
					if r.Route == mockcloud.RouteListUsers || r.Route == mockcloud.RouteListTraces || r.Route == mockcloud.RouteGetCluster ||
						r.Route == mockcloud.RouteListClusters {
						t.Errorf("an invalid input still reached the API: %s", r.Route)
					}
				}
			}
		})
	}
}
