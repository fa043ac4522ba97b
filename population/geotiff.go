package population

// GeoTIFF reader for population grids as WorldPop and GHS-POP publish them.
//
// It reads the first image (IFD) of a classic TIFF (not BigTIFF), little or
// big endian: one sample per pixel (or the first of several, chunky), 8,
// 16, 32 or 64 bits, unsigned, signed or IEEE float (SampleFormat 1, 2, 3),
// stripped or tiled, uncompressed (1) or deflate (8, 32946), predictor 1,
// 2 (horizontal differencing, integers) or 3 (floating point). Georeference:
// ModelPixelScale (33550) + ModelTiepoint (33922) in EPSG:4326 degrees; a
// ModelTransformation or a projected GTModelType is refused. Nodata comes
// from GDAL_NODATA (42113). Only the strips or tiles that overlap the crop
// box are decoded.

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// maxChunkBytes caps the decoded size of one strip or tile (256 MiB).
const maxChunkBytes = 1 << 28

const (
	tagWidth         = 256
	tagHeight        = 257
	tagBits          = 258
	tagCompression   = 259
	tagStripOffsets  = 273
	tagSamples       = 277
	tagRowsPerStrip  = 278
	tagStripCounts   = 279
	tagPlanar        = 284
	tagPredictor     = 317
	tagTileWidth     = 322
	tagTileLength    = 323
	tagTileOffsets   = 324
	tagTileCounts    = 325
	tagSampleFormat  = 339
	tagPixelScale    = 33550
	tagTiepoint      = 33922
	tagTransform     = 34264
	tagGeoKeys       = 34735
	tagGDALNoData    = 42113
	geoKeyModelType  = 1024
	geoKeyRasterType = 1025
	geoKeyGeographic = 2048
)

type tiffField struct {
	typ   uint16
	count uint32
	data  []byte // the raw values
}

type tiffReader struct {
	b   []byte
	bo  binary.ByteOrder
	tag map[uint16]tiffField
}

var typeSize = map[uint16]int{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8, 17: 8, 18: 8}

// ReadGeoTIFF decodes a single-band GeoTIFF of residents per cell in
// EPSG:4326, keeping only the cells that overlap crop (the zero Box keeps
// all). More than MaxCells cells kept is an error; so is anything the
// reader does not support, named with the tag and the values allowed.
func ReadGeoTIFF(data []byte, crop Box) (*Raster, error) {
	if len(data) < 8 {
		return nil, errors.New("not a TIFF file: too short")
	}
	t := &tiffReader{b: data, tag: map[uint16]tiffField{}}
	switch string(data[:2]) {
	case "II":
		t.bo = binary.LittleEndian
	case "MM":
		t.bo = binary.BigEndian
	default:
		return nil, errors.New("not a TIFF file: want II or MM at the start")
	}
	switch v := t.bo.Uint16(data[2:]); v {
	case 42:
	case 43:
		return nil, errors.New("BigTIFF is not supported: write a classic TIFF (gdal_translate -co BIGTIFF=NO)")
	default:
		return nil, fmt.Errorf("not a TIFF file: version %d, want 42", v)
	}
	ifd := t.bo.Uint32(data[4:])
	if err := t.readIFD(ifd); err != nil {
		return nil, err
	}
	return t.decode(crop)
}

func (t *tiffReader) readIFD(off uint32) error {
	if uint64(off)+2 > uint64(len(t.b)) {
		return fmt.Errorf("first IFD at %d is past the end of the file (%d bytes)", off, len(t.b))
	}
	n := int(t.bo.Uint16(t.b[off:]))
	p := uint64(off) + 2
	if p+uint64(n)*12 > uint64(len(t.b)) {
		return fmt.Errorf("IFD of %d entries runs past the end of the file", n)
	}
	for e := 0; e < n; e++ {
		q := t.b[p+uint64(e)*12:]
		tag, typ, count := t.bo.Uint16(q), t.bo.Uint16(q[2:]), t.bo.Uint32(q[4:])
		sz, ok := typeSize[typ]
		if !ok {
			continue // unknown types are skipped, as the TIFF spec asks
		}
		total := uint64(sz) * uint64(count)
		var raw []byte
		if total <= 4 {
			raw = q[8 : 8+total]
		} else {
			vo := uint64(t.bo.Uint32(q[8:]))
			if vo+total > uint64(len(t.b)) {
				return fmt.Errorf("tag %d: %d values at offset %d run past the end of the file", tag, count, vo)
			}
			raw = t.b[vo : vo+total]
		}
		t.tag[tag] = tiffField{typ: typ, count: count, data: raw}
	}
	return nil
}

// ints returns an integer tag's values.
func (t *tiffReader) ints(tag uint16) ([]uint64, bool) {
	f, ok := t.tag[tag]
	if !ok {
		return nil, false
	}
	out := make([]uint64, 0, f.count)
	for i := 0; i < int(f.count); i++ {
		switch f.typ {
		case 1, 7:
			out = append(out, uint64(f.data[i]))
		case 3:
			out = append(out, uint64(t.bo.Uint16(f.data[2*i:])))
		case 4:
			out = append(out, uint64(t.bo.Uint32(f.data[4*i:])))
		case 16:
			out = append(out, t.bo.Uint64(f.data[8*i:]))
		default:
			return nil, false
		}
	}
	return out, true
}

func (t *tiffReader) int1(tag uint16, def uint64) (uint64, error) {
	v, ok := t.ints(tag)
	if !ok {
		if _, present := t.tag[tag]; present {
			return 0, fmt.Errorf("tag %d: not an integer", tag)
		}
		return def, nil
	}
	if len(v) == 0 {
		return 0, fmt.Errorf("tag %d: no value", tag)
	}
	return v[0], nil
}

func (t *tiffReader) doubles(tag uint16) ([]float64, bool) {
	f, ok := t.tag[tag]
	if !ok || f.typ != 12 {
		return nil, false
	}
	out := make([]float64, f.count)
	for i := range out {
		out[i] = math.Float64frombits(t.bo.Uint64(f.data[8*i:]))
	}
	return out, true
}

// layout is what decode needs to know about the pixels.
type layout struct {
	w, h, bits, bps, spp int
	format               uint64 // 1 uint, 2 int, 3 float
	predictor            uint64
	compression          uint64
	chunkW, chunkH       int // tile or strip size in pixels
	offsets, counts      []uint64
	across               int // chunks per row of chunks
	bo                   binary.ByteOrder
}

func (t *tiffReader) decode(crop Box) (*Raster, error) {
	var L layout
	L.bo = t.bo
	w, err := t.int1(tagWidth, 0)
	if err != nil {
		return nil, err
	}
	h, err := t.int1(tagHeight, 0)
	if err != nil {
		return nil, err
	}
	if w == 0 || h == 0 || w > 1<<30 || h > 1<<30 {
		return nil, fmt.Errorf("image size %dx%d: want 1 to 2^30 pixels a side", w, h)
	}
	L.w, L.h = int(w), int(h)
	spp, err := t.int1(tagSamples, 1)
	if err != nil {
		return nil, err
	}
	if spp < 1 || spp > 16 {
		return nil, fmt.Errorf("SamplesPerPixel (277) %d: want 1 to 16 (the first band is read)", spp)
	}
	L.spp = int(spp)
	if planar, _ := t.int1(tagPlanar, 1); planar != 1 && spp > 1 {
		return nil, fmt.Errorf("PlanarConfiguration (284) %d with %d bands: only chunky (1) is supported", planar, spp)
	}
	bits, ok := t.ints(tagBits)
	if !ok || len(bits) == 0 {
		bits = []uint64{1}
	}
	for _, b := range bits {
		if b != bits[0] {
			return nil, fmt.Errorf("BitsPerSample (258) %v: bands of different sizes are not supported", bits)
		}
	}
	L.bits = int(bits[0])
	if L.bits != 8 && L.bits != 16 && L.bits != 32 && L.bits != 64 {
		return nil, fmt.Errorf("BitsPerSample (258) %d: want 8, 16, 32 or 64", L.bits)
	}
	L.bps = L.bits / 8
	if L.format, err = t.int1(tagSampleFormat, 1); err != nil {
		return nil, err
	}
	if L.format < 1 || L.format > 3 || (L.format == 3 && L.bits < 32) {
		return nil, fmt.Errorf("SampleFormat (339) %d with %d bits: want 1 (unsigned), 2 (signed) or 3 (float, 32 or 64 bits)", L.format, L.bits)
	}
	if L.compression, err = t.int1(tagCompression, 1); err != nil {
		return nil, err
	}
	if L.compression != 1 && L.compression != 8 && L.compression != 32946 {
		return nil, fmt.Errorf("compression (tag 259) %d: want 1 (none), 8 or 32946 (deflate); recompress with gdal_translate -co COMPRESS=DEFLATE", L.compression)
	}
	if L.predictor, err = t.int1(tagPredictor, 1); err != nil {
		return nil, err
	}
	if L.predictor < 1 || L.predictor > 3 || (L.predictor == 3 && L.format != 3) || (L.predictor == 2 && L.format == 3) {
		return nil, fmt.Errorf("predictor (tag 317) %d with SampleFormat %d: want 1, 2 for integers or 3 for floats", L.predictor, L.format)
	}
	if _, tiled := t.tag[tagTileWidth]; tiled {
		tw, err1 := t.int1(tagTileWidth, 0)
		tl, err2 := t.int1(tagTileLength, 0)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		if tw == 0 || tl == 0 || tw > 1<<16 || tl > 1<<16 {
			return nil, fmt.Errorf("tile size %dx%d: want 1 to 65536", tw, tl)
		}
		L.chunkW, L.chunkH = int(tw), int(tl)
		L.offsets, _ = t.ints(tagTileOffsets)
		L.counts, _ = t.ints(tagTileCounts)
	} else {
		rps, err := t.int1(tagRowsPerStrip, h)
		if err != nil {
			return nil, err
		}
		if rps == 0 || rps > h {
			rps = h
		}
		L.chunkW, L.chunkH = L.w, int(rps)
		L.offsets, _ = t.ints(tagStripOffsets)
		L.counts, _ = t.ints(tagStripCounts)
	}
	L.across = (L.w + L.chunkW - 1) / L.chunkW
	down := (L.h + L.chunkH - 1) / L.chunkH
	if len(L.offsets) != L.across*down || len(L.counts) != len(L.offsets) {
		return nil, fmt.Errorf("%d strip/tile offsets and %d byte counts: want %d each", len(L.offsets), len(L.counts), L.across*down)
	}
	if uint64(L.chunkW)*uint64(L.chunkH)*uint64(L.bps*L.spp) > maxChunkBytes {
		return nil, fmt.Errorf("strips or tiles of %dx%d pixels: more than %d bytes each", L.chunkW, L.chunkH, maxChunkBytes)
	}

	// Georeference.
	if _, ok := t.tag[tagTransform]; ok {
		return nil, errors.New("ModelTransformation (34264) is not supported: want a north-up EPSG:4326 grid with ModelPixelScale and ModelTiepoint")
	}
	scale, ok1 := t.doubles(tagPixelScale)
	tie, ok2 := t.doubles(tagTiepoint)
	if !ok1 || !ok2 || len(scale) < 2 || len(tie) < 6 {
		return nil, errors.New("no ModelPixelScale (33550) and ModelTiepoint (33922) tags: not a georeferenced GeoTIFF")
	}
	dx, dy := scale[0], scale[1]
	if !(dx > 0 && dx < 10 && dy > 0 && dy < 10) {
		return nil, fmt.Errorf("ModelPixelScale %v x %v: want cells of 0 to 10 degrees (EPSG:4326)", dx, dy)
	}
	x0 := tie[3] - tie[0]*dx
	y0 := tie[4] + tie[1]*dy
	if keys, ok := t.ints(tagGeoKeys); ok && len(keys) >= 4 {
		for k := 4; k+3 < len(keys) && k/4 <= int(keys[3]); k += 4 {
			id, loc, v := keys[k], keys[k+1], keys[k+3]
			if loc != 0 {
				continue
			}
			switch id {
			case geoKeyModelType:
				if v != 2 {
					return nil, fmt.Errorf("GTModelTypeGeoKey %d: want 2 (geographic, EPSG:4326); reproject with gdalwarp -t_srs EPSG:4326", v)
				}
			case geoKeyGeographic:
				if v != 4326 && v != 32767 {
					return nil, fmt.Errorf("GeographicTypeGeoKey %d: want 4326 (WGS 84); reproject with gdalwarp -t_srs EPSG:4326", v)
				}
			case geoKeyRasterType:
				if v == 2 { // PixelIsPoint: the tiepoint is a cell centre
					x0 -= dx / 2
					y0 += dy / 2
				}
			}
		}
	}
	if !(x0 >= -540 && x0 <= 540 && y0 >= -100 && y0 <= 100) {
		return nil, fmt.Errorf("ModelTiepoint puts the top-left corner at %v,%v: not lon/lat degrees", x0, y0)
	}
	var nodata float64
	hasNoData := false
	if f, ok := t.tag[tagGDALNoData]; ok && f.typ == 2 {
		s := strings.TrimSpace(strings.TrimRight(string(f.data), "\x00"))
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("GDAL_NODATA (42113) %q: not a number", s)
		}
		nodata, hasNoData = v, true
	}

	c0, c1, r0, r1 := crop.window(x0, y0, dx, dy, L.w, L.h)
	if uint64(c1-c0)*uint64(r1-r0) > MaxCells {
		return nil, fmt.Errorf("%dx%d cells inside the region: more than %d; crop the file or use larger cells", c1-c0, r1-r0, MaxCells)
	}
	// The strips or tiles cannot decode to more than their bytes allow
	// (deflate expands at most 1032-fold): refuse a header that promises
	// more cells than the file can hold before allocating for them.
	var stored uint64
	for _, n := range L.counts {
		stored += min(n, uint64(len(t.b)))
	}
	if L.compression != 1 {
		stored *= 1032
	}
	if uint64(c1-c0)*uint64(r1-r0)*uint64(L.bps*L.spp) > stored+uint64(L.chunkW*L.bps*L.spp) {
		return nil, fmt.Errorf("image of %dx%d pixels: the file's %d strips or tiles cannot hold them (truncated file?)", L.w, L.h, len(L.counts))
	}
	out := newRasterTopDown(x0+float64(c0)*dx, y0-float64(r0)*dy, dx, dy, c1-c0, r1-r0)
	if c1 == c0 || r1 == r0 {
		return out, nil
	}
	var buf []byte
	for cy := r0 / L.chunkH; cy*L.chunkH < r1; cy++ {
		for cx := c0 / L.chunkW; cx*L.chunkW < c1; cx++ {
			ci := cy*L.across + cx
			raw, err := L.chunk(t.b, ci, buf)
			if err != nil {
				return nil, fmt.Errorf("strip/tile %d: %w", ci, err)
			}
			buf = raw[:0]
			rowBytes := L.chunkW * L.bps * L.spp
			rows := len(raw) / rowBytes
			for y := 0; y < rows; y++ {
				row := cy*L.chunkH + y
				if row < r0 || row >= r1 {
					continue
				}
				rb := raw[y*rowBytes : (y+1)*rowBytes]
				for x := 0; x < L.chunkW; x++ {
					col := cx*L.chunkW + x
					if col < c0 || col >= c1 {
						continue
					}
					out.setTop(row-r0, col-c0, L.value(rb, x), nodata, hasNoData)
				}
			}
		}
	}
	return out, nil
}

// chunk returns strip or tile i decoded (decompressed, predictor undone),
// reusing buf.
func (L *layout) chunk(b []byte, i int, buf []byte) ([]byte, error) {
	off, n := L.offsets[i], L.counts[i]
	if off > uint64(len(b)) || n > uint64(len(b))-off {
		return nil, fmt.Errorf("%d bytes at offset %d run past the end of the file (%d bytes)", n, off, len(b))
	}
	src := b[off : off+n]
	rowBytes := L.chunkW * L.bps * L.spp
	want := rowBytes * L.chunkH
	var raw []byte
	switch L.compression {
	case 1:
		raw = append(buf[:0], src[:min(len(src), want)]...)
	default:
		zr, err := zlib.NewReader(bytes.NewReader(src))
		if err != nil {
			return nil, fmt.Errorf("deflate: %w", err)
		}
		bb := bytes.NewBuffer(buf[:0])
		_, err = io.Copy(bb, io.LimitReader(zr, int64(want)))
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("deflate: %w", err)
		}
		raw = bb.Bytes()
	}
	raw = raw[:len(raw)/rowBytes*rowBytes]
	switch L.predictor {
	case 2:
		L.undoHorizontal(raw, rowBytes)
	case 3:
		tmp := make([]byte, rowBytes)
		for r := 0; r+rowBytes <= len(raw); r += rowBytes {
			undoFloat(raw[r:r+rowBytes], tmp, L.bps, L.chunkW*L.spp, L.spp)
		}
	}
	return raw, nil
}

// undoHorizontal reverses predictor 2 (each sample stored as the difference
// from the same band of the pixel before it, in sample-size arithmetic).
func (L *layout) undoHorizontal(raw []byte, rowBytes int) {
	step := L.spp
	n := L.chunkW * L.spp
	for r := 0; r+rowBytes <= len(raw); r += rowBytes {
		row := raw[r : r+rowBytes]
		switch L.bps {
		case 1:
			for k := step; k < n; k++ {
				row[k] += row[k-step]
			}
		case 2:
			for k := step; k < n; k++ {
				L.bo.PutUint16(row[2*k:], L.bo.Uint16(row[2*k:])+L.bo.Uint16(row[2*(k-step):]))
			}
		case 4:
			for k := step; k < n; k++ {
				L.bo.PutUint32(row[4*k:], L.bo.Uint32(row[4*k:])+L.bo.Uint32(row[4*(k-step):]))
			}
		case 8:
			for k := step; k < n; k++ {
				L.bo.PutUint64(row[8*k:], L.bo.Uint64(row[8*k:])+L.bo.Uint64(row[8*(k-step):]))
			}
		}
	}
}

// undoFloat reverses predictor 3 on one row of n samples of bps bytes: the
// bytes were split into planes (most significant first) and differenced
// byte by byte (stride: samples per pixel); the row is rebuilt in big-endian order, which value then
// reads as such (the byte order of the file does not apply).
func undoFloat(row, tmp []byte, bps, n, stride int) {
	for k := stride; k < len(row); k++ {
		row[k] += row[k-stride]
	}
	copy(tmp, row)
	for i := 0; i < n; i++ {
		for b := 0; b < bps; b++ {
			row[i*bps+b] = tmp[b*n+i]
		}
	}
}

// value returns the first band of pixel x of a decoded row.
func (L *layout) value(row []byte, x int) float64 {
	p := row[x*L.bps*L.spp:]
	bo := L.bo
	if L.predictor == 3 {
		bo = binary.BigEndian
	}
	switch L.bits {
	case 8:
		if L.format == 2 {
			return float64(int8(p[0]))
		}
		return float64(p[0])
	case 16:
		if L.format == 2 {
			return float64(int16(bo.Uint16(p)))
		}
		return float64(bo.Uint16(p))
	case 32:
		v := bo.Uint32(p)
		switch L.format {
		case 3:
			return float64(math.Float32frombits(v))
		case 2:
			return float64(int32(v))
		}
		return float64(v)
	default:
		v := bo.Uint64(p)
		switch L.format {
		case 3:
			return math.Float64frombits(v)
		case 2:
			return float64(int64(v))
		}
		return float64(v)
	}
}
