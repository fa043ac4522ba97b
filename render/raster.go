package render

// Anti-aliased drawing on top of golang.org/x/image/vector.
//
// The vector rasterizer accumulates signed coverage and takes its absolute
// value clamped to 1, so contours of one orientation union (overlaps stay at
// full coverage) while a contour of the opposite orientation cuts. Everything
// here relies on that:
//
//   - A stroked polyline is one path of a quad per segment plus a round join
//     at each vertex that turns enough to leave a visible notch and round caps
//     at the ends, all oriented the same way. A whole group of lines with one
//     style is one path, so a translucent stroke is blended once per pixel and
//     crossings do not darken. The cost is O(segments + joins·sides) edges,
//     plus one pass over the pixels of the group's bounding box.
//   - A polygon's rings are re-oriented by nesting depth (even-odd), which
//     needs a point-in-ring test for each pair of rings whose boxes nest:
//     O(rings² + rings·vertices) in the worst case, cheap for isochrone bands.
//
// Segments are culled and clipped to the frame (plus the stroke width) and
// rings are clipped with Sutherland–Hodgman before they reach the rasterizer,
// whose cost grows with the extent of an edge, not only with the visible part.
// The rasterizer is sized to the path's bounding box within the clip
// rectangle, so a small shape costs little however big the image is.

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"golang.org/x/image/vector"
)

// path is a list of closed contours in pixel coordinates.
type path struct {
	pts        []float32 // x, y pairs
	ends       []int     // end (in points) of each contour
	minX, minY float32
	maxX, maxY float32
}

func (p *path) reset() {
	p.pts = p.pts[:0]
	p.ends = p.ends[:0]
	p.minX, p.minY = math.MaxFloat32, math.MaxFloat32
	p.maxX, p.maxY = -math.MaxFloat32, -math.MaxFloat32
}

func (p *path) add(x, y float64) {
	fx, fy := float32(x), float32(y)
	p.pts = append(p.pts, fx, fy)
	p.minX = min(p.minX, fx)
	p.minY = min(p.minY, fy)
	p.maxX = max(p.maxX, fx)
	p.maxY = max(p.maxY, fy)
}

// close ends the current contour.
func (p *path) close() {
	p.ends = append(p.ends, len(p.pts)/2)
}

func (p *path) empty() bool { return len(p.ends) == 0 }

// reverseLast reverses the orientation of the last contour, so it cuts
// instead of adding.
func (p *path) reverseLast() {
	if len(p.ends) == 0 {
		return
	}
	start := 0
	if len(p.ends) > 1 {
		start = p.ends[len(p.ends)-2]
	}
	pts := p.pts[2*start:]
	for i, j := 0, len(pts)/2-1; i < j; i, j = i+1, j-1 {
		pts[2*i], pts[2*j] = pts[2*j], pts[2*i]
		pts[2*i+1], pts[2*j+1] = pts[2*j+1], pts[2*i+1]
	}
}

// canvas draws paths onto an RGBA image.
type canvas struct {
	img   *image.RGBA
	s     float64 // size scale
	rast  vector.Rasterizer
	p     path
	mask  image.Alpha   // coverage of the path being filled
	tmp   []float64     // scratch for stroke points
	clip  [2][]float64  // scratch for clipped rings
	units [65][]float64 // unit circles by number of sides
	cache *Cache        // rasterised line groups; nil: none
}

// canvases keeps the scratch of finished maps (the rasteriser's buffer,
// the mask, paths): a map's rasteriser alone takes 4 bytes a pixel, made
// and cleared anew for every map otherwise.
var canvases sync.Pool

func newCanvas(w, h int, s float64) *canvas {
	c, _ := canvases.Get().(*canvas)
	if c == nil {
		c = &canvas{}
	}
	c.img, c.s, c.cache = newRGBA(w, h), s, nil
	c.p.reset()
	return c
}

// images keeps the maps handed back with Recycle.
var images sync.Pool // *image.RGBA

// newRGBA returns a w×h image: a recycled one of that size (its pixels
// are not cleared: Draw paints every one) or a new one.
func newRGBA(w, h int) *image.RGBA {
	if m, ok := images.Get().(*image.RGBA); ok && m.Rect == image.Rect(0, 0, w, h) {
		return m
	}
	return image.NewRGBA(image.Rect(0, 0, w, h))
}

// Recycle hands a map drawn by Map.Draw back once its caller is done with
// it (encoded and dropped), so that the next map of its size reuses the
// memory instead of new pages: a 1600×1200 map is 7.7 MB. m must not be
// used afterwards.
func Recycle(m *image.RGBA) {
	if m != nil {
		images.Put(m)
	}
}

// release returns c's scratch for the next map; c.img stays the caller's.
func (c *canvas) release() {
	c.img, c.cache = nil, nil
	canvases.Put(c)
}

// fill paints the current path with col inside clip and resets the path.
func (c *canvas) fill(col color.Color, clip image.Rectangle) {
	defer c.p.reset()
	if col == nil || c.p.empty() {
		return
	}
	if r, ok := c.rasterize(clip); ok {
		composite(c.img, r, &c.mask, color.RGBAModel.Convert(col).(color.RGBA))
	}
}

// rasterize draws the coverage of the current path inside clip into
// c.mask, whose origin is the returned rectangle's corner; ok is false
// when the path covers nothing inside clip. The path is kept.
func (c *canvas) rasterize(clip image.Rectangle) (r image.Rectangle, ok bool) {
	p := &c.p
	if p.empty() {
		return image.Rectangle{}, false
	}
	r = image.Rect(
		int(math.Floor(float64(p.minX))), int(math.Floor(float64(p.minY))),
		int(math.Ceil(float64(p.maxX)))+1, int(math.Ceil(float64(p.maxY)))+1,
	).Intersect(clip).Intersect(c.img.Rect)
	if r.Empty() {
		return r, false
	}
	z := &c.rast
	z.Reset(r.Dx(), r.Dy())
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	start := 0
	for _, end := range p.ends {
		if end-start >= 3 {
			z.MoveTo(p.pts[2*start]-ox, p.pts[2*start+1]-oy)
			for i := start + 1; i < end; i++ {
				z.LineTo(p.pts[2*i]-ox, p.pts[2*i+1]-oy)
			}
			z.ClosePath()
		}
		start = end
	}
	// Rasterize to an 8-bit mask (the package's SIMD path), then blend only
	// where the mask is non-zero: most of a road group's box is empty, and
	// the rasterizer's own RGBA path divides at every pixel of it.
	w, h := r.Dx(), r.Dy()
	if cap(c.mask.Pix) < w*h {
		c.mask.Pix = make([]uint8, w*h)
	}
	c.mask.Pix = c.mask.Pix[:w*h]
	c.mask.Stride = w
	c.mask.Rect = image.Rect(0, 0, w, h)
	z.DrawOp = draw.Src
	z.Draw(&c.mask, c.mask.Rect, image.Opaque, image.Point{})
	return r, true
}

// composite blends the premultiplied colour col over dst inside r, weighted
// by mask (whose origin is r.Min).
func composite(dst *image.RGBA, r image.Rectangle, mask *image.Alpha, col color.RGBA) {
	if col.A == 0 {
		return
	}
	w := r.Dx()
	for y := range r.Dy() {
		row := mask.Pix[y*mask.Stride : y*mask.Stride+w]
		pix := dst.Pix[dst.PixOffset(r.Min.X, r.Min.Y+y):]
		for x := 0; x < w; x++ {
			if x+8 <= w && binary.LittleEndian.Uint64(row[x:]) == 0 {
				x += 7
				continue
			}
			if m := row[x]; m != 0 {
				blendPixel(pix[4*x:4*x+4:4*x+4], uint32(m), col)
			}
		}
	}
}

// blendPixel blends the premultiplied colour col over the pixel p with
// coverage m (1..255).
func blendPixel(p []uint8, m uint32, col color.RGBA) {
	const full = 255 * 255
	sa := uint32(col.A)
	if m == 255 && sa == 255 {
		p[0], p[1], p[2], p[3] = col.R, col.G, col.B, col.A
		return
	}
	a := full - sa*m
	p[0] = uint8((uint32(p[0])*a + uint32(col.R)*m*255 + full/2) / full)
	p[1] = uint8((uint32(p[1])*a + uint32(col.G)*m*255 + full/2) / full)
	p[2] = uint8((uint32(p[2])*a + uint32(col.B)*m*255 + full/2) / full)
	p[3] = uint8((uint32(p[3])*a + sa*m*255 + full/2) / full)
}

// circle adds a clockwise (on screen: same as segment quads) polygon
// approximating a circle.
func (c *canvas) circle(x, y, r float64) {
	n := int(math.Ceil(2 * math.Pi * r / 1.2))
	n = max(8, min(64, n))
	unit := c.units[n]
	if unit == nil {
		unit = make([]float64, 2*n)
		for k := range n {
			a := -2 * math.Pi * float64(k) / float64(n)
			unit[2*k], unit[2*k+1] = math.Cos(a), math.Sin(a)
		}
		c.units[n] = unit
	}
	for k := range n {
		c.p.add(x+r*unit[2*k], y+r*unit[2*k+1])
	}
	c.p.close()
}

// rect adds an axis-aligned rectangle with optional rounded corners.
func (c *canvas) rect(x0, y0, x1, y1, radius float64) {
	radius = math.Min(radius, math.Min(x1-x0, y1-y0)/2)
	if radius <= 0 {
		c.p.add(x0, y0)
		c.p.add(x0, y1)
		c.p.add(x1, y1)
		c.p.add(x1, y0)
		c.p.close()
		return
	}
	const steps = 6
	corner := func(cx, cy, a0 float64) {
		for k := 0; k <= steps; k++ {
			a := a0 - math.Pi/2*float64(k)/steps
			c.p.add(cx+radius*math.Cos(a), cy+radius*math.Sin(a))
		}
	}
	corner(x1-radius, y0+radius, 0)            // top right, from east to north
	corner(x0+radius, y0+radius, -math.Pi/2)   // top left
	corner(x0+radius, y1-radius, -math.Pi)     // bottom left
	corner(x1-radius, y1-radius, -3*math.Pi/2) // bottom right
	c.p.close()
}

// segment adds a quad of half-width hw around a-b. Quads from every
// direction have the same orientation.
func (c *canvas) segment(ax, ay, bx, by, hw float64) {
	dx, dy := bx-ax, by-ay
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*hw, dx/l*hw
	c.p.add(ax+nx, ay+ny)
	c.p.add(bx+nx, by+ny)
	c.p.add(bx-nx, by-ny)
	c.p.add(ax-nx, ay-ny)
	c.p.close()
}

// stroke adds the outline of the polyline xy (pixel x, y pairs) with width w
// to the path, culled against clip. Closed polylines join the last point to
// the first.
func (c *canvas) stroke(xy []float64, w float64, closed bool, clip image.Rectangle) {
	hw := w / 2
	if hw <= 0 || len(xy) < 4 {
		return
	}
	pad := hw + 2
	x0, y0 := float64(clip.Min.X)-pad, float64(clip.Min.Y)-pad
	x1, y1 := float64(clip.Max.X)+pad, float64(clip.Max.Y)+pad
	inside := func(x, y float64) bool { return x >= x0 && x <= x1 && y >= y0 && y <= y1 }

	// Drop points closer than a quarter pixel to the previous kept point.
	pts := c.tmp[:0]
	for i := 0; i+1 < len(xy); i += 2 {
		x, y := xy[i], xy[i+1]
		if n := len(pts); n > 0 && math.Abs(x-pts[n-2]) < 0.25 && math.Abs(y-pts[n-1]) < 0.25 {
			continue
		}
		pts = append(pts, x, y)
	}
	if closed && len(pts) >= 4 {
		n := len(pts)
		if math.Abs(pts[0]-pts[n-2]) < 0.25 && math.Abs(pts[1]-pts[n-1]) < 0.25 {
			pts = pts[:n-2]
		}
	}
	c.tmp = pts
	n := len(pts) / 2
	if n < 2 {
		if n == 1 && inside(pts[0], pts[1]) {
			c.circle(pts[0], pts[1], hw)
		}
		return
	}
	nseg := n - 1
	if closed {
		nseg = n
	}
	for i := range nseg {
		j := (i + 1) % n
		ax, ay, bx, by := pts[2*i], pts[2*i+1], pts[2*j], pts[2*j+1]
		if max(ax, bx) < x0 || min(ax, bx) > x1 || max(ay, by) < y0 || min(ay, by) > y1 {
			continue
		}
		if !inside(ax, ay) || !inside(bx, by) {
			var ok bool
			if ax, ay, bx, by, ok = clipSegment(ax, ay, bx, by, x0, y0, x1, y1); !ok {
				continue
			}
		}
		c.segment(ax, ay, bx, by, hw)
	}
	// Joins and caps. A join is needed where the turn opens a notch wider
	// than a tenth of a pixel on the outside of the bend.
	for i := range n {
		x, y := pts[2*i], pts[2*i+1]
		if !inside(x, y) {
			continue
		}
		if !closed && (i == 0 || i == n-1) {
			c.circle(x, y, hw)
			continue
		}
		p := (i + n - 1) % n
		q := (i + 1) % n
		ux, uy := x-pts[2*p], y-pts[2*p+1]
		vx, vy := pts[2*q]-x, pts[2*q+1]-y
		lu, lv := math.Hypot(ux, uy), math.Hypot(vx, vy)
		if lu == 0 || lv == 0 {
			continue
		}
		cross := (ux*vy - uy*vx) / (lu * lv)
		dot := (ux*vx + uy*vy) / (lu * lv)
		if dot > 0 && hw*math.Abs(cross) < 0.1 {
			continue
		}
		c.circle(x, y, hw)
	}
}

// clipSegment clips a-b to the rectangle (Liang–Barsky).
func clipSegment(ax, ay, bx, by, x0, y0, x1, y1 float64) (float64, float64, float64, float64, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := bx-ax, by-ay
	for _, e := range [4][2]float64{{-dx, ax - x0}, {dx, x1 - ax}, {-dy, ay - y0}, {dy, y1 - ay}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, 0, 0, false
			}
			continue
		}
		r := q / p
		if p < 0 {
			if r > t1 {
				return 0, 0, 0, 0, false
			}
			t0 = max(t0, r)
		} else {
			if r < t0 {
				return 0, 0, 0, 0, false
			}
			t1 = min(t1, r)
		}
	}
	return ax + t0*dx, ay + t0*dy, ax + t1*dx, ay + t1*dy, true
}

// clipRing clips the closed ring xy (x, y pairs) to the rectangle with
// Sutherland–Hodgman, into out, with spare as its second buffer; it
// returns the clipped ring and the buffer left over, for the next call.
// The result keeps the orientation; parts outside collapse onto the
// rectangle's edges, which cover nothing.
func clipRing(out, spare, xy []float64, x0, y0, x1, y1 float64) (clipped, left []float64) {
	buf := append(out[:0], xy...)
	next := spare
	for edge := range 4 {
		in := func(x, y float64) bool {
			switch edge {
			case 0:
				return x >= x0
			case 1:
				return x <= x1
			case 2:
				return y >= y0
			default:
				return y <= y1
			}
		}
		cut := func(ax, ay, bx, by float64) (float64, float64) {
			var t float64
			switch edge {
			case 0:
				t = (x0 - ax) / (bx - ax)
			case 1:
				t = (x1 - ax) / (bx - ax)
			case 2:
				t = (y0 - ay) / (by - ay)
			default:
				t = (y1 - ay) / (by - ay)
			}
			return ax + t*(bx-ax), ay + t*(by-ay)
		}
		n := len(buf) / 2
		if n == 0 {
			break
		}
		next = next[:0]
		for i := range n {
			j := (i + n - 1) % n
			ax, ay := buf[2*j], buf[2*j+1]
			bx, by := buf[2*i], buf[2*i+1]
			ain, bin := in(ax, ay), in(bx, by)
			if bin {
				if !ain {
					x, y := cut(ax, ay, bx, by)
					next = append(next, x, y)
				}
				next = append(next, bx, by)
			} else if ain {
				x, y := cut(ax, ay, bx, by)
				next = append(next, x, y)
			}
		}
		buf, next = next, buf
	}
	return buf, next
}

// ringArea is twice the signed area of the ring (shoelace, y down).
func ringArea(xy []float64) float64 {
	n := len(xy) / 2
	var a float64
	for i := range n {
		j := (i + 1) % n
		a += xy[2*i]*xy[2*j+1] - xy[2*j]*xy[2*i+1]
	}
	return a
}

// inRing reports whether x, y is inside the ring (crossing number).
func inRing(xy []float64, x, y float64) bool {
	n := len(xy) / 2
	in := false
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		xi, yi, xj, yj := xy[2*i], xy[2*i+1], xy[2*j], xy[2*j+1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

type box struct{ x0, y0, x1, y1 float64 }

func (b box) overlaps(o box) bool {
	return b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1
}

func (b box) contains(o box) bool {
	return b.x0 <= o.x0 && b.y0 <= o.y0 && b.x1 >= o.x1 && b.y1 >= o.y1
}

func ringBox(xy []float64) box {
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for i := 0; i+1 < len(xy); i += 2 {
		b.x0, b.x1 = min(b.x0, xy[i]), max(b.x1, xy[i])
		b.y0, b.y1 = min(b.y0, xy[i+1]), max(b.y1, xy[i+1])
	}
	return b
}

// nestingDepths returns for each ring how many of the other rings contain
// it. A ring counts as inside another when the majority of three sample
// points (first vertex, middle vertex, midpoint of the first edge) is, which
// tolerates rings that touch.
func nestingDepths(rings [][]float64) []int {
	boxes := make([]box, len(rings))
	for i, r := range rings {
		boxes[i] = ringBox(r)
	}
	depth := make([]int, len(rings))
	for i, r := range rings {
		n := len(r) / 2
		m := n / 2
		samples := [3][2]float64{
			{r[0], r[1]},
			{r[2*m], r[2*m+1]},
			{(r[0] + r[2]) / 2, (r[1] + r[3]) / 2},
		}
		for j, o := range rings {
			if i == j || !boxes[j].contains(boxes[i]) {
				continue
			}
			votes := 0
			for _, s := range samples {
				if inRing(o, s[0], s[1]) {
					votes++
				}
			}
			if votes >= 2 {
				depth[i]++
			}
		}
	}
	return depth
}
