package mosaic

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

func readGraphBytes(t *testing.T, b []byte) (nodes, main int, segs int) {
	t.Helper()
	g, err := osm.Read(context.Background(), func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}, osm.Options{Profile: osm.DefaultProfile()})
	if err != nil {
		t.Fatal(err)
	}
	return g.NumNodes(), int(g.CompSize[0]), len(g.Segments)
}

// TestMosaicOneNetwork writes 1x1 and 2x2 mosaics of Monaco and checks
// that a 2x2 mosaic has four copies' nodes and that the seams make the
// four copies' main components one (the largest component of the mosaic
// holds at least four times the source's).
func TestMosaicOneNetwork(t *testing.T) {
	src, err := os.ReadFile("../../testdata/monaco.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	srcNodes, srcMain, srcSegs := readGraphBytes(t, src)
	for _, roads := range []bool{false, true} {
		var one, four bytes.Buffer
		st1, err := Write(context.Background(), bytes.NewReader(src), &one, Options{N: 1, RoadsOnly: roads})
		if err != nil {
			t.Fatal(err)
		}
		n1, m1, s1 := readGraphBytes(t, one.Bytes())
		// One copy, no seams: the same graph as the source.
		if n1 != srcNodes || m1 != srcMain || s1 != srcSegs || st1.SeamWays != 0 {
			t.Errorf("roads-only %v: 1x1 got %d nodes, main %d, %d segments, %d seams; want %d, %d, %d, 0",
				roads, n1, m1, s1, st1.SeamWays, srcNodes, srcMain, srcSegs)
		}
		st4, err := Write(context.Background(), bytes.NewReader(src), &four, Options{N: 2, Seams: 3, RoadsOnly: roads})
		if err != nil {
			t.Fatal(err)
		}
		// 2x2: 4 neighbour pairs x 3 seams.
		if st4.SeamWays != 12 || st4.Copies != 4 || st4.Nodes != 4*st1.Nodes {
			t.Errorf("roads-only %v: 2x2 got %d seams, %d copies, %d nodes; want 12, 4, %d", roads, st4.SeamWays, st4.Copies, st4.Nodes, 4*st1.Nodes)
		}
		n4, m4, _ := readGraphBytes(t, four.Bytes())
		if n4 < 4*srcNodes || m4 < 4*srcMain {
			t.Errorf("roads-only %v: 2x2 got %d nodes, main component %d; want >= %d, >= %d", roads, n4, m4, 4*srcNodes, 4*srcMain)
		}
	}
}

func TestWriteRefusesBadOptions(t *testing.T) {
	for _, opt := range []Options{{N: 0}, {N: MaxN + 1}, {N: 2, Seams: -1}, {N: 2, DLon: -1}, {N: 64, DLon: 10}} {
		if _, err := Write(context.Background(), bytes.NewReader(nil), io.Discard, opt); err == nil {
			t.Errorf("options %+v: got no error, want one", opt)
		}
	}
}

// TestMeasure runs Measure on Monaco with a hierarchy and checks the counts
// it reports (timings are not asserted).
func TestMeasure(t *testing.T) {
	src, err := os.ReadFile("../../testdata/monaco.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	g, err := osm.Read(context.Background(), func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(src)), nil
	}, osm.Options{Profile: osm.DefaultProfile()})
	if err != nil {
		t.Fatal(err)
	}
	g.CH = graph.BuildCH(g)
	m, err := Measure(context.Background(), g, MeasureOptions{Points: 30, DijkstraRows: 3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	// A one-to-all search from a node of the largest component settles at
	// least that component.
	if m.Nodes != g.NumNodes() || m.OneToAllSettled < int(g.CompSize[0]) || m.MatrixCH.Wall == 0 || m.MatrixDijkstraRows != 3 {
		t.Errorf("got nodes %d, settled %d, CH matrix %v, rows %d; want %d, >= %d, > 0, 3",
			m.Nodes, m.OneToAllSettled, m.MatrixCH, m.MatrixDijkstraRows, g.NumNodes(), g.CompSize[0])
	}
	if _, err := Measure(context.Background(), g, MeasureOptions{Points: 10, DijkstraRows: 11}); err == nil {
		t.Error("dijkstra rows above points: got no error, want one")
	}
}
