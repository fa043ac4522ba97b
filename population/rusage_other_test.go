//go:build !unix

package population

// cpuSeconds is not measured here (0: not reported).
func cpuSeconds() float64 { return 0 }
