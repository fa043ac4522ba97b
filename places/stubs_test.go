package places

import (
	"math"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

// TestDelawareEntranceStubs: DE 1 over the Indian River Inlet is a 2.6 km
// piece tagged motorway; it must give no entrance (it used to give two near
// Bethany Beach), the dropped pieces are listed, the I-95/DE 1 network keeps
// its entrances, and no two entrances share a name.
func TestDelawareEntranceStubs(t *testing.T) {
	g, f, _ := loadDelaware(t)
	ents, notes := Entrances(g, f, Options{})
	bridge := graph.Point{Lon: -75.0705, Lat: 38.6095}
	for _, e := range ents {
		if d := minDist(append(e.Points(), e.Point()), []graph.Point{bridge}); d < 3000 {
			t.Errorf("got entrance %q at %v, %.0f m from the Indian River Inlet bridge, want none within 3 km", e.Name, e.Point(), d)
		}
	}
	seen := map[string]string{}
	for _, e := range ents {
		if id, ok := seen[e.Name]; ok {
			t.Errorf("got name %q for both %s and %s, want unique names", e.Name, id, e.ID)
		}
		seen[e.Name] = e.ID
	}
	for _, name := range []string{"I 95 exit 1A", "I 95 exit 11", "I 95;US 202 exit 7", "DE 1 exit 136", "DE 1 exit 98", "I 495 exit 3"} {
		if _, ok := seen[name]; !ok {
			t.Errorf("got no entrance %q, want the I-95/DE 1 network's entrances kept", name)
		}
	}
	// One note line per dropped piece; the bridge's two carriageways
	// (2.7 and 2.5 km, each one piece) are among them.
	inlet := 0
	for _, n := range notes {
		if strings.HasPrefix(n, "controlled-access piece DE 1, 2.") && strings.Contains(n, ",38.60") {
			inlet++
		}
	}
	if inlet != 2 {
		t.Errorf("got %d notes on the Indian River Inlet pieces, want 2; notes:\n%s", inlet, strings.Join(notes, "\n"))
	}
	// A threshold below every piece keeps them: the option is what drops them.
	all, _ := Entrances(g, f, Options{MinExpresswayKm: 0.001})
	near := 0
	for _, e := range all {
		if minDist(e.Points(), []graph.Point{bridge}) < 3000 {
			near++
		}
	}
	if near != 2 {
		t.Errorf("with MinExpresswayKm 0.001: got %d entrances within 3 km of the bridge, want 2 (the stub's)", near)
	}
	names := map[string]bool{}
	for _, e := range all {
		if names[e.Name] {
			t.Errorf("with MinExpresswayKm 0.001: got name %q twice", e.Name)
		}
		names[e.Name] = true
	}
}

func TestUniqueNames(t *testing.T) {
	mk := func(id, name string, lon, lat float64) Place {
		return Place{Kind: KindEntrance, ID: id, Name: name, Lon: lon, Lat: lat}
	}
	tests := []struct {
		name  string
		ps    []Place
		mains [][]string
		want  []string
	}{
		{"distinct stays", []Place{mk("e/1", "A", 0, 0), mk("e/2", "B", 0, 1)}, [][]string{{"G1"}, {"G1"}}, []string{"A", "B"}},
		{"by expressway", []Place{mk("e/1", "Main St", 0, 0), mk("e/2", "Main St", 0, 0.01)}, [][]string{{"G1"}, {"G2"}},
			[]string{"Main St onto G1", "Main St onto G2"}},
		// 0.01 deg of latitude (1.1 km) against 0.001 of longitude: north/south.
		{"pair north south", []Place{mk("e/1", "X", 0.001, 0.01), mk("e/2", "X", 0, 0)}, [][]string{{"G1"}, {"G1"}},
			[]string{"X (north)", "X (south)"}},
		{"pair east west", []Place{mk("e/1", "X", 0, 0), mk("e/2", "X", 0.02, 0.001)}, [][]string{{"G1"}, {"G1"}},
			[]string{"X (west)", "X (east)"}},
		{"three numbered north to south", []Place{mk("e/1", "X", 0, 0), mk("e/2", "X", 0, 2), mk("e/3", "X", 0, 1)}, [][]string{nil, nil, nil},
			[]string{"X (3)", "X (1)", "X (2)"}},
		// "X (north)" collides with an existing name: ids settle it.
		{"collision after suffix", []Place{mk("e/1", "X", 0, 1), mk("e/2", "X", 0, 0), mk("e/3", "X (north)", 5, 5)}, [][]string{nil, nil, nil},
			[]string{"X (north) [e/1]", "X (south)", "X (north) [e/3]"}},
	}
	for _, tt := range tests {
		uniqueNames(tt.ps, tt.mains)
		for i, w := range tt.want {
			if tt.ps[i].Name != w {
				t.Errorf("%s: place %d: got %q want %q", tt.name, i, tt.ps[i].Name, w)
			}
		}
	}
}

func TestValidateMinExpresswayKm(t *testing.T) {
	for _, tt := range []struct {
		v  float64
		ok bool
	}{{0, true}, {5, true}, {1000, true}, {-1, false}, {1000.5, false}, {math.NaN(), false}, {math.Inf(1), false}} {
		err := Options{MinExpresswayKm: tt.v}.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("MinExpresswayKm %v: got error %v, want ok %v", tt.v, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "min_expressway_km") {
			t.Errorf("MinExpresswayKm %v: got %q, want the key named", tt.v, err)
		}
	}
}
