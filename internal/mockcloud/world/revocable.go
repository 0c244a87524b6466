package world

// Refusal is why CCE refuses a revocation on a cluster now; NoRefusal when
// it takes one.
type Refusal int

// Refusals, in the order clustercertrevoke checks them.
const (
	NoRefusal    Refusal = iota
	NotAvailable         // the phase is not Available
	Locked               // frozen (status.isLocked)
	OldVersion           // the version does not support revocation, or none resolves
)

// RevocationRefusal decides whether CCE accepts a revocation on cl now, as
// clustercertrevoke checks it: the phase, the lock, then the version, where a
// cluster that reports only a line on which every patch supports revocation
// (v1.28 or later) is accepted. v is the resolved version when found.
// Every object that tells whether a cluster takes a revocation asks this.
func RevocationRefusal(cl Cluster) (r Refusal, v Version, found bool) {
	v, found = ResolveVersion(cl)
	switch {
	case cl.Phase != PhaseAvailable:
		return NotAvailable, v, found
	case cl.Locked:
		return Locked, v, found
	case found && !SupportsRevocation(v), !found && !EveryPatchRevokes(cl):
		return OldVersion, v, found
	}
	return NoRefusal, v, found
}
