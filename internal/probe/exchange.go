package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/cce"
)

// An Exchange is one request the probe sent and the answer it got, as saved
// by -record: every value that names the account (project, domain, user,
// cluster, access key, region) replaced by a placeholder such as
// {project_id}, so that a recording can be sent again to another account or
// to the mock; every secret (secret keys, tokens, passwords, signatures)
// removed.
type Exchange struct {
	Check    string   `json:"check"`
	Name     string   `json:"name"`
	Request  Request  `json:"request"`
	Response Response `json:"response"`
}

// Request is a request in placeholder form.
type Request struct {
	Service string              `json:"service"`
	Method  string              `json:"method"`
	Path    string              `json:"path"`
	Query   map[string][]string `json:"query,omitempty"`
	Header  map[string]string   `json:"header,omitempty"`
	Body    string              `json:"body,omitempty"`
	// Auth is how the request is signed in: one of the Kind* values, or
	// KindDomainToken (a domain-scoped token from the password) or "none".
	Auth string `json:"auth"`
	// SignSkew moves the signing date, e.g. "20m0s".
	SignSkew string `json:"sign_skew,omitempty"`
}

// Response is an answer in placeholder form. Code is the error code the
// body carries (errorCode, error_code or error.code), empty for none.
type Response struct {
	Status int               `json:"status"`
	Code   string            `json:"code,omitempty"`
	Header map[string]string `json:"header,omitempty"`
	Body   json.RawMessage   `json:"body,omitempty"`
	// Text holds a body that is not JSON.
	Text string `json:"text,omitempty"`
}

// Credential kinds and the other ways a request is signed in.
const (
	KindAKSK          = "aksk"
	KindTemporaryAKSK = "temporary_aksk"
	KindPassword      = "password"
	KindToken         = "token"
	KindDomainToken   = "domain_token"
	KindNone          = "none"
)

// keptResponseHeaders are the answer headers a recording keeps.
var keptResponseHeaders = []string{"Content-Type", "Date", "Retry-After"}

// answer is what a check sees: the real values, not placeholders.
type answer struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any // nil when the body is not a JSON object
	code   string
	err    error // transport error; status is 0
}

// String renders an answer for a row: "404 APIGW.0101" or "transport error: ...".
func (a *answer) String() string {
	if a.err != nil {
		return "transport error: " + a.err.Error()
	}
	s := fmt.Sprintf("%d", a.status)
	if a.code != "" {
		s += " " + a.code
	}
	return s
}

// is reports whether the answer has this status and, when code is set, this code.
func (a *answer) is(status int, code string) bool {
	return a.err == nil && a.status == status && (code == "" || a.code == code)
}

// placeholders maps each placeholder to its value in this run.
func (p *Probe) placeholders() map[string]string {
	f := p.facts
	return map[string]string{
		"{project_id}": f.ProjectID, "{domain_id}": f.DomainID, "{domain_name}": f.DomainName,
		"{user_id}": f.UserID, "{user_name}": f.UserName, "{cluster_id}": f.ClusterID, "{region}": f.Region,
		"{access_key}": f.AccessKey, "{temp_access_key}": f.TempAccessKey,
		"{password_user}": f.PasswordUser, "{password_domain}": f.PasswordDomain, "{password}": f.password,
	}
}

// timePlaceholders are filled at sending time and never templated back:
// the CTS window of the last 7 days, in epoch milliseconds.
func timePlaceholders() map[string]string {
	now := time.Now()
	return map[string]string{
		"{now_ms}":      fmt.Sprint(now.UnixMilli()),
		"{week_ago_ms}": fmt.Sprint(now.Add(-7*24*time.Hour + time.Minute).UnixMilli()),
	}
}

// fill replaces placeholders with this run's values.
func (p *Probe) fill(s string) string {
	for k, v := range timePlaceholders() {
		s = strings.ReplaceAll(s, k, v)
	}
	for k, v := range p.placeholders() {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

// fillJSON is fill for a JSON body: the values are escaped as JSON strings.
func (p *Probe) fillJSON(s string) string {
	for k, v := range timePlaceholders() { // digits need no escaping
		s = strings.ReplaceAll(s, k, v)
	}
	for k, v := range p.placeholders() {
		b, _ := json.Marshal(v) // a string always marshals
		s = strings.ReplaceAll(s, k, string(b[1:len(b)-1]))
	}
	return s
}

// template replaces this run's values with placeholders and removes secrets.
// Longer values go first, so a value inside another is not half replaced.
func (p *Probe) template(s string) string {
	for _, sec := range p.secrets() {
		s = strings.ReplaceAll(s, sec, "<redacted>")
	}
	type pair struct{ ph, v string }
	var pairs []pair
	for ph, v := range p.placeholders() {
		if len(v) >= 4 { // a short value would replace parts of words
			pairs = append(pairs, pair{ph, v})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if len(pairs[i].v) != len(pairs[j].v) {
			return len(pairs[i].v) > len(pairs[j].v)
		}
		return pairs[i].ph < pairs[j].ph
	})
	for _, pr := range pairs {
		s = strings.ReplaceAll(s, pr.v, pr.ph)
	}
	return s
}

// secrets lists every secret of this run: what a recording must never hold.
func (p *Probe) secrets() []string {
	var out []string
	for _, s := range append(append([]string(nil), p.set.secretValues()...), p.seen...) {
		if len(s) >= 4 {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// send sends one request of a check, records it and returns the answer.
func (p *Probe) send(ctx context.Context, check, name string, r Request) *answer {
	a := p.do(ctx, r)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.exchanges = append(p.exchanges, Exchange{Check: check, Name: name, Request: p.templateRequest(r), Response: p.templateAnswer(a)})
	return a
}

// do sends r (in placeholder form) with the credentials its Auth names.
func (p *Probe) do(ctx context.Context, r Request) *answer {
	raw := cce.RawRequest{Service: r.Service, Method: r.Method, Path: p.fill(r.Path), Header: http.Header{}}
	if len(r.Query) > 0 {
		raw.Query = url.Values{}
		for k, vs := range r.Query {
			for _, v := range vs {
				raw.Query.Add(k, p.fill(v))
			}
		}
	}
	for k, v := range r.Header {
		raw.Header.Set(k, p.fill(v))
	}
	if r.Body != "" {
		raw.Body = []byte(p.fillJSON(r.Body))
	}
	if r.SignSkew != "" {
		d, err := time.ParseDuration(r.SignSkew)
		if err != nil {
			return &answer{err: fmt.Errorf("sign_skew %q: %w", r.SignSkew, err)}
		}
		raw.SignSkew = d
	}
	client := p.primary
	switch r.Auth {
	case KindNone:
		raw.NoAuth = true
	case KindDomainToken:
		tok, err := p.domainToken(ctx)
		if err != nil {
			return &answer{err: err}
		}
		raw.Token = tok
	default:
		client = p.clients[r.Auth]
		if client == nil {
			return &answer{err: fmt.Errorf("no %s credentials at hand", r.Auth)}
		}
	}
	resp, err := client.Raw(ctx, raw)
	if err != nil {
		return &answer{err: err}
	}
	a := &answer{status: resp.Status, header: resp.Header, body: resp.Body}
	if auth := raw.Header.Get("Authorization"); auth != "" {
		p.remember(auth)
	}
	if tok := resp.Header.Get("X-Subject-Token"); tok != "" {
		p.remember(tok)
	}
	var obj map[string]any
	if json.Unmarshal(resp.Body, &obj) == nil {
		a.json = obj
		a.code = errorCode(obj)
	}
	return a
}

// remember adds a secret seen during the run (a token handed out).
func (p *Probe) remember(s string) {
	p.seenMu.Lock()
	defer p.seenMu.Unlock()
	p.seen = append(p.seen, s)
}

// errorCode returns the code of an error body: CCE's errorCode, the
// gateway's and CTS's error_code, IAM's error.code.
func errorCode(obj map[string]any) string {
	for _, k := range []string{"errorCode", "error_code"} {
		if s, ok := obj[k].(string); ok && s != "" {
			return s
		}
	}
	if e, ok := obj["error"].(map[string]any); ok {
		switch c := e["code"].(type) {
		case string:
			return c
		case float64:
			return fmt.Sprintf("%d", int(c))
		}
	}
	return ""
}

func (p *Probe) templateRequest(r Request) Request {
	out := r
	out.Path = p.template(r.Path)
	out.Body = p.template(r.Body)
	if len(r.Header) > 0 {
		out.Header = map[string]string{}
		for k, v := range r.Header {
			out.Header[k] = p.template(v)
		}
	}
	if len(r.Query) > 0 {
		out.Query = map[string][]string{}
		for k, vs := range r.Query {
			for _, v := range vs {
				out.Query[k] = append(out.Query[k], p.template(v))
			}
		}
	}
	return out
}

func (p *Probe) templateAnswer(a *answer) Response {
	if a.err != nil {
		return Response{Status: 0, Text: p.template(a.err.Error())}
	}
	out := Response{Status: a.status, Code: a.code, Header: map[string]string{}}
	for _, h := range keptResponseHeaders {
		if v := a.header.Get(h); v != "" {
			out.Header[h] = v
		}
	}
	var v any
	if len(strings.TrimSpace(string(a.body))) > 0 && json.Unmarshal(a.body, &v) == nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // keep "<redacted>" readable
		if err := enc.Encode(p.templateValues(v)); err == nil {
			out.Body = bytes.TrimSpace(buf.Bytes())
			return out
		}
	}
	out.Text = p.template(string(a.body))
	return out
}

// templateValues templates the string values of a JSON document, never its
// keys: a user named "code" must not rename the field "code".
func (p *Probe) templateValues(v any) any {
	switch t := v.(type) {
	case string:
		return p.template(t)
	case []any:
		for i := range t {
			t[i] = p.templateValues(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = p.templateValues(t[k])
		}
	}
	return v
}

// Exchanges returns what the probe sent and got so far, in placeholder form.
func (p *Probe) Exchanges() []Exchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Exchange(nil), p.exchanges...)
}

// WriteRecording saves the exchanges into dir, one JSON file each,
// numbered in the order they were sent.
func WriteRecording(dir string, exchanges []Exchange) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for i, ex := range exchanges {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ex); err != nil {
			return err
		}
		name := fmt.Sprintf("%03d-%s-%s.json", i+1, ex.Check, slug(ex.Name))
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// ReadRecording reads the exchanges WriteRecording saved, in file-name order.
func ReadRecording(dir string) ([]Exchange, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s holds no recorded answers (*.json)", dir)
	}
	sort.Strings(files)
	var out []Exchange
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // the maintainer names the directory.
		if err != nil {
			return nil, err
		}
		var ex Exchange
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ex); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		out = append(out, ex)
	}
	return out, nil
}

// Replay sends every recorded request again, to whatever cloud the probe is
// signed in to (the mock, in the repository's tests), and compares the
// answers: the status, the error code and the shape of the body. It returns
// one line per disagreement, and one per exchange it could not send (no
// such credentials at hand) in skipped.
func (p *Probe) Replay(ctx context.Context, recorded []Exchange) (disagreements, skipped []string) {
	for _, ex := range recorded {
		if ex.Request.Auth != KindNone && ex.Request.Auth != KindDomainToken && p.clients[ex.Request.Auth] == nil {
			skipped = append(skipped, fmt.Sprintf("%s/%s: no %s credentials at hand", ex.Check, ex.Name, ex.Request.Auth))
			continue
		}
		if ex.Request.Auth == KindDomainToken && p.clients[KindPassword] == nil {
			skipped = append(skipped, fmt.Sprintf("%s/%s: a domain-scoped token needs password credentials", ex.Check, ex.Name))
			continue
		}
		if ph := p.unfilled(ex.Request); ph != "" {
			skipped = append(skipped, fmt.Sprintf("%s/%s: nothing at hand fills %s", ex.Check, ex.Name, ph))
			continue
		}
		got := p.templateAnswer(p.do(ctx, ex.Request))
		for _, d := range compare(ex.Response, got) {
			disagreements = append(disagreements, fmt.Sprintf("%s/%s (%s %s): %s", ex.Check, ex.Name, ex.Request.Method, ex.Request.Path, d))
		}
	}
	return disagreements, skipped
}

// unfilled returns the first placeholder of r this run has no value for
// ({password} without a password sign-in, say), or "".
func (p *Probe) unfilled(r Request) string {
	text := r.Path + " " + r.Body
	for _, v := range r.Header {
		text += " " + v
	}
	for _, vs := range r.Query {
		text += " " + strings.Join(vs, " ")
	}
	for ph, v := range p.placeholders() {
		if v == "" && strings.Contains(text, ph) {
			return ph
		}
	}
	return ""
}

// compare says how the mock's answer got differs from the recorded one want.
// Errors must agree in status, code and the exact set of fields; a success
// in status, and every field the mock sends must be in the recording with
// the same JSON type (the cloud may send more than the mock).
func compare(want, got Response) []string {
	var out []string
	if want.Status != got.Status {
		out = append(out, fmt.Sprintf("status: recorded %d, mock %d", want.Status, got.Status))
	}
	if want.Code != got.Code {
		out = append(out, fmt.Sprintf("code: recorded %q, mock %q", want.Code, got.Code))
	}
	if (want.Header["Date"] == "") != (got.Header["Date"] == "") {
		out = append(out, fmt.Sprintf("Date header: recorded %q, mock %q", want.Header["Date"], got.Header["Date"]))
	}
	ws, gs := shape(want.Body), shape(got.Body)
	isError := want.Status >= 400
	var extra, missing []string
	for k, t := range gs {
		wt, ok := ws[k]
		switch {
		case !ok:
			extra = append(extra, k)
		case wt != t && wt != "null" && t != "null":
			out = append(out, fmt.Sprintf("field %s: recorded %s, mock %s", k, wt, t))
		}
	}
	if isError {
		for k := range ws {
			if _, ok := gs[k]; !ok {
				missing = append(missing, k)
			}
		}
	}
	sort.Strings(extra)
	sort.Strings(missing)
	if len(extra) > 0 {
		out = append(out, "the mock sends fields the recording lacks: "+strings.Join(extra, ", "))
	}
	if len(missing) > 0 {
		out = append(out, "the recording has fields the mock lacks: "+strings.Join(missing, ", "))
	}
	return out
}

// shape maps the field paths of a JSON body, two levels deep, to their
// JSON types ("error.code" -> "number"). Arrays are not entered.
func shape(body json.RawMessage) map[string]string {
	out := map[string]string{}
	var v any
	if len(body) == 0 || json.Unmarshal(body, &v) != nil {
		return out
	}
	var walk func(prefix string, v any, depth int)
	walk = func(prefix string, v any, depth int) {
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		for k, child := range obj {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			out[key] = jsonType(child)
			if depth < 2 {
				walk(key, child, depth+1)
			}
		}
	}
	walk("", v, 1)
	return out
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	default:
		return "object"
	}
}

// slug makes a file name part of a free text: lower-case letters, digits, "-".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
