package controllines

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

// benchLayers scatters n polygons of about 64 vertices (radius 100-600 m)
// and n/10 river lines over a 100 km square.
func benchLayers(n int) []Layer {
	rng := rand.New(rand.NewPCG(7, 8))
	var polys []Polygon
	for i := range n {
		cx, cy, r := rng.Float64()*100e3, rng.Float64()*100e3, 100+rng.Float64()*500
		ring := make([]graph.Point, 0, 65)
		for k := range 64 {
			a := 2 * math.Pi * float64(k) / 64
			rr := r * (0.8 + 0.2*rng.Float64())
			ring = append(ring, at(cx+rr*math.Cos(a), cy+rr*math.Sin(a)))
		}
		ring = append(ring, ring[0])
		polys = append(polys, Polygon{ID: strconv.Itoa(i), Rings: [][]graph.Point{ring}})
	}
	var lines []Line
	for i := range n / 10 {
		x, y := rng.Float64()*100e3, rng.Float64()*100e3
		pts := []graph.Point{at(x, y)}
		for range 100 {
			x, y = x+rng.Float64()*200-100, y+rng.Float64()*200
			pts = append(pts, at(x, y))
		}
		lines = append(lines, Line{ID: "r" + strconv.Itoa(i), Points: pts})
	}
	return []Layer{{Kind: Green, Polygons: polys}, {Kind: Blue, Lines: lines}}
}

// benchRoute is a 50 km road with a vertex every 100 m, wiggling
// diagonally across the square.
func benchRoute() []graph.Point {
	var pts []graph.Point
	for i := range 501 {
		s := float64(i) * 100
		pts = append(pts, at(20e3+s*0.8+30*math.Sin(s/700), 30e3+s*0.6))
	}
	return pts
}

func benchCheck(b *testing.B, ix *Index) {
	route := benchRoute()
	b.ReportAllocs()
	var rep Report
	for b.Loop() {
		rep = ix.Check(route, Options{RoadWidth: 30})
	}
	if rep.Length < 49e3 || rep.Length > 51e3 {
		b.Fatalf("route length %.0f m, want about 50 km", rep.Length)
	}
	b.ReportMetric(float64(len(rep.Kinds[Green].Features)), "parks_met")
	b.ReportMetric(rep.Kinds[Green].Inside, "m_inside")
}

// BenchmarkCheck: a 50 km road (500 segments) against 5000 polygons of 64
// vertices and 500 river lines, index built once.
func BenchmarkCheck(b *testing.B) {
	benchCheck(b, NewIndex(benchLayers(5000)))
}

// BenchmarkCheckNoGrid is the same with the feature grid switched off: every
// feature's bounding box is tested against every segment.
func BenchmarkCheckNoGrid(b *testing.B) {
	ix := NewIndex(benchLayers(5000))
	ix.nx, ix.big = 0, nil
	for f := range ix.feats {
		ix.big = append(ix.big, int32(f))
	}
	benchCheck(b, ix)
}

func BenchmarkNewIndex(b *testing.B) {
	ls := benchLayers(5000)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(ls)
	}
}

// TestBenchGeometry makes sure the benchmark measures real work: the road
// meets parks and rivers.
func TestBenchGeometry(t *testing.T) {
	ix := NewIndex(benchLayers(5000))
	rep := ix.Check(benchRoute(), Options{})
	if n := len(rep.Kinds[Green].Features); n < 10 {
		t.Errorf("parks met: got %d want at least 10", n)
	}
	if rep.Kinds[Green].Inside <= 0 {
		t.Error("inside parks: got 0 want more")
	}
	naive := *ix
	naive.nx, naive.big = 0, nil
	for f := range ix.feats {
		naive.big = append(naive.big, int32(f))
	}
	if nr := naive.Check(benchRoute(), Options{}); !sameReport(nr, rep) {
		t.Errorf("without the grid: got %+v want %+v", nr.Kinds[Green].Inside, rep.Kinds[Green].Inside)
	}
}
