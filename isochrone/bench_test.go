package isochrone

import (
	"io"
	"math"
	"math/rand/v2"
	"testing"
)

// radialGrid makes a w x h travel-time field like a search from one station
// fills it: time grows with distance at a speed that varies with direction
// and smoothly over space (fast corridors, slow hills), plus per-cell noise
// (cells far from a road) and unreached lakes. 100 m cells near Wuhan.
func radialGrid(w, h int, seed uint64) *Grid {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	const cell = 100.0
	g := &Grid{MinLon: 114.0, MinLat: 30.3, W: w, H: h}
	g.DLat = cell / (earthRadius * math.Pi / 180)
	g.DLon = g.DLat / math.Cos(30.5*math.Pi/180)
	g.T = make([]float32, w*h)
	// A coarse random speed field, bilinearly interpolated.
	const coarse = 16
	var speed [coarse + 1][coarse + 1]float64
	for a := range speed {
		for b := range speed[a] {
			speed[a][b] = 8 + rng.Float64()*20 // m/s
		}
	}
	type lake struct{ x, y, r float64 }
	lakes := make([]lake, 6)
	for k := range lakes {
		lakes[k] = lake{rng.Float64() * float64(w), rng.Float64() * float64(h), (0.02 + 0.05*rng.Float64()) * float64(min(w, h))}
	}
	cx, cy := float64(w)/2, float64(h)/2
	inf := float32(math.Inf(1))
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			x, y := float64(i), float64(j)
			u, v := x/float64(w)*coarse, y/float64(h)*coarse
			a, b := int(u), int(v)
			a, b = min(a, coarse-1), min(b, coarse-1)
			fu, fv := u-float64(a), v-float64(b)
			s := speed[a][b]*(1-fu)*(1-fv) + speed[a+1][b]*fu*(1-fv) + speed[a][b+1]*(1-fu)*fv + speed[a+1][b+1]*fu*fv
			dx, dy := x-cx, y-cy
			theta := math.Atan2(dy, dx)
			s *= 1 + 0.4*math.Sin(5*theta)
			t := math.Hypot(dx, dy)*cell/s + rng.ExpFloat64()*90
			for _, l := range lakes {
				if math.Hypot(x-l.x, y-l.y) < l.r {
					t = math.Inf(1)
				}
			}
			g.T[j*w+i] = float32(t)
			if math.IsInf(t, 1) {
				g.T[j*w+i] = inf
			}
		}
	}
	return g
}

var benchMinutes = []float64{15, 30, 45, 60}

func BenchmarkBands1000(b *testing.B) {
	g := radialGrid(1000, 1000, 1)
	b.ReportAllocs()
	var bands []Band
	for b.Loop() {
		bands = Bands(g, benchMinutes)
	}
	if len(bands) != 4 || len(bands[3].Polygons) == 0 {
		b.Fatalf("got %d bands", len(bands))
	}
}

func BenchmarkContour1000(b *testing.B) {
	g := radialGrid(1000, 1000, 1)
	b.ReportAllocs()
	var polys []Polygon
	for b.Loop() {
		polys = Contour(g, 30*60)
	}
	if len(polys) == 0 {
		b.Fatal("no polygons")
	}
}

func BenchmarkSimplify1000(b *testing.B) {
	g := radialGrid(1000, 1000, 1)
	bands := Bands(g, benchMinutes)
	b.ReportAllocs()
	var s []Band
	for b.Loop() {
		s = Simplify(bands, g, 0.5)
	}
	if n, m := countVertices(s), countVertices(bands); n >= m {
		b.Fatalf("got %d positions from %d", n, m)
	}
}

func BenchmarkWriteGeoJSON1000(b *testing.B) {
	bands := Bands(radialGrid(1000, 1000, 1), benchMinutes)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteGeoJSON(io.Discard, bands, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func benchPoints(g *Grid, n int) [][2]float64 {
	rng := rand.New(rand.NewPCG(5, 6))
	pts := make([][2]float64, n)
	for k := range pts {
		pts[k] = [2]float64{g.MinLon + rng.Float64()*float64(g.W)*g.DLon, g.MinLat + rng.Float64()*float64(g.H)*g.DLat}
	}
	return pts
}

func BenchmarkLocatorContains(b *testing.B) {
	g := radialGrid(1000, 1000, 1)
	band := Bands(g, []float64{30})[0]
	loc := NewLocator(band)
	pts := benchPoints(g, 1024)
	b.ReportAllocs()
	n := 0
	for k := 0; b.Loop(); k++ {
		p := pts[k%len(pts)]
		if loc.Contains(p[0], p[1]) {
			n++
		}
	}
	_ = n
}

// BenchmarkBandContainsNaive is the O(vertices) baseline for the Locator.
func BenchmarkBandContainsNaive(b *testing.B) {
	g := radialGrid(1000, 1000, 1)
	band := Bands(g, []float64{30})[0]
	pts := benchPoints(g, 1024)
	b.ReportAllocs()
	n := 0
	for k := 0; b.Loop(); k++ {
		p := pts[k%len(pts)]
		if band.Contains(p[0], p[1]) {
			n++
		}
	}
	_ = n
}

func BenchmarkNewLocator(b *testing.B) {
	band := Bands(radialGrid(1000, 1000, 1), []float64{30})[0]
	b.ReportAllocs()
	for b.Loop() {
		NewLocator(band)
	}
}
