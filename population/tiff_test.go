package population

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"math"
	"sort"
)

// tiffSpec describes a GeoTIFF for writeTIFF, the tests' own writer: it
// writes what the reader must read (byte orders, strips and tiles, deflate,
// predictors, sample formats).
type tiffSpec struct {
	bo           binary.ByteOrder
	w, h         int
	bits, format int // format 1 uint, 2 int, 3 float
	compression  int // 1, 8 or 32946
	predictor    int // 1, 2 or 3
	tileW, tileH int // 0: strips
	rowsPerStrip int // 0: the whole image in one strip
	nodata       string
	x0, y0       float64 // top-left corner
	dx, dy       float64
	vals         []float64 // top-down, row-major
	geoKeys      []uint16  // nil: geographic WGS 84, PixelIsArea
}

func (t tiffSpec) put(b []byte, v float64) {
	switch t.bits {
	case 8:
		b[0] = byte(int64(v))
	case 16:
		t.bo.PutUint16(b, uint16(int64(v)))
	case 32:
		if t.format == 3 {
			t.bo.PutUint32(b, math.Float32bits(float32(v)))
		} else {
			t.bo.PutUint32(b, uint32(int64(v)))
		}
	case 64:
		if t.format == 3 {
			t.bo.PutUint64(b, math.Float64bits(v))
		} else {
			t.bo.PutUint64(b, uint64(int64(v)))
		}
	}
}

// chunkBytes encodes the pixels of a cw×ch chunk at (cx, cy) (pixels
// outside the image are 0), predictor applied, compressed.
func (t tiffSpec) chunkBytes(cx, cy, cw, ch int) []byte {
	bps := t.bits / 8
	var raw []byte
	for y := cy; y < cy+ch; y++ {
		row := make([]byte, cw*bps)
		for x := 0; x < cw; x++ {
			v := 0.0
			if x+cx < t.w && y < t.h {
				v = t.vals[y*t.w+x+cx]
			}
			t.put(row[x*bps:], v)
		}
		switch t.predictor {
		case 2:
			for x := cw - 1; x > 0; x-- {
				switch bps {
				case 1:
					row[x] -= row[x-1]
				case 2:
					t.bo.PutUint16(row[2*x:], t.bo.Uint16(row[2*x:])-t.bo.Uint16(row[2*(x-1):]))
				case 4:
					t.bo.PutUint32(row[4*x:], t.bo.Uint32(row[4*x:])-t.bo.Uint32(row[4*(x-1):]))
				}
			}
		case 3:
			// big-endian bytes split into planes, then byte differences
			be := tiffSpec{bo: binary.BigEndian, bits: t.bits, format: t.format}
			tmp := make([]byte, len(row))
			for x := 0; x < cw; x++ {
				v := 0.0
				if x+cx < t.w && y < t.h {
					v = t.vals[y*t.w+x+cx]
				}
				var s [8]byte
				be.put(s[:], v)
				for b := 0; b < bps; b++ {
					tmp[b*cw+x] = s[b]
				}
			}
			for k := len(tmp) - 1; k > 0; k-- {
				tmp[k] -= tmp[k-1]
			}
			row = tmp
		}
		raw = append(raw, row...)
	}
	if t.compression == 1 {
		return raw
	}
	var zb bytes.Buffer
	zw := zlib.NewWriter(&zb)
	zw.Write(raw)
	zw.Close()
	return zb.Bytes()
}

func writeTIFF(t tiffSpec) []byte {
	var buf bytes.Buffer
	if t.bo == binary.BigEndian {
		buf.WriteString("MM\x00\x2a\x00\x00\x00\x00")
	} else {
		buf.WriteString("II\x2a\x00\x00\x00\x00\x00")
	}
	var offs, counts []uint32
	cw, ch := t.w, t.rowsPerStrip
	if ch == 0 {
		ch = t.h
	}
	if t.tileW > 0 {
		cw, ch = t.tileW, t.tileH
	}
	for cy := 0; cy < t.h; cy += ch {
		for cx := 0; cx < t.w; cx += cw {
			rows := ch
			if t.tileW == 0 && cy+rows > t.h {
				rows = t.h - cy // the last strip is short
			}
			b := t.chunkBytes(cx, cy, cw, rows)
			offs = append(offs, uint32(buf.Len()))
			counts = append(counts, uint32(len(b)))
			buf.Write(b)
			if buf.Len()%2 == 1 {
				buf.WriteByte(0)
			}
		}
	}
	type entry struct {
		tag, typ uint16
		count    uint32
		val      []byte
	}
	u16 := func(vs ...uint16) []byte {
		b := make([]byte, 2*len(vs))
		for i, v := range vs {
			t.bo.PutUint16(b[2*i:], v)
		}
		return b
	}
	u32 := func(vs ...uint32) []byte {
		b := make([]byte, 4*len(vs))
		for i, v := range vs {
			t.bo.PutUint32(b[4*i:], v)
		}
		return b
	}
	f64 := func(vs ...float64) []byte {
		b := make([]byte, 8*len(vs))
		for i, v := range vs {
			t.bo.PutUint64(b[8*i:], math.Float64bits(v))
		}
		return b
	}
	keys := t.geoKeys
	if keys == nil {
		keys = []uint16{1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326}
	}
	es := []entry{
		{256, 4, 1, u32(uint32(t.w))},
		{257, 4, 1, u32(uint32(t.h))},
		{258, 3, 1, u16(uint16(t.bits))},
		{259, 3, 1, u16(uint16(t.compression))},
		{262, 3, 1, u16(1)},
		{277, 3, 1, u16(1)},
		{284, 3, 1, u16(1)},
		{317, 3, 1, u16(uint16(t.predictor))},
		{339, 3, 1, u16(uint16(t.format))},
		{33550, 12, 3, f64(t.dx, t.dy, 0)},
		{33922, 12, 6, f64(0, 0, 0, t.x0, t.y0, 0)},
		{34735, 3, uint32(len(keys)), u16(keys...)},
	}
	if t.tileW > 0 {
		es = append(es, entry{322, 4, 1, u32(uint32(t.tileW))}, entry{323, 4, 1, u32(uint32(t.tileH))},
			entry{324, 4, uint32(len(offs)), u32(offs...)}, entry{325, 4, uint32(len(counts)), u32(counts...)})
	} else {
		es = append(es, entry{273, 4, uint32(len(offs)), u32(offs...)}, entry{278, 4, 1, u32(uint32(ch))},
			entry{279, 4, uint32(len(counts)), u32(counts...)})
	}
	if t.nodata != "" {
		nd := []byte(t.nodata + "\x00")
		es = append(es, entry{42113, 2, uint32(len(nd)), nd})
	}
	sort.Slice(es, func(a, b int) bool { return es[a].tag < es[b].tag })
	valOff := make([]uint32, len(es))
	for i, e := range es {
		if len(e.val) > 4 {
			valOff[i] = uint32(buf.Len())
			buf.Write(e.val)
			if buf.Len()%2 == 1 {
				buf.WriteByte(0)
			}
		}
	}
	ifd := uint32(buf.Len())
	buf.Write(u16(uint16(len(es))))
	for i, e := range es {
		buf.Write(u16(e.tag, e.typ))
		buf.Write(u32(e.count))
		if len(e.val) > 4 {
			buf.Write(u32(valOff[i]))
		} else {
			v := append(append([]byte(nil), e.val...), 0, 0, 0, 0)
			buf.Write(v[:4])
		}
	}
	buf.Write(u32(0))
	out := buf.Bytes()
	t.bo.PutUint32(out[4:], ifd)
	return out
}
