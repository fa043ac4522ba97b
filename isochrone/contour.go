package isochrone

// Contouring: marching squares with ring tracing.
//
// The samples are the cell centres of the Grid, padded with one ring of +Inf
// samples so that every iso-line closes. A sample is "in" when T <= threshold.
// The marching cells are the (W+1) x (H+1) squares between four neighbouring
// samples; each gets a 4-bit case code (bit 0 bottom-left, 1 bottom-right,
// 2 top-right, 3 top-left). Saddles (5 and 10) are resolved by the mean of the
// four corners: centre in joins the two in corners, centre out separates them.
// A corner at +Inf makes the centre out.
//
// Where it departs from the textbook:
//
//   - No segment soup. Rings are traced through the cells: every segment is
//     stored as (entry edge -> exit edge) in a lookup table, oriented so that
//     the in side is on the left, and the walk steps into the neighbour across
//     the exit edge until it comes back to the first cell. Matching is by cell
//     index and edge, never by comparing float coordinates, and there is no
//     hash map: the case-code array itself records which segments are used.
//     Because in is on the left, outer rings come out counter-clockwise and
//     holes clockwise, as RFC 7946 wants, with no area computation.
//   - Crossings are kept strictly inside their edge: the interpolation
//     fraction is clamped to [edgeEps, 1-edgeEps], and an edge with an +Inf
//     (unreached) end gets its crossing at the midpoint. So a contour never
//     touches a sample point or a cell corner, distinct rings and
//     non-adjacent parts of one ring stay at least about edgeEps cells apart,
//     and the rings are simple and pairwise disjoint by construction (two
//     segments in one saddle cell cannot cross; segments of different cells
//     meet only at shared crossing points).
//   - Holes find their outer ring without point-in-polygon tests. Every ring
//     crosses the horizontal lines through the sample rows only at crossings
//     of horizontal cell edges, and the tracer records, per horizontal edge,
//     which ring crosses it. A ring's westernmost such crossing tells its
//     kind (going north there means in lies to its west: a hole) and, for a
//     hole, a walk west along that sample row to the first out sample finds
//     the next ring to the west: either the enclosing outer ring or a sibling
//     hole further west whose outer ring is the same. Siblings resolve first
//     because their westernmost crossing lies further west.
//   - Three consecutive vertices on one grid line (runs of midpoints along an
//     unreached area) are merged, an exact simplification that cannot change
//     the shape.
//
// Cost: O(W*H) for the case codes plus O(vertices) for tracing and
// O(holes * distance walked west) for nesting; memory about 10 bytes per
// cell in a workspace that Bands reuses across thresholds.

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
)

// edgeEps keeps crossings off the cell corners, as a fraction of a cell.
const edgeEps = 1.0 / 32

// Edges of a marching cell.
const (
	edgeB  = iota // bottom, between bottom-left and bottom-right
	edgeR         // right
	edgeT         // top
	edgeL         // left
	noEdge = -1
)

// Case codes 16 and 17 are the joined forms of saddles 5 and 10.
const (
	case5Joined  = 16
	case10Joined = 17
	numCases     = 18
)

// exitOf[code][entry] is the exit edge of the segment that enters the cell
// through entry (noEdge if none); restOf[code][entry] is the code left once
// that segment has been used. firstEntry[code] is any segment's entry.
var (
	exitOf     [numCases][4]int8
	restOf     [numCases][4]uint8
	firstEntry [numCases]int8
)

func init() {
	for c := range exitOf {
		exitOf[c] = [4]int8{noEdge, noEdge, noEdge, noEdge}
		firstEntry[c] = noEdge
	}
	seg := func(code uint8, from, to int8, rest uint8) {
		exitOf[code][from] = to
		restOf[code][from] = rest
		if firstEntry[code] == noEdge {
			firstEntry[code] = from
		}
	}
	// One in corner: walk counter-clockwise around it.
	seg(1, edgeB, edgeL, 0)
	seg(2, edgeR, edgeB, 0)
	seg(4, edgeT, edgeR, 0)
	seg(8, edgeL, edgeT, 0)
	// Two in corners on one side.
	seg(3, edgeR, edgeL, 0)
	seg(6, edgeT, edgeB, 0)
	seg(12, edgeL, edgeR, 0)
	seg(9, edgeB, edgeT, 0)
	// One out corner: walk clockwise around it.
	seg(14, edgeL, edgeB, 0)
	seg(13, edgeB, edgeR, 0)
	seg(11, edgeR, edgeT, 0)
	seg(7, edgeT, edgeL, 0)
	// Saddles, separated: two single-corner segments.
	seg(5, edgeB, edgeL, 4)
	seg(5, edgeT, edgeR, 1)
	seg(10, edgeR, edgeB, 8)
	seg(10, edgeL, edgeT, 2)
	// Saddles, joined: two single-out-corner segments.
	seg(case5Joined, edgeB, edgeR, 7)
	seg(case5Joined, edgeT, edgeL, 13)
	seg(case10Joined, edgeL, edgeB, 11)
	seg(case10Joined, edgeR, edgeT, 14)
}

// ring is one traced ring: pts[start:end] (closed), its westernmost crossing
// of a horizontal cell edge (padded vertex index of the edge's west end and
// its column) and whether it is a hole.
type ring struct {
	start, end int
	minI       int
	minK       int
	hole       bool
}

// contourer is the reusable workspace. Indices: padded sample (pi, pj) with
// pi in [0, W+1], pj in [0, H+1] is vals[pj*pw+pi] and is grid cell
// (pi-1, pj-1); marching cell (ci, cj), ci in [0, W], cj in [0, H], is
// code[cj*cw+ci] and has padded sample (ci, cj) as its bottom-left corner.
type contourer struct {
	g       *Grid
	pw, cw  int
	vals    []float32 // padded times, NaN as +Inf
	code    []uint8   // case code per marching cell, 0 when done
	cells   []int32   // marching cells with segments, row-major
	saddles int       // cells with two segments
	hring   []int32   // per padded sample: ring crossing the edge to its east
	rowLo   []uint8   // in (1) or out (0) for two rows of padded samples
	rowHi   []uint8
	thr     float64 // threshold, at most MaxFloat32
	t32     float32 // the same as a float32: v <= thr iff v <= t32
	pts     [][2]float64
	rings   []ring
	parent  []int32
	// j0, j1: the grid rows that may hold reached samples ([j0, j1),
	// SetTimesRows); codes scans only the marching cells touching them.
	j0, j1 int
}

func newContourer(g *Grid) *contourer {
	if g.W < 1 || g.H < 1 || len(g.T) != g.W*g.H {
		panic(fmt.Sprintf("isochrone: grid %dx%d with %d times, want W, H >= 1 and W*H times", g.W, g.H, len(g.T)))
	}
	if !(g.DLon > 0 && g.DLat > 0) {
		panic(fmt.Sprintf("isochrone: grid cell size %v x %v degrees, want > 0", g.DLon, g.DLat))
	}
	pw, ph := g.W+2, g.H+2
	if c, ok := contourers.Get().(*contourer); ok && c.pw == pw && len(c.vals) == pw*ph {
		// A workspace of this shape: its padding is still +Inf and every
		// other sample is copied now; codes, hring and the ring lists
		// are only read where this contour writes them first.
		c.g = g
		c.setTimes(g.T)
		return c
	}
	return allocContourer(g)
}

// allocContourer makes a new workspace for g and copies its times.
func allocContourer(g *Grid) *contourer {
	pw, ph := g.W+2, g.H+2
	c := &contourer{
		g:     g,
		pw:    pw,
		cw:    g.W + 1,
		vals:  make([]float32, pw*ph),
		rowLo: make([]uint8, pw),
		rowHi: make([]uint8, pw),
		code:  make([]uint8, (g.W+1)*(g.H+1)),
		hring: make([]int32, pw*ph),
	}
	inf := float32(math.Inf(1))
	for k := range c.vals {
		c.vals[k] = inf
	}
	c.setTimes(g.T)
	return c
}

// contourers keeps finished workspaces (about 10 bytes a cell) for the
// next grid of their shape: the bands of every network of a study, and
// the classes of every difference map, are all on one grid.
var contourers sync.Pool // *contourer

// release returns c to contourers; c must not be used afterwards (the
// polygons it made are not part of it).
func (c *contourer) release() {
	c.g, c.pts = nil, nil
	contourers.Put(c)
}

// setTimes copies times (the grid's shape) inside the +Inf padding, NaN as
// +Inf.
func (c *contourer) setTimes(times []float32) {
	c.setRows(times, 0, c.g.H)
}

// setRows copies rows j0-1 to j1 of times (clamped to the grid) and
// limits the next contours to rows [j0, j1): the rows beside the window
// are copied too, so that every sample the window's marching cells read
// is current.
func (c *contourer) setRows(times []float32, j0, j1 int) {
	g, pw := c.g, c.pw
	c.j0, c.j1 = max(0, j0), min(g.H, j1)
	inf := float32(math.Inf(1))
	for j := max(0, j0-1); j < min(g.H, j1+1); j++ {
		row := times[j*g.W : (j+1)*g.W]
		dst := c.vals[(j+1)*pw+1 : (j+1)*pw+1+g.W]
		for i, t := range row {
			if t != t {
				t = inf
			}
			dst[i] = t
		}
	}
}

// Contourer contours grids of one shape (size, origin and cell size) at
// any threshold, reusing one workspace of about 10 bytes per cell, for
// many contours of one grid (Bands) or of grids of one shape (the classes
// of a difference map).
type Contourer struct{ c *contourer }

// NewContourer returns a Contourer of g's shape holding g's times; it
// panics on a malformed grid as Contour does.
func NewContourer(g *Grid) *Contourer {
	shape := *g // the times are copied: g may change afterwards
	c := newContourer(&shape)
	shape.T = nil
	return &Contourer{c}
}

// SetTimes replaces the times held by times (W*H of them, in the grid's
// order), without allocating; it panics on a wrong length.
func (c *Contourer) SetTimes(times []float32) {
	if g := c.c.g; len(times) != g.W*g.H {
		panic(fmt.Sprintf("isochrone: %d times for a grid of %dx%d", len(times), g.W, g.H))
	}
	c.c.setTimes(times)
}

// SetTimesRows is SetTimes for times that reach nothing outside grid rows
// [j0, j1) (+Inf, NaN or above every threshold contoured next): only those
// rows and one on either side are copied, and the next contours scan only
// them. The polygons are the same as after SetTimes. A class of a
// difference map (one corridor's gains) takes a few rows of the grid.
func (c *Contourer) SetTimesRows(times []float32, j0, j1 int) {
	if g := c.c.g; len(times) != g.W*g.H {
		panic(fmt.Sprintf("isochrone: %d times for a grid of %dx%d", len(times), g.W, g.H))
	}
	c.c.setRows(times, j0, j1)
}

// Contour is Contour(g, thresholdSeconds) on the times held.
func (c *Contourer) Contour(thresholdSeconds float64) []Polygon {
	return c.c.contour(thresholdSeconds)
}

// Release hands the workspace on to the next Contourer, Contour or Bands
// of a grid of this shape. The Contourer must not be used afterwards; the
// polygons it returned stay valid.
func (c *Contourer) Release() {
	if c.c != nil {
		c.c.release()
		c.c = nil
	}
}

// Contour returns the polygons covering every point where the travel time,
// interpolated linearly between cell centres, is at most thresholdSeconds.
// Cells outside the grid and +Inf or NaN cells count as not reached. Each
// polygon is an outer ring (counter-clockwise) with its holes (clockwise);
// an island inside a hole is a polygon of its own. The result is nil when
// nothing is reached. Contour panics if g is malformed (len(T) != W*H,
// non-positive sizes).
func Contour(g *Grid, thresholdSeconds float64) []Polygon {
	c := newContourer(g)
	defer c.release()
	return c.contour(thresholdSeconds)
}

// Bands contours g once per entry of minutes (travel time in minutes) and
// returns the bands in the same order. Bands of larger minutes contain those
// of smaller minutes.
func Bands(g *Grid, minutes []float64) []Band {
	out, _ := BandsContext(context.Background(), g, minutes)
	return out
}

// BandsContext is Bands that stops with ctx.Err() between bands once ctx
// is cancelled (one band costs O(cells), well under a second at MaxCells).
func BandsContext(ctx context.Context, g *Grid, minutes []float64) ([]Band, error) {
	c := newContourer(g)
	defer c.release()
	out := make([]Band, len(minutes))
	for i, m := range minutes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[i] = Band{Minutes: m, Polygons: c.contour(m * 60)}
	}
	return out, nil
}

func (c *contourer) contour(thr float64) []Polygon {
	c.pts = nil
	c.rings = c.rings[:0]
	if math.IsNaN(thr) {
		return nil
	}
	// +Inf is never reached, whatever the threshold.
	thr = math.Min(thr, math.MaxFloat32)
	c.thr = thr
	// The threshold as float32 that gives the same comparisons: v <= thr for
	// float32 v is v <= t32 with t32 the largest float32 <= thr.
	t32 := float32(thr)
	if float64(t32) > thr {
		t32 = math.Nextafter32(t32, float32(math.Inf(-1)))
	}
	c.t32 = t32
	if !c.codes() {
		return nil
	}
	// A ring has a vertex per segment or fewer, plus the closing one, and at
	// least four segments.
	segs := len(c.cells) + c.saddles
	c.pts = make([][2]float64, 0, segs+segs/4+1)
	for _, cell := range c.cells {
		for c.code[cell] != 0 {
			c.trace(int(cell))
		}
	}
	return c.assemble()
}

// codes fills the case code of every marching cell and lists the cells with
// segments in row-major order; it reports whether any sample is in.
func (c *contourer) codes() bool {
	pw, cw := c.pw, c.cw
	lo, hi := c.rowLo[:pw], c.rowHi[:pw]
	clear(lo) // the padded row below the first scanned: padding, or a row out of the window
	c.cells = c.cells[:0]
	c.saddles = 0
	any := false
	const all15 = 0x0f0f0f0f0f0f0f0f
	if c.j0 >= c.j1 {
		return false
	}
	// Marching row cj has padded sample rows cj and cj+1 (grid rows cj-1
	// and cj) as corners: rows j0 to j1 touch the window's samples.
	for cj := c.j0; cj <= c.j1; cj++ {
		for i, v := range c.vals[(cj+1)*pw : (cj+2)*pw] {
			b := uint8(0)
			if v <= c.t32 {
				b = 1
				any = true
			}
			hi[i] = b
		}
		dst := c.code[cj*cw : cj*cw+cw]
		ci := 0
		// Eight cells at a time: bytes are 0 or 1, so the shifts stay
		// inside each byte. Most words are all out (0) or all in (15).
		for ; ci+8 <= cw; ci += 8 {
			x := binary.LittleEndian.Uint64(lo[ci:]) |
				binary.LittleEndian.Uint64(lo[ci+1:])<<1 |
				binary.LittleEndian.Uint64(hi[ci+1:])<<2 |
				binary.LittleEndian.Uint64(hi[ci:])<<3
			if x == 0 || x == all15 {
				binary.LittleEndian.PutUint64(dst[ci:], 0)
				continue
			}
			for b := 0; b < 8; b++ {
				dst[ci+b] = c.code1(uint8(x>>(8*b)), ci+b, cj)
			}
		}
		for ; ci < cw; ci++ {
			dst[ci] = c.code1(lo[ci]|lo[ci+1]<<1|hi[ci+1]<<2|hi[ci]<<3, ci, cj)
		}
		lo, hi = hi, lo
	}
	return any
}

// code1 turns the corner bits of cell (ci, cj) into its case code,
// resolving saddles, and lists the cell if it has segments.
func (c *contourer) code1(cd uint8, ci, cj int) uint8 {
	switch cd {
	case 0, 15:
		return 0
	case 5, 10:
		c.saddles++
		k := cj*c.pw + ci
		v := c.vals
		m := (float64(v[k]) + float64(v[k+1]) + float64(v[k+c.pw]) + float64(v[k+c.pw+1])) / 4
		if m <= c.thr && cd == 5 {
			cd = case5Joined
		} else if m <= c.thr {
			cd = case10Joined
		}
	}
	c.cells = append(c.cells, int32(cj*c.cw+ci))
	return cd
}

// frac returns where the threshold crosses the edge from value a to value b,
// as a fraction of the edge from a, kept in [edgeEps, 1-edgeEps]; the
// midpoint if either end is infinite.
func (c *contourer) frac(a, b float32) float64 {
	d := float64(b) - float64(a)
	if math.IsInf(d, 0) {
		return 0.5
	}
	f := (c.thr - float64(a)) / d
	if !(f >= edgeEps) { // also NaN
		return edgeEps
	}
	if f > 1-edgeEps {
		return 1 - edgeEps
	}
	return f
}

// trace follows the ring through one remaining segment of cell and appends
// it to c.pts and c.rings.
func (c *contourer) trace(cell int) {
	g := c.g
	pw, cw := c.pw, c.cw
	id := int32(len(c.rings))
	r := ring{start: len(c.pts), minI: math.MaxInt}
	ci, cj := cell%cw, cell/cw
	e := int(firstEntry[c.code[cell]])
	startCell, startEdge := cell, e
	for {
		cd := c.code[cell]
		exit := exitOf[cd][e]
		if exit == noEdge {
			panic(fmt.Sprintf("isochrone: contour broken at cell (%d, %d) case %d entry %d", ci, cj, cd, e))
		}
		c.code[cell] = restOf[cd][e]

		// The crossing on the entry edge, in padded lattice units.
		var x, y float64
		switch e {
		case edgeB:
			k := cj*pw + ci
			x, y = float64(ci)+c.frac(c.vals[k], c.vals[k+1]), float64(cj)
			c.hring[k] = id
			if ci < r.minI {
				r.minI, r.minK, r.hole = ci, k, true // going north
			}
		case edgeT:
			k := (cj+1)*pw + ci
			x, y = float64(ci)+c.frac(c.vals[k], c.vals[k+1]), float64(cj+1)
			c.hring[k] = id
			if ci < r.minI {
				r.minI, r.minK, r.hole = ci, k, false // going south
			}
		case edgeL:
			k := cj*pw + ci
			x, y = float64(ci), float64(cj)+c.frac(c.vals[k], c.vals[k+pw])
		case edgeR:
			k := cj*pw + ci + 1
			x, y = float64(ci+1), float64(cj)+c.frac(c.vals[k], c.vals[k+pw])
		}
		c.add(r.start, [2]float64{g.MinLon + (x-1)*g.DLon, g.MinLat + (y-1)*g.DLat})

		switch exit {
		case edgeR:
			ci, cell, e = ci+1, cell+1, edgeL
		case edgeT:
			cj, cell, e = cj+1, cell+cw, edgeB
		case edgeL:
			ci, cell, e = ci-1, cell-1, edgeR
		case edgeB:
			cj, cell, e = cj-1, cell-cw, edgeT
		}
		if cell == startCell && e == startEdge {
			break
		}
	}
	// Merge collinear vertices across the seam, then close the ring.
	p := c.pts[r.start:]
	n := len(p)
	for n > 3 && collinear(p[n-2], p[n-1], p[0]) {
		n--
	}
	first := 0
	if collinear(p[n-1], p[0], p[1]) {
		first = 1
	}
	c.pts = c.pts[:r.start+n]
	if first == 1 {
		copy(c.pts[r.start:], c.pts[r.start+1:])
		c.pts = c.pts[:len(c.pts)-1]
	}
	c.pts = append(c.pts, c.pts[r.start])
	r.end = len(c.pts)
	c.rings = append(c.rings, r)
}

// add appends q to the ring that starts at start, dropping the previous
// vertex when it lies on the same grid line as its neighbours.
func (c *contourer) add(start int, q [2]float64) {
	n := len(c.pts)
	if n-start >= 2 && collinear(c.pts[n-2], c.pts[n-1], q) {
		c.pts[n-1] = q
		return
	}
	c.pts = append(c.pts, q)
}

// collinear reports whether a, b, c lie on one meridian or one parallel,
// which is how vertices on one grid line compare (same expression, same bits).
func collinear(a, b, c [2]float64) bool {
	return (a[0] == b[0] && b[0] == c[0]) || (a[1] == b[1] && b[1] == c[1])
}

// assemble attaches each hole to its outer ring and builds the polygons in
// the order the outer rings were found.
func (c *contourer) assemble() []Polygon {
	n := len(c.rings)
	if cap(c.parent) < n {
		c.parent = make([]int32, n)
	}
	c.parent = c.parent[:n]
	for i := range c.parent {
		c.parent[i] = -1
	}
	poly := make([]int32, n) // polygon index of each outer ring
	var polys []Polygon
	for i, r := range c.rings {
		if !r.hole {
			poly[i] = int32(len(polys))
			polys = append(polys, Polygon{c.ring(i)})
		}
	}
	for i, r := range c.rings {
		if r.hole {
			o := c.outerOf(i)
			polys[poly[o]] = append(polys[poly[o]], c.ring(i))
		}
	}
	return polys
}

func (c *contourer) ring(i int) [][2]float64 {
	r := c.rings[i]
	return c.pts[r.start:r.end:r.end]
}

// outerOf returns the outer ring around hole h: walk west from h's
// westernmost crossing (whose west end is in) to the first out sample; the
// ring crossing there is the outer ring or a sibling hole.
func (c *contourer) outerOf(h int) int {
	var chain []int
	for {
		if p := c.parent[h]; p >= 0 {
			break
		}
		k := c.rings[h].minK
		for c.vals[k] <= c.t32 {
			k--
		}
		next := int(c.hring[k])
		if c.rings[next].minI >= c.rings[h].minI {
			panic(fmt.Sprintf("isochrone: hole %d finds ring %d to its west", h, next))
		}
		if !c.rings[next].hole {
			c.parent[h] = int32(next)
			break
		}
		chain = append(chain, h)
		h = next
	}
	p := c.parent[h]
	for _, x := range chain {
		c.parent[x] = p
	}
	return int(p)
}
