package server

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// The basemap is the road network of the base graph, drawn by the page as
// vector lines: per zoom level only the classes that matter at that scale,
// each line simplified to about a pixel, and only what lies in the view.

// roadLevel is one zoom range of the basemap.
type roadLevel struct {
	maxZoom float64              // used up to this zoom
	classes map[graph.Class]bool // drawn classes
	tol     float64              // simplification tolerance, degrees
}

var roadLevels = []roadLevel{
	{8, classSet("motorway", "trunk", "primary"), 0.002},
	{10, classSet("motorway", "motorway_link", "trunk", "trunk_link", "primary", "secondary"), 0.0006},
	{13, classSet("motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link", "tertiary"), 0.00015},
	{99, nil, 0.00003}, // all
}

func classSet(names ...string) map[graph.Class]bool {
	m := map[graph.Class]bool{}
	for _, n := range names {
		if c, ok := graph.ParseClass(n); ok {
			m[c] = true
		}
	}
	return m
}

// MaxRoadPoints caps the positions of one basemap answer; beyond it the
// answer says truncated and the page asks the user to zoom in.
const MaxRoadPoints = 400_000

// roadIndex holds every level's simplified lines, flat.
type roadIndex struct {
	levels []roadLines
}

type roadLines struct {
	class []graph.Class
	box   [][4]float64
	start []int32 // into pts; line k is pts[start[k]:start[k+1]]
	pts   []float64
}

func newRoadIndex(g *graph.Graph) *roadIndex {
	ix := &roadIndex{levels: make([]roadLines, len(roadLevels))}
	var shape []graph.Point
	for li, lv := range roadLevels {
		rl := &ix.levels[li]
		for s := range g.Segments {
			seg := &g.Segments[s]
			if lv.classes != nil && !lv.classes[seg.Class] {
				continue
			}
			shape = g.Shape(shape[:0], int32(s))
			if len(shape) < 2 {
				continue
			}
			rl.start = append(rl.start, int32(len(rl.pts)))
			rl.class = append(rl.class, seg.Class)
			b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
			last := len(shape) - 1
			var prev graph.Point
			for k, p := range shape {
				if k > 0 && k < last && math.Abs(p.Lon-prev.Lon) < lv.tol && math.Abs(p.Lat-prev.Lat) < lv.tol {
					continue
				}
				rl.pts = append(rl.pts, p.Lon, p.Lat)
				prev = p
				b = [4]float64{min(b[0], p.Lon), min(b[1], p.Lat), max(b[2], p.Lon), max(b[3], p.Lat)}
			}
			rl.box = append(rl.box, b)
		}
		rl.start = append(rl.start, int32(len(rl.pts)))
	}
	return ix
}

// roadsGeoJSON answers /api/roads?zoom=Z&bbox=W,S,E,N: one MultiLineString
// feature per road class, property "class".
func (s *Server) roadsGeoJSON(w http.ResponseWriter, r *http.Request) {
	if err := params(r, "zoom", "bbox"); err != nil {
		s.fail(w, err)
		return
	}
	zoom, err := number(r, "zoom", 0, 22)
	if err != nil {
		s.fail(w, err)
		return
	}
	var box [4]float64
	parts := strings.Split(r.URL.Query().Get("bbox"), ",")
	if len(parts) != 4 {
		s.fail(w, bad("bbox", "want W,S,E,N in degrees"))
		return
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 360 {
			s.fail(w, bad("bbox", "%q: want W,S,E,N in degrees", p))
			return
		}
		box[i] = v
	}
	if box[0] > box[2] || box[1] > box[3] {
		s.fail(w, bad("bbox", "west > east or south > north"))
		return
	}
	li := 0
	for li < len(roadLevels)-1 && zoom > roadLevels[li].maxZoom {
		li++
	}
	rl := &s.roads.levels[li]
	// JSON written by hand: the basemap is the largest answer.
	byClass := map[graph.Class][]byte{}
	n := 0
	truncated := false
	for k := range rl.class {
		b := rl.box[k]
		if b[2] < box[0] || b[0] > box[2] || b[3] < box[1] || b[1] > box[3] {
			continue
		}
		pts := rl.pts[rl.start[k]:rl.start[k+1]]
		if n+len(pts)/2 > MaxRoadPoints {
			truncated = true
			break
		}
		n += len(pts) / 2
		buf := byClass[rl.class[k]]
		if len(buf) > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		for i := 0; i < len(pts); i += 2 {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, '[')
			buf = strconv.AppendFloat(buf, math.Round(pts[i]*1e5)/1e5, 'f', -1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, math.Round(pts[i+1]*1e5)/1e5, 'f', -1, 64)
			buf = append(buf, ']')
		}
		buf = append(buf, ']')
		byClass[rl.class[k]] = buf
	}
	out := []byte(`{"type":"FeatureCollection","truncated":` + strconv.FormatBool(truncated) + `,"features":[`)
	first := true
	for c := graph.Class(0); int(c) < graph.NumClasses; c++ {
		buf, ok := byClass[c]
		if !ok {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, `{"type":"Feature","properties":{"class":"`+c.String()+`"},"geometry":{"type":"MultiLineString","coordinates":[`...)
		out = append(out, buf...)
		out = append(out, "]}}"...)
	}
	out = append(out, "]}\n"...)
	writeBody(w, "application/geo+json", out)
}
