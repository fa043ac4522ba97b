// Package mosaic writes benchmark extracts at province and national scale
// from a real one: an N x N mosaic of copies of an OSM PBF extract, each
// shifted in longitude and latitude with new node, way and relation ids,
// joined by seam roads so the mosaic is one road network, written as OSM
// PBF (a minimal writer of its own: no maintained Go module writes PBF).
//
// Units: shifts in degrees (WGS-84); coordinates are kept in 1e-7 degrees
// (the PBF granularity 100 nanodegrees), so a copy's positions are the
// source's exactly plus the shift. Invariants: copy 0 keeps the source's
// ids; node ids are sorted through the file (nodes, then ways, then
// relations, as osmium writes); every way reference names a node of the
// same copy, except the seam roads, which join two neighbouring copies.
//
// Distances in a copy shifted north shrink with the cosine of latitude,
// so travel times differ a little from the source's: the mosaic measures
// scale, not a place.
package mosaic
