package controllines

import (
	"math"
	"sync"

	"github.com/fastroad/fastroad/graph"
)

// eps is the geometric tolerance in metres: points closer than this to a
// boundary are on it, and pieces of road shorter than this are not
// classified.
const eps = 1e-6

// chunkEdges is the number of consecutive edges of a ring or line that
// share one bounding box.
const chunkEdges = 16

// Grid sizing: at most gridCells cells along the longer side of the layers'
// extent, cells no smaller than minCell metres; a feature whose box covers
// more than maxFeatCells cells is kept in a separate list instead.
const (
	gridCells    = 256
	minCell      = 100.0
	maxFeatCells = 256
)

// box is an axis-aligned rectangle in projected metres.
type box struct{ x0, y0, x1, y1 float64 }

func emptyBox() box { return box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

func (b *box) add(x, y float64) {
	b.x0, b.y0 = min(b.x0, x), min(b.y0, y)
	b.x1, b.y1 = max(b.x1, x), max(b.y1, y)
}

func (b *box) union(c box) {
	b.x0, b.y0 = min(b.x0, c.x0), min(b.y0, c.y0)
	b.x1, b.y1 = max(b.x1, c.x1), max(b.y1, c.y1)
}

func (b box) overlaps(c box) bool {
	return b.x0 <= c.x1 && c.x0 <= b.x1 && b.y0 <= c.y1 && c.y0 <= b.y1
}

func (b box) grow(d float64) box { return box{b.x0 - d, b.y0 - d, b.x1 + d, b.y1 + d} }

// proj is an equirectangular projection to metres around a reference
// point. It is affine in longitude and latitude, so where a straight
// lon/lat segment meets another (the parameters Check works with) does not
// depend on the reference; only the metre scale of the tolerances does.
type proj struct{ lon0, lat0, kx, ky float64 }

func newProj(lon0, lat0 float64) proj {
	const (
		a   = 6378137.0
		f   = 1 / 298.257223563
		e2  = f * (2 - f)
		rad = math.Pi / 180
	)
	s, c := math.Sincos(lat0 * rad)
	w := math.Sqrt(1 - e2*s*s)
	return proj{lon0: lon0, lat0: lat0, kx: a / w * c * rad, ky: a * (1 - e2) / (w * w * w) * rad}
}

func (p proj) xy(q graph.Point) (float64, float64) {
	return (q.Lon - p.lon0) * p.kx, (q.Lat - p.lat0) * p.ky
}

// valid reports whether q is a finite WGS-84 position.
func valid(q graph.Point) bool {
	return q.Lon >= -180 && q.Lon <= 180 && q.Lat >= -90 && q.Lat <= 90
}

// chunk is a run of edges: edge e joins vertex e and e+1 of Index.x, y.
type chunk struct {
	box
	e0, e1 int32
}

// feat is one Polygon or Line of one layer.
type feat struct {
	box
	kind        Kind
	line        bool
	layer, item int32
	r0, r1      int32 // Index.rings[r0:r1]
}

// ring is a closed ring of a polygon, or a line: Index.chunks[c0:c1].
type ring struct{ c0, c1 int32 }

// Index holds layers prepared for checking many routes: vertices projected
// to metres in flat slices, edges in chunks of chunkEdges with bounding
// boxes, and features in a uniform grid by bounding box. An Index is
// read-only after NewIndex; Check may run on it from several goroutines.
type Index struct {
	layers  []Layer
	p       proj
	x, y    []float64
	chunks  []chunk
	rings   []ring
	feats   []feat
	sources [NumKinds][]string

	// Grid of feature ids: cell (i, j) holds items[first[j*nx+i]:first[j*nx+i+1]].
	gx0, gy0, cell float64
	nx, ny         int
	first          []int32
	items          []int32
	big            []int32 // features too large for the grid

	pool *sync.Pool // of *checker: Check's scratch, an entry per feature
}

// NewIndex prepares layers for Check. It keeps a reference to the layers,
// which must not change while the Index is in use. Rings are closed if they
// are not; rings with fewer than 3 distinct positions, lines with fewer
// than 2, and anything with a position outside WGS-84 range are ignored.
// Layers of an invalid Kind are ignored.
func NewIndex(layers []Layer) *Index {
	ix := &Index{layers: layers, pool: new(sync.Pool)}
	// Reference point: centre of all valid positions.
	all := box{180, 90, -180, -90}
	for _, l := range layers {
		for _, pg := range l.Polygons {
			for _, r := range pg.Rings {
				for _, q := range r {
					if valid(q) {
						all.add(q.Lon, q.Lat)
					}
				}
			}
		}
		for _, ln := range l.Lines {
			for _, q := range ln.Points {
				if valid(q) {
					all.add(q.Lon, q.Lat)
				}
			}
		}
	}
	if all.x0 > all.x1 {
		all = box{}
	}
	ix.p = newProj((all.x0+all.x1)/2, (all.y0+all.y1)/2)
	nv, nr, nf := 0, 0, 0
	for _, l := range layers {
		nf += len(l.Polygons) + len(l.Lines)
		for _, pg := range l.Polygons {
			nr += len(pg.Rings)
			for _, r := range pg.Rings {
				nv += len(r) + 1
			}
		}
		nr += len(l.Lines)
		for _, ln := range l.Lines {
			nv += len(ln.Points)
		}
	}
	ix.x, ix.y = make([]float64, 0, nv), make([]float64, 0, nv)
	ix.chunks = make([]chunk, 0, nv/chunkEdges+nr)
	ix.rings, ix.feats = make([]ring, 0, nr), make([]feat, 0, nf)

	for li, l := range layers {
		if l.Kind >= NumKinds {
			continue
		}
		ix.sources[l.Kind] = append(ix.sources[l.Kind], l.Source)
		for pi, pg := range l.Polygons {
			f := feat{box: emptyBox(), kind: l.Kind, layer: int32(li), item: int32(pi), r0: int32(len(ix.rings))}
			for _, r := range pg.Rings {
				ix.addRing(r, true, &f.box)
			}
			f.r1 = int32(len(ix.rings))
			if f.r1 > f.r0 {
				ix.feats = append(ix.feats, f)
			}
		}
		for ni, ln := range l.Lines {
			f := feat{box: emptyBox(), kind: l.Kind, line: true, layer: int32(li), item: int32(ni), r0: int32(len(ix.rings))}
			ix.addRing(ln.Points, false, &f.box)
			f.r1 = int32(len(ix.rings))
			if f.r1 > f.r0 {
				ix.feats = append(ix.feats, f)
			}
		}
	}
	ix.buildGrid()
	return ix
}

// addRing projects pts and appends them as a ring (closed) or a line.
func (ix *Index) addRing(pts []graph.Point, closed bool, fb *box) {
	n := 0
	for _, q := range pts {
		if !valid(q) {
			return
		}
	}
	v0 := len(ix.x)
	var lx, ly float64
	for i, q := range pts {
		x, y := ix.p.xy(q)
		if i > 0 && x == lx && y == ly {
			continue
		}
		ix.x, ix.y = append(ix.x, x), append(ix.y, y)
		lx, ly = x, y
		n++
	}
	if closed && n > 1 && (ix.x[v0] != lx || ix.y[v0] != ly) {
		ix.x, ix.y = append(ix.x, ix.x[v0]), append(ix.y, ix.y[v0])
		n++
	}
	if closed && n < 4 || !closed && n < 2 {
		ix.x, ix.y = ix.x[:v0], ix.y[:v0]
		return
	}
	r := ring{c0: int32(len(ix.chunks))}
	v1 := v0 + n
	for e := v0; e < v1-1; e += chunkEdges {
		c := chunk{box: emptyBox(), e0: int32(e), e1: int32(min(e+chunkEdges, v1-1))}
		for v := e; v <= int(c.e1); v++ {
			c.add(ix.x[v], ix.y[v])
		}
		fb.union(c.box)
		ix.chunks = append(ix.chunks, c)
	}
	r.c1 = int32(len(ix.chunks))
	ix.rings = append(ix.rings, r)
}

// cellRange returns the grid cells b covers, clamped to the grid.
func (ix *Index) cellRange(b box) (i0, j0, i1, j1 int, ok bool) {
	if ix.nx == 0 {
		return 0, 0, 0, 0, false
	}
	fx0, fy0 := (b.x0-ix.gx0)/ix.cell, (b.y0-ix.gy0)/ix.cell
	fx1, fy1 := (b.x1-ix.gx0)/ix.cell, (b.y1-ix.gy0)/ix.cell
	if fx1 < 0 || fy1 < 0 || fx0 >= float64(ix.nx) || fy0 >= float64(ix.ny) {
		return 0, 0, 0, 0, false
	}
	i0, j0 = max(int(fx0), 0), max(int(fy0), 0)
	i1, j1 = min(int(fx1), ix.nx-1), min(int(fy1), ix.ny-1)
	return i0, j0, i1, j1, true
}

func (ix *Index) buildGrid() {
	if len(ix.feats) == 0 {
		return
	}
	ext := emptyBox()
	for i := range ix.feats {
		ext.union(ix.feats[i].box)
	}
	ext = ext.grow(eps)
	ix.cell = max(max(ext.x1-ext.x0, ext.y1-ext.y0)/gridCells, minCell)
	ix.gx0, ix.gy0 = ext.x0, ext.y0
	ix.nx = int((ext.x1-ext.x0)/ix.cell) + 1
	ix.ny = int((ext.y1-ext.y0)/ix.cell) + 1
	ix.first = make([]int32, ix.nx*ix.ny+1)
	inGrid := make([]bool, len(ix.feats))
	for pass := 0; pass < 2; pass++ {
		for fi := range ix.feats {
			i0, j0, i1, j1, ok := ix.cellRange(ix.feats[fi].grow(eps))
			if !ok {
				continue // cannot happen: the grid covers every feature
			}
			if pass == 0 {
				if (i1-i0+1)*(j1-j0+1) > maxFeatCells {
					ix.big = append(ix.big, int32(fi))
					continue
				}
				inGrid[fi] = true
			} else if !inGrid[fi] {
				continue
			}
			for j := j0; j <= j1; j++ {
				for i := i0; i <= i1; i++ {
					c := j*ix.nx + i
					if pass == 0 {
						ix.first[c+1]++
					} else {
						ix.items[ix.first[c]] = int32(fi)
						ix.first[c]++
					}
				}
			}
		}
		if pass == 0 {
			for c := 1; c < len(ix.first); c++ {
				ix.first[c] += ix.first[c-1]
			}
			ix.items = make([]int32, ix.first[len(ix.first)-1])
		} else {
			// first[c] now holds the end of cell c: shift back.
			copy(ix.first[1:], ix.first[:len(ix.first)-1])
			ix.first[0] = 0
		}
	}
}
