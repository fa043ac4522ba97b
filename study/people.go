package study

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/places"
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
	box := s.RegionBox()
	surf, err := population.NewSurface(box[0], box[1], box[2], box[3], cell)
	if err != nil {
		return nil, err
	}
	set, notes := withPlannerPopulations(s.Settlements, s.Plan)
	s.popNotes = notes
	opt := population.Options{
		Settlements: set,
		Roads:       RoadPieces(s.Base.Graph),
		Totals:      spec.PopulationTotals,
		AdminLevel:  spec.PopulationAdminLevel,
	}
	if err := population.Build(surf, s.Population, opt); err != nil {
		return nil, ConfigError{fmt.Errorf("study %s: population: %w", s.Path, err)}
	}
	if err := s.clipRegion(surf); err != nil {
		return nil, err
	}
	return surf, nil
}

// Region returns the counties of the study region: population_region, else
// the counties of population_totals (a planner counts the people of the
// city whose totals it gives, not estimates for the neighbours the extract
// also covers); nil means the whole extract.
func (s *Study) Region() []string {
	if len(s.Spec.PopulationRegion) > 0 {
		return s.Spec.PopulationRegion
	}
	var out []string
	for name := range s.Spec.PopulationTotals {
		// viper lowers the case of map keys: name the boundary as mapped
		if s.Settlements != nil {
			for _, b := range s.Settlements.Boundaries {
				if strings.EqualFold(b.Name, name) {
					name = b.Name
					break
				}
			}
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// regionCounties keeps only the study region's counties as groups (a
// neighbour's sliver holds nobody once the region is clipped): zone
// indices are renumbered in place, others become -1.
func (s *Study) regionCounties(zone []int16, names []string) ([]int16, []string) {
	region := s.Region()
	if len(region) == 0 {
		return zone, names
	}
	keep := make([]int16, len(names))
	var kept []string
	for i, n := range names {
		keep[i] = -1
		for _, r := range region {
			if strings.EqualFold(n, r) {
				keep[i] = int16(len(kept))
				kept = append(kept, n)
				break
			}
		}
	}
	for k, z := range zone {
		if z >= 0 {
			zone[k] = keep[z]
		}
	}
	return zone, kept
}

// LeftOut is the residents the surface held outside the study region,
// removed (call after Surface).
func (s *Study) LeftOut() float64 { return s.leftOut }

// clipRegion removes the residents outside the study region's counties and
// records them (RegionLeftOut); a region county missing from the extract's
// boundaries is an error naming it.
func (s *Study) clipRegion(surf *population.Surface) error {
	region := s.Region()
	if len(region) == 0 || s.Settlements == nil {
		return nil
	}
	level := s.Spec.PopulationAdminLevel
	if level == 0 {
		level = population.DefaultAdminLevel
	}
	zone, counties, err := population.ZonesOf(surf, s.Settlements.Boundaries, level)
	if err != nil {
		return err
	}
	keep := make([]bool, len(counties))
	var names []string
	for _, want := range region {
		found := false
		for i, c := range counties {
			if strings.EqualFold(c.Name, want) || strings.EqualFold(c.NameZH, want) || strings.EqualFold(c.NameEN, want) {
				keep[i], found = true, true
			}
		}
		if !found {
			for _, c := range counties {
				names = append(names, c.Name)
			}
			return configf("study %s: population region: no county boundary (admin_level %d) named %q in the extract (it has: %v)", s.Path, level, want, names)
		}
	}
	for k, z := range zone {
		if z >= 0 && keep[z] {
			continue
		}
		if v := surf.Pop[k]; v > 0 {
			s.leftOut += float64(v)
			surf.Pop[k] = 0
		}
		if surf.Estimate != nil {
			surf.Estimate[k] = false
		}
	}
	return nil
}

// RegionBox is the study's area: the base network's bounds plus a margin
// of 2 km (the farthest land reach a study may set is covered by it at
// the usual settings, and residents on the rim of the network keep their
// cells), so the population surface and every travel-time grid share it.
func (s *Study) RegionBox() [4]float64 {
	lo, hi := s.Base.Graph.Bounds()
	const marginM = 2000
	dLat := marginM / 111000.0
	dLon := dLat / math.Max(math.Cos((lo.Lat+hi.Lat)/2*math.Pi/180), 0.01)
	return [4]float64{lo.Lon - dLon, lo.Lat - dLat, hi.Lon + dLon, hi.Lat + dLat}
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
	p := &report.People{LeftOut: s.leftOut}
	// The residents, their class and their county are independent: made
	// on both cores.
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		p.Pop, p.Outside = surf.ResampleOutside(grid.MinLon, grid.MinLat, grid.DLon, grid.DLat, grid.W, grid.H)
		for _, v := range p.Pop {
			p.Total += float64(v)
		}
		for k, est := range surf.Estimate {
			if est && surf.Pop[k] > 0 {
				p.Estimate = true
				break
			}
		}
	}()
	go func() {
		defer wg.Done()
		class := population.Classify(surf, s.Settlements)
		p.Urban = make([]uint8, grid.W*grid.H)
		for j := 0; j < grid.H; j++ {
			lat := grid.MinLat + float64(j)*grid.DLat
			for i := 0; i < grid.W; i++ {
				lon := grid.MinLon + float64(i)*grid.DLon
				if si, sj, ok := surf.Cell(lon, lat); ok {
					p.Urban[j*grid.W+i] = class[sj*surf.W+si]
				}
			}
		}
	}()
	var zerr error
	if s.Settlements != nil {
		level := s.Spec.PopulationAdminLevel
		if level == 0 {
			level = population.DefaultAdminLevel
		}
		var zone []int16
		var names []string
		zone, names, zerr = population.Zones(grid.MinLon, grid.MinLat, grid.DLon, grid.DLat, grid.W, grid.H, s.Settlements.Boundaries, level)
		if zerr == nil {
			zone, names = s.regionCounties(zone, names)
			if len(names) > 0 {
				p.County, p.Counties = zone, names
			}
		}
	}
	wg.Wait()
	if zerr != nil {
		return nil, zerr
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
	rows = append(rows, report.Row{{Key: "area", Value: "left out: outside the study region"}, {Key: "residents", Value: math.Round(p.LeftOut)}, {Key: "estimate", Value: true}},
		report.Row{{Key: "area", Value: "left out: outside the travel-time grid"}, {Key: "residents", Value: math.Round(p.Outside)}, {Key: "estimate", Value: p.Estimate}})
	return rows
}

// populationMethod says, for the report's method notes, where the
// residents came from: every source with its total, what it placed, what
// was left out, and the rules used.
func (s *Study) populationMethod(lang i18n.Lang, p *report.People) []string {
	if p == nil {
		return []string{i18n.T(lang, "method_pop_none")}
	}
	surf, _ := s.Surface()
	cell := s.Spec.PopulationCellM
	if cell == 0 {
		cell = DefaultPopulationCellM
	}
	num := func(v float64) string { return strconv.FormatFloat(math.Round(v), 'f', 0, 64) }
	out := []string{i18n.T(lang, "method_pop_surface", strconv.FormatFloat(cell, 'g', -1, 64))}
	for _, r := range surf.Sources {
		extra := ""
		if r.Outside > 0 {
			extra += i18n.T(lang, "method_pop_outside", num(r.Outside), strconv.Itoa(r.OutsideCount))
		}
		if r.Covered > 0 {
			extra += i18n.T(lang, "method_pop_covered", num(r.Covered))
		}
		if r.Estimate {
			extra += i18n.T(lang, "method_pop_estimate")
		}
		var areas []string
		for _, a := range r.Areas {
			if a.Note != "" {
				areas = append(areas, fmt.Sprintf("%s %s (%s)", a.Name, num(a.Total), a.Note))
			}
		}
		if len(areas) > 0 && len(areas) <= 12 {
			extra += "; " + strings.Join(areas, "; ")
		}
		out = append(out, i18n.T(lang, "method_pop_source", r.Name, r.Kind, num(r.Total), num(r.Placed), extra))
		for _, w := range r.Warnings {
			out = append(out, r.Name+": "+w)
		}
	}
	for _, n := range s.popNotes {
		out = append(out, i18n.T(lang, "method_pop_planner", n.name, strconv.Itoa(n.pop), strings.Join(n.places, ", ")))
	}
	if region := s.Region(); len(region) > 0 {
		out = append(out, i18n.T(lang, "method_pop_region", strings.Join(region, ", "), num(p.LeftOut)))
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	out = append(out, i18n.T(lang, "method_pop_urban", g(population.UrbanReachKm["city"]), g(population.UrbanReachKm["town"]),
		g(population.UrbanCoreKm["city"]), g(population.UrbanCoreKm["town"]), strconv.Itoa(max(s.Spec.PopulationAdminLevel, population.DefaultAdminLevel))))
	return out
}

// EstimateMemory is the memory a comparison needs at most, in bytes, and
// what it is made of (for a refusal message): the people layer, every
// destination grid of the base (kept for the differences) and of the
// networks evaluated at once, the working memory of filling and contouring
// one grid per worker, and one graph per alternative whose topology
// changed.
func (s *Study) EstimateMemory(opt Options) (int64, string, error) {
	opt.defaults(&s.Spec)
	cell := opt.Fill.CellMetres
	if cell <= 0 {
		cell = 100
	}
	box := s.RegionBox()
	// cells of the grid, without allocating it
	midLat := (box[1] + box[3]) / 2 * math.Pi / 180
	w := (box[2]-box[0])*111320*math.Cos(midLat)/cell + 2
	h := (box[3]-box[1])*110574/cell + 2
	cells := int64(w * h)
	dests := int64(len(report.Destinations))
	workers := int64(opt.Workers)
	perCell := int64(7) + // people: residents, class, county
		4*dests*(1+workers) + // base grids kept, each worker's network's grids
		isochrone.BytesPerCell*workers // filling and contouring
	graphs := int64(0)
	for _, r := range s.Results {
		if r != nil && r.Rebuilt {
			graphs += graphBytes(r.Graph)
		}
	}
	need := cells*perCell + graphs + graphBytes(s.Base.Graph)
	what := fmt.Sprintf("%d grid cells of %g m x %d destination kinds, %d workers, %d networks", cells, cell, dests, workers, len(s.Results)+1)
	return need, what, nil
}

// graphBytes is the memory a graph's arrays take (graph.MemoryBytes: 77-81
// bytes an arc on real extracts; BENCHMARKS.md, BenchmarkGraphSize).
func graphBytes(g *graph.Graph) int64 { return g.MemoryBytes() }

// withPlannerPopulations gives the settlements the populations of the
// planner's towns: each planner's town with a population replaces the OSM
// places of the same name ("City of Seaford" for Seaford, not "Seaford
// Heights": see sameTownName) within 3 km of its point (anywhere without a point), keeping one
// (an area if there is one) with the planner's figure and dropping the
// others, so that a town mapped twice (a node and an area) does not weigh
// twice, and a small US "city" does not weigh as the 100,000 residents the
// class default assumes. It returns a copy and one note per town.
// plannerPop is what a planner's population changed in the settlements.
type plannerPop struct {
	name   string
	pop    int
	places []string
}

func withPlannerPopulations(set *population.Settlements, plan *places.Plan) (*population.Settlements, []plannerPop) {
	if set == nil || plan == nil {
		return set, nil
	}
	out := *set
	out.Places = slices.Clone(set.Places)
	var notes []plannerPop
	for _, e := range plan.Edits {
		if e.Population < 0 || e.Op == places.OpRemove || (e.Kind != "" && e.Kind != places.KindTown) || e.Name == "" {
			continue
		}
		var match []int
		for i := range out.Places {
			p := &out.Places[i]
			if !sameTownName(p.Name, e.Name) && !sameTownName(p.NameEN, e.Name) && !sameTownName(p.NameZH, e.Name) {
				continue
			}
			if e.HasPoint && graph.Distance(graph.Point{Lon: e.Lon, Lat: e.Lat}, graph.Point{Lon: p.Lon, Lat: p.Lat}) > 3000 {
				continue
			}
			match = append(match, i)
		}
		if len(match) == 0 {
			continue
		}
		keep := match[0]
		for _, i := range match {
			if out.Places[i].Area != nil {
				keep = i
				break
			}
		}
		var names []string
		for _, i := range match {
			names = append(names, fmt.Sprintf("%s (%s)", out.Places[i].Name, out.Places[i].Kind))
		}
		out.Places[keep].Population = int64(e.Population)
		drop := map[int]bool{}
		for _, i := range match {
			if i != keep {
				drop[i] = true
			}
		}
		kept := out.Places[:0:0]
		for i, p := range out.Places {
			if !drop[i] {
				kept = append(kept, p)
			}
		}
		out.Places = kept
		notes = append(notes, plannerPop{name: e.Name, pop: e.Population, places: names})
	}
	return &out, notes
}

// sameTownName reports whether an OSM place name names the planner's town:
// equal ignoring case, or equal once a municipal prefix or suffix is taken
// away ("City of Seaford", "Dover City", "Town of Milton"); a different
// place that only shares a word ("Milford Crossroads", "Seaford Heights")
// is not the town.
func sameTownName(name, town string) bool {
	n, t := strings.ToLower(strings.TrimSpace(name)), strings.ToLower(strings.TrimSpace(town))
	if n == "" || t == "" {
		return false
	}
	if n == t {
		return true
	}
	for _, p := range []string{"city of ", "town of ", "village of ", "borough of "} {
		if strings.TrimPrefix(n, p) == t && strings.HasPrefix(n, p) {
			return true
		}
	}
	for _, suf := range []string{" city", " town", "市", "县", "镇"} {
		if strings.TrimSuffix(n, suf) == t && strings.HasSuffix(n, suf) {
			return true
		}
	}
	return false
}
