package isochrone

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestContourSingleCell(t *testing.T) {
	tests := []struct {
		name string
		g    *Grid
		want Polygon
	}{
		{"alone", drawGrid("#"), Polygon{{{-0.5, 0}, {0, -0.5}, {0.5, 0}, {0, 0.5}, {-0.5, 0}}}},
		{"middle", drawGrid("...", ".#.", "..."), Polygon{{{0.5, 1}, {1, 0.5}, {1.5, 1}, {1, 1.5}, {0.5, 1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Contour(tt.g, 0)
			if len(got) != 1 || !equalPolygon(got[0], tt.want) {
				t.Fatalf("got %v want [%v]", got, tt.want)
			}
		})
	}
}

func equalPolygon(a, b Polygon) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for k := range a[i] {
			if a[i][k] != b[i][k] {
				return false
			}
		}
	}
	return true
}

func TestContourShapes(t *testing.T) {
	tests := []struct {
		name  string
		g     *Grid
		thr   float64
		rings string  // rings per polygon, in order
		area  float64 // planar, cell units, holes subtracted
	}{
		{"empty", drawGrid("...", "..."), 0, "", 0},
		{"all", drawGrid("##", "##"), 0, "1", 4 - 4.0/8},
		{"two islands", drawGrid("#.#"), 0, "1,1", 1},
		{"ring with hole and island", drawGrid(
			"#####",
			"#...#",
			"#.#.#",
			"#...#",
			"#####"), 0, "2,1", 16.5},
		{"three holes in a row", drawGrid(
			"#######",
			"#.#.#.#",
			"#######"), 0, "4", 0},
		{"nested three deep", drawGrid(
			"#########",
			"#.......#",
			"#.#####.#",
			"#.#...#.#",
			"#.#.#.#.#",
			"#.#...#.#",
			"#.#####.#",
			"#.......#",
			"#########"), 0, "2,2,1", 0},
		{"two outers with holes side by side", drawGrid(
			"#####.#####",
			"#.#.#.#.#.#",
			"#####.#####"), 0, "3,3", 0},
		{"u shape around a hole's west", drawGrid(
			"#######",
			"#.....#",
			"#.###.#",
			"#.#.#.#",
			"#.###.#",
			"#.#####",
			"#######"), 0, "3", 0},
		{"level 2 of a slope", drawGrid("01234", "12345", "23456"), 120, "1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Contour(tt.g, tt.thr)
			if d := describe(got); d != tt.rings {
				t.Fatalf("got rings per polygon %q want %q", d, tt.rings)
			}
			if err := checkPolygons(got); err != nil {
				t.Fatal(err)
			}
			if err := checkSamples(tt.g, tt.thr, got); err != nil {
				t.Fatal(err)
			}
			if tt.area != 0 {
				a := 0.0
				for _, p := range got {
					a += planarArea(p[0])
					for _, h := range p[1:] {
						a += planarArea(h)
					}
				}
				if math.Abs(a-tt.area) > 1e-12 {
					t.Errorf("got area %v want %v", a, tt.area)
				}
			}
		})
	}
}

func TestContourRingsMergeCollinear(t *testing.T) {
	got := Contour(drawGrid(
		"#####",
		"#...#",
		"#.#.#",
		"#...#",
		"#####"), 0)
	// Octagons (8 vertices + closing) for the frame and its hole, a diamond
	// for the island.
	want := [][]int{{9, 9}, {5}}
	for i, p := range got {
		for k, r := range p {
			if i >= len(want) || k >= len(want[i]) || len(r) != want[i][k] {
				t.Fatalf("polygon %d ring %d: got %d positions want %v", i, k, len(r), want)
			}
		}
	}
}

func TestContourSaddle(t *testing.T) {
	g := drawGrid("#5", "5#") // corners 0 and 300 s; centre mean 150 s
	tests := []struct {
		thr   float64
		polys int
	}{
		{100, 2}, // centre out: corners separate
		{200, 1}, // centre in: joined
	}
	for _, tt := range tests {
		got := Contour(g, tt.thr)
		if len(got) != tt.polys {
			t.Errorf("threshold %v: got %d polygons want %d", tt.thr, len(got), tt.polys)
		}
		if err := checkPolygons(got); err != nil {
			t.Errorf("threshold %v: %v", tt.thr, err)
		}
		if in, want := (Band{Polygons: got}).Contains(0.5, 0.5), tt.polys == 1; in != want {
			t.Errorf("threshold %v: centre in band %v want %v", tt.thr, in, want)
		}
	}
	// An unreached corner keeps the saddle open whatever the threshold.
	g = drawGrid("#.", "5#")
	if got := Contour(g, 200); len(got) != 2 {
		t.Errorf("saddle with +Inf: got %d polygons want 2", len(got))
	}
}

func TestContourInterpolates(t *testing.T) {
	// Times 0, 60, 120 s along one row, threshold 90 s: the crossing between
	// the 60 s and 120 s centres is halfway (x = 1.5); against the unreached
	// padding crossings sit at edge midpoints (x = -0.5, y = +-0.5).
	g := &Grid{DLon: 1, DLat: 1, W: 3, H: 1, T: []float32{0, 60, 120}}
	got := Contour(g, 90)
	want := Polygon{{{-0.5, 0}, {0, -0.5}, {1, -0.5}, {1.5, 0}, {1, 0.5}, {0, 0.5}, {-0.5, 0}}}
	if len(got) != 1 || !equalPolygon(got[0], want) {
		t.Fatalf("got %v want [%v]", got, want)
	}
	// A threshold on a sample is moved off it by edgeEps of a cell.
	got = Contour(g, 60)
	if len(got) != 1 || math.Abs(got[0][0][3][0]-(1+edgeEps)) > 1e-15 {
		t.Fatalf("got %v want the crossing at x = 1+%v", got, edgeEps)
	}
}

func TestContourNoNaNFromInf(t *testing.T) {
	inf := float32(math.Inf(1))
	g := &Grid{DLon: 1, DLat: 1, W: 3, H: 2, T: []float32{
		float32(math.Inf(-1)), inf, 0,
		float32(math.NaN()), 5, inf,
	}}
	for _, thr := range []float64{-1, 0, 5, 1e30, math.Inf(1)} {
		got := Contour(g, thr)
		for _, p := range got {
			for _, r := range p {
				for _, q := range r {
					if math.IsNaN(q[0]) || math.IsNaN(q[1]) {
						t.Fatalf("threshold %v: got NaN in %v", thr, got)
					}
				}
			}
		}
		if err := checkPolygons(got); err != nil {
			t.Errorf("threshold %v: %v", thr, err)
		}
		if err := checkSamples(g, thr, got); err != nil {
			t.Errorf("threshold %v: %v", thr, err)
		}
	}
	if got := Contour(g, math.NaN()); got != nil {
		t.Errorf("NaN threshold: got %v want nil", got)
	}
}

func TestContourCone(t *testing.T) {
	// T = distance from the centre in metres (1 m/s): the r-metre contour
	// encloses pi r².
	const lon0, lat0 = 116.4, 39.9 // Beijing
	g, err := NewGrid(lon0-0.3, lat0-0.25, lon0+0.3, lat0+0.25, 100)
	if err != nil {
		t.Fatal(err)
	}
	const rad = math.Pi / 180
	for j := 0; j < g.H; j++ {
		for i := 0; i < g.W; i++ {
			lon, lat := g.Centre(i, j)
			dx := (lon - lon0) * rad * earthRadius * math.Cos(lat0*rad)
			dy := (lat - lat0) * rad * earthRadius
			g.Set(i, j, float32(math.Hypot(dx, dy)))
		}
	}
	for _, r := range []float64{1000, 5000, 15000} {
		got := Contour(g, r)
		if len(got) != 1 || len(got[0]) != 1 {
			t.Fatalf("r %v: got rings per polygon %q want 1", r, describe(got))
		}
		want := math.Pi * r * r / 1e6
		if a := AreaKm2(got[0]); math.Abs(a-want)/want > 0.02 {
			t.Errorf("r %v: got area %.3f km² want %.3f (2%%)", r, a, want)
		}
	}
}

// randomGrid makes a small grid with ties, unreached cells, NaN and negative
// times, the cases that break contouring.
func randomGrid(rng *rand.Rand, w, h int) *Grid {
	g := &Grid{MinLon: 100 + rng.Float64(), MinLat: 30 + rng.Float64(), DLon: 0.01, DLat: 0.008, W: w, H: h}
	g.T = make([]float32, w*h)
	for k := range g.T {
		switch x := rng.IntN(20); {
		case x < 4:
			g.T[k] = float32(math.Inf(1))
		case x == 4:
			g.T[k] = float32(math.NaN())
		case x == 5:
			g.T[k] = -60
		case x < 12:
			g.T[k] = float32(rng.IntN(5) * 60) // ties with the thresholds
		default:
			g.T[k] = float32(rng.Float64() * 300)
		}
	}
	return g
}

func TestContourRandomValid(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 2000
	if testing.Short() {
		n = 200
	}
	for it := 0; it < n; it++ {
		g := randomGrid(rng, 1+rng.IntN(12), 1+rng.IntN(12))
		thr := float64(rng.IntN(5) * 60)
		if it%2 == 1 {
			thr += rng.Float64() * 60
		}
		got := Contour(g, thr)
		if err := checkPolygons(got); err != nil {
			t.Fatalf("grid %d (%dx%d, threshold %v): %v\nT = %v", it, g.W, g.H, thr, err, g.T)
		}
		if err := checkSamples(g, thr, got); err != nil {
			t.Fatalf("grid %d (%dx%d): %v\nT = %v", it, g.W, g.H, err, g.T)
		}
	}
}

func TestBandsNest(t *testing.T) {
	g := radialGrid(200, 160, 7)
	minutes := []float64{15, 30, 45, 60}
	bands := Bands(g, minutes)
	locs := make([]*Locator, len(bands))
	for i, b := range bands {
		if b.Minutes != minutes[i] {
			t.Fatalf("band %d: got minutes %v want %v", i, b.Minutes, minutes[i])
		}
		if err := checkSamples(g, minutes[i]*60, b.Polygons); err != nil {
			t.Fatalf("band %d: %v", i, err)
		}
		locs[i] = NewLocator(b)
		if i > 0 && b.AreaKm2() < bands[i-1].AreaKm2() {
			t.Errorf("band %d: got area %v < band %d area %v", i, b.AreaKm2(), i-1, bands[i-1].AreaKm2())
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		lon := g.MinLon + (rng.Float64()*1.1-0.05)*float64(g.W)*g.DLon
		lat := g.MinLat + (rng.Float64()*1.1-0.05)*float64(g.H)*g.DLat
		for i := 1; i < len(bands); i++ {
			if locs[i-1].Contains(lon, lat) && !locs[i].Contains(lon, lat) {
				t.Fatalf("(%v, %v) in the %v min band but not in the %v min band", lon, lat, minutes[i-1], minutes[i])
			}
		}
	}
	// Every vertex of an inner band lies in or on the outer band.
	for i := 1; i < len(bands); i++ {
		for _, p := range bands[i-1].Polygons {
			for _, r := range p {
				for _, q := range r {
					if !locs[i].Contains(q[0], q[1]) && !onBoundary(bands[i], q) {
						t.Fatalf("vertex %v of the %v min band outside the %v min band", q, minutes[i-1], minutes[i])
					}
				}
			}
		}
	}
}

// onBoundary reports whether q lies on an edge of b (to 1e-12 degrees).
func onBoundary(b Band, q [2]float64) bool {
	for _, p := range b.Polygons {
		for _, r := range p {
			for k := 1; k < len(r); k++ {
				if segmentDistance(r[k-1], r[k], q) < 1e-12 {
					return true
				}
			}
		}
	}
	return false
}

func segmentDistance(a, b, q [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := ((q[0]-a[0])*dx + (q[1]-a[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(a[0]+t*dx-q[0], a[1]+t*dy-q[1])
}

func TestBandsValidRealistic(t *testing.T) {
	g := radialGrid(120, 90, 11)
	for _, b := range Bands(g, []float64{10, 20, 40}) {
		if err := checkPolygons(b.Polygons); err != nil {
			t.Fatalf("%v min: %v", b.Minutes, err)
		}
	}
}

func TestContourMalformedGridPanics(t *testing.T) {
	tests := []struct {
		name string
		g    *Grid
	}{
		{"short T", &Grid{DLon: 1, DLat: 1, W: 2, H: 2, T: make([]float32, 3)}},
		{"no cells", &Grid{DLon: 1, DLat: 1}},
		{"zero cell size", &Grid{W: 1, H: 1, T: make([]float32, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("got no panic want one")
				}
			}()
			Contour(tt.g, 0)
		})
	}
}

// TestContourerReused: one Contourer given the times of grid after grid of
// one shape contours each as Contour does, at several thresholds.
func TestContourerReused(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for shape := range 20 {
		w, h := 1+rng.IntN(12), 1+rng.IntN(12)
		first := randomGrid(rng, w, h)
		c := NewContourer(first)
		for it := range 30 {
			g := first
			if it > 0 {
				g = randomGrid(rng, w, h)
				g.MinLon, g.MinLat = first.MinLon, first.MinLat
				c.SetTimes(g.T)
			}
			for _, thr := range []float64{0, 60, 90.5, 240} {
				if got, want := c.Contour(thr), Contour(g, thr); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("shape %d grid %d threshold %v: reused Contourer gives %v, Contour %v", shape, it, thr, got, want)
				}
			}
		}
	}
}

// TestContourerRows checks SetTimesRows against Contour of the same grid:
// the times reach nothing outside a band of rows (everything there +Inf
// or above the threshold), the workspace holds other grids' times before
// (reached everywhere, so stale rows would show), and the band touches the
// grid's edges in some shapes.
func TestContourerRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for shape := range 20 {
		w, h := 1+rng.IntN(14), 1+rng.IntN(14)
		full := randomGrid(rng, w, h)
		c := NewContourer(full)
		for it := range 30 {
			g := randomGrid(rng, w, h)
			g.MinLon, g.MinLat = full.MinLon, full.MinLat
			j0 := rng.IntN(h)
			j1 := j0 + 1 + rng.IntN(h-j0)
			for k := range g.T {
				if j := k / w; j < j0 || j >= j1 {
					g.T[k] = []float32{float32(math.Inf(1)), float32(math.NaN()), 1e6}[rng.IntN(3)]
				}
			}
			if it%3 == 0 {
				c.SetTimes(full.T) // reached everywhere: stale rows would show
			}
			c.SetTimesRows(g.T, j0, j1)
			for _, thr := range []float64{0, 60, 90.5, 240} {
				if got, want := c.Contour(thr), Contour(g, thr); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("shape %d grid %d rows [%d, %d) threshold %v: SetTimesRows gives %v, Contour %v", shape, it, j0, j1, thr, got, want)
				}
			}
		}
	}
}

// TestContourPooledWorkspace checks contours from reused workspaces (the
// pool, warmed by grids of the same shape before) against a new workspace
// for every grid, for Contour, Bands and a released Contourer.
func TestContourPooledWorkspace(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for shape := range 6 {
		w, h := 2+rng.IntN(20), 2+rng.IntN(20)
		for it := range 25 {
			g := randomGrid(rng, w, h)
			for _, thr := range []float64{0, 60, 90.5, 240} {
				want := fmt.Sprint(allocContourer(g).contour(thr))
				if got := fmt.Sprint(Contour(g, thr)); got != want {
					t.Fatalf("shape %d grid %d threshold %v: pooled Contour %v, new workspace %v", shape, it, thr, got, want)
				}
			}
			bands := Bands(g, []float64{1, 2, 4})
			for i, m := range []float64{1, 2, 4} {
				if got, want := fmt.Sprint(bands[i].Polygons), fmt.Sprint(allocContourer(g).contour(m*60)); got != want {
					t.Fatalf("shape %d grid %d band %v: pooled Bands %v, new workspace %v", shape, it, m, got, want)
				}
			}
			c := NewContourer(g)
			got := fmt.Sprint(c.Contour(90.5))
			c.Release()
			if want := fmt.Sprint(allocContourer(g).contour(90.5)); got != want {
				t.Fatalf("shape %d grid %d: Contourer %v, new workspace %v", shape, it, got, want)
			}
		}
	}
}
