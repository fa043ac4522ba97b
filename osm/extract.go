package osm

// One reader for everything a study takes from an extract: the road graph,
// the features place detection needs, the control areas and the
// settlements the population surface spreads people over.
//
// Each part is a consumer of the same passes, in the order the objects
// depend on each other:
//
//  1. relations (only when a part reads relations): each part keeps the
//     relations it wants and the ids of their member ways;
//  2. ways: each part keeps the ways it wants (its own filter, or a member
//     of a relation it kept) as node id lists;
//  3. nodes: each part stores the coordinates of the nodes its ways use,
//     and keeps the tagged nodes it wants.
//
// For PBF each pass is one scan of the file with the other object types
// skipped inside the parallel decoder, and the union of the parts' filters
// run there too, so memory follows what the parts keep, not the file. OSM
// XML cannot skip: it is parsed once, its relations, ways and nodes (the
// untagged ones as id and coordinates only) kept in memory and handed to
// the parts in the same three steps. XML extracts are the small ones.
//
// Read, ReadFeatures and ReadControlAreas are this reader with one part.

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	posm "github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"

	"github.com/fastroad/fastroad/graph"
)

// ExtractOptions configure ReadExtract.
type ExtractOptions struct {
	Profile     Profile            // as Options.Profile
	Features    *FeatureOptions    // nil: do not read features (its Procs is ignored)
	Areas       *AreaOptions       // nil: do not read control areas (its Procs is ignored)
	Settlements *SettlementOptions // nil: do not read settlements
	// NoGraph skips the road graph (Extract.Graph is nil): for a study
	// whose base is a graph file, only the rest is read from the extract.
	NoGraph bool
	// Procs is the number of PBF decoding goroutines (<= 0: GOMAXPROCS).
	Procs int
}

// Extract is what ReadExtract read.
type Extract struct {
	Graph       *graph.Graph
	Features    *Features     // nil unless asked
	Areas       *ControlAreas // nil unless asked
	Settlements *Settlements  // nil unless asked
}

// Passes returns how many times ReadExtract opens an extract of format f
// with these options (for a progress display): one for OSM XML, two for
// PBF when only the graph is asked, else three.
func (o ExtractOptions) Passes(f Format) int {
	switch {
	case f != FormatPBF:
		return 1
	case o.Features == nil && o.Areas == nil && o.Settlements == nil:
		return 2
	}
	return 3
}

// ReadExtract reads the road graph and, when asked, the features, control
// areas and settlements of the extract that open returns, in at most three
// passes over a PBF file (relations, ways, nodes; two when only the graph
// is asked) and one over OSM XML. Each result equals what Read,
// ReadFeatures, ReadControlAreas would return on their own. ctx cancels it
// between objects of every pass.
func ReadExtract(ctx context.Context, open Opener, opt ExtractOptions) (*Extract, error) {
	p := opt.Profile
	var parts []consumer
	var gr *reader
	if !opt.NoGraph {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("profile: %w", err)
		}
		gr = newGraphReader(&p, opt.Procs)
		parts = append(parts, gr)
	}
	var fr *featureReader
	var ar *areaReader
	var sr *settlementReader
	if opt.Features != nil {
		fr = newFeatureReader(*opt.Features)
		parts = append(parts, fr)
	}
	if opt.Areas != nil {
		ar = newAreaReader(*opt.Areas)
		parts = append(parts, ar)
	}
	if opt.Settlements != nil {
		sr = newSettlementReader(*opt.Settlements)
		parts = append(parts, sr)
	}
	if err := readParts(ctx, open, opt.Procs, parts); err != nil {
		return nil, err
	}
	// The parts finish independently (the graph's pieces and arcs, the
	// areas' and settlements' rings): on their own goroutines.
	var ex Extract
	var err error
	var wg sync.WaitGroup
	if gr != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ex.Graph, err = gr.build()
		}()
	}
	if fr != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ex.Features = fr.result()
		}()
	}
	if ar != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ex.Areas = ar.result()
		}()
	}
	if sr != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ex.Settlements = sr.result()
		}()
	}
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return &ex, nil
}

// consumer is one part of ReadExtract. The want and filter methods run
// inside the parallel PBF decoders: they read the consumer's state, and
// filterNode writes only to the slots of the node it is given.
type consumer interface {
	readsRelations() bool
	wantRelation(*posm.Relation) bool
	relation(*posm.Relation) // called for every relation some part wants
	endRelations()
	wantWay(*posm.Way) bool
	way(*posm.Way) // called for every way some part wants
	endWays()
	// filterNode stores the coordinates of a node the consumer's ways use
	// and reports whether node must see it (a tagged node it keeps).
	filterNode(*posm.Node) bool
	node(*posm.Node) // called for every node some filterNode asked for
	endNodes() error
}

// ctxEvery is how many objects the in-memory loops handle between two
// looks at ctx.
const ctxEvery = 1 << 12

// readParts runs the passes over the extract for parts.
func readParts(ctx context.Context, open Opener, procs int, parts []consumer) error {
	if procs <= 0 {
		procs = runtime.GOMAXPROCS(0)
	}
	d := &driver{parts: parts, procs: procs}
	for _, c := range parts {
		d.rels = d.rels || c.readsRelations()
	}
	xml := false
	steps := []byte{'w', 'n'}
	if d.rels {
		steps = []byte{'r', 'w', 'n'}
	}
	for _, step := range steps {
		if xml {
			break // all steps ran from memory
		}
		err := pass(ctx, open, func(ctx context.Context, f Format, rd io.Reader) error {
			if f != FormatPBF {
				xml = true
				return d.readXML(ctx, f, rd)
			}
			return d.scanPBF(ctx, f, rd, step)
		})
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return err
		}
	}
	for _, c := range parts {
		if err := c.endNodes(); err != nil {
			return err
		}
	}
	return nil
}

type driver struct {
	parts []consumer
	procs int
	rels  bool // some part reads relations
}

func (d *driver) wantRelation(rel *posm.Relation) bool {
	for _, c := range d.parts {
		if c.wantRelation(rel) {
			return true
		}
	}
	return false
}

func (d *driver) wantWay(w *posm.Way) bool {
	for _, c := range d.parts {
		if c.wantWay(w) {
			return true
		}
	}
	return false
}

func (d *driver) filterNode(n *posm.Node) bool {
	keep := false
	for _, c := range d.parts {
		if c.filterNode(n) {
			keep = true
		}
	}
	return keep
}

func (d *driver) relation(rel *posm.Relation) {
	for _, c := range d.parts {
		if c.wantRelation(rel) {
			c.relation(rel)
		}
	}
}

func (d *driver) way(w *posm.Way) {
	for _, c := range d.parts {
		if c.wantWay(w) {
			c.way(w)
		}
	}
}

func (d *driver) node(n *posm.Node) {
	for _, c := range d.parts {
		c.node(n)
	}
}

func (d *driver) endRelations() {
	for _, c := range d.parts {
		c.endRelations()
	}
}

func (d *driver) endWays() {
	for _, c := range d.parts {
		c.endWays()
	}
}

// scanPBF runs one pass ('r', 'w' or 'n') over a PBF file.
func (d *driver) scanPBF(ctx context.Context, f Format, rd io.Reader, step byte) error {
	ps := osmpbf.New(ctx, rd, d.procs)
	ps.SkipNodes, ps.SkipWays, ps.SkipRelations = step != 'n', step != 'w', step != 'r'
	ps.FilterRelation = d.wantRelation
	ps.FilterWay = d.wantWay
	ps.FilterNode = d.filterNode
	defer ps.Close()
	for ps.Scan() {
		switch o := ps.Object().(type) {
		case *posm.Relation:
			d.relation(o)
		case *posm.Way:
			d.way(o)
		case *posm.Node:
			d.node(o)
		}
	}
	if err := ps.Err(); err != nil {
		return wrapErr(f, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	switch step {
	case 'r':
		d.endRelations()
	case 'w':
		d.endWays()
	}
	return nil
}

// xmlNodes are the nodes of an XML extract, flat: id and coordinates of
// each, and the tags of the tagged ones (tags[tag[i]], tag[i] -1 for none).
type xmlNodes struct {
	id   []int64
	ll   [][2]float64
	tag  []int32 // index into tags, -1 for none
	tags []posm.Tags
}

// readXML parses an OSM XML extract once and runs the three steps from
// memory.
func (d *driver) readXML(ctx context.Context, f Format, rd io.Reader) error {
	sc := osmxml.New(ctx, rd)
	defer sc.Close()
	var rels []*posm.Relation
	var ways []*posm.Way
	var ns xmlNodes
	for sc.Scan() {
		switch o := sc.Object().(type) {
		case *posm.Relation:
			rels = append(rels, o)
		case *posm.Way:
			ways = append(ways, o)
		case *posm.Node:
			ns.id = append(ns.id, int64(o.ID))
			ns.ll = append(ns.ll, [2]float64{o.Lon, o.Lat})
			t := int32(-1)
			if len(o.Tags) > 0 {
				t = int32(len(ns.tags))
				ns.tags = append(ns.tags, o.Tags)
			}
			ns.tag = append(ns.tag, t)
		}
	}
	if err := sc.Err(); err != nil {
		return wrapErr(f, err)
	}
	if d.rels {
		for i, rel := range rels {
			if i%ctxEvery == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if d.wantRelation(rel) {
				d.relation(rel)
			}
		}
		d.endRelations()
	}
	for i, w := range ways {
		if i%ctxEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if d.wantWay(w) {
			d.way(w)
		}
	}
	d.endWays()
	var n posm.Node
	for i, id := range ns.id {
		if i%ctxEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		n = posm.Node{ID: posm.NodeID(id), Lon: ns.ll[i][0], Lat: ns.ll[i][1], Visible: true}
		if t := ns.tag[i]; t >= 0 {
			n.Tags = ns.tags[t]
		}
		if d.filterNode(&n) {
			d.node(&n)
		}
	}
	return nil
}

// nodeStore holds the coordinates of the nodes some kept ways use: ids
// sorted and unique, coordinates at the same index. keep runs inside the
// parallel PBF decoders: the first sighting of an id (counted atomically)
// writes its slots, so a node id repeated in the file is no data race.
type nodeStore struct {
	ids      []int64
	lon, lat []float64
	seen     []uint32
}

// newNodeStore takes the node ids wanted (any order, repeats allowed; the
// slice is sorted in place and kept).
func newNodeStore(ids []int64) nodeStore {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return nodeStore{ids: ids, lon: make([]float64, len(ids)), lat: make([]float64, len(ids)), seen: make([]uint32, len(ids))}
}

// keep stores n's coordinates when n is wanted.
func (s *nodeStore) keep(n *posm.Node) {
	if i := search(s.ids, int64(n.ID)); i >= 0 && atomic.AddUint32(&s.seen[i], 1) == 1 {
		s.lon[i], s.lat[i] = n.Lon, n.Lat
	}
}

// at returns the coordinates of node id, if present.
func (s *nodeStore) at(id int64) (graph.Point, bool) {
	i := search(s.ids, id)
	if i < 0 || s.seen[i] == 0 {
		return graph.Point{}, false
	}
	return graph.Point{Lon: s.lon[i], Lat: s.lat[i]}, true
}

// points returns the coordinates of ids, dropping repeated nodes, and the
// number of ids missing from the extract.
func (s *nodeStore) points(ids []int64) (pts []graph.Point, missing int) {
	pts = make([]graph.Point, 0, len(ids))
	for k, id := range ids {
		if k > 0 && id == ids[k-1] {
			continue
		}
		p, ok := s.at(id)
		if !ok {
			missing++
			continue
		}
		pts = append(pts, p)
	}
	return pts, missing
}

// ring turns a closed list of node ids into a ring of at least four points
// (first == last); ok is false when a node is missing or the ring is
// degenerate.
func (s *nodeStore) ring(ids []int64) (r []graph.Point, missing int, ok bool) {
	pts, missing := s.points(ids)
	if missing > 0 || len(pts) < 4 || pts[0] != pts[len(pts)-1] {
		return nil, missing, false
	}
	return pts, 0, true
}
