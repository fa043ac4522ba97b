package isochrone

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/fastroad/fastroad/graph"
)

// Frame is a fixed cell geometry over an area: the cells NewGrid would make
// for a box, without the times. Grids cut from one frame (Window) align
// cell for cell, whatever part of it each covers.
type Frame struct {
	MinLon, MinLat float64 // centre of cell (0, 0)
	DLon, DLat     float64 // cell size in degrees
	W, H           int
	CellMetres     float64
}

// NewFrame returns the geometry NewGrid gives the box (minLon, minLat,
// maxLon, maxLat) with cells of cellMetres.
func NewFrame(box [4]float64, cellMetres float64) (Frame, error) {
	for _, v := range append(box[:], cellMetres) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Frame{}, fmt.Errorf("frame box %v cell %v m: not finite", box, cellMetres)
		}
	}
	if box[1] < -89 || box[3] > 89 || box[1] > box[3] {
		return Frame{}, fmt.Errorf("frame latitudes %v..%v: want -89 <= min <= max <= 89", box[1], box[3])
	}
	if box[0] > box[2] || box[2]-box[0] > 360 {
		return Frame{}, fmt.Errorf("frame longitudes %v..%v: want min <= max, at most 360 degrees apart", box[0], box[2])
	}
	if !(cellMetres > 0) {
		return Frame{}, fmt.Errorf("frame cell size %v m: want > 0", cellMetres)
	}
	w, h := gridSize(box[0], box[1], box[2], box[3], cellMetres)
	if w > math.MaxInt32 || h > math.MaxInt32 {
		return Frame{}, fmt.Errorf("frame of %.0fx%.0f cells of %v m: too many", w, h, cellMetres)
	}
	dLat, dLon := cellDegrees(box[1], box[3], cellMetres)
	return Frame{MinLon: box[0], MinLat: box[1], DLon: dLon, DLat: dLat, W: int(w), H: int(h), CellMetres: cellMetres}, nil
}

// cell is the frame cell whose centre is nearest to p (as Grid.Cell).
func (f *Frame) cell(lon, lat float64) (i, j int32, ok bool) {
	x := math.Floor((lon-f.MinLon)/f.DLon + 0.5)
	y := math.Floor((lat-f.MinLat)/f.DLat + 0.5)
	if !(x >= 0 && y >= 0 && x < float64(f.W) && y < float64(f.H)) {
		return -1, -1, false
	}
	return int32(x), int32(y), true
}

// Window is the part of a frame a grid covers: columns I0..I0+W-1, rows
// J0..J0+H-1.
type Window struct{ I0, J0, W, H int }

// Window returns the window of box clipped to the frame, as NewGrid covers
// a box: from the cell nearest its south-west corner to the first cells
// whose centres reach its east and north edges (the frame's own box gives
// the whole frame); ok is false when box and frame do not meet.
func (f *Frame) Window(box [4]float64) (Window, bool) {
	i0 := math.Floor((box[0]-f.MinLon)/f.DLon + 0.5)
	j0 := math.Floor((box[1]-f.MinLat)/f.DLat + 0.5)
	i1 := math.Ceil((box[2]-f.MinLon)/f.DLon - 1e-9)
	j1 := math.Ceil((box[3]-f.MinLat)/f.DLat - 1e-9)
	i0, j0 = max(i0, 0), max(j0, 0)
	i1, j1 = min(i1, float64(f.W-1)), min(j1, float64(f.H-1))
	if !(i0 <= i1 && j0 <= j1) {
		return Window{}, false
	}
	return Window{I0: int(i0), J0: int(j0), W: int(i1-i0) + 1, H: int(j1-j0) + 1}, true
}

// Full is the window of the whole frame.
func (f *Frame) Full() Window { return Window{W: f.W, H: f.H} }

// Grid returns a grid over window w with every cell +Inf.
func (f *Frame) Grid(w Window) (*Grid, error) {
	if w.W <= 0 || w.H <= 0 || w.I0 < 0 || w.J0 < 0 || w.I0+w.W > f.W || w.J0+w.H > f.H {
		return nil, fmt.Errorf("window %+v outside the frame of %dx%d cells", w, f.W, f.H)
	}
	if w.W*w.H > MaxCells {
		return nil, fmt.Errorf("grid of %dx%d cells of %v m: more than %d cells", w.W, w.H, f.CellMetres, MaxCells)
	}
	g := &Grid{MinLon: f.MinLon + float64(w.I0)*f.DLon, MinLat: f.MinLat + float64(w.J0)*f.DLat,
		DLon: f.DLon, DLat: f.DLat, W: w.W, H: w.H}
	g.T = make([]float32, w.W*w.H)
	inf := float32(math.Inf(1))
	for k := range g.T {
		g.T[k] = inf
	}
	return g, nil
}

// RoadCells lists, for one graph and one frame, the cells each land-access
// segment passes through (walked along its geometry in steps of half a
// cell, as Fill describes) with the least and greatest fraction along the
// segment at which it is in that cell. The time a search gives a cell
// through a segment is least at one of those two fractions (it grows along
// the segment from one end and falls towards the other), so a fill reads
// two numbers per cell instead of walking the geometry again: many searches
// on one network (the destinations of a comparison, the clicks on a map
// server) walk it once. Read-only after NewRoadCells; safe for concurrent
// fills.
type RoadCells struct {
	Frame
	g     *graph.Graph
	segs  []roadSeg
	cells []roadCell
}

type roadSeg struct {
	from, to         int32    // end nodes
	wf, wb           uint32   // arc weights forward and backward; Inf when closed
	first            uint32   // its cells are cells[first : next segment's first]
	fromCell, toCell [2]int32 // the frame cells of its end nodes; -1 outside
}

type roadCell struct {
	i, j   int32
	lo, hi float64 // fractions along the segment
}

// NewRoadCells walks every land-access segment of g over frame f.
func NewRoadCells(ctx context.Context, g *graph.Graph, f Frame) (*RoadCells, error) {
	return newRoadCells(ctx, g, f, nil)
}

// NewRoadCellsFor walks g over the frame of opt.Box (which must be set)
// with cells of opt.CellMetres (default 100): the tables for many fills
// with these options.
func NewRoadCellsFor(ctx context.Context, g *graph.Graph, opt FillOptions) (*RoadCells, error) {
	opt.defaults()
	if opt.Box == ([4]float64{}) {
		return nil, fmt.Errorf("isochrone: road cells need a fixed box")
	}
	f, err := NewFrame(opt.Box, opt.CellMetres)
	if err != nil {
		return nil, err
	}
	return NewRoadCells(ctx, g, f)
}

// Bytes is the memory the tables take.
func (rc *RoadCells) Bytes() int64 {
	return int64(len(rc.segs))*36 + int64(len(rc.cells))*24
}

// newRoadCells walks the land-access segments of g (those keep accepts,
// when set) in the order of placeOrder: a first pass over the segments
// finds their end cells and sorts them by place; the second walks each
// segment's geometry in that order, into tables made once at their size
// (the cells' from the roads' length, which it exceeds on real networks by
// about 5 to 10%) instead of grown and then copied in order.
func newRoadCells(ctx context.Context, g *graph.Graph, f Frame, keep func(si int) bool) (*RoadCells, error) {
	rc := &RoadCells{Frame: f, g: g}
	var ids []int32 // the segments walked, in segment order
	metres := 0.0
	for si := range g.Segments {
		if si%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !LandAccess(&g.Segments[si]) || (keep != nil && !keep(si)) {
			continue
		}
		ids = append(ids, int32(si))
		metres += max(g.Segments[si].Length, 0)
	}
	order := placeOrder(g, &f, ids)
	weights := arcWeights(g)
	rc.segs = make([]roadSeg, len(ids))
	est := 1.2*(metres/f.CellMetres+float64(len(ids))) + 16
	rc.cells = make([]roadCell, 0, int(min(est, 32*float64(len(ids))+1024)))
	var pts []graph.Point
	for n, k := range order {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		si := ids[k]
		first := len(rc.cells)
		rs := f.segmentEnds(g, si)
		rs.wf, rs.wb = weights[2*si], weights[2*si+1]
		rc.cells, pts = f.walkSegment(g, si, rc.cells, pts)
		rs.first = uint32(first)
		rc.segs[n] = rs
	}
	return rc, nil
}

// placeOrder returns the order (indices into ids) that sorts the segments
// along a Z-order curve of their first end's cell, ties in segment order,
// so that a fill writes the grid in nearby places one after another
// instead of all over it.
func placeOrder(g *graph.Graph, f *Frame, ids []int32) []int32 {
	zs := make([]uint64, len(ids))
	for k, si := range ids {
		c := f.nodeCell(g, g.Segments[si].From)
		zs[k] = zorder(uint32(max(c[0], 0)), uint32(max(c[1], 0)))
	}
	// The curve of cells below 2^b takes 2b bits: with the rank below it
	// the keys sort as plain numbers.
	if b := bits.Len(uint(max(f.W, f.H, 1))); 2*b+bits.Len(uint(len(ids))) <= 64 {
		return sortPacked(zs)
	}
	return sortPairs(zs)
}

// sortPacked returns the indices of zs in the order of (zs[k], k), each
// zs[k]<<bits.Len(len(zs)) | k fitting 64 bits.
func sortPacked(zs []uint64) []int32 {
	kb := bits.Len(uint(len(zs)))
	keys := make([]uint64, len(zs))
	for k, z := range zs {
		keys[k] = z<<kb | uint64(k)
	}
	slices.Sort(keys)
	order := make([]int32, len(zs))
	for i, key := range keys {
		order[i] = int32(key & (1<<kb - 1))
	}
	return order
}

// sortPairs is sortPacked for any keys.
func sortPairs(zs []uint64) []int32 {
	order := make([]int32, len(zs))
	for k := range order {
		order[k] = int32(k)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Or(cmp.Compare(zs[a], zs[b]), cmp.Compare(a, b)) })
	return order
}

// arcWeights returns the weight of each segment's forward arc at 2s and of
// its backward arc at 2s+1 (g.ArcWeight's, Inf where there is none), in one
// pass over the arcs instead of a search of the tail's arcs per segment.
func arcWeights(g *graph.Graph) []uint32 {
	w := make([]uint32, 2*len(g.Segments))
	for i := range w {
		w[i] = graph.Inf
	}
	for a, key := range g.Out.Seg {
		if int(key) < len(w) {
			w[key] = g.Out.Weight(uint32(a))
		}
	}
	return w
}

// zorder interleaves the low 22 bits of x and y.
func zorder(x, y uint32) uint64 {
	var z uint64
	for b := 0; b < 22; b++ {
		z |= uint64(x>>b&1)<<(2*b) | uint64(y>>b&1)<<(2*b+1)
	}
	return z
}

// segmentCells appends to dst the cells segment si passes through, walked
// in steps of half a cell, and returns its end nodes' cells; pts is
// scratch space.
func (f *Frame) segmentCells(g *graph.Graph, si int32, dst []roadCell, pts []graph.Point) (roadSeg, []roadCell, []graph.Point) {
	rs := f.segmentEnds(g, si)
	if w, ok := g.ArcWeight(si, false); ok {
		rs.wf = w
	}
	if w, ok := g.ArcWeight(si, true); ok {
		rs.wb = w
	}
	dst, pts = f.walkSegment(g, si, dst, pts)
	return rs, dst, pts
}

// nodeCell is the frame cell of node v; -1, -1 outside the frame.
func (f *Frame) nodeCell(g *graph.Graph, v int32) [2]int32 {
	p := g.Node(v)
	i, j, _ := f.cell(p.Lon, p.Lat)
	return [2]int32{i, j}
}

// segmentEnds is segment si's end nodes and their cells, with closed
// (Inf) weights.
func (f *Frame) segmentEnds(g *graph.Graph, si int32) roadSeg {
	seg := &g.Segments[si]
	return roadSeg{from: seg.From, to: seg.To, wf: graph.Inf, wb: graph.Inf, fromCell: f.nodeCell(g, seg.From), toCell: f.nodeCell(g, seg.To)}
}

// walkSegment appends to dst the cells segment si passes through, walked
// in steps of half a cell; pts is scratch space.
func (f *Frame) walkSegment(g *graph.Graph, si int32, dst []roadCell, pts []graph.Point) ([]roadCell, []graph.Point) {
	if g.Segments[si].Length <= 0 {
		return dst, pts
	}
	// Steps along the geometry use a local planar metric (metres per
	// degree at the segment's latitude): exact enough to place half-cell
	// steps, and the fraction along the segment is taken on the same
	// metric, so the ends keep their exact times.
	step := f.CellMetres / 2
	pts = g.Shape(pts[:0], si)
	kx := 111320 * math.Cos(pts[0].Lat*math.Pi/180)
	const ky = 110574.0
	plen := func(a, b graph.Point) float64 { return math.Hypot((b.Lon-a.Lon)*kx, (b.Lat-a.Lat)*ky) }
	total := 0.0
	for k := 0; k+1 < len(pts); k++ {
		total += plen(pts[k], pts[k+1])
	}
	if total <= 0 {
		return dst, pts
	}
	first := len(dst)
	along := 0.0
	for k := 0; k+1 < len(pts); k++ {
		a, b := pts[k], pts[k+1]
		l := plen(a, b)
		n := int(l/step) + 1
		for q := 0; q <= n; q++ {
			u := float64(q) / float64(n)
			i, j, ok := f.cell(a.Lon+u*(b.Lon-a.Lon), a.Lat+u*(b.Lat-a.Lat))
			if !ok {
				continue
			}
			fr := (along + u*l) / total
			if last := len(dst) - 1; last >= first && dst[last].i == i && dst[last].j == j {
				c := &dst[last]
				c.lo, c.hi = min(c.lo, fr), max(c.hi, fr)
				continue
			}
			dst = append(dst, roadCell{i: i, j: j, lo: fr, hi: fr})
		}
		along += l
	}
	return dst, pts
}

// Fill returns the travel-time grid of the last run of s, which must have
// run on the graph the tables were built for. The grid is the window of the
// frame that holds opt.Box, or when that is zero the box of what the search
// reached within MaxSeconds plus AccessMetres and two cells; the frame's
// cell size is used (opt.CellMetres is ignored). Times are those Fill gives
// on a grid of the same cells.
func (rc *RoadCells) Fill(ctx context.Context, s *graph.Search, opt FillOptions) (*Grid, error) {
	if s.Graph() != rc.g {
		return nil, fmt.Errorf("isochrone: a search of another graph than the road cells'")
	}
	opt.CellMetres = rc.CellMetres
	opt.defaults()
	maxMs := opt.MaxSeconds * 1000
	box, err := fillBox(rc.g, s, opt, maxMs)
	if err != nil {
		return nil, err
	}
	win, ok := rc.Window(box)
	if !ok {
		return nil, ErrNothingReached
	}
	return rc.fill(ctx, s, opt, win, maxMs)
}

// PadBox widens a lon/lat box by m metres on every side.
func PadBox(box [4]float64, m float64) [4]float64 {
	dLat := m / 111000
	dLon := dLat / math.Max(math.Cos((box[1]+box[3])/2*math.Pi/180), 0.01)
	return [4]float64{box[0] - dLon, box[1] - dLat, box[2] + dLon, box[3] + dLat}
}

func (rc *RoadCells) fill(ctx context.Context, s *graph.Search, opt FillOptions, win Window, maxMs float64) (*Grid, error) {
	if opt.MaxBytes > 0 {
		if need := int64(win.W*win.H) * BytesPerCell; win.W*win.H < MaxCells && need > opt.MaxBytes {
			return nil, &GridTooLargeError{W: win.W, H: win.H, CellMetres: rc.CellMetres, Bytes: need, Limit: opt.MaxBytes}
		}
	}
	grid, err := rc.Grid(win)
	if err != nil {
		return nil, err
	}
	dist := scratchDist(len(grid.T)) // metres from the road cell a time came from
	defer distances.Put(dist)
	if err := rc.stamp(ctx, s, grid, *dist, win, maxMs); err != nil {
		return nil, err
	}
	if err := spread(ctx, grid, *dist, opt); err != nil {
		return nil, err
	}
	return grid, nil
}

// stamp lowers every window cell a reached segment passes through to the
// best time along it within the cell, and the cells of reached nodes to
// their times.
func (rc *RoadCells) stamp(ctx context.Context, s *graph.Search, grid *Grid, dist []float32, win Window, maxMs float64) error {
	st := newStamper(s, grid, dist, win, maxMs)
	for n := range rc.segs {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		end := uint32(len(rc.cells))
		if n+1 < len(rc.segs) {
			end = rc.segs[n+1].first
		}
		st.segment(&rc.segs[n], rc.cells[rc.segs[n].first:end])
	}
	return nil
}

// stamper writes one search's times into a window grid, segment by segment.
type stamper struct {
	s          *graph.Search
	inbound    bool
	i0, j0     int32
	w, h       int32
	T, dist    []float32
	maxMs, inf float64
}

func newStamper(s *graph.Search, grid *Grid, dist []float32, win Window, maxMs float64) *stamper {
	return &stamper{s: s, inbound: s.Direction() == graph.Inbound,
		i0: int32(win.I0), j0: int32(win.J0), w: int32(win.W), h: int32(win.H),
		T: grid.T, dist: dist, maxMs: maxMs, inf: math.Inf(1)}
}

func (st *stamper) put(i, j int32, ms float64) {
	if ms > st.maxMs {
		return
	}
	i, j = i-st.i0, j-st.j0
	if uint32(i) >= uint32(st.w) || uint32(j) >= uint32(st.h) {
		return
	}
	k := j*st.w + i
	if t := float32(ms / 1000); t < st.T[k] {
		st.T[k] = t
		st.dist[k] = 0
	}
}

// segment stamps one segment's end nodes and cells.
func (st *stamper) segment(rs *roadSeg, cells []roadCell) {
	tf, tt := st.s.Time(rs.from), st.s.Time(rs.to)
	if tf == graph.Inf && tt == graph.Inf {
		return
	}
	if tf != graph.Inf {
		st.put(rs.fromCell[0], rs.fromCell[1], float64(tf))
	}
	if tt != graph.Inf {
		st.put(rs.toCell[0], rs.toCell[1], float64(tt))
	}
	if len(cells) == 0 || float64(min(tf, tt)) > st.maxMs {
		return // the time along the segment is never below its ends' least
	}
	wf, wb := rs.wf, rs.wb
	okf, okb := wf != graph.Inf, wb != graph.Inf
	// The time at fraction f is the least of a term growing with f
	// (a + f*ga) and one falling with it (b + (1-f)*gb); either is +Inf
	// when that way in is closed or unreached.
	a, ga, b, gb := st.inf, 0.0, st.inf, 0.0
	if !st.inbound {
		if okf && tf != graph.Inf {
			a, ga = float64(tf), float64(wf)
		}
		if okb && tt != graph.Inf {
			b, gb = float64(tt), float64(wb)
		}
	} else {
		if okf && tt != graph.Inf {
			b, gb = float64(tt), float64(wf)
		}
		if okb && tf != graph.Inf {
			a, ga = float64(tf), float64(wb)
		}
	}
	for _, c := range cells {
		st.put(c.i, c.j, min(a+c.lo*ga, b+(1-c.hi)*gb))
	}
}
