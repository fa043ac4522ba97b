package study

import (
	"context"
	"math"
	"time"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/report"
)

// AccessTable is a network's access per town and per area (all, urban,
// rural, each county), as the comparison measures it (report.Evaluate on
// the study's grid), kept without the grids.
type AccessTable struct {
	Network string
	Minutes []float64 // the study's bands
	Towns   []TownAccess
	Areas   []AreaAccess // nil without a population surface
	Notes   []string
}

// TownAccess is one town's times in minutes (NaN: not reached).
type TownAccess struct {
	ID, Name, NameZh, NameEn string
	Lon, Lat                 float64
	Population               int
	HSR, Entrance, Trunk     float64 // minutes to the nearest HSR station, expressway entrance, trunk/primary road
	HSRName, EntranceName    string
	Centre                   float64 // minutes to the central city (NaN: none)
}

// AreaAccess is one area's residents and how they reach the HSR station
// and the expressway: Within[i] within Minutes[i] (cumulative).
type AreaAccess struct {
	Area                      string // "all", "urban", "rural" or a county name
	Residents                 float64
	HSRWithin, EntranceWithin []float64
	HSRMean, EntranceMean     float64 // population-weighted mean minutes of those reached (NaN: none)
}

// Access evaluates the named network once (the first caller pays; later
// callers, concurrent ones included, get the same table) and returns its
// access table. A caller whose ctx ends while the table is being computed
// gets ctx.Err(); the computation goes on for the next caller.
func (q *Query) Access(ctx context.Context, name string) (*AccessTable, error) {
	i, err := q.network(name)
	if err != nil {
		return nil, err
	}
	a := &q.access[i]
	select {
	case <-a.done:
		return a.tab, a.err
	default:
	}
	go a.once.Do(func() {
		a.tab, a.err = q.evaluate(i)
		close(a.done)
	})
	select {
	case <-a.done:
		return a.tab, a.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Warm runs Ready in the background, so that the server answers at once;
// queries meanwhile search with Dijkstra and walk road cells on first use.
// done, if not nil, is called once all is ready, with the time it took.
func (q *Query) Warm(done func(time.Duration)) {
	go func() {
		t0 := time.Now()
		_ = q.Ready(context.Background())
		if done != nil {
			done(time.Since(t0))
		}
	}()
}

// Ready builds, one at a time, what queries use: every network's
// contraction hierarchy (PHAST searches; see PHASTMaxNodes), its road
// cells at every level of detail, and its access table.
func (q *Query) Ready(ctx context.Context) error {
	if err := q.BuildHierarchies(ctx); err != nil {
		return err
	}
	for l := range q.levels {
		for i := range q.nets {
			if _, err := q.roadCells(ctx, l, i); err != nil {
				return err
			}
		}
	}
	for _, n := range q.nets {
		if _, err := q.Access(ctx, n.Name); err != nil {
			return err
		}
	}
	return nil
}

func (q *Query) evaluate(i int) (*AccessTable, error) {
	s := q.s
	n := q.nets[i]
	ps, err := q.Places(n.Name)
	if err != nil {
		return nil, err
	}
	spec := &s.Spec
	lo, hi := s.Base.Graph.Bounds()
	fill := isochrone.FillOptions{CellMetres: spec.Isochrones.CellMetres, AccessKmh: spec.Isochrones.AccessKmh,
		AccessMetres: spec.Isochrones.AccessMetres, Box: [4]float64{lo.Lon, lo.Lat, hi.Lon, hi.Lat}}
	if fill.CellMetres <= 0 {
		fill.CellMetres = 100
	}
	eval := report.EvalOptions{
		Targets: report.Targets{ExpresswayMinutes: spec.Targets.ExpresswayMinutes, TrunkMinutes: spec.Targets.TrunkMinutes,
			HSRMinutes: spec.Targets.HSRMinutes, CentreMinutes: spec.Targets.CentreMinutes},
		Access:  places.AccessOptions{Snap: s.Profile.SnapOptions()},
		Fill:    fill,
		Minutes: spec.Isochrones.Minutes,
		Limit:   180,
	}
	q.peopleOnce.Do(func() {
		geom, err := gridGeometry(fill.Box, fill.CellMetres)
		if err != nil {
			q.peopleErr = err
			return
		}
		q.people, q.peopleErr = s.People(geom)
	})
	if q.peopleErr != nil {
		return nil, q.peopleErr
	}
	eval.People = q.people
	o, err := report.Evaluate(n.Name, n.Graph, ps, eval)
	if err != nil {
		return nil, err
	}
	defer o.Release()
	t := &AccessTable{Network: n.Name, Minutes: spec.Isochrones.Minutes, Notes: o.Notes}
	mins := func(ms uint32) float64 {
		if ms == graph.Inf {
			return math.NaN()
		}
		return math.Round(float64(ms)/6000) / 10
	}
	for k, r := range o.Rows {
		ta := TownAccess{ID: r.Town.ID, Name: r.Town.Name, NameZh: r.Town.NameZh, NameEn: r.Town.NameEn, Lon: r.Town.Lon, Lat: r.Town.Lat,
			Population: r.Town.Population, HSR: mins(r.ToHSR), Entrance: mins(r.ToEntrance), Trunk: mins(r.ToOrdinary), Centre: math.NaN()}
		if r.HSR != nil {
			ta.HSRName = r.HSR.Label()
		}
		if r.Entrance != nil {
			ta.EntranceName = r.Entrance.Label()
		}
		if cs := o.TownSeconds[report.TargetCentre]; k < len(cs) && !math.IsInf(float64(cs[k]), 1) {
			ta.Centre = math.Round(float64(cs[k])/6) / 10
		}
		t.Towns = append(t.Towns, ta)
	}
	if eval.People != nil {
		groups := eval.People.Groups()
		within := func(d *report.Destination, g int) ([]float64, float64) {
			out := make([]float64, len(t.Minutes))
			if d == nil || d.People == nil || g >= len(d.People.Groups) {
				return out, math.NaN()
			}
			for k, m := range t.Minutes {
				out[k] = math.Round(d.People.Within(g, m))
			}
			return out, d.People.Groups[g].MeanMinutes
		}
		for g, name := range groups {
			aa := AreaAccess{Area: name}
			if d := o.Dest[report.TargetEntrance]; d != nil && d.People != nil && g < len(d.People.Groups) {
				aa.Residents = math.Round(d.People.Groups[g].Total)
			}
			aa.HSRWithin, aa.HSRMean = within(o.Dest[report.TargetHSR], g)
			aa.EntranceWithin, aa.EntranceMean = within(o.Dest[report.TargetEntrance], g)
			t.Areas = append(t.Areas, aa)
		}
	}
	return t, nil
}
