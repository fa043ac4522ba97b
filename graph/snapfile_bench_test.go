package graph_test

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

// BenchmarkSnapFile snaps 10,000 points near random nodes of the largest
// component of the graph file
// FASTROAD_GRAPH (skipped when unset), one at a time, with the default
// options and with NoControlled: the cost of a snap on a real network,
// where the segment checks (Snappable) miss the cache.
//
//	FASTROAD_GRAPH=/tmp/m4.graph go test -run '^$' -bench SnapFile ./graph/
func BenchmarkSnapFile(b *testing.B) {
	path := os.Getenv("FASTROAD_GRAPH")
	if path == "" {
		b.Skip("FASTROAD_GRAPH not set")
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	g, err := graph.DecodeFile(f)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	pts := make([]graph.Point, 10000)
	for i := range pts {
		v := int32(r.IntN(g.NumNodes()))
		for g.Component[v] != 0 {
			v = int32(r.IntN(g.NumNodes()))
		}
		p := g.Node(v)
		pts[i] = graph.Point{Lon: p.Lon + 0.002*(r.Float64()-0.5), Lat: p.Lat + 0.002*(r.Float64()-0.5)}
	}
	for _, c := range []struct {
		name string
		opt  graph.SnapOptions
	}{{"default", graph.SnapOptions{}}, {"nocontrolled", graph.SnapOptions{NoControlled: true}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range pts {
					if _, err := g.SnapPoint(p, c.opt); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
