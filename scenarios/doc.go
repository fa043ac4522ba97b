// Package scenarios describes alternative fast-road layouts as lists of
// edits on a base road graph, checks them, and applies them.
//
// A Study names a base and its Alternatives; each Alternative is a list of
// Edits applied on top of the base (never on top of another alternative).
// The edit kinds are add_road, upgrade, close, add_entrance, add_station,
// move_station and osm_construction; each is documented on its type, with the
// YAML key that selects it.
//
// Speed-only edits (upgrade without controlled access, close,
// osm_construction) produce a new weight slice over the base topology
// (graph.WithEdits) and rebuild nothing. Topology edits (add_road,
// add_entrance, a controlled-access upgrade) go through a graph.Builder
// seeded with the base and rebuild the graph once per alternative.
//
// Every edit reports what it matched and changed; an edit that matches
// nothing, a road that connects to nothing, an interchange farther than its
// tolerance from any road and contradicting edits are errors that name the
// alternative, the edit's index and the key (EditError).
//
// The package reads no files: the CLI decodes study files (YAML, unknown keys
// refused) into these types.
package scenarios
