package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// texter lays out and draws single lines of text with a font chain. It keeps
// faces per pixel size; faces are not safe for concurrent use, so a texter
// belongs to one Draw call.
type texter struct {
	font  *Font
	faces map[float64][]font.Face
	mask  image.Alpha // text coverage
	halo  image.Alpha // dilated coverage
	cache *Cache      // the coverage of texts drawn before (labels and legends repeat on a study's maps); nil: none
}

func newTexter(f *Font) *texter {
	return &texter{font: f, faces: map[float64][]font.Face{}}
}

func (t *texter) facesAt(size float64) []font.Face {
	size = math.Round(size*4) / 4
	if fs, ok := t.faces[size]; ok {
		return fs
	}
	fs := make([]font.Face, 0, len(t.font.chain))
	for _, sf := range t.font.chain {
		f, err := opentype.NewFace(sf, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			continue // NewFace does not fail for a parsed font
		}
		fs = append(fs, f)
	}
	t.faces[size] = fs
	return fs
}

// metrics are the vertical extents of text at a size, in pixels.
type metrics struct {
	ascent, descent, capHeight float64
}

func (t *texter) metricsAt(size float64) metrics {
	var m metrics
	for _, f := range t.facesAt(size) {
		fm := f.Metrics()
		m.ascent = math.Max(m.ascent, fix(fm.Ascent))
		m.descent = math.Max(m.descent, fix(fm.Descent))
		if m.capHeight == 0 {
			m.capHeight = fix(fm.CapHeight)
		}
	}
	if m.capHeight <= 0 {
		m.capHeight = 0.7 * size
	}
	return m
}

func fix(v fixed.Int26_6) float64 { return float64(v) / 64 }

// pick returns the index of the first face that has r, or 0.
func pick(faces []font.Face, r rune) int {
	for i, f := range faces {
		if _, ok := f.GlyphAdvance(r); ok {
			return i
		}
	}
	return 0
}

// clean replaces control characters (including newlines) with spaces.
func clean(s string) string {
	out := []rune(s)
	for i, r := range out {
		if unicode.IsControl(r) {
			out[i] = ' '
		}
	}
	return string(out)
}

// width returns the advance width of s in pixels.
func (t *texter) width(s string, size float64) float64 {
	faces := t.facesAt(size)
	if len(faces) == 0 {
		return 0
	}
	var w fixed.Int26_6
	prev, prevFace := rune(-1), -1
	for _, r := range s {
		fi := pick(faces, r)
		if fi == prevFace {
			w += faces[fi].Kern(prev, r)
		}
		a, _ := faces[fi].GlyphAdvance(r)
		w += a
		prev, prevFace = r, fi
	}
	return fix(w)
}

// textBox is where drawText puts s: the pixel box of glyphs plus halo.
func (t *texter) textBox(s string, size, x, baseline, haloR float64) box {
	m := t.metricsAt(size)
	pad := haloR + 1
	return box{x - pad, baseline - m.ascent - pad, x + t.width(s, size) + pad, baseline + m.descent + pad}
}

// drawText draws s with its left end of baseline at x, baseline, in col over
// a halo of radius haloR pixels (0 for none) in haloCol.
func (t *texter) drawText(dst *image.RGBA, s string, size, x, baseline float64, col, haloCol color.Color, haloR float64) {
	faces := t.facesAt(size)
	if len(faces) == 0 || s == "" {
		return
	}
	b := t.textBox(s, size, x, baseline, haloR)
	r := image.Rect(int(math.Floor(b.x0)), int(math.Floor(b.y0)), int(math.Ceil(b.x1)), int(math.Ceil(b.y1)))
	if r.Intersect(dst.Rect).Empty() {
		return
	}
	w, h := r.Dx(), r.Dy()
	dot := fixed.Point26_6{
		X: fixed.Int26_6(math.Round((x - float64(r.Min.X)) * 64)),
		Y: fixed.Int26_6(math.Round((baseline - float64(r.Min.Y)) * 64)),
	}
	halo := haloR > 0 && haloCol != nil
	// The coverage depends on the font, text, size, halo and the position
	// within the first pixel only: a text drawn before at the same
	// sub-pixel place is blended from the cache.
	k := textKey{font: t.font, s: s, size: math.Round(size*4) / 4, haloR: haloR, halo: halo, dot: dot, w: w, h: h}
	if t.cache != nil {
		if m, ok := t.cache.text(k); ok {
			if halo {
				draw.DrawMask(dst, r, image.NewUniform(haloCol), image.Point{}, &image.Alpha{Pix: m.halo, Stride: w, Rect: image.Rect(0, 0, w, h)}, image.Point{}, draw.Over)
			}
			draw.DrawMask(dst, r, image.NewUniform(col), image.Point{}, &image.Alpha{Pix: m.mask, Stride: w, Rect: image.Rect(0, 0, w, h)}, image.Point{}, draw.Over)
			return
		}
	}
	t.mask = resetAlpha(t.mask, w, h)
	prev, prevFace := rune(-1), -1
	for _, c := range s {
		fi := pick(faces, c)
		f := faces[fi]
		if fi == prevFace {
			dot.X += f.Kern(prev, c)
		}
		dr, mask, mp, adv, _ := f.Glyph(dot, c)
		if mask != nil && !dr.Empty() {
			draw.DrawMask(&t.mask, dr, image.Opaque, image.Point{}, mask, mp, draw.Over)
		}
		dot.X += adv
		prev, prevFace = c, fi
	}
	if halo {
		t.halo = resetAlpha(t.halo, w, h)
		dilate(&t.halo, &t.mask, haloR)
		draw.DrawMask(dst, r, image.NewUniform(haloCol), image.Point{}, &t.halo, image.Point{}, draw.Over)
	}
	draw.DrawMask(dst, r, image.NewUniform(col), image.Point{}, &t.mask, image.Point{}, draw.Over)
	if t.cache != nil {
		m := textMasks{mask: slices.Clone(t.mask.Pix)}
		if halo {
			m.halo = slices.Clone(t.halo.Pix)
		}
		t.cache.putText(k, m)
	}
}

// textKey is what a text's coverage depends on.
type textKey struct {
	font        *Font
	s           string
	size, haloR float64
	halo        bool
	dot         fixed.Point26_6 // the pen's start within the box, 1/64 px
	w, h        int
}

// textMasks is a text's coverage and its halo's (nil without one), w×h.
type textMasks struct{ mask, halo []uint8 }

func resetAlpha(a image.Alpha, w, h int) image.Alpha {
	n := w * h
	if cap(a.Pix) < n {
		a.Pix = make([]uint8, n)
	}
	a.Pix = a.Pix[:n]
	clear(a.Pix)
	a.Stride = w
	a.Rect = image.Rect(0, 0, w, h)
	return a
}

// dilate sets dst to the maximum of src over a disc of radius r with a soft
// one-pixel edge: a halo that follows the glyph shapes.
func dilate(dst, src *image.Alpha, r float64) {
	type tap struct {
		dx, dy int
		w      uint32 // weight out of 256
	}
	var taps []tap
	ri := int(math.Ceil(r + 0.5))
	for dy := -ri; dy <= ri; dy++ {
		for dx := -ri; dx <= ri; dx++ {
			wt := math.Min(1, r+0.5-math.Hypot(float64(dx), float64(dy)))
			if wt > 0 {
				taps = append(taps, tap{dx, dy, uint32(math.Round(wt * 256))})
			}
		}
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := range h {
		for x := range w {
			v := src.Pix[y*src.Stride+x]
			if v == 0 {
				continue
			}
			for _, tp := range taps {
				xx, yy := x+tp.dx, y+tp.dy
				if xx < 0 || yy < 0 || xx >= w || yy >= h {
					continue
				}
				c := uint8(uint32(v) * tp.w >> 8)
				i := yy*dst.Stride + xx
				if c > dst.Pix[i] {
					dst.Pix[i] = c
				}
			}
		}
	}
}
