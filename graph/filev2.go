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
	"slices"
)

// encodeV2 writes g in format version 2 with a version 1 hierarchy
// (tests: files written by an older fastroad must still load).
func encodeV2(w io.Writer, g *Graph) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	e := &encoder{w: bw, crc: crc32.NewIEEE()}
	e.bytes([]byte(Magic))
	e.u32(2)
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
		if err := g.CH.encodeV1(bw, g); err != nil {
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

// readArray reads n fixed-size little-endian elements of size bytes each.
// On a little-endian machine the bytes are read straight into the slice's
// memory (conv is not called); otherwise through the decoder's block
// buffer, conv decoding each block. With d.exact the slice is allocated at
// its final length at once; otherwise memory grows with the data actually
// read (amortised doubling from chunk elements), so a corrupt count fails
// at end of file instead of allocating what it claims.
func readArray[T any](d *decoder, n uint64, size int, conv func(b []byte, out []T)) []T {
	native := nativeLE && !portable
	if want := min(uint64(chunkBytes), n*uint64(size)); !native && uint64(len(d.block)) < want {
		d.block = make([]byte, want)
	}
	per := uint64(chunkBytes / size)
	var out []T
	if d.exact {
		out = make([]T, n)
	} else {
		out = make([]T, 0, min(n, chunk))
	}
	for at := uint64(0); at < n && d.err == nil; {
		k := min(n-at, per)
		if !d.exact {
			out = slices.Grow(out, int(k))[:at+k]
		}
		dst := out[at : at+k]
		if native {
			d.read(rawBytes(dst))
		} else {
			b := d.block[:int(k)*size]
			d.read(b)
			if d.err == nil {
				conv(b, dst)
			}
		}
		at += k
	}
	return out
}

func convU32(b []byte, out []uint32) {
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
}

func convU64(b []byte, out []uint64) {
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(b[8*i:])
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

// bodyBytes is the size of the body the header's counts imply, not
// counting string contents.
func bodyBytes(h Header) uint64 {
	return h.Nodes*(8+4+4) + h.Segments*(4+4+8+8+4+4+4+4+2) + (h.Segments+1)*4 + h.Shape*8 + h.NStrings*4 + 4
}

// decodeV2 reads the body of a version 2 file after its header (d
// positioned after it) and derives what version 2 does not store: both
// adjacencies (offsets, arc words, segment keys) and the components. size is the
// file's size, or -1 when unknown.
func decodeV2(d *decoder, h Header, size int64) (*Graph, error) {
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
		ch, err := decodeCH(d.r, g, -1, nil)
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
