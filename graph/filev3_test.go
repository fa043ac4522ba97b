package graph

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// encodeAll returns g in format versions 2, 3 and 4 (the current one).
func encodeAll(t *testing.T, g *Graph) (v2, v3, v4 []byte) {
	t.Helper()
	var a, b, c bytes.Buffer
	if err := encodeV2(&a, g); err != nil {
		t.Fatal(err)
	}
	if err := encodeV3(&b, g); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&c, g); err != nil {
		t.Fatal(err)
	}
	return a.Bytes(), b.Bytes(), c.Bytes()
}

// sameGraph reports the first field in which a and b differ, derived
// arrays, packed words and snapping index included ("" when none).
func sameGraph(a, b *Graph) string {
	ia, ib := a.index(), b.index()
	for _, c := range []struct {
		name string
		a, b any
	}{
		{"NodeID", a.NodeID, b.NodeID}, {"NodeLon", a.NodeLon, b.NodeLon}, {"NodeLat", a.NodeLat, b.NodeLat},
		{"Segments", a.Segments, b.Segments}, {"ShapeFirst", a.ShapeFirst, b.ShapeFirst},
		{"ShapeLon", a.ShapeLon, b.ShapeLon}, {"ShapeLat", a.ShapeLat, b.ShapeLat}, {"Strings", a.Strings, b.Strings},
		{"Out", a.Out, b.Out}, {"In", a.In, b.In}, {"open", a.open, b.open},
		{"Component", a.Component, b.Component}, {"CompSize", a.CompSize, b.CompSize}, {"Meta", a.Meta, b.Meta},
		{"snap index", *ia, *ib},
	} {
		if !reflect.DeepEqual(c.a, c.b) {
			return c.name
		}
	}
	return ""
}

// TestV3StoresWhatV2Derives: a version 3 or 4 file, read by Decode or by
// the parallel DecodeFile path, gives exactly the graph a version 2 file
// gives after deriving its arrays, and a snapping index equal to the one
// the first snap builds; segment arcs found as the table of version 3 had
// them.
func TestV3StoresWhatV2Derives(t *testing.T) {
	for _, g := range []*Graph{gridGraph(t, 40), randomGraph(t, 7, 300)} {
		g.Meta.SourceName = "x.osm.pbf"
		v2, v3, v4 := encodeAll(t, g)
		from2, err := Decode(bytes.NewReader(v2))
		if err != nil {
			t.Fatal(err)
		}
		if from2.snap != nil {
			t.Fatal("version 2 load has a snapping index before the first snap")
		}
		for _, file := range []struct {
			version int
			data    []byte
		}{{3, v3}, {4, v4}} {
			for _, dec := range []func([]byte) (*Graph, error){
				func(b []byte) (*Graph, error) { return Decode(bytes.NewReader(b)) },
				func(b []byte) (*Graph, error) { return decodeAt(bytes.NewReader(b), int64(len(b)), nil) },
				func(b []byte) (*Graph, error) { return decodeAt(bytes.NewReader(b), int64(len(b)), inMemory(b)) },
			} {
				got, err := dec(file.data)
				if err != nil {
					t.Fatalf("version %d: %v", file.version, err)
				}
				if got.snap == nil {
					t.Fatalf("version %d load has no snapping index", file.version)
				}
				if f := sameGraph(from2, got); f != "" {
					t.Errorf("%s differs between the version 2 and version %d loads", f, file.version)
				}
			}
		}
		if len(v3) <= len(v2) || len(v4) <= len(v2) || len(v4) >= len(v3) {
			t.Errorf("version 2 file %d bytes, version 3 %d, version 4 %d: want 2 < 4 < 3", len(v2), len(v3), len(v4))
		}
		// SegArc finds the arcs version 3 stored in a table.
		table := make([]int32, 2*len(g.Segments))
		for i := range table {
			table[i] = -1
		}
		for a, k := range g.Out.Seg {
			table[k] = int32(a)
		}
		for s := range int32(len(g.Segments)) {
			for dir, back := range []bool{false, true} {
				if got, want := g.SegArc(s, back), table[2*s+int32(dir)]; got != want {
					t.Fatalf("segment %d backward %v: SegArc %d, want %d", s, back, got, want)
				}
			}
		}
	}
}

// TestV3Portable: the element-by-element path (a big-endian machine's)
// writes the same bytes and reads the same graph as the native one, in
// versions 3 and 4.
func TestV3Portable(t *testing.T) {
	g := gridGraph(t, 20)
	g.CH = BuildCH(g)
	_, native3, native4 := encodeAll(t, g)
	portable = true
	t.Cleanup(func() { portable = false })
	for _, c := range []struct {
		native []byte
		enc    func(io.Writer, *Graph) error
	}{{native3, encodeV3}, {native4, Encode}} {
		var buf bytes.Buffer
		if err := c.enc(&buf, g); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), c.native) {
			t.Fatal("portable encoding differs from the native one")
		}
		got, err := decodeAt(bytes.NewReader(c.native), int64(len(c.native)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if f := sameGraph(g, got); f != "" {
			t.Errorf("portable decode: %s differs", f)
		}
		bad := repairSums(setSegPad(c.native))
		if _, err := decodeAt(bytes.NewReader(bad), int64(len(bad)), nil); !errors.As(err, new(*FormatError)) {
			t.Errorf("nonzero segment padding, portable path: got %v, want a FormatError", err)
		}
	}
}

// inMemory stands for mapFile: the first n bytes of b, copied to 8-byte
// aligned memory as a mapping would be.
func inMemory(b []byte) func(n int64) ([]byte, error) {
	return func(n int64) ([]byte, error) {
		w := make([]uint64, (n+7)/8)
		m := rawBytes(w)[:n]
		copy(m, b)
		return m, nil
	}
}

// decodeFile writes b to a file and reads it with DecodeFile (mapped).
func decodeFile(t *testing.T, b []byte) (*Graph, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "g.graph")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return DecodeFile(f)
}

// secOffset returns the offset of the section holding array kind (secNodeID...)
// in a version 3 or 4 file, -1 when that version has none.
func secOffset(b []byte, kind int) int {
	h, err := DecodeHeader(bytes.NewReader(b))
	if err != nil {
		panic(err)
	}
	at := h.x.len
	for _, s := range sections(&h) {
		if s.kind == kind {
			return int(at)
		}
		at += s.bytes()
	}
	return -1
}

// setSegPad returns a copy of a version 3 or 4 file with a nonzero padding
// byte in its first segment record (checksums not repaired).
func setSegPad(b []byte) []byte {
	c := bytes.Clone(b)
	c[secOffset(c, secSegments)+45] = 1
	return c
}

// TestV3Rejects: a version 3 or 4 file whose checksums are right but whose
// structure is not (a hostile file) is a FormatError from both decoders,
// never a panic; so is a file whose counts exceed its size.
func TestV3Rejects(t *testing.T) {
	g := randomGraph(t, 6, 100)
	_, good3, good4 := encodeAll(t, g)
	n := uint32(g.NumNodes())
	for _, good := range [][]byte{good3, good4} {
		version := binary.LittleEndian.Uint32(good[len(Magic):])
		// put sets the elem-th u32 of the section holding kind.
		put := func(kind, elem int, v uint32) []byte {
			c := bytes.Clone(good)
			at := secOffset(c, kind)
			if at < 0 {
				return nil
			}
			binary.LittleEndian.PutUint32(c[at+4*elem:], v)
			return repairSums(c)
		}
		swapSegArc := func() []byte {
			c := bytes.Clone(good)
			at := secOffset(c, secSegArc)
			if at < 0 {
				return nil
			}
			a, b := bytes.Clone(c[at:at+4]), bytes.Clone(c[at+4:at+8])
			copy(c[at:], b)
			copy(c[at+4:], a)
			return repairSums(c)
		}
		counts := func(nodes uint64) []byte {
			c := bytes.Clone(good)
			binary.LittleEndian.PutUint64(c[len(Magic)+8:], nodes)
			return repairSums(c)
		}
		tag := func() []byte {
			c := bytes.Clone(good)
			at := secOffset(c, secNodeLon)
			binary.LittleEndian.PutUint32(c[at-4:], 7)
			return c
		}
		for _, c := range []struct {
			name string
			data []byte // nil: not in this version
		}{
			{"arc head out of range", put(secOutPacked, 1, n)}, // the high half of arc 0's word
			{"reverse arc head negative", put(secInPacked, 3, 1<<31)},
			{"version 3 arc head differs from its packed word", put(secOutHead, 0, (uint32(g.Out.Head(0))+1)%n)},
			{"version 3 reverse arc weight differs from its packed word", put(secInWeight, 2, g.In.Weight(2)^1)},
			{"arc offsets decrease", put(secOutFirst, 1, 1<<20)},
			{"reverse arc offsets end early", put(secInFirst, int(n), uint32(g.NumArcs()-1))},
			{"reverse arc segment out of range", put(secInSeg, 3, 1<<30)},
			{"arc segment out of range", put(secOutSeg, 0, 2*uint32(len(g.Segments)))},
			{"segment arcs swapped", swapSegArc()},
			{"segment arcs name an arc twice", put(secSegArc, int(g.Out.Seg[1]), 0)},
			{"component out of range", put(secComponent, 2, 1<<20)},
			{"component sizes wrong", put(secCompSize, 0, 1)},
			{"snapping grid segment out of range", put(secSnapSeg, 0, uint32(len(g.Segments)))},
			{"snapping grid piece out of range", put(secSnapPiece, 0, 1000)},
			{"snapping grid offsets wrong", put(secSnapFirst, 0, 1)},
			{"string offsets wrong", put(secStrOff, 1, 1)},
			{"segment padding", repairSums(setSegPad(good))},
			{"section number", tag()},
			{"counts larger than the file", counts(1 << 30)},
			{"flipped byte", flip(good, len(good)/2)},
			{"truncated", good[:len(good)-9]},
		} {
			if c.data == nil {
				continue
			}
			for _, dec := range []func([]byte) (*Graph, error){
				func(b []byte) (*Graph, error) { return Decode(bytes.NewReader(b)) },
				func(b []byte) (*Graph, error) { return decodeAt(bytes.NewReader(b), int64(len(b)), nil) },
				func(b []byte) (*Graph, error) { return decodeAt(bytes.NewReader(b), int64(len(b)), inMemory(b)) },
				func(b []byte) (*Graph, error) { return decodeFile(t, b) },
			} {
				_, err := dec(c.data)
				var fe *FormatError
				if !errors.As(err, &fe) {
					t.Errorf("version %d, %s: got %v, want a FormatError", version, c.name, err)
				}
			}
		}
	}
}

// TestDecodeFileOffset: DecodeFile reads from the file's current offset.
func TestDecodeFileOffset(t *testing.T) {
	g := randomGraph(t, 3, 50)
	var buf bytes.Buffer
	buf.WriteString("prefix")
	if err := Encode(&buf, g); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "g.graph")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(6, 0); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if f := sameGraph(g, got); f != "" {
		t.Errorf("%s differs", f)
	}
}

// BenchmarkCRC32C measures the section checksum: its cost per byte read.
func BenchmarkCRC32C(b *testing.B) {
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		crc32.Update(0, castagnoli, buf)
	}
}

// TestV3HostileSnapPiece: a grid entry naming a piece its segment does not
// have (within the most any segment has, so it decodes) is skipped by
// snapping, not a panic.
func TestV3HostileSnapPiece(t *testing.T) {
	g := gridGraph(t, 10)
	var buf bytes.Buffer
	if err := Encode(&buf, g); err != nil {
		t.Fatal(err)
	}
	ix := g.index()
	e := -1
	for i, s := range ix.seg {
		if g.ShapeFirst[s+1] == g.ShapeFirst[s] { // a segment of one piece
			e = i
			break
		}
	}
	if e < 0 {
		t.Fatal("no straight segment in the grid")
	}
	c := bytes.Clone(buf.Bytes())
	binary.LittleEndian.PutUint32(c[secOffset(c, secSnapPiece)+4*e:], 1)
	got, err := Decode(bytes.NewReader(repairSums(c)))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ix.seg[max(e-5, 0) : e+5] {
		got.SnapPoint(got.Node(g.Segments[s].From), SnapOptions{})
	}
}

// TestWithEditsSharesSnapIndex: a speed edit keeps the geometry, so the
// edited graph uses the same snapping grid, and snaps as one built afresh.
func TestWithEditsSharesSnapIndex(t *testing.T) {
	g := gridGraph(t, 30)
	ix := g.index()
	e := g.WithEdits(func(s int32, seg *Segment) {
		if s%3 == 0 {
			seg.Flags |= Closed
		}
	})
	if e.snap != ix {
		t.Fatal("WithEdits did not share the snapping grid")
	}
	fresh := *e
	fresh.snap = nil
	for v := int32(0); v < int32(g.NumNodes()); v += 7 {
		p := Point{Lon: g.Node(v).Lon + 0.0003, Lat: g.Node(v).Lat + 0.0001}
		a, errA := e.SnapPoint(p, SnapOptions{})
		b, errB := fresh.SnapPoint(p, SnapOptions{})
		if a != b || !reflect.DeepEqual(errA, errB) {
			t.Fatalf("point %v: shared grid %+v (%v), fresh grid %+v (%v)", p, a, errA, b, errB)
		}
	}
}
