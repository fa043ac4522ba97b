package report

import (
	"math"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
)

func TestRankBreaksTiesByMinutes(t *testing.T) {
	rows := []Row{
		{{"alternative", "c"}, {"population_within_30_min_of_entrance_change", 0.0}, {"mean_minutes_to_entrance_change", 0.0}, {"mean_minutes_to_hsr_change", 0.0}},
		{{"alternative", "a"}, {"population_within_30_min_of_entrance_change", 0.0}, {"mean_minutes_to_entrance_change", -2.0}, {"mean_minutes_to_hsr_change", 0.0}},
		{{"alternative", "b"}, {"population_within_30_min_of_entrance_change", 500.0}, {"mean_minutes_to_entrance_change", 1.0}, {"mean_minutes_to_hsr_change", 0.0}},
		{{"alternative", "d"}, {"population_within_30_min_of_entrance_change", math.NaN()}, {"mean_minutes_to_entrance_change", math.NaN()}, {"mean_minutes_to_hsr_change", math.NaN()}},
	}
	got := Rank(rows, "population_within_30_min_of_entrance")
	want := map[string]int{"b": 1, "a": 2, "c": 3, "d": 4}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("rank of %s: got %d want %d (all %v)", k, got[k], v, got)
		}
	}
	// Lower is better for minutes.
	got = Rank(rows, "mean_minutes_to_entrance")
	if got["a"] != 1 || got["b"] != 3 {
		t.Errorf("by minutes: got %v", got)
	}
}

// TestRankTies: alternatives equal on every ranking key share a rank
// (1, 2, 2, 4), never ordered by name; ChangesNothing finds them.
func TestRankTies(t *testing.T) {
	zero := func(name string) Row {
		return Row{{"alternative", name}, {"population_within_30_min_of_entrance_change", 0.0}, {"mean_minutes_to_entrance_change", 0.0}, {"mean_minutes_to_hsr_change", 0.0}}
	}
	rows := []Row{
		zero("z"), zero("y"),
		{{"alternative", "a"}, {"population_within_30_min_of_entrance_change", 10.0}, {"mean_minutes_to_entrance_change", -1.0}, {"mean_minutes_to_hsr_change", 0.0}},
		{{"alternative", "m"}, {"population_within_30_min_of_entrance_change", -5.0}, {"mean_minutes_to_entrance_change", 1.0}, {"mean_minutes_to_hsr_change", 0.0}},
	}
	got := Rank(rows, "population_within_30_min_of_entrance")
	want := map[string]int{"a": 1, "y": 2, "z": 2, "m": 4}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("rank of %s: got %d want %d (all %v)", k, got[k], v, got)
		}
	}
	if !ChangesNothing(rows[0]) || ChangesNothing(rows[2]) {
		t.Errorf("ChangesNothing: got %v for z, %v for a; want true, false", ChangesNothing(rows[0]), ChangesNothing(rows[2]))
	}
}

func TestChangeLine(t *testing.T) {
	tests := []struct {
		before, after uint32
		want          string
	}{
		{25 * 60000, 5 * 60000, "Georgetown: 25.0 → 5.0 min to the HSR station (-20.0 min); now within the 15-min target"},
		{10 * 60000, graph.Inf, "**Georgetown can no longer reach the HSR station** (10.0 min today)"},
		{graph.Inf, 12 * 60000, "Georgetown now reaches the HSR station in 12.0 min (unreachable today)"},
		{10 * 60000, 10*60000 + 1000, ""},
		{graph.Inf, graph.Inf, ""},
		{10 * 60000, 20 * 60000, "Georgetown: 10.0 → 20.0 min to the HSR station (+10.0 min); no longer within the 15-min target"},
	}
	for _, tc := range tests {
		if got := changeLine("Georgetown", "the HSR station", tc.before, tc.after, 15); got != tc.want {
			t.Errorf("%d -> %d: got %q want %q", tc.before, tc.after, got, tc.want)
		}
	}
}

func TestDiff(t *testing.T) {
	inf := float32(math.Inf(1))
	base := &isochrone.Grid{MinLon: 0, MinLat: 0, DLon: 1, DLat: 1, W: 2, H: 2, T: []float32{600, 600, inf, 100}}
	alt := &isochrone.Grid{MinLon: 0, MinLat: 0, DLon: 1, DLat: 1, W: 2, H: 2, T: []float32{300, 900, 50, inf}}
	d, err := Diff(base, alt)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{300, -300, inf, float32(math.Inf(-1))}
	for i := range want {
		if d.T[i] != want[i] {
			t.Errorf("cell %d: got %v want %v", i, d.T[i], want[i])
		}
	}
	other := *alt
	other.W = 1
	if _, err := Diff(base, &other); err == nil || !strings.Contains(err.Error(), "align") {
		t.Errorf("misaligned grids: got %v", err)
	}
}

func TestWriteCSVAndJSONStable(t *testing.T) {
	rows := []Row{{{"alternative", "x"}, {"minutes", math.NaN()}, {"towns", 3}, {"ok", true}}}
	var c, j strings.Builder
	if err := WriteCSV(&c, rows); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&j, rows); err != nil {
		t.Fatal(err)
	}
	if got, want := c.String(), "alternative,minutes,towns,ok\nx,,3,true\n"; got != want {
		t.Errorf("csv: got %q want %q", got, want)
	}
	if got, want := j.String(), "[\n  {\"alternative\": \"x\", \"minutes\": null, \"towns\": 3, \"ok\": true}\n]\n"; got != want {
		t.Errorf("json: got %q want %q", got, want)
	}
}
