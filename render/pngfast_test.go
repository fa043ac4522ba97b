package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// TestEncodeOpaqueRGBA: the fast encoder's PNG decodes (with image/png) to
// the same pixels, for an opaque image with a sub-rectangle origin; a
// translucent image falls back to image/png.
func TestEncodeOpaqueRGBA(t *testing.T) {
	m := image.NewRGBA(image.Rect(3, 5, 70, 41))
	for y := m.Rect.Min.Y; y < m.Rect.Max.Y; y++ {
		for x := m.Rect.Min.X; x < m.Rect.Max.X; x++ {
			m.SetRGBA(x, y, color.RGBA{uint8(x * 7), uint8(y * 13), uint8(x ^ y), 0xff})
		}
	}
	var buf bytes.Buffer
	if err := EncodePNG(&buf, m); err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got.Bounds().Dx() != 67 || got.Bounds().Dy() != 36 {
		t.Fatalf("got %v, want 67x36", got.Bounds())
	}
	for y := 0; y < 36; y++ {
		for x := 0; x < 67; x++ {
			r, g, b, a := got.At(x, y).RGBA()
			w := m.RGBAAt(x+3, y+5)
			if uint8(r>>8) != w.R || uint8(g>>8) != w.G || uint8(b>>8) != w.B || a != 0xffff {
				t.Fatalf("pixel %d,%d: got %d %d %d %d want %v", x, y, r>>8, g>>8, b>>8, a>>8, w)
			}
		}
	}
	// one translucent pixel in each lane of a four-pixel word and in the
	// row's tail (67 = 16 words + 3)
	for _, x := range []int{3, 4, 5, 6, 10, 66, 67, 68, 69} {
		c := m.RGBAAt(x, 20)
		m.SetRGBA(x, 20, color.RGBA{c.R, c.G, c.B, 0xfe})
		if ok, _ := encodeOpaqueRGBA(&bytes.Buffer{}, m); ok {
			t.Errorf("translucent pixel at x %d: got the fast path", x)
		}
		m.SetRGBA(x, 20, c)
	}
	m.SetRGBA(10, 10, color.RGBA{0, 0, 0, 0x80})
	buf.Reset()
	if err := EncodePNG(&buf, m); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(&buf); err != nil {
		t.Errorf("fallback: %v", err)
	}
}

// benchImage is a 1600x1200 map-like image: flat land, flat blocks,
// thin coloured lines.
func benchImage() *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := 0; y < 1200; y++ {
		for x := 0; x < 1600; x++ {
			c := color.RGBA{0xf2, 0xef, 0xe9, 0xff}
			if (x/40+y/40)%3 == 0 {
				c = color.RGBA{0x4a, 0x90, 0xc0, 0xff}
			}
			if (x+y)%97 < 2 {
				c = color.RGBA{uint8(x), uint8(y), 0x30, 0xff}
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// BenchmarkEncodePNG: EncodePNG (the fast path) on a map-sized image.
func BenchmarkEncodePNG(b *testing.B) {
	m := benchImage()
	b.ReportAllocs()
	var size int
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := EncodePNG(&buf, m); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes")
}

// BenchmarkEncodePNGStd: image/png at BestSpeed (the adaptive filter), the
// baseline of BenchmarkEncodePNG.
func BenchmarkEncodePNGStd(b *testing.B) {
	m := benchImage()
	b.ReportAllocs()
	var size int
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := enc.Encode(&buf, m); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes")
}
