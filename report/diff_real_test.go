package report

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/scenarios"
)

// The demo's us113-expressway alternative (demo/study.yaml), copied: US 113
// from Milford to Georgetown upgraded to a 100 km/h controlled-access
// expressway with four interchanges.
func us113Expressway() scenarios.Alternative {
	return scenarios.Alternative{Name: "us113-expressway", Edits: []scenarios.Edit{{Upgrade: &scenarios.Upgrade{
		Selector: scenarios.Selector{Ref: "US 113", Corridor: &scenarios.Corridor{
			Line:   []scenarios.Coord{{-75.4425, 38.9150}, {-75.4390, 38.8300}, {-75.4330, 38.7500}, {-75.4040, 38.7090}, {-75.3960, 38.6850}},
			WidthM: 1500,
		}},
		Class: "motorway", SpeedKmh: 100, ControlledAccess: true,
		Entrances: []scenarios.Interchange{
			{At: scenarios.Coord{-75.44092, 38.90500}, RampSeconds: 30},
			{At: scenarios.Coord{-75.43922, 38.86928}, RampSeconds: 30},
			{At: scenarios.Coord{-75.43291, 38.75009}, RampSeconds: 30},
			{At: scenarios.Coord{-75.40433, 38.70955}, RampSeconds: 30},
		},
	}}}}
}

// inboundGrid is Evaluate's inbound isochrone grid (see inboundIsochrone),
// filled up to limit minutes over a fixed box.
func inboundGrid(t *testing.T, g *graph.Graph, ps []places.Place, snap graph.SnapOptions, box [4]float64, limit float64) *isochrone.Grid {
	t.Helper()
	snap.NoControlled = true
	var seeds []graph.Seed
	for i := range ps {
		for _, p := range ps[i].Points() {
			if sn, err := g.SnapPoint(p, snap); err == nil {
				seeds = g.Seeds(seeds, sn, graph.Inbound)
			}
		}
	}
	if len(seeds) == 0 {
		t.Fatal("no seeds")
	}
	s := graph.NewSearch(g)
	s.Run(graph.Inbound, seeds, graph.Stop{Limit: uint32(limit * 60000)})
	grid, err := isochrone.Fill(g, s, isochrone.FillOptions{CellMetres: 100, MaxSeconds: limit * 60, Box: box})
	if err != nil {
		t.Fatal(err)
	}
	return grid
}

// TestDelawareDiffPolygonsHold: on the real Delaware network with the demo's
// us113-expressway alternative, grids to the nearest entrance and to the HSR
// station filled to 180 min, every point sampled inside a polygon of a class
// lies in a cell of that class, or (on the polygon's boundary) in a cell
// next to one: every "saves >= X" polygon saves at least X.
func TestDelawareDiffPolygonsHold(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the Delaware extract")
	}
	path := filepath.Join("..", "testdata", "delaware-latest.osm.pbf")
	open := func() (io.ReadCloser, error) { return os.Open(path) }
	ctx := context.Background()
	prof := osm.DefaultProfile()
	g, err := osm.Read(ctx, open, osm.Options{Profile: prof})
	if err != nil {
		t.Fatal(err)
	}
	f, err := osm.ReadFeatures(ctx, open, osm.FeatureOptions{AdminLevel: 6})
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenarios.Apply(scenarios.Network{Graph: g, Speeds: prof.Speeds}, us113Expressway())
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := g.Bounds()
	box := [4]float64{lo.Lon, lo.Lat, hi.Lon, hi.Lat}
	snap := prof.SnapOptions()
	// The demo's HSR stop: Wilmington station.
	var hsr []places.Place
	all, _ := places.Detect(g, f, places.Options{})
	for _, p := range all {
		if p.ID == "node/366753362" {
			hsr = append(hsr, p)
		}
	}
	if len(hsr) != 1 {
		t.Fatalf("got %d Wilmington stations, want 1", len(hsr))
	}
	baseEnt, _ := places.Entrances(g, f, places.Options{})
	altEnt, _ := places.Entrances(res.Graph, f, places.Options{})
	if len(altEnt) <= len(baseEnt) {
		t.Fatalf("got %d entrances with US 113 upgraded and %d without, want more with", len(altEnt), len(baseEnt))
	}
	const limit = 180.0
	steps := []float64{1, 5, 10}
	rng := rand.New(rand.NewPCG(7, 7))
	for _, tgt := range []struct {
		name      string
		base, alt []places.Place
	}{{"entrance", baseEnt, altEnt}, {"hsr", hsr, hsr}} {
		base := inboundGrid(t, g, tgt.base, snap, box, limit)
		alt := inboundGrid(t, res.Graph, tgt.alt, snap, box, limit)
		d, err := DiffWithin(base, alt, limit)
		if err != nil {
			t.Fatal(err)
		}
		c := Classify(d, steps)
		// The rim point of issue 7 (61.0 -> 59.3 min when the base was
		// filled to 60 min only, then drawn in "saves >= 10").
		if i, j, ok := d.Cell(-75.5877, 38.4615); ok {
			k := j*d.W + i
			t.Logf("%s: -75.5877,38.4615: base %.1f min, alternative %.1f min", tgt.name, base.T[k]/60, alt.T[k]/60)
		}
		type class struct {
			name  string
			polys []isochrone.Polygon
			in    func(v float32) bool
		}
		classes := []class{
			{"newly reached", c.NewlyReached, func(v float32) bool { return v == inf32 }},
			{"no longer reached", c.NoLongerReached, func(v float32) bool { return v == -inf32 }},
		}
		for k, m := range steps {
			s := float32(m * 60)
			classes = append(classes,
				class{"saves >= " + ftoaMin(m), c.Gains[k].Polygons, func(v float32) bool { return v != inf32 && v >= s }},
				class{"loses >= " + ftoaMin(m), c.Losses[k].Polygons, func(v float32) bool { return v != -inf32 && v <= -s }})
		}
		for _, cl := range classes {
			n, edge, bad := 0, 0, 0
			for _, p := range cl.polys {
				for _, pt := range samplePolygon(rng, p, 200) {
					n++
					i, j, ok := d.Cell(pt[0], pt[1])
					if !ok {
						bad++
						continue
					}
					if cl.in(d.T[j*d.W+i]) {
						continue
					}
					next := false
					for dj := -1; dj <= 1; dj++ {
						for di := -1; di <= 1; di++ {
							if k := d.Index(i+di, j+dj); k >= 0 && cl.in(d.T[k]) {
								next = true
							}
						}
					}
					if next {
						edge++
						continue
					}
					if bad++; bad <= 5 {
						k := j*d.W + i
						t.Errorf("%s: %s: point %.5f,%.5f in cell (%d,%d): base %.1f min, alternative %.1f min, not in the class and not next to it",
							tgt.name, cl.name, pt[0], pt[1], i, j, base.T[k]/60, alt.T[k]/60)
					}
				}
			}
			t.Logf("%s: %s: %d polygons, %d points sampled, %d in a boundary cell, %d wrong", tgt.name, cl.name, len(cl.polys), n, edge, bad)
			if bad > 0 {
				t.Errorf("%s: %s: %d of %d sampled points lie outside the class", tgt.name, cl.name, bad, n)
			}
			if edge*2 > n {
				t.Errorf("%s: %s: %d of %d points in boundary cells, want most inside cells of the class", tgt.name, cl.name, edge, n)
			}
		}
		if len(c.Gains[0].Polygons) == 0 {
			t.Errorf("%s: got no area saving >= 1 min, want some (US 113 upgraded)", tgt.name)
		}
	}

	// The rim case of issue 7, with the entrances of that time (every
	// motorway piece: MinExpresswayKm tiny). At -75.5877,38.4615 the base is
	// past 60 min: with grids filled to 60 min the cell is newly reached,
	// never a saving; filled to 180 its classes follow its real saving. (The
	// issue's 61.0 -> 59.3 min came from another alternative; here the new
	// Georgetown interchange brings it to 41.1 min.)
	stubBase, _ := places.Entrances(g, f, places.Options{MinExpresswayKm: 0.001})
	stubAlt, _ := places.Entrances(res.Graph, f, places.Options{MinExpresswayKm: 0.001})
	const lon, lat = -75.5877, 38.4615
	for _, fill := range []float64{60, 180} {
		base := inboundGrid(t, g, stubBase, snap, box, fill)
		alt := inboundGrid(t, res.Graph, stubAlt, snap, box, fill)
		d, err := DiffWithin(base, alt, limit)
		if err != nil {
			t.Fatal(err)
		}
		c := Classify(d, steps)
		i, j, _ := d.Cell(lon, lat)
		k := j*d.W + i
		a, b := float64(base.T[k])/60, float64(alt.T[k])/60
		t.Logf("rim, grids filled to %g min: base %.1f, alternative %.1f min", fill, a, b)
		clon, clat := d.Centre(i, j)
		newly := isochrone.Band{Polygons: c.NewlyReached}.Contains(clon, clat)
		wantNewly := math.IsInf(a, 1) && b <= 60
		if newly != wantNewly {
			t.Errorf("rim, filled to %g min: got newly reached %v, want %v", fill, newly, wantNewly)
		}
		for s, band := range c.Gains {
			want := !math.IsInf(a, 1) && a-b >= steps[s]
			if got := band.Contains(clon, clat); got != want {
				t.Errorf("rim, filled to %g min: base %.1f, alternative %.1f: got in saves >= %g %v, want %v", fill, a, b, steps[s], got, want)
			}
		}
		if fill == 60 && !wantNewly {
			t.Errorf("rim: got base %.1f and alternative %.1f min with grids filled to 60, want the base past 60 and the alternative within it", a, b)
		}
	}
}

func ftoaMin(m float64) string { return fmt.Sprintf("%g min", m) }

// samplePolygon returns n points drawn uniformly inside p (outer ring minus
// holes) by rejection from its bounding box (at most 200 tries a point).
func samplePolygon(rng *rand.Rand, p isochrone.Polygon, n int) [][2]float64 {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, q := range p[0] {
		b = [4]float64{math.Min(b[0], q[0]), math.Min(b[1], q[1]), math.Max(b[2], q[0]), math.Max(b[3], q[1])}
	}
	band := isochrone.Band{Polygons: []isochrone.Polygon{p}}
	var out [][2]float64
	for tries := 0; len(out) < n && tries < 200*n; tries++ {
		lon, lat := b[0]+rng.Float64()*(b[2]-b[0]), b[1]+rng.Float64()*(b[3]-b[1])
		if band.Contains(lon, lat) {
			out = append(out, [2]float64{lon, lat})
		}
	}
	return out
}
