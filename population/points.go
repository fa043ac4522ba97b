package population

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fastroad/fastroad/crs"
)

// MaxResidents is the largest population one point or polygon may carry
// (100 million: more than any city or county; a larger figure is a typo).
const MaxResidents = 1e8

// Point is one row of a planner's points CSV: residents at a place.
type Point struct {
	Lon, Lat float64 // WGS-84 (converted from the file's crs)
	Pop      float64
	Name     string
	Line     int // line in the file
}

// ParsePoints reads a points CSV: a header with lon, lat and population
// (any order, any case; name and crs optional, other columns ignored), then
// one row per place. Coordinates are in sys unless a row's crs column says
// wgs84, gcj02 or bd09. Population must be a number from 0 to
// MaxResidents. Errors name the file, line and column; duplicate names come
// back as warnings.
func ParsePoints(file string, data []byte, sys crs.System) (pts []Point, warnings []string, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%s: empty file, want a header lon,lat,population[,name][,crs]", file)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	col := map[string]int{}
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[k]; dup && k != "" {
			return nil, nil, fmt.Errorf("%s:1: column %q given twice", file, h)
		}
		col[k] = i
	}
	for _, k := range []string{"lon", "lat", "population"} {
		if _, ok := col[k]; !ok {
			return nil, nil, fmt.Errorf("%s:1: header has no %q column (want lon,lat,population[,name][,crs]; got %s)", file, k, strings.Join(header, ","))
		}
	}
	seen := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		get := func(k string) (string, bool) {
			i, ok := col[k]
			if !ok || i >= len(rec) {
				return "", false
			}
			return strings.TrimSpace(rec[i]), true
		}
		num := func(k string, lo, hi float64) (float64, error) {
			s, ok := get(k)
			if !ok {
				return 0, fmt.Errorf("%s:%d: missing %s value", file, line, k)
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || v < lo || v > hi {
				return 0, fmt.Errorf("%s:%d: column %s: %q: want a number from %g to %g", file, line, k, s, lo, hi)
			}
			return v, nil
		}
		p := Point{Line: line}
		if p.Lon, err = num("lon", -180, 180); err != nil {
			return nil, nil, err
		}
		if p.Lat, err = num("lat", -90, 90); err != nil {
			return nil, nil, err
		}
		if p.Pop, err = num("population", 0, MaxResidents); err != nil {
			return nil, nil, err
		}
		rowSys := sys
		if s, ok := get("crs"); ok && s != "" {
			if rowSys, err = crs.ParseSystem(s); err != nil {
				return nil, nil, fmt.Errorf("%s:%d: column crs: %w", file, line, err)
			}
		}
		p.Lon, p.Lat = crs.ToWGS84(rowSys, p.Lon, p.Lat)
		p.Name, _ = get("name")
		if p.Name != "" {
			if l, dup := seen[p.Name]; dup {
				warnings = append(warnings, fmt.Sprintf("%s:%d: name %q also on line %d (both kept)", file, line, p.Name, l))
			} else {
				seen[p.Name] = line
			}
		}
		pts = append(pts, p)
	}
	if len(pts) == 0 {
		return nil, nil, fmt.Errorf("%s: no points after the header", file)
	}
	return pts, warnings, nil
}
