// Package controllines checks a road alignment against the four kinds of
// control line in a Chinese plan: red lines (道路红线, road reservations),
// purple lines (紫线, heritage), blue lines (蓝线, water bodies and
// waterways) and green lines (绿线, green space).
//
// A Layer holds one kind of control line from one source: Polygons (areas,
// with holes) and Lines (such as a river's centre line). Layers come from a
// planner's GeoJSON file (ReadGeoJSON) or, for purple, blue and green, are
// derived from an OpenStreetMap extract by package osm
// (osm.ReadControlAreas); red lines only ever come from the planner.
//
//	ReadGeoJSON(file, Blue, "blue.geojson") -> Layer ─┐
//	osm.ReadControlAreas(extract)           -> Layers ┴-> NewIndex(layers) -> Index.Check(road) -> Report
//
// Check measures, per kind, the length of road inside the polygons, the
// number of times it enters or leaves them, the points where it meets the
// lines, and the features it meets; KindReport.Conflict flags the hard
// conflicts (purple and blue: the road needs a bridge, a tunnel or a new
// alignment), AreaM2 is the green space taken for a given road width, and
// Share is the part of the road inside red-line reservations.
//
// # Units and conventions
//
// Positions are WGS-84 longitude, latitude in degrees (graph.Point); the
// antimeridian is not handled. Lengths are metres along the road, measured
// on the WGS-84 ellipsoid (graph.Distance) per road segment; areas are
// square metres. A road segment is the straight line between its vertices
// in longitude and latitude, as everywhere in fastroad.
//
// A polygon's inside is given by the even-odd rule over its rings (ring 0
// outer, the rest holes, for valid input). Its boundary is not inside: a
// road running along an edge of a polygon, or touching it at a vertex, is
// outside it and does not cross it, but the feature is reported as met.
// Points within 1e-6 m of a boundary are on it. Where polygons of one kind
// overlap, the kind's length counts the overlap once.
//
// # Speed
//
// NewIndex projects the layers once to metres (flat slices of vertices,
// edges in runs of 16 with bounding boxes, features in a uniform grid), so
// that each route segment only looks at the features and edges near it: a
// 50 km road against 5000 polygons takes about 0.3 ms (BenchmarkCheck),
// some 25 times less than testing every feature's box (BenchmarkCheckNoGrid).
package controllines
