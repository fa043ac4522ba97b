package population

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/isochrone"
)

// testValues is a w×h top-down grid with a nodata cell (-9999) at (1, 0)
// and values that fit every sample type (0..250).
func testValues(w, h int) []float64 {
	v := make([]float64, w*h)
	for k := range v {
		v[k] = float64((k*7)%250) + 1
	}
	v[1] = -9999
	return v
}

func TestReadGeoTIFFVariants(t *testing.T) {
	const w, h = 21, 13
	vals := testValues(w, h)
	type variant struct {
		bits, format, predictor int
	}
	variants := []variant{
		{32, 3, 1}, {32, 3, 3}, {64, 3, 1}, {64, 3, 3},
		{16, 2, 1}, {16, 2, 2}, {8, 1, 1}, {8, 1, 2}, {32, 1, 2}, {16, 1, 1},
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, v := range variants {
			for _, comp := range []int{1, 8, 32946} {
				for _, tiled := range []bool{false, true} {
					name := fmt.Sprintf("%v/%dbit-fmt%d-pred%d/comp%d/tiled=%v", bo, v.bits, v.format, v.predictor, comp, tiled)
					t.Run(name, func(t *testing.T) {
						spec := tiffSpec{bo: bo, w: w, h: h, bits: v.bits, format: v.format, compression: comp, predictor: v.predictor,
							rowsPerStrip: 4, x0: -75.8, y0: 39.9, dx: 0.01, dy: 0.008, vals: vals}
						if v.bits == 8 || v.format == 1 {
							spec.nodata = "0"
							spec.vals = append([]float64(nil), vals...)
							spec.vals[1] = 0
						} else {
							spec.nodata = "-9999"
						}
						if tiled {
							spec.tileW, spec.tileH = 16, 8
						}
						r, err := ReadGeoTIFF(writeTIFF(spec), Box{})
						if err != nil {
							t.Fatalf("got error %v", err)
						}
						checkRaster(t, r, spec)
					})
				}
			}
		}
	}
}

// checkRaster compares a raster with the spec it was written from.
func checkRaster(t *testing.T, r *Raster, spec tiffSpec) {
	t.Helper()
	if r.W != spec.w || r.H != spec.h {
		t.Fatalf("got %dx%d want %dx%d", r.W, r.H, spec.w, spec.h)
	}
	if math.Abs(r.MinLon-(spec.x0+spec.dx/2)) > 1e-12 || math.Abs(r.MinLat-(spec.y0-(float64(spec.h)-0.5)*spec.dy)) > 1e-12 {
		t.Errorf("got south-west centre %v,%v want %v,%v", r.MinLon, r.MinLat, spec.x0+spec.dx/2, spec.y0-(float64(spec.h)-0.5)*spec.dy)
	}
	for y := 0; y < spec.h; y++ {
		for x := 0; x < spec.w; x++ {
			k := (spec.h-1-y)*spec.w + x
			want := spec.vals[y*spec.w+x]
			if y == 0 && x == 1 {
				if r.Valid[k] {
					t.Fatalf("cell (%d,%d) got valid %v want nodata", x, y, r.Val[k])
				}
				continue
			}
			if !r.Valid[k] || float64(r.Val[k]) != want {
				t.Fatalf("cell (%d,%d) got %v (valid %v) want %v", x, y, r.Val[k], r.Valid[k], want)
			}
		}
	}
}

// TestReadGeoTIFFIsochroneWriter reads the file the repository's own
// writer makes (float32, strips of one row, GDAL_NODATA -9999).
func TestReadGeoTIFFIsochroneWriter(t *testing.T) {
	g := &isochrone.Grid{MinLon: -75.5, MinLat: 39.0, DLon: 0.01, DLat: 0.005, W: 3, H: 2,
		T: []float32{60, 120, float32(math.Inf(1)), 180, 240, 300}}
	var buf bytes.Buffer
	if err := isochrone.WriteGeoTIFF(&buf, g); err != nil {
		t.Fatal(err)
	}
	r, err := ReadGeoTIFF(buf.Bytes(), Box{})
	if err != nil {
		t.Fatal(err)
	}
	if r.W != 3 || r.H != 2 || math.Abs(r.MinLon+75.5) > 1e-12 || math.Abs(r.MinLat-39) > 1e-12 {
		t.Fatalf("got %dx%d at %v,%v want 3x2 at -75.5,39", r.W, r.H, r.MinLon, r.MinLat)
	}
	want := []float32{1, 2, 0, 3, 4, 5} // minutes, row 0 south
	for k := range want {
		if r.Val[k] != want[k] || r.Valid[k] != (k != 2) {
			t.Errorf("cell %d got %v valid %v want %v valid %v", k, r.Val[k], r.Valid[k], want[k], k != 2)
		}
	}
}

func TestReadGeoTIFFCrop(t *testing.T) {
	const w, h = 40, 30
	vals := testValues(w, h)
	spec := tiffSpec{bo: binary.LittleEndian, w: w, h: h, bits: 32, format: 3, compression: 8, predictor: 3,
		tileW: 16, tileH: 16, x0: 10, y0: 50, dx: 0.1, dy: 0.1, vals: vals, nodata: "-9999"}
	// box 11.05..11.95 E, 47.05..47.95 N: columns 10..19, rows 20..29 from the top
	r, err := ReadGeoTIFF(writeTIFF(spec), Box{11.05, 47.05, 11.95, 47.95})
	if err != nil {
		t.Fatal(err)
	}
	if r.W != 10 || r.H != 10 || math.Abs(r.MinLon-11.05) > 1e-9 || math.Abs(r.MinLat-47.05) > 1e-9 {
		t.Fatalf("got %dx%d at %v,%v want 10x10 at 11.05,47.05", r.W, r.H, r.MinLon, r.MinLat)
	}
	// the south-west cell of the window is row 29 from the top, column 10
	if got, want := r.Val[0], float32(vals[29*w+10]); got != want {
		t.Errorf("got %v want %v", got, want)
	}
	if got, want := r.Val[9*10+9], float32(vals[20*w+19]); got != want {
		t.Errorf("got %v want %v", got, want)
	}
}

func TestReadGeoTIFFErrors(t *testing.T) {
	good := tiffSpec{bo: binary.LittleEndian, w: 4, h: 3, bits: 32, format: 3, compression: 1, predictor: 1,
		x0: 0, y0: 1, dx: 0.1, dy: 0.1, vals: make([]float64, 12)}
	projected := good
	projected.geoKeys = []uint16{1, 1, 0, 1, 1024, 0, 1, 1}
	badPred := good
	badPred.format, badPred.bits, badPred.predictor = 1, 16, 3
	big := good
	big.dx = 20
	truncated := writeTIFF(good)
	truncated = truncated[:40]
	bigTIFF := []byte("II\x2b\x00\x08\x00\x00\x00")
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"bigtiff", bigTIFF, "BigTIFF"},
		{"projected", writeTIFF(projected), "GTModelTypeGeoKey"},
		{"int predictor 3", writeTIFF(badPred), "predictor (tag 317)"},
		{"cell size", writeTIFF(big), "ModelPixelScale"},
		{"truncated", truncated, "past the end"},
		{"png", []byte("\x89PNG\r\n\x1a\n...."), "not a TIFF"},
	} {
		_, err := ReadGeoTIFF(c.data, Box{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v want an error with %q", c.name, err, c.want)
		}
	}
}

// TestReadGeoTIFFGDAL checks files written by GDAL when it is installed.
func TestReadGeoTIFFGDAL(t *testing.T) {
	if _, err := exec.LookPath("gdal_translate"); err != nil {
		t.Skip("gdal_translate not installed: GDAL-written fixtures not checked (optional)")
	}
	dir := t.TempDir()
	asc := filepath.Join(dir, "in.asc")
	os.WriteFile(asc, []byte("ncols 3\nnrows 2\nxllcorner 10\nyllcorner 50\ncellsize 0.5\nNODATA_value -1\n1 2 3\n4 -1 6\n"), 0o644)
	for _, co := range [][]string{
		{"-ot", "Float32", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3", "-co", "TILED=YES", "-co", "BLOCKXSIZE=16", "-co", "BLOCKYSIZE=16"},
		{"-ot", "Int16", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2"},
		{"-ot", "Byte", "-a_nodata", "255"},
	} {
		out := filepath.Join(dir, "out.tif")
		args := append(append([]string{"-q", "-a_srs", "EPSG:4326"}, co...), asc, out)
		if b, err := exec.Command("gdal_translate", args...).CombinedOutput(); err != nil {
			t.Fatalf("gdal_translate %v: %v\n%s", args, err, b)
		}
		data, _ := os.ReadFile(out)
		r, err := ReadGeoTIFF(data, Box{})
		if err != nil {
			t.Fatalf("%v: %v", co, err)
		}
		sum := 0.0
		for k, v := range r.Val {
			if r.Valid[k] {
				sum += float64(v)
			}
		}
		if sum != 16 {
			t.Errorf("%v: got total %v want 16", co, sum)
		}
	}
}
