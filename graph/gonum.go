package graph

import (
	gg "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// Gonum views a Graph as a gonum graph.WeightedDirected so that gonum's
// algorithms (path.DijkstraFrom, topo.TarjanSCC) run on the same data; it is
// meant for checking, not for speed. Node ids are node indices; the weight
// between two nodes is the smallest open arc weight in milliseconds (parallel
// arcs collapse, as gonum graphs are simple).
type Gonum struct {
	G   *Graph
	Dir Direction // Inbound views the reverse graph
}

var _ gg.WeightedDirected = Gonum{}

func (n Gonum) adj() *Adjacency {
	if n.Dir == Inbound {
		return &n.G.In
	}
	return &n.G.Out
}

// Node implements graph.Graph.
func (n Gonum) Node(id int64) gg.Node {
	if id < 0 || id >= int64(n.G.NumNodes()) {
		return nil
	}
	return simple.Node(id)
}

// Nodes implements graph.Graph.
func (n Gonum) Nodes() gg.Nodes {
	ns := make([]gg.Node, n.G.NumNodes())
	for i := range ns {
		ns[i] = simple.Node(i)
	}
	return iterator.NewOrderedNodes(ns)
}

// From implements graph.Graph.
func (n Gonum) From(id int64) gg.Nodes {
	if n.Node(id) == nil {
		return gg.Empty
	}
	a := n.adj()
	seen := map[int32]bool{}
	var ns []gg.Node
	for i, end := a.Arcs(int32(id)); i < end; i++ {
		h := a.Head(i)
		if a.Weight(i) == Inf || seen[h] {
			continue
		}
		seen[h] = true
		ns = append(ns, simple.Node(h))
	}
	if len(ns) == 0 {
		return gg.Empty
	}
	return iterator.NewOrderedNodes(ns)
}

// To implements graph.Directed.
func (n Gonum) To(id int64) gg.Nodes {
	return Gonum{G: n.G, Dir: 1 - n.Dir}.From(id)
}

// HasEdgeBetween implements graph.Graph.
func (n Gonum) HasEdgeBetween(x, y int64) bool { return n.HasEdgeFromTo(x, y) || n.HasEdgeFromTo(y, x) }

// HasEdgeFromTo implements graph.Directed.
func (n Gonum) HasEdgeFromTo(u, v int64) bool {
	_, ok := n.Weight(u, v)
	return ok && u != v
}

// Edge implements graph.Graph.
func (n Gonum) Edge(u, v int64) gg.Edge { return n.WeightedEdge(u, v) }

// WeightedEdge implements graph.Weighted.
func (n Gonum) WeightedEdge(u, v int64) gg.WeightedEdge {
	if u == v {
		return nil
	}
	w, ok := n.Weight(u, v)
	if !ok {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: w}
}

// Weight implements graph.Weighted: the smallest open arc weight from x to y.
func (n Gonum) Weight(x, y int64) (float64, bool) {
	if x == y {
		return 0, true
	}
	if n.Node(x) == nil || n.Node(y) == nil {
		return 0, false
	}
	a := n.adj()
	best := uint32(Inf)
	for i, end := a.Arcs(int32(x)); i < end; i++ {
		if int64(a.Head(i)) == y && a.Weight(i) < best {
			best = a.Weight(i)
		}
	}
	if best == Inf {
		return 0, false
	}
	return float64(best), true
}
