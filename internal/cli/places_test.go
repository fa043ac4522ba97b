package cli

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/places"
)

const (
	delawarePBF = "../../testdata/delaware-latest.osm.pbf"
	rampOSM     = "../../testdata/places/ramp.osm"
)

// rampProfile is the profile testdata/places/README.md computes with.
const rampProfile = `speeds:
  motorway: 100
  motorway_link: 60
  primary: 60
  secondary: 45
  tertiary: 30
  unclassified: 30
  residential: 30
  service: 20
`

// readCSV reads a CSV file into maps keyed by header, one per row.
func readCSV(t *testing.T, path string) ([]string, []map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return recs[0], rows
}

func rowWhere(rows []map[string]string, k, v string) map[string]string {
	for _, r := range rows {
		if r[k] == v {
			return r
		}
	}
	return nil
}

// TestPlacesAndAccessDelaware builds a graph file next to a copy of the
// extract, so 'places' and 'access' find the extract through the graph
// header, and checks the Delaware expectations.
func TestPlacesAndAccessDelaware(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(delawarePBF)
	if err != nil {
		t.Fatal(err)
	}
	pbf := writeFile(t, dir, "delaware-latest.osm.pbf", string(data))
	g := filepath.Join(dir, "de.graph")
	if code, _, stderr := run(t, "build", pbf, "-o", g); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "places.csv")
	code, _, stderr := run(t, "places", "--graph", g, "-o", out)
	if code != 0 {
		t.Fatalf("places: exit %d: %s", code, stderr)
	}
	head, rows := readCSV(t, out)
	if got := strings.Join(head[:7], ","); got != "kind,id,name,lon,lat,population,source" {
		t.Errorf("got header %s, want it to start with kind,id,name,lon,lat,population,source", got)
	}
	for _, town := range []string{"Wilmington", "Dover", "Georgetown"} {
		found := false
		for _, r := range rows {
			found = found || r["kind"] == "town" && r["name"] == town
		}
		if !found {
			t.Errorf("got no town row %s", town)
		}
	}
	st := rowWhere(rows, "id", "node/366753362")
	if st == nil || st["kind"] != "hsr_station" || st["lat"] != "39.7367534" || st["lon"] != "-75.5511036" {
		t.Errorf("got Wilmington station row %v, want hsr_station at 39.7367534,-75.5511036", st)
	}
	for _, ref := range []string{"I 95", "DE 1", "I 495", "I 295"} {
		n := 0
		for _, r := range rows {
			if r["kind"] == "expressway_entrance" && (strings.Contains(r["source"], "onto "+ref) || strings.Contains(r["source"], "/"+ref)) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("got no expressway_entrance onto %s", ref)
		}
	}
	if !strings.Contains(stderr, "places: 9 town, 1 hsr_station") {
		t.Errorf("got summary %q, want counts per kind", stderr)
	}

	// The access table for the county seats, with the demo's planner file
	// keeping only the three county seats as towns.
	plan := writeFile(t, dir, "plan.yaml", `drop_detected: [town]
places:
  - {op: add, kind: town, name: Wilmington}
  - {op: add, kind: town, name: Dover}
  - {op: add, kind: town, name: Georgetown}
`)
	acc, js := filepath.Join(dir, "access.csv"), filepath.Join(dir, "access.json")
	code, _, stderr = run(t, "access", "--graph", g, "--places", plan, "-o", acc, "--json", js)
	if code != 0 {
		t.Fatalf("access: exit %d: %s", code, stderr)
	}
	head, rows = readCSV(t, acc)
	if got := strings.Join(head[:6], ","); got != "town,hsr_station,minutes_to_hsr,minutes_from_hsr,entrance,minutes_to_entrance" {
		t.Errorf("got header %s", strings.Join(head, ","))
	}
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want 3", len(rows))
	}
	for _, tt := range []struct {
		town   string
		lo, hi float64
	}{{"Dover", 45, 60}, {"Georgetown", 80, 120}, {"Wilmington", 0.5, 8}} {
		r := rowWhere(rows, "town", tt.town)
		if r == nil {
			t.Errorf("got no row for %s", tt.town)
			continue
		}
		to, _ := strconv.ParseFloat(r["minutes_to_hsr"], 64)
		from, _ := strconv.ParseFloat(r["minutes_from_hsr"], 64)
		if r["hsr_station"] != "Wilmington" || to < tt.lo || to > tt.hi || from < tt.lo || from > tt.hi {
			t.Errorf("%s: got %s %s/%s min, want Wilmington within %g-%g", tt.town, r["hsr_station"], r["minutes_to_hsr"], r["minutes_from_hsr"], tt.lo, tt.hi)
		}
		if r["entrance"] == "" || r["minutes_to_entrance"] == "" || r["minutes_to_trunk_primary"] == "" || r["km_motorway"] == "" {
			t.Errorf("%s: got %v, want entrance, trunk/primary and km columns filled", tt.town, r)
		}
	}
	var doc struct {
		Towns []struct {
			Town         string   `json:"town"`
			MinutesToHSR *float64 `json:"minutes_to_hsr"`
		} `json:"towns"`
	}
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Towns) != 3 || doc.Towns[1].MinutesToHSR == nil {
		t.Errorf("got JSON %s (%v), want 3 towns with minutes", b, err)
	}

	// Without the extract next to the graph: a clear usage error.
	g2 := filepath.Join(t.TempDir(), "de.graph")
	gb, _ := os.ReadFile(g)
	os.WriteFile(g2, gb, 0o644)
	code, _, stderr = run(t, "places", "--graph", g2, "-o", out+"2")
	if code != 2 || !strings.Contains(stderr, "--extract") || !strings.Contains(stderr, "delaware-latest.osm.pbf") {
		t.Errorf("got exit %d %q, want 2 asking for --extract", code, stderr)
	}
}

// TestAccessFixture checks the access table against the hand-computed
// answers of testdata/places/README.md, through the CLI.
func TestAccessFixture(t *testing.T) {
	dir := t.TempDir()
	prof := writeFile(t, dir, "prof.yaml", rampProfile)
	// A planner's file with a town far from every road: an error naming
	// it (issue 7: never exit 0 with empty columns), and no output.
	bad := writeFile(t, dir, "bad.csv", "op,kind,id,name,lon,lat,population\nreplace,,,Betaburg,,,2500\nadd,town,far,Farfield,114.5,30.5,100\n")
	out, js := filepath.Join(dir, "a.csv"), filepath.Join(dir, "a.json")
	code, _, stderr := run(t, "access", "--graph", rampOSM, "--profile", prof, "--places", bad, "-o", out, "--json", js)
	if code != 2 || !strings.Contains(stderr, "Farfield") || !strings.Contains(stderr, "bad.csv:3") || !strings.Contains(stderr, "cannot be placed") {
		t.Errorf("far planner's town: exit %d %q, want 2 naming Farfield and bad.csv:3", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("an output was written: %v", err)
	}
	// A planner's file: Betaburg gets its population.
	plan := writeFile(t, dir, "plan.csv", "op,kind,id,name,lon,lat,population\nreplace,,,Betaburg,,,2500\n")
	code, _, stderr = run(t, "access", "--graph", rampOSM, "--profile", prof, "--places", plan, "-o", out, "--json", js)
	if code != 0 {
		t.Fatalf("access: exit %d: %s", code, stderr)
	}
	_, rows := readCSV(t, out)
	want := map[string]map[string]string{
		"Alphaville": {"minutes_to_entrance": "2.0", "minutes_to_hsr": "6.0", "minutes_from_hsr": "6.0", "minutes_to_trunk_primary": "0.0",
			"km_tertiary": "3.00", "entrance": "Alpha (exit 7)", "hsr_station": "测试东站", "population": "12345", "trunk_primary_road": "S101"},
		"Betaburg": {"minutes_to_entrance": "8.0", "minutes_to_hsr": "12.0", "minutes_to_trunk_primary": "6.0",
			"km_unclassified": "3.00", "km_tertiary": "3.00", "population": "2500"},
		"Gammaton": {"minutes_to_entrance": "18.9", "minutes_to_hsr": "22.9", "minutes_to_trunk_primary": "16.9",
			"km_residential": "2.47", "km_unclassified": "6.00", "snap_m": "20"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rows), len(want))
	}
	for town, cols := range want {
		r := rowWhere(rows, "town", town)
		if r == nil {
			t.Errorf("got no row for %s", town)
			continue
		}
		for k, v := range cols {
			if r[k] != v {
				t.Errorf("%s %s: got %q, want %q", town, k, r[k], v)
			}
		}
	}
	var doc struct {
		Towns []map[string]any `json:"towns"`
	}
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, tw := range doc.Towns {
		if tw["town"] == "Alphaville" && tw["minutes_to_entrance"] != 2.0 {
			t.Errorf("got Alphaville minutes_to_entrance %v in JSON, want 2", tw["minutes_to_entrance"])
		}
	}
}

func TestPlacesFixtureEdits(t *testing.T) {
	dir := t.TempDir()
	prof := writeFile(t, dir, "prof.yaml", rampProfile)
	plan := writeFile(t, dir, "plan.yaml", `places:
  - op: remove
    name: Gammaton
  - op: replace
    id: node/103
    kind: rail_station
  - op: add
    kind: expressway_entrance
    id: gate
    name: East Gate
    lon: 114.09
    lat: 30.0
  - name: Betaburg
    kind: town
    population: 2500
`)
	out := filepath.Join(dir, "p.csv")
	code, _, stderr := run(t, "places", "--graph", rampOSM, "--profile", prof, "--places", plan, "-o", out)
	if code != 0 {
		t.Fatalf("places: exit %d: %s", code, stderr)
	}
	_, rows := readCSV(t, out)
	if rowWhere(rows, "name", "Gammaton") != nil {
		t.Error("got Gammaton, want it removed")
	}
	if r := rowWhere(rows, "id", "node/103"); r == nil || r["kind"] != "rail_station" || !strings.Contains(r["source"], "plan.yaml: places[1]") {
		t.Errorf("got station %v, want rail_station from plan.yaml: places[1]", r)
	}
	if r := rowWhere(rows, "id", "gate"); r == nil || r["kind"] != "expressway_entrance" || r["lon"] != "114.0900000" {
		t.Errorf("got gate %v, want the added entrance", r)
	}
	if r := rowWhere(rows, "name", "Betaburg"); r == nil || r["population"] != "2500" {
		t.Errorf("got Betaburg %v, want population 2500", r)
	}
	// places.csv given back as a planner's file changes nothing.
	out2 := filepath.Join(dir, "p2.csv")
	code, _, stderr = run(t, "places", "--graph", rampOSM, "--profile", prof, "--places", out, "-o", out2)
	if code != 0 {
		t.Fatalf("places with places.csv as planner's file: exit %d: %s", code, stderr)
	}
	_, rows2 := readCSV(t, out2)
	if len(rows2) != len(rows)+1 { // Gammaton is detected again, the rest is replaced by itself
		t.Errorf("got %d rows, want %d", len(rows2), len(rows)+1)
	}
	for _, r := range rows {
		r2 := rowWhere(rows2, "id", r["id"])
		if r2 == nil || r2["lon"] != r["lon"] || r2["lat"] != r["lat"] || r2["kind"] != r["kind"] || r2["population"] != r["population"] {
			t.Errorf("got %v after the round trip, want %v", r2, r)
		}
	}
}

// TestPlannerCRS: points copied from Chinese web maps are converted to
// WGS-84. Beijing railway station, as published by the geoChina R package
// (conv(), version 1.3.0): WGS-84 (116.42079, 39.90105), GCJ-02
// (116.42703, 39.90245), BD-09 (116.43351, 39.90851), given to 5 decimals.
func TestPlannerCRS(t *testing.T) {
	dir := t.TempDir()
	const wantLon, wantLat, tol = 116.42079, 39.90105, 2e-5
	for _, tt := range []struct{ name, file, content string }{
		{"yaml gcj02", "g.yaml", "crs: gcj02\nplaces:\n  - {id: bjs, kind: hsr_station, name: 北京站, lon: 116.42703, lat: 39.90245}\n"},
		{"yaml bd09", "b.yaml", "crs: BD-09\nplaces:\n  - {id: bjs, kind: hsr_station, name: 北京站, lon: 116.43351, lat: 39.90851}\n"},
		{"yaml wgs84", "w.yaml", "places:\n  - {id: bjs, kind: hsr_station, name: 北京站, lon: 116.42079, lat: 39.90105}\n"},
		{"csv gcj02", "g.csv", "id,kind,name,lon,lat,crs\nbjs,hsr_station,北京站,116.42703,39.90245,gcj02\n"},
		{"csv bd09", "b.csv", "id,kind,name,lon,lat,crs\nbjs,hsr_station,北京站,116.43351,39.90851,bd09\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := readPlan(writeFile(t, dir, tt.file, tt.content))
			if err != nil {
				t.Fatal(err)
			}
			e := plan.Edits[0]
			if !e.HasPoint || math.Abs(e.Lon-wantLon) > tol || math.Abs(e.Lat-wantLat) > tol {
				t.Errorf("got %.6f,%.6f, want %.5f,%.5f within %g", e.Lon, e.Lat, wantLon, wantLat, tol)
			}
		})
	}
}

func TestPlannerFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"unknown entry key", "k.yaml", "places:\n  - {id: a, kind: town, name: A, lon: 1, lat: 2, popluation: 5}\n", []string{"k.yaml", "popluation"}},
		{"unknown top key", "t.yaml", "crs: wgs84\nplace:\n  - {id: a}\n", []string{"t.yaml", "place"}},
		{"duplicate id", "d.yaml", "places:\n  - {id: a, kind: town, name: A, lon: 1, lat: 2}\n  - {id: a, kind: town, name: B, lon: 1, lat: 2}\n",
			[]string{"d.yaml: places[1]", "id a", "duplicate", "places[0]"}},
		{"duplicate id csv", "d.csv", "id,kind,name,lon,lat\na,town,A,1,2\na,town,B,1,2\n", []string{"d.csv:3", "id a", "d.csv:2"}},
		{"bad crs", "c.yaml", "crs: utm\nplaces: []\n", []string{"c.yaml", "crs", "utm", "gcj02"}},
		{"bad kind", "b.yaml", "places:\n  - {id: a, kind: airport, name: A, lon: 1, lat: 2}\n", []string{"b.yaml: places[0]", "airport", "hsr_station"}},
		{"bad op", "o.yaml", "places:\n  - {op: delete, id: a}\n", []string{"o.yaml: places[0]", "delete", "remove"}},
		{"lon without lat", "l.yaml", "places:\n  - {id: a, kind: town, lon: 1}\n", []string{"places[0]", "both lon and lat"}},
		{"out of range", "r.yaml", "places:\n  - {id: a, kind: town, lon: 200, lat: 1}\n", []string{"places[0]", "out of range"}},
		{"negative population", "n.yaml", "places:\n  - {id: a, population: -3}\n", []string{"places[0]", "negative"}},
		{"yaml syntax", "s.yaml", "places: [\n", []string{"s.yaml"}},
		{"csv unknown column", "u.csv", "id,kind,nmae\na,town,A\n", []string{"u.csv:1", "nmae"}},
		{"csv bad number", "n.csv", "id,kind,lon,lat\na,town,1,north\n", []string{"n.csv:2", "north"}},
		{"csv bad population", "p.csv", "id,population\na,lots\n", []string{"p.csv:2", "lots"}},
		{"csv no id or name", "i.csv", "kind,lon,lat\ntown,1,2\n", []string{"i.csv:1", "id"}},
		{"other extension", "x.txt", "id\n", []string{"x.txt", ".yaml"}},
		{"drop unknown kind", "dk.yaml", "drop_detected: [bus_stop]\n", []string{"drop_detected", "bus_stop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readPlan(writeFile(t, dir, tt.file, tt.content))
			if err == nil {
				t.Fatal("got no error")
			}
			var ue usageError
			if !asUsage(err, &ue) {
				t.Errorf("got %T, want a usage error (exit 2)", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestPlacesBadInput(t *testing.T) {
	dir := t.TempDir()
	prof := writeFile(t, dir, "prof.yaml", rampProfile)
	dup := writeFile(t, dir, "dup.yaml", "places:\n  - {id: a, kind: town, name: A, lon: 114, lat: 30}\n  - {id: a, kind: town, name: B, lon: 114, lat: 30}\n")
	unknown := writeFile(t, dir, "unk.yaml", "places:\n  - {id: a, kind: town, name: A, lon: 114, lat: 30, pop: 3}\n")
	missing := writeFile(t, dir, "miss.yaml", "places:\n  - {op: remove, id: node/999}\n")
	out := filepath.Join(dir, "out.csv")
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no graph", []string{"places", "-o", out}, 2, []string{"--graph"}},
		{"extract and no-extract", []string{"places", "--graph", rampOSM, "--extract", rampOSM, "--no-extract", "-o", out}, 2, []string{"--no-extract"}},
		{"duplicate id", []string{"places", "--graph", rampOSM, "--profile", prof, "--places", dup, "-o", out}, 2, []string{"dup.yaml", "id a", "duplicate"}},
		{"unknown key", []string{"access", "--graph", rampOSM, "--profile", prof, "--places", unknown, "-o", out}, 2, []string{"unk.yaml", "pop"}},
		{"remove missing", []string{"places", "--graph", rampOSM, "--profile", prof, "--places", missing, "-o", out}, 2, []string{"miss.yaml: places[0]", "node/999", "no such place"}},
		{"no towns", []string{"access", "--graph", rampOSM, "--profile", prof, "--no-extract", "-o", out}, 2, []string{"no town"}},
		{"bad admin level", []string{"places", "--graph", rampOSM, "--admin-level", "99", "-o", out}, 2, []string{"--admin-level"}},
		{"missing extract", []string{"places", "--graph", rampOSM, "--extract", filepath.Join(dir, "nope.osm.pbf"), "-o", out}, 1, []string{"nope.osm.pbf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Errorf("got exit %d (%s), want %d", code, stderr, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("got stderr %q, want it to mention %q", stderr, w)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("got an output file, want none")
			}
		})
	}
}

// TestHelpMatchesOutput: the columns the help texts promise are the ones
// written.
func TestHelpMatchesOutput(t *testing.T) {
	_, help, _ := run(t, "places", "--help")
	if !strings.Contains(help, strings.Join(placesHeader, ",")) {
		t.Errorf("places --help does not show the header %s", strings.Join(placesHeader, ","))
	}
	for _, k := range places.Kinds {
		if !strings.Contains(help, k) {
			t.Errorf("places --help does not mention kind %s", k)
		}
	}
	_, help, _ = run(t, "access", "--help")
	var b strings.Builder
	if err := writeAccessCSV(&b, nil, nil); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(help), "")
	for _, col := range strings.Split(strings.TrimSpace(b.String()), ",") {
		if !strings.Contains(flat, col) {
			t.Errorf("access --help does not mention column %s", col)
		}
	}
}

func asUsage(err error, ue *usageError) bool {
	u, ok := err.(usageError)
	if ok {
		*ue = u
	}
	return ok
}

func FuzzParsePlanCSV(f *testing.F) {
	f.Add([]byte("op,kind,id,name,lon,lat,population,crs\nadd,town,a,A,114,30,1000,gcj02\nremove,,b,,,,,\n"))
	f.Add([]byte("kind,id,name,lon,lat,population,source,name_zh,name_en,score\ntown,node/1,X,1,2,3,\"a,b\",,,\n"))
	f.Add([]byte("\xef\xbb\xbfid\n\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		plan, err := parsePlanCSV("f.csv", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, e := range plan.Edits {
			if e.HasPoint && (e.Lon < -180 || e.Lon > 180 || e.Lat < -90 || e.Lat > 90 || math.IsNaN(e.Lon)) {
				t.Fatalf("bad point accepted: %+v", e)
			}
			if !strings.HasPrefix(e.Where, "f.csv:") {
				t.Fatalf("edit without a line: %+v", e)
			}
		}
	})
}

func FuzzParsePlanYAML(f *testing.F) {
	f.Add([]byte("crs: gcj02\ndrop_detected: [town]\nplaces:\n  - {op: add, kind: town, id: a, name: A, lon: 114, lat: 30, population: 5}\n"))
	f.Add([]byte("places:\n  - {id: a, population: -1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		plan, err := parsePlanYAML("f.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, e := range plan.Edits {
			if e.HasPoint && (e.Lon < -180 || e.Lon > 180 || e.Lat < -90 || e.Lat > 90 || math.IsNaN(e.Lon)) {
				t.Fatalf("bad point accepted: %+v", e)
			}
		}
	})
}
