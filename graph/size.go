package graph

import "unsafe"

// MemoryPart is one group of a graph's arrays and the bytes they hold.
type MemoryPart struct {
	Name  string
	Bytes int64
}

// MemoryParts returns the bytes held by the graph's arrays, by group:
//
//	nodes        source ids and positions (16 B a node)
//	components   the component of each node and the component sizes
//	segments     the segment records (48 B each) and a bit each: whether
//	             an arc of it is open (snapping)
//	shapes       shape offsets and the inner shape points
//	strings      names and refs: their bytes and a 16-byte header each
//	arc offsets  First of Out and In (4 B a node each)
//	arcs         per arc of Out and In: its word (head and weight, 8 B)
//	             and its segment key (4 B): 24 B an arc
//
// Not counted: the snapping index (read from a version 3 or 4 file, else
// built by the first snap) and the contraction hierarchy (CH.MemoryBytes).
// After DecodeFile the arrays may be a file mapping's pages rather than
// heap.
func (g *Graph) MemoryParts() []MemoryPart {
	b := func(l int, size uintptr) int64 { return int64(l) * int64(size) }
	str := int64(0)
	for _, s := range g.Strings {
		str += int64(len(s)) + 16
	}
	return []MemoryPart{
		{"nodes", b(len(g.NodeID), 8) + b(len(g.NodeLon), 4) + b(len(g.NodeLat), 4)},
		{"components", b(len(g.Component), 4) + b(len(g.CompSize), 4)},
		{"segments", b(len(g.Segments), unsafe.Sizeof(Segment{})) + b(len(g.open), 8)},
		{"shapes", b(len(g.ShapeFirst), 4) + b(len(g.ShapeLon), 4) + b(len(g.ShapeLat), 4)},
		{"strings", str},
		{"arc offsets", b(len(g.Out.First), 4) + b(len(g.In.First), 4)},
		{"arcs", b(len(g.Out.packed), 8) + b(len(g.Out.Seg), 4) + b(len(g.In.packed), 8) + b(len(g.In.Seg), 4)},
	}
}

// MemoryBytes returns the bytes held by the graph's arrays: the sum of
// MemoryParts.
func (g *Graph) MemoryBytes() int64 {
	n := int64(0)
	for _, p := range g.MemoryParts() {
		n += p.Bytes
	}
	return n
}
