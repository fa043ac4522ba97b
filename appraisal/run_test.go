package appraisal

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

func handStudy(t testing.TB) (Network, []Network, []Zone, Config) {
	t.Helper()
	ps := handPlaces()
	ps.HSR = []Place{{ID: "hsr-c", Points: []graph.Point{ptC}}}
	ps.CountySeats = []Place{{ID: "seat-kent", County: "Kent", Points: []graph.Point{ptB}}}
	ps.Centre = []Place{{ID: "centre", Points: []graph.Point{ptB}}}
	base := Network{Name: "base", Graph: handGraph(t, false), Places: ps}
	alt := handGraph(t, true)
	alts := []Network{{Name: "bypass-dear", Graph: alt, Places: ps}, {Name: "bypass-cheap", Graph: alt, Places: ps}}
	cfg := DefaultConfig()
	for k, p := range cfg.Purposes {
		p.Rate *= 50 // a busy toy
		cfg.Purposes[k] = p
	}
	cfg.Accident = map[string]float64{"default": 0.1}
	cfg.UnitCosts = map[string]map[string]float64{"new_road": {"primary": 3e6}}
	cfg.Costs = map[string]AltCosts{
		"bypass-dear":  {Items: []CostItem{{Name: "D-C", Edit: "new_road", Class: "primary", Km: 1}}, ConstructionYears: []int{2026, 2027}, Shares: []float64{0.5, 0.5}, MaintenancePerKmYear: 20000},
		"bypass-cheap": {Items: []CostItem{{Name: "D-C", Total: 1e6}}, ConstructionYears: []int{2027}, Shares: []float64{1}},
	}
	return base, alts, handZones(), cfg
}

func writeOutputs(t *testing.T, r *Result, cfg Config) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for name, fn := range map[string]func(*bytes.Buffer) error{
		"appraisal.csv":   func(b *bytes.Buffer) error { return WriteAppraisalCSV(b, r) },
		"appraisal.json":  func(b *bytes.Buffer) error { return WriteAppraisalJSON(b, r) },
		"cashflow.csv":    func(b *bytes.Buffer) error { return WriteCashflowCSV(b, r) },
		"sensitivity.csv": func(b *bytes.Buffer) error { return WriteSensitivityCSV(b, r) },
		"savings.csv":     func(b *bytes.Buffer) error { return WriteSavingsCSV(b, r, cfg) },
		"newroads.csv":    func(b *bytes.Buffer) error { return WriteNewRoadsCSV(b, r) },
		"incremental.csv": func(b *bytes.Buffer) error { return WriteIncrementalCSV(b, r) },
		"assumptions.csv": func(b *bytes.Buffer) error { return WriteAssumptionsCSV(b, r.Assumptions) },
	} {
		var b bytes.Buffer
		if err := fn(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b.Bytes()
	}
	return out
}

func readCSV(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

func TestRunHand(t *testing.T) {
	base, alts, zones, cfg := handStudy(t)
	var seen []string
	r, err := RunWith(base, alts, zones, cfg, RunOptions{OnFlows: func(n *Network, d *Demand, f *Flows) error {
		seen = append(seen, n.Name)
		var b bytes.Buffer
		if err := WriteFlowsGeoJSON(&b, n.Graph, f, FlowsGeoJSONOptions{}); err != nil {
			return err
		}
		if !strings.Contains(b.String(), `"way_id":`) {
			t.Errorf("%s: geojson without way_id: %s", n.Name, b.String())
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	var tb bytes.Buffer
	if err := WriteTotalsCSV(&tb, "x", &Demand{Purposes: []PurposeDemand{}}, &Flows{}); err != nil || !strings.HasPrefix(tb.String(), "network,dimension,key,") {
		t.Errorf("got totals %q %v", tb.String(), err)
	}
	if strings.Join(seen, ",") != "base,bypass-dear,bypass-cheap" {
		t.Errorf("got flows for %v, want base and both alternatives in order", seen)
	}
	a := r.Alternatives[0]
	if len(a.NewRoads) != 1 || a.NewRoads[0].WayID != -1 || !(a.NewRoads[0].AADTMax > 0) {
		t.Errorf("got new roads %+v, want the bypass (way -1) loaded", a.NewRoads)
	}
	if a.Construction != 3e6 || !(a.Savings[0].VehHours > 0) {
		t.Errorf("got construction %g and %g veh-h saved, want 3e6 and a saving", a.Construction, a.Savings[0].VehHours)
	}
	if len(r.Incremental) != 1 || r.Incremental[0].From != "bypass-cheap" {
		t.Errorf("got incremental %+v, want cheap -> dear", r.Incremental)
	}
	out := writeOutputs(t, r, cfg)

	// Rerun: byte-identical outputs.
	r2, err := Run(base, alts, zones, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range writeOutputs(t, r2, cfg) {
		if !bytes.Equal(b, out[name]) {
			t.Errorf("%s differs on rerun", name)
		}
	}

	// ENPV, EBCR and EIRR recomputed from cashflow.csv alone.
	type acc struct {
		years          []int
		net, df        []float64
		pvb, pvc, enpv float64
		base           int
	}
	flows := map[string]*acc{}
	for _, row := range readCSV(t, out["cashflow.csv"]) {
		x := flows[row["alternative"]]
		if x == nil {
			x = &acc{base: -1}
			flows[row["alternative"]] = x
		}
		y, _ := strconv.Atoi(row["year"])
		df := atof(t, row["discount_factor"])
		c, b, n := atof(t, row["costs"]), atof(t, row["benefits"]), atof(t, row["net"])
		if math.Abs(b-c-n) > 0.011 {
			t.Errorf("%s %d: net %g != benefits %g - costs %g", row["alternative"], y, n, b, c)
		}
		x.years, x.net, x.df = append(x.years, y), append(x.net, n), append(x.df, df)
		x.pvb += b * df
		x.pvc += c * df
		x.enpv += n * df
		if df == 1 {
			x.base = y
		}
	}
	for _, row := range readCSV(t, out["appraisal.csv"]) {
		x := flows[row["alternative"]]
		if x == nil {
			t.Fatalf("no cash flow for %s", row["alternative"])
		}
		if x.base < 0 {
			// No row has df = 1 (the base year lies before construction
			// here): df = (1+r)^-(y-base), so two consecutive rows give
			// 1+r = df0/df1 and base = y0 + ln(df0)/ln(1+r).
			x.base = int(math.Round(float64(x.years[0]) + math.Log(x.df[0])/math.Log(x.df[0]/x.df[1])))
		}
		if x.base != cfg.BaseYear {
			t.Errorf("%s: got base year %d from cashflow.csv, want %d", row["alternative"], x.base, cfg.BaseYear)
		}
		if got, want := x.enpv, atof(t, row["enpv"]); math.Abs(got-want) > 0.01*float64(len(x.years)) {
			t.Errorf("%s: enpv from cashflow.csv %.2f, appraisal.csv %.2f", row["alternative"], got, want)
		}
		if got, want := x.pvb/x.pvc, atof(t, row["ebcr"]); math.Abs(got-want) > 1e-6 {
			t.Errorf("%s: ebcr from cashflow.csv %.6f, appraisal.csv %.6f", row["alternative"], got, want)
		}
		// EIRR: bisection on the CSV's own net column.
		lo, hi := -0.9, 10.0
		f := func(r float64) float64 { // NPV of the CSV's net column, written out
			v := 0.0
			for i, y := range x.years {
				v += x.net[i] / math.Pow(1+r, float64(y-x.base))
			}
			return v
		}
		if f(lo)*f(hi) > 0 {
			if row["eirr"] != "none" {
				t.Errorf("%s: no root in the CSV, appraisal.csv eirr %s", row["alternative"], row["eirr"])
			}
			continue
		}
		for i := 0; i < 200; i++ {
			m := (lo + hi) / 2
			if (f(m) < 0) == (f(lo) < 0) {
				lo = m
			} else {
				hi = m
			}
		}
		if got, want := lo, atof(t, row["eirr"]); math.Abs(got-want) > 1e-5 {
			t.Errorf("%s: eirr from cashflow.csv %.6f, appraisal.csv %.6f", row["alternative"], got, want)
		}
	}
}

// The discount factor of cashflow.csv names the base year: the year where it
// is 1, or (1+r)^-(y-base) in any row.
func TestCashflowBaseYear(t *testing.T) {
	base, alts, zones, cfg := handStudy(t)
	cfg.BaseYear = 2026
	r, err := Run(base, alts[:1], zones, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range r.Alternatives[0].CashFlow {
		if y.Year == 2026 && y.DiscountFactor != 1 {
			t.Errorf("got df %g in the base year, want 1", y.DiscountFactor)
		}
	}
}

func TestBadInput(t *testing.T) {
	base, alts, zones, good := handStudy(t)
	type mod func(c *Config)
	setP := func(name string, f func(*Purpose)) mod {
		return func(c *Config) { p := c.Purposes[name]; f(&p); c.Purposes[name] = p }
	}
	for _, tt := range []struct {
		name string
		mod  mod
		alts []Network
		want string
	}{
		{"negative rate", setP("hsr", func(p *Purpose) { p.Rate = -2 }), nil, "appraisal.purposes.hsr.rate: -2: want >= 0"},
		{"discount 0", func(c *Config) { c.DiscountRate = 0 }, nil, "appraisal.discount_rate: 0: want a rate in (0, 1)"},
		{"discount 1", func(c *Config) { c.DiscountRate = 1 }, nil, "appraisal.discount_rate: 1: want"},
		{"discount 1.5", func(c *Config) { c.DiscountRate = 1.5 }, nil, "appraisal.discount_rate: 1.5: want"},
		{"discount NaN", func(c *Config) { c.DiscountRate = math.NaN() }, nil, "appraisal.discount_rate: NaN"},
		{"occupancy 0", setP("centre", func(p *Purpose) { p.Occupancy = 0 }), nil, "appraisal.purposes.centre.occupancy: 0: want 1..10"},
		{"car share 2", setP("gravity", func(p *Purpose) { p.CarShare = 2 }), nil, "appraisal.purposes.gravity.car_share: 2: want 0..1"},
		{"unknown purpose", func(c *Config) { c.Purposes["shopping"] = Purpose{Occupancy: 1} }, nil, "appraisal.purposes.shopping: unknown purpose"},
		{"deterrence", setP("gravity", func(p *Purpose) { p.Deterrence = "gauss" }), nil, "appraisal.purposes.gravity.deterrence: gauss: want exp or power"},
		{"shares", func(c *Config) {
			a := c.Costs["bypass-dear"]
			a.Shares = []float64{0.5, 0.4}
			c.Costs["bypass-dear"] = a
		}, nil, "appraisal.costs.bypass-dear.shares: sum 0.9: want shares summing to 1"},
		{"unit cost missing", func(c *Config) { c.UnitCosts = nil }, nil, "appraisal.costs.bypass-dear.items[0]: edit \"new_road\" class \"primary\": want a total, or appraisal.unit_costs.new_road.primary"},
		{"costs missing", func(c *Config) {}, []Network{{Name: "tunnel", Graph: alts[0].Graph}}, "appraisal.costs.tunnel: missing"},
		{"construction after opening", func(c *Config) {
			a := c.Costs["bypass-cheap"]
			a.ConstructionYears = []int{2030}
			c.Costs["bypass-cheap"] = a
		}, nil, "appraisal.costs.bypass-cheap.construction_years[0]: 2030: want a year before opening_year 2028"},
		{"voc class", func(c *Config) { c.VOC = map[string]float64{"highway": 1} }, nil, "appraisal.vehicle_operating_cost.highway: unknown road class"},
		{"growth", func(c *Config) { c.Growth.Rate = 2 }, nil, "appraisal.growth.rate: 2: want -0.5..0.5"},
		{"od unknown zone", setP("centre", func(p *Purpose) {
			p.OD = []ODRow{{Line: 2, From: "A", To: "centre", TripsPerDay: 10}, {Line: 3, From: "Z9", To: "centre", TripsPerDay: 5}}
		}), nil, "appraisal.purposes.centre.od line 3: from \"Z9\": unknown zone or place id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			cfg.Purposes = map[string]Purpose{}
			for k, v := range good.Purposes {
				cfg.Purposes[k] = v
			}
			cfg.Costs = map[string]AltCosts{}
			for k, v := range good.Costs {
				cfg.Costs[k] = v
			}
			tt.mod(&cfg)
			as := alts
			if tt.alts != nil {
				as = tt.alts
			}
			_, err := Run(base, as, zones, cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestAssumptions(t *testing.T) {
	_, _, _, cfg := handStudy(t)
	cfg.Sources = map[string]string{"purposes.hsr.rate": "survey 2024"}
	as := cfg.Assumptions()
	find := func(k string) Assumption {
		for _, a := range as {
			if a.Key == k {
				return a
			}
		}
		t.Fatalf("no assumption %s", k)
		return Assumption{}
	}
	if a := find("appraisal.discount_rate"); a.Value != "0.08" || !strings.Contains(a.Source, "建设项目经济评价方法与参数") {
		t.Errorf("got %+v, want 0.08 with its source", a)
	}
	if a := find("appraisal.purposes.hsr.rate"); a.Source != "survey 2024" {
		t.Errorf("got %+v, want the study's source", a)
	}
	if a := find("appraisal.purposes.centre.rate"); a.Source != "study" {
		t.Errorf("got %+v, want study (changed from the default)", a)
	}
	if a := find("appraisal.purposes.centre.car_share"); a.Source != "assumption" {
		t.Errorf("got %+v, want assumption", a)
	}
}

func TestDefaultKeys(t *testing.T) {
	k := DefaultKeys()
	for key, want := range map[string]any{
		"discount_rate":                    0.08,
		"operation_years":                  20,
		"purposes.hsr.car_share":           0.5,
		"purposes.gravity.max_minutes":     90.0,
		"purposes.county_seat.destination": "own",
		"vehicle_operating_cost.motorway":  0.9,
		"growth.rate":                      0.03,
		"elastic.enabled":                  false,
	} {
		if got, ok := k[key]; !ok || got != want {
			t.Errorf("%s: got %v (%v) want %v", key, got, ok, want)
		}
	}
	if _, ok := k["purposes.hsr.od"]; ok {
		t.Error("got the od rows as a key, want them left out (mapstructure:\"-\")")
	}
}
