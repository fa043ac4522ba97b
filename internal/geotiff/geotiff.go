// Package geotiff writes single-band float32 GeoTIFF rasters in WGS-84
// (EPSG:4326, PixelIsArea), deflate-compressed with the floating-point
// predictor (TIFF tag 317 = 3), one strip per 16 rows, with an optional
// GDAL_NODATA value. Every grid fastroad writes (travel times, residents)
// goes through it, so GDAL, QGIS and fastroad's own reader
// (population.ReadGeoTIFF) read them alike.
//
// Layout of the grid: cell (i, j) has its centre at (MinLon + i*DLon,
// MinLat + j*DLat); row j = 0 is the southern edge (the image's last row).
package geotiff

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/klauspost/compress/zlib"
	"io"
	"math"
	"strconv"
)

// Grid is the raster's georeferencing and size.
type Grid struct {
	MinLon, MinLat float64 // centre of the south-west cell, degrees
	DLon, DLat     float64 // cell size, degrees, > 0
	W, H           int
}

// Options set the optional tags.
type Options struct {
	// NoData, when set, is written as the GDAL_NODATA tag.
	NoData *float64
}

// rowsPerStrip is the strip height: a few tens of KB compressed for
// province-wide grids, small enough for readers that inflate strip by
// strip.
const rowsPerStrip = 16

// Write writes the raster; row(j, dst) fills dst (length W) with the values
// of grid row j (j = 0 south).
func Write(w io.Writer, g Grid, opt Options, row func(j int, dst []float32)) error {
	if g.W <= 0 || g.H <= 0 || !(g.DLon > 0) || !(g.DLat > 0) {
		return fmt.Errorf("geotiff: grid %dx%d of %gx%g degrees: want positive sizes", g.W, g.H, g.DLon, g.DLat)
	}
	le := binary.LittleEndian
	// Every strip goes into one buffer, through one compressor (Reset): a
	// new compressor per strip costs more in allocation and clearing than
	// compressing the strip.
	var data bytes.Buffer
	var ends []int // end of each strip in data
	vals := make([]float32, g.W)
	diff := make([]byte, 4*g.W)
	zw, err := zlib.NewWriterLevel(&data, zlib.BestSpeed)
	if err != nil {
		return err
	}
	for top := 0; top < g.H; top += rowsPerStrip {
		zw.Reset(&data)
		for y := top; y < min(top+rowsPerStrip, g.H); y++ {
			row(g.H-1-y, vals) // image row 0 is the north
			// floating-point predictor: big-endian bytes split into planes,
			// then each byte minus the one before it (across planes too),
			// in one pass per plane
			// in one pass over the row: each plane's first byte follows
			// the last byte of the plane before it
			last := math.Float32bits(vals[g.W-1])
			p0, p1, p2, p3 := byte(0), byte(last>>24), byte(last>>16), byte(last>>8)
			d0, d1, d2, d3 := diff[:g.W], diff[g.W:2*g.W], diff[2*g.W:3*g.W], diff[3*g.W:4*g.W]
			for i, v := range vals {
				u := math.Float32bits(v)
				c0, c1, c2, c3 := byte(u>>24), byte(u>>16), byte(u>>8), byte(u)
				d0[i], d1[i], d2[i], d3[i] = c0-p0, c1-p1, c2-p2, c3-p3
				p0, p1, p2, p3 = c0, c1, c2, c3
			}
			if _, err := zw.Write(diff); err != nil {
				return err
			}
		}
		if err := zw.Close(); err != nil {
			return err
		}
		ends = append(ends, data.Len())
	}
	type entry struct {
		tag, typ uint16
		count    uint32
		val      []byte
	}
	u16 := func(vs ...uint16) []byte {
		b := make([]byte, 2*len(vs))
		for i, v := range vs {
			le.PutUint16(b[2*i:], v)
		}
		return b
	}
	u32 := func(vs ...uint32) []byte {
		b := make([]byte, 4*len(vs))
		for i, v := range vs {
			le.PutUint32(b[4*i:], v)
		}
		return b
	}
	f64 := func(vs ...float64) []byte {
		b := make([]byte, 8*len(vs))
		for i, v := range vs {
			le.PutUint64(b[8*i:], math.Float64bits(v))
		}
		return b
	}
	offs := make([]uint32, len(ends))
	counts := make([]uint32, len(ends))
	off := uint64(8)
	for i, end := range ends {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		offs[i], counts[i] = uint32(off), uint32(end-start)
		off += uint64(end - start)
	}
	if off > math.MaxUint32/2 {
		return fmt.Errorf("geotiff: grid of %dx%d cells is too large for a classic TIFF", g.W, g.H)
	}
	const tShort, tLong, tDouble, tASCII = 3, 4, 12, 2
	keys := u16(1, 1, 0, 3, // GeoKey directory 1.1.0, 3 keys
		1024, 0, 1, 2, // GTModelTypeGeoKey = geographic
		1025, 0, 1, 1, // GTRasterTypeGeoKey = PixelIsArea
		2048, 0, 1, 4326) // GeographicTypeGeoKey = WGS 84
	es := []entry{
		{256, tLong, 1, u32(uint32(g.W))},
		{257, tLong, 1, u32(uint32(g.H))},
		{258, tShort, 1, u16(32)},
		{259, tShort, 1, u16(8)}, // deflate
		{262, tShort, 1, u16(1)},
		{273, tLong, uint32(len(offs)), u32(offs...)},
		{277, tShort, 1, u16(1)},
		{278, tLong, 1, u32(rowsPerStrip)},
		{279, tLong, uint32(len(counts)), u32(counts...)},
		{284, tShort, 1, u16(1)},
		{317, tShort, 1, u16(3)}, // floating-point predictor
		{339, tShort, 1, u16(3)}, // IEEE float
		{33550, tDouble, 3, f64(g.DLon, g.DLat, 0)},
		{33922, tDouble, 6, f64(0, 0, 0, g.MinLon-g.DLon/2, g.MinLat+(float64(g.H)-0.5)*g.DLat, 0)},
		{34735, tShort, uint32(len(keys) / 2), keys},
	}
	if opt.NoData != nil {
		nd := []byte(strconv.FormatFloat(*opt.NoData, 'g', -1, 64) + "\x00")
		es = append(es, entry{42113, tASCII, uint32(len(nd)), nd})
	}
	// layout: header | strips | out-of-line values | IFD
	var tail bytes.Buffer
	valOff := make([]uint32, len(es))
	for i, e := range es {
		if len(e.val) > 4 {
			if (off+uint64(tail.Len()))%2 == 1 {
				tail.WriteByte(0)
			}
			valOff[i] = uint32(off + uint64(tail.Len()))
			tail.Write(e.val)
		}
	}
	if (off+uint64(tail.Len()))%2 == 1 {
		tail.WriteByte(0)
	}
	ifd := uint32(off + uint64(tail.Len()))
	tail.Write(u16(uint16(len(es))))
	for i, e := range es {
		tail.Write(u16(e.tag, e.typ))
		tail.Write(u32(e.count))
		if len(e.val) > 4 {
			tail.Write(u32(valOff[i]))
		} else {
			v := append(append([]byte(nil), e.val...), 0, 0, 0, 0)
			tail.Write(v[:4])
		}
	}
	tail.Write(u32(0))
	bw := bufio.NewWriter(w)
	bw.Write([]byte{'I', 'I', 42, 0})
	bw.Write(u32(ifd))
	bw.Write(data.Bytes())
	bw.Write(tail.Bytes())
	return bw.Flush()
}
