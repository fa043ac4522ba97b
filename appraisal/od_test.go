package appraisal

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

func TestParseOD(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     []ODRow
		err      string
	}{
		{"ok", "from,to,trips_per_day,note\nA,C,10,x\nD, C ,2.5,\n", []ODRow{{2, "A", "C", 10}, {3, "D", "C", 2.5}}, ""},
		{"bom and case", "\ufeffFrom,TO,Trips_Per_Day\nA,C,1\n", []ODRow{{2, "A", "C", 1}}, ""},
		{"empty", "", nil, "line 1: empty file"},
		{"no trips column", "from,to,trips\nA,C,1\n", nil, "line 1: no trips_per_day column"},
		{"negative", "from,to,trips_per_day\nA,C,1\nA,D,-3\n", nil, "line 3: trips_per_day \"-3\": want a number 0..1e9"},
		{"nan", "from,to,trips_per_day\nA,C,NaN\n", nil, "line 2: trips_per_day"},
		{"empty id", "from,to,trips_per_day\n,C,1\n", nil, "line 2: empty from or to"},
		{"quote", "from,to,trips_per_day\n\"A,C,1\n", nil, "line 2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOD(strings.NewReader(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("got error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("row %d: got %+v want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func FuzzParseOD(f *testing.F) {
	f.Add("from,to,trips_per_day\nA,C,10\n")
	f.Add("from,to,trips_per_day,x\nz1,z2,0.5,y\nz2,z1,1e3,\n")
	f.Add("\ufeffFROM,TO,TRIPS_PER_DAY\n\"a\"\"b\",c,1\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ParseOD(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.From == "" || r.To == "" || !(r.TripsPerDay >= 0 && r.TripsPerDay <= 1e9) || r.Line < 2 {
				t.Fatalf("accepted a bad row %+v", r)
			}
		}
	})
}

// An OD matrix replaces a purpose: 20 person trips a day from A and 10 from
// D to the centre, by car alone: A-B 20 vehicles, D-B 10.
func TestODPurpose(t *testing.T) {
	cfg := DefaultConfig()
	rows, err := ParseOD(strings.NewReader("from,to,trips_per_day\nA,centre,20\nD,centre,10\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Purposes = map[string]Purpose{PurposeCentre: {CarShare: 1, Occupancy: 1, OD: rows}}
	ps := handPlaces()
	ps.Centre = []Place{{ID: "centre", Points: []graph.Point{ptB}}}
	n := &Network{Name: "base", Graph: handGraph(t, false), Places: ps}
	d, err := BuildDemand(n, handZones(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := Assign(n, d, AssignOptions{})
	if ab, db := segByName(t, n.Graph, "A-B"), segByName(t, n.Graph, "D-B"); f.Fwd[ab] != 20 || f.Fwd[db] != 10 || d.Purposes[0].Model != "od" {
		t.Errorf("got A-B %g D-B %g model %s, want 20, 10, od", f.Fwd[ab], f.Fwd[db], d.Purposes[0].Model)
	}
}

// HSR boardings: 36,500 a year at the station on C = 100 a day, spread by
// residents x exp(-decay x minutes). With decay 0 the split follows the
// residents: A 100/150 x 100 = 66.67, D 33.33; by car share 0.5 and 2 per
// car: 16.67 and 8.33 vehicles.
func TestHSRBoardings(t *testing.T) {
	cfg := DefaultConfig()
	ps := handPlaces()
	ps.HSR = []Place{{ID: "hsr-c", Points: []graph.Point{ptC}}}
	n := &Network{Name: "base", Graph: handGraph(t, false), Places: ps}
	for _, tt := range []struct {
		decay float64
		wantA float64
	}{{0, 100.0 * 100 / 150}, {0.5, -1}} {
		cfg.Purposes = map[string]Purpose{PurposeHSR: {CarShare: 0.5, Occupancy: 2, Boardings: map[string]float64{"hsr-c": 36500}, DecayPerMinute: tt.decay}}
		d, err := BuildDemand(n, handZones(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.ODs) != 2 || math.Abs(d.Purposes[0].PersonTrips-100) > 1e-9 || math.Abs(d.Purposes[0].Vehicles-25) > 1e-9 {
			t.Fatalf("decay %g: got %+v, want 100 trips, 25 vehicles", tt.decay, d.Purposes[0])
		}
		if tt.wantA > 0 && math.Abs(d.ODs[0].PersonTrips-tt.wantA) > 1e-9 {
			t.Errorf("got A %g want %g", d.ODs[0].PersonTrips, tt.wantA)
		}
		// With decay, D (D-B-C, 1.42 km) is nearer the station than A
		// (A-B-C, 1.73 km), so D gets more trips per resident.
		if tt.decay > 0 && !(d.ODs[1].PersonTrips/50 > d.ODs[0].PersonTrips/100) {
			t.Errorf("got A %g D %g, want more per resident from the nearer D", d.ODs[0].PersonTrips, d.ODs[1].PersonTrips)
		}
	}
	cfg.Purposes = map[string]Purpose{PurposeHSR: {CarShare: 0.5, Occupancy: 2, Boardings: map[string]float64{"nowhere": 1}}}
	if _, err := BuildDemand(n, handZones(), cfg); err == nil || !strings.Contains(err.Error(), "appraisal.purposes.hsr.boardings.nowhere: unknown station") {
		t.Errorf("got %v, want an unknown station error", err)
	}
}

// County seats: zones go to their own county's seat, zones of a county
// without one to the nearest seat.
func TestCountySeats(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Purposes = map[string]Purpose{PurposeCountySeat: {Rate: 365, CarShare: 1, Occupancy: 1, Destination: "own"}}
	ps := handPlaces()
	ps.CountySeats = []Place{{ID: "seat-a", County: "West", Points: []graph.Point{ptA}}, {ID: "seat-c", County: "East", Points: []graph.Point{ptC}}}
	zones := handZones()
	// A (county East) drives to its own seat at C, past the nearer seat on
	// its own node; D's county has no seat, so D goes to the nearest.
	zones[0].County, zones[1].County = "East", "Nowhere"
	n := &Network{Name: "base", Graph: handGraph(t, false), Places: ps}
	d, err := BuildDemand(n, zones, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Groups) != 2 || d.Groups[0].County != "East" || d.Groups[1].County != "" {
		t.Fatalf("got groups %+v, want East and nearest", d.Groups)
	}
	f, _ := Assign(n, d, AssignOptions{})
	// A -> C: 100 on A-B and B-C.
	if ab := segByName(t, n.Graph, "A-B"); f.Fwd[ab] != 100 {
		t.Errorf("got A-B %g, want 100 (A drives to its own seat at C)", f.Fwd[ab])
	}
}

func TestFlowsGeoJSON(t *testing.T) {
	n := &Network{Name: "base", Graph: handGraph(t, false), Places: handPlaces()}
	d, _ := BuildDemand(n, handZones(), expresswayOnly())
	f, _ := Assign(n, d, AssignOptions{})
	var b bytes.Buffer
	if err := WriteFlowsGeoJSON(&b, n.Graph, f, FlowsGeoJSONOptions{Factor: 2}); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string
				Coordinates [][2]float64
			}
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(b.Bytes(), &fc); err != nil {
		t.Fatalf("invalid GeoJSON: %v\n%s", err, b.String())
	}
	// Three loaded segments (the slow road carries nothing); B-C carries
	// 150 x factor 2.
	if len(fc.Features) != 3 {
		t.Fatalf("got %d features, want 3", len(fc.Features))
	}
	for _, ft := range fc.Features {
		if ft.Properties["name"] == "B-C" && ft.Properties["aadt"] != 300.0 {
			t.Errorf("got B-C aadt %v, want 300", ft.Properties["aadt"])
		}
	}
}
