package graph

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"
)

// Benchmarks of the hierarchy against plain Dijkstra on the same graph in
// the same run: a road-like 50k-node grid always, and the extract named by
// FASTROAD_GRAPH when set:
//
//	go run ./cmd/fastroad build testdata/delaware-latest.osm.pbf -o /tmp/de.graph
//	FASTROAD_GRAPH=/tmp/de.graph go test -run '^$' -bench CH -benchmem ./graph/
//
// Goal (issue: matrix vs pgRouting's pgr_dijkstraCost, 1.18 s for 60x60 on
// Delaware): 60x60 at least 20 times faster, i.e. well under 59 ms.

type chBenchGraph struct {
	name  string
	g     *Graph
	c     *CH
	snaps []Snap // 120 points snapped as the CLI does: 60 origins, 60 targets
}

var chBench []*chBenchGraph

func chBenchGraphs(b *testing.B) []*chBenchGraph {
	if chBench != nil {
		return chBench
	}
	add := func(name string, g *Graph) {
		r := rand.New(rand.NewPCG(2, 2))
		snaps := pointSnaps(g, r, 120)
		if len(snaps) < 120 {
			b.Fatalf("%s: snapped only %d points", name, len(snaps))
		}
		chBench = append(chBench, &chBenchGraph{name: name, g: g, c: BuildCH(g), snaps: snaps})
	}
	add("grid50k", roadGraph(b, 1, 50_000))
	if path := os.Getenv("FASTROAD_GRAPH"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		g, err := Decode(f)
		f.Close()
		if err != nil {
			b.Fatalf("read %s: %v", path, err)
		}
		add("extract", g)
	}
	return chBench
}

// BenchmarkBuildCH: preprocessing time, shortcuts added and hierarchy size.
func BenchmarkBuildCH(b *testing.B) {
	for _, bg := range chBenchGraphs(b) {
		b.Run(bg.name, func(b *testing.B) {
			b.ReportAllocs()
			var c *CH
			for i := 0; i < b.N; i++ {
				c = BuildCH(bg.g)
			}
			b.ReportMetric(float64(bg.g.NumNodes()), "nodes")
			b.ReportMetric(float64(bg.g.NumArcs()), "arcs")
			b.ReportMetric(float64(c.NumArcs()-openArcs(bg.g)), "shortcuts")
			b.ReportMetric(float64(c.MemoryBytes())/(1<<20), "MiB")
		})
	}
}

// openArcs counts g's arcs that a hierarchy keeps: open, no self-loops, one
// per node pair.
func openArcs(g *Graph) int {
	n := 0
	last := make([]int32, g.NumNodes())
	for i := range last {
		last[i] = -1
	}
	for v := int32(0); v < int32(g.NumNodes()); v++ {
		for a, end := g.Out.Arcs(v); a < end; a++ {
			h := g.Out.Head(a)
			if g.Out.Weight(a) == Inf || h == v || last[h] == v {
				continue
			}
			last[h] = v
			n++
		}
	}
	return n
}

// BenchmarkMatrix60x60CH: the hierarchy's 60x60 matrix beside Matrix on the
// same graph and points (the naive baseline), all cores. The ch run reports
// how many times faster it is than the dijkstra run just before it, and
// checks that both agree.
func BenchmarkMatrix60x60CH(b *testing.B) {
	for _, bg := range chBenchGraphs(b) {
		from, to := bg.snaps[:60], bg.snaps[60:]
		want := Matrix(bg.g, from, to, 0)
		var dijkstra time.Duration
		b.Run(bg.name+"/dijkstra", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Matrix(bg.g, from, to, 0)
			}
			dijkstra = b.Elapsed() / time.Duration(b.N)
		})
		b.Run(bg.name+"/ch", func(b *testing.B) {
			b.ReportAllocs()
			var got [][]uint32
			for i := 0; i < b.N; i++ {
				got = bg.c.Matrix(bg.g, from, to, 0)
			}
			per := b.Elapsed() / time.Duration(b.N)
			if dijkstra > 0 && per > 0 {
				b.ReportMetric(float64(dijkstra)/float64(per), "x-faster")
			}
			b.StopTimer()
			for i := range want {
				for j := range want[i] {
					if got[i][j] != want[i][j] {
						b.Fatalf("%d -> %d: got %d want %d", i, j, got[i][j], want[i][j])
					}
				}
			}
		})
	}
}
