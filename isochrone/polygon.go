package isochrone

import (
	"math"
)

// authalicRadius is the radius in km of the sphere with the WGS-84
// ellipsoid's surface area.
const authalicRadius = 6371.0072

// Polygon is one polygon as GeoJSON has it: rings of [lon, lat] in degrees,
// ring 0 the outer ring (counter-clockwise), the rest holes (clockwise),
// every ring closed (first position == last) with at least 4 positions.
type Polygon [][][2]float64

// Band is the area reachable within Minutes: a point is in the band when it
// is inside one of the polygons and not in one of that polygon's holes.
type Band struct {
	Minutes  float64
	Polygons []Polygon
}

// AreaKm2 returns the area of p in square kilometres, holes subtracted,
// whatever the rings' orientation. Each ring's area is its planar area in
// Lambert's cylindrical equal-area projection (x = R*lon, y = R*sin(lat)) on
// the authalic sphere, which is the spherical area of the ring with its edges
// drawn as straight lines in that projection: within 0.3% of the ellipsoidal
// area, and for the short edges of a contour the edge shape does not matter.
func AreaKm2(p Polygon) float64 {
	if len(p) == 0 {
		return 0
	}
	a := math.Abs(ringArea(p[0]))
	for _, h := range p[1:] {
		a -= math.Abs(ringArea(h))
	}
	return a
}

// AreaKm2 returns the total area of the band's polygons in square kilometres.
func (b Band) AreaKm2() float64 {
	a := 0.0
	for _, p := range b.Polygons {
		a += AreaKm2(p)
	}
	return a
}

// ringArea returns the signed area of r in km², positive counter-clockwise.
func ringArea(r [][2]float64) float64 {
	if len(r) < 3 {
		return 0
	}
	const rad = math.Pi / 180
	lon0 := r[0][0]
	s := 0.0
	px, py := 0.0, math.Sin(r[0][1]*rad)
	for _, q := range r[1:] {
		x, y := (q[0]-lon0)*rad, math.Sin(q[1]*rad)
		s += px*y - x*py
		px, py = x, y
	}
	// Close the ring if the caller did not.
	x, y := 0.0, math.Sin(r[0][1]*rad)
	s += px*y - x*py
	return s / 2 * authalicRadius * authalicRadius
}

// Contains reports whether (lon, lat) lies in the band (even-odd rule over
// all rings, which for nested, disjoint rings is the same thing). A point
// exactly on a boundary may come out either way. It costs O(vertices); for
// many points use a Locator.
func (b Band) Contains(lon, lat float64) bool {
	in := false
	for _, p := range b.Polygons {
		for _, r := range p {
			for k := 1; k < len(r); k++ {
				if crosses(r[k-1], r[k], lon, lat) {
					in = !in
				}
			}
		}
	}
	return in
}

// crosses reports whether the edge a-b crosses the ray east of (lon, lat),
// counting an edge's lower end and not its upper end.
func crosses(a, b [2]float64, lon, lat float64) bool {
	if (a[1] > lat) == (b[1] > lat) {
		return false
	}
	x := a[0] + (lat-a[1])*(b[0]-a[0])/(b[1]-a[1])
	return lon < x
}

// Locator answers Contains for one band in about O(sqrt(vertices)) per point:
// the band's edges are bucketed into horizontal strips. It gives the same
// answers as Band.Contains.
type Locator struct {
	minLon, maxLon float64
	minLat, maxLat float64
	scale          float64 // strip = floor((lat - minLat) * scale), clamped
	start          []int32 // edges of strip s are edges[start[s]:start[s+1]]
	edges          [][2][2]float64
}

// NewLocator indexes b's edges. The band must not change afterwards.
func NewLocator(b Band) *Locator {
	l := &Locator{minLon: math.Inf(1), maxLon: math.Inf(-1), minLat: math.Inf(1), maxLat: math.Inf(-1)}
	n, height := 0, 0.0
	for _, p := range b.Polygons {
		for _, r := range p {
			for k, q := range r {
				l.minLon, l.maxLon = math.Min(l.minLon, q[0]), math.Max(l.maxLon, q[0])
				l.minLat, l.maxLat = math.Min(l.minLat, q[1]), math.Max(l.maxLat, q[1])
				if k > 0 {
					n++
					height += math.Abs(q[1] - r[k-1][1])
				}
			}
		}
	}
	if n == 0 || !(l.maxLat > l.minLat) {
		l.start = []int32{0, 0}
		l.scale = 0
		return l
	}
	// Strips about as tall as an average edge: each edge lands in one or two.
	strips := 1
	if height > 0 {
		strips = int(math.Min(float64(n), math.Max(1, (l.maxLat-l.minLat)/(height/float64(n)))))
	}
	l.scale = float64(strips) / (l.maxLat - l.minLat)
	count := make([]int32, strips+1)
	each := func(fn func(s int, e [2][2]float64)) {
		for _, p := range b.Polygons {
			for _, r := range p {
				for k := 1; k < len(r); k++ {
					a, c := r[k-1], r[k]
					if a[1] == c[1] {
						continue // never crosses a horizontal ray
					}
					lo, hi := l.strip(math.Min(a[1], c[1]), strips), l.strip(math.Max(a[1], c[1]), strips)
					for s := lo; s <= hi; s++ {
						fn(s, [2][2]float64{a, c})
					}
				}
			}
		}
	}
	each(func(s int, _ [2][2]float64) { count[s+1]++ })
	for s := 1; s <= strips; s++ {
		count[s] += count[s-1]
	}
	l.start = count
	l.edges = make([][2][2]float64, count[strips])
	fill := make([]int32, strips)
	copy(fill, count[:strips])
	each(func(s int, e [2][2]float64) {
		l.edges[fill[s]] = e
		fill[s]++
	})
	return l
}

func (l *Locator) strip(lat float64, strips int) int {
	s := int(math.Floor((lat - l.minLat) * l.scale))
	return min(max(s, 0), strips-1)
}

// Contains reports whether (lon, lat) lies in the band, as Band.Contains.
func (l *Locator) Contains(lon, lat float64) bool {
	if !(lon >= l.minLon && lon <= l.maxLon && lat >= l.minLat && lat < l.maxLat) || l.scale == 0 {
		return false
	}
	s := l.strip(lat, len(l.start)-1)
	in := false
	for _, e := range l.edges[l.start[s]:l.start[s+1]] {
		if crosses(e[0], e[1], lon, lat) {
			in = !in
		}
	}
	return in
}
