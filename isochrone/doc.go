// Package isochrone turns a raster of travel times into nested isochrone
// polygons (reachable within 15, 30, ... minutes) and writes them as GeoJSON.
//
// The grid is filled elsewhere (a road-graph search writes each reached
// node's time into its cell with Grid.Lower); this package only contours.
//
//	NewGrid(box, cell metres) -> Grid.T filled by a search -> Bands(g, minutes)
//	    -> optional Simplify(bands, g, cells) -> WriteGeoJSON(w, bands, props)
//
// # API
//
//   - Grid, NewGrid: the raster; Index, At, Set, Lower, Centre and Cell move
//     between cells, positions in T and lon/lat.
//   - Contour(g, seconds): the polygons where the time is at most seconds.
//   - Bands(g, minutes): one Band per entry, each Contour(g, minutes*60).
//   - Band.Contains, NewLocator + Locator.Contains: point in band, plain or
//     indexed for many points.
//   - AreaKm2(polygon), Band.AreaKm2: areas on the sphere.
//   - Simplify(bands, g, cells): drops vertices without breaking anything.
//   - WriteGeoJSON(w, bands, props): a FeatureCollection, one Feature a band.
//
// # Units and layout
//
// Positions are WGS-84 [lon, lat] in degrees. Times in the grid are seconds
// (float32), band thresholds minutes, areas km², tolerances cells. Cell
// (i, j) is centred at (MinLon + i*DLon, MinLat + j*DLat): i runs west to
// east, j south to north (row 0 is the southern edge), and its time is
// T[j*W+i]. +Inf means not reached; NaN is read as +Inf, and so is
// everything outside the grid, so every contour closes.
//
// # Contours
//
// A contour is the line T = threshold of the field interpolated linearly
// between cell centres (marching squares). The reachable side is T <=
// threshold. Where a cell centre is reached and its neighbour is not (+Inf)
// the boundary runs halfway between them, whatever the threshold. A saddle
// (two diagonal corners reached, two not) is joined when the mean of the four
// corners is within the threshold and split otherwise; an unreached corner
// always splits it. Crossings are kept at least 1/32 of a cell from every
// cell centre, so a boundary never passes through a centre: a cell centre is
// inside its band exactly when its time is within the threshold.
//
// # Invariants of the output
//
// Every Polygon is an outer ring, counter-clockwise, followed by its holes,
// clockwise (RFC 7946). Rings are closed (first position == last), have at
// least 4 positions, repeat no position twice in a row and enclose a
// non-zero area. No ring touches itself or any other ring of the band; each
// hole lies inside its polygon's outer ring and outside its other holes; an
// island inside a hole is a polygon of its own. Polygons come in the order
// a row-major scan from the south-west meets them. Bands from one grid nest:
// the band of a larger threshold contains that of a smaller one (their
// boundaries may touch, e.g. along an unreached area, but never cross).
// Identical input gives identical output.
//
// # GeoJSON
//
// WriteGeoJSON rounds coordinates to 6 decimals (0.1 m). Distinct parts of
// the contours stay about 1/45 of a cell apart, so the rounded polygons are
// still valid for cells of 10 m and more (tested down to 3 m).
//
// # Simplification
//
// Simplify is optional and off unless called. It removes vertices (never
// moves or adds any) while the boundary stays within the tolerance, and
// only where a removal provably keeps every invariant above, nesting of the
// bands included (see simplify.go). At 0.5 cells it drops about a third of
// the positions of a noisy 1000 x 1000 grid; rings of four vertices (single
// cells) stay as they are.
//
// # Speed
//
// Contouring costs O(W*H) to classify cells plus O(vertices) to trace;
// 4 bands of a 1000 x 1000 grid take about 15 ms on one core (see
// BenchmarkBands1000). See contour.go for the algorithm and where it departs
// from the textbook.
package isochrone
