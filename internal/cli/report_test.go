package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/internal/browsertest"
)

var reportShots = flag.String("report-screenshots", "", "save the report pages' full-page screenshots into this folder to look at them")

// TestReportCommand runs fastroad report on the hand-drawn study with
// --lang zh --crs gcj02 and checks the hand-off set: report.html in Chinese
// and report.en.html in English, the GeoPackage holds every layer (per
// GDAL's ogrinfo where installed), the GCJ-02 copies exist, and both pages
// load in a headless browser with no console error, no failed or outside
// request, and every image decoded.
func TestReportCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	// One run: Chinese by --lang (the study's places are English, so the
	// default would be English: see study.TestHandOff), with GCJ-02 copies.
	if code, _, stderr := run(t, "report", testStudy, "-o", dir, "--lang", "zh", "--crs", "gcj02"); code != 0 {
		t.Fatalf("report --lang zh: exit %d: %s", code, stderr)
	}
	for page, want := range map[string][]string{
		"report.html":    {`lang="zh-CN"`, "方案排序", "OpenStreetMap", "--lang zh", "fastroad report"},
		"report.en.html": {`lang="en"`, "Ranking of the alternatives", "© OpenStreetMap contributors"},
	} {
		text := read(t, dir, page)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q", page, w)
			}
		}
	}
	for _, name := range []string{"results.gpkg", "results.xlsx", "base-to-hsr.png", "diff-faster-hsr.png", "lake-road-change.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("missing %s", name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "summary.csv")); err == nil {
		t.Error("report wrote summary.csv: want the hand-off set only")
	}
	// --crs gcj02: a copy per GeoJSON (study.TestToGCJ02 checks the shift).
	orig, err := os.ReadFile(filepath.Join(dir, "base-to-hsr.gcj02.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(orig, &fc); err != nil || len(fc.Features) == 0 {
		t.Fatalf("gcj02 copy: %v, %d features", err, len(fc.Features))
	}
	ogrinfo(t, filepath.Join(dir, "results.gpkg"), "places", "entrances", "edited_roads", "control_line_conflicts", "base_to_hsr", "diff_faster_hsr", "residents")

	b := browsertest.StartT(t)
	for _, p := range []struct{ page, shot string }{{"report.html", "report-zh.png"}, {"report.en.html", "report-en.png"}} {
		shot := p.shot
		if *reportShots != "" {
			shot = filepath.Join(*reportShots, p.shot)
		}
		res := b.Open(t, "file://"+filepath.Join(dir, p.page), shot)
		if res.Images < 10 {
			t.Errorf("%s: %d images, want the maps and charts (at least 10)", p.page, res.Images)
		}
	}
}

// ogrinfo lists the GeoPackage's layers with GDAL (skipped where gdal-bin
// is missing) and checks the wanted ones are there, nothing on stderr.
func ogrinfo(t *testing.T, path string, layers ...string) {
	t.Helper()
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Log("ogrinfo not found: apt-get install gdal-bin (or run scripts/install-deps.sh); GeoPackage not checked with GDAL")
		return
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "-ro", "-so", "-q", path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ogrinfo %s: %v: %s", path, err, stderr.String())
	}
	if s := strings.TrimSpace(stderr.String()); s != "" {
		t.Errorf("ogrinfo wrote to stderr: %s", s)
	}
	for _, l := range layers {
		if !strings.Contains(stdout.String(), l+" (") {
			t.Errorf("ogrinfo: no layer %s in:\n%s", l, stdout.String())
		}
	}
}

var reportDir = flag.String("report-dir", "", "open DIR/report.html and its other-language page (e.g. the demo's: make build && ./bin/fastroad compare demo/study.yaml -o DIR) in the headless browser")

// TestReportDirInBrowser checks a report written beforehand (the demo's),
// with the same browser checks as TestReportCommand; skipped without
// -report-dir.
func TestReportDirInBrowser(t *testing.T) {
	if *reportDir == "" {
		t.Skip("no -report-dir")
	}
	dir, err := filepath.Abs(*reportDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err != nil {
		t.Fatalf("-report-dir %s: %v (an absolute path: go test runs in the package folder)", *reportDir, err)
	}
	b := browsertest.StartT(t)
	for _, page := range []string{"report.html", "report.en.html", "report.zh.html"} {
		if _, err := os.Stat(filepath.Join(dir, page)); err != nil {
			continue
		}
		shot := ""
		if *reportShots != "" {
			shot = filepath.Join(*reportShots, "dir-"+strings.TrimSuffix(page, ".html")+".png")
		}
		res := b.Open(t, "file://"+filepath.Join(dir, page), shot)
		t.Logf("%s: %d images, all decoded", page, res.Images)
	}
}
