package graph

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"unsafe"
)

// File format, version 4 (little-endian):
//
//	header:   magic "FASTRGPH", version u32, flags u32, counts (nodes,
//	          segments, shape points, strings) u64 each, source SHA-256
//	          [32], profile hash [32], source name (u32 length + bytes,
//	          <= 4096), build stats (6 x i64); then string bytes, arcs,
//	          components, snapping grid width, height and entries (u64
//	          each) and the grid's origin longitude, latitude and cell size
//	          in degrees (f64 each); zero padding so that the header ends
//	          at a multiple of 8 bytes; CRC-32C of the bytes before it (u32).
//	sections: each an array exactly as the Graph holds it in memory on a
//	          little-endian machine, zero padding to a multiple of 8 bytes
//	          and an 8-byte trailer: CRC-32C (Castagnoli) of the array and
//	          its padding, then the section's number (u32). Every section
//	          starts at a multiple of 8 bytes. In order:
//
//	           0 node ids (nodes x i64)        10 arcs (arcs x u64: head<<32 | weight)
//	           1 node lon (nodes x i32)        11 arc segments (arcs x u32)
//	           2 node lat (nodes x i32)        12 reverse arc offsets (nodes+1 x u32)
//	           3 segments (segments x 48 B)    13 reverse arcs (arcs x u64)
//	           4 shape offsets (segments+1)    14 reverse arc segments (arcs x u32)
//	           5 shape lon (shape x i32)       15 Component (nodes x i32)
//	           6 shape lat (shape x i32)       16 CompSize (components x i32)
//	           7 string offsets (strings+1)    17 snapping grid cell offsets (cells+1 x u32)
//	           8 string bytes                  18 snapping grid segments (entries x i32)
//	           9 arc offsets (nodes+1 x u32)   19 snapping grid pieces (entries x u32)
//
//	          A segment record is the Segment struct: from i32, to i32,
//	          length f64, way id i64, name u32, ref u32, speed fwd f32,
//	          speed bwd f32, class u8, flags u8, 6 zero bytes.
//
// With FlagCH, a contraction-hierarchy section (CH.Encode: its own header,
// then sections like these, see ch.go) follows the sections; a file
// written before hierarchy format version 2 holds a version 1 section
// there, which still loads.
//
// Version 4 stores exactly the arrays a Graph holds, derived ones and the
// snapping index that the first snap built included, so that a load does
// no derivation: DecodeFile checks the header's counts against the file's
// size, memory-maps the file and checksums and checks the sections in
// place on every core; Decode (any reader), and DecodeFile where mapping
// is not available, read each section straight into its final slice. The
// checks are O(n) and cover what the package indexes with (see check):
// offsets monotone and ending at their counts; heads, segments, components
// and grid entries in range. Mapping rather than reading: reading copies
// every byte into fresh memory, whose page faults and zeroing cost several
// times the checksums on the machine this was measured on (docs/scale.md);
// a mapping's pages are the page cache's, shared by every process that
// maps the file.
//
// Version 3 (the same header; 25 sections: each adjacency's offsets, heads
// (i32), weights (u32), segments and packed words, then SegArc, 2 x
// segments x i32, the Out arc of each segment direction or -1, before the
// components) is still read: its heads, weights and SegArc are checked
// against the packed words and the arc segments, then dropped. Version 2
// (segments in columns; only nodes, segments, shapes and strings stored,
// everything else derived on load) is still read.

// Magic opens every graph file.
const Magic = "FASTRGPH"

// Version is the file format version Encode writes (4: the arrays a Graph
// holds and the snapping index, in sections). Decode also reads versions
// 2 and 3.
const Version = 4

// minVersion is the oldest format version Decode reads.
const minVersion = 2

// Header flags.
const (
	// FlagCH: a contraction-hierarchy section (CH.Encode) follows the body.
	FlagCH uint32 = 1 << iota
)

// knownFlags are the header flag bits this version writes.
const knownFlags = FlagCH

const maxCount = 1 << 31

// FormatError reports a file that is not a fastroad graph or is corrupt.
type FormatError struct{ Reason string }

func (e *FormatError) Error() string { return "not a valid fastroad graph file: " + e.Reason }

// VersionError reports a graph file written by a format version this
// fastroad does not read.
type VersionError struct{ Got, Want uint32 }

func (e *VersionError) Error() string {
	return fmt.Sprintf("graph file format version %d, this fastroad reads versions %d to %d: rebuild it with 'fastroad build'", e.Got, minVersion, e.Want)
}

// Header is the fixed part at the start of a graph file.
type Header struct {
	Version                          uint32
	Flags                            uint32
	Nodes, Segments, Shape, NStrings uint64
	Meta                             Meta

	x headerV3 // versions 3 and 4
}

// headerV3 holds the counts version 3 added to the header (version 4
// keeps them).
type headerV3 struct {
	stringBytes, arcs, comps   uint64
	snapW, snapH, snapEntries  uint64
	snapLon, snapLat, snapCell float64
	len                        uint64 // header bytes, checksum included
}

// castagnoli is the CRC-32C table (hardware-accelerated on amd64 and arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// nativeLE: this machine stores numbers little-endian like the file, so
// arrays are read and written as their memory (no conversion loop).
var nativeLE = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// segRecord is the size of a segment record in a version 3 or 4 file.
const segRecord = 48

// nativeSegments: Segment's memory layout is the file's segment record.
var nativeSegments = func() bool {
	var s Segment
	return nativeLE && unsafe.Sizeof(s) == segRecord && unsafe.Offsetof(s.To) == 4 &&
		unsafe.Offsetof(s.Length) == 8 && unsafe.Offsetof(s.WayID) == 16 && unsafe.Offsetof(s.Name) == 24 &&
		unsafe.Offsetof(s.Ref) == 28 && unsafe.Offsetof(s.SpeedFwd) == 32 && unsafe.Offsetof(s.SpeedBwd) == 36 &&
		unsafe.Offsetof(s.Class) == 40 && unsafe.Offsetof(s.Flags) == 41
}()

// portable makes reading and writing take the element-by-element path of a
// big-endian machine (set by tests only).
var portable = false

// rawBytes returns the memory of s as bytes.
func rawBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

// DecodeHeader reads and checks the header only.
func DecodeHeader(r io.Reader) (Header, error) {
	d := &decoder{r: bufio.NewReader(r), crc: crc32.NewIEEE()}
	return d.header()
}

func (d *decoder) header() (Header, error) {
	var h Header
	magic := make([]byte, len(Magic))
	d.read(magic)
	if d.err != nil || string(magic) != Magic {
		return h, &FormatError{"no fastroad graph header (was it built with 'fastroad build'?)"}
	}
	h.Version = d.u32()
	if d.err == nil && (h.Version < minVersion || h.Version > Version) {
		return h, &VersionError{Got: h.Version, Want: Version}
	}
	if h.Version >= 3 {
		// Versions 3 and 4 checksum the header with CRC-32C, like the sections.
		d.crc = crc32.New(castagnoli)
		d.crc.Write(magic)
		d.crc.Write(binary.LittleEndian.AppendUint32(nil, h.Version))
	}
	h.Flags = d.u32()
	if d.err == nil && h.Flags&^knownFlags != 0 {
		return h, &FormatError{fmt.Sprintf("unknown header flags %#x (written by a newer fastroad?)", h.Flags&^knownFlags)}
	}
	h.Nodes, h.Segments, h.Shape, h.NStrings = d.u64(), d.u64(), d.u64(), d.u64()
	d.read(h.Meta.SourceSHA256[:])
	d.read(h.Meta.ProfileHash[:])
	nl := d.u32()
	if nl > 4096 {
		return h, &FormatError{"source name too long"}
	}
	name := make([]byte, nl)
	d.read(name)
	h.Meta.SourceName = string(name)
	st := &h.Meta.Stats
	st.Ways, st.SkippedWays, st.MissingNodeRefs = int64(d.u64()), int64(d.u64()), int64(d.u64())
	st.ClippedWays, st.ShortWays, st.PlannedWays = int64(d.u64()), int64(d.u64()), int64(d.u64())
	if h.Version >= 3 {
		x := &h.x
		x.stringBytes, x.arcs, x.comps = d.u64(), d.u64(), d.u64()
		x.snapW, x.snapH, x.snapEntries = d.u64(), d.u64(), d.u64()
		x.snapLon, x.snapLat, x.snapCell = math.Float64frombits(d.u64()), math.Float64frombits(d.u64()), math.Float64frombits(d.u64())
		x.len = headerV3Len(int(nl))
		var pad [8]byte
		p := pad[:x.len-4-headerV3Fields(int(nl))]
		d.read(p)
		if d.err == nil && binary.LittleEndian.Uint64(pad[:]) != 0 {
			return h, &FormatError{"nonzero header padding"}
		}
	}
	d.check("header")
	if d.err != nil {
		return h, d.err
	}
	if h.Nodes >= maxCount || h.Segments >= maxCount/2 || h.Shape >= maxCount || h.NStrings >= maxCount || h.NStrings == 0 {
		return h, &FormatError{fmt.Sprintf("implausible counts (%d nodes, %d segments, %d shape points, %d strings)", h.Nodes, h.Segments, h.Shape, h.NStrings)}
	}
	if h.Version >= 3 {
		x := &h.x
		switch {
		case x.arcs > 2*h.Segments || x.comps > h.Nodes || x.stringBytes > math.MaxUint32 || x.snapEntries > math.MaxUint32:
			return h, &FormatError{fmt.Sprintf("implausible counts (%d arcs, %d components, %d string bytes, %d snapping grid entries)", x.arcs, x.comps, x.stringBytes, x.snapEntries)}
		case x.snapW < 1 || x.snapH < 1 || x.snapW >= maxCount || x.snapH >= maxCount || x.snapW*x.snapH >= maxCount:
			return h, &FormatError{fmt.Sprintf("implausible snapping grid of %d x %d cells", x.snapW, x.snapH)}
		case !(x.snapCell >= minSnapCell && x.snapCell <= 360) || !(math.Abs(x.snapLon) <= 360) || !(math.Abs(x.snapLat) <= 360):
			return h, &FormatError{fmt.Sprintf("implausible snapping grid (origin %g, %g, cell %g degrees)", x.snapLon, x.snapLat, x.snapCell)}
		}
	}
	return h, nil
}

// headerV3Fields is the size of a version 3 or 4 header's fields, before its
// padding and checksum, for a source name of nl bytes.
func headerV3Fields(nl int) uint64 {
	return uint64(len(Magic) + 4 + 4 + 4*8 + 32 + 32 + 4 + nl + 6*8 + 9*8)
}

// headerV3Len is the size of a version 3 or 4 header: fields, zero padding and
// the checksum, a multiple of 8 bytes.
func headerV3Len(nl int) uint64 { return (headerV3Fields(nl) + 4 + 7) &^ 7 }

// Decode reads a graph written by Encode (version 4) or by an older
// fastroad (versions 2 and 3), checking header, counts, indices and checksums.
// It reads r sequentially and grows each array as its data arrives (a
// corrupt count fails at end of input, never allocates what it claims);
// DecodeFile, knowing the size, maps the file or allocates each array once.
func Decode(r io.Reader) (*Graph, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	d := &decoder{r: br, crc: crc32.NewIEEE()}
	h, err := d.header()
	if err != nil {
		return nil, err
	}
	if h.Version == 2 {
		return decodeV2(d, h, -1)
	}
	return decodeSections(h, br)
}

// DecodeFile reads the graph file f from its current offset (its start).
// The header's counts are checked against the file's size first. A
// version 3 or 4 file is then memory-mapped where the platform allows (Linux,
// the BSDs, macOS, at an offset that is a multiple of 8): its sections are
// checksummed and checked in place, in parallel, and the Graph's slices
// are the mapping's memory (private copy-on-write pages, shared with
// other processes mapping the same file, never unmapped). Do not truncate
// or rewrite a graph file in place while a process uses it; fastroad's
// writers replace files by renaming. Elsewhere each array is allocated at
// its final length and read straight into. A version 2 file is read in one
// pass and its arrays derived.
func DecodeFile(f *os.File) (*Graph, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	size := max(st.Size()-off, 0)
	return decodeAt(io.NewSectionReader(f, off, size), size, func(n int64) ([]byte, error) {
		if off%8 != 0 {
			return nil, errors.New("offset not a multiple of 8")
		}
		return mapFile(f, off, n)
	})
}

// decodeAt reads a graph file of size bytes from ra; a version 3 or 4 file's
// sections from the memory mapFile returns (its first n bytes), unless nil
// or failing.
func decodeAt(ra io.ReaderAt, size int64, mapFile func(n int64) ([]byte, error)) (*Graph, error) {
	br := bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), 1<<20)
	d := &decoder{r: br, crc: crc32.NewIEEE()}
	h, err := d.header()
	if err != nil {
		return nil, err
	}
	if h.Version == 2 {
		return decodeV2(d, h, size)
	}
	v := newSectionFile(h)
	if err := v.checkSize(size); err != nil {
		return nil, err
	}
	v.ra = ra
	if mapFile != nil && v.native && nativeSegments {
		if m, err := mapFile(size); err == nil { // the hierarchy section included
			v.mapped = m
		}
	}
	return v.finish(size)
}

// The arrays a version 3 or 4 file may hold, numbered in version 3's
// order; a section's number in a file is its position in that version's
// layout (layoutV3, layoutV4).
const (
	secNodeID = iota
	secNodeLon
	secNodeLat
	secSegments
	secShapeFirst
	secShapeLon
	secShapeLat
	secStrOff
	secStrBytes
	secOutFirst
	secOutHead   // version 3 only
	secOutWeight // version 3 only
	secOutSeg
	secOutPacked
	secInFirst
	secInHead   // version 3 only
	secInWeight // version 3 only
	secInSeg
	secInPacked
	secSegArc // version 3 only
	secComponent
	secCompSize
	secSnapFirst
	secSnapSeg
	secSnapPiece
	numKinds
)

// layoutV3 and layoutV4 list the arrays of a version 3 and a version 4
// file in file order.
var (
	layoutV3 = []int{
		secNodeID, secNodeLon, secNodeLat, secSegments, secShapeFirst, secShapeLon, secShapeLat, secStrOff, secStrBytes,
		secOutFirst, secOutHead, secOutWeight, secOutSeg, secOutPacked,
		secInFirst, secInHead, secInWeight, secInSeg, secInPacked,
		secSegArc, secComponent, secCompSize, secSnapFirst, secSnapSeg, secSnapPiece,
	}
	layoutV4 = []int{
		secNodeID, secNodeLon, secNodeLat, secSegments, secShapeFirst, secShapeLon, secShapeLat, secStrOff, secStrBytes,
		secOutFirst, secOutPacked, secOutSeg,
		secInFirst, secInPacked, secInSeg,
		secComponent, secCompSize, secSnapFirst, secSnapSeg, secSnapPiece,
	}
)

// section is one array of a version 3 or 4 file.
type section struct {
	name string
	n    uint64 // elements
	size uint64 // bytes per element
	kind int    // which array (secNodeID...)
}

// bytes is the size of the section in the file: array, padding, trailer.
func (s section) bytes() uint64 { return pad8(s.n*s.size) + 8 }

func pad8(n uint64) uint64 { return (n + 7) &^ 7 }

// sections lists, in file order, the sections a version 3 or 4 header's
// counts imply.
func sections(h *Header) []section {
	x := &h.x
	cells := x.snapW * x.snapH
	all := [numKinds]section{
		secNodeID: {"node ids", h.Nodes, 8, 0}, secNodeLon: {"node longitudes", h.Nodes, 4, 0}, secNodeLat: {"node latitudes", h.Nodes, 4, 0},
		secSegments: {"segments", h.Segments, segRecord, 0}, secShapeFirst: {"shape offsets", h.Segments + 1, 4, 0},
		secShapeLon: {"shape longitudes", h.Shape, 4, 0}, secShapeLat: {"shape latitudes", h.Shape, 4, 0},
		secStrOff: {"string offsets", h.NStrings + 1, 4, 0}, secStrBytes: {"string bytes", x.stringBytes, 1, 0},
		secOutFirst: {"arc offsets", h.Nodes + 1, 4, 0}, secOutHead: {"arc heads", x.arcs, 4, 0}, secOutWeight: {"arc weights", x.arcs, 4, 0},
		secOutSeg: {"arc segments", x.arcs, 4, 0}, secOutPacked: {"packed arcs", x.arcs, 8, 0},
		secInFirst: {"reverse arc offsets", h.Nodes + 1, 4, 0}, secInHead: {"reverse arc heads", x.arcs, 4, 0}, secInWeight: {"reverse arc weights", x.arcs, 4, 0},
		secInSeg: {"reverse arc segments", x.arcs, 4, 0}, secInPacked: {"packed reverse arcs", x.arcs, 8, 0},
		secSegArc: {"segment arcs", 2 * h.Segments, 4, 0}, secComponent: {"components", h.Nodes, 4, 0}, secCompSize: {"component sizes", x.comps, 4, 0},
		secSnapFirst: {"snapping grid offsets", cells + 1, 4, 0}, secSnapSeg: {"snapping grid segments", x.snapEntries, 4, 0},
		secSnapPiece: {"snapping grid pieces", x.snapEntries, 4, 0},
	}
	layout := layoutV4
	if h.Version == 3 {
		layout = layoutV3
	}
	out := make([]section, len(layout))
	for i, k := range layout {
		out[i] = all[k]
		out[i].kind = k
	}
	return out
}

// Encode writes g to w in the current format version. It builds g's
// snapping index first when no snap has built it yet.
func Encode(w io.Writer, g *Graph) error { return encode(w, g, Version, CHVersion) }

// encodeV3 writes g in format version 3, deriving the arrays version 4
// dropped, with a version 1 hierarchy (tests: files written by an older
// fastroad must still load).
func encodeV3(w io.Writer, g *Graph) error { return encode(w, g, 3, 1) }

// encode writes g in format version 3 or 4 with a hierarchy section of
// version chVersion (1 or 2).
func encode(w io.Writer, g *Graph, version, chVersion uint32) error {
	n, ns, m := len(g.NodeLon), len(g.Segments), g.NumArcs()
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"node ids", len(g.NodeID), n}, {"node latitudes", len(g.NodeLat), n}, {"shape offsets", len(g.ShapeFirst), ns + 1},
		{"shape latitudes", len(g.ShapeLat), len(g.ShapeLon)},
		{"arc offsets", len(g.Out.First), n + 1}, {"arc segments", len(g.Out.Seg), m},
		{"reverse arc offsets", len(g.In.First), n + 1}, {"reverse arcs", g.In.NumArcs(), m}, {"reverse arc segments", len(g.In.Seg), m},
		{"components", len(g.Component), n},
	} {
		if c.got != c.want {
			return fmt.Errorf("graph is inconsistent: %d %s, want %d", c.got, c.what, c.want)
		}
	}
	off := make([]uint32, len(g.Strings)+1)
	total := uint64(0)
	for i, s := range g.Strings {
		if len(s) > MaxStringLen {
			return fmt.Errorf("string %d (a name or ref) is %d bytes, more than the %d (1 MiB) a graph file holds", i, len(s), MaxStringLen)
		}
		total += uint64(len(s))
		if total > math.MaxUint32 {
			return fmt.Errorf("names and refs take more than 4 GiB, more than a graph file holds")
		}
		off[i+1] = uint32(total)
	}
	blob := make([]byte, 0, int(total))
	for _, s := range g.Strings {
		blob = append(blob, s...)
	}
	ix := g.index()

	name := g.Meta.SourceName
	if len(name) > 4096 {
		name = name[:4096]
	}
	le := binary.LittleEndian
	hb := make([]byte, 0, headerV3Len(len(name)))
	hb = append(hb, Magic...)
	hb = le.AppendUint32(hb, version)
	var flags uint32
	if g.CH != nil {
		flags |= FlagCH
	}
	hb = le.AppendUint32(hb, flags)
	for _, v := range []int{n, ns, len(g.ShapeLon), len(g.Strings)} {
		hb = le.AppendUint64(hb, uint64(v))
	}
	hb = append(hb, g.Meta.SourceSHA256[:]...)
	hb = append(hb, g.Meta.ProfileHash[:]...)
	hb = le.AppendUint32(hb, uint32(len(name)))
	hb = append(hb, name...)
	st := g.Meta.Stats
	for _, v := range []int64{st.Ways, st.SkippedWays, st.MissingNodeRefs, st.ClippedWays, st.ShortWays, st.PlannedWays} {
		hb = le.AppendUint64(hb, uint64(v))
	}
	for _, v := range []int{int(total), m, len(g.CompSize), ix.w, ix.h, len(ix.seg)} {
		hb = le.AppendUint64(hb, uint64(v))
	}
	for _, v := range []float64{ix.minLon, ix.minLat, ix.cell} {
		hb = le.AppendUint64(hb, math.Float64bits(v))
	}
	for uint64(len(hb)+4)%8 != 0 {
		hb = append(hb, 0)
	}
	hb = le.AppendUint32(hb, crc32.Checksum(hb, castagnoli))

	layout := layoutV4
	if version == 3 {
		layout = layoutV3
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	e := &sectionWriter{w: bw}
	e.write(hb)
	for i, k := range layout {
		switch k {
		case secNodeID:
			writeSection(e, i, g.NodeID, 8, encI64)
		case secNodeLon:
			writeSection(e, i, g.NodeLon, 4, encI32)
		case secNodeLat:
			writeSection(e, i, g.NodeLat, 4, encI32)
		case secSegments:
			writeSection(e, i, g.Segments, segRecord, encSegments)
		case secShapeFirst:
			writeSection(e, i, g.ShapeFirst, 4, encU32)
		case secShapeLon:
			writeSection(e, i, g.ShapeLon, 4, encI32)
		case secShapeLat:
			writeSection(e, i, g.ShapeLat, 4, encI32)
		case secStrOff:
			writeSection(e, i, off, 4, encU32)
		case secStrBytes:
			writeSection(e, i, blob, 1, func(b []byte, v []byte) { copy(b, v) })
		case secOutFirst, secInFirst:
			writeSection(e, i, g.adjOf(k).First, 4, encU32)
		case secOutSeg, secInSeg:
			writeSection(e, i, g.adjOf(k).Seg, 4, encU32)
		case secOutPacked, secInPacked:
			writeSection(e, i, g.adjOf(k).packed, 8, encU64)
		case secOutHead, secInHead:
			a := g.adjOf(k)
			head := make([]int32, m)
			for j := range head {
				head[j] = a.Head(uint32(j))
			}
			writeSection(e, i, head, 4, encI32)
		case secOutWeight, secInWeight:
			a := g.adjOf(k)
			weight := make([]uint32, m)
			for j := range weight {
				weight[j] = a.Weight(uint32(j))
			}
			writeSection(e, i, weight, 4, encU32)
		case secSegArc:
			sa := make([]int32, 2*ns)
			for j := range sa {
				sa[j] = -1
			}
			for a, key := range g.Out.Seg {
				sa[key] = int32(a)
			}
			writeSection(e, i, sa, 4, encI32)
		case secComponent:
			writeSection(e, i, g.Component, 4, encI32)
		case secCompSize:
			writeSection(e, i, g.CompSize, 4, encI32)
		case secSnapFirst:
			writeSection(e, i, ix.first, 4, encU32)
		case secSnapSeg:
			writeSection(e, i, ix.seg, 4, encI32)
		case secSnapPiece:
			writeSection(e, i, ix.piece, 4, encU32)
		}
	}
	if e.err != nil {
		return e.err
	}
	if e.tag != len(layout) {
		panic("graph: Encode wrote the sections out of order")
	}
	if g.CH != nil {
		var err error
		if chVersion == 1 {
			err = g.CH.encodeV1(bw, g)
		} else {
			err = g.CH.Encode(bw)
		}
		if err != nil {
			return err
		}
	}
	return bw.Flush()
}

// adjOf returns the adjacency an array of kind k (secOutFirst...) belongs to.
func (g *Graph) adjOf(k int) *Adjacency {
	if k < secInFirst {
		return &g.Out
	}
	return &g.In
}

// sectionWriter writes sections in order; tag is the next section's number.
type sectionWriter struct {
	w   io.Writer
	err error
	buf []byte
	tag int
}

func (e *sectionWriter) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

// writeSection writes v as section tag: its memory when that is the file's
// layout (a little-endian machine; never for segments), else through put,
// which encodes a block of elements of size bytes each.
func writeSection[T any](e *sectionWriter, tag int, v []T, size int, put func(b []byte, v []T)) {
	if tag != e.tag {
		panic("graph: Encode wrote the sections out of order")
	}
	e.tag++
	if e.err != nil {
		return
	}
	crc := uint32(0)
	var z T
	if nativeLE && !portable && uintptr(size) == unsafe.Sizeof(z) && !isSegments(v) {
		b := rawBytes(v)
		crc = crc32.Update(crc, castagnoli, b)
		e.write(b)
	} else {
		per := max(chunkBytes/size, 1)
		if len(e.buf) < per*size {
			e.buf = make([]byte, per*size)
		}
		for at := 0; at < len(v); at += per {
			k := min(len(v)-at, per)
			b := e.buf[:k*size]
			put(b, v[at:at+k])
			crc = crc32.Update(crc, castagnoli, b)
			e.write(b)
		}
	}
	n := uint64(len(v) * size)
	var t [16]byte
	p := int(pad8(n) - n)
	crc = crc32.Update(crc, castagnoli, t[:p])
	binary.LittleEndian.PutUint32(t[p:], crc)
	binary.LittleEndian.PutUint32(t[p+4:], uint32(tag))
	e.write(t[:p+8])
}

// isSegments: segment records are always encoded field by field, so that
// their padding is zero whatever the memory held.
func isSegments[T any](v []T) bool {
	_, ok := any(v).([]Segment)
	return ok
}

func encU32(b []byte, v []uint32) {
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], x)
	}
}

func encI32(b []byte, v []int32) {
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(x))
	}
}

func encU64(b []byte, v []uint64) {
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], x)
	}
}

func encI64(b []byte, v []int64) {
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(x))
	}
}

func encSegments(b []byte, v []Segment) {
	le := binary.LittleEndian
	for i := range v {
		s, r := &v[i], b[segRecord*i:segRecord*(i+1)]
		le.PutUint32(r[0:], uint32(s.From))
		le.PutUint32(r[4:], uint32(s.To))
		le.PutUint64(r[8:], math.Float64bits(s.Length))
		le.PutUint64(r[16:], uint64(s.WayID))
		le.PutUint32(r[24:], s.Name)
		le.PutUint32(r[28:], s.Ref)
		le.PutUint32(r[32:], math.Float32bits(s.SpeedFwd))
		le.PutUint32(r[36:], math.Float32bits(s.SpeedBwd))
		r[40], r[41] = byte(s.Class), s.Flags
		le.PutUint32(r[42:], 0)
		le.PutUint16(r[46:], 0)
	}
}

// convSegments decodes segment records; false when a record's padding is
// not zero.
func convSegments(b []byte, out []Segment) bool {
	le := binary.LittleEndian
	ok := true
	for i := range out {
		r := b[segRecord*i : segRecord*(i+1)]
		out[i] = Segment{From: int32(le.Uint32(r[0:])), To: int32(le.Uint32(r[4:])), Length: math.Float64frombits(le.Uint64(r[8:])),
			WayID: int64(le.Uint64(r[16:])), Name: le.Uint32(r[24:]), Ref: le.Uint32(r[28:]),
			SpeedFwd: math.Float32frombits(le.Uint32(r[32:])), SpeedBwd: math.Float32frombits(le.Uint32(r[36:])),
			Class: Class(r[40]), Flags: r[41]}
		if le.Uint32(r[42:]) != 0 || le.Uint16(r[46:]) != 0 {
			ok = false
		}
	}
	return ok
}

// readSection reads section s (number tag) from r into a new slice:
// straight into the slice's memory when native, else block by block
// through conv. With exact the slice is allocated at its final length
// (the caller checked the counts against the file's size); otherwise it
// grows with the data read. The padding must be zero and the trailer must
// hold the checksum and tag.
func readSection[T any](r io.Reader, exact, native bool, s section, tag int, conv func(b []byte, out []T)) ([]T, uint32, error) {
	size := int(s.size)
	per := uint64(max(chunkBytes/size, 1))
	var block []byte
	if !native {
		block = make([]byte, min(per, s.n)*uint64(size))
	}
	var out []T
	if exact {
		out = make([]T, s.n)
	} else {
		out = make([]T, 0, min(s.n, chunk))
	}
	crc := uint32(0)
	for at := uint64(0); at < s.n; {
		k := min(s.n-at, per)
		if !exact {
			out = growTo(out, at+k)
		}
		dst := out[at : at+k]
		var b []byte
		if native {
			b = rawBytes(dst)
		} else {
			b = block[:k*uint64(size)]
		}
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, 0, readErr(err)
		}
		crc = crc32.Update(crc, castagnoli, b)
		if !native {
			conv(b, dst)
		}
		at += k
	}
	var t [16]byte
	p := int(pad8(s.n*s.size) - s.n*s.size)
	if _, err := io.ReadFull(r, t[:p+8]); err != nil {
		return nil, 0, readErr(err)
	}
	crc = crc32.Update(crc, castagnoli, t[:p])
	switch {
	case binary.LittleEndian.Uint64(t[:8])&(1<<(8*p)-1) != 0:
		return nil, 0, &FormatError{s.name + ": nonzero padding"}
	case binary.LittleEndian.Uint32(t[p:]) != crc:
		return nil, 0, &FormatError{s.name + " checksum mismatch (file corrupt)"}
	case binary.LittleEndian.Uint32(t[p+4:]) != uint32(tag):
		return nil, 0, &FormatError{fmt.Sprintf("%s: section %d found where %d belongs", s.name, binary.LittleEndian.Uint32(t[p+4:]), tag)}
	}
	return out, crc, nil
}

// growTo extends out to length n, growing its capacity by doubling.
func growTo[T any](out []T, n uint64) []T {
	if uint64(cap(out)) < n {
		c := max(n, 2*uint64(cap(out)))
		nw := make([]T, len(out), c)
		copy(nw, out)
		out = nw
	}
	return out[:n]
}

func readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &FormatError{"file is truncated"}
	}
	return err
}

// sectionFile is a version 3 or 4 file being decoded. Its sections come
// from one of three sources: a memory mapping of the file (mapped), a file
// read with ReadAt (ra), or a stream read in order (br).
type sectionFile struct {
	sectionSource
	g        *Graph
	h        Header
	end      uint64 // offset after the last section
	native   bool
	br       *bufio.Reader
	strOff   []uint32
	strBytes []byte
	ix       snapIndex

	// The arrays only a version 3 file holds, checked against those the
	// graph keeps and then dropped: heads and weights of Out and In, SegArc.
	head   [2][]int32
	weight [2][]uint32
	segArc []int32
}

// sectionSource holds where a run of sections comes from: a memory
// mapping (mapped; offs are offsets into it), a file read with ReadAt (ra),
// or a stream read in order (stream; exact: each array allocated at its
// final length, the counts having been checked against the size).
type sectionSource struct {
	secs   []section
	offs   []uint64 // offset of each section
	mapped []byte
	ra     io.ReaderAt
	stream io.Reader
	exact  bool
	sums   []uint32 // the checksum each section's trailer holds, once read
}

// get returns section i as a slice: the mapping's memory itself, or read
// into a new slice (native: straight into its memory; else through conv).
// It records the section's checksum in d.sums[i].
func get[T any](d *sectionSource, i int, native bool, conv func(b []byte, out []T)) ([]T, error) {
	s := d.secs[i]
	var out []T
	var crc uint32
	var err error
	switch {
	case d.mapped != nil:
		out, crc, err = mappedSection[T](d.mapped[d.offs[i]:d.offs[i]+s.bytes()], s, i)
	case d.ra != nil:
		out, crc, err = readSection(io.NewSectionReader(d.ra, int64(d.offs[i]), int64(s.bytes())), true, native, s, i, conv)
	default:
		out, crc, err = readSection(d.stream, d.exact, native, s, i, conv)
	}
	if err == nil && d.sums != nil {
		d.sums[i] = crc
	}
	return out, err
}

// mappedSection checks section s (number tag) in b, its bytes in a
// mapping, and returns its array, which is b's memory, and its checksum.
func mappedSection[T any](b []byte, s section, tag int) ([]T, uint32, error) {
	n := s.n * s.size
	p := pad8(n)
	crc := crc32.Update(0, castagnoli, b[:p])
	le := binary.LittleEndian
	switch {
	case p > n && le.Uint64(b[p-8:p])>>(8*(8-(p-n))) != 0:
		return nil, 0, &FormatError{s.name + ": nonzero padding"}
	case le.Uint32(b[p:]) != crc:
		return nil, 0, &FormatError{s.name + " checksum mismatch (file corrupt)"}
	case le.Uint32(b[p+4:]) != uint32(tag):
		return nil, 0, &FormatError{fmt.Sprintf("%s: section %d found where %d belongs", s.name, le.Uint32(b[p+4:]), tag)}
	}
	if s.n == 0 {
		return []T{}, crc, nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), s.n), crc, nil
}

// read reads section i.
func (d *sectionFile) read(i int) error {
	g, nat, src := d.g, d.native, &d.sectionSource
	var err error
	switch k := d.secs[i].kind; k {
	case secNodeID:
		g.NodeID, err = get(src, i, nat, convI64)
	case secNodeLon:
		g.NodeLon, err = get(src, i, nat, convI32)
	case secNodeLat:
		g.NodeLat, err = get(src, i, nat, convI32)
	case secSegments:
		ok := true
		g.Segments, err = get(src, i, nat && nativeSegments, func(b []byte, out []Segment) {
			ok = convSegments(b, out) && ok
		})
		if err == nil && !ok {
			err = &FormatError{"segments: nonzero padding in a record"}
		}
	case secShapeFirst:
		g.ShapeFirst, err = get(src, i, nat, convU32)
	case secShapeLon:
		g.ShapeLon, err = get(src, i, nat, convI32)
	case secShapeLat:
		g.ShapeLat, err = get(src, i, nat, convI32)
	case secStrOff:
		d.strOff, err = get(src, i, nat, convU32)
	case secStrBytes:
		d.strBytes, err = get(src, i, nat, func(b, out []byte) { copy(out, b) })
	case secOutFirst, secInFirst:
		a := g.adjOf(k)
		a.First, err = get(src, i, nat, convU32)
	case secOutSeg, secInSeg:
		a := g.adjOf(k)
		a.Seg, err = get(src, i, nat, convU32)
	case secOutPacked, secInPacked:
		a := g.adjOf(k)
		a.packed, err = get(src, i, nat, convU64)
	case secOutHead, secInHead:
		d.head[dirOf(k)], err = get(src, i, nat, convI32)
	case secOutWeight, secInWeight:
		d.weight[dirOf(k)], err = get(src, i, nat, convU32)
	case secSegArc:
		d.segArc, err = get(src, i, nat, convI32)
	case secComponent:
		g.Component, err = get(src, i, nat, convI32)
	case secCompSize:
		g.CompSize, err = get(src, i, nat, convI32)
	case secSnapFirst:
		d.ix.first, err = get(src, i, nat, convU32)
	case secSnapSeg:
		d.ix.seg, err = get(src, i, nat, convI32)
	case secSnapPiece:
		d.ix.piece, err = get(src, i, nat, convU32)
	}
	return err
}

// dirOf is 0 for an array of Out, 1 for one of In.
func dirOf(k int) int {
	if k < secInFirst {
		return 0
	}
	return 1
}

// newSectionFile lays out the sections a version 3 or 4 header describes.
func newSectionFile(h Header) *sectionFile {
	d := &sectionFile{g: &Graph{Meta: h.Meta}, h: h, native: nativeLE && !portable}
	d.secs = sections(&h)
	d.sums = make([]uint32, len(d.secs))
	d.end = h.x.len
	d.offs = make([]uint64, len(d.secs))
	for i, s := range d.secs {
		d.offs[i] = d.end
		d.end += s.bytes()
	}
	return d
}

// checkSize checks the sections against a file of size bytes before
// anything is allocated or mapped.
func (d *sectionFile) checkSize(size int64) error {
	if d.end > uint64(size) {
		return &FormatError{"file is truncated"}
	}
	if d.end < uint64(size) && d.h.Flags&FlagCH == 0 {
		return &FormatError{"trailing bytes after the graph (a file appended to or two files joined)"}
	}
	return nil
}

// decodeSections reads the sections after a version 3 or 4 header from br,
// in order (size unknown: arrays grow as their data arrives).
func decodeSections(h Header, br *bufio.Reader) (*Graph, error) {
	d := newSectionFile(h)
	d.br, d.stream = br, br
	for i := range d.secs {
		if err := d.read(i); err != nil {
			return nil, err
		}
	}
	return d.finish(-1)
}

// finish reads the sections (in parallel, unless from a stream), checks
// them, and reads the hierarchy section.
func (d *sectionFile) finish(size int64) (*Graph, error) {
	h, end := d.h, d.end
	if d.br == nil {
		// Largest sections first, so that the workers finish together.
		order := make([]int, len(d.secs))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return d.secs[order[a]].bytes() > d.secs[order[b]].bytes() })
		if err := parallel(order, d.read); err != nil {
			return nil, err
		}
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	g := d.g
	ix := d.ix
	ix.minLon, ix.minLat, ix.cell = h.x.snapLon, h.x.snapLat, h.x.snapCell
	ix.w, ix.h = int(h.x.snapW), int(h.x.snapH)
	g.snap = &ix
	br := d.br
	if h.Flags&FlagCH != 0 {
		// The checksums of the arc sections, checked above, tell whether
		// the hierarchy was built for these arcs without hashing them.
		var sums [2]uint32
		for i, s := range d.secs {
			switch s.kind {
			case secOutFirst:
				sums[0] = d.sums[i]
			case secOutPacked:
				sums[1] = d.sums[i]
			}
		}
		var ch *CH
		var err error
		if d.mapped != nil {
			ch, err = decodeCHMapped(d.mapped[end:], g, &sums)
		} else {
			var r io.Reader = br
			avail := int64(-1)
			if br == nil {
				avail = size - int64(end)
				r = io.NewSectionReader(d.ra, int64(end), avail)
			}
			cr := &countingReader{r: r}
			ch, err = decodeCH(cr, g, avail, &sums)
			if err == nil && avail >= 0 && cr.n != avail {
				err = errTrailing
			}
		}
		if errors.Is(err, errTrailing) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("contraction hierarchy section: %w", err)
		}
		g.CH = ch
	}
	if br != nil {
		if _, err := br.ReadByte(); err != io.EOF {
			if err != nil {
				return nil, err
			}
			return nil, &FormatError{"trailing bytes after the graph (a file appended to or two files joined)"}
		}
	}
	return g, nil
}

// errTrailing reports bytes after the last section of a file.
var errTrailing = &FormatError{"trailing bytes after the graph (a file appended to or two files joined)"}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// parallel runs job(i) for every i of order on up to GOMAXPROCS
// goroutines, in that order, and returns the error of the lowest i that
// failed (the same whatever the scheduling). Jobs not yet started when one
// fails are skipped.
func parallel(order []int, job func(i int) error) error {
	errs := make([]error, len(order))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(order)) {
		wg.Go(func() {
			for {
				k := int(next.Add(1) - 1)
				if k >= len(order) || failed.Load() {
					return
				}
				if err := job(order[k]); err != nil {
					errs[order[k]] = err
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// check validates what the rest of the package indexes with (O(n) checks,
// in parallel), makes the string table and derives the open segments
// (one pass over the arcs, beside the checks).
func (d *sectionFile) check() error {
	g := d.g
	n, ns := int32(len(g.NodeLon)), int32(len(g.Segments))
	jobs := []func() error{
		d.checkSegments,
		d.checkShapes,
		d.checkStrings,
		func() error { return checkAdj("arc", &g.Out, n, ns) },
		func() error { return checkAdj("reverse arc", &g.In, n, ns) },
		d.checkComponents,
		d.checkSnap,
		func() error { g.open = openSegments(&g.Out, int(ns)); return nil },
	}
	// The longest first (by their time at 20M nodes), so that the workers
	// finish together; errors are still reported in the order above.
	order := []int{6, 0, 3, 4, 7, 5, 1, 2}
	if d.h.Version == 3 {
		jobs = append(jobs,
			func() error { return checkDropped("arc", &g.Out, d.head[0], d.weight[0]) },
			func() error { return checkDropped("reverse arc", &g.In, d.head[1], d.weight[1]) },
			d.checkSegArc)
		order = append([]int{8, 9, 10}, order...)
	}
	return parallel(order, func(i int) error { return jobs[i]() })
}

func (d *sectionFile) checkSegments() error {
	g := d.g
	nn, nstr := int32(len(g.NodeLon)), uint32(d.h.NStrings)
	native := d.native && nativeSegments
	raw := rawBytes(g.Segments)
	for i := range g.Segments {
		s := &g.Segments[i]
		switch {
		case s.From < 0 || s.From >= nn || s.To < 0 || s.To >= nn:
			return &FormatError{fmt.Sprintf("segment %d: node index out of range", i)}
		case s.Name >= nstr || s.Ref >= nstr:
			return &FormatError{fmt.Sprintf("segment %d: string index out of range", i)}
		case !(s.Length >= 0) || math.IsInf(s.Length, 0):
			return &FormatError{fmt.Sprintf("segment %d: bad length", i)}
		case !(s.SpeedFwd >= 0) || !(s.SpeedBwd >= 0) || math.IsInf(float64(s.SpeedFwd), 0) || math.IsInf(float64(s.SpeedBwd), 0):
			return &FormatError{fmt.Sprintf("segment %d: bad speed", i)}
		case s.Class >= numClasses:
			return &FormatError{fmt.Sprintf("segment %d: unknown class %d", i, s.Class)}
		case s.Flags&(Forward|Backward) == 0:
			return &FormatError{fmt.Sprintf("segment %d: no direction", i)}
		case native && binary.LittleEndian.Uint64(raw[segRecord*i+40:])>>16 != 0:
			return &FormatError{fmt.Sprintf("segment %d: nonzero padding", i)}
		}
	}
	return nil
}

func (d *sectionFile) checkShapes() error {
	g := d.g
	ns := len(g.Segments)
	if g.ShapeFirst[0] != 0 || uint64(g.ShapeFirst[ns]) != d.h.Shape {
		return &FormatError{"shape offsets do not match the shape count"}
	}
	for i := range ns {
		if g.ShapeFirst[i] > g.ShapeFirst[i+1] {
			return &FormatError{fmt.Sprintf("segment %d: shape offsets decrease", i)}
		}
	}
	return nil
}

func (d *sectionFile) checkStrings() error {
	off, blob := d.strOff, d.strBytes
	if off[0] != 0 || uint64(off[len(off)-1]) != uint64(len(blob)) {
		return &FormatError{"string offsets do not match the string bytes"}
	}
	for i := range len(off) - 1 {
		if off[i] > off[i+1] || off[i+1]-off[i] > MaxStringLen {
			return &FormatError{fmt.Sprintf("string %d: offsets decrease or string longer than 1 MiB", i)}
		}
	}
	if off[1] != 0 {
		return &FormatError{"string table must start with the empty string"}
	}
	all := ""
	if len(blob) > 0 {
		all = unsafe.String(unsafe.SliceData(blob), len(blob)) // blob is never written again
	}
	strs := make([]string, len(off)-1)
	for i := range strs {
		strs[i] = all[off[i]:off[i+1]]
	}
	d.g.Strings = strs
	return nil
}

// checkAdj checks one adjacency: offsets monotone from 0 to the arc count,
// heads and segments in range.
func checkAdj(what string, a *Adjacency, n, ns int32) error {
	m := uint32(len(a.packed))
	if a.First[0] != 0 || a.First[n] != m {
		return &FormatError{what + " offsets do not match the arc count"}
	}
	for v := range n {
		if a.First[v] > a.First[v+1] {
			return &FormatError{fmt.Sprintf("%s offsets decrease at node %d", what, v)}
		}
	}
	for i, p := range a.packed {
		if h := p >> 32; h >= uint64(n) {
			return &FormatError{fmt.Sprintf("%s %d: head %d out of range", what, i, int32(h))}
		}
	}
	for i, s := range a.Seg {
		if s>>1 >= uint32(ns) {
			return &FormatError{fmt.Sprintf("%s %d: segment %d out of range", what, i, s>>1)}
		}
	}
	return nil
}

// checkDropped checks a version 3 file's arc heads and weights, which the
// graph does not keep, against the packed words it keeps.
func checkDropped(what string, a *Adjacency, head []int32, weight []uint32) error {
	for i, p := range a.packed {
		if p != arcWord(head[i], weight[i]) {
			return &FormatError{fmt.Sprintf("%s %d: packed word differs from its head and weight", what, i)}
		}
	}
	return nil
}

// checkSegArc checks a version 3 file's table from segments to arcs, which
// the graph does not keep (Graph.SegArc finds the arc instead): it must
// name each arc at the arc's own segment key and hold -1 elsewhere, as
// the table encodeV3 derives.
func (d *sectionFile) checkSegArc() error {
	g := d.g
	m := int32(len(g.Out.packed))
	open := 0
	for i, a := range d.segArc {
		if a < -1 || a >= m {
			return &FormatError{fmt.Sprintf("segment arc %d: arc %d out of range", i, a)}
		}
		if a >= 0 {
			open++
		}
	}
	if open != int(m) {
		return &FormatError{fmt.Sprintf("segment arcs name %d arcs, the graph has %d", open, m)}
	}
	for a, k := range g.Out.Seg {
		if k >= uint32(len(d.segArc)) || d.segArc[k] != int32(a) {
			return &FormatError{fmt.Sprintf("arc %d: the segment arcs do not name it at its segment", a)}
		}
	}
	return nil
}

// checkComponents checks that components are numbered in range, by
// decreasing size, and that the sizes count the nodes.
func (d *sectionFile) checkComponents() error {
	g := d.g
	count := make([]int32, len(g.CompSize))
	for v, c := range g.Component {
		if c < 0 || int(c) >= len(count) {
			return &FormatError{fmt.Sprintf("node %d: component %d out of range", v, c)}
		}
		count[c]++
	}
	for c, k := range g.CompSize {
		if k != count[c] || k == 0 || (c > 0 && k > g.CompSize[c-1]) {
			return &FormatError{fmt.Sprintf("component %d: size %d, counted %d nodes (or sizes not decreasing)", c, k, count[c])}
		}
	}
	return nil
}

// checkSnap checks the snapping grid: offsets monotone from 0 to the entry
// count, each entry a segment and a piece number no larger than the most
// pieces a segment has. (Whether the piece exists in its own segment is
// checked where it is used, snapWith: here it would cost a random access
// per entry, the slowest check of a load.)
func (d *sectionFile) checkSnap() error {
	g, ix := d.g, &d.ix
	if ix.first[0] != 0 || uint64(ix.first[len(ix.first)-1]) != d.h.x.snapEntries {
		return &FormatError{"snapping grid offsets do not match the entry count"}
	}
	for c := range len(ix.first) - 1 {
		if ix.first[c] > ix.first[c+1] {
			return &FormatError{fmt.Sprintf("snapping grid offsets decrease at cell %d", c)}
		}
	}
	// Piece k runs from point k to k+1 of a segment's geometry: its inner
	// shape points plus the two ends.
	most := uint32(0)
	for s := range len(g.Segments) {
		if g.ShapeFirst[s+1] > g.ShapeFirst[s] {
			most = max(most, g.ShapeFirst[s+1]-g.ShapeFirst[s])
		}
	}
	ns := int32(len(g.Segments))
	for i, s := range ix.seg {
		if s < 0 || s >= ns {
			return &FormatError{fmt.Sprintf("snapping grid entry %d: segment %d out of range", i, s)}
		}
		if k := ix.piece[i]; k > most {
			return &FormatError{fmt.Sprintf("snapping grid entry %d: piece %d out of range", i, k)}
		}
	}
	return nil
}
