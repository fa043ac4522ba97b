package graph

import (
	"math/rand/v2"
	"testing"
)

// scenarioEdits changes b as the scenario edits do: splits at random
// points, new roads between the split points and new nodes, ramps to nodes
// found by NodeIndex, and a detach whose keep asks Incident.
func scenarioEdits(t *testing.T, b *Builder, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 11))
	lo, hi := b.g.Bounds()
	at := func() Point {
		return Point{lo.Lon + (hi.Lon-lo.Lon)*r.Float64(), lo.Lat + (hi.Lat-lo.Lat)*r.Float64()}
	}
	type end struct {
		key int64
		p   Point
	}
	var ends []end
	for range 30 {
		pos, ok := b.Nearest(at(), nil)
		if !ok {
			t.Fatal("nothing near")
		}
		if r.IntN(3) == 0 { // at an end: the end's key
			pos.K, pos.T = 0, 0
			pos.At = b.NodePoint(b.Segment(pos.Seg).From)
		}
		key, _ := b.Split(pos)
		ends = append(ends, end{key, pos.At})
	}
	for i := 0; i+1 < len(ends); i += 2 {
		a, c := ends[i], ends[i+1]
		if r.IntN(2) == 0 { // through a new node
			k, mid := b.NewKey(), at()
			for _, p := range []Piece{{FromKey: a.key, ToKey: k, Coords: []Point{a.p, mid}}, {FromKey: k, ToKey: c.key, Coords: []Point{mid, c.p}}} {
				p.WayID, p.Class, p.Added, p.SpeedFwd, p.SpeedBwd = -1, Trunk, true, 80, 80
				if err := b.Add(p); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		if err := b.Add(Piece{WayID: -1, Class: MotorwayLink, Controlled: true, Added: true, FromKey: a.key, ToKey: c.key,
			Coords: []Point{a.p, c.p}, SpeedFwd: 40, SpeedBwd: 40, MinLength: 300}); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range ends[:5] {
		if _, ok := b.NodeIndex(e.key); !ok {
			t.Fatalf("NodeIndex(%d): not found", e.key)
		}
	}
	set := map[int32]bool{}
	for s := range int32(40) {
		set[s*3] = true
	}
	b.Detach(set, func(key int64) bool { return len(b.Incident(key))%2 == 0 })
}

// A builder started from a graph applies scenario edits without a map of
// every node's key, and builds exactly the graph it builds with the map.
func TestEditsNeedNoKeyMap(t *testing.T) {
	for _, seed := range []uint64{3, 8, 21} {
		g := randomGraph(t, seed, 600)
		withMap, without := NewBuilderFrom(g), NewBuilderFrom(g)
		withMap.keys()
		scenarioEdits(t, withMap, seed)
		scenarioEdits(t, without, seed)
		if without.nodeIdx != nil {
			t.Fatalf("seed %d: the edits made a map of every node's key", seed)
		}
		g1, err := withMap.Build()
		if err != nil {
			t.Fatal(err)
		}
		g2, err := without.Build()
		if err != nil {
			t.Fatal(err)
		}
		if f := sameGraph(g1, g2); f != "" {
			t.Errorf("seed %d: %s differs between the builds with and without the key map", seed, f)
		}
		if g2.NumNodes() <= g.NumNodes() {
			t.Errorf("seed %d: the edits added no node (%d -> %d)", seed, g.NumNodes(), g2.NumNodes())
		}
	}
}

// A key the builder did not hand out (an OSM id the caller knows) is still
// found: the builder makes the key map then.
func TestBuilderFromFindsAnyKey(t *testing.T) {
	g := randomGraph(t, 5, 200)
	b := NewBuilderFrom(g)
	for v, key := range g.NodeID {
		if i, ok := b.NodeIndex(key); !ok || i != int32(v) {
			t.Fatalf("NodeIndex(%d) = %d, %v; want %d", key, i, ok, v)
		}
	}
	if _, ok := b.NodeIndex(-5); ok {
		t.Fatal("NodeIndex(-5): found a key no node has")
	}
}
