// Package probe asks a real account, read-only, how the cloud answers the
// points internal/mockcloud/UNCONFIRMED.md lists as guesses, and says per
// point: confirmed, refuted (with what the cloud said), or not checkable
// read-only. It sends raw requests through the client's signer
// (cce.Client.Raw), so that it can send what the client never does on
// purpose: a trailing slash, a skewed date, an IAM call without X-Domain-Id.
//
// Nothing it sends changes the account: GET and HEAD requests, a PUT to a
// path that has no PUT, and, with password credentials, POST /v3/auth/tokens
// (a sign-in). cmd/cce-probe is its command line.
package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// Settings is what the probe needs: where the cloud is and every credential
// at hand. Unlike the provider, the probe takes several kinds at once (an
// access key pair and a password, say): each is tried where a point is
// about its kind.
type Settings struct {
	// Base holds region, project, domain, endpoints and TLS settings; its
	// Credentials are ignored.
	Base cce.Config
	// Credentials maps a kind (KindAKSK, KindTemporaryAKSK, KindPassword,
	// KindToken) to complete credentials of that kind.
	Credentials map[string]cce.Credentials
	// ClusterID is a cluster to read; empty means the first one listed.
	ClusterID string
}

// primaryOrder is the order in which a kind becomes the probe's main one.
var primaryOrder = []string{KindAKSK, KindTemporaryAKSK, KindPassword, KindToken}

func (s Settings) secretValues() []string {
	var out []string
	for _, c := range s.Credentials {
		out = append(out, c.SecretKey, c.SecurityToken, c.Password, c.AuthToken)
	}
	return out
}

// first returns the value of the first variable that is set.
func first(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// SettingsFromEnv reads the provider's variables (HW_* first, OS_* as
// fallbacks) and CCE_TEST_CLUSTER_ID. It sends at most 5 requests a
// second unless HW_RATE_LIMIT says otherwise.
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{Credentials: map[string]cce.Credentials{}, ClusterID: first(getenv, "CCE_TEST_CLUSTER_ID")}
	b := &s.Base
	b.Region = first(getenv, "HW_REGION_NAME", "OS_REGION_NAME")
	b.ProjectID = first(getenv, "HW_PROJECT_ID", "OS_PROJECT_ID")
	b.DomainID = first(getenv, "HW_DOMAIN_ID", "OS_DOMAIN_ID")
	b.Cloud = first(getenv, "HW_CLOUD")
	b.IAMEndpoint, b.CCEEndpoint = first(getenv, "HW_IAM_ENDPOINT"), first(getenv, "HW_CCE_ENDPOINT")
	b.CTSEndpoint, b.STSEndpoint = first(getenv, "HW_CTS_ENDPOINT"), first(getenv, "HW_STS_ENDPOINT")
	if v := first(getenv, "HW_INSECURE", "OS_INSECURE"); v != "" {
		ins, err := strconv.ParseBool(v)
		if err != nil {
			return s, fmt.Errorf("HW_INSECURE=%q is not true or false", v)
		}
		b.Insecure = ins
	}
	if f := first(getenv, "HW_CACERT_FILE", "OS_CACERT"); f != "" {
		pem, err := os.ReadFile(f) //nolint:gosec // the user names the file.
		if err != nil {
			return s, fmt.Errorf("HW_CACERT_FILE: %w", err)
		}
		b.CACertPEM = pem
	}
	b.UserAgent = "cce-probe"
	b.RateLimit = 5 // polite: the probe is never in a hurry
	if v := first(getenv, "HW_RATE_LIMIT"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 {
			return s, fmt.Errorf("HW_RATE_LIMIT=%q is not a number of requests per second (0: unlimited)", v)
		}
		b.RateLimit = r
	}
	if ak, sk := first(getenv, "HW_ACCESS_KEY", "OS_ACCESS_KEY"), first(getenv, "HW_SECRET_KEY", "OS_SECRET_KEY"); ak != "" || sk != "" {
		if ak == "" || sk == "" {
			return s, errors.New("set both HW_ACCESS_KEY and HW_SECRET_KEY, or neither")
		}
		c := cce.Credentials{AccessKey: ak, SecretKey: sk, SecurityToken: first(getenv, "HW_SECURITY_TOKEN", "OS_SECURITY_TOKEN")}
		if c.SecurityToken != "" {
			s.Credentials[KindTemporaryAKSK] = c
		} else {
			s.Credentials[KindAKSK] = c
		}
	}
	user, pw, dom := first(getenv, "HW_USER_NAME", "OS_USERNAME"), first(getenv, "HW_PASSWORD", "OS_PASSWORD"), first(getenv, "HW_DOMAIN_NAME", "OS_DOMAIN_NAME")
	if user != "" || pw != "" {
		if user == "" || pw == "" || dom == "" {
			return s, errors.New("password sign-in needs HW_USER_NAME, HW_PASSWORD and HW_DOMAIN_NAME together")
		}
		s.Credentials[KindPassword] = cce.Credentials{UserName: user, Password: pw, DomainName: dom}
	}
	if tok := first(getenv, "HW_AUTH_TOKEN", "OS_AUTH_TOKEN"); tok != "" {
		s.Credentials[KindToken] = cce.Credentials{AuthToken: tok}
	}
	if len(s.Credentials) == 0 {
		return s, errors.New("no credentials: set HW_ACCESS_KEY and HW_SECRET_KEY (plus HW_SECURITY_TOKEN for temporary keys), " +
			"and/or HW_USER_NAME, HW_PASSWORD and HW_DOMAIN_NAME, and/or HW_AUTH_TOKEN")
	}
	if b.Region == "" {
		return s, errors.New("HW_REGION_NAME is not set")
	}
	return s, nil
}

// Facts are what the probe learns about the account before it checks
// anything; they fill the placeholders of requests.
type Facts struct {
	ProjectID, DomainID, DomainName, UserID, UserName, ClusterID, Region string
	AccessKey, TempAccessKey, PasswordUser, PasswordDomain               string
	// Kind is the principal kind of the main credentials, as the client
	// classifies it.
	Kind cce.PrincipalKind
	// Cloud is the cloud domain (myhuaweicloud.com, otc.t-systems.com).
	Cloud    string
	password string
}

// Probe holds one run.
type Probe struct {
	set     Settings
	clients map[string]*cce.Client
	primary *cce.Client
	kind    string // the primary kind
	facts   Facts

	mu        sync.Mutex
	exchanges []Exchange
	seenMu    sync.Mutex
	seen      []string

	domainTok     string
	domainTokOnce sync.Once
	domainTokErr  error
}

// New builds a client per credential kind and learns the facts: the
// caller, the project, the account and a cluster. Its own reads are not
// recorded.
func New(ctx context.Context, s Settings) (*Probe, error) {
	p := &Probe{set: s, clients: map[string]*cce.Client{}}
	for _, kind := range primaryOrder {
		cr, ok := s.Credentials[kind]
		if !ok {
			continue
		}
		cfg := s.Base
		cfg.Credentials = cr
		c, err := cce.NewClient(cfg)
		if err != nil {
			return nil, fmt.Errorf("%s credentials: %w", kind, err)
		}
		p.clients[kind] = c
		if p.primary == nil {
			p.primary, p.kind = c, kind
		}
	}
	if p.primary == nil {
		return nil, errors.New("no credentials")
	}
	f := &p.facts
	f.Region, f.Cloud = s.Base.Region, s.Base.Cloud
	if f.Cloud == "" {
		f.Cloud = cce.DefaultCloud
	}
	if cr, ok := s.Credentials[KindAKSK]; ok {
		f.AccessKey = cr.AccessKey
	}
	if cr, ok := s.Credentials[KindTemporaryAKSK]; ok {
		f.TempAccessKey = cr.AccessKey
		if f.AccessKey == "" {
			f.AccessKey = cr.AccessKey
		}
	}
	if cr, ok := s.Credentials[KindPassword]; ok {
		f.PasswordUser, f.PasswordDomain, f.password = cr.UserName, cr.DomainName, cr.Password
	}
	who, err := p.primary.Caller(ctx, cce.Fresh)
	if err != nil {
		return nil, fmt.Errorf("who am I (%s credentials): %w", p.kind, err)
	}
	f.UserID, f.UserName, f.DomainID, f.DomainName, f.ProjectID, f.Kind = who.UserID, who.UserName, who.DomainID, who.DomainName, who.ProjectID, who.Kind
	if f.ProjectID == "" {
		if f.ProjectID, err = p.primary.ProjectID(ctx); err != nil {
			return nil, fmt.Errorf("project: %w", err)
		}
	}
	f.ClusterID = s.ClusterID
	if f.ClusterID == "" {
		cls, err := p.primary.Clusters(ctx, cce.Fresh)
		if err == nil && len(cls) > 0 {
			f.ClusterID = cls[0].ID
		}
	}
	return p, nil
}

// Facts returns what New learned.
func (p *Probe) Facts() Facts { return p.facts }

// Kinds lists the credential kinds at hand, the main one first.
func (p *Probe) Kinds() []string {
	var out []string
	for _, k := range primaryOrder {
		if p.clients[k] != nil {
			out = append(out, k)
		}
	}
	return out
}

// Verdict is the outcome for one point.
type Verdict string

// Verdicts.
const (
	Confirmed    Verdict = "confirmed"
	Refuted      Verdict = "REFUTED"
	NotCheckable Verdict = "not checkable"
)

// Row is the outcome for one line of UNCONFIRMED.md.
type Row struct {
	ID, Section, Title string
	Verdict            Verdict
	Detail             string
}

// Run checks every point in order and returns one row each.
func (p *Probe) Run(ctx context.Context) []Row {
	rows := make([]Row, 0, len(Checks))
	for _, c := range Checks {
		row := Row{ID: c.ID, Section: c.Section, Title: c.Title, Verdict: NotCheckable, Detail: c.Why}
		if c.Run != nil {
			row.Verdict, row.Detail = c.Run(ctx, p)
		}
		rows = append(rows, row)
	}
	return rows
}

// Print writes the rows as a table and a count per verdict.
func Print(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	counts := map[Verdict]int{}
	for _, r := range rows {
		counts[r.Verdict]++
		detail := strings.Join(strings.Fields(r.Detail), " ") // one line per row, whatever the cloud said
		if _, err := fmt.Fprintf(tw, "%s\t%s\t%s: %s\t%s\n", r.ID, r.Verdict, r.Section, r.Title, detail); err != nil {
			return err
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d points: %d confirmed, %d refuted, %d not checkable read-only or with these credentials\n",
		len(rows), counts[Confirmed], counts[Refuted], counts[NotCheckable])
	return err
}

// domainToken signs in with the password, scoped to the account, once.
func (p *Probe) domainToken(ctx context.Context) (string, error) {
	p.domainTokOnce.Do(func() {
		a := p.do(ctx, domainTokenRequest)
		switch {
		case a.err != nil:
			p.domainTokErr = a.err
		case a.status != 201:
			p.domainTokErr = fmt.Errorf("a domain-scoped token was refused: %s", a)
		default:
			p.domainTok = a.header.Get("X-Subject-Token")
			if p.domainTok == "" {
				p.domainTokErr = errors.New("IAM answered 201 without X-Subject-Token")
			}
		}
	})
	return p.domainTok, p.domainTokErr
}

// domainTokenRequest asks IAM for a token scoped to the account.
var domainTokenRequest = Request{Service: cce.ServiceIAM, Method: "POST", Path: "/v3/auth/tokens",
	Query: map[string][]string{"nocatalog": {"true"}}, Auth: KindNone,
	Body: `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"{password_user}",` +
		`"password":"{password}","domain":{"name":"{password_domain}"}}}},"scope":{"domain":{"name":"{password_domain}"}}}}`}
