package report

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/population"
)

// People are residents per cell of the study's travel-time grids (the
// population surface resampled onto them, totals conserved), with each
// cell's class (urban or rural) and county, so that every people figure
// is a sum over the same cells the isochrone maps draw.
type People struct {
	Pop      []float32 // residents per grid cell
	Urban    []uint8   // population.Urban or population.Rural per cell
	County   []int16   // index into Counties, -1 outside every county
	Counties []string
	// Estimate says the figures rest on per-class default residents
	// somewhere (no total was given or tagged for some area).
	Estimate bool
	// Total is the sum of Pop; Outside the residents of the surface that
	// fall outside the grid (reported, not counted).
	Total, Outside float64
	// LeftOut are residents outside the study region's counties, removed
	// before counting.
	LeftOut float64

	// residents lists the populated cells with their class and county,
	// made on first use, once the fields above are set.
	residents     *population.Residents
	residentsErr  error
	residentsOnce sync.Once
}

// index returns the populated cells with their splits in Groups order:
// all, urban and rural, then the counties.
func (p *People) index() (*population.Residents, error) {
	p.residentsOnce.Do(func() {
		splits := []population.Groups{population.Grouping([]uint8(nil), 1), population.Grouping(p.Urban, 2)}
		if len(p.Counties) > 0 {
			splits = append(splits, population.Grouping(p.County, len(p.Counties)))
		}
		p.residents, p.residentsErr = population.NewResidents(p.Pop, splits...)
	})
	return p.residents, p.residentsErr
}

// Groups of a people split, in output order: "all", "urban", "rural",
// then one per county.
func (p *People) Groups() []string {
	out := []string{"all", "urban", "rural"}
	for _, c := range p.Counties {
		out = append(out, "county:"+c)
	}
	return out
}

// PeopleAccess is how residents reach one destination kind, whole and
// split (index as People.Groups).
type PeopleAccess struct {
	Groups []population.Access
}

// All is the whole region's figure.
func (a *PeopleAccess) All() population.Access { return a.Groups[0] }

// Within returns the residents of a group within m minutes (NaN when m is
// not one of the bands).
func (a *PeopleAccess) Within(group int, m float64) float64 {
	g := a.Groups[group]
	for i, b := range g.Minutes {
		if b == m {
			return g.Within[i]
		}
	}
	return math.NaN()
}

// AccessOfPeople counts the residents of every group within each band of a
// destination grid.
func AccessOfPeople(p *People, g *isochrone.Grid, minutes []float64, limit float64) (*PeopleAccess, error) {
	if len(p.Pop) != len(g.T) {
		return nil, fmt.Errorf("people on %d cells, grid of %d: not aligned", len(p.Pop), len(g.T))
	}
	r, err := p.index()
	if err != nil {
		return nil, err
	}
	s, err := r.Access(g.T, minutes, limit)
	if err != nil {
		return nil, err
	}
	return &PeopleAccess{Groups: inGroupsOrder(s)}, nil
}

// inGroupsOrder lists the splits of People.index in Groups order: all,
// urban, rural, then the counties.
func inGroupsOrder[T any](s [][]T) []T {
	out := []T{s[0][0], s[1][population.Urban], s[1][population.Rural]}
	if len(s) > 2 {
		out = append(out, s[2]...)
	}
	return out
}

// residentCurve is the residents within each whole minute 0..n of a
// travel-time grid (seconds; a cell at 90 s counts from minute 2).
func residentCurve(p *People, secs []float32, n int) ([]float64, error) {
	r, err := p.index()
	if err != nil {
		return nil, err
	}
	return r.Curve(secs, n)
}

// PeopleSavings are the person-minutes saved to one destination kind by an
// alternative against the base, whole and split (index as People.Groups).
type PeopleSavings struct {
	Groups []population.Savings
}

// SavingsOfPeople compares a base and an alternative grid of one
// destination kind, cell by cell.
func SavingsOfPeople(p *People, base, alt *isochrone.Grid, limit float64) (*PeopleSavings, error) {
	if len(p.Pop) != len(base.T) || len(base.T) != len(alt.T) {
		return nil, fmt.Errorf("people on %d cells, grids of %d and %d: not aligned", len(p.Pop), len(base.T), len(alt.T))
	}
	r, err := p.index()
	if err != nil {
		return nil, err
	}
	s, err := r.Savings(base.T, alt.T, limit)
	if err != nil {
		return nil, err
	}
	return &PeopleSavings{Groups: inGroupsOrder(s)}, nil
}

// PeopleRows is the people table: one row per network, destination kind
// and group, residents within each band, the unreached, and the
// population-weighted mean and median minutes over the reached.
func PeopleRows(base *Outcome, alts []*Alternative, p *People) []Row {
	var out []Row
	all := append([]*Alternative{{Outcome: base}}, alts...)
	groups := p.Groups()
	for _, a := range all {
		for _, t := range Destinations {
			d := a.Dest[t]
			if d == nil || d.People == nil {
				continue
			}
			for gi, g := range d.People.Groups {
				r := Row{{"alternative", a.Name}, {"destination", t}, {"group", groups[gi]}, {"residents", round(g.Total, 0)}}
				for i, m := range g.Minutes {
					r = append(r, Field{fmt.Sprintf("residents_within_%g_min", m), round(g.Within[i], 0)})
				}
				r = append(r,
					Field{"residents_unreached", round(g.Unreached, 0)},
					Field{"mean_minutes_weighted_by_residents", round(g.MeanMinutes, 1)},
					Field{"median_minutes_weighted_by_residents", round(g.MedianMinutes, 1)},
					Field{"estimate", p.Estimate})
				out = append(out, r)
			}
		}
	}
	return out
}

// SavingsRows is the person-minutes table: one row per alternative,
// destination kind and group.
func SavingsRows(alts []*Alternative, p *People) []Row {
	var out []Row
	groups := p.Groups()
	for _, a := range alts {
		for _, t := range Destinations {
			s := a.Savings[t]
			if s == nil {
				continue
			}
			for gi, g := range s.Groups {
				out = append(out, Row{{"alternative", a.Name}, {"destination", t}, {"group", groups[gi]},
					{"person_minutes_saved", round(g.PersonMinutes, 0)},
					{"residents_reached_in_both", round(g.Both, 0)},
					{"residents_faster", round(g.Faster, 0)},
					{"residents_slower", round(g.Slower, 0)},
					{"residents_newly_reached", round(g.NewlyReached, 0)},
					{"residents_no_longer_reached", round(g.NoLongerReached, 0)},
					{"estimate", p.Estimate}})
			}
		}
	}
	return out
}

// peopleMarkdown writes the report's people sections: residents within the
// bands of every destination kind (whole, urban/rural, per county), the
// national yardsticks stated with people, and the person-minutes each
// alternative saves.
func peopleMarkdown(p func(string, ...any), st Study, base *Outcome, alts []*Alternative, order []*Alternative) {
	pe := st.People
	if pe == nil {
		p("## Residents\n\nNo population surface: the study gives no population source and the extract was not read; only towns are counted.\n\n")
		return
	}
	est := ""
	if pe.Estimate {
		est = " **Some figures are estimates**: part of the region had no population total, so residents there are per-class defaults for the OSM places (see residents.csv)."
	}
	urban, rural := 0.0, 0.0
	for k, v := range pe.Pop {
		if pe.Urban[k] == 1 {
			urban += float64(v)
		} else {
			rural += float64(v)
		}
	}
	p("## Residents\n\n%s residents on the travel-time grid (%s urban, %s rural).%s Every figure below counts residents where they live: a cell's time is the one the isochrone maps draw, so maps, tables and totals agree. Means and medians are **weighted by residents** over those reached within %g minutes; the rest are counted as unreached.\n\n",
		people(pe.Total), people(urban), people(rural), est, st.Limit)
	all := append([]*Alternative{{Outcome: base}}, order...)
	for _, t := range Destinations {
		if base.Dest[t] == nil || base.Dest[t].People == nil {
			p("### Residents to %s\n\nThe network has no %s.\n\n", TargetLabel(t), strings.TrimPrefix(TargetLabel(t), "the nearest "))
			continue
		}
		p("### Residents to %s\n\n| network |", TargetLabel(t))
		for _, m := range st.Minutes {
			p(" within %g min |", m)
		}
		p(" unreached | mean min | median min |\n|---|")
		for range st.Minutes {
			p("---|")
		}
		p("---|---|---|\n")
		for _, a := range all {
			d := a.Dest[t]
			if d == nil || d.People == nil {
				p("| %s | none reachable |\n", nameOf(a))
				continue
			}
			g := d.People.All()
			p("| %s |", nameOf(a))
			for _, m := range st.Minutes {
				p(" %s |", people(d.People.Within(0, m)))
			}
			p(" %s | %s | %s |\n", people(g.Unreached), minutesText(g.MeanMinutes), minutesText(g.MedianMinutes))
		}
		p("\n")
	}

	// Urban/rural and counties, at the targets.
	groups := pe.Groups()
	p("### Urban and rural residents, and counties, at the national targets\n\nShare of each group's residents within %g min of an expressway entrance and within %g min of the HSR station (urban: cells in the built-up areas of towns and cities; rule in the method notes).\n\n| group | residents |", st.Targets.ExpresswayMinutes, st.Targets.HSRMinutes)
	for _, a := range all {
		p(" %s: entrance / HSR |", nameOf(a))
	}
	p("\n|---|---|")
	for range all {
		p("---|")
	}
	p("\n")
	for gi, g := range groups {
		if gi == 0 {
			continue
		}
		d := base.Dest[TargetEntrance]
		if d == nil || d.People == nil {
			break
		}
		tot := d.People.Groups[gi].Total
		if tot == 0 {
			continue
		}
		p("| %s | %s |", strings.TrimPrefix(g, "county:"), people(tot))
		for _, a := range all {
			p(" %s / %s |", shareText(a.Outcome, TargetEntrance, gi, st.Targets.ExpresswayMinutes), shareText(a.Outcome, TargetHSR, gi, st.Targets.HSRMinutes))
		}
		p("\n")
	}
	p("\n")

	p("### National yardsticks\n\n| network | residents within %g min of an entrance | residents within %g min of the HSR station | county seats within %g min of a trunk road | county seats within %g min of the central city |\n|---|---|---|---|---|\n",
		st.Targets.ExpresswayMinutes, st.Targets.HSRMinutes, st.Targets.TrunkMinutes, st.Targets.CentreMinutes)
	for _, a := range all {
		towns := len(a.Rows)
		p("| %s | %s | %s | %s of %d | %s of %d |\n", nameOf(a), shareText(a.Outcome, TargetEntrance, 0, st.Targets.ExpresswayMinutes), shareText(a.Outcome, TargetHSR, 0, st.Targets.HSRMinutes),
			format(townsWithin(a.Outcome, TargetTrunk, st.Targets.TrunkMinutes)), towns, format(townsWithin(a.Outcome, TargetCentre, st.Targets.CentreMinutes)), towns)
	}
	if c, ok := Centre(base.Places); ok {
		p("\nThe central city is %s (%s).\n", c[0].Label(), map[bool]string{true: "the planner's centre", false: "the most populous town; name another with kind centre in the planner's file"}[c[0].Kind == "centre"])
	}
	p("\n")

	p("### Person-minutes saved against today\n\nFor each destination kind, the sum over residents of the minutes one trip saves (a static measure of access; the appraisal prices trips). Residents newly reached or no longer reached within %g min are counted apart, never as minutes.\n\n| alternative |", st.Limit)
	for _, t := range Destinations {
		p(" %s |", shortTarget(t))
	}
	p(" newly reached (entrance / HSR) | no longer reached (entrance / HSR) |\n|---|")
	for range Destinations {
		p("---|")
	}
	p("---|---|\n")
	for _, a := range order {
		p("| %s |", a.Name)
		for _, t := range Destinations {
			s := a.Savings[t]
			if s == nil {
				p(" – |")
				continue
			}
			p(" %s |", people(s.Groups[0].PersonMinutes))
		}
		nr := func(t string, f func(g populationSavings) float64) string {
			s := a.Savings[t]
			if s == nil {
				return "–"
			}
			return people(f(s.Groups[0]))
		}
		p(" %s / %s | %s / %s |\n",
			nr(TargetEntrance, func(g populationSavings) float64 { return g.NewlyReached }), nr(TargetHSR, func(g populationSavings) float64 { return g.NewlyReached }),
			nr(TargetEntrance, func(g populationSavings) float64 { return g.NoLongerReached }), nr(TargetHSR, func(g populationSavings) float64 { return g.NoLongerReached }))
	}
	p("\nUrban and rural shares of the person-minutes to an entrance and to the HSR station are in savings.csv, with every county.\n\n")
}

type populationSavings = population.Savings

func nameOf(a *Alternative) string {
	if a.Name == "base" {
		return "today"
	}
	return a.Name
}

func shortTarget(t string) string {
	switch t {
	case TargetEntrance:
		return "to an entrance"
	case TargetHSR:
		return "to the HSR station"
	case TargetTrunk:
		return "to a trunk road"
	case TargetTown:
		return "to a county seat or town"
	case TargetCentre:
		return "to the central city"
	}
	return t
}

// shareText is "82% (812,345)": the share of a group's residents within m
// minutes of a destination kind.
func shareText(o *Outcome, t string, group int, m float64) string {
	d := o.Dest[t]
	if d == nil || d.People == nil || group >= len(d.People.Groups) {
		return "–"
	}
	g := d.People.Groups[group]
	v := d.People.Within(group, m)
	if g.Total == 0 || math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.0f%% (%s)", 100*v/g.Total, people(v))
}

// people formats a count of residents with thousands separators.
func people(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	neg := v < 0
	n := int64(math.Round(math.Abs(v)))
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func minutesText(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f", v)
}
