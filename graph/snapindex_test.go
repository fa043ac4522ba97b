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
	b := NewBuilder()
	const n = 201
	key := func(i, j int) int64 { return int64(i*n + j + 1) }
	pt := func(i, j int) Point { return Point{Lon: 114 + float64(i)*0.001, Lat: 35 + float64(j)*0.001} }
	for i := range n {
		for j := range n {
			if i+1 < n {
				mid := Point{Lon: (pt(i, j).Lon + pt(i+1, j).Lon) / 2, Lat: pt(i, j).Lat + 0.0002}
				if err := b.Add(Piece{WayID: 1, Class: Residential, FromKey: key(i, j), ToKey: key(i+1, j),
					Coords: []Point{pt(i, j), mid, pt(i+1, j)}, SpeedFwd: 30, SpeedBwd: 30}); err != nil {
					t.Fatal(err)
				}
			}
			if j+1 < n {
				if err := b.Add(Piece{WayID: 2, Class: Residential, FromKey: key(i, j), ToKey: key(i, j+1),
					Coords: []Point{pt(i, j), pt(i, j+1)}, SpeedFwd: 30, SpeedBwd: 30}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
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
