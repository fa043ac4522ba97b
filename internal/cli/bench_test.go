package cli

import (
	"io"
	"path/filepath"
	"testing"
)

// BenchmarkCompareDelaware runs compare on Delaware with three alternatives
// (testdata/study/delaware-3.yaml): loading the extract, places, control
// lines, applying, evaluating base and alternatives, and writing every
// table and GeoJSON; with and without the PNG maps. Goal (issue 4): <= 3 s.
func BenchmarkCompareDelaware(b *testing.B) {
	for _, maps := range []bool{false, true} {
		name := "no-maps"
		if maps {
			name = "with-maps"
		}
		b.Run(name, func(b *testing.B) {
			e := &env{stdout: io.Discard, stderr: io.Discard, ctx: testContext()}
			for i := 0; i < b.N; i++ {
				out := filepath.Join(b.TempDir(), "out")
				if err := runCompare(e, "../../testdata/study/delaware-3.yaml", out, isoFlags{cell: 100, accessKmh: 5, accessM: 500}, true, !maps, handOffFlags{}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompareDemo runs compare --no-maps on the demo study (five
// alternatives, people indicators for five destination kinds from the
// census-total population surface). Goal (issue 7): <= 3 s on 2 cores.
// Sub-benchmarks: the study's 100 m grid cells, and 250 m (the population
// surface's cell; 6x fewer cells).
func BenchmarkCompareDemo(b *testing.B) {
	for _, cell := range []float64{0, 250} {
		name := "cell-study"
		if cell > 0 {
			name = "cell-250m"
		}
		b.Run(name, func(b *testing.B) {
			e := &env{stdout: io.Discard, stderr: io.Discard, ctx: testContext()}
			for i := 0; i < b.N; i++ {
				out := filepath.Join(b.TempDir(), "out")
				if err := runCompare(e, "../../demo/study.yaml", out, isoFlags{cell: cell, accessKmh: 0, accessM: 0}, false, true, handOffFlags{}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompareDemoMaps runs compare with every map on the demo study
// without its appraisal (testdata/study/demo-maps.yaml; the appraisal is
// measured apart): five alternatives, 27 PNG maps, the GeoTIFF grids and the
// hand-off (report.html, results.gpkg, results.xlsx). Goal (issue 12): <= 4 s
// on 2 cores.
func BenchmarkCompareDemoMaps(b *testing.B) {
	e := &env{stdout: io.Discard, stderr: io.Discard, ctx: testContext()}
	for i := 0; i < b.N; i++ {
		out := filepath.Join(b.TempDir(), "out")
		if err := runCompare(e, "../../testdata/study/demo-maps.yaml", out, isoFlags{}, false, false, handOffFlags{}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
