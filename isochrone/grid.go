package isochrone

import (
	"fmt"
	"math"
)

// earthRadius is the WGS-84 mean radius in metres, used to turn a cell size
// in metres into degrees (graph.Haversine uses the same value).
const earthRadius = 6371008.8

// MaxCells caps the number of cells NewGrid will allocate (64 Mi cells,
// 256 MiB of float32).
const MaxCells = 1 << 26

// Grid is a regular raster of travel times in seconds over a lon/lat box.
//
// Cell (i, j) has its centre at (MinLon + i*DLon, MinLat + j*DLat): column i
// runs west to east, row j runs south to north, so row 0 is the southern
// edge. T is row-major: the time of cell (i, j) is T[j*W+i]. +Inf (and NaN)
// means not reached; cells outside the grid count as not reached too.
type Grid struct {
	MinLon, MinLat float64 // centre of cell (0, 0), the south-west cell, degrees
	DLon, DLat     float64 // cell size in degrees, > 0
	W, H           int     // columns (west-east), rows (south-north)
	T              []float32
}

// NewGrid returns a grid that covers the box [minLon, maxLon] x [minLat,
// maxLat] with cells of about cellMetres on a side at the box's mid latitude,
// all set to +Inf. The centre of cell (0, 0) is (minLon, minLat) and the last
// column and row reach maxLon and maxLat or just past them.
func NewGrid(minLon, minLat, maxLon, maxLat, cellMetres float64) (*Grid, error) {
	for _, v := range []float64{minLon, minLat, maxLon, maxLat, cellMetres} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("grid box %v,%v,%v,%v cell %v m: not finite", minLon, minLat, maxLon, maxLat, cellMetres)
		}
	}
	if minLat < -89 || maxLat > 89 || minLat > maxLat {
		return nil, fmt.Errorf("grid latitudes %v..%v: want -89 <= min <= max <= 89", minLat, maxLat)
	}
	if minLon > maxLon || maxLon-minLon > 360 {
		return nil, fmt.Errorf("grid longitudes %v..%v: want min <= max, at most 360 degrees apart", minLon, maxLon)
	}
	if cellMetres <= 0 {
		return nil, fmt.Errorf("grid cell size %v m: want > 0", cellMetres)
	}
	w, h := gridSize(minLon, minLat, maxLon, maxLat, cellMetres)
	dLat, dLon := cellDegrees(minLat, maxLat, cellMetres)
	if w*h > MaxCells {
		return nil, fmt.Errorf("grid of %.0fx%.0f cells of %v m: more than %d cells", w, h, cellMetres, MaxCells)
	}
	g := &Grid{MinLon: minLon, MinLat: minLat, DLon: dLon, DLat: dLat, W: int(w), H: int(h)}
	g.T = make([]float32, g.W*g.H)
	inf := float32(math.Inf(1))
	for k := range g.T {
		g.T[k] = inf
	}
	return g, nil
}

// Index returns the position of cell (i, j) in T, or -1 if it is outside.
func (g *Grid) Index(i, j int) int {
	if i < 0 || j < 0 || i >= g.W || j >= g.H {
		return -1
	}
	return j*g.W + i
}

// At returns the time of cell (i, j), +Inf outside the grid.
func (g *Grid) At(i, j int) float32 {
	k := g.Index(i, j)
	if k < 0 {
		return float32(math.Inf(1))
	}
	return g.T[k]
}

// Set sets the time of cell (i, j); it panics outside the grid.
func (g *Grid) Set(i, j int, t float32) {
	k := g.Index(i, j)
	if k < 0 {
		panic(fmt.Sprintf("isochrone: cell (%d, %d) outside %dx%d grid", i, j, g.W, g.H))
	}
	g.T[k] = t
}

// Lower sets T[k] to t if t is smaller (a NaN t is ignored) and reports
// whether it did; this is how a search writes times into the grid.
func (g *Grid) Lower(k int, t float32) bool {
	if t < g.T[k] || (g.T[k] != g.T[k] && t == t) {
		g.T[k] = t
		return true
	}
	return false
}

// Centre returns the lon/lat of the centre of cell (i, j).
func (g *Grid) Centre(i, j int) (lon, lat float64) {
	return g.MinLon + float64(i)*g.DLon, g.MinLat + float64(j)*g.DLat
}

// Cell returns the cell whose centre is nearest to (lon, lat) and whether
// that cell is inside the grid.
func (g *Grid) Cell(lon, lat float64) (i, j int, ok bool) {
	x := math.Floor((lon-g.MinLon)/g.DLon + 0.5)
	y := math.Floor((lat-g.MinLat)/g.DLat + 0.5)
	if !(x >= 0 && y >= 0 && x < float64(g.W) && y < float64(g.H)) {
		return -1, -1, false
	}
	return int(x), int(y), true
}

// cellDegrees is a cell's size in degrees of latitude and longitude.
func cellDegrees(minLat, maxLat, cellMetres float64) (dLat, dLon float64) {
	mid := (minLat + maxLat) / 2 * math.Pi / 180
	dLat = cellMetres / (earthRadius * math.Pi / 180)
	return dLat, dLat / math.Cos(mid)
}

// gridSize is the number of columns and rows NewGrid makes for a box.
func gridSize(minLon, minLat, maxLon, maxLat, cellMetres float64) (w, h float64) {
	dLat, dLon := cellDegrees(minLat, maxLat, cellMetres)
	w = math.Ceil((maxLon-minLon)/dLon-1e-9) + 1
	h = math.Ceil((maxLat-minLat)/dLat-1e-9) + 1
	return w, h
}
