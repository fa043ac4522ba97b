// Package population builds a surface of residents per cell and computes
// people-based access indicators from it.
//
// The surface (Surface) is a regular lon/lat grid in EPSG:4326 laid out as
// isochrone.Grid: cell centres, row 0 south, flat row-major slices; the
// default cell is 250 m at the box's mid latitude. Build fills it from the
// planner's sources in order, first source wins per area:
//
//   - grids (ReadGeoTIFF, ReadASC: residents per cell, as WorldPop and
//     GHS-POP publish), spread onto the surface by area-weighted overlap;
//   - points (ParsePoints: lon,lat,population[,name] CSV), each into the
//     cell that holds it;
//   - polygons (ReadPolygons: GeoJSON with a population property), each
//     total spread over the settlement weights inside it;
//   - the built-in default: county totals (Options.Totals, else population
//     tags of admin boundaries) spread over settlement weights (place
//     nodes and areas, residential land, buildings, residential streets),
//     and per-class defaults, marked as estimates, where no total exists.
//
// Units: residents (float32 per cell, sums in float64), degrees, metres,
// minutes for indicator inputs and outputs, seconds for travel times as
// isochrone.Grid.T holds them (+Inf unreached).
//
// Invariants: every source conserves its total, Total = Placed + Outside +
// Covered in its SourceReport (to float rounding); Pop >= 0; Source[k] is
// the index of the source covering cell k or -1; Resample conserves the
// residents inside the target grid and reports the rest.
//
// Indicators (AccessOf, AccessBy, SavingsOf, SavingsBy) are pure functions
// over slices aligned with one travel-time grid: residents within bands,
// population-weighted mean and median minutes over the reached, unreached
// residents apart, and person-minutes saved counting newly reached and no
// longer reached residents apart, never as gains. Classify (urban/rural)
// and Zones (county index) give the per-cell groups.
//
// Map data © OpenStreetMap contributors (ODbL).
package population
