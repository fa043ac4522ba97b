package study

import (
	"strconv"

	"github.com/fastroad/fastroad/gpkg"
)

// coordScanner reads GeoJSON coordinates (nested arrays of numbers) as
// encoding/json does into gpkg's types, at a fraction of the cost: the
// GeoPackage hand-off reads back every GeoJSON output, and reflection over
// millions of numbers took longer than writing them. It accepts only
// arrays of plain numbers with positions of exactly two; on anything else
// (null, a third coordinate, a number out of range) ok turns false and the
// caller falls back to encoding/json, so the values are always json's.
// The text is valid JSON (encoding/json read the document around it).
type coordScanner struct {
	b  []byte
	i  int
	ok bool
}

func (s *coordScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *coordScanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *coordScanner) expect(c byte) {
	if s.peek() == c {
		s.i++
		return
	}
	s.ok = false
}

// list reads '[' elem (',' elem)* ']' or '[]', calling elem for each.
func (s *coordScanner) list(elem func()) {
	if s.expect('['); !s.ok {
		return
	}
	if s.peek() == ']' {
		s.i++
		return
	}
	for s.ok {
		elem()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return
		default:
			s.ok = false
		}
	}
}

func (s *coordScanner) number() float64 {
	s.ws()
	j := s.i
	for j < len(s.b) {
		c := s.b[j]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			j++
			continue
		}
		break
	}
	v, err := strconv.ParseFloat(string(s.b[s.i:j]), 64)
	if j == s.i || err != nil {
		s.ok = false
		return 0
	}
	s.i = j
	return v
}

func (s *coordScanner) point() gpkg.Point {
	var p gpkg.Point
	n := 0
	s.list(func() {
		v := s.number()
		if n < 2 {
			p[n] = v
		}
		n++
	})
	if n != 2 {
		s.ok = false
	}
	return p
}

func (s *coordScanner) points() []gpkg.Point {
	out := []gpkg.Point{}
	s.list(func() { out = append(out, s.point()) })
	return out
}

func (s *coordScanner) polygon() gpkg.Polygon {
	out := gpkg.Polygon{}
	s.list(func() { out = append(out, s.points()) })
	return out
}

// end reports whether the whole text was read without a problem.
func (s *coordScanner) end() bool {
	s.ws()
	return s.ok && s.i == len(s.b)
}

// fastGeometry is geometryOf's result read by coordScanner; ok is false
// when encoding/json must decide.
func fastGeometry(typ string, raw []byte) (g gpkg.Geometry, ok bool) {
	s := &coordScanner{b: raw, ok: true}
	switch typ {
	case "Point":
		g = s.point()
	case "MultiPoint":
		ps := s.points()
		if len(ps) > 0 {
			g = ps[0]
		}
	case "LineString":
		g = gpkg.MultiLineString{gpkg.LineString(s.points())}
	case "MultiLineString":
		m := gpkg.MultiLineString{}
		s.list(func() { m = append(m, gpkg.LineString(s.points())) })
		if len(m) > 0 {
			g = m
		}
	case "Polygon":
		g = gpkg.MultiPolygon{s.polygon()}
	case "MultiPolygon":
		m := gpkg.MultiPolygon{}
		s.list(func() { m = append(m, s.polygon()) })
		if len(m) > 0 {
			g = m
		}
	default:
		return nil, false
	}
	if !s.end() {
		return nil, false
	}
	return g, true
}
