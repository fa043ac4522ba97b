package graph_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

// TestDelawareV2V3Same loads the Delaware graph (with a contraction
// hierarchy) from a version 2 file, whose arrays and snapping index are
// derived, and from a version 3 file, which stores them, and checks that
// both give the same snaps (any options, near and far points), the same
// searches both ways and the same hierarchy matrix.
func TestDelawareV2V3Same(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Delaware graph")
	}
	path := filepath.Join("..", "testdata", "delaware-latest.osm.pbf")
	g, err := osm.Read(context.Background(), func() (io.ReadCloser, error) { return os.Open(path) }, osm.Options{Profile: osm.DefaultProfile()})
	if err != nil {
		t.Fatal(err)
	}
	g.CH = graph.BuildCH(g)
	dir := t.TempDir()
	load := func(name string, enc func(io.Writer, *graph.Graph) error) *graph.Graph {
		var buf bytes.Buffer
		if err := enc(&buf, g); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		h, err := graph.DecodeFile(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return h
	}
	g2, g3 := load("v2.graph", graph.EncodeV2), load("v3.graph", graph.Encode)

	lo, hi := g.Bounds()
	r := rand.New(rand.NewPCG(12, 3))
	opts := []graph.SnapOptions{{}, {MaxDist: 50}, {MinComponent: 5, NoControlled: true}, {Exclude: []graph.Class{graph.Motorway, graph.Residential}}}
	var snaps []graph.Snap
	for i := range 2000 {
		p := graph.Point{Lon: lo.Lon + (hi.Lon-lo.Lon)*(1.2*r.Float64()-0.1), Lat: lo.Lat + (hi.Lat-lo.Lat)*(1.2*r.Float64()-0.1)}
		if i%2 == 0 { // half on the network, near a node
			n := g.Node(int32(r.IntN(g.NumNodes())))
			p = graph.Point{Lon: n.Lon + 0.001*(r.Float64()-0.5), Lat: n.Lat + 0.001*(r.Float64()-0.5)}
		}
		opt := opts[i%len(opts)]
		a, errA := g2.SnapPoint(p, opt)
		b, errB := g3.SnapPoint(p, opt)
		if a != b || !reflect.DeepEqual(errA, errB) {
			t.Fatalf("point %v: version 2 snap %+v (%v), version 3 %+v (%v)", p, a, errA, b, errB)
		}
		if errA == nil && i%2 == 0 && len(snaps) < 120 {
			snaps = append(snaps, b)
		}
	}
	if len(snaps) < 120 {
		t.Fatalf("only %d points snapped", len(snaps))
	}
	s2, s3 := graph.NewSearch(g2), graph.NewSearch(g3)
	for _, dir := range []graph.Direction{graph.Outbound, graph.Inbound} {
		for _, sn := range snaps[:5] {
			s2.Run(dir, g2.Seeds(nil, sn, dir), graph.Stop{})
			s3.Run(dir, g3.Seeds(nil, sn, dir), graph.Stop{})
			for v := range int32(g.NumNodes()) {
				if s2.Time(v) != s3.Time(v) {
					t.Fatalf("search from %v: node %d at %d (version 2), %d (version 3)", sn.Query, v, s2.Time(v), s3.Time(v))
				}
			}
		}
	}
	if g2.CH == nil || g3.CH == nil || !g3.CH.Valid(g3) {
		t.Fatal("hierarchy missing or stale after loading")
	}
	m2 := g2.CH.Matrix(g2, snaps[:60], snaps[60:120], 2)
	m3 := g3.CH.Matrix(g3, snaps[:60], snaps[60:120], 2)
	if !reflect.DeepEqual(m2, m3) {
		t.Fatal("hierarchy matrices differ between the version 2 and version 3 loads")
	}
	if d := graph.DijkstraMatrix(g3, snaps[:60], snaps[60:120], 2); !reflect.DeepEqual(m3, d) {
		t.Fatal("version 3 hierarchy matrix differs from Dijkstra's")
	}
}
