package population

import (
	"github.com/fastroad/fastroad/isochrone"

	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// PRJ is the ESRI .prj text for EPSG:4326, written beside every grid (the
// isochrone package's, so every grid fastroad writes carries the same).
const PRJ = isochrone.PRJ

// WriteGeoTIFF writes the surface as a single-band float32 GeoTIFF of
// residents per cell in EPSG:4326 (PixelIsArea), deflate-compressed with
// the floating-point predictor, one strip per 16 rows; every cell has
// data (0 where nobody lives). ReadGeoTIFF reads it back exactly.
func WriteGeoTIFF(w io.Writer, s *Surface) error {
	le := binary.LittleEndian
	const rps = 16
	var strips [][]byte
	row := make([]byte, 4*s.W)
	tmp := make([]byte, 4*s.W)
	for top := 0; top < s.H; top += rps {
		var zb bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&zb, zlib.BestSpeed)
		for y := top; y < min(top+rps, s.H); y++ {
			j := s.H - 1 - y // row 0 of the image is the north
			// floating-point predictor: big-endian bytes split into planes,
			// then each byte minus the one before it
			for i, v := range s.Pop[j*s.W : (j+1)*s.W] {
				b := math.Float32bits(v)
				tmp[i], tmp[s.W+i], tmp[2*s.W+i], tmp[3*s.W+i] = byte(b>>24), byte(b>>16), byte(b>>8), byte(b)
			}
			row[0] = tmp[0]
			for k := 1; k < len(tmp); k++ {
				row[k] = tmp[k] - tmp[k-1]
			}
			zw.Write(row)
		}
		if err := zw.Close(); err != nil {
			return err
		}
		strips = append(strips, zb.Bytes())
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
	offs := make([]uint32, len(strips))
	counts := make([]uint32, len(strips))
	off := uint64(8)
	for i, st := range strips {
		offs[i], counts[i] = uint32(off), uint32(len(st))
		off += uint64(len(st))
	}
	if off > math.MaxUint32/2 {
		return fmt.Errorf("surface of %dx%d cells is too large for a classic TIFF", s.W, s.H)
	}
	keys := u16(1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326)
	es := []entry{
		{256, 4, 1, u32(uint32(s.W))},
		{257, 4, 1, u32(uint32(s.H))},
		{258, 3, 1, u16(32)},
		{259, 3, 1, u16(8)},
		{262, 3, 1, u16(1)},
		{273, 4, uint32(len(offs)), u32(offs...)},
		{277, 3, 1, u16(1)},
		{278, 4, 1, u32(rps)},
		{279, 4, uint32(len(counts)), u32(counts...)},
		{284, 3, 1, u16(1)},
		{317, 3, 1, u16(3)},
		{339, 3, 1, u16(3)},
		{33550, 12, 3, f64(s.DLon, s.DLat, 0)},
		{33922, 12, 6, f64(0, 0, 0, s.MinLon-s.DLon/2, s.MinLat+(float64(s.H)-0.5)*s.DLat, 0)},
		{34735, 3, uint32(len(keys) / 2), keys},
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
	for _, st := range strips {
		bw.Write(st)
	}
	bw.Write(tail.Bytes())
	return bw.Flush()
}
