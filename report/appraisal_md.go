package report

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/fastroad/fastroad/appraisal"
)

// writeAppraisalSection writes the report's benefit appraisal: per
// alternative the opening-year AADT on its new road, hours saved, ENPV,
// EBCR, EIRR, payback year and first-year return; the incremental
// comparisons; sensitivity and switching values; every assumption with its
// source; and a sentence, generated from the numbers, on what drives the
// result. Nothing is written when r is nil.
func writeAppraisalSection(b *strings.Builder, r *appraisal.Result) {
	if r == nil {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("\n## Benefit appraisal\n\n")
	p("With/without comparison (有无对比) of every alternative against today's network under the same demand. "+
		"Money is CNY at %d prices, every present value discounted to %d at %s; benefits from %d (opening year) to %d. "+
		"Files: appraisal.csv/.json, cashflow.csv (ENPV, EBCR and EIRR recompute from it alone), sensitivity.csv, incremental.csv, "+
		"assumptions.csv, new-roads.csv, appraisal-savings.csv, flows-<network>.geojson and flows-<alternative>.png.\n\n",
		r.BaseYear, r.BaseYear, aprPct(r.DiscountRate), r.OpeningYear, r.LastYear)
	if len(r.Demand) > 0 {
		p("Demand per base-year day: ")
		var parts []string
		for _, d := range r.Demand {
			s := fmt.Sprintf("%s %s person trips (%s vehicles; %s", d.Name, aprNum(d.PersonTrips), aprNum(d.Vehicles), d.Model)
			if d.MeanMinutes > 0 {
				s += fmt.Sprintf(", mean %.1f min", d.MeanMinutes)
			}
			parts = append(parts, s+")")
		}
		p("%s.\n\n", strings.Join(parts, "; "))
	}
	p("| alternative | new or upgraded road: opening-year AADT (veh/day) | veh-hours saved / year | person-hours saved / year | ENPV (M CNY) | EBCR | EIRR | payback year | first-year return |\n|---|---|---|---|---|---|---|---|---|\n")
	for i := range r.Alternatives {
		a := &r.Alternatives[i]
		tot := aprTotal(a)
		f := aprAnnual(r, a)
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", a.Name, aprRoad(a.NewRoads), aprNum(tot.VehHours*f), aprNum(tot.PersonHours*f),
			aprM(a.Indicators.ENPV), aprRatio(a.Indicators.EBCR), aprEIRR(a.Indicators.EIRR, a.Indicators.EIRROK), aprYear(a.Indicators.PaybackYear),
			aprPct(a.Indicators.FirstYearReturn))
	}
	p("\nHours are the opening year's (%d): saved per base-year day x days x trip growth. AADT is the length-weighted mean of the road's segments (busiest segment in brackets); every new or upgraded road is in new-roads.csv.\n\n", r.OpeningYear)
	if len(r.Incremental) > 0 {
		p("### Incremental comparison\n\nThe alternatives exclude each other: each against the next cheaper one (by PV of costs).\n\n| from | to | Δ PV costs (M CNY) | Δ PV benefits (M CNY) | incremental NPV (M CNY) | incremental BCR |\n|---|---|---|---|---|---|\n")
		for _, x := range r.Incremental {
			p("| %s | %s | %s | %s | %s | %s |\n", x.From, x.To, aprM(x.DeltaPVCosts), aprM(x.DeltaPVBenefits), aprM(x.NPV), aprRatio(x.BCR))
		}
		p("\n")
	}
	if len(r.Alternatives) > 0 && len(r.Alternatives[0].Sensitivity) > 0 {
		p("### Sensitivity\n\nENPV (M CNY) and EBCR per case.\n\n| case |")
		for _, a := range r.Alternatives {
			p(" %s |", a.Name)
		}
		p("\n|---|%s\n", strings.Repeat("---|", len(r.Alternatives)))
		for ci, c := range r.Alternatives[0].Sensitivity {
			p("| %s |", c.Case)
			for _, a := range r.Alternatives {
				if ci < len(a.Sensitivity) {
					s := a.Sensitivity[ci]
					p(" %s / %s |", aprM(s.ENPV), aprRatio(s.EBCR))
				} else {
					p(" – |")
				}
			}
			p("\n")
		}
		p("| switching value: cost increase at which ENPV = 0 (negative: the fall needed) |")
		for _, a := range r.Alternatives {
			p(" %s |", aprSwitch(a.Indicators.SwitchCostPct, a.Indicators.PVCosts > 0))
		}
		p("\n| switching value: benefit fall at which ENPV = 0 (negative: the rise needed) |")
		for _, a := range r.Alternatives {
			p(" %s |", aprSwitch(a.Indicators.SwitchBenefitPct, a.Indicators.PVBenefits > 0))
		}
		p("\n\n")
	}
	p("### What drives the result\n\n")
	for i := range r.Alternatives {
		p("- %s\n", aprDrivers(&r.Alternatives[i]))
	}
	if len(r.Notes) > 0 {
		p("\nNotes from the run (%d):\n\n", len(r.Notes))
		for i, n := range r.Notes {
			if i == 10 {
				p("- … and %d more\n", len(r.Notes)-10)
				break
			}
			p("- %s\n", n)
		}
	}
	p("\n### Assumptions\n\nEvery value the appraisal used, with its source (\"study\": the study file sets it; \"assumption\": a default without a source, to be replaced with local figures).\n\n| key | value | source |\n|---|---|---|\n")
	for _, a := range r.Assumptions {
		p("| %s | %s | %s |\n", a.Key, strings.ReplaceAll(a.Value, "|", "\\|"), strings.ReplaceAll(a.Source, "|", "\\|"))
	}
}

// total is an alternative's total saving per base-year day.
func aprTotal(a *appraisal.AltResult) appraisal.Saving {
	for _, s := range a.Savings {
		if s.Dimension == "total" {
			return s
		}
	}
	return appraisal.Saving{}
}

// annualFactor turns a saving per base-year day into the opening year's:
// the opening year's benefits in the cash flow over the daily benefit
// (days per year x growth), or 365 when the alternative saves nothing.
func aprAnnual(r *appraisal.Result, a *appraisal.AltResult) float64 {
	t := aprTotal(a)
	daily := t.TimeCNY + t.VOCCNY + t.AccidentCNY
	for _, y := range a.CashFlow {
		if y.Year == r.OpeningYear && daily != 0 && y.Benefits != 0 {
			return y.Benefits / daily
		}
	}
	return 365
}

// drivers says which benefit item, purpose and sensitivity case drive an
// alternative's result, from its numbers.
func aprDrivers(a *appraisal.AltResult) string {
	var pvT, pvV, pvA float64
	for _, y := range a.CashFlow {
		pvT += y.TimeBenefit * y.DiscountFactor
		pvV += y.VOCBenefit * y.DiscountFactor
		pvA += y.AccidentBenefit * y.DiscountFactor
	}
	all := pvT + pvV + pvA
	in := a.Indicators
	var s strings.Builder
	fmt.Fprintf(&s, "**%s**: ENPV %s M CNY (EBCR %s). ", a.Name, aprM(in.ENPV), aprRatio(in.EBCR))
	if all == 0 || math.Abs(all) < 1e-3*math.Abs(in.PVCosts) {
		s.WriteString("It saves next to no time or operating cost against today (PV benefits under 0.1% of PV costs), so its result is its cost alone.")
		return s.String()
	}
	items := []struct {
		name string
		v    float64
	}{{"time savings", pvT}, {"vehicle operating cost savings", pvV}, {"accident savings", pvA}}
	big := 0
	for i := range items {
		if math.Abs(items[i].v) > math.Abs(items[big].v) {
			big = i
		}
	}
	fmt.Fprintf(&s, "The largest benefit item is %s (%.0f%% of PV benefits)", items[big].name, 100*items[big].v/all)
	bestP, bestV := "", 0.0
	for _, sv := range a.Savings {
		if sv.Dimension != "purpose" {
			continue
		}
		if v := sv.TimeCNY + sv.VOCCNY + sv.AccidentCNY; math.Abs(v) > math.Abs(bestV) {
			bestP, bestV = sv.Key, v
		}
	}
	daily := 0.0
	if t := aprTotal(a); true {
		daily = t.TimeCNY + t.VOCCNY + t.AccidentCNY
	}
	if bestP != "" && daily != 0 {
		share := 100 * bestV / daily
		fmt.Fprintf(&s, ", and the %s trips bring %.0f%% of the daily benefit", bestP, share)
		if share > 100 {
			s.WriteString(" (other purposes lose time or distance)")
		}
		s.WriteString(", so their rate, car share and value of time matter most")
	}
	s.WriteString(". ")
	base := in.ENPV
	worst, swing := "", 0.0
	flips := []string{}
	for _, c := range a.Sensitivity {
		if c.Case == "base" {
			continue
		}
		if d := math.Abs(c.ENPV - base); d > swing {
			worst, swing = c.Case, d
		}
		if (c.ENPV >= 0) != (base >= 0) {
			flips = append(flips, c.Case)
		}
	}
	if worst != "" {
		fmt.Fprintf(&s, "The sensitivity with the biggest swing is %s (ENPV moves by %s M CNY)", worst, aprM(swing))
		dw, dswing := "", 0.0
		for _, c := range a.Sensitivity {
			if c.Case == "base" || strings.HasPrefix(c.Case, "costs") || strings.HasPrefix(c.Case, "benefits") {
				continue
			}
			if d := math.Abs(c.ENPV - base); d > dswing {
				dw, dswing = c.Case, d
			}
		}
		if dw != "" && dw != worst {
			fmt.Fprintf(&s, "; of the demand, valuation and discounting cases, %s (%s M CNY)", dw, aprM(dswing))
		}
		s.WriteString(". ")
	}
	if len(flips) == 0 {
		s.WriteString("No sensitivity case changes the sign of ENPV.")
	} else {
		fmt.Fprintf(&s, "ENPV changes sign under: %s.", strings.Join(flips, ", "))
	}
	return s.String()
}

func aprRoad(rs []appraisal.RoadAADT) string {
	if len(rs) == 0 {
		return "none"
	}
	r := rs[0]
	t := fmt.Sprintf("%s (%s, %.1f km): %s (%s)", r.Name, r.Class, r.Km, aprNum(r.AADTMean), aprNum(r.AADTMax))
	if len(rs) > 1 {
		t += fmt.Sprintf("; +%d more", len(rs)-1)
	}
	return strings.ReplaceAll(t, "|", "/")
}

func aprNum(v float64) string {
	neg := v < 0
	s := fmt.Sprintf("%.0f", math.Abs(v))
	var b strings.Builder
	if neg && s != "0" {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func aprM(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.1f", noNegZero(math.Round(v/1e5)/10))
}

// noNegZero turns -0 into 0 so that a rounded figure never reads "-0.0".
func noNegZero(v float64) float64 {
	if v == 0 {
		return 0
	}
	return v
}

func aprRatio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f", noNegZero(math.Round(v*100)/100))
}

func aprPct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", v*100)
}

// aprSwitch formats a switching value in percent; "–" when undefined,
// a bound beyond ±1000 %.
func aprSwitch(v float64, ok bool) string {
	switch {
	case !ok || math.IsNaN(v) || math.IsInf(v, 0):
		return "–"
	case v < -1000:
		return "beyond -1000%"
	case v > 1000:
		return "beyond 1000%"
	}
	return aprPctV(v)
}

func aprPctV(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", v)
}

func aprEIRR(v float64, ok bool) string {
	if !ok {
		return "none"
	}
	return aprPct(v)
}

func aprYear(y int) string {
	if y == 0 {
		return "none"
	}
	return fmt.Sprint(y)
}

// WriteAppraisalMarkdown writes the appraisal section on its own, under a
// title (appraisal.md of fastroad appraise).
func WriteAppraisalMarkdown(w io.Writer, title string, r *appraisal.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nMap data © OpenStreetMap contributors (ODbL).\n", title)
	writeAppraisalSection(&b, r)
	_, err := io.WriteString(w, b.String())
	return err
}
