package scenarios

import (
	"fmt"
	"math"
	"strings"

	"github.com/fastroad/fastroad/crs"
	"github.com/fastroad/fastroad/graph"
)

// Study is a base network and the alternatives to compare against it.
type Study struct {
	Name         string            `mapstructure:"name"`
	Description  string            `mapstructure:"description"`
	Base         Base              `mapstructure:"base"`
	Targets      Targets           `mapstructure:"targets"`
	Rank         string            `mapstructure:"rank"`          // metric to rank alternatives by (see Metrics)
	ControlLines map[string]string `mapstructure:"control_lines"` // kind (red, purple, blue, green) -> GeoJSON file
	// ControlLinesCRS is the coordinate system of those files: wgs84
	// (default), gcj02 or bd09.
	ControlLinesCRS string `mapstructure:"control_lines_crs"`
	// MinExpresswayKm: an entrance must lead into at least this many km of
	// controlled-access road (default: places' default, 5 km).
	MinExpresswayKm float64 `mapstructure:"min_expressway_km"`
	// RoadWidthM is the land a new road takes, for green area taken (default 30).
	RoadWidthM float64    `mapstructure:"road_width_m"`
	Isochrones Isochrones `mapstructure:"isochrones"`
	// LimitMinutes is how far travel-time grids are filled, whatever bands
	// are drawn: differences and people counts see every cell reached in
	// either network up to it (default 180).
	LimitMinutes float64 `mapstructure:"limit_minutes"`
	// Population lists the planner's population sources, first match wins
	// per area; the built-in default (county totals spread over OSM
	// settlements) fills the rest.
	Population []PopulationSource `mapstructure:"population"`
	// PopulationTotals are residents per county by boundary name (e.g. the
	// census); they take precedence over population tags in the extract.
	PopulationTotals map[string]float64 `mapstructure:"population_totals"`
	// PopulationRegion names the counties whose residents count (default:
	// those of PopulationTotals; none: the whole extract).
	PopulationRegion []string `mapstructure:"population_region"`
	// PopulationCellM is the population surface's cell size (default 250 m).
	PopulationCellM float64 `mapstructure:"population_cell_m"`
	// PopulationAdminLevel is the admin_level of the counties totals and
	// splits refer to (default 6).
	PopulationAdminLevel int            `mapstructure:"population_admin_level"`
	Appraisal            map[string]any `mapstructure:"appraisal"` // read by the appraisal stage
	// Lang is the report's language: zh or en (default: zh when the
	// study's places carry Chinese names, else en).
	Lang         string        `mapstructure:"lang"`
	Alternatives []Alternative `mapstructure:"alternatives"`
}

// PopulationSource is one planner's population source: exactly one of
// Grid (GeoTIFF or ESRI ASCII grid), Points (CSV lon,lat,population[,name])
// and Polygons (GeoJSON with a population property).
type PopulationSource struct {
	Grid     string `mapstructure:"grid"`
	Points   string `mapstructure:"points"`
	Polygons string `mapstructure:"polygons"`
	CRS      string `mapstructure:"crs"`      // points and polygons: wgs84 (default), gcj02, bd09
	Property string `mapstructure:"property"` // polygons: the population property (default population)
}

// Base names the extract (or graph file), profile and planner's places.
type Base struct {
	Extract string `mapstructure:"extract"`
	Graph   string `mapstructure:"graph"`
	Profile string `mapstructure:"profile"`
	Places  string `mapstructure:"places"`
}

// Targets are the policy thresholds in minutes (China's national road plan:
// 30 min to an expressway, 15 min to an ordinary national road; 60 min to
// the HSR station for one-hour commuting).
type Targets struct {
	ExpresswayMinutes float64 `mapstructure:"expressway_minutes"`
	TrunkMinutes      float64 `mapstructure:"trunk_minutes"`
	HSRMinutes        float64 `mapstructure:"hsr_minutes"`
	// CentreMinutes: county seats within this of the central city.
	CentreMinutes float64 `mapstructure:"centre_minutes"`
}

// DefaultTargets are the national yardsticks.
func DefaultTargets() Targets {
	return Targets{ExpresswayMinutes: 30, TrunkMinutes: 15, HSRMinutes: 60, CentreMinutes: 60}
}

// Isochrones set the bands drawn for each alternative.
type Isochrones struct {
	Minutes    []float64 `mapstructure:"minutes"`
	CellMetres float64   `mapstructure:"cell_m"`
	// AccessMetres is the farthest land from a road that counts as reached
	// (default 500); AccessKmh the speed over it (default 5, walking).
	// Residents farther from every mapped road count as unreached.
	AccessMetres float64 `mapstructure:"access_m"`
	AccessKmh    float64 `mapstructure:"access_kmh"`
}

// Alternative is one proposed layout: edits applied to the base.
type Alternative struct {
	Name        string `mapstructure:"name"`
	Description string `mapstructure:"description"`
	Edits       []Edit `mapstructure:"edits"`
}

// Edit is one change; exactly one field is set.
type Edit struct {
	AddRoad         *AddRoad     `mapstructure:"add_road"`
	Upgrade         *Upgrade     `mapstructure:"upgrade"`
	Close           *Selector    `mapstructure:"close"`
	AddEntrance     *AddEntrance `mapstructure:"add_entrance"`
	AddStation      *Station     `mapstructure:"add_station"`
	MoveStation     *Station     `mapstructure:"move_station"`
	OSMConstruction bool         `mapstructure:"osm_construction"`
}

// Kind returns the edit's YAML key, or "" when none or several are set.
func (e *Edit) Kind() string {
	var kinds []string
	if e.AddRoad != nil {
		kinds = append(kinds, "add_road")
	}
	if e.Upgrade != nil {
		kinds = append(kinds, "upgrade")
	}
	if e.Close != nil {
		kinds = append(kinds, "close")
	}
	if e.AddEntrance != nil {
		kinds = append(kinds, "add_entrance")
	}
	if e.AddStation != nil {
		kinds = append(kinds, "add_station")
	}
	if e.MoveStation != nil {
		kinds = append(kinds, "move_station")
	}
	if e.OSMConstruction {
		kinds = append(kinds, "osm_construction")
	}
	if len(kinds) != 1 {
		return ""
	}
	return kinds[0]
}

// Coord is a longitude, latitude pair as written in a study file.
type Coord [2]float64

// Selector picks existing roads. All criteria given must hold (ref "US 113"
// within a corridor selects that road's stretch in the corridor); at least
// one criterion is required.
type Selector struct {
	WayIDs   []int64   `mapstructure:"way_ids"`
	Ref      string    `mapstructure:"ref"`  // matches one of the ';'-separated refs, ignoring case and spaces
	Name     string    `mapstructure:"name"` // exact name, ignoring case
	Classes  []string  `mapstructure:"classes"`
	Corridor *Corridor `mapstructure:"corridor"`
	Polygon  []Coord   `mapstructure:"polygon"` // every point of the segment inside
	CRS      string    `mapstructure:"crs"`     // of corridor and polygon: wgs84 (default), gcj02, bd09
}

// Corridor is a polyline with a width: a segment is selected when every
// point of its geometry lies within width/2 of the line.
type Corridor struct {
	Line   []Coord `mapstructure:"line"`
	WidthM float64 `mapstructure:"width_m"`
}

// AddRoad adds a new road along a polyline.
type AddRoad struct {
	Name     string  `mapstructure:"name"`
	Ref      string  `mapstructure:"ref"`
	Line     []Coord `mapstructure:"line"`
	CRS      string  `mapstructure:"crs"`
	Class    string  `mapstructure:"class"`     // OSM highway class; default trunk
	SpeedKmh float64 `mapstructure:"speed_kmh"` // default: the profile's speed of the class
	Oneway   bool    `mapstructure:"oneway"`
	// ControlledAccess: no land access, junctions only where listed
	// (default true for motorway, false otherwise).
	ControlledAccess *bool         `mapstructure:"controlled_access"`
	Interchanges     []Interchange `mapstructure:"interchanges"`
	// AtGrade: join every existing road of AtGradeClasses that the line
	// crosses (default classes: all that are not controlled-access).
	AtGrade        bool     `mapstructure:"at_grade"`
	AtGradeClasses []string `mapstructure:"at_grade_classes"`
	// ConnectEnds (default true): each end joins the nearest road within
	// EndToleranceM (default 300 m), through a short connector if needed.
	ConnectEnds   *bool   `mapstructure:"connect_ends"`
	EndToleranceM float64 `mapstructure:"end_tolerance_m"`
}

// Interchange joins a new or upgraded road to the existing network through
// ramps at a point.
type Interchange struct {
	At          Coord   `mapstructure:"at"`
	RampSeconds float64 `mapstructure:"ramp_s"`      // time through the ramps; default 30
	ToleranceM  float64 `mapstructure:"tolerance_m"` // max distance to an existing road; default 300
	Road        string  `mapstructure:"road"`        // optional: only join a road with this name or ref
}

// Upgrade changes selected roads' class and speed, and may make them
// controlled-access (entrances only at the listed interchanges).
type Upgrade struct {
	Selector         `mapstructure:",squash"`
	Class            string        `mapstructure:"class"`
	SpeedKmh         float64       `mapstructure:"speed_kmh"`
	SpeedFactor      float64       `mapstructure:"speed_factor"`
	ControlledAccess bool          `mapstructure:"controlled_access"`
	Entrances        []Interchange `mapstructure:"entrances"`
}

// AddEntrance adds an interchange on an existing expressway at a point,
// connected to a named local road.
type AddEntrance struct {
	At          Coord   `mapstructure:"at"`
	CRS         string  `mapstructure:"crs"`
	Road        string  `mapstructure:"road"` // name or ref of the local road
	RampSeconds float64 `mapstructure:"ramp_s"`
	ToleranceM  float64 `mapstructure:"tolerance_m"` // max distance from the point to the expressway and to the road; default 1000
	Name        string  `mapstructure:"name"`
}

// Station adds an HSR station, or moves one (by ID) to a new point.
type Station struct {
	ID   string `mapstructure:"id"`
	Name string `mapstructure:"name"`
	At   Coord  `mapstructure:"at"`
	CRS  string `mapstructure:"crs"`
}

// EditError is an error in one edit of one alternative.
type EditError struct {
	Alternative string
	Index       int    // 0-based index in the alternative's edits
	Key         string // e.g. "add_road.interchanges[1].at"
	Err         error
}

func (e *EditError) Error() string {
	return fmt.Sprintf("alternative %q, edit %d, %s: %v", e.Alternative, e.Index+1, e.Key, e.Err)
}

func (e *EditError) Unwrap() error { return e.Err }

// toWGS84 converts study coordinates in system name to WGS-84 points.
func toWGS84(name string, cs []Coord) ([]graph.Point, error) {
	sys := crs.WGS84
	if name != "" {
		var err error
		if sys, err = crs.ParseSystem(name); err != nil {
			return nil, err
		}
	}
	out := make([]graph.Point, len(cs))
	for i, c := range cs {
		if math.IsNaN(c[0]) || math.IsNaN(c[1]) || c[0] < -180 || c[0] > 180 || c[1] < -90 || c[1] > 90 {
			return nil, fmt.Errorf("point %d (%v, %v) is not a lon,lat pair", i+1, c[0], c[1])
		}
		lon, lat := crs.ToWGS84(sys, c[0], c[1])
		out[i] = graph.Point{Lon: lon, Lat: lat}
	}
	return out, nil
}

// normRef folds case and spaces so "US 113", "us113" and "US-113" match.
func normRef(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r == ' ' || r == '-' || r == '_' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
