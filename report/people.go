package report

import (
	"fmt"
	"math"

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
	all, err := population.AccessOf(p.Pop, g.T, minutes, limit)
	if err != nil {
		return nil, err
	}
	cls, err := population.AccessBy(p.Pop, g.T, p.Urban, 2, minutes, limit)
	if err != nil {
		return nil, err
	}
	out := &PeopleAccess{Groups: []population.Access{all, cls[population.Urban], cls[population.Rural]}}
	if len(p.Counties) > 0 {
		cs, err := population.AccessBy(p.Pop, g.T, p.County, len(p.Counties), minutes, limit)
		if err != nil {
			return nil, err
		}
		out.Groups = append(out.Groups, cs...)
	}
	return out, nil
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
	all, err := population.SavingsOf(p.Pop, base.T, alt.T, limit)
	if err != nil {
		return nil, err
	}
	cls, err := population.SavingsBy(p.Pop, base.T, alt.T, p.Urban, 2, limit)
	if err != nil {
		return nil, err
	}
	out := &PeopleSavings{Groups: []population.Savings{all, cls[population.Urban], cls[population.Rural]}}
	if len(p.Counties) > 0 {
		cs, err := population.SavingsBy(p.Pop, base.T, alt.T, p.County, len(p.Counties), limit)
		if err != nil {
			return nil, err
		}
		out.Groups = append(out.Groups, cs...)
	}
	return out, nil
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
