package places

import (
	"cmp"
	"container/heap"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

// Entrance detection.
//
// An entry node is a graph node v with an open arc of an ordinary segment
// (Flags&graph.Controlled == 0) arriving at v and an open arc of a
// controlled segment leaving v: the start of an on-ramp (or of a two-way
// link), never the end of an off-ramp, whose controlled arc arrives at v. v
// must lie in the graph's main strongly connected component (or one of
// MinComponent nodes) and in a part of the ordinary network, taken without
// the controlled roads and without direction, with MinLandComponent nodes
// or the largest one: rest-area roads reached only from the expressway
// are not entrances. v must also lead into a piece of the controlled
// network with at least MinExpresswayKm of mainline (see stubs.go): a
// motorway-tagged bridge or short bypass is not an expressway.
//
// From each entry node a search along controlled arcs finds where its ramp
// meets a controlled mainline (a controlled class that is not a *_link),
// within maxRamp metres: its ref names the expressway. Entry nodes i and j
// are one interchange when they are within EntranceMergeAny metres of each
// other along the undirected ordinary network, or within EntranceMerge
// metres, their crossing roads share a name or ref, and their mainlines
// share a ref (or one is unknown); clusters are the connected components
// of that relation (union-find). Bounded Dijkstra by length from every entry
// node costs O(k log k) for the k nodes within EntranceMerge of it.
//
// Each cluster takes the nearest motorway_junction (on its mainline first)
// within JunctionDist of its entry points and ramp ends; clusters named from
// the same junction within EntranceMerge of each other are then one
// interchange (entries on different crossing roads). Which classes are
// controlled is the profile's choice (controlled_classes), so Chinese urban
// expressways tagged trunk can count. Entrances that end up with one name
// are told apart (uniqueNames in stubs.go).

const maxRamp = 5000.0 // metres searched along a ramp for its mainline

// entry is one entry node.
type entry struct {
	v        int32
	roads    []string // refs and names of the ordinary roads at v
	mainline string   // ref (or name) of the mainline its ramp joins, "" if none found
	merge    int32    // node where the ramp meets the mainline, -1 if none
}

// Entrances returns the expressway entrances of g, one per interchange,
// named from f's junctions and toll booths (f may be nil).
func Entrances(g *graph.Graph, f *osm.Features, opt Options) (out []Place, notes []string) {
	opt = opt.withDefaults()
	land := landComponents(g)
	pieces := controlledComponents(g)
	stubs := map[int32]int{} // root of a piece too short -> entry points dropped
	n := g.NumNodes()
	var es []entry
	unlanded := 0
	for v := int32(0); v < int32(n); v++ {
		if !isEntry(g, v) {
			continue
		}
		if c := g.Component[v]; c != 0 && !(opt.MinComponent > 0 && g.CompSize[c] >= opt.MinComponent) {
			continue
		}
		if !land.ok(v, opt.MinLandComponent) {
			unlanded++
			continue
		}
		if r := pieces.sets.find(v); pieces.km[r] < opt.MinExpresswayKm {
			stubs[r]++
			continue
		}
		e := entry{v: v, merge: -1}
		e.roads = ordinaryRoads(g, v)
		e.mainline, e.merge = findMainline(g, v)
		es = append(es, e)
	}
	if unlanded > 0 {
		notes = append(notes, fmt.Sprintf("ramp starts reached only from the expressway (rest areas, service roads), not entrances: %d", unlanded))
	}
	notes = append(notes, pieces.stubNotes(g, stubs, opt.MinExpresswayKm)...)
	nm := newNamer(g, f)
	var ics []*interchange
	for _, cl := range clusterEntries(g, es, opt) {
		ics = append(ics, newInterchange(g, es, cl, nm, opt))
	}
	var mainlines [][]string
	for _, ic := range mergeByJunction(ics, opt.EntranceMerge) {
		out = append(out, entrancePlace(g, es, ic, nm, opt))
		mainlines = append(mainlines, ic.mainlines)
	}
	uniqueNames(out, mainlines)
	Sort(out)
	return out, notes
}

// isEntry reports whether an ordinary arc arrives at v and a controlled arc
// leaves it.
func isEntry(g *graph.Graph, v int32) bool {
	controlledOut := false
	for a, end := g.Out.Arcs(v); a < end; a++ {
		if g.Out.Weight(a) != graph.Inf && g.Segments[g.Out.Seg[a]>>1].Flags&graph.Controlled != 0 {
			controlledOut = true
			break
		}
	}
	if !controlledOut {
		return false
	}
	for a, end := g.In.Arcs(v); a < end; a++ {
		if g.In.Weight(a) != graph.Inf && g.Segments[g.In.Seg[a]>>1].Flags&graph.Controlled == 0 {
			return true
		}
	}
	return false
}

// landParts are the connected pieces of the ordinary network, without direction.
type landParts struct {
	sets    *disjointSets
	largest int32
}

func landComponents(g *graph.Graph) *landParts {
	l := &landParts{sets: newDisjointSets(g.NumNodes())}
	for s := range g.Segments {
		seg := &g.Segments[s]
		if seg.Flags&graph.Controlled == 0 {
			l.sets.union(seg.From, seg.To)
		}
	}
	l.largest = -1
	for i := range l.sets.parent {
		if r := l.sets.find(int32(i)); l.largest < 0 || l.sets.size[r] > l.sets.size[l.largest] {
			l.largest = r
		}
	}
	return l
}

func (l *landParts) ok(v int32, minSize int) bool {
	r := l.sets.find(v)
	return r == l.largest || int(l.sets.size[r]) >= minSize
}

// incident calls fn for each open arc at v, in either direction, with the
// segment and the node at its other end.
func incident(g *graph.Graph, v int32, fn func(seg int32, other int32)) {
	for a, end := g.Out.Arcs(v); a < end; a++ {
		fn(int32(g.Out.Seg[a]>>1), g.Out.Head(a))
	}
	for a, end := g.In.Arcs(v); a < end; a++ {
		fn(int32(g.In.Seg[a]>>1), g.In.Head(a))
	}
}

// ordinaryRoads returns the distinct refs and names of the ordinary roads
// at v, refs first.
func ordinaryRoads(g *graph.Graph, v int32) []string {
	var refs, names []string
	incident(g, v, func(s, _ int32) {
		seg := &g.Segments[s]
		if seg.Flags&graph.Controlled != 0 {
			return
		}
		if r := g.String(seg.Ref); r != "" && !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
		if nm := g.String(seg.Name); nm != "" && !slices.Contains(names, nm) {
			names = append(names, nm)
		}
	})
	slices.Sort(refs)
	slices.Sort(names)
	return append(refs, names...)
}

func isLink(c graph.Class) bool { return strings.HasSuffix(c.String(), "_link") }

// mainlineRef returns the ref (else name) of a controlled mainline segment.
func mainlineRef(g *graph.Graph, s int32) string {
	seg := &g.Segments[s]
	return firstNonEmpty(g.String(seg.Ref), g.String(seg.Name))
}

// findMainline follows controlled arcs from v (shortest first, by length)
// until an arc of a controlled mainline leaves the node reached; it returns
// the mainline's ref and that node.
func findMainline(g *graph.Graph, v int32) (string, int32) {
	d := &lengthSearch{}
	var ref string
	merge := int32(-1)
	d.run(g, v, maxRamp, func(u int32) bool { // visit: stop when found
		for a, end := g.Out.Arcs(u); a < end; a++ {
			s := int32(g.Out.Seg[a] >> 1)
			seg := &g.Segments[s]
			if g.Out.Weight(a) != graph.Inf && seg.Flags&graph.Controlled != 0 && !isLink(seg.Class) {
				ref, merge = mainlineRef(g, s), u
				return true
			}
		}
		return false
	}, func(u int32, yield func(s, w int32)) { // expand: controlled arcs out of u
		for a, end := g.Out.Arcs(u); a < end; a++ {
			s := int32(g.Out.Seg[a] >> 1)
			if g.Out.Weight(a) != graph.Inf && g.Segments[s].Flags&graph.Controlled != 0 {
				yield(s, g.Out.Head(a))
			}
		}
	})
	return ref, merge
}

// lengthSearch is a small Dijkstra by segment length over a neighbourhood,
// with maps: detection runs it a few thousand times over a few hundred
// nodes each, so it is no hot loop.
type lengthSearch struct {
	dist map[int32]float64
	h    lsHeap
}

type lsItem struct {
	d float64
	v int32
}
type lsHeap []lsItem

func (h lsHeap) Len() int { return len(h) }
func (h lsHeap) Less(i, j int) bool {
	return h[i].d < h[j].d || h[i].d == h[j].d && h[i].v < h[j].v
}
func (h lsHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *lsHeap) Push(x any)   { *h = append(*h, x.(lsItem)) }
func (h *lsHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// run settles nodes from src in order of distance up to limit metres,
// calling visit on each (stop when it returns true) and expand to list the
// segments and neighbours to follow.
func (d *lengthSearch) run(g *graph.Graph, src int32, limit float64, visit func(v int32) bool, expand func(v int32, yield func(s, w int32))) {
	d.dist = map[int32]float64{src: 0}
	d.h = append(d.h[:0], lsItem{0, src})
	done := map[int32]bool{}
	for d.h.Len() > 0 {
		it := heap.Pop(&d.h).(lsItem)
		if done[it.v] {
			continue
		}
		done[it.v] = true
		if visit(it.v) {
			return
		}
		expand(it.v, func(s, w int32) {
			nd := it.d + g.Segments[s].Length
			if nd > limit {
				return
			}
			if old, ok := d.dist[w]; !ok || nd < old {
				d.dist[w] = nd
				heap.Push(&d.h, lsItem{nd, w})
			}
		})
	}
}

// clusterEntries groups entry indices into interchanges.
func clusterEntries(g *graph.Graph, es []entry, opt Options) [][]int {
	idx := make(map[int32]int, len(es))
	for i, e := range es {
		idx[e.v] = i
	}
	sets := newDisjointSets(len(es))
	ordinary := func(u int32, yield func(s, w int32)) {
		incident(g, u, func(s, w int32) {
			if g.Segments[s].Flags&graph.Controlled == 0 {
				yield(s, w)
			}
		})
	}
	var ls lengthSearch
	for i := range es {
		ls.run(g, es[i].v, opt.EntranceMerge, func(u int32) bool {
			j, ok := idx[u]
			if !ok || j == i {
				return false
			}
			d := ls.dist[u]
			if d <= opt.EntranceMergeAny || sharesRoad(es[i], es[j]) && sameMainline(es[i], es[j]) {
				sets.union(int32(i), int32(j))
			}
			return false
		}, ordinary)
	}
	return sets.groups()
}

func sharesRoad(a, b entry) bool {
	for _, r := range a.roads {
		if slices.Contains(b.roads, r) {
			return true
		}
	}
	return false
}

func sameMainline(a, b entry) bool {
	return a.mainline == "" || b.mainline == "" || a.mainline == b.mainline
}

// namer finds names for interchanges among junctions and toll booths.
type namer struct {
	junctions namedSet
	tolls     namedSet
}

// namedSet is a list of named nodes with a grid over it for nearest: a
// province has thousands of junctions, and every interchange asks.
type namedSet struct {
	l    []named
	dist float64            // the distance the grid was made for
	cell float64            // degrees, both axes
	grid map[[2]int][]int32 // cell -> indices into l, ascending
}

type named struct {
	ft        *osm.Feature
	p         graph.Point
	name, ref string
	mainlines []string // refs of the controlled mainlines at the node, if it is a graph node
}

func (x *named) key() string { return x.name + "|" + x.ref + "|" + strings.Join(x.mainlines, "/") }

func newNamer(g *graph.Graph, f *osm.Features) *namer {
	nm := &namer{}
	if f == nil {
		return nm
	}
	want := map[int64]int32{}
	for _, l := range [][]osm.Feature{f.Junctions, f.TollBooths} {
		for i := range l {
			want[l[i].ID] = -1
		}
	}
	for v, id := range g.NodeID {
		if _, ok := want[id]; ok {
			want[id] = int32(v)
		}
	}
	mk := func(ft *osm.Feature) named {
		x := named{ft: ft, p: graph.Point{Lon: ft.Lon, Lat: ft.Lat}}
		if v := want[ft.ID]; v >= 0 {
			incident(g, v, func(s, _ int32) {
				seg := &g.Segments[s]
				if seg.Flags&graph.Controlled != 0 && !isLink(seg.Class) {
					if r := mainlineRef(g, s); r != "" && !slices.Contains(x.mainlines, r) {
						x.mainlines = append(x.mainlines, r)
					}
				}
			})
		}
		return x
	}
	for i := range f.Junctions {
		ft := &f.Junctions[i]
		x := mk(ft)
		x.name = cleanName(ft.Tags["name"])
		if ft.Tags["noref"] != "yes" {
			x.ref = firstNonEmpty(validRef(ft.Tags["ref"]), validRef(ft.Tags["junction:ref"]))
		}
		if x.name != "" || x.ref != "" {
			nm.junctions.l = append(nm.junctions.l, x)
		}
	}
	for i := range f.TollBooths {
		ft := &f.TollBooths[i]
		x := mk(ft)
		x.name = cleanName(ft.Tags["name"])
		if x.name != "" {
			nm.tolls.l = append(nm.tolls.l, x)
		}
	}
	return nm
}

// validRef returns a motorway_junction ref worth showing, or "" for junk:
// values without a digit ("yes", "tiger", free text), with spaces, or
// longer than 12 bytes.
func validRef(s string) string {
	s = strings.Trim(strings.TrimSpace(s), ";")
	if s == "" || len(s) > 12 || strings.ContainsAny(s, " \t") || !strings.ContainsFunc(s, unicode.IsDigit) {
		return ""
	}
	return s
}

var junkNames = []string{"yes", "no", "none", "tiger", "unknown", "fixme", "toll", "toll booth", "exit"}

// cleanName returns a junction or toll booth name worth showing, or "":
// placeholders ("yes", "tiger", ...) and names of toll lanes ("High-Speed
// Toll Lane") are not place names.
func cleanName(s string) string {
	s = strings.TrimSpace(s)
	l := strings.ToLower(s)
	if slices.Contains(junkNames, l) || slices.Contains(strings.FieldsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) }), "lane") {
		return ""
	}
	return s
}

// nearest returns the entry of the set within dist metres of one of pts,
// preferring one on the interchange's mainlines and then the nearest (the
// first in the list of equals). Only the grid cells within dist of pts are
// looked at; the answer is that of a scan of the whole list.
func (ns *namedSet) nearest(pts []graph.Point, mainlines []string, dist float64) *named {
	if !(dist > 0) || math.IsInf(dist, 0) || len(ns.l) < 64 {
		return nearest(ns.l, nil, pts, mainlines, dist)
	}
	if ns.grid == nil || ns.dist != dist {
		ns.index(dist)
	}
	var cand []int32
	const ky0 = 111195.0 // as scale
	for _, p := range pts {
		dlat := dist/ky0 + 1e-9
		// metres uses the cosine at the pair's mid-latitude, at least that
		// of the farthest latitude within dlat.
		c := math.Cos(math.Min(math.Abs(p.Lat)+dlat, 89.9) * math.Pi / 180)
		dlon := dist/(ky0*c) + 1e-9
		x0, x1 := int(math.Floor((p.Lon-dlon)/ns.cell)), int(math.Floor((p.Lon+dlon)/ns.cell))
		y0, y1 := int(math.Floor((p.Lat-dlat)/ns.cell)), int(math.Floor((p.Lat+dlat)/ns.cell))
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				cand = append(cand, ns.grid[[2]int{x, y}]...)
			}
		}
	}
	if len(cand) == 0 {
		return nil
	}
	slices.Sort(cand)
	return nearest(ns.l, slices.Compact(cand), pts, mainlines, dist)
}

// index files the set's entries in square cells of dist metres of
// latitude.
func (ns *namedSet) index(dist float64) {
	ns.dist, ns.cell = dist, dist/111195.0
	ns.grid = map[[2]int][]int32{}
	for i := range ns.l {
		p := ns.l[i].p
		k := [2]int{int(math.Floor(p.Lon / ns.cell)), int(math.Floor(p.Lat / ns.cell))}
		ns.grid[k] = append(ns.grid[k], int32(i))
	}
}

// nearest is namedSet.nearest over the entries of l listed in only
// (ascending), or all of l when only is nil.
func nearest(l []named, only []int32, pts []graph.Point, mainlines []string, dist float64) *named {
	var best *named
	bestD, bestOn := math.Inf(1), false
	n := len(l)
	if only != nil {
		n = len(only)
	}
	for k := 0; k < n; k++ {
		i := k
		if only != nil {
			i = int(only[k])
		}
		x := &l[i]
		d := math.Inf(1)
		for _, p := range pts {
			d = math.Min(d, metres(p, x.p))
		}
		if d > dist {
			continue
		}
		on := false
		for _, m := range x.mainlines {
			if slices.Contains(mainlines, m) {
				on = true
			}
		}
		if on && !bestOn || on == bestOn && d < bestD {
			best, bestD, bestOn = x, d, on
		}
	}
	return best
}

// interchange is a cluster of entries with what names it.
type interchange struct {
	entries   []int
	pts, near []graph.Point // entry points; entry points and ramp ends
	mainlines []string
	roads     []string
	junction  *named
}

func newInterchange(g *graph.Graph, es []entry, cl []int, nm *namer, opt Options) *interchange {
	ic := &interchange{entries: cl}
	for _, i := range cl {
		p := g.Node(es[i].v)
		ic.pts = append(ic.pts, p)
		ic.near = append(ic.near, p)
		if es[i].merge >= 0 {
			ic.near = append(ic.near, g.Node(es[i].merge))
		}
		if m := es[i].mainline; m != "" && !slices.Contains(ic.mainlines, m) {
			ic.mainlines = append(ic.mainlines, m)
		}
		for _, r := range es[i].roads {
			if !slices.Contains(ic.roads, r) {
				ic.roads = append(ic.roads, r)
			}
		}
	}
	slices.Sort(ic.mainlines)
	ic.junction = nm.junctions.nearest(ic.near, ic.mainlines, opt.JunctionDist)
	return ic
}

// mergeByJunction joins interchanges named from the same motorway_junction
// (the same node, or the same name, ref and mainline) whose entry points
// come within dist metres of each other: entries of one interchange on
// different crossing roads.
func mergeByJunction(ics []*interchange, dist float64) []*interchange {
	var out []*interchange
	for _, ic := range ics {
		merged := false
		for _, o := range out {
			if ic.junction == nil || o.junction == nil || ic.junction.key() != o.junction.key() || minDist(ic.pts, o.pts) > dist {
				continue
			}
			o.entries = append(o.entries, ic.entries...)
			o.pts = append(o.pts, ic.pts...)
			o.near = append(o.near, ic.near...)
			for _, m := range ic.mainlines {
				if !slices.Contains(o.mainlines, m) {
					o.mainlines = append(o.mainlines, m)
				}
			}
			slices.Sort(o.mainlines)
			for _, r := range ic.roads {
				if !slices.Contains(o.roads, r) {
					o.roads = append(o.roads, r)
				}
			}
			merged = true
			break
		}
		if !merged {
			out = append(out, ic)
		}
	}
	return out
}

func minDist(a, b []graph.Point) float64 {
	d := math.Inf(1)
	for _, p := range a {
		for _, q := range b {
			d = math.Min(d, metres(p, q))
		}
	}
	return d
}

func entrancePlace(g *graph.Graph, es []entry, ic *interchange, nm *namer, opt Options) Place {
	// Representative: the entry nearest the cluster's mean, then lowest id.
	var mean graph.Point
	for _, i := range ic.entries {
		p := g.Node(es[i].v)
		mean.Lon += p.Lon / float64(len(ic.entries))
		mean.Lat += p.Lat / float64(len(ic.entries))
	}
	rep := ic.entries[0]
	for _, i := range ic.entries[1:] {
		di, dr := metres(g.Node(es[i].v), mean), metres(g.Node(es[rep].v), mean)
		if di < dr || di == dr && g.NodeID[es[i].v] < g.NodeID[es[rep].v] {
			rep = i
		}
	}
	pts := slices.Clone(ic.pts)
	slices.SortFunc(pts, func(a, b graph.Point) int { return cmp.Or(cmp.Compare(a.Lon, b.Lon), cmp.Compare(a.Lat, b.Lat)) })
	rp := g.Node(es[rep].v)
	p := Place{Kind: KindEntrance, ID: "entrance/" + strconv.FormatInt(g.NodeID[es[rep].v], 10),
		Lon: rp.Lon, Lat: rp.Lat, Entries: pts}
	onto := strings.Join(ic.mainlines, "/")
	if onto == "" {
		onto = "the controlled network"
	}
	// The crossing road: the first one that is not the mainline itself.
	road := ""
	for _, r := range ic.roads {
		if !slices.Contains(ic.mainlines, r) {
			road = r
			break
		}
	}
	if road == "" && len(ic.roads) > 0 {
		road = ic.roads[0]
	}
	from := strings.Join(ic.roads, ", ")
	if from == "" {
		from = "an unnamed road"
	}
	p.Source = fmt.Sprintf("graph: %d on-ramp start(s) from %s onto %s", len(ic.entries), from, onto)
	j := ic.junction
	switch t := nm.tolls.nearest(ic.near, nil, opt.JunctionDist); {
	case j != nil && j.name != "":
		p.Name = j.name
		if j.ref != "" {
			p.Name += " (exit " + j.ref + ")"
		}
		p.Source += fmt.Sprintf("; named from motorway_junction %s", j.ft.Ref())
	case j != nil:
		p.Name = "exit " + j.ref
		ml := ""
		for _, m := range j.mainlines {
			if slices.Contains(ic.mainlines, m) {
				ml = m
				break
			}
		}
		ml = firstNonEmpty(ml, firstOf(j.mainlines), firstOf(ic.mainlines))
		if ml != "" {
			p.Name = ml + " exit " + j.ref
		}
		p.Source += fmt.Sprintf("; named from motorway_junction %s ref %s", j.ft.Ref(), j.ref)
	case t != nil:
		p.Name = t.name
		p.Source += fmt.Sprintf("; named from toll booth %s", t.ft.Ref())
	default:
		switch {
		case len(ic.mainlines) > 0 && road != "":
			p.Name = onto + " at " + road
		case road != "":
			p.Name = "entrance at " + road
		default:
			p.Name = "unnamed entrance (node/" + strconv.FormatInt(g.NodeID[es[rep].v], 10) + ")"
		}
		p.Source += "; no junction or toll booth name nearby"
	}
	return p
}

func firstOf(ss []string) string {
	if len(ss) > 0 {
		return ss[0]
	}
	return ""
}
