package isochrone

import (
	"bytes"
	"math"
	"testing"
)

// fuzzGrid turns bytes into a grid of up to 12 x 12 cells: data[0] and
// data[1] give the size, data[2] the threshold (seconds, odd values fall
// between the times), then one byte a cell: 255 unreached, 254 NaN, else the
// time in seconds, so ties with the threshold are common.
func fuzzGrid(data []byte) (*Grid, float64, bool) {
	if len(data) < 3 {
		return nil, 0, false
	}
	w, h := 1+int(data[0]%12), 1+int(data[1]%12)
	thr := float64(data[2] / 2)
	if data[2]%2 == 1 {
		thr += 0.5
	}
	g := &Grid{MinLon: 116, MinLat: 39.9, DLon: 0.01, DLat: 0.007, W: w, H: h, T: make([]float32, w*h)}
	for k := range g.T {
		b := byte(255)
		if 3+k < len(data) {
			b = data[3+k]
		}
		switch b {
		case 255:
			g.T[k] = float32(math.Inf(1))
		case 254:
			g.T[k] = float32(math.NaN())
		default:
			g.T[k] = float32(b / 2)
		}
	}
	return g, thr, true
}

func FuzzContour(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{2, 2, 10, 0, 255, 0, 255, 0, 255, 0, 255, 0})
	f.Add([]byte{1, 1, 101, 0, 200, 200, 0})                    // saddle, joined
	f.Add([]byte{1, 1, 99, 0, 200, 200, 0})                     // saddle, separated
	f.Add([]byte{4, 4, 20, 0, 0, 0, 0, 0, 0, 255, 255, 255, 0}) // ring with a hole
	f.Add([]byte{6, 6, 30, 10, 20, 30, 40, 50, 60, 10, 20, 30, 40, 50, 60, 10, 20, 30, 40, 50, 60, 254, 255, 30, 30, 30, 30})
	f.Fuzz(func(t *testing.T, data []byte) {
		g, thr, ok := fuzzGrid(data)
		if !ok {
			return
		}
		polys := Contour(g, thr)
		if err := checkPolygons(polys); err != nil {
			t.Fatalf("%dx%d threshold %v: %v\nT = %v", g.W, g.H, thr, err, g.T)
		}
		if err := checkSamples(g, thr, polys); err != nil {
			t.Fatalf("%dx%d: %v\nT = %v", g.W, g.H, err, g.T)
		}
		b := Band{Minutes: thr / 60, Polygons: polys}
		loc := NewLocator(b)
		for j := -1; j <= g.H; j++ {
			for i := -1; i <= g.W; i++ {
				lon, lat := g.Centre(i, j)
				lon += g.DLon * 0.3
				lat += g.DLat * 0.1
				if loc.Contains(lon, lat) != b.Contains(lon, lat) {
					t.Fatalf("Locator and Band disagree at (%v, %v)", lon, lat)
				}
			}
		}
		// Simplified, they are still valid and as many.
		for _, tol := range []float64{0.5, 2} {
			sb := Simplify([]Band{b}, g, tol)
			if err := checkPolygons(sb[0].Polygons); err != nil {
				t.Fatalf("simplified by %v cells: %v", tol, err)
			}
			if describe(sb[0].Polygons) != describe(polys) {
				t.Fatalf("simplified by %v cells: got rings per polygon %q want %q", tol, describe(sb[0].Polygons), describe(polys))
			}
		}
		// Written and read back, the polygons are still valid.
		var buf bytes.Buffer
		if err := WriteGeoJSON(&buf, []Band{b}, nil); err != nil {
			t.Fatal(err)
		}
		_, back := readBack(t, buf.Bytes())
		if err := checkPolygons(back[0]); err != nil {
			t.Fatalf("after GeoJSON: %v", err)
		}
	})
}
