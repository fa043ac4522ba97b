package study

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/report"
)

// Query answers point questions about a prepared study (the isochrone from
// or to a clicked point, the residents inside it, the difference an
// alternative makes) for a server: the networks are the study's, built once
// by Prepare and shared read-only; each network keeps a pool of search
// workspaces so that concurrent queries allocate no per-node arrays.
//
// Residents are counted on the study's population surface: a surface cell
// (250 m by default) counts in a band when the travel time of the grid cell
// holding its centre is within the band. This samples the grid at the
// surface's cells instead of resampling the surface onto each request's grid
// (which the comparison does, totals conserved); on a 250 m surface and a
// 100 m grid the two agree to within the residents of the boundary cells.
type Query struct {
	s    *Study
	opt  QueryOptions
	nets []Network
	// pools[i] holds *graph.Search workspaces of nets[i].
	pools []sync.Pool
	// populated surface cells, flat: centre, residents, county (-1 none)
	popLon, popLat []float64
	popN           []float32
	popCounty      []int16
	counties       []string
	estimate       bool

	// people on the study's whole grid, for the access tables (built once)
	peopleOnce sync.Once
	people     *report.People
	peopleErr  error

	placesMu sync.Mutex
	places   map[string][]places.Place
	access   []accessOnce

	// ch[i] is network i's contraction hierarchy once built (Warm), for
	// one-to-all searches by PHAST; nil: Dijkstra.
	ch []atomic.Pointer[graph.CH]

	// levels of detail: one frame over the study's area per cell size
	// (DetailFactors times the finest), with each network's road cells
	// walked on first use.
	levels []queryLevel
}

// DetailFactors are the cell sizes, as multiples of QueryOptions.Fill's,
// that a query may be answered on: the finest whose grid has at most
// QueryOptions.DetailCells cells.
var DetailFactors = []float64{1, 1.5, 2, 3, 4, 6, 8, 12, 16}

// PHASTMaxNodes: networks of at most this many nodes answer a query with a
// sweep over their whole hierarchy (graph.Search.RunCH), larger ones with a
// Dijkstra search cut at the query's minutes. A sweep costs about 15 ns a
// node of the whole network, a search about 120 ns a node it settles, so
// the sweep pays while a query reaches more than about an eighth of the
// network. Measured: on Delaware (54k nodes) a 60-minute query settles
// 25-38k nodes, sweep 0.8 ms against 5 ms; on a 4 x 4 Delaware mosaic
// (866k nodes) sweep 13 ms against 3 ms for a 60-minute search settling
// 26k nodes (105 ms for all of them). At 300,000 nodes a sweep costs about
// 4 ms, what a 60-minute search costs in a dense county; an assumption
// beyond the two measured sizes.
const PHASTMaxNodes = 300_000

type queryLevel struct {
	frame isochrone.Frame
	nets  []levelNet
}

type levelNet struct {
	once sync.Once
	rc   *isochrone.RoadCells
	err  error
}

// QueryOptions set how queries are answered. Zero values take the defaults.
type QueryOptions struct {
	// Fill sets the grid (cell size, access speed and distance); zero
	// fields take the study's isochrones keys. Box and MaxSeconds are set
	// per query.
	Fill isochrone.FillOptions
	// MaxCells refuses a query whose grid would have more cells (default
	// isochrone.MaxCells).
	MaxCells int
	// DetailCells: a query whose grid at Fill.CellMetres would have more
	// cells is answered on coarser cells (DetailFactors), the finest that
	// keep it within DetailCells, as a web map shows less detail zoomed
	// out. Default DefaultDetailCells; negative: always the finest cells.
	DetailCells int
}

// DefaultDetailCells is the default QueryOptions.DetailCells: a grid of
// about 320 x 320 cells, a cell two or three pixels of a browser's map
// pane showing the whole isochrone; an assumption sized by the load test
// (docs/serve.md, "Speed and load").
const DefaultDetailCells = 100_000

type accessOnce struct {
	once sync.Once
	done chan struct{}
	tab  *AccessTable
	err  error
}

// NewQuery prepares point queries over s: the population surface is built
// (once per study) and its populated cells listed with their county.
func NewQuery(s *Study, opt QueryOptions) (*Query, error) {
	if opt.Fill.CellMetres <= 0 {
		opt.Fill.CellMetres = s.Spec.Isochrones.CellMetres
	}
	if opt.Fill.CellMetres <= 0 {
		opt.Fill.CellMetres = 100
	}
	if opt.Fill.AccessMetres == 0 {
		opt.Fill.AccessMetres = s.Spec.Isochrones.AccessMetres
	}
	if opt.Fill.AccessKmh <= 0 {
		opt.Fill.AccessKmh = s.Spec.Isochrones.AccessKmh
	}
	if opt.MaxCells <= 0 || opt.MaxCells > isochrone.MaxCells {
		opt.MaxCells = isochrone.MaxCells
	}
	if opt.DetailCells == 0 {
		opt.DetailCells = DefaultDetailCells
	}
	if err := opt.Fill.Validate(); err != nil {
		return nil, fmt.Errorf("query options: %w", err)
	}
	q := &Query{s: s, opt: opt, nets: s.Networks(), places: map[string][]places.Place{}}
	if err := q.makeLevels(); err != nil {
		return nil, err
	}
	q.pools = make([]sync.Pool, len(q.nets))
	for i := range q.nets {
		g := q.nets[i].Graph
		q.pools[i].New = func() any {
			sr := graph.NewSearch(g)
			sr.NoPaths = true
			return sr
		}
	}
	q.ch = make([]atomic.Pointer[graph.CH], len(q.nets))
	for i, n := range q.nets {
		if c := n.Graph.CH; c != nil && n.Graph.NumNodes() <= PHASTMaxNodes && c.Valid(n.Graph) {
			q.ch[i].Store(c)
		}
	}
	q.access = make([]accessOnce, len(q.nets))
	for i := range q.access {
		q.access[i].done = make(chan struct{})
	}
	if err := q.indexPeople(); err != nil {
		return nil, err
	}
	return q, nil
}

// indexPeople lists the populated cells of the study's surface.
func (q *Query) indexPeople() error {
	s := q.s
	surf, err := s.Surface()
	if err != nil {
		return err
	}
	if surf.Total() == 0 {
		return nil
	}
	var zone []int16
	if s.Settlements != nil {
		level := s.Spec.PopulationAdminLevel
		if level == 0 {
			level = population.DefaultAdminLevel
		}
		z, cs, err := population.ZonesOf(surf, s.Settlements.Boundaries, level)
		if err != nil {
			return err
		}
		var names []string
		for _, c := range cs {
			names = append(names, c.Name)
		}
		zone, q.counties = s.regionCounties(z, names)
	}
	for j := 0; j < surf.H; j++ {
		for i := 0; i < surf.W; i++ {
			k := j*surf.W + i
			v := surf.Pop[k]
			if !(v > 0) {
				continue
			}
			lon, lat := surf.Centre(i, j)
			q.popLon, q.popLat, q.popN = append(q.popLon, lon), append(q.popLat, lat), append(q.popN, v)
			c := int16(-1)
			if zone != nil {
				c = zone[k]
			}
			q.popCounty = append(q.popCounty, c)
			if surf.Estimate != nil && surf.Estimate[k] {
				q.estimate = true
			}
		}
	}
	return nil
}

// makeLevels lays one frame per level of detail over every node of every
// network, padded by the access distance and two of its cells.
func (q *Query) makeLevels() error {
	box := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, n := range q.nets {
		if n.Graph.NumNodes() == 0 {
			continue
		}
		lo, hi := n.Graph.Bounds()
		box = [4]float64{min(box[0], lo.Lon), min(box[1], lo.Lat), max(box[2], hi.Lon), max(box[3], hi.Lat)}
	}
	if !(box[0] <= box[2]) {
		return errors.New("query: the networks have no nodes")
	}
	for _, f := range DetailFactors {
		cell := q.opt.Fill.CellMetres * f
		if cell > isochrone.MaxCellMetres {
			break
		}
		fr, err := isochrone.NewFrame(isochrone.PadBox(box, max(q.opt.Fill.AccessMetres, 0)+2*cell), cell)
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		q.levels = append(q.levels, queryLevel{frame: fr, nets: make([]levelNet, len(q.nets))})
		if q.opt.DetailCells < 0 {
			break
		}
	}
	return nil
}

// level picks the finest level whose grid over the reached box (padded by
// the access distance and two of the level's cells) has at most
// DetailCells cells, the coarsest when none has; it returns the padded box.
func (q *Query) level(reached [4]float64) (int, [4]float64) {
	for l := range q.levels {
		f := &q.levels[l].frame
		b := isochrone.PadBox(reached, max(q.opt.Fill.AccessMetres, 0)+2*f.CellMetres)
		w, ok := f.Window(b)
		if !ok || q.opt.DetailCells < 0 || w.W*w.H <= q.opt.DetailCells || l == len(q.levels)-1 {
			return l, b
		}
	}
	panic("study: a query without levels")
}

// roadCells returns network i's road cells at level l, walked on first use.
func (q *Query) roadCells(ctx context.Context, l, i int) (*isochrone.RoadCells, error) {
	ln := &q.levels[l].nets[i]
	ln.once.Do(func() {
		// not ctx: the tables outlive the request that first needs them
		ln.rc, ln.err = isochrone.NewRoadCells(context.Background(), q.nets[i].Graph, q.levels[l].frame)
	})
	if ln.err != nil {
		return nil, ln.err
	}
	return ln.rc, ctx.Err()
}

// BuildHierarchies builds the contraction hierarchy of every network of
// at most PHASTMaxNodes nodes that has none, one at a time; queries use
// each as soon as it is ready.
func (q *Query) BuildHierarchies(ctx context.Context) error {
	for i, n := range q.nets {
		if q.ch[i].Load() != nil || n.Graph.NumNodes() > PHASTMaxNodes {
			continue
		}
		c, err := graph.BuildCHContext(ctx, n.Graph)
		if err != nil {
			return err
		}
		q.ch[i].Store(c)
	}
	return nil
}

// Study returns the study the query answers for.
func (q *Query) Study() *Study { return q.s }

// Networks lists the base and every valid alternative, base first.
func (q *Query) Networks() []Network { return q.nets }

// HasPeople reports whether the study has a population surface.
func (q *Query) HasPeople() bool { return len(q.popN) > 0 }

// Counties names the counties residents are split by (nil: none).
func (q *Query) Counties() []string { return q.counties }

// Options returns the effective options.
func (q *Query) Options() QueryOptions { return q.opt }

func (q *Query) network(name string) (int, error) {
	for i, n := range q.nets {
		if n.Name == name {
			return i, nil
		}
	}
	_, err := q.s.Network(name)
	return -1, err
}

// Places returns the places of a network (computed once per network).
func (q *Query) Places(name string) ([]places.Place, error) {
	i, err := q.network(name)
	if err != nil {
		return nil, err
	}
	q.placesMu.Lock()
	defer q.placesMu.Unlock()
	if ps, ok := q.places[name]; ok {
		return ps, nil
	}
	ps, err := q.s.Places(q.nets[i])
	if err != nil {
		return nil, err
	}
	q.places[name] = ps
	return ps, nil
}

// IsochroneResult is one isochrone of a network.
type IsochroneResult struct {
	Network   string
	Direction graph.Direction
	Point     graph.Point // the point asked for
	Snapped   graph.Point // where it was placed on the network
	SnapM     float64     // metres between them
	Minutes   []float64
	Bands     []isochrone.Band
	// Residents[i] live within Minutes[i] (cumulative); nil without a
	// population surface. ByCounty[c][i] splits them by Counties()[c].
	Residents  []float64
	ByCounty   [][]float64
	Estimate   bool // the figures rest on per-class defaults somewhere
	Grid       *isochrone.Grid
	CellMetres float64 // the grid's cell size (see QueryOptions.DetailCells)
	Settled    int     // nodes the search settled
}

// BadPointError says a point could not be placed on a network.
type BadPointError struct{ Err error }

func (e BadPointError) Error() string { return e.Err.Error() }
func (e BadPointError) Unwrap() error { return e.Err }

// checkQueryMinutes refuses minutes that are not increasing numbers in (0, 240].
func checkQueryMinutes(ms []float64) error {
	if len(ms) == 0 {
		return errors.New("minutes: none given")
	}
	for i, m := range ms {
		if !(m > 0) || m > 240 {
			return fmt.Errorf("minutes: %v: want 0 < minutes <= 240", m)
		}
		if i > 0 && m <= ms[i-1] {
			return fmt.Errorf("minutes: %v after %v: minutes must increase", m, ms[i-1])
		}
	}
	return nil
}

// Isochrone computes the bands reachable within each of minutes from
// (Outbound) or to (Inbound) pt on the named network, with the residents
// inside each band. A point farther than the profile's max_snap_m from a
// road is a BadPointError.
func (q *Query) Isochrone(ctx context.Context, name string, pt graph.Point, dir graph.Direction, minutes []float64) (*IsochroneResult, error) {
	return q.isochrone(ctx, name, []graph.Point{pt}, dir, minutes, nil)
}

// IsochroneMulti is Isochrone from (or to) the nearest of several points:
// one search seeded at all of them. Every point must lie on the network.
func (q *Query) IsochroneMulti(ctx context.Context, name string, pts []graph.Point, dir graph.Direction, minutes []float64) (*IsochroneResult, error) {
	if len(pts) == 0 {
		return nil, BadPointError{errors.New("no point given")}
	}
	return q.isochrone(ctx, name, pts, dir, minutes, nil)
}

// isochrone is Isochrone on the grid of a given reached box (of several
// networks' searches) when reached is not nil.
func (q *Query) isochrone(ctx context.Context, name string, pts []graph.Point, dir graph.Direction, minutes []float64, reached *[4]float64) (*IsochroneResult, error) {
	if err := checkQueryMinutes(minutes); err != nil {
		return nil, err
	}
	i, err := q.network(name)
	if err != nil {
		return nil, err
	}
	sr, sn, err := q.search(ctx, i, pts, dir, minutes[len(minutes)-1])
	if err != nil {
		return nil, err
	}
	defer q.pools[i].Put(sr)
	limit := minutes[len(minutes)-1]
	var rb [4]float64
	if reached != nil {
		rb = *reached
	} else {
		var ok bool
		if rb, ok = isochrone.ReachedBox(q.nets[i].Graph, sr, limit*60000); !ok {
			return nil, isochrone.ErrNothingReached
		}
	}
	l, b := q.level(rb)
	rc, err := q.roadCells(ctx, l, i)
	if err != nil {
		return nil, err
	}
	fo := q.opt.Fill
	fo.MaxSeconds = limit * 60
	fo.Box = b
	fo.MaxBytes = int64(q.opt.MaxCells) * isochrone.BytesPerCell
	grid, err := rc.Fill(ctx, sr, fo)
	if err != nil {
		return nil, err
	}
	bands, err := isochrone.BandsContext(ctx, grid, minutes)
	if err != nil {
		return nil, err
	}
	r := &IsochroneResult{Network: name, Direction: dir, Point: pts[0], Snapped: sn.Point, SnapM: sn.Dist,
		Minutes: minutes, Bands: bands, Grid: grid, CellMetres: rc.CellMetres, Settled: sr.Settled()}
	r.Residents, r.ByCounty = q.residents(grid, minutes)
	r.Estimate = q.estimate
	return r, nil
}

// search snaps pts and runs one search from all of them on network i up
// to limit minutes; the caller puts the workspace back in the pool. The
// snap returned is the first point's.
func (q *Query) search(ctx context.Context, i int, pts []graph.Point, dir graph.Direction, limitMin float64) (*graph.Search, graph.Snap, error) {
	g := q.nets[i].Graph
	so := q.s.Profile.SnapOptions()
	so.NoControlled = true
	if q.s.Profile.MaxSnapMetres > 0 {
		so.MaxDist = q.s.Profile.MaxSnapMetres
	}
	var seeds []graph.Seed
	var first graph.Snap
	for k, pt := range pts {
		sn, err := g.SnapPoint(pt, so)
		if err != nil {
			return nil, sn, BadPointError{fmt.Errorf("point %d: %w", k+1, err)}
		}
		if k == 0 {
			first = sn
		}
		seeds = g.Seeds(seeds, sn, dir)
	}
	sn := first
	sr := q.pools[i].Get().(*graph.Search)
	var err error
	if c := q.ch[i].Load(); c != nil {
		err = sr.RunCH(ctx, c, dir, seeds, uint32(limitMin*60000))
	} else {
		err = sr.RunContext(ctx, dir, seeds, graph.Stop{Limit: uint32(limitMin * 60000)})
	}
	if err != nil {
		q.pools[i].Put(sr)
		return nil, sn, err
	}
	return sr, sn, nil
}

// residents sums the populated surface cells whose centre the grid reaches
// within each of minutes.
func (q *Query) residents(grid *isochrone.Grid, minutes []float64) ([]float64, [][]float64) {
	if len(q.popN) == 0 {
		return nil, nil
	}
	out := make([]float64, len(minutes))
	by := make([][]float64, len(q.counties))
	for c := range by {
		by[c] = make([]float64, len(minutes))
	}
	lim := float32(minutes[len(minutes)-1] * 60)
	for k, v := range q.popN {
		ci, cj, ok := grid.Cell(q.popLon[k], q.popLat[k])
		if !ok {
			continue
		}
		t := grid.T[cj*grid.W+ci]
		if !(t <= lim) {
			continue
		}
		for b, m := range minutes {
			if float64(t) <= m*60 {
				out[b] += float64(v)
				if c := q.popCounty[k]; c >= 0 && int(c) < len(by) {
					by[c][b] += float64(v)
				}
			}
		}
	}
	return out, by
}

// DiffResult is an alternative's isochrone beside the base's from the same
// point, on one grid, with where it saves time.
type DiffResult struct {
	Base, Alt *IsochroneResult
	// Gains[i] is the land reached within the last band in both networks
	// where the alternative saves at least DiffSteps[i] minutes; Losses the
	// same where it costs as much. Newly is reached within the last band by
	// the alternative only, Lost by the base only.
	Gains, Losses []isochrone.Band
	Newly, Lost   []isochrone.Polygon
	Steps         []float64
	// Gainers are the residents whose time falls by at least 1 minute or
	// who are newly reached; Losers the opposite (nil without residents).
	Gainers, Losers *float64
}

// Difference computes the base's and an alternative's isochrones from pt on
// one shared grid and classifies the time the alternative saves (within the
// last band) in steps of DiffSteps minutes.
func (q *Query) Difference(ctx context.Context, alt string, pt graph.Point, dir graph.Direction, minutes []float64) (*DiffResult, error) {
	if err := checkQueryMinutes(minutes); err != nil {
		return nil, err
	}
	ai, err := q.network(alt)
	if err != nil {
		return nil, err
	}
	limit := minutes[len(minutes)-1]
	// The shared box: everything either network reaches within the limit.
	var box [4]float64
	first := true
	for _, i := range []int{0, ai} {
		sr, _, err := q.search(ctx, i, []graph.Point{pt}, dir, limit)
		if err != nil {
			return nil, err
		}
		b, ok := isochrone.ReachedBox(q.nets[i].Graph, sr, limit*60000)
		q.pools[i].Put(sr)
		if !ok {
			continue
		}
		if first {
			box, first = b, false
			continue
		}
		box = [4]float64{min(box[0], b[0]), min(box[1], b[1]), max(box[2], b[2]), max(box[3], b[3])}
	}
	if first {
		return nil, isochrone.ErrNothingReached
	}
	d := &DiffResult{Steps: DiffSteps}
	if d.Base, err = q.isochrone(ctx, "base", []graph.Point{pt}, dir, minutes, &box); err != nil {
		return nil, err
	}
	if d.Alt, err = q.isochrone(ctx, alt, []graph.Point{pt}, dir, minutes, &box); err != nil {
		return nil, err
	}
	diff, err := report.DiffWithin(d.Base.Grid, d.Alt.Grid, limit)
	if err != nil {
		return nil, err
	}
	cls := report.Classify(diff, DiffSteps)
	d.Gains, d.Losses = cls.Gains, cls.Losses
	d.Newly, d.Lost = cls.NewlyReached, cls.NoLongerReached
	if len(q.popN) > 0 {
		var gain, loss float64
		for k, v := range q.popN {
			ci, cj, ok := diff.Cell(q.popLon[k], q.popLat[k])
			if !ok {
				continue
			}
			t := diff.T[cj*diff.W+ci]
			switch {
			case t >= 60: // saves a minute or more, or newly reached (+Inf)
				gain += float64(v)
			case t <= -60:
				loss += float64(v)
			}
		}
		d.Gainers, d.Losers = &gain, &loss
	}
	return d, nil
}
