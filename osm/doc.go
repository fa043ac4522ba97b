// Package osm reads OpenStreetMap extracts (.osm.pbf, .osm, .osm.gz,
// .osm.bz2) into a fastroad road graph, turning tags into road attributes
// through a speed Profile.
//
// Reading takes two passes over the extract so that memory follows the road
// network, not the file: pass one keeps only ways whose highway class the
// profile routes (for PBF, paulmach/osm's FilterWay drops the rest inside the
// parallel decoder) and records their node references; pass two keeps only
// the coordinates of those nodes. Ways are split into pieces at nodes shared
// by two or more road ways (and at way ends), so graph nodes are junctions
// and dead ends, and the nodes in between become segment geometry.
//
// Clipped extracts, whose ways reference nodes the file does not hold, load:
// a way is cut where its nodes are missing, and the missing references and
// affected ways are counted in the graph's BuildStats.
//
// This package is the only one in fastroad that imports paulmach/osm; it
// reads no files itself: callers pass a function that opens the extract.
package osm
