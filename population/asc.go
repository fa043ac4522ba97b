package population

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ReadASC decodes an ESRI ASCII grid of residents per cell in EPSG:4326
// degrees: a header of ncols, nrows, xllcorner or xllcenter, yllcorner or
// yllcenter, cellsize (or GDAL's dx and dy) and optionally NODATA_value,
// keys in any case and order, then nrows rows of ncols numbers from north
// to south (all of them must be there). Only cells that overlap crop are
// kept (the zero Box keeps all); more than MaxCells of them is an error.
// Errors name the line and key.
func ReadASC(data []byte, crop Box) (*Raster, error) {
	hdr := map[string]float64{}
	pos, line := 0, 1
	for {
		// peek at the next line: header lines start with a letter
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data) - pos
		}
		ln := strings.TrimSpace(string(data[pos : pos+end]))
		if ln == "" {
			if pos+end >= len(data) {
				break
			}
			pos += end + 1
			line++
			continue
		}
		if c := ln[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			break
		}
		f := strings.Fields(ln)
		if len(f) != 2 {
			return nil, fmt.Errorf("line %d: header line %q: want KEY VALUE", line, ln)
		}
		key := strings.ToLower(f[0])
		switch key {
		case "ncols", "nrows", "xllcorner", "xllcenter", "yllcorner", "yllcenter", "cellsize", "dx", "dy", "nodata_value":
		default:
			return nil, fmt.Errorf("line %d: unknown header key %q (want ncols, nrows, xllcorner|xllcenter, yllcorner|yllcenter, cellsize or dx/dy, NODATA_value)", line, f[0])
		}
		if _, dup := hdr[key]; dup {
			return nil, fmt.Errorf("line %d: %s given twice", line, f[0])
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("line %d: %s %q is not a number", line, f[0], f[1])
		}
		hdr[key] = v
		pos += end + 1
		line++
		if pos >= len(data) {
			break
		}
	}
	need := func(k string) (float64, error) {
		v, ok := hdr[k]
		if !ok {
			return 0, fmt.Errorf("header has no %s", k)
		}
		return v, nil
	}
	nc, err := need("ncols")
	if err != nil {
		return nil, err
	}
	nr, err := need("nrows")
	if err != nil {
		return nil, err
	}
	if nc < 1 || nr < 1 || nc != math.Trunc(nc) || nr != math.Trunc(nr) || nc > 1<<30 || nr > 1<<30 {
		return nil, fmt.Errorf("ncols %v, nrows %v: want whole numbers from 1 to 2^30", nc, nr)
	}
	dx, okx := hdr["dx"]
	dy, oky := hdr["dy"]
	if cs, ok := hdr["cellsize"]; ok {
		if okx || oky {
			return nil, fmt.Errorf("header has both cellsize and dx/dy: give one")
		}
		dx, dy = cs, cs
	} else if !okx || !oky {
		return nil, fmt.Errorf("header has no cellsize (nor dx and dy)")
	}
	if !(dx > 0 && dx < 10 && dy > 0 && dy < 10) {
		return nil, fmt.Errorf("cell size %v x %v: want 0 to 10 degrees (EPSG:4326)", dx, dy)
	}
	var x0, yll float64
	_, xc := hdr["xllcorner"]
	_, xm := hdr["xllcenter"]
	_, yc := hdr["yllcorner"]
	_, ym := hdr["yllcenter"]
	switch {
	case xc && !xm:
		x0 = hdr["xllcorner"]
	case xm && !xc:
		x0 = hdr["xllcenter"] - dx/2
	default:
		return nil, fmt.Errorf("header needs exactly one of xllcorner and xllcenter")
	}
	switch {
	case yc && !ym:
		yll = hdr["yllcorner"]
	case ym && !yc:
		yll = hdr["yllcenter"] - dy/2
	default:
		return nil, fmt.Errorf("header needs exactly one of yllcorner and yllcenter")
	}
	w, h := int(nc), int(nr)
	y0 := yll + float64(h)*dy
	if !(x0 >= -540 && x0 <= 540 && yll >= -100 && y0 <= 100) {
		return nil, fmt.Errorf("grid corner %v,%v: not lon/lat degrees (EPSG:4326 wanted)", x0, yll)
	}
	// every value takes at least one character and a separator: refuse a
	// header that promises more values than the file can hold before
	// allocating for them
	if uint64(len(data)-pos)+1 < 2*uint64(w)*uint64(h) {
		return nil, fmt.Errorf("header promises %dx%d values but the file has only %d bytes after it", w, h, len(data)-pos)
	}
	nodata, hasNoData := hdr["nodata_value"]
	c0, c1, r0, r1 := crop.window(x0, y0, dx, dy, w, h)
	if uint64(c1-c0)*uint64(r1-r0) > MaxCells {
		return nil, fmt.Errorf("%dx%d cells inside the region: more than %d; crop the file or use larger cells", c1-c0, r1-r0, MaxCells)
	}
	out := newRasterTopDown(x0+float64(c0)*dx, y0-float64(r0)*dy, dx, dy, c1-c0, r1-r0)
	// values, row by row from the north
	row, col := 0, 0
	for row < h && pos < len(data) {
		c := data[pos]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			if c == '\n' {
				line++
			}
			pos++
			continue
		}
		start := pos
		for pos < len(data) && !(data[pos] == ' ' || data[pos] == '\t' || data[pos] == '\r' || data[pos] == '\n') {
			pos++
		}
		if row >= r0 && col >= c0 && col < c1 {
			tok := data[start:pos]
			v, err := strconv.ParseFloat(string(tok), 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: value %q (row %d, column %d) is not a number", line, tok, row+1, col+1)
			}
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("line %d: value %q (row %d, column %d) is not finite", line, tok, row+1, col+1)
			}
			out.setTop(row-r0, col-c0, v, nodata, hasNoData)
		}
		col++
		if col == w {
			col, row = 0, row+1
		}
	}
	if row < h {
		return nil, fmt.Errorf("line %d: grid ends after %d of %d rows (want %d values per row)", line, row, h, w)
	}
	return out, nil
}
