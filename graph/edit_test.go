package graph

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRebuildKeepsTimes: a graph passed through NewBuilderFrom and Build
// routes exactly as before (node order may differ; compare by node key).
func TestRebuildKeepsTimes(t *testing.T) {
	g := randomGraph(t, 41, 300)
	g2, err := NewBuilderFrom(g).Build()
	if err != nil {
		t.Fatal(err)
	}
	compareByKey(t, g, g2, 0)
}

// compareByKey checks that times from every listed source agree between two
// graphs within tol ms for all nodes of g.
func compareByKey(t *testing.T, g, g2 *Graph, tol uint32) {
	t.Helper()
	idx2 := map[int64]int32{}
	for i, id := range g2.NodeID {
		idx2[id] = int32(i)
	}
	s, s2 := NewSearch(g), NewSearch(g2)
	for _, src := range []int32{0, int32(g.NumNodes() / 2)} {
		s.Run(Outbound, []Seed{{Node: src}}, Stop{})
		s2.Run(Outbound, []Seed{{Node: idx2[g.NodeID[src]]}}, Stop{})
		for v := int32(0); v < int32(g.NumNodes()); v++ {
			a, b := s.Time(v), s2.Time(idx2[g.NodeID[v]])
			if (a == Inf) != (b == Inf) || absDiff(a, b) > tol {
				t.Fatalf("from key %d to key %d: got %d want %d", g.NodeID[src], g.NodeID[v], b, a)
			}
		}
	}
}

// TestSplitKeepsTimes: splitting segments at random points adds nodes but
// changes no time between the old nodes by more than rounding.
func TestSplitKeepsTimes(t *testing.T) {
	g := randomGraph(t, 42, 300)
	b := NewBuilderFrom(g)
	r := rand.New(rand.NewPCG(5, 5))
	lo, hi := g.Bounds()
	for i := 0; i < 40; i++ {
		p := Point{lo.Lon + (hi.Lon-lo.Lon)*r.Float64(), lo.Lat + (hi.Lat-lo.Lat)*r.Float64()}
		pos, ok := b.Nearest(p, nil)
		if !ok {
			t.Fatal("nothing near")
		}
		b.Split(pos)
	}
	g2, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if g2.NumNodes() <= g.NumNodes() {
		t.Fatalf("split added no node: %d -> %d", g.NumNodes(), g2.NumNodes())
	}
	compareByKey(t, g, g2, 40) // <= 1 ms of rounding per split on a path
	// The geometry is kept: total length unchanged.
	var l1, l2 float64
	for _, s := range g.Segments {
		l1 += s.Length
	}
	for _, s := range g2.Segments {
		l2 += s.Length
	}
	if d := l1 - l2; d > 0.5 || d < -0.5 { // split points are stored to 1e-7 degree
		t.Errorf("total length %v -> %v", l1, l2)
	}
}

// TestDetach: the middle road of a cross, detached, no longer meets the
// crossing road; with the crossing kept it does.
func TestDetach(t *testing.T) {
	build := func(keep bool) *Graph {
		b := NewBuilder()
		// east-west road 1-2-3, north-south road 4-2-5, all two-way.
		add := func(way, from, to int64, a, c Point) {
			if err := b.Add(Piece{WayID: way, Class: Primary, FromKey: from, ToKey: to, Coords: []Point{a, c}, SpeedFwd: 50, SpeedBwd: 50}); err != nil {
				t.Fatal(err)
			}
		}
		p1, p2, p3 := Point{116, 36}, Point{116.01, 36}, Point{116.02, 36}
		p4, p5 := Point{116.01, 36.01}, Point{116.01, 35.99}
		add(1, 1, 2, p1, p2)
		add(1, 2, 3, p2, p3)
		add(2, 4, 2, p4, p2)
		add(2, 2, 5, p2, p5)
		cut := b.Detach(map[int32]bool{0: true, 1: true}, func(key int64) bool { return keep && key == 2 })
		if want := map[bool]int{false: 1, true: 0}[keep]; len(cut) != want {
			t.Fatalf("keep=%v: cut %d junctions want %d", keep, cut, want)
		}
		g, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	for _, keep := range []bool{false, true} {
		g := build(keep)
		s := NewSearch(g)
		n1, _ := g.NodeByID(1)
		n3, _ := g.NodeByID(3)
		n4, _ := g.NodeByID(4)
		s.Run(Outbound, []Seed{{Node: n1}}, Stop{})
		if s.Time(n3) == Inf {
			t.Errorf("keep=%v: the detached road itself is broken", keep)
		}
		if got := s.Time(n4) != Inf; got != keep {
			t.Errorf("keep=%v: 1 reaches 4: %v", keep, got)
		}
	}
}

// TestOpenSegments: a segment's open bit (what Snappable tests) says
// whether one of its arcs weighs less than Inf, after Build and after
// WithEdits closes some directions and opens others.
func TestOpenSegments(t *testing.T) {
	g := randomGraph(t, 11, 300)
	e := g.WithEdits(func(s int32, seg *Segment) {
		switch s % 4 {
		case 0:
			seg.Flags |= Closed
		case 1:
			seg.SpeedFwd = 0
		case 2:
			seg.Flags &^= Closed
		}
	})
	for _, h := range []*Graph{g, e} {
		for s := range int32(len(h.Segments)) {
			wf, okf := h.ArcWeight(s, false)
			wb, okb := h.ArcWeight(s, true)
			want := okf && wf != Inf || okb && wb != Inf
			if got := h.open[s>>6]&(1<<(s&63)) != 0; got != want {
				t.Fatalf("segment %d: open bit %v, arcs say %v", s, got, want)
			}
		}
	}
}

// Builder.Nearest through the base graph's snapping index gives what a
// scan of every segment gives, before and after splits, with and without a
// filter, for points inside and outside the graph's box.
func TestNearestMatchesScan(t *testing.T) {
	for _, n := range []int{50, 300, 2000} {
		g := randomGraph(t, uint64(n), n)
		b := NewBuilderFrom(g)
		r := rand.New(rand.NewPCG(uint64(n), 9))
		lo, hi := g.Bounds()
		dx, dy := hi.Lon-lo.Lon, hi.Lat-lo.Lat
		odd := func(s int32, seg *Segment) bool { return s%3 != 1 }
		for i := 0; i < 400; i++ {
			p := Point{lo.Lon + dx*(1.6*r.Float64()-0.3), lo.Lat + dy*(1.6*r.Float64()-0.3)}
			for _, accept := range []func(int32, *Segment) bool{nil, odd} {
				got, ok := b.Nearest(p, accept)
				base := b.base
				b.base = nil
				want, ok2 := b.Nearest(p, accept)
				b.base = base
				if ok != ok2 || got != want {
					t.Fatalf("n=%d point %d %v: index %+v (%v), scan %+v (%v)", n, i, p, got, ok, want, ok2)
				}
			}
			if i%10 == 0 { // change the graph as a scenario does
				if pos, ok := b.Nearest(p, nil); ok {
					b.Split(pos)
				}
			}
		}
		if len(b.moved) == 0 {
			t.Fatalf("n=%d: no split moved a base segment", n)
		}
	}
}

// Incident's listing, made once between changes, is what a scan of the
// segments finds, after splits and a detach too.
func TestIncidentMatchesScan(t *testing.T) {
	g := randomGraph(t, 77, 400)
	b := NewBuilderFrom(g)
	check := func(when string) {
		t.Helper()
		for v, key := range b.g.NodeID {
			var want []int32
			for s, seg := range b.g.Segments {
				if seg.From == int32(v) || seg.To == int32(v) {
					want = append(want, int32(s))
				}
			}
			if got := b.Incident(key); !slices.Equal(got, want) {
				t.Fatalf("%s: node %d: %v, want %v", when, v, got, want)
			}
		}
	}
	check("start")
	r := rand.New(rand.NewPCG(7, 7))
	lo, hi := g.Bounds()
	for i := 0; i < 20; i++ {
		p := Point{lo.Lon + (hi.Lon-lo.Lon)*r.Float64(), lo.Lat + (hi.Lat-lo.Lat)*r.Float64()}
		if pos, ok := b.Nearest(p, nil); ok {
			b.Split(pos)
		}
	}
	check("after splits")
	set := map[int32]bool{}
	for s := range int32(30) {
		set[s] = true
	}
	b.Detach(set, func(key int64) bool { return len(b.Incident(key))%2 == 0 })
	check("after detach")
}
