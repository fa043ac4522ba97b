package graph

import (
	"math"
	"slices"
)

// Topology edits for scenarios. They work on a Builder made with
// NewBuilderFrom, in the builder's current state (so several edits can
// follow each other), and then Build renumbers and derives everything.
// Segments are addressed by index into the builder's segment list; splitting
// keeps the first half at the old index and appends the second half.

// NumSegments returns the number of segments added so far.
func (b *Builder) NumSegments() int { return len(b.g.Segments) }

// Segment returns a pointer to segment s; callers may change its speeds,
// class and flags (not its ends or geometry).
func (b *Builder) Segment(s int32) *Segment { return &b.g.Segments[s] }

// NodeKey returns the key (source node id) of node v.
func (b *Builder) NodeKey(v int32) int64 { return b.handOut(v) }

// NodePoint returns the position of node v.
func (b *Builder) NodePoint(v int32) Point { return b.g.Node(v) }

// SegmentShape returns the geometry of segment s, From to To.
func (b *Builder) SegmentShape(dst []Point, s int32) []Point { return b.shape(dst, s) }

// shape is Graph.Shape for the builder's current state.
func (b *Builder) shape(dst []Point, s int32) []Point {
	g := b.g
	seg := &g.Segments[s]
	dst = append(dst, g.Node(seg.From))
	r := b.rangeOf(s)
	for i := r[0]; i < r[1]; i++ {
		dst = append(dst, Point{fromE7(g.ShapeLon[i]), fromE7(g.ShapeLat[i])})
	}
	return append(dst, g.Node(seg.To))
}

// appendShape stores the inner points of a full geometry and returns their range.
func (b *Builder) appendShape(pts []Point) [2]uint32 {
	g := b.g
	start := uint32(len(g.ShapeLon))
	for _, c := range pts[1 : len(pts)-1] {
		g.ShapeLon = append(g.ShapeLon, toE7(c.Lon))
		g.ShapeLat = append(g.ShapeLat, toE7(c.Lat))
	}
	return [2]uint32{start, uint32(len(g.ShapeLon))}
}

// String returns the name or ref string i.
func (b *Builder) String(i uint32) string { return b.g.String(i) }

// NewKey returns a node key not used so far (negative: not an OSM id).
func (b *Builder) NewKey() int64 {
	b.lastKey--
	for {
		if _, used := b.lookup(b.lastKey); !used {
			return b.lastKey
		}
		b.lastKey--
	}
}

// Position is a place on a segment's geometry: piece k (from shape point k
// to k+1) at fraction T of that piece.
type Position struct {
	Seg  int32
	K    int
	T    float64
	Dist float64 // metres from the query point
	At   Point   // the position itself
}

// Nearest returns the position on an accepted segment nearest to p; of
// equally near ones, the lowest segment and piece. A builder made by
// NewBuilderFrom finds the graph's own segments through its snapping index
// and looks at added and split segments one by one (a scenario asks this
// for every ramp and stub, on a graph that changes between calls: a scan of
// every segment each time took a minute on an 866k-node graph); a builder
// started empty looks at every segment.
func (b *Builder) Nearest(p Point, accept func(s int32, seg *Segment) bool) (Position, bool) {
	best := Position{Seg: -1, Dist: math.Inf(1)}
	proj := NewProjector(p)
	var pts []Point
	// consider tests piece k of segment s (every piece when k < 0). Of
	// equally near pieces the lowest segment, then the lowest piece wins:
	// the same answer as one loop over every segment in order.
	consider := func(s int32, k int) {
		seg := &b.g.Segments[s]
		if accept != nil && !accept(s, seg) {
			return
		}
		pts = b.shape(pts[:0], s)
		k0, k1 := 0, len(pts)-1
		if k >= 0 {
			if k+1 >= len(pts) {
				return
			}
			k0, k1 = k, k+1
		}
		for k := k0; k < k1; k++ {
			t, d := proj.Piece(pts[k], pts[k+1])
			if d < best.Dist || (d == best.Dist && (s < best.Seg || (s == best.Seg && k < best.K))) {
				best = Position{Seg: s, K: k, T: t, Dist: d,
					At: Point{pts[k].Lon + t*(pts[k+1].Lon-pts[k].Lon), pts[k].Lat + t*(pts[k+1].Lat-pts[k].Lat)}}
			}
		}
	}
	if b.base == nil {
		for s := range b.g.Segments {
			consider(int32(s), -1)
		}
		return best, best.Seg >= 0
	}
	// Segments the base graph's snapping index does not know as they are
	// now: those added, and those whose geometry an edit changed.
	for s := b.baseSegs; s < int32(len(b.g.Segments)); s++ {
		consider(s, -1)
	}
	for s := range b.moved {
		consider(s, -1)
	}
	// The rest through the index, ring by ring around p's cell.
	ix := b.base
	cx := int(math.Floor((p.Lon - ix.minLon) / ix.cell))
	cy := int(math.Floor((p.Lat - ix.minLat) / ix.cell))
	ix.visitRings(cx, cy, ix.cell*math.Min(proj.pr.kx, proj.pr.ky), func() float64 { return best.Dist }, func(s int32, k uint32) {
		if !b.moved[s] {
			consider(s, int(k))
		}
	})
	return best, best.Seg >= 0
}

// Split makes a node at position pos and returns its key and the index of
// the new second half (-1 when nothing was split). At (within 1 cm of) an end
// of the segment it returns that end's key and splits nothing; otherwise
// segment pos.Seg becomes its first half and the second half is appended
// with the same attributes.
func (b *Builder) Split(pos Position) (int64, int32) {
	g := b.g
	s := pos.Seg
	pts := b.shape(nil, s)
	seg := g.Segments[s]
	cut := pos.At
	// Length along the geometry up to the cut.
	along := 0.0
	for k := 0; k < pos.K; k++ {
		along += Distance(pts[k], pts[k+1])
	}
	along += Distance(pts[pos.K], cut)
	if along <= 0.01 {
		return b.handOut(seg.From), -1
	}
	if seg.Length-along <= 0.01 {
		return b.handOut(seg.To), -1
	}
	first := append(append([]Point(nil), pts[:pos.K+1]...), cut)
	second := append([]Point{cut}, pts[pos.K+1:]...)
	if first[len(first)-2] == cut {
		first = first[:len(first)-1]
		first[len(first)-1] = cut
	}
	if len(second) > 1 && second[1] == cut {
		second = second[1:]
	}
	if len(second) < 2 {
		// The cut is the last point, though the length (a ramp's minimum)
		// says there is road beyond it.
		return b.handOut(seg.To), -1
	}
	key := b.NewKey()
	mid := b.node(key, cut)
	b.incident = nil
	b.setRange(s, b.appendShape(first)) // the old run is left unused; Build compacts
	if s < b.baseSegs {
		b.moved[s] = true
	}
	g.Segments[s].To = mid
	g.Segments[s].Length = polyLength(first)
	tail := seg
	tail.From = mid
	tail.Length = polyLength(second)
	g.Segments = append(g.Segments, tail)
	b.addRange(b.appendShape(second))
	return key, int32(len(g.Segments) - 1)
}

func polyLength(pts []Point) float64 {
	l := 0.0
	for i := 1; i < len(pts); i++ {
		l += Distance(pts[i-1], pts[i])
	}
	return l
}

// Detach gives the segments in set new end nodes wherever they meet a
// segment outside the set, so that the set becomes a road with no junction
// to the rest of the network (a controlled-access upgrade), except at nodes
// for which keep returns true. Segments of the set that met at a node still
// meet at its clone. It returns the clones made: original node key -> clone
// key, one per junction cut.
func (b *Builder) Detach(set map[int32]bool, keep func(key int64) bool) map[int64]int64 {
	g := b.g
	inSet := make([]bool, len(g.NodeLon))   // nodes touched by the set
	outside := make([]bool, len(g.NodeLon)) // nodes touched by other segments
	for s := range g.Segments {
		seg := &g.Segments[s]
		m := inSet
		if !set[int32(s)] {
			m = outside
		}
		m[seg.From], m[seg.To] = true, true
	}
	clone := make(map[int32]int32)
	keys := make(map[int64]int64)
	for v := range inSet { // in node order: deterministic clone keys
		if inSet[v] && outside[v] && (keep == nil || !keep(b.handOut(int32(v)))) {
			k := b.NewKey()
			clone[int32(v)] = b.node(k, g.Node(int32(v)))
			keys[g.NodeID[v]] = k
		}
	}
	for s := range set {
		seg := &g.Segments[s]
		if c, ok := clone[seg.From]; ok {
			seg.From = c
		}
		if c, ok := clone[seg.To]; ok {
			seg.To = c
		}
	}
	b.incident = nil
	return keys
}

// Incident returns the segments that end at the node with key, in the
// builder's current state, in segment order. The first call after a change
// lists the segments of every node at once (scenarios ask for many nodes
// between two changes: one scan of the segments, not one per node).
func (b *Builder) Incident(key int64) []int32 {
	v, ok := b.lookup(key)
	if !ok {
		return nil
	}
	if b.incident == nil {
		b.incident = b.incidence()
	}
	x := b.incident
	if int(v)+1 >= len(x.first) {
		return nil // a node added since (Detach's clones): no segment yet
	}
	return append([]int32(nil), x.seg[x.first[v]:x.first[v+1]]...)
}

// incidence lists the segments at each node, CSR style, each once (a loop
// segment at its one node), in segment order.
func (b *Builder) incidence() *incidence {
	g := b.g
	x := &incidence{first: make([]int32, len(g.NodeLon)+1)}
	for s := range g.Segments {
		seg := &g.Segments[s]
		x.first[seg.From+1]++
		if seg.To != seg.From {
			x.first[seg.To+1]++
		}
	}
	for v := range len(g.NodeLon) {
		x.first[v+1] += x.first[v]
	}
	x.seg = make([]int32, x.first[len(g.NodeLon)])
	next := slices.Clone(x.first[:len(g.NodeLon)])
	for s := range g.Segments {
		seg := &g.Segments[s]
		x.seg[next[seg.From]] = int32(s)
		next[seg.From]++
		if seg.To != seg.From {
			x.seg[next[seg.To]] = int32(s)
			next[seg.To]++
		}
	}
	return x
}

// incidence is the segments at each node: seg[first[v]:first[v+1]].
type incidence struct {
	first, seg []int32
}

// rangeOf returns the run of segment s's inner shape points.
func (b *Builder) rangeOf(s int32) [2]uint32 {
	if b.ranges != nil {
		return b.ranges[s]
	}
	return [2]uint32{b.first[s], b.first[s+1]}
}

// addRange records the run of a new segment's inner shape points.
func (b *Builder) addRange(r [2]uint32) {
	if b.ranges == nil && r[0] == b.first[len(b.first)-1] {
		b.first = append(b.first, r[1])
		return
	}
	b.toRanges()
	b.ranges = append(b.ranges, r)
}

// setRange moves segment s's run.
func (b *Builder) setRange(s int32, r [2]uint32) {
	b.toRanges()
	b.ranges[s] = r
}

// toRanges switches from offsets to a run per segment.
func (b *Builder) toRanges() {
	if b.ranges != nil {
		return
	}
	b.ranges = make([][2]uint32, len(b.first)-1, cap(b.first))
	for s := range b.ranges {
		b.ranges[s] = [2]uint32{b.first[s], b.first[s+1]}
	}
	b.first = nil
}

// compactShapes writes the shape table in segment order from the runs.
func (b *Builder) compactShapes() {
	g := b.g
	if b.ranges == nil && int(b.first[len(b.first)-1]) == len(g.ShapeLon) {
		// Pieces added in order with nothing moved (an extract read):
		// the offsets are the table's, no copy of the shape is needed.
		g.ShapeFirst = slices.Clip(b.first)
		g.ShapeLon, g.ShapeLat = slices.Clip(g.ShapeLon), slices.Clip(g.ShapeLat)
		b.first = nil
		return
	}
	b.toRanges()
	first := make([]uint32, len(g.Segments)+1)
	lon := make([]int32, 0, len(g.ShapeLon))
	lat := make([]int32, 0, len(g.ShapeLat))
	for s, r := range b.ranges {
		lon = append(lon, g.ShapeLon[r[0]:r[1]]...)
		lat = append(lat, g.ShapeLat[r[0]:r[1]]...)
		first[s+1] = uint32(len(lon))
	}
	g.ShapeFirst, g.ShapeLon, g.ShapeLat = first, lon, lat
	b.ranges = nil
}
