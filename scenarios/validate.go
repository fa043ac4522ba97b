package scenarios

import (
	"fmt"
	"math"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// Ranges of the study's numbers. A value of 0 always means "the default";
// anything else outside its range (NaN, negative, absurd) is an error that
// names the key and the range.
const (
	MinTargetMinutes = 1.0   // a target under a minute measures nothing
	MaxTargetMinutes = 600.0 // ten hours: beyond any access yardstick
	MaxBandMinutes   = 240.0 // isochrone bands, as the isochrone command
	MinCellMetres    = 1.0
	MaxCellMetres    = 10000.0
	MaxRoadWidthM    = 500.0 // wider than any road with its verges
	MinSpeedKmh      = 1.0   // the profile's range (osm.MinSpeedKmh..MaxSpeedKmh)
	MaxSpeedKmh      = 200.0
	MaxSpeedFactor   = 10.0
	MaxRampSeconds   = 600.0 // ten minutes through an interchange
	MaxToleranceM    = 10000.0
	MaxCorridorM     = 50000.0
	// BoundsMarginDeg is how far (degrees, about 50 km) a study point may lie
	// outside the base network's bounding box.
	BoundsMarginDeg = 0.5
)

// ValidateOptions carry what Validate checks against, besides the study's
// own ranges.
type ValidateOptions struct {
	// Rank says whether a rank name is valid (e.g. a lookup in
	// report.Measures(minutes)); nil skips the rank check.
	Rank func(string) bool
	// RankNames lists the valid names for the message.
	RankNames []string
	// Graph, when set, is the base network: study points (add_road lines,
	// interchanges, entrances, corridors and polygons) must lie within its bounds plus
	// BoundsMarginDeg.
	Graph *graph.Graph
}

// Validate checks every number of the study against its documented range
// (targets, isochrones, cell_m, road_width_m, each edit's speeds, ramps and
// tolerances), the rank against opt.Rank, and with opt.Graph the edits'
// points against the network's area. Both 'check' and 'compare' call it, so
// what one accepts the other runs. Errors name the key (and for edits the
// alternative and edit number, as *EditError).
func (s *Study) Validate(opt ValidateOptions) error {
	for _, t := range []struct {
		key string
		v   float64
	}{
		{"targets.expressway_minutes", s.Targets.ExpresswayMinutes},
		{"targets.trunk_minutes", s.Targets.TrunkMinutes},
		{"targets.hsr_minutes", s.Targets.HSRMinutes},
		{"targets.centre_minutes", s.Targets.CentreMinutes},
	} {
		if err := inRange(t.key, t.v, MinTargetMinutes, MaxTargetMinutes, "minutes"); err != nil {
			return err
		}
	}
	for i, m := range s.Isochrones.Minutes {
		key := fmt.Sprintf("isochrones.minutes[%d]", i)
		if !(m > 0 && m <= MaxBandMinutes) {
			return fmt.Errorf("%s: %v is out of range (want more than 0 and at most %v minutes)", key, m, MaxBandMinutes)
		}
		if i > 0 && m <= s.Isochrones.Minutes[i-1] {
			return fmt.Errorf("%s: %v after %v: minutes must increase", key, m, s.Isochrones.Minutes[i-1])
		}
	}
	if err := inRange("isochrones.cell_m", s.Isochrones.CellMetres, MinCellMetres, MaxCellMetres, "metres"); err != nil {
		return err
	}
	switch s.Lang {
	case "", "zh", "en":
	default:
		return fmt.Errorf("lang: %q: want zh or en", s.Lang)
	}
	if err := inRange("road_width_m", s.RoadWidthM, 0.5, MaxRoadWidthM, "metres"); err != nil {
		return err
	}
	for _, r := range []struct {
		key, unit string
		v, lo, hi float64
	}{
		{"isochrones.access_m", "metres", s.Isochrones.AccessMetres, 1, 10000},
		{"isochrones.access_kmh", "km/h", s.Isochrones.AccessKmh, 0.1, 50},
		{"limit_minutes", "minutes", s.LimitMinutes, 1, 1440},
		{"population_cell_m", "metres", s.PopulationCellM, 10, 10000},
		{"population_admin_level", "(an OSM admin_level)", float64(s.PopulationAdminLevel), 1, 12},
		{"min_expressway_km", "km", s.MinExpresswayKm, 0.001, 1000},
	} {
		if err := inRange(r.key, r.v, r.lo, r.hi, r.unit); err != nil {
			return err
		}
	}
	if s.LimitMinutes != 0 && len(s.Isochrones.Minutes) > 0 && s.LimitMinutes < s.Isochrones.Minutes[len(s.Isochrones.Minutes)-1] {
		return fmt.Errorf("limit_minutes: %v is below the last isochrone band (%v): want at least the bands", s.LimitMinutes, s.Isochrones.Minutes[len(s.Isochrones.Minutes)-1])
	}
	for name, v := range s.PopulationTotals {
		if math.IsNaN(v) || v < 0 || v > 2e9 || v != math.Trunc(v) {
			return fmt.Errorf("population_totals.%s: %v is out of range (want a whole number of residents, 0 to 2000000000)", name, v)
		}
	}
	if s.Rank != "" && opt.Rank != nil && !opt.Rank(s.Rank) {
		return fmt.Errorf("rank: %q is not a measure (want one of: %s)", s.Rank, strings.Join(opt.RankNames, ", "))
	}
	for _, alt := range s.Alternatives {
		if err := ValidateEdits(alt, opt.Graph); err != nil {
			return err
		}
	}
	return nil
}

// inRange accepts 0 (the default) or lo <= v <= hi.
func inRange(key string, v, lo, hi float64, unit string) error {
	if v == 0 || (v >= lo && v <= hi) {
		return nil
	}
	return fmt.Errorf("%s: %v is out of range (want %v to %v %s, or leave it out for the default)", key, v, lo, hi, unit)
}

// ValidateEdits checks the numbers of an alternative's edits, and with g
// their points against g's bounds plus BoundsMarginDeg. Apply calls it
// first, so a bad value is reported with its key, not by what it broke.
func ValidateEdits(alt Alternative, g *graph.Graph) error {
	var box *[4]float64
	if g != nil && g.NumNodes() > 0 {
		lo, hi := g.Bounds()
		m := BoundsMarginDeg
		box = &[4]float64{lo.Lon - m, lo.Lat - m, hi.Lon + m, hi.Lat + m}
	}
	for i := range alt.Edits {
		if err := validateEdit(&alt.Edits[i], box); err != nil {
			if ke, ok := err.(keyError); ok {
				return &EditError{Alternative: alt.Name, Index: i, Key: alt.Edits[i].Kind() + "." + ke.key, Err: ke.err}
			}
			return &EditError{Alternative: alt.Name, Index: i, Key: alt.Edits[i].Kind(), Err: err}
		}
	}
	return nil
}

func validateEdit(e *Edit, box *[4]float64) error {
	rng := func(key string, v, lo, hi float64, unit string) error {
		if err := inRange("x", v, lo, hi, unit); err != nil {
			return keyError{key, fmt.Errorf("%v is out of range (want %v to %v %s, or leave it out for the default)", v, lo, hi, unit)}
		}
		return nil
	}
	inBox := func(key string, crsName string, cs []Coord) error {
		for k, c := range cs {
			if math.IsNaN(c[0]) || math.IsNaN(c[1]) || c[0] < -180 || c[0] > 180 || c[1] < -90 || c[1] > 90 {
				return keyError{key, fmt.Errorf("point %d (%v, %v) is not a lon,lat pair (degrees, lon first)", k+1, c[0], c[1])}
			}
			if box == nil {
				continue
			}
			pts, err := toWGS84(crsName, []Coord{c})
			if err != nil {
				return keyError{key, err}
			}
			p := pts[0]
			if p.Lon < box[0] || p.Lon > box[2] || p.Lat < box[1] || p.Lat > box[3] {
				return keyError{key, fmt.Errorf("point %d (%v, %v) lies outside the base network's area (lon %.3f to %.3f, lat %.3f to %.3f, with a %v degree margin); a flipped sign or swapped lon,lat?",
					k+1, c[0], c[1], box[0], box[2], box[1], box[3], BoundsMarginDeg)}
			}
		}
		return nil
	}
	interchanges := func(key, crsName string, ics []Interchange) error {
		for j, ic := range ics {
			k := fmt.Sprintf("%s[%d]", key, j)
			if err := rng(k+".ramp_s", ic.RampSeconds, 1, MaxRampSeconds, "seconds"); err != nil {
				return err
			}
			if err := rng(k+".tolerance_m", ic.ToleranceM, 1, MaxToleranceM, "metres"); err != nil {
				return err
			}
			if err := inBox(k+".at", crsName, []Coord{ic.At}); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case e.AddRoad != nil:
		r := e.AddRoad
		if err := rng("speed_kmh", r.SpeedKmh, MinSpeedKmh, MaxSpeedKmh, "km/h"); err != nil {
			return err
		}
		if err := rng("end_tolerance_m", r.EndToleranceM, 1, MaxToleranceM, "metres"); err != nil {
			return err
		}
		if err := inBox("line", r.CRS, r.Line); err != nil {
			return err
		}
		return interchanges("interchanges", r.CRS, r.Interchanges)
	case e.Upgrade != nil:
		u := e.Upgrade
		if err := rng("speed_kmh", u.SpeedKmh, MinSpeedKmh, MaxSpeedKmh, "km/h"); err != nil {
			return err
		}
		if err := rng("speed_factor", u.SpeedFactor, 0.01, MaxSpeedFactor, "times"); err != nil {
			return err
		}
		if err := validateSelector(&u.Selector, rng, inBox); err != nil {
			return err
		}
		return interchanges("entrances", u.CRS, u.Entrances)
	case e.Close != nil:
		return validateSelector(e.Close, rng, inBox)
	case e.AddEntrance != nil:
		a := e.AddEntrance
		if err := rng("ramp_s", a.RampSeconds, 1, MaxRampSeconds, "seconds"); err != nil {
			return err
		}
		if err := rng("tolerance_m", a.ToleranceM, 1, MaxToleranceM, "metres"); err != nil {
			return err
		}
		return inBox("at", a.CRS, []Coord{a.At})
	}
	// Stations are placed by the places layer, whose message says how far
	// the nearest road is.
	return nil
}

func validateSelector(s *Selector, rng func(string, float64, float64, float64, string) error, inBox func(string, string, []Coord) error) error {
	if s.Corridor != nil {
		if w := s.Corridor.WidthM; !(w > 0 && w <= MaxCorridorM) {
			return keyError{"corridor.width_m", fmt.Errorf("%v is out of range (want more than 0 and at most %v metres)", w, MaxCorridorM)}
		}
		if err := inBox("corridor.line", s.CRS, s.Corridor.Line); err != nil {
			return err
		}
	}
	if len(s.Polygon) > 0 {
		if err := inBox("polygon", s.CRS, s.Polygon); err != nil {
			return err
		}
	}
	return nil
}
