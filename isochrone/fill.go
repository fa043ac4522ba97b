package isochrone

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/fastroad/fastroad/graph"
)

// Filling the travel-time grid from a search.
//
// 1. Roads: every segment that gives access to the land beside it (not
//    controlled-access, not closed) is walked along its geometry in steps of
//    half a cell; the time at each step is the best of reaching it through
//    either end in a direction that can be driven (for an inbound search:
//    the time from the step to the target). Each step lowers the time of the
//    cell it falls in. Graph nodes are stamped too.
// 2. Land: from those road cells the time spreads over the land at
//    AccessKmh up to AccessMetres from the road, by a two-pass chamfer
//    distance transform (3x3 neighbourhood, steps 1 and sqrt 2 cells),
//    O(cells). A cell keeps the time of the best road cell it is reached
//    from and its distance to it; spreading stops at AccessMetres.
//
// Motorway mainline and ramps (graph.Controlled) stamp nothing, so a town
// beside an expressway with no entrance gets the time of its own roads, not
// of the expressway passing by.

// FillOptions set how a grid is filled. Zero values take the defaults.
type FillOptions struct {
	CellMetres   float64 // cell size; default 100
	AccessKmh    float64 // off-road speed from a road to the land beside it; default 5 (walking)
	AccessMetres float64 // farthest land from a road that counts as reached; default 500
	MaxSeconds   float64 // ignore times beyond this (the largest band); default: no limit
	// MaxBytes refuses a grid whose memory (BytesPerCell per cell) would
	// exceed it, with a *GridTooLargeError before anything is allocated;
	// 0: no limit beyond MaxCells.
	MaxBytes int64
	// Box fixes the grid's area (minLon, minLat, maxLon, maxLat) so that
	// grids of several scenarios align cell for cell; zero: the box of what
	// the search reached within MaxSeconds, plus AccessMetres.
	Box [4]float64
}

func (o *FillOptions) defaults() {
	if o.CellMetres <= 0 {
		o.CellMetres = 100
	}
	if o.AccessKmh <= 0 {
		o.AccessKmh = 5
	}
	if o.AccessMetres < 0 || math.IsNaN(o.AccessMetres) {
		o.AccessMetres = 0
	} else if o.AccessMetres == 0 {
		o.AccessMetres = 500
	}
	if o.MaxSeconds <= 0 || math.IsNaN(o.MaxSeconds) {
		o.MaxSeconds = math.Inf(1)
	}
}

// Ranges that Validate accepts (0 always means the default).
const (
	MinCellMetres   = 1.0     // finer cells add nothing to 100 m roads data
	MaxCellMetres   = 10000.0 // coarser cells make a band a few squares
	MaxAccessKmh    = 50.0    // off-road access faster than this is not access on foot or bike
	MaxAccessMetres = 10000.0 // land farther than 10 km from every road is not reached by it
)

// Validate checks the options: NaN, infinite, negative (except
// AccessMetres < 0, meaning no spreading) and out-of-range values are
// errors naming the field and the allowed range.
func (o FillOptions) Validate() error {
	check := func(name string, v, lo, hi float64, unit string) error {
		if v == 0 {
			return nil
		}
		if !(v >= lo && v <= hi) {
			return fmt.Errorf("%s %v is out of range (want %v to %v %s, or 0 for the default)", name, v, lo, hi, unit)
		}
		return nil
	}
	if err := check("cell size", o.CellMetres, MinCellMetres, MaxCellMetres, "m"); err != nil {
		return err
	}
	if err := check("access speed", o.AccessKmh, 0.1, MaxAccessKmh, "km/h"); err != nil {
		return err
	}
	if math.IsNaN(o.AccessMetres) || o.AccessMetres > MaxAccessMetres {
		return fmt.Errorf("access distance %v is out of range (want 0 to %v m)", o.AccessMetres, MaxAccessMetres)
	}
	if math.IsNaN(o.MaxSeconds) || o.MaxSeconds < 0 {
		return fmt.Errorf("time limit %v s: want 0 (none) or more", o.MaxSeconds)
	}
	return nil
}

// BytesPerCell is the memory a grid cell costs from Fill to Bands: the time
// and the distance (float32 each), the contour's codes and marks, and
// slack for the polygons.
const BytesPerCell = 16

// GridTooLargeError says that a grid would need more memory than
// FillOptions.MaxBytes allows.
type GridTooLargeError struct {
	W, H         int
	CellMetres   float64
	Bytes, Limit int64
}

func (e *GridTooLargeError) Error() string {
	return fmt.Sprintf("a grid of %d x %d cells of %v m needs about %d MB, more than the limit of %d MB", e.W, e.H, e.CellMetres, e.Bytes>>20, e.Limit>>20)
}

// ErrNothingReached is returned when the search reached no land-access road.
var ErrNothingReached = errors.New("the search reached no road that gives access to land")

// Fill returns the travel-time grid of the last run of s (outbound: time from
// the seeds; inbound: time to them).
func Fill(g *graph.Graph, s *graph.Search, opt FillOptions) (*Grid, error) {
	return FillContext(context.Background(), g, s, opt)
}

// FillContext is Fill that stops with ctx.Err() soon after ctx is
// cancelled. It walks the segments the search reached as RoadCells does
// and stamps them at once; for many searches on one graph, build
// RoadCells once instead.
func FillContext(ctx context.Context, g *graph.Graph, s *graph.Search, opt FillOptions) (*Grid, error) {
	opt.defaults()
	maxMs := opt.MaxSeconds * 1000
	box, err := fillBox(g, s, opt, maxMs)
	if err != nil {
		return nil, err
	}
	if opt.MaxBytes > 0 {
		w, h := gridSize(box[0], box[1], box[2], box[3], opt.CellMetres)
		if need := int64(w*h) * BytesPerCell; w*h < MaxCells && need > opt.MaxBytes {
			return nil, &GridTooLargeError{W: int(w), H: int(h), CellMetres: opt.CellMetres, Bytes: need, Limit: opt.MaxBytes}
		}
	}
	f, err := NewFrame(box, opt.CellMetres)
	if err != nil {
		return nil, err
	}
	grid, err := f.Grid(f.Full())
	if err != nil {
		return nil, err
	}
	dist := scratchDist(len(grid.T)) // metres from the road cell a time came from
	defer distances.Put(dist)
	st := newStamper(s, grid, *dist, f.Full(), maxMs)
	var cells []roadCell
	var pts []graph.Point
	for si := range g.Segments {
		if si%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		seg := &g.Segments[si]
		if !LandAccess(seg) || (s.Time(seg.From) == graph.Inf && s.Time(seg.To) == graph.Inf) {
			continue
		}
		var rs roadSeg
		rs, cells, pts = f.segmentCells(g, int32(si), cells[:0], pts)
		st.segment(&rs, cells)
	}
	if err := spread(ctx, grid, *dist, opt); err != nil {
		return nil, err
	}
	return grid, nil
}

// distances keeps spread's distance grids between fills. A reused grid is
// not cleared: a cell's distance is read only where its time is finite,
// and whatever makes a time finite (the stamper, spread itself) sets the
// distance with it.
var distances sync.Pool // *[]float32

// scratchDist returns a distance grid of n cells from distances, or a new one.
func scratchDist(n int) *[]float32 {
	if d, ok := distances.Get().(*[]float32); ok && cap(*d) >= n {
		*d = (*d)[:n]
		return d
	}
	d := make([]float32, n)
	return &d
}

// fillBox is opt.Box, or when that is zero the box of what s reached within
// maxMs padded by AccessMetres and two cells.
func fillBox(g *graph.Graph, s *graph.Search, opt FillOptions, maxMs float64) ([4]float64, error) {
	if opt.Box != ([4]float64{}) {
		return opt.Box, nil
	}
	box, ok := ReachedBox(g, s, maxMs)
	if !ok {
		return box, ErrNothingReached
	}
	return PadBox(box, opt.AccessMetres+2*opt.CellMetres), nil
}

// ReachedBox is the bounding box of the nodes the last run of s reached
// within maxMs; false when it reached none.
func ReachedBox(g *graph.Graph, s *graph.Search, maxMs float64) ([4]float64, bool) {
	// on the stored 1e-7 degree integers; converted once at the end
	lon, lat := g.NodeLon, g.NodeLat
	x0, y0, x1, y1 := int32(math.MaxInt32), int32(math.MaxInt32), int32(math.MinInt32), int32(math.MinInt32)
	found := false
	for _, v := range s.Touched() {
		t := s.Time(v)
		if t == graph.Inf || float64(t) > maxMs {
			continue
		}
		x0, y0, x1, y1 = min(x0, lon[v]), min(y0, lat[v]), max(x1, lon[v]), max(y1, lat[v])
		found = true
	}
	if !found {
		return [4]float64{}, false
	}
	e := func(v int32) float64 { return float64(v) / graph.E7 } // as Graph.Node
	return [4]float64{e(x0), e(y0), e(x1), e(y1)}, true
}

// LandAccess reports whether a segment gives access to the land beside it.
func LandAccess(seg *graph.Segment) bool {
	return seg.Flags&(graph.Controlled|graph.Closed) == 0
}

// spread runs the two-pass chamfer transform that carries road times onto
// the land within AccessMetres at AccessKmh: a forward raster pass (from
// the south-west: each cell from its west, south-west, south and
// south-east neighbours) and a backward one (from the north-east). Without
// the AccessMetres cut one pair of passes is exact for the chamfer metric
// (a shortest chamfer path uses one straight and one diagonal move, which
// commute, so it can be taken as its forward-pass moves followed by its
// backward-pass ones). With the cut a cell keeps only its best road cell
// and the distance to it, so near the cut a cell can miss a worse but
// nearer road: TestSpreadNearExact measures that against a brute-force
// minimum (about 1% of reached cells, as with the two pairs of passes used
// before, which cost twice as much). Unreached cells are +Inf, which never
// lowers anything, so the loops need no test for them; each row is walked
// only over its span (spreadSpans).
func spread(ctx context.Context, grid *Grid, dist []float32, opt FillOptions) error {
	if opt.AccessMetres <= 0 {
		return nil
	}
	w, h := grid.W, grid.H
	cell := float32(opt.CellMetres)
	diag := cell * float32(math.Sqrt2)
	secPerM := float32(3.6 / opt.AccessKmh)
	cellT, diagT := cell*secPerM, diag*secPerM
	maxD := float32(opt.AccessMetres)
	T := grid.T
	// Every move is at least one cell long; one more step than the
	// quotient allows for the rounding of the summed distances.
	lo, hi := spreadSpans(T, w, h, int(opt.AccessMetres/opt.CellMetres)+1)
	span := func(j int) (int, int) { return int(lo[j]), int(hi[j]) }
	// relax is the time and distance of a cell (t, d) lowered by a
	// neighbour (tn, dn) one step (st metres, stT seconds) away: strictly
	// less time wins, so of equal times the earlier one stays.
	relax := func(t, d, tn, dn, st, stT float32) (float32, float32) {
		if dd := dn + st; dd <= maxD {
			if tt := tn + stT; tt < t {
				return tt, dd
			}
		}
		return t, d
	}
	// fromRow lowers cells a..b-1 of row (r, rd) from the three cells of
	// the neighbouring row (p, pd) beside each: straight across, then
	// diagonally west and east. Each cell is read and written once, its
	// time and distance kept in registers between the three.
	fromRow := func(r, rd, p, pd []float32, a, b int) {
		for i := a; i < b; i++ {
			t, d := relax(r[i], rd[i], p[i], pd[i], cell, cellT)
			if i > 0 {
				t, d = relax(t, d, p[i-1], pd[i-1], diag, diagT)
			}
			if i+1 < w {
				t, d = relax(t, d, p[i+1], pd[i+1], diag, diagT)
			}
			r[i], rd[i] = t, d
		}
	}
	// forward: rows from the south, each from the row below, then eastwards
	for j := 0; j < h; j++ {
		if j%64 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		a, b := span(j)
		if a >= b {
			continue
		}
		r, rd := T[j*w:(j+1)*w], dist[j*w:(j+1)*w]
		if j > 0 {
			fromRow(r, rd, T[(j-1)*w:j*w], dist[(j-1)*w:j*w], a, b)
		}
		if i := max(a, 1); i < b {
			t, d := r[i-1], rd[i-1] // the cell to the west, carried along
			for ; i < b; i++ {
				t, d = relax(r[i], rd[i], t, d, cell, cellT)
				r[i], rd[i] = t, d
			}
		}
	}
	// backward: rows from the north, each from the row above, then westwards
	for j := h - 1; j >= 0; j-- {
		if j%64 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		a, b := span(j)
		if a >= b {
			continue
		}
		r, rd := T[j*w:(j+1)*w], dist[j*w:(j+1)*w]
		if j+1 < h {
			fromRow(r, rd, T[(j+1)*w:(j+2)*w], dist[(j+1)*w:(j+2)*w], a, b)
		}
		if i := min(b, w-1) - 1; i >= a {
			t, d := r[i+1], rd[i+1] // the cell to the east, carried along
			for ; i >= a; i-- {
				t, d = relax(r[i], rd[i], t, d, cell, cellT)
				r[i], rd[i] = t, d
			}
		}
	}
	return nil
}

// spreadSpans returns, for each row, the columns [lo, hi) that spread can
// lower: those within steps cells (in rows and columns) of a finite cell.
// Land further from every reached cell needs more than steps moves of at
// least one cell each, so it stays +Inf throughout both passes, and
// skipping it gives the same grid bit for bit (TestSpreadSpansExact).
func spreadSpans(T []float32, w, h, steps int) (lo, hi []int32) {
	inf := float32(math.Inf(1))
	first, last := make([]int32, h), make([]int32, h) // finite columns; first > last when none
	for j := range h {
		r := T[j*w : (j+1)*w]
		a, b := 0, w-1
		for a < w && r[a] == inf {
			a++
		}
		for b >= a && r[b] == inf {
			b--
		}
		first[j], last[j] = int32(a), int32(b)
	}
	lo, hi = make([]int32, h), make([]int32, h)
	for j := range h {
		a, b := int32(w), int32(-1)
		for k := max(0, j-steps); k <= min(h-1, j+steps); k++ {
			if first[k] <= last[k] {
				a, b = min(a, first[k]), max(b, last[k])
			}
		}
		if a > b {
			continue // lo == hi == 0: nothing to lower
		}
		lo[j], hi[j] = max(0, a-int32(steps)), min(int32(w), b+int32(steps)+1)
	}
	return lo, hi
}
