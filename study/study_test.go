package study

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/report"
	"github.com/fastroad/fastroad/scenarios"
)

// handDrawn builds the inputs of testdata/study in memory: the hand-drawn
// network, its HSR station and two alternatives.
func handDrawn(t *testing.T) Inputs {
	t.Helper()
	open := func() (io.ReadCloser, error) { return os.Open("../testdata/study/net.osm") }
	prof := osm.DefaultProfile()
	g, err := osm.Read(context.Background(), open, osm.Options{Profile: prof})
	if err != nil {
		t.Fatal(err)
	}
	feats, err := osm.ReadFeatures(context.Background(), open, osm.FeatureOptions{AdminLevel: 6})
	if err != nil {
		t.Fatal(err)
	}
	lon, lat := 116.1, 36.0003
	plan := places.Plan{DropDetected: []string{places.KindHSRStation}, Edits: []places.Edit{
		{Op: places.OpSet, Kind: places.KindHSRStation, ID: "node/102", Name: "Test Central", Lon: lon, Lat: lat, HasPoint: true, Population: -1, Where: "test"},
	}}
	spec := scenarios.Study{
		Name:       "in memory",
		Targets:    scenarios.DefaultTargets(),
		Rank:       "mean_minutes_to_hsr",
		Isochrones: scenarios.Isochrones{Minutes: []float64{5, 10}, CellMetres: 200},
		Alternatives: []scenarios.Alternative{
			{Name: "faster", Edits: []scenarios.Edit{{Upgrade: &scenarios.Upgrade{Selector: scenarios.Selector{WayIDs: []int64{1, 2}}, SpeedKmh: 110}}}},
			{Name: "closed", Edits: []scenarios.Edit{{Close: &scenarios.Selector{WayIDs: []int64{1}}}}},
		},
	}
	return Inputs{Path: "memory", Spec: spec, Base: scenarios.Network{Graph: g, Speeds: prof.Speeds}, Profile: prof, Features: feats, Plan: &plan}
}

// TestCompareInMemory runs the whole comparison without files: the faster
// road saves time, the closed one cuts Testville off, and two runs render
// byte-identical outputs.
func TestCompareInMemory(t *testing.T) {
	render := func() map[string][]byte {
		s, err := Prepare(handDrawn(t))
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Compare(context.Background(), Options{NoMaps: true})
		if err != nil {
			t.Fatal(err)
		}
		if c.Ranks["faster"] != 1 || c.Ranks["closed"] != 2 {
			t.Errorf("ranks %v: want faster 1, closed 2", c.Ranks)
		}
		out := map[string][]byte{}
		for _, f := range c.Files {
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			out[f.Name] = buf.Bytes()
		}
		return out
	}
	a, b := render(), render()
	for _, name := range []string{"report.md", "summary.csv", "towns.csv", "base-to-hsr.geojson", "base-to-hsr-minutes.tif", "diff-faster-hsr.geojson"} {
		if _, ok := a[name]; !ok {
			t.Errorf("no %s among the outputs", name)
		}
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	if !strings.Contains(string(a["towns.csv"]), "faster,node/100,Testville,50000,Test Central,4.9,-4.9,") {
		t.Errorf("towns.csv:\n%s", a["towns.csv"])
	}
}

// TestCompareCancelled: a cancelled context stops the comparison.
func TestCompareCancelled(t *testing.T) {
	s, err := Prepare(handDrawn(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Compare(ctx, Options{NoMaps: true}); err != context.Canceled {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// TestNetworkByName: alternatives are found by name; an unknown name is a
// configuration error listing the names.
func TestNetworkByName(t *testing.T) {
	s, err := Prepare(handDrawn(t))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Network("closed"); err != nil || n.Name != "closed" || n.Graph == s.Base.Graph {
		t.Errorf("Network(closed) = %v, %v", n.Name, err)
	}
	_, err = s.Network("nope")
	var ce ConfigError
	if err == nil || !strings.Contains(err.Error(), "faster") || !asConfig(err, &ce) {
		t.Errorf("Network(nope): %v", err)
	}
}

func asConfig(err error, ce *ConfigError) bool {
	c, ok := err.(ConfigError)
	if ok {
		*ce = c
	}
	return ok
}

// TestPeopleHandDrawn: 1,000 residents given as a census point at
// Testville land on one 250 m surface cell, spread over the 200 m grid cells
// it overlaps. Each cell's time is the walk to the road (5 km/h) plus 9.8
// min by road today and 4.9 min with the faster road, so every resident
// saves the same 4.9 min: about 4,900 person-minutes, and the weighted mean
// falls by 4.9 min. None is within 5 min today (the road alone takes 9.8).
// Closing the only road leaves all 1,000 unreached: "no longer reached",
// never minutes saved or lost.
func TestPeopleHandDrawn(t *testing.T) {
	in := handDrawn(t)
	in.Population = []population.Source{{Name: "census", Points: []population.Point{
		{Lon: 116.0, Lat: 36.0005, Pop: 1000, Name: "Testville"},
	}}}
	s, err := Prepare(in)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Compare(context.Background(), Options{NoMaps: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.People == nil || math.Abs(c.People.Total-1000) > 1e-3 {
		t.Fatalf("people on the grid: %v (outside the grid %v), want 1000", c.People.Total, c.People.Outside)
	}
	within := func(o *report.Outcome, m float64) float64 { return o.Dest[report.TargetHSR].People.Within(0, m) }
	base := c.Base.Dest[report.TargetHSR].People.All()
	if math.Abs(base.Reached-1000) > 1 {
		t.Errorf("today reached: %v, want 1000", base.Reached)
	}
	if got := within(c.Base, 5); got > 1 {
		t.Errorf("today within 5 min of HSR: %v, want 0", got)
	}
	var faster, closed *report.Alternative
	for _, a := range c.Alts {
		switch a.Name {
		case "faster":
			faster = a
		case "closed":
			closed = a
		}
	}
	fast := faster.Dest[report.TargetHSR].People.All()
	if d := base.MeanMinutes - fast.MeanMinutes; math.Abs(d-4.9) > 0.15 {
		t.Errorf("faster: weighted mean %.2f -> %.2f min, want 4.9 min less", base.MeanMinutes, fast.MeanMinutes)
	}
	if got := within(faster.Outcome, 10); got <= within(c.Base, 10) {
		t.Errorf("faster: within 10 min %v, not more than today's %v", got, within(c.Base, 10))
	}
	// About 1,000 x 4.9 min saved (9.8 -> 4.9 by road; the walk is the same).
	sv := faster.Savings[report.TargetHSR].Groups[0]
	if sv.PersonMinutes < 1000*4.5 || sv.PersonMinutes > 1000*5.3 || sv.NewlyReached != 0 {
		t.Errorf("faster: %+v, want about 4,900 person-minutes saved", sv)
	}
	cs := closed.Savings[report.TargetHSR].Groups[0]
	if cs.PersonMinutes != 0 || math.Abs(cs.NoLongerReached-1000) > 1 {
		t.Errorf("closed: %+v, want 1000 no longer reached and 0 person-minutes", cs)
	}
}

// TestPlannerPopulations: a planner's town with a population replaces the
// OSM places of its name nearby (an area kept, a node dropped) and leaves
// others alone: "City of Seaford" is Seaford; "Seafordville" and "Seaford
// Heights" are other places.
func TestPlannerPopulations(t *testing.T) {
	ring := population.Ring{{0, 0}, {0.01, 0}, {0.01, 0.01}, {0, 0.01}, {0, 0}}
	set := &population.Settlements{Places: []population.SettlementPlace{
		{Type: "node", ID: 1, Kind: "village", Name: "Seaford", Lon: 0.005, Lat: 0.005},
		{Type: "relation", ID: 2, Kind: "city", Name: "City of Seaford", Lon: 0.005, Lat: 0.005, Area: population.MultiPolygon{{ring}}},
		{Type: "node", ID: 3, Kind: "village", Name: "Seafordville", Lon: 0.006, Lat: 0.005},
		{Type: "node", ID: 4, Kind: "town", Name: "Seaford", Lon: 1, Lat: 1}, // 150 km away
		{Type: "node", ID: 5, Kind: "hamlet", Name: "Seaford Heights", Lon: 0.004, Lat: 0.005},
	}}
	plan := &places.Plan{Edits: []places.Edit{{Op: places.OpAdd, Kind: places.KindTown, ID: "s", Name: "Seaford", Lon: 0.005, Lat: 0.005, HasPoint: true, Population: 7957}}}
	got, notes := withPlannerPopulations(set, plan)
	var ids []int64
	for _, p := range got.Places {
		ids = append(ids, p.ID)
		if p.ID == 2 && p.Population != 7957 {
			t.Errorf("City of Seaford: population %d, want 7957", p.Population)
		}
	}
	if fmt.Sprint(ids) != "[2 3 4 5]" || len(notes) != 1 {
		t.Errorf("kept %v (notes %v), want [2 3 4 5]: the node dropped, the far town, Seafordville and Seaford Heights kept", ids, notes)
	}
	if len(set.Places) != 5 {
		t.Error("the input settlements were changed")
	}
}
