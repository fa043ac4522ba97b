package isochrone

import (
	"math"
	"testing"
)

func TestNewGrid(t *testing.T) {
	tests := []struct {
		name                           string
		minLon, minLat, maxLon, maxLat float64
		cell                           float64
		w, h                           int
		err                            bool
	}{
		// 0.1 degree of latitude is 11.1195 km: 112 rows of 100 m reach it.
		{"equator", 100, 0, 100.1, 0.1, 100, 113, 113, false},
		// At 60 degrees a degree of longitude is half as long.
		{"sixty north", 10, 59.95, 10.2, 60.05, 100, 113, 113, false},
		{"one cell", 116, 40, 116, 40, 500, 1, 1, false},
		{"exact fit", 0, 0, 0, 10 * 100 / (earthRadius * math.Pi / 180), 100, 1, 11, false},
		{"swapped lat", 116, 41, 117, 40, 100, 0, 0, true},
		{"swapped lon", 117, 40, 116, 41, 100, 0, 0, true},
		{"pole", 0, 80, 1, 90, 100, 0, 0, true},
		{"zero cell", 116, 40, 117, 41, 0, 0, 0, true},
		{"NaN", math.NaN(), 40, 117, 41, 100, 0, 0, true},
		{"too many cells", 73, 18, 135, 54, 10, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := NewGrid(tt.minLon, tt.minLat, tt.maxLon, tt.maxLat, tt.cell)
			if (err != nil) != tt.err {
				t.Fatalf("got error %v want error %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if g.W != tt.w || g.H != tt.h {
				t.Errorf("got %dx%d cells want %dx%d", g.W, g.H, tt.w, tt.h)
			}
			if len(g.T) != g.W*g.H || !math.IsInf(float64(g.T[len(g.T)-1]), 1) {
				t.Errorf("got %d times, last %v, want %d at +Inf", len(g.T), g.T[len(g.T)-1], g.W*g.H)
			}
			if g.MinLon != tt.minLon || g.MinLat != tt.minLat {
				t.Errorf("got cell (0, 0) at %v, %v want %v, %v", g.MinLon, g.MinLat, tt.minLon, tt.minLat)
			}
			lastLon, lastLat := g.Centre(g.W-1, g.H-1)
			if lastLon < tt.maxLon-1e-9 || lastLat < tt.maxLat-1e-9 || lastLon-g.DLon >= tt.maxLon || lastLat-g.DLat >= tt.maxLat {
				t.Errorf("got last centre %v, %v for box up to %v, %v", lastLon, lastLat, tt.maxLon, tt.maxLat)
			}
			// Cells are square in metres at the mid latitude.
			mid := (tt.minLat + tt.maxLat) / 2 * math.Pi / 180
			dx := g.DLon * math.Pi / 180 * earthRadius * math.Cos(mid)
			dy := g.DLat * math.Pi / 180 * earthRadius
			if math.Abs(dx-tt.cell) > 1e-6 || math.Abs(dy-tt.cell) > 1e-6 {
				t.Errorf("got cells %v x %v m want %v", dx, dy, tt.cell)
			}
		})
	}
}

func TestGridCells(t *testing.T) {
	g, err := NewGrid(113.5, 22.1, 114.5, 22.9, 250)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]int{{0, 0}, {g.W - 1, 0}, {3, 7}, {g.W - 1, g.H - 1}} {
		lon, lat := g.Centre(c[0], c[1])
		// Anywhere within the cell maps back to it.
		for _, d := range [][2]float64{{0, 0}, {0.49, 0.49}, {-0.49, 0.3}, {0.2, -0.49}} {
			i, j, ok := g.Cell(lon+d[0]*g.DLon, lat+d[1]*g.DLat)
			if !ok || i != c[0] || j != c[1] {
				t.Errorf("Cell(Centre(%v) + %v cells) = %d, %d, %v want %v", c, d, i, j, ok, c)
			}
		}
	}
	for _, p := range [][2]float64{{113.5 - g.DLon, 22.5}, {114, 22.1 - g.DLat}, {114.6, 22.5}, {114, 23}, {math.NaN(), 22.5}} {
		if i, j, ok := g.Cell(p[0], p[1]); ok {
			t.Errorf("Cell(%v) = %d, %d, true want outside", p, i, j)
		}
	}
	if k := g.Index(-1, 0); k != -1 {
		t.Errorf("Index(-1, 0) = %d want -1", k)
	}
	if k := g.Index(2, 1); k != g.W+2 {
		t.Errorf("Index(2, 1) = %d want %d", k, g.W+2)
	}
	if v := g.At(g.W, 0); !math.IsInf(float64(v), 1) {
		t.Errorf("At outside = %v want +Inf", v)
	}
}

func TestGridLower(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	tests := []struct {
		old, t, want float32
		lowered      bool
	}{
		{inf, 10, 10, true},
		{10, 5, 5, true},
		{5, 10, 5, false},
		{5, 5, 5, false},
		{nan, 7, 7, true},
		{7, nan, 7, false},
	}
	for _, tt := range tests {
		g := &Grid{W: 1, H: 1, DLon: 1, DLat: 1, T: []float32{tt.old}}
		got := g.Lower(0, tt.t)
		if got != tt.lowered || g.T[0] != tt.want {
			t.Errorf("Lower(%v onto %v): got %v, %v want %v, %v", tt.t, tt.old, g.T[0], got, tt.want, tt.lowered)
		}
	}
	g := &Grid{W: 2, H: 2, DLon: 1, DLat: 1, T: make([]float32, 4)}
	g.Set(1, 1, 42)
	if g.T[3] != 42 || g.At(1, 1) != 42 {
		t.Errorf("Set(1, 1, 42): got T %v", g.T)
	}
	defer func() {
		if recover() == nil {
			t.Error("Set outside the grid: got no panic")
		}
	}()
	g.Set(2, 0, 1)
}
