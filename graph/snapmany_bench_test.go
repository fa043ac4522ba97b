package graph

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSnapPoints snaps 20,000 points near random nodes on a 40,000-node road
// graph, one worker against all cores (the parallel result is the same, see
// TestSnapPointsParallel). Per point the cost is one ring search of the
// grid index; the parallel run scales with the cores.
func BenchmarkSnapPoints(b *testing.B) {
	g := roadGraph(b, 3, 40000)
	r := rand.New(rand.NewPCG(1, 1))
	pts := make([]Point, 20000)
	for i := range pts {
		// within about 100 m of a random node of the main component
		v := int32(r.IntN(g.NumNodes()))
		for g.Component[v] != 0 {
			v = int32(r.IntN(g.NumNodes()))
		}
		p := g.Node(v)
		pts[i] = Point{Lon: p.Lon + 0.001*(r.Float64()-0.5), Lat: p.Lat + 0.001*(r.Float64()-0.5)}
	}
	opt := SnapOptions{MaxDist: 1000}
	for _, w := range []int{1, 0} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.SnapPoints(context.Background(), pts, opt, w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
