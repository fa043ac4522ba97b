package scenarios

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// matcher is a compiled Selector.
type matcher struct {
	ways     map[int64]bool
	ref      string
	name     string
	classes  map[graph.Class]bool
	corridor []graph.Point
	halfW    float64
	polygon  []graph.Point
}

func compile(sel *Selector, key string) (*matcher, error) {
	m := &matcher{ref: normRef(sel.Ref), name: strings.ToLower(strings.TrimSpace(sel.Name))}
	any := false
	if len(sel.WayIDs) > 0 {
		m.ways = map[int64]bool{}
		for _, id := range sel.WayIDs {
			m.ways[id] = true
		}
		any = true
	}
	if m.ref != "" || m.name != "" {
		any = true
	}
	if len(sel.Classes) > 0 {
		m.classes = map[graph.Class]bool{}
		for _, c := range sel.Classes {
			cl, ok := graph.ParseClass(c)
			if !ok {
				return nil, fmt.Errorf("%s.classes: unknown class %q", key, c)
			}
			m.classes[cl] = true
		}
		any = true
	}
	if sel.Corridor != nil {
		if len(sel.Corridor.Line) < 2 {
			return nil, fmt.Errorf("%s.corridor.line: want at least 2 points", key)
		}
		if !(sel.Corridor.WidthM > 0) {
			return nil, fmt.Errorf("%s.corridor.width_m: want a width in metres > 0", key)
		}
		pts, err := toWGS84(sel.CRS, sel.Corridor.Line)
		if err != nil {
			return nil, fmt.Errorf("%s.corridor.line: %w", key, err)
		}
		m.corridor, m.halfW = pts, sel.Corridor.WidthM/2
		any = true
	}
	if len(sel.Polygon) > 0 {
		if len(sel.Polygon) < 3 {
			return nil, fmt.Errorf("%s.polygon: want at least 3 points", key)
		}
		pts, err := toWGS84(sel.CRS, sel.Polygon)
		if err != nil {
			return nil, fmt.Errorf("%s.polygon: %w", key, err)
		}
		m.polygon = pts
		any = true
	}
	if !any {
		return nil, fmt.Errorf("%s: no selector given (want way_ids, ref, name, classes, corridor or polygon)", key)
	}
	return m, nil
}

// match reports whether a segment with these attributes and geometry is selected.
func (m *matcher) match(seg *graph.Segment, name, ref string, shape []graph.Point) bool {
	if m.ways != nil && !m.ways[seg.WayID] {
		return false
	}
	if m.classes != nil && !m.classes[seg.Class] {
		return false
	}
	if m.name != "" && strings.ToLower(strings.TrimSpace(name)) != m.name {
		return false
	}
	if m.ref != "" {
		found := false
		for _, r := range strings.Split(ref, ";") {
			if normRef(r) == m.ref {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if m.corridor != nil {
		for _, p := range shape {
			if distToLine(p, m.corridor) > m.halfW {
				return false
			}
		}
	}
	if m.polygon != nil {
		for _, p := range shape {
			if !inPolygon(p, m.polygon) {
				return false
			}
		}
	}
	return true
}

// distToLine returns the distance in metres from p to a polyline, in a local
// equirectangular projection around p.
func distToLine(p graph.Point, line []graph.Point) float64 {
	_, d := projectOnLine(p, line)
	return d
}

// inPolygon is the even-odd ray test in lon/lat.
func inPolygon(p graph.Point, poly []graph.Point) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) &&
			p.Lon < (b.Lon-a.Lon)*(p.Lat-a.Lat)/(b.Lat-a.Lat)+a.Lon {
			in = !in
		}
	}
	return in
}

// errNoMatch is the error of a selector that matches nothing.
var errNoMatch = errors.New("matches no road")
