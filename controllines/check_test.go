package controllines

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

// Hand-made geometry is drawn in metres east (x) and north (y) of origin.
var origin = graph.Point{Lon: 116.4, Lat: 39.9}

var testProj = newProj(origin.Lon, origin.Lat)

func at(x, y float64) graph.Point {
	return graph.Point{Lon: origin.Lon + x/testProj.kx, Lat: origin.Lat + y/testProj.ky}
}

func path(xy ...float64) []graph.Point {
	pts := make([]graph.Point, 0, len(xy)/2)
	for i := 0; i+1 < len(xy); i += 2 {
		pts = append(pts, at(xy[i], xy[i+1]))
	}
	return pts
}

// rect is a closed counter-clockwise ring.
func rect(x0, y0, x1, y1 float64) []graph.Point {
	return path(x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
}

func poly(id string, rings ...[]graph.Point) Polygon { return Polygon{ID: id, Name: id, Rings: rings} }

func layer(k Kind, polys []Polygon, lines ...Line) Layer {
	return Layer{Kind: k, Source: k.String() + ".geojson", Polygons: polys, Lines: lines}
}

// want is what a test expects of one kind; tolerance 1 cm on lengths.
type want struct {
	kind          Kind
	inside        float64
	share         float64 // checked when >= 0
	crossings     int
	lineCrossings int
	features      []string // IDs in the order met
	featInside    []float64
	conflict      bool
}

func TestCheck(t *testing.T) {
	lake := layer(Blue, []Polygon{poly("lake", rect(4500, -500, 5500, 500))})
	river := layer(Blue, nil, Line{ID: "river", Name: "River", Points: path(3000, -2000, 3000, 0, 3100, 2000)})
	park := layer(Green, []Polygon{poly("park", rect(0, -1000, 2000, 1000), rect(750, -250, 1250, 250))})
	reserve := layer(Red, []Polygon{poly("reserve", rect(-100, -50, 10100, 50))})
	diamond := layer(Purple, []Polygon{poly("temple", path(500, -500, 1000, 0, 500, 500, 0, 0, 500, -500))})
	twoLakes := layer(Blue, []Polygon{poly("a", rect(1000, -100, 3000, 100)), poly("b", rect(2000, -100, 4000, 100))})
	multi := layer(Blue, []Polygon{poly("m", rect(1000, -100, 2000, 100)), poly("m", rect(3000, -100, 4000, 100))})
	east := path(0, 0, 10000, 0)

	tests := []struct {
		name   string
		route  []graph.Point
		layers []Layer
		want   []want
	}{
		{"10 km road across a 1 km lake", east, []Layer{lake},
			[]want{{kind: Blue, inside: 1000, share: 0.1, crossings: 2, features: []string{"lake"}, featInside: []float64{1000}, conflict: true}}},
		{"road with a vertex in the lake", path(0, 0, 5000, 0, 10000, 0), []Layer{lake},
			[]want{{kind: Blue, inside: 1000, share: 0.1, crossings: 2, features: []string{"lake"}, featInside: []float64{1000}, conflict: true}}},
		{"road bending on the shore", path(0, 0, 4500, 0, 5000, 300, 5500, 0, 10000, 0), []Layer{lake},
			[]want{{kind: Blue, inside: graph.Distance(at(4500, 0), at(5000, 300)) + graph.Distance(at(5000, 300), at(5500, 0)), share: -1, crossings: 2, features: []string{"lake"}, conflict: true}}},
		{"road ending in the lake", path(0, 0, 5000, 0), []Layer{lake},
			[]want{{kind: Blue, inside: 500, share: 0.1, crossings: 1, features: []string{"lake"}, conflict: true}}},
		{"road starting on the shore going in", path(4500, 0, 5000, 0), []Layer{lake},
			[]want{{kind: Blue, inside: 500, share: 1, crossings: 0, features: []string{"lake"}, conflict: true}}},
		{"road missing the lake", path(0, 600, 10000, 600), []Layer{lake},
			[]want{{kind: Blue, inside: 0, share: 0, crossings: 0, features: nil}}},
		{"road along the lake shore", path(4000, 500, 6000, 500), []Layer{lake},
			[]want{{kind: Blue, inside: 0, share: 0, crossings: 0, features: []string{"lake"}, featInside: []float64{0}}}},
		{"road along the shore then in", path(4000, 500, 5000, 500, 5000, 0), []Layer{lake},
			[]want{{kind: Blue, inside: 500, share: -1, crossings: 1, features: []string{"lake"}, conflict: true}}},
		{"road fully inside a reservation", east, []Layer{reserve},
			[]want{{kind: Red, inside: 10000, share: 1, crossings: 0, features: []string{"reserve"}, featInside: []float64{10000}}}},
		{"road leaving the reservation", path(0, 0, 10000, 0, 10000, 1000), []Layer{reserve},
			[]want{{kind: Red, inside: 10050, share: -1, crossings: 1, features: []string{"reserve"}}}},
		{"park with a hole", path(-1000, 0, 3000, 0), []Layer{park},
			[]want{{kind: Green, inside: 1500, share: 1500.0 / 4000, crossings: 4, features: []string{"park"}, featInside: []float64{1500}}}},
		{"road only in the park's hole", path(800, 0, 1200, 0), []Layer{park},
			[]want{{kind: Green, inside: 0, share: 0, crossings: 0}}},
		{"river crossed once", east, []Layer{river},
			[]want{{kind: Blue, inside: 0, share: 0, lineCrossings: 1, features: []string{"river"}, conflict: true}}},
		{"river crossed at its vertex", path(0, 0, 5000, 0), []Layer{layer(Blue, nil, Line{ID: "river", Points: path(3000, -2000, 3000, 0, 3100, 2000)})},
			[]want{{kind: Blue, lineCrossings: 1, share: -1, features: []string{"river"}, conflict: true}}},
		{"road vertex on the river", path(0, 0, 3000, 0, 6000, 0), []Layer{river},
			[]want{{kind: Blue, lineCrossings: 1, share: -1, features: []string{"river"}, conflict: true}}},
		{"road running along the river", path(3000, -3000, 3000, -1000, 3000, -500, 4000, -500), []Layer{river},
			[]want{{kind: Blue, lineCrossings: 1, share: -1, features: []string{"river"}, conflict: true}}},
		{"road crossing the river twice", path(0, 0, 5000, 0, 5000, 100, 0, 100), []Layer{river},
			[]want{{kind: Blue, lineCrossings: 2, share: -1, features: []string{"river"}, conflict: true}}},
		{"road touching a vertex of a temple", path(0, -500, 1000, -500), []Layer{diamond},
			[]want{{kind: Purple, inside: 0, share: 0, crossings: 0, features: []string{"temple"}, featInside: []float64{0}}}},
		{"road through two vertices of a temple", path(-500, 0, 1500, 0), []Layer{diamond},
			[]want{{kind: Purple, inside: 1000, share: 0.5, crossings: 2, features: []string{"temple"}, conflict: true}}},
		{"overlapping lakes count once", east, []Layer{twoLakes},
			[]want{{kind: Blue, inside: 3000, share: 0.3, crossings: 2, features: []string{"a", "b"}, featInside: []float64{2000, 2000}, conflict: true}}},
		{"multipolygon parts are one feature", east, []Layer{multi},
			[]want{{kind: Blue, inside: 2000, share: 0.2, crossings: 4, features: []string{"m"}, featInside: []float64{2000}, conflict: true}}},
		{"all kinds at once", east, []Layer{lake, river, park, reserve},
			[]want{
				{kind: Red, inside: 10000, share: 1, features: []string{"reserve"}},
				{kind: Blue, inside: 1000, share: 0.1, crossings: 2, lineCrossings: 1, features: []string{"river", "lake"}, conflict: true},
				{kind: Green, inside: 1500, share: 0.15, crossings: 3, features: []string{"park"}},
				{kind: Purple, share: 0},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := Check(tc.route, tc.layers, Options{RoadWidth: 30})
			wantLen := 0.0
			for i := 1; i < len(tc.route); i++ {
				wantLen += graph.Distance(tc.route[i-1], tc.route[i])
			}
			if math.Abs(rep.Length-wantLen) > 1e-6 {
				t.Errorf("length: got %.3f want %.3f", rep.Length, wantLen)
			}
			for _, w := range tc.want {
				kr := rep.Kinds[w.kind]
				if math.Abs(kr.Inside-w.inside) > 0.01 {
					t.Errorf("%v inside: got %.4f m want %.4f", w.kind, kr.Inside, w.inside)
				}
				if w.share >= 0 && math.Abs(kr.Share-w.share) > 1e-5 {
					t.Errorf("%v share: got %.6f want %.6f", w.kind, kr.Share, w.share)
				}
				if math.Abs(kr.AreaM2-30*kr.Inside) > 1e-6 {
					t.Errorf("%v area: got %.3f m² want %.3f", w.kind, kr.AreaM2, 30*kr.Inside)
				}
				if kr.Crossings != w.crossings {
					t.Errorf("%v crossings: got %d want %d (stretches %v)", w.kind, kr.Crossings, w.crossings, kr.Stretches)
				}
				if kr.LineCrossings != w.lineCrossings {
					t.Errorf("%v line crossings: got %d want %d", w.kind, kr.LineCrossings, w.lineCrossings)
				}
				if kr.Conflict() != w.conflict {
					t.Errorf("%v conflict: got %v want %v", w.kind, kr.Conflict(), w.conflict)
				}
				var ids []string
				for _, f := range kr.Features {
					ids = append(ids, f.ID)
				}
				if !slices.Equal(ids, w.features) {
					t.Errorf("%v features: got %q want %q", w.kind, ids, w.features)
				}
				for i, fi := range w.featInside {
					if i < len(kr.Features) && math.Abs(kr.Features[i].Inside-fi) > 0.01 {
						t.Errorf("%v feature %s inside: got %.4f want %.4f", w.kind, kr.Features[i].ID, kr.Features[i].Inside, fi)
					}
				}
			}
		})
	}
}

func TestCheckSourcesAndEmpty(t *testing.T) {
	lake := layer(Blue, []Polygon{poly("lake", rect(4500, -500, 5500, 500))})
	rep := Check(path(0, 0, 10000, 0), []Layer{lake}, Options{})
	if got := rep.Kinds[Blue].Sources; !slices.Equal(got, []string{"blue.geojson"}) {
		t.Errorf("blue sources: got %q want [blue.geojson]", got)
	}
	if got := rep.Kinds[Red].Sources; got != nil {
		t.Errorf("red sources: got %q want none (not checked)", got)
	}
	if !rep.Conflict() {
		t.Error("report conflict: got false want true")
	}
	for _, route := range [][]graph.Point{nil, path(0, 0), path(0, 0, 0, 0), {{Lon: math.NaN(), Lat: 0}, {Lon: 1, Lat: 1}}} {
		rep := Check(route, []Layer{lake}, Options{})
		if rep.Length != 0 || rep.Kinds[Blue].Inside != 0 {
			t.Errorf("route %v: got length %g inside %g want 0, 0", route, rep.Length, rep.Kinds[Blue].Inside)
		}
	}
	// No layers at all, and layers with broken geometry, do not panic.
	p := func(lon, lat float64) graph.Point { return graph.Point{Lon: lon, Lat: lat} }
	bad := Layer{Kind: Green, Polygons: []Polygon{{Rings: [][]graph.Point{nil, {p(1, 1)}, {p(math.Inf(1), 0), p(0, 0), p(1, 1), p(0, 1)}}}},
		Lines: []Line{{Points: []graph.Point{p(1, 1)}}}}
	for _, ls := range [][]Layer{nil, {bad}, {{Kind: 9}}} {
		rep := Check(path(0, 0, 100, 0), ls, Options{})
		if rep.Kinds[Green].Inside != 0 {
			t.Errorf("layers %v: got inside %g want 0", ls, rep.Kinds[Green].Inside)
		}
	}
}

// TestCheckUnclosedRing: a hand-built ring that is not closed is closed.
func TestCheckUnclosedRing(t *testing.T) {
	ring := rect(4500, -500, 5500, 500)
	l := layer(Blue, []Polygon{poly("lake", ring[:4])})
	rep := Check(path(0, 0, 10000, 0), []Layer{l}, Options{})
	if got := rep.Kinds[Blue].Inside; math.Abs(got-1000) > 0.01 {
		t.Errorf("inside: got %.3f want 1000", got)
	}
}

// sampleInside is an independent oracle: it walks the route in steps of
// step metres (in the projection) and tests each step's midpoint against
// every polygon with a plain even-odd test in longitude and latitude.
func sampleInside(route []graph.Point, polys []Polygon, step float64) float64 {
	total := 0.0
	for i := 1; i < len(route); i++ {
		a, b := route[i-1], route[i]
		ax, ay := testProj.xy(a)
		bx, by := testProj.xy(b)
		dl := math.Hypot(bx-ax, by-ay)
		L := graph.Distance(a, b)
		n := max(1, int(dl/step))
		for k := 0; k < n; k++ {
			t := (float64(k) + 0.5) / float64(n)
			p := graph.Point{Lon: a.Lon + t*(b.Lon-a.Lon), Lat: a.Lat + t*(b.Lat-a.Lat)}
			for _, pg := range polys {
				if evenOdd(p, pg.Rings) {
					total += L / float64(n)
					break
				}
			}
		}
	}
	return total
}

func evenOdd(p graph.Point, rings [][]graph.Point) bool {
	in := false
	for _, r := range rings {
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			if (a.Lat > p.Lat) != (b.Lat > p.Lat) && p.Lon < a.Lon+(p.Lat-a.Lat)*(b.Lon-a.Lon)/(b.Lat-a.Lat) {
				in = !in
			}
		}
	}
	return in
}

// randomPolygon is a star-shaped ring around (cx, cy), sometimes with a
// hole; with self-intersections when wild is set.
func randomPolygon(rng *rand.Rand, id string, cx, cy, r float64, wild bool) Polygon {
	n := 3 + rng.IntN(30)
	ring := make([]graph.Point, 0, n+1)
	angles := make([]float64, n)
	for i := range angles {
		angles[i] = rng.Float64() * 2 * math.Pi
	}
	if !wild {
		slices.Sort(angles)
	}
	for _, a := range angles {
		rr := r * (0.3 + 0.7*rng.Float64())
		ring = append(ring, at(cx+rr*math.Cos(a), cy+rr*math.Sin(a)))
	}
	ring = append(ring, ring[0])
	p := Polygon{ID: id, Rings: [][]graph.Point{ring}}
	if !wild && rng.IntN(2) == 0 {
		h := 0.2 * r
		p.Rings = append(p.Rings, rect(cx-h, cy-h, cx+h, cy+h))
	}
	return p
}

// TestCheckMatchesSampling compares Check with the sampling oracle on
// random polygons (some self-intersecting) and random routes.
func TestCheckMatchesSampling(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const step = 0.25
	for trial := range 40 {
		var polys []Polygon
		for i := range 6 {
			polys = append(polys, randomPolygon(rng, string(rune('a'+i)), rng.Float64()*3000, rng.Float64()*3000, 200+rng.Float64()*800, trial%4 == 3))
		}
		var route []graph.Point
		for range 2 + rng.IntN(8) {
			route = append(route, at(rng.Float64()*3000, rng.Float64()*3000))
		}
		ix := NewIndex([]Layer{layer(Green, polys)})
		rep := ix.Check(route, Options{})
		want := sampleInside(route, polys, step)
		// Each boundary crossing can put half a step on the wrong side.
		tol := step * float64(2+len(route)+rep.Kinds[Green].Crossings)
		if got := rep.Kinds[Green].Inside; math.Abs(got-want) > tol {
			t.Errorf("trial %d: inside got %.3f want %.3f ± %.2f", trial, got, want, tol)
		}
		// The grid and chunk prefilters must not change anything.
		naive := *ix
		naive.nx, naive.big = 0, nil
		for f := range ix.feats {
			naive.big = append(naive.big, int32(f))
		}
		if nr := naive.Check(route, Options{}); !sameReport(nr, rep) {
			t.Errorf("trial %d: without the grid got %+v want %+v", trial, nr.Kinds[Green], rep.Kinds[Green])
		}
	}
}

func sameReport(a, b Report) bool {
	for k := range a.Kinds {
		x, y := a.Kinds[k], b.Kinds[k]
		if math.Abs(x.Inside-y.Inside) > 1e-9 || x.Crossings != y.Crossings || x.LineCrossings != y.LineCrossings || len(x.Features) != len(y.Features) {
			return false
		}
	}
	return true
}

// TestCheckReversed: a route checked backwards gives the same lengths and
// counts.
func TestCheckReversed(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 20 {
		var polys []Polygon
		for i := range 5 {
			polys = append(polys, randomPolygon(rng, string(rune('a'+i)), rng.Float64()*3000, rng.Float64()*3000, 200+rng.Float64()*800, false))
		}
		var route []graph.Point
		for range 2 + rng.IntN(8) {
			route = append(route, at(rng.Float64()*3000, rng.Float64()*3000))
		}
		ls := []Layer{layer(Green, polys)}
		fwd := Check(route, ls, Options{})
		back := slices.Clone(route)
		slices.Reverse(back)
		bwd := Check(back, ls, Options{})
		f, b := fwd.Kinds[Green], bwd.Kinds[Green]
		if math.Abs(f.Inside-b.Inside) > 1e-6 || f.Crossings != b.Crossings || len(f.Features) != len(b.Features) {
			t.Errorf("trial %d: forward %.6f m %d crossings %d features, backward %.6f m %d crossings %d features",
				trial, f.Inside, f.Crossings, len(f.Features), b.Inside, b.Crossings, len(b.Features))
		}
	}
}

// Check reuses its scratch between routes: a route checked after others,
// and on several goroutines at once, gets the report it got first.
func TestCheckReusesScratch(t *testing.T) {
	ix := NewIndex(benchLayers(2000))
	a := benchRoute()
	b := append([]graph.Point(nil), a...)
	slices.Reverse(b)
	first := ix.Check(a, Options{})
	if n := len(first.Kinds[Green].Features); n == 0 {
		t.Fatal("the route meets no park: the test checks nothing")
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				ix.Check(b, Options{})
				if got := ix.Check(a, Options{}); !sameReport(got, first) {
					t.Errorf("again: %+v, first %+v", got.Kinds[Green], first.Kinds[Green])
				}
			}
		}()
	}
	wg.Wait()
}
