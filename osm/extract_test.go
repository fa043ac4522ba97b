package osm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastroad/fastroad/controllines"
	"github.com/fastroad/fastroad/graph"
)

// countingOpener counts the passes (opens) over an extract.
type countingOpener struct {
	open Opener
	mu   sync.Mutex
	n    int
}

func (c *countingOpener) Open() (io.ReadCloser, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.open()
}

// fullOptions asks for everything.
var fullOptions = ExtractOptions{Profile: DefaultProfile(), Features: &FeatureOptions{AdminLevel: 6}, Areas: &AreaOptions{},
	Settlements: &SettlementOptions{Buildings: true}}

var fullCache struct {
	sync.Mutex
	m map[string]*Extract
	n map[string]int
}

// readFull reads everything of file once per test binary (the Delaware
// tests share it) and returns it with the number of passes it took.
func readFull(t *testing.T, file string) (*Extract, int) {
	t.Helper()
	fullCache.Lock()
	defer fullCache.Unlock()
	if ex, ok := fullCache.m[file]; ok {
		return ex, fullCache.n[file]
	}
	co := &countingOpener{open: fileOpener(file)}
	ex, err := ReadExtract(context.Background(), co.Open, fullOptions)
	if err != nil {
		t.Fatal(err)
	}
	if fullCache.m == nil {
		fullCache.m, fullCache.n = map[string]*Extract{}, map[string]int{}
	}
	fullCache.m[file], fullCache.n[file] = ex, co.n
	return ex, co.n
}

func encodeGraph(t testing.TB, g *graph.Graph) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := graph.Encode(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReadExtractMatchesSeparateReads: the combined reader gives the same
// graph (byte for byte in the file encoding), features and control areas
// as the three readers on their own, in three passes over PBF and one over
// XML.
func TestReadExtractMatchesSeparateReads(t *testing.T) {
	files := []struct {
		file   string
		passes int
	}{
		{"../testdata/delaware-latest.osm.pbf", 3},
		{"testdata/extract.osm", 1}, // all the hand-drawn fixtures in one file
	}
	if testing.Short() {
		files = files[1:]
	}
	for _, tc := range files {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			ctx := context.Background()
			open := fileOpener(tc.file)
			fo, ao := fullOptions.Features, fullOptions.Areas
			ex, passes := readFull(t, tc.file)
			f0 := FormatXML
			if strings.HasSuffix(tc.file, ".pbf") {
				f0 = FormatPBF
			}
			if passes != tc.passes || fullOptions.Passes(f0) != tc.passes {
				t.Errorf("passes: got %d, want %d", passes, tc.passes)
			}
			g, err := Read(ctx, open, Options{Profile: DefaultProfile()})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := encodeGraph(t, ex.Graph), encodeGraph(t, g); !bytes.Equal(got, want) {
				t.Errorf("graph: got %d encoded bytes (%d nodes), want %d (%d nodes), not equal",
					len(got), ex.Graph.NumNodes(), len(want), g.NumNodes())
			}
			f, err := ReadFeatures(ctx, open, *fo)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ex.Features, f) {
				t.Errorf("features: got %d places %d stations %+v, want %d places %d stations %+v",
					len(ex.Features.Places), len(ex.Features.Stations), ex.Features.Stats, len(f.Places), len(f.Stations), f.Stats)
			}
			a, err := ReadControlAreas(ctx, open, *ao)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ex.Areas, a) {
				t.Errorf("areas: got %+v, want %+v", ex.Areas.Stats, a.Stats)
			}
			if ex.Settlements == nil || ex.Settlements.Stats.Places == 0 {
				t.Errorf("settlements: got %v, want places", ex.Settlements)
			}
			if len(ex.Features.Places) == 0 || len(ex.Features.Admins) == 0 || len(ex.Areas.Layers[controllines.Blue].Polygons) == 0 {
				t.Errorf("got %d places, %d admins, %d blue polygons, want some of each",
					len(ex.Features.Places), len(ex.Features.Admins), len(ex.Areas.Layers[controllines.Blue].Polygons))
			}
		})
	}
}

// TestReadExtractGraphOnly: with nothing else asked, the graph takes two
// passes over PBF and the optional results are nil.
func TestReadExtractGraphOnly(t *testing.T) {
	co := &countingOpener{open: fileOpener(filepath.Join("..", "testdata", "monaco.osm.pbf"))}
	ex, err := ReadExtract(context.Background(), co.Open, ExtractOptions{Profile: DefaultProfile()})
	if err != nil {
		t.Fatal(err)
	}
	if co.n != 2 || (ExtractOptions{}).Passes(FormatPBF) != 2 || ex.Graph == nil || ex.Features != nil || ex.Areas != nil || ex.Settlements != nil {
		t.Errorf("got %d passes, graph %v, features %v, areas %v, settlements %v; want 2 passes and only a graph",
			co.n, ex.Graph != nil, ex.Features, ex.Areas, ex.Settlements)
	}
}

func readSettlements(t *testing.T, open Opener, opt SettlementOptions) *Settlements {
	t.Helper()
	ex, err := ReadExtract(context.Background(), open, ExtractOptions{Profile: DefaultProfile(), Settlements: &opt})
	if err != nil {
		t.Fatal(err)
	}
	return ex.Settlements
}

// k is the length of a degree on the sphere of mean radius: 111,195.08 m.
const k = math.Pi / 180 * earthRadius

func near(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }

// TestSettlementsFixture checks every figure of the hand-drawn fixture
// (see the drawing in testdata/settlements.osm).
func TestSettlementsFixture(t *testing.T) {
	s := readSettlements(t, fileOpener(filepath.Join("testdata", "settlements.osm")), SettlementOptions{Buildings: true})

	// The county: one polygon, one ring of 5 points (1-2-3-4-1 joined
	// from ways 301 and 302), a 0.02 degree square: (0.02 k)^2 =
	// 2223.90^2 = 4,945,738 m2 (cos 0.02 degrees = 1 - 6e-8 is negligible).
	if len(s.Boundaries) != 1 {
		t.Fatalf("boundaries: got %d, want 1", len(s.Boundaries))
	}
	b := s.Boundaries[0]
	if b.ID != 300 || b.Type != "relation" || b.Name != "Test County" || b.NameZH != "测试县" || b.NameEN != "Test County" ||
		b.AdminLevel != 6 || b.Population != 12345 {
		t.Errorf("boundary: got %+v, want relation 300 Test County/测试县, level 6, population 12345", b)
	}
	if len(b.Area) != 1 || len(b.Area[0]) != 1 || len(b.Area[0][0]) != 5 || b.Area[0][0][0] != b.Area[0][0][4] {
		t.Fatalf("boundary area: got %v, want one closed ring of 5 points", b.Area)
	}
	if got, want := b.Area.Area(), math.Pow(0.02*k, 2); !near(got, want, 1e-6) {
		t.Errorf("boundary area: got %.0f m2, want %.0f", got, want)
	}
	if c := b.Area.Centroid(); math.Abs(c[0]-0.01) > 1e-9 || math.Abs(c[1]-0.01) > 1e-9 {
		t.Errorf("boundary centroid: got %v, want 0.01,0.01", c)
	}

	// The hamlet, a node.
	wantPlace := SettlementPlace{Type: "node", ID: 40, Kind: "hamlet", Name: "Smallplace", Lon: 0.015, Lat: 0.015, Population: 80}
	if len(s.Places) != 1 || !reflect.DeepEqual(s.Places[0], wantPlace) {
		t.Errorf("places: got %+v, want [%+v]", s.Places, wantPlace)
	}

	// Residential: a 0.01 degree square, (0.01 k)^2 = 1,236,434 m2.
	if len(s.Residential) != 1 {
		t.Fatalf("residential: got %d, want 1", len(s.Residential))
	}
	if got, want := s.Residential[0].Area(), math.Pow(0.01*k, 2); !near(got, want, 1e-6) {
		t.Errorf("residential area: got %.0f m2, want %.0f", got, want)
	}

	// Buildings: 0.0001 degree square (11.12 m: 123.6 m2) centred at
	// 0.00205,0.00205 and 0.0002 x 0.0001 (247.3 m2) centred at
	// 0.0041,0.00205.
	wantB := []BuildingPoint{
		{Lon: 0.00205, Lat: 0.00205, AreaM2: float32(math.Pow(0.0001*k, 2))},
		{Lon: 0.0041, Lat: 0.00205, AreaM2: float32(2 * math.Pow(0.0001*k, 2))},
	}
	if len(s.Buildings) != len(wantB) {
		t.Fatalf("buildings: got %d, want %d", len(s.Buildings), len(wantB))
	}
	for i, w := range wantB {
		g := s.Buildings[i]
		if math.Abs(float64(g.Lon-w.Lon)) > 1e-7 || math.Abs(float64(g.Lat-w.Lat)) > 1e-7 || !near(float64(g.AreaM2), float64(w.AreaM2), 1e-3) {
			t.Errorf("building %d: got %+v, want %+v", i, g, w)
		}
	}

	// Relation 303: way 302 (open) and way 999 (not in the file): one
	// chain that does not close, dropped.
	wantStats := SettlementStats{Boundaries: 1, Places: 1, Residential: 1, Buildings: 2,
		IncompleteRings: 1, MissingWays: 1, Dropped: 1}
	if s.Stats != wantStats {
		t.Errorf("stats: got %+v, want %+v", s.Stats, wantStats)
	}

	// Without buildings; and with boundary levels that exclude 6.
	s = readSettlements(t, fileOpener(filepath.Join("testdata", "settlements.osm")), SettlementOptions{BoundaryLevels: []int{8}})
	if len(s.Buildings) != 0 || len(s.Boundaries) != 0 || len(s.Places) != 1 || len(s.Residential) != 1 {
		t.Errorf("levels [8], no buildings: got %d buildings, %d boundaries, %d places, %d residential; want 0, 0, 1, 1",
			len(s.Buildings), len(s.Boundaries), len(s.Places), len(s.Residential))
	}
}

// TestSettlementsTags: place areas (way and relation, with a hole), building
// nodes and multipolygons, old-style multipolygons counted once, refused
// population tags.
func TestSettlementsTags(t *testing.T) {
	// Nodes on a 0.01 degree grid at the equator: n(x,y) is at x/100, y/100.
	var b strings.Builder
	b.WriteString("<osm>\n")
	node := func(id int, x, y float64, tags string) {
		b.WriteString("<node id='" + itoa(id) + "' lon='" + ftoa(x/100) + "' lat='" + ftoa(y/100) + "'>" + tags + "</node>\n")
	}
	// Outer square 0..4 (ids 1-4), hole 1..2 (ids 5-8), another square 10..11 (ids 11-14).
	node(1, 0, 0, "")
	node(2, 4, 0, "")
	node(3, 4, 4, "")
	node(4, 0, 4, "")
	node(5, 1, 1, "")
	node(6, 2, 1, "")
	node(7, 2, 2, "")
	node(8, 1, 2, "")
	node(11, 10, 0, "")
	node(12, 11, 0, "")
	node(13, 11, 1, "")
	node(14, 10, 1, "")
	node(20, 20, 20, "<tag k='building' v='yes'/>")
	node(21, 21, 21, "<tag k='place' v='village'/><tag k='name' v='Big'/><tag k='population' v='-5'/>")
	node(22, 22, 22, "<tag k='place' v='farm'/>")
	node(90, 30, 30, "")
	node(91, 31, 30, "")
	b.WriteString(`<way id='1'><nd ref='1'/><nd ref='2'/><nd ref='3'/><nd ref='4'/><nd ref='1'/></way>
<way id='2'><nd ref='5'/><nd ref='6'/><nd ref='7'/><nd ref='8'/><nd ref='5'/></way>
<way id='3'><nd ref='11'/><nd ref='12'/><nd ref='13'/><nd ref='14'/><nd ref='11'/><tag k='place' v='suburb'/><tag k='name' v='Way suburb'/><tag k='population' v='3000000000'/></way>
<way id='4'><nd ref='11'/><nd ref='12'/><nd ref='13'/><nd ref='14'/><nd ref='11'/><tag k='building' v='no'/></way>
<way id='500'><nd ref='90'/><nd ref='91'/><tag k='highway' v='primary'/></way>
<relation id='7'><member type='way' ref='1' role='outer'/><member type='way' ref='2' role='inner'/>
 <tag k='type' v='multipolygon'/><tag k='place' v='town'/><tag k='name' v='Ringtown'/><tag k='population' v='1 500'/>
 <tag k='landuse' v='residential'/><tag k='building' v='yes'/></relation>
</osm>`)
	s := readSettlements(t, bytesOpener([]byte(b.String())), SettlementOptions{Buildings: true})
	// Relation 7: 4x4 minus 1x1 = 15 cells of 0.01 degree; its centroid:
	// (16*(2,2) - 1*(1.5,1.5)) / 15 = (2.0333, 2.0333) / 100.
	cell := math.Pow(0.01*k, 2)
	c := (16*2 - 1.5) / 15 / 100
	if len(s.Places) != 3 {
		t.Fatalf("places: got %+v, want 3", s.Places)
	}
	p := s.Places[1] // node 21, relation 7, way 3: sorted by type
	if p.Type != "relation" || p.ID != 7 || p.Kind != "town" || p.Population != 1500 || !near(p.Area.Area(), 15*cell, 1e-6) ||
		math.Abs(p.Lon-c) > 1e-9 || math.Abs(p.Lat-c) > 1e-7 {
		t.Errorf("relation place: got %+v (area %.0f), want relation 7 town, 1500 people, %.0f m2 at %.6f,%.6f", p, p.Area.Area(), 15*cell, c, c)
	}
	if p := s.Places[0]; p.Type != "node" || p.ID != 21 || p.Population != 0 {
		t.Errorf("node place: got %+v, want node 21 with population 0 (\"-5\" refused)", p)
	}
	if p := s.Places[2]; p.Type != "way" || p.ID != 3 || p.Kind != "suburb" || p.Population != 0 || !near(p.Area.Area(), cell, 1e-6) {
		t.Errorf("way place: got %+v, want way 3 suburb with population 0 (3e9 refused), %.0f m2", p, cell)
	}
	if len(s.Residential) != 1 || len(s.Buildings) != 2 {
		t.Errorf("got %d residential, %d buildings, want 1 (relation 7), 2 (node 20, relation 7)", len(s.Residential), len(s.Buildings))
	} else if s.Buildings[0].AreaM2 != 0 || !near(float64(s.Buildings[1].AreaM2), 15*cell, 1e-6) {
		t.Errorf("buildings: got %+v, want node 20 with area 0 and relation 7 with %.0f m2", s.Buildings, 15*cell)
	}
	if s.Stats.BadPopulation != 2 || s.Stats.PlaceAreas != 2 || s.Stats.Dropped != 0 {
		t.Errorf("stats: got %+v, want 2 refused populations, 2 place areas, none dropped", s.Stats)
	}
	if !strings.Contains(s.Stats.String(), "3 places (2 as areas)") {
		t.Errorf("stats line: got %q", s.Stats.String())
	}
}

func itoa(i int) string     { return strconv.Itoa(i) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// TestSettlementsDelaware: the three counties (admin_level 6) with closed
// rings of plausible area, place nodes down to hamlets, residential areas
// and buildings.
func TestSettlementsDelaware(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the Delaware extract")
	}
	ex, _ := readFull(t, "../testdata/delaware-latest.osm.pbf")
	s := ex.Settlements
	t.Log(s.Stats)
	// Census areas, land + water: New Castle 1,278 km2, Kent 2,072 km2,
	// Sussex 3,098 km2 (of which about 2,425 km2 land). OSM boundaries may
	// stop at the shore or run into the bay: loose bounds.
	want := map[string][2]float64{"New Castle County": {900, 1500}, "Kent County": {1500, 2300}, "Sussex County": {2300, 3300}}
	found := map[string]bool{}
	for _, b := range s.Boundaries {
		var ringsOK = len(b.Area) > 0
		for _, p := range b.Area {
			for _, r := range p {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					ringsOK = false
				}
			}
		}
		km2 := b.Area.Area() / 1e6
		if b.AdminLevel <= 6 {
			t.Logf("%s/%d level %d %q: %d polygons, %.0f km2, population %d", b.Type, b.ID, b.AdminLevel, b.Name, len(b.Area), km2, b.Population)
		}
		if !ringsOK {
			t.Errorf("%s: rings not closed", b.Name)
		}
		if w, ok := want[b.Name]; ok && b.AdminLevel == 6 {
			found[b.Name] = true
			if km2 < w[0] || km2 > w[1] {
				t.Errorf("%s: got %.0f km2, want %.0f..%.0f", b.Name, km2, w[0], w[1])
			}
		}
	}
	for name := range want {
		if !found[name] {
			t.Errorf("county %s not found", name)
		}
	}
	kinds := map[string]int{}
	for _, p := range s.Places {
		kinds[p.Type+" "+p.Kind]++
	}
	t.Logf("places: %v", kinds)
	if kinds["node village"] == 0 || kinds["node hamlet"] == 0 || kinds["node town"] == 0 {
		t.Errorf("places: got %v, want town, village and hamlet nodes", kinds)
	}
	if len(s.Residential) == 0 || len(s.Buildings) == 0 {
		t.Errorf("got %d residential areas, %d buildings, want some of each", len(s.Residential), len(s.Buildings))
	}
	var small int
	for _, b := range s.Buildings {
		if b.AreaM2 < 0 || b.AreaM2 > 1e6 || b.Lon < -76 || b.Lon > -74.9 || b.Lat < 38.4 || b.Lat > 39.9 {
			small++
		}
	}
	if small > len(s.Buildings)/1000 {
		t.Errorf("buildings: %d of %d outside Delaware or with odd areas", small, len(s.Buildings))
	}
}

// Duplicate node ids: at different coordinates an error naming the id; at
// the same coordinates harmless.
func TestReadDuplicateNodes(t *testing.T) {
	dup := func(lon string) string {
		return strings.Replace(fixture(""), "</osm>", "<node id='4' lon='"+lon+"' lat='36.01'/>\n</osm>", 1)
	}
	_, err := readString(t, dup("116.5"), testProfile())
	var de *DuplicateNodeError
	if !errors.As(err, &de) || de.ID != 4 || de.Lon2 != 116.5 || !strings.Contains(err.Error(), "node 4 appears twice") {
		t.Errorf("different coordinates: got %v, want a DuplicateNodeError for node 4", err)
	}
	if _, err := readString(t, dup("116.01"), testProfile()); err != nil {
		t.Errorf("same coordinates: got %v, want no error", err)
	}
	// A duplicate of a node no road uses is not looked at.
	other := strings.Replace(fixture(""), "</osm>", "<node id='77' lon='1' lat='1'/><node id='77' lon='2' lat='2'/>\n</osm>", 1)
	if _, err := readString(t, other, testProfile()); err != nil {
		t.Errorf("duplicate unused node: got %v, want no error", err)
	}
}

// TestReadExtractCancelled: a cancelled context stops every format.
func TestReadExtractCancelled(t *testing.T) {
	for _, file := range []string{"monaco.osm.pbf", "north-bayreuth.osm.gz"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := ReadExtract(ctx, fileOpener(filepath.Join("..", "testdata", file)),
			ExtractOptions{Profile: DefaultProfile(), Features: &FeatureOptions{}, Areas: &AreaOptions{}, Settlements: &SettlementOptions{}})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want context.Canceled", file, err)
		}
	}
	// A deadline passed is not "corrupt data".
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	if _, err := ReadExtract(ctx, fileOpener(filepath.Join("..", "testdata", "monaco.osm.pbf")), fullOptions); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: got %v, want context.DeadlineExceeded", err)
	}
	// Cancelled after the first pass.
	ctx, cancel = context.WithCancel(context.Background())
	co := &countingOpener{open: fileOpener(filepath.Join("..", "testdata", "monaco.osm.pbf"))}
	open := func() (io.ReadCloser, error) {
		if co.n == 1 {
			cancel()
		}
		return co.Open()
	}
	_, err := ReadExtract(ctx, open, ExtractOptions{Profile: DefaultProfile(), Settlements: &SettlementOptions{}})
	if !errors.Is(err, context.Canceled) || co.n > 2 {
		t.Errorf("cancelled in pass 2: got %v after %d passes, want context.Canceled after 2", err, co.n)
	}
}

func TestReadExtractErrors(t *testing.T) {
	bad := DefaultProfile()
	bad.Speeds = nil
	if _, err := ReadExtract(context.Background(), bytesOpener([]byte(fixture(""))), ExtractOptions{Profile: bad}); err == nil {
		t.Error("bad profile: got no error")
	}
	if _, err := ReadExtract(context.Background(), bytesOpener([]byte("hello")), ExtractOptions{Profile: DefaultProfile()}); !errors.Is(err, ErrNotOSM) {
		t.Errorf("not OSM: got %v, want ErrNotOSM", err)
	}
}

// FuzzReadExtractXML: any OSM XML reads without panicking; rings that come
// out are closed, areas and positions finite.
func FuzzReadExtractXML(f *testing.F) {
	fx, err := os.ReadFile(filepath.Join("testdata", "settlements.osm"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fx)
	f.Add([]byte(fixture("")))
	f.Add([]byte(featuresXML))
	f.Add([]byte(`<osm><node id="1" lat="1" lon="1"><tag k="place" v="hamlet"/></node><node id="1" lat="2" lon="1"/>
<way id="1"><nd ref="1"/><nd ref="1"/><tag k="building" v="yes"/></way>
<relation id="1"><member type="way" ref="1" role="outer"/><tag k="type" v="boundary"/><tag k="boundary" v="administrative"/><tag k="admin_level" v="6"/></relation></osm>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ex, err := ReadExtract(context.Background(), bytesOpener(data), ExtractOptions{Profile: DefaultProfile(), Procs: 1,
			Features: &FeatureOptions{AdminLevel: 6}, Areas: &AreaOptions{}, Settlements: &SettlementOptions{Buildings: true}})
		if err != nil {
			return
		}
		s := ex.Settlements
		var mps []MultiPolygon
		for _, b := range s.Boundaries {
			mps = append(mps, b.Area)
		}
		mps = append(mps, s.Residential...)
		for _, mp := range mps {
			for _, p := range mp {
				for _, r := range p {
					if len(r) < 4 || r[0] != r[len(r)-1] {
						t.Fatalf("ring %v", r)
					}
				}
			}
		}
		for _, p := range s.Places {
			if p.Population < 0 || p.Population > MaxPopulation {
				t.Fatalf("place %d: population %d", p.ID, p.Population)
			}
		}
	})
}
