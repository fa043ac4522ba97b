package graph

import (
	"slices"
	"testing"
)

// TestSnapIndexParallelSame builds the snapping index of a grid large
// enough for the parallel scan (2 x 200 x 201 = 80,400 segments, above the
// 65,536 threshold) and checks it equals a sequential scan: every cell
// holds the same pieces in segment order.
func TestSnapIndexParallelSame(t *testing.T) {
	g := gridGraph(t, 201)
	if len(g.Segments) < 1<<16 {
		t.Fatalf("got %d segments, want at least %d for the parallel path", len(g.Segments), 1<<16)
	}
	ix := buildSnapIndex(g)

	// Sequential reference with the same grid.
	ref := &snapIndex{minLon: ix.minLon, minLat: ix.minLat, cell: ix.cell, w: ix.w, h: ix.h}
	cells := ref.w * ref.h
	counts := make([]uint32, cells)
	ref.scan(g, 0, len(g.Segments), counts, nil)
	first := make([]uint32, cells+1)
	for c := range cells {
		first[c+1] = first[c] + counts[c]
	}
	ref.first = first
	ref.seg = make([]int32, first[cells])
	ref.piece = make([]uint32, len(ref.seg))
	ref.scan(g, 0, len(g.Segments), nil, slices.Clone(first[:cells]))
	if !slices.Equal(ix.first, ref.first) || !slices.Equal(ix.seg, ref.seg) || !slices.Equal(ix.piece, ref.piece) {
		t.Errorf("got an index of %d entries differing from the sequential one of %d", len(ix.seg), len(ref.seg))
	}
}
