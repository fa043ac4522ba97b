package graph

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"unicode/utf8"
)

// Piece is one road piece handed to the Builder: a run of a way between two
// nodes where the road network branches (or the way ends).
type Piece struct {
	WayID      int64
	Name, Ref  string
	Class      Class
	Controlled bool    // expressway mainline or ramp: no access to land beside it
	Added      bool    // added by a scenario
	Planned    bool    // under construction or proposed: added closed (Planned|Closed)
	FromKey    int64   // node key of Coords[0] (OSM node id; negative for new nodes)
	ToKey      int64   // node key of Coords[len-1]
	Coords     []Point // full geometry, at least two points
	SpeedFwd   float64 // km/h along Coords; 0 = closed in that direction
	SpeedBwd   float64 // km/h against Coords; 0 = closed
	// MinLength, when larger than the geometry's length, is used instead
	// (a scenario ramp drawn as a point still takes its ramp time).
	MinLength float64
	// Length, when > 0, is the geometry's length as the caller measured it
	// already: Distance summed over consecutive Coords, first to last (a
	// reader measures on several cores). 0: the builder measures.
	Length float64
}

// Measure returns the length in metres of a line: Distance summed over
// consecutive points, first to last.
func Measure(pts []Point) float64 {
	length := 0.0
	for i := 1; i < len(pts); i++ {
		length += Distance(pts[i-1], pts[i])
	}
	return length
}

// ErrEmpty is returned by Build when no piece can be driven.
var ErrEmpty = errors.New("no routable road: the graph would be empty")

// Builder collects pieces and builds a Graph. The zero value is not usable;
// call NewBuilder.
type Builder struct {
	g *Graph
	// nodeIdx maps node keys to nodes for Add; made on first use from
	// NodeID, so a reader that numbers its own nodes (AddNode, AddAt)
	// never holds a map of every node.
	nodeIdx map[int64]int32
	// A builder started from a graph (NewBuilderFrom) makes no map of the
	// graph's keys unless asked for a key it cannot place: known maps the
	// keys of the nodes added since and of the graph's nodes whose keys it
	// handed out (Split at an end, Detach's keep), and a key below
	// baseMinKey (the least of the graph's keys) is no node of the graph.
	// A scenario edit asks only for such keys: each alternative saves a
	// map of every node (a second or two and hundreds of megabytes on a
	// province).
	known      map[int64]int32
	baseMinKey int64
	strIdx     map[string]uint32
	Stats      BuildStats

	lastKey int64 // last key handed out by NewKey
	// The inner shape points of segment s in ShapeLon/Lat: while every
	// segment's run follows the one before (pieces added in order), the
	// runs are first[s]..first[s+1] and ranges is nil; the first edit that
	// moves a run makes ranges (start, end per segment), and Build compacts.
	first  []uint32
	ranges [][2]uint32

	// Nearest looks up the segments of the graph the builder started from
	// (NewBuilderFrom) in that graph's snapping index: base is the index,
	// baseSegs the segments it covers, moved those whose geometry an edit
	// has changed since (looked at one by one, as added segments are).
	base     *snapIndex
	baseSegs int32
	moved    map[int32]bool

	// incident lists the segments at each node for Incident; nil once a
	// segment is added or its ends change.
	incident *incidence
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{
		g:      &Graph{Strings: []string{""}},
		strIdx: map[string]uint32{"": 0},
		first:  []uint32{0},
	}
}

// keys returns the key map, making it from the nodes added so far on
// first use.
func (b *Builder) keys() map[int64]int32 {
	if b.nodeIdx == nil {
		b.nodeIdx = make(map[int64]int32, len(b.g.NodeID))
		for i, id := range b.g.NodeID {
			b.nodeIdx[id] = int32(i)
		}
	}
	return b.nodeIdx
}

// lookup returns the node of key: through known when the builder keeps it
// and can decide there, else through the key map (made on first use).
func (b *Builder) lookup(key int64) (int32, bool) {
	if b.nodeIdx == nil && b.known != nil {
		if i, ok := b.known[key]; ok {
			return i, true
		}
		if key < b.baseMinKey {
			return 0, false // neither added since nor a node of the graph
		}
	}
	i, ok := b.keys()[key]
	return i, ok
}

// handOut returns the key of node v and remembers it, so that a later
// lookup of the key needs no key map.
func (b *Builder) handOut(v int32) int64 {
	key := b.g.NodeID[v]
	if b.nodeIdx == nil && b.known != nil {
		b.known[key] = v
	}
	return key
}

// NewBuilderFrom returns a builder that starts with every node and segment of
// g, with their current speeds, so that pieces can be added to it (scenario
// topology edits). Keys of g's nodes are their NodeID.
func NewBuilderFrom(g *Graph) *Builder {
	b := NewBuilder()
	b.g.NodeID = append([]int64(nil), g.NodeID...)
	b.known, b.baseMinKey = map[int64]int32{}, math.MaxInt64
	if len(g.NodeID) > 0 {
		b.baseMinKey = slices.Min(g.NodeID)
	}
	b.g.NodeLon = append([]int32(nil), g.NodeLon...)
	b.g.NodeLat = append([]int32(nil), g.NodeLat...)
	b.g.Strings = append([]string(nil), g.Strings...)
	for i, s := range b.g.Strings {
		b.strIdx[s] = uint32(i)
	}
	b.g.Segments = append([]Segment(nil), g.Segments...)
	b.first = append([]uint32(nil), g.ShapeFirst...)
	b.base, b.baseSegs, b.moved = g.index(), int32(len(g.Segments)), map[int32]bool{}
	b.g.ShapeLon = append([]int32(nil), g.ShapeLon...)
	b.g.ShapeLat = append([]int32(nil), g.ShapeLat...)
	b.g.Meta = g.Meta
	b.Stats = g.Meta.Stats
	return b
}

func (b *Builder) node(key int64, p Point) int32 {
	if i, ok := b.lookup(key); ok {
		return i
	}
	return b.AddNode(key, p)
}

// AddNode appends a node with key and position p and returns its index.
// The key is not looked up: the caller promises it is new. A reader that
// numbers its own nodes adds them so and names the ends of its pieces by
// index (AddAt), and the builder keeps no map from keys to nodes; Add,
// NodeIndex and Nearest still find nodes added this way.
func (b *Builder) AddNode(key int64, p Point) int32 {
	i := int32(len(b.g.NodeLon))
	if b.nodeIdx != nil {
		b.nodeIdx[key] = i
	} else if b.known != nil {
		b.known[key] = i
	}
	b.g.NodeID = append(b.g.NodeID, key)
	b.g.NodeLon = append(b.g.NodeLon, toE7(p.Lon))
	b.g.NodeLat = append(b.g.NodeLat, toE7(p.Lat))
	return i
}

// Grow reserves room for about nodes more nodes, segments more segments
// and shape more shape points, so that a builder fed a large extract
// allocates its slices and key map once instead of doubling them (a
// capacity hint: more can still be added).
func (b *Builder) Grow(nodes, segments, shape int) {
	g := b.g
	if nodes > 0 {
		g.NodeID = slices.Grow(g.NodeID, nodes)
		g.NodeLon = slices.Grow(g.NodeLon, nodes)
		g.NodeLat = slices.Grow(g.NodeLat, nodes)
	}
	if segments > 0 {
		g.Segments = slices.Grow(g.Segments, segments)
		b.first = slices.Grow(b.first, segments+1)
	}
	if shape > 0 {
		g.ShapeLon = slices.Grow(g.ShapeLon, shape)
		g.ShapeLat = slices.Grow(g.ShapeLat, shape)
	}
}

// NodeIndex returns the node of a key added so far.
func (b *Builder) NodeIndex(key int64) (int32, bool) {
	return b.lookup(key)
}

func (b *Builder) str(s string) uint32 {
	s = clipString(s)
	if i, ok := b.strIdx[s]; ok {
		return i
	}
	i := uint32(len(b.g.Strings))
	b.g.Strings = append(b.g.Strings, s)
	b.strIdx[s] = i
	return i
}

// Add adds a piece; its ends are the nodes of FromKey and ToKey, added at
// the piece's first and last point when new. Pieces with no open direction
// are rejected.
func (b *Builder) Add(p Piece) error {
	if err := p.check(); err != nil {
		return err
	}
	n := len(p.Coords)
	b.add(b.node(p.FromKey, p.Coords[0]), b.node(p.ToKey, p.Coords[n-1]), &p)
	return nil
}

// AddAt adds a piece whose ends are the nodes from and to (indices that
// AddNode returned; FromKey and ToKey are ignored). The nodes' positions
// are not compared with the piece's ends.
func (b *Builder) AddAt(from, to int32, p Piece) error {
	if err := p.check(); err != nil {
		return err
	}
	if n := int32(len(b.g.NodeLon)); from < 0 || from >= n || to < 0 || to >= n {
		return fmt.Errorf("way %d: piece ends %d, %d: nodes are 0..%d", p.WayID, from, to, n-1)
	}
	b.add(from, to, &p)
	return nil
}

func (p *Piece) check() error {
	if len(p.Coords) < 2 {
		return fmt.Errorf("way %d: piece has %d points, need at least 2", p.WayID, len(p.Coords))
	}
	if !(p.SpeedFwd > 0) && !(p.SpeedBwd > 0) {
		return fmt.Errorf("way %d: piece has no open direction", p.WayID)
	}
	for _, c := range p.Coords {
		if !(c.Lon >= -180 && c.Lon <= 180 && c.Lat >= -90 && c.Lat <= 90) {
			return fmt.Errorf("way %d: coordinate %v out of range", p.WayID, c)
		}
	}
	if math.IsInf(p.SpeedFwd, 0) || math.IsInf(p.SpeedBwd, 0) {
		return fmt.Errorf("way %d: infinite speed", p.WayID)
	}
	if math.IsInf(p.Length, 0) {
		return fmt.Errorf("way %d: infinite length", p.WayID)
	}
	return nil
}

func (b *Builder) add(from, to int32, p *Piece) {
	b.incident = nil
	length := p.Length
	if !(length > 0) {
		length = Measure(p.Coords)
	}
	length = max(length, p.MinLength)
	b.addRange(b.appendShape(p.Coords))
	var flags uint8
	if p.SpeedFwd > 0 {
		flags |= Forward
	}
	if p.SpeedBwd > 0 {
		flags |= Backward
	}
	if p.Controlled {
		flags |= Controlled
	}
	if p.Added {
		flags |= Added
	}
	if p.Planned {
		flags |= Planned | Closed
	}
	b.g.Segments = append(b.g.Segments, Segment{
		From: from, To: to, Length: length, WayID: p.WayID,
		Name: b.str(p.Name), Ref: b.str(p.Ref),
		SpeedFwd: float32(max(p.SpeedFwd, 0)), SpeedBwd: float32(max(p.SpeedBwd, 0)),
		Class: p.Class, Flags: flags,
	})
}

// Build finishes the graph: arcs in CSR form, reverse arcs, components.
// The builder must not be used afterwards.
func (b *Builder) Build() (*Graph, error) {
	b.nodeIdx, b.known, b.strIdx = nil, nil, nil // not needed by Build: free them first
	b.compactShapes()
	g := b.g
	b.g = nil
	g.Meta.Stats = b.Stats
	if len(g.Segments) == 0 {
		return nil, ErrEmpty
	}
	if len(g.NodeLon) >= math.MaxInt32 || len(g.Segments) >= math.MaxInt32/2 {
		return nil, fmt.Errorf("graph too large: %d nodes, %d segments", len(g.NodeLon), len(g.Segments))
	}
	g.renumber()
	// The snapping index reads only nodes, segments and shapes: made
	// before the arcs, the largest builds hold one of the two at a time
	// beside the rest (a graph file stores it; snapping needs it). A
	// builder started from a graph derives it from that graph's index.
	if b.base != nil {
		g.snap = deriveSnapIndex(g, b.base, b.baseSegs, b.moved)
	}
	if g.snap == nil {
		g.snap = buildSnapIndex(g)
	}
	g.buildOut()
	g.finish()
	return g, nil
}

// deriveSnapIndex returns the snapping index of g, built from a graph whose
// index is base and whose first baseSegs segments g keeps, in order and
// with their geometry, except the segments in moved: base's entries of the
// kept segments, and those of the moved and added ones filed into base's
// grid. It is the index a scan of g over base's grid makes (pieces in
// segment order within each cell), made in one pass over base's entries
// instead of a walk of every segment's geometry; snapping finds the same
// nearest piece on any grid. It returns nil when a moved or added segment
// leaves base's grid (buildSnapIndex then makes a grid that holds it).
func deriveSnapIndex(g *Graph, base *snapIndex, baseSegs int32, moved map[int32]bool) *snapIndex {
	if int(baseSegs) > len(g.Segments) {
		return nil
	}
	ix := &snapIndex{minLon: base.minLon, minLat: base.minLat, cell: base.cell, w: base.w, h: base.h}
	inGrid := func(lon, lat int32) bool {
		x, y := (fromE7(lon)-ix.minLon)/ix.cell, (fromE7(lat)-ix.minLat)/ix.cell
		return x >= 0 && y >= 0 && int(x) < ix.w && int(y) < ix.h
	}
	changed := make([]int32, 0, len(moved)+len(g.Segments)-int(baseSegs))
	for s := range moved {
		changed = append(changed, s)
	}
	slices.Sort(changed)
	for s := baseSegs; s < int32(len(g.Segments)); s++ {
		changed = append(changed, s)
	}
	gone := make([]uint64, (int(baseSegs)+63)/64) // moved segments: base's entries dropped
	for _, s := range changed {
		if s < baseSegs {
			gone[s>>6] |= 1 << (s & 63)
		}
		seg := &g.Segments[s]
		if !inGrid(g.NodeLon[seg.From], g.NodeLat[seg.From]) || !inGrid(g.NodeLon[seg.To], g.NodeLat[seg.To]) {
			return nil
		}
		for i := g.ShapeFirst[s]; i < g.ShapeFirst[s+1]; i++ {
			if !inGrid(g.ShapeLon[i], g.ShapeLat[i]) {
				return nil
			}
		}
	}
	kept := func(e uint32) bool {
		s := base.seg[e]
		return s >= 0 && s < baseSegs && gone[s>>6]&(1<<(s&63)) == 0
	}
	// Count each cell's entries, kept and added, then turn the counts into
	// the cells' starts.
	cells := ix.w * ix.h
	next := make([]uint32, cells+1)
	for c := range cells {
		if len(moved) == 0 {
			next[c] = base.first[c+1] - base.first[c]
			continue
		}
		for e := base.first[c]; e < base.first[c+1]; e++ {
			if kept(e) {
				next[c]++
			}
		}
	}
	for _, s := range changed {
		ix.scan(g, int(s), int(s)+1, next, nil)
	}
	at := uint32(0)
	for c := range cells {
		n := next[c]
		next[c] = at
		at += n
	}
	ix.seg = make([]int32, at)
	ix.piece = make([]uint32, at)
	// The kept entries first, then the changed segments' pieces after
	// them; next ends as each cell's end, which is the next cell's start.
	for c := range cells {
		k := next[c]
		for e := base.first[c]; e < base.first[c+1]; e++ {
			if len(moved) == 0 || kept(e) {
				ix.seg[k], ix.piece[k] = base.seg[e], base.piece[e]
				k++
			}
		}
		next[c] = k
	}
	for _, s := range changed {
		ix.scan(g, int(s), int(s)+1, nil, next)
	}
	copy(next[1:], next[:cells])
	next[0] = 0
	ix.first = next
	// A moved segment's pieces went after kept ones of higher segments:
	// put such cells back in segment order.
	if len(moved) > 0 {
		for c := range cells {
			seg, piece := ix.seg[ix.first[c]:ix.first[c+1]], ix.piece[ix.first[c]:ix.first[c+1]]
			for i := 1; i < len(seg); i++ {
				for j := i; j > 0 && (seg[j] < seg[j-1] || seg[j] == seg[j-1] && piece[j] < piece[j-1]); j-- {
					seg[j], seg[j-1] = seg[j-1], seg[j]
					piece[j], piece[j-1] = piece[j-1], piece[j]
				}
			}
		}
	}
	return ix
}

// buildOut makes the forward CSR from the segments and their speeds.
func (g *Graph) buildOut() {
	n := len(g.NodeLon)
	first := make([]uint32, n+1)
	narcs := 0
	for i := range g.Segments {
		s := &g.Segments[i]
		if s.Flags&Forward != 0 {
			first[s.From+1]++
			narcs++
		}
		if s.Flags&Backward != 0 {
			first[s.To+1]++
			narcs++
		}
	}
	for v := 0; v < n; v++ {
		first[v+1] += first[v]
	}
	packed := make([]uint64, narcs)
	seg := make([]uint32, narcs)
	next := append([]uint32(nil), first[:n]...)
	for i := range g.Segments {
		s := &g.Segments[i]
		if s.Flags&Forward != 0 {
			a := next[s.From]
			next[s.From]++
			packed[a], seg[a] = arcWord(s.To, s.weight(false)), uint32(i)<<1
		}
		if s.Flags&Backward != 0 {
			a := next[s.To]
			next[s.To]++
			packed[a], seg[a] = arcWord(s.From, s.weight(true)), uint32(i)<<1|1
		}
	}
	g.Out = Adjacency{First: first, Seg: seg, packed: packed}
}

// finish derives everything that follows from Out: In, the open segments
// and the components.
func (g *Graph) finish() {
	// The components read only Out: they run beside the reverse
	// adjacency (another core at load).
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		g.components()
	}()
	g.In = reverse(&g.Out, len(g.NodeLon))
	g.open = openSegments(&g.Out, len(g.Segments))
	wg.Wait()
}

// reverse returns the transpose of adj. In.Seg keeps the segment and
// direction of the real arc.
func reverse(adj *Adjacency, n int) Adjacency {
	first := make([]uint32, n+1)
	for _, p := range adj.packed {
		first[p>>32+1]++
	}
	for v := 0; v < n; v++ {
		first[v+1] += first[v]
	}
	m := len(adj.packed)
	packed := make([]uint64, m)
	seg := make([]uint32, m)
	next := append([]uint32(nil), first[:n]...)
	for v := range int32(n) {
		for a, end := adj.Arcs(v); a < end; a++ {
			p := adj.packed[a]
			h := p >> 32
			r := next[h]
			next[h]++
			packed[r], seg[r] = arcWord(v, uint32(p)), adj.Seg[a]
		}
	}
	return Adjacency{First: first, Seg: seg, packed: packed}
}

// WithEdits returns a graph over the same topology in which edit may change
// each segment's speeds, class and the flags Closed, Planned, Controlled and
// Added (edit is called for every segment with a copy it may modify; the
// directions a segment can be driven, its ends and geometry are topology and
// stay as they are). Only segment records and weights are new; nodes,
// shapes, strings and the CSR structure are shared with g, so a speed-only
// scenario costs one pass over the arcs.
//
// A closed direction (speed 0 or Closed) keeps its arc with weight Inf, which
// searches skip. Components are recomputed, so snapping avoids closed roads.
func (g *Graph) WithEdits(edit func(s int32, seg *Segment)) *Graph {
	ng := *g
	ng.Segments = append([]Segment(nil), g.Segments...)
	const fixed = Forward | Backward
	for i := range ng.Segments {
		s := &ng.Segments[i]
		before := *s
		edit(int32(i), s)
		s.From, s.To, s.Length, s.WayID, s.Name, s.Ref = before.From, before.To, before.Length, before.WayID, before.Name, before.Ref
		s.Flags = s.Flags&^fixed | before.Flags&fixed
		if s.Flags&Forward == 0 {
			s.SpeedFwd = 0
		}
		if s.Flags&Backward == 0 {
			s.SpeedBwd = 0
		}
		s.SpeedFwd, s.SpeedBwd = max(s.SpeedFwd, 0), max(s.SpeedBwd, 0)
	}
	ng.Out.packed = reweigh(&g.Out, ng.Segments)
	ng.In.packed = reweigh(&g.In, ng.Segments)
	ng.open = openSegments(&ng.Out, len(ng.Segments))
	ng.CH = nil
	ng.components()
	// The snapping grid depends only on the geometry, which edits keep:
	// share it (read from the file or built by an earlier snap) instead of
	// building it again on the edited graph's first snap.
	snapMu.Lock()
	ng.snap = g.snap
	snapMu.Unlock()
	return &ng
}

// reweigh returns adj's arc words with the weights of segs (heads kept).
func reweigh(adj *Adjacency, segs []Segment) []uint64 {
	p := make([]uint64, len(adj.packed))
	for a, sd := range adj.Seg {
		p[a] = adj.packed[a]&^math.MaxUint32 | uint64(segs[sd>>1].weight(sd&1 != 0))
	}
	return p
}

// MaxStringLen is the longest name or ref a graph keeps, in bytes (the file
// format refuses longer strings). OSM allows tag values of 255 characters,
// so only a broken or hostile extract reaches it.
const MaxStringLen = 1 << 20

// clipString cuts s to at most MaxStringLen bytes at a UTF-8 boundary.
func clipString(s string) string {
	if len(s) <= MaxStringLen {
		return s
	}
	i := MaxStringLen
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}
