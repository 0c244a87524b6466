package cce

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem the client logs on.
const LogSubsystem = "cce"

// maxLoggedBody bounds how much of a body is buffered for TRACE logging.
const maxLoggedBody = 64 << 10

// maskedHeaders are replaced by "***" in logs.
var maskedHeaders = map[string]bool{
	"authorization":    true,
	"x-auth-token":     true,
	"x-subject-token":  true,
	"x-security-token": true,
	"cookie":           true,
	"set-cookie":       true,
}

const maskValue = "***"

// logContext creates the "cce" subsystem on ctx and masks the configured
// secret strings anywhere in its output (defence in depth).
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, LogSubsystem)
	if s := c.cfg.Credentials.secrets(); len(s) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, s...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, s...)
	}
	return ctx
}

// logTransport logs each try on the "cce" subsystem: one DEBUG line when it
// ends; at TRACE also one before it, with the request's headers and body, and
// the answer's headers and body. It also counts tries and notes when one
// reached the connection, which the client needs whether or not it logs.
type logTransport struct {
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	ri := infoFrom(ctx)
	if ri != nil {
		ri.waiting.Store(false)
		if ri.interrupted() {
			return nil, &permanentError{err: ErrInterrupted} // no new try after an interrupt
		}
		ri.attempt.Add(1)
		ri.trySent.Store(false)
		req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteHeaders: func() { ri.sent.Store(true); ri.trySent.Store(true) },
		}))
	}
	if !tflog.SubsystemIsDebug(ctx, LogSubsystem) {
		return t.next.RoundTrip(req) // nobody asked for the log: build none of it
	}
	if tok := req.Header.Get(headerAuthToken); tok != "" {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, tok)
	}
	fields := map[string]any{
		"http_method": req.Method,
		"http_path":   pathAndQuery(req),
		"attempt":     1,
	}
	if ri != nil {
		fields["service"] = ri.service
		fields["operation"] = ri.op
		fields["attempt"] = int(ri.attempt.Load())
	}
	trace := tflog.SubsystemIsTrace(ctx, LogSubsystem)
	if trace {
		reqFields := copyFields(fields)
		reqFields["request_headers"] = maskHeaders(req.Header)
		if req.GetBody != nil {
			if rc, err := req.GetBody(); err == nil {
				b, _ := io.ReadAll(io.LimitReader(rc, maxLoggedBody+1)) // logging only; errors just shorten the log.
				_ = rc.Close()
				reqFields["request_body"] = maskBody(b)
			}
		}
		tflog.SubsystemTrace(ctx, LogSubsystem, "sending API request", reqFields)
	}

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		fields["error"] = err.Error()
		tflog.SubsystemDebug(ctx, LogSubsystem, "API request failed", fields)
		return resp, err
	}
	fields["http_status"] = resp.StatusCode
	fields["request_id"] = resp.Header.Get(headerRequestID)
	if trace {
		fields["response_headers"] = maskHeaders(resp.Header)
		if neverLogResponseBody(req) {
			fields["response_body"] = "(not logged: contains credentials)"
		} else if resp.Body != nil {
			prefix, _ := io.ReadAll(io.LimitReader(resp.Body, maxLoggedBody+1)) // a read error resurfaces to the caller below.
			fields["response_body"] = maskBody(prefix)
			resp.Body = &prefixedBody{Reader: io.MultiReader(bytes.NewReader(prefix), resp.Body), closer: resp.Body}
		}
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "received API response", fields)
	return resp, nil
}

// prefixedBody re-attaches a consumed prefix to a response body.
type prefixedBody struct {
	io.Reader
	closer io.Closer
}

// Close implements io.Closer.
func (p *prefixedBody) Close() error { return p.closer.Close() }

// neverLogResponseBody: kubeconfigs (clustercert) and token answers.
func neverLogResponseBody(req *http.Request) bool {
	p := strings.TrimRight(req.URL.Path, "/")
	if strings.HasSuffix(p, "/clustercert") {
		return true
	}
	return p == pathTokens && req.Method == http.MethodPost
}

func pathAndQuery(req *http.Request) string {
	s := req.URL.EscapedPath()
	if req.URL.RawQuery != "" {
		s += "?" + req.URL.RawQuery
	}
	return s
}

func copyFields(in map[string]any) map[string]any {
	out := make(map[string]any, len(in)+2)
	for k, v := range in {
		out[k] = v
	}
	return out
}

// maskHeaders renders headers with secret values replaced by "***".
func maskHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		if maskedHeaders[strings.ToLower(k)] {
			out[k] = maskValue
			continue
		}
		out[k] = strings.Join(vs, ", ")
	}
	return out
}

// maskBody renders a JSON body with secret-looking keys masked. Non-JSON or
// oversized bodies are not logged at all.
func maskBody(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxLoggedBody {
		return "(body larger than 64 KiB not logged)"
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "(non-JSON body not logged)"
	}
	out, err := json.Marshal(maskValueTree(v))
	if err != nil {
		return "(body not logged)"
	}
	return string(out)
}

func maskValueTree(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if secretKey(k) {
				t[k] = maskValue
				continue
			}
			t[k] = maskValueTree(val)
		}
		return t
	case []any:
		for i := range t {
			t[i] = maskValueTree(t[i])
		}
		return t
	default:
		return v
	}
}

// secretKey reports whether a JSON key holds secret material.
func secretKey(k string) bool {
	k = strings.ToLower(k)
	switch k {
	case "sk", "key", "signature", "secret", "access_secret":
		return true
	}
	for _, s := range []string{"password", "secret", "token", "private", "key-data", "key_data", "certificate-data", "certificate-authority-data", "securitykey"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}
