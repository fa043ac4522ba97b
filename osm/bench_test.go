package osm

import (
	"bytes"
	"compress/gzip"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	posm "github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/fastroad/fastroad/graph"
)

// Benchmarks on the real extracts. Repeat with `make bench` or
//   go test -run '^$' -bench . -benchmem ./osm/
// Goals (issue 2): build <= 2.5x a bare scan of the same file; one-to-all
// search on Delaware <= 30 ms with 0 allocations; 60x60 matrix on Delaware.

var benchFiles = []string{
	"delaware-latest.osm.pbf", "monaco.osm.pbf", "north-bayreuth.osm.gz",
	"lauf-200115.osm.pbf", "heidelberg.test.osm.pbf", "milan_italy_small.osm.pbf",
}

func readAll(b *testing.B, file string) []byte {
	data, err := os.ReadFile(filepath.Join("..", "testdata", file))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkBuild builds the graph of each extract from memory.
func BenchmarkBuild(b *testing.B) {
	for _, f := range benchFiles {
		data := readAll(b, f)
		b.Run(f, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if _, err := readBytes(data, DefaultProfile()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScan is the baseline: a bare paulmach/osm scan of every object of
// the same file, no filters, nothing kept (for gzip XML, decompression
// included, as in BenchmarkBuild).
func BenchmarkScan(b *testing.B) {
	for _, f := range benchFiles {
		data := readAll(b, f)
		b.Run(f, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if bareScan(b, data) == 0 {
					b.Fatal("scanned nothing")
				}
			}
		})
	}
}

// BenchmarkBuildVsScan alternates a build and a bare scan of each file in
// every iteration and reports their ratio (goal <= 2.5), which is robust to
// the load of a shared machine changing during the run.
func BenchmarkBuildVsScan(b *testing.B) {
	for _, f := range benchFiles {
		data := readAll(b, f)
		b.Run(f, func(b *testing.B) {
			var tb, ts time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := readBytes(data, DefaultProfile()); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if n := bareScan(b, data); n == 0 {
					b.Fatal("scanned nothing")
				}
				tb += t1.Sub(t0)
				ts += time.Since(t1)
			}
			b.ReportMetric(float64(tb.Milliseconds())/float64(b.N), "build-ms")
			b.ReportMetric(float64(ts.Milliseconds())/float64(b.N), "scan-ms")
			b.ReportMetric(tb.Seconds()/ts.Seconds(), "build/scan")
		})
	}
}

// bareScan reads every object of an extract with paulmach/osm, keeping nothing.
func bareScan(b *testing.B, data []byte) int {
	var sc interface {
		Scan() bool
		Object() posm.Object
		Err() error
		Close() error
	}
	if Sniff(data) == FormatPBF {
		sc = osmpbf.New(context.Background(), bytes.NewReader(data), runtime.GOMAXPROCS(0))
	} else {
		zr, err := gzipReader(data)
		if err != nil {
			b.Fatal(err)
		}
		sc = osmxml.New(context.Background(), zr)
	}
	defer sc.Close()
	n := 0
	for sc.Scan() {
		n++
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

var delaware *graph.Graph

func delawareGraph(b *testing.B) *graph.Graph {
	if delaware == nil {
		delaware = loadTestdata(b, "delaware-latest.osm.pbf")
	}
	return delaware
}

// BenchmarkSearchOneToAll: one full Dijkstra over Delaware from a fixed
// sample of sources, workspace reused (allocs/op must be 0).
func BenchmarkSearchOneToAll(b *testing.B) {
	g := delawareGraph(b)
	s := graph.NewSearch(g)
	r := rand.New(rand.NewPCG(1, 1))
	srcs := make([]int32, 64)
	for i := range srcs {
		srcs[i] = int32(r.IntN(g.NumNodes()))
		for g.Component[srcs[i]] != 0 {
			srcs[i] = int32(r.IntN(g.NumNodes()))
		}
	}
	seeds := []graph.Seed{{}}
	s.Run(graph.Outbound, seeds, graph.Stop{}) // warm-up: grows the heap and touched list
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		seeds[0].Node = srcs[i%len(srcs)]
		s.Run(graph.Outbound, seeds, graph.Stop{})
		if s.Settled() < int(g.CompSize[0]) {
			b.Fatalf("settled %d < main component %d", s.Settled(), g.CompSize[0])
		}
	}
}

// BenchmarkGonumDijkstraFrom is the naive baseline: gonum's map-based
// Dijkstra on the same graph through the adapter.
func BenchmarkGonumDijkstraFrom(b *testing.B) {
	g := delawareGraph(b)
	gn := graph.Gonum{G: g}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		path.DijkstraFrom(simple.Node(int64(i*7919%g.NumNodes())), gn)
	}
}

// BenchmarkMatrix60x60: 60 random points to 60 random points on Delaware,
// snapped as the CLI does, all cores.
func BenchmarkMatrix60x60(b *testing.B) {
	g := delawareGraph(b)
	r := rand.New(rand.NewPCG(2, 2))
	lo, hi := g.Bounds()
	var snaps []graph.Snap
	for len(snaps) < 120 {
		p := graph.Point{Lon: lo.Lon + (hi.Lon-lo.Lon)*r.Float64(), Lat: lo.Lat + (hi.Lat-lo.Lat)*r.Float64()}
		sn, err := g.SnapPoint(p, graph.SnapOptions{MaxDist: 1000})
		if err == nil {
			snaps = append(snaps, sn)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		graph.Matrix(g, snaps[:60], snaps[60:], 0)
	}
}

// BenchmarkGraphSize reports graph bytes per arc in memory and on disk.
func BenchmarkGraphSize(b *testing.B) {
	g := delawareGraph(b)
	var buf bytes.Buffer
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := graph.Encode(&buf, g); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(g.MemoryBytes())/float64(g.NumArcs()), "mem-B/arc")
	b.ReportMetric(float64(buf.Len())/float64(g.NumArcs()), "disk-B/arc")
	b.ReportMetric(float64(g.NumArcs()), "arcs")
}

func gzipReader(data []byte) (*gzip.Reader, error) { return gzip.NewReader(bytes.NewReader(data)) }

// BenchmarkReadExtract: the combined reader against the three separate
// reads a study made before (graph, features, control areas), on Delaware
// from memory; and the combined reader with settlements (buildings
// included) on top. Repeat with
//
//	go test -run '^$' -bench ReadExtract -benchmem -count 5 ./osm/
func BenchmarkReadExtract(b *testing.B) {
	data := readAll(b, "delaware-latest.osm.pbf")
	open := bytesOpener(data)
	ctx := context.Background()
	fo, ao := FeatureOptions{AdminLevel: 6}, AreaOptions{}
	// cpu-s/op: CPU seconds (user + system, all goroutines) per read.
	cpu := func(b *testing.B, t0 float64) { b.ReportMetric((cpuSeconds()-t0)/float64(b.N), "cpu-s/op") }
	b.Run("separate", func(b *testing.B) {
		b.ReportAllocs()
		t0 := cpuSeconds()
		defer cpu(b, t0)
		for b.Loop() {
			g, err := Read(ctx, open, Options{Profile: DefaultProfile()})
			if err != nil || g.NumNodes() == 0 {
				b.Fatal(err)
			}
			f, err := ReadFeatures(ctx, open, fo)
			if err != nil || len(f.Places) == 0 {
				b.Fatal(err)
			}
			a, err := ReadControlAreas(ctx, open, ao)
			if err != nil || a.Stats.Ways == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("combined", func(b *testing.B) {
		b.ReportAllocs()
		t0 := cpuSeconds()
		defer cpu(b, t0)
		for b.Loop() {
			ex, err := ReadExtract(ctx, open, ExtractOptions{Profile: DefaultProfile(), Features: &fo, Areas: &ao})
			if err != nil || ex.Graph.NumNodes() == 0 || len(ex.Features.Places) == 0 || ex.Areas.Stats.Ways == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("combined+settlements", func(b *testing.B) {
		b.ReportAllocs()
		t0 := cpuSeconds()
		defer cpu(b, t0)
		for b.Loop() {
			ex, err := ReadExtract(ctx, open, ExtractOptions{Profile: DefaultProfile(), Features: &fo, Areas: &ao,
				Settlements: &SettlementOptions{Buildings: true}})
			if err != nil || len(ex.Settlements.Buildings) == 0 {
				b.Fatal(err)
			}
		}
	})
}
