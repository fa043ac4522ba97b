package osm

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

// A hand-drawn network (node ids at grid points 0.01 degree apart):
//
//	1 --- 2 --- 3        way 10: 1-2-3 primary, two-way
//	      |              way 11: 2-4-5 secondary, oneway=yes (2 -> 5)
//	      4              way 12: 5-6 motorway (implied oneway 5 -> 6)
//	      |              way 13: 6-7 residential, access=private (skipped)
//	      5 --- 6 --- 7  way 14: 3-8 footway (not a routable class)
func fixture(extraWays string) string {
	nodes := map[int][2]float64{
		1: {0.00, 0.02}, 2: {0.01, 0.02}, 3: {0.02, 0.02},
		4: {0.01, 0.01},
		5: {0.01, 0.00}, 6: {0.02, 0.00}, 7: {0.03, 0.00},
		8: {0.03, 0.03},
	}
	var b strings.Builder
	b.WriteString("<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n")
	for id := 1; id <= 8; id++ {
		fmt.Fprintf(&b, "<node id='%d' lon='%g' lat='%g'/>\n", id, nodes[id][0]+116, nodes[id][1]+36)
	}
	b.WriteString(`<way id='10'><nd ref='1'/><nd ref='2'/><nd ref='3'/><tag k='highway' v='primary'/><tag k='name' v='G106'/><tag k='ref' v='G106'/></way>
<way id='11'><nd ref='2'/><nd ref='4'/><nd ref='5'/><tag k='highway' v='secondary'/><tag k='oneway' v='yes'/></way>
<way id='12'><nd ref='5'/><nd ref='6'/><tag k='highway' v='motorway'/></way>
<way id='13'><nd ref='6'/><nd ref='7'/><tag k='highway' v='residential'/><tag k='access' v='private'/></way>
<way id='14'><nd ref='3'/><nd ref='8'/><tag k='highway' v='footway'/></way>
`)
	b.WriteString(extraWays)
	b.WriteString("</osm>\n")
	return b.String()
}

func testProfile() Profile {
	p := DefaultProfile()
	p.Speeds = map[string]float64{"motorway": 100, "primary": 60, "secondary": 50, "residential": 25}
	return p
}

func readString(t *testing.T, data string, p Profile) (*graph.Graph, error) {
	t.Helper()
	return readBytes([]byte(data), p)
}

func readBytes(data []byte, p Profile) (*graph.Graph, error) {
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return Read(context.Background(), open, Options{Profile: p})
}

func nodeOf(t *testing.T, g *graph.Graph, id int64) int32 {
	t.Helper()
	for i, x := range g.NodeID {
		if x == id {
			return int32(i)
		}
	}
	t.Fatalf("node %d not in graph", id)
	return -1
}

func TestReadSplitsAndDirections(t *testing.T) {
	g, err := readString(t, fixture(""), testProfile())
	if err != nil {
		t.Fatal(err)
	}
	// Graph nodes: junctions and ends only (4 is an inner node of way 11).
	if got, want := g.NumNodes(), 5; got != want {
		t.Fatalf("nodes: got %d want %d (ids %v)", got, want, g.NodeID)
	}
	// Segments: 1-2, 2-3, 2-5 (via 4), 5-6.
	if got, want := len(g.Segments), 4; got != want {
		t.Fatalf("segments: got %d want %d", got, want)
	}
	// Arcs: 2+2 two-way, 1 oneway, 1 motorway.
	if got, want := g.NumArcs(), 6; got != want {
		t.Fatalf("arcs: got %d want %d", got, want)
	}
	s := graph.NewSearch(g)
	n1, n5, n6 := nodeOf(t, g, 1), nodeOf(t, g, 5), nodeOf(t, g, 6)
	s.Run(graph.Outbound, []graph.Seed{{Node: n1}}, graph.Stop{})
	// 1 -> 2: 0.01 degree of longitude at 36.02N at 60 km/h; 2 -> 5: 0.02 degree of latitude at 50 km/h.
	d12 := graph.Distance(graph.Point{Lon: 116, Lat: 36.02}, graph.Point{Lon: 116.01, Lat: 36.02})
	d25 := graph.Distance(graph.Point{Lon: 116.01, Lat: 36.02}, graph.Point{Lon: 116.01, Lat: 36.01}) +
		graph.Distance(graph.Point{Lon: 116.01, Lat: 36.01}, graph.Point{Lon: 116.01, Lat: 36.00})
	d56 := graph.Distance(graph.Point{Lon: 116.01, Lat: 36.00}, graph.Point{Lon: 116.02, Lat: 36.00})
	want5 := graph.TimeMillis(d12, 60) + graph.TimeMillis(d25, 50)
	if got := s.Time(n5); got != want5 {
		t.Errorf("1 -> 5: got %d ms want %d", got, want5)
	}
	if got, want := s.Time(n6), want5+graph.TimeMillis(d56, 100); got != want {
		t.Errorf("1 -> 6: got %d ms want %d", got, want)
	}
	// Against the oneway and the motorway: 6 reaches nothing.
	s.Run(graph.Outbound, []graph.Seed{{Node: n6}}, graph.Stop{})
	if got := s.Time(n1); got != graph.Inf {
		t.Errorf("6 -> 1: got %d want unreachable", got)
	}
	// The motorway segment is controlled-access; the primary is not.
	for _, seg := range g.Segments {
		want := seg.Class == graph.Motorway
		if got := seg.Flags&graph.Controlled != 0; got != want {
			t.Errorf("segment of way %d (%v): controlled %v want %v", seg.WayID, seg.Class, got, want)
		}
	}
	if g.Meta.Stats.SkippedWays != 1 {
		t.Errorf("skipped ways: got %d want 1 (the private road)", g.Meta.Stats.SkippedWays)
	}
}

func TestReadOnewayAndAccessTags(t *testing.T) {
	tests := []struct {
		tags     string
		fwd, bwd bool
		routable bool
	}{
		{"<tag k='highway' v='primary'/>", true, true, true},
		{"<tag k='highway' v='primary'/><tag k='oneway' v='yes'/>", true, false, true},
		{"<tag k='highway' v='primary'/><tag k='oneway' v='true'/>", true, false, true},
		{"<tag k='highway' v='primary'/><tag k='oneway' v='1'/>", true, false, true},
		{"<tag k='highway' v='primary'/><tag k='oneway' v='-1'/>", false, true, true},
		{"<tag k='highway' v='primary'/><tag k='oneway' v='reverse'/>", false, true, true},
		{"<tag k='highway' v='motorway'/>", true, false, true},
		{"<tag k='highway' v='motorway'/><tag k='oneway' v='no'/>", true, true, true},
		{"<tag k='highway' v='motorway'/><tag k='oneway' v='-1'/>", false, true, true},
		{"<tag k='highway' v='primary'/><tag k='junction' v='roundabout'/>", true, false, true},
		{"<tag k='highway' v='primary'/><tag k='junction' v='circular'/>", true, false, true},
		{"<tag k='highway' v='primary'/><tag k='junction' v='roundabout'/><tag k='oneway' v='no'/>", true, true, true},
		{"<tag k='highway' v='primary'/><tag k='access' v='no'/>", false, false, false},
		{"<tag k='highway' v='primary'/><tag k='access' v='private'/>", false, false, false},
		{"<tag k='highway' v='primary'/><tag k='motor_vehicle' v='no'/>", false, false, false},
		{"<tag k='highway' v='primary'/><tag k='motorcar' v='private'/>", false, false, false},
		{"<tag k='highway' v='primary'/><tag k='access' v='no'/><tag k='motorcar' v='yes'/>", true, true, true},
		{"<tag k='highway' v='primary'/><tag k='access' v='destination'/>", true, true, true},
		{"<tag k='highway' v='primary'/><tag k='oneway' v='reversible'/>", false, false, false},
		{"<tag k='highway' v='footway'/>", false, false, false},
		{"<tag k='highway' v='primary'/><tag k='area' v='yes'/>", false, false, false},
	}
	for _, tc := range tests {
		data := "<osm><node id='1' lon='116' lat='36'/><node id='2' lon='116.01' lat='36'/>" +
			"<way id='1'><nd ref='1'/><nd ref='2'/>" + tc.tags + "</way></osm>"
		g, err := readString(t, data, testProfile())
		if !tc.routable {
			if err == nil || !errors.Is(err, graph.ErrEmpty) {
				t.Errorf("%s: got %v, want no routable road", tc.tags, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.tags, err)
			continue
		}
		seg := g.Segments[0]
		if got := seg.Flags&graph.Forward != 0; got != tc.fwd {
			t.Errorf("%s: forward got %v want %v", tc.tags, got, tc.fwd)
		}
		if got := seg.Flags&graph.Backward != 0; got != tc.bwd {
			t.Errorf("%s: backward got %v want %v", tc.tags, got, tc.bwd)
		}
	}
}

func TestReadMaxspeed(t *testing.T) {
	data := "<osm><node id='1' lon='116' lat='36'/><node id='2' lon='116.01' lat='36'/>" +
		"<way id='1'><nd ref='1'/><nd ref='2'/><tag k='highway' v='primary'/><tag k='maxspeed' v='%s'/></way></osm>"
	tests := []struct {
		val         string
		use         bool
		factor      float64
		want        float32
		description string
	}{
		{"80", false, 1, 60, "use_maxspeed false: class speed"},
		{"80", true, 1, 80, "numeric"},
		{"80", true, 0.5, 40, "factor"},
		{"30 mph", true, 1, 48.28032, "mph"},
		{"CN:urban", true, 1, 50, "zone"},
		{"none", true, 1, 60, "none keeps class speed"},
		{"signals", true, 1, 60, "unparsable keeps class speed"},
		{"60;80", true, 1, 60, "lowest of several"},
	}
	for _, tc := range tests {
		p := testProfile()
		p.UseMaxspeed, p.MaxspeedFactor = tc.use, tc.factor
		g, err := readString(t, fmt.Sprintf(data, tc.val), p)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Segments[0].SpeedFwd; got-tc.want > 1e-3 || tc.want-got > 1e-3 {
			t.Errorf("%s (%q): got %v km/h want %v", tc.description, tc.val, got, tc.want)
		}
	}
}

func TestReadClipped(t *testing.T) {
	// Way 1 references node 3 which the file lacks: 1-2 and 4-5 load, the gap is counted.
	data := "<osm><node id='1' lon='116' lat='36'/><node id='2' lon='116.01' lat='36'/>" +
		"<node id='4' lon='116.03' lat='36'/><node id='5' lon='116.04' lat='36'/>" +
		"<way id='1'><nd ref='1'/><nd ref='2'/><nd ref='3'/><nd ref='4'/><nd ref='5'/><tag k='highway' v='primary'/></way>" +
		"<way id='2'><nd ref='8'/><nd ref='9'/><tag k='highway' v='primary'/></way></osm>"
	g, err := readString(t, data, testProfile())
	if err != nil {
		t.Fatal(err)
	}
	st := g.Meta.Stats
	if st.MissingNodeRefs != 3 || st.ClippedWays != 2 {
		t.Errorf("got %d missing refs in %d ways, want 3 in 2", st.MissingNodeRefs, st.ClippedWays)
	}
	if len(g.Segments) != 2 {
		t.Errorf("got %d segments want 2", len(g.Segments))
	}
}

func TestReadBadInput(t *testing.T) {
	pbf, err := os.ReadFile("../testdata/monaco.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	corrupt := append([]byte(nil), pbf...)
	for i := 2000; i < 2400; i++ {
		corrupt[i] ^= 0xa5
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not an OpenStreetMap extract"},
		{"text", []byte("id,lon,lat\n1,2,3\n"), "not an OpenStreetMap extract"},
		{"truncated pbf", pbf[:len(pbf)/3], "pbf"},
		{"corrupt pbf", corrupt, "pbf"},
		{"broken xml", []byte("<osm><node id='1' lon='1' lat='2'><way"), "osm xml"},
		{"no roads", []byte("<osm><node id='1' lon='1' lat='2'/></osm>"), "no routable road"},
	}
	for _, tc := range tests {
		_, err := readBytes(tc.data, testProfile())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestReadGzipXML(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(fixture("")))
	zw.Close()
	g, err := readBytes(buf.Bytes(), testProfile())
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Segments) != 4 {
		t.Errorf("got %d segments want 4", len(g.Segments))
	}
}

func TestProfileValidate(t *testing.T) {
	tests := []struct {
		edit func(*Profile)
		want string
	}{
		{func(p *Profile) { p.Speeds = nil }, "speeds"},
		{func(p *Profile) { p.Speeds["highway"] = 50 }, "speeds.highway"},
		{func(p *Profile) { p.Speeds["primary"] = -1 }, "speeds.primary"},
		{func(p *Profile) { p.MaxspeedFactor = 0 }, "maxspeed_factor"},
		{func(p *Profile) { p.ControlledClasses = []string{"motorwy"} }, "controlled_classes"},
		{func(p *Profile) { p.MaxSnapMetres = 0 }, "max_snap_m"},
	}
	for _, tc := range tests {
		p := DefaultProfile()
		tc.edit(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error naming %s", err, tc.want)
		}
	}
	p := DefaultProfile()
	if err := p.Validate(); err != nil {
		t.Errorf("default profile: %v", err)
	}
	q := DefaultProfile()
	q.Speeds["primary"]++
	if p.Hash() == q.Hash() {
		t.Error("different profiles hash alike")
	}
}

func FuzzReadXML(f *testing.F) {
	f.Add([]byte(fixture("")))
	f.Add([]byte("<osm><node id='1' lon='116' lat='36'/><way id='1'><nd ref='1'/><nd ref='1'/><tag k='highway' v='primary'/></way></osm>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := readBytes(data, testProfile())
		if err != nil {
			return
		}
		s := graph.NewSearch(g)
		s.Run(graph.Outbound, []graph.Seed{{Node: 0}}, graph.Stop{})
	})
}
