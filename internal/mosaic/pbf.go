package mosaic

// A minimal OSM PBF writer: the file is a run of blobs, each a 4-byte
// big-endian length, a BlobHeader message and a zlib-compressed Blob; the
// first blob holds the OSMHeader (required features OsmSchema-V0.6 and
// DenseNodes), the rest hold PrimitiveBlocks of one kind each (dense nodes,
// ways or relations) with their own string table, granularity 100
// nanodegrees (1e-7 degrees, the E7 units used throughout), no offsets and
// no metadata (no version, timestamp or user: the reader's Visible default
// is true). Field numbers follow osmformat.proto and fileformat.proto.
// The messages are written with hand-rolled varints: the format is small
// and stable, and no maintained Go module writes PBF (paulmach/osm reads it
// only).

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
)

// blockMax is the number of entities per primitive block (osmium writes
// 8000; the format allows up to 32 MiB uncompressed per blob).
const blockMax = 8000

// pb appends protobuf wire values.
type pb []byte

func (b pb) varint(v uint64) pb { return binary.AppendUvarint(b, v) }
func (b pb) key(field, wire int) pb {
	return b.varint(uint64(field)<<3 | uint64(wire))
}
func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

// bytesField appends a length-delimited field.
func (b pb) bytesField(field int, v []byte) pb {
	b = b.key(field, 2).varint(uint64(len(v)))
	return append(b, v...)
}

// uintField appends a varint field.
func (b pb) uintField(field int, v uint64) pb { return b.key(field, 0).varint(v) }

// strTable maps strings to their index in a block's string table; index 0
// is the empty string (dense-node key/value runs end with 0).
type strTable struct {
	idx  map[string]uint32
	list []string
}

func newStrTable() *strTable {
	return &strTable{idx: map[string]uint32{"": 0}, list: []string{""}}
}

func (t *strTable) id(s string) uint32 {
	if i, ok := t.idx[s]; ok {
		return i
	}
	i := uint32(len(t.list))
	t.idx[s] = i
	t.list = append(t.list, s)
	return i
}

func (t *strTable) reset() {
	clear(t.idx)
	t.idx[""] = 0
	t.list = t.list[:1]
}

// pbfWriter writes blobs to w.
type pbfWriter struct {
	w    *bufio.Writer
	zbuf bytes.Buffer
	zw   *zlib.Writer
	err  error
	n    int64 // bytes written
}

func newPBFWriter(w io.Writer) *pbfWriter {
	p := &pbfWriter{w: bufio.NewWriterSize(w, 1<<20)}
	p.zw, _ = zlib.NewWriterLevel(&p.zbuf, zlib.BestSpeed)
	return p
}

// blob writes one blob of type typ ("OSMHeader" or "OSMData").
func (p *pbfWriter) blob(typ string, raw []byte) {
	if p.err != nil {
		return
	}
	p.zbuf.Reset()
	p.zw.Reset(&p.zbuf)
	if _, err := p.zw.Write(raw); err != nil {
		p.err = err
		return
	}
	if err := p.zw.Close(); err != nil {
		p.err = err
		return
	}
	var blob pb
	blob = blob.uintField(2, uint64(len(raw))) // raw_size
	blob = blob.bytesField(3, p.zbuf.Bytes())  // zlib_data
	var hdr pb
	hdr = hdr.bytesField(1, []byte(typ))      // type
	hdr = hdr.uintField(3, uint64(len(blob))) // datasize
	var l [4]byte
	binary.BigEndian.PutUint32(l[:], uint32(len(hdr)))
	for _, b := range [][]byte{l[:], hdr, blob} {
		if _, err := p.w.Write(b); err != nil {
			p.err = err
			return
		}
		p.n += int64(len(b))
	}
}

// header writes the OSMHeader blob with the bounding box in E7 degrees.
func (p *pbfWriter) header(minLon, minLat, maxLon, maxLat int64, program string) {
	var bbox pb
	// HeaderBBox: left, right, top, bottom in nanodegrees (sint64).
	bbox = bbox.key(1, 0).varint(zigzag(minLon * 100))
	bbox = bbox.key(2, 0).varint(zigzag(maxLon * 100))
	bbox = bbox.key(3, 0).varint(zigzag(maxLat * 100))
	bbox = bbox.key(4, 0).varint(zigzag(minLat * 100))
	var h pb
	h = h.bytesField(1, bbox)
	h = h.bytesField(4, []byte("OsmSchema-V0.6"))
	h = h.bytesField(4, []byte("DenseNodes"))
	h = h.bytesField(16, []byte(program))
	p.blob("OSMHeader", h)
}

// block writes a PrimitiveBlock holding one primitive group.
func (p *pbfWriter) block(st *strTable, groupField int, group []byte) {
	var s pb
	for _, x := range st.list {
		s = s.bytesField(1, []byte(x))
	}
	var g pb
	g = g.bytesField(groupField, group)
	var b pb
	b = b.bytesField(1, s) // stringtable
	b = b.bytesField(2, g) // primitivegroup
	p.blob("OSMData", b)
}

func (p *pbfWriter) flush() error {
	if p.err != nil {
		return p.err
	}
	if err := p.w.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// packed appends a packed repeated varint field.
func packed(b pb, field int, vals []uint64) pb {
	var inner pb
	for _, v := range vals {
		inner = inner.varint(v)
	}
	return b.bytesField(field, inner)
}

// denseEnc collects up to blockMax nodes for one DenseNodes group.
type denseEnc struct {
	st                  *strTable
	ids, lats, lons, kv []uint64
	lastID, lastLat     int64
	lastLon             int64
	tagged              bool
	n                   int
}

func (d *denseEnc) add(id int64, lonE7, latE7 int64, tags [][2]string) {
	d.ids = append(d.ids, zigzag(id-d.lastID))
	d.lats = append(d.lats, zigzag(latE7-d.lastLat))
	d.lons = append(d.lons, zigzag(lonE7-d.lastLon))
	d.lastID, d.lastLat, d.lastLon = id, latE7, lonE7
	for _, t := range tags {
		d.kv = append(d.kv, uint64(d.st.id(t[0])), uint64(d.st.id(t[1])))
		d.tagged = true
	}
	d.kv = append(d.kv, 0)
	d.n++
}

func (d *denseEnc) write(p *pbfWriter) {
	if d.n == 0 {
		return
	}
	var g pb
	g = packed(g, 1, d.ids)
	g = packed(g, 8, d.lats)
	g = packed(g, 9, d.lons)
	if d.tagged {
		g = packed(g, 10, d.kv)
	}
	p.block(d.st, 2, g)
	d.ids, d.lats, d.lons, d.kv = d.ids[:0], d.lats[:0], d.lons[:0], d.kv[:0]
	d.lastID, d.lastLat, d.lastLon, d.tagged, d.n = 0, 0, 0, false, 0
	d.st.reset()
}

// wayEnc collects up to blockMax ways for one group.
type wayEnc struct {
	st      *strTable
	group   pb
	scratch []uint64
	n       int
}

func (e *wayEnc) add(id int64, tags [][2]string, refs []int64) {
	var w pb
	w = w.uintField(1, uint64(id))
	e.scratch = e.scratch[:0]
	for _, t := range tags {
		e.scratch = append(e.scratch, uint64(e.st.id(t[0])))
	}
	w = packed(w, 2, e.scratch)
	e.scratch = e.scratch[:0]
	for _, t := range tags {
		e.scratch = append(e.scratch, uint64(e.st.id(t[1])))
	}
	w = packed(w, 3, e.scratch)
	e.scratch = e.scratch[:0]
	last := int64(0)
	for _, r := range refs {
		e.scratch = append(e.scratch, zigzag(r-last))
		last = r
	}
	w = packed(w, 8, e.scratch)
	e.group = e.group.bytesField(3, w)
	e.n++
}

// write writes the collected ways (or relations: relEnc shares it) as one
// PrimitiveBlock.
func (e *wayEnc) write(p *pbfWriter) {
	if e.n == 0 {
		return
	}
	// The group bytes already carry their field keys: write the
	// PrimitiveBlock around them directly.
	var s pb
	for _, x := range e.st.list {
		s = s.bytesField(1, []byte(x))
	}
	var b pb
	b = b.bytesField(1, s)
	b = b.bytesField(2, e.group)
	p.blob("OSMData", b)
	e.group, e.n = e.group[:0], 0
	e.st.reset()
}

// Member types in a relation (osmformat.proto Relation.MemberType).
const (
	memNode     = 0
	memWay      = 1
	memRelation = 2
)

// relMember is one member of a relation.
type relMember struct {
	typ  int
	ref  int64
	role string
}

// relEnc collects up to blockMax relations for one group.
type relEnc struct{ wayEnc }

func (e *relEnc) add(id int64, tags [][2]string, mem []relMember) {
	var r pb
	r = r.uintField(1, uint64(id))
	e.scratch = e.scratch[:0]
	for _, t := range tags {
		e.scratch = append(e.scratch, uint64(e.st.id(t[0])))
	}
	r = packed(r, 2, e.scratch)
	e.scratch = e.scratch[:0]
	for _, t := range tags {
		e.scratch = append(e.scratch, uint64(e.st.id(t[1])))
	}
	r = packed(r, 3, e.scratch)
	e.scratch = e.scratch[:0]
	for _, m := range mem {
		e.scratch = append(e.scratch, uint64(e.st.id(m.role)))
	}
	r = packed(r, 8, e.scratch)
	e.scratch = e.scratch[:0]
	last := int64(0)
	for _, m := range mem {
		e.scratch = append(e.scratch, zigzag(m.ref-last))
		last = m.ref
	}
	r = packed(r, 9, e.scratch)
	e.scratch = e.scratch[:0]
	for _, m := range mem {
		e.scratch = append(e.scratch, uint64(m.typ))
	}
	r = packed(r, 10, e.scratch)
	e.group = e.group.bytesField(4, r)
	e.n++
}
