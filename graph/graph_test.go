package graph

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// randomGraph builds a random road network of n nodes on a jittered grid
// near Dover, DE, with a mix of one-way and two-way pieces, some with inner
// shape points, some parallel pieces and loops.
func randomGraph(t testing.TB, seed uint64, n int) *Graph {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	side := int(math.Ceil(math.Sqrt(float64(n))))
	pt := func(i int) Point {
		x, y := i%side, i/side
		return Point{-75.5 + 0.002*float64(x) + 0.0005*r.Float64(), 39.15 + 0.002*float64(y) + 0.0005*r.Float64()}
	}
	pts := make([]Point, n)
	for i := range pts {
		pts[i] = pt(i)
	}
	b := NewBuilder()
	m := 3 * n
	for k := 0; k < m; k++ {
		u := r.IntN(n)
		v := u + []int{1, side, side + 1, -1, r.IntN(n) - u}[r.IntN(5)]
		if v < 0 || v >= n {
			continue
		}
		coords := []Point{pts[u]}
		for s := r.IntN(3); s > 0; s-- {
			coords = append(coords, Point{(pts[u].Lon+pts[v].Lon)/2 + 0.0003*(r.Float64()-0.5), (pts[u].Lat+pts[v].Lat)/2 + 0.0003*(r.Float64()-0.5)})
		}
		coords = append(coords, pts[v])
		speed := []float64{10, 25, 30, 50, 100}[r.IntN(5)]
		fwd, bwd := speed, speed
		switch r.IntN(4) {
		case 0:
			bwd = 0
		case 1:
			fwd = 0
		}
		err := b.Add(Piece{WayID: int64(k), Class: Class(1 + r.IntN(int(numClasses)-1)), FromKey: int64(u), ToKey: int64(v),
			Coords: coords, SpeedFwd: fwd, SpeedBwd: bwd, Name: []string{"", "Main St", "DE 1"}[r.IntN(3)]})
		if err != nil {
			t.Fatal(err)
		}
	}
	g, err := b.Build()
	if errors.Is(err, ErrEmpty) {
		return nil // tiny fuzz graphs may have no piece at all
	}
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// checkAgainstGonum runs our search from every listed source in both
// directions and compares all times with gonum's DijkstraFrom.
func checkAgainstGonum(t *testing.T, g *Graph, sources []int32) {
	t.Helper()
	s := NewSearch(g)
	for _, dir := range []Direction{Outbound, Inbound} {
		gn := Gonum{G: g, Dir: dir}
		for _, src := range sources {
			s.Run(dir, []Seed{{Node: src}}, Stop{})
			sp := path.DijkstraFrom(simple.Node(src), gn)
			for v := int32(0); v < int32(g.NumNodes()); v++ {
				want := sp.WeightTo(int64(v))
				got := s.Time(v)
				if math.IsInf(want, 1) {
					if got != Inf {
						t.Fatalf("%v from %d to %d: got %d want unreachable", dir, src, v, got)
					}
					continue
				}
				if float64(got) != want {
					t.Fatalf("%v from %d to %d: got %d want %v", dir, src, v, got, want)
				}
			}
		}
	}
}

func TestSearchMatchesGonumRandom(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		g := randomGraph(t, seed, 50+int(seed)*20)
		srcs := []int32{0, int32(g.NumNodes() / 2), int32(g.NumNodes() - 1)}
		checkAgainstGonum(t, g, srcs)
	}
}

func TestComponentsMatchGonumTarjan(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		g := randomGraph(t, seed, 300)
		sccs := topo.TarjanSCC(Gonum{G: g})
		sizes := map[int]int{}
		for _, c := range sccs {
			sizes[len(c)]++
			// all nodes of a gonum SCC share one of our components
			for _, n := range c[1:] {
				if g.Component[n.ID()] != g.Component[c[0].ID()] {
					t.Fatalf("seed %d: nodes %d and %d in one gonum SCC, ours %d and %d", seed, c[0].ID(), n.ID(), g.Component[c[0].ID()], g.Component[n.ID()])
				}
			}
		}
		if got, want := len(g.CompSize), len(sccs); got != want {
			t.Fatalf("seed %d: got %d components want %d", seed, got, want)
		}
		for i := 1; i < len(g.CompSize); i++ {
			if g.CompSize[i] > g.CompSize[i-1] {
				t.Fatalf("component sizes not decreasing: %v", g.CompSize[:i+1])
			}
		}
	}
}

func TestStopTargetsAndLimit(t *testing.T) {
	g := randomGraph(t, 3, 400)
	full := NewSearch(g)
	full.Run(Outbound, []Seed{{Node: 0}}, Stop{})
	s := NewSearch(g)
	targets := []int32{5, 17, 123, int32(g.NumNodes() - 1)}
	s.Run(Outbound, []Seed{{Node: 0}}, Stop{Targets: targets})
	for _, v := range targets {
		if got, want := s.Time(v), full.Time(v); got != want {
			t.Errorf("target %d: got %d want %d", v, got, want)
		}
	}
	if s.Settled() > full.Settled() {
		t.Errorf("early stop settled %d > full %d", s.Settled(), full.Settled())
	}
	limit := full.Time(123)
	s.Run(Outbound, []Seed{{Node: 0}}, Stop{Limit: limit})
	for v := int32(0); v < int32(g.NumNodes()); v++ {
		if full.Time(v) <= limit && s.Time(v) != full.Time(v) {
			t.Fatalf("limit %d: node %d got %d want %d", limit, v, s.Time(v), full.Time(v))
		}
		if full.Time(v) > limit && s.Time(v) <= limit {
			t.Fatalf("limit %d: node %d got %d inside limit, true time %d", limit, v, s.Time(v), full.Time(v))
		}
	}
	// The workspace resets: a second full run equals the first.
	s.Run(Outbound, []Seed{{Node: 0}}, Stop{})
	for v := int32(0); v < int32(g.NumNodes()); v++ {
		if s.Time(v) != full.Time(v) {
			t.Fatalf("after reuse node %d: got %d want %d", v, s.Time(v), full.Time(v))
		}
	}
}

func TestPathSumsToTime(t *testing.T) {
	g := randomGraph(t, 9, 300)
	s := NewSearch(g)
	for _, dir := range []Direction{Outbound, Inbound} {
		s.Run(dir, []Seed{{Node: 7}}, Stop{})
		adj := g.Out
		if dir == Inbound {
			adj = g.In
		}
		for v := int32(0); v < int32(g.NumNodes()); v++ {
			if s.Time(v) == Inf {
				continue
			}
			var sum uint32
			for _, a := range s.Path(nil, v) {
				sum += adj.Weight(uint32(a))
			}
			if sum != s.Time(v) {
				t.Fatalf("%v node %d: path sums to %d, time %d", dir, v, sum, s.Time(v))
			}
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	g := randomGraph(t, 5, 200)
	g.Meta.SourceName = "random.osm.pbf"
	g.Meta.SourceSHA256[0] = 42
	var buf bytes.Buffer
	if err := Encode(&buf, g); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	h, err := DecodeHeader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if h.Nodes != uint64(g.NumNodes()) || h.Meta.SourceName != "random.osm.pbf" {
		t.Fatalf("header: got %+v", h)
	}
	g2, err := Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var buf2 bytes.Buffer
	if err := Encode(&buf2, g2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, buf2.Bytes()) {
		t.Fatal("re-encoded graph differs")
	}
	if g2.NumArcs() != g.NumArcs() {
		t.Fatalf("arcs: got %d want %d", g2.NumArcs(), g.NumArcs())
	}
	for i := range uint32(g.NumArcs()) {
		if g.Out.Weight(i) != g2.Out.Weight(i) || g.Out.Head(i) != g2.Out.Head(i) {
			t.Fatalf("arc %d differs", i)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	g := randomGraph(t, 6, 100)
	var buf bytes.Buffer
	if err := Encode(&buf, g); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	var fe *FormatError
	var ve *VersionError
	tests := []struct {
		name  string
		data  []byte
		check func(error) bool
	}{
		{"empty", nil, func(e error) bool { return errors.As(e, &fe) }},
		{"not a graph", []byte("<?xml version='1.0'?><osm></osm>"), func(e error) bool { return errors.As(e, &fe) }},
		{"truncated", good[:len(good)/2], func(e error) bool { return errors.As(e, &fe) }},
		{"flipped body byte", flip(good, len(good)-10), func(e error) bool { return errors.As(e, &fe) }},
		{"flipped header byte", flip(good, 20), func(e error) bool { return errors.As(e, &fe) }},
		{"other version", version(good, 99), func(e error) bool { return errors.As(e, &ve) && ve.Got == 99 }},
	}
	for _, tc := range tests {
		_, err := Decode(bytes.NewReader(tc.data))
		if err == nil || !tc.check(err) {
			t.Errorf("%s: got error %v", tc.name, err)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x5a
	return c
}

func version(b []byte, v byte) []byte {
	c := append([]byte(nil), b...)
	c[len(Magic)] = v
	return c
}

// FuzzDecode feeds the graph decoder small valid files of every format
// version (2 and 3, still read, and 4, written) and their mutations. Each input
// is decoded as given and again with its checksums repaired (repairSums),
// so mutations of the counts, indices and values reach the checks behind
// the checksums instead of all failing at the first CRC. Seeds are 1- to
// 5-node graphs: small inputs keep minimisation fast, which is what kept
// the fuzzer stalled before.
func FuzzDecode(f *testing.F) {
	for _, n := range []int{2, 3, 5} {
		for seed := uint64(1); seed < 50; seed++ {
			g := randomGraph(f, seed, n)
			if g == nil {
				continue // no piece drawn
			}
			for _, enc := range []func(io.Writer, *Graph) error{encodeV2, encodeV3, Encode} {
				var buf bytes.Buffer
				if err := enc(&buf, g); err != nil {
					f.Fatal(err)
				}
				f.Add(buf.Bytes())
			}
			break
		}
	}
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, in := range [][]byte{data, repairSums(data)} {
			// The parallel paths of DecodeFile (size known; sections read
			// into exact allocations, or checked in a mapping) must agree
			// with Decode on what decodes.
			gExact, errExact := decodeAt(bytes.NewReader(in), int64(len(in)), nil)
			gMapped, errMapped := decodeAt(bytes.NewReader(in), int64(len(in)), inMemory(in))
			g, err := Decode(bytes.NewReader(in))
			if (err == nil) != (errExact == nil) || (err == nil) != (errMapped == nil) {
				t.Fatalf("Decode error %v, exact-size decode error %v, mapped decode error %v: want all nil or none", err, errExact, errMapped)
			}
			if err != nil {
				continue
			}
			// A graph that decodes must be searchable, snap, and re-encode
			// to the same bytes in its own version.
			if g.NumNodes() > 0 {
				s := NewSearch(g)
				s.Run(Outbound, []Seed{{Node: 0}}, Stop{})
				g.SnapPoint(g.Node(0), SnapOptions{})
			}
			enc := Encode
			switch in[len(Magic)] {
			case 2:
				enc = encodeV2
			case 3:
				enc = encodeV3
			}
			for _, h := range []*Graph{g, gExact, gMapped} {
				var out bytes.Buffer
				if err := enc(&out, h); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out.Bytes(), in) {
					t.Fatal("round trip differs")
				}
			}
			// Whatever decodes re-encodes in the current version and reads
			// back the same.
			var cur bytes.Buffer
			if err := Encode(&cur, g); err != nil {
				t.Fatal(err)
			}
			gc, err := Decode(bytes.NewReader(cur.Bytes()))
			if err != nil {
				t.Fatalf("version %d of a graph that decoded: %v", Version, err)
			}
			var again bytes.Buffer
			if err := Encode(&again, gc); err != nil || !bytes.Equal(again.Bytes(), cur.Bytes()) {
				t.Fatalf("version %d round trip differs (%v)", Version, err)
			}
		}
	})
}

// repairSums returns a copy of an encoded graph whose header and section
// checksums are recomputed (b itself when too short or, in versions 3 and
// 4, when the repaired header still does not decode).
func repairSums(b []byte) []byte {
	hl := len(Magic) + 4 + 4 + 4*8 + 32 + 32 + 4
	if len(b) < hl {
		return b
	}
	nl := int(binary.LittleEndian.Uint32(b[hl-4:]))
	if nl > 4096 || len(b) < hl+nl+48+8 {
		return b
	}
	if binary.LittleEndian.Uint32(b[len(Magic):]) >= 3 {
		return repairSumsV3(b, nl)
	}
	hl += nl + 48
	c := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(c[hl:], crc32.ChecksumIEEE(c[:hl]))
	binary.LittleEndian.PutUint32(c[len(c)-4:], crc32.ChecksumIEEE(c[hl+4:len(c)-4]))
	return c
}

// repairSumsV3 recomputes the header checksum and those of the sections
// the repaired header describes, as far as the file holds them.
func repairSumsV3(b []byte, nl int) []byte {
	hl := int(headerV3Len(nl))
	if len(b) < hl {
		return b
	}
	c := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(c[hl-4:], crc32.Checksum(c[:hl-4], castagnoli))
	h, err := DecodeHeader(bytes.NewReader(c))
	if err != nil {
		return c
	}
	at := uint64(hl)
	for _, s := range sections(&h) {
		end := at + pad8(s.n*s.size)
		if end+8 > uint64(len(c)) {
			break
		}
		binary.LittleEndian.PutUint32(c[end:], crc32.Checksum(c[at:end], castagnoli))
		at = end + 8
	}
	return c
}

// Trailing bytes after a graph file are refused: a file that was appended
// to or concatenated is not what build wrote.
func TestDecodeTrailingBytes(t *testing.T) {
	var buf bytes.Buffer
	g := randomGraph(t, 3, 10)
	if err := Encode(&buf, g); err != nil {
		t.Fatal(err)
	}
	for _, extra := range []string{"x", "\x00", buf.String()} {
		_, err := Decode(bytes.NewReader(append(bytes.Clone(buf.Bytes()), extra...)))
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "trailing") {
			t.Errorf("%d extra bytes: got %v, want a FormatError about trailing bytes", len(extra), err)
		}
	}
	g.CH = BuildCH(g)
	buf.Reset()
	Encode(&buf, g)
	if _, err := Decode(bytes.NewReader(append(buf.Bytes(), 0))); err == nil || !strings.Contains(err.Error(), "trailing") {
		t.Errorf("with a hierarchy: got %v, want trailing bytes refused", err)
	}
}

// What build writes, load reads: a name longer than MaxStringLen is cut at
// a UTF-8 boundary when it enters the graph, and the file decodes.
func TestLongStringRoundTrip(t *testing.T) {
	long := strings.Repeat("路", MaxStringLen) // 3 bytes a rune: far over the limit
	b := NewBuilder()
	name := b.str(long)
	if got := len(b.g.Strings[name]); got > MaxStringLen || got < MaxStringLen-3 {
		t.Fatalf("kept %d bytes, want at most %d", got, MaxStringLen)
	}
	if !utf8.ValidString(b.g.Strings[name]) {
		t.Fatal("cut inside a character")
	}
	if b.str(long) != name {
		t.Error("the same long string is stored twice")
	}
	g := randomGraph(t, 4, 6)
	g.Strings = append(g.Strings, strings.Repeat("a", MaxStringLen))
	var buf bytes.Buffer
	if err := Encode(&buf, g); err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(&buf); err != nil {
		t.Errorf("a string of exactly MaxStringLen: %v", err)
	}
	g.Strings = append(g.Strings, strings.Repeat("a", MaxStringLen+1))
	if err := Encode(&buf, g); err == nil || !strings.Contains(err.Error(), "MiB") {
		t.Errorf("Encode of an over-long string: got %v, want a clear refusal", err)
	}
}

func TestWithEdits(t *testing.T) {
	g := randomGraph(t, 11, 300)
	// Doubling every speed halves every time (to the millisecond).
	g2 := g.WithEdits(func(s int32, seg *Segment) {
		seg.SpeedFwd, seg.SpeedBwd = 2*seg.SpeedFwd, 2*seg.SpeedBwd
	})
	a, b := NewSearch(g), NewSearch(g2)
	a.Run(Outbound, []Seed{{Node: 0}}, Stop{})
	b.Run(Outbound, []Seed{{Node: 0}}, Stop{})
	for v := int32(0); v < int32(g.NumNodes()); v++ {
		ta, tb := a.Time(v), b.Time(v)
		if ta == Inf {
			if tb != Inf {
				t.Fatalf("node %d: reachable only after speed-up", v)
			}
			continue
		}
		if math.Abs(float64(ta)/2-float64(tb)) > 0.5*float64(g.NumNodes()) {
			t.Fatalf("node %d: got %d want about %d", v, tb, ta/2)
		}
	}
	// The original is untouched, topology shared.
	if &g.Out.First[0] != &g2.Out.First[0] || &g.Out.Seg[0] != &g2.Out.Seg[0] || &g.In.Seg[0] != &g2.In.Seg[0] {
		t.Error("WithEdits copied the topology")
	}
	// Closing everything: nothing reachable but the seed; the graph is still consistent.
	g3 := g.WithEdits(func(_ int32, seg *Segment) { seg.Flags |= Closed })
	c := NewSearch(g3)
	c.Run(Outbound, []Seed{{Node: 0}}, Stop{})
	if c.Settled() != 1 {
		t.Fatalf("all closed: settled %d want 1", c.Settled())
	}
	checkAgainstGonum(t, g2, []int32{0, 5})
}

// TestDistanceShortMatchesVincenty: the short-piece formula agrees with the
// full Vincenty inverse to 1e-7 relative.
func TestDistanceShortMatchesVincenty(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < 2000; i++ {
		a := Point{Lon: -180 + 360*r.Float64(), Lat: -80 + 160*r.Float64()}
		b := Point{Lon: a.Lon + 0.0199*(r.Float64()-0.5), Lat: a.Lat + 0.0199*(r.Float64()-0.5)}
		got := Distance(a, b)
		// force the Vincenty path through a midpoint far enough to take it: compare with
		// the sum over 2 halves is not independent, so call the iteration directly.
		want := vincenty(a, b)
		if math.Abs(got-want) > 1e-7*want+1e-6 {
			t.Fatalf("%v-%v: got %.9f m want %.9f m", a, b, got, want)
		}
	}
}

// TestEncodeWithCH: a graph file with a contraction hierarchy round-trips,
// Matrix then uses it, and the answers equal Dijkstra's.
func TestEncodeWithCH(t *testing.T) {
	g := randomGraph(t, 12, 400)
	g.CH = BuildCH(g)
	var buf bytes.Buffer
	if err := Encode(&buf, g); err != nil {
		t.Fatal(err)
	}
	g2, err := Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if g2.CH == nil || !g2.CH.Valid(g2) {
		t.Fatal("contraction hierarchy lost or invalid after decoding")
	}
	var snaps []Snap
	for v := int32(0); v < int32(g2.NumNodes()); v += 37 {
		if sn, err := g2.SnapPoint(g2.Node(v), SnapOptions{MaxDist: 1e6}); err == nil {
			snaps = append(snaps, sn)
		}
	}
	got, want := Matrix(g2, snaps, snaps, 2), DijkstraMatrix(g2, snaps, snaps, 2)
	for i := range got {
		for j := range got[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("pair %d,%d: CH %d Dijkstra %d", i, j, got[i][j], want[i][j])
			}
		}
	}
	// An edited graph drops the hierarchy.
	if e := g2.WithEdits(func(int32, *Segment) {}); e.CH != nil {
		t.Error("WithEdits kept the contraction hierarchy")
	}
	// A truncated CH section is an error, not a silent fallback.
	if _, err := Decode(bytes.NewReader(buf.Bytes()[:buf.Len()-100])); err == nil {
		t.Error("truncated CH section decoded")
	}
}

// Nodes added by index (AddNode, AddAt) and by key (Add) are one set: a
// later Add finds a node AddNode made, and AddAt refuses unknown indices.
func TestBuilderAddNodeAddAt(t *testing.T) {
	b := NewBuilder()
	a := b.AddNode(100, Point{Lon: 1, Lat: 1})
	c := b.AddNode(200, Point{Lon: 1.01, Lat: 1})
	if err := b.AddAt(a, c, Piece{WayID: 1, Coords: []Point{{1, 1}, {1.01, 1}}, SpeedFwd: 50, SpeedBwd: 50}); err != nil {
		t.Fatal(err)
	}
	if err := b.AddAt(a, 7, Piece{WayID: 2, Coords: []Point{{1, 1}, {1.02, 1}}, SpeedFwd: 50}); err == nil || !strings.Contains(err.Error(), "way 2") {
		t.Fatalf("AddAt to a node that does not exist: %v", err)
	}
	if err := b.AddAt(a, c, Piece{WayID: 3, Coords: []Point{{1, 1}, {1.02, 1}}}); err == nil {
		t.Fatal("AddAt of a piece with no open direction was accepted")
	}
	if i, ok := b.NodeIndex(200); !ok || i != c {
		t.Fatalf("NodeIndex(200) = %d, %v; want %d", i, ok, c)
	}
	if err := b.Add(Piece{WayID: 4, FromKey: 200, ToKey: 300, Coords: []Point{{1.01, 1}, {1.02, 1}}, SpeedFwd: 50}); err != nil {
		t.Fatal(err)
	}
	d := b.AddNode(400, Point{Lon: 1.03, Lat: 1}) // after the key map exists
	if i, ok := b.NodeIndex(400); !ok || i != d {
		t.Fatalf("NodeIndex(400) = %d, %v; want %d", i, ok, d)
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if g.NumNodes() != 4 || len(g.Segments) != 2 {
		t.Fatalf("%d nodes, %d segments; want 4 and 2", g.NumNodes(), len(g.Segments))
	}
}
