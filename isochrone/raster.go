package isochrone

import (
	"github.com/fastroad/fastroad/internal/geotiff"

	"bufio"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
)

// NoData marks unreached cells in written rasters.
const NoData = -9999

// WriteASC writes the grid as an ESRI ASCII grid of minutes (rows north to
// south, NoData for unreached) with square cells, as the format wants: one
// cellsize key, not GDAL's dx/dy extension that many readers refuse. Grid
// cells are about square in metres, so not in degrees (DLon = DLat /
// cos(latitude)); the written raster has cells of min(DLon, DLat) degrees
// and takes each value from the grid cell its centre falls in (nearest
// neighbour). Every grid cell is kept whole (the finer axis is split, not
// averaged); the extent is the grid's, grown east or north by less than one
// cell to a whole number of square cells. Write the .prj beside it with
// WritePRJ (see PRJName).
func WriteASC(w io.Writer, g *Grid) error {
	if g.W < 1 || g.H < 1 || len(g.T) != g.W*g.H || !(g.DLon > 0 && g.DLat > 0) {
		return fmt.Errorf("grid %dx%d with %d times and cells %v x %v degrees: want W, H >= 1, W*H times, sizes > 0", g.W, g.H, len(g.T), g.DLon, g.DLat)
	}
	sq := squareCells(g)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "ncols %d\nnrows %d\nxllcorner %.9f\nyllcorner %.9f\ncellsize %.12f\nNODATA_value %d\n",
		len(sq.col), len(sq.row), g.MinLon-g.DLon/2, g.MinLat-g.DLat/2, sq.size, NoData)
	var buf []byte
	for r := len(sq.row) - 1; r >= 0; r-- {
		buf = buf[:0]
		j := sq.row[r]
		for c, i := range sq.col {
			if c > 0 {
				buf = append(buf, ' ')
			}
			t := g.T[j*g.W+i]
			if math.IsInf(float64(t), 0) || math.IsNaN(float64(t)) {
				buf = strconv.AppendInt(buf, NoData, 10)
			} else {
				buf = strconv.AppendFloat(buf, float64(t)/60, 'f', 2, 32)
			}
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// squareGrid maps the square cells of a resampled raster to grid cells: col
// and row give, for each square column (west to east) and row (south to
// north), the grid column and row its centre falls in.
type squareGrid struct {
	size     float64 // degrees
	col, row []int
}

func squareCells(g *Grid) squareGrid {
	sq := squareGrid{size: math.Min(g.DLon, g.DLat)}
	axis := func(n int, d float64) []int {
		m := int(math.Ceil(float64(n)*d/sq.size - 1e-9))
		out := make([]int, m)
		for k := range out {
			// the centre of square cell k, in grid cells from the edge
			out[k] = min(int(math.Floor((float64(k)+0.5)*sq.size/d)), n-1)
		}
		return out
	}
	sq.col, sq.row = axis(g.W, g.DLon), axis(g.H, g.DLat)
	return sq
}

// PRJ is the WGS 84 (EPSG:4326) coordinate system in the ESRI WKT flavour
// that GDAL writes beside ESRI ASCII grids: what every grid this package
// writes is in.
const PRJ = `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`

// WritePRJ writes PRJ, the .prj file for a grid written by WriteASC or
// WriteGeoTIFF.
func WritePRJ(w io.Writer) error {
	_, err := io.WriteString(w, PRJ)
	return err
}

// PRJName returns the name of the .prj file that goes beside a grid file:
// name with its extension replaced by ".prj" ("iso.asc" -> "iso.prj").
func PRJName(name string) string {
	return strings.TrimSuffix(name, filepath.Ext(name)) + ".prj"
}

// WriteGeoTIFF writes the grid as a single-band float32 GeoTIFF of minutes
// in WGS-84 (EPSG:4326), deflate-compressed with the floating-point
// predictor, NoData for unreached cells (GDAL_NODATA tag).
func WriteGeoTIFF(w io.Writer, g *Grid) error {
	nd := float64(NoData)
	tg := geotiff.Grid{MinLon: g.MinLon, MinLat: g.MinLat, DLon: g.DLon, DLat: g.DLat, W: g.W, H: g.H}
	return geotiff.Write(w, tg, geotiff.Options{NoData: &nd}, func(j int, dst []float32) {
		for i, t := range g.T[j*g.W : (j+1)*g.W] {
			if math.IsInf(float64(t), 0) || math.IsNaN(float64(t)) {
				dst[i] = NoData
			} else {
				dst[i] = t / 60
			}
		}
	})
}
