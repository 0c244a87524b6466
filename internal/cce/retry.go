package cce

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// checkRetry is the retryablehttp.CheckRetry policy: retry transport errors
// (except TLS verification and version mismatch, invalid URL/scheme, a host
// that does not exist and our permanent errors),
// 429 and 5xx except 501. Never other 4xx. A call that creates something
// (call.once) is retried only after a try that cannot have reached the
// service: one that failed before it was written, or that the API gateway
// throttled (429 APIGW.0308, which the service never saw); no call is
// retried after an interrupt (WithInterrupt).
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	ri := infoFrom(ctx)
	retry := false
	switch {
	case ri.interrupted():
	case ri != nil && ri.once && (resp != nil || ri.trySent.Load()) && !gatewayThrottled(resp):
		// The server may have acted on it: another try could do it twice.
	case err != nil:
		if !retryableTransportError(err) {
			return false, err
		}
		retry = !dnsGiveUp(err, ri)
	case resp != nil:
		retry = retryableStatus(resp.StatusCode)
	}
	if ri != nil {
		ri.waiting.Store(retry)
	}
	return retry, nil
}

// throttleCodes are the API gateway's codes of a throttled request (cce-api.md
// section 7): the gateway answered, the service never saw the request.
var throttleCodes = []string{"APIGW.0308", "APIG.0308"}

// gatewayThrottled reports whether resp is the API gateway's 429 for a
// request it did not pass on. It reads the start of the body and puts it
// back, so that the answer can still be reported.
func gatewayThrottled(resp *http.Response) bool {
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests || resp.Body == nil {
		return false
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	if err != nil {
		return false
	}
	var body struct {
		Code string `json:"error_code"`
	}
	return json.Unmarshal(head, &body) == nil && slices.Contains(throttleCodes, body.Code)
}

// dnsGiveUp reports a failed name lookup that another try will not heal: a
// name that does not exist (NXDOMAIN), or a temporary failure that a retry
// already met.
func dnsGiveUp(err error, ri *reqInfo) bool {
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		return false
	}
	return dnsErr.IsNotFound || ri == nil || ri.attempt.Load() > 1
}

// retryableError reports whether the error of a whole call is of a kind the
// client retries.
func retryableError(err error) bool {
	if ae, ok := AsAPIError(err); ok {
		return retryableStatus(ae.StatusCode)
	}
	return retryableTransportError(err)
}

// retryableStatus reports whether a status is worth another try.
func retryableStatus(code int) bool {
	if code == http.StatusTooManyRequests {
		return true
	}
	return code >= 500 && code != http.StatusNotImplemented
}

// retryableTransportError classifies an error from http.Client.Do.
func retryableTransportError(err error) bool {
	var perm *permanentError
	if errors.As(err, &perm) {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var (
		unknownAuth x509.UnknownAuthorityError
		certInvalid x509.CertificateInvalidError
		hostErr     x509.HostnameError
		verifyErr   *tls.CertificateVerificationError
		recordErr   tls.RecordHeaderError
		urlErr      *url.Error
		invalidHost url.InvalidHostError
		escapeErr   url.EscapeError
	)
	if errors.As(err, &unknownAuth) || errors.As(err, &certInvalid) || errors.As(err, &hostErr) ||
		errors.As(err, &verifyErr) || errors.As(err, &recordErr) || errors.Is(err, http.ErrSchemeMismatch) ||
		errors.As(err, &invalidHost) || errors.As(err, &escapeErr) {
		return false
	}
	if errors.As(err, &urlErr) {
		msg := urlErr.Error()
		// A TLS version mismatch (the client insists on TLS 1.2, the alert
		// reads "protocol version not supported") will not heal by retrying.
		for _, s := range []string{"unsupported protocol scheme", "stopped after", "invalid header", "certificate is not trusted",
			"no Host in request URL", "protocol version not supported", "server selected unsupported protocol version"} {
			if strings.Contains(msg, s) {
				return false
			}
		}
	}
	return true
}

// IsUnknownAuthority reports whether err is a TLS failure because the
// server's certificate chains to no authority this machine trusts.
func IsUnknownAuthority(err error) bool {
	var unknownAuth x509.UnknownAuthorityError
	return errors.As(err, &unknownAuth)
}

// IsPlainHTTPAnswer reports whether an https:// endpoint answered in plain
// HTTP: the URL names a port (or a proxy) that does not speak TLS.
func IsPlainHTTPAnswer(err error) bool {
	var recordErr tls.RecordHeaderError
	return errors.Is(err, http.ErrSchemeMismatch) ||
		errors.As(err, &recordErr) && string(recordErr.RecordHeader[:]) == "HTTP/"
}

// backoff is the retryablehttp.Backoff: Retry-After (seconds or HTTP date)
// when present, capped at wmax; else exponential backoff with full jitter in
// [wmin, min(wmax, wmin*2^attempt)].
func backoff(wmin, wmax time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if d > wmax {
				d = wmax
			}
			return d
		}
	}
	return jitterBackoff(wmin, wmax, attempt, rand.Int64N)
}

// jitterBackoff computes the jittered exponential wait; randN returns a
// value in [0, n).
func jitterBackoff(wmin, wmax time.Duration, attempt int, randN func(int64) int64) time.Duration {
	if wmax <= wmin {
		return wmin
	}
	capped := wmax
	if attempt < 62 {
		f := float64(wmin) * math.Pow(2, float64(attempt))
		if f < float64(wmax) {
			capped = time.Duration(f)
		}
	}
	spread := int64(capped - wmin)
	if spread <= 0 {
		return wmin
	}
	return wmin + time.Duration(randN(spread+1))
}

// parseRetryAfter parses a Retry-After value: delta seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > math.MaxInt64/int64(time.Second) {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}
