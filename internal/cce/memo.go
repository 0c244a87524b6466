package cce

import (
	"context"
	"sync"

	"golang.org/x/sync/singleflight"
)

// Read says how fresh an answer must be. Every read of the client keeps one
// answer per key for the life of the Client (one provider process), shared
// by concurrent callers: N revocations on C clusters cost C cluster reads.
type Read int

const (
	// Cached returns the answer this Client already has, else asks once
	// for all concurrent callers and keeps the answer.
	Cached Read = iota
	// Fresh asks again and keeps the new answer, for callers that must see
	// the present (waiting for a phase, explaining a refusal).
	Fresh
)

// memo is a per-Client cache with singleflight: concurrent callers for one
// key share one fetch. Successes are kept; errors only when keepErr says so.
type memo[V any] struct {
	mu   sync.Mutex
	done map[string]memoEntry[V]
	// Concurrent reads of one key share one fetch: Cached reads one that
	// may also return the kept answer, Fresh reads one that asks again.
	cached, fresh singleflight.Group
}

type memoEntry[V any] struct {
	v   V
	err error
}

func (m *memo[V]) lookup(key string) (memoEntry[V], bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.done[key]
	return e, ok
}

func (m *memo[V]) store(key string, e memoEntry[V]) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.done == nil {
		m.done = map[string]memoEntry[V]{}
	}
	m.done[key] = e
}

// get returns the kept answer for key (unless read is Fresh) or runs fetch
// once for all concurrent callers. The fetch runs detached from a single
// caller's cancellation (bounded by sharedCallTimeout); each caller still
// returns when its own ctx ends.
func (m *memo[V]) get(ctx context.Context, key string, read Read, fetch func(context.Context) (V, error), keepErr func(error) bool) (V, error) {
	if e, ok := m.lookup(key); ok && read == Cached {
		return e.v, e.err
	}
	group := &m.cached
	if read == Fresh {
		group = &m.fresh
	}
	return shared(ctx, group, key, func(sctx context.Context) (V, error) {
		if e, ok := m.lookup(key); ok && read == Cached {
			return e.v, e.err
		}
		v, err := fetch(sctx)
		if err == nil || (keepErr != nil && keepErr(err)) {
			m.store(key, memoEntry[V]{v: v, err: err})
		}
		return v, err
	})
}

// copyOf returns a copy of a memoised value, so that callers cannot change
// what the memo holds.
func copyOf[V any](v *V, err error) (*V, error) {
	if err != nil {
		return nil, err
	}
	cp := *v
	return &cp, nil
}

// shared runs fn once per key among concurrent callers.
func shared[V any](ctx context.Context, g *singleflight.Group, key string, fn func(context.Context) (V, error)) (V, error) {
	var zero V
	ch := g.DoChan(key, func() (any, error) {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sharedCallTimeout)
		defer cancel()
		return fn(sctx)
	})
	select {
	case <-ctx.Done():
		return zero, ctx.Err()
	case r := <-ch:
		v, _ := r.Val.(V)
		if r.Err != nil {
			return zero, r.Err
		}
		return v, nil
	}
}
