package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as fastroad: with FASTROAD_TEST_MAIN=1
// it runs Main on its arguments (and stalls at FASTROAD_TEST_STALL), so the
// interrupt tests signal a real process without building another binary.
func TestMain(m *testing.M) {
	softLimit = func(int64) {} // many commands share this process; the tests' budgets are tiny
	if os.Getenv("FASTROAD_TEST_MAIN") == "1" {
		stallAt = os.Getenv("FASTROAD_TEST_STALL")
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// names lists a folder's entries, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func copyFile(t *testing.T, from, to string) string {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return to
}

// interrupt starts fastroad with args, waits until it stalls at stage (a
// temporary output file is open or the work is under way), sends sig and
// returns the exit code and stderr.
func interrupt(t *testing.T, stage string, sig syscall.Signal, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "FASTROAD_TEST_MAIN=1", "FASTROAD_TEST_STALL="+stage)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	sc := bufio.NewScanner(stderr)
	stalled := false
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "stalled at "+stage) {
			stalled = true
			break
		}
	}
	if !stalled {
		cmd.Wait()
		t.Fatalf("%v: never reached %s: %s", args, stage, log.String())
	}
	cmd.Process.Signal(sig)
	rest, _ := io.ReadAll(stderr)
	log.Write(rest)
	err = cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	if ee, ok := err.(*exec.ExitError); ok && !ee.Exited() {
		t.Fatalf("killed by a signal instead of exiting: %v", err)
	}
	return code, log.String()
}

// TestInterrupt: each long command, signalled mid-work, exits 130 (SIGINT)
// or 143 (SIGTERM) with a message, and leaves no output and no temporary
// file in the output folder.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	g := filepath.Join(dir, "monaco.graph")
	if code, _, stderr := run(t, "build", monaco, "-o", g); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	pts := writeFile(t, dir, "pts.csv", monacoPoints)
	prof := writeFile(t, dir, "prof.yaml", rampProfile)
	before := names(t, dir)
	for _, c := range []struct {
		name, stage string
		sig         syscall.Signal
		args        []string
	}{
		{"build", "write", syscall.SIGINT, []string{"build", monaco, "-o", filepath.Join(dir, "out.graph")}},
		{"build --ch", "write", syscall.SIGTERM, []string{"build", monaco, "--ch", "-o", filepath.Join(dir, "out.graph")}},
		{"matrix", "write", syscall.SIGINT, []string{"matrix", "--graph", g, "--from", pts, "--to", pts, "-o", filepath.Join(dir, "m.csv")}},
		{"isochrone", "fill", syscall.SIGINT, []string{"isochrone", "--graph", g, "--from", "7.4206,43.7311", "--minutes", "5", "-o", filepath.Join(dir, "iso.geojson")}},
		{"isochrone writing", "write", syscall.SIGTERM, []string{"isochrone", "--graph", g, "--from", "7.4206,43.7311", "--minutes", "5", "-o", filepath.Join(dir, "iso.geojson")}},
		{"places", "write", syscall.SIGINT, []string{"places", "--graph", rampOSM, "--profile", prof, "-o", filepath.Join(dir, "places.csv")}},
		{"access", "access", syscall.SIGTERM, []string{"access", "--graph", rampOSM, "--profile", prof, "-o", filepath.Join(dir, "access.csv")}},
		{"compare evaluating", "evaluate", syscall.SIGINT, []string{"compare", testStudy, "--no-maps", "-o", filepath.Join(dir, "cmp")}},
		{"compare writing", "write", syscall.SIGTERM, []string{"compare", testStudy, "-o", filepath.Join(dir, "cmp")}},
	} {
		code, stderr := interrupt(t, c.stage, c.sig, c.args...)
		want := 128 + int(c.sig)
		if code != want || !strings.Contains(stderr, "interrupted by") {
			t.Errorf("%s: got exit %d, want %d with a message: %s", c.name, code, want, stderr)
		}
		if got := names(t, dir); strings.Join(got, " ") != strings.Join(before, " ") {
			t.Errorf("%s: folder holds %v, want only the inputs %v", c.name, got, before)
		}
	}
}

// TestOutputIsInput: an output that is an input (by device and inode, also
// through a symlink) is refused before any work, and the input survives.
func TestOutputIsInput(t *testing.T) {
	dir := t.TempDir()
	x := copyFile(t, monaco, filepath.Join(dir, "X.osm.pbf"))
	orig, _ := os.ReadFile(x)
	link := filepath.Join(dir, "link.graph")
	os.Symlink("X.osm.pbf", link)
	for _, out := range []string{x, link} {
		code, _, stderr := run(t, "build", x, "-o", out)
		if code != 2 || !strings.Contains(stderr, "same file as input") {
			t.Errorf("build -o %s: got exit %d %q, want 2 refusing", out, code, stderr)
		}
	}
	g := filepath.Join(dir, "G.graph")
	if code, _, stderr := run(t, "build", x, "-o", g); code != 0 {
		t.Fatal(stderr)
	}
	gOrig, _ := os.ReadFile(g)
	pts := writeFile(t, dir, "pts.csv", monacoPoints)
	for _, args := range [][]string{
		{"matrix", "--graph", g, "--from", pts, "--to", pts, "-o", g},
		{"matrix", "--graph", g, "--from", pts, "--to", pts, "-o", pts},
		{"isochrone", "--graph", g, "--from", "7.4206,43.7311", "--minutes", "5", "-o", g},
	} {
		code, _, stderr := run(t, args...)
		if code != 2 || !strings.Contains(stderr, "same file as input") {
			t.Errorf("%v: got exit %d %q, want 2", args, code, stderr)
		}
	}
	if now, _ := os.ReadFile(x); !bytes.Equal(now, orig) {
		t.Error("the extract changed")
	}
	if now, _ := os.ReadFile(g); !bytes.Equal(now, gOrig) {
		t.Error("the graph changed")
	}
}

// TestStaleTempRemoved: a killed run's temporary file (pattern + dead PID)
// is removed by the next run writing to that folder; other files stay.
func TestStaleTempRemoved(t *testing.T) {
	dir := t.TempDir()
	c := exec.Command("true")
	if err := c.Run(); err != nil {
		t.Skip("no 'true'")
	}
	stale := filepath.Join(dir, fmt.Sprintf(".m.csv.fastroad-tmp-%d-0badc0de", c.Process.Pid))
	os.WriteFile(stale, []byte("half a matrix"), 0o644)
	keep := writeFile(t, dir, ".m.csv.tmp", "not ours")
	pts := writeFile(t, dir, "pts.csv", monacoPoints)
	if code, _, stderr := run(t, "matrix", "--graph", monaco, "--from", pts, "--to", pts, "-o", filepath.Join(dir, "m.csv")); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("stale temporary file left")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error("removed a file that is not fastroad's")
	}
}

// TestMemoryLimits: requests too large for --max-memory or --max-output are
// refused before the work, with exit 2 and a message naming the flag.
func TestMemoryLimits(t *testing.T) {
	dir := t.TempDir()
	pts := writeFile(t, dir, "pts.csv", monacoPoints)
	for _, c := range []struct {
		args []string
		want []string
	}{
		// Monaco at 2 m cells: about 1500 x 1000 cells, 16 bytes each, ~24 MB.
		{[]string{"isochrone", "--graph", monaco, "--from", "7.4206,43.7311", "--minutes", "10", "--cell", "2", "-o", filepath.Join(dir, "i.geojson"), "--max-memory", "4MB"},
			[]string{"isochrone grid", "--max-memory", "4.0 MB"}},
		{[]string{"matrix", "--graph", monaco, "--from", pts, "--to", pts, "--max-memory", "1MB"},
			[]string{"matrix", "--max-memory"}},
		// 2 x 2 pairs of ~20 bytes: more than 10 bytes.
		{[]string{"matrix", "--graph", monaco, "--from", pts, "--to", pts, "--max-output", "10B"},
			[]string{"--max-output"}},
		{[]string{"matrix", "--graph", monaco, "--from", pts, "--to", pts, "--max-output", "-3GB"},
			[]string{"--max-output", "1 B to 1 PB"}},
		{[]string{"matrix", "--graph", monaco, "--from", pts, "--to", pts, "--max-memory", "lots"},
			[]string{"--max-memory", "unknown unit"}},
		// The hand-drawn study at 2 m cells: millions of cells x 5 destination kinds.
		{[]string{"compare", testStudy, "--cell", "2", "--no-maps", "-o", filepath.Join(dir, "cmp"), "--max-memory", "50MB"},
			[]string{"compare (", "grid cells of 2 m", "--max-memory"}},
	} {
		code, _, stderr := run(t, c.args...)
		if code != 2 {
			t.Errorf("%v: got exit %d, want 2: %s", c.args, code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: %q lacks %q", c.args, stderr, w)
			}
		}
	}
	for _, name := range []string{"i.geojson", "cmp"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("refused run wrote %s", name)
		}
	}
}

// TestMatrixCSVRoundTrip: ids with quotes, commas, newlines and Chinese
// come back unchanged through a CSV reader, and the matrix streamed in
// blocks equals the one computed whole.
func TestMatrixCSVRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ids := []string{`a"b`, "c,d", "e\nf", "濮阳东站", " lead"}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "lon", "lat"})
	for i, id := range ids {
		w.Write([]string{id, fmt.Sprint(7.4206 + 0.002*float64(i)), fmt.Sprint(43.7311 + 0.002*float64(i))})
	}
	w.Flush()
	pts := writeFile(t, dir, "pts.csv", b.String())
	out := filepath.Join(dir, "m.csv")
	if code, _, stderr := run(t, "matrix", "--graph", monaco, "--from", pts, "--to", pts, "-o", out); code != 0 {
		t.Fatal(stderr)
	}
	f, _ := os.Open(out)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(ids)*len(ids) {
		t.Fatalf("got %d records", len(recs))
	}
	for i := range ids {
		for j := range ids {
			r := recs[1+i*len(ids)+j]
			// The points reader trims spaces around ids: " lead" is "lead".
			wi, wj := strings.TrimSpace(ids[i]), strings.TrimSpace(ids[j])
			if r[0] != wi || r[1] != wj {
				t.Errorf("row %d: got %q,%q want %q,%q", 1+i*len(ids)+j, r[0], r[1], wi, wj)
			}
		}
	}
}

// TestPointsAmbiguities: duplicate ids and a duplicated column are errors
// naming the line.
func TestPointsAmbiguities(t *testing.T) {
	for _, c := range []struct {
		name, csv, want string
	}{
		{"duplicate id", "id,lon,lat\na,7.42,43.73\nb,7.43,43.74\na,7.42,43.73\n", `pts.csv:4: id "a" already used on line 2`},
		{"duplicate id column", "id,lon,lat,id\na,7.42,43.73,b\n", `pts.csv:1: column "id" appears twice`},
		{"duplicate lon column", "id,lon,LON,lat\na,7.42,7.5,43.73\n", `column "lon" appears twice`},
	} {
		_, err := parsePoints("pts.csv", []byte(c.csv))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

// TestInputKinds: folders, FIFOs, devices and oversized files are refused
// where a file is expected, quickly (a FIFO extract never blocks).
func TestInputKinds(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.osm.pbf")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no mkfifo")
	}
	big := filepath.Join(dir, "big.yaml")
	os.WriteFile(big, bytes.Repeat([]byte("# padding\n"), 110_000), 0o644) // 1.1 MB > 1 MiB
	sparse := filepath.Join(dir, "sparse.csv")
	f, _ := os.Create(sparse)
	f.Truncate(2 << 30) // 2 GiB, no blocks
	f.Close()
	pts := writeFile(t, dir, "pts.csv", monacoPoints)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"profile", "--profile", "/dev/urandom"}, "is a device"},
		{[]string{"profile", "--profile", dir}, "is a folder"},
		{[]string{"profile", "--profile", big}, "more than the 1.0 MB a speed profile may have"},
		{[]string{"build", fifo, "-o", filepath.Join(dir, "g.graph")}, "named pipe (FIFO)"},
		{[]string{"matrix", "--graph", fifo, "--from", pts, "--to", pts}, "named pipe (FIFO)"},
		{[]string{"matrix", "--graph", monaco, "--from", dir, "--to", pts}, "points CSV " + dir + " is a folder"},
		{[]string{"matrix", "--graph", monaco, "--from", sparse, "--to", pts}, "more than the 1.1 GB a points CSV may have"},
		{[]string{"places", "--graph", monaco, "--places", "/dev/zero"}, "planner's file /dev/zero is a device"},
	} {
		done := make(chan struct{})
		var code int
		var stderr string
		go func() { code, _, stderr = run(t, c.args...); close(done) }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("%v: still running (blocked?)", c.args)
		}
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: got exit %d %q, want 2 with %q", c.args, code, stderr, c.want)
		}
	}
}

// TestRefuseNonsense: numbers out of range are refused where they are
// parsed, with the key or flag and the allowed range.
func TestRefuseNonsense(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"cell -100", []string{"--cell", "-100"}, "--cell -100 is out of range (want 1 to 10000 metres)"},
		{"cell NaN", []string{"--cell", "NaN"}, "--cell NaN is out of range"},
		{"access-kmh -5", []string{"--access-kmh", "-5"}, "--access-kmh -5 is out of range"},
		{"access-kmh NaN", []string{"--access-kmh", "NaN"}, "--access-kmh NaN"},
		{"access-m NaN", []string{"--access-m", "NaN"}, "--access-m NaN is out of range (want 0 to 10000 metres)"},
		{"access-m -1", []string{"--access-m", "-1"}, "--access-m -1"},
	} {
		args := append([]string{"isochrone", "--graph", monaco, "--from", "7.4206,43.7311", "-o", filepath.Join(dir, "i.geojson")}, c.args...)
		code, _, stderr := run(t, args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: got exit %d %q, want 2 with %q", c.name, code, stderr, c.want)
		}
	}
	for _, c := range []struct {
		name, yaml, want string
	}{
		{"speed 0.001", "speeds: {primary: 0.001}\n", "speeds.primary: 0.001 km/h is out of range (want 1 to 200 km/h)"},
		{"speed 500", "speeds: {primary: 500}\n", "speeds.primary: 500 km/h is out of range"},
		{"speed NaN", "speeds: {primary: .nan}\n", "speeds.primary: NaN km/h is out of range"},
		{"zone 0", "maxspeed_zones: {\"CN:urban\": 0}\n", "maxspeed_zones.CN:urban: 0 km/h is out of range"},
		{"min_component_nodes 1.5", "min_component_nodes: 1.5\n", "min_component_nodes: 1.5 is not a whole number"},
		{"min_component_nodes -1", "min_component_nodes: -1\n", "min_component_nodes: -1 is not a whole number"},
		{"min_component_nodes 10", "min_component_nodes: 10\n", ""},
		{"max_snap_m NaN", "max_snap_m: .nan\n", "max_snap_m: NaN is out of range"},
		{"max_snap_m 1e9", "max_snap_m: 1e9\n", "max_snap_m: 1e+09 is out of range"},
	} {
		p := writeFile(t, dir, "p.yaml", c.yaml)
		code, _, stderr := run(t, "profile", "--profile", p)
		if c.want == "" {
			if code != 0 {
				t.Errorf("%s: got exit %d %q, want accepted", c.name, code, stderr)
			}
			continue
		}
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: got exit %d %q, want 2 with %q", c.name, code, stderr, c.want)
		}
	}
	for _, c := range []struct{ name, yaml, want string }{
		{"population 1e30", "places:\n  - {op: add, kind: town, id: x, name: X, lon: 114.1, lat: 30.1, population: 1e30}\n", "population: 1e+30 is out of range (want a whole number of people from 0 to 2000000000)"},
		{"population 2.5", "places:\n  - {op: add, kind: town, id: x, name: X, lon: 114.1, lat: 30.1, population: 2.5}\n", "population: 2.5 is out of range"},
		{"population NaN", "places:\n  - {op: add, kind: town, id: x, name: X, lon: 114.1, lat: 30.1, population: .nan}\n", "population: NaN is out of range"},
	} {
		p := writeFile(t, dir, "plan.yaml", c.yaml)
		_, err := readPlan(p)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "places[0]") {
			t.Errorf("%s: got %v, want %q naming places[0]", c.name, err, c.want)
		}
	}
}

// TestOtherRegion: towns from an extract of another region (none inside
// the network's area) and a table where no town is placed are errors, not
// exit 0 with empty columns.
func TestOtherRegion(t *testing.T) {
	dir := t.TempDir()
	prof := writeFile(t, dir, "prof.yaml", rampProfile)
	// The fixture's towns dropped, one town added 5 degrees away.
	plan := writeFile(t, dir, "plan.yaml", "drop_detected: [town]\nplaces:\n  - {op: add, kind: town, id: far, name: Faraway, lon: 120, lat: 35}\n")
	for _, cmd := range []string{"places", "access"} {
		code, _, stderr := run(t, cmd, "--graph", rampOSM, "--profile", prof, "--places", plan, "-o", filepath.Join(dir, cmd+".csv"))
		// A planner's place off the network is refused first, naming it.
		if code == 0 || !(strings.Contains(stderr, "different regions") || strings.Contains(stderr, "Faraway") && strings.Contains(stderr, "cannot be placed")) {
			t.Errorf("%s: got exit %d %q, want a failure naming different regions or the unplaced place", cmd, code, stderr)
		}
	}
	// Within the area but off every road: access says no town was placed.
	plan2 := writeFile(t, dir, "plan2.yaml", "drop_detected: [town]\nplaces:\n  - {op: add, kind: town, id: far, name: Farfield, lon: 114.5, lat: 30.5}\n")
	code, _, stderr := run(t, "access", "--graph", rampOSM, "--profile", prof, "--places", plan2, "-o", filepath.Join(dir, "a.csv"))
	if code == 0 || !(strings.Contains(stderr, "none of the 1 towns could be placed") || strings.Contains(stderr, "different regions") || strings.Contains(stderr, "Farfield") && strings.Contains(stderr, "cannot be placed")) {
		t.Errorf("access, town off the network: got exit %d %q", code, stderr)
	}
}

// TestInputCaps: the documented caps (docs/hardening.md), and readInput
// refusing a file one byte over a kind's cap while reading one at the cap.
func TestInputCaps(t *testing.T) {
	for _, c := range []struct {
		kind inputKind
		want int64
	}{
		{kindProfile, 1 << 20}, {kindStudy, 16 << 20}, {kindPoints, 1 << 30},
		{kindPlanner, 64 << 20}, {kindControls, 1 << 30}, {kindFont, 64 << 20},
		{kindExtract, 0}, {kindGraph, 0},
	} {
		if c.kind.max != c.want {
			t.Errorf("%s: cap %d, documented %d", c.kind.name, c.kind.max, c.want)
		}
	}
	dir := t.TempDir()
	at := filepath.Join(dir, "at.yaml")
	os.WriteFile(at, bytes.Repeat([]byte("#"), int(kindProfile.max)), 0o644)
	if _, err := readInput(at, kindProfile); err != nil {
		t.Errorf("a file at the cap: %v", err)
	}
	over := filepath.Join(dir, "over.yaml")
	os.WriteFile(over, bytes.Repeat([]byte("#"), int(kindStudy.max)+1), 0o644)
	if _, err := readInput(over, kindStudy); err == nil || !strings.Contains(err.Error(), "a study file may have") {
		t.Errorf("a study file over the cap: got %v", err)
	}
	if _, err := readInput(dir, kindControls); err == nil || !strings.Contains(err.Error(), "control lines GeoJSON "+dir+" is a folder") {
		t.Errorf("a folder as control lines: got %v", err)
	}
}

// TestBuildLoadLongTag: what build writes, load reads, at the string limit:
// a name over 1 MiB is cut (at a character boundary) when the graph is
// built, and matrix then loads the graph file.
func TestBuildLoadLongTag(t *testing.T) {
	dir := t.TempDir()
	name := strings.Repeat("长", 400_000) // 1.2 MB of UTF-8
	osmXML := `<?xml version='1.0' encoding='UTF-8'?>
<osm version='0.6' generator='hand'>
  <node id='1' version='1' lon='116.0' lat='36.0'/>
  <node id='2' version='1' lon='116.01' lat='36.0'/>
  <way id='1' version='1'><nd ref='1'/><nd ref='2'/><tag k='highway' v='primary'/><tag k='name' v='` + name + `'/></way>
</osm>
`
	x := writeFile(t, dir, "long.osm", osmXML)
	g := filepath.Join(dir, "long.graph")
	if code, _, stderr := run(t, "build", x, "-o", g); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	pts := writeFile(t, dir, "p.csv", "id,lon,lat\na,116.001,36\nb,116.009,36\n")
	code, stdout, stderr := run(t, "matrix", "--graph", g, "--from", pts, "--to", pts)
	if code != 0 || !strings.Contains(stdout, "a,b,") {
		t.Fatalf("matrix on the built graph: exit %d %q %s", code, stdout, stderr)
	}
}
