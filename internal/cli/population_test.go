package cli

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/population"
)

// monacoPop: two census points in Monaco and one at sea far outside.
const monacoPop = "lon,lat,population,name\n7.4206,43.7311,1000,Monaco-Ville\n7.4280,43.7397,2500,Monte-Carlo\n8.5,43.0,99,sea\n"

func readSurfaceTotal(t *testing.T, path string) float64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := population.ReadGeoTIFF(data, population.Box{})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, v := range r.Val {
		sum += float64(v)
	}
	return sum
}

func TestPopulationPoints(t *testing.T) {
	dir := t.TempDir()
	pts := writeFile(t, dir, "census.csv", monacoPop)
	out := filepath.Join(dir, "pop.tif")
	csvPath := filepath.Join(dir, "by-area.csv")
	png := filepath.Join(dir, "pop.png")
	code, _, stderr := run(t, "population", "--graph", monaco, "--population", pts, "-o", out, "--csv", csvPath, "--png", png, "--cell", "100")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "99 outside the region (1)") || !strings.Contains(stderr, "census.csv (points): 3599 residents, 3500 placed") {
		t.Errorf("got stderr %q want the points placed and the sea point reported", stderr)
	}
	// The built-in default fills the area the points leave (Monaco's
	// settlements, with per-class estimates): the surface holds the 3500
	// points plus the default's residents, and says so.
	if !strings.Contains(stderr, "built-in default (default)") {
		t.Errorf("got stderr %q want the built-in default reported", stderr)
	}
	if got := readSurfaceTotal(t, out); got < 3500 {
		t.Errorf("got total %v want at least the 3500 placed points", got)
	}
	prj, err := os.ReadFile(filepath.Join(dir, "pop.prj"))
	if err != nil || !strings.Contains(string(prj), "WGS_1984") {
		t.Errorf("got .prj %q, %v want WGS 84", prj, err)
	}
	c, _ := os.ReadFile(csvPath)
	if !strings.HasPrefix(string(c), "kind,name,residents,estimate,note\nsource,census.csv,3500,false,") {
		t.Errorf("got csv %q", c)
	}
	if st, err := os.Stat(png); err != nil || st.Size() < 1000 {
		t.Errorf("got png %v, %v", st, err)
	}
}

func TestPopulationDefault(t *testing.T) {
	// The built-in default with hand-built settlements: a county over all
	// of Monaco with a study total of 38000 spread over two towns.
	old := readSettlements
	defer func() { readSettlements = old }()
	readSettlements = func(e *env, path string, g *graph.Graph) (*population.Settlements, error) {
		ring := population.Ring{{7.3, 43.6}, {7.6, 43.6}, {7.6, 43.9}, {7.3, 43.9}, {7.3, 43.6}}
		return &population.Settlements{
			Boundaries: []population.Boundary{{Name: "Monaco", AdminLevel: 6, Area: population.MultiPolygon{{ring}}}},
			Places: []population.SettlementPlace{
				{Kind: "town", Name: "Monaco-Ville", Lon: 7.4206, Lat: 43.7311},
				{Kind: "town", Name: "Monte-Carlo", Lon: 7.4280, Lat: 43.7397},
			},
		}, nil
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "pop.tif")
	csvPath := filepath.Join(dir, "by-area.csv")
	code, _, stderr := run(t, "population", "--graph", monaco, "--total", "Monaco=38000", "-o", out, "--csv", csvPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got := readSurfaceTotal(t, out); math.Abs(got-38000) > 38 {
		t.Errorf("got total %v want 38000", got)
	}
	c, _ := os.ReadFile(csvPath)
	if !strings.Contains(string(c), "county_total,Monaco,38000,false,population_totals") || !strings.Contains(string(c), "town,Monte-Carlo,") {
		t.Errorf("got csv %q", c)
	}
	// a total naming no county is a usage error naming it
	code, _, stderr = run(t, "population", "--graph", monaco, "--total", "Nice=5", "-o", filepath.Join(dir, "x.tif"))
	if code != 2 || !strings.Contains(stderr, `"Nice": no county`) {
		t.Errorf("got exit %d %q want 2 naming Nice", code, stderr)
	}
}

func TestPopulationBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.csv", "lon,lat,population\n7.42,43.73,-3\n")
	asc := writeFile(t, dir, "bad.asc", "ncols 2\nnrows 1\nxllcorner 7\nyllcorner 43\ncellsize 0.1\n1\n")
	other := writeFile(t, dir, "pop.shp", "x")
	out := filepath.Join(dir, "pop.tif")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--population", bad}, "bad.csv:2: column population"},
		{[]string{"--population", asc}, "bad.asc: header promises 2x1 values"},
		{[]string{"--population", other}, `unknown kind ".shp"`},
		{[]string{"--population", bad, "--cell", "5"}, "--cell 5"},
		{[]string{"--population", bad, "--crs", "utm"}, "--crs"},
		{[]string{"--population", bad, "--total", "x"}, `--total "x"`},
	} {
		args := append([]string{"population", "--graph", monaco, "-o", out}, c.args...)
		code, _, stderr := run(t, args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: got exit %d %q want 2 with %q", c.args, code, stderr, c.want)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("got %d files in the folder want the 3 inputs only (no output written)", len(ents))
	}
}
