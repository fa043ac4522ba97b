package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/render"
)

var (
	inf32 = float32(math.Inf(1))
	nan32 = float32(math.NaN())
)

func grid(w, h int, t ...float32) *isochrone.Grid {
	return &isochrone.Grid{MinLon: 0, MinLat: 0, DLon: 0.01, DLat: 0.01, W: w, H: h, T: t}
}

// TestDiffWithin: with a limit of 100 min (6000 s) a time of 7000 s counts
// as not reached.
func TestDiffWithin(t *testing.T) {
	base := grid(6, 1, 600, 7000, inf32, 100, nan32, 5000)
	alt := grid(6, 1, 300, 5000, 50, 11000, nan32, 7000)
	d, err := DiffWithin(base, alt, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{
		300,    // 600 - 300
		inf32,  // base beyond the limit, alt within: newly reached
		inf32,  // base unreached
		-inf32, // alt beyond the limit: no longer reached
		nan32,  // neither
		-inf32, // alt 7000 beyond the limit
	}
	for i, w := range want {
		if g := d.T[i]; !(g == w || g != g && w != w) {
			t.Errorf("cell %d: got %v want %v", i, g, w)
		}
	}
	// No limit: every finite time counts.
	d, _ = DiffWithin(base, alt, 0)
	if d.T[1] != 2000 || d.T[3] != -10900 {
		t.Errorf("no limit: got %v, %v want 2000, -10900", d.T[1], d.T[3])
	}
	for _, lim := range []float64{-1, math.NaN()} {
		if _, err := DiffWithin(base, alt, lim); err == nil || !strings.Contains(err.Error(), "limit") {
			t.Errorf("limit %v: got %v, want an error naming the limit", lim, err)
		}
	}
	short := grid(6, 1, 1, 2, 3)
	if _, err := DiffWithin(base, short, 0); err == nil {
		t.Error("6x1 grid with 3 times: got no error")
	}
}

// TestClassifyRim is the rim artefact of issue 7 by hand. A 4x3 grid: the
// west half is 50 min from an entrance in both networks; the east half is
// 61.0 min in the base and 59.3 in the alternative. Filled only to 60 min,
// the base leaves the east half unreached: that is "newly reached", never a
// saving. Filled far enough, the east half saves 1.7 min: in "saves >= 1",
// not in "saves >= 5" or "saves >= 10".
func TestClassifyRim(t *testing.T) {
	const w, e61, e59 = 3000, 3660, 3558
	e60 := inf32
	steps := []float64{1, 5, 10}
	alt := grid(4, 3, w, w, e59, e59, w, w, e59, e59, w, w, e59, e59)
	cut := grid(4, 3, w, w, e60, e60, w, w, e60, e60, w, w, e60, e60)
	full := grid(4, 3, w, w, e61, e61, w, w, e61, e61, w, w, e61, e61)
	east := func(lon float64) bool { return lon >= 0.015-1e-12 } // half way between columns 1 and 2
	for _, tt := range []struct {
		name        string
		base        *isochrone.Grid
		limit       float64
		gains       []bool // some polygon per step
		newly, gone bool
	}{
		{"base filled to 60 min", cut, 0, []bool{false, false, false}, true, false},
		{"both filled to 180", full, 180, []bool{true, false, false}, false, false},
		// a 60-min limit on full grids is the same as grids cut at 60
		{"limit 60 on full grids", full, 60, []bool{false, false, false}, true, false},
	} {
		d, err := DiffWithin(tt.base, alt, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		c := Classify(d, steps)
		for k := range steps {
			if got := len(c.Gains[k].Polygons) > 0; got != tt.gains[k] {
				t.Errorf("%s: saves >= %g: got polygons %v, want %v", tt.name, steps[k], got, tt.gains[k])
			}
			if len(c.Losses[k].Polygons) > 0 {
				t.Errorf("%s: loses >= %g: got polygons, want none", tt.name, steps[k])
			}
		}
		if got := len(c.NewlyReached) > 0; got != tt.newly {
			t.Errorf("%s: newly reached: got %v want %v", tt.name, got, tt.newly)
		}
		if got := len(c.NoLongerReached) > 0; got != tt.gone {
			t.Errorf("%s: no longer reached: got %v want %v", tt.name, got, tt.gone)
		}
		// every class lies in the east half only
		for _, p := range append(append([]isochrone.Polygon(nil), c.NewlyReached...), c.Gains[0].Polygons...) {
			for _, q := range p[0] {
				if !east(q[0]) {
					t.Errorf("%s: got a vertex at %v, want the east half only (lon >= 0.015)", tt.name, q)
				}
			}
		}
	}
	// The old encoding, +Inf as a saving, is exactly what DiffBands no longer counts.
	d, _ := Diff(cut, alt)
	if gains, _ := DiffBands(d, steps); len(gains[2].Polygons) != 0 {
		t.Errorf("DiffBands: got a saves >= 10 area from unreached base cells, want none")
	}
}

// TestClassifyCells: a cell centre lies in the polygons of a class exactly
// when the cell is in the class, whatever its neighbours (unreached, NaN,
// other classes).
func TestClassifyCells(t *testing.T) {
	// 6x4, seconds saved; rows south to north
	d := grid(6, 4,
		700, 700, inf32, nan32, -700, -inf32,
		650, 100, inf32, 900, -100, nan32,
		nan32, 800, -inf32, 600, 610, inf32,
		-650, 599, 1200, nan32, inf32, 3000)
	steps := []float64{5, 10, 20}
	c := Classify(d, steps)
	classes := []struct {
		name  string
		polys []isochrone.Polygon
		in    func(v float32) bool
	}{
		{"newly reached", c.NewlyReached, func(v float32) bool { return v == inf32 }},
		{"no longer reached", c.NoLongerReached, func(v float32) bool { return v == -inf32 }},
	}
	for k, m := range steps {
		s := float32(m * 60)
		classes = append(classes,
			struct {
				name  string
				polys []isochrone.Polygon
				in    func(v float32) bool
			}{fmt.Sprintf("saves %g", m), c.Gains[k].Polygons, func(v float32) bool { return v != inf32 && v >= s }},
			struct {
				name  string
				polys []isochrone.Polygon
				in    func(v float32) bool
			}{fmt.Sprintf("loses %g", m), c.Losses[k].Polygons, func(v float32) bool { return v != -inf32 && v <= -s }})
	}
	for _, cl := range classes {
		b := isochrone.Band{Polygons: cl.polys}
		for j := 0; j < d.H; j++ {
			for i := 0; i < d.W; i++ {
				lon, lat := d.Centre(i, j)
				v := d.T[j*d.W+i]
				if got, want := b.Contains(lon, lat), cl.in(v); got != want {
					t.Errorf("%s: cell (%d,%d) = %v: got inside %v, want %v", cl.name, i, j, v, got, want)
				}
			}
		}
	}
}

func TestBeyondLimit(t *testing.T) {
	lim := 180.0 // 10800 s; the rim is 10740 < t <= 10800
	tests := []struct {
		name string
		g    *isochrone.Grid
		want int
	}{
		{"all well inside", grid(3, 1, 100, 200, inf32), 0},
		{"rim cell beside an unreached one", grid(3, 1, 100, 10790, inf32), 1},
		{"rim cell beside a NaN one", grid(3, 1, 100, 10790, nan32), 1},
		{"rim cell with reached neighbours", grid(3, 1, 10700, 10790, 10795), 0},
		{"rim cell on the grid's edge", grid(2, 1, 10000, 10790), 0},
		{"past the limit", grid(3, 1, 100, 11000, 12000), 2},
	}
	other := grid(3, 1, 0, 0, 0)
	for _, tt := range tests {
		o := other
		if tt.g.W != 3 {
			o = grid(2, 1, 0, 0)
		}
		if got := BeyondLimit(tt.g, o, lim); got != tt.want {
			t.Errorf("%s: got %d want %d", tt.name, got, tt.want)
		}
		if got := AnyBeyondLimit(lim, nil, o, tt.g); got != (tt.want > 0) {
			t.Errorf("%s: AnyBeyondLimit %v, want %v", tt.name, got, tt.want > 0)
		}
	}
	if got := BeyondLimit(grid(3, 1, 100, 11000, 12000), other, 0); got != 0 {
		t.Errorf("no limit: got %d want 0", got)
	}
}

func TestDiffLayersLegend(t *testing.T) {
	d, _ := DiffWithin(grid(2, 1, 900, inf32), grid(2, 1, 100, 100), 180)
	c := Classify(d, []float64{1, 5, 10})
	areas, legend := diffLayers(c, 180, true, i18n.EN)
	var texts []string
	for _, l := range legend {
		texts = append(texts, l.Text)
	}
	// The classes nest: each colour reads as the range up to the next step.
	want := []string{"More than 10 min faster", "5–10 min faster", "1–5 min faster", "1–5 min slower", "5–10 min slower", "More than 10 min slower",
		"Newly reached within 180 min", "No longer reached within 180 min", "beyond 180 min in both: not compared"}
	if !slices.Equal(texts, want) {
		t.Errorf("legend: got %q want %q", texts, want)
	}
	// cell 0 saves 800 s (>= 1, 5, 10 min), cell 1 is newly reached: 3 + 1 areas
	if len(areas) != 4 {
		t.Errorf("got %d areas, want 4", len(areas))
	}
	if _, legend = diffLayers(c, 180, false, i18n.EN); strings.Contains(legend[len(legend)-1].Text, "beyond") {
		t.Error("got the beyond-the-limit note with nothing beyond")
	}
}

func TestDiffMapDraws(t *testing.T) {
	base := grid(4, 4, 600, 600, 600, inf32, 600, 600, 600, inf32, 600, 600, 10790, inf32, 600, 600, 600, inf32)
	alt := grid(4, 4, 100, 100, 600, 700, 100, 100, 600, 700, 100, 100, 600, 700, 100, 100, 600, 700)
	img, _, err := DiffMap(&graph.Graph{}, base, alt, nil, []float64{1, 5}, MapOptions{Width: 400, Height: 300, Font: render.GoFont(), Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 300 {
		t.Errorf("got an image of %v, want at least 400x300", b)
	}
	if _, _, err := DiffMap(&graph.Graph{}, base, grid(2, 1, 0, 0), nil, []float64{1}, MapOptions{Font: render.GoFont()}); err == nil {
		t.Error("misaligned grids: got no error")
	}
}
