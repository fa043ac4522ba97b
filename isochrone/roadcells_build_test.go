package isochrone

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

// referenceRoadCells is the construction before placeOrder: every segment
// walked in segment order into growing tables, then the segments and their
// cells copied out in Z-order of their first end's cell (ties in segment
// order below 2^20 segments). newRoadCells must give the same tables.
func referenceRoadCells(g *graph.Graph, f Frame) *RoadCells {
	rc := &RoadCells{Frame: f, g: g}
	var pts []graph.Point
	for si := range g.Segments {
		if !LandAccess(&g.Segments[si]) {
			continue
		}
		first := len(rc.cells)
		var rs roadSeg
		rs, rc.cells, pts = f.segmentCells(g, int32(si), rc.cells, pts)
		rs.first = uint32(first)
		rc.segs = append(rc.segs, rs)
	}
	n := len(rc.segs)
	key := make([]uint64, n)
	for k := range rc.segs {
		c := rc.segs[k].fromCell
		key[k] = zorder(uint32(max(c[0], 0)), uint32(max(c[1], 0)))<<20 | uint64(k)&(1<<20-1)
	}
	idx := make([]int32, n)
	for k := range idx {
		idx[k] = int32(k)
	}
	slices.SortFunc(idx, func(a, b int32) int { return cmp.Compare(key[a], key[b]) })
	segs := make([]roadSeg, 0, n)
	cells := make([]roadCell, 0, len(rc.cells))
	for _, k := range idx {
		rs := rc.segs[k]
		end := uint32(len(rc.cells))
		if int(k)+1 < n {
			end = rc.segs[k+1].first
		}
		c := rc.cells[rs.first:end]
		rs.first = uint32(len(cells))
		cells = append(cells, c...)
		segs = append(segs, rs)
	}
	rc.segs, rc.cells = segs, cells
	return rc
}

// TestRoadCellsMatchReference: on Delaware, whole and in part (end cells
// outside the frame), at 100 and 500 m, and with a third of its roads
// closed and others one way only, NewRoadCells builds exactly the tables
// of the reference construction.
func TestRoadCellsMatchReference(t *testing.T) {
	g := loadDelaware(t)
	closed := g.WithEdits(func(s int32, seg *graph.Segment) {
		switch s % 3 {
		case 0:
			seg.Flags |= graph.Closed
		case 1:
			seg.SpeedBwd = 0
		}
	})
	lo, hi := g.Bounds()
	whole := [4]float64{lo.Lon, lo.Lat, hi.Lon, hi.Lat}
	part := [4]float64{-75.7, 38.9, -75.3, 39.3}
	for _, c := range []struct {
		name string
		g    *graph.Graph
		box  [4]float64
		cell float64
	}{
		{"whole 100 m", g, whole, 100}, {"whole 500 m", g, whole, 500},
		{"part 100 m", g, part, 100}, {"closed 250 m", closed, whole, 250},
	} {
		f, err := NewFrame(c.box, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		got, err := NewRoadCells(context.Background(), c.g, f)
		if err != nil {
			t.Fatal(err)
		}
		want := referenceRoadCells(c.g, f)
		if len(want.segs) < 1000 {
			t.Fatalf("%s: %d segments: the test proves little", c.name, len(want.segs))
		}
		if !slices.Equal(got.segs, want.segs) {
			t.Errorf("%s: the %d segments differ from the reference's %d", c.name, len(got.segs), len(want.segs))
		}
		if !slices.Equal(got.cells, want.cells) {
			t.Errorf("%s: the %d cells differ from the reference's %d", c.name, len(got.cells), len(want.cells))
		}
	}
}

// sortPacked and sortPairs order keys with many ties as a stable sort does.
func TestPlaceOrderSorts(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for _, n := range []int{0, 1, 7, 1000, 5000} {
		zs := make([]uint64, n)
		for k := range zs {
			zs[k] = uint64(r.IntN(50)) * 977
		}
		want := make([]int32, n)
		for k := range want {
			want[k] = int32(k)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return cmp.Compare(zs[a], zs[b]) })
		if got := sortPacked(zs); !slices.Equal(got, want) {
			t.Errorf("n=%d: sortPacked differs from a stable sort", n)
		}
		if got := sortPairs(zs); !slices.Equal(got, want) {
			t.Errorf("n=%d: sortPairs differs from a stable sort", n)
		}
	}
}

// BenchmarkRoadCells builds Delaware's road cells over its box at 100 m
// (the demo's grid): the construction of newRoadCells against the
// reference (walk in segment order, grow, sort, copy), in one run.
func BenchmarkRoadCells(b *testing.B) {
	g := loadDelaware(b)
	lo, hi := g.Bounds()
	f, err := NewFrame([4]float64{lo.Lon, lo.Lat, hi.Lon, hi.Lat}, 100)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("placed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := NewRoadCells(context.Background(), g, f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			referenceRoadCells(g, f)
		}
	})
}
