package report

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/places"
)

// Targets are the policy thresholds in minutes.
type Targets struct {
	ExpresswayMinutes, TrunkMinutes, HSRMinutes float64
	// CentreMinutes: county seats within this of the central city
	// ("quick in, quick out"; default 60, one-hour commuting).
	CentreMinutes float64
}

// EvalOptions configure Evaluate.
type EvalOptions struct {
	Targets Targets
	Access  places.AccessOptions
	Fill    isochrone.FillOptions // Box should be fixed so grids of alternatives align
	Minutes []float64             // isochrone bands
	// CurveMinutes is the last minute of the population curves (default 120).
	CurveMinutes int
	// Limit is how far (minutes) the grids are filled, whatever bands are
	// drawn, so differences see every cell reached in either network
	// (default: the last band).
	Limit float64
	// People are the residents on the grid cells (Fill.Box and CellMetres
	// fixed); nil counts towns only.
	People *People
}

// Outcome is everything measured for one network (the base or an
// alternative).
type Outcome struct {
	Name   string
	Graph  *graph.Graph
	Places []places.Place
	Rows   []places.Row // one per town, in place order
	Notes  []string
	// Grids and bands of the time to the nearest HSR station and to the
	// nearest expressway entrance (inbound searches); nil when no place of
	// that kind exists. The same as Dest[TargetHSR] and Dest[TargetEntrance].
	HSRGrid, EntranceGrid   *isochrone.Grid
	HSRBands, EntranceBands []isochrone.Band
	// Dest holds the grid and bands of every destination kind (Destinations),
	// nil where the network has no place of that kind.
	Dest map[string]*Destination
	// TownSeconds[t][i]: seconds from the grid cell of town row i to
	// destination kind t (+Inf when unreached).
	TownSeconds map[string][]float32
	// Coverage[t][i]: towns and population within Minutes[i] of target t.
	Coverage map[string][]Cover
	// Curves[t][m]: population within m minutes of target t, m = 0..CurveMinutes.
	Curves map[string][]int
	// ResidentCurves[t][m]: residents (population surface) within m
	// minutes of destination kind t, m = 0..CurveMinutes; nil without
	// people.
	ResidentCurves map[string][]float64
}

// Release drops the grids (kept: bands, tables, counts), once an
// alternative has been drawn and counted.
func (o *Outcome) Release() {
	o.HSRGrid, o.EntranceGrid = nil, nil
	for _, d := range o.Dest {
		d.Grid = nil
	}
}

// Destination is the travel time from every cell to the nearest place of
// one kind.
type Destination struct {
	Key   string
	Grid  *isochrone.Grid  // seconds, +Inf beyond the limit or unreached
	Bands []isochrone.Band // only for the entrance and the HSR station (drawn)
	Seeds int              // network points the search started from
	// People: residents reaching it within each band, nil without a
	// population surface.
	People *PeopleAccess
}

// Target names used in Dest, Coverage and Curves.
const (
	TargetEntrance = "entrance" // the nearest expressway entrance
	TargetHSR      = "hsr"      // the nearest HSR station
	TargetTrunk    = "trunk"    // the nearest ordinary trunk or primary road
	TargetTown     = "town"     // the nearest county seat or town
	TargetCentre   = "centre"   // the central city
)

// Destinations lists the destination kinds in report order.
var Destinations = []string{TargetEntrance, TargetHSR, TargetTrunk, TargetTown, TargetCentre}

// TargetLabel names a destination kind in a sentence ("the nearest HSR station").
func TargetLabel(t string) string {
	switch t {
	case TargetEntrance:
		return "the nearest expressway entrance"
	case TargetHSR:
		return "the nearest HSR station"
	case TargetTrunk:
		return "the nearest trunk or primary road"
	case TargetTown:
		return "the nearest county seat or town"
	case TargetCentre:
		return "the central city"
	}
	return t
}

// Cover is what lies within some minutes of a target.
type Cover struct {
	Minutes    float64
	Towns      int
	Population int
}

// Evaluate measures one network: the access table, the travel-time grid
// and bands of every destination kind, town coverage and curves.
func Evaluate(name string, g *graph.Graph, ps []places.Place, opt EvalOptions) (*Outcome, error) {
	if opt.CurveMinutes <= 0 {
		opt.CurveMinutes = 120
	}
	o := &Outcome{Name: name, Graph: g, Places: ps, Coverage: map[string][]Cover{}, Curves: map[string][]int{}, Dest: map[string]*Destination{},
		TownSeconds: map[string][]float32{}}
	// People are counted at every band and every target's minutes.
	peopleMinutes := slices.Clone(opt.Minutes)
	for _, m := range []float64{opt.Targets.ExpresswayMinutes, opt.Targets.TrunkMinutes, opt.Targets.HSRMinutes, opt.Targets.CentreMinutes} {
		if m > 0 && !slices.Contains(peopleMinutes, m) {
			peopleMinutes = append(peopleMinutes, m)
		}
	}
	slices.Sort(peopleMinutes)
	limit := max(opt.Minutes[len(opt.Minutes)-1], opt.Limit)
	o.Rows, o.Notes = places.Access(g, ps, opt.Access)
	s := graph.NewSearch(g)
	s.NoPaths = true
	// With a fixed box every destination's grid has the same cells: the
	// roads' cells are walked once for all of them.
	var rc *isochrone.RoadCells
	if opt.Fill.Box != ([4]float64{}) {
		var err error
		if rc, err = isochrone.NewRoadCellsFor(context.Background(), g, opt.Fill); err != nil {
			return nil, err
		}
	}
	for _, t := range Destinations {
		seeds := destinationSeeds(g, t, ps, opt)
		// Bands (contours) only for the kinds the maps and GeoJSON draw.
		d, err := inboundIsochrone(s, rc, seeds, opt, t == TargetEntrance || t == TargetHSR)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", TargetLabel(t), err)
		}
		if d != nil {
			d.Key = t
			if opt.People != nil {
				if d.People, err = AccessOfPeople(opt.People, d.Grid, peopleMinutes, max(limit, peopleMinutes[len(peopleMinutes)-1])); err != nil {
					return nil, fmt.Errorf("%s: %w", TargetLabel(t), err)
				}
				if o.ResidentCurves == nil {
					o.ResidentCurves = map[string][]float64{}
				}
				if o.ResidentCurves[t], err = residentCurve(opt.People, d.Grid.T, opt.CurveMinutes); err != nil {
					return nil, fmt.Errorf("%s: %w", TargetLabel(t), err)
				}
			}
			ts := make([]float32, len(o.Rows))
			for i := range o.Rows {
				ts[i] = cellSeconds(d.Grid, o.Rows[i].Town.Lon, o.Rows[i].Town.Lat)
			}
			o.TownSeconds[t] = ts
			o.Dest[t] = d
		}
	}
	if d := o.Dest[TargetHSR]; d != nil {
		o.HSRGrid, o.HSRBands = d.Grid, d.Bands
	}
	if d := o.Dest[TargetEntrance]; d != nil {
		o.EntranceGrid, o.EntranceBands = d.Grid, d.Bands
	}
	for _, t := range []string{TargetEntrance, TargetHSR} {
		times := make([]uint32, len(o.Rows))
		for i := range o.Rows {
			times[i] = o.Rows[i].ToEntrance
			if t == TargetHSR {
				times[i] = o.Rows[i].ToHSR
			}
		}
		for _, m := range opt.Minutes {
			c := Cover{Minutes: m}
			for i, ms := range times {
				if ms != graph.Inf && float64(ms) <= m*60000 {
					c.Towns++
					c.Population += o.Rows[i].Town.Population
				}
			}
			o.Coverage[t] = append(o.Coverage[t], c)
		}
		curve := make([]int, opt.CurveMinutes+1)
		for i, ms := range times {
			if ms == graph.Inf {
				continue
			}
			m := int(math.Ceil(float64(ms) / 60000))
			if m <= opt.CurveMinutes {
				curve[m] += o.Rows[i].Town.Population
			}
		}
		for m := 1; m < len(curve); m++ {
			curve[m] += curve[m-1]
		}
		o.Curves[t] = curve
	}
	return o, nil
}

// cellSeconds is the time of the grid cell holding a point (+Inf outside).
func cellSeconds(g *isochrone.Grid, lon, lat float64) float32 {
	i := int(math.Round((lon - g.MinLon) / g.DLon))
	j := int(math.Round((lat - g.MinLat) / g.DLat))
	if i < 0 || j < 0 || i >= g.W || j >= g.H {
		return float32(math.Inf(1))
	}
	return g.T[j*g.W+i]
}

// Centre returns the central city: the places of kind centre, else the
// most populous town (ties: the first in place order). ok is false when
// there is neither.
func Centre(ps []places.Place) (c []places.Place, ok bool) {
	if c = places.OfKind(ps, places.KindCentre); len(c) > 0 {
		return c, true
	}
	best := -1
	for i := range ps {
		if ps[i].Kind == places.KindTown && (best < 0 || ps[i].Population > ps[best].Population) {
			best = i
		}
	}
	if best < 0 {
		return nil, false
	}
	return []places.Place{ps[best]}, true
}

// destinationSeeds are the inbound search seeds of a destination kind.
func destinationSeeds(g *graph.Graph, t string, ps []places.Place, opt EvalOptions) []graph.Seed {
	var seeds []graph.Seed
	snap := opt.Access.Snap
	snap.NoControlled = true
	add := func(sel []places.Place) {
		for i := range sel {
			for _, p := range sel[i].Points() {
				sn, err := g.SnapPoint(p, snap)
				if err != nil {
					continue // the access table notes it
				}
				seeds = g.Seeds(seeds, sn, graph.Inbound)
			}
		}
	}
	switch t {
	case TargetEntrance:
		add(places.OfKind(ps, places.KindEntrance))
	case TargetHSR:
		add(places.OfKind(ps, places.KindHSRStation))
	case TargetTown:
		add(places.OfKind(ps, places.KindTown))
	case TargetCentre:
		if c, ok := Centre(ps); ok {
			add(c)
		}
	case TargetTrunk:
		ordinary := opt.Access.Ordinary
		if ordinary == nil {
			ordinary = []graph.Class{graph.Trunk, graph.Primary}
		}
		seen := make(map[int32]bool)
		for i := range g.Segments {
			seg := &g.Segments[i]
			if !slices.Contains(ordinary, seg.Class) || !isochrone.LandAccess(seg) {
				continue
			}
			for _, v := range []int32{seg.From, seg.To} {
				if !seen[v] {
					seen[v] = true
					seeds = append(seeds, graph.Seed{Node: v})
				}
			}
		}
		slices.SortFunc(seeds, func(a, b graph.Seed) int { return int(a.Node) - int(b.Node) })
	}
	return seeds
}

// inboundIsochrone is the grid and bands of the time to the nearest seed,
// filled up to the limit; nil when there are no seeds or nothing is reached.
func inboundIsochrone(s *graph.Search, rc *isochrone.RoadCells, seeds []graph.Seed, opt EvalOptions, bands bool) (*Destination, error) {
	if len(seeds) == 0 {
		return nil, nil
	}
	g := s.Graph()
	maxMin := max(opt.Minutes[len(opt.Minutes)-1], opt.Limit)
	s.Run(graph.Inbound, seeds, graph.Stop{Limit: uint32(maxMin * 60000)})
	fill := opt.Fill
	fill.MaxSeconds = maxMin * 60
	var grid *isochrone.Grid
	var err error
	if rc != nil {
		grid, err = rc.Fill(context.Background(), s, fill)
	} else {
		grid, err = isochrone.Fill(g, s, fill)
	}
	if err == isochrone.ErrNothingReached {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d := &Destination{Grid: grid, Seeds: len(seeds)}
	if bands {
		d.Bands = isochrone.Bands(grid, opt.Minutes)
	}
	return d, nil
}

// Meets reports the targets a row meets.
func (t Targets) Meets(r *places.Row) (expressway, trunk, hsr bool) {
	within := func(ms uint32, m float64) bool { return ms != graph.Inf && float64(ms) <= m*60000 }
	return within(r.ToEntrance, t.ExpresswayMinutes), within(r.ToOrdinary, t.TrunkMinutes), within(r.ToHSR, t.HSRMinutes)
}

type placesRow = places.Row

// findRow returns the base row of a town id, or nil.
func findRow(o *Outcome, id string) *placesRow {
	for i := range o.Rows {
		if o.Rows[i].Town.ID == id {
			return &o.Rows[i]
		}
	}
	return nil
}
