package isochrone

import (
	"context"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

// referenceFill is the fill before RoadCells: each reached segment walked
// along its geometry per search, each half-cell step stamped with the time
// there. RoadCells must give the same grid, bit for bit.
func referenceFill(g *graph.Graph, s *graph.Search, opt FillOptions) *Grid {
	opt.defaults()
	maxMs := opt.MaxSeconds * 1000
	box := opt.Box
	if box == ([4]float64{}) {
		box, _ = ReachedBox(g, s, maxMs)
		box = PadBox(box, opt.AccessMetres+2*opt.CellMetres)
	}
	grid, err := NewGrid(box[0], box[1], box[2], box[3], opt.CellMetres)
	if err != nil {
		panic(err)
	}
	dist := make([]float32, len(grid.T))
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
			continue
		}
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
	if err := spread(context.Background(), grid, dist, opt); err != nil {
		panic(err)
	}
	return grid
}

func loadDelaware(t testing.TB) *graph.Graph {
	t.Helper()
	open := func() (io.ReadCloser, error) { return os.Open("../testdata/delaware-latest.osm.pbf") }
	g, err := osm.Read(context.Background(), open, osm.Options{Profile: osm.DefaultProfile()})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func sameGrid(t *testing.T, what string, a, b *Grid) {
	t.Helper()
	if a.W != b.W || a.H != b.H || a.MinLon != b.MinLon || a.MinLat != b.MinLat || a.DLon != b.DLon || a.DLat != b.DLat {
		t.Fatalf("%s: grids differ in shape: %dx%d at %v,%v (%v,%v) vs %dx%d at %v,%v (%v,%v)", what,
			a.W, a.H, a.MinLon, a.MinLat, a.DLon, a.DLat, b.W, b.H, b.MinLon, b.MinLat, b.DLon, b.DLat)
	}
	diff, reached := 0, 0
	for k := range a.T {
		if a.T[k] != b.T[k] && !(math.IsInf(float64(a.T[k]), 1) && math.IsInf(float64(b.T[k]), 1)) {
			if diff < 3 {
				t.Errorf("%s: cell %d,%d: %v vs %v", what, k%a.W, k/a.W, a.T[k], b.T[k])
			}
			diff++
		}
		if !math.IsInf(float64(a.T[k]), 1) {
			reached++
		}
	}
	if diff > 0 {
		t.Errorf("%s: %d of %d cells differ", what, diff, len(a.T))
	}
	if reached < 1000 {
		t.Errorf("%s: only %d cells reached: the test proves little", what, reached)
	}
}

// TestRoadCellsMatchWalk: on Delaware, Fill (road cells of the reached
// segments) and a fill from road cells of the whole graph give exactly the
// grid the per-search walk gives, outbound and inbound, from one seed and
// from many, with a fixed box and with the reached one, at 100 and 250 m.
func TestRoadCellsMatchWalk(t *testing.T) {
	g := loadDelaware(t)
	s := graph.NewSearch(g)
	so := graph.SnapOptions{NoControlled: true}
	var seeds []graph.Seed
	for _, p := range []graph.Point{{Lon: -75.5511, Lat: 39.7368}, {Lon: -75.385, Lat: 38.690}, {Lon: -75.524, Lat: 39.158}} {
		sn, err := g.SnapPoint(p, so)
		if err != nil {
			t.Fatal(err)
		}
		seeds = g.Seeds(seeds, sn, graph.Outbound)
	}
	minLon, minLat, maxLon, maxLat := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for v := int32(0); v < int32(g.NumNodes()); v++ {
		p := g.Node(v)
		minLon, minLat, maxLon, maxLat = min(minLon, p.Lon), min(minLat, p.Lat), max(maxLon, p.Lon), max(maxLat, p.Lat)
	}
	whole := [4]float64{minLon, minLat, maxLon, maxLat}
	for _, cell := range []float64{100, 250} {
		f, err := NewFrame(whole, cell)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := NewRoadCells(context.Background(), g, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			dir   graph.Direction
			seeds []graph.Seed
			min   float64
		}{
			{"wilmington out 30", graph.Outbound, seeds[:1], 30},
			{"georgetown in 60", graph.Inbound, seeds[1:2], 60},
			{"three out 45", graph.Outbound, seeds, 45},
			{"three in 20", graph.Inbound, seeds, 20},
		} {
			s.Run(c.dir, c.seeds, graph.Stop{Limit: uint32(c.min * 60000)})
			opt := FillOptions{CellMetres: cell, AccessKmh: 15, AccessMetres: 2000, MaxSeconds: c.min * 60}
			got, err := Fill(g, s, opt)
			if err != nil {
				t.Fatal(err)
			}
			sameGrid(t, c.name+" reached box", referenceFill(g, s, opt), got)
			opt.Box = whole
			got, err = rc.Fill(context.Background(), s, opt)
			if err != nil {
				t.Fatal(err)
			}
			sameGrid(t, c.name+" whole box", referenceFill(g, s, opt), got)
		}
	}
}

// BenchmarkFill60 fills the grid of a 60-minute search from Georgetown on
// Delaware (100 m cells, 2 km at 15 km/h off the road, as the demo) by
// walking the reached roads (Fill) and from road cells built once
// (RoadCells.Fill, the map server's and the comparison's way), in one run.
func BenchmarkFill60(b *testing.B) {
	g := loadDelaware(b)
	s := graph.NewSearch(g)
	sn, err := g.SnapPoint(graph.Point{Lon: -75.385, Lat: 38.690}, graph.SnapOptions{NoControlled: true})
	if err != nil {
		b.Fatal(err)
	}
	s.Run(graph.Outbound, g.Seeds(nil, sn, graph.Outbound), graph.Stop{Limit: 3600000})
	opt := FillOptions{CellMetres: 100, AccessKmh: 15, AccessMetres: 2000, MaxSeconds: 3600}
	grid, err := Fill(g, s, opt)
	if err != nil {
		b.Fatal(err)
	}
	f, err := NewFrame([4]float64{-75.8, 38.4, -75.0, 39.9}, 100)
	if err != nil {
		b.Fatal(err)
	}
	rc, err := NewRoadCells(context.Background(), g, f)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("grid %dx%d; road cells %d MB", grid.W, grid.H, rc.Bytes()>>20)
	b.Run("walk", func(b *testing.B) {
		for b.Loop() {
			if _, err := Fill(g, s, opt); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			if _, err := rc.Fill(context.Background(), s, opt); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestSpreadNearExact compares the spread onto the land with a brute-force
// minimum over every road cell within AccessMetres (chamfer distance) on
// the 60-minute grid from Georgetown at 250 m: no cell may be reached that
// the brute force does not reach, and at most 2% of the reached cells may
// be missed or have another time (measured: 649 missed and 744 with
// another time of 67,284, about 1% each).
func TestSpreadNearExact(t *testing.T) {
	g := loadDelaware(t)
	s := graph.NewSearch(g)
	sn, err := g.SnapPoint(graph.Point{Lon: -75.385, Lat: 38.690}, graph.SnapOptions{NoControlled: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Run(graph.Outbound, g.Seeds(nil, sn, graph.Outbound), graph.Stop{Limit: 3600000})
	const cell, access, kmh = 250.0, 2000.0, 15.0
	box := [4]float64{-75.8, 38.4, -75.0, 39.4}
	roads, err := Fill(g, s, FillOptions{CellMetres: cell, AccessMetres: -1, MaxSeconds: 3600, Box: box})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Fill(g, s, FillOptions{CellMetres: cell, AccessKmh: kmh, AccessMetres: access, MaxSeconds: 3600, Box: box})
	if err != nil {
		t.Fatal(err)
	}
	w, h := roads.W, roads.H
	r := int(access/cell) + 1
	var reached, wrong, missed, extra int
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			best := math.Inf(1)
			for dj := -r; dj <= r; dj++ {
				for di := -r; di <= r; di++ {
					ii, jj := i+di, j+dj
					if ii < 0 || jj < 0 || ii >= w || jj >= h {
						continue
					}
					tr := float64(roads.T[jj*w+ii])
					if math.IsInf(tr, 1) {
						continue
					}
					a, b := math.Abs(float64(di)), math.Abs(float64(dj))
					d := (max(a, b)-min(a, b))*cell + min(a, b)*cell*math.Sqrt2
					if d <= access+1e-3 {
						best = min(best, tr+d*3.6/kmh)
					}
				}
			}
			v := float64(got.T[j*w+i])
			switch {
			case math.IsInf(best, 1) && !math.IsInf(v, 1):
				extra++
			case math.IsInf(best, 1):
			case math.IsInf(v, 1):
				missed++
			default:
				reached++
				if math.Abs(v-best) > 0.01 {
					wrong++
				}
			}
		}
	}
	t.Logf("%d cells reached, %d with another time, %d missed, %d extra", reached, wrong, missed, extra)
	if reached < 30000 || extra > 0 || float64(missed) > 0.02*float64(reached) || float64(wrong) > 0.02*float64(reached) {
		t.Errorf("%d reached, %d with another time, %d missed, %d reached that should not be", reached, wrong, missed, extra)
	}
}

// referenceSpread is spread as first written: every relaxation a separate
// read and write of the cell, over whole rows. TestSpreadSpansExact holds
// spread to it bit for bit.
func referenceSpread(grid *Grid, dist []float32, opt FillOptions) {
	w, h, T := grid.W, grid.H, grid.T
	cell := float32(opt.CellMetres)
	diag := cell * float32(math.Sqrt2)
	secPerM := float32(3.6 / opt.AccessKmh)
	cellT, diagT := cell*secPerM, diag*secPerM
	maxD := float32(opt.AccessMetres)
	from := func(k, n int, st, stT float32) {
		if d := dist[n] + st; d <= maxD {
			if t := T[n] + stT; t < T[k] {
				T[k], dist[k] = t, d
			}
		}
	}
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			if j > 0 {
				from(j*w+i, (j-1)*w+i, cell, cellT)
				if i > 0 {
					from(j*w+i, (j-1)*w+i-1, diag, diagT)
				}
				if i+1 < w {
					from(j*w+i, (j-1)*w+i+1, diag, diagT)
				}
			}
		}
		for i := 1; i < w; i++ {
			from(j*w+i, j*w+i-1, cell, cellT)
		}
	}
	for j := h - 1; j >= 0; j-- {
		for i := 0; i < w; i++ {
			if j+1 < h {
				from(j*w+i, (j+1)*w+i, cell, cellT)
				if i > 0 {
					from(j*w+i, (j+1)*w+i-1, diag, diagT)
				}
				if i+1 < w {
					from(j*w+i, (j+1)*w+i+1, diag, diagT)
				}
			}
		}
		for i := w - 2; i >= 0; i-- {
			from(j*w+i, j*w+i+1, cell, cellT)
		}
	}
}

// TestSpreadSpansExact checks that spread (over each row's span, the
// columns within reach of a finite cell), also over a distance grid reused
// without clearing, gives the grid referenceSpread gives over whole rows,
// bit for bit: sparse seeds, seeds on every edge, a
// reach wider than the grid, a cell size that does not divide the reach,
// and an empty grid.
func TestSpreadSpansExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 12))
	cases := []struct {
		w, h        int
		seeds       int
		cell, reach float64
	}{
		{200, 150, 12, 100, 2000},
		{200, 150, 1, 100, 2000},
		{90, 300, 30, 250, 1000},
		{60, 40, 5, 100, 50000},
		{300, 80, 40, 70, 930},
		{50, 50, 0, 100, 2000},
		{120, 90, 25, 100, 1500}, // every seed at the same time: ties everywhere
	}
	for n, c := range cases {
		T := make([]float32, c.w*c.h)
		for k := range T {
			T[k] = float32(math.Inf(1))
		}
		for range c.seeds {
			T[rng.IntN(len(T))] = float32(rng.Float64() * 3600)
			if n == 6 {
				T[rng.IntN(len(T))] = 600
			}
		}
		if c.seeds > 1 { // the four edges
			T[rng.IntN(c.w)] = 10
			T[(c.h-1)*c.w+rng.IntN(c.w)] = 20
			T[rng.IntN(c.h)*c.w] = 30
			T[rng.IntN(c.h)*c.w+c.w-1] = 40
		}
		opt := FillOptions{CellMetres: c.cell, AccessMetres: c.reach, AccessKmh: 5}
		// the reference below; spread; spread over a reused distance grid:
		// garbage (NaN, negative, huge) wherever the time is +Inf
		ref := &Grid{W: c.w, H: c.h, DLon: 1, DLat: 1, T: slices.Clone(T)}
		referenceSpread(ref, make([]float32, len(T)), opt)
		grids := [2]*Grid{}
		for s := range grids {
			g := &Grid{W: c.w, H: c.h, DLon: 1, DLat: 1, T: slices.Clone(T)}
			dist := make([]float32, len(T))
			if s == 1 {
				junk := []float32{float32(math.NaN()), -5000, 1e30, 3, float32(math.Inf(1))}
				for k := range dist {
					if math.IsInf(float64(T[k]), 1) {
						dist[k] = junk[k%len(junk)]
					}
				}
			}
			if err := spread(context.Background(), g, dist, opt); err != nil {
				t.Fatal(err)
			}
			grids[s] = g
		}
		reached := 0
		for k := range T {
			want, a, r := ref.T[k], grids[0].T[k], grids[1].T[k]
			bits := math.Float32bits
			if bits(want) != bits(a) || bits(a) != bits(r) {
				t.Fatalf("case %d: cell %d,%d: reference (whole rows) %v, spread (spans) %v, over a reused distance grid %v", n, k%c.w, k/c.w, want, a, r)
			}
			if !math.IsInf(float64(a), 1) {
				reached++
			}
		}
		if c.seeds > 0 && reached <= c.seeds+4 {
			t.Errorf("case %d: only %d cells reached from %d seeds: the spread did nothing", n, reached, c.seeds)
		}
	}
}

// BenchmarkSpread spreads a demo-sized grid (800 x 1700 cells of 100 m,
// one cell in 20 on a road, access 2 km at 15 km/h, as the demo study).
func BenchmarkSpread(b *testing.B) {
	const w, h = 800, 1700
	rng := rand.New(rand.NewPCG(1, 2))
	T := make([]float32, w*h)
	for k := range T {
		T[k] = float32(math.Inf(1))
		if rng.IntN(20) == 0 {
			T[k] = float32(rng.Float64() * 7200)
		}
	}
	opt := FillOptions{CellMetres: 100, AccessMetres: 2000, AccessKmh: 15}
	g := &Grid{W: w, H: h, DLon: 1, DLat: 1, T: make([]float32, len(T))}
	dist := make([]float32, len(T))
	b.ResetTimer()
	for b.Loop() {
		copy(g.T, T)
		clear(dist)
		if err := spread(context.Background(), g, dist, opt); err != nil {
			b.Fatal(err)
		}
	}
}
