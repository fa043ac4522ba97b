package controllines

import "github.com/fastroad/fastroad/graph"

// Polygon is one area of a control line: rings of WGS-84 positions, each
// closed (first position == last) with at least 4 positions. Ring 0 is the
// outer ring and the rest are its holes, as in GeoJSON; Check applies the
// even-odd rule over all rings, which is the same thing for a valid polygon
// and well defined for an invalid one.
type Polygon struct {
	// ID names the feature in reports: "way/123" or "relation/45" for OSM,
	// the GeoJSON feature's id or "feature 3" (its index) for a file. The
	// parts of one multipolygon share their feature's ID and Name.
	ID    string
	Name  string
	Rings [][]graph.Point
}

// Line is a control line drawn as a polyline, such as a river's centre
// line: a road crosses it rather than runs inside it.
type Line struct {
	ID     string // as Polygon.ID
	Name   string
	Points []graph.Point // at least 2
}

// Layer is one kind of control line from one source.
type Layer struct {
	Kind Kind
	// Source says where the layer came from, for the report: a file name,
	// or how it was derived from an OSM extract.
	Source   string
	Polygons []Polygon
	Lines    []Line
}

// Transform replaces every position of the layer by f of it, for example
// to convert a planner's GCJ-02 file to WGS-84 with package crs.
func (l *Layer) Transform(f func(graph.Point) graph.Point) {
	for i := range l.Polygons {
		for _, r := range l.Polygons[i].Rings {
			for j := range r {
				r[j] = f(r[j])
			}
		}
	}
	for i := range l.Lines {
		pts := l.Lines[i].Points
		for j := range pts {
			pts[j] = f(pts[j])
		}
	}
}
