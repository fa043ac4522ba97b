package appraisal

import (
	"math"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

// The hand-drawn network (north up, about 0.86 km between columns at 39°N):
//
//	A ======= B ======= C      A-B, B-C: 60 km/h, two-way
//	 \        |        /       D-B: 60 km/h, two-way
//	  \       D       /        A..C: a slow 20 km/h road through X
//	   `------X------'         (in the alternative, D-C: new road, 100 km/h)
//
// Zones sit on A (100 residents) and D (50); the expressway entrance is C.
var (
	ptA = graph.Point{Lon: -75.60, Lat: 39.00}
	ptB = graph.Point{Lon: -75.59, Lat: 39.00}
	ptC = graph.Point{Lon: -75.58, Lat: 39.00}
	ptD = graph.Point{Lon: -75.59, Lat: 38.995}
	ptX = graph.Point{Lon: -75.59, Lat: 38.98}
)

func handGraph(t testing.TB, bypass bool) *graph.Graph {
	t.Helper()
	b := graph.NewBuilder()
	add := func(way int64, name string, from, to int64, speed float64, pts ...graph.Point) {
		if err := b.Add(graph.Piece{WayID: way, Name: name, Class: graph.Primary, FromKey: from, ToKey: to,
			Coords: pts, SpeedFwd: speed, SpeedBwd: speed, Added: way < 0}); err != nil {
			t.Fatal(err)
		}
	}
	add(1, "A-B", 1, 2, 60, ptA, ptB)
	add(2, "B-C", 2, 3, 60, ptB, ptC)
	add(3, "D-B", 4, 2, 60, ptD, ptB)
	add(4, "slow", 1, 3, 20, ptA, ptX, ptC)
	if bypass {
		add(-1, "bypass", 4, 3, 100, ptD, ptC)
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func segByName(t testing.TB, g *graph.Graph, name string) int32 {
	t.Helper()
	for s := range g.Segments {
		if g.String(g.Segments[s].Name) == name {
			return int32(s)
		}
	}
	t.Fatalf("no segment %s", name)
	return -1
}

func handZones() []Zone {
	return []Zone{
		{ID: "A", Lon: ptA.Lon, Lat: ptA.Lat, Residents: 100, County: "Kent", Urban: true},
		{ID: "D", Lon: ptD.Lon, Lat: ptD.Lat, Residents: 50, County: "Kent"},
	}
}

func handPlaces() Places {
	return Places{Entrances: []Place{{ID: "C", Name: "C interchange", Points: []graph.Point{ptC}}}}
}

// expresswayOnly: 365 trips per resident per year = 1 a day; every trip by
// car alone, so vehicles = residents.
func expresswayOnly() Config {
	cfg := DefaultConfig()
	cfg.Purposes = map[string]Purpose{PurposeExpressway: {Rate: 365, CarShare: 1, Occupancy: 1, ValueOfTime: 36}}
	return cfg
}

func TestAssignHand(t *testing.T) {
	for _, tt := range []struct {
		name   string
		bypass bool
		// vehicles per day along each segment's geometry (From -> To):
		// without the bypass A's 100 drive A-B-C, D's 50 drive D-B-C, so
		// A-B 100, D-B 50, B-C 150, slow 0; with it D's 50 take D-C.
		want map[string]float64
	}{
		{"base", false, map[string]float64{"A-B": 100, "D-B": 50, "B-C": 150, "slow": 0}},
		{"bypass", true, map[string]float64{"A-B": 100, "D-B": 0, "B-C": 100, "slow": 0, "bypass": 50}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := handGraph(t, tt.bypass)
			n := &Network{Name: tt.name, Graph: g, Places: handPlaces()}
			cfg := expresswayOnly()
			d, err := BuildDemand(n, handZones(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Assign(n, d, AssignOptions{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range tt.want {
				s := segByName(t, g, name)
				if f.Fwd[s] != want || f.Bwd[s] != 0 {
					t.Errorf("%s: got %g forward %g backward, want %g and 0", name, f.Fwd[s], f.Bwd[s], want)
				}
			}
			if f.Delivered != 150 || f.Unreached != 0 {
				t.Errorf("got %g delivered %g unreached, want 150 and 0", f.Delivered, f.Unreached)
			}
			// Route lengths: A drives A-B + B-C, D drives D-B + B-C (or D-C).
			L := func(name string) float64 { return g.Segments[segByName(t, g, name)].Length }
			wantM := []float64{L("A-B") + L("B-C"), L("D-B") + L("B-C")}
			if tt.bypass {
				wantM[1] = L("bypass")
			}
			for i, r := range f.OD {
				if math.Abs(r.Metres-wantM[i]) > 1e-6 {
					t.Errorf("od %d: got %.3f m, want %.3f", i, r.Metres, wantM[i])
				}
			}
			// Vehicle-km a day: 100 x A's route + 50 x D's route.
			if tot := Totals(d, f); math.Abs(tot[0].VehKm-(100*wantM[0]+50*wantM[1])/1000) > 1e-9 || tot[0].Vehicles != 150 {
				t.Errorf("got totals %+v, want %.4f veh-km and 150 vehicles", tot[0], (100*wantM[0]+50*wantM[1])/1000)
			}
		})
	}
}

// Elastic demand through Assign: the alternative's trips follow
// T1 = T0 (C1/C0)^e with the costs each network measured.
func TestAssignElastic(t *testing.T) {
	cfg := expresswayOnly()
	base := &Network{Name: "base", Graph: handGraph(t, false), Places: handPlaces()}
	alt := &Network{Name: "bypass", Graph: handGraph(t, true), Places: handPlaces()}
	d, err := BuildDemand(base, handZones(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	opt := AssignOptions{VOC: classCosts(cfg.VOC)}
	bf, _ := Assign(base, d, opt)
	opt.Elasticity, opt.Base = -0.8, bf
	af, _ := Assign(alt, d, opt)
	pd := &d.Purposes[0]
	for i := range d.ODs {
		want := d.ODs[i].Vehicles * math.Pow(genCost(af.OD[i], pd)/genCost(bf.OD[i], pd), -0.8)
		if math.Abs(af.OD[i].Vehicles-want) > 1e-9 {
			t.Errorf("od %d: got T1 %g want %g", i, af.OD[i].Vehicles, want)
		}
	}
	// A's route does not change (T1 = T0 = 100); D's gets cheaper, so more trips.
	if af.OD[0].Vehicles != 100 || !(af.OD[1].Vehicles > 50) {
		t.Errorf("got T1 %g and %g, want 100 and > 50", af.OD[0].Vehicles, af.OD[1].Vehicles)
	}
	if s := segByName(t, alt.Graph, "bypass"); math.Abs(af.Fwd[s]-af.OD[1].Vehicles) > 1e-6 {
		t.Errorf("got %g on the bypass, want D's %g", af.Fwd[s], af.OD[1].Vehicles)
	}
}

// No entrance at all: every trip is unreached, nothing is loaded, and the
// savings leave those trips out.
func TestAssignNoDestination(t *testing.T) {
	n := &Network{Name: "base", Graph: handGraph(t, false)}
	d, err := BuildDemand(n, handZones(), expresswayOnly())
	if err != nil {
		t.Fatal(err)
	}
	f, _ := Assign(n, d, AssignOptions{})
	if f.Unreached != 150 || f.Delivered != 0 {
		t.Errorf("got %g unreached %g delivered, want 150 and 0", f.Unreached, f.Delivered)
	}
	for s := range n.Graph.Segments {
		if f.AADT(int32(s)) != 0 {
			t.Errorf("segment %d: got %g vehicles, want 0", s, f.AADT(int32(s)))
		}
	}
	if s := Savings(d, f, f); s[0].Vehicles != 0 {
		t.Errorf("got %g vehicles counted, want 0", s[0].Vehicles)
	}
}

// TestRouteByGeneralizedCost: from A to the entrance at C there is a long
// fast road through X (2 x 2.38 km = 4.77 km at 100 km/h: 2.86 min) and a
// short slow one through B (1.73 km at 30 km/h: 3.46 min). By time the trips
// take the long road. At 36 CNY per vehicle-hour (0.6 a minute) and 1 CNY
// per vehicle-km the long road costs 2.86 x 0.6 + 4.77 = 6.49 CNY and the
// short one 3.46 x 0.6 + 1.73 = 3.81 CNY, so by generalized cost they take
// the short road; the time reported is that road's real 3.46 min, not the
// cost-equivalent minutes the search ran on.
func TestRouteByGeneralizedCost(t *testing.T) {
	b := graph.NewBuilder()
	add := func(way int64, name string, from, to int64, speed float64, pts ...graph.Point) {
		if err := b.Add(graph.Piece{WayID: way, Name: name, Class: graph.Primary, FromKey: from, ToKey: to,
			Coords: pts, SpeedFwd: speed, SpeedBwd: speed}); err != nil {
			t.Fatal(err)
		}
	}
	add(1, "A-B", 1, 2, 30, ptA, ptB)
	add(2, "B-C", 2, 3, 30, ptB, ptC)
	add(3, "A-X", 1, 4, 100, ptA, ptX)
	add(4, "X-C", 4, 3, 100, ptX, ptC)
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	n := &Network{Name: "two roads", Graph: g, Places: handPlaces()}
	d, err := BuildDemand(n, handZones()[:1], expresswayOnly())
	if err != nil {
		t.Fatal(err)
	}
	var voc [graph.NumClasses]float64
	voc[graph.Primary] = 1
	for _, c := range []struct {
		name       string
		vot        float64
		road       string
		minMinutes float64
	}{{"time", 0, "A-X", 2.8}, {"generalized cost", 36, "A-B", 3.4}} {
		f, err := Assign(n, d, AssignOptions{VOC: voc, RouteVOT: c.vot})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.AADT(segByName(t, g, c.road)); math.Abs(got-100) > 1e-6 {
			t.Errorf("%s: %s carries %v vehicles, want all 100", c.name, c.road, got)
		}
		if m := float64(f.OD[0].Millis) / 60000; m < c.minMinutes || m > c.minMinutes+0.15 {
			t.Errorf("%s: trip time %.2f min, want about %.2f (the road's real time)", c.name, m, c.minMinutes+0.06)
		}
	}
	if RouteValueOfTime([]PurposeDemand{{Vehicles: 30, Occupancy: 1.5, ValueOfTime: 20}, {Vehicles: 10, Occupancy: 1, ValueOfTime: 40}}) != 32.5 {
		t.Error("RouteValueOfTime: want (30 x 30 + 10 x 40) / 40 = 32.5")
	}
}
