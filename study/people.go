package study

import (
	"fmt"
	"math"
	"slices"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/report"
)

// DefaultPopulationCellM is the population surface's default cell size
// (issue 7: 250 m, finer than the 1 km of GHS-POP's coarse product and as
// coarse as a village's built-up area).
const DefaultPopulationCellM = 250

// Surface builds the study's population surface over the base network's
// bounds, from the planner's sources and, for the area they leave, the
// built-in default (county totals spread over the extract's settlements).
// It is built once and kept.
func (s *Study) Surface() (*population.Surface, error) {
	s.surfOnce.Do(func() { s.surf, s.surfErr = s.buildSurface() })
	return s.surf, s.surfErr
}

func (s *Study) buildSurface() (*population.Surface, error) {
	spec := &s.Spec
	cell := spec.PopulationCellM
	if cell == 0 {
		cell = DefaultPopulationCellM
	}
	if !(cell >= 10 && cell <= 10000) {
		return nil, configf("study %s: population_cell_m: %v: want 10 to 10000 metres", s.Path, cell)
	}
	lo, hi := s.Base.Graph.Bounds()
	surf, err := population.NewSurface(lo.Lon, lo.Lat, hi.Lon, hi.Lat, cell)
	if err != nil {
		return nil, err
	}
	opt := population.Options{
		Settlements: s.Settlements,
		Roads:       RoadPieces(s.Base.Graph),
		Totals:      spec.PopulationTotals,
		AdminLevel:  spec.PopulationAdminLevel,
	}
	if err := population.Build(surf, s.Population, opt); err != nil {
		return nil, ConfigError{fmt.Errorf("study %s: population: %w", s.Path, err)}
	}
	return surf, nil
}

// RoadPieces are the network's residential streets, whose length weighs
// the built-in population spread.
func RoadPieces(g *graph.Graph) []population.RoadPiece {
	var out []population.RoadPiece
	var pts []graph.Point
	for i := range g.Segments {
		seg := &g.Segments[i]
		if !population.ResidentialRoadClasses[seg.Class.String()] {
			continue
		}
		pts = g.Shape(pts[:0], int32(i))
		line := make([][2]float64, len(pts))
		for k, p := range pts {
			line[k] = [2]float64{p.Lon, p.Lat}
		}
		out = append(out, population.RoadPiece{Class: seg.Class.String(), Line: line})
	}
	return out
}

// People resamples the population surface onto a travel-time grid's cells
// (totals conserved), with each cell's class (urban or rural, from the
// surface cell its centre lies in) and county (from the extract's
// boundaries at the study's admin level). Nil, nil when the study has no
// people at all (no source and no settlements).
func (s *Study) People(grid *isochrone.Grid) (*report.People, error) {
	surf, err := s.Surface()
	if err != nil {
		return nil, err
	}
	if surf.Total() == 0 {
		return nil, nil
	}
	p := &report.People{}
	p.Pop, p.Outside = surf.ResampleOutside(grid.MinLon, grid.MinLat, grid.DLon, grid.DLat, grid.W, grid.H)
	for _, v := range p.Pop {
		p.Total += float64(v)
	}
	for _, src := range surf.Sources {
		p.Estimate = p.Estimate || src.Estimate
	}
	class := population.Classify(surf, s.Settlements)
	p.Urban = make([]uint8, len(p.Pop))
	for j := 0; j < grid.H; j++ {
		lat := grid.MinLat + float64(j)*grid.DLat
		for i := 0; i < grid.W; i++ {
			lon := grid.MinLon + float64(i)*grid.DLon
			if si, sj, ok := surf.Cell(lon, lat); ok {
				p.Urban[j*grid.W+i] = class[sj*surf.W+si]
			}
		}
	}
	if s.Settlements != nil {
		level := s.Spec.PopulationAdminLevel
		if level == 0 {
			level = population.DefaultAdminLevel
		}
		zone, names, err := population.Zones(grid.MinLon, grid.MinLat, grid.DLon, grid.DLat, grid.W, grid.H, s.Settlements.Boundaries, level)
		if err != nil {
			return nil, err
		}
		if len(names) > 0 {
			p.County, p.Counties = zone, names
		}
	}
	return p, nil
}

// gridGeometry is the empty grid every network's travel-time grids share.
func gridGeometry(box [4]float64, cell float64) (*isochrone.Grid, error) {
	return isochrone.NewGrid(box[0], box[1], box[2], box[3], cell)
}

// savings compares every destination kind of an alternative with the base.
func savings(p *report.People, base, alt *report.Outcome, limit float64) (map[string]*report.PeopleSavings, error) {
	out := map[string]*report.PeopleSavings{}
	for _, t := range report.Destinations {
		b, a := base.Dest[t], alt.Dest[t]
		if b == nil || a == nil || b.Grid == nil || a.Grid == nil {
			continue
		}
		sv, err := report.SavingsOfPeople(p, b.Grid, a.Grid, limit)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		out[t] = sv
	}
	return out, nil
}

// countyTotals lists residents per county (and outside any) on the grid.
func countyTotals(p *report.People) []report.Row {
	sums := make([]float64, len(p.Counties))
	var urban, rural, outside float64
	for k, v := range p.Pop {
		if p.Urban[k] == population.Urban {
			urban += float64(v)
		} else {
			rural += float64(v)
		}
		if p.County != nil && p.County[k] >= 0 && int(p.County[k]) < len(sums) {
			sums[p.County[k]] += float64(v)
		} else {
			outside += float64(v)
		}
	}
	rows := []report.Row{{{Key: "area", Value: "all"}, {Key: "residents", Value: math.Round(p.Total)}, {Key: "estimate", Value: p.Estimate}},
		{{Key: "area", Value: "urban"}, {Key: "residents", Value: math.Round(urban)}, {Key: "estimate", Value: p.Estimate}},
		{{Key: "area", Value: "rural"}, {Key: "residents", Value: math.Round(rural)}, {Key: "estimate", Value: p.Estimate}}}
	idx := make([]int, len(sums))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if p.Counties[a] < p.Counties[b] {
			return -1
		}
		if p.Counties[a] > p.Counties[b] {
			return 1
		}
		return 0
	})
	for _, i := range idx {
		rows = append(rows, report.Row{{Key: "area", Value: "county:" + p.Counties[i]}, {Key: "residents", Value: math.Round(sums[i])}, {Key: "estimate", Value: p.Estimate}})
	}
	if p.County != nil {
		rows = append(rows, report.Row{{Key: "area", Value: "outside every county"}, {Key: "residents", Value: math.Round(outside)}, {Key: "estimate", Value: p.Estimate}})
	}
	return rows
}
