package appraisal

import (
	"fmt"
	"strconv"
)

// Assumption is one value an appraisal used, with where it comes from.
type Assumption struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Sources of the defaults that have one; every other default is printed
// as "assumption".
const (
	srcDiscount = "《建设项目经济评价方法与参数》(第三版, 国家发展改革委 建设部, 2006): social discount rate 8%"
	srcPeriod   = "issue 8 default (construction + 20 years of operation), as in JTG/T M20-2011 practice for highways"
	srcDays     = "calendar"
	srcVoT      = "assumption: GDP per capita / working hours per year, see docs/appraisal.md"
)

// Assumptions lists every value the appraisal uses with its source: the
// study's Sources entry for the key if any, the source of a sourced
// default, "study" for a value that differs from the default, else
// "assumption".
func (c Config) Assumptions() []Assumption {
	def := DefaultConfig()
	var out []Assumption
	add := func(key string, v, dv any, src string) {
		s := "assumption"
		switch {
		case c.Sources[key] != "":
			s = c.Sources[key]
		case fmt.Sprint(v) != fmt.Sprint(dv):
			s = "study"
		case src != "":
			s = src
		}
		out = append(out, Assumption{Key: "appraisal." + key, Value: fmt.Sprint(v), Source: s})
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	add("base_year", c.BaseYear, def.BaseYear, "")
	add("opening_year", c.OpeningYear, def.OpeningYear, "")
	add("operation_years", c.OperationYears, def.OperationYears, srcPeriod)
	add("discount_rate", f(c.DiscountRate), f(def.DiscountRate), srcDiscount)
	add("price_base_year", c.BaseYear, def.BaseYear, "prices and discounting in base_year CNY")
	add("days_per_year", f(c.DaysPerYear), f(def.DaysPerYear), srcDays)
	add("snap_max_m", f(c.SnapMaxM), f(def.SnapMaxM), "")
	add("growth.rate", f(c.Growth.Rate), f(def.Growth.Rate), "")
	for i, p := range c.Growth.Periods {
		add(fmt.Sprintf("growth.periods[%d]", i), fmt.Sprintf("%d..%d: %s", p.From, p.To, f(p.Rate)), "", "")
	}
	add("elastic.enabled", c.Elastic.Enabled, def.Elastic.Enabled, "")
	if c.Elastic.Enabled {
		add("elastic.elasticity", f(c.Elastic.Elasticity), f(def.Elastic.Elasticity), "")
	}
	for _, name := range c.purposeOrder() {
		p, dp := c.Purposes[name], def.Purposes[name]
		k := "purposes." + name + "."
		if len(p.OD) > 0 {
			add(k+"od_file", p.ODFile, "", "planner's OD matrix")
		} else if name == PurposeHSR && len(p.Boardings) > 0 {
			for _, id := range sortedKeys(p.Boardings) {
				add(k+"boardings."+id, f(p.Boardings[id]), "", "")
			}
			add(k+"decay_per_minute", f(p.DecayPerMinute), f(dp.DecayPerMinute), "")
		} else {
			add(k+"rate", f(p.Rate), f(dp.Rate), "")
		}
		add(k+"car_share", f(p.CarShare), f(dp.CarShare), "")
		add(k+"occupancy", f(p.Occupancy), f(dp.Occupancy), "")
		add(k+"value_of_time", f(p.ValueOfTime), f(dp.ValueOfTime), srcVoT)
		if name == PurposeCountySeat {
			add(k+"destination", p.Destination, dp.Destination, "")
		}
		if name == PurposeGravity && len(p.OD) == 0 {
			add(k+"deterrence", p.Deterrence, dp.Deterrence, "")
			add(k+"max_minutes", f(p.MaxMinutes), f(dp.MaxMinutes), "")
			if p.TargetMeanMinutes > 0 {
				add(k+"target_mean_minutes", f(p.TargetMeanMinutes), "", "")
			} else if p.Deterrence == "power" {
				add(k+"alpha", f(p.Alpha), f(dp.Alpha), "")
			} else {
				add(k+"beta", f(p.Beta), f(dp.Beta), "")
			}
		}
	}
	for _, k := range sortedKeys(c.VOC) {
		add("vehicle_operating_cost."+k, f(c.VOC[k]), f(def.VOC[k]), "")
	}
	for _, k := range sortedKeys(c.Accident) {
		add("accident_cost."+k, f(c.Accident[k]), "", "")
	}
	for _, e := range sortedKeys(c.UnitCosts) {
		for _, k := range sortedKeys(c.UnitCosts[e]) {
			add("unit_costs."+e+"."+k, f(c.UnitCosts[e][k]), "", "study (no built-in construction cost)")
		}
	}
	if c.InterchangeCost > 0 {
		add("interchange_cost", f(c.InterchangeCost), "", "study (no built-in construction cost)")
	}
	for _, a := range sortedKeys(c.Costs) {
		ac := c.Costs[a]
		k := "costs." + a + "."
		add(k+"maintenance_per_km_year", f(ac.MaintenancePerKmYear), "", "")
		life := ac.DesignLife
		if life == 0 {
			life = 30
		}
		add(k+"design_life", life, 30, "")
	}
	return out
}
