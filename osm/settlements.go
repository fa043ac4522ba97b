package osm

// Settlements: where people live, for the population surface. Read as one
// part of ReadExtract, in its three passes:
//
//  1. relations: administrative boundaries at the chosen admin_level
//     values, place=* areas, landuse=residential and (optionally) building
//     multipolygons, with the ids of their member ways (roles outer, inner
//     or empty);
//  2. ways: closed ways with those tags, the member ways pass 1 asked
//     for; building ways go to one flat node id list (there may be
//     hundreds of thousands), the others keep their node id lists;
//  3. nodes: place=* and building=* nodes, and the coordinates of the
//     nodes pass 2 kept.
//
// Rings are assembled as ReadControlAreas assembles them (joinRings,
// nestRings): member ways joined end to end whatever their roles say,
// rings nested by containment. A ring with a missing node or way (a
// clipped extract, typically the neighbours' boundaries cut at its edge)
// is skipped and counted; an object with no ring left is dropped and
// counted.
//
// Areas and centroids are computed on the sinusoidal projection centred on
// each polygon's mean longitude (equal-area; the earth as a sphere of mean
// radius 6,371,008.8 m): within 0.5% of the ellipsoidal area for the
// extent of a county.

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	posm "github.com/paulmach/osm"

	"github.com/fastroad/fastroad/graph"
)

// Ring is a closed ring of lon,lat points (first == last).
type Ring [][2]float64

// MultiPolygon is a list of polygons, each its outer ring first, then its
// holes.
type MultiPolygon [][]Ring

// SettlementOptions configure the settlements ReadExtract reads.
type SettlementOptions struct {
	// BoundaryLevels are the admin_level values of the administrative
	// boundaries kept (nil: 4, 5, 6, 7, 8; an empty non-nil slice: none).
	BoundaryLevels []int
	// Buildings keeps building centroids and areas (a study's default:
	// true).
	Buildings bool
}

// DefaultBoundaryLevels are the admin_level values kept when
// SettlementOptions.BoundaryLevels is nil: state or province (4) down to
// township or municipality (8).
var DefaultBoundaryLevels = []int{4, 5, 6, 7, 8}

// SettlementPlaceKinds are the place=* values read as settlements.
var SettlementPlaceKinds = []string{"city", "town", "village", "hamlet", "isolated_dwelling", "suburb", "neighbourhood", "locality"}

// Boundary is an administrative boundary with its area.
type Boundary struct {
	ID                   int64  // relation (or closed way) id
	Type                 string // "relation" or "way"
	Name, NameZH, NameEN string // name, name:zh, name:en
	AdminLevel           int
	// Population is the population tag (ParsePopulation rules); 0 when
	// absent or refused (counted in SettlementStats.BadPopulation).
	Population int64
	Area       MultiPolygon // rings assembled from the outer/inner member ways
}

// SettlementPlace is a place=* node, way or relation.
type SettlementPlace struct {
	Type                 string // "node", "way", "relation"
	ID                   int64
	Kind                 string // the place=* value, one of SettlementPlaceKinds
	Name, NameZH, NameEN string
	Lon, Lat             float64      // node position, or the area's centroid
	Population           int64        // 0 when absent or refused
	Area                 MultiPolygon // nil for nodes
}

// BuildingPoint is a building: the centroid and area (m2) of a closed
// building=* way or multipolygon relation, or a building=* node (AreaM2 0).
type BuildingPoint struct{ Lon, Lat, AreaM2 float32 }

// SettlementStats counts what was kept and what clipped or broken input
// made the reader skip.
type SettlementStats struct {
	Boundaries, Places, Residential, Buildings int // kept
	PlaceAreas                                 int // places mapped as areas (among Places)
	// IncompleteRings counts rings that do not close (a member way or node
	// is missing, or the ways do not join up), skipped.
	IncompleteRings int
	MissingWays     int   // member ways of kept relations not in the extract
	MissingNodeRefs int64 // node references of kept ways not in the extract
	Dropped         int   // boundaries, areas and buildings with no complete ring left
	BadPopulation   int   // population tags not understood or out of range (0 used)
}

// String returns the counts for a log line.
func (s SettlementStats) String() string {
	return fmt.Sprintf("settlements: %d boundaries, %d places (%d as areas), %d residential areas, %d buildings; "+
		"dropped %d (%d incomplete rings, %d missing member ways, %d missing node refs); %d population tags refused",
		s.Boundaries, s.Places, s.PlaceAreas, s.Residential, s.Buildings,
		s.Dropped, s.IncompleteRings, s.MissingWays, s.MissingNodeRefs, s.BadPopulation)
}

// Settlements are the settlement data of an extract.
type Settlements struct {
	Boundaries  []Boundary        // sorted by type and id
	Places      []SettlementPlace // sorted by type and id
	Residential []MultiPolygon    // landuse=residential: closed ways by id, then relations by id
	Buildings   []BuildingPoint   // empty unless SettlementOptions.Buildings
	Stats       SettlementStats
}

// settlement object kinds, as bits.
const (
	sBoundary uint8 = 1 << iota
	sPlace
	sResidential
	sBuilding
)

// settleInfo is what is kept of a relation's or area way's tags.
type settleInfo struct {
	id                   int64
	mask                 uint8
	name, nameZH, nameEN string
	level                int
	place, population    string
}

type settleRel struct {
	settleInfo
	ways, outer []int64
}

type settleWay struct {
	settleInfo
	nodes []int64
}

type settlementReader struct {
	levels    []int
	buildings bool

	rels    []settleRel
	relWays []int64     // sorted member way ids of rels
	ways    []settleWay // sorted by id after pass 2
	// Building ways, flat: the nodes of building i are
	// bNodes[bOff[i]:bOff[i+1]].
	bIDs   []int64
	bNodes []int64
	bOff   []int32
	nodes  nodeStore

	out Settlements
}

func newSettlementReader(opt SettlementOptions) *settlementReader {
	s := &settlementReader{levels: opt.BoundaryLevels, buildings: opt.Buildings, bOff: []int32{0}}
	if s.levels == nil {
		s.levels = DefaultBoundaryLevels
	}
	return s
}

// kinds tells what tags make of an object (area or not).
func (s *settlementReader) kinds(tags posm.Tags) uint8 {
	if len(tags) == 0 {
		return 0
	}
	var m uint8
	if tags.Find("boundary") == "administrative" {
		if l, err := strconv.Atoi(tags.Find("admin_level")); err == nil && slices.Contains(s.levels, l) {
			m |= sBoundary
		}
	}
	if slices.Contains(SettlementPlaceKinds, tags.Find("place")) {
		m |= sPlace
	}
	if tags.Find("landuse") == "residential" {
		m |= sResidential
	}
	if s.buildings {
		if b := tags.Find("building"); b != "" && b != "no" {
			m |= sBuilding
		}
	}
	return m
}

func info(id int64, mask uint8, tags posm.Tags) settleInfo {
	in := settleInfo{id: id, mask: mask}
	if mask&(sBoundary|sPlace) != 0 {
		in.name, in.nameZH, in.nameEN = tags.Find("name"), tags.Find("name:zh"), tags.Find("name:en")
		in.population = tags.Find("population")
		in.place = tags.Find("place")
		in.level, _ = strconv.Atoi(tags.Find("admin_level"))
	}
	return in
}

func (s *settlementReader) readsRelations() bool { return true }

func (s *settlementReader) wantRelation(rel *posm.Relation) bool {
	switch rel.Tags.Find("type") {
	case "multipolygon", "boundary":
		return s.kinds(rel.Tags) != 0
	}
	return false
}

func (s *settlementReader) relation(rel *posm.Relation) {
	r := settleRel{settleInfo: info(int64(rel.ID), s.kinds(rel.Tags), rel.Tags)}
	r.ways, r.outer = memberWays(rel)
	s.rels = append(s.rels, r)
	s.relWays = append(s.relWays, r.ways...)
}

func (s *settlementReader) endRelations() {
	slices.Sort(s.relWays)
	s.relWays = slices.Compact(s.relWays)
}

// wayUse tells what w is kept for: its own kinds (closed ways only) and
// whether a kept relation uses it. Read-only: safe in the parallel decoders.
func (s *settlementReader) wayUse(w *posm.Way) (mask uint8, member bool) {
	if areaClosed(w) && w.Tags.Find("area") != "no" {
		mask = s.kinds(w.Tags)
	}
	_, member = slices.BinarySearch(s.relWays, int64(w.ID))
	return mask, member
}

func (s *settlementReader) wantWay(w *posm.Way) bool {
	m, member := s.wayUse(w)
	return m != 0 || member
}

func (s *settlementReader) way(w *posm.Way) {
	mask, member := s.wayUse(w)
	if mask&sBuilding != 0 {
		s.bIDs = append(s.bIDs, int64(w.ID))
		for _, n := range w.Nodes {
			s.bNodes = append(s.bNodes, int64(n.ID))
		}
		s.bOff = append(s.bOff, int32(len(s.bNodes)))
	}
	if rest := mask &^ sBuilding; rest != 0 || member {
		s.ways = append(s.ways, settleWay{settleInfo: info(int64(w.ID), rest, w.Tags), nodes: nodeIDs(w)})
	}
}

func (s *settlementReader) endWays() {
	slices.SortFunc(s.ways, func(a, b settleWay) int { return cmp.Compare(a.id, b.id) })
	n := len(s.bNodes)
	for i := range s.ways {
		n += len(s.ways[i].nodes)
	}
	need := make([]int64, 0, n)
	need = append(need, s.bNodes...)
	for i := range s.ways {
		need = append(need, s.ways[i].nodes...)
	}
	s.nodes = newNodeStore(need)
	s.relWays = nil
}

// filterNode stores the coordinates of the kept ways' nodes and asks for
// place and building nodes.
func (s *settlementReader) filterNode(n *posm.Node) bool {
	s.nodes.keep(n)
	return s.kinds(n.Tags)&(sPlace|sBuilding) != 0
}

func (s *settlementReader) node(n *posm.Node) {
	m := s.kinds(n.Tags)
	if m&sPlace != 0 {
		in := info(int64(n.ID), m, n.Tags)
		s.out.Places = append(s.out.Places, SettlementPlace{
			Type: "node", ID: in.id, Kind: in.place, Name: in.name, NameZH: in.nameZH, NameEN: in.nameEN,
			Lon: n.Lon, Lat: n.Lat, Population: s.population(in.population),
		})
	}
	if m&sBuilding != 0 {
		s.out.Buildings = append(s.out.Buildings, BuildingPoint{Lon: float32(n.Lon), Lat: float32(n.Lat)})
	}
}

func (s *settlementReader) endNodes() error { return nil }

// population parses a population tag; a value ParsePopulation refuses
// (text, negative, above MaxPopulation) is 0 and counted.
func (s *settlementReader) population(raw string) int64 {
	if raw == "" {
		return 0
	}
	n, ok := ParsePopulation(raw)
	if !ok {
		s.out.Stats.BadPopulation++
		return 0
	}
	return int64(n)
}

func (s *settlementReader) wayByID(id int64) *settleWay {
	i, ok := slices.BinarySearchFunc(s.ways, id, func(w settleWay, id int64) int { return cmp.Compare(w.id, id) })
	if !ok {
		return nil
	}
	return &s.ways[i]
}

// ring makes a Ring of a closed node id list, counting what is missing.
func (s *settlementReader) ring(ids []int64) (Ring, bool) {
	pts, missing, ok := s.nodes.ring(ids)
	s.out.Stats.MissingNodeRefs += int64(missing)
	if !ok {
		s.out.Stats.IncompleteRings++
		return nil, false
	}
	return toRing(pts), true
}

func toRing(pts []graph.Point) Ring {
	r := make(Ring, len(pts))
	for i, p := range pts {
		r[i] = [2]float64{p.Lon, p.Lat}
	}
	return r
}

// emit adds an assembled area of the given kinds.
func (s *settlementReader) emit(typ string, in *settleInfo, mp MultiPolygon) {
	st := &s.out.Stats
	var pop int64
	if in.mask&(sBoundary|sPlace) != 0 {
		pop = s.population(in.population)
	}
	if in.mask&sBoundary != 0 {
		s.out.Boundaries = append(s.out.Boundaries, Boundary{
			ID: in.id, Type: typ, Name: in.name, NameZH: in.nameZH, NameEN: in.nameEN,
			AdminLevel: in.level, Population: pop, Area: mp,
		})
		st.Boundaries++
	}
	if in.mask&sPlace != 0 {
		c := mp.Centroid()
		s.out.Places = append(s.out.Places, SettlementPlace{Type: typ, ID: in.id, Kind: in.place,
			Name: in.name, NameZH: in.nameZH, NameEN: in.nameEN, Lon: c[0], Lat: c[1], Population: pop, Area: mp})
		st.PlaceAreas++
	}
	if in.mask&sResidential != 0 {
		s.out.Residential = append(s.out.Residential, mp)
	}
	if in.mask&sBuilding != 0 {
		s.building(mp)
	}
}

func (s *settlementReader) building(mp MultiPolygon) {
	c := mp.Centroid()
	s.out.Buildings = append(s.out.Buildings, BuildingPoint{Lon: float32(c[0]), Lat: float32(c[1]), AreaM2: float32(mp.Area())})
}

func (s *settlementReader) result() *Settlements {
	st := &s.out.Stats
	// Relations first, to know which closed ways are outer rings of a kept
	// relation of the same kind (old-style multipolygons tag both).
	outerOf := map[int64]uint8{}
	slices.SortFunc(s.rels, func(a, b settleRel) int { return cmp.Compare(a.id, b.id) })
	var relAreas []func()
	for i := range s.rels {
		rel := &s.rels[i]
		var segs [][]int64
		for _, id := range rel.ways {
			w := s.wayByID(id)
			if w == nil {
				st.MissingWays++
				continue
			}
			segs = append(segs, w.nodes)
		}
		idRings, broken := joinRings(segs)
		st.IncompleteRings += broken
		var rings [][]graph.Point
		for _, ids := range idRings {
			if r, missing, ok := s.nodes.ring(ids); ok {
				rings = append(rings, r)
			} else {
				st.MissingNodeRefs += int64(missing)
				st.IncompleteRings++
			}
		}
		ps := nestRings(rings)
		if len(ps) == 0 {
			st.Dropped++
			continue
		}
		mp := make(MultiPolygon, len(ps))
		for k, p := range ps {
			mp[k] = make([]Ring, len(p.Rings))
			for j, r := range p.Rings {
				mp[k][j] = toRing(r)
			}
		}
		for _, id := range rel.outer {
			outerOf[id] |= rel.mask
		}
		// Emitted after the ways, so that Residential lists ways first.
		relAreas = append(relAreas, func() { s.emit("relation", &rel.settleInfo, mp) })
	}
	for i := range s.ways {
		w := &s.ways[i]
		in := w.settleInfo
		in.mask &^= outerOf[w.id]
		if in.mask == 0 {
			continue
		}
		if r, ok := s.ring(w.nodes); ok {
			s.emit("way", &in, MultiPolygon{{r}})
		} else {
			st.Dropped++
		}
	}
	for i, id := range s.bIDs {
		if outerOf[id]&sBuilding != 0 {
			continue
		}
		if r, ok := s.ring(s.bNodes[s.bOff[i]:s.bOff[i+1]]); ok {
			s.building(MultiPolygon{{r}})
		} else {
			st.Dropped++
		}
	}
	for _, f := range relAreas {
		f()
	}
	slices.SortFunc(s.out.Boundaries, func(a, b Boundary) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(s.out.Places, func(a, b SettlementPlace) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), cmp.Compare(a.ID, b.ID))
	})
	st.Places = len(s.out.Places)
	st.Residential = len(s.out.Residential)
	st.Buildings = len(s.out.Buildings)
	s.rels, s.ways, s.bIDs, s.bNodes, s.bOff, s.nodes = nil, nil, nil, nil, nil, nodeStore{}
	return &s.out
}

// earthRadius is the mean earth radius in metres (IUGG).
const earthRadius = 6_371_008.8

// sinusoidal projects p onto the sinusoidal projection centred on lon0, in
// metres.
func sinusoidal(p [2]float64, lon0 float64) (x, y float64) {
	const k = math.Pi / 180 * earthRadius
	return (p[0] - lon0) * k * math.Cos(p[1]*math.Pi/180), p[1] * k
}

// ringMoments returns a ring's signed area (m2) and the area-weighted sums
// of its centroid coordinates on the sinusoidal projection centred on lon0.
func ringMoments(r Ring, lon0 float64) (a, cx, cy float64) {
	if len(r) < 4 {
		return 0, 0, 0
	}
	x0, y0 := sinusoidal(r[0], lon0)
	px, py := 0.0, 0.0 // relative to the first point, for precision
	for i := 1; i < len(r); i++ {
		x, y := sinusoidal(r[i], lon0)
		x, y = x-x0, y-y0
		c := px*y - x*py
		a += c
		cx += (px + x) * c
		cy += (py + y) * c
		px, py = x, y
	}
	a /= 2
	if a == 0 {
		return 0, 0, 0
	}
	// Centroid relative to the first point, moved back.
	return a, (cx/(6*a) + x0) * a, (cy/(6*a) + y0) * a
}

// meanLon is the mean longitude of a multipolygon's outer rings' points.
func (m MultiPolygon) meanLon() float64 {
	sum, n := 0.0, 0
	for _, p := range m {
		if len(p) == 0 {
			continue
		}
		for _, q := range p[0] {
			sum += q[0]
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// Area returns the area in square metres: outer rings minus holes (each
// ring's orientation ignored), on the sinusoidal equal-area projection.
func (m MultiPolygon) Area() float64 {
	lon0 := m.meanLon()
	total := 0.0
	for _, p := range m {
		for j, r := range p {
			a, _, _ := ringMoments(r, lon0)
			if j == 0 {
				total += math.Abs(a)
			} else {
				total -= math.Abs(a)
			}
		}
	}
	return total
}

// Area returns the ring's area in square metres.
func (r Ring) Area() float64 { return MultiPolygon{{r}}.Area() }

// Centroid returns the area centroid (lon, lat) of m, holes subtracted; the
// mean of the outer rings' points when the area is zero.
func (m MultiPolygon) Centroid() [2]float64 {
	lon0 := m.meanLon()
	var A, X, Y float64
	for _, p := range m {
		for j, r := range p {
			a, cx, cy := ringMoments(r, lon0)
			sign := 1.0
			if (a < 0) != (j > 0) { // outer rings count positive, holes negative
				sign = -1
			}
			A += sign * a
			X += sign * cx
			Y += sign * cy
		}
	}
	if A == 0 {
		sumLat, n := 0.0, 0
		for _, p := range m {
			if len(p) > 0 {
				for _, q := range p[0] {
					sumLat += q[1]
					n++
				}
			}
		}
		if n == 0 {
			return [2]float64{}
		}
		return [2]float64{lon0, sumLat / float64(n)}
	}
	const k = math.Pi / 180 * earthRadius
	lat := Y / A / k
	return [2]float64{lon0 + X/A/k/math.Cos(lat*math.Pi/180), lat}
}
