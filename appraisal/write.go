package appraisal

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/fastroad/fastroad/graph"
)

// Writers: stable column order, fixed decimals, byte-identical on rerun.
// Money in CNY with 2 decimals, discount factors with 12, so that ENPV,
// EBCR and EIRR recompute from cashflow.csv alone to within a fen.

func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func num(v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}

func rateStr(v float64, ok bool) string {
	if !ok {
		return "none"
	}
	return num(v, 6)
}

func yearStr(y int) string {
	if y == 0 {
		return "none"
	}
	return strconv.Itoa(y)
}

func writeAll(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// AppraisalColumns is the header of appraisal.csv.
var AppraisalColumns = []string{"alternative", "enpv", "ebcr", "eirr", "payback_year", "first_year_return",
	"pv_costs", "pv_benefits", "construction_cost", "switch_cost_pct", "switch_benefit_pct",
	"veh_hours_saved_per_day", "person_hours_saved_per_day", "veh_km_change_per_day", "opening_year_aadt_max"}

// WriteAppraisalCSV writes one row per alternative. eirr is "none" when the
// net cash flow never changes sign; payback_year "none" when not reached.
func WriteAppraisalCSV(w io.Writer, r *Result) error {
	rows := [][]string{AppraisalColumns}
	for _, a := range r.Alternatives {
		in := a.Indicators
		tot := a.Savings[0]
		aadt := 0.0
		for _, x := range a.NewRoads {
			aadt = max(aadt, x.AADTMax)
		}
		rows = append(rows, []string{a.Name, money(in.ENPV), num(in.EBCR, 6), rateStr(in.EIRR, in.EIRROK),
			yearStr(in.PaybackYear), num(in.FirstYearReturn, 6), money(in.PVCosts), money(in.PVBenefits),
			money(a.Construction), num(in.SwitchCostPct, 2), num(in.SwitchBenefitPct, 2),
			num(tot.VehHours, 2), num(tot.PersonHours, 2), num(tot.VehKm, 2), num(aadt, 0)})
	}
	return writeAll(w, rows)
}

// CashflowColumns is the header of cashflow.csv.
var CashflowColumns = []string{"alternative", "year", "costs", "benefits", "net", "discount_factor",
	"construction", "maintenance", "residual", "time_benefit", "voc_benefit", "accident_benefit"}

// WriteCashflowCSV writes one row per alternative and year. ENPV = sum of
// net x discount_factor; EBCR = sum benefits x df / sum costs x df; EIRR is
// the rate r with sum net (1+r)^-(year - base year) = 0, the base year
// being the year whose discount_factor is 1.
func WriteCashflowCSV(w io.Writer, r *Result) error {
	rows := [][]string{CashflowColumns}
	for _, a := range r.Alternatives {
		for _, y := range a.CashFlow {
			rows = append(rows, []string{a.Name, strconv.Itoa(y.Year), money(y.Costs), money(y.Benefits), money(y.Net),
				num(y.DiscountFactor, 12), money(y.Construction), money(y.Maintenance), money(y.Residual),
				money(y.TimeBenefit), money(y.VOCBenefit), money(y.AccidentBenefit)})
		}
	}
	return writeAll(w, rows)
}

// WriteSensitivityCSV writes one row per alternative and case.
func WriteSensitivityCSV(w io.Writer, r *Result) error {
	rows := [][]string{{"alternative", "case", "enpv", "ebcr", "eirr"}}
	for _, a := range r.Alternatives {
		for _, s := range a.Sensitivity {
			rows = append(rows, []string{a.Name, s.Case, money(s.ENPV), num(s.EBCR, 6), rateStr(s.EIRR, s.EIRROK)})
		}
	}
	return writeAll(w, rows)
}

// WriteSavingsCSV writes each alternative's savings per base-year day and
// per opening year (x days x growth).
func WriteSavingsCSV(w io.Writer, r *Result, cfg Config) error {
	rows := [][]string{{"alternative", "dimension", "key", "vehicles_per_day", "veh_hours_saved_per_day",
		"person_hours_saved_per_day", "veh_km_change_per_day", "time_cny_per_day", "voc_cny_per_day",
		"accident_cny_per_day", "benefit_cny_opening_year"}}
	f := cfg.DaysPerYear * cfg.GrowthFactor(cfg.OpeningYear)
	for _, a := range r.Alternatives {
		for _, s := range a.Savings {
			rows = append(rows, []string{a.Name, s.Dimension, s.Key, num(s.Vehicles, 2), num(s.VehHours, 3),
				num(s.PersonHours, 3), num(s.VehKm, 3), money(s.TimeCNY), money(s.VOCCNY), money(s.AccidentCNY),
				money((s.TimeCNY + s.VOCCNY + s.AccidentCNY) * f)})
		}
	}
	return writeAll(w, rows)
}

// WriteNewRoadsCSV writes each alternative's new roads and opening-year AADT.
func WriteNewRoadsCSV(w io.Writer, r *Result) error {
	rows := [][]string{{"alternative", "way_id", "name", "ref", "class", "km", "aadt_max", "aadt_mean"}}
	for _, a := range r.Alternatives {
		for _, x := range a.NewRoads {
			rows = append(rows, []string{a.Name, strconv.FormatInt(x.WayID, 10), x.Name, x.Ref, x.Class,
				num(x.Km, 3), num(x.AADTMax, 0), num(x.AADTMean, 0)})
		}
	}
	return writeAll(w, rows)
}

// WriteIncrementalCSV writes the incremental comparisons.
func WriteIncrementalCSV(w io.Writer, r *Result) error {
	rows := [][]string{{"from", "to", "delta_pv_costs", "delta_pv_benefits", "incremental_npv", "incremental_bcr"}}
	for _, x := range r.Incremental {
		rows = append(rows, []string{x.From, x.To, money(x.DeltaPVCosts), money(x.DeltaPVBenefits), money(x.NPV), num(x.BCR, 6)})
	}
	return writeAll(w, rows)
}

// WriteAssumptionsCSV writes every value used and its source.
func WriteAssumptionsCSV(w io.Writer, as []Assumption) error {
	rows := [][]string{{"key", "value", "source"}}
	for _, a := range as {
		rows = append(rows, []string{a.Key, a.Value, a.Source})
	}
	return writeAll(w, rows)
}

type jsonAlt struct {
	Alternative      string     `json:"alternative"`
	ENPV             float64    `json:"enpv"`
	EBCR             *float64   `json:"ebcr"`
	EIRR             *float64   `json:"eirr"` // null = none
	PaybackYear      *int       `json:"payback_year"`
	FirstYearReturn  float64    `json:"first_year_return"`
	PVCosts          float64    `json:"pv_costs"`
	PVBenefits       float64    `json:"pv_benefits"`
	Construction     float64    `json:"construction_cost"`
	SwitchCostPct    float64    `json:"switch_cost_pct"`
	SwitchBenefitPct float64    `json:"switch_benefit_pct"`
	VehHoursPerDay   float64    `json:"veh_hours_saved_per_day"`
	PersonHoursDay   float64    `json:"person_hours_saved_per_day"`
	VehKmPerDay      float64    `json:"veh_km_change_per_day"`
	NewRoads         []RoadAADT `json:"new_roads"`
}

// WriteAppraisalJSON writes the appraisal.csv rows as JSON, with the year
// discounted to and the assumptions.
func WriteAppraisalJSON(w io.Writer, r *Result) error {
	out := struct {
		PriceBaseYear int          `json:"price_base_year"`
		DiscountedTo  int          `json:"discounted_to"`
		OpeningYear   int          `json:"opening_year"`
		LastYear      int          `json:"last_year"`
		DiscountRate  float64      `json:"discount_rate"`
		Alternatives  []jsonAlt    `json:"alternatives"`
		Incremental   []jsonIncr   `json:"incremental"`
		Assumptions   []Assumption `json:"assumptions"`
	}{PriceBaseYear: r.BaseYear, DiscountedTo: r.BaseYear, OpeningYear: r.OpeningYear, LastYear: r.LastYear,
		DiscountRate: r.DiscountRate, Alternatives: []jsonAlt{}, Incremental: []jsonIncr{}, Assumptions: r.Assumptions}
	round := func(v float64, dec int) float64 { p := math.Pow(10, float64(dec)); return math.Round(v*p) / p }
	opt := func(v float64, ok bool, dec int) *float64 {
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		x := round(v, dec)
		return &x
	}
	for _, a := range r.Alternatives {
		in := a.Indicators
		j := jsonAlt{Alternative: a.Name, ENPV: round(in.ENPV, 2), EBCR: opt(in.EBCR, true, 6), EIRR: opt(in.EIRR, in.EIRROK, 6),
			FirstYearReturn: round(in.FirstYearReturn, 6), PVCosts: round(in.PVCosts, 2), PVBenefits: round(in.PVBenefits, 2),
			Construction: round(a.Construction, 2), SwitchCostPct: round(in.SwitchCostPct, 2), SwitchBenefitPct: round(in.SwitchBenefitPct, 2),
			VehHoursPerDay: round(a.Savings[0].VehHours, 2), PersonHoursDay: round(a.Savings[0].PersonHours, 2),
			VehKmPerDay: round(a.Savings[0].VehKm, 2), NewRoads: append([]RoadAADT{}, a.NewRoads...)} // a copy: rounded below
		if in.PaybackYear != 0 {
			y := in.PaybackYear
			j.PaybackYear = &y
		}
		for i := range j.NewRoads {
			x := &j.NewRoads[i]
			x.Km, x.AADTMax, x.AADTMean = round(x.Km, 3), round(x.AADTMax, 0), round(x.AADTMean, 0)
		}
		out.Alternatives = append(out.Alternatives, j)
	}
	for _, x := range r.Incremental {
		out.Incremental = append(out.Incremental, jsonIncr{From: x.From, To: x.To, DeltaPVCosts: round(x.DeltaPVCosts, 2),
			DeltaPVBenefits: round(x.DeltaPVBenefits, 2), NPV: round(x.NPV, 2), BCR: opt(x.BCR, true, 6)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

type jsonIncr struct {
	From            string   `json:"from"`
	To              string   `json:"to"`
	DeltaPVCosts    float64  `json:"delta_pv_costs"`
	DeltaPVBenefits float64  `json:"delta_pv_benefits"`
	NPV             float64  `json:"incremental_npv"`
	BCR             *float64 `json:"incremental_bcr"`
}

// FlowsGeoJSONOptions configure WriteFlowsGeoJSON.
type FlowsGeoJSONOptions struct {
	// MinAADT leaves out segments carrying less (0: every loaded segment).
	MinAADT float64
	// Factor scales base-year flows (e.g. the opening year's growth factor;
	// 0 = 1).
	Factor float64
}

// WriteFlowsGeoJSON writes one LineString per loaded segment with its AADT,
// each direction's vehicles per day, class, name, ref and way id.
// Coordinates have 6 decimals. Map data © OpenStreetMap contributors.
func WriteFlowsGeoJSON(w io.Writer, g *graph.Graph, f *Flows, opt FlowsGeoJSONOptions) error {
	factor := opt.Factor
	if factor == 0 {
		factor = 1
	}
	buf := bufio.NewWriter(w)
	bw := &errWriter{w: buf}
	bw.str(`{"type":"FeatureCollection","attribution":"© OpenStreetMap contributors (ODbL)","features":[`)
	var pts []graph.Point
	first := true
	for s := range g.Segments {
		aadt := f.AADT(int32(s)) * factor
		if aadt <= 0 || aadt < opt.MinAADT {
			continue
		}
		seg := &g.Segments[s]
		if !first {
			bw.str(",")
		}
		first = false
		bw.str("\n{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[")
		pts = g.Shape(pts[:0], int32(s))
		for i, p := range pts {
			if i > 0 {
				bw.str(",")
			}
			bw.str("[" + strconv.FormatFloat(p.Lon, 'f', 6, 64) + "," + strconv.FormatFloat(p.Lat, 'f', 6, 64) + "]")
		}
		name, _ := json.Marshal(g.String(seg.Name))
		ref, _ := json.Marshal(g.String(seg.Ref))
		bw.str("]},\"properties\":{\"segment\":" + strconv.Itoa(s) +
			",\"aadt\":" + num(aadt, 1) +
			",\"forward\":" + num(f.Fwd[s]*factor, 1) +
			",\"backward\":" + num(f.Bwd[s]*factor, 1) +
			",\"class\":\"" + seg.Class.String() + "\"" +
			",\"name\":" + string(name) + ",\"ref\":" + string(ref) +
			",\"way_id\":" + strconv.FormatInt(seg.WayID, 10) + "}}")
	}
	bw.str("\n]}\n")
	if bw.err != nil {
		return bw.err
	}
	return buf.Flush()
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) str(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// WriteTotalsCSV writes a network's traffic per base-year day by purpose,
// county and area of origin (Totals).
func WriteTotalsCSV(w io.Writer, network string, d *Demand, f *Flows) error {
	rows := [][]string{{"network", "dimension", "key", "vehicles_per_day", "veh_km_per_day", "veh_hours_per_day", "person_hours_per_day"}}
	for _, t := range Totals(d, f) {
		rows = append(rows, []string{network, t.Dimension, t.Key, num(t.Vehicles, 2), num(t.VehKm, 2), num(t.VehHours, 3), num(t.PersonHours, 3)})
	}
	return writeAll(w, rows)
}
