package study

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/i18n"
)

// TestHandOff: the hand-drawn study gives report.html in English (no
// Chinese names, no lang key) and report.zh.html, a GeoPackage and a
// workbook; lang: zh swaps the pages; GCJ02 adds shifted copies.
func TestHandOff(t *testing.T) {
	s, err := Prepare(handDrawn(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Compare(context.Background(), Options{NoMaps: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.DefaultLang(); got != i18n.EN {
		t.Errorf("default language: got %s want en", got)
	}
	files, err := c.HandOff(HandOffOptions{GCJ02: true, Version: "v-test"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	for _, f := range files {
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		got[f.Name] = buf.Bytes()
	}
	for _, name := range []string{"report.html", "report.zh.html", "results.gpkg", "results.xlsx", "base-to-hsr.gcj02.geojson", "diff-faster-hsr.gcj02.geojson"} {
		if len(got[name]) == 0 {
			t.Errorf("no %s among %d files", name, len(files))
		}
	}
	if !bytes.HasPrefix(got["results.gpkg"], []byte("SQLite format 3\x00")) {
		t.Error("results.gpkg is not an SQLite file")
	}
	if !bytes.HasPrefix(got["results.xlsx"], []byte("PK")) {
		t.Error("results.xlsx is not a zip file")
	}
	if !strings.Contains(string(got["report.html"]), `lang="en"`) || !strings.Contains(string(got["report.zh.html"]), `lang="zh-CN"`) {
		t.Error("report.html should be English and report.zh.html Chinese")
	}

	s.Spec.Lang = "zh"
	if got := c.DefaultLang(); got != i18n.ZH {
		t.Errorf("lang: zh: got %s", got)
	}
	files, err = c.HandOff(HandOffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if strings.Join(names, " ") != "report.en.html report.html results.gpkg results.xlsx" {
		t.Errorf("lang zh: got files %v", names)
	}
	sheets := c.Sheets(i18n.ZH)
	if len(sheets) == 0 || sheets[0].Name != "城镇可达性" || sheets[0].Headers["minutes_to_hsr"] != "到高铁站（分钟）" {
		t.Errorf("zh sheets: got %+v", sheets[0].Name)
	}
}

// TestToGCJ02: a point in China moves (GCJ-02 offsets are a few hundred
// metres), a point outside stays; everything else is kept.
func TestToGCJ02(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"minutes":5},"geometry":{"type":"Point","coordinates":[116.1,36.0]}},` +
		`{"type":"Feature","properties":null,"geometry":{"type":"LineString","coordinates":[[-75.5,39.7],[-75.4,39.8]]}}]}`
	out, err := toGCJ02([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(out, &fc); err != nil {
		t.Fatal(err)
	}
	var p [2]float64
	_ = json.Unmarshal(fc.Features[0].Geometry.Coordinates, &p)
	if d := (p[0]-116.1)*(p[0]-116.1) + (p[1]-36)*(p[1]-36); d < 1e-6 || d > 1e-4 {
		t.Errorf("China point: got %v, want it moved by 0.001-0.01 degrees", p)
	}
	if string(fc.Features[1].Geometry.Coordinates) != "[[-75.5,39.7],[-75.4,39.8]]" {
		t.Errorf("outside China: got %s, want unchanged", fc.Features[1].Geometry.Coordinates)
	}
	if fc.Features[0].Properties["minutes"] != 5.0 {
		t.Errorf("properties: got %v", fc.Features[0].Properties)
	}
}

func TestLayerName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"base-to-hsr", "base_to_hsr"},
		{"diff-us113-expressway-entrance", "diff_us113_expressway_entrance"},
		{"1st", "l_1st"},
		{"方案", "__"},
	} {
		if got := layerName(tt.in); got != tt.want {
			t.Errorf("layerName(%q): got %q want %q", tt.in, got, tt.want)
		}
	}
}
