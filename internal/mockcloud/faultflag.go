package mockcloud

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// knownRoute reports whether label is one of the Route* labels.
func knownRoute(label string) bool {
	for _, l := range routeNames {
		if l == label {
			return true
		}
	}
	return false
}

// ParseFault reads one -fault flag value of the standalone command:
//
//	route=<label, Route* name or *>,kind=<kind>[,p=<0..1>][,times=N][,latency=20ms][,retry-after=2]
//
// route and kind are required; p defaults to 1. A label may contain spaces
// but no commas (none does). The result is validated like WithFaults' rules.
func ParseFault(s string) (Fault, error) {
	var f Fault
	f.Probability = 1
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || v == "" {
			return Fault{}, fmt.Errorf("fault %q: %q is not key=value", s, part)
		}
		if seen[k] {
			return Fault{}, fmt.Errorf("fault %q: %s given twice", s, k)
		}
		seen[k] = true
		var err error
		switch k {
		case "route":
			f.Route, err = parseFaultRoute(v)
		case "kind":
			f.Kind = FaultKind(v)
		case "p":
			f.Probability, err = strconv.ParseFloat(v, 64)
		case "times":
			f.Times, err = strconv.Atoi(v)
		case "latency":
			f.Latency, err = time.ParseDuration(v)
		case "retry-after":
			f.RetryAfter = v
		default:
			err = fmt.Errorf("unknown key %q (want route, kind, p, times, latency, retry-after)", k)
		}
		if err != nil {
			return Fault{}, fmt.Errorf("fault %q: %w", s, err)
		}
	}
	for _, k := range []string{"route", "kind"} {
		if !seen[k] {
			return Fault{}, fmt.Errorf("fault %q: %s= is required", s, k)
		}
	}
	if err := f.Validate(knownRoute); err != nil {
		return Fault{}, fmt.Errorf("fault %q: %w", s, err)
	}
	return f, nil
}

// parseFaultRoute resolves "*", a Route* constant name or a label.
func parseFaultRoute(v string) (string, error) {
	switch {
	case v == "*":
		return "", nil
	case routeNames[v] != "":
		return routeNames[v], nil
	case knownRoute(v):
		return v, nil
	}
	names := make([]string, 0, len(routeNames))
	for n := range routeNames {
		names = append(names, n)
	}
	slices.Sort(names)
	return "", fmt.Errorf("unknown route %q (want *, a label or one of %s)", v, strings.Join(names, ", "))
}
