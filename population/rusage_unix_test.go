//go:build unix

package population

import "syscall"

// cpuSeconds is the user and system CPU time of the process: on a loaded
// machine it tells the cost of an operation better than wall-clock ns/op.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
