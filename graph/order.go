package graph

import (
	"math"
	"slices"
)

// renumber orders nodes along a Hilbert curve over their bounding box, so
// that nodes near each other on the map are near each other in memory. A
// search then touches a few cache lines per neighbourhood instead of
// scattering over the arrays as the extract's id order would; on Delaware
// this makes a one-to-all search about twice as fast (BENCHMARKS.md).
// Segments keep their order; only node indices change.
func (g *Graph) renumber() {
	n := len(g.NodeLon)
	if n < 2 {
		return
	}
	minLon, maxLon := slices.Min(g.NodeLon), slices.Max(g.NodeLon)
	minLat, maxLat := slices.Min(g.NodeLat), slices.Max(g.NodeLat)
	span := math.Max(float64(maxLon)-float64(minLon), float64(maxLat)-float64(minLat)) + 1
	const order = 16
	scale := float64(uint32(1)<<order-1) / span
	keys := make([]uint64, n)
	for i := range keys {
		x := uint32((float64(g.NodeLon[i]) - float64(minLon)) * scale)
		y := uint32((float64(g.NodeLat[i]) - float64(minLat)) * scale)
		keys[i] = hilbert(order, x, y)<<32 | uint64(i) // index breaks ties: deterministic
	}
	slices.Sort(keys)
	inv := make([]int32, n) // old -> new
	id := make([]int64, n)
	lon := make([]int32, n)
	lat := make([]int32, n)
	for newi, k := range keys {
		old := int32(uint32(k))
		inv[old] = int32(newi)
		id[newi], lon[newi], lat[newi] = g.NodeID[old], g.NodeLon[old], g.NodeLat[old]
	}
	g.NodeID, g.NodeLon, g.NodeLat = id, lon, lat
	for i := range g.Segments {
		g.Segments[i].From = inv[g.Segments[i].From]
		g.Segments[i].To = inv[g.Segments[i].To]
	}
}

// hilbert returns the position of (x, y) on a Hilbert curve filling a
// 2^order square (the classic iterative xy2d).
func hilbert(order uint, x, y uint32) uint64 {
	var d uint64
	for s := uint32(1) << (order - 1); s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x = s - 1 - x
				y = s - 1 - y
			}
			x, y = y, x
		}
	}
	return d
}
