package osm

// Control areas: the purple, blue and green control lines that an extract
// can stand in for when a planner has no file of them (red lines, road
// reservations, only come from the planner). One part of ReadExtract's
// passes (see extract.go), each keeping only what the areas need, so memory
// follows the kept areas, not the file:
//
//  1. relations: multipolygon and boundary relations with area tags, and the
//     ids of their member ways (roles outer, inner or empty);
//  2. ways: closed ways with area tags, waterway lines, and the member ways
//     pass 1 asked for, with their node references;
//  3. nodes: the coordinates of the nodes pass 2 kept.
//
// A relation's rings are assembled from its member ways whatever their
// roles say: ways are joined end to end at shared nodes (reversed where
// needed) until each ring closes, and rings are nested by containment
// (even depth: outer ring of a polygon; odd depth: a hole in the ring
// around it). A ring that does not close, because a member way or a node
// is missing from a clipped extract or the data is broken, is skipped and
// counted; a relation or way with no ring left is dropped and counted.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	posm "github.com/paulmach/osm"

	"github.com/fastroad/fastroad/controllines"
	"github.com/fastroad/fastroad/graph"
)

// AreaOptions configure ReadControlAreas.
type AreaOptions struct {
	// WaterwayLines are the waterway=* values read as blue lines (nil:
	// river and canal; streams, ditches and drains are too small to be a
	// control line).
	WaterwayLines []string
	// Procs is the number of PBF decoding goroutines (<= 0: GOMAXPROCS).
	Procs int
}

// AreaStats counts what ReadControlAreas kept and what clipped or broken
// input made it skip.
type AreaStats struct {
	Ways      int // closed ways kept as areas
	Relations int // multipolygon and boundary relations kept as areas
	Lines     int // waterway ways kept as lines
	// IncompleteRings counts rings that do not close, skipped: a member way
	// or node is missing (clipped extract) or the ways do not join up.
	IncompleteRings int
	MissingWays     int   // member ways of kept relations not in the extract
	MissingNodeRefs int64 // node references of kept ways not in the extract
	Dropped         int   // ways and relations with no complete ring or line part left
}

// ControlAreas are the control lines derived from an extract.
type ControlAreas struct {
	// Layers has a layer for Purple, Blue and Green, possibly empty; never
	// for Red. Each layer's Source says which tags it was derived from.
	Layers map[controllines.Kind]controllines.Layer
	Stats  AreaStats
}

// Tags read as control areas (closed ways, and multipolygon or boundary
// relations); "*" is any value but "no".
//
//   - blue: natural=water, waterway=riverbank, landuse=reservoir,
//     landuse=basin, water=*; and, as lines, waterway=river and
//     waterway=canal ways (AreaOptions.WaterwayLines).
//   - green: leisure=park, leisure=nature_reserve, landuse=forest,
//     natural=wood, landuse=recreation_ground, boundary=national_park, and
//     boundary=protected_area whose protect_class is a nature class (1-7,
//     97-99) or missing.
//   - purple: historic=*, heritage=* (tourism=attraction areas with a
//     historic tag included), and boundary=protected_area with
//     protect_class=22 (cultural assets). Historic sites mapped as single
//     nodes are not areas and are left out.
//
// A feature can be of several kinds (a historic park is purple and green).
// Sea (natural=coastline) and wetlands are not read.
const (
	blueSource   = "natural=water, waterway=riverbank, landuse=reservoir|basin, water=* (closed ways and multipolygons)"
	greenSource  = "leisure=park|nature_reserve, landuse=forest|recreation_ground, natural=wood, boundary=national_park, boundary=protected_area of a nature class (closed ways and multipolygons)"
	purpleSource = "historic=*, heritage=*, boundary=protected_area with protect_class=22 (closed ways and multipolygons; sites mapped as single nodes left out)"
)

// kindSet is a set of control line kinds, bit k for Kind k.
type kindSet uint8

func (s kindSet) has(k controllines.Kind) bool { return s&(1<<k) != 0 }

const (
	setPurple kindSet = 1 << controllines.Purple
	setBlue   kindSet = 1 << controllines.Blue
	setGreen  kindSet = 1 << controllines.Green
)

// areaKinds returns the kinds of control area tags mark (see the tag list
// above), without asking whether the object is an area.
func areaKinds(tags posm.Tags) kindSet {
	var s kindSet
	if len(tags) == 0 {
		return 0
	}
	set := func(k string) bool { v := tags.Find(k); return v != "" && v != "no" }
	switch tags.Find("natural") {
	case "water":
		s |= setBlue
	case "wood":
		s |= setGreen
	}
	if tags.Find("waterway") == "riverbank" || set("water") {
		s |= setBlue
	}
	switch tags.Find("landuse") {
	case "reservoir", "basin":
		s |= setBlue
	case "forest", "recreation_ground":
		s |= setGreen
	}
	switch tags.Find("leisure") {
	case "park", "nature_reserve":
		s |= setGreen
	}
	switch tags.Find("boundary") {
	case "national_park":
		s |= setGreen
	case "protected_area":
		pc := tags.Find("protect_class")
		if pc == "22" {
			s |= setPurple
		} else if n, err := strconv.Atoi(pc); pc == "" || err == nil && (n >= 1 && n <= 7 || n >= 97 && n <= 99) {
			s |= setGreen
		}
	}
	if set("historic") || set("heritage") {
		s |= setPurple
	}
	return s
}

// areaRel is a relation kept in pass 1.
type areaRel struct {
	id    int64
	kinds kindSet
	name  string
	ways  []int64 // member ways with role outer, inner or empty
	outer []int64 // those with role outer or empty
}

// areaWay is a way kept in pass 2.
type areaWay struct {
	id    int64
	nodes []int64
	kinds kindSet // as an area of its own (closed ways only)
	line  bool    // a waterway line
	name  string
}

// areaReader holds the state between the passes.
type areaReader struct {
	lines   map[string]bool // waterway values read as lines
	wl      []string        // the same, in the order given
	rels    []areaRel
	relWays []int64   // sorted member way ids of rels
	ways    []areaWay // sorted by id after pass 2
	nodes   nodeStore // coordinates of the nodes of ways

	out      ControlAreas
	skipped  [controllines.NumKinds]int // incomplete rings per kind
	polygons [controllines.NumKinds][]controllines.Polygon
	lineOut  []controllines.Line
}

// ReadControlAreas derives purple, blue and green control lines from the
// extract that open returns (see the tag list above): areas from closed
// ways and from multipolygon and boundary relations, and blue lines from
// waterway ways. Each feature's ID is "way/123" or "relation/45" and its
// Name the name tag (else name:zh, else name:en). Output is sorted: way
// areas by id, then relation areas by id.
func ReadControlAreas(ctx context.Context, open Opener, opt AreaOptions) (*ControlAreas, error) {
	ar := newAreaReader(opt)
	if err := readParts(ctx, open, opt.Procs, []consumer{ar}); err != nil {
		return nil, fmt.Errorf("read control areas: %w", err)
	}
	return ar.result(), nil
}

func newAreaReader(opt AreaOptions) *areaReader {
	ar := &areaReader{lines: map[string]bool{}}
	ar.wl = opt.WaterwayLines
	if ar.wl == nil {
		ar.wl = []string{"river", "canal"}
	}
	for _, v := range ar.wl {
		ar.lines[v] = true
	}
	return ar
}

func (ar *areaReader) result() *ControlAreas {
	ar.assemble()
	lineSource := ""
	if len(ar.wl) > 0 {
		lineSource = "; waterway=" + strings.Join(ar.wl, "|") + " as lines"
	}
	src := func(k controllines.Kind, s string) string {
		s = "derived from OSM: " + s
		if k == controllines.Blue {
			s += lineSource
		}
		if n := ar.skipped[k]; n > 0 {
			s += fmt.Sprintf("; %d incomplete rings skipped (areas cut by the extract's edge or broken)", n)
		}
		return s
	}
	ar.out.Layers = map[controllines.Kind]controllines.Layer{
		controllines.Purple: {Kind: controllines.Purple, Source: src(controllines.Purple, purpleSource), Polygons: ar.polygons[controllines.Purple]},
		controllines.Blue:   {Kind: controllines.Blue, Source: src(controllines.Blue, blueSource), Polygons: ar.polygons[controllines.Blue], Lines: ar.lineOut},
		controllines.Green:  {Kind: controllines.Green, Source: src(controllines.Green, greenSource), Polygons: ar.polygons[controllines.Green]},
	}
	return &ar.out
}

func (ar *areaReader) readsRelations() bool { return true }
func (ar *areaReader) node(*posm.Node)      {}
func (ar *areaReader) endNodes() error      { return nil }

// filterNode stores the coordinates of the kept ways' nodes.
func (ar *areaReader) filterNode(n *posm.Node) bool { ar.nodes.keep(n); return false }

func (ar *areaReader) wantRelation(rel *posm.Relation) bool {
	switch rel.Tags.Find("type") {
	case "multipolygon", "boundary":
		return areaKinds(rel.Tags) != 0
	}
	return false
}

func (ar *areaReader) relation(rel *posm.Relation) {
	r := areaRel{id: int64(rel.ID), kinds: areaKinds(rel.Tags), name: areaName(rel.Tags)}
	r.ways, r.outer = memberWays(rel)
	ar.rels = append(ar.rels, r)
	ar.relWays = append(ar.relWays, r.ways...)
}

// memberWays returns the sorted unique ids of a relation's member ways with
// role outer, inner or empty, and those with role outer or empty.
func memberWays(rel *posm.Relation) (ways, outer []int64) {
	for _, m := range rel.Members {
		if m.Type == posm.TypeWay && (m.Role == "outer" || m.Role == "inner" || m.Role == "") {
			ways = append(ways, m.Ref)
			if m.Role != "inner" {
				outer = append(outer, m.Ref)
			}
		}
	}
	slices.Sort(ways) // a way listed twice is used once
	return slices.Compact(ways), outer
}

func (ar *areaReader) endRelations() {
	slices.Sort(ar.relWays)
	ar.relWays = slices.Compact(ar.relWays)
}

func areaName(tags posm.Tags) string {
	for _, k := range []string{"name", "name:zh", "name:en"} {
		if v := tags.Find(k); v != "" {
			return v
		}
	}
	return ""
}

// areaClosed reports whether w is a closed way of at least 4 nodes.
func areaClosed(w *posm.Way) bool {
	n := len(w.Nodes)
	return n >= 4 && w.Nodes[0].ID == w.Nodes[n-1].ID
}

// wayUse tells what w is kept for: its own area kinds, a waterway line, a
// relation member. Read-only state: safe in the parallel decoders.
func (ar *areaReader) wayUse(w *posm.Way) (kinds kindSet, line, member bool) {
	if areaClosed(w) && w.Tags.Find("area") != "no" {
		kinds = areaKinds(w.Tags)
	}
	line = ar.lines[w.Tags.Find("waterway")] && len(w.Nodes) >= 2
	_, member = slices.BinarySearch(ar.relWays, int64(w.ID))
	return kinds, line, member
}

func (ar *areaReader) wantWay(w *posm.Way) bool {
	k, line, member := ar.wayUse(w)
	return k != 0 || line || member
}

func (ar *areaReader) way(w *posm.Way) {
	kinds, line, _ := ar.wayUse(w)
	aw := areaWay{id: int64(w.ID), nodes: nodeIDs(w), kinds: kinds, line: line}
	if kinds != 0 || line {
		aw.name = areaName(w.Tags)
	}
	ar.ways = append(ar.ways, aw)
}

// nodeIDs returns the node ids of w.
func nodeIDs(w *posm.Way) []int64 {
	ids := make([]int64, len(w.Nodes))
	for i, n := range w.Nodes {
		ids[i] = int64(n.ID)
	}
	return ids
}

func (ar *areaReader) endWays() {
	slices.SortFunc(ar.ways, func(a, b areaWay) int { return cmp.Compare(a.id, b.id) })
	ar.collectNeeded()
}

// collectNeeded lists the node ids of the kept ways.
func (ar *areaReader) collectNeeded() {
	n := 0
	for i := range ar.ways {
		n += len(ar.ways[i].nodes)
	}
	need := make([]int64, 0, n)
	for i := range ar.ways {
		need = append(need, ar.ways[i].nodes...)
	}
	ar.nodes = newNodeStore(need)
	ar.relWays = nil
}

// ring turns a closed list of node ids into a ring, or reports it
// incomplete.
func (ar *areaReader) ring(ids []int64) ([]graph.Point, bool) {
	r, missing, ok := ar.nodes.ring(ids)
	ar.out.Stats.MissingNodeRefs += int64(missing)
	return r, ok
}

func (ar *areaReader) wayByID(id int64) *areaWay {
	i, ok := slices.BinarySearchFunc(ar.ways, id, func(w areaWay, id int64) int { return cmp.Compare(w.id, id) })
	if !ok {
		return nil
	}
	return &ar.ways[i]
}

func (ar *areaReader) incomplete(kinds kindSet, n int) {
	ar.out.Stats.IncompleteRings += n
	for k := range controllines.Kind(controllines.NumKinds) {
		if kinds.has(k) {
			ar.skipped[k] += n
		}
	}
}

func (ar *areaReader) emit(kinds kindSet, ps []controllines.Polygon) {
	for k := range controllines.Kind(controllines.NumKinds) {
		if kinds.has(k) {
			ar.polygons[k] = append(ar.polygons[k], ps...)
		}
	}
}

func (ar *areaReader) assemble() {
	st := &ar.out.Stats
	// Relations first, to know which closed ways are outer rings of a kept
	// relation of the same kinds: old-style multipolygons tag both, and the
	// way's own polygon would repeat the relation's ring.
	var wayPolys [controllines.NumKinds][]controllines.Polygon
	relPolys := ar.polygons
	ar.polygons = wayPolys
	outerOf := map[int64]kindSet{}
	slices.SortFunc(ar.rels, func(a, b areaRel) int { return cmp.Compare(a.id, b.id) })
	for _, rel := range ar.rels {
		var segs [][]int64
		for _, id := range rel.ways {
			w := ar.wayByID(id)
			if w == nil {
				st.MissingWays++
				continue
			}
			segs = append(segs, w.nodes)
		}
		idRings, broken := joinRings(segs)
		var rings [][]graph.Point
		for _, ids := range idRings {
			if r, ok := ar.ring(ids); ok {
				rings = append(rings, r)
			} else {
				broken++
			}
		}
		ar.incomplete(rel.kinds, broken)
		ps := nestRings(rings)
		if len(ps) == 0 {
			st.Dropped++
			continue
		}
		ref := "relation/" + strconv.FormatInt(rel.id, 10)
		for i := range ps {
			ps[i].ID, ps[i].Name = ref, rel.name
		}
		ar.emit(rel.kinds, ps)
		st.Relations++
		for _, id := range rel.outer {
			outerOf[id] |= rel.kinds
		}
	}
	relPolys, ar.polygons = ar.polygons, relPolys
	for i := range ar.ways {
		w := &ar.ways[i]
		ref := "way/" + strconv.FormatInt(w.id, 10)
		if k := w.kinds &^ outerOf[w.id]; k != 0 {
			if r, ok := ar.ring(w.nodes); ok {
				ar.emit(k, []controllines.Polygon{{ID: ref, Name: w.name, Rings: [][]graph.Point{r}}})
				st.Ways++
			} else {
				ar.incomplete(k, 1)
				st.Dropped++
			}
		}
		if w.line {
			// Parts are runs of nodes present in the extract.
			var part []graph.Point
			parts := 0
			flush := func() {
				if len(part) >= 2 {
					ar.lineOut = append(ar.lineOut, controllines.Line{ID: ref, Name: w.name, Points: part})
					parts++
				}
				part = nil
			}
			for k, id := range w.nodes {
				if k > 0 && id == w.nodes[k-1] {
					continue
				}
				p, ok := ar.nodes.at(id)
				if !ok {
					st.MissingNodeRefs++
					flush()
					continue
				}
				part = append(part, p)
			}
			flush()
			if parts > 0 {
				st.Lines++
			} else {
				st.Dropped++
			}
		}
	}
	for k := range ar.polygons {
		ar.polygons[k] = append(ar.polygons[k], relPolys[k]...)
	}
	ar.rels, ar.ways, ar.nodes = nil, nil, nodeStore{}
}

// joinRings joins ways (node id lists) end to end into closed rings,
// reversing ways where needed, and counts the chains that do not close.
// A way that is closed already is a ring of its own.
func joinRings(segs [][]int64) (rings [][]int64, incomplete int) {
	used := make([]bool, len(segs))
	ends := map[int64][]int{}
	for i, s := range segs {
		switch {
		case len(s) < 2:
			used[i] = true
		case s[0] == s[len(s)-1]:
			used[i] = true
			if len(s) >= 4 {
				rings = append(rings, s)
			} else {
				incomplete++
			}
		default:
			ends[s[0]] = append(ends[s[0]], i)
			ends[s[len(s)-1]] = append(ends[s[len(s)-1]], i)
		}
	}
	extend := func(cur []int64) []int64 {
		for cur[0] != cur[len(cur)-1] {
			end, next := cur[len(cur)-1], -1
			for _, j := range ends[end] {
				if !used[j] {
					next = j
					break
				}
			}
			if next < 0 {
				break
			}
			used[next] = true
			s := segs[next]
			if s[0] == end {
				cur = append(cur, s[1:]...)
			} else {
				for k := len(s) - 2; k >= 0; k-- {
					cur = append(cur, s[k])
				}
			}
		}
		return cur
	}
	for i, s := range segs {
		if used[i] {
			continue
		}
		used[i] = true
		cur := extend(slices.Clone(s))
		if cur[0] != cur[len(cur)-1] {
			// Stuck at the end: try growing from the start too, so one
			// broken ring counts once.
			slices.Reverse(cur)
			cur = extend(cur)
		}
		if cur[0] == cur[len(cur)-1] && len(cur) >= 4 {
			rings = append(rings, cur)
		} else {
			incomplete++
		}
	}
	return rings, incomplete
}

// nestRings makes polygons from a multipolygon's rings: a ring inside an
// even number of the others is an outer ring, one inside an odd number a
// hole of the innermost ring around it.
func nestRings(rings [][]graph.Point) []controllines.Polygon {
	type bbox struct{ x0, y0, x1, y1 float64 }
	boxes := make([]bbox, len(rings))
	for i, r := range rings {
		b := bbox{r[0].Lon, r[0].Lat, r[0].Lon, r[0].Lat}
		for _, q := range r {
			b.x0, b.y0 = min(b.x0, q.Lon), min(b.y0, q.Lat)
			b.x1, b.y1 = max(b.x1, q.Lon), max(b.y1, q.Lat)
		}
		boxes[i] = b
	}
	depth := make([]int, len(rings))
	around := make([][]int, len(rings)) // rings containing ring i
	for i, r := range rings {
		if len(rings) == 1 {
			break
		}
		// The midpoint of an edge: rings may share nodes, not edges.
		probe := graph.Point{Lon: (r[0].Lon + r[1].Lon) / 2, Lat: (r[0].Lat + r[1].Lat) / 2}
		for j, o := range rings {
			bi, bj := boxes[i], boxes[j]
			if j == i || bi.x0 < bj.x0 || bi.y0 < bj.y0 || bi.x1 > bj.x1 || bi.y1 > bj.y1 {
				continue
			}
			if inRing(probe, o) {
				around[i] = append(around[i], j)
			}
		}
		depth[i] = len(around[i])
	}
	var out []controllines.Polygon
	index := make([]int, len(rings)) // polygon of an outer ring
	order := make([]int, len(rings))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(depth[a], depth[b]) })
	for _, i := range order {
		if depth[i]%2 == 0 {
			index[i] = len(out)
			out = append(out, controllines.Polygon{Rings: [][]graph.Point{rings[i]}})
		}
	}
	for i, r := range rings {
		if depth[i]%2 == 0 {
			continue
		}
		parent := -1
		for _, j := range around[i] {
			if depth[j]%2 == 0 && (parent < 0 || depth[j] > depth[parent]) {
				parent = j
			}
		}
		if parent >= 0 {
			p := &out[index[parent]]
			p.Rings = append(p.Rings, r)
		}
	}
	return out
}

// inRing is the even-odd point in ring test in longitude and latitude.
func inRing(p graph.Point, r []graph.Point) bool {
	in := false
	for i := 1; i < len(r); i++ {
		a, b := r[i-1], r[i]
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) && p.Lon < a.Lon+(p.Lat-a.Lat)*(b.Lon-a.Lon)/(b.Lat-a.Lat) {
			in = !in
		}
	}
	return in
}
