package controllines

// Algorithm. For each segment of the route (projected to metres around the
// layers' centre; see proj) the grid and the list of large features give
// the features whose bounding boxes it overlaps. For a polygon, every edge
// in a chunk whose box overlaps the segment is met against it (meet),
// which splits the segment's parameter range [0, 1] at every point where it
// touches, crosses or runs along a boundary; between two such points the
// road is wholly inside or wholly outside, so one point-in-polygon test of
// the piece's midpoint (even-odd, on-boundary counts as outside) decides
// it. A segment that meets no edge of a feature has the state the previous
// segment ended with, so the test is skipped when that state is known.
// Inside pieces become stretches in metres along the route, each segment's
// parameter range scaled to its geodesic length (graph.Distance).
// Crossings are not counted at the edges but derived from the stretches:
// every stretch that starts after the route's start is an entry, every one
// that ends before its end an exit. That makes a road touching a boundary
// at a vertex, or running along an edge, no crossing at all.
//
// Cost: O(s·(c + k·m)) for s route segments, c candidate chunks per segment
// and k pieces of m edges tested each, with c and m kept small by the grid
// and the chunk boxes; the naive method tests every edge of every feature
// against every segment.

import (
	"cmp"
	"math"
	"slices"

	"github.com/fastroad/fastroad/graph"
)

// mergeTol is the gap in metres along the route below which two stretches
// or two meetings with a line count as one.
const mergeTol = 1e-3

// Options configure Check.
type Options struct {
	// RoadWidth is the width in metres of the land the road takes; the
	// green area taken is the length inside green lines times this.
	RoadWidth float64
}

// Stretch is a part of the route, in metres from its start.
type Stretch struct {
	From float64 `json:"from_m"`
	To   float64 `json:"to_m"`
}

// Touch is one feature the route meets: it runs inside it, crosses or
// touches its boundary, or meets the line.
type Touch struct {
	Source string `json:"source"` // the layer's Source
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Line   bool   `json:"line,omitempty"` // a Line, not a Polygon
	// At is where the route first meets the feature, metres from its start.
	At float64 `json:"at_m"`
	// Inside is the length of route inside the feature's polygons.
	Inside float64 `json:"inside_m"`
	// Crossings counts entries and exits for a polygon, meeting points for
	// a line.
	Crossings int `json:"crossings"`
}

// KindReport is what the route does to the control lines of one kind.
type KindReport struct {
	Kind Kind `json:"kind"`
	// Sources are the layers of this kind that were checked; none means
	// the kind was not checked at all, which a report must not show as 0.
	Sources []string `json:"sources"`
	// Inside is the length of the route inside polygons of this kind,
	// metres; where polygons overlap it counts once.
	Inside float64 `json:"inside_m"`
	// Share is Inside over the route's length, 0 to 1: for red lines, how
	// much of the road runs in its reservation.
	Share float64 `json:"share"`
	// AreaM2 is Inside times Options.RoadWidth, square metres: for green
	// lines, the green space taken.
	AreaM2 float64 `json:"area_m2"`
	// Crossings counts entries into and exits from this kind's polygons
	// (where polygons overlap or adjoin, their union's boundary).
	Crossings int `json:"crossings"`
	// LineCrossings counts the points where the route meets a Line of this
	// kind; a stretch running along a line counts once.
	LineCrossings int `json:"line_crossings"`
	// Stretches are where the route is inside, in order, for maps.
	Stretches []Stretch `json:"stretches"`
	// Features are the features met, in the order the route meets them.
	Features []Touch `json:"features"`
}

// Conflict reports a hard conflict: the route enters or crosses a purple
// or blue line.
func (k *KindReport) Conflict() bool {
	return k.Kind.Hard() && (k.Inside > 0 || k.Crossings > 0 || k.LineCrossings > 0)
}

// Report is the result of checking one route, indexed by Kind.
type Report struct {
	Length float64              `json:"length_m"` // route length, metres (geodesic)
	Kinds  [NumKinds]KindReport `json:"kinds"`
}

// Conflict reports whether the route has a hard conflict of any kind.
func (r *Report) Conflict() bool {
	for k := range r.Kinds {
		if r.Kinds[k].Conflict() {
			return true
		}
	}
	return false
}

// Check checks a road's polyline against layers. It builds an Index for
// the one call; use NewIndex and Index.Check for many routes.
func Check(route []graph.Point, layers []Layer, opt Options) Report {
	return NewIndex(layers).Check(route, opt)
}

// featState is Check's per-feature scratch.
type featState struct {
	stamp   int32 // 1 + last segment that listed the feature as a candidate
	lastSeg int32 // 1 + last segment whose state is lastIn
	lastIn  bool
	acc     int32 // 1 + index into checker.accs, 0 none
}

// featAcc gathers what the route does to one feature it meets.
type featAcc struct {
	f      int32
	at     float64
	inside []Stretch // polygons: inside pieces, merged, in route order
	meets  []Stretch // lines: meeting points and runs
}

type checker struct {
	ix *Index
	// st has an entry per feature of the index; touched lists those
	// written, so that a checker is cleared for the next route in the
	// time its route took, not the index's size (a province's areas are
	// millions: a fresh array per route cost 17 of a study's 80 s).
	st      []featState
	touched []int32
	accs    []featAcc
	cand    []int32
	ts      []float64
}

// Check checks a road's polyline (WGS-84, in driving order) against the
// index's layers. Positions outside WGS-84 range are dropped, and so are
// repeated ones. A route of fewer than 2 positions gives a zero Report.
func (ix *Index) Check(route []graph.Point, opt Options) Report {
	var rep Report
	for k := range rep.Kinds {
		rep.Kinds[k].Kind = Kind(k)
		rep.Kinds[k].Sources = ix.sources[k]
	}
	pts := make([]graph.Point, 0, len(route))
	for _, q := range route {
		if valid(q) && (len(pts) == 0 || pts[len(pts)-1] != q) {
			pts = append(pts, q)
		}
	}
	if len(pts) < 2 {
		return rep
	}
	c := ix.checker()
	defer ix.release(c)
	m0 := 0.0
	for i := 0; i+1 < len(pts); i++ {
		L := graph.Distance(pts[i], pts[i+1])
		c.segment(int32(i), pts[i], pts[i+1], m0, L)
		m0 += L
	}
	rep.Length = m0
	c.finish(&rep, opt)
	return rep
}

func (c *checker) segment(seg int32, a, b graph.Point, m0, L float64) {
	ix := c.ix
	ax, ay := ix.p.xy(a)
	bx, by := ix.p.xy(b)
	dx, dy := bx-ax, by-ay
	dl := math.Hypot(dx, dy)
	if dl < eps {
		return
	}
	sb := box{min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)}.grow(eps)
	c.cand = c.cand[:0]
	stamp := seg + 1
	if i0, j0, i1, j1, ok := ix.cellRange(sb); ok {
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				cell := j*ix.nx + i
				for _, f := range ix.items[ix.first[cell]:ix.first[cell+1]] {
					if c.st[f].stamp != stamp && ix.feats[f].overlaps(sb) {
						c.touch(f).stamp = stamp
						c.cand = append(c.cand, f)
					}
				}
			}
		}
	}
	for _, f := range ix.big {
		if ix.feats[f].overlaps(sb) {
			c.cand = append(c.cand, f)
		}
	}
	for _, fi := range c.cand {
		f := &ix.feats[fi]
		ts := append(c.ts[:0], 0, 1)
		for r := f.r0; r < f.r1; r++ {
			rg := ix.rings[r]
			for ci := rg.c0; ci < rg.c1; ci++ {
				ch := &ix.chunks[ci]
				if !ch.overlaps(sb) {
					continue
				}
				for e := ch.e0; e < ch.e1; e++ {
					cx, cy, ex, ey := ix.x[e], ix.y[e], ix.x[e+1], ix.y[e+1]
					if max(cx, ex) < sb.x0 || min(cx, ex) > sb.x1 || max(cy, ey) < sb.y0 || min(cy, ey) > sb.y1 {
						continue
					}
					if t0, t1, ok := meet(ax, ay, dx, dy, dl, cx, cy, ex, ey); ok {
						ts = append(ts, t0, t1)
						if f.line {
							a := c.acc(fi, m0+t0*L)
							a.meets = append(a.meets, Stretch{m0 + t0*L, m0 + t1*L})
						}
					}
				}
			}
		}
		c.ts = ts
		if f.line {
			continue
		}
		st := c.touch(fi)
		met := len(ts) > 2
		if !met {
			// No boundary on this segment: it keeps the state the previous
			// segment ended with, if that was worked out.
			known := seg > 0 && st.lastSeg == seg // lastSeg is 1 + the previous segment
			in := known && st.lastIn
			if !known {
				in = ix.inside(f, ax+dx/2, ay+dy/2)
			}
			if in {
				c.addInside(fi, m0, m0+L)
			}
			st.lastSeg, st.lastIn = seg+1, in
			continue
		}
		slices.Sort(ts)
		c.acc(fi, m0+ts[1]*L) // met: reported even if never inside; ts[1] is the first meeting
		in := false
		for k := 0; k+1 < len(ts); k++ {
			ta, tb := ts[k], ts[k+1]
			if (tb-ta)*dl < eps {
				continue
			}
			tm := (ta + tb) / 2
			in = ix.inside(f, ax+tm*dx, ay+tm*dy)
			if in {
				c.addInside(fi, m0+ta*L, m0+tb*L)
			}
		}
		st.lastSeg, st.lastIn = seg+1, in
	}
}

// acc returns feature f's accumulator, made on first use with at as the
// first meeting.
func (c *checker) acc(f int32, at float64) *featAcc {
	st := c.touch(f)
	if st.acc == 0 {
		c.accs = append(c.accs, featAcc{f: f, at: at})
		st.acc = int32(len(c.accs))
	}
	return &c.accs[st.acc-1]
}

func (c *checker) addInside(f int32, from, to float64) {
	a := c.acc(f, from)
	if n := len(a.inside); n > 0 && from-a.inside[n-1].To <= mergeTol {
		a.inside[n-1].To = max(a.inside[n-1].To, to)
		return
	}
	a.inside = append(a.inside, Stretch{from, to})
}

// merge sorts stretches and joins those less than mergeTol apart.
func merge(s []Stretch) []Stretch {
	slices.SortFunc(s, func(a, b Stretch) int { return cmp.Compare(a.From, b.From) })
	out := s[:0]
	for _, x := range s {
		if n := len(out); n > 0 && x.From-out[n-1].To <= mergeTol {
			out[n-1].To = max(out[n-1].To, x.To)
			continue
		}
		out = append(out, x)
	}
	return out
}

// crossings counts the entries and exits of stretches along a route of
// the given length.
func crossings(s []Stretch, length float64) int {
	n := 0
	for _, x := range s {
		if x.From > mergeTol {
			n++
		}
		if x.To < length-mergeTol {
			n++
		}
	}
	return n
}

func (c *checker) finish(rep *Report, opt Options) {
	ix := c.ix
	type key struct {
		layer int32
		id    string
	}
	touches := map[key]int{} // index into rep.Kinds[kind].Features
	var kindIn [NumKinds][]Stretch
	for i := range c.accs {
		if a := &c.accs[i]; len(a.meets) > 0 {
			a.meets = merge(a.meets)
			a.at = a.meets[0].From
		}
	}
	slices.SortFunc(c.accs, func(a, b featAcc) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.f, b.f))
	})
	for i := range c.accs {
		a := &c.accs[i]
		f := &ix.feats[a.f]
		kr := &rep.Kinds[f.kind]
		l := &ix.layers[f.layer]
		t := Touch{Source: l.Source, At: a.at, Line: f.line}
		if f.line {
			t.ID, t.Name = l.Lines[f.item].ID, l.Lines[f.item].Name
			t.Crossings = len(a.meets)
			kr.LineCrossings += t.Crossings
		} else {
			t.ID, t.Name = l.Polygons[f.item].ID, l.Polygons[f.item].Name
			for _, s := range a.inside {
				t.Inside += s.To - s.From
			}
			t.Crossings = crossings(a.inside, rep.Length)
			kindIn[f.kind] = append(kindIn[f.kind], a.inside...)
		}
		k := key{f.layer, t.ID}
		if t.Line {
			k.id = "\x00line " + t.ID
		}
		if j, ok := touches[k]; ok {
			u := &kr.Features[j]
			u.Inside += t.Inside
			u.Crossings += t.Crossings
			continue
		}
		touches[k] = len(kr.Features)
		kr.Features = append(kr.Features, t)
	}
	for k := range rep.Kinds {
		kr := &rep.Kinds[k]
		kr.Stretches = merge(kindIn[k])
		for _, s := range kr.Stretches {
			kr.Inside += s.To - s.From
		}
		if rep.Length > 0 {
			kr.Share = min(kr.Inside/rep.Length, 1)
		}
		kr.AreaM2 = kr.Inside * opt.RoadWidth
		kr.Crossings = crossings(kr.Stretches, rep.Length)
	}
}

// touch returns feature f's scratch, noting it for release.
func (c *checker) touch(f int32) *featState {
	st := &c.st[f]
	if *st == (featState{}) {
		c.touched = append(c.touched, f)
	}
	return st
}

// checker returns a cleared checker, from the index's pool when one is
// free (Check runs on several goroutines at once).
func (ix *Index) checker() *checker {
	if ix.pool == nil {
		return &checker{ix: ix, st: make([]featState, len(ix.feats))}
	}
	if c, ok := ix.pool.Get().(*checker); ok && len(c.st) == len(ix.feats) {
		c.ix = ix // a copy of the index shares its pool
		return c
	}
	return &checker{ix: ix, st: make([]featState, len(ix.feats))}
}

// release clears what the route wrote and returns c to the pool. The
// accumulators' slices went into the report: they are not reused.
func (ix *Index) release(c *checker) {
	for _, f := range c.touched {
		c.st[f] = featState{}
	}
	c.touched, c.accs = c.touched[:0], nil
	if ix.pool != nil {
		ix.pool.Put(c)
	}
}
