package isochrone

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Property keys WriteGeoJSON always sets.
const (
	PropMinutes = "minutes"
	PropAreaKm2 = "area_km2"
)

// WriteGeoJSON writes bands as a GeoJSON FeatureCollection (RFC 7946), one
// Feature per band in the given order, one Feature per line. The geometry is
// a Polygon when the band has one polygon and a MultiPolygon otherwise (with
// no coordinates when the band is empty). Properties are "minutes",
// "area_km2" (rounded to 0.001 km², measured before rounding coordinates)
// and whatever props(i) returns for band i (props may be nil); keys are
// sorted. Setting "minutes" or "area_km2" in props is an error.
//
// Coordinates are rounded to 6 decimals (about 0.1 m); a vertex that rounds
// onto its predecessor is dropped, and a ring left with fewer than 4
// positions is dropped (with its holes, if it is an outer ring). The output
// is byte-identical for identical input.
func WriteGeoJSON(w io.Writer, bands []Band, props func(i int) map[string]any) error {
	bw := bufio.NewWriter(w)
	var buf []byte
	buf = append(buf, `{"type":"FeatureCollection","features":[`...)
	for i, b := range bands {
		m := map[string]any{}
		if props != nil {
			for k, v := range props(i) {
				if k == PropMinutes || k == PropAreaKm2 {
					return fmt.Errorf("write geojson: properties of band %d set reserved key %q", i, k)
				}
				m[k] = v
			}
		}
		m[PropMinutes] = b.Minutes
		m[PropAreaKm2] = math.Round(b.AreaKm2()*1000) / 1000
		pj, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("write geojson: properties of band %d: %w", i, err)
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n"+`{"type":"Feature","properties":`...)
		buf = append(buf, pj...)
		buf = appendGeometry(append(buf, `,"geometry":`...), b.Polygons)
		buf = append(buf, '}')
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("write geojson: %w", err)
		}
		buf = buf[:0]
	}
	buf = append(buf, "\n]}\n"...)
	if _, err := bw.Write(buf); err != nil {
		return fmt.Errorf("write geojson: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write geojson: %w", err)
	}
	return nil
}

// appendGeometry appends the rounded polygons as a Polygon or MultiPolygon.
func appendGeometry(buf []byte, polys []Polygon) []byte {
	rounded := make([]Polygon, 0, len(polys))
	for _, p := range polys {
		if q := roundPolygon(p); q != nil {
			rounded = append(rounded, q)
		}
	}
	if len(rounded) == 1 {
		buf = append(buf, `{"type":"Polygon","coordinates":`...)
		buf = appendPolygon(buf, rounded[0])
		return append(buf, '}')
	}
	buf = append(buf, `{"type":"MultiPolygon","coordinates":[`...)
	for i, p := range rounded {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendPolygon(buf, p)
	}
	return append(buf, "]}"...)
}

func appendPolygon(buf []byte, p Polygon) []byte {
	buf = append(buf, '[')
	for i, r := range p {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		for k, q := range r {
			if k > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, '[')
			buf = appendMicro(buf, q[0])
			buf = append(buf, ',')
			buf = appendMicro(buf, q[1])
			buf = append(buf, ']')
		}
		buf = append(buf, ']')
	}
	return append(buf, ']')
}

// appendMicro appends x, a coordinate roundPolygon rounded to 6 decimals,
// as strconv.AppendFloat(buf, x, 'f', -1, 64) would (the shortest decimal
// that reads back as x, which for such a value is its 6-decimal form with
// trailing zeros cut), from integers instead of a float-to-decimal
// conversion; anything else (|x| >= 1e9, not finite) goes to AppendFloat.
func appendMicro(buf []byte, x float64) []byte {
	m := math.Round(x * 1e6)
	if !(math.Abs(x) < 1e9) || m/1e6 != x {
		return strconv.AppendFloat(buf, x, 'f', -1, 64)
	}
	n := int64(m)
	if n < 0 || math.Signbit(x) {
		buf = append(buf, '-')
		n = -n
	}
	buf = strconv.AppendInt(buf, n/1e6, 10)
	frac := n % 1e6
	if frac == 0 {
		return buf
	}
	var d [7]byte
	d[0] = '.'
	for i := 6; i >= 1; i-- {
		d[i] = byte('0' + frac%10)
		frac /= 10
	}
	end := 7
	for d[end-1] == '0' {
		end--
	}
	return append(buf, d[:end]...)
}

// roundPolygon rounds p's coordinates to 6 decimals, dropping repeated
// positions and rings that collapse; nil if the outer ring collapses.
func roundPolygon(p Polygon) Polygon {
	var out Polygon
	for i, r := range p {
		q := make([][2]float64, 0, len(r))
		for _, v := range r {
			v = [2]float64{round6(v[0]), round6(v[1])}
			if len(q) > 0 && q[len(q)-1] == v {
				continue
			}
			q = append(q, v)
		}
		if len(q) > 0 && q[0] != q[len(q)-1] {
			q = append(q, q[0])
		}
		if len(q) < 4 {
			if i == 0 {
				return nil
			}
			continue
		}
		out = append(out, q)
	}
	return out
}

// round6 rounds to 6 decimals; the result prints as its shortest form.
func round6(v float64) float64 {
	r := math.Round(v*1e6) / 1e6
	if r == 0 {
		return 0 // no "-0"
	}
	return r
}
