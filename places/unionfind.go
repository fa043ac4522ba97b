package places

// disjointSets is a union-find over 0..n-1 with path halving and union by
// size, used to group stations, entry points and pieces of the road network.
type disjointSets struct {
	parent, size []int32
}

func newDisjointSets(n int) *disjointSets {
	d := &disjointSets{parent: make([]int32, n), size: make([]int32, n)}
	for i := range d.parent {
		d.parent[i] = int32(i)
		d.size[i] = 1
	}
	return d
}

func (d *disjointSets) find(i int32) int32 {
	for d.parent[i] != i {
		d.parent[i] = d.parent[d.parent[i]]
		i = d.parent[i]
	}
	return i
}

// union joins the sets of a and b and returns the new root.
func (d *disjointSets) union(a, b int32) int32 {
	a, b = d.find(a), d.find(b)
	if a == b {
		return a
	}
	if d.size[a] < d.size[b] {
		a, b = b, a
	}
	d.parent[b] = a
	d.size[a] += d.size[b]
	return a
}

// groups returns the members of every set, members ascending, sets in the
// order of their smallest member.
func (d *disjointSets) groups() [][]int {
	index := map[int32]int{}
	var out [][]int
	for i := range d.parent {
		r := d.find(int32(i))
		k, ok := index[r]
		if !ok {
			k = len(out)
			index[r] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}
