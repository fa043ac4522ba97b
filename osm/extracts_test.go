package osm

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/fastroad/fastroad/graph"
)

// extracts are the real test extracts; every one must load and route.
var extracts = []struct {
	file     string
	minNodes int
	clipped  bool
}{
	{"delaware-latest.osm.pbf", 40000, false},
	{"monaco.osm.pbf", 1000, false},
	{"north-bayreuth.osm.gz", 500, false},
	{"lauf-200115.osm.pbf", 500, true},
	{"heidelberg.test.osm.pbf", 5000, false},
	{"milan_italy_small.osm.pbf", 20000, false},
	{"monaco-centre.osm.bz2", 300, false},
	{"prepared/delaware.car.osm.pbf", 40000, false},
	{"prepared/milan.car.osm.pbf", 20000, false},
	{"prepared/monaco.car.osm.pbf", 1000, false},
}

func openFile(path string) Opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

func loadTestdata(t testing.TB, file string) *graph.Graph {
	t.Helper()
	g, err := Read(context.Background(), openFile(filepath.Join("..", "testdata", file)), Options{Profile: DefaultProfile()})
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return g
}

// TestExtractsMatchGonum builds every extract and checks our search against
// gonum's path.DijkstraFrom from a few sources, both directions.
func TestExtractsMatchGonum(t *testing.T) {
	for _, x := range extracts {
		t.Run(x.file, func(t *testing.T) {
			g := loadTestdata(t, x.file)
			if g.NumNodes() < x.minNodes {
				t.Fatalf("got %d nodes, want at least %d", g.NumNodes(), x.minNodes)
			}
			if got := g.Meta.Stats.ClippedWays > 0; got != x.clipped {
				t.Errorf("clipped ways %d, want clipped=%v", g.Meta.Stats.ClippedWays, x.clipped)
			}
			if float64(g.CompSize[0]) < 0.8*float64(g.NumNodes()) {
				t.Errorf("largest component has %d of %d nodes", g.CompSize[0], g.NumNodes())
			}
			n := int32(g.NumNodes())
			var sources []int32 // three nodes of the main component
			for _, v := range []int32{0, n / 3, 2 * n / 3} {
				for g.Component[v] != 0 {
					v = (v + 1) % n
				}
				sources = append(sources, v)
			}
			if testing.Short() {
				sources = sources[:1]
			}
			s := graph.NewSearch(g)
			for _, dir := range []graph.Direction{graph.Outbound, graph.Inbound} {
				gn := graph.Gonum{G: g, Dir: dir}
				for _, src := range sources {
					s.Run(dir, []graph.Seed{{Node: src}}, graph.Stop{})
					sp := path.DijkstraFrom(simple.Node(src), gn)
					reached := 0
					for v := int32(0); v < n; v++ {
						want := sp.WeightTo(int64(v))
						got := s.Time(v)
						if math.IsInf(want, 1) != (got == graph.Inf) || (got != graph.Inf && float64(got) != want) {
							t.Fatalf("%v from %d to %d: got %d want %v", dir, src, v, got, want)
						}
						if got != graph.Inf {
							reached++
						}
					}
					if reached < 2 {
						t.Errorf("%v from %d reached %d nodes", dir, src, reached)
					}
				}
			}
		})
	}
}
