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
// derived, from a version 3 file, which stores them (and the arrays
// version 4 dropped), and from version 4 files with hierarchy sections of
// versions 1 and 2, and checks that all give
// the same snaps (any options, near and far points), the same searches
// both ways, the same segment weights and the same hierarchy matrix.
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
	g2, g3, g4 := load("v2.graph", graph.EncodeV2), load("v3.graph", graph.EncodeV3), load("v4.graph", graph.Encode)
	g4old := load("v4chv1.graph", graph.EncodeV4CHV1) // version 4 with the hierarchy as written before it was mapped

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
		c, errC := g4.SnapPoint(p, opt)
		if a != b || !reflect.DeepEqual(errA, errB) || a != c || !reflect.DeepEqual(errA, errC) {
			t.Fatalf("point %v: version 2 snap %+v (%v), version 3 %+v (%v), version 4 %+v (%v)", p, a, errA, b, errB, c, errC)
		}
		if errA == nil && i%2 == 0 && len(snaps) < 120 {
			snaps = append(snaps, b)
		}
	}
	if len(snaps) < 120 {
		t.Fatalf("only %d points snapped", len(snaps))
	}
	s2, s3, s4 := graph.NewSearch(g2), graph.NewSearch(g3), graph.NewSearch(g4)
	for _, dir := range []graph.Direction{graph.Outbound, graph.Inbound} {
		for _, sn := range snaps[:5] {
			s2.Run(dir, g2.Seeds(nil, sn, dir), graph.Stop{})
			s3.Run(dir, g3.Seeds(nil, sn, dir), graph.Stop{})
			s4.Run(dir, g4.Seeds(nil, sn, dir), graph.Stop{})
			for v := range int32(g.NumNodes()) {
				if s2.Time(v) != s3.Time(v) || s2.Time(v) != s4.Time(v) {
					t.Fatalf("search from %v: node %d at %d (version 2), %d (version 3), %d (version 4)", sn.Query, v, s2.Time(v), s3.Time(v), s4.Time(v))
				}
			}
		}
	}
	for s := range int32(len(g.Segments)) {
		for _, back := range []bool{false, true} {
			w, ok := g.ArcWeight(s, back)
			for i, h := range []*graph.Graph{g2, g3, g4} {
				if w2, ok2 := h.ArcWeight(s, back); w2 != w || ok2 != ok {
					t.Fatalf("segment %d backward %v: weight %d (%v) built, %d (%v) from version %d", s, back, w, ok, w2, ok2, i+2)
				}
			}
		}
	}
	for i, h := range []*graph.Graph{g2, g3, g4, g4old} {
		if h.CH == nil || !h.CH.Valid(h) {
			t.Fatalf("%s: hierarchy missing or stale after loading", []string{"version 2", "version 3", "version 4", "version 4, hierarchy version 1"}[i])
		}
	}
	m2 := g2.CH.Matrix(g2, snaps[:60], snaps[60:120], 2)
	m3 := g3.CH.Matrix(g3, snaps[:60], snaps[60:120], 2)
	m4 := g4.CH.Matrix(g4, snaps[:60], snaps[60:120], 2)
	m4old := g4old.CH.Matrix(g4old, snaps[:60], snaps[60:120], 2)
	if !reflect.DeepEqual(m2, m3) || !reflect.DeepEqual(m2, m4) || !reflect.DeepEqual(m2, m4old) {
		t.Fatal("hierarchy matrices differ between the version 2, 3 and 4 loads (hierarchy versions 1 and 2)")
	}
	if d := graph.DijkstraMatrix(g4, snaps[:60], snaps[60:120], 2); !reflect.DeepEqual(m4, d) {
		t.Fatal("version 4 hierarchy matrix differs from Dijkstra's")
	}
}
