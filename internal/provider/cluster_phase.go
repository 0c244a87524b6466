package provider

import "fmt"

// phaseText says what a cluster in a CCE phase is, to follow "is":
// "Cluster prod is hibernated", not "is Hibernation".
func phaseText(phase string) string {
	switch phase {
	case "Available":
		return "available"
	case "Creating":
		return "being created"
	case "Upgrading":
		return "being upgraded"
	case "Resizing":
		return "being resized"
	case "ScalingUp":
		return "scaling up"
	case "ScalingDown":
		return "scaling down"
	case "RollingBack":
		return "rolling back an upgrade"
	case "Awaking":
		return "waking up"
	case "Hibernating":
		return "going into hibernation"
	case "Hibernation":
		return "hibernated"
	case "Unavailable":
		return "unavailable"
	case "Error":
		return "in an error state"
	case "RollbackFailed":
		return "stuck after a failed rollback"
	case "Deleting":
		return "being deleted"
	case "Empty":
		return "empty"
	case "Shelved":
		return "shelved"
	case "Frozen":
		return "frozen"
	case "":
		return "in no phase (CCE reports none)"
	}
	return fmt.Sprintf("in phase %s", quote(phase))
}

// phaseAdvice says what to do about a cluster phase that does not end by
// itself.
func phaseAdvice(phase string) string {
	switch phase {
	case "Hibernation", "Hibernating":
		return "Wake the cluster up in the CCE console, then apply again."
	case "Deleting":
		return "The cluster is being deleted; its credentials die with it."
	default:
		return "Repair the cluster (see its events in the CCE console) until it is Available, then apply again."
	}
}
