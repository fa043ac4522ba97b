package appraisal

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// Purpose names, in output order.
const (
	PurposeHSR        = "hsr"
	PurposeExpressway = "expressway"
	PurposeCountySeat = "county_seat"
	PurposeCentre     = "centre"
	PurposeGravity    = "gravity"
)

// PurposeNames lists the purposes in output order.
var PurposeNames = []string{PurposeHSR, PurposeExpressway, PurposeCountySeat, PurposeCentre, PurposeGravity}

// Config is the study's appraisal: key. Every field has a mapstructure tag
// in snake_case; DefaultConfig gives every default and Assumptions lists
// them with their sources.
type Config struct {
	// BaseYear is the year of the zones' residents, of the prices and the
	// year every figure is discounted to.
	BaseYear int `mapstructure:"base_year"`
	// OpeningYear is the first year of operation (benefits start).
	OpeningYear int `mapstructure:"opening_year"`
	// OperationYears is the appraisal period after opening (default 20).
	OperationYears int `mapstructure:"operation_years"`
	// DiscountRate is the social discount rate, in (0, 1) (default 0.08).
	DiscountRate float64 `mapstructure:"discount_rate"`
	// DaysPerYear turns daily figures into annual ones (default 365).
	DaysPerYear float64 `mapstructure:"days_per_year"`
	// SnapMaxM: farthest a zone centroid or place may lie from a road, metres.
	SnapMaxM float64 `mapstructure:"snap_max_m"`

	Growth   Growth             `mapstructure:"growth"`
	Purposes map[string]Purpose `mapstructure:"purposes"`
	Elastic  Elastic            `mapstructure:"elastic"`
	// RouteChoice: "time" (drivers take the quickest route; the default) or
	// "generalized_cost" (time at the trips' mean value per vehicle-hour
	// plus operating cost per km: the route the benefits are counted on).
	RouteChoice string `mapstructure:"route_choice"`

	// VOC is the vehicle operating cost in CNY per vehicle-km by road class
	// name (graph class names; "default" for classes not listed).
	VOC map[string]float64 `mapstructure:"vehicle_operating_cost"`
	// Accident is the accident cost in CNY per vehicle-km by class name
	// (optional; "default" for the rest).
	Accident map[string]float64 `mapstructure:"accident_cost"`

	// UnitCosts: CNY per km by edit type then class name (e.g.
	// unit_costs.new_road.primary). No built-in values.
	UnitCosts map[string]map[string]float64 `mapstructure:"unit_costs"`
	// InterchangeCost: CNY per interchange (no built-in value).
	InterchangeCost float64 `mapstructure:"interchange_cost"`
	// Costs per alternative name.
	Costs map[string]AltCosts `mapstructure:"costs"`

	// Sources cite the study's values: key path (e.g.
	// "purposes.hsr.rate") -> source text, printed by Assumptions.
	Sources map[string]string `mapstructure:"sources"`
}

// Growth is the annual growth of trips: Rate, or the rate of the period a
// year falls in.
type Growth struct {
	Rate    float64        `mapstructure:"rate"`
	Periods []GrowthPeriod `mapstructure:"periods"`
}

// GrowthPeriod is a growth rate for the years From..To inclusive.
type GrowthPeriod struct {
	From int     `mapstructure:"from"`
	To   int     `mapstructure:"to"`
	Rate float64 `mapstructure:"rate"`
}

// Route choice rules (Config.RouteChoice).
const (
	RouteByTime = "time"
	RouteByCost = "generalized_cost"
)

// Elastic switches on elastic demand.
type Elastic struct {
	Enabled bool `mapstructure:"enabled"`
	// Elasticity of trips to generalized cost, in [-3, 0] (default -0.5).
	Elasticity float64 `mapstructure:"elasticity"`
}

// Purpose is one trip purpose.
type Purpose struct {
	// Rate: person trips per resident per year (one-way trips).
	Rate float64 `mapstructure:"rate"`
	// CarShare: share of the trips made by car, in [0, 1].
	CarShare float64 `mapstructure:"car_share"`
	// Occupancy: persons per car, in [1, 10].
	Occupancy float64 `mapstructure:"occupancy"`
	// ValueOfTime: CNY per person-hour.
	ValueOfTime float64 `mapstructure:"value_of_time"`

	// Boardings (hsr only): station id -> annual boardings. When given they
	// replace Rate: each station's boardings are spread over the zones by
	// residents x exp(-DecayPerMinute x minutes to that station).
	Boardings      map[string]float64 `mapstructure:"boardings"`
	DecayPerMinute float64            `mapstructure:"decay_per_minute"`

	// Destination (county_seat only): "own" (the zone's own county seat,
	// the nearest seat when its county has none) or "nearest".
	Destination string `mapstructure:"destination"`

	// Deterrence (gravity only): "exp" (exp(-Beta t)) or "power" (t^-Alpha),
	// t in minutes. TargetMeanMinutes > 0 calibrates the parameter so that
	// the mean trip time on the base network equals it.
	Deterrence        string  `mapstructure:"deterrence"`
	Beta              float64 `mapstructure:"beta"`
	Alpha             float64 `mapstructure:"alpha"`
	TargetMeanMinutes float64 `mapstructure:"target_mean_minutes"`
	// MaxMinutes (gravity only): zone pairs farther apart on the base
	// network exchange no trips (0 = no cut-off). It bounds each
	// assignment search to the zones within reach.
	MaxMinutes float64 `mapstructure:"max_minutes"`

	// ODFile names the planner's OD CSV (from,to,trips_per_day, person
	// trips); the caller reads it with ParseOD into OD. A non-empty OD
	// replaces the purpose's model.
	ODFile string  `mapstructure:"od_file"`
	OD     []ODRow `mapstructure:"-"`
}

// AltCosts are the costs of one alternative.
type AltCosts struct {
	Items []CostItem `mapstructure:"items"`
	// ConstructionYears and Shares: when the construction cost is spent;
	// shares sum to 1.
	ConstructionYears []int     `mapstructure:"construction_years"`
	Shares            []float64 `mapstructure:"shares"`
	// MaintenancePerKmYear: CNY per km of the items per year of operation.
	MaintenancePerKmYear float64 `mapstructure:"maintenance_per_km_year"`
	// DesignLife in years for the straight-line residual value at the end
	// of the period (default 30).
	DesignLife int `mapstructure:"design_life"`
}

// CostItem is one edit's cost: Total when > 0, else Km x unit_costs[Edit][Class]
// + Interchanges x interchange_cost.
type CostItem struct {
	Name         string  `mapstructure:"name"`
	Edit         string  `mapstructure:"edit"`
	Class        string  `mapstructure:"class"`
	Km           float64 `mapstructure:"km"`
	Interchanges int     `mapstructure:"interchanges"`
	Total        float64 `mapstructure:"total"`
}

// DefaultConfig returns the defaults. Sourced values are cited by
// Assumptions; the rest are printed there as assumptions.
func DefaultConfig() Config {
	return Config{
		BaseYear: 2025, OpeningYear: 2028, OperationYears: 20,
		DiscountRate: 0.08, DaysPerYear: 365, SnapMaxM: 3000,
		Growth: Growth{Rate: 0.03},
		Purposes: map[string]Purpose{
			PurposeHSR:        {Rate: 4, CarShare: 0.5, Occupancy: 1.5, ValueOfTime: 30, DecayPerMinute: 0.05},
			PurposeExpressway: {Rate: 6, CarShare: 0.8, Occupancy: 1.8, ValueOfTime: 30},
			PurposeCountySeat: {Rate: 24, CarShare: 0.4, Occupancy: 1.5, ValueOfTime: 20, Destination: "own"},
			PurposeCentre:     {Rate: 6, CarShare: 0.5, Occupancy: 1.6, ValueOfTime: 20},
			PurposeGravity:    {Rate: 100, CarShare: 0.3, Occupancy: 1.3, ValueOfTime: 15, Deterrence: "exp", Beta: 0.1, Alpha: 2, MaxMinutes: 90},
		},
		Elastic: Elastic{Elasticity: -0.5},
		VOC: map[string]float64{
			"motorway": 0.9, "motorway_link": 1.0, "trunk": 1.0, "trunk_link": 1.0,
			"primary": 1.1, "primary_link": 1.1, "secondary": 1.2, "secondary_link": 1.2,
			"tertiary": 1.3, "default": 1.4,
		},
	}
}

// classCosts resolves a per-class-name table to a per-class array.
func classCosts(m map[string]float64) [graph.NumClasses]float64 {
	var out [graph.NumClasses]float64
	def := m["default"]
	for c := range out {
		v, ok := m[graph.Class(c).String()]
		if !ok {
			v = def
		}
		out[c] = v
	}
	return out
}

func keyErr(key string, v any, want string) error {
	return fmt.Errorf("appraisal.%s: %v: want %s", key, v, want)
}

func checkRange(key string, v, lo, hi float64, want string) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi {
		return keyErr(key, v, want)
	}
	return nil
}

// Validate checks every key and names the key path and allowed range in
// its error.
func (c *Config) Validate() error {
	if c.BaseYear < 1900 || c.BaseYear > 2200 {
		return keyErr("base_year", c.BaseYear, "a year in 1900..2200")
	}
	if c.OpeningYear < c.BaseYear || c.OpeningYear > c.BaseYear+50 {
		return keyErr("opening_year", c.OpeningYear, fmt.Sprintf("base_year..base_year+50 (%d..%d)", c.BaseYear, c.BaseYear+50))
	}
	if c.OperationYears < 1 || c.OperationYears > 100 {
		return keyErr("operation_years", c.OperationYears, "1..100")
	}
	if math.IsNaN(c.DiscountRate) || c.DiscountRate <= 0 || c.DiscountRate >= 1 {
		return keyErr("discount_rate", c.DiscountRate, "a rate in (0, 1), e.g. 0.08")
	}
	if err := checkRange("days_per_year", c.DaysPerYear, 1, 366, "1..366"); err != nil {
		return err
	}
	if err := checkRange("snap_max_m", c.SnapMaxM, 1, 100000, "1..100000 metres"); err != nil {
		return err
	}
	if err := checkRange("growth.rate", c.Growth.Rate, -0.5, 0.5, "-0.5..0.5"); err != nil {
		return err
	}
	for i, p := range c.Growth.Periods {
		k := fmt.Sprintf("growth.periods[%d]", i)
		if err := checkRange(k+".rate", p.Rate, -0.5, 0.5, "-0.5..0.5"); err != nil {
			return err
		}
		if p.To < p.From {
			return keyErr(k+".to", p.To, fmt.Sprintf(">= from (%d)", p.From))
		}
		for j := 0; j < i; j++ {
			q := c.Growth.Periods[j]
			if p.From <= q.To && q.From <= p.To {
				return keyErr(k, fmt.Sprintf("%d..%d", p.From, p.To), fmt.Sprintf("no overlap with growth.periods[%d] (%d..%d)", j, q.From, q.To))
			}
		}
	}
	if c.RouteChoice != "" && c.RouteChoice != RouteByTime && c.RouteChoice != RouteByCost {
		return fmt.Errorf("appraisal.route_choice: %q: want %s or %s", c.RouteChoice, RouteByTime, RouteByCost)
	}
	if c.Elastic.Enabled {
		if err := checkRange("elastic.elasticity", c.Elastic.Elasticity, -3, 0, "-3..0"); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(c.Purposes) {
		if !slices.Contains(PurposeNames, name) {
			return keyErr("purposes."+name, "unknown purpose", "one of "+strings.Join(PurposeNames, ", "))
		}
		if err := c.Purposes[name].validate("purposes."+name, name); err != nil {
			return err
		}
	}
	for _, tab := range []struct {
		key string
		m   map[string]float64
	}{{"vehicle_operating_cost", c.VOC}, {"accident_cost", c.Accident}} {
		for _, k := range sortedKeys(tab.m) {
			if _, ok := graph.ParseClass(k); !ok && k != "default" {
				return keyErr(tab.key+"."+k, "unknown road class", "a class ("+strings.Join(graph.ClassNames(), ", ")+") or default")
			}
			if err := checkRange(tab.key+"."+k, tab.m[k], 0, 1000, "0..1000 CNY per vehicle-km"); err != nil {
				return err
			}
		}
	}
	for _, e := range sortedKeys(c.UnitCosts) {
		for _, k := range sortedKeys(c.UnitCosts[e]) {
			if err := checkRange("unit_costs."+e+"."+k, c.UnitCosts[e][k], 0, 1e12, "0..1e12 CNY per km"); err != nil {
				return err
			}
		}
	}
	if err := checkRange("interchange_cost", c.InterchangeCost, 0, 1e12, "0..1e12 CNY"); err != nil {
		return err
	}
	for _, name := range sortedKeys(c.Costs) {
		if err := c.validateCosts(name); err != nil {
			return err
		}
	}
	return nil
}

func (p Purpose) validate(key, name string) error {
	if err := checkRange(key+".rate", p.Rate, 0, 10000, ">= 0 and <= 10000 trips per resident per year"); err != nil {
		return err
	}
	if err := checkRange(key+".car_share", p.CarShare, 0, 1, "0..1"); err != nil {
		return err
	}
	if err := checkRange(key+".occupancy", p.Occupancy, 1, 10, "1..10 persons per car"); err != nil {
		return err
	}
	if err := checkRange(key+".value_of_time", p.ValueOfTime, 0, 10000, "0..10000 CNY per person-hour"); err != nil {
		return err
	}
	for _, id := range sortedKeys(p.Boardings) {
		if name != PurposeHSR {
			return keyErr(key+".boardings", "set", "only under purposes.hsr")
		}
		if err := checkRange(key+".boardings."+id, p.Boardings[id], 0, 1e10, "0..1e10 boardings per year"); err != nil {
			return err
		}
	}
	if err := checkRange(key+".decay_per_minute", p.DecayPerMinute, 0, 10, "0..10 per minute"); err != nil {
		return err
	}
	if name == PurposeCountySeat && p.Destination != "own" && p.Destination != "nearest" && p.Destination != "" {
		return keyErr(key+".destination", p.Destination, "own or nearest")
	}
	if name == PurposeGravity {
		switch p.Deterrence {
		case "exp", "":
		case "power":
		default:
			return keyErr(key+".deterrence", p.Deterrence, "exp or power")
		}
		if err := checkRange(key+".beta", p.Beta, 0, 10, "0..10 per minute"); err != nil {
			return err
		}
		if err := checkRange(key+".alpha", p.Alpha, 0, 10, "0..10"); err != nil {
			return err
		}
		if err := checkRange(key+".max_minutes", p.MaxMinutes, 0, 1440, "0 (no cut-off) or up to 1440 minutes"); err != nil {
			return err
		}
		if err := checkRange(key+".target_mean_minutes", p.TargetMeanMinutes, 0, 600, "0 (no calibration) or up to 600 minutes"); err != nil {
			return err
		}
	}
	for _, r := range p.OD {
		if err := checkRange(fmt.Sprintf("%s.od line %d: trips_per_day", key, r.Line), r.TripsPerDay, 0, 1e9, "0..1e9"); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) validateCosts(name string) error {
	key := "costs." + name
	a := c.Costs[name]
	if len(a.Items) == 0 {
		return keyErr(key+".items", "none", "at least one cost item")
	}
	for i, it := range a.Items {
		k := fmt.Sprintf("%s.items[%d]", key, i)
		if err := checkRange(k+".total", it.Total, 0, 1e13, "0..1e13 CNY"); err != nil {
			return err
		}
		if err := checkRange(k+".km", it.Km, 0, 10000, "0..10000 km"); err != nil {
			return err
		}
		if it.Interchanges < 0 || it.Interchanges > 1000 {
			return keyErr(k+".interchanges", it.Interchanges, "0..1000")
		}
		if _, err := c.itemCost(k, it); err != nil {
			return err
		}
	}
	if len(a.ConstructionYears) == 0 {
		return keyErr(key+".construction_years", "none", "at least one year before opening_year")
	}
	if len(a.Shares) != len(a.ConstructionYears) {
		return keyErr(key+".shares", fmt.Sprintf("%d shares", len(a.Shares)), fmt.Sprintf("one per construction year (%d)", len(a.ConstructionYears)))
	}
	sum := 0.0
	for i, y := range a.ConstructionYears {
		if y < c.BaseYear-50 || y >= c.OpeningYear {
			return keyErr(fmt.Sprintf("%s.construction_years[%d]", key, i), y, fmt.Sprintf("a year before opening_year %d", c.OpeningYear))
		}
		if err := checkRange(fmt.Sprintf("%s.shares[%d]", key, i), a.Shares[i], 0, 1, "0..1"); err != nil {
			return err
		}
		sum += a.Shares[i]
	}
	if math.Abs(sum-1) > 1e-6 {
		return keyErr(key+".shares", fmt.Sprintf("sum %g", sum), "shares summing to 1")
	}
	if err := checkRange(key+".maintenance_per_km_year", a.MaintenancePerKmYear, 0, 1e10, "0..1e10 CNY per km per year"); err != nil {
		return err
	}
	if a.DesignLife < 0 || a.DesignLife > 200 {
		return keyErr(key+".design_life", a.DesignLife, "0 (default 30) or 1..200 years")
	}
	return nil
}

// itemCost is the construction cost of one item.
func (c *Config) itemCost(key string, it CostItem) (float64, error) {
	if it.Total > 0 {
		return it.Total, nil
	}
	cost := 0.0
	if it.Km > 0 {
		u, ok := c.UnitCosts[it.Edit][it.Class]
		if !ok {
			return 0, keyErr(key, fmt.Sprintf("edit %q class %q", it.Edit, it.Class),
				fmt.Sprintf("a total, or appraisal.unit_costs.%s.%s (CNY per km)", it.Edit, it.Class))
		}
		cost += it.Km * u
	}
	if it.Interchanges > 0 {
		if c.InterchangeCost <= 0 {
			return 0, keyErr(key+".interchanges", it.Interchanges, "a total, or appraisal.interchange_cost > 0")
		}
		cost += float64(it.Interchanges) * c.InterchangeCost
	}
	if cost <= 0 {
		return 0, keyErr(key, "no cost", "a total > 0, or km with a unit cost, or interchanges")
	}
	return cost, nil
}

// growthRate is the rate of trips growth applied from year y to y+1.
func (c *Config) growthRate(y int, delta float64) float64 {
	for _, p := range c.Growth.Periods {
		if y >= p.From && y <= p.To {
			return p.Rate + delta
		}
	}
	return c.Growth.Rate + delta
}

// GrowthFactor is trips in year y over trips in the base year.
func (c *Config) GrowthFactor(y int) float64 { return c.growthFactor(y, 0) }

func (c *Config) growthFactor(y int, delta float64) float64 {
	f := 1.0
	for t := c.BaseYear; t < y; t++ {
		f *= 1 + c.growthRate(t, delta)
	}
	for t := y; t < c.BaseYear; t++ {
		f /= 1 + c.growthRate(t, delta)
	}
	return f
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// purposeOrder returns the configured purposes in PurposeNames order.
func (c *Config) purposeOrder() []string {
	var out []string
	for _, n := range PurposeNames {
		if _, ok := c.Purposes[n]; ok {
			out = append(out, n)
		}
	}
	return out
}
