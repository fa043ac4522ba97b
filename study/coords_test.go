package study

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestFastGeometryMatchesJSON: coordScanner gives encoding/json's values
// (and json decides whatever the scanner does not accept), on hand-made
// cases and on every geometry of the GeoJSON files in testdata.
func TestFastGeometryMatchesJSON(t *testing.T) {
	type tc struct{ typ, raw string }
	cases := []tc{
		{"Point", `[1.5, -2.25]`},
		{"Point", `[1.5,-2.25,3]`},
		{"Point", `[1]`},
		{"Point", `null`},
		{"Point", ` [ 1e-7 , 0.1 ] `},
		{"Point", `[-0, 1E+2]`},
		{"Point", `[1e400, 1]`},
		{"MultiPoint", `[]`},
		{"MultiPoint", `[[1,2],[3,4]]`},
		{"LineString", `[[1,2],[3,4]]`},
		{"LineString", `[]`},
		{"LineString", `[[1,2],null]`},
		{"MultiLineString", `[]`},
		{"MultiLineString", `[[[1,2],[3,4]],[]]`},
		{"Polygon", `[[[0,0],[1,0],[1,1],[0,0]]]`},
		{"Polygon", `[]`},
		{"Polygon", `[[]]`},
		{"MultiPolygon", `[]`},
		{"MultiPolygon", `[[[[0,0],[1,0],[1,1],[0,0]],[[0.2,0.2],[0.3,0.2],[0.3,0.3],[0.2,0.2]]],[[[5,5],[6,5],[6,6],[5,5]]]]`},
		{"MultiPolygon", `[[[[0,0],[1,0],[1,1],[0,0]]]`},
		{"MultiPolygon", `{"a":1}`},
		{"GeometryCollection", `[]`},
	}
	files, _ := filepath.Glob("../testdata/**/*.geojson")
	more, _ := filepath.Glob("../demo/*.geojson")
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var fc struct {
			Features []geoFeature `json:"features"`
		}
		if json.Unmarshal(data, &fc) != nil {
			continue
		}
		for _, ft := range fc.Features {
			if ft.Geometry != nil {
				cases = append(cases, tc{ft.Geometry.Type, string(ft.Geometry.Coordinates)})
			}
		}
	}
	fast := 0
	for i, c := range cases {
		want, wantErr := jsonGeometry(c.typ, json.RawMessage(c.raw))
		got, gotErr := geometryOf(c.typ, json.RawMessage(c.raw))
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("case %d %s %.60s: got %v, %v; want %v, %v", i, c.typ, c.raw, got, gotErr, want, wantErr)
		}
		if _, ok := fastGeometry(c.typ, []byte(c.raw)); ok {
			fast++
		}
	}
	if fast < len(cases)/2 {
		t.Errorf("the scanner read %d of %d cases, want most", fast, len(cases))
	}
	t.Logf("%d cases, %d read by the scanner", len(cases), fast)
}
