package isochrone

import (
	"fmt"
	"math"
	"strings"
)

// Test helpers: a validity checker for polygons written the slow, obvious
// way (O(n²) segment tests), and a way to draw small grids as text.

// planarArea is the shoelace area of r in degree units, positive
// counter-clockwise.
func planarArea(r [][2]float64) float64 {
	s := 0.0
	for k := 1; k < len(r); k++ {
		s += r[k-1][0]*r[k][1] - r[k][0]*r[k-1][1]
	}
	return s / 2
}

// orient is the sign of the turn a -> b -> c.
func orient(a, b, c [2]float64) int {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func onSegment(a, b, p [2]float64) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segmentsMeet reports whether the closed segments a-b and c-d share a point.
func segmentsMeet(a, b, c, d [2]float64) bool {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o1 != o2 && o3 != o4 {
		return true
	}
	if o1 == 0 && onSegment(a, b, c) || o2 == 0 && onSegment(a, b, d) ||
		o3 == 0 && onSegment(c, d, a) || o4 == 0 && onSegment(c, d, b) {
		return true
	}
	return false
}

// ringContains is the even-odd test for one ring.
func ringContains(r [][2]float64, p [2]float64) bool {
	in := false
	for k := 1; k < len(r); k++ {
		if crosses(r[k-1], r[k], p[0], p[1]) {
			in = !in
		}
	}
	return in
}

func polygonContains(p Polygon, q [2]float64) bool {
	if !ringContains(p[0], q) {
		return false
	}
	for _, h := range p[1:] {
		if ringContains(h, q) {
			return false
		}
	}
	return true
}

// checkPolygons returns the first reason polys is not a valid set of
// disjoint RFC 7946 polygons, or nil.
func checkPolygons(polys []Polygon) error {
	type seg struct {
		a, b       [2]float64
		poly, ring int
		k, n       int // segment index in its ring, ring segment count
	}
	var segs []seg
	for pi, p := range polys {
		if len(p) == 0 {
			return fmt.Errorf("polygon %d: no rings", pi)
		}
		for ri, r := range p {
			if len(r) < 4 {
				return fmt.Errorf("polygon %d ring %d: %d positions, want >= 4", pi, ri, len(r))
			}
			if r[0] != r[len(r)-1] {
				return fmt.Errorf("polygon %d ring %d: not closed: %v != %v", pi, ri, r[0], r[len(r)-1])
			}
			for k, q := range r {
				if math.IsNaN(q[0]) || math.IsNaN(q[1]) || math.IsInf(q[0], 0) || math.IsInf(q[1], 0) {
					return fmt.Errorf("polygon %d ring %d: position %d is %v", pi, ri, k, q)
				}
				if k > 0 && q == r[k-1] {
					return fmt.Errorf("polygon %d ring %d: position %d repeats %v", pi, ri, k, q)
				}
			}
			a := planarArea(r)
			if ri == 0 && !(a > 0) {
				return fmt.Errorf("polygon %d: outer ring area %g, want > 0 (counter-clockwise)", pi, a)
			}
			if ri > 0 && !(a < 0) {
				return fmt.Errorf("polygon %d: hole %d area %g, want < 0 (clockwise)", pi, ri, a)
			}
			for k := 1; k < len(r); k++ {
				segs = append(segs, seg{r[k-1], r[k], pi, ri, k - 1, len(r) - 1})
			}
		}
	}
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			s, t := segs[i], segs[j]
			same := s.poly == t.poly && s.ring == t.ring
			if same && (t.k == s.k+1 || (s.k == 0 && t.k == s.n-1)) {
				// Neighbours share one vertex; they must not fold back.
				var p, q, r [2]float64 // p -> q -> r
				if t.k == s.k+1 {
					p, q, r = s.a, s.b, t.b
				} else {
					p, q, r = t.a, t.b, s.b
				}
				if orient(p, q, r) == 0 && (r[0]-q[0])*(p[0]-q[0])+(r[1]-q[1])*(p[1]-q[1]) > 0 {
					return fmt.Errorf("polygon %d ring %d: spike at %v", s.poly, s.ring, q)
				}
				continue
			}
			if segmentsMeet(s.a, s.b, t.a, t.b) {
				return fmt.Errorf("polygon %d ring %d segment %d meets polygon %d ring %d segment %d: %v-%v, %v-%v",
					s.poly, s.ring, s.k, t.poly, t.ring, t.k, s.a, s.b, t.a, t.b)
			}
		}
	}
	// With no crossings, one vertex decides where a ring lies.
	for pi, p := range polys {
		for hi, h := range p[1:] {
			if !ringContains(p[0], h[0]) {
				return fmt.Errorf("polygon %d: hole %d outside its outer ring", pi, hi+1)
			}
			for hj, h2 := range p[1:] {
				if hi != hj && ringContains(h2, h[0]) {
					return fmt.Errorf("polygon %d: hole %d inside hole %d", pi, hi+1, hj+1)
				}
			}
		}
		for qi, q := range polys {
			if qi != pi && polygonContains(q, p[0][0]) {
				return fmt.Errorf("polygon %d lies inside polygon %d", pi, qi)
			}
		}
	}
	return nil
}

// drawGrid makes a grid with unit cells and cell (0, 0) centred at (0, 0)
// from rows of text, the first row north: '.' is unreached, '#' is 0 and a
// digit d is d minutes.
func drawGrid(rows ...string) *Grid {
	g := &Grid{DLon: 1, DLat: 1, W: len(rows[0]), H: len(rows)}
	g.T = make([]float32, g.W*g.H)
	for r, row := range rows {
		if len(row) != g.W {
			panic("drawGrid: ragged rows")
		}
		j := g.H - 1 - r
		for i, ch := range row {
			var t float32
			switch {
			case ch == '.':
				t = float32(math.Inf(1))
			case ch == '#':
				t = 0
			case ch >= '0' && ch <= '9':
				t = float32(ch-'0') * 60
			default:
				panic("drawGrid: bad character " + string(ch))
			}
			g.T[j*g.W+i] = t
		}
	}
	return g
}

// checkSamples checks that every cell centre lies in the polygons exactly
// when its time is within thr, and that points just outside the grid do not.
func checkSamples(g *Grid, thr float64, polys []Polygon) error {
	b := Band{Polygons: polys}
	for j := -1; j <= g.H; j++ {
		for i := -1; i <= g.W; i++ {
			lon, lat := g.Centre(i, j)
			t := float64(g.At(i, j))
			want := t <= thr && !math.IsInf(t, 1)
			if got := b.Contains(lon, lat); got != want {
				return fmt.Errorf("cell (%d, %d) time %v threshold %v: in band %v, want %v", i, j, t, thr, got, want)
			}
		}
	}
	return nil
}

// describe summarises polygons as "rings per polygon", e.g. "2,1".
func describe(polys []Polygon) string {
	var s []string
	for _, p := range polys {
		s = append(s, fmt.Sprint(len(p)))
	}
	return strings.Join(s, ",")
}
