package isochrone

// Simplification: greedy vertex removal that cannot break validity.
//
// Douglas-Peucker picks vertices to keep by distance alone and can make rings
// cross each other or themselves. Here vertices are removed one at a time,
// cheapest first, like Visvalingam-Whyatt, and a removal is done only if it
// is provably harmless. Removing v between u and w swaps the edges u-v, v-w
// for the chord u-w, sweeping the triangle u-v-w. Because no edge crosses
// u-v or v-w, anything the sweep could cut or swallow has a vertex in that
// triangle or comes near the chord. So v goes only if
//
//   - every original vertex between u and w stays within the tolerance of
//     the chord (the Hausdorff error never exceeds the tolerance),
//   - no other vertex of any ring of any band lies in the triangle or within
//     clearance of it,
//   - no other edge comes within clearance of the chord, the neighbouring
//     edges do not fold back onto it, and
//   - the ring keeps four vertices and the sign of its area.
//
// The clearance (sepCells) is about the spacing Contour guarantees, so the
// output rounds to 6 decimals as safely as unsimplified contours. All bands
// are simplified together, so bands that nest still nest. Vertices are only
// removed, never moved: every remaining position is one Contour produced.
// Edges sit in a bucket grid; a removal costs the buckets its triangle
// covers, and the whole pass O(n log n) for n vertices in practice.

import (
	"math"
)

// sepCells is the clearance, in cells, that new chords keep from everything
// else.
const sepCells = edgeEps * 2 / 3

// Simplify returns copies of bands with vertices removed wherever the
// boundary moves by at most tolerance cells of g (the grid the bands were
// contoured from; 0.5 is a good value, 0 or less returns bands unchanged).
// The result is valid as Contour's output is, nested bands still nest, and
// every remaining vertex is one of the input's.
func Simplify(bands []Band, g *Grid, tolerance float64) []Band {
	if !(tolerance > 0) || !(g.DLon > 0 && g.DLat > 0) {
		return bands
	}
	s := newSimplifier(bands, g, tolerance)
	s.run()
	return s.result(bands)
}

type sVertex struct {
	x, y       float64 // cell units
	prev, next int32
	ring       int32
	alive      bool
	stamp      uint32
}

type sRing struct {
	first, end int32   // vertices [first, end) in original order
	alive      int32   // vertices left
	area       float64 // signed, cell units squared
}

type simplifier struct {
	tol    float64
	v      []sVertex
	lonlat [][2]float64 // original positions, by vertex
	rings  []sRing

	// Buckets of edges, keyed by the edge's start vertex.
	bx0, by0 float64
	bsize    float64
	bw, bh   int
	buckets  [][]int32

	heap []sItem
}

type sItem struct {
	cost  float64
	id    int32
	stamp uint32
}

func newSimplifier(bands []Band, g *Grid, tol float64) *simplifier {
	s := &simplifier{tol: tol}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, b := range bands {
		for _, p := range b.Polygons {
			for _, r := range p {
				n := len(r)
				if n > 1 && r[0] == r[n-1] {
					n-- // without the closing position
				}
				ri := int32(len(s.rings))
				first := int32(len(s.v))
				for k := 0; k < n; k++ {
					q := r[k]
					x, y := (q[0]-g.MinLon)/g.DLon, (q[1]-g.MinLat)/g.DLat
					minX, maxX = math.Min(minX, x), math.Max(maxX, x)
					minY, maxY = math.Min(minY, y), math.Max(maxY, y)
					id := int32(len(s.v))
					s.v = append(s.v, sVertex{x: x, y: y, prev: id - 1, next: id + 1, ring: ri, alive: true})
					s.lonlat = append(s.lonlat, q)
				}
				end := int32(len(s.v))
				if end > first {
					s.v[first].prev = end - 1
					s.v[end-1].next = first
				}
				sr := sRing{first: first, end: end, alive: end - first}
				for k := first; k < end; k++ {
					a, c := s.v[k], s.v[s.v[k].next]
					sr.area += (a.x*c.y - c.x*a.y) / 2
				}
				s.rings = append(s.rings, sr)
			}
		}
	}
	if len(s.v) == 0 {
		return s
	}
	// Buckets about as big as the longest chords worth checking.
	s.bsize = math.Max(2, 2*tol)
	s.bx0, s.by0 = minX-1, minY-1
	s.bw = int((maxX-s.bx0)/s.bsize) + 2
	s.bh = int((maxY-s.by0)/s.bsize) + 2
	for s.bw*s.bh > 4*len(s.v)+64 { // sparse output over a big grid
		s.bsize *= 2
		s.bw = int((maxX-s.bx0)/s.bsize) + 2
		s.bh = int((maxY-s.by0)/s.bsize) + 2
	}
	s.buckets = make([][]int32, s.bw*s.bh)
	for id := range s.v {
		s.insert(int32(id))
	}
	return s
}

// span returns the bucket range covering the box [x0, x1] x [y0, y1].
func (s *simplifier) span(x0, y0, x1, y1 float64) (i0, j0, i1, j1 int) {
	clamp := func(v float64, n int) int {
		return min(max(int(math.Floor(v)), 0), n-1)
	}
	return clamp((x0-s.bx0)/s.bsize, s.bw), clamp((y0-s.by0)/s.bsize, s.bh),
		clamp((x1-s.bx0)/s.bsize, s.bw), clamp((y1-s.by0)/s.bsize, s.bh)
}

func (s *simplifier) edgeSpan(id int32) (i0, j0, i1, j1 int) {
	a, b := s.v[id], s.v[s.v[id].next]
	return s.span(math.Min(a.x, b.x), math.Min(a.y, b.y), math.Max(a.x, b.x), math.Max(a.y, b.y))
}

func (s *simplifier) insert(id int32) {
	i0, j0, i1, j1 := s.edgeSpan(id)
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			s.buckets[j*s.bw+i] = append(s.buckets[j*s.bw+i], id)
		}
	}
}

func (s *simplifier) remove(id int32) {
	i0, j0, i1, j1 := s.edgeSpan(id)
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			b := s.buckets[j*s.bw+i]
			for k, e := range b {
				if e == id {
					b[k] = b[len(b)-1]
					s.buckets[j*s.bw+i] = b[:len(b)-1]
					break
				}
			}
		}
	}
}

// cost is the largest distance from the original vertices strictly between
// u and w to the chord u-w, for removing v = next(u).
func (s *simplifier) cost(v int32) float64 {
	u, w := s.v[v].prev, s.v[v].next
	r := s.rings[s.v[v].ring]
	ux, uy, wx, wy := s.v[u].x, s.v[u].y, s.v[w].x, s.v[w].y
	c := 0.0
	for k := u + 1; ; k++ {
		if k == r.end {
			k = r.first
		}
		if k == w {
			break
		}
		c = math.Max(c, segDist(ux, uy, wx, wy, s.v[k].x, s.v[k].y))
	}
	return c
}

func (s *simplifier) push(v int32) {
	if s.rings[s.v[v].ring].alive <= 4 {
		return
	}
	c := s.cost(v)
	if c > s.tol {
		return
	}
	s.heap = append(s.heap, sItem{c, v, s.v[v].stamp})
	for k := len(s.heap) - 1; k > 0; {
		p := (k - 1) / 2
		if !s.less(k, p) {
			break
		}
		s.heap[k], s.heap[p] = s.heap[p], s.heap[k]
		k = p
	}
}

func (s *simplifier) less(a, b int) bool {
	if s.heap[a].cost != s.heap[b].cost {
		return s.heap[a].cost < s.heap[b].cost
	}
	return s.heap[a].id < s.heap[b].id
}

func (s *simplifier) pop() sItem {
	top := s.heap[0]
	n := len(s.heap) - 1
	s.heap[0] = s.heap[n]
	s.heap = s.heap[:n]
	for k := 0; ; {
		l, m := 2*k+1, k
		if l < n && s.less(l, m) {
			m = l
		}
		if l+1 < n && s.less(l+1, m) {
			m = l + 1
		}
		if m == k {
			break
		}
		s.heap[k], s.heap[m] = s.heap[m], s.heap[k]
		k = m
	}
	return top
}

func (s *simplifier) run() {
	for id := range s.v {
		s.push(int32(id))
	}
	for len(s.heap) > 0 {
		it := s.pop()
		v := it.id
		if !s.v[v].alive || s.v[v].stamp != it.stamp || s.rings[s.v[v].ring].alive <= 4 {
			continue
		}
		if !s.safe(v) {
			continue // retried if a neighbour goes
		}
		u, w := s.v[v].prev, s.v[v].next
		r := &s.rings[s.v[v].ring]
		r.area -= triArea(s.v[u], s.v[v], s.v[w])
		r.alive--
		s.remove(u)
		s.remove(v)
		s.v[v].alive = false
		s.v[u].next, s.v[w].prev = w, u
		s.insert(u)
		s.v[u].stamp++
		s.v[w].stamp++
		s.push(u)
		s.push(w)
	}
}

func triArea(a, b, c sVertex) float64 {
	return ((b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x)) / 2
}

// safe reports whether removing v keeps every ring simple, disjoint from the
// others, nested as before and at least sepCells apart.
func (s *simplifier) safe(v int32) bool {
	u, w := s.v[v].prev, s.v[v].next
	t, x := s.v[u].prev, s.v[w].next
	U, V, W := s.v[u], s.v[v], s.v[w]
	r := s.rings[V.ring]
	if a := r.area - triArea(U, V, W); a*r.area <= 0 || math.Abs(a) < sepCells*sepCells {
		return false
	}
	// Neighbouring edges must not fold back onto the chord.
	T, X := s.v[t], s.v[x]
	if segDist(U.x, U.y, W.x, W.y, T.x, T.y) < sepCells || segDist(U.x, U.y, W.x, W.y, X.x, X.y) < sepCells ||
		segDist(T.x, T.y, U.x, U.y, W.x, W.y) < sepCells || segDist(W.x, W.y, X.x, X.y, U.x, U.y) < sepCells {
		return false
	}
	d := sepCells
	x0, y0 := math.Min(U.x, math.Min(V.x, W.x))-d, math.Min(U.y, math.Min(V.y, W.y))-d
	x1, y1 := math.Max(U.x, math.Max(V.x, W.x))+d, math.Max(U.y, math.Max(V.y, W.y))+d
	i0, j0, i1, j1 := s.span(x0, y0, x1, y1)
	for j := j0; j <= j1; j++ {
		for i := i0; i <= i1; i++ {
			for _, e := range s.buckets[j*s.bw+i] {
				if e == t || e == u || e == v || e == w {
					continue // the edges t-u, u-v, v-w, w-x
				}
				a, b := s.v[e], s.v[s.v[e].next]
				if math.Max(a.x, b.x) < x0 || math.Min(a.x, b.x) > x1 || math.Max(a.y, b.y) < y0 || math.Min(a.y, b.y) > y1 {
					continue // far from the triangle and the chord
				}
				// a is a vertex other than u, v, w (every vertex starts one
				// edge, and x starts an edge that is checked here).
				if inTriangle(U, V, W, a, d) {
					return false
				}
				if segSegDist(U.x, U.y, W.x, W.y, a.x, a.y, b.x, b.y) < d {
					return false
				}
			}
		}
	}
	return true
}

// inTriangle reports whether p lies in triangle abc or within d of it.
func inTriangle(a, b, c, p sVertex, d float64) bool {
	o1 := (b.x-a.x)*(p.y-a.y) - (b.y-a.y)*(p.x-a.x)
	o2 := (c.x-b.x)*(p.y-b.y) - (c.y-b.y)*(p.x-b.x)
	o3 := (a.x-c.x)*(p.y-c.y) - (a.y-c.y)*(p.x-c.x)
	if (o1 >= 0 && o2 >= 0 && o3 >= 0) || (o1 <= 0 && o2 <= 0 && o3 <= 0) {
		return true
	}
	return segDist(a.x, a.y, b.x, b.y, p.x, p.y) < d || segDist(b.x, b.y, c.x, c.y, p.x, p.y) < d ||
		segDist(c.x, c.y, a.x, a.y, p.x, p.y) < d
}

// segDist is the distance from (px, py) to the segment (ax, ay)-(bx, by).
func segDist(ax, ay, bx, by, px, py float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l2))
	}
	return math.Hypot(ax+t*dx-px, ay+t*dy-py)
}

// segSegDist is the distance between two segments (0 if they cross).
func segSegDist(ax, ay, bx, by, cx, cy, dx, dy float64) float64 {
	o1 := (bx-ax)*(cy-ay) - (by-ay)*(cx-ax)
	o2 := (bx-ax)*(dy-ay) - (by-ay)*(dx-ax)
	o3 := (dx-cx)*(ay-cy) - (dy-cy)*(ax-cx)
	o4 := (dx-cx)*(by-cy) - (dy-cy)*(bx-cx)
	if o1*o2 <= 0 && o3*o4 <= 0 {
		return 0 // crossing or touching (or collinear: taken as touching)
	}
	return math.Min(math.Min(segDist(ax, ay, bx, by, cx, cy), segDist(ax, ay, bx, by, dx, dy)),
		math.Min(segDist(cx, cy, dx, dy, ax, ay), segDist(cx, cy, dx, dy, bx, by)))
}

// result rebuilds the bands from the vertices left, in the input's order.
func (s *simplifier) result(bands []Band) []Band {
	out := make([]Band, len(bands))
	ri := 0
	for bi, b := range bands {
		out[bi] = Band{Minutes: b.Minutes, Polygons: make([]Polygon, len(b.Polygons))}
		for pi, p := range b.Polygons {
			q := make(Polygon, len(p))
			for k := range p {
				r := s.rings[ri]
				ri++
				ring := make([][2]float64, 0, r.alive+1)
				start := r.first
				for start < r.end && !s.v[start].alive {
					start++
				}
				if start < r.end {
					for id := start; ; {
						ring = append(ring, s.lonlat[id])
						if id = s.v[id].next; id == start {
							break
						}
					}
					ring = append(ring, s.lonlat[start])
				}
				q[k] = ring
			}
			out[bi].Polygons[pi] = q
		}
	}
	return out
}
