package graph

import "sort"

// components computes strongly connected components with an iterative
// Tarjan over Out, ignoring closed (Inf) arcs, and numbers them by decreasing
// size so that component 0 is the largest. O(V+E), no recursion.
func (g *Graph) components() {
	n := len(g.NodeLon)
	const unvisited = -1
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	comp := make([]int32, n)
	for i := range index {
		index[i] = unvisited
	}
	var stack []int32
	type frame struct {
		v   int32
		arc uint32
	}
	var call []frame
	var next int32
	var sizes []int32
	for root := 0; root < n; root++ {
		if index[root] != unvisited {
			continue
		}
		call = append(call[:0], frame{int32(root), g.Out.First[root]})
		index[root], low[root] = next, next
		next++
		stack = append(stack, int32(root))
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			if f.arc < g.Out.First[v+1] {
				a := f.arc
				f.arc++
				if g.Out.Weight(a) == Inf {
					continue
				}
				w := g.Out.Head(a)
				if index[w] == unvisited {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, g.Out.First[w]})
				} else if onStack[w] && index[w] < low[v] {
					low[v] = index[w]
				}
				continue
			}
			if low[v] == index[v] {
				c := int32(len(sizes))
				var size int32
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = c
					size++
					if w == v {
						break
					}
				}
				sizes = append(sizes, size)
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				if low[v] < low[p] {
					low[p] = low[v]
				}
			}
		}
	}
	// Renumber by decreasing size, ties by first appearance.
	order := make([]int32, len(sizes))
	for i := range order {
		order[i] = int32(i)
	}
	sort.SliceStable(order, func(i, j int) bool { return sizes[order[i]] > sizes[order[j]] })
	rank := make([]int32, len(sizes))
	g.CompSize = make([]int32, len(sizes))
	for r, c := range order {
		rank[c] = int32(r)
		g.CompSize[r] = sizes[c]
	}
	for v := range comp {
		comp[v] = rank[comp[v]]
	}
	g.Component = comp
}
