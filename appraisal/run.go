package appraisal

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// RoadAADT is one new or upgraded road's opening-year traffic.
type RoadAADT struct {
	WayID    int64   `json:"way_id"`
	Name     string  `json:"name"`
	Ref      string  `json:"ref"`
	Class    string  `json:"class"` // class of its longest segment
	Km       float64 `json:"km"`
	AADTMax  float64 `json:"aadt_max"`  // opening-year vehicles per day, busiest segment
	AADTMean float64 `json:"aadt_mean"` // opening-year vehicles per day, length-weighted
}

// AltResult is one alternative's appraisal.
type AltResult struct {
	Name          string
	Construction  float64 // total construction cost, CNY
	MaintenanceKm float64
	Savings       []Saving // per base-year day
	CashFlow      []Year
	Indicators    Indicators
	Sensitivity   []SensitivityRow
	NewRoads      []RoadAADT
	UnreachedBase float64 // vehicles per day not served on the base
	UnreachedAlt  float64
	AssignStats   AssignStats
}

// Result is a study's appraisal.
type Result struct {
	BaseYear, OpeningYear, LastYear int
	DiscountRate                    float64
	Demand                          []PurposeDemand
	Base                            AssignStats
	Alternatives                    []AltResult
	Incremental                     []Incremental
	Assumptions                     []Assumption
	Notes                           []string
	Timing                          Timing
}

// Timing splits a run's time.
type Timing struct {
	Demand, Assign, Search, Accumulate, Total time.Duration
}

// RunOptions configure RunWith.
type RunOptions struct {
	Workers int
	// OnFlows, when set, is called with each network's flows (base first)
	// before they are dropped: write flows-<name>.geojson there. Only the
	// base's and one alternative's flows are held at a time.
	OnFlows func(n *Network, d *Demand, f *Flows) error
}

// Run appraises every alternative against the base.
func Run(base Network, alts []Network, zones []Zone, cfg Config) (*Result, error) {
	return RunWith(base, alts, zones, cfg, RunOptions{})
}

// RunWith is Run with options.
func RunWith(base Network, alts []Network, zones []Zone, cfg Config, opt RunOptions) (*Result, error) {
	t0 := time.Now()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	for _, a := range alts {
		if _, ok := cfg.Costs[a.Name]; !ok {
			return nil, keyErr("costs."+a.Name, "missing", "costs for every alternative (items, construction_years, shares)")
		}
	}
	d, err := BuildDemand(&base, zones, cfg)
	if err != nil {
		return nil, err
	}
	res := &Result{BaseYear: cfg.BaseYear, OpeningYear: cfg.OpeningYear, LastYear: cfg.OpeningYear + cfg.OperationYears - 1,
		DiscountRate: cfg.DiscountRate, Demand: d.Purposes, Assumptions: cfg.Assumptions(), Notes: d.Notes}
	res.Timing.Demand = time.Since(t0)
	aopt := AssignOptions{Workers: opt.Workers, VOC: classCosts(cfg.VOC), Accident: classCosts(cfg.Accident), SnapMaxM: cfg.SnapMaxM}
	if cfg.RouteChoice == RouteByCost {
		aopt.RouteVOT = RouteValueOfTime(d.Purposes)
		res.Notes = append(res.Notes, fmt.Sprintf("routes chosen by generalized cost: time at %.1f CNY per vehicle-hour (the trips' vehicle-weighted mean) plus operating cost per km", aopt.RouteVOT))
	}
	bf, err := Assign(&base, d, aopt)
	if err != nil {
		return nil, fmt.Errorf("assign %s: %w", base.Name, err)
	}
	res.Base = bf.Stats
	res.Notes = append(res.Notes, bf.Notes...)
	res.Timing.add(bf.Stats)
	if opt.OnFlows != nil {
		if err := opt.OnFlows(&base, d, bf); err != nil {
			return nil, err
		}
	}
	if cfg.Elastic.Enabled {
		aopt.Elasticity, aopt.Base = cfg.Elastic.Elasticity, bf
	}
	for i := range alts {
		n := &alts[i]
		af, err := Assign(n, d, aopt)
		if err != nil {
			return nil, fmt.Errorf("assign %s: %w", n.Name, err)
		}
		res.Timing.add(af.Stats)
		res.Notes = append(res.Notes, af.Notes...)
		ar, err := appraiseAlt(&cfg, n, d, bf, af)
		if err != nil {
			return nil, err
		}
		if opt.OnFlows != nil {
			if err := opt.OnFlows(n, d, af); err != nil {
				return nil, err
			}
		}
		res.Alternatives = append(res.Alternatives, ar)
	}
	res.Incremental = IncrementalAnalysis(res.Alternatives)
	res.Timing.Total = time.Since(t0)
	return res, nil
}

func (t *Timing) add(s AssignStats) {
	t.Assign += s.Wall
	t.Search += s.Search
	t.Accumulate += s.Accumulate
}

func appraiseAlt(cfg *Config, n *Network, d *Demand, bf, af *Flows) (AltResult, error) {
	ac := cfg.Costs[n.Name]
	ar := AltResult{Name: n.Name, UnreachedBase: bf.Unreached, UnreachedAlt: af.Unreached, AssignStats: af.Stats}
	for i, it := range ac.Items {
		c, err := cfg.itemCost(fmt.Sprintf("costs.%s.items[%d]", n.Name, i), it)
		if err != nil {
			return ar, err
		}
		ar.Construction += c
		ar.MaintenanceKm += it.Km
	}
	ar.NewRoads = NewRoadAADT(n, af, cfg.GrowthFactor(cfg.OpeningYear))
	if ar.MaintenanceKm == 0 {
		for _, r := range ar.NewRoads {
			ar.MaintenanceKm += r.Km
		}
	}
	ar.Savings = Savings(d, bf, af)
	tot := ar.Savings[0]
	in := CashFlowInput{Cfg: cfg, Construction: ar.Construction, Shares: ac.Shares, Years: ac.ConstructionYears,
		MaintPerYear: ac.MaintenancePerKmYear * ar.MaintenanceKm, DesignLife: ac.DesignLife,
		DailyTime: tot.TimeCNY, DailyVOC: tot.VOCCNY, DailyAccident: tot.AccidentCNY}
	ar.CashFlow = CashFlow(in, Scenarios()[0])
	ar.Indicators = Evaluate(ar.CashFlow, cfg.BaseYear, cfg.OpeningYear, ar.Construction)
	ar.Sensitivity = Sensitivity(in)
	return ar, nil
}

// NewRoadAADT groups the network's new or upgraded segments (NewRoads, or
// WayID < 0) by way and gives each its opening-year AADT (base-year flows
// times factor).
func NewRoadAADT(n *Network, f *Flows, factor float64) []RoadAADT {
	g := n.Graph
	segs := n.NewRoads
	if segs == nil {
		for s := range g.Segments {
			if g.Segments[s].WayID < 0 {
				segs = append(segs, int32(s))
			}
		}
	}
	idx := map[int64]int{}
	var out []RoadAADT
	longest := map[int64]float64{}
	for _, s := range segs {
		seg := &g.Segments[s]
		i, ok := idx[seg.WayID]
		if !ok {
			i = len(out)
			idx[seg.WayID] = i
			out = append(out, RoadAADT{WayID: seg.WayID, Name: g.String(seg.Name), Ref: g.String(seg.Ref)})
		}
		r := &out[i]
		aadt := f.AADT(s) * factor
		r.Km += seg.Length / 1000
		r.AADTMax = max(r.AADTMax, aadt)
		r.AADTMean += aadt * seg.Length / 1000
		if seg.Length > longest[seg.WayID] {
			longest[seg.WayID] = seg.Length
			r.Class = seg.Class.String()
		}
	}
	for i := range out {
		if out[i].Km > 0 {
			out[i].AADTMean /= out[i].Km
		}
	}
	slices.SortStableFunc(out, func(a, b RoadAADT) int { return cmp.Compare(a.WayID, b.WayID) })
	return out
}

// Total is a network's traffic per base-year day for one purpose, county
// or area of origin (Dimension "total" for everything).
type Total struct {
	Dimension, Key string
	Vehicles       float64
	VehKm          float64
	VehHours       float64
	PersonHours    float64
}

// Totals returns the vehicle-km and hours of every served OD of f.
func Totals(d *Demand, f *Flows) []Total {
	zero := &Flows{OD: make([]ODResult, len(f.OD))}
	for i := range zero.OD {
		zero.OD[i] = ODResult{Reached: true, Vehicles: f.OD[i].Vehicles}
	}
	// Savings against a zero-time, zero-length network gives minus the
	// totals, grouped the same way.
	ss := Savings(d, f, zero)
	out := make([]Total, len(ss))
	for i, s := range ss {
		out[i] = Total{Dimension: s.Dimension, Key: s.Key, Vehicles: s.Vehicles, VehKm: -s.VehKm, VehHours: s.VehHours, PersonHours: s.PersonHours}
	}
	return out
}

// RouteValueOfTime is the value of a vehicle-hour routes are chosen by: the
// purposes' occupancy x value of time, weighted by their vehicles.
func RouteValueOfTime(ps []PurposeDemand) float64 {
	var sum, veh float64
	for _, p := range ps {
		sum += p.Vehicles * p.Occupancy * p.ValueOfTime
		veh += p.Vehicles
	}
	if veh == 0 {
		return 0
	}
	return sum / veh
}
