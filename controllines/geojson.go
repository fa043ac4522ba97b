package controllines

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fastroad/fastroad/graph"
)

// gjObject is any GeoJSON object; which members matter depends on Type.
type gjObject struct {
	Type        string            `json:"type"`
	Features    []json.RawMessage `json:"features"`
	Geometry    json.RawMessage   `json:"geometry"`
	Geometries  []json.RawMessage `json:"geometries"`
	Coordinates json.RawMessage   `json:"coordinates"`
	Properties  json.RawMessage   `json:"properties"`
	ID          json.RawMessage   `json:"id"`
	CRS         json.RawMessage   `json:"crs"`
}

// nameKeys are the properties tried, in order, for a feature's name.
var nameKeys = []string{"name", "Name", "NAME", "名称", "name:zh", "title"}

// ReadGeoJSON reads a layer of control lines of the given kind from a
// GeoJSON (RFC 7946) FeatureCollection, Feature or bare geometry.
//
// Polygon and MultiPolygon geometries become Polygons (one per part),
// LineString and MultiLineString become Lines, and a GeometryCollection of
// those is read member by member; a Feature with a null geometry and an
// empty coordinates array add nothing. Positions are WGS-84 longitude,
// latitude in degrees (a third number, the height, is ignored). Rings must
// be closed and have at least 4 positions, lines at least 2.
//
// Each feature's ID is its "id" member, or "feature N" (its index in the
// collection) without one; its Name is the first of the properties name,
// Name, NAME, 名称, name:zh and title that is a string.
//
// Errors name the feature by index and say what is wrong and what would be
// valid. A legacy "crs" member other than WGS-84 (CRS84, EPSG:4326) is an
// error: convert the file, or read it and convert with Layer.Transform.
func ReadGeoJSON(r io.Reader, kind Kind, source string) (Layer, error) {
	l := Layer{Kind: kind, Source: source}
	if kind >= NumKinds {
		return l, fmt.Errorf("invalid control line kind %d", kind)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return l, fmt.Errorf("read geojson: %w", err)
	}
	var top gjObject
	if err := json.Unmarshal(data, &top); err != nil {
		return l, jsonError(data, err)
	}
	if err := checkCRS(top.CRS); err != nil {
		return l, err
	}
	switch top.Type {
	case "FeatureCollection":
		if top.Features == nil {
			return l, errors.New(`FeatureCollection has no "features" array`)
		}
		for i, raw := range top.Features {
			var f gjObject
			if err := json.Unmarshal(raw, &f); err != nil {
				return l, fmt.Errorf("feature %d: %w", i, jsonError(raw, err))
			}
			if err := l.addFeature(i, &f); err != nil {
				return l, err
			}
		}
	case "Feature":
		if err := l.addFeature(0, &top); err != nil {
			return l, err
		}
	case "":
		return l, errors.New(`not GeoJSON: no "type" member (want FeatureCollection, Feature or a geometry)`)
	default:
		if err := l.addGeometry(&top, "feature 0", "", 0); err != nil {
			return l, fmt.Errorf("geometry: %w", err)
		}
	}
	return l, nil
}

// jsonError turns a decoding error into a message with the byte offset.
func jsonError(data []byte, err error) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty input, want GeoJSON")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Errorf("member %q is a JSON %s, want %s", te.Field, te.Value, gjWant(te.Field))
		}
		return fmt.Errorf("a JSON %s, want an object", te.Value)
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

func gjWant(field string) string {
	switch field {
	case "type":
		return "a string"
	case "features", "geometries":
		return "an array of objects"
	}
	return "another type"
}

func checkCRS(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var c struct {
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(raw, &c)
	n := c.Properties.Name
	switch {
	case strings.HasSuffix(n, "CRS84"), strings.HasSuffix(n, "EPSG::4326"), n == "EPSG:4326":
		return nil
	}
	what := strconv.Quote(n)
	if n == "" {
		what = truncate(raw)
	}
	return fmt.Errorf("crs %s: want WGS-84 longitude, latitude (CRS84, EPSG:4326); convert the file first", what)
}

func (l *Layer) addFeature(i int, f *gjObject) error {
	if f.Type != "Feature" {
		return fmt.Errorf("feature %d: type is %q, want \"Feature\"", i, f.Type)
	}
	id := "feature " + strconv.Itoa(i)
	switch t := bytes.TrimSpace(f.ID); {
	case len(t) == 0 || string(t) == "null":
	case t[0] == '"':
		var s string
		if json.Unmarshal(t, &s) == nil && s != "" {
			id = s
		}
	default:
		id = string(t)
	}
	name := ""
	if len(f.Properties) > 0 && string(f.Properties) != "null" {
		var props map[string]any
		if err := json.Unmarshal(f.Properties, &props); err != nil {
			return fmt.Errorf("feature %d: properties: want an object or null", i)
		}
		for _, k := range nameKeys {
			if s, ok := props[k].(string); ok && s != "" {
				name = s
				break
			}
		}
	}
	if len(f.Geometry) == 0 || string(f.Geometry) == "null" {
		return nil
	}
	var g gjObject
	if err := json.Unmarshal(f.Geometry, &g); err != nil {
		return fmt.Errorf("feature %d: geometry: %w", i, jsonError(f.Geometry, err))
	}
	if err := l.addGeometry(&g, id, name, 0); err != nil {
		return fmt.Errorf("feature %d: %w", i, err)
	}
	return nil
}

func (l *Layer) addGeometry(g *gjObject, id, name string, depth int) error {
	if g.Type != "GeometryCollection" && len(g.Coordinates) == 0 {
		switch g.Type {
		case "Polygon", "MultiPolygon", "LineString", "MultiLineString":
			return fmt.Errorf("%s has no coordinates", g.Type)
		}
	}
	switch g.Type {
	case "Polygon":
		rings, err := parsePolygon(g.Coordinates)
		if err != nil {
			return fmt.Errorf("polygon: %w", err)
		}
		if len(rings) > 0 {
			l.Polygons = append(l.Polygons, Polygon{ID: id, Name: name, Rings: rings})
		}
	case "MultiPolygon":
		parts, err := parseArray(g.Coordinates, "polygons")
		if err != nil {
			return fmt.Errorf("multipolygon: %w", err)
		}
		for p, raw := range parts {
			rings, err := parsePolygon(raw)
			if err != nil {
				return fmt.Errorf("multipolygon part %d: %w", p, err)
			}
			if len(rings) > 0 {
				l.Polygons = append(l.Polygons, Polygon{ID: id, Name: name, Rings: rings})
			}
		}
	case "LineString":
		pts, err := parseLine(g.Coordinates)
		if err != nil {
			return fmt.Errorf("linestring: %w", err)
		}
		if pts != nil {
			l.Lines = append(l.Lines, Line{ID: id, Name: name, Points: pts})
		}
	case "MultiLineString":
		parts, err := parseArray(g.Coordinates, "linestrings")
		if err != nil {
			return fmt.Errorf("multilinestring: %w", err)
		}
		for p, raw := range parts {
			pts, err := parseLine(raw)
			if err != nil {
				return fmt.Errorf("multilinestring part %d: %w", p, err)
			}
			if pts != nil {
				l.Lines = append(l.Lines, Line{ID: id, Name: name, Points: pts})
			}
		}
	case "GeometryCollection":
		if depth > 0 {
			return errors.New("nested GeometryCollection is not supported")
		}
		for m, raw := range g.Geometries {
			var sub gjObject
			if err := json.Unmarshal(raw, &sub); err != nil {
				return fmt.Errorf("geometry collection member %d: %w", m, jsonError(raw, err))
			}
			if err := l.addGeometry(&sub, id, name, depth+1); err != nil {
				return fmt.Errorf("geometry collection member %d: %w", m, err)
			}
		}
	case "Point", "MultiPoint":
		return fmt.Errorf("unsupported geometry type %s: a control line is an area (Polygon, MultiPolygon) or a line (LineString, MultiLineString)", g.Type)
	case "Feature", "FeatureCollection":
		return fmt.Errorf("%s where a geometry was expected", g.Type)
	case "":
		return errors.New(`geometry has no "type"`)
	default:
		return fmt.Errorf("unsupported geometry type %q (want Polygon, MultiPolygon, LineString or MultiLineString)", g.Type)
	}
	return nil
}

// parseArray splits a JSON array into its elements; what names them in
// the error.
func parseArray(raw json.RawMessage, what string) ([]json.RawMessage, error) {
	var a []json.RawMessage
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("coordinates are %s, want an array of %s", truncate(raw), what)
	}
	return a, nil
}

// parsePolygon reads a Polygon's rings; an empty array gives no rings.
func parsePolygon(raw json.RawMessage) ([][]graph.Point, error) {
	rs, err := parseArray(raw, "rings")
	if err != nil {
		return nil, err
	}
	rings := make([][]graph.Point, 0, len(rs))
	for i, r := range rs {
		pts, err := parsePositions(r)
		if err != nil {
			return nil, fmt.Errorf("ring %d: %w", i, err)
		}
		if len(pts) < 4 {
			return nil, fmt.Errorf("ring %d has %d positions, want at least 4 (a closed ring repeats its first position at the end)", i, len(pts))
		}
		if first, last := pts[0], pts[len(pts)-1]; first != last {
			return nil, fmt.Errorf("ring %d is not closed: first position %v, last %v (want the first repeated at the end)", i, first, last)
		}
		rings = append(rings, pts)
	}
	return rings, nil
}

// parseLine reads a LineString's positions; an empty array gives nil.
func parseLine(raw json.RawMessage) ([]graph.Point, error) {
	pts, err := parsePositions(raw)
	if err != nil {
		return nil, err
	}
	if len(pts) == 0 {
		return nil, nil
	}
	if len(pts) < 2 {
		return nil, fmt.Errorf("line has %d position, want at least 2", len(pts))
	}
	return pts, nil
}

func parsePositions(raw json.RawMessage) ([]graph.Point, error) {
	var fast [][]float64
	if err := json.Unmarshal(raw, &fast); err == nil {
		pts := make([]graph.Point, len(fast))
		for i, c := range fast {
			p, err := position(c)
			if err != nil {
				return nil, fmt.Errorf("position %d: %w", i, err)
			}
			pts[i] = p
		}
		return pts, nil
	}
	// Something is not a number: find it for the message.
	ps, err := parseArray(raw, "positions")
	if err != nil {
		return nil, err
	}
	for i, p := range ps {
		var cs []json.RawMessage
		if err := json.Unmarshal(p, &cs); err != nil {
			return nil, fmt.Errorf("position %d is %s, want [longitude, latitude]", i, truncate(p))
		}
		for j, c := range cs {
			var f float64
			if err := json.Unmarshal(c, &f); err != nil {
				return nil, fmt.Errorf("position %d: coordinate %d is %s, want a number", i, j, truncate(c))
			}
		}
	}
	return nil, fmt.Errorf("coordinates are %s, want an array of positions", truncate(raw))
}

// position checks one GeoJSON position and makes it a point.
func position(c []float64) (graph.Point, error) {
	if len(c) < 2 {
		return graph.Point{}, fmt.Errorf("%d numbers, want at least 2: [longitude, latitude]", len(c))
	}
	lon, lat := c[0], c[1]
	if lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90 {
		return graph.Point{Lon: lon, Lat: lat}, nil
	}
	hint := "want WGS-84 longitude in [-180, 180] and latitude in [-90, 90] degrees"
	switch {
	case lon >= -90 && lon <= 90 && lat >= -180 && lat <= 180:
		hint = "latitude first? GeoJSON wants longitude, latitude"
	case lon < -360 || lon > 360 || lat < -360 || lat > 360:
		hint = "projected coordinates (metres)? convert to WGS-84 longitude, latitude"
	}
	return graph.Point{}, fmt.Errorf("out of range: %g, %g (%s)", lon, lat, hint)
}

// truncate shows at most 40 bytes of raw JSON in a message.
func truncate(raw json.RawMessage) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if len(s) > 40 {
		n := 37
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "..."
	}
	if s == "" {
		s = "empty"
	}
	return s
}
