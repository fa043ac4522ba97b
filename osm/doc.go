// Package osm reads OpenStreetMap extracts (.osm.pbf, .osm, .osm.gz,
// .osm.bz2) into a fastroad road graph, turning tags into road attributes
// through a speed Profile, and reads what else a study takes from the
// extract: the features place detection needs (ReadFeatures), the control
// areas derived from land use (ReadControlAreas) and the settlements the
// population surface spreads people over (boundaries with their areas,
// place nodes and areas, residential land use, building centroids).
//
// ReadExtract reads all of them at once, in at most three passes over a
// PBF file (relations, ways, nodes) and one over OSM XML; Read,
// ReadFeatures and ReadControlAreas are the same reader asked for one
// thing. Memory follows what is kept, not the file: each pass skips the
// other object types and runs the parts' filters inside paulmach/osm's
// parallel PBF decoder (FilterWay, FilterNode), ways are kept as node id
// lists until the node pass, and node coordinates are kept only for the
// nodes those ways use, in sorted flat slices.
//
// Roads: ways are split into pieces at nodes shared by two or more road
// ways (and at way ends), so graph nodes are junctions and dead ends, and
// the nodes in between become segment geometry. Clipped extracts, whose
// ways reference nodes the file does not hold, load: a way is cut where
// its nodes are missing, and the missing references and affected ways are
// counted in the graph's BuildStats. A node id that the extract holds twice
// at different coordinates is an error (DuplicateNodeError).
//
// Units: coordinates are WGS-84 degrees (lon, lat); areas square metres
// on an equal-area projection of the sphere of mean radius; populations
// people (ParsePopulation: 0..MaxPopulation).
//
// This package is the only one in fastroad that imports paulmach/osm; it
// reads no files itself: callers pass a function that opens the extract.
package osm
