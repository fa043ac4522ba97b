package render

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"slices"
	"strings"
)

// Attribution is drawn in the bottom-right corner of every map: the road
// data's licence (ODbL) requires it.
const Attribution = "© OpenStreetMap contributors"

// Label kinds with their own marker and text style. Any other kind gets a
// small black dot.
const (
	KindTown       = "town"
	KindHSRStation = "hsr_station"
	KindEntrance   = "entrance" // expressway entrance (interchange, toll gate)
)

// Map is the frame of one picture: its size, area and title.
type Map struct {
	Width, Height int        // image size in pixels, e.g. 1600×1200
	Bounds        [4]float64 // minLon, minLat, maxLon, maxLat shown (at least)
	Title         string     // drawn above the map frame; "" for none
	LegendTitle   string     // heading of the legend box, e.g. "Minutes to HSR"
	Font          *Font      // nil means SystemFont()
	// Cache, when set, keeps the rasterised lines for the next maps drawn
	// with it (see Cache); the map is the same with or without.
	Cache *Cache
}

// Line is a polyline of [lon, lat] points, e.g. a road.
type Line struct {
	Coords [][2]float64
	Style  LineStyle
}

// Area is a polygon with holes: Rings of [lon, lat] points, closed or not,
// in any orientation. Even-odd: a ring inside an odd number of the area's
// other rings is a hole.
type Area struct {
	Rings [][][2]float64
	Fill  color.Color // nil for none; use a translucent colour (Fade)
	// Polygon: Rings[0] is the outer ring and every other ring is one of its
	// holes (as isochrone polygons are); the ring nesting then need not be
	// worked out, which is quadratic in the number of rings.
	Polygon bool
	Stroke  color.Color // outline, 1.2 px (reference); nil for none
	// Shared: the area is drawn on many maps of one frame (water, control
	// lines): with a Map.Cache its coverage is rasterised once and then
	// only blended, as road groups are. Leave it unset for areas of one
	// map (isochrone bands), which would only fill the cache.
	Shared bool
}

// Label is a point marker with a name.
type Label struct {
	Lon, Lat float64
	Text     string
	Kind     string // KindTown, KindHSRStation, KindEntrance or other
}

// LegendItem is one row of the legend: a swatch and its text. The swatch
// is a place marker when Marker is set (KindTown, KindHSRStation,
// KindEntrance, KindRailStation), a stroke when Line.Color is set (a road
// class, an edited road, a control line), else a box of Color (a band or a
// difference class; nil Color: text only).
type LegendItem struct {
	Color  color.Color
	Text   string
	Line   LineStyle
	Marker string
}

// KindRailStation is a rail station that is not the HSR station: a
// square marker, unlike a town's dot.
const KindRailStation = "rail"

var (
	pageColour   = color.RGBA{0xff, 0xff, 0xff, 0xff}
	landColour   = color.RGBA{0xf2, 0xef, 0xe9, 0xff}
	frameColour  = color.RGBA{0x9e, 0x9e, 0x9e, 0xff}
	inkColour    = color.RGBA{0x1a, 0x1a, 0x1a, 0xff}
	haloColour   = color.RGBA{0xe6, 0xe6, 0xe6, 0xe6} // premultiplied: white at 90 %
	panelColour  = color.RGBA{0xeb, 0xeb, 0xeb, 0xeb} // white at 92 %
	borderColour = color.RGBA{0xb0, 0xb0, 0xb0, 0xff}
)

// Draw renders the map: roads under the areas, the areas, roads over the
// areas (LineStyle.Above), then labels and the decorations (see the package
// documentation). It reports the font used.
// An error means an invalid Map or a coordinate that is not finite.
func (m *Map) Draw(areas []Area, lines []Line, labels []Label, legend []LegendItem) (*image.RGBA, FontInfo, error) {
	proj, err := m.Projection()
	if err != nil {
		return nil, FontInfo{}, err
	}
	f := m.Font
	if f == nil {
		f = SystemFont()
	}
	s := m.scale()
	c := newCanvas(m.Width, m.Height, s)
	defer c.release() // after the return values are read: the image is the caller's
	c.cache = m.Cache
	draw.Draw(c.img, c.img.Rect, image.NewUniform(pageColour), image.Point{}, draw.Src)
	draw.Draw(c.img, proj.Frame, image.NewUniform(landColour), image.Point{}, draw.Src)

	if err := c.drawLines(proj, lines, false); err != nil {
		return nil, FontInfo{}, err
	}
	for i, a := range areas {
		if err := c.drawArea(proj, a); err != nil {
			return nil, FontInfo{}, fmt.Errorf("area %d: %w", i, err)
		}
	}
	if err := c.drawLines(proj, lines, true); err != nil {
		return nil, FontInfo{}, err
	}

	t := newTexter(f)
	t.cache = m.Cache
	d := m.decorations(proj, t, legend)
	if _, err := c.drawLabels(proj, t, labels, d.boxes()); err != nil {
		return nil, FontInfo{}, err
	}
	c.drawFrame(proj.Frame)
	c.drawTitle(m, proj, t)
	c.drawLegend(t, d, m.LegendTitle, legend)
	c.drawScaleBar(t, d)
	c.drawNorth(t, d)
	t.drawText(c.img, Attribution, d.attrSize, d.attr.x0+d.attrPad, d.attrBase, color.RGBA{0x33, 0x33, 0x33, 0xff}, haloColour, 2.5*s)
	return c.img, f.Info(), nil
}

// EncodePNG writes img as a PNG. The encoding is deterministic.
func EncodePNG(w io.Writer, img image.Image) error {
	// An opaque map (every map: the page is drawn opaque first) takes the
	// fast path (see encodeOpaqueRGBA).
	if m, ok := img.(*image.RGBA); ok {
		done, err := encodeOpaqueRGBA(w, m)
		if err != nil {
			return fmt.Errorf("encode png: %w", err)
		}
		if done {
			return nil
		}
	}
	// BestSpeed: maps are flat colour, so it costs about 10-20% in size and
	// halves the encoding time; output stays deterministic.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, img); err != nil {
		return fmt.Errorf("encode png: %w", err)
	}
	return nil
}

func finite(p [2]float64) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// lineGroup is all lines of one style, stroked as one path.
type lineGroup struct {
	style  LineStyle
	fill   color.RGBA
	casing color.RGBA
	first  int   // index of the first line, for a stable order
	lines  []int // indices into the projected lines
}

type styleKey struct {
	fill, casing color.RGBA
	hasCasing    bool
	width        float64
	z            int
}

// drawLines draws the lines whose Style.Above equals above.
func (c *canvas) drawLines(proj Projection, lines []Line, above bool) error {
	// Project every line once into one flat slice.
	n := 0
	for _, l := range lines {
		if l.Style.Above == above {
			n += len(l.Coords)
		}
	}
	xy := make([]float64, 0, 2*n)
	offs := make([]int, 1, len(lines)+1)
	for i, l := range lines {
		if l.Style.Above != above {
			offs = append(offs, len(xy))
			continue
		}
		for j, p := range l.Coords {
			if !finite(p) {
				return fmt.Errorf("line %d point %d: coordinate %v not finite", i, j, p)
			}
			x, y := proj.Project(p[0], p[1])
			xy = append(xy, x, y)
		}
		offs = append(offs, len(xy))
	}
	var groups []*lineGroup
	index := map[styleKey]*lineGroup{}
	for i, l := range lines {
		st := l.Style
		if st.Above != above || st.Color == nil || st.Width <= 0 || len(l.Coords) < 2 {
			continue
		}
		k := styleKey{fill: color.RGBAModel.Convert(st.Color).(color.RGBA), width: st.Width, z: st.Z}
		if st.Casing != nil {
			k.casing, k.hasCasing = color.RGBAModel.Convert(st.Casing).(color.RGBA), true
		}
		g := index[k]
		if g == nil {
			g = &lineGroup{style: st, fill: k.fill, casing: k.casing, first: i}
			index[k] = g
			groups = append(groups, g)
		}
		g.lines = append(g.lines, i)
	}
	slices.SortStableFunc(groups, func(a, b *lineGroup) int {
		return cmp.Or(cmp.Compare(a.style.Z, b.style.Z), cmp.Compare(a.first, b.first))
	})
	frame := proj.Frame
	for _, g := range groups {
		if g.style.Casing != nil {
			c.strokeGroup(g, (g.style.Width+2)*c.s, g.casing, xy, offs, frame)
		}
	}
	for _, g := range groups {
		c.strokeGroup(g, g.style.Width*c.s, g.fill, xy, offs, frame)
	}
	return nil
}

// strokeGroup strokes the lines of g (projected points xy, line i from
// offs[i] to offs[i+1]) width px wide as one path and paints it with col,
// through the canvas's Cache when it has one.
func (c *canvas) strokeGroup(g *lineGroup, width float64, col color.RGBA, xy []float64, offs []int, frame image.Rectangle) {
	path := func() {
		for _, i := range g.lines {
			c.stroke(xy[offs[i]:offs[i+1]], width, false, frame)
		}
	}
	if c.cache == nil {
		path()
		c.fill(col, frame)
		return
	}
	k := c.cache.hashGroup(c.img.Rect.Dx(), c.img.Rect.Dy(), frame, width, xy, offs, g.lines)
	c.cached(k, frame, path).composite(c.img, col)
}

// cached returns the coverage of key k from the canvas's Cache, or, on a
// miss, lays the path with build (nil: the current path), rasterises it
// inside clip and keeps it. The path is reset either way.
func (c *canvas) cached(k maskKey, clip image.Rectangle, build func()) *sparseMask {
	defer c.p.reset()
	return c.cache.get(k, func() *sparseMask {
		if build != nil {
			build()
		}
		r, ok := c.rasterize(clip)
		if !ok {
			return nil
		}
		return sparseOf(r, &c.mask)
	})
}

func (c *canvas) drawArea(proj Projection, a Area) error {
	if a.Fill == nil && a.Stroke == nil {
		return nil
	}
	var rings [][]float64
	for i, r := range a.Rings {
		if len(r) > 1 && r[0] == r[len(r)-1] {
			r = r[:len(r)-1]
		}
		if len(r) < 3 {
			continue
		}
		xy := make([]float64, 0, 2*len(r))
		for j, p := range r {
			if !finite(p) {
				return fmt.Errorf("ring %d point %d: coordinate %v not finite", i, j, p)
			}
			x, y := proj.Project(p[0], p[1])
			xy = append(xy, x, y)
		}
		rings = append(rings, xy)
	}
	if len(rings) == 0 {
		return nil
	}
	frame := proj.Frame
	if a.Fill != nil {
		var depth []int
		if a.Polygon {
			depth = make([]int, len(rings))
			for i := 1; i < len(depth); i++ {
				depth[i] = 1
			}
		} else {
			depth = nestingDepths(rings)
		}
		x0, y0 := float64(frame.Min.X-2), float64(frame.Min.Y-2)
		x1, y1 := float64(frame.Max.X+2), float64(frame.Max.Y+2)
		clipped, spare := c.clip[0], c.clip[1]
		defer func() { c.clip[0], c.clip[1] = clipped, spare }()
		for i, r := range rings {
			// Outer rings (even depth) run like stroke quads, holes
			// against them, so holes cut and islands in holes fill.
			reverse := (ringArea(r) < 0) != (depth[i]%2 == 0)
			clipped, spare = clipRing(clipped, spare, r, x0, y0, x1, y1)
			n := len(clipped) / 2
			if n < 3 {
				continue
			}
			for k := range n {
				j := k
				if reverse {
					j = n - 1 - k
				}
				c.p.add(clipped[2*j], clipped[2*j+1])
			}
			c.p.close()
		}
		c.fillShared(a.Fill, frame, a.Shared)
	}
	if a.Stroke != nil {
		for _, r := range rings {
			c.stroke(r, 1.2*c.s, true, frame)
		}
		c.fillShared(a.Stroke, frame, a.Shared)
	}
	return nil
}

// fillShared fills the current path as fill does; when shared and the
// canvas has a Cache, its coverage comes from the cache (keyed by the
// path's points), pixel for pixel the same.
func (c *canvas) fillShared(col color.Color, clip image.Rectangle, shared bool) {
	if !shared || c.cache == nil || col == nil || c.p.empty() {
		c.fill(col, clip)
		return
	}
	k := c.cache.hashPath(c.img.Rect.Dx(), c.img.Rect.Dy(), clip, &c.p)
	c.cached(k, clip, nil).composite(c.img, color.RGBAModel.Convert(col).(color.RGBA))
}

// drawFrame draws a one-pixel border just outside the frame.
func (c *canvas) drawFrame(f image.Rectangle) {
	u := image.NewUniform(frameColour)
	for _, r := range []image.Rectangle{
		image.Rect(f.Min.X-1, f.Min.Y-1, f.Max.X+1, f.Min.Y),
		image.Rect(f.Min.X-1, f.Max.Y, f.Max.X+1, f.Max.Y+1),
		image.Rect(f.Min.X-1, f.Min.Y, f.Min.X, f.Max.Y),
		image.Rect(f.Max.X, f.Min.Y, f.Max.X+1, f.Max.Y),
	} {
		draw.Draw(c.img, r, u, image.Point{}, draw.Src)
	}
}

func (c *canvas) drawTitle(m *Map, proj Projection, t *texter) {
	title := clean(m.Title)
	if title == "" {
		return
	}
	titleH, margin := m.layout()
	size := textPx(34, c.s)
	avail := float64(proj.Frame.Dx())
	if w := t.width(title, size); w > avail {
		size = math.Max(textPx(12, c.s), size*avail/w)
	}
	base := float64(margin) + float64(titleH)*0.62
	t.drawText(c.img, title, size, float64(proj.Frame.Min.X), base, inkColour, nil, 0)
}

// minTextPx is the smallest text size drawn, in pixels, however small the
// map: below it text stops being legible.
const minTextPx = 10

// textPx scales a reference text size, not below minTextPx.
func textPx(ref, s float64) float64 { return math.Max(minTextPx, ref*s) }

// decor is the layout of the legend, scale bar and attribution, computed
// before labels so labels can avoid them.
type decor struct {
	s float64

	legend                           box
	legendPad, swatchW, swatchH      float64
	legendRow, legendHead, legendGap float64
	legendSize, legendTitleSize      float64

	scale            box
	scaleLen         float64 // bar length, px
	scaleDist        float64 // metres
	scaleSize        float64
	scaleX, scaleBar float64 // bar left end and top

	attr               box
	attrSize, attrBase float64
	attrPad            float64

	north     box // north arrow, top left
	northSize float64
}

func (d *decor) boxes() []box {
	out := []box{d.scale, d.attr, d.north}
	if d.legend.x1 > d.legend.x0 {
		out = append(out, d.legend)
	}
	return out
}

func (m *Map) decorations(proj Projection, t *texter, legend []LegendItem) *decor {
	s := m.scale()
	f := proj.Frame
	d := &decor{s: s}
	inset := 12 * s

	// Legend, top right.
	d.legendPad, d.swatchW, d.swatchH = 14*s, 34*s, 20*s
	d.legendSize, d.legendTitleSize = textPx(18, s), textPx(19, s)
	d.legendRow, d.legendGap = math.Max(29*s, 1.5*d.legendSize), 10*s
	if len(legend) > 0 || m.LegendTitle != "" {
		w := 0.0
		if m.LegendTitle != "" {
			d.legendHead = math.Max(33*s, 1.7*d.legendTitleSize)
			w = t.width(clean(m.LegendTitle), d.legendTitleSize)
		}
		for _, it := range legend {
			w = math.Max(w, d.swatchW+d.legendGap+t.width(clean(it.Text), d.legendSize))
		}
		h := d.legendHead + float64(len(legend))*d.legendRow
		if len(legend) > 0 {
			h -= d.legendRow - d.swatchH
		}
		w += 2 * d.legendPad
		h += 2 * d.legendPad
		x1 := float64(f.Max.X) - inset
		y0 := float64(f.Min.Y) + inset
		d.legend = box{math.Round(x1 - w), math.Round(y0), math.Round(x1), math.Round(y0 + h)}
	}

	// Scale bar, bottom left: the largest round distance up to a fifth of
	// the frame width.
	d.scaleSize = textPx(16, s)
	mpp := proj.MetresPerPixel()
	d.scaleDist = niceDistance(0.2 * float64(f.Dx()) * mpp)
	d.scaleLen = d.scaleDist / mpp
	pad := 10 * s
	m0 := t.metricsAt(d.scaleSize)
	endW := t.width(formatDistance(d.scaleDist), d.scaleSize)
	zeroW := t.width("0", d.scaleSize)
	barH := 6 * s
	w := pad + zeroW/2 + d.scaleLen + endW/2 + pad
	h := pad + m0.capHeight + 6*s + barH + pad
	x0 := float64(f.Min.X) + inset
	y1 := float64(f.Max.Y) - inset
	d.scale = box{math.Round(x0), math.Round(y1 - h), math.Round(x0 + w), math.Round(y1)}
	d.scaleX = math.Round(d.scale.x0 + pad + zeroW/2)
	d.scaleBar = math.Round(d.scale.y1 - pad - barH)

	// North arrow, top left: the map is north up (equirectangular).
	d.northSize = textPx(18, s)
	nw, nh := 40*s, 70*s
	d.north = box{math.Round(float64(f.Min.X) + inset), math.Round(float64(f.Min.Y) + inset), math.Round(float64(f.Min.X) + inset + nw), math.Round(float64(f.Min.Y) + inset + nh)}

	// Attribution, bottom right, on a halo.
	d.attrSize = textPx(13, s)
	d.attrPad = 4 * s
	ma := t.metricsAt(d.attrSize)
	aw := t.width(Attribution, d.attrSize)
	ax1 := float64(f.Max.X) - 6*s
	ay1 := float64(f.Max.Y) - 4*s
	d.attrBase = ay1 - d.attrPad - ma.descent
	d.attr = box{ax1 - aw - 2*d.attrPad, d.attrBase - ma.ascent - d.attrPad, ax1, ay1}
	return d
}

func (c *canvas) panel(b box) {
	c.rect(b.x0, b.y0, b.x1, b.y1, 5*c.s)
	c.fill(panelColour, c.img.Rect)
	c.rect(b.x0, b.y0, b.x1, b.y1, 5*c.s)
	c.rect(b.x0+1, b.y0+1, b.x1-1, b.y1-1, 5*c.s-1)
	c.p.reverseLast() // the inner contour cuts: a one-pixel ring
	c.fill(borderColour, c.img.Rect)
}

func (c *canvas) drawLegend(t *texter, d *decor, title string, items []LegendItem) {
	if d.legend.x1 <= d.legend.x0 {
		return
	}
	c.panel(d.legend)
	s := d.s
	x := d.legend.x0 + d.legendPad
	y := d.legend.y0 + d.legendPad
	if title != "" {
		m := t.metricsAt(d.legendTitleSize)
		t.drawText(c.img, clean(title), d.legendTitleSize, x, math.Round(y+m.capHeight+2*s), inkColour, nil, 0)
		y += d.legendHead
	}
	mt := t.metricsAt(d.legendSize)
	for _, it := range items {
		sx0, sy0 := math.Round(x), math.Round(y)
		sx1, sy1 := math.Round(x+d.swatchW), math.Round(y+d.swatchH)
		sw := image.Rect(int(sx0), int(sy0), int(sx1), int(sy1))
		draw.Draw(c.img, sw, image.NewUniform(landColour), image.Point{}, draw.Src)
		switch {
		case it.Marker != "":
			c.marker(it.Marker, (sx0+sx1)/2, (sy0+sy1)/2)
		case it.Line.Color != nil:
			ym := (sy0 + sy1) / 2
			if it.Line.Casing != nil {
				w := (it.Line.Width + 2) * s / 2
				c.rect(sx0, ym-w, sx1, ym+w, 0)
				c.fill(it.Line.Casing, c.img.Rect)
			}
			w := math.Max(1, it.Line.Width*s/2)
			c.rect(sx0, ym-w, sx1, ym+w, 0)
			c.fill(it.Line.Color, c.img.Rect)
		default:
			if it.Color != nil {
				draw.Draw(c.img, sw, image.NewUniform(it.Color), image.Point{}, draw.Over)
			}
			c.outline(sw, color.RGBA{0x70, 0x70, 0x70, 0xff})
		}
		base := math.Round(y + d.swatchH/2 + mt.capHeight/2)
		t.drawText(c.img, clean(it.Text), d.legendSize, x+d.swatchW+d.legendGap, base, inkColour, nil, 0)
		y += d.legendRow
	}
}

// outline draws a crisp one-pixel border just inside r.
func (c *canvas) outline(r image.Rectangle, col color.Color) {
	u := image.NewUniform(col)
	for _, e := range []image.Rectangle{
		image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1),
		image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y),
		image.Rect(r.Min.X, r.Min.Y+1, r.Min.X+1, r.Max.Y-1),
		image.Rect(r.Max.X-1, r.Min.Y+1, r.Max.X, r.Max.Y-1),
	} {
		draw.Draw(c.img, e, u, image.Point{}, draw.Over)
	}
}

// drawNorth draws the north arrow: a panel, an arrow pointing up and "N".
func (c *canvas) drawNorth(t *texter, d *decor) {
	b := d.north
	c.panel(b)
	s := d.s
	cx := (b.x0 + b.x1) / 2
	m := t.metricsAt(d.northSize)
	base := b.y0 + 8*s + m.capHeight
	t.drawText(c.img, "N", d.northSize, math.Round(cx-t.width("N", d.northSize)/2), math.Round(base), inkColour, nil, 0)
	top, bot := base+6*s, b.y1-8*s
	c.p.add(cx, top)
	c.p.add(cx+10*s, bot)
	c.p.add(cx, bot-8*s)
	c.p.add(cx-10*s, bot)
	c.p.close()
	c.fill(inkColour, c.img.Rect)
}

func (c *canvas) drawScaleBar(t *texter, d *decor) {
	c.panel(d.scale)
	s := d.s
	x0 := d.scaleX
	x1 := math.Round(x0 + d.scaleLen)
	xm := math.Round((x0 + x1) / 2)
	y0 := d.scaleBar
	y1 := math.Round(y0 + 6*s)
	dark := color.RGBA{0x26, 0x26, 0x26, 0xff}
	bar := image.Rect(int(x0), int(y0), int(x1), int(y1))
	draw.Draw(c.img, bar, image.NewUniform(dark), image.Point{}, draw.Src)
	white := image.Rect(int(xm), int(y0)+1, int(x1)-1, int(y1)-1)
	draw.Draw(c.img, white, image.NewUniform(color.White), image.Point{}, draw.Src)

	base := math.Round(y0 - 5*s)
	half := d.scaleDist / 2
	unit := 1.0
	if d.scaleDist >= 1000 {
		unit = 1000
	}
	for _, lab := range []struct {
		x    float64
		text string
	}{
		{x0, "0"},
		{xm, fmt.Sprintf("%g", half/unit)},
		{x1, formatDistance(d.scaleDist)},
	} {
		w := t.width(lab.text, d.scaleSize)
		t.drawText(c.img, lab.text, d.scaleSize, lab.x-w/2, base, inkColour, nil, 0)
	}
}

// labelLook is the marker and text style of a label kind.
type labelLook struct {
	size       float64 // text size, reference px
	text       color.RGBA
	markerSize float64 // marker radius, reference px
}

func lookOf(kind string) labelLook {
	switch kind {
	case KindHSRStation:
		return labelLook{22, color.RGBA{0x1f, 0x2a, 0x44, 0xff}, 11.5}
	case KindRailStation:
		return labelLook{16, color.RGBA{0x1f, 0x2a, 0x44, 0xff}, 5.5}
	case KindEntrance:
		return labelLook{18, color.RGBA{0x14, 0x5c, 0x2c, 0xff}, 7.5}
	case KindTown:
		return labelLook{19, color.RGBA{0x2b, 0x2b, 0x2b, 0xff}, 4.5}
	default:
		return labelLook{17, color.RGBA{0x2b, 0x2b, 0x2b, 0xff}, 3.5}
	}
}

func (c *canvas) marker(kind string, x, y float64) {
	s := c.s
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	all := c.img.Rect
	switch kind {
	case KindHSRStation:
		// Larger than any other marker, with a red ring: the HSR station
		// stands out.
		c.circle(x, y, 13*s)
		c.fill(white, all)
		c.circle(x, y, 11.5*s)
		c.fill(color.RGBA{0xc6, 0x28, 0x28, 0xff}, all)
		c.circle(x, y, 8.5*s)
		c.fill(color.RGBA{0x1f, 0x2a, 0x44, 0xff}, all)
		c.circle(x, y, 4*s)
		c.fill(white, all)
	case KindRailStation:
		c.rect(x-5.5*s, y-5.5*s, x+5.5*s, y+5.5*s, 0)
		c.fill(color.RGBA{0x1f, 0x2a, 0x44, 0xff}, all)
		c.rect(x-3*s, y-3*s, x+3*s, y+3*s, 0)
		c.fill(white, all)
	case KindEntrance:
		diamond := func(r float64) {
			c.p.add(x, y-r)
			c.p.add(x+r, y)
			c.p.add(x, y+r)
			c.p.add(x-r, y)
			c.p.close()
		}
		diamond(10 * s)
		c.fill(white, all)
		diamond(7.5 * s)
		c.fill(color.RGBA{0x1b, 0x7a, 0x3a, 0xff}, all)
	case KindTown:
		c.circle(x, y, 6*s)
		c.fill(white, all)
		c.circle(x, y, 4.5*s)
		c.fill(color.RGBA{0x3c, 0x3c, 0x3c, 0xff}, all)
	default:
		c.circle(x, y, 5*s)
		c.fill(white, all)
		c.circle(x, y, 3.5*s)
		c.fill(color.RGBA{0, 0, 0, 0xff}, all)
	}
}

// drawLabels draws the markers and places the texts; it returns each
// label's text box, the zero box where the text was left out.
func (c *canvas) drawLabels(proj Projection, t *texter, labels []Label, obstacles []box) ([]box, error) {
	s := c.s
	frame := box{float64(proj.Frame.Min.X), float64(proj.Frame.Min.Y), float64(proj.Frame.Max.X), float64(proj.Frame.Max.Y)}
	type pt struct {
		x, y float64
		ok   bool
	}
	pts := make([]pt, len(labels))
	markers := make([]box, len(labels))
	for i, l := range labels {
		if !finite([2]float64{l.Lon, l.Lat}) {
			return nil, fmt.Errorf("label %d %q: coordinate not finite", i, l.Text)
		}
		x, y := proj.Project(l.Lon, l.Lat)
		r := lookOf(l.Kind).markerSize * s
		mb := box{x - r, y - r, x + r, y + r}
		pts[i] = pt{x, y, frame.contains(mb)}
		// A marker without text (an unnamed entrance on a wide map) may sit
		// under another label's text: the halo keeps the text readable, and
		// otherwise dense interchanges would hide the towns' names.
		if strings.TrimSpace(l.Text) != "" {
			markers[i] = mb
		} else {
			markers[i] = box{math.Inf(1), math.Inf(1), math.Inf(1), math.Inf(1)}
		}
	}
	// Markers in reverse order: the labels come by importance, so the most
	// important marker is drawn last, on top (a town under a cluster of
	// interchanges stays visible).
	for i := len(labels) - 1; i >= 0; i-- {
		if pts[i].ok {
			c.marker(labels[i].Kind, pts[i].x, pts[i].y)
		}
	}
	placed := append([]box(nil), obstacles...)
	textBoxes := make([]box, len(labels))
	haloR := 3 * s
	for i, l := range labels {
		text := strings.TrimSpace(clean(l.Text))
		if !pts[i].ok || text == "" {
			continue
		}
		look := lookOf(l.Kind)
		size := textPx(look.size, s)
		m := t.metricsAt(size)
		w := t.width(text, size)
		x, y := pts[i].x, pts[i].y
		gap := look.markerSize*s + haloR + 3 // the text box, halo included, clears the marker
		mid := math.Round(y + m.capHeight/2)
		// Four sides, then the diagonals, then all eight again farther out
		// (in a crowded city a big town's name would otherwise lose to the
		// markers around it).
		var cands [][2]float64
		for _, g := range []float64{gap, 2 * gap} {
			d := 0.7 * g
			cands = append(cands,
				[2]float64{x + g, mid},                         // right
				[2]float64{x - g - w, mid},                     // left
				[2]float64{x - w/2, y - g - m.descent},         // above
				[2]float64{x - w/2, y + g + m.capHeight + 1*s}, // below
				[2]float64{x + d, y - d - m.descent},           // above right
				[2]float64{x + d, y + d + m.capHeight},         // below right
				[2]float64{x - d - w, y - d - m.descent},       // above left
				[2]float64{x - d - w, y + d + m.capHeight},     // below left
			)
		}
		for _, cd := range cands {
			bx, base := math.Round(cd[0]), math.Round(cd[1])
			b := t.textBox(text, size, bx, base, haloR)
			if !frame.contains(b) || collides(b, placed) || collidesExcept(b, markers, i) {
				continue
			}
			t.drawText(c.img, text, size, bx, base, look.text, haloColour, haloR)
			placed = append(placed, b)
			textBoxes[i] = b
			break
		}
	}
	return textBoxes, nil
}

func collides(b box, others []box) bool {
	for _, o := range others {
		if b.overlaps(o) {
			return true
		}
	}
	return false
}

func collidesExcept(b box, others []box, skip int) bool {
	for i, o := range others {
		if i != skip && b.overlaps(o) {
			return true
		}
	}
	return false
}
