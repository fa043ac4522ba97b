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

// TestReportCommand runs fastroad report on the hand-drawn study in both
// languages and checks the hand-off set: the pages name each other's
// language, the GeoPackage holds every layer (per GDAL's ogrinfo where
// installed), --crs gcj02 writes shifted copies, and every page loads in a
// headless browser with no console error, failed or outside request, and
// every image decoded.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	en, zh := filepath.Join(dir, "en"), filepath.Join(dir, "zh")
	if code, _, stderr := run(t, "report", testStudy, "-o", en); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "report", testStudy, "-o", zh, "--lang", "zh", "--crs", "gcj02"); code != 0 {
		t.Fatalf("report --lang zh: exit %d: %s", code, stderr)
	}
	for _, c := range []struct {
		dir, page, other string
		want             []string
	}{
		{en, "report.html", "report.zh.html", []string{`lang="en"`, "Ranking of the alternatives", "© OpenStreetMap contributors", "fastroad report"}},
		{zh, "report.html", "report.en.html", []string{`lang="zh-CN"`, "方案排序", "OpenStreetMap", "--lang zh"}},
	} {
		page := read(t, c.dir, c.page)
		for _, w := range c.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s/%s lacks %q", filepath.Base(c.dir), c.page, w)
			}
		}
		if _, err := os.Stat(filepath.Join(c.dir, c.other)); err != nil {
			t.Errorf("no %s beside %s", c.other, c.page)
		}
		for _, name := range []string{"results.gpkg", "results.xlsx", "base-to-hsr.png", "diff-faster-hsr.png", "lake-road-change.png"} {
			if _, err := os.Stat(filepath.Join(c.dir, name)); err != nil {
				t.Errorf("%s: missing %s", filepath.Base(c.dir), name)
			}
		}
		if _, err := os.Stat(filepath.Join(c.dir, "summary.csv")); err == nil {
			t.Errorf("%s: report wrote summary.csv: want the hand-off set only", filepath.Base(c.dir))
		}
	}
	// --crs gcj02: a copy per GeoJSON, shifted (the hand-drawn network lies
	// in China, where GCJ-02 moves points by a few hundred metres).
	orig, err := os.ReadFile(filepath.Join(dir, "zh", "base-to-hsr.gcj02.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Geometry struct {
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(orig, &fc); err != nil || len(fc.Features) == 0 {
		t.Fatalf("gcj02 copy: %v, %d features", err, len(fc.Features))
	}
	ogrinfo(t, filepath.Join(en, "results.gpkg"), "places", "entrances", "edited_roads", "control_line_conflicts", "base_to_hsr", "diff_faster_hsr", "residents")

	b := browsertest.StartT(t)
	for _, p := range []struct{ dir, page, shot string }{
		{en, "report.html", "report-en.png"}, {zh, "report.html", "report-zh.png"},
	} {
		shot := p.shot
		if *reportShots != "" {
			shot = filepath.Join(*reportShots, p.shot)
		}
		res := b.Open(t, "file://"+filepath.Join(p.dir, p.page), shot)
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
