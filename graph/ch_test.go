package graph

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
)

// The hierarchy's matrix must equal Matrix (one Dijkstra per origin) to the
// millisecond: on hand-drawn graphs, random graphs of all sizes, a large
// road-like grid, fuzz input and, when FASTROAD_GRAPH names a graph file
// (fastroad build testdata/delaware-latest.osm.pbf -o /tmp/de.graph), a real
// extract.

// randomSnaps returns k snaps on g: on nodes (Frac 0 or 1), mid-segment, and
// some on a segment already used, so that same-segment pairs (Direct) occur.
func randomSnaps(g *Graph, r *rand.Rand, k int) []Snap {
	out := make([]Snap, 0, k)
	for len(out) < k {
		var sn Snap
		if len(out) > 0 && r.IntN(5) == 0 {
			sn.Seg = out[r.IntN(len(out))].Seg
		} else {
			sn.Seg = int32(r.IntN(len(g.Segments)))
		}
		switch r.IntN(4) {
		case 0:
			sn.Frac = 0
		case 1:
			sn.Frac = 1
		default:
			sn.Frac = r.Float64()
		}
		out = append(out, sn)
	}
	return out
}

// pointSnaps snaps k random points in g's bounding box as the CLI does.
func pointSnaps(g *Graph, r *rand.Rand, k int) []Snap {
	lo, hi := g.Bounds()
	var snaps []Snap
	for tries := 0; len(snaps) < k && tries < 100*k; tries++ {
		p := Point{Lon: lo.Lon + (hi.Lon-lo.Lon)*r.Float64(), Lat: lo.Lat + (hi.Lat-lo.Lat)*r.Float64()}
		if sn, err := g.SnapPoint(p, SnapOptions{MaxDist: 1000}); err == nil {
			snaps = append(snaps, sn)
		}
	}
	return snaps
}

// checkCHMatrix compares c.Matrix with Matrix on g, cell by cell.
func checkCHMatrix(t testing.TB, name string, g *Graph, c *CH, from, to []Snap, workers int) {
	t.Helper()
	want := DijkstraMatrix(g, from, to, workers)
	got := c.Matrix(g, from, to, workers)
	if len(got) != len(want) {
		t.Fatalf("%s: got %d rows want %d", name, len(got), len(want))
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("%s: row %d: got %d cells want %d", name, i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("%s: %d (%+v) -> %d (%+v): got %d want %d", name, i, from[i], j, to[j], got[i][j], want[i][j])
			}
		}
	}
}

// checkCHNodes compares all node-to-node times from a few sources with a
// full Dijkstra.
func checkCHNodes(t testing.TB, name string, g *Graph, c *CH, sources []int32) {
	t.Helper()
	n := g.NumNodes()
	s := NewSearch(g)
	w := c.getWork()
	defer c.work.Put(w)
	for _, src := range sources {
		s.Run(Outbound, []Seed{{Node: src}}, Stop{})
		c.upward(w, []Seed{{Node: src}}, c.Up.First, c.Up.packed, c.Down.First, c.Down.packed)
		best := make([]uint64, n)
		fd := make(map[int32]uint64, len(w.settled))
		for _, x := range w.settled {
			fd[int32(uint32(x))] = x >> 32
		}
		for v := int32(0); v < int32(n); v++ {
			c.upward(w, []Seed{{Node: v}}, c.Down.First, c.Down.packed, c.Up.First, c.Up.packed)
			best[v] = Inf
			for _, x := range w.settled {
				if d, ok := fd[int32(uint32(x))]; ok {
					best[v] = min(best[v], d+x>>32)
				}
			}
			if best[v] >= Inf {
				best[v] = Inf
			}
			if uint32(best[v]) != s.Time(v) {
				t.Fatalf("%s: %d -> %d: got %d want %d", name, src, v, best[v], s.Time(v))
			}
		}
	}
}

func TestCHMatchesMatrixRandom(t *testing.T) {
	// randomGraph is far from planar (a fifth of its pieces join random
	// nodes), so hierarchies of the larger ones are costly: one of 2000.
	sizes := []int{2, 3, 5, 8, 13, 30, 60, 100, 200, 400, 700, 1000}
	for seed := uint64(1); seed <= 40; seed++ {
		n := sizes[int(seed)%len(sizes)]
		if seed == 40 {
			n = 2000
		}
		g := randomGraph(t, seed, n)
		if g == nil {
			continue
		}
		c := BuildCH(g)
		if !c.Valid(g) {
			t.Fatalf("seed %d: hierarchy not valid for its own graph", seed)
		}
		r := rand.New(rand.NewPCG(seed, 99))
		k := min(40, 2+n/5)
		from, to := randomSnaps(g, r, k), randomSnaps(g, r, k+3)
		name := "seed " + itoa(int(seed))
		checkCHMatrix(t, name, g, c, from, to, 0)
		checkCHMatrix(t, name+" transposed", g, c, to, from, 1)
		if n <= 200 {
			checkCHNodes(t, name, g, c, []int32{0, int32(g.NumNodes() - 1)})
		}
	}
}

// TestCHClosedArcs: a scenario closes and slows some roads; the hierarchy
// built for the edited graph skips closed arcs, and the base graph's
// hierarchy is no longer valid for it.
func TestCHClosedArcs(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		g := randomGraph(t, seed, 500)
		r := rand.New(rand.NewPCG(seed, 5))
		g2 := g.WithEdits(func(s int32, seg *Segment) {
			switch r.IntN(6) {
			case 0:
				seg.Flags |= Closed
			case 1:
				seg.SpeedFwd /= 3
			}
		})
		base := BuildCH(g)
		if base.Valid(g2) {
			t.Fatalf("seed %d: base hierarchy valid for an edited graph", seed)
		}
		c := BuildCH(g2)
		if !c.Valid(g2) || c.Valid(g) {
			t.Fatalf("seed %d: Valid: got %v for its graph, %v for the base", seed, c.Valid(g2), c.Valid(g))
		}
		from, to := randomSnaps(g2, r, 30), randomSnaps(g2, r, 30)
		checkCHMatrix(t, "closed seed "+itoa(int(seed)), g2, c, from, to, 0)
	}
	// Everything closed: only Direct and on-node identities remain.
	g := randomGraph(t, 3, 100)
	g3 := g.WithEdits(func(_ int32, seg *Segment) { seg.Flags |= Closed })
	c := BuildCH(g3)
	if c.NumArcs() != 0 {
		t.Fatalf("all closed: got %d arcs want 0", c.NumArcs())
	}
	r := rand.New(rand.NewPCG(3, 3))
	checkCHMatrix(t, "all closed", g3, c, randomSnaps(g3, r, 20), randomSnaps(g3, r, 20), 0)
}

// handGraph builds a graph from pieces "from to fwd bwd length" on a line of
// points (node i at longitude i*0.0001, so that the given length, in
// metres, is longer than the geometry and decides the time).
func handGraph(t *testing.T, pieces [][5]float64) *Graph {
	t.Helper()
	b := NewBuilder()
	for k, p := range pieces {
		u, v := int64(p[0]), int64(p[1])
		pu := Point{Lon: 0.0001 * float64(u), Lat: 0.00001 * float64(u%3)}
		pv := Point{Lon: 0.0001 * float64(v), Lat: 0.00001 * float64(v%3)}
		if u == v {
			pv = pu
		}
		mid := Point{Lon: (pu.Lon + pv.Lon) / 2, Lat: (pu.Lat+pv.Lat)/2 + 0.00002}
		if err := b.Add(Piece{WayID: int64(k), Class: Residential, FromKey: u, ToKey: v, Coords: []Point{pu, mid, pv},
			SpeedFwd: p[2], SpeedBwd: p[3], MinLength: p[4]}); err != nil {
			t.Fatal(err)
		}
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestCHHandDrawn covers the corner cases one at a time:
//
//	0 ==> 1 ==> 2 <=> 3      one-way chain into a two-way piece
//	1 <-> 1                  a self-loop
//	4 <=> 5, 5 <=> 5, 4 ==> 5 twice (parallel arcs, the slower one ignored)
//	6 <== 7                  a one-way piece against its geometry
//	8: closed by an edit     a node left with no open arc
func TestCHHandDrawn(t *testing.T) {
	g := handGraph(t, [][5]float64{
		{0, 1, 36, 0, 1000},
		{1, 2, 36, 0, 1000},
		{2, 3, 36, 36, 1000},
		{1, 1, 36, 36, 500},
		{4, 5, 36, 36, 3000},
		{5, 5, 36, 36, 100},
		{4, 5, 72, 0, 1000},
		{4, 5, 36, 0, 5000},
		{6, 7, 0, 36, 1000},
		{7, 8, 36, 36, 1000},
	})
	g = g.WithEdits(func(s int32, seg *Segment) {
		if g.NodeID[seg.To] == 8 {
			seg.Flags |= Closed
		}
	})
	c := BuildCH(g)
	var snaps []Snap
	for s := range g.Segments {
		for _, f := range []float64{0, 0.25, 0.5, 1} {
			snaps = append(snaps, Snap{Seg: int32(s), Frac: f})
		}
	}
	checkCHMatrix(t, "hand-drawn", g, c, snaps, snaps, 0)
	checkCHNodes(t, "hand-drawn", g, c, []int32{0, 1, 2, 3, 4, 5, 6, 7, 8})
	// A few exact values (36 km/h = 10 m/s): 0 -> 3 is 300 s; 4 -> 5 takes
	// the fast one-way piece (50 s); 5 -> 4 only the two-way one (300 s).
	node := func(id int64) Snap {
		for s := range g.Segments {
			seg := &g.Segments[s]
			if g.NodeID[seg.From] == id {
				return Snap{Seg: int32(s), Frac: 0}
			}
			if g.NodeID[seg.To] == id {
				return Snap{Seg: int32(s), Frac: 1}
			}
		}
		t.Fatalf("no node %d", id)
		return Snap{}
	}
	tests := []struct {
		from, to int64
		want     uint32
	}{
		{0, 3, 300_000}, {3, 0, Inf}, {3, 1, Inf}, {2, 3, 100_000}, {3, 2, 100_000},
		{4, 5, 50_000}, {5, 4, 300_000}, {7, 6, 100_000}, {6, 7, Inf}, {7, 8, Inf}, {8, 8, 0}, {0, 4, Inf},
	}
	for _, tc := range tests {
		got := c.Matrix(g, []Snap{node(tc.from)}, []Snap{node(tc.to)}, 1)[0][0]
		if got != tc.want {
			t.Errorf("%d -> %d: got %d want %d", tc.from, tc.to, got, tc.want)
		}
	}
	// Empty inputs give empty rows, as Matrix does.
	if m := c.Matrix(g, snaps[:3], nil, 0); len(m) != 3 || len(m[0]) != 0 {
		t.Errorf("no targets: got %v", m)
	}
	if m := c.Matrix(g, nil, snaps, 0); len(m) != 0 {
		t.Errorf("no origins: got %v", m)
	}
}

// roadGraph builds a road-like network of about n nodes: a jittered grid of
// local streets (30-50 km/h, some one-way, some missing), every eighth row
// and column a faster road, every 32nd a 110 km/h highway, plus a detached
// island so that there are several components.
func roadGraph(t testing.TB, seed uint64, n int) *Graph {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 11))
	side := int(math.Ceil(math.Sqrt(float64(n))))
	pos := make([]Point, side*side)
	for i := range pos {
		x, y := i%side, i/side
		pos[i] = Point{-75.6 + 0.003*float64(x) + 0.001*r.Float64(), 38.5 + 0.003*float64(y) + 0.001*r.Float64()}
	}
	b := NewBuilder()
	way := int64(0)
	add := func(u, v int, kmh float64, oneway bool) {
		way++
		fwd, bwd := kmh, kmh
		if oneway {
			if r.IntN(2) == 0 {
				fwd = 0
			} else {
				bwd = 0
			}
		}
		if err := b.Add(Piece{WayID: way, Class: Residential, FromKey: int64(u), ToKey: int64(v),
			Coords: []Point{pos[u], pos[v]}, SpeedFwd: fwd, SpeedBwd: bwd}); err != nil {
			t.Fatal(err)
		}
	}
	speed := func(line int) float64 {
		switch {
		case line%32 == 0:
			return 110
		case line%8 == 0:
			return 70
		}
		return 30 + 20*r.Float64()
	}
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			i := y*side + x
			if x+1 < side && (y%8 == 0 || r.IntN(10) < 8) {
				add(i, i+1, speed(y), y%8 != 0 && r.IntN(8) == 0)
			}
			if y+1 < side && (x%8 == 0 || r.IntN(10) < 8) {
				add(i, i+side, speed(x), x%8 != 0 && r.IntN(8) == 0)
			}
		}
	}
	// A small island (its own component).
	base := len(pos)
	for k := 0; k < 4; k++ {
		pos = append(pos, Point{-76 + 0.002*float64(k), 38})
	}
	for k := 0; k < 3; k++ {
		add(base+k, base+k+1, 30, false)
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestCHRoadGraph(t *testing.T) {
	n := 50_000
	if testing.Short() {
		n = 5_000
	}
	g := roadGraph(t, 1, n)
	c := BuildCH(g)
	r := rand.New(rand.NewPCG(4, 4))
	snaps := pointSnaps(g, r, 120)
	checkCHMatrix(t, "road grid", g, c, snaps[:60], snaps[60:], 0)
	rs := randomSnaps(g, r, 100)
	checkCHMatrix(t, "road grid, snaps on nodes and mid-segment", g, c, rs[:80], rs[80:], 0)
}

// TestCHExtract checks a real extract when FASTROAD_GRAPH names its graph
// file.
func TestCHExtract(t *testing.T) {
	g := envGraph(t)
	c := BuildCH(g)
	r := rand.New(rand.NewPCG(2, 2))
	snaps := pointSnaps(g, r, 400)
	if len(snaps) < 400 {
		t.Fatalf("snapped %d points", len(snaps))
	}
	checkCHMatrix(t, "extract 60x60", g, c, snaps[:60], snaps[60:120], 0)
	checkCHMatrix(t, "extract 200x200", g, c, snaps[:200], snaps[200:], 0)
	checkCHMatrix(t, "extract 150x10", g, c, snaps[:150], snaps[390:], 0)
}

// envGraph loads the graph file named by FASTROAD_GRAPH or skips.
func envGraph(t testing.TB) *Graph {
	t.Helper()
	path := os.Getenv("FASTROAD_GRAPH")
	if path == "" {
		t.Skip("FASTROAD_GRAPH not set (build one with: go run ./cmd/fastroad build testdata/delaware-latest.osm.pbf -o /tmp/de.graph)")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := Decode(f)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return g
}

func TestCHDeterministic(t *testing.T) {
	g := randomGraph(t, 12, 800)
	var a, b bytes.Buffer
	if err := BuildCH(g).Encode(&a); err != nil {
		t.Fatal(err)
	}
	if err := BuildCH(g).Encode(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two builds of the same graph differ")
	}
}

func TestCHEncodeDecodeRoundTrip(t *testing.T) {
	g := randomGraph(t, 5, 600)
	c := BuildCH(g)
	var buf bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// The section sits inside a larger stream: DecodeCH must not read past it.
	stream := bytes.NewReader(append(append([]byte(nil), data...), "TRAILER"...))
	c2, err := DecodeCH(stream, g)
	if err != nil {
		t.Fatal(err)
	}
	if rest := stream.Len(); rest != len("TRAILER") {
		t.Fatalf("DecodeCH left %d bytes, want %d", rest, len("TRAILER"))
	}
	var buf2 bytes.Buffer
	if err := c2.Encode(&buf2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, buf2.Bytes()) {
		t.Fatal("re-encoded hierarchy differs")
	}
	if !c2.Valid(g) {
		t.Fatal("decoded hierarchy not valid for its graph")
	}
	r := rand.New(rand.NewPCG(1, 1))
	checkCHMatrix(t, "decoded", g, c2, randomSnaps(g, r, 30), randomSnaps(g, r, 30), 0)
}

func TestDecodeCHRejects(t *testing.T) {
	g := randomGraph(t, 6, 300)
	c := BuildCH(g)
	var buf bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	other := randomGraph(t, 7, 200)
	slower := g.WithEdits(func(_ int32, seg *Segment) { seg.SpeedFwd /= 2 })
	n := g.NumNodes()
	if c.Up.NumArcs() < 2 || c.Down.NumArcs() < 2 {
		t.Fatal("too few arcs")
	}
	// Changes that pass the checksums (repaired) but not the structural checks.
	mutate := func(f func(b []byte, off func(sec int) int)) []byte {
		b := bytes.Clone(good)
		f(b, func(sec int) int { return chSecOffset(b, sec) })
		return repairCHSums(b)
	}
	le := binary.LittleEndian
	rank0 := int(le.Uint32(good[chSecOffset(good, chSecRank):]))
	tests := []struct {
		name  string
		data  []byte
		g     *Graph
		check func(error) bool
	}{
		{"empty", nil, g, isFormatErr},
		{"graph file", []byte(Magic + "0000000000000000000000000000000000000000000000000000"), g, isFormatErr},
		{"truncated header", good[:20], g, isFormatErr},
		{"truncated body", good[:len(good)-9], g, isFormatErr},
		{"flipped header byte", flip(good, 20), g, isFormatErr},
		{"flipped body byte", flip(good, len(good)-20), g, isFormatErr},
		{"flipped section number", flip(good, len(good)-2), g, isFormatErr},
		{"other version", chVersion(good, 7), g, func(e error) bool { var ve *VersionError; return errors.As(e, &ve) && ve.Got == 7 }},
		{"reserved bytes", mutate(func(b []byte, _ func(int) int) { b[12] = 1 }), g, isFormatErr},
		{"other node count", good, other, isFormatErr},
		{"other weights", good, slower, func(e error) bool { return errors.Is(e, ErrStaleCH) }},
		{"other graph checksum", mutate(func(b []byte, _ func(int) int) { b[33]++ }), g, func(e error) bool { return errors.Is(e, ErrStaleCH) }},
		{"more up arcs than stored", mutate(func(b []byte, _ func(int) int) { le.PutUint64(b[40:], uint64(c.Up.NumArcs()+1)) }), g, isFormatErr},
		{"rank out of range", mutate(func(b []byte, off func(int) int) { le.PutUint32(b[off(chSecRank):], uint32(n)) }), g, isFormatErr},
		{"negative rank", mutate(func(b []byte, off func(int) int) { le.PutUint32(b[off(chSecRank):], math.MaxUint32) }), g, isFormatErr},
		{"repeated rank", mutate(func(b []byte, off func(int) int) { copy(b[off(chSecRank)+4:], b[off(chSecRank):off(chSecRank)+4]) }), g, isFormatErr},
		{"rank order not the inverse", mutate(func(b []byte, off func(int) int) {
			o := off(chSecNode) + 4*rank0
			le.PutUint32(b[o:], le.Uint32(b[o:])^1)
		}), g, isFormatErr},
		{"up offsets not from 0", mutate(func(b []byte, off func(int) int) { le.PutUint32(b[off(chSecUpFirst):], 1) }), g, isFormatErr},
		{"down offsets decrease", mutate(func(b []byte, off func(int) int) {
			le.PutUint32(b[off(chSecDownFirst)+4*(n/2):], uint32(c.Down.NumArcs()))
		}), g, isFormatErr},
		{"up head out of range", mutate(func(b []byte, off func(int) int) { le.PutUint32(b[off(chSecUp)+4:], uint32(n+5)) }), g, isFormatErr},
		{"down head not above its rank", mutate(func(b []byte, off func(int) int) {
			i := len(c.Down.packed) - 1
			le.PutUint32(b[off(chSecDown)+8*i+4:], 0)
		}), g, isFormatErr},
		{"infinite weight", mutate(func(b []byte, off func(int) int) { le.PutUint32(b[off(chSecUp):], Inf) }), g, isFormatErr},
	}
	for _, tc := range tests {
		_, err := DecodeCH(bytes.NewReader(tc.data), tc.g)
		if err == nil || !tc.check(err) {
			t.Errorf("%s: got error %v", tc.name, err)
		}
		if tc.g != g || len(tc.data) < chHeaderLen {
			continue
		}
		// The same section inside a graph file, by its three paths.
		for path, err := range decodeWithCH(t, g, tc.data) {
			if err == nil || !tc.check(errors.Unwrap(err)) && !tc.check(err) {
				t.Errorf("%s, in a graph file (%s): got error %v", tc.name, path, err)
			}
		}
	}
}

func isFormatErr(e error) bool { return errors.As(e, new(*FormatError)) }

// decodeWithCH decodes g's graph file with ch as its hierarchy section by
// the stream, exact-read and mapped paths.
func decodeWithCH(t *testing.T, g *Graph, ch []byte) map[string]error {
	t.Helper()
	saved := g.CH
	g.CH = nil
	var gb bytes.Buffer
	err := Encode(&gb, g)
	g.CH = saved
	if err != nil {
		t.Fatal(err)
	}
	file := append(gb.Bytes(), ch...)
	binary.LittleEndian.PutUint32(file[len(Magic)+4:], FlagCH)
	file = repairSums(file)
	_, errStream := Decode(bytes.NewReader(file))
	_, errExact := decodeAt(bytes.NewReader(file), int64(len(file)), nil)
	_, errMapped := decodeAt(bytes.NewReader(file), int64(len(file)), inMemory(file))
	return map[string]error{"stream": errStream, "exact": errExact, "mapped": errMapped}
}

// TestDecodeCHVersion1: a version 1 section (written before the hierarchy
// was mapped) still loads, alone and in graph files of versions 2 to 4 by
// every path, gives the same hierarchy, and is still checked.
func TestDecodeCHVersion1(t *testing.T) {
	g := randomGraph(t, 5, 500)
	c := BuildCH(g)
	var v1, v2 bytes.Buffer
	if err := c.encodeV1(&v1, g); err != nil {
		t.Fatal(err)
	}
	if err := c.Encode(&v2); err != nil {
		t.Fatal(err)
	}
	stream := bytes.NewReader(append(bytes.Clone(v1.Bytes()), "TRAILER"...))
	c1, err := DecodeCH(stream, g)
	if err != nil {
		t.Fatal(err)
	}
	if stream.Len() != len("TRAILER") {
		t.Fatalf("DecodeCH left %d bytes, want %d", stream.Len(), len("TRAILER"))
	}
	var re bytes.Buffer
	if err := c1.Encode(&re); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(re.Bytes(), v2.Bytes()) {
		t.Fatal("a version 1 hierarchy re-encoded differs from the version 2 encoding of the same hierarchy")
	}
	if !c1.Valid(g) {
		t.Fatal("version 1 hierarchy not valid for its graph")
	}
	for path, err := range decodeWithCH(t, g, v1.Bytes()) {
		if err != nil {
			t.Errorf("version 1 hierarchy in a graph file (%s): %v", path, err)
		}
	}
	g.CH = c
	for _, enc := range []func(io.Writer, *Graph) error{encodeV2, encodeV3, func(w io.Writer, g *Graph) error { return encode(w, g, 4, 1) }} {
		var buf bytes.Buffer
		if err := enc(&buf, g); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		for _, dec := range []func() (*Graph, error){
			func() (*Graph, error) { return Decode(bytes.NewReader(b)) },
			func() (*Graph, error) { return decodeAt(bytes.NewReader(b), int64(len(b)), nil) },
			func() (*Graph, error) { return decodeAt(bytes.NewReader(b), int64(len(b)), inMemory(b)) },
		} {
			h, err := dec()
			if err != nil {
				t.Fatal(err)
			}
			if h.CH == nil || !h.CH.Valid(h) || !slices.Equal(h.CH.Rank, c.Rank) || !slices.Equal(h.CH.Up.packed, c.Up.packed) || !slices.Equal(h.CH.Down.First, c.Down.First) {
				t.Fatal("version 1 hierarchy in a graph file: lost or different")
			}
		}
	}
	good := v1.Bytes()
	badRank := bytes.Clone(good)
	putU32(badRank[chHeaderLenV1:], uint32(g.NumNodes()))
	fixBodySumV1(badRank)
	dupRank := bytes.Clone(good)
	copy(dupRank[chHeaderLenV1+4:chHeaderLenV1+8], dupRank[chHeaderLenV1:chHeaderLenV1+4])
	fixBodySumV1(dupRank)
	slower := g.WithEdits(func(_ int32, seg *Segment) { seg.SpeedFwd /= 2 })
	for _, tc := range []struct {
		name string
		data []byte
		g    *Graph
		want func(error) bool
	}{
		{"truncated", good[:len(good)-9], g, isFormatErr},
		{"flipped body byte", flip(good, len(good)-10), g, isFormatErr},
		{"rank out of range", badRank, g, isFormatErr},
		{"repeated rank", dupRank, g, isFormatErr},
		{"other weights", good, slower, func(e error) bool { return errors.Is(e, ErrStaleCH) }},
	} {
		if _, err := DecodeCH(bytes.NewReader(tc.data), tc.g); !tc.want(err) {
			t.Errorf("version 1, %s: got error %v", tc.name, err)
		}
	}
}

// TestCHValidCached: Valid checks a graph's arcs once; a graph with other
// weights is refused whether or not one with the same counts was accepted.
func TestCHValidCached(t *testing.T) {
	g := randomGraph(t, 9, 300)
	c := BuildCH(g)
	copyG := *g
	copyG.Out.First = slices.Clone(g.Out.First)
	copyG.Out.packed = slices.Clone(g.Out.packed)
	slower := g.WithEdits(func(_ int32, seg *Segment) { seg.SpeedFwd /= 2 })
	for range 2 {
		if !c.Valid(g) || !c.Valid(&copyG) || c.Valid(slower) {
			t.Fatalf("Valid: got %v, %v for the graph and a copy, %v for other weights; want true, true, false", c.Valid(g), c.Valid(&copyG), c.Valid(slower))
		}
	}
}

// chSecOffset returns the offset of section sec in an encoded version 2
// hierarchy.
func chSecOffset(b []byte, sec int) int {
	le := binary.LittleEndian
	_, offs, _ := chSections(chHeader{nodes: le.Uint64(b[16:]), up: le.Uint64(b[40:]), down: le.Uint64(b[48:])})
	return int(offs[sec])
}

func putU32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

// fixBodySumV1 rewrites the body checksum of a version 1 hierarchy.
func fixBodySumV1(b []byte) {
	body := b[chHeaderLenV1 : len(b)-4]
	putU32(b[len(b)-4:], crc32.ChecksumIEEE(body))
}

// chVersion sets the version and fixes the header checksum (version 2
// layout).
func chVersion(b []byte, v uint32) []byte {
	c := append([]byte(nil), b...)
	putU32(c[len(CHMagic):], v)
	putU32(c[chHeaderLen-4:], crc32.Checksum(c[:chHeaderLen-4], castagnoli))
	return c
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// FuzzDecodeCH feeds the hierarchy decoder the small valid hierarchy of a
// 6-node graph (versions 2 and 1) and its mutations, each decoded as given
// and with its checksums repaired, so the fuzzer reaches the rank and arc
// checks; each input is also decoded as the hierarchy section of that
// graph's file, by the three file paths (stream, exact reads, mapping).
func FuzzDecodeCH(f *testing.F) {
	var g *Graph
	for seed := uint64(8); g == nil || g.NumNodes() < 4; seed++ {
		g = randomGraph(f, seed, 6)
	}
	c := BuildCH(g)
	var buf, v1 bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		f.Fatal(err)
	}
	if err := c.encodeV1(&v1, g); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(v1.Bytes())
	f.Add([]byte(CHMagic))
	var gb bytes.Buffer
	if err := Encode(&gb, g); err != nil {
		f.Fatal(err)
	}
	withCH := bytes.Clone(gb.Bytes())
	binary.LittleEndian.PutUint32(withCH[len(Magic)+4:], FlagCH)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, in := range [][]byte{data, repairCHSums(data)} {
			file := repairSums(append(bytes.Clone(withCH), in...))
			gs, errStream := Decode(bytes.NewReader(file))
			ge, errExact := decodeAt(bytes.NewReader(file), int64(len(file)), nil)
			gm, errMapped := decodeAt(bytes.NewReader(file), int64(len(file)), inMemory(file))
			if (errStream == nil) != (errExact == nil) || (errStream == nil) != (errMapped == nil) {
				t.Fatalf("graph file with this hierarchy: stream error %v, exact %v, mapped %v: want all nil or none", errStream, errExact, errMapped)
			}
			if errStream == nil {
				for _, h := range []*Graph{gs, ge, gm} {
					if !h.CH.Valid(h) {
						t.Fatal("a hierarchy loaded with its graph is not valid for it")
					}
					r := rand.New(rand.NewPCG(1, 2))
					h.CH.Matrix(h, randomSnaps(h, r, 5), randomSnaps(h, r, 5), 1)
				}
			}
			c, err := DecodeCH(bytes.NewReader(in), g)
			if err != nil {
				if errStream == nil {
					t.Fatalf("the hierarchy decodes inside a graph file but not alone: %v", err)
				}
				continue
			}
			// A hierarchy that decodes must answer queries and re-encode to
			// the same bytes (version 2; a version 1 section as version 1).
			r := rand.New(rand.NewPCG(1, 2))
			c.Matrix(g, randomSnaps(g, r, 5), randomSnaps(g, r, 5), 1)
			var out bytes.Buffer
			if binary.LittleEndian.Uint32(in[len(CHMagic):]) == 1 {
				err = c.encodeV1(&out, g)
			} else {
				err = c.Encode(&out)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), in[:out.Len()]) {
				t.Fatal("round trip differs")
			}
		}
	})
}

// repairCHSums returns a copy of an encoded hierarchy (version 1 or 2)
// with its checksums recomputed as far as b holds them (b itself when
// shorter than a header).
func repairCHSums(b []byte) []byte {
	if len(b) < len(CHMagic)+4 {
		return b
	}
	c := bytes.Clone(b)
	le := binary.LittleEndian
	if le.Uint32(b[len(CHMagic):]) == 1 {
		if len(b) < chHeaderLenV1+4 {
			return b
		}
		putU32(c[chHeaderLenV1-4:], crc32.ChecksumIEEE(c[:chHeaderLenV1-4]))
		fixBodySumV1(c)
		return c
	}
	if len(b) < chHeaderLen {
		return b
	}
	putU32(c[chHeaderLen-4:], crc32.Checksum(c[:chHeaderLen-4], castagnoli))
	h := chHeader{nodes: le.Uint64(c[16:]), up: le.Uint64(c[40:]), down: le.Uint64(c[48:])}
	if h.nodes >= maxCount || h.up >= maxCount || h.down >= maxCount {
		return c
	}
	secs, offs, _ := chSections(h)
	for i, s := range secs {
		end := offs[i] + pad8(s.n*s.size)
		if end+8 > uint64(len(c)) {
			break
		}
		putU32(c[end:], crc32.Checksum(c[offs[i]:end], castagnoli))
	}
	return c
}

func FuzzCHMatchesDijkstra(f *testing.F) {
	f.Add(uint64(1), uint16(10), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add(uint64(7), uint16(300), []byte{0, 0, 0, 255, 255, 255, 17, 33, 190, 1, 2, 3})
	f.Add(uint64(42), uint16(2), []byte{})
	f.Fuzz(func(t *testing.T, seed uint64, n uint16, picks []byte) {
		g := randomGraph(t, seed, 2+int(n)%500)
		if g == nil {
			return
		}
		c := BuildCH(g)
		var snaps []Snap
		for i := 0; i+2 < len(picks) && len(snaps) < 40; i += 3 {
			s := (int(picks[i])<<8 | int(picks[i+1])) % len(g.Segments)
			snaps = append(snaps, Snap{Seg: int32(s), Frac: float64(picks[i+2]%101) / 100})
		}
		r := rand.New(rand.NewPCG(seed, uint64(n)))
		snaps = append(snaps, randomSnaps(g, r, 4)...)
		checkCHMatrix(t, "fuzz", g, c, snaps, snaps, 0)
	})
}

// TestDecodeCHMutated: random byte changes with the checksums rewritten, so
// that they reach the index checks; nothing may panic, and a hierarchy that
// decodes must answer a query.
func TestDecodeCHMutated(t *testing.T) {
	g := randomGraph(t, 8, 60)
	c := BuildCH(g)
	var buf, v1 bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	if err := c.encodeV1(&v1, g); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	decoded := 0
	for _, x := range []struct {
		good []byte
		hl   int
	}{{buf.Bytes(), chHeaderLen}, {v1.Bytes(), chHeaderLenV1}} {
		for i := 0; i < 3000; i++ {
			d := bytes.Clone(x.good)
			for k := r.IntN(4); k >= 0; k-- {
				d[x.hl+r.IntN(len(d)-x.hl-4)] = byte(r.IntN(256))
			}
			c, err := DecodeCH(bytes.NewReader(repairCHSums(d)), g)
			if err != nil {
				continue
			}
			decoded++
			c.Matrix(g, randomSnaps(g, r, 5), randomSnaps(g, r, 5), 1)
		}
	}
	if decoded == 0 {
		t.Fatal("no mutation decoded: the test does not reach the queries")
	}
}

// TestCHConcurrent: one hierarchy shared by several goroutines (run with
// -race).
func TestCHConcurrent(t *testing.T) {
	g := roadGraph(t, 2, 3000)
	c := BuildCH(g)
	r := rand.New(rand.NewPCG(8, 8))
	from, to := randomSnaps(g, r, 25), randomSnaps(g, r, 20)
	want := DijkstraMatrix(g, from, to, 1)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for k := 0; k < 8; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 5; rep++ {
				got := c.Matrix(g, from, to, 2)
				for i := range want {
					for j := range want[i] {
						if got[i][j] != want[i][j] {
							errs <- fmt.Sprintf("%d -> %d: got %d want %d", i, j, got[i][j], want[i][j])
							return
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}
