package render

import (
	"image/color"
	"math"
)

// ylGnBu is ColorBrewer's YlGnBu from its 7th class down to its 2nd: the
// darkest classes and the palest are left out so every band shows on the land
// colour and roads still show through the nearest one.
var ylGnBu = []color.RGBA{
	{0x22, 0x5e, 0xa8, 0xff},
	{0x1d, 0x91, 0xc0, 0xff},
	{0x41, 0xb6, 0xc4, 0xff},
	{0x7f, 0xcd, 0xbb, 0xff},
	{0xc7, 0xe9, 0xb4, 0xff},
	{0xed, 0xf8, 0xb1, 0xff},
}

// rdBu is ColorBrewer's 9-class RdBu, red (loss) to blue (gain).
var rdBu = []color.RGBA{
	{0xb2, 0x18, 0x2b, 0xff},
	{0xd6, 0x60, 0x4d, 0xff},
	{0xf4, 0xa5, 0x82, 0xff},
	{0xfd, 0xdb, 0xc7, 0xff},
	{0xf7, 0xf7, 0xf7, 0xff},
	{0xd1, 0xe5, 0xf0, 0xff},
	{0x92, 0xc5, 0xde, 0xff},
	{0x43, 0x93, 0xc3, 0xff},
	{0x21, 0x66, 0xac, 0xff},
}

// Sequential returns n opaque colours for n isochrone bands: index 0 is the
// nearest band and the darkest (blue), each next one lighter, towards pale
// yellow-green for the farthest of four or more bands (ColorBrewer YlGnBu,
// colour-blind safe, ordered in grey scale too). Fewer than four bands use
// the dark part of the ramp. It returns nil for n <= 0. Pass the colours
// through Fade (0.5 works well) before using them as band fills.
func Sequential(n int) []color.RGBA {
	if n <= 0 {
		return nil
	}
	out := make([]color.RGBA, n)
	// Few bands take part of the ramp, so two bands are blue and teal rather
	// than blue and a yellow that hardly shows; four or more span it all.
	span := math.Min(1, float64(n-1)/3)
	for i := range out {
		t := 0.0
		if n > 1 {
			t = span * float64(i) / float64(n-1)
		}
		out[i] = ramp(ylGnBu, t)
	}
	return out
}

// Diverging returns n opaque colours for a map of changes: index 0 is the
// largest loss (red), the last the largest gain (blue), and for odd n the
// middle one is a neutral light grey (ColorBrewer RdBu, colour-blind safe).
// It returns nil for n <= 0.
func Diverging(n int) []color.RGBA {
	if n <= 0 {
		return nil
	}
	out := make([]color.RGBA, n)
	for i := range out {
		t := 0.5
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		out[i] = ramp(rdBu, t)
	}
	return out
}

// Fade returns c with its opacity multiplied by opacity (0 transparent, 1 as
// given), as a premultiplied color.RGBA ready for Area.Fill or LegendItem.
func Fade(c color.Color, opacity float64) color.RGBA {
	opacity = math.Max(0, math.Min(1, opacity))
	r, g, b, a := c.RGBA()
	f := func(v uint32) uint8 { return uint8(math.Round(float64(v) * opacity / 257)) }
	return color.RGBA{f(r), f(g), f(b), f(a)}
}

// ramp interpolates linearly between the evenly spaced stops at t in [0, 1].
func ramp(stops []color.RGBA, t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	pos := t * float64(len(stops)-1)
	i := int(math.Floor(pos))
	if i >= len(stops)-1 {
		return stops[len(stops)-1]
	}
	f := pos - float64(i)
	a, b := stops[i], stops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}
