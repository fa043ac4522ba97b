package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsochroneCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "iso.geojson")
	png := filepath.Join(dir, "map.png")
	asc := filepath.Join(dir, "grid.asc")
	code, _, stderr := run(t, "isochrone", "--graph", monaco, "--from", "7.4197,43.7398", "--minutes", "5,10",
		"-o", out, "--png", png, "--grid", asc)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var fc struct {
		Type     string
		Features []struct {
			Geometry   struct{ Type string }
			Properties map[string]any
		}
	}
	if err := json.Unmarshal([]byte(read(t, dir, "iso.geojson")), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 2 {
		t.Fatalf("got %s with %d features", fc.Type, len(fc.Features))
	}
	a5, a10 := fc.Features[0].Properties["area_km2"].(float64), fc.Features[1].Properties["area_km2"].(float64)
	if fc.Features[0].Properties["minutes"] != 5.0 || !(a5 > 0 && a10 > a5) {
		t.Errorf("bands: %v %v", fc.Features[0].Properties, fc.Features[1].Properties)
	}
	if b, _ := os.ReadFile(png); len(b) < 1000 || string(b[1:4]) != "PNG" {
		t.Error("no PNG map written")
	}
	if !strings.HasPrefix(read(t, dir, "grid.asc"), "ncols ") {
		t.Error("no ASCII grid written")
	}
	if !strings.HasPrefix(read(t, dir, "grid.prj"), `GEOGCS["GCS_WGS_1984"`) {
		t.Error("no .prj written beside the grid")
	}
	// Inbound to the nearest place of a kind, from the places the extract holds.
	code, _, stderr = run(t, "isochrone", "--graph", monaco, "--to", "town", "--minutes", "10", "-o", out)
	if code != 0 {
		t.Errorf("--to town: exit %d: %s", code, stderr)
	}
}

func TestIsochroneBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "iso.geojson")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown kind", []string{"--from", "airport"}, 2, "airport"},
		{"both directions", []string{"--from", "7.42,43.74", "--to", "town"}, 2, "exactly one"},
		{"minutes decreasing", []string{"--from", "7.42,43.74", "--minutes", "30,15"}, 2, "increase"},
		{"minutes beyond cap", []string{"--from", "7.42,43.74", "--minutes", "15,300"}, 2, "240"},
		{"minutes not a number", []string{"--from", "7.42,43.74", "--minutes", "15,half"}, 2, "half"},
		{"point in the sea", []string{"--from", "7.50,43.70"}, 1, "no routable road within"},
		{"point out of range", []string{"--from", "200,43"}, 2, "out of range"},
		{"bad grid type", []string{"--from", "7.42,43.74", "--grid", filepath.Join(dir, "g.png")}, 2, ".tif or .asc"},
		{"no place of that kind", []string{"--to", "hsr_station", "--places", writeFile(t, dir, "drop.yaml", "drop_detected: [hsr_station, rail_station]\n")}, 1, "no place of kind hsr_station"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"isochrone", "--graph", monaco, "-o", out}, tc.args...)
			code, _, stderr := run(t, args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d (want %d), stderr %q does not mention %q", code, tc.code, stderr, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("output left behind")
			}
		})
	}
}
