package isochrone_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/population"
)

// TestWriteGeoTIFF reads the grid back with fastroad's own GeoTIFF reader
// (deflate, floating-point predictor): minutes per cell, NoData where
// unreached, and the georeferencing of the south-west cell's centre.
func TestWriteGeoTIFF(t *testing.T) {
	g := &isochrone.Grid{MinLon: 116, MinLat: 36, DLon: 0.01, DLat: 0.008, W: 3, H: 2,
		T: []float32{60, 120, float32(math.Inf(1)), 180, 240, 300}}
	var buf bytes.Buffer
	if err := isochrone.WriteGeoTIFF(&buf, g); err != nil {
		t.Fatal(err)
	}
	r, err := population.ReadGeoTIFF(buf.Bytes(), population.Box{})
	if err != nil {
		t.Fatal(err)
	}
	if r.W != 3 || r.H != 2 || math.Abs(r.DLon-0.01) > 1e-12 || math.Abs(r.DLat-0.008) > 1e-12 {
		t.Fatalf("got %dx%d cells of %gx%g, want 3x2 of 0.01x0.008", r.W, r.H, r.DLon, r.DLat)
	}
	if math.Abs(r.MinLon-116) > 1e-9 || math.Abs(r.MinLat-36) > 1e-9 {
		t.Errorf("south-west cell centre %v,%v, want 116,36", r.MinLon, r.MinLat)
	}
	// minutes, south row first as the grid; the unreached cell is nodata
	want := []float32{1, 2, -1, 3, 4, 5}
	for k, w := range want {
		if w < 0 {
			if r.Valid[k] {
				t.Errorf("cell %d: valid %v, want nodata", k, r.Val[k])
			}
			continue
		}
		if !r.Valid[k] || r.Val[k] != w {
			t.Errorf("cell %d: got %v (valid %v), want %v", k, r.Val[k], r.Valid[k], w)
		}
	}
}
