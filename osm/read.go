package osm

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	posm "github.com/paulmach/osm"

	"github.com/fastroad/fastroad/graph"
)

// Format is an extract's encoding, told from its first bytes.
type Format int

// Formats.
const (
	FormatUnknown Format = iota
	FormatPBF
	FormatXML
	FormatXMLGzip
	FormatXMLBzip2
)

func (f Format) String() string {
	return [...]string{"unknown", "pbf", "osm xml", "osm xml (gzip)", "osm xml (bzip2)"}[f]
}

// Opener opens the extract from its start; Read calls it once per pass.
type Opener func() (io.ReadCloser, error)

// ErrNotOSM is returned for input that is neither OSM PBF nor OSM XML.
var ErrNotOSM = errors.New("not an OpenStreetMap extract (expected .osm.pbf, .osm, .osm.gz or .osm.bz2 content)")

// Sniff tells the format of an extract from its first bytes.
func Sniff(head []byte) Format {
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return FormatXMLGzip
	case bytes.HasPrefix(head, []byte("BZh")):
		return FormatXMLBzip2
	case len(head) >= 13 && bytes.Contains(head[4:min(len(head), 32)], []byte("OSMHeader")):
		return FormatPBF
	}
	t := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	if bytes.HasPrefix(t, []byte("<?xml")) || bytes.HasPrefix(t, []byte("<osm")) {
		return FormatXML
	}
	return FormatUnknown
}

// Options configure Read.
type Options struct {
	Profile Profile
	// Procs is the number of PBF decoding goroutines (<= 0: GOMAXPROCS).
	Procs int
}

// way is a routable way kept from pass one; its node ids are
// reader.refs[lo:hi], later reader.ref[lo:hi] (one flat slice for all
// ways: no slice per way).
type way struct {
	id         int64
	lo         uint32  // hi is the next way's lo (or the end of the refs)
	name, ref  uint32  // indices into reader.strs
	fwd, bwd   float32 // km/h, 0 = closed (the graph keeps float32 speeds)
	class      graph.Class
	controlled bool
	planned    bool // under construction or proposed: closed until a scenario opens it
}

// Read builds a graph from the extract that open returns, in two passes
// over a PBF file (ways, nodes) or one over OSM XML. ctx cancels it.
func Read(ctx context.Context, open Opener, opt Options) (*graph.Graph, error) {
	p := opt.Profile
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	r := newGraphReader(&p, opt.Procs)
	if err := readParts(ctx, open, opt.Procs, []consumer{r}); err != nil {
		return nil, err
	}
	return r.build()
}

// DuplicateNodeError reports a node id that an extract holds twice at
// different coordinates (typically two overlapping extracts concatenated
// rather than merged): which position the roads should use is unknowable.
type DuplicateNodeError struct {
	ID             int64
	Lon1, Lat1     float64
	Lon2, Lat2     float64
	MoreDuplicates int // further node ids duplicated at different coordinates
}

func (e *DuplicateNodeError) Error() string {
	more := ""
	if e.MoreDuplicates > 0 {
		more = fmt.Sprintf(" (and %d more node ids)", e.MoreDuplicates)
	}
	return fmt.Sprintf("node %d appears twice at different coordinates (%.7f,%.7f and %.7f,%.7f)%s: "+
		"an extract must hold each node once; merge overlapping extracts with osmium merge instead of concatenating them",
		e.ID, e.Lon1, e.Lat1, e.Lon2, e.Lat2, more)
}

// reader builds the road graph. Its node store is sized by the nodes the
// kept ways use, never by the extract: ids sorted and unique (with a
// sampled top level for the lookups of the node pass), coordinates in 1e-7
// degrees (int32, as the graph stores them), a use count per id
// (saturating) and one bit per id for "seen" (set atomically: the PBF
// decoders run in parallel). About 17 bytes per used node and 8 per way
// reference, against 85+ for a map.
type reader struct {
	p     *Profile
	procs int // goroutines for the node index's sort and lookups
	ways  []way
	strs  []string          // names and refs of the kept ways, each once; strs[0] == ""
	strIx map[string]uint32 // index of each string in strs
	refs  []int64           // node ids of all kept ways, way after way (pass two)
	ref   []int32           // the same as indices into ids (after pass two; refs is then freed)
	stats graph.BuildStats
	ids   idIndex  // sorted unique node ids used by kept ways
	count []uint8  // uses per id (saturating); dropped after pass one of build
	ends  *rankSet // ids that end a piece (build's pass one)
	// tooMany: the kept ways reference nodes 2^32-1 times or more, more
	// than the reader indexes.
	tooMany bool
	lon     []int32 // 1e-7 degrees
	lat     []int32
	// seen has bit i set once node ids.ids[i] was met; met again is a
	// duplicate id, set aside in dups (rare) for endNodes.
	seen []uint32
	mu   sync.Mutex
	dups []dupNode // second sightings, checked after the node pass
}

// idIndex is a sorted slice of unique ids with a sampled top level: top[k]
// is ids[k*idStep], so a lookup binary-searches the small, cache-resident
// top first and then one block of idStep ids (two cache-friendly searches
// instead of one over hundreds of megabytes).
type idIndex struct {
	ids []int64
	top []int64
}

const idStep = 256

func newIDIndex(ids []int64) idIndex {
	top := make([]int64, 0, len(ids)/idStep+1)
	for k := 0; k < len(ids); k += idStep {
		top = append(top, ids[k])
	}
	return idIndex{ids: ids, top: top}
}

// find returns the index of id, or -1.
func (x *idIndex) find(id int64) int {
	// Last block whose first id is <= id.
	lo, hi := 0, len(x.top)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x.top[m] <= id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return -1
	}
	b := (lo - 1) * idStep
	i := search(x.ids[b:min(b+idStep, len(x.ids))], id)
	if i < 0 {
		return -1
	}
	return b + i
}

type dupNode struct {
	i        int
	lon, lat int32
}

// newGraphReader returns a graph reader that sorts and cuts on procs
// goroutines (<= 0: GOMAXPROCS).
func newGraphReader(p *Profile, procs int) *reader {
	if procs <= 0 {
		procs = runtime.GOMAXPROCS(0)
	}
	return &reader{p: p, procs: procs, strs: []string{""}, strIx: map[string]uint32{"": 0}}
}

// str returns the index of s in r.strs, adding it the first time.
func (r *reader) str(s string) uint32 {
	if i, ok := r.strIx[s]; ok {
		return i
	}
	i := uint32(len(r.strs))
	r.strs = append(r.strs, s)
	r.strIx[s] = i
	return i
}

// wayRefs returns the node references of way k.
func (r *reader) wayRefs(k int) []int32 {
	hi := uint32(len(r.ref))
	if k+1 < len(r.ways) {
		hi = r.ways[k+1].lo
	}
	return r.ref[r.ways[k].lo:hi]
}

func (r *reader) readsRelations() bool             { return false }
func (r *reader) wantRelation(*posm.Relation) bool { return false }
func (r *reader) relation(*posm.Relation)          {}
func (r *reader) endRelations()                    {}
func (r *reader) wantWay(w *posm.Way) bool         { _, _, ok := r.roadClass(w.Tags); return ok }
func (r *reader) way(w *posm.Way)                  { r.addWay(w) }
func (r *reader) endWays()                         { r.indexNodes() }
func (r *reader) filterNode(n *posm.Node) bool     { r.keepNode(n); return false }
func (r *reader) node(*posm.Node)                  {}

// endNodes refuses node ids met twice at different coordinates; the same
// node repeated at the same position changes nothing and passes.
func (r *reader) endNodes() error {
	var first *DuplicateNodeError
	for _, d := range r.dups {
		if d.lon == r.lon[d.i] && d.lat == r.lat[d.i] {
			continue
		}
		if first == nil {
			first = &DuplicateNodeError{ID: r.ids.ids[d.i], Lon1: float64(r.lon[d.i]) / graph.E7, Lat1: float64(r.lat[d.i]) / graph.E7,
				Lon2: float64(d.lon) / graph.E7, Lat2: float64(d.lat) / graph.E7}
		} else {
			first.MoreDuplicates++
		}
	}
	r.dups = nil
	if first != nil {
		return first
	}
	return nil
}

// pass opens the extract, detects its format and runs scan over it.
func pass(ctx context.Context, open Opener, scan func(ctx context.Context, f Format, rd io.Reader) error) error {
	rc, err := open()
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 1<<16)
	head, _ := br.Peek(64)
	f := Sniff(head)
	var rd io.Reader = br
	switch f {
	case FormatUnknown:
		return ErrNotOSM
	case FormatXMLGzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		rd = zr
	case FormatXMLBzip2:
		rd = bzip2.NewReader(br)
	}
	if f == FormatXMLGzip || f == FormatXMLBzip2 {
		inner := bufio.NewReader(rd)
		h, _ := inner.Peek(64)
		if Sniff(h) != FormatXML {
			return fmt.Errorf("%v content: %w", f, ErrNotOSM)
		}
		rd, f = inner, FormatXML
	}
	return scan(ctx, f, rd)
}

func wrapErr(f Format, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%v: file is truncated: %w", f, err)
	}
	return fmt.Errorf("%v: corrupt or unreadable data: %w", f, err)
}

// roadClass returns the highway class a way is (or, for
// highway=construction/proposed, will be) and whether it is planned; ok is
// false when the profile does not route that class.
func (r *reader) roadClass(tags posm.Tags) (hw string, planned, ok bool) {
	hw = tags.Find("highway")
	if hw == "construction" || hw == "proposed" {
		hw, planned = tags.Find(hw), true
	}
	_, ok = r.p.Speeds[hw]
	return hw, planned, ok
}

// addWay turns a way's tags into a routable way or counts why not. Roads
// under construction or proposed are kept as planned: closed in the graph,
// opened by a scenario.
func (r *reader) addWay(w *posm.Way) {
	hw, planned, ok := r.roadClass(w.Tags)
	if !ok {
		return
	}
	kmh := r.p.Speeds[hw]
	class, _ := graph.ParseClass(hw)
	if w.Tags.Find("area") == "yes" || !r.accessible(w.Tags) {
		r.stats.SkippedWays++
		return
	}
	fwd, bwd := true, true
	switch w.Tags.Find("oneway") {
	case "yes", "true", "1":
		bwd = false
	case "-1", "reverse":
		fwd = false
	case "no", "false", "0":
	case "reversible", "alternating":
		r.stats.SkippedWays++
		return
	default:
		j := w.Tags.Find("junction")
		if hw == "motorway" || j == "roundabout" || j == "circular" {
			bwd = false
		}
	}
	sf, sb := kmh, kmh
	if r.p.UseMaxspeed {
		sf = r.maxspeed(w.Tags, "maxspeed:forward", kmh)
		sb = r.maxspeed(w.Tags, "maxspeed:backward", kmh)
	}
	if !fwd {
		sf = 0
	}
	if !bwd {
		sb = 0
	}
	if uint64(len(r.refs))+uint64(len(w.Nodes)) >= math.MaxUint32 {
		r.tooMany = true // refused in build
		return
	}
	lo := int64(len(r.refs))
	for _, n := range w.Nodes {
		id := int64(n.ID)
		if int64(len(r.refs)) > lo && r.refs[len(r.refs)-1] == id {
			continue // repeated node: zero-length piece
		}
		r.refs = append(r.refs, id)
	}
	if int64(len(r.refs))-lo < 2 {
		r.refs = r.refs[:lo]
		r.stats.ShortWays++
		return
	}
	r.ways = append(r.ways, way{
		id: int64(w.ID), lo: uint32(lo), class: class, controlled: r.p.Controlled(hw), planned: planned,
		fwd: float32(sf), bwd: float32(sb), name: r.str(w.Tags.Find("name")), ref: r.str(w.Tags.Find("ref")),
	})
}

func (r *reader) maxspeed(tags posm.Tags, dirKey string, classKmh float64) float64 {
	v := tags.Find(dirKey)
	if v == "" {
		v = tags.Find("maxspeed")
	}
	if v == "" {
		return classKmh
	}
	kmh, ok := ParseMaxspeed(v, r.p.MaxspeedZones)
	if !ok || kmh == NoLimitKmh {
		return classKmh
	}
	return kmh * r.p.MaxspeedFactor
}

func (r *reader) accessible(tags posm.Tags) bool {
	val := ""
	for _, k := range r.p.AccessKeys {
		if v := tags.Find(k); v != "" {
			val = v
		}
	}
	if val == "" {
		return true
	}
	return !slices.Contains(r.p.AccessDeny, val)
}

// indexNodes sorts the node ids the kept ways use and counts their uses.
func (r *reader) indexNodes() {
	r.refs = slices.Clip(r.refs)
	ids, count := sortCount(slices.Clone(r.refs), r.procs)
	r.ids = newIDIndex(ids)
	r.count = count
	// Way references as int32 indices: half the bytes of the ids, and no
	// lookup left for build. The lookups run on every core.
	r.ref = make([]int32, len(r.refs))
	parallel(len(r.refs), r.procs, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r.ref[i] = int32(r.ids.find(r.refs[i]))
		}
	})
	r.refs = nil
	r.lon = make([]int32, len(ids))
	r.lat = make([]int32, len(ids))
	r.seen = make([]uint32, (len(ids)+31)/32)
}

// fromE7 turns 1e-7 degrees back into degrees the way the PBF decoder
// computes them (1e-9 * 100 * v), so a PBF extract gives the same
// coordinates, lengths and travel times as when float64s were stored.
func fromE7(v int32) float64 { return 1e-9 * float64(100*int64(v)) }

func (r *reader) lookup(id int64) int {
	return r.ids.find(id)
}

// isSeen reports whether node i was met in the node pass.
func (r *reader) isSeen(i int) bool { return r.seen[i>>5]&(1<<(i&31)) != 0 }

// search returns the index of id in the sorted slice ids, or -1. Written out
// (no closure) because it runs for every node of the extract.
func search(ids []int64, id int64) int {
	lo, hi := 0, len(ids)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ids[m] < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(ids) && ids[lo] == id {
		return lo
	}
	return -1
}

// keepNode stores the coordinates of a node the kept ways use. It runs
// inside the parallel PBF decoders: the first sighting of an id writes its
// slots, a later one is set aside (under the lock: rare) for endNodes.
func (r *reader) keepNode(n *posm.Node) {
	i := r.lookup(int64(n.ID))
	if i < 0 {
		return
	}
	lon, lat := int32(math.Round(n.Lon*graph.E7)), int32(math.Round(n.Lat*graph.E7))
	bit := uint32(1) << (i & 31)
	if atomic.OrUint32(&r.seen[i>>5], bit)&bit == 0 {
		r.lon[i], r.lat[i] = lon, lat
		return
	}
	r.mu.Lock()
	r.dups = append(r.dups, dupNode{i: i, lon: lon, lat: lat})
	r.mu.Unlock()
}

// build splits the kept ways into pieces and builds the graph. The graph's
// nodes are the ends of pieces; they are numbered in the order the pieces
// first meet them, by a table over the ends alone (a bit per used node id
// and a word per end), not a map over every node.
func (r *reader) build() (*graph.Graph, error) {
	if r.tooMany {
		return nil, fmt.Errorf("the extract's roads reference nodes %d times or more, more than fastroad reads from one extract; split it (osmium extract) and study the parts", uint64(math.MaxUint32))
	}
	// Pass one over the ways: which node ids end a piece, and how many
	// pieces and inner shape points there are.
	ends := newRankSet(len(r.ids.ids))
	var buf []int32
	pieces, inner := 0, 0
	for k := range r.ways {
		buf, _ = r.split(k, buf, r.shared, func(p []int32) {
			ends.set(int(p[0]))
			ends.set(int(p[len(p)-1]))
			pieces++
			inner += len(p) - 2
		})
	}
	ends.index()
	nodes := ends.count()
	// Pass two splits where pass one put piece ends: every node that other
	// ways share is one, and splitting at the others (a way's first or
	// last node, a node beside a missing one) changes no piece. The use
	// counts can go.
	r.count = nil
	r.ends = &ends
	// Only the ends' ids are needed from here on.
	endID := make([]int64, nodes)
	for i, id := range r.ids.ids {
		if ends.has(i) {
			endID[ends.rank(i)] = id
		}
	}
	r.ids = idIndex{}

	b := graph.NewBuilder()
	// What the builder will hold, exactly, so that its slices are
	// allocated once instead of doubling (the last doubling of a large
	// slice holds old and new at once).
	b.Grow(nodes, pieces, inner)
	node := make([]int32, nodes) // graph node of each end, by rank; -1 until met
	for i := range node {
		node[i] = -1
	}
	nodeOf := func(i int32) int32 {
		k := ends.rank(int(i))
		if node[k] < 0 {
			node[k] = b.AddNode(endID[k], r.point(i))
		}
		return node[k]
	}
	// Pass two: the pieces are cut and measured on every core, batch by
	// batch, and added to the builder in order (numbering the nodes as
	// they are first met, as one loop would).
	var err error
	r.batches(func(bt *pieceBatch) bool {
		for q := range bt.way {
			w := &r.ways[bt.way[q]]
			err = b.AddAt(nodeOf(bt.ends[2*q]), nodeOf(bt.ends[2*q+1]), graph.Piece{
				WayID: w.id, Name: r.strs[w.name], Ref: r.strs[w.ref], Class: w.class, Controlled: w.controlled, Planned: w.planned,
				Coords: bt.coords[bt.first[q]:bt.first[q+1]], Length: bt.length[q], SpeedFwd: float64(w.fwd), SpeedBwd: float64(w.bwd),
			})
			if err != nil {
				return false
			}
		}
		for k := bt.lo; k < bt.hi; k++ {
			w := &r.ways[k]
			used, missing := bt.used[k-bt.lo], bt.missing[k-bt.lo]
			if missing > 0 {
				r.stats.MissingNodeRefs += int64(missing)
				r.stats.ClippedWays++
			}
			if used && w.planned {
				r.stats.PlannedWays++
			} else if used {
				r.stats.Ways++
			} else {
				r.stats.ShortWays++
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	b.Stats = r.stats
	nways := len(r.ways)
	// The node store is not needed by Build: let it go before the CSR
	// arrays are made.
	r.ways, r.ref, r.ids, r.count, r.lon, r.lat, r.seen, r.strs, r.strIx, r.ends = nil, nil, idIndex{}, nil, nil, nil, nil, nil, nil, nil
	node, endID = nil, nil
	g, err := b.Build()
	if errors.Is(err, graph.ErrEmpty) {
		return nil, fmt.Errorf("no routable road in the extract (%d road ways kept by the profile's classes %s, %d skipped): %w",
			nways, strings.Join(sortedKeys(r.p.Speeds), ","), r.stats.SkippedWays, err)
	}
	return g, err
}

// shared reports whether node id index i is used more than once.
func (r *reader) shared(i int32) bool { return r.count[i] >= 2 }

// isEnd reports whether node id index i ends a piece (after pass one).
func (r *reader) isEnd(i int32) bool { return r.ends.has(int(i)) }

// point returns the position of node id index i.
func (r *reader) point(i int32) graph.Point {
	return graph.Point{Lon: fromE7(r.lon[i]), Lat: fromE7(r.lat[i])}
}

// split calls piece for each piece of way k: the runs of its nodes (as
// indices into r.ids) between nodes that other ways share, broken where a
// node is missing from the extract (clipped). Runs of fewer than two nodes
// are dropped. buf is scratch space, returned for reuse; missing counts the
// references to missing nodes.
func (r *reader) split(k int, buf []int32, shared func(i int32) bool, piece func(p []int32)) (_ []int32, missing int) {
	cur := buf[:0]
	for _, i := range r.wayRefs(k) {
		if !r.isSeen(int(i)) {
			missing++
			if len(cur) >= 2 {
				piece(cur)
			}
			cur = cur[:0]
			continue
		}
		cur = append(cur, i)
		// Split at shared nodes; a piece ends here and the next starts here.
		if len(cur) >= 2 && shared(i) {
			piece(cur)
			cur = append(cur[:0], i)
		}
	}
	if len(cur) >= 2 {
		piece(cur)
	}
	return cur, missing
}

// rankSet is a set of small integers with a rank: bits, and the count of
// set bits before each word (after index).
type rankSet struct {
	bits   []uint64
	before []uint32
}

func newRankSet(n int) rankSet { return rankSet{bits: make([]uint64, (n+63)/64)} }

func (s *rankSet) set(i int)      { s.bits[i>>6] |= 1 << (i & 63) }
func (s *rankSet) has(i int) bool { return s.bits[i>>6]&(1<<(i&63)) != 0 }

func (s *rankSet) index() {
	s.before = make([]uint32, len(s.bits)+1)
	for w, x := range s.bits {
		s.before[w+1] = s.before[w] + uint32(bits.OnesCount64(x))
	}
}

func (s *rankSet) count() int { return int(s.before[len(s.bits)]) }

// rank returns the number of set members below i (index must have run).
func (s *rankSet) rank(i int) int {
	return int(s.before[i>>6]) + bits.OnesCount64(s.bits[i>>6]&(1<<(i&63)-1))
}

// sortCount sorts a (reordering it) and returns its distinct values and how
// often each occurs (saturating at 255). With procs > 1 a large input is
// sorted in procs parts at once, then merged.
func sortCount(a []int64, procs int) (vals []int64, count []uint8) {
	const minPart = 1 << 16
	parts := max(1, min(procs, len(a)/minPart, 8))
	bounds := make([]int, parts+1)
	for k := range bounds {
		bounds[k] = k * len(a) / parts
	}
	var wg sync.WaitGroup
	for k := 0; k < parts; k++ {
		wg.Add(1)
		go func(p []int64) {
			defer wg.Done()
			slices.Sort(p)
		}(a[bounds[k]:bounds[k+1]])
	}
	wg.Wait()
	// Merge the parts, the smallest head each step (parts <= 8): once to
	// count the distinct values, once to write them into slices of that
	// exact size (at the largest sizes these are gigabytes).
	merge := func(emit func(v int64, first bool)) {
		heads := slices.Clone(bounds[:parts])
		var last int64
		started := false
		for {
			best := -1
			for k := 0; k < parts; k++ {
				if heads[k] < bounds[k+1] && (best < 0 || a[heads[k]] < a[heads[best]]) {
					best = k
				}
			}
			if best < 0 {
				return
			}
			v := a[heads[best]]
			heads[best]++
			emit(v, !started || v != last)
			started, last = true, v
		}
	}
	n := 0
	merge(func(_ int64, first bool) {
		if first {
			n++
		}
	})
	vals, count = make([]int64, 0, n), make([]uint8, 0, n)
	merge(func(v int64, first bool) {
		if first {
			vals = append(vals, v)
			count = append(count, 1)
		} else if c := &count[len(count)-1]; *c < 255 {
			*c++
		}
	})
	return vals, count
}

// parallel runs fn over [0, n) cut into procs contiguous ranges at once.
func parallel(n, procs int, fn func(lo, hi int)) {
	procs = max(1, min(procs, n/4096))
	var wg sync.WaitGroup
	for k := 0; k < procs; k++ {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(k*n/procs, (k+1)*n/procs)
	}
	wg.Wait()
}

// pieceBatch holds the pieces of ways lo..hi-1, cut and measured.
type pieceBatch struct {
	lo, hi  int
	used    []bool  // per way: gave a piece
	missing []int32 // per way: references to nodes missing from the extract
	way     []int32 // per piece: its way
	ends    []int32 // per piece: node id indices of its two ends
	first   []int32 // per piece + 1: its points are coords[first[q]:first[q+1]]
	coords  []graph.Point
	length  []float64 // per piece: graph.Measure of its points
}

// batchWays is the number of ways per batch of pass two: large enough that
// handing batches around costs nothing, small enough that a few in flight
// hold little memory.
const batchWays = 4096

// batches cuts the ways into pieces on r.procs goroutines and calls use
// with each batch in order of the ways, on the calling goroutine; use
// returns false to stop.
func (r *reader) batches(use func(*pieceBatch) bool) {
	nb := (len(r.ways) + batchWays - 1) / batchWays
	workers := max(1, r.procs)
	// Batch i is cut by worker i % workers and handed over on ready[i%window];
	// at most window batches are in flight.
	window := 2 * workers
	ready := make([]chan *pieceBatch, window)
	for i := range ready {
		ready[i] = make(chan *pieceBatch, 1)
	}
	free := make(chan *pieceBatch, window)
	for range window {
		free <- &pieceBatch{}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func(wk int) {
			defer wg.Done()
			var buf []int32
			for i := wk; i < nb; i += workers {
				var bt *pieceBatch
				select {
				case bt = <-free:
				case <-stop:
					return
				}
				buf = r.cut(bt, i*batchWays, min((i+1)*batchWays, len(r.ways)), buf)
				select {
				case ready[i%window] <- bt:
				case <-stop:
					return
				}
			}
		}(wk)
	}
	for i := 0; i < nb; i++ {
		bt := <-ready[i%window]
		ok := use(bt)
		free <- bt
		if !ok {
			break
		}
	}
	close(stop)
	wg.Wait()
}

// cut fills bt with the pieces of ways lo..hi-1.
func (r *reader) cut(bt *pieceBatch, lo, hi int, buf []int32) []int32 {
	bt.lo, bt.hi = lo, hi
	bt.used, bt.missing = bt.used[:0], bt.missing[:0]
	bt.way, bt.ends, bt.coords, bt.length = bt.way[:0], bt.ends[:0], bt.coords[:0], bt.length[:0]
	bt.first = append(bt.first[:0], 0)
	for k := lo; k < hi; k++ {
		used := false
		var missing int
		buf, missing = r.split(k, buf, r.isEnd, func(p []int32) {
			used = true
			start := len(bt.coords)
			for _, i := range p {
				bt.coords = append(bt.coords, r.point(i))
			}
			bt.way = append(bt.way, int32(k))
			bt.ends = append(bt.ends, p[0], p[len(p)-1])
			bt.length = append(bt.length, graph.Measure(bt.coords[start:]))
			bt.first = append(bt.first, int32(len(bt.coords)))
		})
		bt.used = append(bt.used, used)
		bt.missing = append(bt.missing, int32(missing))
	}
	return buf
}
