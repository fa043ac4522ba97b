package population

import (
	"fmt"
	"math"
	"slices"
)

// earthRadius is the WGS-84 mean radius in metres (as isochrone and graph use).
const earthRadius = 6371008.8

// MaxCells caps the cells of a surface (and of a raster read into one):
// 64 Mi cells, 256 MiB of float32, the same cap as isochrone.MaxCells.
const MaxCells = 1 << 26

// DefaultCellMetres is the default surface cell size (issue 7: 250 m).
const DefaultCellMetres = 250

// Surface is residents per cell on a regular lon/lat grid (EPSG:4326) laid
// out as isochrone.Grid: cell (i, j) has its centre at (MinLon + i*DLon,
// MinLat + j*DLat), row 0 is the southern edge, Pop is row-major.
type Surface struct {
	MinLon, MinLat float64 // centre of the south-west cell, degrees
	DLon, DLat     float64 // cell size in degrees, > 0
	W, H           int
	Pop            []float32 // residents per cell, >= 0
	// Source is, per cell, the index in Sources of the source whose area
	// covers the cell, or -1 when none does.
	Source []int16
	// Estimate marks cells whose residents are per-class defaults (no
	// total existed for their area): every figure drawn from them is an
	// estimate.
	Estimate []bool
	Sources  []SourceReport
}

// NewSurface returns an empty surface over the box with cells of about
// cellMetres at the box's mid latitude, as isochrone.NewGrid lays them out.
func NewSurface(minLon, minLat, maxLon, maxLat, cellMetres float64) (*Surface, error) {
	for _, v := range []float64{minLon, minLat, maxLon, maxLat, cellMetres} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("surface box %v,%v,%v,%v cell %v m: not finite", minLon, minLat, maxLon, maxLat, cellMetres)
		}
	}
	if minLat < -89 || maxLat > 89 || minLat > maxLat {
		return nil, fmt.Errorf("surface latitudes %v..%v: want -89 <= min <= max <= 89", minLat, maxLat)
	}
	if minLon < -180 || maxLon > 180 || minLon > maxLon {
		return nil, fmt.Errorf("surface longitudes %v..%v: want -180 <= min <= max <= 180", minLon, maxLon)
	}
	if cellMetres < 10 || cellMetres > 100000 {
		return nil, fmt.Errorf("surface cell size %v m: want 10 to 100000", cellMetres)
	}
	mid := (minLat + maxLat) / 2 * math.Pi / 180
	dLat := cellMetres / (earthRadius * math.Pi / 180)
	dLon := dLat / math.Cos(mid)
	w := math.Ceil((maxLon-minLon)/dLon-1e-9) + 1
	h := math.Ceil((maxLat-minLat)/dLat-1e-9) + 1
	if w*h > MaxCells {
		return nil, fmt.Errorf("surface of %.0fx%.0f cells of %v m: more than %d cells; use larger cells", w, h, cellMetres, MaxCells)
	}
	return newSurface(minLon, minLat, dLon, dLat, int(w), int(h)), nil
}

func newSurface(minLon, minLat, dLon, dLat float64, w, h int) *Surface {
	s := &Surface{MinLon: minLon, MinLat: minLat, DLon: dLon, DLat: dLat, W: w, H: h,
		Pop: make([]float32, w*h), Source: make([]int16, w*h), Estimate: make([]bool, w*h)}
	for k := range s.Source {
		s.Source[k] = -1
	}
	return s
}

// Total returns the sum of Pop.
func (s *Surface) Total() float64 {
	t := 0.0
	for _, v := range s.Pop {
		t += float64(v)
	}
	return t
}

// Cell returns the cell that contains (lon, lat) and whether it is inside.
func (s *Surface) Cell(lon, lat float64) (i, j int, ok bool) {
	x := math.Floor((lon-s.MinLon)/s.DLon + 0.5)
	y := math.Floor((lat-s.MinLat)/s.DLat + 0.5)
	if !(x >= 0 && y >= 0 && x < float64(s.W) && y < float64(s.H)) {
		return -1, -1, false
	}
	return int(x), int(y), true
}

// Centre returns the centre of cell (i, j).
func (s *Surface) Centre(i, j int) (lon, lat float64) {
	return s.MinLon + float64(i)*s.DLon, s.MinLat + float64(j)*s.DLat
}

// CellKm2 returns the area of a cell of row j in km² (on a sphere of the
// WGS-84 mean radius).
func (s *Surface) CellKm2(j int) float64 {
	lat := s.MinLat + float64(j)*s.DLat
	r := math.Pi / 180
	a := earthRadius * earthRadius * s.DLon * r * (math.Sin((lat+s.DLat/2)*r) - math.Sin((lat-s.DLat/2)*r))
	return a / 1e6
}

// Bounds returns the outer edges of the surface: minLon, minLat, maxLon, maxLat.
func (s *Surface) Bounds() [4]float64 {
	return [4]float64{s.MinLon - s.DLon/2, s.MinLat - s.DLat/2,
		s.MinLon + (float64(s.W)-0.5)*s.DLon, s.MinLat + (float64(s.H)-0.5)*s.DLat}
}

// Resample returns the residents per cell of another grid (cell centres
// and sizes as isochrone.Grid: minLon/minLat the centre of its south-west
// cell), each surface cell's residents shared among the target cells it
// overlaps in proportion to the overlap (in degrees², residents taken as
// even within a cell). The total inside the overlap is conserved; what
// falls outside the target grid is left out (see ResampleOutside).
func (s *Surface) Resample(minLon, minLat, dLon, dLat float64, w, h int) []float32 {
	out, _ := s.ResampleOutside(minLon, minLat, dLon, dLat, w, h)
	return out
}

// ResampleOutside is Resample that also returns the residents that fall
// outside the target grid. It panics on a grid with w, h < 1 or cell sizes
// that are not positive.
func (s *Surface) ResampleOutside(minLon, minLat, dLon, dLat float64, w, h int) ([]float32, float64) {
	if w < 1 || h < 1 || !(dLon > 0) || !(dLat > 0) {
		panic(fmt.Sprintf("population: resample to %dx%d grid of %vx%v degrees", w, h, dLon, dLat))
	}
	acc := make([]float64, w*h)
	m := &mapping{
		cols: overlaps(s.MinLon, s.DLon, s.W, minLon, dLon, w),
		rows: overlaps(s.MinLat, s.DLat, s.H, minLat, dLat, h),
		w:    w,
	}
	outside := 0.0
	for j := 0; j < s.H; j++ {
		row := s.Pop[j*s.W : (j+1)*s.W]
		for i, v := range row {
			if v != 0 {
				outside += m.spread(acc, i, j, float64(v))
			}
		}
	}
	out := make([]float32, len(acc))
	for k, v := range acc {
		out[k] = float32(v)
	}
	// The shares outside sum to a rounding error below zero when nothing is
	// outside (a log said "-0 residents outside").
	return out, max(outside, 0)
}

// span lists, for each source column (or row), the target columns it
// overlaps with the share of the source cell in each, CSR style:
// targets of source i are idx[start[i]:start[i+1]].
type span struct {
	start []int32
	idx   []int32
	frac  []float64
	in    []float64 // share of source cell i inside the target axis
}

// overlaps computes the span of n source cells (first centre srcMin, size
// srcD) over m target cells (first centre dstMin, size dstD) on one axis.
func overlaps(srcMin, srcD float64, n int, dstMin, dstD float64, m int) span {
	sp := span{start: make([]int32, n+1), in: make([]float64, n)}
	for i := 0; i < n; i++ {
		sp.start[i] = int32(len(sp.idx))
		a := srcMin + (float64(i)-0.5)*srcD
		b := a + srcD
		// target cell t spans [dstMin+(t-0.5)dstD, dstMin+(t+0.5)dstD]
		t0 := int(math.Floor((a-dstMin)/dstD + 0.5))
		t1 := int(math.Floor((b-dstMin)/dstD + 0.5))
		t0 = max(t0, 0)
		t1 = min(t1, m-1)
		for t := t0; t <= t1; t++ {
			lo := max(a, dstMin+(float64(t)-0.5)*dstD)
			hi := min(b, dstMin+(float64(t)+0.5)*dstD)
			if hi <= lo {
				continue
			}
			f := (hi - lo) / srcD
			sp.idx = append(sp.idx, int32(t))
			sp.frac = append(sp.frac, f)
			sp.in[i] += f
		}
	}
	sp.start[n] = int32(len(sp.idx))
	return sp
}

// mapping spreads source cells over a target grid.
type mapping struct {
	cols, rows span
	w          int
}

// spread adds v of source cell (i, j) to acc and returns the part that
// falls outside the target grid.
func (m *mapping) spread(acc []float64, i, j int, v float64) float64 {
	in := 0.0
	for a := m.rows.start[j]; a < m.rows.start[j+1]; a++ {
		fy := m.rows.frac[a] * v
		base := int(m.rows.idx[a]) * m.w
		for b := m.cols.start[i]; b < m.cols.start[i+1]; b++ {
			d := fy * m.cols.frac[b]
			acc[base+int(m.cols.idx[b])] += d
			in += d
		}
	}
	return v - in
}

// fillSpans calls fn(j, i0, i1) for every run of cells i0..i1 (inclusive)
// of row j, jlo <= j <= jhi, of a grid with cell centres (minLon + i*dLon,
// minLat + j*dLat) whose centres lie inside mp (even-odd over all rings, so
// holes are left out); columns are not clamped. A scanline fill: per row,
// the crossings of every edge with the row's centre line are sorted and the
// runs between pairs reported; O(edges × rows spanned).
func fillSpans(mp MultiPolygon, minLon, minLat, dLon, dLat float64, jlo, jhi int, fn func(j, i0, i1 int)) {
	var xs []float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, poly := range mp {
		for _, r := range poly {
			for _, p := range r {
				lo = min(lo, p[1])
				hi = max(hi, p[1])
			}
		}
	}
	if !(lo <= hi) {
		return
	}
	j0 := max(jlo, int(math.Ceil((lo-minLat)/dLat)))
	j1 := min(jhi, int(math.Floor((hi-minLat)/dLat)))
	for j := j0; j <= j1; j++ {
		y := minLat + float64(j)*dLat
		xs = xs[:0]
		for _, poly := range mp {
			for _, r := range poly {
				n := len(r)
				for e := 0; e < n; e++ {
					a, b := r[e], r[(e+1)%n]
					// half-open rule: an edge counts when y is in [min, max)
					if (a[1] <= y) != (b[1] <= y) {
						xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
					}
				}
			}
		}
		if len(xs) < 2 {
			continue
		}
		slices.Sort(xs)
		for p := 0; p+1 < len(xs); p += 2 {
			i0 := int(math.Ceil((xs[p] - minLon) / dLon))
			i1 := int(math.Ceil((xs[p+1]-minLon)/dLon)) - 1
			if i0 <= i1 {
				fn(j, i0, i1)
			}
		}
	}
}

// fillMulti calls fn for every cell of a w×h grid whose centre lies inside mp.
func fillMulti(mp MultiPolygon, minLon, minLat, dLon, dLat float64, w, h int, fn func(k int)) {
	fillSpans(mp, minLon, minLat, dLon, dLat, 0, h-1, func(j, i0, i1 int) {
		for i := max(i0, 0); i <= min(i1, w-1); i++ {
			fn(j*w + i)
		}
	})
}

// fill calls fn for every surface cell whose centre is inside mp.
func (s *Surface) fill(mp MultiPolygon, fn func(k int)) {
	fillMulti(mp, s.MinLon, s.MinLat, s.DLon, s.DLat, s.W, s.H, fn)
}

// cellsOf returns the surface cells whose centres lie inside mp and the
// number of cells of the same lattice inside mp but outside the surface.
func (s *Surface) cellsOf(mp MultiPolygon, cells []int32) ([]int32, int) {
	outside := 0
	fillSpans(mp, s.MinLon, s.MinLat, s.DLon, s.DLat, math.MinInt32, math.MaxInt32, func(j, i0, i1 int) {
		n := i1 - i0 + 1
		if j < 0 || j >= s.H {
			outside += n
			return
		}
		a, b := max(i0, 0), min(i1, s.W-1)
		for i := a; i <= b; i++ {
			cells = append(cells, int32(j*s.W+i))
		}
		if b >= a {
			outside += n - (b - a + 1)
		} else {
			outside += n
		}
	})
	return cells, outside
}
