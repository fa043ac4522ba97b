package places

import (
	"testing"

	"github.com/fastroad/fastroad/osm"
)

func BenchmarkEntrancesDelaware(b *testing.B) {
	g, f := load(b, "../testdata/delaware-latest.osm.pbf", osm.DefaultProfile())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if es, _ := Entrances(g, f, Options{}); len(es) == 0 {
			b.Fatal("no entrances")
		}
	}
}

func BenchmarkAccessDelaware(b *testing.B) {
	g, f := load(b, "../testdata/delaware-latest.osm.pbf", osm.DefaultProfile())
	ps, _ := Detect(g, f, Options{})
	prof := osm.DefaultProfile()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rows, _ := Access(g, ps, AccessOptions{Snap: prof.SnapOptions()}); len(rows) != 9 {
			b.Fatalf("got %d rows, want 9", len(rows))
		}
	}
}
