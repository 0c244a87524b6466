package cce

import (
	"net/http"

	"golang.org/x/time/rate"
)

// rateTransport waits on the client-side token bucket before every try.
type rateTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
}

// RoundTrip implements http.RoundTripper.
func (t *rateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.limiter != nil {
		if err := t.limiter.Wait(req.Context()); err != nil {
			return nil, &permanentError{err: err}
		}
	}
	return t.next.RoundTrip(req)
}
