package graph

import (
	"context"
	"math/rand/v2"
	"testing"
)

// checkRunCH runs Run and RunCH from the same seeds in both directions and
// with and without a limit, and wants the same time at every node within
// the limit and Inf from RunCH beyond it.
func checkRunCH(t testing.TB, name string, g *Graph, c *CH, seeds []Seed, limits ...uint32) {
	t.Helper()
	a, b := NewSearch(g), NewSearch(g)
	b.NoPaths = true
	for _, dir := range []Direction{Outbound, Inbound} {
		for _, lim := range limits {
			a.Run(dir, seeds, Stop{Limit: lim})
			if err := b.RunCH(context.Background(), c, dir, seeds, lim); err != nil {
				t.Fatal(err)
			}
			l := lim
			if l == 0 {
				l = Inf
			}
			within := 0
			for v := int32(0); v < int32(g.NumNodes()); v++ {
				ta, tb := a.Time(v), b.Time(v)
				if ta > l {
					ta = Inf // beyond the limit Run may leave a tentative time
				}
				if ta != tb {
					t.Fatalf("%s dir %v limit %d: node %d: Run %d, RunCH %d", name, dir, lim, v, ta, tb)
				}
				if ta != Inf {
					within++
				}
			}
			if within != b.Settled() || within != len(b.Touched()) {
				t.Fatalf("%s: %d nodes within the limit, RunCH settled %d, touched %d", name, within, b.Settled(), len(b.Touched()))
			}
		}
	}
}

// TestRunCHMatchesRun: PHAST gives Dijkstra's times on a grid-like road
// graph with one-way streets, from one node, from a snapped point (two
// seeds with offsets) and from many points, with limits that cut the graph
// and none; the workspace is reused between runs of both kinds.
func TestRunCHMatchesRun(t *testing.T) {
	g := roadGraph(t, 3, 4000)
	c := BuildCH(g)
	r := rand.New(rand.NewPCG(5, 6))
	snaps := randomSnaps(g, r, 20)
	checkRunCH(t, "one node", g, c, []Seed{{Node: 17}}, 0, 60000, 300000)
	for i, sn := range snaps[:5] {
		checkRunCH(t, "snap", g, c, g.Seeds(nil, sn, Outbound), 0, uint32(30000*(i+1)))
	}
	var many []Seed
	for _, sn := range snaps {
		many = g.Seeds(many, sn, Outbound)
	}
	checkRunCH(t, "many", g, c, many, 0, 45000)
	// a workspace used by Run, then RunCH, then Run again gives Run's times
	s := NewSearch(g)
	s.Run(Outbound, many[:2], Stop{})
	if err := s.RunCH(context.Background(), c, Inbound, many[2:4], 0); err != nil {
		t.Fatal(err)
	}
	s.Run(Outbound, many[:2], Stop{})
	ref := NewSearch(g)
	ref.Run(Outbound, many[:2], Stop{})
	for v := int32(0); v < int32(g.NumNodes()); v++ {
		if s.Time(v) != ref.Time(v) {
			t.Fatalf("reused workspace: node %d: %d, want %d", v, s.Time(v), ref.Time(v))
		}
	}
}

func TestRunCHWrongGraph(t *testing.T) {
	g, h := roadGraph(t, 3, 400), roadGraph(t, 4, 900)
	if err := NewSearch(g).RunCH(context.Background(), BuildCH(h), Outbound, []Seed{{Node: 1}}, 0); err == nil {
		t.Fatal("a hierarchy of another graph was used")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewSearch(g).RunCH(ctx, BuildCH(g), Outbound, []Seed{{Node: 1}}, 0); err != context.Canceled {
		t.Fatalf("cancelled: %v", err)
	}
}

// FuzzRunCHMatchesRun: PHAST against Dijkstra on random graphs (closed
// arcs, one-way pieces, parallel arcs) from random seeds.
func FuzzRunCHMatchesRun(f *testing.F) {
	f.Add(uint64(1), uint16(10), uint32(0))
	f.Add(uint64(7), uint16(300), uint32(20000))
	f.Fuzz(func(t *testing.T, seed uint64, n uint16, limit uint32) {
		g := randomGraph(t, seed, 2+int(n)%500)
		if g == nil {
			return
		}
		c := BuildCH(g)
		r := rand.New(rand.NewPCG(seed, uint64(n)))
		var seeds []Seed
		for _, sn := range randomSnaps(g, r, 3) {
			seeds = g.Seeds(seeds, sn, Outbound)
		}
		checkRunCH(t, "fuzz", g, c, seeds, 0, limit)
	})
}
