package osm

import (
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	posm "github.com/paulmach/osm"

	"github.com/fastroad/fastroad/controllines"
	"github.com/fastroad/fastroad/graph"
)

func areasOpen(file string) Opener {
	return func() (io.ReadCloser, error) { return os.Open(filepath.Join("..", "testdata", file)) }
}

func readAreas(t testing.TB, file string, opt AreaOptions) *ControlAreas {
	t.Helper()
	a, err := ReadControlAreas(context.Background(), areasOpen(file), opt)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return a
}

func polygonIDs(l controllines.Layer) []string {
	var ids []string
	for _, p := range l.Polygons {
		ids = append(ids, p.ID)
	}
	return ids
}

// TestReadControlAreasFixture reads the hand-made areas.osm (see its
// comment for the map).
func TestReadControlAreasFixture(t *testing.T) {
	a := readAreas(t, "controllines/areas.osm", AreaOptions{})
	if _, ok := a.Layers[controllines.Red]; ok {
		t.Error("red layer: got one want none (red lines are never derived)")
	}
	blue, green, purple := a.Layers[controllines.Blue], a.Layers[controllines.Green], a.Layers[controllines.Purple]
	for _, tc := range []struct {
		kind controllines.Kind
		got  []string
		want []string
	}{
		{controllines.Blue, polygonIDs(blue), []string{"relation/201", "relation/201"}},
		{controllines.Green, polygonIDs(green), []string{"way/104"}},
		{controllines.Purple, polygonIDs(purple), []string{"way/105", "relation/203"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%v polygons: got %q want %q", tc.kind, tc.got, tc.want)
		}
	}
	// The lake: outer ring of ways 101 and 102 joined, the inner ring, and
	// the island inside the inner ring as a polygon of its own.
	if len(blue.Polygons) == 2 {
		lake, island := blue.Polygons[0], blue.Polygons[1]
		if lake.Name != "Lake" || len(lake.Rings) != 2 || len(lake.Rings[0]) != 5 || len(lake.Rings[1]) != 5 {
			t.Errorf("lake: got name %q, %d rings want Lake with 2 rings of 5 positions", lake.Name, len(lake.Rings))
		} else {
			for _, c := range []graph.Point{{Lon: 116, Lat: 40}, {Lon: 116.02, Lat: 40}, {Lon: 116.02, Lat: 40.02}, {Lon: 116, Lat: 40.02}} {
				if !slices.Contains(lake.Rings[0], c) {
					t.Errorf("lake outer ring: got %v want it to have corner %v", lake.Rings[0], c)
				}
			}
			if lake.Rings[1][0] != (graph.Point{Lon: 116.005, Lat: 40.005}) {
				t.Errorf("lake hole: got %v want the ring of way 103", lake.Rings[1])
			}
		}
		if len(island.Rings) != 1 || island.Rings[0][0] != (graph.Point{Lon: 116.008, Lat: 40.008}) {
			t.Errorf("island: got %v want the ring of way 113", island.Rings)
		}
	}
	if len(purple.Polygons) == 2 {
		ot := purple.Polygons[1]
		if ot.Name != "Old Town" || len(ot.Rings) != 1 || len(ot.Rings[0]) != 5 {
			t.Errorf("old town: got %q %v want Old Town, one ring of 5 positions", ot.Name, ot.Rings)
		}
	}
	if len(blue.Lines) != 1 || blue.Lines[0].ID != "way/106" || blue.Lines[0].Name != "River" {
		t.Errorf("blue lines: got %+v want way/106 River only (streams skipped)", blue.Lines)
	}
	want := AreaStats{Ways: 2, Relations: 2, Lines: 1, IncompleteRings: 2, MissingWays: 1, MissingNodeRefs: 1, Dropped: 2}
	if a.Stats != want {
		t.Errorf("stats: got %+v want %+v", a.Stats, want)
	}
	for k, l := range a.Layers {
		if l.Kind != k || len(l.Source) < 20 {
			t.Errorf("layer %v: got kind %v source %q", k, l.Kind, l.Source)
		}
	}
	if s := blue.Source; !strings.Contains(s, "waterway=river|canal as lines") || !strings.Contains(s, "1 incomplete rings skipped") {
		t.Errorf("blue source: got %q", s)
	}

	// Streams on request.
	b := readAreas(t, "controllines/areas.osm", AreaOptions{WaterwayLines: []string{"river", "stream"}})
	if got := len(b.Layers[controllines.Blue].Lines); got != 2 {
		t.Errorf("lines with streams: got %d want 2", got)
	}

	// A road along 40.01°N from 115.99°E to 116.10°E: in the lake between
	// 116.000 and 116.005 and between 116.015 and 116.020, and on the island
	// from 116.008 to 116.012; across the river; through the park, the
	// castle and the old town.
	road := []graph.Point{{Lon: 115.99, Lat: 40.01}, {Lon: 116.10, Lat: 40.01}}
	rep := controllines.Check(road, []controllines.Layer{blue, green, purple}, controllines.Options{RoadWidth: 20})
	frac := func(dlon float64) float64 { return rep.Length * dlon / 0.11 }
	for _, tc := range []struct {
		kind      controllines.Kind
		inside    float64
		crossings int
		lines     int
	}{
		{controllines.Blue, frac(0.014), 6, 1},
		{controllines.Green, frac(0.02), 2, 0},
		{controllines.Purple, frac(0.02), 4, 0},
	} {
		kr := rep.Kinds[tc.kind]
		if math.Abs(kr.Inside-tc.inside) > 0.5 || kr.Crossings != tc.crossings || kr.LineCrossings != tc.lines {
			t.Errorf("%v: got %.1f m inside, %d crossings, %d line crossings want %.1f, %d, %d",
				tc.kind, kr.Inside, kr.Crossings, kr.LineCrossings, tc.inside, tc.crossings, tc.lines)
		}
	}
}

func TestJoinRings(t *testing.T) {
	tests := []struct {
		name       string
		segs       [][]int64
		rings      [][]int64
		incomplete int
	}{
		{"closed way", [][]int64{{1, 2, 3, 1}}, [][]int64{{1, 2, 3, 1}}, 0},
		{"two halves", [][]int64{{1, 2, 3}, {3, 4, 1}}, [][]int64{{1, 2, 3, 4, 1}}, 0},
		{"reversed", [][]int64{{1, 2}, {4, 3, 2}, {4, 1}}, [][]int64{{1, 2, 3, 4, 1}}, 0},
		{"gap counts once", [][]int64{{2, 3}, {1, 2}, {3, 4}}, nil, 1},
		{"two rings", [][]int64{{1, 2, 3}, {7, 8, 9, 7}, {3, 1}}, [][]int64{{7, 8, 9, 7}, {1, 2, 3, 1}}, 0},
		{"degenerate", [][]int64{{1, 2, 1}, {5}}, nil, 1},
	}
	for _, tc := range tests {
		rings, inc := joinRings(tc.segs)
		if inc != tc.incomplete || len(rings) != len(tc.rings) {
			t.Errorf("%s: got %v, %d incomplete want %v, %d", tc.name, rings, inc, tc.rings, tc.incomplete)
			continue
		}
		for i := range rings {
			if !slices.Equal(rings[i], tc.rings[i]) {
				t.Errorf("%s: ring %d got %v want %v", tc.name, i, rings[i], tc.rings[i])
			}
		}
	}
}

func TestAreaKinds(t *testing.T) {
	tests := []struct {
		tags []string
		want kindSet
	}{
		{[]string{"natural", "water"}, setBlue},
		{[]string{"natural", "water", "water", "reservoir"}, setBlue},
		{[]string{"water", "pond"}, setBlue},
		{[]string{"water", "no"}, 0},
		{[]string{"waterway", "riverbank"}, setBlue},
		{[]string{"waterway", "river"}, 0},
		{[]string{"landuse", "reservoir"}, setBlue},
		{[]string{"landuse", "basin"}, setBlue},
		{[]string{"leisure", "park"}, setGreen},
		{[]string{"leisure", "nature_reserve"}, setGreen},
		{[]string{"landuse", "forest"}, setGreen},
		{[]string{"natural", "wood"}, setGreen},
		{[]string{"landuse", "recreation_ground"}, setGreen},
		{[]string{"landuse", "grass"}, 0},
		{[]string{"boundary", "national_park"}, setGreen},
		{[]string{"boundary", "protected_area"}, setGreen},
		{[]string{"boundary", "protected_area", "protect_class", "5"}, setGreen},
		{[]string{"boundary", "protected_area", "protect_class", "22"}, setPurple},
		{[]string{"boundary", "protected_area", "protect_class", "25"}, 0},
		{[]string{"historic", "castle"}, setPurple},
		{[]string{"historic", "no"}, 0},
		{[]string{"heritage", "2"}, setPurple},
		{[]string{"tourism", "attraction", "historic", "yes"}, setPurple},
		{[]string{"tourism", "attraction"}, 0},
		{[]string{"leisure", "park", "historic", "yes"}, setGreen | setPurple},
		{[]string{"highway", "primary"}, 0},
		{nil, 0},
	}
	for _, tc := range tests {
		var tags posm.Tags
		for i := 0; i+1 < len(tc.tags); i += 2 {
			tags = append(tags, posm.Tag{Key: tc.tags[i], Value: tc.tags[i+1]})
		}
		if got := areaKinds(tags); got != tc.want {
			t.Errorf("%v: got %b want %b", tc.tags, got, tc.want)
		}
	}
}

// TestReadControlAreasDelaware: the real extract has water, parks and
// historic areas; the Chesapeake and Delaware Canal is a blue line and
// Lums Pond a blue area.
func TestReadControlAreasDelaware(t *testing.T) {
	start := time.Now()
	a := readAreas(t, "delaware-latest.osm.pbf", AreaOptions{})
	t.Logf("read in %v; stats %+v", time.Since(start).Round(time.Millisecond), a.Stats)
	for _, k := range []controllines.Kind{controllines.Purple, controllines.Blue, controllines.Green} {
		l := a.Layers[k]
		n := 0
		for _, p := range l.Polygons {
			for _, r := range p.Rings {
				n += len(r)
			}
		}
		t.Logf("%v: %d polygons (%d positions), %d lines", k, len(l.Polygons), n, len(l.Lines))
	}
	blue, green, purple := a.Layers[controllines.Blue], a.Layers[controllines.Green], a.Layers[controllines.Purple]
	if len(blue.Polygons) < 500 || len(blue.Lines) < 100 || len(green.Polygons) < 300 || len(purple.Polygons) < 100 {
		t.Errorf("got %d blue polygons, %d blue lines, %d green, %d purple polygons want at least 500, 100, 300, 100",
			len(blue.Polygons), len(blue.Lines), len(green.Polygons), len(purple.Polygons))
	}
	named := func(l controllines.Layer, name string) *controllines.Polygon {
		for i, p := range l.Polygons {
			if p.Name == name {
				return &l.Polygons[i]
			}
		}
		t.Errorf("%v: no polygon named %q", l.Kind, name)
		return nil
	}
	// A large water body: Indian River Bay, a multipolygon over 5 km across.
	if bay := named(blue, "Indian River Bay"); bay != nil {
		lo, hi := bay.Rings[0][0], bay.Rings[0][0]
		for _, q := range bay.Rings[0] {
			lo.Lon, hi.Lon = min(lo.Lon, q.Lon), max(hi.Lon, q.Lon)
		}
		if w := graph.Distance(graph.Point{Lon: lo.Lon, Lat: lo.Lat}, graph.Point{Lon: hi.Lon, Lat: lo.Lat}); w < 5000 || !strings.HasPrefix(bay.ID, "relation/") {
			t.Errorf("Indian River Bay: got %s %.0f m across want a relation over 5 km", bay.ID, w)
		}
	}
	named(blue, "Chesapeake and Delaware Canal") // waterway=riverbank
	named(green, "Delaware Seashore State Park")
	named(purple, "New Castle Historic District")
	canal := false
	for _, l := range blue.Lines {
		canal = canal || l.Name == "Chesapeake and Delaware Canal"
	}
	if !canal {
		t.Error("Chesapeake and Delaware Canal: not among the blue lines")
	}
	// A north-south road at 75.65°W crosses the canal: its centre line once,
	// its banks twice, and runs 100-400 m in the water.
	road := []graph.Point{{Lon: -75.65, Lat: 39.45}, {Lon: -75.65, Lat: 39.62}}
	rep := controllines.Check(road, []controllines.Layer{blue}, controllines.Options{})
	var line, bank *controllines.Touch
	for i, f := range rep.Kinds[controllines.Blue].Features {
		if f.Name == "Chesapeake and Delaware Canal" {
			if f.Line {
				line = &rep.Kinds[controllines.Blue].Features[i]
			} else {
				bank = &rep.Kinds[controllines.Blue].Features[i]
			}
		}
	}
	if line == nil || bank == nil || line.Crossings != 1 || bank.Crossings != 2 || bank.Inside < 100 || bank.Inside > 400 {
		t.Errorf("road across the canal: got line %+v, banks %+v want 1 line crossing, 2 bank crossings, 100-400 m inside", line, bank)
	}
	if !rep.Kinds[controllines.Blue].Conflict() {
		t.Error("road across the canal: no conflict")
	}
	if bank != nil {
		t.Logf("road across the canal: %.0f m in its banks; blue total %.0f m, %d crossings, %d line crossings",
			bank.Inside, rep.Kinds[controllines.Blue].Inside, rep.Kinds[controllines.Blue].Crossings, rep.Kinds[controllines.Blue].LineCrossings)
	}
}

// TestReadControlAreasClipped: a clipped extract loads; rings cut by its
// edge are counted, not fatal.
func TestReadControlAreasClipped(t *testing.T) {
	a := readAreas(t, "lauf-200115.osm.pbf", AreaOptions{})
	t.Logf("stats %+v", a.Stats)
	if a.Stats.IncompleteRings == 0 || a.Stats.MissingWays == 0 {
		t.Errorf("stats: got %+v want incomplete rings and missing ways counted", a.Stats)
	}
	if len(a.Layers[controllines.Green].Polygons) == 0 {
		t.Error("green: got no polygons want some")
	}
}

func TestReadControlAreasBadInput(t *testing.T) {
	open := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("not osm")), nil }
	if _, err := ReadControlAreas(context.Background(), open, AreaOptions{}); err == nil || !strings.Contains(err.Error(), "read control areas") {
		t.Errorf("got %v want a read control areas error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadControlAreas(ctx, areasOpen("delaware-latest.osm.pbf"), AreaOptions{}); err == nil {
		t.Error("cancelled: got no error want one")
	}
}

// BenchmarkCheckDelaware checks a 50 km road with a vertex every 100 m
// across New Castle County against the purple, blue and green layers
// derived from the Delaware extract (about 1900 polygons, 100 000
// positions, 385 lines); the index is built once.
func BenchmarkCheckDelaware(b *testing.B) {
	a := readAreas(b, "delaware-latest.osm.pbf", AreaOptions{})
	var layers []controllines.Layer
	for _, k := range []controllines.Kind{controllines.Purple, controllines.Blue, controllines.Green} {
		layers = append(layers, a.Layers[k])
	}
	ix := controllines.NewIndex(layers)
	from, to := graph.Point{Lon: -75.70, Lat: 39.40}, graph.Point{Lon: -75.55, Lat: 39.83}
	var road []graph.Point
	for i := range 501 {
		f := float64(i) / 500
		road = append(road, graph.Point{Lon: from.Lon + f*(to.Lon-from.Lon) + 0.002*math.Sin(f*60), Lat: from.Lat + f*(to.Lat-from.Lat)})
	}
	b.ReportAllocs()
	var rep controllines.Report
	for b.Loop() {
		rep = ix.Check(road, controllines.Options{RoadWidth: 30})
	}
	if rep.Length < 45e3 || rep.Length > 55e3 {
		b.Fatalf("road length %.0f m want about 50 km", rep.Length)
	}
	n := 0
	for _, kr := range rep.Kinds {
		n += len(kr.Features)
	}
	b.ReportMetric(float64(n), "features_met")
}

func BenchmarkReadControlAreasDelaware(b *testing.B) {
	for b.Loop() {
		readAreas(b, "delaware-latest.osm.pbf", AreaOptions{})
	}
}

// FuzzReadControlAreas: any OSM XML input reads without panicking, and
// every ring that comes out is closed with at least 4 positions.
func FuzzReadControlAreas(f *testing.F) {
	fixture, err := os.ReadFile(filepath.Join("..", "testdata", "controllines", "areas.osm"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture)
	f.Add([]byte(`<osm><node id="1" lat="1" lon="1"/><node id="2" lat="1" lon="2"/><node id="3" lat="2" lon="2"/>
<way id="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="natural" v="water"/></way>
<relation id="1"><member type="way" ref="1" role="inner"/><member type="way" ref="1" role="outer"/><tag k="type" v="multipolygon"/><tag k="leisure" v="park"/></relation></osm>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		a, err := ReadControlAreas(context.Background(), open, AreaOptions{})
		if err != nil {
			return
		}
		for k, l := range a.Layers {
			for _, p := range l.Polygons {
				for _, r := range p.Rings {
					if len(r) < 4 || r[0] != r[len(r)-1] {
						t.Fatalf("%v %s: ring %v", k, p.ID, r)
					}
				}
			}
			for _, ln := range l.Lines {
				if len(ln.Points) < 2 {
					t.Fatalf("%v %s: line %v", k, ln.ID, ln.Points)
				}
			}
		}
	})
}
