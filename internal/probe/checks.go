package probe

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// Check is one line of internal/mockcloud/UNCONFIRMED.md. The line carries
// the marker "[probe: <ID>]"; a line the probe cannot check read-only
// carries "[probe: no]" and has a Check with Run nil and Why saying why,
// so that every line shows up as a row.
type Check struct {
	ID, Section, Title string
	// Run sends the requests and judges the answers; nil when the point
	// cannot be checked read-only.
	Run func(ctx context.Context, p *Probe) (Verdict, string)
	// Why says why Run is nil.
	Why string
}

// IDs that are not real cloud values but must never exist: a project, an
// account and a cluster no one has.
const (
	noProject = "00000000000000000000000000000000"
	noDomain  = "0000000000000000000000000000000f"
	noUser    = "00000000000000000000000000000000"
	noCluster = "00000000-0000-4000-8000-000000000000"
)

// Checks lists every line of UNCONFIRMED.md in its order.
var Checks = []Check{
	{ID: "gw-no-route", Section: "API gateway", Title: "No route", Run: checkNoRoute},
	{ID: "gw-missing-domain", Section: "API gateway", Title: "Missing X-Domain-Id", Run: checkMissingDomain},
	{ID: "gw-foreign-domain", Section: "API gateway", Title: "Foreign X-Domain-Id", Run: checkForeignDomain},
	{ID: "gw-lookups-without-domain", Section: "API gateway", Title: "Look-ups without X-Domain-Id", Run: checkLookups},
	{ID: "gw-domain-token", Section: "API gateway", Title: "Domain-scoped token at CCE or CTS", Run: checkDomainToken},
	{ID: "gw-clock-skew", Section: "API gateway", Title: "Clock skew", Run: checkClockSkew},
	{ID: "gw-date-header", Section: "API gateway", Title: "Date header", Run: checkDateHeader},
	{ID: "gw-5xx", Section: "API gateway", Title: "Injected 5xx",
		Why: "the probe cannot make the cloud fail; a 5xx the provider meets shows its body in the error"},
	{ID: "gw-throttling", Section: "API gateway", Title: "Throttling",
		Why: "needs more requests than the quota allows, which would throttle the account for everyone"},
	{ID: "gw-retry-after-503", Section: "API gateway", Title: "`Retry-After` on 503",
		Why: "needs the gateway to answer 503, which no read can ask for"},
	{ID: "gw-throttled-not-passed", Section: "API gateway", Title: "A throttled request is not passed on",
		Why: "needs a throttled certificate request, a write"},
	{ID: "gw-quota-scope", Section: "API gateway", Title: "Account quota",
		Why: "needs more requests than the account's quota allows, from several users, which would throttle the account for everyone"},
	{ID: "gw-quota-refused-uncounted", Section: "API gateway", Title: "A throttled request takes no quota",
		Why: "needs the account throttled and a count of what the gateway admitted, which no read shows"},
	{ID: "gw-quota-answer", Section: "API gateway", Title: "The quota's 429",
		Why: "needs more requests than the quota allows, which would throttle the account for everyone"},

	{ID: "iam-error-bodies", Section: "IAM", Title: "Error bodies", Run: checkIAMErrorBody},
	{ID: "iam-temporary-key-lookup", Section: "IAM", Title: "Credential look-up of a temporary key", Run: checkTempKeyLookup},
	{ID: "iam-who-reads", Section: "IAM", Title: "Who may read IAM", Run: checkOwnRead},
	{ID: "iam-other-token", Section: "IAM", Title: "Validating someone else's token",
		Why: "needs the token of a second identity"},
	{ID: "iam-project-by-name", Section: "IAM", Title: "Project by name", Run: checkProjectByName},
	{ID: "iam-sub-projects", Section: "IAM", Title: "Sub-projects", Run: checkSubProjects},
	{ID: "iam-failed-deletions", Section: "IAM", Title: "Deletions that fail",
		Why: "deleting a user or an agency is a write"},
	{ID: "iam-signin-lockout", Section: "IAM", Title: "Sign-in lockout",
		Why: "needs five failed sign-ins, which would lock a real user"},
	{ID: "iam-locked-signin", Section: "IAM", Title: "Locked user's sign-in",
		Why: "needs a locked user"},
	{ID: "iam-readonly-principals", Section: "IAM", Title: "Read-only principals",
		Why: "a test device of the mock (its readonly group), not a cloud behaviour to observe"},

	{ID: "sts-urn-formats", Section: "STS", Title: "URN and ID formats", Run: checkURN},
	{ID: "sts-every-kind", Section: "STS", Title: "Every credential kind", Run: checkEveryKind},
	{ID: "sts-no-headers", Section: "STS", Title: "No account or project header", Run: checkSTSNoHeaders},
	{ID: "sts-agency-rights", Section: "STS", Title: "Agency sessions' rights",
		Why: "only a revocation by an agency session shows them, and a revocation is a write"},
	{ID: "sts-federated-rights", Section: "STS", Title: "Federated users' rights",
		Why: "only a revocation by a federated user shows them, and a revocation is a write"},
	{ID: "sts-session-names", Section: "STS", Title: "Session names",
		Why: "assuming an agency creates a session, a write"},

	{ID: "cce-unknown-project", Section: "CCE", Title: "Unknown project", Run: checkUnknownProject},
	{ID: "cce-other-region-project", Section: "CCE", Title: "Another region's project", Run: checkOtherRegionProject},
	{ID: "cce-error-envelope", Section: "CCE", Title: "Error envelope", Run: checkEnvelope},
	{ID: "cce-revocation-rules", Section: "CCE", Title: "Revocation rules",
		Why: "every case is a revocation request, a write (make testacc-cloud with CCE_TEST_WRITE=1 shows self-revocation)"},
	{ID: "cce-readonly-callers", Section: "CCE", Title: "Read-only callers",
		Why: "needs a revocation or a download by a read-only principal, a write if the guess is wrong"},
	{ID: "cce-revocation-scope", Section: "CCE", Title: "What a revocation revokes",
		Why: "needs a revocation, a write (make testacc-cloud with CCE_TEST_WRITE=1 and kubectl shows it)"},
	{ID: "cce-other-type-id", Section: "CCE", Title: "An ID sent as the other type",
		Why: "needs a revocation of an agency's ID sent as userId, a write that may revoke nothing"},
	{ID: "cce-federated-id", Section: "CCE", Title: "Federated IDs",
		Why: "needs a federated user's revocation, a write"},
	{ID: "cce-locked-cluster", Section: "CCE", Title: "Locked clusters",
		Why: "needs a revocation on a frozen cluster, a write the account rarely has a cluster for"},
	{ID: "cce-version-rule", Section: "CCE", Title: "Version rule", Run: checkVersionRule},
	{ID: "cce-upgradeinfo", Section: "CCE", Title: "Upgrade info", Run: checkUpgradeInfo},
	{ID: "cce-certificates", Section: "CCE", Title: "Certificates",
		Why: "needs a certificate to be issued, a write (make testacc-cloud with CCE_TEST_WRITE=1 issues one)"},
	{ID: "cce-otc-flavour", Section: "CCE", Title: "OTC flavour", Run: checkOTC},

	{ID: "cts-trace-outcome", Section: "CTS", Title: "Trace outcome", Run: checkTraceOutcome},
	{ID: "cts-iam-project", Section: "CTS", Title: "Which project holds IAM's traces", Run: checkIAMTraceProject},
	{ID: "cts-errors", Section: "CTS", Title: "Errors", Run: checkCTSErrors},
	{ID: "cts-iam-every-region", Section: "CTS", Title: "IAM's traces in every region",
		Why: "the probe talks to the hosts of one region; comparing two regions' CTS needs a second run per region"},
}

// send sends r as the main credentials unless r.Auth says otherwise.
func (p *Probe) sendAs(ctx context.Context, check, name string, r Request) *answer {
	if r.Auth == "" {
		r.Auth = p.kind
	}
	return p.send(ctx, check, name, r)
}

// signs reports whether the main credentials are an access key pair.
func (p *Probe) signs() bool { return p.kind == KindAKSK || p.kind == KindTemporaryAKSK }

const needKeys = "needs an access key pair (HW_ACCESS_KEY and HW_SECRET_KEY)"

func cceGet(path string) Request {
	return Request{Service: cce.ServiceCCE, Method: "GET", Path: path, Header: map[string]string{"X-Project-Id": "{project_id}"}}
}

func ctsGet(project string, q map[string][]string) Request {
	return Request{Service: cce.ServiceCTS, Method: "GET", Path: "/v3/" + project + "/traces", Query: q,
		Header: map[string]string{"X-Project-Id": project}}
}

// iamGet is an IAM read as the client sends it: with X-Domain-Id when signed.
func (p *Probe) iamGet(path string) Request {
	r := Request{Service: cce.ServiceIAM, Method: "GET", Path: path}
	if p.signs() {
		r.Header = map[string]string{"X-Domain-Id": "{domain_id}"}
	}
	return r
}

func stsGet() Request {
	return Request{Service: cce.ServiceSTS, Method: "GET", Path: "/v5/caller-identity"}
}

// week is the CTS window: {week_ago_ms} to {now_ms}.
var week = map[string][]string{"from": {"{week_ago_ms}"}, "to": {"{now_ms}"}}

func withQuery(base map[string][]string, kv ...string) map[string][]string {
	out := map[string][]string{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = []string{kv[i+1]}
	}
	return out
}

// message returns the human text of an error body, shortened.
func (a *answer) message() string {
	if a.json == nil {
		return ""
	}
	for _, k := range []string{"error_msg", "errorMessage", "message"} {
		if s, ok := a.json[k].(string); ok && s != "" {
			return shorten(s)
		}
	}
	if e, ok := a.json["error"].(map[string]any); ok {
		if s, ok := e["message"].(string); ok {
			return shorten(s)
		}
	}
	return ""
}

func shorten(s string) string {
	if len(s) > 140 {
		return s[:137] + "..."
	}
	return s
}

// said renders an answer with its message: `401 APIGW.0301 "..."`.
func (a *answer) said() string {
	if m := a.message(); m != "" {
		return fmt.Sprintf("%s %q", a, m)
	}
	return a.String()
}

// expectation is one request and the answer the mock's guess predicts.
type expectation struct {
	name   string
	req    Request
	status int
	code   string
}

// expectAll sends each request; confirmed when every answer is as predicted.
func expectAll(ctx context.Context, p *Probe, check string, exps ...expectation) (Verdict, string) {
	var bad, good []string
	for _, e := range exps {
		a := p.sendAs(ctx, check, e.name, e.req)
		if a.err != nil {
			return NotCheckable, e.name + ": " + a.String()
		}
		if a.is(e.status, e.code) {
			good = append(good, e.name)
			continue
		}
		want := fmt.Sprint(e.status)
		if e.code != "" {
			want += " " + e.code
		}
		bad = append(bad, fmt.Sprintf("%s: %s, not %s", e.name, a.said(), want))
	}
	if len(bad) > 0 {
		return Refuted, strings.Join(bad, "; ")
	}
	return Confirmed, strings.Join(good, ", ") + ": as guessed"
}

func checkNoRoute(ctx context.Context, p *Probe) (Verdict, string) {
	clusters := "/api/v3/projects/{project_id}/clusters"
	sts := stsGet()
	head, put := sts, sts
	head.Method, put.Method = "HEAD", "PUT"
	v, d := expectAll(ctx, p, "gw-no-route",
		expectation{"trailing slash", cceGet(clusters + "/"), 404, "APIGW.0101"},
		expectation{"double slash", cceGet("/api/v3/projects/{project_id}//clusters"), 404, "APIGW.0101"},
		expectation{"dot segment", cceGet("/api/v3/projects/{project_id}/./clusters"), 404, "APIGW.0101"},
		expectation{"HEAD", head, 404, ""}, // a HEAD answer has no body to carry a code
		expectation{"PUT to a GET path", put, 404, "APIGW.0101"},
	)
	if v == Confirmed {
		d = "404 APIGW.0101 for a trailing slash, //, /./, HEAD and PUT on GET paths"
	}
	return v, d
}

// ownGroups is an IAM read every user may make about themselves.
const ownGroups = "/v3/users/{user_id}/groups"

func checkMissingDomain(ctx context.Context, p *Probe) (Verdict, string) {
	if !p.signs() {
		return NotCheckable, needKeys
	}
	if p.facts.UserID == "" {
		return NotCheckable, "the caller is no IAM user, so there is no own user to read"
	}
	with := p.sendAs(ctx, "gw-missing-domain", "with X-Domain-Id", p.iamGet(ownGroups))
	if !with.is(200, "") {
		return NotCheckable, "the same request with X-Domain-Id got " + with.said() + ", so the answer without it shows nothing"
	}
	without := p.sendAs(ctx, "gw-missing-domain", "without X-Domain-Id", Request{Service: cce.ServiceIAM, Method: "GET", Path: ownGroups})
	if without.is(401, "APIGW.0301") {
		return Confirmed, "without X-Domain-Id: " + without.said() + " (with it: 200)"
	}
	return Refuted, "without X-Domain-Id: " + without.said() + " (with it: 200)"
}

func checkForeignDomain(ctx context.Context, p *Probe) (Verdict, string) {
	if !p.signs() {
		return NotCheckable, needKeys
	}
	if p.facts.UserID == "" {
		return NotCheckable, "the caller is no IAM user, so there is no own user to read"
	}
	r := p.iamGet(ownGroups)
	r.Header = map[string]string{"X-Domain-Id": noDomain}
	a := p.sendAs(ctx, "gw-foreign-domain", "foreign X-Domain-Id", r)
	if a.is(401, "APIGW.0301") {
		return Confirmed, "another account's ID: " + a.said()
	}
	return Refuted, "another account's ID in X-Domain-Id: " + a.said() + ", not 401 APIGW.0301"
}

func checkLookups(ctx context.Context, p *Probe) (Verdict, string) {
	if !p.signs() {
		return NotCheckable, needKeys
	}
	v, d := expectAll(ctx, p, "gw-lookups-without-domain",
		expectation{"GET /v3/auth/domains", Request{Service: cce.ServiceIAM, Method: "GET", Path: "/v3/auth/domains"}, 200, ""},
		expectation{"GET /v3/projects", Request{Service: cce.ServiceIAM, Method: "GET", Path: "/v3/projects",
			Query: map[string][]string{"name": {"{region}"}}}, 200, ""},
	)
	if v == Confirmed {
		d = "both answer 200 without X-Domain-Id"
	}
	return v, d
}

func checkDomainToken(ctx context.Context, p *Probe) (Verdict, string) {
	if p.clients[KindPassword] == nil {
		return NotCheckable, "needs a password sign-in (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME) to get a domain-scoped token"
	}
	signIn := p.sendAs(ctx, "gw-domain-token", "sign in scoped to the account", domainTokenRequest)
	if !signIn.is(201, "") {
		return NotCheckable, "IAM refused a domain-scoped token: " + signIn.said()
	}
	p.domainTokOnce.Do(func() { p.domainTok = signIn.header.Get("X-Subject-Token") })
	r1 := cceGet("/api/v3/projects/{project_id}/clusters")
	r2 := ctsGet("{project_id}", withQuery(week, "limit", "1"))
	r1.Auth, r2.Auth = KindDomainToken, KindDomainToken
	v, d := expectAll(ctx, p, "gw-domain-token",
		expectation{"CCE", r1, 401, "APIGW.0301"},
		expectation{"CTS", r2, 401, "APIGW.0301"},
	)
	if v == Confirmed {
		d = "CCE and CTS answer 401 APIGW.0301 to a domain-scoped token"
	}
	return v, d
}

func checkClockSkew(ctx context.Context, p *Probe) (Verdict, string) {
	if !p.signs() {
		return NotCheckable, needKeys
	}
	r := cceGet("/api/v3/projects/{project_id}/clusters")
	r.SignSkew = "20m0s"
	a := p.sendAs(ctx, "gw-clock-skew", "signed 20 minutes ahead", r)
	if a.is(401, "APIGW.0301") {
		return Confirmed, "X-Sdk-Date 20 minutes ahead: " + a.said()
	}
	return Refuted, "X-Sdk-Date 20 minutes ahead: " + a.said() + ", not 401 APIGW.0301"
}

func checkDateHeader(ctx context.Context, p *Probe) (Verdict, string) {
	exs := p.Exchanges()
	if len(exs) == 0 {
		p.sendAs(ctx, "gw-date-header", "caller identity", stsGet())
		exs = p.Exchanges()
	}
	var without []string
	n := 0
	for _, ex := range exs {
		if ex.Response.Status == 0 {
			continue
		}
		n++
		if ex.Response.Header["Date"] == "" {
			without = append(without, fmt.Sprintf("%s %s (%d)", ex.Request.Method, ex.Request.Path, ex.Response.Status))
		}
	}
	if len(without) > 0 {
		return Refuted, fmt.Sprintf("%d of %d answers had no Date: %s", len(without), n, strings.Join(without, ", "))
	}
	return Confirmed, fmt.Sprintf("all %d answers so far carry Date", n)
}

func checkIAMErrorBody(ctx context.Context, p *Probe) (Verdict, string) {
	a := p.sendAs(ctx, "iam-error-bodies", "unknown user", p.iamGet("/v3/users/"+noUser))
	if a.err != nil {
		return NotCheckable, a.String()
	}
	if a.status < 400 {
		return NotCheckable, fmt.Sprintf("IAM answered %d to a user that does not exist", a.status)
	}
	e, ok := a.json["error"].(map[string]any)
	if !ok || e["code"] == nil || e["title"] == nil || e["message"] == nil {
		return Refuted, fmt.Sprintf("%s: body %s is not {\"error\":{\"code\",\"title\",\"message\"}}", a, shorten(string(a.body)))
	}
	if a.status == 403 && !strings.Contains(fmt.Sprint(e["message"]), "You are not authorized to perform the requested action: identity:") {
		return Refuted, "403 message " + a.said() + " does not name the identity action"
	}
	return Confirmed, "unknown user: " + a.said() + " in Keystone style"
}

func checkTempKeyLookup(ctx context.Context, p *Probe) (Verdict, string) {
	if p.clients[KindTemporaryAKSK] == nil {
		return NotCheckable, "needs temporary keys (HW_ACCESS_KEY, HW_SECRET_KEY and HW_SECURITY_TOKEN)"
	}
	r := Request{Service: cce.ServiceIAM, Method: "GET", Path: "/v3.0/OS-CREDENTIAL/credentials/{temp_access_key}",
		Header: map[string]string{"X-Domain-Id": "{domain_id}"}, Auth: KindTemporaryAKSK}
	a := p.sendAs(ctx, "iam-temporary-key-lookup", "own temporary key", r)
	if a.is(404, "") {
		return Confirmed, "look-up of the temporary key: " + a.said()
	}
	return Refuted, "look-up of the temporary key: " + a.said() + ", not 404"
}

func checkOwnRead(ctx context.Context, p *Probe) (Verdict, string) {
	if p.facts.UserID == "" {
		return NotCheckable, "the caller is no IAM user"
	}
	v, d := expectAll(ctx, p, "iam-who-reads",
		expectation{"own user", p.iamGet("/v3/users/{user_id}"), 200, ""},
		expectation{"own groups", p.iamGet(ownGroups), 200, ""},
	)
	if v == Confirmed {
		d = "the caller reads its own user and groups (the iam-readonly group is the mock's own device, not checked)"
	}
	return v, d
}

func checkProjectByName(ctx context.Context, p *Probe) (Verdict, string) {
	a := p.sendAs(ctx, "iam-project-by-name", "projects named after the region", Request{Service: cce.ServiceIAM, Method: "GET",
		Path: "/v3/projects", Query: map[string][]string{"name": {"{region}"}}})
	if !a.is(200, "") {
		return Refuted, "GET /v3/projects?name=" + p.facts.Region + ": " + a.said()
	}
	list, _ := a.json["projects"].([]any)
	var names []string
	match := 0
	for _, it := range list {
		if m, ok := it.(map[string]any); ok {
			names = append(names, fmt.Sprint(m["name"]))
			if m["name"] == p.facts.Region {
				match++
			}
		}
	}
	if match == 1 {
		return Confirmed, fmt.Sprintf("one project named %s among %d listed", p.facts.Region, len(list))
	}
	return Refuted, fmt.Sprintf("%d projects named %s; listed: %s", match, p.facts.Region, strings.Join(names, ", "))
}

// accountProjects lists the account's projects (GET /v3/projects).
func accountProjects(ctx context.Context, p *Probe, check string) ([]map[string]any, *answer) {
	a := p.sendAs(ctx, check, "the account's projects", Request{Service: cce.ServiceIAM, Method: "GET", Path: "/v3/projects"})
	if !a.is(200, "") {
		return nil, a
	}
	list, _ := a.json["projects"].([]any)
	var out []map[string]any
	for _, it := range list {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out, a
}

func checkSubProjects(ctx context.Context, p *Probe) (Verdict, string) {
	projects, a := accountProjects(ctx, p, "iam-sub-projects")
	if projects == nil {
		return NotCheckable, "listing the projects got " + a.said()
	}
	main := ""
	for _, m := range projects {
		if m["name"] == p.facts.Region {
			main = fmt.Sprint(m["id"])
		}
	}
	checked := 0
	for _, m := range projects {
		if name := fmt.Sprint(m["name"]); strings.HasPrefix(name, p.facts.Region+"_") {
			checked++
			if fmt.Sprint(m["parent_id"]) != main {
				return Refuted, fmt.Sprintf("project %s has parent_id %v, not the region's project", name, m["parent_id"])
			}
		}
	}
	if checked == 0 {
		return NotCheckable, "the account has no further project in " + p.facts.Region
	}
	return Confirmed, fmt.Sprintf("%d sub-projects of %s, each named %s_... with the region's project as parent", checked, p.facts.Region, p.facts.Region)
}

func checkOtherRegionProject(ctx context.Context, p *Probe) (Verdict, string) {
	projects, a := accountProjects(ctx, p, "cce-other-region-project")
	if projects == nil {
		return NotCheckable, "listing the projects got " + a.said()
	}
	for _, m := range projects {
		name, id := fmt.Sprint(m["name"]), fmt.Sprint(m["id"])
		if name == p.facts.Region || strings.HasPrefix(name, p.facts.Region+"_") || name == "MOS" || !hex32.MatchString(id) {
			continue
		}
		r := cceGet("/api/v3/projects/" + id + "/clusters")
		r.Header = map[string]string{"X-Project-Id": id}
		b := p.sendAs(ctx, "cce-other-region-project", "clusters of another region's project", r)
		if b.is(404, "CCE.01404001") {
			return Confirmed, "404 CCE.01404001 for the project of " + name
		}
		return Refuted, b.said() + " for the project of " + name + ", not 404 CCE.01404001"
	}
	return NotCheckable, "the account has no project in another region"
}

var (
	userURN    = regexp.MustCompile(`^iam::([0-9a-f]{32}):user:(.+)$`)
	agencyURN  = regexp.MustCompile(`^sts::([0-9a-f]{32}):assumed-agency:([^/]+)/(.+)$`)
	fedURN     = regexp.MustCompile(`^sts::([0-9a-f]{32}):external-user:([^/]+)/(.+)$`)
	hex32      = regexp.MustCompile(`^[0-9a-f]{32}$`)
	sessionIDs = regexp.MustCompile(`^[^:]+:.+$`)
)

func checkURN(ctx context.Context, p *Probe) (Verdict, string) {
	a := p.sendAs(ctx, "sts-urn-formats", "caller identity", stsGet())
	if !a.is(200, "") {
		return NotCheckable, "STS answered " + a.said()
	}
	urn, _ := a.json["principal_urn"].(string)
	id, _ := a.json["principal_id"].(string)
	acct, _ := a.json["account_id"].(string)
	got := fmt.Sprintf("principal_urn %q, principal_id %q", urn, id)
	switch {
	case userURN.MatchString(urn):
		m := userURN.FindStringSubmatch(urn)
		if m[1] != acct || !hex32.MatchString(id) {
			return Refuted, got + ": the account or the user ID is not as guessed"
		}
		if p.kind == KindAKSK { // the key's owner, read from IAM, not from STS
			owner := p.sendAs(ctx, "sts-urn-formats", "owner of the access key",
				p.iamGet("/v3.0/OS-CREDENTIAL/credentials/{access_key}"))
			cred, _ := owner.json["credential"].(map[string]any)
			uid, _ := cred["user_id"].(string)
			if uid == "" {
				return NotCheckable, got + "; IAM did not name the key's owner (" + owner.said() + ")"
			}
			user := p.sendAs(ctx, "sts-urn-formats", "the key owner's name", p.iamGet("/v3/users/"+uid))
			u, _ := user.json["user"].(map[string]any)
			if u == nil {
				return NotCheckable, got + "; IAM did not name the key's owner (" + owner.said() + ")"
			}
			if uid != id || u["name"] != m[2] {
				return Refuted, fmt.Sprintf("%s; IAM says the key belongs to user %v (%s)", got, u["name"], uid)
			}
			return Confirmed, "an IAM user: iam::<account>:user:<name> with the user ID, as IAM names the key's owner"
		}
		return Confirmed, "an IAM user: the URN and ID have the guessed form (" + p.kind + ")"
	case agencyURN.MatchString(urn) || fedURN.MatchString(urn):
		if !sessionIDs.MatchString(id) {
			return Refuted, got + ": the ID is not <agency or idp ID>:<session>"
		}
		return Confirmed, "a session: " + got
	}
	return Refuted, got + " matches none of the guessed forms"
}

func checkEveryKind(ctx context.Context, p *Probe) (Verdict, string) {
	var ok, bad []string
	try := func(name, auth string) {
		r := stsGet()
		r.Auth = auth
		a := p.sendAs(ctx, "sts-every-kind", name, r)
		if a.is(200, "") && a.json["account_id"] != nil {
			ok = append(ok, name)
		} else {
			bad = append(bad, name+": "+a.said())
		}
	}
	for _, k := range p.Kinds() {
		name := k
		if k == KindPassword {
			name = "password (project-scoped token)"
		}
		try(name, k)
	}
	if p.clients[KindPassword] != nil {
		if _, err := p.domainToken(ctx); err == nil {
			try("domain-scoped token", KindDomainToken)
		}
	}
	missing := "not at hand: agency and federated sessions"
	for _, k := range []string{KindAKSK, KindTemporaryAKSK, KindPassword, KindToken} {
		if p.clients[k] == nil {
			missing += ", " + k
		}
	}
	if len(bad) > 0 {
		return Refuted, strings.Join(bad, "; ")
	}
	return Confirmed, "answered " + strings.Join(ok, ", ") + " (" + missing + ")"
}

func checkSTSNoHeaders(ctx context.Context, p *Probe) (Verdict, string) {
	a := p.sendAs(ctx, "sts-no-headers", "caller identity without X-Domain-Id and X-Project-Id", stsGet())
	if a.is(200, "") {
		return Confirmed, "200 without X-Domain-Id and X-Project-Id"
	}
	return Refuted, "without X-Domain-Id and X-Project-Id: " + a.said()
}

func checkUnknownProject(ctx context.Context, p *Probe) (Verdict, string) {
	r := cceGet("/api/v3/projects/" + noProject + "/clusters")
	r.Header = map[string]string{"X-Project-Id": noProject}
	a := p.sendAs(ctx, "cce-unknown-project", "clusters of a project no one has", r)
	if a.is(404, "CCE.01404001") {
		return Confirmed, "404 CCE.01404001"
	}
	return Refuted, a.said() + ", not 404 CCE.01404001"
}

// envelopeFields are the fields the mock's CCE errors carry.
var envelopeFields = []string{"kind", "apiVersion", "status", "code", "message", "reason", "errorCode", "errorMessage", "error_code", "error_msg"}

func checkEnvelope(ctx context.Context, p *Probe) (Verdict, string) {
	a := p.sendAs(ctx, "cce-error-envelope", "unknown cluster", cceGet("/api/v3/projects/{project_id}/clusters/"+noCluster))
	if a.err != nil || a.status < 400 {
		return NotCheckable, "an unknown cluster got " + a.said()
	}
	if a.json == nil {
		return Refuted, fmt.Sprintf("%d with a body that is no JSON object: %s", a.status, shorten(string(a.body)))
	}
	var missing, extra []string
	for _, f := range envelopeFields {
		if _, ok := a.json[f]; !ok {
			missing = append(missing, f)
		}
	}
	for k := range a.json {
		found := false
		for _, f := range envelopeFields {
			found = found || f == k
		}
		if !found && k != "metadata" {
			extra = append(extra, k)
		}
	}
	if len(missing) > 0 {
		return Refuted, fmt.Sprintf("%s lacks %s (extra: %s)", a, strings.Join(missing, ", "), strings.Join(extra, ", "))
	}
	return Confirmed, fmt.Sprintf("%s, error_code %v: both code pairs and reason", a, a.json["error_code"])
}

var (
	shortVersion = regexp.MustCompile(`^v(\d+)\.(\d+)$`)
	platform     = regexp.MustCompile(`^cce\.(\d+)\.(\d+)$`)
	release      = regexp.MustCompile(`^v(\d+)\.(\d+)\.(\d+)$`)
)

func spec(obj map[string]any) map[string]any {
	s, _ := obj["spec"].(map[string]any)
	return s
}

func checkVersionRule(ctx context.Context, p *Probe) (Verdict, string) {
	a := p.sendAs(ctx, "cce-version-rule", "clusters", cceGet("/api/v3/projects/{project_id}/clusters"))
	if !a.is(200, "") {
		return NotCheckable, "listing clusters got " + a.said()
	}
	items, _ := a.json["items"].([]any)
	var agree, disagree []string
	for _, it := range items {
		obj, _ := it.(map[string]any)
		s := spec(obj)
		v, _ := s["version"].(string)
		pv, _ := s["platformVersion"].(string)
		lv, _ := s["legacyVersion"].(string)
		vm, pm := shortVersion.FindStringSubmatch(v), platform.FindStringSubmatch(pv)
		if vm == nil || pm == nil || lv == "" {
			continue
		}
		want := fmt.Sprintf("%s.%s-r%s", v, pm[1], pm[2])
		if lv == want {
			agree = append(agree, lv)
		} else {
			disagree = append(disagree, fmt.Sprintf("%s + %s is %s, not %s", v, pv, lv, want))
		}
	}
	if p.facts.ClusterID != "" {
		c := p.sendAs(ctx, "cce-version-rule", "the cluster", cceGet("/api/v3/projects/{project_id}/clusters/{cluster_id}"))
		u := p.sendAs(ctx, "cce-version-rule", "its upgrade info", cceGet("/api/v3/projects/{project_id}/clusters/{cluster_id}/upgradeinfo"))
		if c.is(200, "") && u.is(200, "") {
			v, _ := spec(c.json)["version"].(string)
			pv, _ := spec(c.json)["platformVersion"].(string)
			vi, _ := spec(u.json)["versionInfo"].(map[string]any)
			rel, _ := vi["release"].(string)
			patch, _ := vi["patch"].(string)
			pm, rm := platform.FindStringSubmatch(pv), release.FindStringSubmatch(rel)
			// A v1.19-or-older cluster reports its full version: the rule is about vA.B ones.
			if shortVersion.MatchString(v) && pm != nil && rm != nil {
				if rm[3] == pm[1] && patch == "r"+pm[2] {
					agree = append(agree, "upgradeinfo "+rel+"-"+patch)
				} else {
					disagree = append(disagree, fmt.Sprintf("upgradeinfo says %s-%s, platformVersion %s", rel, patch, pv))
				}
			}
		}
	}
	switch {
	case len(disagree) > 0:
		return Refuted, strings.Join(disagree, "; ")
	case len(agree) == 0:
		return NotCheckable, "no cluster reports vA.B with cce.X.Y and legacyVersion or upgrade info"
	}
	return Confirmed, "X is the patch number: " + strings.Join(agree, ", ")
}

func checkUpgradeInfo(ctx context.Context, p *Probe) (Verdict, string) {
	if p.facts.ClusterID == "" {
		return NotCheckable, "no cluster: set CCE_TEST_CLUSTER_ID, or the account has none"
	}
	a := p.sendAs(ctx, "cce-upgradeinfo", "upgrade info", cceGet("/api/v3/projects/{project_id}/clusters/{cluster_id}/upgradeinfo"))
	vi, _ := spec(a.json)["versionInfo"].(map[string]any)
	if a.is(200, "") && vi["release"] != nil {
		return Confirmed, fmt.Sprintf("200 on this cluster (%s): release %v, patch %v", p.facts.Cloud, vi["release"], vi["patch"])
	}
	return Refuted, "upgradeinfo: " + a.said()
}

func checkOTC(ctx context.Context, p *Probe) (Verdict, string) {
	if p.facts.ClusterID == "" {
		return NotCheckable, "no cluster: set CCE_TEST_CLUSTER_ID, or the account has none"
	}
	a := p.sendAs(ctx, "cce-otc-flavour", "the cluster", cceGet("/api/v3/projects/{project_id}/clusters/{cluster_id}"))
	if !a.is(200, "") {
		return NotCheckable, "the cluster: " + a.said()
	}
	st, _ := a.json["status"].(map[string]any)
	ep := st["endpoints"]
	obj, isObj := ep.(map[string]any)
	otc := strings.Contains(p.facts.Cloud, "otc")
	switch {
	case !isObj && !otc:
		return NotCheckable, "a Huawei Cloud account (status.endpoints is a list): needs Open Telekom Cloud; " +
			"the publication of clustercertrevoke needs a revocation, a write"
	case !isObj:
		return Refuted, fmt.Sprintf("Open Telekom Cloud answers status.endpoints as %s, not one object", jsonType(ep))
	case obj["external_otc"] == nil && otc:
		return Refuted, "status.endpoints is an object without external_otc"
	}
	return Confirmed, "status.endpoints is one object with external_otc (the publication of clustercertrevoke needs a write)"
}

func checkTraceOutcome(ctx context.Context, p *Probe) (Verdict, string) {
	a := p.sendAs(ctx, "cts-trace-outcome", "recent traces", ctsGet("{project_id}", withQuery(week, "trace_type", "system", "limit", "50")))
	if !a.is(200, "") {
		return NotCheckable, "querying traces got " + a.said()
	}
	traces, _ := a.json["traces"].([]any)
	if len(traces) == 0 {
		return NotCheckable, "no trace in 7 days in this project"
	}
	var bad []string
	for _, it := range traces {
		t, _ := it.(map[string]any)
		code, isString := t["code"].(string)
		rating, _ := t["trace_rating"].(string)
		switch {
		case !isString:
			bad = append(bad, fmt.Sprintf("%v: code %v is a %s", t["trace_name"], t["code"], jsonType(t["code"])))
		case strings.HasPrefix(code, "2") && rating != "normal", code >= "400" && rating != "warning":
			bad = append(bad, fmt.Sprintf("%v: code %s rated %s", t["trace_name"], code, rating))
		}
	}
	if len(bad) > 0 {
		return Refuted, shorten(strings.Join(bad, "; "))
	}
	return Confirmed, fmt.Sprintf("%d traces: string codes, normal for 2xx, warning for failures", len(traces))
}

func checkIAMTraceProject(ctx context.Context, p *Probe) (Verdict, string) {
	a := p.sendAs(ctx, "cts-iam-project", "IAM traces", ctsGet("{project_id}", withQuery(week, "trace_type", "system", "service_type", "IAM", "limit", "10")))
	if !a.is(200, "") {
		return NotCheckable, "querying IAM's traces got " + a.said()
	}
	traces, _ := a.json["traces"].([]any)
	if len(traces) == 0 {
		return NotCheckable, "no IAM trace in this project in 7 days: IAM recorded nothing, or another region holds its traces " +
			"(delete a throwaway IAM user and probe again)"
	}
	return Confirmed, fmt.Sprintf("the project of %s holds %d IAM traces of the last 7 days", p.facts.Region, len(traces))
}

func checkCTSErrors(ctx context.Context, p *Probe) (Verdict, string) {
	v, d := expectAll(ctx, p, "cts-errors",
		expectation{"limit 1000", ctsGet("{project_id}", withQuery(week, "limit", "1000")), 400, "CTS.0300"},
		expectation{"unknown project", ctsGet(noProject, withQuery(week, "limit", "1")), 404, "CTS.0300"},
	)
	if v == Confirmed {
		d = "400 and 404 CTS.0300 (the 403 CTS.0013 case needs a caller who may not read traces)"
	}
	return v, d
}
