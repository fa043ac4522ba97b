package appraisal

// All-or-nothing assignment, one inbound search per group.
//
// A group is one purpose's trips to one destination (or to the nearest
// place of a kind). The search runs on the reverse graph from the
// destination's seeds until every origin's segment ends are settled; each
// origin then leaves by the end of its own segment that gives the shortest
// time, and its trips follow the predecessor chain to a seed.
//
// Accumulation is linear in the nodes on those chains, not in the nodes the
// search touched: walking each origin's chain up to the first node already
// seen lists the chain nodes parent-first (a topological order of the tree
// restricted to the origins' paths). One pass in that order gives each
// node's metres, operating and accident cost to the destination; one pass
// in reverse pushes each node's flow onto its predecessor arc and its
// parent. Departure from the textbook "sort touched nodes by time
// descending": that is O(k log k) over every touched node and misorders
// nodes joined by zero-time arcs; the chain walk is exact and cheaper.
//
// Groups run in parallel, each worker with its own search workspace, node
// arrays and segment flows; flows are int64 micro-vehicles, so the sum over
// workers is exact and the result does not depend on scheduling.

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fastroad/fastroad/graph"
)

// Network is one network of a study: the base or an alternative.
type Network struct {
	Name   string
	Graph  *graph.Graph
	Places Places
	// NewRoads lists the segments of new or upgraded roads whose AADT is
	// reported; nil means every segment with WayID < 0.
	NewRoads []int32
}

// AssignOptions configure Assign.
type AssignOptions struct {
	// Workers: parallel searches (0 = GOMAXPROCS).
	Workers int
	// VOC and Accident: CNY per vehicle-km by class.
	VOC, Accident [graph.NumClasses]float64
	// SnapMaxM: how far zones and places may lie from a road (0 = 3000 m).
	SnapMaxM float64
	// Elasticity (< 0) with Base set: trips T1 = T0 (C1/C0)^Elasticity per
	// OD, C the generalized cost per vehicle on Base and on this network.
	Elasticity float64
	Base       *Flows
	// RouteVOT > 0 routes by generalized cost: time at RouteVOT CNY per
	// vehicle-hour plus VOC per km, as one equivalent time per arc. Times,
	// lengths and costs reported stay those of the route taken.
	RouteVOT float64
}

// ODResult is what one OD's trips met on a network.
type ODResult struct {
	Reached  bool
	Node     int32   // node where the trips joined the search tree (-1 if not reached)
	Millis   uint32  // origin to destination
	Metres   float64 // route length
	VOC      float64 // CNY per vehicle along the route
	Accident float64 // CNY per vehicle along the route
	Vehicles float64 // vehicles per base-year day assigned (T0, or T1 when elastic)
}

// Hours returns the travel time in hours.
func (r ODResult) Hours() float64 { return float64(r.Millis) / 3.6e6 }

// AssignStats says where assignment time went. Search and Accumulate are
// summed over workers (CPU time, roughly); Wall is elapsed.
type AssignStats struct {
	Workers, Searches  int
	Search, Accumulate time.Duration
	Wall               time.Duration
}

// Flows is an assignment's result.
type Flows struct {
	Network string
	// Fwd and Bwd: vehicles per base-year day on each segment, along and
	// against its geometry.
	Fwd, Bwd []float64
	// OD holds one result per Demand.ODs entry.
	OD []ODResult
	// Delivered: vehicles per day that arrived at a destination; Unreached:
	// vehicles per day whose origin or destination could not be placed or
	// reached.
	Delivered, Unreached float64
	Notes                []string
	Stats                AssignStats
}

// AADT returns the vehicles per day on segment s, both directions.
func (f *Flows) AADT(s int32) float64 { return f.Fwd[s] + f.Bwd[s] }

const microVeh = 1e6

type worker struct {
	s       *graph.Search
	stamp   []uint32
	epoch   uint32
	order   []int32
	chain   []int32
	metres  []float64
	voc     []float64
	acc     []float64
	ms      []uint32 // real milliseconds to the destination along the tree
	flow    []int64
	seg     []int64
	seeds   []graph.Seed
	targets []int32
	nodes   []int32
	parts   []float64 // metres of the origin's own segment piece
	deliv   int64
	search  time.Duration
	accum   time.Duration
	nsearch int
}

// Assign loads every group's car trips on n's graph.
func Assign(n *Network, d *Demand, opt AssignOptions) (*Flows, error) {
	t0 := time.Now()
	if opt.SnapMaxM <= 0 {
		opt.SnapMaxM = 3000
	}
	g := n.Graph
	l := locate(n, d.Zones, opt.SnapMaxM)
	l.cost = costGraph(g, &opt)
	f := &Flows{Network: n.Name, OD: make([]ODResult, len(d.ODs)), Notes: l.notes}
	for i := range f.OD {
		f.OD[i].Node = -1
	}
	nseg := len(g.Segments)
	var mu sync.Mutex
	var workers []*worker
	newW := func() any {
		w := &worker{
			s:      graph.NewSearch(l.cost),
			ms:     make([]uint32, g.NumNodes()),
			stamp:  make([]uint32, g.NumNodes()),
			metres: make([]float64, g.NumNodes()),
			voc:    make([]float64, g.NumNodes()),
			acc:    make([]float64, g.NumNodes()),
			flow:   make([]int64, g.NumNodes()),
			seg:    make([]int64, 2*nseg),
		}
		mu.Lock()
		workers = append(workers, w)
		mu.Unlock()
		return w
	}
	parallel(len(d.Groups), opt.Workers, newW, func(x any, gi int) {
		x.(*worker).group(l, d, gi, &opt, f.OD)
	})
	f.Fwd = make([]float64, nseg)
	f.Bwd = make([]float64, nseg)
	sum := make([]int64, 2*nseg)
	var deliv int64
	for _, w := range workers {
		for i, v := range w.seg {
			sum[i] += v
		}
		deliv += w.deliv
		f.Stats.Search += w.search
		f.Stats.Accumulate += w.accum
		f.Stats.Searches += w.nsearch
	}
	for s := 0; s < nseg; s++ {
		f.Fwd[s] = float64(sum[2*s]) / microVeh
		f.Bwd[s] = float64(sum[2*s+1]) / microVeh
	}
	f.Delivered = float64(deliv) / microVeh
	for i, r := range f.OD {
		if !r.Reached {
			f.Unreached += d.ODs[i].Vehicles
		}
	}
	f.Stats.Workers = len(workers)
	f.Stats.Wall = time.Since(t0)
	return f, nil
}

// costGraph is the graph the searches route on: g itself when routes
// follow time, else g with each segment's speed lowered so that its time
// equals the generalized cost: t' = t + VOC x km / VOT, i.e.
// v' = v / (1 + v VOC/VOT) in km/h. Topology is shared, so arc indices and
// predecessors mean the same in both.
func costGraph(g *graph.Graph, opt *AssignOptions) *graph.Graph {
	if !(opt.RouteVOT > 0) {
		return g
	}
	return g.WithEdits(func(_ int32, seg *graph.Segment) {
		c := opt.VOC[seg.Class] / opt.RouteVOT // hours per km
		if seg.SpeedFwd > 0 {
			seg.SpeedFwd = float32(float64(seg.SpeedFwd) / (1 + float64(seg.SpeedFwd)*c))
		}
		if seg.SpeedBwd > 0 {
			seg.SpeedBwd = float32(float64(seg.SpeedBwd) / (1 + float64(seg.SpeedBwd)*c))
		}
	})
}

// parent returns the node after u on its way to the destination, the
// segment direction slot (2s or 2s+1) the step uses, and the segment.
func parent(g *graph.Graph, a int32) (x int32, slot int32, s int32) {
	sd := g.In.Seg[a]
	s = int32(sd >> 1)
	seg := &g.Segments[s]
	if sd&1 == 0 {
		return seg.To, 2 * s, s
	}
	return seg.From, 2*s + 1, s
}

// inboundEnd returns the node by which an origin snapped at sn leaves its
// segment towards the seeds of the inbound search s, the total time and the
// metres of its own segment driven before that node.
func inboundEnd(g *graph.Graph, s *graph.Search, sn graph.Snap) (int32, uint32, float64) {
	if v := g.OnNode(sn); v >= 0 {
		if t := s.Time(v); t != graph.Inf {
			return v, t, 0
		}
		return -1, graph.Inf, 0
	}
	seg := &g.Segments[sn.Seg]
	best, node, part := uint64(graph.Inf), int32(-1), 0.0
	if w, ok := g.ArcWeight(sn.Seg, false); ok && w != graph.Inf {
		if t := s.Time(seg.To); t != graph.Inf {
			if x := uint64(t) + uint64(math.Round(float64(w)*(1-sn.Frac))); x < best {
				best, node, part = x, seg.To, (1-sn.Frac)*seg.Length
			}
		}
	}
	if w, ok := g.ArcWeight(sn.Seg, true); ok && w != graph.Inf {
		if t := s.Time(seg.From); t != graph.Inf {
			if x := uint64(t) + uint64(math.Round(float64(w)*sn.Frac)); x < best {
				best, node, part = x, seg.From, sn.Frac*seg.Length
			}
		}
	}
	if node < 0 || best >= graph.Inf {
		return -1, graph.Inf, 0
	}
	return node, uint32(best), part
}

// partMillis is the real time of the piece of an origin's segment driven to
// its end node v.
func partMillis(g *graph.Graph, sn graph.Snap, v int32) uint32 {
	seg := &g.Segments[sn.Seg]
	if g.OnNode(sn) >= 0 {
		return 0
	}
	if v == seg.To {
		if w, ok := g.ArcWeight(sn.Seg, false); ok && w != graph.Inf {
			return uint32(math.Round(float64(w) * (1 - sn.Frac)))
		}
	} else if w, ok := g.ArcWeight(sn.Seg, true); ok && w != graph.Inf {
		return uint32(math.Round(float64(w) * sn.Frac))
	}
	return 0
}

func (w *worker) group(l *located, d *Demand, gi int, opt *AssignOptions, out []ODResult) {
	g := l.g
	gr := &d.Groups[gi]
	ods := d.ODs[gr.First:gr.End]
	res := out[gr.First:gr.End]
	w.seeds = l.destSeeds(w.seeds[:0], gr)
	if len(w.seeds) == 0 {
		return // all unreached
	}
	w.targets = w.targets[:0]
	for _, od := range ods {
		if sn, ok := l.originSnap(od.Origin); ok {
			w.targets = g.Ends(w.targets, sn)
		}
	}
	if len(w.targets) == 0 {
		return
	}
	t0 := time.Now()
	w.s.Run(graph.Inbound, w.seeds, graph.Stop{Targets: w.targets})
	t1 := time.Now()
	w.search += t1.Sub(t0)
	w.nsearch++

	// Origins' end nodes, then the chain order.
	w.epoch++
	if w.epoch == 0 {
		clear(w.stamp)
		w.epoch = 1
	}
	w.order = w.order[:0]
	w.nodes = w.nodes[:0]
	w.parts = w.parts[:0]
	for k, od := range ods {
		res[k] = ODResult{Node: -1}
		sn, ok := l.originSnap(od.Origin)
		v, ms, part := int32(-1), uint32(graph.Inf), 0.0
		if ok {
			v, ms, part = inboundEnd(l.cost, w.s, sn)
		}
		w.nodes = append(w.nodes, v)
		w.parts = append(w.parts, part)
		if v < 0 {
			continue
		}
		res[k].Reached, res[k].Millis, res[k].Node = true, ms, v
		w.chain = w.chain[:0]
		for u := v; w.stamp[u] != w.epoch; {
			w.stamp[u] = w.epoch
			w.chain = append(w.chain, u)
			a := w.s.Pred(u)
			if a < 0 {
				break
			}
			u, _, _ = parent(g, a)
		}
		for i := len(w.chain) - 1; i >= 0; i-- {
			w.order = append(w.order, w.chain[i])
		}
	}
	// Parent-first: lengths and costs to the destination.
	for _, u := range w.order {
		w.flow[u] = 0
		a := w.s.Pred(u)
		if a < 0 {
			w.metres[u], w.voc[u], w.acc[u], w.ms[u] = 0, 0, 0, 0
			continue
		}
		x, _, s := parent(g, a)
		seg := &g.Segments[s]
		km := seg.Length / 1000
		w.ms[u] = w.ms[x] + g.In.Weight(uint32(a))
		w.metres[u] = w.metres[x] + seg.Length
		w.voc[u] = w.voc[x] + km*opt.VOC[seg.Class]
		w.acc[u] = w.acc[x] + km*opt.Accident[seg.Class]
	}
	pd := &d.Purposes[gr.Purpose]
	for k, od := range ods {
		v := w.nodes[k]
		if v < 0 {
			continue
		}
		r := &res[k]
		sn, _ := l.originSnap(od.Origin)
		cls := g.Segments[sn.Seg].Class
		pkm := w.parts[k] / 1000
		if l.cost != g {
			// real time: the tree's, plus the origin's piece at its real speed
			r.Millis = w.ms[v] + partMillis(g, sn, v)
		}
		r.Metres = w.metres[v] + w.parts[k]
		r.VOC = w.voc[v] + pkm*opt.VOC[cls]
		r.Accident = w.acc[v] + pkm*opt.Accident[cls]
		r.Vehicles = od.Vehicles
		if opt.Base != nil && opt.Elasticity != 0 {
			b := opt.Base.OD[gr.First+k]
			c0 := genCost(b, pd)
			if b.Reached && c0 > 0 {
				r.Vehicles = od.Vehicles * math.Pow(genCost(*r, pd)/c0, opt.Elasticity)
			}
		}
		w.flow[v] += int64(math.Round(r.Vehicles * microVeh))
	}
	// Children-first: push flows to the destination.
	for i := len(w.order) - 1; i >= 0; i-- {
		u := w.order[i]
		fl := w.flow[u]
		if fl == 0 {
			continue
		}
		a := w.s.Pred(u)
		if a < 0 {
			w.deliv += fl
			continue
		}
		x, slot, _ := parent(g, a)
		w.flow[x] += fl
		w.seg[slot] += fl
	}
	w.accum += time.Since(t1)
}

// genCost is the generalized cost of one vehicle trip: occupants' time at
// the purpose's value of time plus operating cost.
func genCost(r ODResult, pd *PurposeDemand) float64 {
	return r.Hours()*pd.Occupancy*pd.ValueOfTime + r.VOC
}

// parallel runs fn(state, i) for i in 0..n-1 on up to workers goroutines
// (0 = GOMAXPROCS), each with a state made by mk.
func parallel(n, workers int, mk func() any, fn func(any, int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := mk()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(st, i)
			}
		}()
	}
	wg.Wait()
}
