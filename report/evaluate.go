package report

import (
	"math"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/places"
)

// Targets are the policy thresholds in minutes.
type Targets struct {
	ExpresswayMinutes, TrunkMinutes, HSRMinutes float64
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
	// that kind exists.
	HSRGrid, EntranceGrid   *isochrone.Grid
	HSRBands, EntranceBands []isochrone.Band
	// Coverage[t][i]: towns and population within Minutes[i] of target t.
	Coverage map[string][]Cover
	// Curves[t][m]: population within m minutes of target t, m = 0..CurveMinutes.
	Curves map[string][]int
}

// Target names used in Coverage and Curves.
const (
	TargetEntrance = "entrance"
	TargetHSR      = "hsr"
)

// Cover is what lies within some minutes of a target.
type Cover struct {
	Minutes    float64
	Towns      int
	Population int
}

// Evaluate measures one network: the access table, isochrone grids and
// bands to the nearest HSR station and entrance, coverage and curves.
func Evaluate(name string, g *graph.Graph, ps []places.Place, opt EvalOptions) (*Outcome, error) {
	if opt.CurveMinutes <= 0 {
		opt.CurveMinutes = 120
	}
	o := &Outcome{Name: name, Graph: g, Places: ps, Coverage: map[string][]Cover{}, Curves: map[string][]int{}}
	o.Rows, o.Notes = places.Access(g, ps, opt.Access)
	var err error
	o.HSRGrid, o.HSRBands, err = inboundIsochrone(g, places.OfKind(ps, places.KindHSRStation), opt)
	if err != nil {
		return nil, err
	}
	o.EntranceGrid, o.EntranceBands, err = inboundIsochrone(g, places.OfKind(ps, places.KindEntrance), opt)
	if err != nil {
		return nil, err
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

// inboundIsochrone is the grid and bands of the time to the nearest of ps.
func inboundIsochrone(g *graph.Graph, ps []places.Place, opt EvalOptions) (*isochrone.Grid, []isochrone.Band, error) {
	var seeds []graph.Seed
	snap := opt.Access.Snap
	snap.NoControlled = true
	for i := range ps {
		for _, p := range ps[i].Points() {
			sn, err := g.SnapPoint(p, snap)
			if err != nil {
				continue // the access table notes it
			}
			seeds = g.Seeds(seeds, sn, graph.Inbound)
		}
	}
	if len(seeds) == 0 {
		return nil, nil, nil
	}
	s := graph.NewSearch(g)
	s.NoPaths = true
	maxMin := max(opt.Minutes[len(opt.Minutes)-1], opt.Limit)
	s.Run(graph.Inbound, seeds, graph.Stop{Limit: uint32(maxMin * 60000)})
	fill := opt.Fill
	fill.MaxSeconds = maxMin * 60
	grid, err := isochrone.Fill(g, s, fill)
	if err == isochrone.ErrNothingReached {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return grid, isochrone.Bands(grid, opt.Minutes), nil
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
