package render

import (
	"bytes"
	"encoding/binary"
	"github.com/klauspost/compress/zlib"
	"hash/crc32"
	"image"
	"io"
)

// encodeOpaqueRGBA writes an opaque RGBA image as an 8-bit RGB PNG with
// no filter (type None) on every row. image/png tries all five filters on
// every row (its adaptive choice), which costs as much as drawing a map;
// maps are flat colour, where zlib finds the repeated pixels and rows by
// itself: on the demo's 27 maps None gives 11% smaller files than Sub in
// about a third less time (Up is no better than Sub). Deterministic. ok is false (nothing
// written) when the image is not opaque.
func encodeOpaqueRGBA(w io.Writer, m *image.RGBA) (ok bool, err error) {
	b := m.Bounds()
	width, height := b.Dx(), b.Dy()
	if width <= 0 || height <= 0 {
		return false, nil
	}
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		out.Write(n[:])
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.BigEndian.PutUint32(n[:], crc.Sum32())
		out.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per sample, truecolour (RGB)
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	zw, err := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	if err != nil {
		return false, err
	}
	line := make([]byte, 1+3*width) // line[0] = 0: filter None
	dst := line[1:]
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := m.Pix[m.PixOffset(b.Min.X, y):][:4*width]
		// Packed and checked opaque in one pass: nothing reaches w before
		// the last row, so a translucent pixel still falls back cleanly.
		if !packRGB(dst, src) {
			return false, nil
		}
		if _, err := zw.Write(line); err != nil {
			return false, err
		}
	}
	if err := zw.Close(); err != nil {
		return false, err
	}
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	_, err = w.Write(out.Bytes())
	return true, err
}

// packRGB copies the RGB bytes of the RGBA pixels src into dst (3 bytes a
// pixel) and reports whether every pixel is opaque. Four pixels go as two
// 64-bit words in and 12 bytes out.
func packRGB(dst, src []byte) (opaque bool) {
	const alphas = 0xff000000ff000000
	all := uint64(alphas)
	n := len(src) / 4
	x := 0
	for ; x+4 <= n; x += 4 {
		a := binary.LittleEndian.Uint64(src[4*x:])
		b := binary.LittleEndian.Uint64(src[4*x+8:])
		all &= a & b
		p0, p1 := a&0xffffff, (a>>32)&0xffffff
		p2, p3 := b&0xffffff, (b>>32)&0xffffff
		d := dst[3*x : 3*x+12 : 3*x+12]
		binary.LittleEndian.PutUint64(d, p0|p1<<24|p2<<48)
		binary.LittleEndian.PutUint32(d[8:], uint32(p2>>16|p3<<8))
	}
	alpha := byte(0xff)
	for ; x < n; x++ {
		s, d := src[4*x:4*x+4:4*x+4], dst[3*x:3*x+3:3*x+3]
		d[0], d[1], d[2] = s[0], s[1], s[2]
		alpha &= s[3]
	}
	return all&alphas == alphas && alpha == 0xff
}
