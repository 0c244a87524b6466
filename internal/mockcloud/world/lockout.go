package world

import "time"

// IAM locks a user out of password sign-in after a run of failed attempts
// (cce-api.md §7 documents five failures in a row and a lock of minutes for
// access keys; IAM's login protection has the same shape for passwords). A
// locked user's sign-in is refused even with the right password until the
// lock ends. The numbers are UNCONFIRMED.
const (
	// DefaultLockoutAttempts is how many failed sign-ins in a row lock a user.
	DefaultLockoutAttempts = 5
	// DefaultLockoutPeriod is how long the lock lasts.
	DefaultLockoutPeriod = 15 * time.Minute
)

// LockoutPolicy is how many failed sign-ins in a row lock a user out, and for
// how long; Attempts 0 turns the lock off.
type LockoutPolicy struct {
	Attempts int
	Period   time.Duration
}

// DefaultLockout is IAM's policy as the mock believes it to be.
var DefaultLockout = LockoutPolicy{Attempts: DefaultLockoutAttempts, Period: DefaultLockoutPeriod}

// signIns is what IAM remembers of one user's password sign-ins.
type signIns struct {
	failures    int // failed sign-ins in a row
	lockedUntil time.Time
	refused     int // sign-ins refused because of the lock
}

// signInsOf returns the record of a user; the caller holds Mu.
func (a *Account) signInsOf(userID string) *signIns {
	if a.signIns == nil {
		a.signIns = map[string]*signIns{}
	}
	r := a.signIns[userID]
	if r == nil {
		r = &signIns{}
		a.signIns[userID] = r
	}
	return r
}

// LockedOut reports whether the user's sign-in is locked now, and counts
// the refusal; the caller holds Mu.
func (a *Account) LockedOut(userID string) bool {
	r := a.signInsOf(userID)
	if a.now().Before(r.lockedUntil) {
		r.refused++
		return true
	}
	return false
}

// SignInFailed counts a failed sign-in and locks the user when the run is
// long enough; the caller holds Mu.
func (a *Account) SignInFailed(userID string) {
	r := a.signInsOf(userID)
	r.failures++
	if p := a.lockout; p.Attempts > 0 && r.failures >= p.Attempts {
		r.lockedUntil, r.failures = a.now().Add(p.Period), 0
	}
}

// SignInSucceeded ends a run of failures; the caller holds Mu.
func (a *Account) SignInSucceeded(userID string) { a.signInsOf(userID).failures = 0 }

// SignInStatus says how the password sign-in of a user stands: failed
// sign-ins in the current run, whether the user is locked now, and how many
// sign-ins the lock refused. It takes Mu.
func (a *Account) SignInStatus(userID string) (failures int, locked bool, refusedWhileLocked int) {
	now := a.now()
	a.Mu.Lock()
	defer a.Mu.Unlock()
	r := a.signInsOf(userID)
	return r.failures, now.Before(r.lockedUntil), r.refused
}
