package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchMosaicAndGraph writes a 2 x 2 mosaic of Monaco, builds it and
// times it with 'bench graph'; bad ranges are usage errors (exit 2).
func TestBenchMosaicAndGraph(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "m2.osm.pbf")
	g := filepath.Join(dir, "m2.graph")
	if code, _, stderr := run(t, "bench", "mosaic", "../../testdata/monaco.osm.pbf", "-o", m, "--n", "2", "--seams", "2"); code != 0 {
		t.Fatalf("bench mosaic: got exit %d (%s), want 0", code, stderr)
	}
	if code, _, stderr := run(t, "build", m, "-o", g); code != 0 {
		t.Fatalf("build of the mosaic: got exit %d (%s), want 0", code, stderr)
	}
	code, stdout, stderr := run(t, "bench", "graph", g, "--points", "20", "--dijkstra-rows", "2", "--searches", "1")
	if code != 0 || !strings.Contains(stdout, "one_to_all\t") || !strings.Contains(stdout, "matrix_20x20_dijkstra\t") {
		t.Fatalf("bench graph: got exit %d, stdout %q, stderr %q; want 0 and the timings", code, stdout, stderr)
	}
	// Rewriting a current-version file gives the same bytes.
	g2 := filepath.Join(dir, "m2-rewritten.graph")
	if code, _, stderr := run(t, "bench", "rewrite", g, "-o", g2); code != 0 {
		t.Fatalf("bench rewrite: got exit %d (%s), want 0", code, stderr)
	}
	if a, b := readAll(t, g), readAll(t, g2); !bytes.Equal(a, b) {
		t.Errorf("bench rewrite of a current-version file: %d bytes differ from the %d read", len(b), len(a))
	}
	for _, args := range [][]string{
		{"bench", "rewrite", g},
		{"bench", "rewrite", m, "-o", g2 + "x"},
		{"bench", "mosaic", "../../testdata/monaco.osm.pbf", "-o", m + "x", "--n", "65"},
		{"bench", "mosaic", "../../testdata/monaco.osm.pbf", "-o", m + "x", "--seams", "0"},
		{"bench", "graph", g, "--points", "0"},
		{"bench", "graph", g, "--points", "10", "--dijkstra-rows", "11"},
	} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: got exit %d, want 2", args, code)
		}
	}
}

func readAll(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
