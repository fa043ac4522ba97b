package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run calls Main and returns exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const monaco = "../../testdata/monaco.osm.pbf"

// monacoPoints: Monaco-Ville and Monte-Carlo casino.
const monacoPoints = "id,name,lon,lat\nville,Monaco-Ville,7.4206,43.7311\ncasino,Casino,7.4280,43.7397\n"

func TestBuildAndMatrix(t *testing.T) {
	dir := t.TempDir()
	g := filepath.Join(dir, "monaco.graph")
	code, _, stderr := run(t, "build", monaco, "-o", g)
	if code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	pts := writeFile(t, dir, "pts.csv", monacoPoints)
	out := filepath.Join(dir, "m.csv")
	code, _, stderr = run(t, "matrix", "--graph", g, "--from", pts, "--to", pts, "-o", out)
	if code != 0 {
		t.Fatalf("matrix: exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != "from,to,seconds" || len(lines) != 5 {
		t.Fatalf("got %q", data)
	}
	if !strings.HasPrefix(lines[1], "ville,ville,0.0") || !strings.HasPrefix(lines[2], "ville,casino,") {
		t.Errorf("rows out of order: %q", lines)
	}
	// A graph file with a contraction hierarchy gives the same matrix.
	gch := filepath.Join(dir, "monaco-ch.graph")
	if code, _, stderr := run(t, "build", monaco, "-o", gch, "--ch"); code != 0 {
		t.Fatalf("build --ch: exit %d: %s", code, stderr)
	}
	code, stdout0, stderr := run(t, "matrix", "--graph", gch, "--from", pts, "--to", pts, "--timing")
	if code != 0 || strings.TrimSpace(stdout0) != strings.TrimSpace(string(data)) || !strings.Contains(stderr, "contraction hierarchy") {
		t.Errorf("matrix with a contraction hierarchy differs or was not used: %q vs %q (%s)", stdout0, data, stderr)
	}
	// The same from the extract directly, built in memory.
	code, stdout, _ := run(t, "matrix", "--graph", monaco, "--from", pts, "--to", pts)
	if code != 0 || strings.TrimSpace(stdout) != strings.TrimSpace(string(data)) {
		t.Errorf("matrix on the extract differs from the graph file: %q vs %q", stdout, data)
	}
}

func TestProfileCommandRoundTrips(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := run(t, "profile")
	if code != 0 || !strings.Contains(out, "motorway: 100") {
		t.Fatalf("profile: exit %d: %s", code, out)
	}
	p := writeFile(t, dir, "p.yaml", out)
	code, out2, stderr := run(t, "profile", "--profile", p)
	if code != 0 || out2 != out {
		t.Fatalf("printed profile does not read back the same (exit %d, %s):\n%s\nvs\n%s", code, stderr, out, out2)
	}
	// A file with only speeds: other keys keep defaults, unlisted classes drop.
	p = writeFile(t, dir, "s.yaml", "speeds:\n  primary: 61\n")
	_, out3, _ := run(t, "profile", "--profile", p)
	if !strings.Contains(out3, "primary: 61") || strings.Contains(out3, "motorway: 100") || !strings.Contains(out3, "max_snap_m: 1000") {
		t.Errorf("partial profile: %s", out3)
	}
}

// TestBadInput: each bad input gives a clear message, a non-zero exit and
// no output file.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	pbf, err := os.ReadFile(monaco)
	if err != nil {
		t.Fatal(err)
	}
	truncated := writeFile(t, dir, "truncated.osm.pbf", string(pbf[:len(pbf)/2]))
	corruptB := append([]byte(nil), pbf...)
	for i := 3000; i < 3100; i++ {
		corruptB[i] = 0xff
	}
	corrupt := writeFile(t, dir, "corrupt.osm.pbf", string(corruptB))
	notOSM := writeFile(t, dir, "notes.txt", "these are not the roads you are looking for\n")
	noRoads := writeFile(t, dir, "empty.osm", "<?xml version='1.0'?><osm version='0.6'><node id='1' lon='1' lat='2'/></osm>")
	pts := writeFile(t, dir, "pts.csv", monacoPoints)
	noLat := writeFile(t, dir, "nolat.csv", "id,lon\n1,7.42\n")
	badNum := writeFile(t, dir, "badnum.csv", "id,lon,lat\na,7.42,43.73\nb,7.42,forty-three\n")
	sea := writeFile(t, dir, "sea.csv", "id,lon,lat\nboat,7.50,43.70\n")
	badKey := writeFile(t, dir, "badkey.yaml", "speeds:\n  primary: 60\nuse_maxsped: true\n")
	badClass := writeFile(t, dir, "badclass.yaml", "speeds:\n  primery: 60\n")
	g := filepath.Join(dir, "good.graph")
	if code, _, e := run(t, "build", monaco, "-o", g); code != 0 {
		t.Fatal(e)
	}
	gb, _ := os.ReadFile(g)
	gb[len("FASTRGPH")] = 9
	oldVersion := writeFile(t, dir, "old.graph", string(gb))

	out := filepath.Join(dir, "out")
	tests := []struct {
		name string
		args []string
		code int
		want []string // all must appear in stderr
	}{
		{"truncated pbf", []string{"build", truncated, "-o", out}, 1, []string{"truncated.osm.pbf", "pbf"}},
		{"corrupt pbf", []string{"build", corrupt, "-o", out}, 1, []string{"corrupt.osm.pbf"}},
		{"not osm", []string{"build", notOSM, "-o", out}, 1, []string{"notes.txt", "not an OpenStreetMap extract"}},
		{"no routable road", []string{"build", noRoads, "-o", out}, 1, []string{"empty.osm", "no routable road"}},
		{"missing file", []string{"build", filepath.Join(dir, "nope.pbf"), "-o", out}, 1, []string{"nope.pbf"}},
		{"missing -o", []string{"build", monaco}, 2, []string{"-o"}},
		{"unknown flag", []string{"build", monaco, "-o", out, "--speed", "3"}, 2, []string{"--speed"}},
		{"csv missing column", []string{"matrix", "--graph", g, "--from", noLat, "--to", pts, "-o", out}, 2, []string{"nolat.csv:1", "lat"}},
		{"csv bad number", []string{"matrix", "--graph", g, "--from", pts, "--to", badNum, "-o", out}, 2, []string{"badnum.csv:3", "forty-three"}},
		{"point in the sea", []string{"matrix", "--graph", g, "--from", sea, "--to", pts, "-o", out}, 1, []string{"sea.csv:2", "boat", "no routable road within"}},
		{"unknown profile key", []string{"build", monaco, "-o", out, "--profile", badKey}, 2, []string{"badkey.yaml", "use_maxsped"}},
		{"unknown class", []string{"build", monaco, "-o", out, "--profile", badClass}, 2, []string{"badclass.yaml", "primery"}},
		{"other format version", []string{"matrix", "--graph", oldVersion, "--from", pts, "--to", pts, "-o", out}, 1, []string{"old.graph", "version 9", "rebuild"}},
		{"graph from another profile", []string{"matrix", "--graph", g, "--profile", writeFile(t, dir, "p2.yaml", "speeds:\n  primary: 50\n"), "--from", pts, "--to", pts, "-o", out}, 2, []string{"good.graph", "another speed profile"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit: got %d want %d (%s)", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not mention %q", stderr, w)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output file left behind")
			}
			leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left behind: %v", leftovers)
			}
		})
	}
}

func FuzzParsePoints(f *testing.F) {
	f.Add([]byte(monacoPoints))
	f.Add([]byte("\xef\xbb\xbfID,Lat,Lon\n1,2,3\n"))
	f.Add([]byte("id,lon,lat\n\"a,b\",1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pts, err := parsePoints("f.csv", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, p := range pts {
			if p.ID == "" || p.P.Lon < -180 || p.P.Lon > 180 || p.P.Lat < -90 || p.P.Lat > 90 {
				t.Fatalf("bad point accepted: %+v", p)
			}
		}
	})
}

func FuzzLoadProfile(f *testing.F) {
	f.Add([]byte("speeds:\n  primary: 60\nuse_maxspeed: true\n"))
	f.Add([]byte("speeds: {motorway: 100}\nmaxspeed_zones: {\"CN:urban\": 50}\n"))
	f.Add([]byte("max_snap_m: -1\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "p.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		prof, err := loadProfile(p)
		if err != nil {
			return
		}
		if err := prof.Validate(); err != nil {
			t.Fatalf("loadProfile accepted an invalid profile: %v", err)
		}
	})
}

// TestShippedProfiles: profiles/china.yaml is the built-in default, and every
// shipped profile loads.
func TestShippedProfiles(t *testing.T) {
	p, err := loadProfile("../../profiles/china.yaml")
	if err != nil {
		t.Fatal(err)
	}
	def, _ := loadProfile("")
	if p.Hash() != def.Hash() {
		var a, b bytes.Buffer
		writeProfile(&a, p)
		writeProfile(&b, def)
		t.Errorf("profiles/china.yaml differs from the built-in default:\n%s\nvs\n%s", a.String(), b.String())
	}
	if _, err := loadProfile("../../profiles/test.yaml"); err != nil {
		t.Error(err)
	}
}

func testContext() context.Context { return context.Background() }
