package mosaic

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"

	posm "github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

// Options configure Write.
type Options struct {
	// N is the number of copies along each side (N x N copies), 1..MaxN.
	N int
	// DLon, DLat are the shifts between neighbouring copies in degrees;
	// 0 means the span of the source's nodes (copies touch, no overlap).
	DLon, DLat float64
	// RoadsOnly keeps only ways tagged highway or railway, the nodes they
	// use and the tagged nodes (places, stations, junctions), and drops
	// relations: what building the graph, places and access read.
	RoadsOnly bool
	// Seams is the number of roads joining each pair of neighbouring
	// copies (0 means 4), at most MaxSeams.
	Seams int
	// Procs is the number of PBF decoding goroutines (<= 0: GOMAXPROCS).
	Procs int
}

// Limits of Options.
const (
	MaxN     = 64
	MaxSeams = 64
)

// Stats says what Write wrote.
type Stats struct {
	Copies                  int
	Nodes, Ways, Relations  int64 // in the mosaic, seam roads included
	SeamWays                int64
	Bytes                   int64
	DLon, DLat              float64 // shifts used, degrees
	MinLon, MinLat          float64 // bounding box of the mosaic
	MaxLon, MaxLat          float64
	SourceNodes, SourceWays int64 // kept from the source, one copy
}

// source is one copy of the extract in memory, flat.
type source struct {
	nodeID   []int64
	lon, lat []int64 // E7
	nodeTag  []int32 // index into tags, -1 when untagged
	tags     [][][2]string
	wayID    []int64
	wayFirst []int32 // refs of way i are refs[wayFirst[i]:wayFirst[i+1]]
	refs     []int64
	wayTag   []int32
	rels     []*posm.Relation
	maxNode  int64
	maxWay   int64
	maxRel   int64
}

func tagList(t posm.Tags) [][2]string {
	out := make([][2]string, len(t))
	for i, x := range t {
		out[i] = [2]string{x.Key, x.Value}
	}
	return out
}

// keepWay reports whether a roads-only mosaic keeps a way with these tags.
func keepWay(t posm.Tags) bool {
	return t.Find("highway") != "" || t.Find("railway") != ""
}

// load reads the source PBF into memory in one pass.
func load(ctx context.Context, r io.Reader, opt Options) (*source, error) {
	procs := opt.Procs
	if procs <= 0 {
		procs = runtime.GOMAXPROCS(0)
	}
	sc := osmpbf.New(ctx, r, procs)
	defer sc.Close()
	s := &source{wayFirst: []int32{0}}
	for sc.Scan() {
		switch o := sc.Object().(type) {
		case *posm.Node:
			s.nodeID = append(s.nodeID, int64(o.ID))
			s.lon = append(s.lon, int64(math.Round(o.Lon*1e7)))
			s.lat = append(s.lat, int64(math.Round(o.Lat*1e7)))
			t := int32(-1)
			if len(o.Tags) > 0 {
				t = int32(len(s.tags))
				s.tags = append(s.tags, tagList(o.Tags))
			}
			s.nodeTag = append(s.nodeTag, t)
			s.maxNode = max(s.maxNode, int64(o.ID))
		case *posm.Way:
			if opt.RoadsOnly && !keepWay(o.Tags) {
				continue
			}
			s.wayID = append(s.wayID, int64(o.ID))
			for _, n := range o.Nodes {
				s.refs = append(s.refs, int64(n.ID))
			}
			s.wayFirst = append(s.wayFirst, int32(len(s.refs)))
			s.wayTag = append(s.wayTag, int32(len(s.tags)))
			s.tags = append(s.tags, tagList(o.Tags))
			s.maxWay = max(s.maxWay, int64(o.ID))
		case *posm.Relation:
			if opt.RoadsOnly {
				continue
			}
			s.rels = append(s.rels, o)
			s.maxRel = max(s.maxRel, int64(o.ID))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	if len(s.nodeID) == 0 {
		return nil, fmt.Errorf("read source: no nodes")
	}
	if !slices.IsSorted(s.nodeID) {
		return nil, fmt.Errorf("read source: node ids are not sorted (sort it with osmium sort first)")
	}
	if opt.RoadsOnly {
		s.dropUnused()
	}
	return s, nil
}

// dropUnused keeps the nodes that are tagged or used by a kept way.
func (s *source) dropUnused() {
	used := slices.Clone(s.refs)
	slices.Sort(used)
	used = slices.Compact(used)
	k := 0
	for i, id := range s.nodeID {
		if _, ok := slices.BinarySearch(used, id); !ok && s.nodeTag[i] < 0 {
			continue
		}
		s.nodeID[k], s.lon[k], s.lat[k], s.nodeTag[k] = id, s.lon[i], s.lat[i], s.nodeTag[i]
		k++
	}
	s.nodeID, s.lon, s.lat, s.nodeTag = s.nodeID[:k], s.lon[:k], s.lat[:k], s.nodeTag[:k]
}

// stride returns the id offset between copies: the power of ten above max.
func stride(max int64) int64 {
	s := int64(10)
	for s <= max {
		s *= 10
	}
	return s
}

// seamClasses are the classes seam roads start from: two-way ordinary
// roads, in the network's main component in any real extract.
var seamClasses = map[string]bool{"trunk": true, "primary": true, "secondary": true, "tertiary": true}

// ends picks, for each of k bands, the candidate node farthest towards
// each side: east/west ends in latitude bands, north/south ends in
// longitude bands. Indices are into s.nodeID; -1 for an empty band.
func (s *source) ends(k int, minLon, minLat, maxLon, maxLat int64) (east, west, north, south []int) {
	cand := make([]bool, len(s.nodeID))
	for w := range s.wayID {
		t := s.tags[s.wayTag[w]]
		hw, oneway := "", ""
		for _, x := range t {
			switch x[0] {
			case "highway":
				hw = x[1]
			case "oneway":
				oneway = x[1]
			}
		}
		if !seamClasses[hw] || (oneway != "" && oneway != "no") {
			continue
		}
		for _, id := range s.refs[s.wayFirst[w]:s.wayFirst[w+1]] {
			if i, ok := slices.BinarySearch(s.nodeID, id); ok {
				cand[i] = true
			}
		}
	}
	east, west, north, south = make([]int, k), make([]int, k), make([]int, k), make([]int, k)
	for b := range k {
		east[b], west[b], north[b], south[b] = -1, -1, -1, -1
	}
	band := func(v, lo, hi int64) int {
		if hi <= lo {
			return 0
		}
		return min(int((v-lo)*int64(k)/(hi-lo+1)), k-1)
	}
	for i, ok := range cand {
		if !ok {
			continue
		}
		bl := band(s.lat[i], minLat, maxLat)
		if east[bl] < 0 || s.lon[i] > s.lon[east[bl]] {
			east[bl] = i
		}
		if west[bl] < 0 || s.lon[i] < s.lon[west[bl]] {
			west[bl] = i
		}
		bo := band(s.lon[i], minLon, maxLon)
		if north[bo] < 0 || s.lat[i] > s.lat[north[bo]] {
			north[bo] = i
		}
		if south[bo] < 0 || s.lat[i] < s.lat[south[bo]] {
			south[bo] = i
		}
	}
	return
}

// Write reads the OSM PBF extract from src and writes to dst an N x N
// mosaic of it as OSM PBF: copy (i, j) (i east, j north, 0-based) is the
// extract shifted by (i-c)*DLon, (j-c)*DLat, c = (N-1)/2 (the mosaic is
// centred on the source), with node, way and relation ids
// offset by (j*N+i) times a power of ten above the source's largest id
// (copy 0 keeps the source ids). Each pair of neighbouring copies is
// joined by Seams two-way highway=primary roads (name "mosaic seam"),
// each from the outermost trunk/primary/secondary/tertiary node of one
// copy in a band to the facing outermost one of the next, so the mosaic
// is one network. The source's node ids must be sorted (as in any PBF
// from Geofabrik or osmium).
func Write(ctx context.Context, src io.Reader, dst io.Writer, opt Options) (Stats, error) {
	var st Stats
	if opt.N < 1 || opt.N > MaxN {
		return st, fmt.Errorf("copies per side %d out of range (1..%d)", opt.N, MaxN)
	}
	if opt.Seams == 0 {
		opt.Seams = 4
	}
	if opt.Seams < 1 || opt.Seams > MaxSeams {
		return st, fmt.Errorf("seam roads %d out of range (1..%d)", opt.Seams, MaxSeams)
	}
	for _, v := range []float64{opt.DLon, opt.DLat} {
		if math.IsNaN(v) || v < 0 || v > 90 {
			return st, fmt.Errorf("shift %v degrees out of range (0..90, 0 = the source's span)", v)
		}
	}
	s, err := load(ctx, src, opt)
	if err != nil {
		return st, err
	}
	minLon, maxLon := slices.Min(s.lon), slices.Max(s.lon)
	minLat, maxLat := slices.Min(s.lat), slices.Max(s.lat)
	dLon, dLat := int64(math.Round(opt.DLon*1e7)), int64(math.Round(opt.DLat*1e7))
	if dLon == 0 {
		dLon = maxLon - minLon + 1
	}
	if dLat == 0 {
		dLat = maxLat - minLat + 1
	}
	n := int64(opt.N)
	// Copies are centred on the source: copy (i, j) moves by (i-c, j-c)
	// shifts, c = (N-1)/2, so a large mosaic stays at moderate latitudes.
	c0 := (n - 1) / 2
	at := func(i int64) int64 { return i - c0 }
	st.MinLon, st.MinLat = float64(minLon+at(0)*dLon)/1e7, float64(minLat+at(0)*dLat)/1e7
	st.MaxLon, st.MaxLat = float64(maxLon+at(n-1)*dLon)/1e7, float64(maxLat+at(n-1)*dLat)/1e7
	if st.MinLon < -180 || st.MaxLon > 180 || st.MinLat < -90 || st.MaxLat > 90 {
		return st, fmt.Errorf("a %dx%d mosaic with shifts %.4f,%.4f degrees spans %.4f,%.4f to %.4f,%.4f: beyond 180 degrees of longitude or 90 of latitude (use fewer copies or smaller shifts)",
			opt.N, opt.N, float64(dLon)/1e7, float64(dLat)/1e7, st.MinLon, st.MinLat, st.MaxLon, st.MaxLat)
	}
	st.DLon, st.DLat = float64(dLon)/1e7, float64(dLat)/1e7
	st.Copies = opt.N * opt.N
	st.SourceNodes, st.SourceWays = int64(len(s.nodeID)), int64(len(s.wayID))
	nodeStride, wayStride, relStride := stride(s.maxNode), stride(s.maxWay), stride(s.maxRel)
	if float64(nodeStride)*float64(n*n+1) > math.MaxInt64/2 || float64(wayStride)*float64(n*n+1) > math.MaxInt64/2 {
		return st, fmt.Errorf("ids would overflow: largest node id %d, way id %d", s.maxNode, s.maxWay)
	}

	p := newPBFWriter(dst)
	p.header(minLon+at(0)*dLon, minLat+at(0)*dLat, maxLon+at(n-1)*dLon, maxLat+at(n-1)*dLat, "fastroad bench mosaic")
	copyOf := func(i, j int64) int64 { return j*n + i }

	// Nodes, copy by copy: ids stay sorted across the file.
	de := &denseEnc{st: newStrTable()}
	for j := range n {
		for i := range n {
			if err := ctx.Err(); err != nil {
				return st, err
			}
			off := copyOf(i, j) * nodeStride
			for k, id := range s.nodeID {
				var tags [][2]string
				if t := s.nodeTag[k]; t >= 0 {
					tags = s.tags[t]
				}
				de.add(id+off, s.lon[k]+at(i)*dLon, s.lat[k]+at(j)*dLat, tags)
				if de.n == blockMax {
					de.write(p)
				}
				st.Nodes++
			}
		}
	}
	de.write(p)

	// Ways, then the seam roads.
	we := &wayEnc{st: newStrTable()}
	var refs []int64
	for j := range n {
		for i := range n {
			if err := ctx.Err(); err != nil {
				return st, err
			}
			c := copyOf(i, j)
			for w, id := range s.wayID {
				refs = refs[:0]
				for _, r := range s.refs[s.wayFirst[w]:s.wayFirst[w+1]] {
					refs = append(refs, r+c*nodeStride)
				}
				we.add(id+c*wayStride, s.tags[s.wayTag[w]], refs)
				if we.n == blockMax {
					we.write(p)
				}
				st.Ways++
			}
		}
	}
	east, west, north, south := s.ends(opt.Seams, minLon, minLat, maxLon, maxLat)
	seamID := n * n * wayStride
	seamTags := [][2]string{{"highway", "primary"}, {"name", "mosaic seam"}}
	seam := func(a, b int, ca, cb int64) {
		if a < 0 || b < 0 {
			return
		}
		seamID++
		we.add(seamID, seamTags, []int64{s.nodeID[a] + ca*nodeStride, s.nodeID[b] + cb*nodeStride})
		if we.n == blockMax {
			we.write(p)
		}
		st.Ways++
		st.SeamWays++
	}
	for j := range n {
		for i := range n {
			for b := range opt.Seams {
				if i+1 < n {
					seam(east[b], west[b], copyOf(i, j), copyOf(i+1, j))
				}
				if j+1 < n {
					seam(north[b], south[b], copyOf(i, j), copyOf(i, j+1))
				}
			}
		}
	}
	we.write(p)

	// Relations.
	re := &relEnc{wayEnc{st: newStrTable()}}
	var mem []relMember
	for j := range n {
		for i := range n {
			c := copyOf(i, j)
			for _, r := range s.rels {
				mem = mem[:0]
				for _, m := range r.Members {
					var rm relMember
					rm.role = m.Role
					switch m.Type {
					case posm.TypeNode:
						rm.typ, rm.ref = memNode, m.Ref+c*nodeStride
					case posm.TypeWay:
						rm.typ, rm.ref = memWay, m.Ref+c*wayStride
					case posm.TypeRelation:
						rm.typ, rm.ref = memRelation, m.Ref+c*relStride
					default:
						continue
					}
					mem = append(mem, rm)
				}
				re.add(int64(r.ID)+c*relStride, tagList(r.Tags), mem)
				if re.n == blockMax {
					re.write(p)
				}
				st.Relations++
			}
		}
	}
	re.write(p)
	if err := p.flush(); err != nil {
		return st, err
	}
	st.Bytes = p.n
	return st, nil
}
