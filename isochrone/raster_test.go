package isochrone

import (
	"bytes"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func smallGrid() *Grid {
	g := &Grid{MinLon: 116, MinLat: 36, DLon: 0.01, DLat: 0.008, W: 3, H: 2,
		T: []float32{60, 120, float32(math.Inf(1)), 180, 240, 300}}
	return g
}

// TestWriteASC: smallGrid has cells of 0.01 x 0.008 degrees, so the ASC
// has square cells of 0.008: ceil(3 * 0.01 / 0.008) = 4 columns whose
// centres lie 0.004, 0.012, 0.020 and 0.028 degrees east of the west edge,
// in grid columns 0, 1, 2 and 2; the 2 rows stay as they are.
func TestWriteASC(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteASC(&buf, smallGrid()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		"ncols 4", "nrows 2", "xllcorner 115.995000000", "yllcorner 35.996000000",
		"cellsize 0.008000000000", "NODATA_value -9999",
		"3.00 4.00 5.00 5.00", // north row first
		"1.00 2.00 -9999 -9999",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines %q, want %d", len(lines), lines, len(want))
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d: got %q want %q", i, lines[i], w)
		}
	}
	if err := WriteASC(&buf, &Grid{W: 1, H: 1, DLon: 0, DLat: 1, T: []float32{1}}); err == nil {
		t.Error("zero cell size: got no error")
	}
}

func TestSquareCells(t *testing.T) {
	tests := []struct {
		name     string
		g        Grid
		size     float64
		col, row []int
	}{
		// already square: one to one
		{"square", Grid{W: 2, H: 2, DLon: 0.5, DLat: 0.5}, 0.5, []int{0, 1}, []int{0, 1}},
		// 0.02 wide, 0.01 high: every column split in two
		{"wide", Grid{W: 2, H: 1, DLon: 0.02, DLat: 0.01}, 0.01, []int{0, 0, 1, 1}, []int{0}},
		// 1 wide, 1.5 high: rows of 1.5 into ceil(3) = 3 of 1; centres at
		// 0.5, 1.5, 2.5 fall in rows 0, 1, 1
		{"tall", Grid{W: 1, H: 2, DLon: 1, DLat: 1.5}, 1, []int{0}, []int{0, 1, 1}},
		// 38.5 N, 100 m cells: DLat 0.0008993, DLon 0.0011493; 5 columns
		// become ceil(5 * 1.278) = 7 whose centres lie 0.39, 1.17, 1.96,
		// 2.74, 3.52, 4.30 and 5.09 grid columns east of the edge (the
		// last, past the grid, takes column 4)
		{"delaware", Grid{W: 5, H: 1, DLon: 0.0011493, DLat: 0.0008993}, 0.0008993, []int{0, 1, 1, 2, 3, 4, 4}, []int{0}},
	}
	for _, tt := range tests {
		sq := squareCells(&tt.g)
		if sq.size != tt.size || !slices.Equal(sq.col, tt.col) || !slices.Equal(sq.row, tt.row) {
			t.Errorf("%s: got size %v cols %v rows %v, want %v %v %v", tt.name, sq.size, sq.col, sq.row, tt.size, tt.col, tt.row)
		}
	}
}

func TestWritePRJ(t *testing.T) {
	var buf bytes.Buffer
	if err := WritePRJ(&buf); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.HasPrefix(got, `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"`) || strings.Contains(got, "\n") {
		t.Errorf("got %q, want the one-line ESRI WKT of WGS 84", got)
	}
	for _, tt := range []struct{ in, want string }{
		{"iso.asc", "iso.prj"}, {"out/grid.tif", "out/grid.prj"}, {"a.b/grid", "a.b/grid.prj"}, {"x.TIF", "x.prj"},
	} {
		if got := PRJName(tt.in); got != tt.want {
			t.Errorf("PRJName(%q): got %q want %q", tt.in, got, tt.want)
		}
	}
}

// TestGDALReadsGrids checks the written files with gdalinfo when it is
// installed (Debian: apt-get install gdal-bin).
func TestGDALReadsGrids(t *testing.T) {
	gdalinfo, err := exec.LookPath("gdalinfo")
	if err != nil {
		t.Skip("gdalinfo not found (apt-get install gdal-bin): the written grids are not checked with GDAL")
	}
	dir := t.TempDir()
	g := smallGrid()
	for _, tt := range []struct {
		name  string
		write func(io.Writer, *Grid) error
		want  []string
	}{
		{"iso.asc", WriteASC, []string{"Driver: AAIGrid", "Size is 4, 2", "Pixel Size = (0.008000000000000,-0.008000000000000)",
			"Origin = (115.995000000000005,36.012000000000000)", `GEOGCRS["WGS 84"`, "NoData Value=-9999"}},
		{"iso.tif", WriteGeoTIFF, []string{"Driver: GTiff", "Size is 3, 2", "Pixel Size = (0.010000000000000,-0.008000000000000)",
			`GEOGCRS["WGS 84"`, "NoData Value=-9999", "Type=Float32"}},
	} {
		path := filepath.Join(dir, tt.name)
		var buf, prj bytes.Buffer
		if err := tt.write(&buf, g); err != nil {
			t.Fatal(err)
		}
		if err := WritePRJ(&prj); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(PRJName(path), prj.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(gdalinfo, path).CombinedOutput()
		if err != nil {
			t.Fatalf("gdalinfo %s: %v\n%s", tt.name, err, out)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("gdalinfo %s: got\n%s\nwant it to contain %q", tt.name, out, w)
			}
		}
		if strings.Contains(string(out), "Warning") || strings.Contains(string(out), "ERROR") {
			t.Errorf("gdalinfo %s: got warnings\n%s", tt.name, out)
		}
	}
}
