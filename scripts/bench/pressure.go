package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// caseLoad says how busy the machine was during one case.
type caseLoad struct {
	LoadBefore, LoadAfter string // /proc/loadavg's three averages
	// Pressure is the share of the case's wall time in which some task
	// waited for a CPU (the kernel's CPU pressure, /proc/pressure/cpu);
	// -1 where the kernel does not report it.
	Pressure float64

	started time.Time
	stall   time.Duration
	known   bool
}

// startCaseLoad notes the load and CPU pressure before a case.
func startCaseLoad() caseLoad {
	l := caseLoad{LoadBefore: readMachine(false).LoadStart, Pressure: -1, started: time.Now()}
	l.stall, l.known = cpuStall()
	return l
}

// finish notes the load after the case and the pressure during it.
func (l *caseLoad) finish() {
	l.LoadAfter = readMachine(false).LoadStart
	if stall, ok := cpuStall(); ok && l.known {
		if wall := time.Since(l.started); wall > 0 {
			l.Pressure = float64(stall-l.stall) / float64(wall)
		}
	}
}

// cpuStall returns the total time some task waited for a CPU since boot
// (the "some" line of /proc/pressure/cpu); ok is false where the kernel does
// not report CPU pressure.
func cpuStall() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return 0, false
	}
	return parseStall(string(b))
}

// parseStall reads the total of the "some" line of a PSI file, in µs.
func parseStall(psi string) (time.Duration, bool) {
	for line := range strings.SplitSeq(psi, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "some" {
			continue
		}
		for _, kv := range f[1:] {
			if v, ok := strings.CutPrefix(kv, "total="); ok {
				us, err := strconv.ParseInt(v, 10, 64)
				return time.Duration(us) * time.Microsecond, err == nil
			}
		}
	}
	return 0, false
}
