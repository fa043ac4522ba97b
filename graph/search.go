package graph

import (
	"context"
	"math/bits"
)

// Dijkstra's algorithm on the CSR arrays, the hot loop of fastroad.
//
// The queue holds uint64 entries, time<<32 | node, in a radix heap (see
// push). There is no decrease-key: an improved node is pushed again and the
// stale entry is skipped when popped (lazy deletion); the queue holds at most
// one entry per relaxation. O(E + V log C) for the largest time C. Searches
// are deterministic: the same input pops in the same order.
//
// The workspace (distances, predecessor arcs, heap, target marks) is
// allocated once per Search and reset by walking the list of nodes the last
// search touched, so a search that settles k nodes costs O(k log k) and, after
// warm-up, allocates nothing.
//
// Departures from the textbook: several seeds with start times (a point
// snapped mid-segment, or "nearest of all stations"); a stop once all targets
// are settled or once the queue passes a time limit; arcs of weight Inf
// (closed by a scenario) are skipped.

// Direction selects the adjacency a search follows.
type Direction uint8

const (
	// Outbound searches follow arcs forward: times from the seeds.
	Outbound Direction = iota
	// Inbound searches follow arcs backward: times to the seeds.
	Inbound
)

func (d Direction) String() string {
	if d == Inbound {
		return "inbound"
	}
	return "outbound"
}

// Seed is a start node and the time already spent reaching it.
type Seed struct {
	Node int32
	Time uint32
}

// Stop says when a search may end early. The zero value runs to exhaustion.
type Stop struct {
	// Targets: end once every target node is settled (or proven unreachable).
	Targets []int32
	// Limit: end once the next node to settle is farther than Limit
	// milliseconds (0 = no limit). Afterwards Time is exact for every node
	// with Time <= Limit.
	Limit uint32
	// done, set by RunContext, ends the search early when closed.
	done <-chan struct{}
}

// searchCheckEvery is how many settled nodes pass between two looks at the
// context in RunContext (well under a millisecond of work).
const searchCheckEvery = 1 << 14

// RunContext is Run that stops with ctx.Err() soon after ctx is cancelled
// (the times are then incomplete).
func (s *Search) RunContext(ctx context.Context, dir Direction, seeds []Seed, stop Stop) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	stop.done = ctx.Done()
	s.Run(dir, seeds, stop)
	return ctx.Err()
}

// closed reports whether ch is closed, without waiting.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// Search is a reusable Dijkstra workspace for one graph. It is not safe for
// concurrent use; make one per goroutine.
type Search struct {
	g       *Graph
	dist    []uint32
	pred    []int32 // arc index into the adjacency of the last run, -1 for seeds
	touched []int32
	buckets [33][]uint64 // radix heap; see push
	bmin    [33]uint64   // least entry of each non-empty bucket
	full    uint64       // bit b set: bucket b is not empty
	size    int          // entries in the buckets
	last    uint32       // last key popped
	mark    []bool
	dir     Direction
	settled int
	rank    []uint32 // RunCH: times by hierarchy rank, Inf between runs
	heap    []uint64 // RunCH: the upward search's heap

	// NoPaths skips recording predecessor arcs (Pred and Path are then
	// meaningless); matrices and isochrones need only times.
	NoPaths bool
}

// NewSearch returns a workspace for g.
func NewSearch(g *Graph) *Search {
	n := g.NumNodes()
	s := &Search{
		g:    g,
		dist: make([]uint32, n),
		pred: make([]int32, n),
		mark: make([]bool, n),
	}
	for i := range s.dist {
		s.dist[i] = Inf
		s.pred[i] = -1
	}
	return s
}

// Graph returns the graph the workspace was made for.
func (s *Search) Graph() *Graph { return s.g }

// Time returns the travel time in milliseconds of node v in the last run, or
// Inf if it was not reached.
func (s *Search) Time(v int32) uint32 { return s.dist[v] }

// Pred returns the arc (in the adjacency of the last run's direction) by
// which node v was reached, or -1 for seeds and unreached nodes.
func (s *Search) Pred(v int32) int32 { return s.pred[v] }

// Touched returns the nodes the last run reached (settled or not), in the
// order first reached. The slice is reused by the next run.
func (s *Search) Touched() []int32 { return s.touched }

// Settled returns how many nodes the last run settled.
func (s *Search) Settled() int { return s.settled }

// Direction returns the direction of the last run.
func (s *Search) Direction() Direction { return s.dir }

// Run searches from seeds in direction dir until stop says so.
func (s *Search) Run(dir Direction, seeds []Seed, stop Stop) {
	for _, v := range s.touched {
		s.dist[v] = Inf
		s.pred[v] = -1
	}
	s.touched = s.touched[:0]
	s.clearQueue()
	s.dir = dir
	s.settled = 0
	adj := &s.g.Out
	if dir == Inbound {
		adj = &s.g.In
	}
	for _, sd := range seeds {
		if sd.Time >= s.dist[sd.Node] {
			continue
		}
		if s.dist[sd.Node] == Inf {
			s.touched = append(s.touched, sd.Node)
		}
		s.dist[sd.Node] = sd.Time
		s.pred[sd.Node] = -1
		s.push(uint64(sd.Time)<<32 | uint64(uint32(sd.Node)))
	}
	left := 0
	for _, t := range stop.Targets {
		if !s.mark[t] {
			s.mark[t] = true
			left++
		}
	}
	limit := stop.Limit
	if limit == 0 {
		limit = Inf
	}
	first, arcs := adj.First, adj.packed
	dist, pred := s.dist, s.pred
	track := !s.NoPaths
	for s.size > 0 {
		top := s.pop()
		d := uint32(top >> 32)
		v := int32(uint32(top))
		if d > dist[v] {
			continue // stale entry
		}
		if d > limit {
			break
		}
		s.settled++
		if stop.done != nil && s.settled%searchCheckEvery == 0 && closed(stop.done) {
			break
		}
		if left > 0 && s.mark[v] { // no targets: no look at the marks
			s.mark[v] = false
			left--
			if left == 0 && len(stop.Targets) > 0 {
				break
			}
		}
		end := first[v+1]
		for a := first[v]; a < end; a++ {
			hw := arcs[a]
			w := uint32(hw)
			if w == Inf {
				continue
			}
			nd := uint64(d) + uint64(w)
			u := int32(hw >> 32)
			if nd < uint64(dist[u]) {
				if dist[u] == Inf {
					s.touched = append(s.touched, u)
				}
				dist[u] = uint32(nd)
				if track {
					pred[u] = int32(a)
				}
				s.push(nd<<32 | uint64(uint32(u)))
			}
		}
	}
	if left > 0 {
		for _, t := range stop.Targets {
			s.mark[t] = false
		}
	}
}

// The queue is a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan 1990):
// Dijkstra pops keys in non-decreasing order, so an entry can live in the
// bucket numbered by the highest bit in which its key differs from the last
// key popped. Bucket 0 holds keys equal to it; when it runs dry the lowest
// non-empty bucket is emptied into lower ones around its minimum. Each entry
// moves at most 32 times, and pushes are O(1); on road graphs this is about
// twice as fast as a binary heap.
//
// Each bucket's least entry is kept as entries arrive, and a bit mask says
// which buckets hold any: emptying a bucket then needs one pass over it,
// not two, and finding it no scan of the empty ones. The entries come out
// in the same order as without. Measured: 30% faster one-to-all on
// Delaware; no change on 21.7M nodes, where the search waits on memory.

func (s *Search) clearQueue() {
	for b := s.full; b != 0; b &= b - 1 {
		i := bits.TrailingZeros64(b)
		s.buckets[i] = s.buckets[i][:0]
	}
	s.full, s.size, s.last = 0, 0, 0
}

func (s *Search) push(x uint64) {
	b := bits.Len32(uint32(x>>32) ^ s.last)
	if s.full&(1<<b) == 0 || x < s.bmin[b] {
		s.bmin[b] = x
	}
	s.full |= 1 << b
	s.buckets[b] = append(s.buckets[b], x)
	s.size++
}

func (s *Search) pop() uint64 {
	if s.full&1 == 0 {
		i := bits.TrailingZeros64(s.full)
		bk := s.buckets[i]
		s.buckets[i] = bk[:0]
		s.full &^= 1 << i
		s.last = uint32(s.bmin[i] >> 32)
		for _, x := range bk {
			b := bits.Len32(uint32(x>>32) ^ s.last)
			if s.full&(1<<b) == 0 || x < s.bmin[b] {
				s.bmin[b] = x
			}
			s.full |= 1 << b
			s.buckets[b] = append(s.buckets[b], x)
		}
	}
	b0 := s.buckets[0]
	x := b0[len(b0)-1]
	s.buckets[0] = b0[:len(b0)-1]
	if len(b0) == 1 {
		s.full &^= 1
	}
	s.size--
	return x
}

// Path returns the arcs (in the last run's adjacency) from a seed to v, in
// travel order for Outbound runs and in reverse travel order (v first, seed
// last, which again is travel order from v to the seed) for Inbound runs.
func (s *Search) Path(dst []int32, v int32) []int32 {
	start := len(dst)
	adj := &s.g.Out
	if s.dir == Inbound {
		adj = &s.g.In
	}
	for s.pred[v] >= 0 {
		a := s.pred[v]
		dst = append(dst, a)
		// the tail of arc a: the arc was relaxed from some node x with
		// adj.Head(a) == v; find x through the segment record.
		seg := s.g.Segments[adj.Seg[a]>>1]
		back := adj.Seg[a]&1 != 0
		var tailReal, headReal int32 = seg.From, seg.To
		if back {
			tailReal, headReal = seg.To, seg.From
		}
		if s.dir == Outbound {
			v = tailReal
		} else {
			v = headReal
		}
	}
	if s.dir == Outbound {
		for i, j := start, len(dst)-1; i < j; i, j = i+1, j-1 {
			dst[i], dst[j] = dst[j], dst[i]
		}
	}
	return dst
}
