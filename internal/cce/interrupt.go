package cce

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// An interrupt (Ctrl-C) must not cancel a request that is already on its way:
// its outcome would be lost. The caller therefore sends such a request on a
// context that an interrupt does not cancel, and hands the interrupt to the
// client separately with WithInterrupt. Once it fires, the client starts no
// new try (no retry, no backoff wait), lets a try in flight finish, and gives
// up waiting for it interruptGrace after the interrupt.

// interruptGrace is how long a try in flight may still take after the
// interrupt before the client gives up waiting for its answer. Terraform
// (after the first Ctrl-C) waits for the provider; this keeps the whole exit
// within half a minute.
var interruptGrace = 15 * time.Second // a variable for tests

type interruptKey struct{}

// WithInterrupt returns ctx carrying interrupt: when interrupt is done, calls
// made with the returned context start no new try, and a try in flight is
// waited for at most 15 seconds more. Use it with a context that the
// interrupt itself does not cancel (context.WithoutCancel).
func WithInterrupt(ctx, interrupt context.Context) context.Context {
	return context.WithValue(ctx, interruptKey{}, interrupt)
}

// interruptFrom returns the interrupt ctx carries, or nil.
func interruptFrom(ctx context.Context) context.Context {
	in, _ := ctx.Value(interruptKey{}).(context.Context)
	return in
}

// ErrInterrupted is the cause of a call the client did not start, or did
// not try again, because of an interrupt (see WithInterrupt).
var ErrInterrupted = errors.New("interrupted: no new request was started")

// errGaveUp is the cause of a try in flight abandoned after an interrupt.
var errGaveUp = fmt.Errorf("interrupted: no answer within %s of the interrupt; stopped waiting", interruptGrace)

// interruptedError marks a call whose retries an interrupt stopped; its
// message says so after the last try's error.
type interruptedError struct{ err error }

// Error implements error.
func (e *interruptedError) Error() string {
	return e.err.Error() + " (not tried again: interrupted)"
}

// Unwrap returns the last try's error.
func (e *interruptedError) Unwrap() error { return e.err }

// Interrupted reports whether an interrupt ended err's call early: before it
// started, before a retry, or while waiting for an answer.
func Interrupted(err error) bool {
	var ie *interruptedError
	return errors.As(err, &ie) || errors.Is(err, ErrInterrupted) || errors.Is(err, errGaveUp)
}

// interrupted reports whether the interrupt of the call has fired.
func (ri *reqInfo) interrupted() bool {
	return ri != nil && ri.interrupt != nil && ri.interrupt.Err() != nil
}

// watchInterrupt derives the context of one call from ctx: when the
// interrupt fires in a backoff wait between tries, it is cancelled at once;
// otherwise (a try in flight, an answer being read) interruptGrace later.
// stop releases the watch.
func watchInterrupt(ctx context.Context, ri *reqInfo) (context.Context, func()) {
	if ri.interrupt == nil {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	grace := interruptGrace
	stopWatch := context.AfterFunc(ri.interrupt, func() {
		if ri.waiting.Load() {
			cancel(ErrInterrupted)
			return
		}
		time.AfterFunc(grace, func() { cancel(errGaveUp) })
	})
	return ctx, func() {
		stopWatch()
		cancel(nil)
	}
}
