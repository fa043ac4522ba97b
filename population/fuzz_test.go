package population

import (
	"encoding/binary"
	"testing"

	"github.com/fastroad/fastroad/crs"
)

// The fuzz targets check that the parsers never panic and that what they
// accept is consistent (sizes, ranges); seeded with small valid inputs.

func FuzzReadGeoTIFF(f *testing.F) {
	vals := testValues(5, 4)
	for _, s := range []tiffSpec{
		{bo: binary.LittleEndian, w: 5, h: 4, bits: 32, format: 3, compression: 1, predictor: 1, rowsPerStrip: 2, x0: 1, y0: 2, dx: 0.1, dy: 0.1, vals: vals, nodata: "-9999"},
		{bo: binary.BigEndian, w: 5, h: 4, bits: 16, format: 2, compression: 8, predictor: 2, tileW: 16, tileH: 16, x0: 1, y0: 2, dx: 0.1, dy: 0.1, vals: vals},
		{bo: binary.LittleEndian, w: 5, h: 4, bits: 32, format: 3, compression: 32946, predictor: 3, x0: 1, y0: 2, dx: 0.1, dy: 0.1, vals: vals},
	} {
		f.Add(writeTIFF(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadGeoTIFF(data, Box{})
		if err != nil {
			return
		}
		if r.W*r.H != len(r.Val) || len(r.Valid) != len(r.Val) || r.W*r.H > MaxCells {
			t.Fatalf("got %dx%d with %d values", r.W, r.H, len(r.Val))
		}
	})
}

func FuzzReadASC(f *testing.F) {
	f.Add([]byte("ncols 3\nnrows 2\nxllcorner 10\nyllcorner 50\ncellsize 0.5\nNODATA_value -1\n1 2 3\n4 -1 6\n"))
	f.Add([]byte("ncols 1\nnrows 1\nxllcenter 0\nyllcenter 0\ndx 0.1\ndy 0.2\n7\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadASC(data, Box{})
		if err != nil {
			return
		}
		if r.W*r.H != len(r.Val) || len(r.Valid) != len(r.Val) {
			t.Fatalf("got %dx%d with %d values", r.W, r.H, len(r.Val))
		}
	})
}

func FuzzParsePopulationPoints(f *testing.F) {
	f.Add([]byte("lon,lat,population,name\n-75.5,39.1,120,A\n-75.6,39.2,30,B\n"))
	f.Add([]byte("lon,lat,population,crs\n115.1,35.7,1000,gcj02\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pts, _, err := ParsePoints("f.csv", data, crs.WGS84)
		if err != nil {
			return
		}
		for _, p := range pts {
			if !(p.Pop >= 0 && p.Pop <= MaxResidents) || !(p.Lon >= -181 && p.Lon <= 181) {
				t.Fatalf("got %+v", p)
			}
		}
	})
}

func FuzzReadPopulationPolygons(f *testing.F) {
	f.Add([]byte(polygonsSample), "pop")
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"population":5},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`), "")
	f.Fuzz(func(t *testing.T, data []byte, prop string) {
		as, err := ReadPolygons("f.geojson", data, prop, crs.WGS84)
		if err != nil {
			return
		}
		s := GridOf(0.5, 0.5, 1, 1, 4, 4)
		if err := Build(s, []Source{{Name: "f", Polygons: as}}, Options{}); err != nil {
			t.Fatal(err)
		}
		r := s.Sources[0]
		if !near(r.Placed+r.Outside, r.Total, 1e-3) {
			t.Fatalf("got placed %v + outside %v want %v", r.Placed, r.Outside, r.Total)
		}
	})
}
