package graph

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"
)

// File format (little-endian):
//
//	header: magic "FASTRGPH", version u32, flags u32, counts (nodes, segments, shape
//	        points, strings) u64 each, source SHA-256 [32], profile hash [32],
//	        source name (u32 length + bytes, <= 4096), build stats (6 x i64),
//	        CRC-32 (IEEE) of the header bytes before it.
//	body:   node ids, node lon, node lat; segment columns (from, to, length,
//	        way id, name, ref, speed fwd, speed bwd, class, flags); shape
//	        offsets, shape lon, shape lat; strings (u32 length + bytes);
//	        CRC-32 of the body.
//
// With FlagCH, a contraction-hierarchy section (CH.Encode, its own header
// and checksums) follows the body.
//
// Arcs, reverse arcs and components are not stored: they are derived from the
// segments on load (linear time), so a file cannot hold an inconsistent CSR.
// The header is read and checked before anything large is allocated, and
// sections are read in bounded chunks, so a corrupt count fails at end of
// file instead of allocating what it claims.

// Magic opens every graph file.
const Magic = "FASTRGPH"

// Version is the current file format version (2: a flags word in the
// header and an optional contraction-hierarchy section after the body).
const Version = 2

// Header flags.
const (
	// FlagCH: a contraction-hierarchy section (CH.Encode) follows the body.
	FlagCH uint32 = 1 << iota
)

const maxCount = 1 << 31

// FormatError reports a file that is not a fastroad graph or is corrupt.
type FormatError struct{ Reason string }

func (e *FormatError) Error() string { return "not a valid fastroad graph file: " + e.Reason }

// VersionError reports a graph file written by another format version.
type VersionError struct{ Got, Want uint32 }

func (e *VersionError) Error() string {
	return fmt.Sprintf("graph file format version %d, this fastroad reads version %d: rebuild it with 'fastroad build'", e.Got, e.Want)
}

// Header is the fixed part at the start of a graph file.
type Header struct {
	Version                          uint32
	Flags                            uint32
	Nodes, Segments, Shape, NStrings uint64
	Meta                             Meta
}

// Encode writes g to w.
func Encode(w io.Writer, g *Graph) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	e := &encoder{w: bw, crc: crc32.NewIEEE()}
	e.bytes([]byte(Magic))
	e.u32(Version)
	var flags uint32
	if g.CH != nil {
		flags |= FlagCH
	}
	e.u32(flags)
	e.u64(uint64(len(g.NodeLon)))
	e.u64(uint64(len(g.Segments)))
	e.u64(uint64(len(g.ShapeLon)))
	e.u64(uint64(len(g.Strings)))
	e.bytes(g.Meta.SourceSHA256[:])
	e.bytes(g.Meta.ProfileHash[:])
	name := g.Meta.SourceName
	if len(name) > 4096 {
		name = name[:4096]
	}
	e.u32(uint32(len(name)))
	e.bytes([]byte(name))
	st := g.Meta.Stats
	for _, v := range []int64{st.Ways, st.SkippedWays, st.MissingNodeRefs, st.ClippedWays, st.ShortWays, st.PlannedWays} {
		e.u64(uint64(v))
	}
	e.sum()

	for _, v := range g.NodeID {
		e.u64(uint64(v))
	}
	e.i32s(g.NodeLon)
	e.i32s(g.NodeLat)
	for i := range g.Segments {
		e.u32(uint32(g.Segments[i].From))
	}
	for i := range g.Segments {
		e.u32(uint32(g.Segments[i].To))
	}
	for i := range g.Segments {
		e.u64(math.Float64bits(g.Segments[i].Length))
	}
	for i := range g.Segments {
		e.u64(uint64(g.Segments[i].WayID))
	}
	for i := range g.Segments {
		e.u32(g.Segments[i].Name)
	}
	for i := range g.Segments {
		e.u32(g.Segments[i].Ref)
	}
	for i := range g.Segments {
		e.u32(math.Float32bits(g.Segments[i].SpeedFwd))
	}
	for i := range g.Segments {
		e.u32(math.Float32bits(g.Segments[i].SpeedBwd))
	}
	for i := range g.Segments {
		e.bytes([]byte{byte(g.Segments[i].Class), g.Segments[i].Flags})
	}
	for _, v := range g.ShapeFirst {
		e.u32(v)
	}
	e.i32s(g.ShapeLon)
	e.i32s(g.ShapeLat)
	for i, s := range g.Strings {
		if len(s) > MaxStringLen {
			return fmt.Errorf("string %d (a name or ref) is %d bytes, more than the %d (1 MiB) a graph file holds", i, len(s), MaxStringLen)
		}
	}
	for _, s := range g.Strings {
		e.u32(uint32(len(s)))
		e.bytes([]byte(s))
	}
	e.sum()
	if e.err != nil {
		return e.err
	}
	if g.CH != nil {
		if err := g.CH.Encode(bw); err != nil {
			return err
		}
	}
	return bw.Flush()
}

type encoder struct {
	w   io.Writer
	crc hash.Hash32
	buf [8]byte
	err error
}

func (e *encoder) bytes(b []byte) {
	if e.err != nil {
		return
	}
	e.crc.Write(b)
	_, e.err = e.w.Write(b)
}

func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:4], v)
	e.bytes(e.buf[:4])
}

func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:8], v)
	e.bytes(e.buf[:8])
}

func (e *encoder) i32s(v []int32) {
	for _, x := range v {
		e.u32(uint32(x))
	}
}

func (e *encoder) sum() {
	s := e.crc.Sum32()
	binary.LittleEndian.PutUint32(e.buf[:4], s)
	if e.err == nil {
		_, e.err = e.w.Write(e.buf[:4])
	}
	e.crc.Reset()
}

type decoder struct {
	r     *bufio.Reader
	crc   hash.Hash32
	err   error
	buf   [8]byte
	block []byte // readArray's buffer
	// exact: the header's counts were checked against the file's size, so
	// readArray allocates each array at its final length at once.
	exact bool
}

func (d *decoder) read(b []byte) {
	if d.err != nil {
		return
	}
	if _, err := io.ReadFull(d.r, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = &FormatError{"file is truncated"}
		}
		d.err = err
		for i := range b {
			b[i] = 0
		}
		return
	}
	d.crc.Write(b)
}

func (d *decoder) u32() uint32 { d.read(d.buf[:4]); return binary.LittleEndian.Uint32(d.buf[:4]) }
func (d *decoder) u64() uint64 { d.read(d.buf[:8]); return binary.LittleEndian.Uint64(d.buf[:8]) }

func (d *decoder) check(what string) {
	want := d.crc.Sum32()
	if d.err != nil {
		return
	}
	var b [4]byte
	if _, err := io.ReadFull(d.r, b[:]); err != nil {
		d.err = &FormatError{"file is truncated"}
		return
	}
	if binary.LittleEndian.Uint32(b[:]) != want {
		d.err = &FormatError{what + " checksum mismatch (file corrupt)"}
	}
	d.crc.Reset()
}

// chunk bounds how many elements are allocated ahead of the data read.
const chunk = 1 << 16

// chunkBytes is the size of the buffer arrays are read through: the CRC
// runs over large blocks (its vectorised path) and the conversion loops
// compile to plain loads.
const chunkBytes = 1 << 20

func readN[T any](d *decoder, n uint64, get func() T) []T {
	out := make([]T, 0, min(n, chunk))
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(out, get())
	}
	return out
}

// readArray reads n fixed-size little-endian elements of size bytes each
// through the decoder's block buffer; conv decodes one block into out.
// Memory grows with the data actually read (amortised doubling from
// chunk elements), so a corrupt count fails at end of file instead of
// allocating what it claims.
func readArray[T any](d *decoder, n uint64, size int, conv func(b []byte, out []T)) []T {
	if want := min(uint64(chunkBytes), n*uint64(size)); uint64(len(d.block)) < want {
		d.block = make([]byte, want)
	}
	per := uint64(len(d.block) / size)
	if d.exact {
		out := make([]T, n)
		for at := uint64(0); at < n && d.err == nil; {
			k := min(n-at, per)
			b := d.block[:int(k)*size]
			d.read(b)
			if d.err != nil {
				break
			}
			conv(b, out[at:at+k])
			at += k
		}
		return out
	}
	out := make([]T, 0, min(n, chunk))
	for left := n; left > 0 && d.err == nil; {
		k := min(left, per)
		b := d.block[:int(k)*size]
		d.read(b)
		if d.err != nil {
			break
		}
		l := len(out)
		out = slices.Grow(out, int(k))[:l+int(k)]
		conv(b, out[l:])
		left -= k
	}
	return out
}

func convU32(b []byte, out []uint32) {
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
}

func convI32(b []byte, out []int32) {
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

func convI64(b []byte, out []int64) {
	for i := range out {
		out[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
	}
}

func convF64(b []byte, out []float64) {
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
}

func convF32(b []byte, out []float32) {
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

func conv2B(b []byte, out [][2]byte) {
	for i := range out {
		out[i] = [2]byte{b[2*i], b[2*i+1]}
	}
}

// DecodeHeader reads and checks the header only.
func DecodeHeader(r io.Reader) (Header, error) {
	d := &decoder{r: bufio.NewReader(r), crc: crc32.NewIEEE()}
	h, err := d.header()
	return h, err
}

func (d *decoder) header() (Header, error) {
	var h Header
	magic := make([]byte, len(Magic))
	d.read(magic)
	if d.err != nil || string(magic) != Magic {
		return h, &FormatError{"no fastroad graph header (was it built with 'fastroad build'?)"}
	}
	h.Version = d.u32()
	if d.err == nil && h.Version != Version {
		return h, &VersionError{Got: h.Version, Want: Version}
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
	d.check("header")
	if d.err != nil {
		return h, d.err
	}
	if h.Nodes >= maxCount || h.Segments >= maxCount/2 || h.Shape >= maxCount || h.NStrings >= maxCount || h.NStrings == 0 {
		return h, &FormatError{fmt.Sprintf("implausible counts (%d nodes, %d segments, %d shape points, %d strings)", h.Nodes, h.Segments, h.Shape, h.NStrings)}
	}
	return h, nil
}

// knownFlags are the header flag bits this version writes.
const knownFlags = FlagCH

// Decode reads a graph written by Encode, checking header, counts, indices
// and checksums. Arrays grow as their data arrives (a corrupt count fails
// at end of input, never allocates what it claims); DecodeFile, knowing
// the size, allocates each array once.
func Decode(r io.Reader) (*Graph, error) {
	return decode(bufio.NewReaderSize(r, 1<<16), -1)
}

// DecodeFile reads the graph file f from its current offset (its start):
// Decode with the file's size known, so the header's counts are checked
// against it first and each array is allocated at its final length and
// read straight into (no growth copies: about a third less load time on
// large graphs).
func DecodeFile(f *os.File) (*Graph, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return decode(bufio.NewReaderSize(f, 1<<20), st.Size())
}

// bodyBytes is the size of the body the header's counts imply, not
// counting string contents.
func bodyBytes(h Header) uint64 {
	return h.Nodes*(8+4+4) + h.Segments*(4+4+8+8+4+4+4+4+2) + (h.Segments+1)*4 + h.Shape*8 + h.NStrings*4 + 4
}

func decode(br *bufio.Reader, size int64) (*Graph, error) {
	d := &decoder{r: br, crc: crc32.NewIEEE()}
	h, err := d.header()
	if err != nil {
		return nil, err
	}
	if size >= 0 {
		if bodyBytes(h) > uint64(size) {
			return nil, &FormatError{"file is truncated"}
		}
		d.exact = true
	}
	g := &Graph{Meta: h.Meta}
	g.NodeID = readArray(d, h.Nodes, 8, convI64)
	g.NodeLon = readArray(d, h.Nodes, 4, convI32)
	g.NodeLat = readArray(d, h.Nodes, 4, convI32)
	ns := h.Segments
	from := readArray(d, ns, 4, convI32)
	to := readArray(d, ns, 4, convI32)
	length := readArray(d, ns, 8, convF64)
	way := readArray(d, ns, 8, convI64)
	name := readArray(d, ns, 4, convU32)
	ref := readArray(d, ns, 4, convU32)
	sf := readArray(d, ns, 4, convF32)
	sb := readArray(d, ns, 4, convF32)
	cf := readArray(d, ns, 2, conv2B)
	g.ShapeFirst = readArray(d, ns+1, 4, convU32)
	g.ShapeLon = readArray(d, h.Shape, 4, convI32)
	g.ShapeLat = readArray(d, h.Shape, 4, convI32)
	d.block = nil
	g.Strings = readN(d, h.NStrings, func() string {
		n := d.u32()
		if n > MaxStringLen {
			d.err = &FormatError{"string longer than 1 MiB"}
			return ""
		}
		b := make([]byte, n)
		d.read(b)
		return string(b)
	})
	d.check("body")
	if d.err != nil {
		return nil, d.err
	}
	g.Segments = make([]Segment, ns)
	nn, nstr := int32(h.Nodes), uint32(h.NStrings)
	for i := range g.Segments {
		s := Segment{From: from[i], To: to[i], Length: length[i], WayID: way[i], Name: name[i], Ref: ref[i],
			SpeedFwd: sf[i], SpeedBwd: sb[i], Class: Class(cf[i][0]), Flags: cf[i][1]}
		switch {
		case s.From < 0 || s.From >= nn || s.To < 0 || s.To >= nn:
			return nil, &FormatError{fmt.Sprintf("segment %d: node index out of range", i)}
		case s.Name >= nstr || s.Ref >= nstr:
			return nil, &FormatError{fmt.Sprintf("segment %d: string index out of range", i)}
		case !(s.Length >= 0) || math.IsInf(s.Length, 0):
			return nil, &FormatError{fmt.Sprintf("segment %d: bad length", i)}
		case !(s.SpeedFwd >= 0) || !(s.SpeedBwd >= 0) || math.IsInf(float64(s.SpeedFwd), 0) || math.IsInf(float64(s.SpeedBwd), 0):
			return nil, &FormatError{fmt.Sprintf("segment %d: bad speed", i)}
		case s.Class >= numClasses:
			return nil, &FormatError{fmt.Sprintf("segment %d: unknown class %d", i, s.Class)}
		case s.Flags&(Forward|Backward) == 0:
			return nil, &FormatError{fmt.Sprintf("segment %d: no direction", i)}
		}
		g.Segments[i] = s
	}
	if g.ShapeFirst[0] != 0 || uint64(g.ShapeFirst[ns]) != h.Shape {
		return nil, &FormatError{"shape offsets do not match the shape count"}
	}
	for i := uint64(0); i < ns; i++ {
		if g.ShapeFirst[i] > g.ShapeFirst[i+1] {
			return nil, &FormatError{fmt.Sprintf("segment %d: shape offsets decrease", i)}
		}
	}
	if len(g.Strings) == 0 || g.Strings[0] != "" {
		return nil, &FormatError{"string table must start with the empty string"}
	}
	g.buildOut()
	g.finish()
	if h.Flags&FlagCH != 0 {
		ch, err := DecodeCH(d.r, g)
		if err != nil {
			return nil, fmt.Errorf("contraction hierarchy section: %w", err)
		}
		g.CH = ch
	}
	if _, err := d.r.ReadByte(); err != io.EOF {
		if err != nil {
			return nil, err
		}
		return nil, &FormatError{"trailing bytes after the graph (a file appended to or two files joined)"}
	}
	return g, nil
}
