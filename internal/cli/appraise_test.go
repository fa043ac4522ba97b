package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/viper"
)

const appraiseStudy = "../../testdata/study/appraise.yaml"

// TestAppraiseWrites: appraise writes every appraisal file, the rerun is
// byte-identical, and ENPV recomputes from cashflow.csv.
func TestAppraiseWrites(t *testing.T) {
	dir := t.TempDir()
	out1, out2 := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, out := range []string{out1, out2} {
		if code, stdout, stderr := run(t, "appraise", appraiseStudy, "-o", out); code != 0 {
			t.Fatalf("appraise: exit %d: %s", code, stderr)
		} else if !strings.Contains(stdout, "faster") || !strings.Contains(stdout, "EBCR") {
			t.Errorf("stdout: %s", stdout)
		}
	}
	for _, name := range []string{"appraisal.csv", "appraisal.json", "cashflow.csv", "sensitivity.csv", "incremental.csv", "assumptions.csv",
		"new-roads.csv", "appraisal-savings.csv", "zones.csv", "flows-base.geojson", "flows-faster.geojson", "flows-lake-road.geojson",
		"flows-faster.png", "flows-lake-road.png"} {
		a, err := os.ReadFile(filepath.Join(out1, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		b, err := os.ReadFile(filepath.Join(out2, name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs (%v)", name, err)
		}
	}
	if !strings.HasPrefix(read(t, out1, "appraisal.csv"), "alternative,enpv,ebcr,eirr,payback_year,") {
		t.Errorf("appraisal.csv header: %s", strings.SplitN(read(t, out1, "appraisal.csv"), "\n", 2)[0])
	}
	if !strings.Contains(read(t, out1, "assumptions.csv"), "appraisal.purposes.hsr.rate,10,test figure") {
		t.Errorf("assumptions.csv does not cite the study's source for purposes.hsr.rate")
	}
}

// TestCompareIncludesAppraisal: compare runs the appraisal when the study
// has the key and the report has its section.
func TestCompareIncludesAppraisal(t *testing.T) {
	out := filepath.Join(t.TempDir(), "c")
	if code, _, stderr := run(t, "compare", appraiseStudy, "-o", out, "--no-maps"); code != 0 {
		t.Fatalf("compare: exit %d: %s", code, stderr)
	}
	rep := read(t, out, "report.md")
	for _, want := range []string{"## Benefit appraisal", "Lake Road", "What drives the result"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	read(t, out, "cashflow.csv")
}

// TestAppraiseBadInput: bad appraisal keys exit 2 with an error naming the
// key or line, and no output folder is written.
func TestAppraiseBadInput(t *testing.T) {
	src := "../../testdata/study"
	dir := t.TempDir()
	for _, f := range []string{"net.osm", "places.yaml", "people.csv"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, f, string(data))
	}
	writeFile(t, dir, "od.csv", "from,to,trips_per_day\nz0-0,node/102,10\nz9-9,node/102,5\n")
	const head = "name: bad\nrank: mean_minutes_to_hsr\nbase: {extract: net.osm, places: places.yaml}\nisochrones: {minutes: [5, 10], cell_m: 200}\npopulation: [{points: people.csv}]\n" +
		"alternatives:\n  - name: faster\n    edits: [{upgrade: {way_ids: [1, 2], speed_kmh: 110}}]\n"
	const costs = "  unit_costs: {upgrade: {default: 5000000}}\n  default_costs: {construction_years: [2026, 2027], shares: [0.5, 0.5]}\n"
	for _, tc := range []struct {
		name, appraisal, want string
	}{
		{"negative rate", "appraisal:\n  purposes: {hsr: {rate: -2}}\n" + costs, "appraisal.purposes.hsr.rate: -2: want >= 0"},
		{"discount 0", "appraisal:\n  discount_rate: 0\n" + costs, "appraisal.discount_rate: 0: want a rate in (0, 1)"},
		{"discount 1", "appraisal:\n  discount_rate: 1\n" + costs, "appraisal.discount_rate: 1: want a rate in (0, 1)"},
		{"discount 1.5", "appraisal:\n  discount_rate: 1.5\n" + costs, "appraisal.discount_rate: 1.5"},
		{"costs missing", "appraisal:\n  unit_costs: {upgrade: {default: 5000000}}\n", "appraisal.costs.faster: missing"},
		{"unit cost missing", "appraisal:\n  default_costs: {construction_years: [2026], shares: [1]}\n", "appraisal.unit_costs.upgrade.default"},
		{"shares", "appraisal:\n  unit_costs: {upgrade: {default: 5000000}}\n  costs: {faster: {construction_years: [2026, 2027], shares: [0.5, 0.4]}}\n", "appraisal.costs.faster.shares: sum 0.9"},
		{"od unknown zone", "appraisal:\n  zone_km: 2\n  purposes: {centre: {od_file: od.csv}}\n" + costs, `od line 3: from "z9-9": unknown zone or place id`},
		{"od file missing", "appraisal:\n  purposes: {centre: {od_file: nope.csv}}\n" + costs, "appraisal.purposes.centre.od_file"},
		{"misspelt key", "appraisal:\n  discount_rat: 0.08\n" + costs, "discount_rat"},
		{"zone size", "appraisal:\n  zone_km: 0\n" + costs, "appraisal.zone_km: 0: want 0.5..100 km"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, "study.yaml", head+tc.appraisal)
			out := filepath.Join(dir, "out")
			code, _, stderr := run(t, "appraise", p, "-o", out)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d, %s; want exit 2 and %q", code, stderr, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was written (%v)", out, err)
				os.RemoveAll(out)
			}
		})
	}
	// A study without the key.
	code, _, stderr := run(t, "appraise", testStudy, "-o", filepath.Join(dir, "none"))
	if code != 2 || !strings.Contains(stderr, "no appraisal: key") {
		t.Errorf("no key: got exit %d, %s", code, stderr)
	}
}

// BenchmarkAppraiseDemo runs the demo's appraisal end to end (read the
// Delaware extract, apply the five alternatives, zones, every purpose's
// demand, assignment on six networks, indicators, files; no maps):
//
//	go test -run '^$' -bench AppraiseDemo -benchtime 1x ./internal/cli/
//
// The run's log (stderr) splits the time between demand, searches and
// flow accumulation; docs/appraise-wire.md has the figures.
func BenchmarkAppraiseDemo(b *testing.B) {
	b.ReportAllocs()
	dir := b.TempDir()
	for i := 0; i < b.N; i++ {
		out := filepath.Join(dir, strings.Repeat("x", i+1))
		var so, se bytes.Buffer
		if code := Main([]string{"appraise", "../../demo/study.yaml", "-o", out, "--no-maps"}, &so, &se); code != 0 {
			b.Fatalf("exit %d: %s", code, se.String())
		}
		if i == 0 {
			b.Log(se.String())
		}
	}
}

// FuzzDecodeAppraisal: any appraisal: block decodes to a checked spec or
// an error naming the study, never a panic.
func FuzzDecodeAppraisal(f *testing.F) {
	for _, s := range []string{
		"discount_rate: 0.08\n",
		"purposes: {hsr: {rate: 10}}\nzone_km: 2\n",
		"costs: {a: {items: [{total: 1}], construction_years: [2026], shares: [1]}}\n",
		"sources: {purposes.hsr.rate: survey}\n",
		"growth: {periods: [{from: 2025, to: 2030, rate: 0.04}]}\n",
		"zone_km: -1\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, block string) {
		v := viper.New()
		v.SetConfigType("yaml")
		if err := v.ReadConfig(strings.NewReader("appraisal:\n" + indent(block))); err != nil {
			return
		}
		raw, ok := v.Get("appraisal").(map[string]any)
		if !ok {
			return
		}
		spec, err := decodeAppraisal("fuzz.yaml", raw)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Errorf("error does not name the study: %v", err)
			}
			return
		}
		if spec.Check() != nil {
			t.Errorf("decoded spec fails Check")
		}
	})
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// TestAppraiseZonePolygons: the planner's zone polygons (GeoJSON) are the
// zones, with their residents, ids p1, p2.
func TestAppraiseZonePolygons(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"net.osm", "places.yaml", "people.csv"} {
		data, err := os.ReadFile(filepath.Join("../../testdata/study", f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, f, string(data))
	}
	writeFile(t, dir, "zones.geojson", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"West","pop":1000},"geometry":{"type":"Polygon","coordinates":[[[115.99,35.99],[116.02,35.99],[116.02,36.01],[115.99,36.01],[115.99,35.99]]]}},
{"type":"Feature","properties":{"name":"North","pop":300},"geometry":{"type":"Polygon","coordinates":[[[116.04,36.02],[116.06,36.02],[116.06,36.04],[116.04,36.04],[116.04,36.02]]]}}]}`)
	p := writeFile(t, dir, "study.yaml", "name: zones\nrank: mean_minutes_to_hsr\nbase: {extract: net.osm, places: places.yaml}\n"+
		"isochrones: {minutes: [5, 10], cell_m: 200}\npopulation: [{points: people.csv}]\n"+
		"appraisal:\n  zones: zones.geojson\n  zones_property: pop\n  unit_costs: {upgrade: {default: 5000000}}\n"+
		"  default_costs: {construction_years: [2026, 2027], shares: [0.5, 0.5]}\n"+
		"alternatives:\n  - name: faster\n    edits: [{upgrade: {way_ids: [1, 2], speed_kmh: 110}}]\n")
	out := filepath.Join(dir, "out")
	if code, _, stderr := run(t, "appraise", p, "-o", out, "--no-maps"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	zones := read(t, out, "zones.csv")
	if !strings.Contains(zones, "\np1,West,") || !strings.Contains(zones, ",1000,") || !strings.Contains(zones, "\np2,North,") || !strings.Contains(zones, ",300,") {
		t.Errorf("zones.csv:\n%s", zones)
	}
}
