package places

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

func TestParsePopulation(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"72826", 72826, true},
		{"72,826", 72826, true},
		{"1.345.890", 1345890, true},
		{"72 826", 72826, true},
		{"~5000", 5000, true},
		{"4927 (2010)", 4927, true},
		{"1234.5", 1234, true},
		{" 800 ", 800, true},
		{"", 0, false},
		{"many", 0, false},
		{"12,34", 12, true}, // decimal comma
		{"1,,000", 0, false},
		{"5000 6000", 0, false},
		{"999999999999", 0, false},
		{"-5", 0, false},
		{"１２３", 0, false}, // full-width digits: not handled
	}
	for _, tt := range tests {
		got, ok := ParsePopulation(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParsePopulation(%q): got %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParsePopulation(f *testing.F) {
	for _, s := range []string{"72826", "72,826", "1.345.890", "~5", "4927 (2010)", "1,,0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParsePopulation(s)
		if ok && (n < 0 || n > 100_000_000) {
			t.Fatalf("ParsePopulation(%q): got %d, want 0..1e8", s, n)
		}
		if !ok && n != 0 {
			t.Fatalf("ParsePopulation(%q): got %d with false, want 0", s, n)
		}
	})
}

func TestValidRef(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"5A", "5A"}, {"109B;109A;", "109B;109A"}, {"6A-B", "6A-B"}, {"12", "12"},
		{"yes", ""}, {"tiger", ""}, {"to I-95 exit 5", ""}, {"Exit", ""}, {"", ""}, {"1234567890123", ""},
	} {
		if got := validRef(tt.in); got != tt.want {
			t.Errorf("validRef(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"濮阳东", "濮阳东"}, {"Alpha", "Alpha"}, {"yes", ""}, {"High-Speed Toll Lane", ""}, {"Tiger", ""},
	} {
		if got := cleanName(tt.in); got != tt.want {
			t.Errorf("cleanName(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStationHints(t *testing.T) {
	for _, tt := range []struct {
		in   string
		hint bool
	}{
		{"Amtrak", true}, {"DB Fernverkehr AG", true}, {"中国铁路郑州局集团", true}, {"SNCF;TGV", true},
		{"SEPTA", false}, {"Office", false}, {"Rhein-Neckar-Verkehr GmbH", false}, {"", false},
	} {
		if got := hsrHint(tt.in) != ""; got != tt.hint {
			t.Errorf("hsrHint(%q): got %v, want %v", tt.in, got, tt.hint)
		}
	}
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"郑州东站", true}, {"濮阳东站", true}, {"安阳高铁站", true}, {"郑州站", false}, {"Dover", false},
	} {
		if got := chineseHSRName(tt.in); got != tt.want {
			t.Errorf("chineseHSRName(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ a, b string }{
		{"Heidelberg Hbf", "Heidelberg Hauptbahnhof"}, {"Wilmington Station", "Wilmington"}, {"濮阳东站", "濮阳东"},
	} {
		if normStation(tt.a) != normStation(tt.b) {
			t.Errorf("normStation: got %q and %q, want equal", normStation(tt.a), normStation(tt.b))
		}
	}
}

func TestStationScoring(t *testing.T) {
	// Wilmington's case in miniature: a station named after the city and
	// nearest to it on main-line track outranks stops on highspeed=yes track.
	f := loadFeatures(t, []station{
		{1, "Bigtown", 0, 0, map[string]string{}},
		{2, "Smallstop", 0.05, 0, map[string]string{}},
		{3, "Hamlet Halt", 0.1, 0, map[string]string{"railway": "halt"}},
		{4, "Metro", 0.001, 0.001, map[string]string{"station": "subway"}},
		{5, "Gare TGV", 0.2, 0, map[string]string{"operator": "SNCF", "brand": "TGV"}},
	})
	towns := []Place{{Kind: KindTown, ID: "c", Name: "Bigtown", Lon: 0.005, Lat: 0.005, Population: 200000}}
	st, notes := Stations(f, towns, Options{})
	got := map[string]string{}
	for _, s := range st {
		got[s.Name] = s.Kind
	}
	want := map[string]string{"Bigtown": KindHSRStation, "Smallstop": KindRailStation, "Hamlet Halt": KindRailStation, "Gare TGV": KindHSRStation}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	if _, ok := got["Metro"]; ok || len(notes) != 1 {
		t.Errorf("got Metro listed (%v) with notes %q, want it left out and noted", ok, notes)
	}
}

func TestApply(t *testing.T) {
	base := []Place{
		{Kind: KindTown, ID: "node/1", Name: "Milford", Lon: -75.43, Lat: 38.91, Source: "place=town"},
		{Kind: KindTown, ID: "node/2", Name: "Dover", Lon: -75.52, Lat: 39.16, Population: 34735},
		{Kind: KindRailStation, ID: "node/3", Name: "Wilmington", Lon: -75.55, Lat: 39.74},
		{Kind: KindTown, ID: "node/4", Name: "Wilmington", Lon: -75.54, Lat: 39.75},
		{Kind: KindHSRStation, ID: "node/5", Name: "Claymont", Lon: -75.45, Lat: 39.80},
	}
	known := []Place{{Kind: KindTown, ID: "node/9", Name: "Harrington", Lon: -75.58, Lat: 38.92, Population: 3562}}
	np := -1
	tests := []struct {
		name  string
		plan  Plan
		check func(t *testing.T, ps []Place)
		err   string
	}{
		{"set population", Plan{Edits: []Edit{{Name: "Milford", Kind: KindTown, Population: 11190, Where: "p:2"}}},
			func(t *testing.T, ps []Place) {
				m := find(ps, KindTown, "Milford")
				if m == nil || m.Population != 11190 || m.Lon != -75.43 || !strings.Contains(m.Source, "planner p:2") {
					t.Errorf("got %+v, want population 11190 at the same point, source naming p:2", m)
				}
			}, ""},
		{"replace station kind by name", Plan{Edits: []Edit{{Op: OpReplace, Name: "Wilmington", Kind: KindHSRStation, Population: np, Where: "p:2"}}},
			func(t *testing.T, ps []Place) {
				if find(ps, KindHSRStation, "Wilmington") == nil || find(ps, KindTown, "Wilmington") == nil {
					t.Errorf("got %+v, want the station made hsr_station and the town kept", ps)
				}
			}, ""},
		{"drop detected and add", Plan{DropDetected: []string{KindHSRStation},
			Edits: []Edit{{Op: OpAdd, Kind: KindHSRStation, ID: "hsr1", Name: "New HSR", Lon: -75.6, Lat: 39.5, HasPoint: true, Population: np, Where: "p:2"}}},
			func(t *testing.T, ps []Place) {
				h := OfKind(ps, KindHSRStation)
				if len(h) != 1 || h[0].ID != "hsr1" {
					t.Errorf("got hsr %+v, want only hsr1", h)
				}
			}, ""},
		{"remove by id", Plan{Edits: []Edit{{Op: OpRemove, ID: "node/2", Population: np, Where: "p:2"}}},
			func(t *testing.T, ps []Place) {
				if find(ps, KindTown, "Dover") != nil || len(ps) != 4 {
					t.Errorf("got %+v, want Dover removed", ps)
				}
			}, ""},
		{"add by name from known", Plan{Edits: []Edit{{Op: OpAdd, Kind: KindTown, Name: "Harrington", Population: np, Where: "p:2"}}},
			func(t *testing.T, ps []Place) {
				h := find(ps, KindTown, "Harrington")
				if h == nil || h.Population != 3562 || h.Lat != 38.92 {
					t.Errorf("got %+v, want Harrington from the known places", h)
				}
			}, ""},
		{"add point replaces entries", Plan{Edits: []Edit{{ID: "e1", Kind: KindEntrance, Name: "Gate", Lon: 1, Lat: 2, HasPoint: true, Population: np, Where: "p:2"}}},
			func(t *testing.T, ps []Place) {
				if e := find(ps, KindEntrance, "Gate"); e == nil || len(e.Points()) != 1 {
					t.Errorf("got %+v, want one entrance point", e)
				}
			}, ""},
		{"duplicate id", Plan{Edits: []Edit{{ID: "x", Name: "A", Kind: KindTown, HasPoint: true, Where: "p.yaml: places[0]"}, {ID: "x", Name: "B", Kind: KindTown, HasPoint: true, Where: "p.yaml: places[1]"}}},
			nil, `p.yaml: places[1] (id x): duplicate: p.yaml: places[0] also has id x`},
		{"unknown kind", Plan{Edits: []Edit{{ID: "x", Kind: "airport", Where: "p:2"}}}, nil, `p:2 (id x): unknown kind "airport"`},
		{"remove missing", Plan{Edits: []Edit{{Op: OpRemove, ID: "nope", Where: "p:2"}}}, nil, "p:2 (id nope): remove: no such place"},
		{"replace missing", Plan{Edits: []Edit{{Op: OpReplace, Name: "Nowhere", Where: "p:2"}}}, nil, "replace: no such place"},
		{"add existing id", Plan{Edits: []Edit{{Op: OpAdd, ID: "node/1", Kind: KindTown, HasPoint: true, Where: "p:2"}}}, nil, "id already used by town Milford"},
		{"ambiguous name", Plan{Edits: []Edit{{Op: OpRemove, Name: "Wilmington", Where: "p:2"}}}, nil, "name matches 2 places"},
		{"add without point unknown", Plan{Edits: []Edit{{Op: OpAdd, Kind: KindTown, Name: "Atlantis", Where: "p:2"}}}, nil, `no place named "Atlantis"`},
		{"add without kind", Plan{Edits: []Edit{{Op: OpAdd, ID: "q", HasPoint: true, Where: "p:2"}}}, nil, "add needs a kind"},
		{"bad point", Plan{Edits: []Edit{{ID: "q", Kind: KindTown, Lon: 200, Lat: 0, HasPoint: true, Where: "p:2"}}}, nil, "out of range"},
		{"drop unknown kind", Plan{DropDetected: []string{"bus"}}, nil, `drop_detected: unknown kind "bus"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := Apply(base, tt.plan, known)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got error %v, want one containing %q", err, tt.err)
				}
				var ee *EditError
				if strings.HasPrefix(tt.err, "p") && !errors.As(err, &ee) && !strings.HasPrefix(tt.err, "drop") {
					t.Errorf("got %T, want *EditError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			tt.check(t, ps)
		})
	}
}

// TestRailIndexMatchesNaive: the grid gives the same nearest track as
// checking every piece.
func TestRailIndexMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var rails []osm.Rail
	for i := 0; i < 50; i++ {
		var part []graph.Point
		p := graph.Point{Lon: 114 + rng.Float64()*0.2, Lat: 30 + rng.Float64()*0.2}
		for k := 0; k < 10; k++ {
			part = append(part, p)
			p.Lon += (rng.Float64() - 0.5) * 0.02
			p.Lat += (rng.Float64() - 0.5) * 0.02
		}
		rails = append(rails, osm.Rail{ID: int64(i), HighSpeed: i%2 == 0, Usage: "main", Parts: [][]graph.Point{part}})
	}
	ix := newRailIndex(rails)
	for q := 0; q < 500; q++ {
		p := graph.Point{Lon: 114 + rng.Float64()*0.2, Lat: 30 + rng.Float64()*0.2}
		for _, hs := range []bool{true, false} {
			want := math.Inf(1)
			for _, r := range rails {
				if hs && !r.HighSpeed {
					continue
				}
				for k := 0; k+1 < len(r.Parts[0]); k++ {
					want = math.Min(want, segDist(p, r.Parts[0][k], r.Parts[0][k+1]))
				}
			}
			got, _ := ix.nearest(p, hs, 1500)
			if want > 1500 {
				want = math.Inf(1)
			}
			if got != want {
				t.Fatalf("%v hs=%v: got %v, want %v", p, hs, got, want)
			}
		}
	}
}
