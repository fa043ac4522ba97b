package appraisal

import (
	"math"
	"strings"
	"testing"
)

// A two-year toy: 100 CNY built in 2025 (the base year), 120 CNY of
// benefits in 2026, the only year of operation, at 8%.
//
//	PV costs    = 100 x 1            = 100
//	PV benefits = 120 / 1.08         = 111.1111
//	ENPV        = 111.1111 - 100     = 11.1111
//	EBCR        = 111.1111 / 100     = 1.111111
//	EIRR: -100 + 120/(1+r) = 0       -> r = 0.20
//	payback: cumulative 2025 -100, 2026 +11.11 -> 2026
//	first-year return = 120 / 100    = 1.2
//	switching: costs may rise 11.11%, benefits fall 1 - 1/1.1111 = 10%
func TestToyCashFlow(t *testing.T) {
	cfg := DefaultConfig()
	cfg.BaseYear, cfg.OpeningYear, cfg.OperationYears = 2025, 2026, 1
	cfg.Growth = Growth{}
	in := CashFlowInput{Cfg: &cfg, Construction: 100, Shares: []float64{1}, Years: []int{2025},
		DesignLife: 1, DailyTime: 120.0 / 365}
	ys := CashFlow(in, Scenarios()[0])
	if len(ys) != 2 || ys[0].Costs != 100 || math.Abs(ys[1].Benefits-120) > 1e-9 || ys[1].Residual != 0 {
		t.Fatalf("got cash flow %+v, want 2025 costs 100 and 2026 benefits 120", ys)
	}
	got := Evaluate(ys, 2025, 2026, 100)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"pv costs", got.PVCosts, 100},
		{"pv benefits", got.PVBenefits, 120 / 1.08},
		{"enpv", got.ENPV, 120/1.08 - 100},
		{"ebcr", got.EBCR, 1.2 / 1.08},
		{"eirr", got.EIRR, 0.2},
		{"first-year return", got.FirstYearReturn, 1.2},
		{"switch cost %", got.SwitchCostPct, (1.2/1.08 - 1) * 100},
		{"switch benefit %", got.SwitchBenefitPct, 10},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s: got %.12g want %.12g", c.name, c.got, c.want)
		}
	}
	if !got.EIRROK || got.PaybackYear != 2026 {
		t.Errorf("got eirr ok %v payback %d, want true and 2026", got.EIRROK, got.PaybackYear)
	}
}

func TestEIRRNone(t *testing.T) {
	for _, tt := range []struct {
		name string
		net  []float64
	}{
		{"all positive", []float64{10, 20}},
		{"all negative", []float64{-10, -20}},
		{"zero", []float64{0, 0}},
	} {
		if r, ok := EIRR([]int{2025, 2026}, tt.net, 2025); ok {
			t.Errorf("%s: got eirr %g ok, want none", tt.name, r)
		}
	}
	// Costs 100 now, 50 + 50 in two years: NPV(r) = -100 + 50/(1+r) +
	// 50/(1+r)^2 = 0 at r = 0 exactly.
	if r, ok := EIRR([]int{0, 1, 2}, []float64{-100, 50, 50}, 0); !ok || math.Abs(r) > 1e-9 {
		t.Errorf("got eirr %g %v, want 0 true", r, ok)
	}
}

// Residual value: 1000 built, design life 40, 20 years of operation: half
// the cost is left, credited in the last year.
func TestResidual(t *testing.T) {
	cfg := DefaultConfig()
	cfg.BaseYear, cfg.OpeningYear, cfg.OperationYears = 2025, 2027, 20
	ys := CashFlow(CashFlowInput{Cfg: &cfg, Construction: 1000, Shares: []float64{0.4, 0.6}, Years: []int{2025, 2026}, DesignLife: 40, MaintPerYear: 7}, Scenarios()[0])
	if len(ys) != 22 {
		t.Fatalf("got %d years, want 22 (2025..2046)", len(ys))
	}
	last := ys[len(ys)-1]
	if last.Year != 2046 || last.Residual != -500 || last.Maintenance != 7 || ys[0].Construction != 400 || ys[1].Construction != 600 {
		t.Errorf("got first %+v second %+v last %+v, want 400, 600 and a residual of -500 in 2046", ys[0], ys[1], last)
	}
}

// Incremental: A costs 100 (PV) and brings 150, B costs 160 and brings 200:
// B over A adds 60 of costs for 50 of benefits, NPV -10, BCR 0.8333.
func TestIncremental(t *testing.T) {
	alts := []AltResult{
		{Name: "B", Indicators: Indicators{PVCosts: 160, PVBenefits: 200}},
		{Name: "A", Indicators: Indicators{PVCosts: 100, PVBenefits: 150}},
	}
	got := IncrementalAnalysis(alts)
	if len(got) != 1 || got[0].From != "A" || got[0].To != "B" || got[0].NPV != -10 || math.Abs(got[0].BCR-50.0/60) > 1e-12 {
		t.Errorf("got %+v, want A->B npv -10 bcr 0.8333", got)
	}
}

// The rule of a half on a toy elastic case: 100 vehicles a day at a
// generalized cost of 30 CNY (1 h x 1 person x 30 CNY/h); the alternative
// halves the time to 0.5 h (15 CNY). With elasticity -1 the trips become
// T1 = 100 x (15/30)^-1 = 200. Benefit = (30 - 15)(100 + 200)/2 = 2250 CNY
// a day: 1500 for the existing trips and 750 (half of 15 x 100) for the new.
func TestRuleOfAHalf(t *testing.T) {
	d := &Demand{
		Zones:    []Zone{{ID: "z", County: "K"}},
		Purposes: []PurposeDemand{{Name: PurposeCentre, Occupancy: 1, ValueOfTime: 30}},
		Groups:   []Group{{Purpose: 0, First: 0, End: 1}},
		ODs:      []OD{{Origin: Endpoint{Kind: EndZone}, PersonTrips: 100, Vehicles: 100}},
	}
	base := &Flows{OD: []ODResult{{Reached: true, Millis: 3600000, Vehicles: 100}}}
	c0 := genCost(base.OD[0], &d.Purposes[0])
	alt := ODResult{Reached: true, Millis: 1800000}
	c1 := genCost(alt, &d.Purposes[0])
	alt.Vehicles = 100 * math.Pow(c1/c0, -1)
	if c0 != 30 || c1 != 15 || alt.Vehicles != 200 {
		t.Fatalf("got C0 %g C1 %g T1 %g, want 30, 15, 200", c0, c1, alt.Vehicles)
	}
	s := Savings(d, base, &Flows{OD: []ODResult{alt}})
	if s[0].TimeCNY != 2250 || s[0].VehHours != 75 {
		t.Errorf("got %g CNY %g veh-h a day, want 2250 and 75 ((1 - 0.5) x 150)", s[0].TimeCNY, s[0].VehHours)
	}
}

// Growth by period: 10 % a year in 2025 and 2026, 0 afterwards, 3 % outside
// the periods before 2025: 2027 carries 1.1 x 1.1 = 1.21 times the trips of
// 2025, and so does 2030; 2024 carried 1/1.03.
func TestGrowthPeriods(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Growth = Growth{Rate: 0.03, Periods: []GrowthPeriod{{From: 2025, To: 2026, Rate: 0.1}, {From: 2027, To: 2060, Rate: 0}}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		year int
		want float64
	}{{2025, 1}, {2026, 1.1}, {2027, 1.21}, {2030, 1.21}, {2024, 1 / 1.03}} {
		if got := cfg.GrowthFactor(tt.year); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%d: got %g want %g", tt.year, got, tt.want)
		}
	}
	cfg.Growth.Periods = append(cfg.Growth.Periods, GrowthPeriod{From: 2026, To: 2028, Rate: 0.01})
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "appraisal.growth.periods[2]: 2026..2028: want no overlap with growth.periods[0]") {
		t.Errorf("got %v, want an overlap error naming both periods", err)
	}
}
