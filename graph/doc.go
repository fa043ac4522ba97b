// Package graph is fastroad's routing core: a directed road graph in
// compressed-sparse-row form, its builder, its file format, a point snapping
// index, a one-to-many Dijkstra search with a reusable workspace, an OD matrix
// runner, strongly connected components and an adapter that lets gonum's
// algorithms run on the same graph.
//
// Units and invariants:
//   - Node and shape coordinates are WGS-84 degrees stored as int32 fixed
//     point (1e-7 degree, about 1 cm).
//   - Lengths are metres on the WGS-84 ellipsoid (Vincenty inverse per shape
//     segment), travel times are integer milliseconds (uint32). Unreachable
//     is Inf.
//   - A Segment is one piece of road between two graph nodes along one source
//     way; its geometry runs From -> To. Each direction that can be driven is
//     one arc in the forward CSR (Out) and one in the reverse CSR (In). An
//     arc is one word (head and weight, Adjacency.Head and Weight) and a
//     segment key; a segment's arc is found by Graph.SegArc. A graph holds
//     24 bytes an arc in its two adjacencies (MemoryParts).
//   - Weights live apart from topology: WithWeights returns a graph that
//     shares every slice except the weights, so a speed-only scenario does not
//     rebuild anything.
//
// The package imports no other fastroad package and reads no files or flags:
// callers pass readers, writers and typed values.
package graph
