package graph

import (
	"math/rand/v2"
	"slices"
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

// scanIndex is the index a sequential scan of every segment of g makes over
// the grid of ix: the reference a derived index must equal.
func scanIndex(g *Graph, grid *snapIndex) *snapIndex {
	ref := &snapIndex{minLon: grid.minLon, minLat: grid.minLat, cell: grid.cell, w: grid.w, h: grid.h}
	cells := ref.w * ref.h
	counts := make([]uint32, cells)
	ref.scan(g, 0, len(g.Segments), counts, nil)
	ref.first = make([]uint32, cells+1)
	for c := range cells {
		ref.first[c+1] = ref.first[c] + counts[c]
	}
	ref.seg = make([]int32, ref.first[cells])
	ref.piece = make([]uint32, len(ref.seg))
	ref.scan(g, 0, len(g.Segments), nil, slices.Clone(ref.first[:cells]))
	return ref
}

// The snapping index Build derives from the base graph's is the one a scan
// of the edited graph over the base's grid makes, and snaps every point
// where an index built afresh on the edited graph snaps it.
func TestDerivedSnapIndex(t *testing.T) {
	for _, seed := range []uint64{3, 8, 21} {
		g := randomGraph(t, seed, 600)
		b := NewBuilderFrom(g)
		scenarioEdits(t, b, seed)
		if len(b.moved) == 0 {
			t.Fatalf("seed %d: no base segment moved", seed)
		}
		g2, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		got, base := g2.snap, g.index()
		if got.cell != base.cell || got.w != base.w || got.minLon != base.minLon {
			t.Fatalf("seed %d: the edited graph's index has a grid of its own: not derived", seed)
		}
		want := scanIndex(g2, got)
		if !slices.Equal(got.first, want.first) || !slices.Equal(got.seg, want.seg) || !slices.Equal(got.piece, want.piece) {
			t.Fatalf("seed %d: derived index of %d entries differs from the scan's %d", seed, len(got.seg), len(want.seg))
		}
		fresh := buildSnapIndex(g2)
		r := rand.New(rand.NewPCG(seed, 3))
		lo, hi := g2.Bounds()
		dx, dy := hi.Lon-lo.Lon, hi.Lat-lo.Lat
		for i := range 500 {
			p := Point{lo.Lon + dx*(1.4*r.Float64()-0.2), lo.Lat + dy*(1.4*r.Float64()-0.2)}
			for _, opt := range []SnapOptions{{}, {NoControlled: true, MaxDist: 300}, {Exclude: []Class{Trunk}, MaxDist: 5000}} {
				a, errA := g2.snapWith(got, p, opt)
				c, errC := g2.snapWith(fresh, p, opt)
				if a != c || (errA == nil) != (errC == nil) {
					t.Fatalf("seed %d point %d %v: derived index snaps to %+v (%v), a fresh one to %+v (%v)", seed, i, p, a, errA, c, errC)
				}
			}
		}
	}
}

// A graph rebuilt with no edit shares the base's entries; a road added
// outside the base's grid makes Build index the graph afresh.
func TestDerivedSnapIndexEdges(t *testing.T) {
	g := randomGraph(t, 9, 300)
	g2, err := NewBuilderFrom(g).Build()
	if err != nil {
		t.Fatal(err)
	}
	if ix := g.index(); !slices.Equal(g2.snap.seg, ix.seg) || !slices.Equal(g2.snap.first, ix.first) {
		t.Fatal("a rebuild with no edit changed the snapping index")
	}
	b := NewBuilderFrom(g)
	lo, _ := g.Bounds()
	far := Point{lo.Lon - 0.05, lo.Lat}
	if err := b.Add(Piece{WayID: -1, Class: Trunk, Added: true, FromKey: b.NewKey(), ToKey: b.NodeKey(0),
		Coords: []Point{far, b.NodePoint(0)}, SpeedFwd: 80, SpeedBwd: 80}); err != nil {
		t.Fatal(err)
	}
	g3, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if g3.snap.minLon != far.Lon {
		t.Fatalf("index grid starts at %v, want the new road's end %v", g3.snap.minLon, far.Lon)
	}
	want := buildSnapIndex(g3)
	if !slices.Equal(g3.snap.seg, want.seg) || !slices.Equal(g3.snap.first, want.first) {
		t.Fatal("the index of a graph beyond the base's grid is not the one built afresh")
	}
}

// BenchmarkRebuildIndex: the snapping index of a 201 x 201 grid graph
// (80,400 segments) after a few splits and added roads, derived from the
// base's against built afresh, in one run.
func BenchmarkRebuildIndex(b *testing.B) {
	g := gridGraph(b, 201)
	bd := NewBuilderFrom(g)
	lo, hi := g.Bounds()
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		p := Point{lo.Lon + (hi.Lon-lo.Lon)*r.Float64(), lo.Lat + (hi.Lat-lo.Lat)*r.Float64()}
		if pos, ok := bd.Nearest(p, nil); ok {
			bd.Split(pos)
		}
	}
	base, segs, moved := bd.base, bd.baseSegs, bd.moved
	g2, err := bd.Build()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("derived", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if deriveSnapIndex(g2, base, segs, moved) == nil {
				b.Fatal("not derived")
			}
		}
	})
	b.Run("afresh", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buildSnapIndex(g2)
		}
	})
}
