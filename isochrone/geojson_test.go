package isochrone

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenGrid is a hand-drawn 500 m grid around Hangzhou East station: a
// station in the middle, a lake (unreached) to the north-west, an outlying
// town in the south-east reached by an expressway.
func goldenGrid() *Grid {
	g := drawGrid(
		"99999999999.",
		"9..77777799.",
		"9...5555579.",
		"97..3333579.",
		"975311135799",
		"975310013579",
		"975311135799",
		"975333357999",
		"97555557994.",
		"9777777793..",
		"999999999...",
	)
	g.MinLon, g.MinLat = 120.19, 30.27
	g.DLat = 500 / (earthRadius * math.Pi / 180)
	g.DLon = g.DLat / math.Cos(30.3*math.Pi/180)
	return g
}

func TestWriteGeoJSONGolden(t *testing.T) {
	bands := Bands(goldenGrid(), []float64{2, 4, 6, 8})
	names := []string{"2 分钟", "4 分钟", "6 分钟", "8 分钟"}
	var buf bytes.Buffer
	err := WriteGeoJSON(&buf, bands, func(i int) map[string]any {
		return map[string]any{"name": names[i], "station": "杭州东", "rank": i}
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "bands.golden.geojson")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("got\n%s\nwant\n%s", buf.Bytes(), want)
	}
	// Same input, same bytes.
	var again bytes.Buffer
	if err := WriteGeoJSON(&again, Bands(goldenGrid(), []float64{2, 4, 6, 8}), func(i int) map[string]any {
		return map[string]any{"rank": i, "station": "杭州东", "name": names[i]}
	}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("got different bytes for the same bands")
	}
}

// featureCollection is the part of GeoJSON the tests read back.
type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string         `json:"type"`
		Properties map[string]any `json:"properties"`
		Geometry   struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// readBack parses WriteGeoJSON's output into polygons per feature.
func readBack(t *testing.T, data []byte) (featureCollection, [][]Polygon) {
	t.Helper()
	var fc featureCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		t.Fatalf("got type %q want FeatureCollection", fc.Type)
	}
	var out [][]Polygon
	for i, f := range fc.Features {
		if f.Type != "Feature" {
			t.Fatalf("feature %d: got type %q", i, f.Type)
		}
		var polys []Polygon
		switch f.Geometry.Type {
		case "Polygon":
			var p Polygon
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				t.Fatal(err)
			}
			polys = []Polygon{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				t.Fatal(err)
			}
			if len(polys) == 1 {
				t.Errorf("feature %d: a MultiPolygon of one polygon, want a Polygon", i)
			}
		default:
			t.Fatalf("feature %d: got geometry %q", i, f.Geometry.Type)
		}
		out = append(out, polys)
	}
	return fc, out
}

func TestWriteGeoJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		g    *Grid
	}{
		{"golden", goldenGrid()},
		{"100 m noisy", radialGrid(70, 60, 5)},
		{"10 m noisy", func() *Grid {
			g := radialGrid(70, 60, 6)
			g.DLon, g.DLat = g.DLon/10, g.DLat/10
			return g
		}()},
	}
	minutes := []float64{2, 5, 8, 20}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bands := Bands(tt.g, minutes)
			var buf bytes.Buffer
			if err := WriteGeoJSON(&buf, bands, nil); err != nil {
				t.Fatal(err)
			}
			fc, polys := readBack(t, buf.Bytes())
			if len(polys) != len(bands) {
				t.Fatalf("got %d features want %d", len(polys), len(bands))
			}
			for i, ps := range polys {
				props := fc.Features[i].Properties
				if props["minutes"] != minutes[i] {
					t.Errorf("feature %d: got minutes %v want %v", i, props["minutes"], minutes[i])
				}
				want := math.Round(bands[i].AreaKm2()*1000) / 1000
				if props["area_km2"] != want {
					t.Errorf("feature %d: got area_km2 %v want %v", i, props["area_km2"], want)
				}
				if err := checkPolygons(ps); err != nil {
					t.Errorf("feature %d after rounding: %v", i, err)
				}
				for _, p := range ps {
					for _, r := range p {
						for _, q := range r {
							for _, v := range q {
								if v != math.Round(v*1e6)/1e6 {
									t.Fatalf("feature %d: coordinate %v not rounded to 6 decimals", i, v)
								}
							}
						}
					}
				}
			}
		})
	}
}

func TestWriteGeoJSONEdgeCases(t *testing.T) {
	tiny := Polygon{{{1e-8, 1e-8}, {2e-8, 1e-8}, {2e-8, 2e-8}, {1e-8, 1e-8}}} // rounds away
	tests := []struct {
		name  string
		bands []Band
		props func(int) map[string]any
		want  string
		err   string
	}{
		{"no bands", nil, nil, "{\"type\":\"FeatureCollection\",\"features\":[\n]}\n", ""},
		{"empty band", []Band{{Minutes: 15}}, nil,
			"{\"type\":\"FeatureCollection\",\"features\":[\n" +
				`{"type":"Feature","properties":{"area_km2":0,"minutes":15},"geometry":{"type":"MultiPolygon","coordinates":[]}}` +
				"\n]}\n", ""},
		{"collapsed polygon", []Band{{Minutes: 1, Polygons: []Polygon{tiny}}}, nil,
			"{\"type\":\"FeatureCollection\",\"features\":[\n" +
				`{"type":"Feature","properties":{"area_km2":0,"minutes":1},"geometry":{"type":"MultiPolygon","coordinates":[]}}` +
				"\n]}\n", ""},
		{"negative zero and rounding", []Band{{Minutes: 0.5, Polygons: []Polygon{{{{-1e-9, 0}, {1.0000004, 0}, {1.0000004, 1.23456789}, {-1e-9, 0}}}}}}, nil,
			"{\"type\":\"FeatureCollection\",\"features\":[\n" +
				`{"type":"Feature","properties":{"area_km2":7631.721,"minutes":0.5},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1.234568],[0,0]]]}}` +
				"\n]}\n", ""},
		{"reserved key", []Band{{Minutes: 1}}, func(int) map[string]any { return map[string]any{"minutes": 2} }, "", `reserved key "minutes"`},
		{"bad property", []Band{{Minutes: 1}}, func(int) map[string]any { return map[string]any{"f": func() {}} }, "", "properties of band 0"},
		{"NaN minutes", []Band{{Minutes: math.NaN()}}, nil, "", "properties of band 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteGeoJSON(&buf, tt.bands, tt.props)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got error %v want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteGeoJSONWriteError(t *testing.T) {
	bands := Bands(radialGrid(200, 200, 9), []float64{10, 20, 30})
	for _, n := range []int{0, 100, 5000, 100000} {
		err := WriteGeoJSON(&failWriter{n: n}, bands, nil)
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("writer failing after %d bytes: got error %v want disk full", n, err)
		}
	}
}

func ExampleWriteGeoJSON() {
	g := &Grid{MinLon: 120.2, MinLat: 30.3, DLon: 0.01, DLat: 0.01, W: 3, H: 3, T: []float32{
		900, 600, 900,
		600, 0, 600,
		900, 600, 900,
	}}
	bands := Bands(g, []float64{5})
	err := WriteGeoJSON(os.Stdout, bands, func(i int) map[string]any {
		return map[string]any{"station": "杭州东"}
	})
	fmt.Println(err)
	// Output:
	// {"type":"FeatureCollection","features":[
	// {"type":"Feature","properties":{"area_km2":0.534,"minutes":5,"station":"杭州东"},"geometry":{"type":"Polygon","coordinates":[[[120.205,30.31],[120.21,30.305],[120.215,30.31],[120.21,30.315],[120.205,30.31]]]}}
	// ]}
	// <nil>
}

// TestAppendMicro: coordinates rounded to 6 decimals print exactly as
// strconv's shortest form, negative, zero, whole and tiny ones included.
func TestAppendMicro(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := []float64{0, -0.000001, 0.000001, 1, -75, 180, -180, 39.5, -75.385, 1e9 - 1, 1e9, 12.3456789, math.Inf(1)}
	for range 200000 {
		vals = append(vals, (r.Float64()-0.5)*360, (r.Float64()-0.5)*2e-5, float64(r.IntN(2000)-1000)/8)
	}
	for _, v := range vals {
		x := math.Round(v*1e6) / 1e6
		if math.IsInf(v, 0) || math.Abs(v) >= 1e9 {
			x = v
		}
		for _, y := range []float64{x, v} {
			got := string(appendMicro(nil, y))
			want := strconv.FormatFloat(y, 'f', -1, 64)
			if got != want {
				t.Fatalf("%v: got %s want %s", y, got, want)
			}
		}
	}
}
