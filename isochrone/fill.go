package isochrone

import (
	"context"
	"errors"
	"fmt"
	"math"

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
// cancelled.
func FillContext(ctx context.Context, g *graph.Graph, s *graph.Search, opt FillOptions) (*Grid, error) {
	opt.defaults()
	maxMs := opt.MaxSeconds * 1000
	box := opt.Box
	if box == ([4]float64{}) {
		var ok bool
		box, ok = reachedBox(g, s, maxMs)
		if !ok {
			return nil, ErrNothingReached
		}
		// margin: the access distance plus two cells
		m := opt.AccessMetres + 2*opt.CellMetres
		dLat := m / 111000
		dLon := dLat / math.Max(math.Cos((box[1]+box[3])/2*math.Pi/180), 0.01)
		box = [4]float64{box[0] - dLon, box[1] - dLat, box[2] + dLon, box[3] + dLat}
	}
	if opt.MaxBytes > 0 {
		w, h := gridSize(box[0], box[1], box[2], box[3], opt.CellMetres)
		if need := int64(w*h) * BytesPerCell; w*h < MaxCells && need > opt.MaxBytes {
			return nil, &GridTooLargeError{W: int(w), H: int(h), CellMetres: opt.CellMetres, Bytes: need, Limit: opt.MaxBytes}
		}
	}
	grid, err := NewGrid(box[0], box[1], box[2], box[3], opt.CellMetres)
	if err != nil {
		return nil, err
	}
	dist := make([]float32, len(grid.T)) // metres from the road cell a time came from
	if err := stampRoads(ctx, g, s, grid, dist, opt, maxMs); err != nil {
		return nil, err
	}
	if err := spread(ctx, grid, dist, opt); err != nil {
		return nil, err
	}
	return grid, nil
}

// reachedBox is the bounding box of nodes reached within maxMs that touch a
// land-access segment.
func reachedBox(g *graph.Graph, s *graph.Search, maxMs float64) ([4]float64, bool) {
	box := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	found := false
	for _, v := range s.Touched() {
		t := s.Time(v)
		if t == graph.Inf || float64(t) > maxMs {
			continue
		}
		p := g.Node(v)
		box[0], box[1] = math.Min(box[0], p.Lon), math.Min(box[1], p.Lat)
		box[2], box[3] = math.Max(box[2], p.Lon), math.Max(box[3], p.Lat)
		found = true
	}
	return box, found
}

// LandAccess reports whether a segment gives access to the land beside it.
func LandAccess(seg *graph.Segment) bool {
	return seg.Flags&(graph.Controlled|graph.Closed) == 0
}

func stampRoads(ctx context.Context, g *graph.Graph, s *graph.Search, grid *Grid, dist []float32, opt FillOptions, maxMs float64) error {
	step := opt.CellMetres / 2
	var pts []graph.Point
	inbound := s.Direction() == graph.Inbound
	stamp := func(p graph.Point, ms float64) {
		if ms > maxMs {
			return
		}
		i, j, ok := grid.Cell(p.Lon, p.Lat)
		if !ok {
			return
		}
		k := j*grid.W + i
		if t := float32(ms / 1000); t < grid.T[k] {
			grid.T[k] = t
			dist[k] = 0
		}
	}
	for si := range g.Segments {
		if si%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		seg := &g.Segments[si]
		if !LandAccess(seg) {
			continue
		}
		tf, tt := s.Time(seg.From), s.Time(seg.To)
		if tf == graph.Inf && tt == graph.Inf {
			continue
		}
		wf, okf := g.ArcWeight(int32(si), false)
		wb, okb := g.ArcWeight(int32(si), true)
		okf = okf && wf != graph.Inf
		okb = okb && wb != graph.Inf
		// time at fraction f along the segment
		at := func(f float64) float64 {
			best := math.Inf(1)
			if !inbound {
				if okf && tf != graph.Inf {
					best = math.Min(best, float64(tf)+f*float64(wf))
				}
				if okb && tt != graph.Inf {
					best = math.Min(best, float64(tt)+(1-f)*float64(wb))
				}
			} else {
				if okf && tt != graph.Inf {
					best = math.Min(best, float64(tt)+(1-f)*float64(wf))
				}
				if okb && tf != graph.Inf {
					best = math.Min(best, float64(tf)+f*float64(wb))
				}
			}
			return best
		}
		if tf != graph.Inf {
			stamp(g.Node(seg.From), float64(tf))
		}
		if tt != graph.Inf {
			stamp(g.Node(seg.To), float64(tt))
		}
		if seg.Length <= 0 || (float64(min(tf, tt)) > maxMs) {
			continue // the time along the segment is never below its ends' least
		}
		// Steps along the geometry use a local planar metric (metres per
		// degree at the segment's latitude): exact enough to place half-cell
		// steps, and the fraction along the segment is taken on the same
		// metric, so the ends keep their exact times. graph.Distance per
		// piece cost a third of the stamping.
		pts = g.Shape(pts[:0], int32(si))
		kx := 111320 * math.Cos(pts[0].Lat*math.Pi/180)
		const ky = 110574.0
		plen := func(a, b graph.Point) float64 { return math.Hypot((b.Lon-a.Lon)*kx, (b.Lat-a.Lat)*ky) }
		total := 0.0
		for k := 0; k+1 < len(pts); k++ {
			total += plen(pts[k], pts[k+1])
		}
		if total <= 0 {
			continue
		}
		along := 0.0
		for k := 0; k+1 < len(pts); k++ {
			a, b := pts[k], pts[k+1]
			l := plen(a, b)
			n := int(l/step) + 1
			for q := 0; q <= n; q++ {
				u := float64(q) / float64(n)
				p := graph.Point{Lon: a.Lon + u*(b.Lon-a.Lon), Lat: a.Lat + u*(b.Lat-a.Lat)}
				stamp(p, at((along+u*l)/total))
			}
			along += l
		}
	}
	return nil
}

// spread runs the two-pass chamfer transform that carries road times onto
// the land within AccessMetres at AccessKmh.
func spread(ctx context.Context, grid *Grid, dist []float32, opt FillOptions) error {
	if opt.AccessMetres <= 0 {
		return nil
	}
	w, h := grid.W, grid.H
	cell := float32(opt.CellMetres)
	diag := cell * float32(math.Sqrt2)
	secPerM := float32(3.6 / opt.AccessKmh)
	maxD := float32(opt.AccessMetres)
	T := grid.T
	relax := func(k, nb int, step float32) {
		tn := T[nb]
		if math.IsInf(float64(tn), 1) {
			return
		}
		d := dist[nb] + step
		if d > maxD {
			return
		}
		if t := tn + step*secPerM; t < T[k] {
			T[k], dist[k] = t, d
		}
	}
	for pass := 0; pass < 2; pass++ {
		// forward: from the south-west corner
		for j := 0; j < h; j++ {
			if j%64 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			for i := 0; i < w; i++ {
				k := j*w + i
				if i > 0 {
					relax(k, k-1, cell)
				}
				if j > 0 {
					relax(k, k-w, cell)
					if i > 0 {
						relax(k, k-w-1, diag)
					}
					if i+1 < w {
						relax(k, k-w+1, diag)
					}
				}
			}
		}
		// backward: from the north-east corner
		for j := h - 1; j >= 0; j-- {
			if j%64 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			for i := w - 1; i >= 0; i-- {
				k := j*w + i
				if i+1 < w {
					relax(k, k+1, cell)
				}
				if j+1 < h {
					relax(k, k+w, cell)
					if i+1 < w {
						relax(k, k+w+1, diag)
					}
					if i > 0 {
						relax(k, k+w-1, diag)
					}
				}
			}
		}
	}
	return nil
}
