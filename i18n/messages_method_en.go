package i18n

// Method notes of the report (study.(*Study).MethodNotes), merged into the
// en catalogue.
var methodEN = map[string]string{
	"method_times":          "Travel times are shortest car times on the OSM road network with the profile's class speeds; no turn costs, signals or congestion.",
	"method_towns":          "Towns are OSM place=city/town nodes (and county admin centres), changed by the planner's file; each is placed on the nearest ordinary road (not an expressway).",
	"method_entrances":      "Entrances are detected per network: points where ordinary roads enter the controlled-access network through on-ramps, one per interchange, leading into at least {0} km of controlled-access road.",
	"method_isochrones":     "Isochrones: {0} m grid cells; land reached from roads at {1} km/h up to {2} m; motorway mainline and ramps give no access to the land beside them. Grids are filled up to {3} minutes, whatever bands are drawn, so differences count every cell reached in either network.",
	"method_controls":       "Control lines: purple (heritage) and blue (water) are hard conflicts (length inside and crossings: a bridge, a tunnel or a new alignment); green is area taken at the study's road width; red is the share of an alignment inside road reservations. Drawn on the maps where a road enters purple or blue lines.",
	"method_town_figures":   "Town population figures are the towns' own (OSM population tags or the planner's file); residents come from the population surface (below); land area is from the isochrone polygons.",
	"method_control_source": "{0} lines ({1}): {2}",
	"method_control_none":   "not checked: none given",
	"method_control_file":   "the planner's file {0}",
	"method_control_osm":    "derived from OpenStreetMap ({0})",
	"method_pop_none":       "Residents: no population surface (no source given and no extract read).",
	"method_pop_surface":    "Residents: a population surface of {0} m cells, resampled onto the travel-time grid with totals conserved; sources in order, the first covering an area wins there.",
	"method_pop_source":     "Population source {0} ({1}): {2} residents, {3} placed{4}.",
	"method_pop_outside":    ", {0} outside the region ({1} items)",
	"method_pop_covered":    ", {0} in area an earlier source covers",
	"method_pop_estimate":   "; part of it are per-class estimates where no total exists",
	"method_pop_planner":    "Population: the planner's population of {0} ({1}) weighs the OSM places {2} as one place.",
	"method_pop_region":     "Study region: the counties {0}; {1} residents the surface holds outside them (estimates for neighbouring areas the extract covers) are left out.",
	"method_pop_urban":      "Urban residents live in cells inside a place=city or town area, in residential land within {0} km of a city ({1} km of a town) node, or within {2} km of a city ({3} km of a town) node; all others are rural. Counties are the extract's admin_level {4} boundaries; a cell belongs to the county holding its centre.",
}

func init() {
	for k, v := range methodEN {
		en[k] = v
	}
}
