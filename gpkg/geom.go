package gpkg

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Point is a WGS-84 position: longitude, latitude in degrees.
type Point [2]float64

// LineString is a polyline of at least two points.
type LineString []Point

// MultiLineString is a set of lines.
type MultiLineString []LineString

// Polygon is an outer ring followed by holes; each ring closed (first point =
// last point) with at least four points.
type Polygon [][]Point

// MultiPolygon is a set of polygons.
type MultiPolygon []Polygon

// Geometry is one of Point, LineString, MultiLineString, Polygon,
// MultiPolygon.
type Geometry interface {
	geomType() GeomType
}

func (Point) geomType() GeomType           { return TypePoint }
func (LineString) geomType() GeomType      { return TypeLineString }
func (MultiLineString) geomType() GeomType { return TypeMultiLineString }
func (Polygon) geomType() GeomType         { return TypePolygon }
func (MultiPolygon) geomType() GeomType    { return TypeMultiPolygon }

// GeomType is a geometry type, numbered as in WKB.
type GeomType int

// The geometry types a layer can have.
const (
	TypePoint           GeomType = 1
	TypeLineString      GeomType = 2
	TypePolygon         GeomType = 3
	TypeMultiLineString GeomType = 5
	TypeMultiPolygon    GeomType = 6
)

// String is the GeoPackage geometry type name, e.g. "MULTIPOLYGON".
func (t GeomType) String() string {
	switch t {
	case TypePoint:
		return "POINT"
	case TypeLineString:
		return "LINESTRING"
	case TypePolygon:
		return "POLYGON"
	case TypeMultiLineString:
		return "MULTILINESTRING"
	case TypeMultiPolygon:
		return "MULTIPOLYGON"
	}
	return fmt.Sprintf("GeomType(%d)", int(t))
}

// Envelope is a bounding box in degrees.
type Envelope struct{ MinX, MinY, MaxX, MaxY float64 }

func emptyEnvelope() Envelope {
	return Envelope{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
}

func (e *Envelope) add(p Point) {
	e.MinX = min(e.MinX, p[0])
	e.MaxX = max(e.MaxX, p[0])
	e.MinY = min(e.MinY, p[1])
	e.MaxY = max(e.MaxY, p[1])
}

func (e *Envelope) union(o Envelope) {
	e.MinX = min(e.MinX, o.MinX)
	e.MaxX = max(e.MaxX, o.MaxX)
	e.MinY = min(e.MinY, o.MinY)
	e.MaxY = max(e.MaxY, o.MaxY)
}

func (e Envelope) empty() bool { return e.MinX > e.MaxX }

// encoder appends WKB and checks coordinates as it goes.
type encoder struct {
	buf []byte
	env Envelope
}

func (e *encoder) u32(v uint32) { e.buf = binary.LittleEndian.AppendUint32(e.buf, v) }
func (e *encoder) f64(v float64) {
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v))
}

func (e *encoder) header(t GeomType) {
	e.buf = append(e.buf, 1) // little-endian
	e.u32(uint32(t))
}

func (e *encoder) point(p Point) error {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		return fmt.Errorf("coordinate %v outside lon [-180, 180], lat [-90, 90]", [2]float64(p))
	}
	e.f64(p[0])
	e.f64(p[1])
	e.env.add(p)
	return nil
}

func (e *encoder) points(ps []Point, minN int, closed bool, what string) error {
	if len(ps) < minN {
		return fmt.Errorf("%s has %d points, want at least %d", what, len(ps), minN)
	}
	if closed && ps[0] != ps[len(ps)-1] {
		return fmt.Errorf("%s is not closed: first point %v, last %v", what, ps[0], ps[len(ps)-1])
	}
	e.u32(uint32(len(ps)))
	for _, p := range ps {
		if err := e.point(p); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) line(l LineString) error {
	e.header(TypeLineString)
	return e.points(l, 2, false, "line")
}

func (e *encoder) polygon(pg Polygon) error {
	if len(pg) == 0 {
		return fmt.Errorf("polygon has no rings")
	}
	e.header(TypePolygon)
	e.u32(uint32(len(pg)))
	for _, r := range pg {
		if err := e.points(r, 4, true, "ring"); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) geometry(g Geometry) error {
	switch g := g.(type) {
	case Point:
		e.header(TypePoint)
		return e.point(g)
	case LineString:
		return e.line(g)
	case MultiLineString:
		if len(g) == 0 {
			return fmt.Errorf("multilinestring is empty")
		}
		e.header(TypeMultiLineString)
		e.u32(uint32(len(g)))
		for _, l := range g {
			if err := e.line(l); err != nil {
				return err
			}
		}
		return nil
	case Polygon:
		return e.polygon(g)
	case MultiPolygon:
		if len(g) == 0 {
			return fmt.Errorf("multipolygon is empty")
		}
		e.header(TypeMultiPolygon)
		e.u32(uint32(len(g)))
		for _, pg := range g {
			if err := e.polygon(pg); err != nil {
				return err
			}
		}
		return nil
	case nil:
		return fmt.Errorf("geometry is nil")
	}
	return fmt.Errorf("unsupported geometry %T", g)
}

// headerLen is the GeoPackage binary header with an XY envelope: magic,
// version, flags, srs_id, 4 doubles.
const headerLen = 8 + 32

// Encode returns g as GeoPackage binary (header with XY envelope, then
// little-endian WKB) for srsID, and its envelope.
func Encode(g Geometry, srsID int32) ([]byte, Envelope, error) {
	e := encoder{buf: make([]byte, headerLen, headerLen+64), env: emptyEnvelope()}
	if err := e.geometry(g); err != nil {
		return nil, Envelope{}, err
	}
	b := e.buf
	b[0], b[1] = 'G', 'P'
	b[2] = 0 // version 1
	// flags: bit 0 little-endian, bits 1-3 envelope type 1 (minx, maxx, miny, maxy).
	b[3] = 1 | 1<<1
	binary.LittleEndian.PutUint32(b[4:], uint32(srsID))
	for i, v := range []float64{e.env.MinX, e.env.MaxX, e.env.MinY, e.env.MaxY} {
		binary.LittleEndian.PutUint64(b[8+8*i:], math.Float64bits(v))
	}
	return b, e.env, nil
}
