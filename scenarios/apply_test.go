package scenarios

import (
	"errors"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

// The hand-drawn network (degrees from 116E, 36N; about 90 m per 0.001):
//
//	                 N (0.1, 0.05)
//	                 |  R2: way 2, "County Rd", 40 km/h
//	T (0,0) ---------X (0.1,0)--------- S (0.2,0)   R1: way 1, ref "G106", 20 km/h
//	                 |
//	                 M (0.1,-0.05)
//
// and, in the expressway fixture, a motorway E (way 3, controlled, two
// carriageways 0.0005 apart) running 0.02 north of R1 with no ramp.
var (
	pT = graph.Point{Lon: 116, Lat: 36}
	pX = graph.Point{Lon: 116.1, Lat: 36}
	pS = graph.Point{Lon: 116.2, Lat: 36}
	pN = graph.Point{Lon: 116.1, Lat: 36.05}
	pM = graph.Point{Lon: 116.1, Lat: 35.95}
)

func fixture(t *testing.T, motorway, planned bool) Network {
	t.Helper()
	b := graph.NewBuilder()
	add := func(p graph.Piece) {
		if err := b.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	add(graph.Piece{WayID: 1, Ref: "G106", Class: graph.Primary, FromKey: 1, ToKey: 10, Coords: []graph.Point{pT, pX}, SpeedFwd: 20, SpeedBwd: 20})
	add(graph.Piece{WayID: 1, Ref: "G106", Class: graph.Primary, FromKey: 10, ToKey: 2, Coords: []graph.Point{pX, pS}, SpeedFwd: 20, SpeedBwd: 20})
	add(graph.Piece{WayID: 2, Name: "County Rd", Class: graph.Secondary, FromKey: 3, ToKey: 10, Coords: []graph.Point{pN, pX}, SpeedFwd: 40, SpeedBwd: 40})
	add(graph.Piece{WayID: 2, Name: "County Rd", Class: graph.Secondary, FromKey: 10, ToKey: 4, Coords: []graph.Point{pX, pM}, SpeedFwd: 40, SpeedBwd: 40})
	if motorway {
		// eastbound and westbound carriageways, joined at both ends by a loop so
		// they form one component; no ramp to the local roads.
		e1 := []graph.Point{{Lon: 115.99, Lat: 36.02}, {Lon: 116.21, Lat: 36.02}}
		e2 := []graph.Point{{Lon: 116.21, Lat: 36.0205}, {Lon: 115.99, Lat: 36.0205}}
		add(graph.Piece{WayID: 3, Ref: "G1", Class: graph.Motorway, Controlled: true, FromKey: 20, ToKey: 21, Coords: e1, SpeedFwd: 100})
		add(graph.Piece{WayID: 4, Ref: "G1", Class: graph.Motorway, Controlled: true, FromKey: 22, ToKey: 23, Coords: e2, SpeedFwd: 100})
		add(graph.Piece{WayID: 5, Class: graph.MotorwayLink, Controlled: true, FromKey: 21, ToKey: 22, Coords: []graph.Point{e1[1], e2[0]}, SpeedFwd: 50})
		add(graph.Piece{WayID: 6, Class: graph.MotorwayLink, Controlled: true, FromKey: 23, ToKey: 20, Coords: []graph.Point{e2[1], e1[0]}, SpeedFwd: 50})
	}
	if planned {
		// a bypass under construction from T to S, 0.01 south
		add(graph.Piece{WayID: 7, Class: graph.Trunk, Planned: true, FromKey: 1, ToKey: 2,
			Coords: []graph.Point{pT, {Lon: 116.1, Lat: 35.99}, pS}, SpeedFwd: 80, SpeedBwd: 80})
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return Network{Graph: g, Speeds: map[string]float64{"trunk": 80, "motorway": 100, "primary": 60, "secondary": 50}}
}

// minutes returns the travel time between two node keys in minutes (-1 when unreachable).
func minutes(t *testing.T, g *graph.Graph, from, to int64) float64 {
	t.Helper()
	a, ok1 := g.NodeByID(from)
	b, ok2 := g.NodeByID(to)
	if !ok1 || !ok2 {
		t.Fatalf("node %d or %d missing", from, to)
	}
	s := graph.NewSearch(g)
	s.Run(graph.Outbound, []graph.Seed{{Node: a}}, graph.Stop{Targets: []int32{b}})
	if s.Time(b) == graph.Inf {
		return -1
	}
	return float64(s.Time(b)) / 60000
}

func apply(t *testing.T, n Network, edits ...Edit) *Result {
	t.Helper()
	res, err := Apply(n, Alternative{Name: "alt", Edits: edits})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// bridge is a fast road parallel to R2, 0.001 east, crossing R1 with no
// junction; its ends join R2's ends through short connectors.
func bridge(interchange bool) *AddRoad {
	r := &AddRoad{Name: "New Expressway", Line: []Coord{{116.101, 36.04}, {116.101, 35.96}}, Class: "trunk", SpeedKmh: 100, EndToleranceM: 1500}
	if interchange {
		r.Interchanges = []Interchange{{At: Coord{116.101, 36}, RampSeconds: 30}}
	}
	return r
}

func TestBridgeSavesNothingInterchangeDoes(t *testing.T) {
	base := fixture(t, false, false)
	t0 := minutes(t, base.Graph, 1, 3) // T to N
	if t0 <= 0 {
		t.Fatalf("base T->N: %v", t0)
	}
	br := apply(t, base, Edit{AddRoad: bridge(false)})
	if got := minutes(t, br.Graph, 1, 3); abs(got-t0) > 0.01 {
		t.Errorf("bridge without interchange: T->N %.2f min, base %.2f: a bridge must save nothing", got, t0)
	}
	ic := apply(t, base, Edit{AddRoad: bridge(true)})
	got := minutes(t, ic.Graph, 1, 3)
	// T -> crossing (0.101 degree at 20 km/h) + 30 s ramp + 0.04 degree north at 100 km/h + connector.
	if !(got < t0-3) {
		t.Errorf("with an interchange: T->N %.2f min, base %.2f: want a clear saving", got, t0)
	}
	if !ic.Rebuilt || br.Reports[0].Km < 8 {
		t.Errorf("report: %+v", ic.Reports[0])
	}
}

func TestSpeedOnlyEditsDoNotRebuild(t *testing.T) {
	base := fixture(t, false, false)
	t0 := minutes(t, base.Graph, 1, 2)
	res := apply(t, base, Edit{Upgrade: &Upgrade{Selector: Selector{Ref: "g 106"}, SpeedKmh: 40}})
	if res.Rebuilt {
		t.Error("a speed upgrade rebuilt the graph")
	}
	if &res.Graph.Out.First[0] != &base.Graph.Out.First[0] || &res.Graph.Out.Seg[0] != &base.Graph.Out.Seg[0] {
		t.Error("a speed upgrade copied the topology")
	}
	if got := minutes(t, res.Graph, 1, 2); abs(got-t0/2) > 0.01 {
		t.Errorf("doubling R1's speed: T->S %.2f min want %.2f", got, t0/2)
	}
	if r := res.Reports[0]; r.Ways != 1 || r.Km < 17 || !strings.Contains(r.Summary, "20 -> 40 km/h") {
		t.Errorf("report: %+v", r)
	}
	// The base is untouched.
	if got := minutes(t, base.Graph, 1, 2); got != t0 {
		t.Errorf("base changed: %v -> %v", t0, got)
	}
}

func TestCloseMakesUnreachable(t *testing.T) {
	base := fixture(t, false, false)
	res := apply(t, base, Edit{Close: &Selector{WayIDs: []int64{1}}})
	if got := minutes(t, res.Graph, 1, 2); got != -1 {
		t.Errorf("closing the only road: T->S %.2f min, want unreachable", got)
	}
	// Closed roads take no snapped point.
	if _, err := res.Graph.SnapPoint(graph.Point{Lon: 116.03, Lat: 36}, graph.SnapOptions{MaxDist: 100}); err == nil {
		t.Error("a point snapped to a closed road")
	}
}

func TestControlledUpgrade(t *testing.T) {
	base := fixture(t, false, false)
	// R1 becomes controlled-access with no entrance: R2 no longer meets it at X.
	res := apply(t, base, Edit{Upgrade: &Upgrade{Selector: Selector{WayIDs: []int64{1}}, Class: "motorway", SpeedKmh: 100, ControlledAccess: true}})
	if got := minutes(t, res.Graph, 1, 2); got <= 0 || got > 11 {
		t.Errorf("along the upgraded road T->S: %.2f min", got)
	}
	if got := minutes(t, res.Graph, 1, 3); got != -1 {
		t.Errorf("controlled access without entrance: T->N %.2f min, want unreachable", got)
	}
	// With an interchange at X, N is reached again through a ramp.
	res = apply(t, base, Edit{Upgrade: &Upgrade{Selector: Selector{WayIDs: []int64{1}}, Class: "motorway", SpeedKmh: 100, ControlledAccess: true,
		Entrances: []Interchange{{At: Coord{116.1, 36}, RampSeconds: 60}}}})
	got := minutes(t, res.Graph, 1, 3)
	if got <= 0 {
		t.Fatalf("with an entrance at X: T->N unreachable")
	}
	// T->X at 100 km/h, 60 s of ramp, X->N at 40 km/h.
	want := (graph.Distance(pT, pX)/100*3.6 + 60 + graph.Distance(pX, pN)/40*3.6) / 60
	if abs(got-want) > 0.05 {
		t.Errorf("with an entrance at X: T->N %.2f min want %.2f", got, want)
	}
	if !strings.Contains(res.Reports[0].Summary, "1 junctions cut") {
		t.Errorf("report: %s", res.Reports[0].Summary)
	}
}

func TestOSMConstruction(t *testing.T) {
	base := fixture(t, false, true)
	t0 := minutes(t, base.Graph, 1, 2)
	res := apply(t, base, Edit{OSMConstruction: true})
	if res.Rebuilt {
		t.Error("opening planned roads rebuilt the graph")
	}
	if got := minutes(t, res.Graph, 1, 2); !(got < t0/2) {
		t.Errorf("with the bypass open: T->S %.2f min, base %.2f", got, t0)
	}
	_, err := Apply(fixture(t, false, false), Alternative{Name: "x", Edits: []Edit{{OSMConstruction: true}}})
	if err == nil || !strings.Contains(err.Error(), "no road under construction") {
		t.Errorf("no planned roads: got %v", err)
	}
}

func TestAddEntrance(t *testing.T) {
	base := fixture(t, true, false)
	if got := minutes(t, base.Graph, 3, 21); got != -1 {
		t.Fatalf("base: N reaches the motorway (%.2f min) with no ramp", got)
	}
	res := apply(t, base, Edit{AddEntrance: &AddEntrance{At: Coord{116.1, 36.0202}, Road: "county rd", RampSeconds: 20}})
	if got := minutes(t, res.Graph, 3, 21); got <= 0 {
		t.Errorf("with the entrance: N to the motorway's east end unreachable")
	}
	if got := minutes(t, res.Graph, 23, 3); got <= 0 {
		t.Errorf("with the entrance: off the westbound carriageway to N unreachable")
	}
	if !strings.Contains(res.Reports[0].Summary, "2 carriageway") {
		t.Errorf("report: %s", res.Reports[0].Summary)
	}
}

func TestEditErrors(t *testing.T) {
	base := fixture(t, false, false)
	tests := []struct {
		name  string
		edits []Edit
		want  []string
	}{
		{"no kind", []Edit{{}}, []string{"edit 1", "exactly one"}},
		{"two kinds", []Edit{{Close: &Selector{WayIDs: []int64{1}}, OSMConstruction: true}}, []string{"exactly one"}},
		{"unknown way", []Edit{{Close: &Selector{WayIDs: []int64{999}}}}, []string{`alternative "alt", edit 1, close`, "matches no road"}},
		{"no selector", []Edit{{Close: &Selector{}}}, []string{"close", "no selector"}},
		{"unknown ref", []Edit{{Upgrade: &Upgrade{Selector: Selector{Ref: "S101"}, SpeedKmh: 80}}}, []string{"upgrade", "matches no road"}},
		{"contradiction", []Edit{{Close: &Selector{WayIDs: []int64{1}}}, {Upgrade: &Upgrade{Selector: Selector{Ref: "G106"}, SpeedKmh: 80}}},
			[]string{"edit 2", "contradicts edit 1"}},
		{"connects to nothing", []Edit{{AddRoad: &AddRoad{Line: []Coord{{116.05, 36.2}, {116.15, 36.2}}}}},
			[]string{"add_road.line", "connects to nothing"}},
		{"interchange too far", []Edit{{AddRoad: &AddRoad{Line: []Coord{{116.05, 36.2}, {116.15, 36.2}}, Interchanges: []Interchange{{At: Coord{116.1, 36.2}}}}}},
			[]string{"add_road.interchanges[0].at", "within 300 m"}},
		{"bad crs", []Edit{{AddRoad: &AddRoad{Line: []Coord{{116, 36}, {116.1, 36}}, CRS: "wgs85"}}}, []string{"add_road.line", "wgs85"}},
		{"bad class", []Edit{{AddRoad: &AddRoad{Line: []Coord{{116, 36}, {116.1, 36}}, Class: "superhighway"}}}, []string{"add_road.class"}},
		{"station without id", []Edit{{AddStation: &Station{At: Coord{116.1, 36}}}}, []string{"add_station.id"}},
		{"station in the sea", []Edit{{AddStation: &Station{ID: "s", At: Coord{117, 37}}}}, []string{"add_station.at", "no routable road"}},
		{"upgrade without speed", []Edit{{Upgrade: &Upgrade{Selector: Selector{WayIDs: []int64{1}}}}}, []string{"speed_kmh"}},
	}
	for _, tc := range tests {
		_, err := Apply(base, Alternative{Name: "alt", Edits: tc.edits})
		var ee *EditError
		if err == nil || !errors.As(err, &ee) {
			t.Errorf("%s: got %v, want an EditError", tc.name, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not mention %q", tc.name, err, w)
			}
		}
	}
}

func TestGCJ02Coordinates(t *testing.T) {
	// A corridor given in GCJ-02 selects the same road as in WGS-84 (the
	// offset near 116E 36N is a few hundred metres: more than the corridor's
	// half width, so an unconverted corridor would miss).
	base := fixture(t, false, false)
	line := []Coord{{116.1, 35.95}, {116.1, 36.05}} // along R2
	// convert to GCJ-02 by hand through the crs package
	gcj := make([]Coord, len(line))
	for i, c := range line {
		lon, lat := gcjOf(c[0], c[1])
		gcj[i] = Coord{lon, lat}
	}
	sel := Selector{Corridor: &Corridor{Line: gcj, WidthM: 100}, CRS: "gcj02"}
	if _, err := Apply(base, Alternative{Name: "a", Edits: []Edit{{Close: &sel}}}); err != nil {
		t.Errorf("gcj02 corridor: %v", err)
	}
	sel.CRS = ""
	if _, err := Apply(base, Alternative{Name: "a", Edits: []Edit{{Close: &sel}}}); err == nil {
		t.Error("the GCJ-02 corridor read as WGS-84 still matched: the test proves nothing")
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
