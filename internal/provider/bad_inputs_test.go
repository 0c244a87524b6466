package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	ct "github.com/cceops/terraform-provider-cce/internal/certid/certidtest"
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
	// local: the input is refused before any IAM, CCE or CTS read but the
	// ones identifying the caller.
	local bool
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
	locked := func(e *accEnv) config.Variables {
		cl, _ := e.cloud.Cluster(mockcloud.ProdClusterID)
		cl.Locked, cl.LockScene = true, "ARREARAGE"
		e.cloud.PutCluster(cl)
		return vars("cluster_id", mockcloud.ProdClusterID)
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
			e.signInWith(kv...)
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
	const revTimeouts, revs = "revocation_timeouts.tf", "revocations.tf"
	batchVars := func(name string, val config.Variable) config.Variables { return config.Variables{name: val} }
	bobOnProd := func(*accEnv) config.Variables {
		return vars("cluster_id", mockcloud.ProdClusterID, "user_id", mockcloud.BobUserID)
	}
	tests := []badInput{
		// The provider block.
		{name: "cloud with scheme", config: prov, vars: vars("cloud", "https://myhuaweicloud.com"),
			summary: "Invalid cloud domain", detail: `cloud = "https://myhuaweicloud.com" is not a domain suffix`, attr: "cloud", local: true},
		{name: "cloud in capitals", config: prov, vars: vars("cloud", "OTC"), summary: "Invalid cloud domain", detail: `cloud = "OTC" is not a domain suffix`, attr: "cloud", local: true},
		{name: "endpoint not a URL", config: prov, vars: endpoints("iam", "iam.example.com"),
			// The value comes from a variable, so the CLI can only quote the provider block.
			summary: "Invalid endpoint URL", detail: `endpoints.iam = "iam.example.com" has no scheme; write it with https://, e.g. https://iam.example.com`, local: true},
		{name: "endpoint with query", config: prov, vars: endpoints("cce", "https://cce.example.com/?token=T0KEN-IN-QUERY"),
			// The query is not repeated: a token could hide there.
			summary: "Invalid endpoint URL", detail: `endpoints.cce = "https://cce.example.com/" \(shown without a query\) must not contain credentials`, local: true},
		{name: "endpoint with a password", config: prov, vars: endpoints("iam", "https://admin:PASSWORD-IN-URL@iam.example.com"),
			summary: "Invalid endpoint URL", detail: `endpoints.iam = "https://iam.example.com" \(shown without user info\) must not contain credentials`, local: true},
		{name: "ftp endpoint", config: prov, vars: endpoints("cts", "ftp://admin:PASSWORD-IN-URL@cts.example.com/"),
			summary: "Invalid endpoint URL", detail: `endpoints.cts = "ftp://cts.example.com/" has scheme "ftp"; the endpoints speak HTTPS only: use https://`, local: true},
		{name: "endpoint without //", config: prov, vars: endpoints("cce", "admin:PASSWORD-IN-URL@cce.example.com"),
			summary: "Invalid endpoint URL", detail: `endpoints.cce is not an absolute URL \(no // after the scheme; the value is not shown`, local: true},
		{name: "plain-HTTP endpoint", config: prov, vars: endpoints("sts", "http://sts.example.com"),
			summary: "Plain-HTTP endpoint refused", detail: `endpoints.sts = "http://sts.example.com" is refused: http:// would send the credentials.*in clear text`, local: true},
		{name: "plain-HTTP endpoint from the environment", config: prov, setup: env("HW_CCE_ENDPOINT", "http://192.0.2.1:8080"),
			summary: "Plain-HTTP endpoint refused", detail: `endpoints.cce \(or .HW_CCE_ENDPOINT.\) = "http://192.0.2.1:8080" is refused.*localhost`, local: true},
		{name: "empty domain ID", config: prov, vars: vars("domain_id", ""), summary: "Invalid Attribute Value Length", detail: `domain_id string length must be at least 1`, attr: "domain_id", local: true},
		{name: "domain name as domain ID", config: prov, vars: vars("domain_id", "acme-corp"), summary: "Invalid domain_id",
			detail: `domain_id = "acme-corp" is not an account ID: an account \(domain\) ID is 32 hexadecimal characters.*domain_name`, attr: "domain_id", local: true},
		{name: "domain ID from the environment", config: prov, setup: env("HW_DOMAIN_ID", "d0d0a1b2"), summary: "Invalid domain_id",
			detail: `domain_id = "d0d0a1b2" is not an account ID.*HW_DOMAIN_ID`, attr: "domain_id", local: true},
		{name: "too many retries", config: prov, vars: number("max_retries", 99), summary: "Invalid Attribute Value", detail: `max_retries value must be between 0 and 20, got: 99`, attr: "max_retries", local: true},
		{name: "negative retries", config: prov, vars: number("max_retries", -1), summary: "Invalid Attribute Value", detail: `got: -1`, attr: "max_retries", local: true},
		{name: "negative rate limit", config: prov, vars: number("rate_limit", -1), summary: "Invalid Attribute Value", detail: `rate_limit value must be at least 0`, attr: "rate_limit", local: true},
		{name: "empty project", config: prov, vars: vars("project_id", ""), summary: "Invalid Attribute Value Length", detail: `project_id string length must be at least 1`, attr: "project_id", local: true},
		{name: "missing CA file", config: prov, vars: vars("cacert_file", "/nonexistent/ca.pem"), summary: "Cannot read cacert_file", detail: `"/nonexistent/ca.pem"`, attr: "cacert_file", local: true},
		{name: "CA file without certificate", config: prov, vars: vars("cacert_file", "testdata/provider_block.tf"),
			summary: "cacert_file holds no certificate", detail: `contains no readable PEM block of type CERTIFICATE`, attr: "cacert_file", local: true},
		{name: "CA file with a damaged certificate", config: prov, vars: vars("cacert_file", "testdata/ca_damaged.pem"),
			summary: "cacert_file holds no certificate", detail: `"testdata/ca_damaged.pem" contains no readable PEM block`, attr: "cacert_file", local: true},
		{name: "access key without secret", config: prov, vars: vars("access_key", "AKONLY"), setup: noCredentials(),
			summary: "Incomplete credentials", detail: `access_key is set.*secret_key is missing.*HW_SECRET_KEY`, attr: "secret_key", local: true},
		{name: "security token without keys", config: prov, vars: vars("security_token", "tok", "auth_token", "x"), setup: noCredentials(),
			summary: "Security token without an access key", detail: `temporary access key pair`, attr: "security_token", local: true},
		{name: "keys and token", config: prov, vars: vars("auth_token", "x"), summary: "More than one way to sign in", detail: `an access key pair and a token`, attr: "auth_token", local: true},
		{name: "password without account", config: prov, setup: noCredentials("HW_USER_NAME", "alice", "HW_PASSWORD", "p"),
			summary: "Incomplete credentials", detail: `domain_name is missing.*HW_DOMAIN_NAME`, local: true},
		{name: "no credentials", config: prov, setup: noCredentials(), summary: "No credentials", detail: `HW_ACCESS_KEY.*HW_AUTH_TOKEN`, attr: "access_key", local: true},
		{name: "retries from the environment", config: prov, setup: env("HW_MAX_RETRIES", "many"),
			summary: "Invalid environment variable", detail: `HW_MAX_RETRIES="many" is not a whole number`, attr: "max_retries", local: true},

		// cce_credential_revocation.
		{name: "both user and agency", config: rev, vars: vars("user_id", mockcloud.BobUserID, "agency_id", mockcloud.OpsAgencyID), setup: prod,
			summary: "One identity per revocation", detail: `user_id and agency_id are set.*one resource per identity`, attr: "agency_id", local: true},
		{name: "no applicant", config: rev, setup: prod, summary: "Whose credential\\?", detail: `None of user_id, agency_id and other_id is set`, attr: "user_id"},
		{name: "wrong confirmation", config: rev, vars: vars("user_id", mockcloud.BobUserID, "confirmation", "yes"), setup: prod,
			summary: "Revocation not confirmed", detail: `confirmation = "yes", but it must be exactly "REVOKE"`, attr: "confirmation", local: true},
		{name: "lowercase revoke", config: rev, vars: vars("user_id", mockcloud.BobUserID, "confirmation", "revoke"), setup: prod,
			summary: "Revocation not confirmed", detail: `confirmation = "revoke".*in capitals`, attr: "confirmation", local: true},
		{name: "confirmation padded with spaces", config: rev, vars: vars("user_id", mockcloud.BobUserID, "confirmation", " REVOKE "), setup: prod,
			summary: "Revocation not confirmed", detail: `confirmation = " REVOKE ", but it must be exactly "REVOKE"`, attr: "confirmation", local: true},
		{name: "confirmation with a newline", config: rev, vars: vars("user_id", mockcloud.BobUserID, "confirmation", "REVOKE\n"), setup: prod,
			summary: "Revocation not confirmed", detail: `confirmation = "REVOKE\\n", but it must be exactly "REVOKE"`, attr: "confirmation", local: true},
		{name: "uppercase user ID", config: rev, vars: vars("user_id", "B0B00000000000000000000000000003"), setup: prod, summary: "Invalid ID",
			detail: `user_id = "B0B00000000000000000000000000003" is not valid: an IAM ID is 32 lowercase hexadecimal`, attr: "user_id", local: true},
		{name: "short agency ID", config: rev, vars: vars("agency_id", "a9e0001"), setup: prod, summary: "Invalid ID", detail: `agency_id = "a9e0001" is not valid`, attr: "agency_id", local: true},
		{name: "name instead of other ID", config: rev, vars: vars("other_id", "dana.leaver"), setup: prod, summary: "Name instead of ID",
			detail: `other_id = "dana.leaver" is the name of IAM user ` + mockcloud.LeaverUserID + `.*Use user_id = "` + mockcloud.LeaverUserID + `"`, attr: "other_id"},
		{name: "other ID with a space", config: rev, vars: vars("other_id", "erin former"), setup: prod, summary: "Invalid ID",
			detail: `other_id = "erin former" contains white space.*certificate_applicant_id`, attr: "other_id", local: true},
		{name: "other ID with a line break", config: rev, vars: vars("other_id", mockcloud.ErinUserID+"\n"), setup: prod, summary: "Invalid ID",
			detail: `other_id = "` + mockcloud.ErinUserID + `\\n" contains white space`, attr: "other_id", local: true},
		{name: "other ID too long", config: rev, vars: vars("other_id", strings.Repeat("a", 257)), setup: prod, summary: "Invalid ID",
			detail: `is longer than 256 characters`, attr: "other_id", local: true},
		{name: "other ID with a slash", config: rev, vars: vars("other_id", "idp-corp/carol"), setup: prod, summary: "Invalid ID",
			detail: `other_id = "idp-corp/carol" contains "/"`, attr: "other_id", local: true},
		{name: "agency ID as other_id sent as a user", config: rev, vars: vars("other_id", mockcloud.VendorAgencyID), setup: prod,
			summary: "other_id_type contradicts IAM", detail: `IAM agency vendor-support, but other_id_type = "user" sends it to CCE as userId.*Set other_id_type = "agency"`,
			attr: "other_id_type"},
		{name: "user ID as other_id sent as an agency", config: rev, vars: vars("other_id", mockcloud.BobUserID, "other_id_type", "agency"), setup: prod,
			summary: "other_id_type contradicts IAM", detail: `IAM user bob, but other_id_type = "agency" sends it to CCE as agencyId.*Set other_id_type = "user"`,
			attr: "other_id_type"},
		{name: "cluster name instead of ID", config: rev, vars: bob, setup: cluster("prod"), summary: "Invalid ID",
			detail: `cluster_id = "prod" is not valid: a CCE cluster ID is a lowercase UUID`, attr: "cluster_id", local: true},
		{name: "other_id_type unknown", config: rev, vars: vars("other_id", mockcloud.ErinUserID, "other_id_type", "group"), setup: prod,
			summary: "Invalid Attribute Value Match", detail: `other_id_type value must be one of: \["user" "agency"\], got: "group"`, attr: "other_id_type", local: true},
		{name: "other_id_type with user_id", config: rev, vars: vars("user_id", mockcloud.BobUserID, "other_id_type", "agency"), setup: prod,
			summary: "other_id_type without other_id", detail: `other_id_type = "agency" is set together with user_id.*Remove other_id_type`, attr: "other_id_type", local: true},
		{name: "other_id_type with agency_id", config: rev, vars: vars("agency_id", mockcloud.OpsAgencyID, "other_id_type", "user"), setup: prod,
			summary: "other_id_type without other_id", detail: `other_id_type = "user" is set together with agency_id.*always sent to CCE as an agency`, attr: "other_id_type", local: true},
		{name: "unknown user", config: rev, vars: vars("user_id", "00000000000000000000000000000bad"), setup: prod,
			summary: "No such user", detail: `IAM has no user with this ID.*other_id = "00000000000000000000000000000bad"`, attr: "user_id"},
		{name: "unknown agency", config: rev, vars: vars("agency_id", "00000000000000000000000000000bad"), setup: prod,
			summary: "No such agency", detail: `other_id_type = "agency"`, attr: "agency_id"},
		{name: "unknown cluster", config: rev, vars: bob, setup: cluster("00000000-0000-4000-8000-000000000000"),
			summary: "Cluster not found", detail: `HTTP 404, code CCE.01404001`, attr: "cluster_id"},
		{name: "v1.19 below r50", config: rev, vars: bob, setup: lineOf("19", "v1.19.16-r20", "cce.2.0", ""),
			summary: "Cluster version too old for revocation", detail: `runs v1.19.16-r20`, attr: "cluster_id"},
		{name: "v1.21 below r10", config: rev, vars: bob, setup: lineOf("21", "v1.21", "cce.11.9", ""),
			summary: "Cluster version too old for revocation", detail: `runs v1.21.11-r9`, attr: "cluster_id"},
		{name: "v1.23 below r10", config: rev, vars: bob, setup: cluster(mockcloud.OldClusterID),
			summary: "Cluster version too old for revocation", detail: `runs v1.23.9-r0`, attr: "cluster_id"},
		{name: "v1.25 below r10", config: rev, vars: bob, setup: lineOf("25", "v1.25", "cce.3.99", ""),
			summary: "Cluster version too old for revocation", detail: `runs v1.25.3-r99`, attr: "cluster_id"},
		{name: "v1.27 below r10", config: rev, vars: bob, setup: lineOf("27", "v1.27", "cce.1.0", "v1.27.1-r0"),
			summary: "Cluster version too old for revocation", detail: `runs v1.27.1-r0`, attr: "cluster_id"},
		{name: "v1.17 never", config: rev, vars: bob, setup: lineOf("17", "v1.17.9-r0", "", ""),
			summary: "Cluster version too old for revocation", detail: `runs v1.17.9-r0`, attr: "cluster_id"},
		{name: "hibernating cluster", config: rev, vars: bob, setup: inPhase("Hibernation"),
			summary: "Cluster cannot accept a revocation", detail: `"prod" is hibernated;.*Wake the cluster up`, attr: "cluster_id"},
		{name: "unavailable cluster", config: rev, vars: bob, setup: inPhase("Unavailable"), summary: "Cluster cannot accept a revocation", detail: `is unavailable;`, attr: "cluster_id"},
		{name: "locked cluster", config: rev, vars: bob, setup: locked,
			summary: "Cluster cannot accept a revocation", detail: `Cluster "prod" is locked \(lock scene "ARREARAGE"\).*Settle or lift the lock`, attr: "cluster_id"},
		{name: "cluster in error", config: rev, vars: bob, setup: inPhase("Error"), summary: "Cluster cannot accept a revocation", detail: `is in an error state;`, attr: "cluster_id"},
		{name: "cluster without patch level", config: rev, vars: bob, setup: lineOf("45", "v1.25", "", ""),
			summary: "Cannot tell the cluster's version",
			detail:  `reports version "v1.25" without a patch level.*CCE has no upgrade information for it.*only v1.25.4-r10 or later.*upgrade it to a patch that supports revocation`,
			attr:    "cluster_id"},
		{name: "user ID as agency_id", config: rev, vars: vars("agency_id", mockcloud.LeaverUserID), setup: prod,
			summary: "No such agency", detail: `this is the ID of user dana.leaver: use user_id = "` + mockcloud.LeaverUserID + `"`,
			attr: "agency_id"},
		{name: "agency ID as user_id", config: rev, vars: vars("user_id", mockcloud.VendorAgencyID), setup: prod,
			summary: "No such user", detail: `this is the ID of agency vendor-support: use agency_id = "` + mockcloud.VendorAgencyID + `"`,
			attr: "user_id"},
		{name: "pasted text as cluster_id", config: rev, vars: bob, setup: cluster(strings.Repeat("x", 300)),
			summary: "Invalid ID", detail: `cluster_id = "x{100}"\.\.\. \(300 characters\) is not valid`, attr: "cluster_id", local: true},
		{name: "zero create timeout", config: revTimeouts, vars: vars("create_timeout", "0s"), setup: bobOnProd,
			summary: "Timeout too short", detail: `timeouts \{ create = "0s" \} is less than 1s`, attr: "create", local: true},
		{name: "negative create timeout", config: revTimeouts, vars: vars("create_timeout", "-5m"), setup: bobOnProd,
			summary: "Timeout too short", detail: `"-5m".*such as "10m"`, attr: "create", local: true},
		{name: "create timeout under a second", config: revTimeouts, vars: vars("create_timeout", "500ms"), setup: bobOnProd,
			summary: "Timeout too short", detail: `"500ms".*default, 20m`, attr: "create", local: true},
		{name: "empty region", config: rev, vars: vars("region", ""), setup: bobOnProd, summary: "Invalid region",
			detail: `region = "" is not a region name: write it as the cloud names it.*such as eu-de`, attr: "region", local: true},
		{name: "region with a space", config: rev, vars: vars("region", "eu de"), setup: bobOnProd, summary: "Invalid region",
			detail: `region = "eu de" is not a region name`, attr: "region", local: true},
		{name: "project_id not 32 hex", config: rev, vars: vars("project_id", "my-project"), setup: bobOnProd, summary: "Invalid project_id",
			detail: `project_id = "my-project" is not a project ID: a project ID is 32 lowercase hexadecimal digits`, attr: "project_id", local: true},
		{name: "region behind a private gateway without region_endpoints", config: rev, vars: vars("region", mockcloud.RegionDE), setup: bobOnProd,
			summary: "No endpoint for region eu-de", detail: `region = "eu-de" needs the cce endpoint of eu-de.*endpoints.cce is set \(a private gateway\).*region_endpoints has no cce entry for eu-de.*region_endpoints = \{ "eu-de" = \{ cce`,
			attr: "region", local: true},
		{name: "region with a password sign-in", config: rev, vars: vars("region", mockcloud.RegionNL, "user_id", mockcloud.BobUserID),
			setup: func(e *accEnv) config.Variables {
				e.signInWith("HW_USER_NAME", mockcloud.AdminUserName, "HW_PASSWORD", mockcloud.AdminPassword, "HW_DOMAIN_NAME", mockcloud.DomainName)
				return prod(e)
			},
			summary: "Another location needs an access key pair", detail: `region "eu-nl" is not the provider's.*signs in with a password.*Sign in with an access key pair`,
			attr: "region", local: true},
		{name: "plain user revoking another", config: rev, vars: bob, setup: asAlice(prod),
			summary: "Not allowed to revoke this credential", detail: `signed in as alice.*not a member of the admin group`, attr: "user_id"},
		{name: "plain user revoking an agency", config: rev, vars: vars("agency_id", mockcloud.OpsAgencyID), setup: asAlice(prod),
			summary: "Not allowed to revoke this credential", detail: `agency_id = "a9e00000000000000000000000000011" is someone else`, attr: "agency_id"},

		// cce_credential_revocations: each applicant's error on its element, naming it.
		{name: "batch user ID in capitals", config: revs, vars: batchVars("users", setVar("B0B00000000000000000000000000003")), setup: prod,
			summary: "Invalid ID", detail: `users\[Value\("B0B00000000000000000000000000003"\)\] = "B0B00000000000000000000000000003" is not valid: an IAM ID`, attr: "users", local: true},
		{name: "batch other ID with a space", config: revs, vars: batchVars("others", mapVar("erin former", "user")), setup: prod,
			summary: "Invalid ID", detail: `others\["erin former"\] = "erin former" contains white space`, attr: "others", local: true},
		{name: "batch other type unknown", config: revs, vars: batchVars("others", mapVar(mockcloud.ErinUserID, "group")), setup: prod,
			summary: "Invalid Attribute Value Match", detail: `value must be one of: \["user" "agency"\], got: "group"`, attr: "others", local: true},
		{name: "batch without applicants", config: revs, vars: batchVars("users", setVar()), setup: prod,
			summary: "Whose credentials\\?", detail: `users, agencies and others name nobody`, attr: "users", local: true},
		{name: "batch applicant twice", config: revs, vars: config.Variables{"users": setVar(mockcloud.BobUserID), "others": mapVar(mockcloud.BobUserID, "user")}, setup: prod,
			summary: "Applicant listed twice", detail: `others\["` + mockcloud.BobUserID + `"\] = "user" sends the ID to CCE as userId, as users\[Value`, attr: "others", local: true},
		{name: "batch wrong confirmation", config: revs, vars: config.Variables{"users": setVar(mockcloud.BobUserID), "confirmation": config.StringVariable("yes")}, setup: prod,
			summary: "Revocation not confirmed", detail: `confirmation = "yes"`, attr: "confirmation", local: true},
		{name: "batch unknown user", config: revs, vars: batchVars("users", setVar(mockcloud.BobUserID, "00000000000000000000000000000bad")), setup: prod,
			summary: "No such user", detail: `users entry "00000000000000000000000000000bad": IAM has no user with this ID.*others key "00000000000000000000000000000bad" \(and others value "user"\)`, attr: "users"},
		{name: "batch agency ID in users", config: revs, vars: batchVars("users", setVar(mockcloud.VendorAgencyID)), setup: prod,
			summary: "No such user", detail: `this is the ID of agency vendor-support: use agencies entry "` + mockcloud.VendorAgencyID + `"`, attr: "users"},
		{name: "batch agency ID in others sent as a user", config: revs, vars: batchVars("others", mapVar(mockcloud.VendorAgencyID, "user")), setup: prod,
			summary: "other_id_type contradicts IAM", detail: `IAM agency vendor-support, but others value "user" sends it to CCE as userId.*Set others value "agency"`, attr: "others"},
		{name: "batch on an unknown cluster", config: revs, vars: batchVars("users", setVar(mockcloud.BobUserID)), setup: cluster("00000000-0000-4000-8000-000000000000"),
			summary: "Cluster not found", detail: `HTTP 404`, attr: "cluster_id"},
		{name: "batch on a hibernating cluster", config: revs, vars: batchVars("users", setVar(mockcloud.BobUserID)), setup: inPhase("Hibernation"),
			summary: "Cluster cannot accept a revocation", detail: `"prod" is hibernated;`, attr: "cluster_id"},
		{name: "batch plain user revoking another", config: revs, vars: batchVars("users", setVar(mockcloud.AliceUserID, mockcloud.BobUserID)), setup: asAlice(prod),
			summary: "Not allowed to revoke this credential", detail: `signed in as alice.*users entry "` + mockcloud.BobUserID + `" is someone else`, attr: "users"},

		// cce_certificate_applicants.
		{name: "bad regex", config: app, vars: vars("name_regex", "("), summary: "Invalid regular expression",
			detail: `name_regex = "\(" is not a valid regular expression.*RE2`, attr: "name_regex", local: true},
		{name: "days are no unit", config: app, vars: config.Variables{"include_deleted": config.BoolVariable(true), "deleted_within": config.StringVariable("8d")},
			summary: "Invalid duration", detail: `deleted_within = "8d" is not a duration.*write 48h for two days`, attr: "deleted_within", local: true},
		{name: "window too long", config: app, vars: config.Variables{"include_deleted": config.BoolVariable(true), "deleted_within": config.StringVariable("200h")},
			summary: "Duration out of range", detail: `"200h".*at most 168h.*last 7 days`, attr: "deleted_within"},
		{name: "zero window", config: app, vars: config.Variables{"include_deleted": config.BoolVariable(true), "deleted_within": config.StringVariable("0s")},
			summary: "Duration out of range", detail: `greater than 0`, attr: "deleted_within"},
		{name: "unknown type", config: app, vars: config.Variables{"types": config.ListVariable(config.StringVariable("group"))},
			summary: "Invalid Attribute Value Match", detail: `value must be one of: \["user" "agency"\], got: "group"`, attr: "types", local: true},
		{name: "repeated type", config: app, vars: config.Variables{"types": config.ListVariable(config.StringVariable("user"), config.StringVariable("user"))},
			summary: "Duplicate List Value", detail: `types.*duplicate`, attr: "types", local: true},
		{name: "applicants on a cluster name", config: app, vars: vars("cluster_id", "prod"), summary: "Invalid ID", detail: `cluster_id = "prod"`, attr: "cluster_id", local: true},
		{name: "applicants on an unknown cluster", config: app, vars: vars("cluster_id", "00000000-0000-4000-8000-000000000000"),
			summary: "Cluster not found", detail: `HTTP 404, code CCE.01404001`, attr: "cluster_id"},
		{name: "no IAM permission for users", config: app, setup: asAlice(nil),
			summary: "Cannot list IAM users", detail: `not allowed.*IAM ReadOnlyAccess.*HTTP 403`},
		{name: "no CTS permission", config: app, vars: config.Variables{"include_deleted": config.BoolVariable(true)}, setup: asIvy,
			summary: "Cannot read deletions from CTS", detail: `cts:trace:list.*CTS ReadOnlyAccess.*HTTP 403, code CTS.0013`},
		{name: "no IAM permission for agencies", config: app, vars: config.Variables{"types": config.ListVariable(config.StringVariable("agency"))}, setup: asAlice(nil),
			summary: "Cannot list IAM agencies", detail: `not allowed.*HTTP 403`},

		// cce_clusters.
		{name: "clusters with a bad regex", config: cls, vars: vars("name_regex", "[a-"), summary: "Invalid regular expression",
			detail: `name_regex = "\[a-" is not a valid regular expression.*RE2`, attr: "name_regex", local: true},
		{name: "unknown phase", config: cls, vars: phases("Asleep"), summary: "Invalid cluster phase",
			detail: `"Asleep" is not a phase CCE reports. Use one of: Available, Unavailable, .*Hibernation`, attr: "phases", local: true},
		{name: "phase in lower case", config: cls, vars: phases("hibernation"), summary: "Invalid cluster phase",
			detail: `"hibernation" is not a phase CCE reports. Did you mean "Hibernation"\? Phases are case-sensitive.`, attr: "phases", local: true},
		{name: "clusters project_id with several regions", config: cls, vars: config.Variables{
			"regions":    config.ListVariable(config.StringVariable(mockcloud.RegionDE), config.StringVariable(mockcloud.RegionNL)),
			"project_id": config.StringVariable(mockcloud.ProjectIDDE)}, summary: "project_id with several regions",
			detail: `project_id = "` + mockcloud.ProjectIDDE + `" is set together with 2 regions, but a project belongs to one region`, attr: "project_id", local: true},
		{name: "clusters in a region with a space", config: cls, vars: config.Variables{"regions": config.ListVariable(config.StringVariable("eu de"))},
			summary: "Invalid region", detail: `regions\[0\] = "eu de" is not a region name`, attr: "regions", local: true},
		{name: "no phases", config: cls, vars: phases(), summary: "Invalid Attribute Value", detail: `phases list must contain at least 1 elements`, attr: "phases", local: true},
		{name: "repeated phase", config: cls, vars: phases("Available", "Available"), summary: "Duplicate List Value", detail: `phases.*duplicate`, attr: "phases", local: true},

		// cce_cluster_credential.
		{name: "no lifetime", config: cred, setup: prod, summary: "How long should the credential live\\?", detail: `Set exactly one of duration_days`, attr: "duration_days"},
		{name: "both lifetimes", config: cred, vars: config.Variables{"duration_days": config.IntegerVariable(3), "expire_at": config.StringVariable("2030-01-01T00:00:00Z")}, setup: prod,
			summary: "Both duration_days and expire_at are set", detail: `one lifetime`, attr: "expire_at", local: true},
		{name: "zero days", config: cred, vars: days(0), setup: prod, summary: "Invalid lifetime", detail: `duration_days = 0: value must be from 1 to 1827 days, or -1`, attr: "duration_days", local: true},
		{name: "too many days", config: cred, vars: days(1828), setup: prod, summary: "Invalid lifetime", detail: `duration_days = 1828`, attr: "duration_days", local: true},
		{name: "minus two days", config: cred, vars: days(-2), setup: prod, summary: "Invalid lifetime", detail: `duration_days = -2`, attr: "duration_days", local: true},
		{name: "not a time", config: cred, vars: vars("expire_at", "tomorrow"), setup: prod, summary: "Invalid time",
			detail: `expire_at = "tomorrow" is not an RFC 3339 time.*Write a fixed time, or use duration_days`, attr: "expire_at", local: true},
		{name: "expiry too soon", config: cred, vars: vars("expire_at", soon), setup: prod, summary: "Expiry out of range", detail: `between 15 minutes and 5 years from now`, attr: "expire_at"},
		{name: "expiry too late", config: cred, vars: vars("expire_at", "2099-01-01T00:00:00Z"), setup: prod, summary: "Expiry out of range", detail: `5 years`, attr: "expire_at"},
		{name: "rotation beyond five years", config: cred, vars: config.Variables{"duration_days": config.IntegerVariable(1), "rotate_before": config.StringVariable("50000h")}, setup: prod,
			summary: "Duration out of range", detail: `rotate_before = "50000h" is out of range.*lifetime, which is at most 5 years`, attr: "rotate_before", local: true},
		{name: "rotation longer than the lifetime", config: cred, vars: config.Variables{"duration_days": config.IntegerVariable(1), "rotate_before": config.StringVariable("48h")}, setup: prod,
			summary: "rotate_before is not shorter than the lifetime", detail: `"48h".*1 day.*every plan would replace`, attr: "rotate_before", local: true},
		{name: "credential for an unknown cluster", config: cred, vars: days(1), setup: cluster("00000000-0000-4000-8000-000000000000"),
			summary: "Cluster not found", detail: `HTTP 404`, attr: "cluster_id"},
		{name: "credential for a hibernating cluster", config: cred, vars: days(1), setup: inPhase("Hibernation"),
			summary: "Cluster cannot issue a credential", detail: `is hibernated;`, attr: "cluster_id"},

		// The ephemeral cce_cluster_credential (Terraform 1.10+, OpenTofu 1.11+).
		{name: "ephemeral without lifetime", config: eph, setup: prod, summary: "How long should the credential live\\?", detail: `Set exactly one of duration_days`, attr: "duration_days"},
		{name: "ephemeral with too many days", config: eph, vars: days(2000), setup: prod, summary: "Invalid lifetime", detail: `duration_days = 2000`, attr: "duration_days", local: true},
		{name: "ephemeral on a cluster name", config: eph, vars: days(1), setup: cluster("prod"), summary: "Invalid ID", detail: `cluster_id = "prod"`, attr: "cluster_id", local: true},

		// The certificate_applicant_id function (Terraform 1.8+, OpenTofu 1.7+): errors name the argument.
		{name: "function on empty text", config: fn, vars: vars("text", ""), summary: `Invalid value for "text" parameter`, detail: `empty`, local: true},
		{name: "function on a CA certificate", config: fn, vars: vars("text", ct.Fixtures().CA.PEM()),
			summary: `Invalid value for "text" parameter`, detail: `is a CA certificate \(its basic constraints say CA=true\), not a client certificate`, local: true},
		{name: "function on a private key", config: fn, vars: vars("text", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----\n"),
			summary: `Invalid value for "text" parameter`, detail: `private key`, local: true},
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
			if tc.local {
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
