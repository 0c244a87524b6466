package cce

import (
	"context"
	"sync"
)

// revokeOnce lets one Client (one provider process) send at most one
// successful revocation per cluster and applicant: two resources, or a
// resource and a module, that revoke the same ID on the same cluster share
// one POST. Concurrent callers share the request in flight; a success is
// remembered, an error is not (the next caller tries again).
type revokeOnce struct {
	mu       sync.Mutex
	done     map[string]bool
	inFlight map[string]*revokeCall
}

// revokeCall is a request in flight; err is set before done is closed.
type revokeCall struct {
	done chan struct{}
	err  error
}

// do runs send for key unless it succeeded before. The first caller sends,
// with its own context, so that its timeout and interrupt rules hold and its
// error is its own; a caller that arrives while it is in flight waits for its
// outcome, or returns its own ctx's error when that ends first (the shared
// request may or may not have been made).
func (o *revokeOnce) do(ctx context.Context, key string, send func(context.Context) error) error {
	o.mu.Lock()
	if o.done[key] {
		o.mu.Unlock()
		return nil
	}
	if c, ok := o.inFlight[key]; ok {
		o.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.done:
			return c.err
		}
	}
	c := &revokeCall{done: make(chan struct{})}
	if o.inFlight == nil {
		o.inFlight, o.done = map[string]*revokeCall{}, map[string]bool{}
	}
	o.inFlight[key] = c
	o.mu.Unlock()

	c.err = send(ctx)
	o.mu.Lock()
	delete(o.inFlight, key)
	if c.err == nil {
		o.done[key] = true
	}
	o.mu.Unlock()
	close(c.done)
	return c.err
}

// revokeKey names one revocation: the cluster and how the applicant is sent.
func revokeKey(clusterID string, a Applicant) string {
	if a.UserID != "" {
		return clusterID + "\x00userId\x00" + a.UserID
	}
	return clusterID + "\x00agencyId\x00" + a.AgencyID
}
