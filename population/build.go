package population

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Source kinds, as SourceReport.Kind names them.
const (
	KindGrid     = "grid"
	KindPoints   = "points"
	KindPolygons = "polygons"
	KindDefault  = "default"
)

// Source is one planner's source; exactly one of Grid, Points and Polygons
// is set.
type Source struct {
	Name     string // file name or label, for reports
	Grid     *Raster
	Points   []Point
	Polygons []Area
}

// Options are the built-in default's inputs and settings.
type Options struct {
	// Settlements from the extract: county boundaries, places, residential
	// land and buildings. Nil: no built-in default, polygons spread evenly.
	Settlements *Settlements
	// Roads whose residential street length weighs the spread.
	Roads []RoadPiece
	// Totals are residents per county by name (the study's
	// population_totals); they take precedence over population tags.
	Totals map[string]float64
	// AdminLevel of the county boundaries (0: DefaultAdminLevel).
	AdminLevel int
	// NoDefault leaves out the built-in default even with Settlements.
	NoDefault bool
}

// DefaultAdminLevel is the admin_level of counties (6: Chinese counties and
// US counties alike).
const DefaultAdminLevel = 6

// SourceReport says what one source held and where it went. Total =
// Placed + Outside + Covered (up to rounding).
type SourceReport struct {
	Name, Kind string
	Total      float64 // residents the source holds (valid, non-negative data)
	Placed     float64 // residents put on the surface
	// Outside: residents outside the surface box; OutsideCount counts the
	// raster cells, points or polygons (partly) outside.
	Outside      float64
	OutsideCount int
	// Covered: residents in area an earlier source already covers, dropped
	// (first source wins per area); CoveredCount counts cells or points.
	Covered      float64
	CoveredCount int
	NoData       int // raster cells holding nodata
	Negative     int // raster cells with a negative value (left out)
	Estimate     bool
	Areas        []AreaReport // per polygon or county
	Warnings     []string
}

// AreaReport is one polygon's or county's share of a source.
type AreaReport struct {
	Name     string
	Total    float64 // its residents
	Placed   float64 // put on the surface (the rest is outside or covered)
	Cells    int     // surface cells it spread over
	Even     bool    // no settlement inside: spread evenly
	Estimate bool    // per-class defaults, no total
	Note     string  // where its total came from
}

// Build fills s (which must be empty) from the sources in order, first
// source wins per area, then the built-in default for what none covers.
//
// Area covered: a grid covers every cell that overlaps one of its valid
// cells; a polygons source covers the cells whose centres lie inside its
// polygons (and the cell holding a polygon too small to hold a centre); a
// points source covers the counties (Options.Settlements boundaries at
// AdminLevel) holding its points or, without boundaries, the cells the
// points fall in. Each source is spread as if alone; its residents in cells
// an earlier source covers are dropped and reported as Covered.
func Build(s *Surface, sources []Source, opt Options) error {
	if len(s.Sources) > 0 {
		return errors.New("surface already built")
	}
	if opt.AdminLevel == 0 {
		opt.AdminLevel = DefaultAdminLevel
	}
	if opt.AdminLevel < 1 || opt.AdminLevel > 12 {
		return fmt.Errorf("admin level %d: want 1 to 12", opt.AdminLevel)
	}
	if len(sources)+1 > math.MaxInt16 {
		return fmt.Errorf("%d sources: at most %d", len(sources), math.MaxInt16-1)
	}
	for name, v := range opt.Totals {
		if math.IsNaN(v) || v < 0 || v > MaxResidents {
			return fmt.Errorf("population_totals %q: %v: want 0 to %g", name, v, float64(MaxResidents))
		}
	}
	w := s.settlementWeights(opt.Settlements, opt.Roads)
	var zone []int16
	var counties []Boundary
	if opt.Settlements != nil {
		var err error
		if zone, counties, err = ZonesOf(s, opt.Settlements.Boundaries, opt.AdminLevel); err != nil {
			return err
		}
	}
	acc := make([]float64, len(s.Pop))
	mine := make([]bool, len(s.Pop))
	for _, src := range sources {
		var rep SourceReport
		n := 0
		if src.Grid != nil {
			n++
		}
		if src.Points != nil {
			n++
		}
		if src.Polygons != nil {
			n++
		}
		if n != 1 {
			return fmt.Errorf("source %s: want exactly one of a grid, points and polygons", src.Name)
		}
		clear(acc)
		clear(mine)
		switch {
		case src.Grid != nil:
			rep = s.addGrid(acc, mine, src.Grid)
		case src.Points != nil:
			rep = s.addPoints(acc, mine, src.Points, zone)
		default:
			rep = s.addPolygons(acc, mine, src.Polygons, w)
		}
		rep.Name = src.Name
		s.merge(acc, mine, &rep, nil)
	}
	if opt.Settlements != nil && !opt.NoDefault {
		rep, est, err := s.addDefault(acc, mine, w, zone, counties, opt.Totals)
		if err != nil {
			return err
		}
		s.merge(acc, mine, &rep, est)
	}
	return nil
}

// merge puts a source's layer onto the surface: residents in cells an
// earlier source covers are dropped; the source then covers the cells of
// its footprint that no earlier source did.
func (s *Surface) merge(acc []float64, mine []bool, rep *SourceReport, est []bool) {
	idx := int16(len(s.Sources))
	covered := 0.0
	for k, v := range acc {
		if v == 0 {
			continue
		}
		if s.Source[k] >= 0 && s.Source[k] != idx {
			covered += v
			if rep.Kind != KindPoints {
				rep.CoveredCount++
			}
			continue
		}
		s.Pop[k] += float32(v)
		if est != nil && est[k] {
			s.Estimate[k] = true
		}
	}
	for k, m := range mine {
		if m && s.Source[k] < 0 {
			s.Source[k] = idx
		}
	}
	rep.Covered += covered
	rep.Placed = rep.Total - rep.Outside - rep.Covered
	s.Sources = append(s.Sources, *rep)
}

// addGrid spreads a raster over the surface conserving its total.
func (s *Surface) addGrid(acc []float64, mine []bool, r *Raster) SourceReport {
	rep := SourceReport{Kind: KindGrid}
	m := &mapping{
		cols: overlaps(r.MinLon, r.DLon, r.W, s.MinLon, s.DLon, s.W),
		rows: overlaps(r.MinLat, r.DLat, r.H, s.MinLat, s.DLat, s.H),
		w:    s.W,
	}
	for j := 0; j < r.H; j++ {
		for i := 0; i < r.W; i++ {
			k := j*r.W + i
			if !r.Valid[k] {
				rep.NoData++
				continue
			}
			v := float64(r.Val[k])
			if v < 0 {
				rep.Negative++
				continue
			}
			rep.Total += v
			for a := m.rows.start[j]; a < m.rows.start[j+1]; a++ {
				base := int(m.rows.idx[a]) * s.W
				for b := m.cols.start[i]; b < m.cols.start[i+1]; b++ {
					mine[base+int(m.cols.idx[b])] = true
				}
			}
			if v == 0 {
				continue
			}
			if out := m.spread(acc, i, j, v); out > 1e-9*v {
				rep.Outside += out
				rep.OutsideCount++
			}
		}
	}
	return rep
}

// addPoints puts each point's residents into the cell that holds it.
func (s *Surface) addPoints(acc []float64, mine []bool, pts []Point, zone []int16) SourceReport {
	rep := SourceReport{Kind: KindPoints}
	zones := map[int16]bool{}
	for _, p := range pts {
		rep.Total += p.Pop
		i, j, ok := s.Cell(p.Lon, p.Lat)
		if !ok {
			rep.Outside += p.Pop
			rep.OutsideCount++
			continue
		}
		k := j*s.W + i
		if s.Source[k] >= 0 {
			rep.CoveredCount++
		}
		acc[k] += p.Pop
		if zone != nil && zone[k] >= 0 {
			zones[zone[k]] = true
		} else {
			mine[k] = true
		}
	}
	if len(zones) > 0 {
		for k, z := range zone {
			if z >= 0 && zones[z] {
				mine[k] = true
			}
		}
	}
	return rep
}

// spreadOver adds v to acc over cells in proportion to the weights there,
// or evenly when they weigh nothing; it reports whether it was even.
func spreadOver(acc []float64, cells []int32, w weights, v float64) bool {
	sum := 0.0
	for _, k := range cells {
		sum += w.place[k] + w.other[k]
	}
	if sum > 0 {
		for _, k := range cells {
			acc[k] += v * (w.place[k] + w.other[k]) / sum
		}
		return false
	}
	for _, k := range cells {
		acc[k] += v / float64(len(cells))
	}
	return true
}

// addPolygons spreads each polygon's residents over the settlement weights
// of the cells whose centres lie inside it (evenly where nothing weighs).
// The share of a polygon outside the surface is its share of lattice cells
// outside; a polygon holding no cell centre goes to the cell holding the
// mean of its outer ring's vertices.
func (s *Surface) addPolygons(acc []float64, mine []bool, areas []Area, w weights) SourceReport {
	rep := SourceReport{Kind: KindPolygons}
	var cells []int32
	for _, a := range areas {
		rep.Total += a.Pop
		ar := AreaReport{Name: a.Name, Total: a.Pop}
		var out int
		cells, out = s.cellsOf(a.Shape, cells[:0])
		if len(cells) == 0 && out == 0 {
			var sx, sy float64
			ring := a.Shape[0][0]
			for _, p := range ring {
				sx += p[0]
				sy += p[1]
			}
			if i, j, ok := s.Cell(sx/float64(len(ring)), sy/float64(len(ring))); ok {
				cells = append(cells, int32(j*s.W+i))
			} else {
				out = 1
			}
		}
		inside := a.Pop
		if out > 0 {
			inside = a.Pop * float64(len(cells)) / float64(len(cells)+out)
			rep.Outside += a.Pop - inside
			rep.OutsideCount++
		}
		if len(cells) > 0 {
			ar.Even = spreadOver(acc, cells, w, inside)
			for _, k := range cells {
				mine[k] = true
			}
		}
		ar.Cells = len(cells)
		ar.Placed = inside
		rep.Areas = append(rep.Areas, ar)
	}
	return rep
}

// addDefault is the built-in default: county totals spread over the
// settlement weights in each county; counties without a total, and land in
// no county, get the place weights themselves as estimates.
func (s *Surface) addDefault(acc []float64, mine []bool, w weights, zone []int16, counties []Boundary, totals map[string]float64) (SourceReport, []bool, error) {
	rep := SourceReport{Kind: KindDefault, Name: "built-in default"}
	clear(acc)
	clear(mine)
	est := make([]bool, len(acc))
	// match the study's totals to counties by name
	total := make([]float64, len(counties))
	note := make([]string, len(counties))
	for z, b := range counties {
		total[z] = -1
		if b.Population > 0 {
			total[z], note[z] = float64(b.Population), "population tag of the boundary"
		}
	}
	var names []string
	for n := range totals {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		found := false
		for z, b := range counties {
			if strings.EqualFold(n, b.Name) || (b.NameEN != "" && strings.EqualFold(n, b.NameEN)) || (b.NameZH != "" && n == b.NameZH) {
				if found {
					return rep, nil, fmt.Errorf("population_totals %q: names more than one county at admin level %d", n, counties[z].AdminLevel)
				}
				total[z], note[z], found = totals[n], "population_totals", true
			}
		}
		if !found {
			var have []string
			for _, b := range counties {
				have = append(have, b.Name)
			}
			return rep, nil, fmt.Errorf("population_totals %q: no county of that name (counties: %s)", n, strings.Join(have, ", "))
		}
	}
	cellsBy := make([][]int32, len(counties))
	var free []int32
	for k := range acc {
		if zone != nil && zone[k] >= 0 {
			cellsBy[zone[k]] = append(cellsBy[zone[k]], int32(k))
		} else {
			free = append(free, int32(k))
		}
	}
	estimate := func(cells []int32) float64 {
		t := 0.0
		for _, k := range cells {
			if v := w.place[k]; v > 0 {
				acc[k] += v
				est[k] = true
				t += v
			}
			mine[k] = true
		}
		return t
	}
	for z, b := range counties {
		ar := AreaReport{Name: b.Name, Cells: len(cellsBy[z]), Note: note[z]}
		switch {
		case total[z] >= 0 && len(cellsBy[z]) > 0:
			ar.Total, ar.Placed = total[z], total[z]
			ar.Even = spreadOver(acc, cellsBy[z], w, total[z])
			for _, k := range cellsBy[z] {
				mine[k] = true
			}
		case total[z] >= 0:
			// a county outside the surface (or too small to hold a centre)
			ar.Total = total[z]
			rep.Outside += total[z]
			rep.OutsideCount++
		default:
			ar.Estimate, ar.Note = true, "no total: per-class defaults"
			ar.Total = estimate(cellsBy[z])
			ar.Placed = ar.Total
			rep.Estimate = true
		}
		rep.Total += ar.Total
		rep.Areas = append(rep.Areas, ar)
	}
	if t := estimate(free); t > 0 {
		rep.Estimate = true
		rep.Total += t
		rep.Areas = append(rep.Areas, AreaReport{Name: "(outside any county)", Total: t, Placed: t, Cells: len(free), Estimate: true, Note: "no total: per-class defaults"})
	}
	return rep, est, nil
}
