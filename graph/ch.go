package graph

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Contraction hierarchies (Geisberger, Sanders, Schultes and Delling 2008)
// with the many-to-many bucket query of Knopp, Sanders, Schultes, Schulz and
// Wagner (2007), for travel-time matrices.
//
// Preprocessing contracts the nodes one at a time in order of a priority.
// Contracting v removes it from the remaining graph; for every pair of arcs
// u->v->w whose path may be the only shortest u->w path among the remaining
// nodes, a shortcut u->w of weight w(u,v)+w(v,w) is added. Whether it is the
// only one is decided by a witness search: a Dijkstra from u that avoids v,
// stops at the largest candidate weight, once every w is settled, or at a
// settled-node limit (chSimSettled = 60 while simulating a contraction for
// the priority, chWitnessSettled = 500 when contracting). A witness counts when its length is <= the
// candidate (any path found, settled or not, is a real path). A bounded
// search only misses witnesses, so it only adds shortcuts that were not
// needed; it never loses a distance. The priority of a node is OSRM's
//
//	2*added/removed + 4*addedHops/removedHops + depth
//
// (arcs added over arcs removed by the contraction, the same for the
// original arcs they stand for, and the number of contraction levels below
// the node), with lazy updates: a popped node is re-simulated and pushed
// back when its priority grew past the next one, and the neighbours of a
// contracted node are re-simulated. Arcs of weight Inf (closed) and
// self-loops are left out, parallel arcs keep the smallest weight, and a
// shortcut whose weight would reach Inf is not added (every path through it
// is unreachable anyway). Everything runs in one goroutine in a fixed order:
// the same graph gives the same hierarchy, byte for byte.
//
// A node's upward arcs are its arcs to nodes contracted after it (Up), and
// its downward arcs reversed (Down: arcs x->v from later nodes x, stored at
// v). Both are CSR arrays indexed by rank, so the top of the hierarchy, which
// every search reaches, sits together in memory.
//
// Query: the shortest path between any two nodes has an equally long path
// that goes only up in rank, then only down. For an s-t matrix, an upward
// search over Down from every target's seeds stores a bucket entry (target,
// time) at every node it settles; an upward search over Up from every
// origin's seeds then scans the buckets of the nodes it settles, and the
// smallest sum per target is the time. Both searches use stall-on-demand
// (a node reached more cheaply from a higher node through an arc of the
// other direction is not expanded and gets no bucket; safe because a node on
// the upward half of a shortest path always has its exact time). Seeds with
// start times (a snap mid-segment) enter as in graph.Search, so the result
// is the same integer as Matrix's: min over origin seeds x and target seeds y
// of time(x)+d(x,y)+time(y), Inf at >= Inf, then min with Direct.
//
// Costs: preprocessing is near-linear on road networks but has no proven
// bound (the witness searches cost O(in-degree x settled limit) per
// simulation); on Delaware (54k nodes, 128k arcs) it takes about 0.4 s and
// adds 68k shortcuts (Up+Down 196k arcs, 3.8 MiB with the packed copies).
// A query search settles about 50 nodes there, so a 60x60 matrix takes
// about 0.3 ms against about 90 ms for Matrix (BenchmarkMatrix60x60CH).
// Bucket scans cost O(sum over origins of the entries met), at most
// origins x targets x search space.
//
// Departures from the papers: no hop limits (a settled-node limit only), no
// middle nodes stored (matrices need times, not paths), no independent-set
// parallel contraction, and stall-on-demand without propagation. Matrix
// takes workspaces from pools held by the CH (distance array by rank, heap,
// bucket slots), so after warm-up a matrix allocates little more than its
// result. It trusts the caller to have checked Valid (O(arcs), 0.3 ms on
// Delaware) once per graph.

// Witness-search limits: settled nodes during the priority simulation and
// during the contraction itself.
const (
	chSimSettled     = 60
	chWitnessSettled = 500
)

// CH is a contraction hierarchy over a graph's weights at the time it was
// built. Nodes are numbered by rank inside Up and Down. A CH is read-only
// after BuildCH or DecodeCH; share it freely between goroutines.
type CH struct {
	// Rank gives each graph node its contraction rank (0 = contracted first).
	Rank []int32
	// Up holds, per rank, the arcs to higher ranks (original and shortcuts).
	Up CHArcs
	// Down holds, per rank r, the arcs x->r from higher ranks x, stored as
	// r->x with the weight of x->r (the backward upward graph).
	Down CHArcs

	node []int32   // rank -> graph node
	arcs uint64    // arc count of the graph it was built for
	sums [2]uint32 // graphSums of that graph

	// validFor holds the arrays of the last graph Valid accepted: a
	// Graph's arrays are never written once it is made, so the same
	// arrays need no second look.
	validFor atomic.Pointer[chArcArrays]

	work  sync.Pool // *chWork
	slots sync.Pool // *chSlots
}

// CHArcs is one direction of a hierarchy in CSR form, indexed by rank: the
// arcs of rank r are First[r]..First[r+1]-1, arc i to rank Head(i) > r with
// weight Weight(i) milliseconds (< Inf).
type CHArcs struct {
	First  []uint32
	packed []uint64 // Head<<32 | Weight per arc
}

// NumArcs returns the number of arcs.
func (a *CHArcs) NumArcs() int { return len(a.packed) }

// Head returns the rank arc i leads to.
func (a *CHArcs) Head(i uint32) int32 { return int32(a.packed[i] >> 32) }

// Weight returns arc i's weight in milliseconds.
func (a *CHArcs) Weight(i uint32) uint32 { return uint32(a.packed[i]) }

// NumArcs returns the number of arcs in Up and Down together: the graph's
// open arcs (self-loops and parallel duplicates dropped) plus shortcuts.
func (c *CH) NumArcs() int { return c.Up.NumArcs() + c.Down.NumArcs() }

// MemoryBytes returns the bytes held by the hierarchy's slices.
func (c *CH) MemoryBytes() int64 {
	n := int64(len(c.Rank)+len(c.node)) * 4
	for _, a := range []*CHArcs{&c.Up, &c.Down} {
		n += int64(len(a.First))*4 + int64(len(a.packed))*8
	}
	return n
}

// chArcArrays names a graph's forward arcs by their arrays.
type chArcArrays struct {
	first  []uint32
	packed []uint64
}

// Valid reports whether c was built for g's topology and weights (same node
// and arc counts and the same arc offsets, heads and weights), so that
// c.Matrix(g, ...) equals Matrix(g, ...). A graph made with WithEdits that
// changed any weight is not valid. The first call for a graph checksums
// its arcs (CRC-32C, O(arcs)); later calls, and every call for the graph
// the hierarchy was built or loaded with, cost O(1).
func (c *CH) Valid(g *Graph) bool {
	if len(c.Rank) != g.NumNodes() || c.arcs != uint64(g.NumArcs()) {
		return false
	}
	if k := c.validFor.Load(); k != nil && sameArray(k.first, g.Out.First) && sameArray(k.packed, g.Out.packed) {
		return true
	}
	if graphSums(g) != c.sums {
		return false
	}
	c.markValid(g)
	return true
}

// markValid records that c belongs to g's arcs.
func (c *CH) markValid(g *Graph) {
	c.validFor.Store(&chArcArrays{g.Out.First, g.Out.packed})
}

// sameArray reports whether a and b are the same memory.
func sameArray[T any](a, b []T) bool {
	return len(a) == len(b) && unsafe.SliceData(a) == unsafe.SliceData(b)
}

// graphSums returns the CRC-32C of g's forward arc offsets and arcs as a
// graph file's sections hold them (the checksums in their trailers): what
// distances between nodes depend on.
func graphSums(g *Graph) [2]uint32 {
	return [2]uint32{sectionSum(g.Out.First, 4, encU32), sectionSum(g.Out.packed, 8, encU64)}
}

// chChecksum hashes the forward CSR (offsets, heads, weights): the
// staleness check of a version 1 hierarchy section.
func chChecksum(g *Graph) uint64 {
	const m = 0x9e3779b97f4a7c15
	h := uint64(len(g.Out.First))*m ^ 0x5bd1e995
	mix := func(x uint64) {
		h = (h ^ x) * m
		h ^= h >> 31
	}
	for _, f := range g.Out.First {
		mix(uint64(f))
	}
	for _, p := range g.Out.packed { // head<<32 | weight
		mix(p)
	}
	return h
}

// chArc is an arc of the graph being contracted.
type chArc struct {
	to   int32
	w    uint32
	hops uint32 // original arcs it stands for
}

type chShortcut struct {
	from, to int32
	w, hops  uint32
}

// chContractor holds the remaining graph during preprocessing: per node its
// arcs to and from nodes not yet contracted (once v is contracted, its lists
// are frozen and become its Up and Down arcs).
type chContractor struct {
	out, in [][]chArc
	done    []bool
	depth   []int32

	dist    []uint32 // witness search
	touched []int32
	heap    []uint64
	stamp   []uint32 // stamp[v] == epoch: v is a target of the current witness search
	epoch   uint32
	sc      []chShortcut
	nbr     []int32
}

// BuildCH contracts g into a hierarchy over its current weights. It is
// deterministic and skips arcs of weight Inf.
func BuildCH(g *Graph) *CH {
	ch, _ := BuildCHContext(context.Background(), g)
	return ch
}

// chCheckEvery is how many priority computations or contractions pass
// between two looks at the context (a few milliseconds of work).
const chCheckEvery = 1024

// BuildCHContext is BuildCH that stops with ctx.Err() soon after ctx is
// cancelled.
func BuildCHContext(ctx context.Context, g *Graph) (*CH, error) {
	n := g.NumNodes()
	c := &chContractor{
		out:   make([][]chArc, n),
		in:    make([][]chArc, n),
		done:  make([]bool, n),
		depth: make([]int32, n),
		dist:  make([]uint32, n),
		stamp: make([]uint32, n),
	}
	for i := range c.dist {
		c.dist[i] = Inf
	}
	for v := range int32(n) {
		for a, end := g.Out.Arcs(v); a < end; a++ {
			h, w := g.Out.Head(a), g.Out.Weight(a)
			if w == Inf || h == v {
				continue
			}
			c.addArc(v, h, w, 1)
		}
	}

	rank := make([]int32, n)
	prio := make([]uint32, n) // float32 bits; priorities are >= 0 so bits order as floats
	queue := make([]uint64, 0, n)
	for v := 0; v < n; v++ {
		if v%chCheckEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		prio[v] = math.Float32bits(c.priority(int32(v)))
		queue = chPush(queue, uint64(prio[v])<<32|uint64(v))
	}
	next := int32(0)
	for pops := 0; len(queue) > 0; pops++ {
		if pops%chCheckEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var top uint64
		top, queue = chPop(queue)
		v := int32(uint32(top))
		if c.done[v] || uint32(top>>32) != prio[v] {
			continue // stale entry
		}
		// Lazy update: the priority may have grown since it was pushed.
		if p := math.Float32bits(c.priority(v)); p != prio[v] {
			prio[v] = p
			if x := uint64(p)<<32 | uint64(v); len(queue) > 0 && x > queue[0] {
				queue = chPush(queue, x)
				continue
			}
		}
		c.contract(v)
		rank[v] = next
		next++
		// Neighbours: one level deeper at least, and new priorities.
		c.nbr = c.nbr[:0]
		c.epoch++
		for _, l := range [2][]chArc{c.in[v], c.out[v]} {
			for _, a := range l {
				if c.stamp[a.to] != c.epoch {
					c.stamp[a.to] = c.epoch
					c.nbr = append(c.nbr, a.to)
				}
			}
		}
		for _, u := range c.nbr {
			c.depth[u] = max(c.depth[u], c.depth[v]+1)
			if p := math.Float32bits(c.priority(u)); p != prio[u] {
				prio[u] = p
				queue = chPush(queue, uint64(p)<<32|uint64(u))
			}
		}
	}

	ch := &CH{Rank: rank, arcs: uint64(g.NumArcs()), sums: graphSums(g)}
	ch.Up = chFlatten(c.out, rank)
	ch.Down = chFlatten(c.in, rank)
	ch.node = make([]int32, n)
	for v, r := range rank {
		ch.node[r] = int32(v)
	}
	ch.markValid(g)
	return ch, nil
}

// chFlatten turns the frozen per-node lists into a CSR indexed by rank, arcs
// sorted by head rank.
func chFlatten(lists [][]chArc, rank []int32) CHArcs {
	n := len(rank)
	node := make([]int32, n)
	for v, r := range rank {
		node[r] = int32(v)
	}
	first := make([]uint32, n+1)
	m := 0
	for r, v := range node {
		m += len(lists[v])
		first[r+1] = uint32(m)
	}
	packed := make([]uint64, m)
	for r, v := range node {
		tmp := packed[first[r]:first[r+1]]
		for i, a := range lists[v] {
			tmp[i] = uint64(rank[a.to])<<32 | uint64(a.w)
		}
		slices.Sort(tmp)
	}
	return CHArcs{First: first, packed: packed}
}

// addArc adds u->v or lowers the weight of an existing u->v arc.
func (c *chContractor) addArc(u, v int32, w, hops uint32) {
	for i := range c.out[u] {
		if a := &c.out[u][i]; a.to == v {
			if w < a.w {
				a.w, a.hops = w, hops
				for j := range c.in[v] {
					if b := &c.in[v][j]; b.to == u {
						b.w, b.hops = w, hops
						break
					}
				}
			}
			return
		}
	}
	c.out[u] = append(c.out[u], chArc{v, w, hops})
	c.in[v] = append(c.in[v], chArc{u, w, hops})
}

// witness runs a Dijkstra from u over the remaining graph without node skip,
// up to time limit, until targets marked nodes are settled or maxSettled
// nodes are. Afterwards c.dist[x] is the length of some path u->x avoiding
// skip, or Inf.
func (c *chContractor) witness(u, skip int32, limit uint32, targets, maxSettled int) {
	for _, x := range c.touched {
		c.dist[x] = Inf
	}
	c.touched = append(c.touched[:0], u)
	c.dist[u] = 0
	c.heap = chPush(c.heap[:0], uint64(uint32(u)))
	settled := 0
	for len(c.heap) > 0 {
		var top uint64
		top, c.heap = chPop(c.heap)
		d, v := uint32(top>>32), int32(uint32(top))
		if d > c.dist[v] {
			continue
		}
		if c.stamp[v] == c.epoch {
			if targets--; targets == 0 {
				return
			}
		}
		if settled++; settled > maxSettled {
			return
		}
		for _, a := range c.out[v] {
			if a.to == skip {
				continue
			}
			nd := uint64(d) + uint64(a.w)
			if nd > uint64(limit) || nd >= uint64(c.dist[a.to]) {
				continue
			}
			if c.dist[a.to] == Inf {
				c.touched = append(c.touched, a.to)
			}
			c.dist[a.to] = uint32(nd)
			c.heap = chPush(c.heap, nd<<32|uint64(uint32(a.to)))
		}
	}
}

// shortcuts fills c.sc with the shortcuts that contracting v needs, witness
// searches limited to maxSettled settled nodes.
func (c *chContractor) shortcuts(v int32, maxSettled int) {
	c.sc = c.sc[:0]
	outs := c.out[v]
	for _, ia := range c.in[v] {
		u := ia.to
		c.epoch++
		limit, targets := uint64(0), 0
		for _, oa := range outs {
			cand := uint64(ia.w) + uint64(oa.w)
			if oa.to == u || cand >= Inf {
				continue
			}
			if c.stamp[oa.to] != c.epoch {
				c.stamp[oa.to] = c.epoch
				targets++
			}
			limit = max(limit, cand)
		}
		if targets == 0 {
			continue
		}
		c.witness(u, v, uint32(limit), targets, maxSettled)
		for _, oa := range outs {
			cand := uint64(ia.w) + uint64(oa.w)
			if oa.to == u || cand >= Inf || uint64(c.dist[oa.to]) <= cand {
				continue
			}
			c.sc = append(c.sc, chShortcut{u, oa.to, uint32(cand), ia.hops + oa.hops})
		}
	}
}

// priority simulates contracting v.
func (c *chContractor) priority(v int32) float32 {
	removed := len(c.in[v]) + len(c.out[v])
	depth := float32(c.depth[v])
	if removed == 0 {
		return depth
	}
	c.shortcuts(v, chSimSettled)
	removedHops, addedHops := 0, 0
	for _, l := range [2][]chArc{c.in[v], c.out[v]} {
		for _, a := range l {
			removedHops += int(a.hops)
		}
	}
	for _, s := range c.sc {
		addedHops += int(s.hops)
	}
	return 2*float32(len(c.sc))/float32(removed) + 4*float32(addedHops)/float32(removedHops) + depth
}

// contract adds v's shortcuts and removes v from the remaining graph.
func (c *chContractor) contract(v int32) {
	c.shortcuts(v, chWitnessSettled)
	for _, s := range c.sc {
		c.addArc(s.from, s.to, s.w, s.hops)
	}
	for _, a := range c.in[v] {
		c.out[a.to] = chRemove(c.out[a.to], v)
	}
	for _, a := range c.out[v] {
		c.in[a.to] = chRemove(c.in[a.to], v)
	}
	c.done[v] = true
}

func chRemove(l []chArc, v int32) []chArc {
	for i := range l {
		if l[i].to == v {
			l[i] = l[len(l)-1]
			return l[:len(l)-1]
		}
	}
	return l
}

// chPush and chPop keep a binary min-heap of uint64 keys.
func chPush(h []uint64, x uint64) []uint64 {
	h = append(h, x)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p] <= x {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = x
	return h
}

func chPop(h []uint64) (uint64, []uint64) {
	top := h[0]
	n := len(h) - 1
	x := h[n]
	h = h[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && h[r] < h[l] {
			l = r
		}
		if h[l] >= x {
			break
		}
		h[i] = h[l]
		i = l
	}
	if n > 0 {
		h[i] = x
	}
	return top, h
}

// chWork is one goroutine's query workspace.
type chWork struct {
	dist    []uint32 // by rank
	touched []int32
	heap    []uint64
	settled []uint64 // time<<32 | rank of the nodes settled and not stalled
	seeds   []Seed
	entries []chEntry
}

// chEntry is a bucket entry before sorting: target j reaches rank node at
// time dist.
type chEntry struct {
	node   int32
	target uint32
	dist   uint32
}

// chSlots maps ranks to bucket slots for one matrix.
type chSlots struct {
	slot  []int32 // by rank, -1 when the node has no bucket
	nodes []int32 // ranks with a bucket, in slot order
	first []uint32
	items []uint64 // time<<32 | target
}

func (c *CH) getWork() *chWork {
	if w, ok := c.work.Get().(*chWork); ok {
		return w
	}
	w := &chWork{dist: make([]uint32, len(c.Rank))}
	for i := range w.dist {
		w.dist[i] = Inf
	}
	return w
}

// upward runs a search from seeds (graph nodes) over arcs, stalling with
// stall, and leaves the settled, unstalled nodes in w.settled.
func (c *CH) upward(w *chWork, seeds []Seed, first []uint32, arcs []uint64, sfirst []uint32, sarcs []uint64) {
	dist := w.dist
	for _, v := range w.touched {
		dist[v] = Inf
	}
	w.touched = w.touched[:0]
	w.settled = w.settled[:0]
	h := w.heap[:0]
	for _, sd := range seeds {
		r := c.Rank[sd.Node]
		if sd.Time >= dist[r] {
			continue
		}
		if dist[r] == Inf {
			w.touched = append(w.touched, r)
		}
		dist[r] = sd.Time
		h = chPush(h, uint64(sd.Time)<<32|uint64(uint32(r)))
	}
	for len(h) > 0 {
		var top uint64
		top, h = chPop(h)
		d, v := uint32(top>>32), int32(uint32(top))
		if d > dist[v] {
			continue
		}
		stalled := false
		for a, end := sfirst[v], sfirst[v+1]; a < end; a++ {
			x := sarcs[a]
			if uint64(dist[int32(x>>32)])+uint64(uint32(x)) < uint64(d) {
				stalled = true
				break
			}
		}
		if stalled {
			continue
		}
		w.settled = append(w.settled, top)
		for a, end := first[v], first[v+1]; a < end; a++ {
			x := arcs[a]
			u := int32(x >> 32)
			nd := uint64(d) + uint64(uint32(x))
			if nd >= uint64(dist[u]) {
				continue
			}
			if dist[u] == Inf {
				w.touched = append(w.touched, u)
			}
			dist[u] = uint32(nd)
			h = chPush(h, nd<<32|uint64(uint32(u)))
		}
	}
	w.heap = h
}

// Matrix returns travel times in milliseconds from every origin to every
// destination, exactly as the package-level Matrix on the graph c was built
// for (check with Valid), rows in origin order, spread over workers
// goroutines (<= 0: GOMAXPROCS). It panics if g's node count differs from
// c's.
func (c *CH) Matrix(g *Graph, from, to []Snap, workers int) [][]uint32 {
	out := make([][]uint32, len(from))
	cells := make([]uint32, len(from)*len(to))
	for i := range out {
		out[i] = cells[i*len(to) : (i+1)*len(to) : (i+1)*len(to)]
	}
	c.matrix(context.Background(), g, from, to, workers, max(len(from), 1),
		func(i0, i1 int) [][]uint32 { return out[i0:i1] }, nil)
	return out
}

// MatrixBlocks is Matrix that hands the rows to emit in blocks of at most
// blockRows rows (emit gets the first row's index and the block, which it
// must not keep: the next block reuses it), so memory is bounded by one
// block whatever the matrix size. It stops with ctx.Err() soon after ctx is
// cancelled, and with emit's error when emit fails.
func (c *CH) MatrixBlocks(ctx context.Context, g *Graph, from, to []Snap, workers, blockRows int, emit func(first int, rows [][]uint32) error) error {
	blockRows = max(1, min(blockRows, len(from)))
	buf := make([][]uint32, blockRows)
	cells := make([]uint32, blockRows*len(to))
	for i := range buf {
		buf[i] = cells[i*len(to) : (i+1)*len(to) : (i+1)*len(to)]
	}
	return c.matrix(ctx, g, from, to, workers, blockRows,
		func(i0, i1 int) [][]uint32 { return buf[:i1-i0] }, emit)
}

// matrix fills rows (from rowsFor) block by block and passes each to emit.
func (c *CH) matrix(ctx context.Context, g *Graph, from, to []Snap, workers, blockRows int, rowsFor func(i0, i1 int) [][]uint32, emit func(int, [][]uint32) error) error {
	if g.NumNodes() != len(c.Rank) {
		panic(fmt.Sprintf("graph: CH for %d nodes used with a graph of %d", len(c.Rank), g.NumNodes()))
	}
	if len(from) == 0 {
		return nil
	}
	if len(to) == 0 {
		for i0 := 0; i0 < len(from); i0 += blockRows {
			i1 := min(i0+blockRows, len(from))
			if emit != nil {
				if err := emit(i0, rowsFor(i0, i1)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Backward searches from the targets: bucket entries, one list per worker.
	nw := min(workers, len(to))
	ws := make([]*chWork, max(nw, min(workers, len(from))))
	for i := range ws {
		ws[i] = c.getWork()
		ws[i].entries = ws[i].entries[:0]
	}
	c.parallel(ctx, nw, len(to), func(wk, j int) {
		w := ws[wk]
		w.seeds = g.Seeds(w.seeds[:0], to[j], Inbound)
		c.upward(w, w.seeds, c.Down.First, c.Down.packed, c.Up.First, c.Up.packed)
		for _, x := range w.settled {
			w.entries = append(w.entries, chEntry{node: int32(uint32(x)), target: uint32(j), dist: uint32(x >> 32)})
		}
	})

	// Buckets: entries grouped by node (counting sort over the nodes used).
	b, _ := c.slots.Get().(*chSlots)
	if b == nil {
		b = &chSlots{slot: make([]int32, len(c.Rank))}
		for i := range b.slot {
			b.slot[i] = -1
		}
	}
	b.nodes, b.first = b.nodes[:0], append(b.first[:0], 0)
	total := 0
	for _, w := range ws[:nw] {
		for _, e := range w.entries {
			s := b.slot[e.node]
			if s < 0 {
				s = int32(len(b.nodes))
				b.slot[e.node] = s
				b.nodes = append(b.nodes, e.node)
				b.first = append(b.first, 0)
			}
			b.first[s+1]++
		}
		total += len(w.entries)
	}
	for s := 1; s < len(b.first); s++ {
		b.first[s] += b.first[s-1]
	}
	b.items = slices.Grow(b.items[:0], total)[:total]
	for _, w := range ws[:nw] {
		for _, e := range w.entries {
			s := b.slot[e.node]
			b.items[b.first[s]] = uint64(e.dist)<<32 | uint64(e.target)
			b.first[s]++
		}
	}
	for s := len(b.first) - 1; s > 0; s-- {
		b.first[s] = b.first[s-1]
	}
	b.first[0] = 0

	defer func() {
		for _, v := range b.nodes {
			b.slot[v] = -1
		}
		c.slots.Put(b)
		for _, w := range ws {
			c.work.Put(w)
		}
	}()
	if err := ctx.Err(); err != nil {
		return err
	}

	// Forward searches from the origins, scanning buckets, a block of rows
	// at a time.
	slot, first, items := b.slot, b.first, b.items
	for i0 := 0; i0 < len(from); i0 += blockRows {
		i1 := min(i0+blockRows, len(from))
		rows := rowsFor(i0, i1)
		for _, row := range rows {
			for j := range row {
				row[j] = Inf
			}
		}
		c.parallel(ctx, min(workers, i1-i0), i1-i0, func(wk, k int) {
			i := i0 + k
			w := ws[wk]
			w.seeds = g.Seeds(w.seeds[:0], from[i], Outbound)
			c.upward(w, w.seeds, c.Up.First, c.Up.packed, c.Down.First, c.Down.packed)
			row := rows[k]
			for _, x := range w.settled {
				s := slot[int32(uint32(x))]
				if s < 0 {
					continue
				}
				d := x >> 32
				for _, it := range items[first[s]:first[s+1]] {
					t := d + it>>32
					if j := uint32(it); t < uint64(row[j]) {
						row[j] = uint32(t)
					}
				}
			}
			for j := range to {
				if to[j].Seg == from[i].Seg {
					row[j] = min(row[j], g.Direct(from[i], to[j]))
				}
			}
		})
		if err := ctx.Err(); err != nil {
			return err
		}
		if emit != nil {
			if err := emit(i0, rows); err != nil {
				return err
			}
		}
	}
	return nil
}

// parallel calls fn(worker, job) for jobs 0..n-1 on workers goroutines;
// once ctx is cancelled no new job starts.
func (c *CH) parallel(ctx context.Context, workers, n int, fn func(worker, job int)) {
	if workers <= 1 {
		for j := 0; j < n; j++ {
			if j%64 == 0 && ctx.Err() != nil {
				return
			}
			fn(0, j)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j := int(next.Add(1) - 1)
				if j >= n || (j%64 == 0 && ctx.Err() != nil) {
					return
				}
				fn(wk, j)
			}
		}()
	}
	wg.Wait()
}

// Hierarchy section format, version 2 (little-endian), stored after the
// graph's sections or on its own:
//
//	header:   magic "FASTRCH\x00", version u32, zero u32, nodes u64, graph
//	          arcs u64, the checksums (CRC-32C) of the graph's arc offsets
//	          and arcs sections (u32 each: graphSums), up arcs u64, down
//	          arcs u64, zero u32, CRC-32C of the 60 bytes before it (u32);
//	          64 bytes.
//	sections: as a graph file's (the array as the CH holds it in memory on
//	          a little-endian machine, zero padding to a multiple of 8
//	          bytes, CRC-32C of both, the section's number u32), numbered
//	          from 0 in this order:
//
//	           0 rank per graph node (nodes x i32)
//	           1 graph node per rank (nodes x i32)
//	           2 up arc offsets (nodes+1 x u32)
//	           3 up arcs (up arcs x u64: head rank<<32 | weight)
//	           4 down arc offsets (nodes+1 x u32)
//	           5 down arcs (down arcs x u64)
//
// A graph file maps the section with the rest and uses the arrays in
// place after their checksums and the structural checks (ranks and their
// inverse a permutation, offsets monotone and ending at the counts, heads
// above their rank and in range, weights below Inf), on every core. Whether
// the hierarchy belongs to the graph is then a comparison of the header's
// graph checksums with those of the graph file's arc sections, already
// checked: nothing is hashed again. DecodeCH (a section on its own)
// computes the graph's checksums (CRC-32C of 12 bytes per arc).
//
// Version 1 (still read; written by fastroad before the hierarchy was
// mapped): header magic, version u32, nodes, graph arcs, a 64-bit hash of
// the graph's forward arcs (chChecksum), up arcs, down arcs (u64 each),
// CRC-32 (IEEE) of the header; body rank (nodes x u32), up offsets, heads
// (i32) and weights (u32), the same for down, CRC-32 (IEEE) of the body.
// It is read into fresh arrays and the graph hashed to check it.
//
// DecodeCH reads exactly the section's bytes from r (never ahead), so the
// section can sit inside a larger file.

// CHMagic opens a hierarchy section.
const CHMagic = "FASTRCH\x00"

// CHVersion is the hierarchy format version Encode writes; DecodeCH also
// reads version 1.
const CHVersion = 2

// chHeaderLen is the size of a version 2 header, chHeaderLenV1 of a
// version 1 header.
const (
	chHeaderLen   = 64
	chHeaderLenV1 = len(CHMagic) + 4 + 5*8 + 4
)

// The sections of a version 2 hierarchy.
const (
	chSecRank = iota
	chSecNode
	chSecUpFirst
	chSecUp
	chSecDownFirst
	chSecDown
	chNumSecs
)

// ErrStaleCH is returned by DecodeCH when the hierarchy was built for the
// same nodes but other arcs or weights: rebuild it with BuildCH.
var ErrStaleCH = errors.New("contraction hierarchy was built for other arcs or weights")

// sectionSum returns the checksum a section holding v (elements of size
// bytes, encoded by put) carries in its trailer: the CRC-32C of the
// little-endian array and its zero padding.
func sectionSum[T any](v []T, size int, put func(b []byte, v []T)) uint32 {
	crc := uint32(0)
	var z T
	if nativeLE && !portable && uintptr(size) == unsafe.Sizeof(z) {
		crc = crc32.Update(crc, castagnoli, rawBytes(v))
	} else {
		per := max(chunkBytes/size, 1)
		buf := make([]byte, min(per, len(v))*size)
		for at := 0; at < len(v); at += per {
			k := min(len(v)-at, per)
			put(buf[:k*size], v[at:at+k])
			crc = crc32.Update(crc, castagnoli, buf[:k*size])
		}
	}
	n := uint64(len(v) * size)
	var pad [8]byte
	return crc32.Update(crc, castagnoli, pad[:pad8(n)-n])
}

// Encode writes the hierarchy section (version 2).
func (c *CH) Encode(w io.Writer) error {
	le := binary.LittleEndian
	hb := make([]byte, 0, chHeaderLen)
	hb = append(hb, CHMagic...)
	hb = le.AppendUint32(hb, CHVersion)
	hb = le.AppendUint32(hb, 0)
	hb = le.AppendUint64(hb, uint64(len(c.Rank)))
	hb = le.AppendUint64(hb, c.arcs)
	hb = le.AppendUint32(hb, c.sums[0])
	hb = le.AppendUint32(hb, c.sums[1])
	hb = le.AppendUint64(hb, uint64(c.Up.NumArcs()))
	hb = le.AppendUint64(hb, uint64(c.Down.NumArcs()))
	hb = le.AppendUint32(hb, 0)
	hb = le.AppendUint32(hb, crc32.Checksum(hb, castagnoli))
	bw := bufio.NewWriterSize(w, 1<<16)
	e := &sectionWriter{w: bw}
	e.write(hb)
	writeSection(e, chSecRank, c.Rank, 4, encI32)
	writeSection(e, chSecNode, c.node, 4, encI32)
	writeSection(e, chSecUpFirst, c.Up.First, 4, encU32)
	writeSection(e, chSecUp, c.Up.packed, 8, encU64)
	writeSection(e, chSecDownFirst, c.Down.First, 4, encU32)
	writeSection(e, chSecDown, c.Down.packed, 8, encU64)
	if e.err != nil {
		return e.err
	}
	return bw.Flush()
}

// encodeV1 writes the hierarchy section in version 1 for graph g (tests:
// files written by an older fastroad must still load).
func (c *CH) encodeV1(w io.Writer, g *Graph) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	e := &encoder{w: bw, crc: crc32.NewIEEE()}
	e.bytes([]byte(CHMagic))
	e.u32(1)
	e.u64(uint64(len(c.Rank)))
	e.u64(c.arcs)
	e.u64(chChecksum(g))
	e.u64(uint64(c.Up.NumArcs()))
	e.u64(uint64(c.Down.NumArcs()))
	e.sum()
	e.i32s(c.Rank)
	for _, a := range []*CHArcs{&c.Up, &c.Down} {
		for _, f := range a.First {
			e.u32(f)
		}
		for _, p := range a.packed {
			e.u32(uint32(p >> 32))
		}
		for _, p := range a.packed {
			e.u32(uint32(p))
		}
	}
	e.sum()
	if e.err != nil {
		return e.err
	}
	return bw.Flush()
}

func chFormatError(format string, args ...any) error {
	return &FormatError{"contraction hierarchy: " + fmt.Sprintf(format, args...)}
}

// DecodeCH reads a hierarchy section written by Encode (or version 1) for
// graph g. It checks the header before allocating anything, refuses a
// hierarchy for another node count (*FormatError) or for other arcs or
// weights (ErrStaleCH), and checks checksums, ranks and arc indices.
func DecodeCH(r io.Reader, g *Graph) (*CH, error) {
	return decodeCH(r, g, -1, nil)
}

// chHeader is a version 2 header's counts.
type chHeader struct {
	nodes, arcs, up, down uint64
	sums                  [2]uint32
}

// readCHPrefix reads the magic and version.
func readCHPrefix(r io.Reader) ([]byte, uint32, error) {
	b := make([]byte, len(CHMagic)+4)
	if _, err := io.ReadFull(r, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, 0, chFormatError("no hierarchy header")
		}
		return nil, 0, err
	}
	if string(b[:len(CHMagic)]) != CHMagic {
		return nil, 0, chFormatError("no hierarchy header")
	}
	v := binary.LittleEndian.Uint32(b[len(CHMagic):])
	if v != 1 && v != CHVersion {
		return nil, 0, &VersionError{Got: v, Want: CHVersion}
	}
	return b, v, nil
}

// parseCHHeader checks a version 2 header (hb: all 64 bytes) against g and
// the want checksums of g's arcs (nil: computed from g).
func parseCHHeader(hb []byte, g *Graph, want *[2]uint32) (chHeader, error) {
	le := binary.LittleEndian
	var h chHeader
	if le.Uint32(hb[chHeaderLen-4:]) != crc32.Checksum(hb[:chHeaderLen-4], castagnoli) {
		return h, chFormatError("header checksum mismatch (file corrupt)")
	}
	if le.Uint32(hb[12:]) != 0 || le.Uint32(hb[56:]) != 0 {
		return h, chFormatError("nonzero reserved header bytes (written by a newer fastroad?)")
	}
	h.nodes, h.arcs = le.Uint64(hb[16:]), le.Uint64(hb[24:])
	h.sums = [2]uint32{le.Uint32(hb[32:]), le.Uint32(hb[36:])}
	h.up, h.down = le.Uint64(hb[40:]), le.Uint64(hb[48:])
	if h.nodes != uint64(g.NumNodes()) {
		return h, chFormatError("built for %d nodes, the graph has %d", h.nodes, g.NumNodes())
	}
	if h.arcs != uint64(g.NumArcs()) {
		return h, ErrStaleCH
	}
	if want == nil {
		s := graphSums(g)
		want = &s
	}
	if h.sums != *want {
		return h, ErrStaleCH
	}
	if h.up >= maxCount || h.down >= maxCount {
		return h, chFormatError("implausible arc counts (%d up, %d down)", h.up, h.down)
	}
	return h, nil
}

// chSections lays out the sections of a version 2 hierarchy, offsets from
// the start of the section (its header), and returns the end.
func chSections(h chHeader) ([]section, []uint64, uint64) {
	secs := []section{
		{"hierarchy ranks", h.nodes, 4, chSecRank}, {"hierarchy rank order", h.nodes, 4, chSecNode},
		{"hierarchy up arc offsets", h.nodes + 1, 4, chSecUpFirst}, {"hierarchy up arcs", h.up, 8, chSecUp},
		{"hierarchy down arc offsets", h.nodes + 1, 4, chSecDownFirst}, {"hierarchy down arcs", h.down, 8, chSecDown},
	}
	offs := make([]uint64, len(secs))
	end := uint64(chHeaderLen)
	for i, s := range secs {
		offs[i] = end
		end += s.bytes()
	}
	return secs, offs, end
}

// decodeCH is DecodeCH knowing that avail bytes are left in r (-1:
// unknown): the counts are then checked against them and each array is
// allocated once at its final length. sums, when not nil, are the
// checksums of g's arc sections as its file holds them (so that g need not
// be hashed).
func decodeCH(r io.Reader, g *Graph, avail int64, sums *[2]uint32) (*CH, error) {
	prefix, v, err := readCHPrefix(r)
	if err != nil {
		return nil, err
	}
	if v == 1 {
		return decodeCHV1(io.MultiReader(bytes.NewReader(prefix), r), g, avail)
	}
	hb := make([]byte, chHeaderLen)
	copy(hb, prefix)
	if _, err := io.ReadFull(r, hb[len(prefix):]); err != nil {
		return nil, readErr(err)
	}
	h, err := parseCHHeader(hb, g, sums)
	if err != nil {
		return nil, err
	}
	secs, offs, end := chSections(h)
	if avail >= 0 && end > uint64(avail) {
		return nil, &FormatError{"file is truncated"}
	}
	src := &sectionSource{secs: secs, offs: offs, stream: r, exact: avail >= 0}
	c, err := readCH(src, h, false)
	if err != nil {
		return nil, err
	}
	c.markValid(g)
	return c, nil
}

// decodeCHMapped reads the hierarchy section that fills b, a mapping's
// memory, using the arrays in place (version 2); sums are the checksums
// of g's arc sections.
func decodeCHMapped(b []byte, g *Graph, sums *[2]uint32) (*CH, error) {
	br := bytes.NewReader(b)
	prefix, v, err := readCHPrefix(br)
	if err != nil {
		return nil, err
	}
	if v == 1 {
		c, err := decodeCHV1(io.MultiReader(bytes.NewReader(prefix), br), g, int64(len(b)))
		if err == nil && br.Len() != 0 {
			return nil, errTrailing
		}
		return c, err
	}
	if len(b) < chHeaderLen {
		return nil, &FormatError{"file is truncated"}
	}
	h, err := parseCHHeader(b[:chHeaderLen], g, sums)
	if err != nil {
		return nil, err
	}
	secs, offs, end := chSections(h)
	switch {
	case end > uint64(len(b)):
		return nil, &FormatError{"file is truncated"}
	case end < uint64(len(b)):
		return nil, errTrailing
	}
	c, err := readCH(&sectionSource{secs: secs, offs: offs, mapped: b}, h, true)
	if err != nil {
		return nil, err
	}
	c.markValid(g)
	return c, nil
}

// readCH reads the sections of a version 2 hierarchy from src (in
// parallel when par) and checks them.
func readCH(src *sectionSource, h chHeader, par bool) (*CH, error) {
	c := &CH{arcs: h.arcs, sums: h.sums}
	nat := nativeLE && !portable
	read := func(i int) error {
		var err error
		switch i {
		case chSecRank:
			c.Rank, err = get(src, i, nat, convI32)
		case chSecNode:
			c.node, err = get(src, i, nat, convI32)
		case chSecUpFirst:
			c.Up.First, err = get(src, i, nat, convU32)
		case chSecUp:
			c.Up.packed, err = get(src, i, nat, convU64)
		case chSecDownFirst:
			c.Down.First, err = get(src, i, nat, convU32)
		case chSecDown:
			c.Down.packed, err = get(src, i, nat, convU64)
		}
		return err
	}
	checks := []func() error{c.checkRanks, func() error { return checkCHArcs("up", &c.Up) }, func() error { return checkCHArcs("down", &c.Down) }}
	if !par {
		for i := range chNumSecs {
			if err := read(i); err != nil {
				return nil, err
			}
		}
		for _, f := range checks {
			if err := f(); err != nil {
				return nil, err
			}
		}
		return c, nil
	}
	// Each direction's sections, then its check, as one job: the largest
	// (up or down arcs) first.
	job := func(a, b int, check func() error) error {
		if err := read(a); err != nil {
			return err
		}
		if err := read(b); err != nil {
			return err
		}
		return check()
	}
	jobs := []func() error{
		func() error { return job(chSecRank, chSecNode, checks[0]) },
		func() error { return job(chSecUpFirst, chSecUp, checks[1]) },
		func() error { return job(chSecDownFirst, chSecDown, checks[2]) },
	}
	if err := parallel([]int{1, 2, 0}, func(i int) error { return jobs[i]() }); err != nil {
		return nil, err
	}
	return c, nil
}

// checkRanks checks that Rank is a permutation of the ranks and node its
// inverse: every rank in range and node[Rank[v]] == v (so no two nodes
// share a rank).
func (c *CH) checkRanks() error {
	n := int32(len(c.Rank))
	for v, r := range c.Rank {
		if r < 0 || r >= n || c.node[r] != int32(v) {
			return chFormatError("node %d: rank %d out of range, repeated or not the inverse of the rank order", v, r)
		}
	}
	return nil
}

// checkCHArcs checks one direction: offsets from 0 to the arc count and
// monotone, each arc's head above its rank and in range, weights below Inf.
func checkCHArcs(name string, a *CHArcs) error {
	n := int32(len(a.First) - 1)
	if a.First[0] != 0 || int(a.First[n]) != len(a.packed) {
		return chFormatError("%s offsets do not match the arc count", name)
	}
	for r := int32(0); r < n; r++ {
		lo, hi := a.First[r], a.First[r+1]
		if lo > hi || int(hi) > len(a.packed) {
			return chFormatError("%s offsets decrease at rank %d", name, r)
		}
		for i, p := range a.packed[lo:hi] {
			if h := int32(p >> 32); h <= r || h >= n {
				return chFormatError("%s arc %d: head %d not above rank %d", name, int(lo)+i, h, r)
			}
			if uint32(p) == Inf {
				return chFormatError("%s arc %d: infinite weight", name, int(lo)+i)
			}
		}
	}
	return nil
}

// decodeCHV1 reads a version 1 section (see decodeCH).
func decodeCHV1(r io.Reader, g *Graph, avail int64) (*CH, error) {
	d := &decoder{r: bufio.NewReaderSize(io.LimitReader(r, int64(chHeaderLenV1)), chHeaderLenV1), crc: crc32.NewIEEE()}
	magic := make([]byte, len(CHMagic))
	d.read(magic)
	d.u32() // version, checked by readCHPrefix
	nodes, arcs, sum, nup, ndown := d.u64(), d.u64(), d.u64(), d.u64(), d.u64()
	d.check("hierarchy header")
	if d.err != nil {
		return nil, d.err
	}
	if nodes != uint64(g.NumNodes()) {
		return nil, chFormatError("built for %d nodes, the graph has %d", nodes, g.NumNodes())
	}
	if arcs != uint64(g.NumArcs()) || sum != chChecksum(g) {
		return nil, ErrStaleCH
	}
	if nup >= maxCount || ndown >= maxCount {
		return nil, chFormatError("implausible arc counts (%d up, %d down)", nup, ndown)
	}
	body := 4 * (nodes + 2*(nodes+1) + 2*nup + 2*ndown + 1)
	if avail >= 0 && uint64(chHeaderLenV1)+body > uint64(avail) {
		return nil, &FormatError{"file is truncated"}
	}
	d = &decoder{r: bufio.NewReaderSize(io.LimitReader(r, int64(body)), 1<<16), crc: crc32.NewIEEE(), exact: avail >= 0}
	c := &CH{arcs: arcs, sums: graphSums(g)}
	c.Rank = readArray(d, nodes, 4, convI32)
	var heads [2][]int32
	var weights [2][]uint32
	for k, x := range []struct {
		a *CHArcs
		m uint64
	}{{&c.Up, nup}, {&c.Down, ndown}} {
		x.a.First = readArray(d, nodes+1, 4, convU32)
		heads[k] = readArray(d, x.m, 4, convI32)
		weights[k] = readArray(d, x.m, 4, convU32)
	}
	d.block = nil
	d.check("hierarchy body")
	if d.err != nil {
		return nil, d.err
	}
	n := int32(nodes)
	c.node = make([]int32, n)
	seen := make([]bool, n)
	for v, r := range c.Rank {
		if r < 0 || r >= n || seen[r] {
			return nil, chFormatError("node %d: rank %d out of range or repeated", v, r)
		}
		seen[r] = true
		c.node[r] = int32(v)
	}
	for k, a := range []*CHArcs{&c.Up, &c.Down} {
		a.packed = make([]uint64, len(heads[k]))
		for i, h := range heads[k] {
			a.packed[i] = uint64(uint32(h))<<32 | uint64(weights[k][i])
		}
		if err := checkCHArcs([]string{"up", "down"}[k], a); err != nil {
			return nil, err
		}
	}
	c.markValid(g)
	return c, nil
}
