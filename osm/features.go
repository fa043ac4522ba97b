package osm

// Feature reading: one part of ReadExtract's passes (see extract.go),
// each keeping only what place detection needs, so memory follows the kept
// features, not the file.
//
//  1. relations: railway stations mapped as relations (their node and way
//     members) and administrative boundaries at the chosen admin_level
//     (their admin_centre or label node);
//  2. ways: stations mapped as ways, the ways those station relations use,
//     and high-speed or main-line rail (highspeed=yes or usage=main);
//  3. nodes: place, station, motorway_junction and toll_booth nodes, and the
//     coordinates (and tags) of the nodes passes 1 and 2 asked for.
//
// The node ids wanted by passes 1-2 are kept in a sorted slice, looked up by
// binary search inside the parallel PBF decoders (read-only there). Ways and
// relations whose nodes are missing from a clipped extract keep the nodes
// that are present; a feature with none left is dropped and counted.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	posm "github.com/paulmach/osm"

	"github.com/fastroad/fastroad/graph"
)

// FeatureOptions configure ReadFeatures.
type FeatureOptions struct {
	// AdminLevel selects the administrative boundaries whose admin centres
	// are towns (China: 6, county level). 0 reads no boundaries.
	AdminLevel int
	// PlaceValues are the place=* values kept (nil: city, town, village).
	PlaceValues []string
	// Procs is the number of PBF decoding goroutines (<= 0: GOMAXPROCS).
	Procs int
}

// Feature is one OSM object kept for place detection, with the position of
// a node or the centroid of a way's or relation's nodes.
type Feature struct {
	Type     string // "node", "way" or "relation"
	ID       int64
	Lon, Lat float64
	// Tags holds only the keys place detection reads (see FeatureTags).
	Tags map[string]string
}

// Ref returns the object as "node/123", "way/45" or "relation/6", the
// form osm.org URLs use.
func (f *Feature) Ref() string { return f.Type + "/" + strconv.FormatInt(f.ID, 10) }

// Rail is a railway way tagged highspeed=yes or usage=main. Parts are runs of
// consecutive nodes present in the extract (one part unless clipped).
type Rail struct {
	ID        int64
	HighSpeed bool   // highspeed=yes
	Usage     string // usage=*
	Name      string
	Parts     [][]graph.Point
}

// Admin is an administrative boundary relation at the chosen level and its
// centre node (nil when the relation names none or the node is missing).
type Admin struct {
	ID                   int64
	Level                int
	Name, NameZh, NameEn string
	Centre               *Feature
	CentreRole           string // "admin_centre" or "label"
}

// FeatureStats counts what clipped or odd input made ReadFeatures skip.
type FeatureStats struct {
	MissingNodeRefs int64 // node references of kept stations and rails not in the extract
	Incomplete      int64 // kept features with some of their nodes missing
	Dropped         int64 // features dropped because none of their nodes is present
	// MissingCentres counts boundaries whose admin_centre or label node is
	// not in the extract (typically neighbouring areas cut at its edge).
	MissingCentres int64
}

// Features is what ReadFeatures keeps, each list sorted by type and id.
type Features struct {
	Places     []Feature // place=city/town/village nodes (FeatureOptions.PlaceValues)
	Stations   []Feature // railway=station|halt or public_transport=station+train=yes
	Rails      []Rail
	Junctions  []Feature // highway=motorway_junction nodes
	TollBooths []Feature // barrier=toll_booth nodes
	Admins     []Admin
	Stats      FeatureStats
}

// FeatureTags are the keys kept in Feature.Tags.
var FeatureTags = []string{
	"name", "name:zh", "name:en", "official_name", "place", "population", "capital",
	"railway", "public_transport", "train", "station", "subway", "light_rail", "tram",
	"operator", "network", "brand", "railway:ref", "uic_ref", "usage", "highspeed",
	"highway", "barrier", "ref", "ref:zh", "junction:ref", "noref",
}

func keepTags(ts posm.Tags) map[string]string {
	m := make(map[string]string, 4)
	for _, t := range ts {
		if slices.Contains(FeatureTags, t.Key) {
			m[t.Key] = t.Value
		}
	}
	return m
}

// isStation reports whether tags mark a railway station or halt.
func isStation(tags posm.Tags) bool {
	switch tags.Find("railway") {
	case "station", "halt":
		return true
	}
	return tags.Find("public_transport") == "station" && tags.Find("train") == "yes"
}

func isRail(tags posm.Tags) (hs bool, usage string, ok bool) {
	if tags.Find("railway") != "rail" {
		return false, "", false
	}
	hs = tags.Find("highspeed") == "yes"
	usage = tags.Find("usage")
	return hs, usage, hs || usage == "main"
}

// featureReader holds the state between the passes.
type featureReader struct {
	opt    FeatureOptions
	places []string
	out    Features

	stRels  []*posm.Relation // station relations
	adRels  []*posm.Relation // admin relations
	relWays []int64          // sorted way ids used by station relations
	ways    map[int64][]int64
	wayTags map[int64]posm.Tags // ways kept for themselves (stations, rails)
	need    []int64             // sorted node ids whose coordinates are wanted
	coords  map[int64]graph.Point
	nodes   map[int64]*Feature // wanted nodes with their tags (admin centres)
}

// ReadFeatures reads the places, stations, rail lines, junctions, toll
// booths and administrative centres of the extract that open returns.
func ReadFeatures(ctx context.Context, open Opener, opt FeatureOptions) (*Features, error) {
	fr := newFeatureReader(opt)
	if err := readParts(ctx, open, opt.Procs, []consumer{fr}); err != nil {
		return nil, fmt.Errorf("read features: %w", err)
	}
	return fr.result(), nil
}

func newFeatureReader(opt FeatureOptions) *featureReader {
	fr := &featureReader{opt: opt, places: opt.PlaceValues,
		ways: map[int64][]int64{}, wayTags: map[int64]posm.Tags{},
		coords: map[int64]graph.Point{}, nodes: map[int64]*Feature{}}
	if fr.places == nil {
		fr.places = []string{"city", "town", "village"}
	}
	return fr
}

func (fr *featureReader) result() *Features {
	fr.assemble()
	return &fr.out
}

func (fr *featureReader) readsRelations() bool { return true }
func (fr *featureReader) endWays()             { fr.collectNeeded() }
func (fr *featureReader) endNodes() error      { return nil }

// filterNode only asks: the coordinates are stored by node.
func (fr *featureReader) filterNode(n *posm.Node) bool { return fr.wantNode(n) }

func (fr *featureReader) wantRelation(rel *posm.Relation) bool {
	if isStation(rel.Tags) {
		return true
	}
	if fr.opt.AdminLevel > 0 && rel.Tags.Find("boundary") == "administrative" {
		return rel.Tags.Find("admin_level") == strconv.Itoa(fr.opt.AdminLevel)
	}
	return false
}

func (fr *featureReader) relation(rel *posm.Relation) {
	if isStation(rel.Tags) {
		fr.stRels = append(fr.stRels, rel)
		for _, m := range rel.Members {
			if m.Type == posm.TypeWay {
				fr.relWays = append(fr.relWays, m.Ref)
			}
		}
	} else {
		fr.adRels = append(fr.adRels, rel)
	}
}

func (fr *featureReader) endRelations() {
	slices.Sort(fr.relWays)
	fr.relWays = slices.Compact(fr.relWays)
}

func (fr *featureReader) wantWay(w *posm.Way) bool {
	if isStation(w.Tags) {
		return true
	}
	if _, _, ok := isRail(w.Tags); ok {
		return true
	}
	_, found := slices.BinarySearch(fr.relWays, int64(w.ID))
	return found
}

func (fr *featureReader) way(w *posm.Way) {
	ids := make([]int64, len(w.Nodes))
	for i, n := range w.Nodes {
		ids[i] = int64(n.ID)
	}
	fr.ways[int64(w.ID)] = ids
	_, _, rail := isRail(w.Tags)
	if isStation(w.Tags) || rail {
		fr.wayTags[int64(w.ID)] = w.Tags
	}
}

// collectNeeded lists the node ids whose coordinates passes 1-2 asked for.
func (fr *featureReader) collectNeeded() {
	var need []int64
	for _, ids := range fr.ways {
		need = append(need, ids...)
	}
	for _, rel := range fr.stRels {
		for _, m := range rel.Members {
			if m.Type == posm.TypeNode {
				need = append(need, m.Ref)
			}
		}
	}
	for _, rel := range fr.adRels {
		if m, ok := centreMember(rel); ok {
			need = append(need, m.Ref)
		}
	}
	slices.Sort(need)
	fr.need = slices.Compact(need)
}

// centreMember returns a boundary's admin_centre node member, or its label
// node when it has no admin_centre.
func centreMember(rel *posm.Relation) (posm.Member, bool) {
	var label posm.Member
	hasLabel := false
	for _, m := range rel.Members {
		if m.Type != posm.TypeNode {
			continue
		}
		switch m.Role {
		case "admin_centre":
			return m, true
		case "label":
			if !hasLabel {
				label, hasLabel = m, true
			}
		}
	}
	return label, hasLabel
}

// nodeKind classifies a node's tags: 'p' place, 's' station, 'j' junction,
// 't' toll booth, 0 nothing of interest.
func (fr *featureReader) nodeKind(tags posm.Tags) byte {
	if len(tags) == 0 {
		return 0
	}
	if p := tags.Find("place"); p != "" && slices.Contains(fr.places, p) {
		return 'p'
	}
	if isStation(tags) {
		return 's'
	}
	if tags.Find("highway") == "motorway_junction" {
		return 'j'
	}
	if tags.Find("barrier") == "toll_booth" {
		return 't'
	}
	return 0
}

func (fr *featureReader) wantNode(n *posm.Node) bool {
	if fr.nodeKind(n.Tags) != 0 {
		return true
	}
	_, found := slices.BinarySearch(fr.need, int64(n.ID))
	return found
}

func (fr *featureReader) node(n *posm.Node) {
	id := int64(n.ID)
	kind := fr.nodeKind(n.Tags)
	_, needed := slices.BinarySearch(fr.need, id)
	if kind == 0 && !needed {
		return
	}
	if needed {
		fr.coords[id] = graph.Point{Lon: n.Lon, Lat: n.Lat}
		fr.nodes[id] = &Feature{Type: "node", ID: id, Lon: n.Lon, Lat: n.Lat, Tags: keepTags(n.Tags)}
	}
	ft := Feature{Type: "node", ID: id, Lon: n.Lon, Lat: n.Lat}
	switch kind {
	case 'p':
		ft.Tags = keepTags(n.Tags)
		fr.out.Places = append(fr.out.Places, ft)
	case 's':
		ft.Tags = keepTags(n.Tags)
		fr.out.Stations = append(fr.out.Stations, ft)
	case 'j':
		ft.Tags = keepTags(n.Tags)
		fr.out.Junctions = append(fr.out.Junctions, ft)
	case 't':
		ft.Tags = keepTags(n.Tags)
		fr.out.TollBooths = append(fr.out.TollBooths, ft)
	}
}

// centroid returns the centroid of the present nodes of ids, and counts the
// missing ones: the area centroid of a closed ring (first node repeated at
// the end) with all nodes present, else the mean of the present nodes.
func (fr *featureReader) centroid(ids []int64) (c graph.Point, present, missing int) {
	closed := len(ids) > 3 && ids[0] == ids[len(ids)-1]
	if closed {
		ids = ids[:len(ids)-1]
	}
	pts := make([]graph.Point, 0, len(ids))
	for _, id := range ids {
		p, ok := fr.coords[id]
		if !ok {
			missing++
			continue
		}
		pts = append(pts, p)
	}
	if len(pts) == 0 {
		return c, 0, missing
	}
	for _, p := range pts {
		c.Lon += p.Lon
		c.Lat += p.Lat
	}
	c.Lon /= float64(len(pts))
	c.Lat /= float64(len(pts))
	if closed && missing == 0 && len(pts) >= 3 {
		// Shoelace formula relative to the mean, which keeps it exact
		// enough in degrees over a station's extent.
		var a, cx, cy float64
		for i := range pts {
			x0, y0 := pts[i].Lon-c.Lon, pts[i].Lat-c.Lat
			j := (i + 1) % len(pts)
			x1, y1 := pts[j].Lon-c.Lon, pts[j].Lat-c.Lat
			cr := x0*y1 - x1*y0
			a += cr
			cx += (x0 + x1) * cr
			cy += (y0 + y1) * cr
		}
		if a != 0 {
			c.Lon += cx / (3 * a)
			c.Lat += cy / (3 * a)
		}
	}
	return c, len(pts), missing
}

// finish sets f's position, or counts it as dropped when nothing of it is
// present.
func (fr *featureReader) finish(f Feature, c graph.Point, present, missing int, dst *[]Feature) {
	fr.out.Stats.MissingNodeRefs += int64(missing)
	if present == 0 {
		fr.out.Stats.Dropped++
		return
	}
	if missing > 0 {
		fr.out.Stats.Incomplete++
	}
	f.Lon, f.Lat = c.Lon, c.Lat
	*dst = append(*dst, f)
}

func (fr *featureReader) assemble() {
	// Ways kept for themselves: stations (centroid) and rails (geometry).
	wayIDs := make([]int64, 0, len(fr.wayTags))
	for id := range fr.wayTags {
		wayIDs = append(wayIDs, id)
	}
	slices.Sort(wayIDs)
	for _, id := range wayIDs {
		tags, ids := fr.wayTags[id], fr.ways[id]
		if isStation(tags) {
			c, present, missing := fr.centroid(ids)
			fr.finish(Feature{Type: "way", ID: id, Tags: keepTags(tags)}, c, present, missing, &fr.out.Stations)
		}
		if hs, usage, ok := isRail(tags); ok {
			rl := Rail{ID: id, HighSpeed: hs, Usage: usage, Name: tags.Find("name")}
			var part []graph.Point
			missing := 0
			for _, nid := range ids {
				p, ok := fr.coords[nid]
				if !ok {
					missing++
					if len(part) >= 2 {
						rl.Parts = append(rl.Parts, part)
					}
					part = nil
					continue
				}
				part = append(part, p)
			}
			if len(part) >= 2 {
				rl.Parts = append(rl.Parts, part)
			}
			fr.out.Stats.MissingNodeRefs += int64(missing)
			switch {
			case len(rl.Parts) == 0:
				fr.out.Stats.Dropped++
			default:
				if missing > 0 {
					fr.out.Stats.Incomplete++
				}
				fr.out.Rails = append(fr.out.Rails, rl)
			}
		}
	}
	// Station relations: centroid of node members and member ways' nodes.
	slices.SortFunc(fr.stRels, func(a, b *posm.Relation) int { return cmp.Compare(a.ID, b.ID) })
	for _, rel := range fr.stRels {
		// Each node member and each way member (at its centroid) counts
		// once; nested relations are not followed.
		var sum graph.Point
		n, missing := 0, 0
		for _, m := range rel.Members {
			var ids []int64
			switch m.Type {
			case posm.TypeNode:
				ids = []int64{m.Ref}
			case posm.TypeWay:
				var ok bool
				if ids, ok = fr.ways[m.Ref]; !ok {
					missing++ // the way itself is not in the extract
					continue
				}
			default:
				continue
			}
			c, present, miss := fr.centroid(ids)
			missing += miss
			if present > 0 {
				sum.Lon += c.Lon
				sum.Lat += c.Lat
				n++
			}
		}
		if n > 0 {
			sum.Lon /= float64(n)
			sum.Lat /= float64(n)
		}
		fr.finish(Feature{Type: "relation", ID: int64(rel.ID), Tags: keepTags(rel.Tags)}, sum, n, missing, &fr.out.Stations)
	}
	// Admin boundaries and their centres.
	slices.SortFunc(fr.adRels, func(a, b *posm.Relation) int { return cmp.Compare(a.ID, b.ID) })
	for _, rel := range fr.adRels {
		a := Admin{ID: int64(rel.ID), Level: fr.opt.AdminLevel,
			Name: rel.Tags.Find("name"), NameZh: rel.Tags.Find("name:zh"), NameEn: rel.Tags.Find("name:en")}
		if m, ok := centreMember(rel); ok {
			a.CentreRole = m.Role
			if n, ok := fr.nodes[m.Ref]; ok {
				a.Centre = n
			} else {
				fr.out.Stats.MissingCentres++
			}
		}
		fr.out.Admins = append(fr.out.Admins, a)
	}
	for _, l := range []*[]Feature{&fr.out.Places, &fr.out.Stations, &fr.out.Junctions, &fr.out.TollBooths} {
		slices.SortFunc(*l, func(a, b Feature) int {
			if c := strings.Compare(a.Type, b.Type); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
	}
	fr.stRels, fr.adRels, fr.ways, fr.wayTags, fr.coords, fr.nodes = nil, nil, nil, nil, nil, nil
}
