package graph

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Snapping: a uniform grid over the graph's bounding box, each cell listing
// the shape pieces (segment, piece index) whose bounding box overlaps it. The
// cell size is chosen so that there are about two pieces per cell on
// average. A query scans rings of cells around the point until no unscanned
// cell can hold anything closer than the best piece so far.

// Snap is a point placed on the network.
type Snap struct {
	Seg   int32   // segment
	Frac  float64 // position along the segment's geometry by length, 0 = From, 1 = To
	Dist  float64 // metres from the query point to the snapped point
	Point Point   // the snapped point
	Query Point   // the point asked for
}

// OnNode returns the node a snap sits on (within 1 cm), or -1.
func (g *Graph) OnNode(sn Snap) int32 {
	seg := &g.Segments[sn.Seg]
	along := sn.Frac * seg.Length
	switch {
	case along <= 0.01:
		return seg.From
	case seg.Length-along <= 0.01:
		return seg.To
	}
	return -1
}

// SnapOptions restricts what a point may snap to.
type SnapOptions struct {
	// MaxDist in metres; 0 means 1000.
	MaxDist float64
	// MinComponent: besides the largest component, snap to components with
	// at least this many nodes (0 = the largest only).
	MinComponent int32
	// Exclude lists classes a point must not snap to (e.g. motorways, whose
	// mainline cannot be entered mid-way).
	Exclude []Class
	// NoControlled excludes controlled-access segments.
	NoControlled bool
}

// SnapError says a point is too far from any road it may snap to.
type SnapError struct {
	Point   Point
	MaxDist float64
	Nearest float64 // metres to the nearest allowed road, or +Inf if none within the search
}

func (e *SnapError) Error() string {
	if math.IsInf(e.Nearest, 1) {
		return fmt.Sprintf("point %v: no routable road within %.0f m", e.Point, e.MaxDist)
	}
	return fmt.Sprintf("point %v: nearest routable road is %.0f m away (max %.0f m)", e.Point, e.Nearest, e.MaxDist)
}

type snapIndex struct {
	minLon, minLat float64
	cell           float64 // degrees
	w, h           int
	first          []uint32 // len w*h+1
	seg            []int32
	piece          []uint32 // index of the first point of the piece within the segment geometry
}

// minSnapCell is the smallest grid cell, in degrees (about 11 m).
const minSnapCell = 1e-4

var snapMu sync.Mutex

func (g *Graph) index() *snapIndex {
	snapMu.Lock()
	defer snapMu.Unlock()
	if g.snap == nil {
		g.snap = buildSnapIndex(g)
	}
	return g.snap
}

func buildSnapIndex(g *Graph) *snapIndex {
	lo, hi := g.Bounds()
	npieces := len(g.Segments) + len(g.ShapeLon)
	area := math.Max((hi.Lon-lo.Lon)*(hi.Lat-lo.Lat), 1e-8)
	cell := math.Sqrt(area / math.Max(float64(npieces)/2, 1))
	cell = math.Max(cell, minSnapCell)
	ix := &snapIndex{minLon: lo.Lon, minLat: lo.Lat, cell: cell}
	ix.w = int((hi.Lon-lo.Lon)/cell) + 1
	ix.h = int((hi.Lat-lo.Lat)/cell) + 1
	// Parts of the segment range are scanned in parallel, each counting
	// into its own array; a part's entries in a cell go after those of
	// the parts before it, so the index is the same as a sequential scan
	// (pieces in segment order within each cell).
	cells := ix.w * ix.h
	parts := 1
	if len(g.Segments) >= 1<<16 {
		parts = min(runtime.GOMAXPROCS(0), 4)
	}
	bounds := make([]int, parts+1)
	for p := range bounds {
		bounds[p] = len(g.Segments) * p / parts
	}
	counts := make([][]uint32, parts)
	var wg sync.WaitGroup
	for p := range parts {
		n := cells
		if p == parts-1 {
			n++ // becomes the index's offsets: see below
		}
		counts[p] = make([]uint32, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ix.scan(g, bounds[p], bounds[p+1], counts[p], nil)
		}()
	}
	wg.Wait()
	at := uint32(0)
	for c := range cells {
		for p := range parts {
			n := counts[p][c]
			counts[p][c] = at // now the next free slot of part p in cell c
			at += n
		}
	}
	ix.seg = make([]int32, at)
	ix.piece = make([]uint32, len(ix.seg))
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ix.scan(g, bounds[p], bounds[p+1], nil, counts[p])
		}()
	}
	wg.Wait()
	// The last part's next free slot in cell c is now where cell c+1
	// starts: shifted by one, its array is the offsets (no second array of
	// a word per cell: hundreds of megabytes on a province).
	first := counts[parts-1]
	copy(first[1:], first[:cells])
	first[0] = 0
	ix.first = first
	return ix
}

// scan visits every piece of segments s0..s1-1 (shape point k to k+1) and
// the cells its bounding box covers: with next == nil it counts them in
// counts[cell], else it files the piece at next[cell]. One loop over the
// flat node and shape arrays, no closure or shape slice per segment.
func (ix *snapIndex) scan(g *Graph, s0, s1 int, counts, next []uint32) {
	for s := s0; s < s1; s++ {
		seg := &g.Segments[s]
		px, py := ix.cellOf(g.Node(seg.From))
		k := uint32(0)
		lo, hi := g.ShapeFirst[s], g.ShapeFirst[s+1]
		for i := lo; i <= hi; i++ {
			var p Point
			if i < hi {
				p = Point{fromE7(g.ShapeLon[i]), fromE7(g.ShapeLat[i])}
			} else {
				p = g.Node(seg.To)
			}
			cx, cy := ix.cellOf(p)
			x0, x1, y0, y1 := px, cx, py, cy
			if x0 > x1 {
				x0, x1 = x1, x0
			}
			if y0 > y1 {
				y0, y1 = y1, y0
			}
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					c := y*ix.w + x
					if next == nil {
						counts[c]++
					} else {
						ix.seg[next[c]] = int32(s)
						ix.piece[next[c]] = k
						next[c]++
					}
				}
			}
			px, py = cx, cy
			k++
		}
	}
}

// visitRings calls visit with every entry (segment, piece) of the cells
// around cell (cx, cy), ring by ring (ring r: the cells r steps away), until
// a ring cannot hold anything nearer than limit() metres (its cells are at
// least r-1 cells of cellM metres away) or the rings cover the grid. Cells
// outside the grid are skipped; (cx, cy) may lie outside it.
func (ix *snapIndex) visitRings(cx, cy int, cellM float64, limit func() float64, visit func(s int32, k uint32)) {
	rmax := max(abs(cx), abs(cx-(ix.w-1)), abs(cy), abs(cy-(ix.h-1)))
	for r := 0; r <= rmax; r++ {
		if float64(r-1)*cellM > limit() {
			return
		}
		for y := max(cy-r, 0); y <= min(cy+r, ix.h-1); y++ {
			step := 1
			if y != cy-r && y != cy+r {
				step = 2 * r
			}
			for x := cx - r; x <= cx+r; x += max(step, 1) {
				if x < 0 || x >= ix.w {
					continue
				}
				c := y*ix.w + x
				for i := ix.first[c]; i < ix.first[c+1]; i++ {
					visit(ix.seg[i], ix.piece[i])
				}
			}
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func (ix *snapIndex) cellOf(p Point) (int, int) {
	x := int((p.Lon - ix.minLon) / ix.cell)
	y := int((p.Lat - ix.minLat) / ix.cell)
	return clampInt(x, 0, ix.w-1), clampInt(y, 0, ix.h-1)
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Snappable reports whether segment s may take a snapped point under opt.
func (g *Graph) Snappable(s int32, opt *SnapOptions) bool {
	if g.open[s>>6]&(1<<(s&63)) == 0 { // no arc of weight below Inf
		return false
	}
	seg := &g.Segments[s]
	if opt.NoControlled && seg.Flags&Controlled != 0 {
		return false
	}
	for _, c := range opt.Exclude {
		if seg.Class == c {
			return false
		}
	}
	return g.snappable(seg.From, opt.MinComponent) && g.snappable(seg.To, opt.MinComponent)
}

// SnapPoint places p on the nearest allowed segment. It returns a
// *SnapError when none lies within opt.MaxDist.
func (g *Graph) SnapPoint(p Point, opt SnapOptions) (Snap, error) {
	return g.snapWith(g.index(), p, opt)
}

// snapWith is SnapPoint with the index already at hand (no lock).
func (g *Graph) snapWith(ix *snapIndex, p Point, opt SnapOptions) (Snap, error) {
	maxDist := opt.MaxDist
	if maxDist <= 0 {
		maxDist = 1000
	}
	if math.IsNaN(p.Lon) || math.IsNaN(p.Lat) || p.Lon < -180 || p.Lon > 180 || p.Lat < -90 || p.Lat > 90 {
		return Snap{}, fmt.Errorf("point %v: not a WGS-84 longitude,latitude", p)
	}
	proj := NewProjector(p)
	cellM := ix.cell * math.Min(proj.pr.kx, proj.pr.ky) // metres covered by one cell, at least
	cx := int(math.Floor((p.Lon - ix.minLon) / ix.cell))
	cy := int(math.Floor((p.Lat - ix.minLat) / ix.cell))
	best := Snap{Seg: -1, Dist: math.Inf(1), Query: p}
	bestPiece, bestT := uint32(0), 0.0
	var pts []Point
	ix.visitRings(cx, cy, cellM, func() float64 { return math.Min(best.Dist, maxDist) }, func(s int32, k uint32) {
		if !g.Snappable(s, &opt) {
			return
		}
		pts = g.Shape(pts[:0], s)
		if int(k)+1 >= len(pts) {
			return // only in an index read from a hostile file
		}
		t, d := proj.Piece(pts[k], pts[k+1])
		if d < best.Dist || (d == best.Dist && (s < best.Seg || (s == best.Seg && k < bestPiece))) {
			best.Dist, best.Seg, bestPiece, bestT = d, s, k, t
		}
	})
	if best.Seg < 0 || best.Dist > maxDist {
		return Snap{}, &SnapError{Point: p, MaxDist: maxDist, Nearest: best.Dist}
	}
	// Fraction along the segment by length.
	pts = g.Shape(pts[:0], best.Seg)
	along := 0.0
	for k := uint32(0); k < bestPiece; k++ {
		along += Distance(pts[k], pts[k+1])
	}
	a, b := pts[bestPiece], pts[bestPiece+1]
	best.Point = Point{a.Lon + bestT*(b.Lon-a.Lon), a.Lat + bestT*(b.Lat-a.Lat)}
	along += Distance(a, best.Point)
	if l := g.Segments[best.Seg].Length; l > 0 {
		best.Frac = math.Min(1, along/l)
	}
	return best, nil
}

// part returns frac of weight w, rounded to the millisecond.
func part(w uint32, frac float64) uint32 {
	return uint32(math.Round(float64(w) * frac))
}

// Seeds returns the search seeds that put a snapped point at the start of a
// search in direction dir: for Outbound, the ends of the segment reachable
// from the point; for Inbound, the ends from which the point is reached.
func (g *Graph) Seeds(dst []Seed, sn Snap, dir Direction) []Seed {
	if v := g.OnNode(sn); v >= 0 {
		return append(dst, Seed{Node: v})
	}
	seg := &g.Segments[sn.Seg]
	wf, okf := g.ArcWeight(sn.Seg, false)
	wb, okb := g.ArcWeight(sn.Seg, true)
	okf = okf && wf != Inf
	okb = okb && wb != Inf
	if dir == Outbound {
		if okf {
			dst = append(dst, Seed{seg.To, part(wf, 1-sn.Frac)})
		}
		if okb {
			dst = append(dst, Seed{seg.From, part(wb, sn.Frac)})
		}
	} else {
		if okf {
			dst = append(dst, Seed{seg.From, part(wf, sn.Frac)})
		}
		if okb {
			dst = append(dst, Seed{seg.To, part(wb, 1-sn.Frac)})
		}
	}
	return dst
}

// Ends returns the nodes whose times decide the time of a snapped target.
func (g *Graph) Ends(dst []int32, sn Snap) []int32 {
	if v := g.OnNode(sn); v >= 0 {
		return append(dst, v)
	}
	seg := &g.Segments[sn.Seg]
	return append(dst, seg.From, seg.To)
}

// TimeAt returns the travel time of a snapped point after search s ran from
// other seeds (Outbound: time from the seeds to the point; Inbound: from the
// point to the seeds). It does not account for origin and target lying on
// the same segment; see Between.
func (g *Graph) TimeAt(s *Search, sn Snap) uint32 {
	if v := g.OnNode(sn); v >= 0 {
		return s.Time(v)
	}
	seg := &g.Segments[sn.Seg]
	wf, okf := g.ArcWeight(sn.Seg, false)
	wb, okb := g.ArcWeight(sn.Seg, true)
	best := uint64(Inf)
	try := func(t uint32, w uint32, frac float64) {
		if t == Inf || w == Inf {
			return
		}
		if x := uint64(t) + uint64(part(w, frac)); x < best {
			best = x
		}
	}
	if s.Direction() == Outbound {
		if okf {
			try(s.Time(seg.From), wf, sn.Frac)
		}
		if okb {
			try(s.Time(seg.To), wb, 1-sn.Frac)
		}
	} else {
		if okf {
			try(s.Time(seg.To), wf, 1-sn.Frac)
		}
		if okb {
			try(s.Time(seg.From), wb, sn.Frac)
		}
	}
	if best >= Inf {
		return Inf
	}
	return uint32(best)
}

// Direct returns the time from a to b along their shared segment without
// leaving it, or Inf when they are on different segments or the direction is
// closed.
func (g *Graph) Direct(a, b Snap) uint32 {
	if a.Seg != b.Seg {
		return Inf
	}
	if b.Frac >= a.Frac {
		if w, ok := g.ArcWeight(a.Seg, false); ok && w != Inf {
			return part(w, b.Frac-a.Frac)
		}
	}
	if b.Frac <= a.Frac {
		if w, ok := g.ArcWeight(a.Seg, true); ok && w != Inf {
			return part(w, a.Frac-b.Frac)
		}
	}
	return Inf
}
