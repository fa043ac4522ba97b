package graph

import "unsafe"

// MemoryBytes returns the bytes held by the graph's slices (not counting the
// packed arc words, the snapping index — read from a version 3 file, else
// built on first use — or string contents). After DecodeFile they may be
// a file mapping's pages rather than heap.
func (g *Graph) MemoryBytes() int64 {
	n := int64(0)
	add := func(l int, size uintptr) { n += int64(l) * int64(size) }
	add(len(g.NodeID), 8)
	add(len(g.NodeLon), 4)
	add(len(g.NodeLat), 4)
	add(len(g.Segments), unsafe.Sizeof(Segment{}))
	add(len(g.ShapeFirst), 4)
	add(len(g.ShapeLon), 4)
	add(len(g.ShapeLat), 4)
	for _, a := range []*Adjacency{&g.Out, &g.In} {
		add(len(a.First), 4)
		add(len(a.Head), 4)
		add(len(a.Weight), 4)
		add(len(a.Seg), 4)
	}
	add(len(g.SegArc), 4)
	add(len(g.Component), 4)
	add(len(g.CompSize), 4)
	for _, s := range g.Strings {
		n += int64(len(s)) + 16
	}
	return n
}
