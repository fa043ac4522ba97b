package places

import (
	"fmt"
	"slices"

	"github.com/fastroad/fastroad/graph"
)

// Access computation. Every "nearest X" is one multi-source search on the
// reverse graph (graph.Inbound) seeded from all X at once, so a node's time
// is the time from it to the nearest X; a town's time adds the part of its
// own segment to the segment's end. Which X was nearest is read off the end
// of the town's search path. The time back from the HSR station is one
// outbound search per station that is some town's nearest. Towns and
// stations snap with NoControlled, so a town beside an expressway is placed
// on an ordinary road and reaches the expressway only through an entrance.

// AccessOptions configure Access.
type AccessOptions struct {
	// Snap gives MaxDist and MinComponent; towns and stations snap with
	// NoControlled set as well, planner-given entrance points without it.
	Snap graph.SnapOptions
	// Ordinary are the classes of "ordinary trunk and primary" roads
	// (nil: trunk and primary). Controlled segments never count.
	Ordinary []graph.Class
}

// Row is one town's access. Times are milliseconds; graph.Inf means
// unreachable (or nothing of that kind exists), never 0.
type Row struct {
	Town     Place
	SnapDist float64 // metres from the town to the road it was placed on; -1 when it could not be placed

	HSR     *Place // nearest HSR station by time from the town, nil if none reachable
	ToHSR   uint32 // town -> HSR
	FromHSR uint32 // the same station -> town
	// KmByClass holds the km of each road class on the route from the town
	// to HSR, indexed by graph.Class.
	KmByClass [graph.NumClasses]float64

	Entrance   *Place // nearest expressway entrance by time, nil if none reachable
	ToEntrance uint32

	Ordinary   string // ref or name of the nearest ordinary trunk/primary road ("" if unnamed or none)
	ToOrdinary uint32

	Notes []string // why something is missing
}

// RouteKm returns the length of the route to HSR in km.
func (r *Row) RouteKm() float64 {
	var s float64
	for _, v := range r.KmByClass {
		s += v
	}
	return s
}

type target struct {
	sn    graph.Snap
	place int // index into the places slice
}

// Access computes one Row per town of ps (Kind town), in the order of ps.
func Access(g *graph.Graph, ps []Place, opt AccessOptions) (rows []Row, notes []string) {
	landOpt := opt.Snap
	landOpt.NoControlled = true
	ordinary := opt.Ordinary
	if ordinary == nil {
		ordinary = []graph.Class{graph.Trunk, graph.Primary}
	}
	snapAll := func(kind string, so graph.SnapOptions) []target {
		var ts []target
		for i := range ps {
			if ps[i].Kind != kind {
				continue
			}
			for _, pt := range ps[i].Points() {
				sn, err := g.SnapPoint(pt, so)
				if err != nil {
					notes = append(notes, fmt.Sprintf("%s %s (%s): %v; left out", kind, ps[i].Label(), ps[i].ID, err))
					continue
				}
				ts = append(ts, target{sn, i})
			}
		}
		return ts
	}
	hsr := snapAll(KindHSRStation, landOpt)
	ent := snapAll(KindEntrance, opt.Snap)
	if len(hsr) == 0 {
		notes = append(notes, "no hsr_station among the places: HSR columns are empty")
	}
	if len(ent) == 0 {
		notes = append(notes, "no expressway_entrance among the places: entrance columns are empty")
	}

	var towns []target
	for i := range ps {
		if ps[i].Kind != KindTown {
			continue
		}
		r := Row{Town: ps[i], SnapDist: -1, ToHSR: graph.Inf, FromHSR: graph.Inf, ToEntrance: graph.Inf, ToOrdinary: graph.Inf}
		sn, err := g.SnapPoint(ps[i].Point(), landOpt)
		if err != nil {
			r.Notes = append(r.Notes, fmt.Sprintf("not placed on the network: %v", err))
		} else {
			r.SnapDist = sn.Dist
			towns = append(towns, target{sn, len(rows)})
		}
		rows = append(rows, r)
	}
	if len(towns) == 0 {
		return rows, notes
	}
	var ends []int32
	for _, t := range towns {
		ends = g.Ends(ends, t.sn)
	}
	s := graph.NewSearch(g)

	// HSR: nearest station from each town, route and its classes.
	near := nearestOf(g, s, hsr, towns, ends)
	used := map[int][]int{} // hsr target index -> town indices
	for k, t := range towns {
		r := &rows[t.place]
		n := near[k]
		if n.target < 0 {
			if len(hsr) > 0 {
				r.Notes = append(r.Notes, "no route to any HSR station")
			}
			continue
		}
		r.HSR = &ps[hsr[n.target].place]
		r.ToHSR = n.time
		r.KmByClass = routeKm(g, s, t.sn, hsr[n.target].sn, n)
		used[n.target] = append(used[n.target], k)
	}
	var keys []int
	for k := range used {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var seeds []graph.Seed
	for _, h := range keys {
		st := hsr[h].sn
		seeds = g.Seeds(seeds[:0], st, graph.Outbound)
		var tg []int32
		for _, k := range used[h] {
			tg = g.Ends(tg, towns[k].sn)
		}
		s.Run(graph.Outbound, seeds, graph.Stop{Targets: tg})
		for _, k := range used[h] {
			r := &rows[towns[k].place]
			r.FromHSR = min(g.TimeAt(s, towns[k].sn), g.Direct(st, towns[k].sn))
			if r.FromHSR == graph.Inf {
				r.Notes = append(r.Notes, "no route back from "+r.HSR.Label())
			}
		}
	}

	// Expressway entrances.
	near = nearestOf(g, s, ent, towns, ends)
	for k, t := range towns {
		r := &rows[t.place]
		if n := near[k]; n.target >= 0 {
			r.Entrance = &ps[ent[n.target].place]
			r.ToEntrance = n.time
		} else if len(ent) > 0 {
			r.Notes = append(r.Notes, "no route to any expressway entrance")
		}
	}

	// Ordinary trunk/primary roads: every node of such a segment is a seed.
	isOrd := func(seg int32) bool {
		sg := &g.Segments[seg]
		return sg.Flags&graph.Controlled == 0 && slices.Contains(ordinary, sg.Class)
	}
	seeds = seeds[:0]
	for i := range g.Segments {
		if isOrd(int32(i)) {
			seeds = append(seeds, graph.Seed{Node: g.Segments[i].From}, graph.Seed{Node: g.Segments[i].To})
		}
	}
	if len(seeds) == 0 {
		notes = append(notes, "no ordinary trunk or primary road in the graph")
	}
	s.Run(graph.Inbound, seeds, graph.Stop{Targets: ends})
	for _, t := range towns {
		r := &rows[t.place]
		if isOrd(t.sn.Seg) {
			r.ToOrdinary = 0
			r.Ordinary = roadName(g, t.sn.Seg)
			continue
		}
		best, e := bestEnd(g, s, t.sn)
		if best == graph.Inf {
			if len(seeds) > 0 {
				r.Notes = append(r.Notes, "no route to an ordinary trunk or primary road")
			}
			continue
		}
		r.ToOrdinary = best
		v := pathEnd(g, s, e)
		incident(g, v, func(seg, _ int32) {
			if r.Ordinary == "" && isOrd(seg) {
				r.Ordinary = roadName(g, seg)
			}
		})
	}
	return rows, notes
}

func roadName(g *graph.Graph, seg int32) string {
	sg := &g.Segments[seg]
	return firstNonEmpty(g.String(sg.Ref), g.String(sg.Name))
}

// nearestResult is a town's nearest target: its index (-1 for none), time,
// the town's end node the route leaves by (-1 when it runs along the
// shared segment), and the seed node it reaches.
type nearestResult struct {
	target int
	time   uint32
	end    int32
	seed   int32
}

// nearestOf runs one inbound search from all targets and returns each
// town's nearest. The search is left in s for routeKm.
func nearestOf(g *graph.Graph, s *graph.Search, ts []target, towns []target, ends []int32) []nearestResult {
	out := make([]nearestResult, len(towns))
	for i := range out {
		out[i] = nearestResult{target: -1, time: graph.Inf, end: -1, seed: -1}
	}
	if len(ts) == 0 {
		return out
	}
	type own struct {
		target int
		time   uint32
	}
	owner := map[int32]own{}
	var seeds []graph.Seed
	for i, t := range ts {
		n := len(seeds)
		seeds = g.Seeds(seeds, t.sn, graph.Inbound)
		for _, sd := range seeds[n:] {
			if o, ok := owner[sd.Node]; !ok || sd.Time < o.time {
				owner[sd.Node] = own{i, sd.Time}
			}
		}
	}
	s.Run(graph.Inbound, seeds, graph.Stop{Targets: ends})
	for k, t := range towns {
		best, e := bestEnd(g, s, t.sn)
		if best != graph.Inf {
			v := pathEnd(g, s, e)
			out[k] = nearestResult{target: owner[v].target, time: best, end: e, seed: v}
		}
		for i, x := range ts { // target on the town's own segment
			if d := g.Direct(t.sn, x.sn); d < out[k].time {
				out[k] = nearestResult{target: i, time: d, end: -1, seed: -1}
			}
		}
	}
	return out
}

// bestEnd returns the time from a snapped town to the seeds of the inbound
// search s and the end node of the town's segment it leaves by.
func bestEnd(g *graph.Graph, s *graph.Search, sn graph.Snap) (uint32, int32) {
	best, end := uint64(graph.Inf), int32(-1)
	for _, sd := range g.Seeds(nil, sn, graph.Outbound) {
		if t := s.Time(sd.Node); t != graph.Inf {
			if x := uint64(sd.Time) + uint64(t); x < best {
				best, end = x, sd.Node
			}
		}
	}
	if best >= graph.Inf {
		return graph.Inf, -1
	}
	return uint32(best), end
}

// pathEnd returns the seed an inbound search reached v from.
func pathEnd(g *graph.Graph, s *graph.Search, v int32) int32 {
	arcs := s.Path(nil, v)
	if len(arcs) == 0 {
		return v
	}
	a := arcs[len(arcs)-1]
	seg := &g.Segments[g.In.Seg[a]>>1]
	if g.In.Seg[a]&1 != 0 { // the real arc runs against the geometry: its head is From
		return seg.From
	}
	return seg.To
}

// routeKm adds up the km per class of the route found by the inbound
// search s from the town to the target: the town's part of its segment,
// the path, and the target's part of its segment.
func routeKm(g *graph.Graph, s *graph.Search, town, tgt graph.Snap, n nearestResult) [graph.NumClasses]float64 {
	var km [graph.NumClasses]float64
	add := func(seg int32, frac float64) {
		sg := &g.Segments[seg]
		km[sg.Class] += sg.Length * frac / 1000
	}
	if n.end < 0 { // along the shared segment
		f := town.Frac - tgt.Frac
		if f < 0 {
			f = -f
		}
		add(town.Seg, f)
		return km
	}
	partTo := func(sn graph.Snap, v int32) {
		if g.OnNode(sn) >= 0 {
			return
		}
		if v == g.Segments[sn.Seg].To {
			add(sn.Seg, 1-sn.Frac)
		} else {
			add(sn.Seg, sn.Frac)
		}
	}
	partTo(town, n.end)
	for _, a := range s.Path(nil, n.end) {
		add(int32(g.In.Seg[a]>>1), 1)
	}
	partTo(tgt, n.seed)
	return km
}
