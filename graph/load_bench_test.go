package graph

import (
	"bytes"
	"os"
	"testing"
)

// gridGraph builds an n x n grid of two-way residential roads, each
// horizontal one with an inner shape point.
func gridGraph(tb testing.TB, n int) *Graph {
	tb.Helper()
	b := NewBuilder()
	key := func(i, j int) int64 { return int64(i*n + j + 1) }
	pt := func(i, j int) Point { return Point{Lon: 114 + float64(i)*0.001, Lat: 35 + float64(j)*0.001} }
	for i := range n {
		for j := range n {
			if i+1 < n {
				mid := Point{Lon: (pt(i, j).Lon + pt(i+1, j).Lon) / 2, Lat: pt(i, j).Lat + 0.0002}
				if err := b.Add(Piece{WayID: 1, Class: Residential, FromKey: key(i, j), ToKey: key(i+1, j),
					Coords: []Point{pt(i, j), mid, pt(i+1, j)}, SpeedFwd: 30, SpeedBwd: 30}); err != nil {
					tb.Fatal(err)
				}
			}
			if j+1 < n {
				if err := b.Add(Piece{WayID: 2, Class: Residential, FromKey: key(i, j), ToKey: key(i, j+1),
					Coords: []Point{pt(i, j), pt(i, j+1)}, SpeedFwd: 30, SpeedBwd: 30}); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	g, err := b.Build()
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// BenchmarkDecode reads a 250,000-node grid graph file with Decode (the
// stream path: each version 3 section read into a growing slice, then the
// checks); DecodeFile maps the file instead.
func BenchmarkDecode(b *testing.B) {
	g := gridGraph(b, 500)
	var buf bytes.Buffer
	if err := Encode(&buf, g); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		h, err := Decode(bytes.NewReader(buf.Bytes()))
		if err != nil || h.NumNodes() != g.NumNodes() {
			b.Fatalf("got %v, %d nodes; want nil, %d", err, h.NumNodes(), g.NumNodes())
		}
	}
}

// BenchmarkSnapIndex builds the snapping index of the same grid.
func BenchmarkSnapIndex(b *testing.B) {
	g := gridGraph(b, 500)
	b.ReportAllocs()
	for b.Loop() {
		if ix := buildSnapIndex(g); len(ix.seg) == 0 {
			b.Fatal("got an empty index")
		}
	}
}

// BenchmarkLoadCH loads the graph file named by FASTROAD_CH_GRAPH (a file
// built with --ch) with DecodeFile, as every command does, and checks that
// its hierarchy is usable; skipped when unset:
//
//	go run ./cmd/fastroad build testdata/delaware-latest.osm.pbf --ch -o /tmp/dech.graph
//	FASTROAD_CH_GRAPH=/tmp/dech.graph go test -run '^$' -bench LoadCH -benchtime 200x ./graph/
//
// Each load maps the file anew and mappings are never unmapped, so keep
// -benchtime to a few hundred loads.
func BenchmarkLoadCH(b *testing.B) {
	path := os.Getenv("FASTROAD_CH_GRAPH")
	if path == "" {
		b.Skip("FASTROAD_CH_GRAPH not set")
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		g, err := DecodeFile(f)
		f.Close()
		if err != nil {
			b.Fatalf("read %s: %v", path, err)
		}
		if g.CH == nil || !g.CH.Valid(g) {
			b.Fatalf("%s: no valid hierarchy", path)
		}
	}
}
