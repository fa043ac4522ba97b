package controllines

import (
	"errors"
	"math"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/fastroad/fastroad/graph"
)

const sq = `[[116.0,39.0],[116.01,39.0],[116.01,39.01],[116.0,39.01],[116.0,39.0]]`
const hole = `[[116.004,39.004],[116.004,39.006],[116.006,39.006],[116.006,39.004],[116.004,39.004]]`

func TestReadGeoJSON(t *testing.T) {
	tests := []struct {
		name               string
		in                 string
		polygons, lines    int
		rings              int // rings of the first polygon
		firstID, firstName string
	}{
		{"feature collection", `{"type":"FeatureCollection","features":[
			{"type":"Feature","id":"R-1","properties":{"name":"西湖"},"geometry":{"type":"Polygon","coordinates":[` + sq + `,` + hole + `]}},
			{"type":"Feature","properties":{"名称":"运河"},"geometry":{"type":"LineString","coordinates":[[116,39],[116.1,39.1,12.5]]}}]}`,
			1, 1, 2, "R-1", "西湖"},
		{"numeric id, multipolygon", `{"type":"FeatureCollection","features":[
			{"type":"Feature","id":7,"properties":null,"geometry":{"type":"MultiPolygon","coordinates":[[` + sq + `],[` + hole + `]]}}]}`,
			2, 0, 1, "7", ""},
		{"no id: index", `{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{},"geometry":null},
			{"type":"Feature","properties":{"NAME":"x"},"geometry":{"type":"MultiLineString","coordinates":[[[116,39],[116.1,39.1]],[[116,39.1],[116.1,39]]]}}]}`,
			0, 2, 0, "", ""},
		{"single feature", `{"type":"Feature","properties":{"name":"park"},"geometry":{"type":"Polygon","coordinates":[` + sq + `]}}`,
			1, 0, 1, "feature 0", "park"},
		{"bare geometry", `{"type":"Polygon","coordinates":[` + sq + `]}`, 1, 0, 1, "feature 0", ""},
		{"geometry collection", `{"type":"GeometryCollection","geometries":[{"type":"Polygon","coordinates":[` + sq + `]},{"type":"LineString","coordinates":[[116,39],[116.1,39.1]]}]}`,
			1, 1, 1, "feature 0", ""},
		{"empty collection", `{"type":"FeatureCollection","features":[]}`, 0, 0, 0, "", ""},
		{"empty coordinates", `{"type":"MultiPolygon","coordinates":[]}`, 0, 0, 0, "", ""},
		{"crs84", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[]}`, 0, 0, 0, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ReadGeoJSON(strings.NewReader(tc.in), Blue, "blue.geojson")
			if err != nil {
				t.Fatalf("got error %v want none", err)
			}
			if l.Kind != Blue || l.Source != "blue.geojson" {
				t.Errorf("kind, source: got %v %q want blue blue.geojson", l.Kind, l.Source)
			}
			if len(l.Polygons) != tc.polygons || len(l.Lines) != tc.lines {
				t.Fatalf("got %d polygons %d lines want %d %d", len(l.Polygons), len(l.Lines), tc.polygons, tc.lines)
			}
			if tc.polygons > 0 {
				p := l.Polygons[0]
				if len(p.Rings) != tc.rings || p.ID != tc.firstID || p.Name != tc.firstName {
					t.Errorf("first polygon: got %d rings id %q name %q want %d %q %q", len(p.Rings), p.ID, p.Name, tc.rings, tc.firstID, tc.firstName)
				}
				if got, want := p.Rings[0][1], (graph.Point{Lon: 116.01, Lat: 39}); got != want {
					t.Errorf("position: got %v want %v", got, want)
				}
			}
		})
	}
	// Names of lines and the index-based id.
	l, err := ReadGeoJSON(strings.NewReader(tests[2].in), Green, "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Lines[0].ID != "feature 1" || l.Lines[0].Name != "x" || l.Lines[1].ID != "feature 1" {
		t.Errorf("lines: got %q %q, %q want feature 1, x, feature 1", l.Lines[0].ID, l.Lines[0].Name, l.Lines[1].ID)
	}
}

func TestReadGeoJSONErrors(t *testing.T) {
	fc := func(geom string) string {
		return `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[` + sq + `]}},
			{"type":"Feature","properties":{},"geometry":` + geom + `}]}`
	}
	tests := []struct {
		name, in string
		want     []string // substrings of the message
	}{
		{"unclosed ring", fc(`{"type":"Polygon","coordinates":[[[116,39],[116.1,39],[116.1,39.1],[116,39.1]]]}`), []string{"feature 1", "ring 0 is not closed", "116.000000,39.000000", "116.000000,39.100000"}},
		{"short ring", fc(`{"type":"Polygon","coordinates":[[[116,39],[116.1,39],[116,39]]]}`), []string{"feature 1", "ring 0 has 3 positions, want at least 4"}},
		{"hole short", fc(`{"type":"Polygon","coordinates":[` + sq + `,[[116,39],[116,39]]]}`), []string{"feature 1", "ring 1 has 2 positions"}},
		{"non-numeric", fc(`{"type":"Polygon","coordinates":[[[116,39],[116.1,"39"],[116.1,39.1],[116,39]]]}`), []string{"feature 1", "ring 0", "position 1: coordinate 1 is \"39\", want a number"}},
		{"position not an array", fc(`{"type":"LineString","coordinates":[[116,39],116.1]}`), []string{"feature 1", "linestring", "position 1 is 116.1"}},
		{"one number", fc(`{"type":"LineString","coordinates":[[116,39],[116.1]]}`), []string{"feature 1", "position 1: 1 numbers, want at least 2"}},
		{"one position", fc(`{"type":"LineString","coordinates":[[116,39]]}`), []string{"feature 1", "1 position, want at least 2"}},
		{"unsupported point", fc(`{"type":"Point","coordinates":[116,39]}`), []string{"feature 1", "unsupported geometry type Point"}},
		{"unknown type", fc(`{"type":"Circle","coordinates":[116,39]}`), []string{"feature 1", `unsupported geometry type "Circle"`}},
		{"out of range", fc(`{"type":"LineString","coordinates":[[116,39],[200,39]]}`), []string{"feature 1", "position 1: out of range: 200, 39"}},
		{"lat first", fc(`{"type":"LineString","coordinates":[[39,116],[39,117]]}`), []string{"feature 1", "latitude first"}},
		{"metres", fc(`{"type":"LineString","coordinates":[[440000,4400000],[440100,4400000]]}`), []string{"feature 1", "projected coordinates"}},
		{"multipolygon part", fc(`{"type":"MultiPolygon","coordinates":[[` + sq + `],[[[116,39],[117,39]]]]}`), []string{"feature 1", "multipolygon part 1: ring 0 has 2 positions"}},
		{"coordinates missing", fc(`{"type":"Polygon"}`), []string{"feature 1", "Polygon has no coordinates"}},
		{"coordinates wrong shape", fc(`{"type":"Polygon","coordinates":{"a":1}}`), []string{"feature 1", "want an array of rings"}},
		{"not a feature", `{"type":"FeatureCollection","features":[{"type":"Polygon","coordinates":[]}]}`, []string{"feature 0", `type is "Polygon", want "Feature"`}},
		{"feature not an object", `{"type":"FeatureCollection","features":[3]}`, []string{"feature 0", "want an object"}},
		{"no features", `{"type":"FeatureCollection"}`, []string{`no "features" array`}},
		{"no type", `{"features":[]}`, []string{`no "type" member`}},
		{"syntax", `{"type":"FeatureCollection",`, []string{"invalid JSON"}},
		{"syntax inside", `{"type":"FeatureCollection","features":[}`, []string{"invalid JSON at byte"}},
		{"empty", ``, []string{"empty input"}},
		{"array", `[1,2]`, []string{"want an object"}},
		{"type not string", `{"type":3}`, []string{`member "type" is a JSON number, want a string`}},
		{"projected crs", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`, []string{"crs", "EPSG:3857", "want WGS-84"}},
		{"nested collection", `{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[]}]}`, []string{"geometry collection member 0: nested"}},
		{"feature as geometry", fc(`{"type":"Feature"}`), []string{"feature 1", "Feature where a geometry was expected"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadGeoJSON(strings.NewReader(tc.in), Purple, "x")
			if err == nil {
				t.Fatalf("got no error want one containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q want it to contain %q", err, w)
				}
			}
			if msg := err.Error(); msg != strings.ToLower(msg[:1])+msg[1:] && !strings.HasPrefix(msg, "FeatureCollection") {
				t.Errorf("got %q want a lower-case message", msg)
			}
		})
	}
	readErr := errors.New("disk on fire")
	if _, err := ReadGeoJSON(iotest.ErrReader(readErr), Blue, ""); !errors.Is(err, readErr) {
		t.Errorf("read error: got %v want it wrapped", err)
	}
	if _, err := ReadGeoJSON(strings.NewReader(`{"type":"FeatureCollection","features":[]}`), Kind(7), ""); err == nil {
		t.Error("invalid kind: got no error want one")
	}
}

// TestReadGeoJSONCheck reads a file and checks a road against it.
func TestReadGeoJSONCheck(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"湖"},"geometry":{"type":"Polygon","coordinates":[` + sq + `,` + hole + `]}}]}`
	l, err := ReadGeoJSON(strings.NewReader(in), Blue, "blue.geojson")
	if err != nil {
		t.Fatal(err)
	}
	route := []graph.Point{{Lon: 115.99, Lat: 39.005}, {Lon: 116.02, Lat: 39.005}}
	rep := Check(route, []Layer{l}, Options{})
	want := rep.Length * (0.01 - 0.002) / 0.03
	if got := rep.Kinds[Blue].Inside; math.Abs(got-want) > 0.01 {
		t.Errorf("inside: got %.3f want %.3f", got, want)
	}
	if f := rep.Kinds[Blue].Features; len(f) != 1 || f[0].Name != "湖" || f[0].Crossings != 4 {
		t.Errorf("features: got %+v want 湖 with 4 crossings", f)
	}
}

// FuzzReadGeoJSON: ReadGeoJSON never panics, what it accepts is valid, and
// Check on it never panics and keeps its invariants.
func FuzzReadGeoJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[` + sq + `,` + hole + `]}}]}`,
		`{"type":"MultiLineString","coordinates":[[[116,39],[116.1,39.1]],[[116,39.1],[116.1,39]]]}`,
		`{"type":"MultiPolygon","coordinates":[[` + sq + `]]}`,
		`{"type":"Feature","id":1,"geometry":{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[116,39],[116.01,39.01]]}]}}`,
		`{"type":"Polygon","coordinates":[[[116,39],[116.1,39],[116.1,39.1],[116,39.1]]]}`,
		`{"type":"LineString","coordinates":[[116,39],[116.1,"x"]]}`,
		`[]`, `null`, `{}`, `{"type":"FeatureCollection","features":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ReadGeoJSON(strings.NewReader(string(data)), Green, "fuzz")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, p := range l.Polygons {
			if len(p.Rings) == 0 {
				t.Fatal("polygon without rings")
			}
			for _, r := range p.Rings {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Fatalf("invalid ring %v", r)
				}
				for _, q := range r {
					if !valid(q) {
						t.Fatalf("position out of range %v", q)
					}
				}
			}
		}
		for _, ln := range l.Lines {
			if len(ln.Points) < 2 {
				t.Fatalf("line with %d points", len(ln.Points))
			}
		}
		// A road across the layer's extent.
		lo, hi := graph.Point{Lon: 180, Lat: 90}, graph.Point{Lon: -180, Lat: -90}
		for _, p := range l.Polygons {
			for _, q := range p.Rings[0] {
				lo.Lon, lo.Lat = min(lo.Lon, q.Lon), min(lo.Lat, q.Lat)
				hi.Lon, hi.Lat = max(hi.Lon, q.Lon), max(hi.Lat, q.Lat)
			}
		}
		if lo.Lon > hi.Lon {
			return
		}
		rep := Check([]graph.Point{lo, hi}, []Layer{l}, Options{RoadWidth: 10})
		kr := rep.Kinds[Green]
		if kr.Inside < 0 || kr.Inside > rep.Length*(1+1e-9)+1e-6 || kr.Share < 0 || kr.Share > 1 || math.IsNaN(kr.Inside) {
			t.Fatalf("inside %g share %g of length %g", kr.Inside, kr.Share, rep.Length)
		}
	})
}
