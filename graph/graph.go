package graph

import (
	"fmt"
	"math"
)

// Inf is the travel time of a node that was not reached.
const Inf = math.MaxUint32

// E7 is the fixed-point scale of stored coordinates.
const E7 = 1e7

// Point is a WGS-84 position, longitude first as in GeoJSON.
type Point struct{ Lon, Lat float64 }

func (p Point) String() string { return fmt.Sprintf("%.6f,%.6f", p.Lon, p.Lat) }

func toE7(v float64) int32   { return int32(math.Round(v * E7)) }
func fromE7(v int32) float64 { return float64(v) / E7 }

// Class is a road class, following the OSM highway hierarchy. Scenario roads
// use the class they are given.
type Class uint8

// Road classes. Order matters only for display (higher classes first).
const (
	ClassUnknown Class = iota
	Motorway
	MotorwayLink
	Trunk
	TrunkLink
	Primary
	PrimaryLink
	Secondary
	SecondaryLink
	Tertiary
	TertiaryLink
	Unclassified
	Residential
	LivingStreet
	Service
	Track
	Road
	numClasses
)

var classNames = [...]string{
	ClassUnknown:  "unknown",
	Motorway:      "motorway",
	MotorwayLink:  "motorway_link",
	Trunk:         "trunk",
	TrunkLink:     "trunk_link",
	Primary:       "primary",
	PrimaryLink:   "primary_link",
	Secondary:     "secondary",
	SecondaryLink: "secondary_link",
	Tertiary:      "tertiary",
	TertiaryLink:  "tertiary_link",
	Unclassified:  "unclassified",
	Residential:   "residential",
	LivingStreet:  "living_street",
	Service:       "service",
	Track:         "track",
	Road:          "road",
}

// NumClasses is the number of road classes, ClassUnknown included.
const NumClasses = int(numClasses)

func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("class(%d)", c)
}

// ParseClass maps an OSM highway value to a Class.
func ParseClass(s string) (Class, bool) {
	for i, n := range classNames {
		if n == s && i != int(ClassUnknown) {
			return Class(i), true
		}
	}
	return ClassUnknown, false
}

// ClassNames lists the known class names in hierarchy order.
func ClassNames() []string {
	return append([]string(nil), classNames[1:]...)
}

// Segment flags.
const (
	// Forward: the segment can be driven From -> To.
	Forward uint8 = 1 << iota
	// Backward: the segment can be driven To -> From.
	Backward
	// Controlled: controlled-access road (expressway mainline or ramp); it
	// gives no access to the land beside it.
	Controlled
	// Added: the segment was added by a scenario, not read from the extract.
	Added
	// Closed: the segment exists but cannot be driven (a closure, or a road
	// under construction that a scenario may open); its arcs weigh Inf.
	Closed
	// Planned: read from highway=construction/proposed; closed in the base.
	Planned
)

// weight is the arc weight of a segment in one direction.
func (s *Segment) weight(backward bool) uint32 {
	if s.Flags&Closed != 0 {
		return Inf
	}
	kmh := s.SpeedFwd
	if backward {
		kmh = s.SpeedBwd
	}
	return TimeMillis(s.Length, float64(kmh))
}

// Segment is one piece of road between two graph nodes along one way.
type Segment struct {
	From, To int32   // graph nodes; geometry runs From -> To
	Length   float64 // metres along the geometry
	WayID    int64   // source way id (negative for scenario roads)
	Name     uint32  // index into Graph.Strings
	Ref      uint32  // index into Graph.Strings
	SpeedFwd float32 // km/h From -> To, 0 if not drivable
	SpeedBwd float32 // km/h To -> From, 0 if not drivable
	Class    Class
	Flags    uint8
}

// Adjacency is one direction of the graph in compressed-sparse-row form: the
// arcs leaving node v are First[v]..First[v+1]-1 (Arcs); for the reverse
// adjacency "leaving" means "entering" in the real network. Each arc is one
// word holding its head and weight, read with Head and Weight, and its
// segment key Seg. Arc indices are uint32, like the offsets.
type Adjacency struct {
	First []uint32 // len NumNodes+1
	Seg   []uint32 // segment<<1 | 1 when the arc runs against the segment's geometry

	// packed holds head<<32 | weight (milliseconds) per arc: the only
	// store of both, so that the search loop reads one word per arc.
	packed []uint64
}

// arcWord packs an arc's head and weight into its word.
func arcWord(head int32, weight uint32) uint64 { return uint64(uint32(head))<<32 | uint64(weight) }

// NumArcs returns the number of arcs.
func (a *Adjacency) NumArcs() int { return len(a.packed) }

// Arcs returns the arcs of node v, first to end-1:
//
//	for a, end := adj.Arcs(v); a < end; a++ { ... adj.Head(a) ... }
func (a *Adjacency) Arcs(v int32) (first, end uint32) { return a.First[v], a.First[v+1] }

// Head returns the other end of arc i (for the reverse adjacency the tail
// of the real arc).
func (a *Adjacency) Head(i uint32) int32 { return int32(a.packed[i] >> 32) }

// Weight returns the travel time of arc i in milliseconds (Inf: closed).
func (a *Adjacency) Weight(i uint32) uint32 { return uint32(a.packed[i]) }

// Graph is a directed road network. All slices are read-only after Build or
// Decode; share a Graph freely between goroutines.
type Graph struct {
	NodeID  []int64 // source node id per node (OSM id, negative for scenario nodes)
	NodeLon []int32 // 1e-7 degrees
	NodeLat []int32

	Segments   []Segment
	ShapeFirst []uint32 // len(Segments)+1; inner shape points of segment s are ShapeFirst[s]..ShapeFirst[s+1]-1
	ShapeLon   []int32
	ShapeLat   []int32

	Strings []string // names and refs; Strings[0] == ""

	Out Adjacency // forward arcs
	In  Adjacency // reverse arcs: Head(a) is the tail of the real arc

	// open has bit s set when segment s has an arc of weight below Inf
	// (derived from Out by openSegments: one bit a segment, so that
	// snapping tests it without looking for the arcs).
	open []uint64

	// Component gives each node's strongly connected component, numbered by
	// decreasing size (0 is the largest). CompSize[c] is its node count.
	Component []int32
	CompSize  []int32

	Meta Meta

	// CH is an optional contraction hierarchy for fast matrices (BuildCH);
	// it belongs to these weights only (CH.Valid), so graphs made with
	// WithEdits or rebuilt by a scenario drop it.
	CH *CH

	snap *snapIndex
}

// Meta describes where a graph came from; it is stored in the file header.
type Meta struct {
	SourceName   string   // base name of the extract
	SourceSHA256 [32]byte // checksum of the extract bytes
	ProfileHash  [32]byte // hash of the speed profile used
	Stats        BuildStats
}

// BuildStats counts what the builder saw and skipped.
type BuildStats struct {
	Ways            int64 // routable ways used
	SkippedWays     int64 // road ways that were not routable (access, unknown class, ...)
	MissingNodeRefs int64 // node references not found in the extract (clipped)
	ClippedWays     int64 // ways with at least one missing node
	ShortWays       int64 // ways with fewer than two usable nodes
	PlannedWays     int64 // highway=construction/proposed ways kept closed
}

// NumNodes returns the number of nodes.
func (g *Graph) NumNodes() int { return len(g.NodeLon) }

// NumArcs returns the number of directed arcs.
func (g *Graph) NumArcs() int { return g.Out.NumArcs() }

// Node returns the position of node v.
func (g *Graph) Node(v int32) Point {
	return Point{fromE7(g.NodeLon[v]), fromE7(g.NodeLat[v])}
}

// String returns Strings[i] or "" when out of range.
func (g *Graph) String(i uint32) string {
	if int(i) < len(g.Strings) {
		return g.Strings[i]
	}
	return ""
}

// Shape returns the full geometry of segment s, From to To, appended to dst.
func (g *Graph) Shape(dst []Point, s int32) []Point {
	seg := &g.Segments[s]
	dst = append(dst, g.Node(seg.From))
	for i := g.ShapeFirst[s]; i < g.ShapeFirst[s+1]; i++ {
		dst = append(dst, Point{fromE7(g.ShapeLon[i]), fromE7(g.ShapeLat[i])})
	}
	return append(dst, g.Node(seg.To))
}

// SegArc returns the Out arc of segment s driven forward (From -> To) or
// backward, or -1 when the segment cannot be driven that way. It scans the
// arcs leaving that direction's tail for the segment's key (2.4 arcs a node
// on road graphs), so a graph holds no table from segments to arcs.
func (g *Graph) SegArc(s int32, backward bool) int32 {
	seg := &g.Segments[s]
	tail, key := seg.From, uint32(s)<<1
	if backward {
		tail, key = seg.To, key|1
	}
	for a, end := g.Out.Arcs(tail); a < end; a++ {
		if g.Out.Seg[a] == key {
			return int32(a)
		}
	}
	return -1
}

// openSegments returns a bit per segment, set when the segment has an arc
// in adj of weight below Inf. Arc segments out of range (a hostile file,
// refused by its checks) are skipped.
func openSegments(adj *Adjacency, segments int) []uint64 {
	bits := make([]uint64, (segments+63)/64)
	for a, k := range adj.Seg {
		if s := k >> 1; s < uint32(segments) && uint32(adj.packed[a]) != Inf {
			bits[s>>6] |= 1 << (s & 63)
		}
	}
	return bits
}

// ArcWeight returns the weight of segment s in the given direction and
// whether that direction is open.
func (g *Graph) ArcWeight(s int32, backward bool) (uint32, bool) {
	a := g.SegArc(s, backward)
	if a < 0 {
		return 0, false
	}
	return g.Out.Weight(uint32(a)), true
}

// MainComponent reports whether node v belongs to a component that snapping
// may use: the largest one, or any with at least minSize nodes when minSize>0.
func (g *Graph) snappable(v int32, minSize int32) bool {
	c := g.Component[v]
	if c == 0 {
		return true
	}
	return minSize > 0 && g.CompSize[c] >= minSize
}

// Bounds returns the bounding box of all nodes and shape points.
func (g *Graph) Bounds() (min, max Point) {
	if g.NumNodes() == 0 {
		return
	}
	minLon, minLat := int32(math.MaxInt32), int32(math.MaxInt32)
	maxLon, maxLat := int32(math.MinInt32), int32(math.MinInt32)
	upd := func(lon, lat []int32) {
		for i := range lon {
			minLon, maxLon = min32(minLon, lon[i]), max32(maxLon, lon[i])
			minLat, maxLat = min32(minLat, lat[i]), max32(maxLat, lat[i])
		}
	}
	upd(g.NodeLon, g.NodeLat)
	upd(g.ShapeLon, g.ShapeLat)
	return Point{fromE7(minLon), fromE7(minLat)}, Point{fromE7(maxLon), fromE7(maxLat)}
}

func min32(a, b int32) int32 {
	if a < b {
		return a
	}
	return b
}

func max32(a, b int32) int32 {
	if a > b {
		return a
	}
	return b
}

// TimeMillis converts a length in metres and a speed in km/h to milliseconds,
// rounded to the nearest millisecond. A speed <= 0 gives Inf.
func TimeMillis(metres float64, kmh float64) uint32 {
	if kmh <= 0 || math.IsNaN(kmh) {
		return Inf
	}
	ms := math.Round(metres / (kmh / 3.6) * 1000)
	if ms >= Inf {
		return Inf - 1
	}
	return uint32(ms)
}

// NodeByID returns the node whose source id is id (linear scan; callers that
// look up many ids should build their own map).
func (g *Graph) NodeByID(id int64) (int32, bool) {
	for i, x := range g.NodeID {
		if x == id {
			return int32(i), true
		}
	}
	return -1, false
}
