package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testStudy = "../../testdata/study/study.yaml"

// TestCompareHandDrawn runs compare on the hand-drawn network: a faster
// road saves time, closing the only road cuts Testville off and the outputs
// say so (never 0 minutes), and a rerun writes byte-identical files.
func TestCompareHandDrawn(t *testing.T) {
	dir := t.TempDir()
	out1, out2 := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, out := range []string{out1, out2} {
		if code, _, stderr := run(t, "compare", testStudy, "-o", out); code != 0 {
			t.Fatalf("compare: exit %d: %s", code, stderr)
		}
	}
	towns := read(t, out1, "towns.csv")
	for _, want := range []string{
		"faster,node/100,Testville,50000,Test Central,4.9,-4.9,",
		"closed,node/100,Testville,50000,,,,,,,,,false,false,false,\"unreachable",
	} {
		if !strings.Contains(towns, want) {
			t.Errorf("towns.csv lacks %q:\n%s", want, towns)
		}
	}
	rep := read(t, out1, "report.md")
	for _, want := range []string{"Testville can no longer reach the HSR station", "Testville: 9.8 → 4.9 min to the HSR station (-4.9 min)", "© OpenStreetMap contributors"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	summary := read(t, out1, "summary.csv")
	if !strings.HasPrefix(summary, "alternative,description,rebuilt,edits,road_km_changed,towns,towns_cut_off,") {
		t.Errorf("summary.csv header: %s", strings.SplitN(summary, "\n", 2)[0])
	}
	if !strings.Contains(summary, "closed,the only road from Testville is closed,false,1,") {
		t.Errorf("summary.csv: %s", summary)
	}
	// Control lines: the lake road crosses the study's blue line twice.
	var sum []map[string]any
	if err := json.Unmarshal([]byte(read(t, out1, "summary.json")), &sum); err != nil {
		t.Fatal(err)
	}
	for _, row := range sum {
		if row["alternative"] == "lake-road" {
			if row["blue_crossings"] != 2.0 || row["edits_with_hard_conflicts"] != 1.0 || row["red_share"] != nil {
				t.Errorf("lake-road control lines: blue_crossings %v, hard conflicts %v, red_share %v (want 2, 1, null: no red lines given)",
					row["blue_crossings"], row["edits_with_hard_conflicts"], row["red_share"])
			}
		}
	}
	if !strings.Contains(rep, "HARD CONFLICT") || !strings.Contains(rep, "Test Lake") {
		t.Error("report.md does not flag the lake crossing")
	}
	// Byte-identical rerun.
	entries, _ := os.ReadDir(out1)
	if len(entries) < 20 {
		t.Fatalf("only %d files written", len(entries))
	}
	for _, e := range entries {
		a, b := read(t, out1, e.Name()), read(t, out2, e.Name())
		if strings.HasSuffix(e.Name(), ".html") {
			a = strings.ReplaceAll(a, out1, out2) // the footer's command line names the folder
		}
		if a != b {
			t.Errorf("%s differs between two runs", e.Name())
		}
	}
	for _, name := range []string{"diff-faster-hsr.png", "closed-to-entrance.geojson", "base-to-hsr.png", "summary.json", "coverage.csv", "curves.csv"} {
		if _, err := os.Stat(filepath.Join(out1, name)); err != nil {
			t.Errorf("missing %s", name)
		}
	}
	// A rerun over a folder compare wrote replaces it; a foreign folder is refused.
	if code, _, stderr := run(t, "compare", testStudy, "-o", out1); code != 0 {
		t.Errorf("rerun over its own folder: exit %d: %s", code, stderr)
	}
	// The user's own file in a folder compare wrote survives a rerun.
	os.WriteFile(filepath.Join(out1, "notes.txt"), []byte("my notes"), 0o644)
	if code, _, stderr := run(t, "compare", testStudy, "--no-maps", "-o", out1); code != 0 {
		t.Errorf("rerun with notes: exit %d: %s", code, stderr)
	}
	if read(t, out1, "notes.txt") != "my notes" {
		t.Error("the user's notes.txt did not survive a rerun")
	}
	if _, err := os.Stat(filepath.Join(out1, "base-to-hsr.png")); err == nil {
		t.Error("a map of the previous run survived a --no-maps rerun (its manifest listed it)")
	}
	// A symlinked -o folder: files go into its target, the link stays a link.
	target := filepath.Join(dir, "target")
	link := filepath.Join(dir, "link")
	os.Mkdir(target, 0o755)
	os.Symlink(target, link)
	if code, _, stderr := run(t, "compare", testStudy, "--no-maps", "-o", link); code != 0 {
		t.Errorf("symlinked folder: exit %d: %s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the -o symlink was replaced: %v", err)
	}
	if _, err := os.Stat(filepath.Join(target, "report.md")); err != nil {
		t.Errorf("report.md not written into the link's target: %v", err)
	}
	foreign := filepath.Join(dir, "mine")
	os.Mkdir(foreign, 0o755)
	os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("keep me"), 0o644)
	code, _, stderr := run(t, "compare", testStudy, "-o", foreign)
	if code != 2 || !strings.Contains(stderr, "not written by fastroad") {
		t.Errorf("foreign folder: exit %d: %s", code, stderr)
	}
	if read(t, foreign, "notes.txt") != "keep me" {
		t.Error("a foreign folder was touched")
	}
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStudyErrors: bad study files give errors that name the file and the
// key, a non-zero exit, and no output folder.
func TestStudyErrors(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"net.osm", "places.yaml"} {
		data, err := os.ReadFile(filepath.Join("../../testdata/study", f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, f, string(data))
	}
	head := "name: t\nbase: {extract: net.osm, places: places.yaml}\n"
	tests := []struct {
		name, study string
		code        int
		want        []string
	}{
		{"misspelt key", head + "alternatives:\n  - name: a\n    edits:\n      - close: {way_id: [1]}\n", 2, []string{"bad.yaml", "way_id"}},
		{"unknown edit", head + "alternatives:\n  - name: a\n    edits:\n      - widen: {way_ids: [1]}\n", 2, []string{"bad.yaml", "widen"}},
		{"unknown way", head + "alternatives:\n  - name: a\n    edits:\n      - close: {way_ids: [999]}\n", 1, []string{"bad.yaml", `alternative "a", edit 1, close`, "matches no road"}},
		{"road to nothing", head + "alternatives:\n  - name: a\n    edits:\n      - add_road: {line: [[116.7, 36.4], [116.75, 36.4]]}\n", 1, []string{"bad.yaml", "add_road.line", "connects to nothing"}},
		{"duplicate name", head + "alternatives:\n  - {name: a, edits: [{close: {way_ids: [1]}}]}\n  - {name: a, edits: [{close: {way_ids: [2]}}]}\n", 2, []string{"alternatives[1].name", "used twice"}},
		{"no alternatives", head, 2, []string{"alternatives"}},
		{"bad rank", head + "rank: happiness\nalternatives:\n  - {name: a, edits: [{close: {way_ids: [1]}}]}\n", 2, []string{"rank", "happiness"}},
		{"minutes not increasing", head + "isochrones: {minutes: [30, 15]}\nalternatives:\n  - {name: a, edits: [{close: {way_ids: [1]}}]}\n", 2, []string{"isochrones.minutes", "increase"}},
		{"minutes beyond cap", head + "isochrones: {minutes: [15, 300]}\nalternatives:\n  - {name: a, edits: [{close: {way_ids: [1]}}]}\n", 2, []string{"300"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			study := writeFile(t, dir, "bad.yaml", tc.study)
			out := filepath.Join(dir, "out")
			code, _, stderr := run(t, "compare", study, "-o", out)
			if code != tc.code {
				t.Errorf("exit %d want %d: %s", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not mention %q: %s", w, stderr)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("an output folder was left behind")
			}
			// check reports the same errors.
			if tc.code == 1 {
				code, stdout, stderr := run(t, "check", study)
				if code != 1 || !bytes.Contains([]byte(stderr), []byte(tc.want[1])) {
					t.Errorf("check: exit %d: %s %s", code, stdout, stderr)
				}
			}
		})
	}
}

// FuzzLoadStudy: any study file either loads into a valid study or gives an
// error naming the file; it never panics.
func FuzzLoadStudy(f *testing.F) {
	data, err := os.ReadFile(testStudy)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("name: x\nbase: {extract: a.osm}\nalternatives:\n  - {name: a, edits: [{add_road: {line: [[1, 2], [3, 4]], interchanges: [{at: [1, 2]}]}}]}\n"))
	f.Add([]byte("alternatives: 3\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "s.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := loadStudy(p)
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(st.Alternatives) == 0 || (st.Base.Extract == "" && st.Base.Graph == "") {
			t.Fatalf("accepted an incomplete study: %+v", st.Study)
		}
		if err := checkMinutes(st.Isochrones.Minutes); err != nil {
			t.Fatal(err)
		}
	})
}

// TestStudyAlternativeFlags: matrix and isochrone run on one network of a
// study (--study S --alternative NAME), so a comparison's figure can be
// checked by hand: Testville to the station takes 9.8 min today and 4.9 min
// with the faster road in towns.csv; the matrix on those networks agrees to
// the snapping (the matrix snaps to any road, the access table to ordinary
// roads) and an unknown alternative is an error naming the study's ones.
func TestStudyAlternativeFlags(t *testing.T) {
	dir := t.TempDir()
	from := writeFile(t, dir, "o.csv", "id,lon,lat\nTestville,116.0,36.0005\n")
	to := writeFile(t, dir, "d.csv", "id,lon,lat\nCentral,116.1,36.0003\n")
	for _, c := range []struct {
		alt    string
		lo, hi float64 // seconds
	}{{"base", 9.7 * 60, 10.0 * 60}, {"faster", 4.8 * 60, 5.0 * 60}} {
		code, stdout, stderr := run(t, "matrix", "--study", testStudy, "--alternative", c.alt, "--from", from, "--to", to)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.alt, code, stderr)
		}
		var secs float64
		line := strings.TrimSpace(strings.Split(strings.TrimSpace(stdout), "\n")[1])
		if _, err := fmt.Sscanf(line[strings.LastIndex(line, ",")+1:], "%g", &secs); err != nil || secs < c.lo || secs > c.hi {
			t.Errorf("%s: got %q, want %g to %g s", c.alt, line, c.lo, c.hi)
		}
	}
	code, _, stderr := run(t, "matrix", "--study", testStudy, "--alternative", "nope", "--from", from, "--to", to)
	if code != 2 || !strings.Contains(stderr, `no alternative "nope"`) || !strings.Contains(stderr, "lake-road") {
		t.Errorf("unknown alternative: exit %d %q", code, stderr)
	}
	iso := filepath.Join(dir, "iso.geojson")
	if code, _, stderr := run(t, "isochrone", "--study", testStudy, "--alternative", "faster", "--to", "hsr_station", "--minutes", "5,10", "-o", iso); code != 0 {
		t.Fatalf("isochrone --study: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "isochrone", "--study", testStudy, "--graph", "x.graph", "--to", "hsr_station", "-o", iso); code != 2 || !strings.Contains(stderr, "drop --graph") {
		t.Errorf("--study with --graph: exit %d %q", code, stderr)
	}
}
