//go:build !unix

package osm

func cpuSeconds() float64 { return 0 }
