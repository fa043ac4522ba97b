package isochrone

import (
	"bufio"
	"encoding/binary"
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
// in WGS-84 (EPSG:4326), uncompressed, one strip per row, NoData for
// unreached cells (GDAL_NODATA tag).
func WriteGeoTIFF(w io.Writer, g *Grid) error {
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // inline when <= 4 bytes, else written after the IFD
	}
	le := binary.LittleEndian
	u16 := func(vs ...uint16) []byte {
		b := make([]byte, 2*len(vs))
		for i, v := range vs {
			le.PutUint16(b[2*i:], v)
		}
		return b
	}
	u32 := func(vs ...uint32) []byte {
		b := make([]byte, 4*len(vs))
		for i, v := range vs {
			le.PutUint32(b[4*i:], v)
		}
		return b
	}
	f64 := func(vs ...float64) []byte {
		b := make([]byte, 8*len(vs))
		for i, v := range vs {
			le.PutUint64(b[8*i:], math.Float64bits(v))
		}
		return b
	}
	const (
		tShort, tLong, tDouble, tASCII = 3, 4, 12, 2
	)
	rowBytes := uint32(4 * g.W)
	stripOffsets := make([]uint32, g.H)
	stripCounts := make([]uint32, g.H)
	for j := range stripCounts {
		stripCounts[j] = rowBytes
	}
	nodata := []byte(strconv.Itoa(NoData) + "\x00")
	geoKeys := u16(1, 1, 0, 3, // version 1.1.0, 3 keys
		1024, 0, 1, 2, // GTModelTypeGeoKey = geographic
		1025, 0, 1, 1, // GTRasterTypeGeoKey = PixelIsArea
		2048, 0, 1, 4326) // GeographicTypeGeoKey = WGS 84
	entries := []entry{
		{256, tLong, 1, u32(uint32(g.W))},
		{257, tLong, 1, u32(uint32(g.H))},
		{258, tShort, 1, u16(32)},
		{259, tShort, 1, u16(1)},
		{262, tShort, 1, u16(1)},
		{273, tLong, uint32(g.H), nil}, // strip offsets, filled below
		{277, tShort, 1, u16(1)},
		{278, tLong, 1, u32(1)},
		{279, tLong, uint32(g.H), u32(stripCounts...)},
		{284, tShort, 1, u16(1)},
		{339, tShort, 1, u16(3)}, // IEEE float
		{33550, tDouble, 3, f64(g.DLon, g.DLat, 0)},
		{33922, tDouble, 6, f64(0, 0, 0, g.MinLon-g.DLon/2, g.MinLat+(float64(g.H)-0.5)*g.DLat, 0)},
		{34735, tShort, uint32(len(geoKeys) / 2), geoKeys},
		{42113, tASCII, uint32(len(nodata)), nodata},
	}
	// Layout: header (8) | IFD | out-of-line values | pixel rows.
	ifdSize := uint32(2 + 12*len(entries) + 4)
	off := 8 + ifdSize
	offsets := make([]uint32, len(entries))
	for i := range entries {
		n := uint32(len(entries[i].value))
		if entries[i].tag == 273 {
			n = 4 * uint32(g.H)
		}
		if n > 4 {
			offsets[i] = off
			off += n + n%2
		}
	}
	for j := range stripOffsets {
		// row 0 of the image is the northern edge
		stripOffsets[j] = off + uint32(j)*rowBytes
	}
	for i := range entries {
		if entries[i].tag == 273 {
			entries[i].value = u32(stripOffsets...)
		}
	}
	if uint64(off)+uint64(rowBytes)*uint64(g.H) > math.MaxUint32 {
		return fmt.Errorf("grid of %dx%d cells is too large for a classic TIFF", g.W, g.H)
	}
	bw := bufio.NewWriter(w)
	bw.Write([]byte{'I', 'I', 42, 0})
	bw.Write(u32(8))
	bw.Write(u16(uint16(len(entries))))
	for i, e := range entries {
		bw.Write(u16(e.tag, e.typ))
		bw.Write(u32(e.count))
		if len(e.value) > 4 {
			bw.Write(u32(offsets[i]))
		} else {
			v := append(append([]byte(nil), e.value...), 0, 0, 0, 0)
			bw.Write(v[:4])
		}
	}
	bw.Write(u32(0)) // no next IFD
	for _, e := range entries {
		if len(e.value) > 4 {
			bw.Write(e.value)
			if len(e.value)%2 == 1 {
				bw.WriteByte(0)
			}
		}
	}
	row := make([]byte, rowBytes)
	for j := g.H - 1; j >= 0; j-- {
		for i := 0; i < g.W; i++ {
			t := float64(g.T[j*g.W+i])
			v := float32(NoData)
			if !math.IsInf(t, 0) && !math.IsNaN(t) {
				v = float32(t / 60)
			}
			le.PutUint32(row[4*i:], math.Float32bits(v))
		}
		if _, err := bw.Write(row); err != nil {
			return err
		}
	}
	return bw.Flush()
}
