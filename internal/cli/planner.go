package cli

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/viper"

	"github.com/fastroad/fastroad/crs"
	"github.com/fastroad/fastroad/places"
)

// The planner's file adds, replaces or removes places. YAML:
//
//	crs: gcj02                # wgs84 (default), gcj02 or bd09: the datum of lon/lat below
//	drop_detected: [hsr_station]
//	places:
//	  - op: replace           # add | replace | remove | set (default)
//	    kind: hsr_station
//	    id: node/366753362
//	    name: Wilmington
//	    population: 72826
//	    lon: -75.5511
//	    lat: 39.73675
//
// CSV: a header with any of op,kind,id,name,name_zh,name_en,lon,lat,
// population,crs (per row; empty means wgs84); the extra columns of a
// places.csv written by 'fastroad places' (source, score) are ignored, so
// that file can be edited and given back.

// plannerFileKeys are the YAML keys, for error messages.
const plannerFileKeys = "crs, drop_detected, places (each with op, kind, id, name, name_zh, name_en, lon, lat, population)"

type plannerFile struct {
	CRS          string         `mapstructure:"crs"`
	DropDetected []string       `mapstructure:"drop_detected"`
	Places       []plannerEntry `mapstructure:"places"`
}

type plannerEntry struct {
	Op         string   `mapstructure:"op"`
	Kind       string   `mapstructure:"kind"`
	ID         string   `mapstructure:"id"`
	Name       string   `mapstructure:"name"`
	NameZh     string   `mapstructure:"name_zh"`
	NameEn     string   `mapstructure:"name_en"`
	Lon        *float64 `mapstructure:"lon"`
	Lat        *float64 `mapstructure:"lat"`
	Population *float64 `mapstructure:"population"`
}

// readPlan reads a planner's file (.yaml/.yml or .csv). Its errors are
// usage errors naming the file and the entry (YAML key path or CSV line).
func readPlan(path string) (places.Plan, error) {
	data, err := readInput(path, kindPlanner)
	if err != nil {
		return places.Plan{}, markUsage(err)
	}
	var plan places.Plan
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		plan, err = parsePlanYAML(path, data)
	case ".csv":
		plan, err = parsePlanCSV(path, data)
	default:
		err = fmt.Errorf("%s: unknown planner's file type %q (want .yaml, .yml or .csv)", path, filepath.Ext(path))
	}
	if err == nil {
		err = plan.Validate()
	}
	if err != nil {
		return places.Plan{}, usageError{err}
	}
	return plan, nil
}

func parsePlanYAML(path string, data []byte) (places.Plan, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return places.Plan{}, fmt.Errorf("%s: %v", path, err)
	}
	var f plannerFile
	if err := v.UnmarshalExact(&f); err != nil {
		msg := oneLine(err)
		if strings.Contains(msg, "invalid keys") {
			msg += " (known keys: " + plannerFileKeys + ")"
		}
		return places.Plan{}, fmt.Errorf("%s: %s", path, msg)
	}
	sys, err := crs.ParseSystem(f.CRS)
	if f.CRS == "" {
		sys, err = crs.WGS84, nil
	}
	if err != nil {
		return places.Plan{}, fmt.Errorf("%s: crs: %v", path, err)
	}
	plan := places.Plan{DropDetected: f.DropDetected}
	for i, p := range f.Places {
		where := fmt.Sprintf("%s: places[%d]", path, i)
		e, err := makeEdit(where, p, sys)
		if err != nil {
			return places.Plan{}, err
		}
		plan.Edits = append(plan.Edits, e)
	}
	return plan, nil
}

// oneLine turns mapstructure's multi-line error list into one line.
func oneLine(err error) string {
	s := strings.TrimPrefix(err.Error(), "decoding failed due to the following error(s):")
	return strings.Join(strings.Fields(s), " ")
}

// makeEdit checks one entry and converts its point to WGS-84.
func makeEdit(where string, p plannerEntry, sys crs.System) (places.Edit, error) {
	key := "id " + p.ID
	if p.ID == "" {
		key = fmt.Sprintf("name %q", p.Name)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s (%s): %s", where, key, fmt.Sprintf(format, args...))
	}
	op, err := places.ParseOp(p.Op)
	if err != nil {
		return places.Edit{}, bad("op: %v", err)
	}
	e := places.Edit{Op: op, Kind: strings.TrimSpace(p.Kind), ID: strings.TrimSpace(p.ID),
		Name: strings.TrimSpace(p.Name), NameZh: strings.TrimSpace(p.NameZh), NameEn: strings.TrimSpace(p.NameEn),
		Population: -1, Where: where}
	if e.Kind != "" && !places.ValidKind(e.Kind) {
		return places.Edit{}, bad("kind: unknown kind %q (valid: %s)", e.Kind, strings.Join(places.Kinds, ", "))
	}
	switch {
	case p.Lon != nil && p.Lat != nil:
		lon, lat := *p.Lon, *p.Lat
		if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
			return places.Edit{}, bad("lon,lat %v,%v out of range (degrees, lon first)", lon, lat)
		}
		e.Lon, e.Lat = crs.ToWGS84(sys, lon, lat)
		e.HasPoint = true
	case p.Lon != nil || p.Lat != nil:
		return places.Edit{}, bad("give both lon and lat, or neither")
	}
	if p.Population != nil {
		n, err := checkPopulation(*p.Population)
		if err != nil {
			return places.Edit{}, bad("population: %v", err)
		}
		e.Population = n
	}
	if op == places.OpRemove && (e.HasPoint || e.Population >= 0) {
		return places.Edit{}, bad("remove takes only an id or a name (and kind)")
	}
	return e, nil
}

// csvPlanColumns are the columns a planner's CSV may have; csvIgnored are
// accepted and ignored (the extra columns of places.csv).
var (
	csvPlanColumns = []string{"op", "kind", "id", "name", "name_zh", "name_en", "lon", "lat", "population", "crs"}
	csvIgnored     = []string{"source", "score", "entries"}
)

func parsePlanCSV(path string, data []byte) (places.Plan, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return places.Plan{}, fmt.Errorf("%s: empty file, want a header such as kind,id,name,lon,lat,population", path)
	}
	if err != nil {
		return places.Plan{}, fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case slices.Contains(csvPlanColumns, h):
			if _, dup := col[h]; dup {
				return places.Plan{}, fmt.Errorf("%s:1: column %q given twice", path, h)
			}
			col[h] = i
		case slices.Contains(csvIgnored, h):
		default:
			return places.Plan{}, fmt.Errorf("%s:1: unknown column %q (known: %s)", path, h, strings.Join(csvPlanColumns, ","))
		}
	}
	if _, ok := col["id"]; !ok {
		if _, ok := col["name"]; !ok {
			return places.Plan{}, fmt.Errorf("%s:1: header has neither an id nor a name column", path)
		}
	}
	var plan places.Plan
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return places.Plan{}, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		where := fmt.Sprintf("%s:%d", path, line)
		p := plannerEntry{Op: get("op"), Kind: get("kind"), ID: get("id"), Name: get("name"), NameZh: get("name_zh"), NameEn: get("name_en")}
		for _, c := range []struct {
			k   string
			dst **float64
		}{{"lon", &p.Lon}, {"lat", &p.Lat}} {
			if s := get(c.k); s != "" {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
					return places.Plan{}, fmt.Errorf("%s: %s %q is not a number", where, c.k, s)
				}
				*c.dst = &v
			}
		}
		if s := get("population"); s != "" {
			n, ok := places.ParsePopulation(s)
			if !ok || strings.HasPrefix(s, "-") {
				return places.Plan{}, fmt.Errorf("%s: population %q is not a count", where, s)
			}
			f := float64(n)
			p.Population = &f
		}
		sys := crs.WGS84
		if s := get("crs"); s != "" {
			if sys, err = crs.ParseSystem(s); err != nil {
				return places.Plan{}, fmt.Errorf("%s: crs: %v", where, err)
			}
		}
		e, err := makeEdit(where, p, sys)
		if err != nil {
			return places.Plan{}, err
		}
		plan.Edits = append(plan.Edits, e)
	}
	return plan, nil
}

// maxPopulation bounds a population figure: more than any city (and than
// an int32, so it prints as itself everywhere).
const maxPopulation = 2_000_000_000

// checkPopulation accepts a whole number from 0 to maxPopulation.
func checkPopulation(v float64) (int, error) {
	if v < 0 {
		return 0, fmt.Errorf("%v is negative (want a whole number of people from 0 to %d)", v, maxPopulation)
	}
	if !(v <= maxPopulation) || v != math.Trunc(v) {
		return 0, fmt.Errorf("%v is out of range (want a whole number of people from 0 to %d)", v, maxPopulation)
	}
	return int(v), nil
}
