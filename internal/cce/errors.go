package cce

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxErrorBody bounds how much of an error response body is read.
const maxErrorBody = 64 << 10

// APIError is an error answer of CCE, IAM, CTS or the API gateway in front of
// them. Its text never contains request headers or bodies.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the service error code, e.g. "CCE.01404001", "APIGW.0301",
	// "CTS.0013", or the IAM keystone code "403" (title when no code).
	Code string
	// Message is the service's human readable message.
	Message string
	// RequestID is the X-Request-Id header, else the body's request_id.
	RequestID string
	// Service is "CCE", "IAM" or "CTS".
	Service string
	// Operation names the call, e.g. "get cluster".
	Operation string
}

// Error formats e.g. `CCE get cluster: HTTP 404 CCE.01404001: Resource not
// found. (request ID 3f2a...)`.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Service != "" {
		b.WriteString(e.Service)
		b.WriteByte(' ')
	}
	if e.Operation != "" {
		b.WriteString(e.Operation)
	} else {
		b.WriteString("request")
	}
	b.WriteString(": ")
	if e.StatusCode != 0 {
		b.WriteString("HTTP ")
		b.WriteString(strconv.Itoa(e.StatusCode))
	}
	if e.Code != "" {
		if e.StatusCode != 0 {
			b.WriteByte(' ')
		}
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request ID ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// AsAPIError unwraps err to an *APIError.
func AsAPIError(err error) (*APIError, bool) {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae, true
	}
	return nil, false
}

// IsNotFound reports whether err is a 404 about a resource. A gateway 404
// (APIGW.0101/APIG.0101: the API itself does not exist) is NOT a not-found,
// so a missing route is never mistaken for a deleted cluster.
func IsNotFound(err error) bool {
	ae, ok := AsAPIError(err)
	if !ok || ae.StatusCode != http.StatusNotFound {
		return false
	}
	return !isGatewayCode(ae.Code)
}

// IsForbidden reports whether err is an HTTP 403.
func IsForbidden(err error) bool {
	ae, ok := AsAPIError(err)
	return ok && ae.StatusCode == http.StatusForbidden
}

// IsUnauthorized reports whether err is an HTTP 401.
func IsUnauthorized(err error) bool {
	ae, ok := AsAPIError(err)
	return ok && ae.StatusCode == http.StatusUnauthorized
}

// CredentialsError is a 401: the cloud refused the credentials themselves
// (an access key pair whose signature does not verify or whose key is
// unknown or disabled, a dead token, a wrong password). Method says which
// kind. It unwraps to the *APIError.
type CredentialsError struct {
	Method AuthMethod
	Err    *APIError
	// DomainID is the X-Domain-Id the refused request carried (an IAM
	// request signed with an access key), "" when it carried none.
	DomainID string

	v *verdict // the Client that recorded it, nil when none did
}

// Error implements error.
func (e *CredentialsError) Error() string { return e.Err.Error() }

// Unwrap returns the API error.
func (e *CredentialsError) Unwrap() error { return e.Err }

// IsCredentialsRefused reports whether err is a CredentialsError.
func IsCredentialsRefused(err error) bool {
	var ce *CredentialsError
	return errors.As(err, &ce)
}

// ClockSkewError is a 401 to an AK/SK-signed request whose answer's Date is
// more than 15 minutes from this machine's clock: signatures are valid only
// that long, so the clock, not the key, is wrong. Skew is this machine's
// time minus the server's. It unwraps to the *APIError.
type ClockSkewError struct {
	Skew time.Duration
	Err  *APIError

	v *verdict // the Client that recorded it, nil when none did
}

// Error implements error.
func (e *ClockSkewError) Error() string {
	return fmt.Sprintf("%s (this machine's clock is %s off the server's)", e.Err.Error(), e.Skew.Abs())
}

// Unwrap returns the API error.
func (e *ClockSkewError) Unwrap() error { return e.Err }

// TokenScopeError is CCE's or CTS's refusal of a configured token that is
// scoped to the account (domain): they accept only a token scoped to a
// project. It unwraps to the *APIError.
type TokenScopeError struct {
	Err *APIError
}

// Error implements error.
func (e *TokenScopeError) Error() string {
	return e.Err.Error() + " (the token is scoped to the account, not to a project)"
}

// Unwrap returns the API error.
func (e *TokenScopeError) Unwrap() error { return e.Err }

func isGatewayCode(code string) bool {
	return strings.HasPrefix(code, "APIGW.") || strings.HasPrefix(code, "APIG.")
}

// notFoundError builds a local not-found error that satisfies IsNotFound.
func notFoundError(service, op, what string) *APIError {
	return &APIError{StatusCode: http.StatusNotFound, Service: service, Operation: op, Message: what}
}

// flexString decodes a JSON string, number or bool into its text.
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if b[0] == '{' || b[0] == '[' {
		*f = ""
		return nil
	}
	*f = flexString(b)
	return nil
}

// errorEnvelope covers every error body shape we know.
type errorEnvelope struct {
	ErrorCode    flexString `json:"errorCode"`
	ErrorMessage string     `json:"errorMessage"`
	ErrorCode2   flexString `json:"error_code"`
	ErrorMsg     string     `json:"error_msg"`
	Code         flexString `json:"code"`
	Message      string     `json:"message"`
	RequestID    string     `json:"request_id"`
	Error        *struct {
		Code    flexString `json:"code"`
		Title   string     `json:"title"`
		Message string     `json:"message"`
	} `json:"error"`
}

// parseAPIError builds an APIError from a response; it reads (part of) the
// body but does not close it.
func parseAPIError(resp *http.Response, service, op string) *APIError {
	ae := &APIError{StatusCode: resp.StatusCode, Service: service, Operation: op}
	ae.RequestID = resp.Header.Get(headerRequestID)
	var body []byte
	if resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody)) // a short read still yields a useful error.
	}
	fillFromBody(ae, body)
	if ae.Message == "" && ae.Code == "" {
		ae.Message = http.StatusText(resp.StatusCode)
	}
	var secrets []string
	if resp.Request != nil {
		secrets = secretHeaderValues(resp.Request.Header)
	}
	ae.redact(append(secrets, secretHeaderValues(resp.Header)...)...)
	return ae
}

// minRedacted is the shortest value redact replaces; shorter ones would
// garble the message and are no real secrets.
const minRedacted = 6

// redact replaces each secret in the service-supplied fields with "***". A
// server or proxy may echo a token or signature back in its error message.
func (e *APIError) redact(secrets ...string) {
	// Longest first, so that a secret containing another is replaced whole.
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, s := range secrets {
		if len(s) < minRedacted {
			continue
		}
		for _, f := range []*string{&e.Code, &e.Message, &e.RequestID} {
			*f = strings.ReplaceAll(*f, s, maskValue)
		}
	}
}

// secretHeaderValues returns the values of the headers logs mask, and for
// each value the credential part alone (the signature of an AK/SK
// Authorization, the token after an auth scheme).
func secretHeaderValues(h http.Header) []string {
	var out []string
	for name, vs := range h {
		if !maskedHeaders[strings.ToLower(name)] {
			continue
		}
		for _, v := range vs {
			out = append(out, v, strings.TrimSpace(v))
			if _, sig, ok := strings.Cut(v, "Signature="); ok {
				out = append(out, strings.TrimSpace(sig))
			}
			if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
				out = append(out, strings.TrimSpace(cred))
			}
		}
	}
	return out
}

// fillFromBody parses the known envelopes into ae.
func fillFromBody(ae *APIError, body []byte) {
	var env errorEnvelope
	if len(bytes.TrimSpace(body)) == 0 || json.Unmarshal(body, &env) != nil {
		return
	}
	if ae.RequestID == "" {
		ae.RequestID = env.RequestID
	}
	switch {
	case env.ErrorCode != "" || env.ErrorMessage != "":
		// CCE double-code envelope: the K8s-Status "message" carries detail.
		ae.Code = string(env.ErrorCode)
		ae.Message = joinDetail(env.ErrorMessage, env.Message)
	case env.ErrorCode2 != "" || env.ErrorMsg != "":
		// APIGW / CTS / CCE single-code.
		ae.Code = string(env.ErrorCode2)
		ae.Message = joinDetail(env.ErrorMsg, env.Message)
	case env.Error != nil:
		// IAM keystone.
		ae.Code = string(env.Error.Code)
		if ae.Code == "" {
			ae.Code = env.Error.Title
		}
		ae.Message = env.Error.Message
		if ae.Message == "" {
			ae.Message = env.Error.Title
		}
	case env.Code != "" || env.Message != "":
		ae.Code = string(env.Code)
		ae.Message = env.Message
	}
}

// joinDetail appends a detail message to a generic one unless it repeats it.
func joinDetail(generic, detail string) string {
	generic = strings.TrimSpace(generic)
	detail = strings.TrimSpace(detail)
	switch {
	case detail == "" || detail == generic:
		return generic
	case generic == "":
		return detail
	default:
		return strings.TrimSuffix(generic, ".") + ": " + detail
	}
}

// permanentError marks an error that the retry policy must not retry.
type permanentError struct{ err error }

// Error implements error.
func (p *permanentError) Error() string { return p.err.Error() }

// Unwrap returns the wrapped error.
func (p *permanentError) Unwrap() error { return p.err }

// opError wraps a non-API failure (transport, decoding) with its service and
// operation.
func opError(service, op string, err error) error {
	return fmt.Errorf("%s %s: %w", service, op, err)
}

// notSentError marks a failure before any try of a request reached the
// network: the API cannot have acted on it.
type notSentError struct{ err error }

// Error implements error.
func (e *notSentError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e *notSentError) Unwrap() error { return e.err }

func notSent(err error) error { return &notSentError{err: err} }

// NotSent reports whether err ended a call before any of its requests was
// sent, so that the API certainly did nothing.
func NotSent(err error) bool {
	var ns *notSentError
	return errors.As(err, &ns)
}
