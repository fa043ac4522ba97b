package population

import (
	"fmt"
	"math"
)

// ZonesOf returns, per surface cell, the index in counties of the county
// whose boundary holds the cell's centre (-1: none), where counties are the
// boundaries of bs at admin level (0: all of them), in input order. Where
// boundaries overlap, the first wins. Each boundary is filled by scanlines
// (flat and fast: O(edges × rows) per boundary, no per-cell point tests).
func ZonesOf(s *Surface, bs []Boundary, level int) (zone []int16, counties []Boundary, err error) {
	for _, b := range bs {
		if level == 0 || b.AdminLevel == level {
			counties = append(counties, b)
		}
	}
	if len(counties) > math.MaxInt16 {
		return nil, nil, fmt.Errorf("%d boundaries at admin level %d: at most %d", len(counties), level, math.MaxInt16)
	}
	zone = make([]int16, len(s.Pop))
	for k := range zone {
		zone[k] = -1
	}
	for z := range counties {
		s.fill(counties[z].Area, func(k int) {
			if zone[k] < 0 {
				zone[k] = int16(z)
			}
		})
	}
	return zone, counties, nil
}

// Zones is ZonesOf for any grid laid out as isochrone.Grid (cell centres
// minLon + i*dLon, minLat + j*dLat; w×h): per cell, the index of the
// boundary at admin level holding its centre, -1 for none; names are the
// counties' names in index order.
func Zones(minLon, minLat, dLon, dLat float64, w, h int, bs []Boundary, level int) (zone []int16, names []string, err error) {
	s := GridOf(minLon, minLat, dLon, dLat, w, h)
	zone, counties, err := ZonesOf(s, bs, level)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range counties {
		names = append(names, c.Name)
	}
	return zone, names, nil
}

// GridOf returns an empty surface laid out as another grid (e.g. an
// isochrone.Grid: GridOf(g.MinLon, g.MinLat, g.DLon, g.DLat, g.W, g.H)), to
// classify or zone its cells. It panics on a grid larger than MaxCells or
// with sizes that are not positive.
func GridOf(minLon, minLat, dLon, dLat float64, w, h int) *Surface {
	if w < 1 || h < 1 || w*h > MaxCells || !(dLon > 0) || !(dLat > 0) {
		panic(fmt.Sprintf("population: grid of %dx%d cells of %vx%v degrees", w, h, dLon, dLat))
	}
	return newSurface(minLon, minLat, dLon, dLat, w, h)
}
