package population

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/fastroad/fastroad/crs"
)

// Area is one feature of a planner's polygons file: residents inside a
// township or county.
type Area struct {
	Name    string
	Pop     float64
	Shape   MultiPolygon // WGS-84
	Feature int          // index in the FeatureCollection
}

// DefaultPopulationProperty is the property read for an area's residents.
const DefaultPopulationProperty = "population"

type gjFeature struct {
	Type       string          `json:"type"`
	Geometry   *gjGeometry     `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

type gjGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// ReadPolygons reads a GeoJSON FeatureCollection of Polygon and
// MultiPolygon features, each with a numeric property prop ("" means
// DefaultPopulationProperty; a number or a numeric string, 0 to
// MaxResidents). Coordinates are in sys and converted to WGS-84. A
// feature's Name is its name, NAME or Name property, else "feature N".
// Rings must have at least 4 positions (they are closed if the file forgot).
// Errors name the file, the feature and the key.
func ReadPolygons(file string, data []byte, prop string, sys crs.System) ([]Area, error) {
	if prop == "" {
		prop = DefaultPopulationProperty
	}
	var top struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if top.Type != "FeatureCollection" {
		return nil, fmt.Errorf("%s: type %q: want a FeatureCollection", file, top.Type)
	}
	var out []Area
	for fi, raw := range top.Features {
		var f gjFeature
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("%s: feature %d: %w", file, fi, err)
		}
		if f.Geometry == nil {
			return nil, fmt.Errorf("%s: feature %d: no geometry", file, fi)
		}
		var props map[string]json.RawMessage
		if len(f.Properties) > 0 && !bytes.Equal(bytes.TrimSpace(f.Properties), []byte("null")) {
			if err := json.Unmarshal(f.Properties, &props); err != nil {
				return nil, fmt.Errorf("%s: feature %d: properties: %w", file, fi, err)
			}
		}
		a := Area{Feature: fi, Name: fmt.Sprintf("feature %d", fi)}
		for _, k := range []string{"name", "NAME", "Name"} {
			var s string
			if json.Unmarshal(props[k], &s) == nil && s != "" {
				a.Name = s
				break
			}
		}
		pv, ok := props[prop]
		if !ok {
			return nil, fmt.Errorf("%s: feature %d (%s): no %q property", file, fi, a.Name, prop)
		}
		v, err := jsonNumber(pv)
		if err != nil || math.IsNaN(v) || v < 0 || v > MaxResidents {
			return nil, fmt.Errorf("%s: feature %d (%s): property %s %s: want a number from 0 to %g", file, fi, a.Name, prop, pv, float64(MaxResidents))
		}
		a.Pop = v
		switch f.Geometry.Type {
		case "Polygon":
			var rings [][][]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &rings); err != nil {
				return nil, fmt.Errorf("%s: feature %d (%s): coordinates: %w", file, fi, a.Name, err)
			}
			p, err := polygonOf(rings, sys)
			if err != nil {
				return nil, fmt.Errorf("%s: feature %d (%s): %w", file, fi, a.Name, err)
			}
			a.Shape = MultiPolygon{p}
		case "MultiPolygon":
			var polys [][][][]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("%s: feature %d (%s): coordinates: %w", file, fi, a.Name, err)
			}
			for pi, rings := range polys {
				p, err := polygonOf(rings, sys)
				if err != nil {
					return nil, fmt.Errorf("%s: feature %d (%s): polygon %d: %w", file, fi, a.Name, pi, err)
				}
				a.Shape = append(a.Shape, p)
			}
		default:
			return nil, fmt.Errorf("%s: feature %d (%s): geometry %q: want Polygon or MultiPolygon", file, fi, a.Name, f.Geometry.Type)
		}
		if len(a.Shape) == 0 {
			return nil, fmt.Errorf("%s: feature %d (%s): empty geometry", file, fi, a.Name)
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no features", file)
	}
	return out, nil
}

func jsonNumber(raw json.RawMessage) (float64, error) {
	var n float64
	if err := json.Unmarshal(raw, &n); err == nil {
		return n, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, errors.New("not a number")
	}
	return strconv.ParseFloat(s, 64)
}

func polygonOf(rings [][][]float64, sys crs.System) ([]Ring, error) {
	if len(rings) == 0 {
		return nil, errors.New("polygon without rings")
	}
	out := make([]Ring, 0, len(rings))
	for ri, r := range rings {
		ring := make(Ring, 0, len(r)+1)
		for pi, p := range r {
			if len(p) < 2 {
				return nil, fmt.Errorf("ring %d position %d: want [lon, lat]", ri, pi)
			}
			lon, lat := p[0], p[1]
			if !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) {
				return nil, fmt.Errorf("ring %d position %d: %v,%v: want lon -180..180, lat -90..90", ri, pi, lon, lat)
			}
			lon, lat = crs.ToWGS84(sys, lon, lat)
			ring = append(ring, [2]float64{lon, lat})
		}
		if len(ring) > 0 && ring[0] != ring[len(ring)-1] {
			ring = append(ring, ring[0])
		}
		if len(ring) < 4 {
			return nil, fmt.Errorf("ring %d: %d positions: want at least 4 (closed)", ri, len(r))
		}
		out = append(out, ring)
	}
	return out, nil
}
