package cce

import (
	"context"
	"sync"

	"golang.org/x/sync/singleflight"
)

// revokeOnce lets one Client (one provider process) send at most one
// successful revocation per cluster and applicant: two resources, or a
// resource and a module, that revoke the same ID on the same cluster share
// one POST. Concurrent callers share the request in flight; a success is
// remembered, an error is not (the next caller tries again).
type revokeOnce struct {
	mu     sync.Mutex
	done   map[string]bool
	flight singleflight.Group
}

// do runs send for key unless it succeeded before. Unlike the read memo, the
// request runs with the first caller's context, so that its timeout and
// interrupt rules hold; a waiting caller returns when its own ctx ends.
func (o *revokeOnce) do(ctx context.Context, key string, send func(context.Context) error) error {
	if o.succeeded(key) {
		return nil
	}
	ch := o.flight.DoChan(key, func() (any, error) {
		if o.succeeded(key) {
			return nil, nil
		}
		if err := send(ctx); err != nil {
			return nil, err
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		if o.done == nil {
			o.done = map[string]bool{}
		}
		o.done[key] = true
		return nil, nil
	})
	select {
	case <-ctx.Done():
		return ctx.Err()
	case r := <-ch:
		return r.Err
	}
}

func (o *revokeOnce) succeeded(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.done[key]
}

// revokeKey names one revocation: the cluster and how the applicant is sent.
func revokeKey(clusterID string, a Applicant) string {
	if a.UserID != "" {
		return clusterID + "\x00userId\x00" + a.UserID
	}
	return clusterID + "\x00agencyId\x00" + a.AgencyID
}
