package population

import (
	"strings"
	"testing"

	"github.com/fastroad/fastroad/crs"
)

func TestParsePoints(t *testing.T) {
	data := "\xef\xbb\xbfLon,Lat,Population,name,crs\n-75.5,39.1,120,A,\n-75.6,39.2,30.5,A,wgs84\n\n115.1,35.7,1000,濮阳,gcj02\n"
	pts, warn, err := ParsePoints("p.csv", []byte(data), crs.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 3 || pts[0].Pop != 120 || pts[1].Pop != 30.5 || pts[1].Line != 3 || pts[2].Line != 5 {
		t.Fatalf("got %+v", pts)
	}
	if len(warn) != 1 || !strings.Contains(warn[0], `p.csv:3: name "A" also on line 2`) {
		t.Errorf("got warnings %v want one for A", warn)
	}
	// GCJ-02 is shifted back to WGS-84 by a few hundred metres
	if d := pts[2].Lon - 115.1; d > -0.001 || d < -0.01 {
		t.Errorf("got lon %v want a GCJ-02 shift west of 115.1", pts[2].Lon)
	}
	for _, c := range []struct{ data, want string }{
		{"", "empty file"},
		{"lon,lat\n1,2\n", `no "population" column`},
		{"lon,lat,population\n1,2,-5\n", "p.csv:2: column population: \"-5\": want a number from 0 to 1e+08"},
		{"lon,lat,population\n1,2,NaN\n", "column population"},
		{"lon,lat,population\n190,2,5\n", "column lon"},
		{"lon,lat,population\n1,2\n", "missing population"},
		{"lon,lat,population,crs\n1,2,3,utm\n", "column crs"},
		{"lon,lat,population\n", "no points"},
		{"lon,lat,lon,population\n", "given twice"},
	} {
		_, _, err := ParsePoints("p.csv", []byte(c.data), crs.WGS84)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v want an error with %q", c.data, err, c.want)
		}
	}
}

const polygonsSample = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"North","pop":"1200"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}},
{"type":"Feature","properties":{"pop":300},"geometry":{"type":"MultiPolygon","coordinates":[[[[2,0],[4,0],[4,2],[2,2]]],[[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}}]}`

func TestReadPolygons(t *testing.T) {
	as, err := ReadPolygons("t.geojson", []byte(polygonsSample), "pop", crs.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[0].Name != "North" || as[0].Pop != 1200 || as[1].Name != "feature 1" || len(as[1].Shape) != 2 {
		t.Fatalf("got %+v", as)
	}
	if r := as[1].Shape[0][0]; len(r) != 5 || r[0] != r[4] {
		t.Errorf("got ring %v want it closed", r)
	}
	for _, c := range []struct{ data, prop, want string }{
		{polygonsSample, "", `feature 0 (North): no "population" property`},
		{`{"type":"Feature"}`, "", "want a FeatureCollection"},
		{`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"population":-1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`, "", "want a number from 0"},
		{`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"population":1},"geometry":{"type":"Point","coordinates":[0,0]}}]}`, "", `geometry "Point"`},
		{`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"population":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0]]]}}]}`, "", "at least 4"},
		{`{"type":"FeatureCollection","features":[]}`, "", "no features"},
		{`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"population":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,100],[0,0]]]}}]}`, "", "lat -90..90"},
		{`[`, "", "t.geojson"},
	} {
		_, err := ReadPolygons("t.geojson", []byte(c.data), c.prop, crs.WGS84)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v want an error with %q", err, c.want)
		}
	}
}
