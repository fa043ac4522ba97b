package appraisal

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

// Integration on the real Delaware extract (© OpenStreetMap contributors,
// ODbL): the graph is read once per test binary.

var delaware struct {
	once sync.Once
	g    *graph.Graph
	err  error
}

func loadDelaware(t testing.TB) *graph.Graph {
	t.Helper()
	delaware.once.Do(func() {
		path := filepath.Join("..", "testdata", "delaware-latest.osm.pbf")
		open := func() (io.ReadCloser, error) { return os.Open(path) }
		delaware.g, delaware.err = osm.Read(context.Background(), open, osm.Options{Profile: osm.DefaultProfile()})
	})
	if delaware.err != nil {
		t.Fatalf("read delaware: %v", delaware.err)
	}
	return delaware.g
}

// delawarePlaces: expressway entrances are the nodes where an ordinary road
// meets a controlled-access segment (one entrance per such node, which is
// enough for conservation and timing); the county seats, the centre and the
// HSR stop are at Wilmington, Dover and Georgetown.
func delawarePlaces(g *graph.Graph) Places {
	ctrl := make([]uint8, g.NumNodes())
	for i := range g.Segments {
		s := &g.Segments[i]
		bit := uint8(1)
		if s.Flags&graph.Controlled != 0 {
			bit = 2
		}
		ctrl[s.From] |= bit
		ctrl[s.To] |= bit
	}
	var ps Places
	for v := range ctrl {
		if ctrl[v] == 3 && g.Component[v] == 0 {
			p := g.Node(int32(v))
			ps.Entrances = append(ps.Entrances, Place{ID: fmt.Sprintf("entrance/%d", g.NodeID[v]), Points: []graph.Point{p}})
		}
	}
	wil := graph.Point{Lon: -75.5516, Lat: 39.7368}
	ps.HSR = []Place{{ID: "wilmington-station", Name: "Wilmington", Points: []graph.Point{wil}}}
	ps.Centre = []Place{{ID: "wilmington", Name: "Wilmington", Points: []graph.Point{{Lon: -75.5466, Lat: 39.7459}}}}
	ps.CountySeats = []Place{
		{ID: "wilmington", County: "New Castle", Points: []graph.Point{{Lon: -75.5466, Lat: 39.7459}}},
		{ID: "dover", County: "Kent", Points: []graph.Point{{Lon: -75.5244, Lat: 39.1582}}},
		{ID: "georgetown", County: "Sussex", Points: []graph.Point{{Lon: -75.3852, Lat: 38.6901}}},
	}
	return ps
}

// delawareZones lays an nx x ny grid over the state's land, 1000
// residents a cell (illustrative), county by latitude, urban within 8 km
// of a county seat. Cells whose centroid is farther than 3 km from a road
// (the bay, the ocean) are dropped.
func delawareZones(g *graph.Graph, nx, ny int) []Zone {
	lo, hi := graph.Point{Lon: -75.79, Lat: 38.45}, graph.Point{Lon: -75.05, Lat: 39.84}
	seats := []graph.Point{{Lon: -75.5466, Lat: 39.7459}, {Lon: -75.5244, Lat: 39.1582}, {Lon: -75.3852, Lat: 38.6901}}
	var zs []Zone
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			p := graph.Point{Lon: lo.Lon + (float64(i)+0.5)*(hi.Lon-lo.Lon)/float64(nx), Lat: lo.Lat + (float64(j)+0.5)*(hi.Lat-lo.Lat)/float64(ny)}
			if _, err := g.SnapPoint(p, graph.SnapOptions{MaxDist: 3000, NoControlled: true}); err != nil {
				continue
			}
			county := "Sussex"
			switch {
			case p.Lat > 39.45:
				county = "New Castle"
			case p.Lat > 38.85:
				county = "Kent"
			}
			urban := false
			for _, s := range seats {
				urban = urban || graph.Distance(p, s) < 8000
			}
			zs = append(zs, Zone{ID: fmt.Sprintf("z%d-%d", i, j), Lon: p.Lon, Lat: p.Lat, Residents: 1000, County: county, Urban: urban})
		}
	}
	return zs
}

// Flows on Delaware conserve trips: at every node, vehicles in - vehicles
// out + vehicles starting there = vehicles ending there; vehicles end only
// at the entrances' seed nodes, and their sum is the trips sent there.
func TestDelawareConservation(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the Delaware extract")
	}
	g := loadDelaware(t)
	n := &Network{Name: "base", Graph: g, Places: delawarePlaces(g)}
	zones := delawareZones(g, 12, 20)
	cfg := DefaultConfig()
	cfg.Purposes = map[string]Purpose{PurposeExpressway: {Rate: 6, CarShare: 0.8, Occupancy: 1.8, ValueOfTime: 30}}
	d, err := BuildDemand(n, zones, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Assign(n, d, AssignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Places.Entrances) < 20 || len(zones) < 80 {
		t.Fatalf("got %d entrances and %d zones, want a real test", len(n.Places.Entrances), len(zones))
	}
	net := make([]float64, g.NumNodes()) // in - out + starting = ending
	sent := 0.0
	for _, r := range f.OD {
		if r.Reached {
			net[r.Node] += r.Vehicles
			sent += r.Vehicles
		}
	}
	for s := range g.Segments {
		seg := &g.Segments[s]
		net[seg.To] += f.Fwd[s] - f.Bwd[s]
		net[seg.From] += f.Bwd[s] - f.Fwd[s]
	}
	seeds := map[int32]bool{}
	var sd []graph.Seed
	gr := Group{Dest: Endpoint{Kind: EndEntrance}}
	sd = locate(n, nil, cfg.SnapMaxM).destSeeds(sd, &gr)
	for _, x := range sd {
		seeds[x.Node] = true
	}
	arrived := 0.0
	for v, x := range net {
		if seeds[int32(v)] {
			arrived += x
		} else if math.Abs(x) > 1e-3 {
			t.Errorf("node %d: got %g vehicles lost or made, want 0", v, x)
		}
	}
	if math.Abs(arrived-sent) > 1e-3 || math.Abs(f.Delivered-sent) > 1e-3 || sent < 1000 {
		t.Errorf("got %.3f sent, %.3f arriving at the entrances, %.3f delivered; want them equal (and > 1000)", sent, arrived, f.Delivered)
	}
	if want := d.Purposes[0].Vehicles; math.Abs(sent+f.Unreached-want) > 1e-6 {
		t.Errorf("got %.3f sent + %.3f unreached, want the demand %.3f", sent, f.Unreached, want)
	}
	// Vehicle-km two ways: from the segments and from the routes.
	vkmSeg, vkmOD := 0.0, 0.0
	for s := range g.Segments {
		vkmSeg += f.AADT(int32(s)) * g.Segments[s].Length / 1000
	}
	tot := Totals(d, f)
	vkmOD = tot[0].VehKm
	// Routes also count each origin's own piece of segment, which flows
	// do not carry, so the routes' total is a little larger.
	if !(vkmOD >= vkmSeg-1e-6) || vkmOD > vkmSeg*1.05 {
		t.Errorf("got %.1f veh-km from segments and %.1f from routes, want routes >= segments within 5%%", vkmSeg, vkmOD)
	}
	t.Logf("%d zones, %d entrances: %.0f vehicles/day, %.0f veh-km, %d searches, search %v, accumulate %v",
		len(zones), len(n.Places.Entrances), sent, vkmOD, f.Stats.Searches, f.Stats.Search, f.Stats.Accumulate)
}

// The flows do not depend on the number of workers or their schedule: the
// fixed-point sums make them identical to the bit.
func TestDelawareDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the Delaware extract")
	}
	g := loadDelaware(t)
	n := &Network{Name: "base", Graph: g, Places: delawarePlaces(g)}
	cfg := DefaultConfig()
	d, err := BuildDemand(n, delawareZones(g, 5, 8), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var ref *Flows
	for _, w := range []int{1, 3} {
		f, err := Assign(n, d, AssignOptions{Workers: w, VOC: classCosts(cfg.VOC)})
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = f
			continue
		}
		for s := range f.Fwd {
			if f.Fwd[s] != ref.Fwd[s] || f.Bwd[s] != ref.Bwd[s] {
				t.Fatalf("segment %d: got %g/%g with %d workers, %g/%g with 1", s, f.Fwd[s], f.Bwd[s], w, ref.Fwd[s], ref.Bwd[s])
			}
		}
		if f.Delivered != ref.Delivered || len(d.Groups) < 20 {
			t.Errorf("got %g delivered with %d workers, %g with 1 (%d groups)", f.Delivered, w, ref.Delivered, len(d.Groups))
		}
	}
}
