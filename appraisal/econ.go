package appraisal

import (
	"cmp"
	"math"
	"slices"
)

// Saving is one slice of an alternative's effect against the base, per day
// of the base year (multiply by days and growth for a year). Positive
// hours and CNY are savings; VehKm is the change (alternative - base).
type Saving struct {
	Dimension   string // "total", "purpose", "county", "area"
	Key         string
	Vehicles    float64 // vehicles per day counted (both networks reach the destination)
	VehHours    float64
	PersonHours float64
	VehKm       float64
	TimeCNY     float64
	VOCCNY      float64
	AccidentCNY float64
}

// Savings compares an alternative's flows with the base's, OD by OD, and
// sums by purpose, county and area (urban, rural, or place for origins that
// are places). Time and operating cost savings use the rule of a half,
// (C0 - C1)(T0 + T1)/2, which is T0 (C0 - C1) under fixed demand; accident
// savings are the change of the total, acc0 T0 - acc1 T1. ODs that either
// network cannot serve are left out.
func Savings(d *Demand, base, alt *Flows) []Saving {
	type key struct{ dim, k string }
	idx := map[key]int{}
	var out []Saving
	get := func(dim, k string) int {
		kk := key{dim, k}
		i, ok := idx[kk]
		if !ok {
			i = len(out)
			idx[kk] = i
			out = append(out, Saving{Dimension: dim, Key: k})
		}
		return i
	}
	get("total", "all")
	for _, p := range d.Purposes {
		get("purpose", p.Name)
	}
	for _, gr := range d.Groups {
		pd := &d.Purposes[gr.Purpose]
		for i := gr.First; i < gr.End; i++ {
			b, a := base.OD[i], alt.OD[i]
			if !b.Reached || !a.Reached {
				continue
			}
			half := (b.Vehicles + a.Vehicles) / 2
			vh := (b.Hours() - a.Hours()) * half
			var x Saving
			x.Vehicles = a.Vehicles
			x.VehHours = vh
			x.PersonHours = vh * pd.Occupancy
			x.VehKm = (a.Vehicles*a.Metres - b.Vehicles*b.Metres) / 1000
			x.TimeCNY = x.PersonHours * pd.ValueOfTime
			x.VOCCNY = (b.VOC - a.VOC) * half
			x.AccidentCNY = b.Accident*b.Vehicles - a.Accident*a.Vehicles
			county, area := "", "place"
			if o := d.ODs[i].Origin; o.Kind == EndZone {
				z := &d.Zones[o.Index]
				county, area = z.County, "rural"
				if z.Urban {
					area = "urban"
				}
			}
			if county == "" {
				county = "(none)"
			}
			for _, j := range [...]int{get("total", "all"), get("purpose", pd.Name), get("county", county), get("area", area)} {
				s := &out[j]
				s.Vehicles += x.Vehicles
				s.VehHours += x.VehHours
				s.PersonHours += x.PersonHours
				s.VehKm += x.VehKm
				s.TimeCNY += x.TimeCNY
				s.VOCCNY += x.VOCCNY
				s.AccidentCNY += x.AccidentCNY
			}
		}
	}
	dimOrder := map[string]int{"total": 0, "purpose": 1, "county": 2, "area": 3}
	pOrder := map[string]int{}
	for i, p := range d.Purposes {
		pOrder[p.Name] = i
	}
	slices.SortStableFunc(out, func(a, b Saving) int {
		if c := cmp.Compare(dimOrder[a.Dimension], dimOrder[b.Dimension]); c != 0 {
			return c
		}
		if a.Dimension == "purpose" {
			return cmp.Compare(pOrder[a.Key], pOrder[b.Key])
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}

// Year is one row of an alternative's cash flow, CNY at base-year prices.
type Year struct {
	Year            int
	Construction    float64
	Maintenance     float64
	Residual        float64 // residual value, a credit (<= 0) in the last year
	Costs           float64 // Construction + Maintenance + Residual
	TimeBenefit     float64
	VOCBenefit      float64
	AccidentBenefit float64
	Benefits        float64 // sum of the three
	Net             float64 // Benefits - Costs
	DiscountFactor  float64 // (1 + r)^-(Year - base year)
}

// CashFlowInput is what a cash flow is built from.
type CashFlowInput struct {
	Cfg          *Config
	Construction float64 // total construction cost
	Shares       []float64
	Years        []int
	MaintPerYear float64
	DesignLife   int
	// Daily benefits in the base year (Saving "total").
	DailyTime, DailyVOC, DailyAccident float64
}

// Scenario varies a cash flow for sensitivity tests.
type Scenario struct {
	Name         string
	CostScale    float64 // 1 = as appraised
	BenefitScale float64
	GrowthDelta  float64 // added to every growth rate
	VoTScale     float64 // scales time benefits
	Rate         float64 // discount rate; 0 = the config's
}

// CashFlow returns one row per year from the first construction year to the
// last operation year.
func CashFlow(in CashFlowInput, sc Scenario) []Year {
	c := in.Cfg
	rate := c.DiscountRate
	if sc.Rate > 0 {
		rate = sc.Rate
	}
	first := c.OpeningYear
	for _, y := range in.Years {
		first = min(first, y)
	}
	last := c.OpeningYear + c.OperationYears - 1
	life := in.DesignLife
	if life <= 0 {
		life = 30
	}
	var out []Year
	for y := first; y <= last; y++ {
		r := Year{Year: y, DiscountFactor: math.Pow(1+rate, -float64(y-c.BaseYear))}
		for i, cy := range in.Years {
			if cy == y {
				r.Construction += in.Construction * in.Shares[i] * sc.CostScale
			}
		}
		if y >= c.OpeningYear {
			r.Maintenance = in.MaintPerYear * sc.CostScale
			f := c.DaysPerYear * c.growthFactor(y, sc.GrowthDelta) * sc.BenefitScale
			r.TimeBenefit = in.DailyTime * f * sc.VoTScale
			r.VOCBenefit = in.DailyVOC * f
			r.AccidentBenefit = in.DailyAccident * f
		}
		if y == last {
			r.Residual = -in.Construction * sc.CostScale * math.Max(0, 1-float64(c.OperationYears)/float64(life))
		}
		r.Costs = r.Construction + r.Maintenance + r.Residual
		r.Benefits = r.TimeBenefit + r.VOCBenefit + r.AccidentBenefit
		r.Net = r.Benefits - r.Costs
		out = append(out, r)
	}
	return out
}

// Indicators are an alternative's appraisal figures.
type Indicators struct {
	PVCosts, PVBenefits float64
	ENPV                float64
	EBCR                float64 // NaN when PVCosts <= 0
	EIRR                float64
	EIRROK              bool // false: the net flow never changes sign (or no root)
	PaybackYear         int  // 0: never within the period
	FirstYearReturn     float64
	// Switching values in percent: the cost increase and the benefit fall
	// at which ENPV = 0.
	SwitchCostPct, SwitchBenefitPct float64
}

// Evaluate computes the indicators of a cash flow. openingYear bounds the
// payback year from below; construction is the undiscounted construction
// cost for the first-year rate of return.
func Evaluate(ys []Year, baseYear, openingYear int, construction float64) Indicators {
	var in Indicators
	cum := 0.0
	years := make([]int, len(ys))
	net := make([]float64, len(ys))
	for i, y := range ys {
		in.PVCosts += y.Costs * y.DiscountFactor
		in.PVBenefits += y.Benefits * y.DiscountFactor
		cum += y.Net * y.DiscountFactor
		if in.PaybackYear == 0 && y.Year >= openingYear && cum >= 0 {
			in.PaybackYear = y.Year
		}
		if y.Year == openingYear && construction > 0 {
			in.FirstYearReturn = y.Benefits / construction
		}
		years[i], net[i] = y.Year, y.Net
	}
	in.ENPV = in.PVBenefits - in.PVCosts
	in.EBCR = math.NaN()
	if in.PVCosts > 0 {
		in.EBCR = in.PVBenefits / in.PVCosts
		in.SwitchCostPct = (in.EBCR - 1) * 100
		if in.PVBenefits > 0 {
			in.SwitchBenefitPct = (1 - 1/in.EBCR) * 100
		}
	}
	in.EIRR, in.EIRROK = EIRR(years, net, baseYear)
	return in
}

// NPV discounts net flows to baseYear at rate.
func NPV(years []int, net []float64, baseYear int, rate float64) float64 {
	s := 0.0
	for i, y := range years {
		s += net[i] * math.Pow(1+rate, -float64(y-baseYear))
	}
	return s
}

// EIRR returns the rate in (-0.99, 100] at which NPV = 0: the lowest root
// found on a grid, refined by bisection. ok is false when the net flow
// never changes sign or no root lies in the range.
func EIRR(years []int, net []float64, baseYear int) (float64, bool) {
	pos, neg := false, false
	for _, v := range net {
		pos = pos || v > 0
		neg = neg || v < 0
	}
	if !pos || !neg {
		return 0, false
	}
	f := func(r float64) float64 { return NPV(years, net, baseYear, r) }
	grid := []float64{-0.99, -0.9, -0.75, -0.5, -0.25, -0.1}
	for r := 0.0; r < 1; r += 0.01 {
		grid = append(grid, r)
	}
	grid = append(grid, 1, 1.5, 2, 3, 5, 10, 20, 50, 100)
	for i := 1; i < len(grid); i++ {
		a, b := grid[i-1], grid[i]
		fa, fb := f(a), f(b)
		if fa == 0 {
			return a, true
		}
		if (fa < 0) == (fb < 0) {
			continue
		}
		for it := 0; it < 200 && b-a > 1e-13; it++ {
			m := (a + b) / 2
			if fm := f(m); (fm < 0) == (fa < 0) {
				a, fa = m, fm
			} else {
				b = m
			}
		}
		return (a + b) / 2, true
	}
	return 0, false
}

// Incremental compares two mutually exclusive alternatives, the dearer
// against the cheaper.
type Incremental struct {
	From, To        string // cheaper, dearer
	DeltaPVCosts    float64
	DeltaPVBenefits float64
	NPV             float64 // DeltaPVBenefits - DeltaPVCosts
	BCR             float64 // DeltaPVBenefits / DeltaPVCosts; NaN when DeltaPVCosts <= 0
}

// IncrementalAnalysis orders alternatives by PV costs and compares each
// with the next cheaper one.
func IncrementalAnalysis(alts []AltResult) []Incremental {
	idx := make([]int, len(alts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(alts[a].Indicators.PVCosts, alts[b].Indicators.PVCosts) })
	var out []Incremental
	for k := 1; k < len(idx); k++ {
		a, b := &alts[idx[k-1]], &alts[idx[k]]
		in := Incremental{From: a.Name, To: b.Name,
			DeltaPVCosts:    b.Indicators.PVCosts - a.Indicators.PVCosts,
			DeltaPVBenefits: b.Indicators.PVBenefits - a.Indicators.PVBenefits}
		in.NPV = in.DeltaPVBenefits - in.DeltaPVCosts
		in.BCR = math.NaN()
		if in.DeltaPVCosts > 0 {
			in.BCR = in.DeltaPVBenefits / in.DeltaPVCosts
		}
		out = append(out, in)
	}
	return out
}

// SensitivityRow is one sensitivity case.
type SensitivityRow struct {
	Case   string
	ENPV   float64
	EBCR   float64
	EIRR   float64
	EIRROK bool
}

// Scenarios are the sensitivity cases, the appraisal itself first.
func Scenarios() []Scenario {
	one := Scenario{CostScale: 1, BenefitScale: 1, VoTScale: 1}
	mk := func(name string, f func(*Scenario)) Scenario { s := one; s.Name = name; f(&s); return s }
	return []Scenario{
		mk("base", func(*Scenario) {}),
		mk("costs +10%", func(s *Scenario) { s.CostScale = 1.1 }),
		mk("costs +20%", func(s *Scenario) { s.CostScale = 1.2 }),
		mk("benefits -10%", func(s *Scenario) { s.BenefitScale = 0.9 }),
		mk("benefits -20%", func(s *Scenario) { s.BenefitScale = 0.8 }),
		mk("growth -1pp", func(s *Scenario) { s.GrowthDelta = -0.01 }),
		mk("growth +1pp", func(s *Scenario) { s.GrowthDelta = 0.01 }),
		mk("value of time -20%", func(s *Scenario) { s.VoTScale = 0.8 }),
		mk("value of time +20%", func(s *Scenario) { s.VoTScale = 1.2 }),
		mk("discount 6%", func(s *Scenario) { s.Rate = 0.06 }),
		mk("discount 8%", func(s *Scenario) { s.Rate = 0.08 }),
		mk("discount 10%", func(s *Scenario) { s.Rate = 0.10 }),
	}
}

// Sensitivity evaluates every scenario of Scenarios.
func Sensitivity(in CashFlowInput) []SensitivityRow {
	var out []SensitivityRow
	for _, sc := range Scenarios() {
		ys := CashFlow(in, sc)
		cfg := *in.Cfg
		if sc.Rate > 0 {
			cfg.DiscountRate = sc.Rate
		}
		ind := Evaluate(ys, cfg.BaseYear, cfg.OpeningYear, in.Construction*sc.CostScale)
		out = append(out, SensitivityRow{Case: sc.Name, ENPV: ind.ENPV, EBCR: ind.EBCR, EIRR: ind.EIRR, EIRROK: ind.EIRROK})
	}
	return out
}
