package places

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

// Integration tests on the real extracts in testdata/.

var delaware struct {
	once sync.Once
	g    *graph.Graph
	f    *osm.Features
	ps   []Place
}

func loadDelaware(t *testing.T) (*graph.Graph, *osm.Features, []Place) {
	t.Helper()
	delaware.once.Do(func() {
		delaware.g, delaware.f = load(t, filepath.Join("..", "testdata", "delaware-latest.osm.pbf"), osm.DefaultProfile())
		delaware.ps, _ = Detect(delaware.g, delaware.f, Options{})
	})
	if delaware.g == nil {
		t.Fatal("delaware did not load")
	}
	return delaware.g, delaware.f, delaware.ps
}

func TestDelawareTowns(t *testing.T) {
	_, _, ps := loadDelaware(t)
	for _, tt := range []struct {
		name   string
		pop    int
		county string
	}{
		{"Wilmington", 72826, "New Castle County"},
		{"Dover", 34735, "Kent County"},
		{"Georgetown", 4927, "Sussex County"},
	} {
		p := find(ps, KindTown, tt.name)
		if p == nil {
			t.Errorf("got no town %s, want one", tt.name)
			continue
		}
		if p.Population != tt.pop || !strings.Contains(p.Source, "admin_centre of "+tt.county) {
			t.Errorf("%s: got population %d source %q, want %d and admin_centre of %s", tt.name, p.Population, p.Source, tt.pop, tt.county)
		}
	}
	m := find(ps, KindTown, "Milford")
	if m == nil || m.Population != 0 || !strings.Contains(m.Source, "no population tag") {
		t.Errorf("got Milford %+v, want population 0 and a note on the missing tag", m)
	}
}

func TestDelawareStations(t *testing.T) {
	_, _, ps := loadDelaware(t)
	var wil *Place
	for i := range ps {
		if ps[i].ID == "node/366753362" {
			wil = &ps[i]
		}
	}
	if wil == nil || wil.Name != "Wilmington" || (wil.Kind != KindHSRStation && wil.Kind != KindRailStation) {
		t.Fatalf("got Wilmington station %+v, want node/366753362 as a station", wil)
	}
	if math.Abs(wil.Lat-39.73675) > 1e-5 || math.Abs(wil.Lon+75.55110) > 1e-5 {
		t.Errorf("got Wilmington station at %.5f,%.5f, want 39.73675,-75.55110", wil.Lat, wil.Lon)
	}
	// The commuter stops on highspeed=yes track must not outrank it.
	if wil.Kind != KindHSRStation {
		t.Errorf("got Wilmington as %s (%s), want hsr_station", wil.Kind, wil.Source)
	}
	for _, name := range []string{"Claymont", "Churchmans Crossing"} {
		if p := find(ps, KindRailStation, name); p == nil {
			t.Errorf("got no rail_station %s, want one (a commuter stop on highspeed=yes track)", name)
		}
	}
}

func TestDelawareEntrances(t *testing.T) {
	g, f, ps := loadDelaware(t)
	ents := OfKind(ps, KindEntrance)
	if len(ents) < 40 || len(ents) > 80 {
		t.Errorf("got %d entrances, want 40-80 (one per interchange with on-ramps)", len(ents))
	}
	// Every expressway of the issue has entrances.
	for _, ref := range []string{"I 95", "DE 1", "I 495", "I 295"} {
		n := 0
		for _, e := range ents {
			if strings.Contains(e.Source, "onto "+ref) || strings.Contains(e.Source, "/"+ref) || strings.HasPrefix(e.Name, ref+" ") {
				n++
			}
		}
		if n == 0 {
			t.Errorf("got no entrance onto %s", ref)
		}
	}
	// Known interchanges: an entrance with the name built from the
	// junction's ref lies within 1.5 km of a motorway_junction node with
	// that ref and within 2 km of the interchange's location.
	for _, tt := range []struct {
		name     string
		ref      string
		lon, lat float64
		what     string
	}{
		{"I 95;US 202 exit 7", "7", -75.559, 39.743, "I-95 exit 7 (DE 52), Wilmington"},
		{"I 95 exit 9", "9", -75.505, 39.781, "I-95 exit 9 (DE 3), north of Wilmington"},
		{"I 495 exit 3", "3", -75.521, 39.736, "I-495 exit 3, Wilmington riverfront"},
		{"DE 1 exit 142", "142", -75.647, 39.500, "DE 1 exit 142 (DE 299), Middletown/Odessa"},
		{"DE 1 exit 98", "98", -75.492, 39.166, "DE 1 exit 98, north Dover"},
	} {
		var hit *Place
		for i := range ents {
			if ents[i].Name != tt.name {
				continue
			}
			for _, j := range f.Junctions {
				if j.Tags["ref"] == tt.ref && minDist(ents[i].Points(), []graph.Point{{Lon: j.Lon, Lat: j.Lat}}) < 1500 &&
					minDist(ents[i].Points(), []graph.Point{{Lon: tt.lon, Lat: tt.lat}}) < 2000 {
					hit = &ents[i]
				}
			}
		}
		if hit == nil {
			t.Errorf("got no entrance %q for %s near %.3f,%.3f", tt.name, tt.what, tt.lat, tt.lon)
		}
	}
	// I-295 has no numbered junctions in the extract: its entrance from
	// DE 9 near the Delaware Memorial Bridge is found by location.
	if !slices.ContainsFunc(ents, func(e Place) bool {
		return strings.Contains(e.Source, "I 295") && strings.Contains(e.Source, "DE 9") && metres(e.Point(), graph.Point{Lon: -75.554, Lat: 39.695}) < 1500
	}) {
		t.Error("got no entrance onto I 295 from DE 9 near 39.695,-75.554")
	}
	// No entrance is the end of an off-ramp: every entry point has a
	// controlled arc leaving it.
	for _, e := range ents {
		for _, p := range e.Points() {
			sn, err := g.SnapPoint(p, graph.SnapOptions{MaxDist: 1})
			if err != nil {
				t.Fatalf("%s: %v", e.ID, err)
			}
			v := g.OnNode(sn)
			if v < 0 || !isEntry(g, v) {
				t.Errorf("%s (%s): entry point %v is not an on-ramp start", e.ID, e.Name, p)
			}
		}
	}
	// Names never come from junk refs.
	for _, e := range ents {
		if strings.Contains(e.Name, "exit yes") || strings.Contains(strings.ToLower(e.Name), "tiger") {
			t.Errorf("got entrance name %q from a junk ref", e.Name)
		}
	}
}

func TestDelawareAccess(t *testing.T) {
	g, _, ps := loadDelaware(t)
	var seats []Place
	for _, p := range ps {
		if p.Kind != KindTown && p.Kind != KindHSRStation && p.Kind != KindEntrance {
			continue
		}
		if p.Kind == KindTown && !slices.Contains([]string{"Wilmington", "Dover", "Georgetown"}, p.Name) {
			continue
		}
		if p.Kind == KindHSRStation && p.ID != "node/366753362" {
			continue
		}
		seats = append(seats, p)
	}
	prof := osm.DefaultProfile()
	rows, notes := Access(g, seats, AccessOptions{Snap: prof.SnapOptions()})
	if len(rows) != 3 {
		t.Fatalf("got %d rows (notes %q), want 3", len(rows), notes)
	}
	// Georgetown: 39.6 min to DE 1 at Bay Road south of Dover; DE 1 at
	// Milford (25 min) is a 4 km motorway piece, below MinExpresswayKm.
	want := map[string]struct{ lo, hi, entHi float64 }{
		"Dover":      {45, 60, 10},
		"Georgetown": {80, 120, 45},
		"Wilmington": {0.5, 8, 6},
	}
	for _, r := range rows {
		w := want[r.Town.Name]
		to, from, ent := float64(r.ToHSR)/60000, float64(r.FromHSR)/60000, float64(r.ToEntrance)/60000
		t.Logf("%s: to HSR %.1f min, from %.1f, entrance %s %.1f min, %s %.1f min, route %.1f km",
			r.Town.Name, to, from, r.Entrance.Name, ent, r.Ordinary, float64(r.ToOrdinary)/60000, r.RouteKm())
		if to < w.lo || to > w.hi || from < w.lo || from > w.hi {
			t.Errorf("%s: got %.1f min to and %.1f from Wilmington station, want %g-%g", r.Town.Name, to, from, w.lo, w.hi)
		}
		if ent <= 0 || ent > w.entHi {
			t.Errorf("%s: got %.1f min to the nearest entrance, want 0-%g", r.Town.Name, ent, w.entHi)
		}
		if r.ToOrdinary > 15*60000 {
			t.Errorf("%s: got %.1f min to a trunk/primary road, want under 15 (county seats)", r.Town.Name, float64(r.ToOrdinary)/60000)
		}
		if km := r.RouteKm(); to > 0 && (km < to*0.2 || km > to*2) {
			t.Errorf("%s: got a %.1f km route for %.1f min, want a plausible length", r.Town.Name, km, to)
		}
	}
}

func TestHeidelbergStationRelation(t *testing.T) {
	g, f := load(t, filepath.Join("..", "testdata", "heidelberg.test.osm.pbf"), osm.DefaultProfile())
	ps, _ := Detect(g, f, Options{})
	var hbf *Place
	for i := range ps {
		if strings.Contains(ps[i].Source, "relation/3088804") {
			hbf = &ps[i]
		}
	}
	if hbf == nil {
		t.Fatal("got no station from relation/3088804 (Heidelberg Hbf)")
	}
	// The relation and the node "Heidelberg Hauptbahnhof" are one station,
	// placed at the node.
	if hbf.ID != "node/2820941790" || !strings.Contains(hbf.Source, "Heidelberg Hbf") {
		t.Errorf("got %s %q (%s), want node/2820941790 merged with relation/3088804", hbf.ID, hbf.Name, hbf.Source)
	}
	if len(OfKind(ps, KindEntrance)) == 0 {
		t.Error("got no entrances on Heidelberg (A5/A656)")
	}
}

func TestLaufClipped(t *testing.T) {
	g, f := load(t, filepath.Join("..", "testdata", "lauf-200115.osm.pbf"), osm.DefaultProfile())
	if f.Stats.MissingNodeRefs == 0 {
		t.Error("got no missing node refs on the clipped lauf extract, want some counted")
	}
	ps, _ := Detect(g, f, Options{})
	if find(ps, KindTown, "Lauf an der Pegnitz") == nil {
		t.Error("got no town Lauf an der Pegnitz")
	}
	prof := osm.DefaultProfile()
	rows, _ := Access(g, ps, AccessOptions{Snap: prof.SnapOptions()})
	if len(rows) == 0 {
		t.Error("got no access rows on lauf")
	}
}
