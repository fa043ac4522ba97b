package population

import (
	"math"
)

// Raster is a grid of residents per cell read from a planner's file, laid
// out like Surface: (MinLon, MinLat) is the centre of the south-west cell,
// row 0 is the southern edge, Val is row-major. Cells holding the file's
// nodata value (or NaN) have Valid false and Val 0.
type Raster struct {
	MinLon, MinLat float64
	DLon, DLat     float64
	W, H           int
	Val            []float32
	Valid          []bool
}

// Box is a lon/lat box: minLon, minLat, maxLon, maxLat. The zero Box means
// no crop.
type Box [4]float64

func (b Box) zero() bool { return b == Box{} }

// window returns the columns [c0, c1) and rows [r0, r1) (counted from the
// top when topDown) of a raster whose top-left corner is (x0, y0) with cell
// sizes dx, dy that overlap b, or the whole raster for a zero box.
func (b Box) window(x0, y0, dx, dy float64, w, h int) (c0, c1, r0, r1 int) {
	if b.zero() {
		return 0, w, 0, h
	}
	c0 = clampInt(math.Floor((b[0]-x0)/dx), 0, w)
	c1 = clampInt(math.Ceil((b[2]-x0)/dx), 0, w)
	r0 = clampInt(math.Floor((y0-b[3])/dy), 0, h)
	r1 = clampInt(math.Ceil((y0-b[1])/dy), 0, h)
	if c1 < c0 {
		c1 = c0
	}
	if r1 < r0 {
		r1 = r0
	}
	return
}

func clampInt(v float64, lo, hi int) int {
	if !(v >= float64(lo)) {
		return lo
	}
	if v > float64(hi) {
		return hi
	}
	return int(v)
}

// newRasterTopDown makes a Raster for a w×h window whose top-left corner is
// (x0, y0); rows are then stored with set(rowFromTop, col, v).
func newRasterTopDown(x0, y0, dx, dy float64, w, h int) *Raster {
	return &Raster{MinLon: x0 + dx/2, MinLat: y0 - (float64(h)-0.5)*dy, DLon: dx, DLat: dy, W: w, H: h,
		Val: make([]float32, w*h), Valid: make([]bool, w*h)}
}

// setTop stores value v of row r counted from the top (north).
func (r *Raster) setTop(row, col int, v float64, nodata float64, hasNoData bool) {
	k := (r.H-1-row)*r.W + col
	if math.IsNaN(v) || (hasNoData && (v == nodata || float32(v) == float32(nodata))) {
		return
	}
	r.Val[k] = float32(v)
	r.Valid[k] = true
}
