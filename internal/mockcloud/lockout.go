package mockcloud

import (
	"net/http"
	"time"
)

// IAM locks a user out of password sign-in after a run of failed attempts
// (cce-api.md §7 documents five failures in a row and a lock of minutes for
// access keys; IAM's login protection has the same shape for passwords). A
// locked user's sign-in is refused even with the right password until the
// lock ends. The numbers and the refusal's wording are UNCONFIRMED.
const (
	// DefaultLockoutAttempts is how many failed sign-ins in a row lock a user.
	DefaultLockoutAttempts = 5
	// DefaultLockoutPeriod is how long the lock lasts.
	DefaultLockoutPeriod = 15 * time.Minute
	// lockedMessage is IAM's refusal of a locked user's sign-in.
	lockedMessage = "The user is locked because of too many failed sign-ins. Try again later."
)

// lockoutPolicy is WithSignInLockout's arguments.
type lockoutPolicy struct {
	attempts int
	period   time.Duration
}

// WithSignInLockout locks a user's password sign-in for period after
// attempts failed sign-ins in a row (default DefaultLockoutAttempts and
// DefaultLockoutPeriod); attempts 0 turns the lock off.
func WithSignInLockout(attempts int, period time.Duration) Option {
	return func(o *options) { o.lockout = &lockoutPolicy{attempts: attempts, period: period} }
}

// signIns is what IAM remembers of one user's password sign-ins.
type signIns struct {
	failures    int // failed sign-ins in a row
	lockedUntil time.Time
	refused     int // sign-ins refused because of the lock
}

func (c *Cloud) lockoutPolicy() lockoutPolicy {
	if c.opts.lockout != nil {
		return *c.opts.lockout
	}
	return lockoutPolicy{attempts: DefaultLockoutAttempts, period: DefaultLockoutPeriod}
}

// signInsOf returns the record of a user; the caller holds c.st.mu.
func (c *Cloud) signInsOf(userID string) *signIns {
	if c.st.signIns == nil {
		c.st.signIns = map[string]*signIns{}
	}
	r := c.st.signIns[userID]
	if r == nil {
		r = &signIns{}
		c.st.signIns[userID] = r
	}
	return r
}

// lockedOut reports whether the user's sign-in is locked at now, and counts
// the refusal; the caller holds c.st.mu.
func (c *Cloud) lockedOut(userID string, now time.Time) bool {
	r := c.signInsOf(userID)
	if now.Before(r.lockedUntil) {
		r.refused++
		return true
	}
	return false
}

// signInFailed counts a failed sign-in and locks the user when the run is
// long enough; the caller holds c.st.mu.
func (c *Cloud) signInFailed(userID string, now time.Time) {
	p := c.lockoutPolicy()
	r := c.signInsOf(userID)
	r.failures++
	if p.attempts > 0 && r.failures >= p.attempts {
		r.lockedUntil, r.failures = now.Add(p.period), 0
	}
}

// signInSucceeded ends a run of failures; the caller holds c.st.mu.
func (c *Cloud) signInSucceeded(userID string) { c.signInsOf(userID).failures = 0 }

// writeLocked writes IAM's refusal of a locked user's sign-in.
func writeLocked(rc *reqCtx) { writeKeystone(rc, http.StatusUnauthorized, lockedMessage) }

// SignInStatus says how the password sign-in of a user stands: failed
// sign-ins in the current run, whether the user is locked now, and how many
// sign-ins the lock refused.
func (c *Cloud) SignInStatus(userID string) (failures int, locked bool, refusedWhileLocked int) {
	now := c.now()
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	r := c.signInsOf(userID)
	return r.failures, now.Before(r.lockedUntil), r.refused
}
