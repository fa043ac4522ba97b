package scenarios

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestStudyValidate(t *testing.T) {
	nan := math.NaN()
	ok := func(s *Study) {}
	ranks := []string{"towns_cut_off", "population_within_15_min_of_entrance"}
	isRank := func(r string) bool { return r == ranks[0] || r == ranks[1] }
	for _, c := range []struct {
		name string
		edit func(*Study)
		want string // "" = valid
	}{
		{"defaults", ok, ""},
		{"target -30", func(s *Study) { s.Targets.ExpresswayMinutes = -30 }, "targets.expressway_minutes: -30 is out of range"},
		{"target 1e300", func(s *Study) { s.Targets.TrunkMinutes = 1e300 }, "targets.trunk_minutes: 1e+300 is out of range (want 1 to 600 minutes"},
		{"target NaN", func(s *Study) { s.Targets.HSRMinutes = nan }, "targets.hsr_minutes: NaN"},
		{"target 45", func(s *Study) { s.Targets.HSRMinutes = 45 }, ""},
		{"minutes NaN", func(s *Study) { s.Isochrones.Minutes = []float64{15, nan} }, "isochrones.minutes[1]: NaN"},
		{"minutes decreasing", func(s *Study) { s.Isochrones.Minutes = []float64{30, 15} }, "must increase"},
		{"minutes 1000", func(s *Study) { s.Isochrones.Minutes = []float64{1000} }, "at most 240"},
		{"cell -100", func(s *Study) { s.Isochrones.CellMetres = -100 }, "isochrones.cell_m: -100 is out of range"},
		{"cell NaN", func(s *Study) { s.Isochrones.CellMetres = nan }, "isochrones.cell_m: NaN"},
		{"cell 25", func(s *Study) { s.Isochrones.CellMetres = 25 }, ""},
		{"road width -30", func(s *Study) { s.RoadWidthM = -30 }, "road_width_m: -30"},
		{"road width NaN", func(s *Study) { s.RoadWidthM = nan }, "road_width_m: NaN"},
		{"road width 1e6", func(s *Study) { s.RoadWidthM = 1e6 }, "road_width_m: 1e+06"},
		{"rank best", func(s *Study) { s.Rank = "best" }, `rank: "best" is not a measure (want one of: towns_cut_off, population_within_15_min_of_entrance)`},
		{"rank ok", func(s *Study) { s.Rank = "towns_cut_off" }, ""},
		{"speed -110", func(s *Study) {
			s.Alternatives = []Alternative{{Name: "a", Edits: []Edit{{Upgrade: &Upgrade{Selector: Selector{Ref: "G106"}, SpeedKmh: -110}}}}}
		}, `alternative "a", edit 1, upgrade.speed_kmh: -110 is out of range (want 1 to 200 km/h`},
		{"ramp NaN", func(s *Study) {
			s.Alternatives = []Alternative{{Name: "a", Edits: []Edit{{AddEntrance: &AddEntrance{At: Coord{116.1, 36}, RampSeconds: nan}}}}}
		}, "add_entrance.ramp_s: NaN is out of range"},
		{"ramp -30", func(s *Study) {
			s.Alternatives = []Alternative{{Name: "a", Edits: []Edit{{AddRoad: &AddRoad{Line: []Coord{{116, 36}, {116.2, 36}}, Interchanges: []Interchange{{At: Coord{116.1, 36}, RampSeconds: -30}}}}}}}
		}, "add_road.interchanges[0].ramp_s: -30 is out of range (want 1 to 600 seconds"},
		{"ramp 1e12", func(s *Study) {
			s.Alternatives = []Alternative{{Name: "a", Edits: []Edit{{AddRoad: &AddRoad{Line: []Coord{{116, 36}, {116.2, 36}}, Interchanges: []Interchange{{At: Coord{116.1, 36}, RampSeconds: 1e12}}}}}}}
		}, "ramp_s: 1e+12 is out of range"},
		{"corridor width 0", func(s *Study) {
			s.Alternatives = []Alternative{{Name: "a", Edits: []Edit{{Close: &Selector{Corridor: &Corridor{Line: []Coord{{116, 36}, {116.2, 36}}}}}}}}
		}, "close.corridor.width_m: 0"},
	} {
		s := &Study{}
		c.edit(s)
		err := s.Validate(ValidateOptions{Rank: isRank, RankNames: ranks})
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: got %v, want valid", c.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

// An add_road point with a flipped sign (lat -36 instead of 36) would make
// a road of thousands of km: Apply refuses it, naming the point.
func TestApplyRefusesPointOutsideExtract(t *testing.T) {
	base := fixture(t, false, false)
	alt := Alternative{Name: "flip", Edits: []Edit{{AddRoad: &AddRoad{Line: []Coord{{116, 36}, {116.2, -36}}}}}}
	_, err := Apply(base, alt)
	var ee *EditError
	if !errors.As(err, &ee) || ee.Key != "add_road.line" || !strings.Contains(err.Error(), "point 2 (116.2, -36) lies outside the base network's area") {
		t.Fatalf("got %v", err)
	}
	// Within the margin (0.3 degrees east of the network): accepted by the
	// check (what Apply then makes of it is its own business).
	if err := ValidateEdits(Alternative{Edits: []Edit{{AddRoad: &AddRoad{Line: []Coord{{116, 36}, {116.5, 36}}}}}}, base.Graph); err != nil {
		t.Errorf("within the margin: %v", err)
	}
	// speed_kmh -110 names the range, not "needs speed_kmh".
	_, err = Apply(base, Alternative{Name: "neg", Edits: []Edit{{Upgrade: &Upgrade{Selector: Selector{Ref: "G106"}, SpeedKmh: -110}}}})
	if err == nil || strings.Contains(err.Error(), "needs speed_kmh") || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("speed -110: got %v", err)
	}
	_, err = Apply(base, Alternative{Name: "nan", Edits: []Edit{{AddEntrance: &AddEntrance{At: Coord{116.1, 36}, RampSeconds: math.NaN()}}}})
	if err == nil || !strings.Contains(err.Error(), "ramp_s: NaN is out of range") {
		t.Errorf("ramp_s NaN: got %v", err)
	}
}
