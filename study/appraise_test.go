package study

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/appraisal"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/scenarios"
)

// appraisalStudy is the hand-drawn study with 7000 residents as points
// (5000 at Testville, 2000 at Upton), the alternatives faster (ways 1 and 2
// at 110 km/h) and lake-road (a new primary road), and an appraisal with
// illustrative unit costs.
func appraisalStudy(t *testing.T) Inputs {
	t.Helper()
	in := handDrawn(t)
	in.Spec.Alternatives = []scenarios.Alternative{
		in.Spec.Alternatives[0],
		{Name: "lake-road", Edits: []scenarios.Edit{{AddRoad: &scenarios.AddRoad{Name: "Lake Road",
			Line: []scenarios.Coord{{116.05, 36.03}, {116.07, 36.0}, {116.1, 35.999}}, Class: "primary", SpeedKmh: 60}}}},
	}
	in.Population = []population.Source{{Name: "test points", Points: []population.Point{
		{Lon: 116.0, Lat: 36.0005, Pop: 5000, Name: "Testville"}, {Lon: 116.05, Lat: 36.0305, Pop: 2000, Name: "Upton"}}}}
	cfg := appraisal.DefaultConfig()
	cfg.Purposes[appraisal.PurposeHSR] = appraisal.Purpose{Rate: 10, CarShare: 0.5, Occupancy: 1.5, ValueOfTime: 30, DecayPerMinute: 0.05}
	cfg.UnitCosts = map[string]map[string]float64{"new_road": {"primary": 30e6}, "upgrade": {"default": 5e6}}
	in.Appraisal = &AppraisalSpec{Config: cfg, ZoneKm: 2, FlowsMinAADT: DefaultFlowsMinAADT,
		DefaultCosts: DefaultCosts{ConstructionYears: []int{2026, 2027}, Shares: []float64{0.5, 0.5}, MaintenancePerKmYear: 50000}}
	return in
}

func files(t *testing.T, fs []File) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range fs {
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = buf.Bytes()
	}
	return out
}

// TestAppraiseHandDrawn runs the appraisal on the hand-drawn study and
// checks it by hand.
func TestAppraiseHandDrawn(t *testing.T) {
	run := func() (*Appraisal, *Study) {
		s, err := Prepare(appraisalStudy(t))
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.Appraise(context.Background(), AppraiseOptions{NoMaps: true})
		if err != nil {
			t.Fatal(err)
		}
		return a, s
	}
	a, s := run()
	r := a.Result
	// Zones: the 7000 residents, in two 2 km zones (Testville's and Upton's).
	if got := sumResidents(a.Zones); got != 7000 || len(a.Zones) != 2 {
		t.Errorf("zones: got %d zones, %v residents; want 2, 7000", len(a.Zones), got)
	}
	// HSR demand: 7000 x 10 trips a year / 365 = 191.78 person trips a day;
	// x car share 0.5 / occupancy 1.5 = 63.93 vehicles a day.
	var vehicles float64
	for _, d := range r.Demand {
		vehicles += d.Vehicles
		if d.Name == appraisal.PurposeHSR && (math.Abs(d.PersonTrips-191.78) > 0.01 || math.Abs(d.Vehicles-63.93) > 0.01) {
			t.Errorf("hsr demand: got %.2f person trips, %.2f vehicles; want 191.78, 63.93", d.PersonTrips, d.Vehicles)
		}
	}
	for _, alt := range r.Alternatives {
		// Trips conserved: every vehicle of every purpose is served on the
		// base and on the alternative (the network is connected).
		tot := aprTotalOf(alt)
		if math.Abs(tot.Vehicles-vehicles) > 1e-6*vehicles || alt.UnreachedBase != 0 || alt.UnreachedAlt != 0 {
			t.Errorf("%s: got %.4f vehicles served (unreached %v, %v), want all %.4f", alt.Name, tot.Vehicles, alt.UnreachedBase, alt.UnreachedAlt, vehicles)
		}
		// Cash flow: construction spread sums to the cost; ENPV is the sum
		// of net x discount factor; EBCR the ratio of discounted sums.
		var cons, npv, pvB, pvC float64
		for _, y := range alt.CashFlow {
			cons += y.Construction
			npv += y.Net * y.DiscountFactor
			pvB += y.Benefits * y.DiscountFactor
			pvC += y.Costs * y.DiscountFactor
			if want := math.Pow(1.08, -float64(y.Year-2025)); math.Abs(y.DiscountFactor-want) > 1e-12 {
				t.Errorf("%s %d: discount factor %v, want %v", alt.Name, y.Year, y.DiscountFactor, want)
			}
		}
		if math.Abs(cons-alt.Construction) > 1e-3 || math.Abs(npv-alt.Indicators.ENPV) > 1e-3 || math.Abs(pvB/pvC-alt.Indicators.EBCR) > 1e-9 {
			t.Errorf("%s: construction %v vs %v, ENPV %v vs %v, EBCR %v vs %v", alt.Name, cons, alt.Construction, npv, alt.Indicators.ENPV, pvB/pvC, alt.Indicators.EBCR)
		}
		if tot.VehHours <= 0 {
			t.Errorf("%s: got %v vehicle-hours saved a day, want > 0", alt.Name, tot.VehHours)
		}
	}
	// Costs from the edits: faster upgrades ways 1 and 2 (116.0 to 116.1 at
	// latitude 36: 0.1 x 111.32 km x cos 36° ≈ 9.0 km) at the default
	// upgrade cost of 5 M CNY/km ≈ 45 M CNY; lake-road builds ~6.6 km of
	// primary road at 30 M CNY/km ≈ 198 M CNY.
	for i, want := range []struct {
		name         string
		unit, lo, hi float64
	}{{"faster", 5e6, 8.9, 9.1}, {"lake-road", 30e6, 6.4, 6.8}} {
		alt := r.Alternatives[i]
		km := math.Round(s.Results[i].Reports[0].Km*1000) / 1000
		if alt.Name != want.name || km < want.lo || km > want.hi || math.Abs(alt.Construction-km*want.unit) > 1e-3 {
			t.Errorf("%s: got %.3f km, construction %.0f; want %s, %g..%g km at %g CNY/km", alt.Name, km, alt.Construction, want.name, want.lo, want.hi, want.unit)
		}
		// New roads: the upgraded ways (one unnamed primary road of ~9 km)
		// and Lake Road, each carrying traffic.
		if len(alt.NewRoads) == 0 || alt.NewRoads[0].Km < want.lo || alt.NewRoads[0].AADTMax <= 0 {
			t.Errorf("%s: new roads %+v", alt.Name, alt.NewRoads)
		}
	}
	if r.Alternatives[1].NewRoads[0].Name != "Lake Road" {
		t.Errorf("lake-road: got new road %q, want Lake Road", r.Alternatives[1].NewRoads[0].Name)
	}
	// Reruns render byte-identical files.
	a2, _ := run()
	f1, f2 := files(t, a.Files), files(t, a2.Files)
	for _, name := range []string{"appraisal.csv", "appraisal.json", "cashflow.csv", "sensitivity.csv", "incremental.csv", "assumptions.csv", "new-roads.csv", "flows-base.geojson", "flows-faster.geojson", "zones.csv"} {
		if _, ok := f1[name]; !ok {
			t.Errorf("no %s among the outputs", name)
		}
	}
	for name := range f1 {
		if !bytes.Equal(f1[name], f2[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func aprTotalOf(a appraisal.AltResult) appraisal.Saving {
	for _, s := range a.Savings {
		if s.Dimension == "total" {
			return s
		}
	}
	return appraisal.Saving{}
}

// TestAppraiseCompare: compare includes the appraisal's files and the
// report's section when the study has the key.
func TestAppraiseCompare(t *testing.T) {
	s, err := Prepare(appraisalStudy(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Compare(context.Background(), Options{NoMaps: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Appraisal == nil || len(c.Appraisal.Alternatives) != 2 {
		t.Fatalf("Comparison.Appraisal: %+v", c.Appraisal)
	}
	fs := files(t, c.Files)
	rep := string(fs["report.md"])
	for _, want := range []string{"## Benefit appraisal", "| faster |", "Lake Road (primary", "### What drives the result", "The largest benefit item is time savings", "### Assumptions", "| appraisal.purposes.hsr.rate | 10 | study |"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if _, ok := fs["cashflow.csv"]; !ok {
		t.Error("compare wrote no cashflow.csv")
	}
}

// TestAppraiseCostErrors: an alternative without costs, or a costs entry
// naming no alternative, is a configuration error naming the key.
func TestAppraiseCostErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Inputs)
		want string
	}{
		{"no schedule", func(in *Inputs) { in.Appraisal.DefaultCosts = DefaultCosts{} }, "appraisal.costs.faster: missing"},
		{"unknown alternative", func(in *Inputs) {
			in.Appraisal.Costs = map[string]appraisal.AltCosts{"nope": {Items: []appraisal.CostItem{{Total: 1}}}}
		}, "appraisal.costs.nope: no alternative of that name"},
		{"no unit cost", func(in *Inputs) { delete(in.Appraisal.UnitCosts, "new_road") }, "appraisal.unit_costs.new_road.primary"},
		{"closure costs nothing", func(in *Inputs) {
			in.Spec.Alternatives[0] = scenarios.Alternative{Name: "closed", Edits: []scenarios.Edit{{Close: &scenarios.Selector{WayIDs: []int64{1}}}}}
		}, "appraisal.costs.closed: missing"},
		{"negative rate", func(in *Inputs) {
			p := in.Appraisal.Purposes["hsr"]
			p.Rate = -2
			in.Appraisal.Purposes["hsr"] = p
		}, "appraisal.purposes.hsr.rate: -2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := appraisalStudy(t)
			tc.edit(&in)
			s, err := Prepare(in)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Appraise(context.Background(), AppraiseOptions{NoMaps: true})
			var ce ConfigError
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &ce) {
				t.Errorf("got %v, want a ConfigError containing %q", err, tc.want)
			}
		})
	}
}

// TestCostItems: edits priced from unit costs.
func TestCostItems(t *testing.T) {
	alt := scenarios.Alternative{Name: "x", Edits: []scenarios.Edit{
		{AddRoad: &scenarios.AddRoad{Name: "R", Interchanges: []scenarios.Interchange{{}, {}}}},
		{Upgrade: &scenarios.Upgrade{Selector: scenarios.Selector{Ref: "US 113"}, Class: "motorway", Entrances: []scenarios.Interchange{{}}}},
		{AddEntrance: &scenarios.AddEntrance{Name: "E"}},
		{Close: &scenarios.Selector{WayIDs: []int64{1}}},
		{OSMConstruction: true},
	}}
	r := &scenarios.Result{Reports: []scenarios.EditReport{{Km: 12.3456}, {Km: 20}, {}, {Km: 1}, {Km: 3}}}
	got := CostItems(alt, r)
	want := []appraisal.CostItem{
		{Name: "edit 1 add_road: R", Edit: "new_road", Class: "trunk", Km: 12.346, Interchanges: 2},
		{Name: "edit 2 upgrade: US 113", Edit: "upgrade", Class: "motorway", Km: 20, Interchanges: 1},
		{Name: "edit 3 add_entrance: E", Interchanges: 1},
		{Name: "edit 5 osm_construction", Edit: "new_road", Class: "default", Km: 3},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d items %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("item %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestAppraisePolygonZones: the planner's polygons are the zones, with
// their own residents (1000 and 300 here, not the surface's 5000 and 2000),
// centred on the surface's residents inside them.
func TestAppraisePolygonZones(t *testing.T) {
	in := appraisalStudy(t)
	box := func(lon0, lat0, lon1, lat1 float64) population.MultiPolygon {
		return population.MultiPolygon{{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}}
	}
	in.Appraisal.ZoneAreas = []population.Area{
		{Name: "West", Pop: 1000, Shape: box(115.99, 35.99, 116.02, 36.01), Feature: 0},
		{Name: "North", Pop: 300, Shape: box(116.04, 36.02, 116.06, 36.04), Feature: 1},
	}
	s, err := Prepare(in)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Appraise(context.Background(), AppraiseOptions{NoMaps: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Zones) != 2 || a.Zones[0].ID != "p1" || a.Zones[0].Residents != 1000 || a.Zones[1].Name != "North" || a.Zones[1].Residents != 300 {
		t.Errorf("zones: %+v", a.Zones)
	}
	// The West zone's centre is on its road near Testville (116.0, 36.0).
	if z := a.Zones[0]; math.Abs(z.Lon-116.0) > 0.005 || math.Abs(z.Lat-36.0) > 0.005 {
		t.Errorf("West centre at %v, %v: want near 116.0, 36.0", z.Lon, z.Lat)
	}
}

// TestBoardingsByID: boardings keys lowercased by viper take the station
// ids' spelling; others stay.
func TestBoardingsByID(t *testing.T) {
	ps := map[string]appraisal.Purpose{"hsr": {Boardings: map[string]float64{"dover-central": 100, "nope": 5}}}
	got := boardingsByID(ps, []appraisal.Place{{ID: "Dover-Central"}})["hsr"].Boardings
	if got["Dover-Central"] != 100 || got["nope"] != 5 || len(got) != 2 {
		t.Errorf("got %v, want Dover-Central 100, nope 5", got)
	}
	if ps["hsr"].Boardings["dover-central"] != 100 {
		t.Error("the input map was changed")
	}
}
