package places

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

// testProfile is the profile testdata/places/README.md computes with.
func testProfile() osm.Profile {
	p := osm.DefaultProfile()
	p.Speeds = map[string]float64{
		"motorway": 100, "motorway_link": 60, "primary": 60, "secondary": 45,
		"tertiary": 30, "unclassified": 30, "residential": 30, "service": 20,
	}
	return p
}

func opener(path string) osm.Opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// load reads an extract's graph and features.
func load(t testing.TB, path string, prof osm.Profile) (*graph.Graph, *osm.Features) {
	t.Helper()
	ctx := context.Background()
	g, err := osm.Read(ctx, opener(path), osm.Options{Profile: prof})
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	f, err := osm.ReadFeatures(ctx, opener(path), osm.FeatureOptions{AdminLevel: 6})
	if err != nil {
		t.Fatalf("read features %s: %v", path, err)
	}
	return g, f
}

var rampPath = filepath.Join("..", "testdata", "places", "ramp.osm")

func find(ps []Place, kind, name string) *Place {
	for i := range ps {
		if ps[i].Kind == kind && ps[i].Name == name {
			return &ps[i]
		}
	}
	return nil
}

func TestFixtureDetect(t *testing.T) {
	g, f := load(t, rampPath, testProfile())
	ps, notes := Detect(g, f, Options{})
	towns := OfKind(ps, KindTown)
	wantTowns := []struct {
		name   string
		pop    int
		source string
	}{
		{"Alphaville", 12345, "place=town (node/100)"},
		{"Betaburg", 0, "no population tag"},
		{"Gammaton", 800, "place=town (node/102)"},
	}
	if len(towns) != len(wantTowns) {
		t.Fatalf("got %d towns %v, want %d", len(towns), towns, len(wantTowns))
	}
	for i, w := range wantTowns {
		if towns[i].Name != w.name || towns[i].Population != w.pop || !strings.Contains(towns[i].Source, w.source) {
			t.Errorf("town %d: got %s pop %d source %q, want %s pop %d source containing %q",
				i, towns[i].Name, towns[i].Population, towns[i].Source, w.name, w.pop, w.source)
		}
	}
	hsr := OfKind(ps, KindHSRStation)
	if len(hsr) != 1 || hsr[0].Name != "测试东站" || hsr[0].NameEn != "Testville East" || hsr[0].Score != 4 {
		t.Fatalf("got hsr stations %+v, want 测试东站 (Testville East) with score 4", hsr)
	}
	for _, want := range []string{"highspeed=yes track", "东/西/南/北站"} {
		if !strings.Contains(hsr[0].Source, want) {
			t.Errorf("got station source %q, want it to mention %q", hsr[0].Source, want)
		}
	}
	ents := OfKind(ps, KindEntrance)
	if len(ents) != 1 {
		t.Fatalf("got %d entrances %+v, want 1 (A; not the off-ramp at B, not the rest area)", len(ents), ents)
	}
	e := ents[0]
	if e.Name != "Alpha (exit 7)" || e.ID != "entrance/10" || len(e.Entries) != 1 {
		t.Errorf("got entrance %s %q with %d entries, want entrance/10 \"Alpha (exit 7)\" with 1", e.ID, e.Name, len(e.Entries))
	}
	if !strings.Contains(e.Source, "Alpha Road") || !strings.Contains(e.Source, "G1") {
		t.Errorf("got entrance source %q, want the crossing road and mainline", e.Source)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "reached only from the expressway (rest areas, service roads), not entrances: 1") {
		t.Errorf("got notes %q, want the rest area ramp reported", notes)
	}
}

func TestFixtureAccess(t *testing.T) {
	g, f := load(t, rampPath, testProfile())
	ps, _ := Detect(g, f, Options{})
	rows, notes := Access(g, ps, AccessOptions{Snap: graph.SnapOptions{MaxDist: 1000}})
	if len(notes) != 0 {
		t.Errorf("got notes %q, want none", notes)
	}
	const gamma = 2470.0 / (30 / 3.6) / 60 // Gamma Street, minutes
	tests := []struct {
		town                         string
		toEnt, toHSR, fromHSR, toOrd float64 // minutes
		km                           map[graph.Class]float64
	}{
		{"Alphaville", 2, 6, 6, 0, map[graph.Class]float64{graph.Tertiary: 3}},
		{"Betaburg", 8, 12, 12, 6, map[graph.Class]float64{graph.Tertiary: 3, graph.Unclassified: 3}},
		{"Gammaton", gamma + 14, gamma + 18, gamma + 18, gamma + 12,
			map[graph.Class]float64{graph.Tertiary: 3, graph.Unclassified: 6, graph.Residential: 2.47}},
	}
	if len(rows) != len(tests) {
		t.Fatalf("got %d rows, want %d", len(rows), len(tests))
	}
	min := func(ms uint32) float64 { return float64(ms) / 60000 }
	for i, tt := range tests {
		r := rows[i]
		if r.Town.Name != tt.town {
			t.Fatalf("row %d: got town %s, want %s", i, r.Town.Name, tt.town)
		}
		for _, c := range []struct {
			what      string
			got, want float64
		}{
			{"minutes to entrance", min(r.ToEntrance), tt.toEnt},
			{"minutes to HSR", min(r.ToHSR), tt.toHSR},
			{"minutes from HSR", min(r.FromHSR), tt.fromHSR},
			{"minutes to trunk/primary", min(r.ToOrdinary), tt.toOrd},
		} {
			if math.Abs(c.got-c.want) > 0.01 {
				t.Errorf("%s %s: got %.3f, want %.3f", tt.town, c.what, c.got, c.want)
			}
		}
		for cl := graph.Class(0); int(cl) < graph.NumClasses; cl++ {
			if math.Abs(r.KmByClass[cl]-tt.km[cl]) > 0.005 {
				t.Errorf("%s km of %v on the route to HSR: got %.3f, want %.3f", tt.town, cl, r.KmByClass[cl], tt.km[cl])
			}
		}
		if r.HSR == nil || r.HSR.NameEn != "Testville East" || r.Entrance == nil || r.Entrance.ID != "entrance/10" {
			t.Errorf("%s: got HSR %v entrance %v, want Testville East and entrance/10", tt.town, r.HSR, r.Entrance)
		}
	}
	// Gammaton sits 10 m from the expressway yet is 19 minutes from an
	// entrance, and was placed on its street, not on the expressway.
	if r := rows[2]; math.Abs(r.SnapDist-20) > 0.5 {
		t.Errorf("Gammaton: got snap distance %.1f m, want 20 (its street, not the expressway 10 m away)", r.SnapDist)
	}
	if got := rows[0].Ordinary; got != "S101" {
		t.Errorf("Alphaville: got nearest ordinary road %q, want S101", got)
	}
}

func TestAccessUnreachable(t *testing.T) {
	g, f := load(t, rampPath, testProfile())
	ps, _ := Detect(g, f, Options{})
	// No HSR station, no entrance, and a town far from every road.
	var only []Place
	for _, p := range ps {
		if p.Kind == KindTown {
			only = append(only, p)
		}
	}
	only = append(only, Place{Kind: KindTown, ID: "far", Name: "Far", Lon: 114.5, Lat: 30.5})
	rows, notes := Access(g, only, AccessOptions{Snap: graph.SnapOptions{MaxDist: 1000}})
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want 4", len(rows))
	}
	for _, r := range rows {
		if r.ToHSR != graph.Inf || r.FromHSR != graph.Inf || r.ToEntrance != graph.Inf || r.HSR != nil || r.Entrance != nil {
			t.Errorf("%s: got to HSR %d, from %d, to entrance %d, want all unreachable (graph.Inf)", r.Town.Name, r.ToHSR, r.FromHSR, r.ToEntrance)
		}
	}
	if far := rows[3]; far.SnapDist != -1 || far.ToOrdinary != graph.Inf || len(far.Notes) == 0 || !strings.Contains(far.Notes[0], "not placed on the network") {
		t.Errorf("far town: got snap %.0f, to ordinary %d, notes %q; want -1, Inf and a note", far.SnapDist, far.ToOrdinary, far.Notes)
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{"no hsr_station", "no expressway_entrance"} {
		if !strings.Contains(all, want) {
			t.Errorf("got notes %q, want %q", notes, want)
		}
	}
}

// TestFixtureControlledClasses: the profile decides what is controlled. With
// primary controlled too, Alpha Road becomes part of the expressway system
// (a controlled mainline, as Chinese urban expressways tagged trunk are) and
// the entrance moves to where ordinary roads meet it, at Alphaville.
func TestFixtureControlledClasses(t *testing.T) {
	prof := testProfile()
	prof.ControlledClasses = append(prof.ControlledClasses, "primary")
	g, f := load(t, rampPath, prof)
	ents, _ := Entrances(g, f, Options{})
	if len(ents) != 1 || ents[0].ID != "entrance/12" || !strings.Contains(ents[0].Source, "onto S101") {
		t.Errorf("got entrances %v, want one at node 12 (Alphaville) onto S101", ents)
	}
}
