package study

import (
	"fmt"
	"math"
	"strings"

	"github.com/fastroad/fastroad/controllines"
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/report"
	"github.com/fastroad/fastroad/scenarios"
)

// Controls are a study's control lines, ready to check roads against.
type Controls struct {
	ix      *controllines.Index
	checked [controllines.NumKinds]string // source per kind, "" when not checked
	// file and osm name the source per kind for SourcesIn: the planner's
	// file name, or the OSM tags the layer was derived from.
	file, osm [controllines.NumKinds]string
	width     float64
}

// ControlInputs are the control lines a study checks against: the
// planner's layers (already in WGS-84) with the file each came from, and the
// layers derived from the extract for the kinds the planner did not give
// (nil when not read).
type ControlInputs struct {
	Given   []controllines.Layer
	Files   []string // file name per Given layer
	Derived *osm.ControlAreas
}

// NeedsDerived reports whether any of purple, blue and green is missing
// from the planner's layers, so the extract's areas are wanted.
func (ci *ControlInputs) NeedsDerived() bool {
	given := map[controllines.Kind]bool{}
	for _, l := range ci.Given {
		given[l.Kind] = true
	}
	return !(given[controllines.Purple] && given[controllines.Blue] && given[controllines.Green])
}

// NewControls indexes the planner's control lines and, for the kinds the
// planner did not give (purple, blue, green), those derived from the
// extract. Red lines only come from the planner. width is the land a new
// road takes in metres (<= 0: 30).
func NewControls(in ControlInputs, width float64) *Controls {
	c := &Controls{width: width}
	if c.width <= 0 {
		c.width = 30
	}
	var layers []controllines.Layer
	given := map[controllines.Kind]bool{}
	for i, l := range in.Given {
		layers = append(layers, l)
		given[l.Kind] = true
		name := l.Source
		if i < len(in.Files) {
			name = in.Files[i]
		}
		c.checked[l.Kind] = "planner's file " + name
		c.file[l.Kind] = name
	}
	if in.Derived != nil {
		for _, k := range []controllines.Kind{controllines.Purple, controllines.Blue, controllines.Green} {
			if given[k] {
				continue
			}
			if l, ok := in.Derived.Layers[k]; ok {
				layers = append(layers, l)
				c.checked[k] = "derived from OpenStreetMap (" + l.Source + ")"
				c.osm[k] = l.Source
			}
		}
	}
	c.ix = controllines.NewIndex(layers)
	return c
}

// EditCheck is the control-line result of one edit: the sum over its lines.
type EditCheck struct {
	length            float64
	inside, crossings [controllines.NumKinds]float64
	names             [controllines.NumKinds][]string
	Stretches         [][]graph.Point // parts inside purple or blue lines, for maps
	Conflict          bool
}

func (c *Controls) Check(rep *scenarios.EditReport) EditCheck {
	var ec EditCheck
	for _, line := range rep.Lines {
		r := c.ix.Check(line, controllines.Options{RoadWidth: c.width})
		ec.length += r.Length
		ec.Conflict = ec.Conflict || r.Conflict()
		for k := range r.Kinds {
			kr := &r.Kinds[k]
			ec.inside[k] += kr.Inside
			ec.crossings[k] += float64(kr.Crossings + kr.LineCrossings)
			for _, f := range kr.Features {
				if f.Name != "" && !contains(ec.names[k], f.Name) && len(ec.names[k]) < 5 {
					ec.names[k] = append(ec.names[k], f.Name)
				}
			}
			if controllines.Kind(k).Hard() {
				for _, s := range kr.Stretches {
					ec.Stretches = append(ec.Stretches, cut(line, s.From, s.To))
				}
			}
		}
	}
	return ec
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// cut returns the part of a polyline between two distances from its start.
func cut(line []graph.Point, from, to float64) []graph.Point {
	var out []graph.Point
	at := 0.0
	for i := 0; i+1 < len(line); i++ {
		l := graph.Distance(line[i], line[i+1])
		a, b := at, at+l
		if b >= from && a <= to && l > 0 {
			t0, t1 := math.Max(0, (from-a)/l), math.Min(1, (to-a)/l)
			p := func(t float64) graph.Point {
				return graph.Point{Lon: line[i].Lon + t*(line[i+1].Lon-line[i].Lon), Lat: line[i].Lat + t*(line[i+1].Lat-line[i].Lat)}
			}
			if len(out) == 0 {
				out = append(out, p(t0))
			}
			out = append(out, p(t1))
		}
		at = b
	}
	return out
}

// Text describes an edit's control-line result for check.txt and the report.
func (c *Controls) Text(kind string, ec EditCheck) string {
	if ec.length == 0 {
		return ""
	}
	var parts []string
	for k := controllines.Kind(0); k < controllines.NumKinds; k++ {
		if c.checked[k] == "" {
			parts = append(parts, fmt.Sprintf("%s: not checked (no %s lines given)", k, k))
			continue
		}
		names := ""
		if len(ec.names[k]) > 0 {
			names = " (" + strings.Join(ec.names[k], ", ") + ")"
		}
		switch k {
		case controllines.Red:
			parts = append(parts, fmt.Sprintf("red: %.0f%% of the alignment inside road reservations", 100*ec.inside[k]/ec.length))
		case controllines.Green:
			parts = append(parts, fmt.Sprintf("green: %.0f m inside, %.1f ha taken at %g m width%s", ec.inside[k], ec.inside[k]*c.width/10000, c.width, names))
		default:
			s := fmt.Sprintf("%s: %.0f m inside, %.0f crossings%s", k, ec.inside[k], ec.crossings[k], names)
			if ec.inside[k] > 0 || ec.crossings[k] > 0 {
				if kind == "upgrade" || kind == "osm_construction" || kind == "close" {
					s += " — hard line: the existing crossings must be rebuilt to the new standard"
				} else {
					s += " — HARD CONFLICT: needs a bridge, a tunnel or a new alignment"
				}
			}
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}

// Fields are an alternative's control-line figures for the summary.
func (c *Controls) Fields(checks []EditCheck) report.Row {
	var total EditCheck
	conflicts := 0
	for _, ec := range checks {
		total.length += ec.length
		for k := range ec.inside {
			total.inside[k] += ec.inside[k]
			total.crossings[k] += ec.crossings[k]
		}
		if ec.Conflict {
			conflicts++
		}
	}
	val := func(k controllines.Kind, v float64) any {
		if c.checked[k] == "" {
			return math.NaN()
		}
		return math.Round(v*10) / 10
	}
	share := math.NaN()
	if c.checked[controllines.Red] != "" && total.length > 0 {
		share = math.Round(1000*total.inside[controllines.Red]/total.length) / 1000
	}
	return report.Row{
		{Key: "purple_inside_m", Value: val(controllines.Purple, total.inside[controllines.Purple])},
		{Key: "purple_crossings", Value: val(controllines.Purple, total.crossings[controllines.Purple])},
		{Key: "blue_inside_m", Value: val(controllines.Blue, total.inside[controllines.Blue])},
		{Key: "blue_crossings", Value: val(controllines.Blue, total.crossings[controllines.Blue])},
		{Key: "green_inside_m", Value: val(controllines.Green, total.inside[controllines.Green])},
		{Key: "green_area_ha", Value: val(controllines.Green, total.inside[controllines.Green]*c.width/10000)},
		{Key: "red_share", Value: share},
		{Key: "edits_with_hard_conflicts", Value: conflicts},
	}
}

// SourcesIn lists what each kind was checked against, in a language.
func (c *Controls) SourcesIn(lang i18n.Lang) []string {
	var out []string
	for k := controllines.Kind(0); k < controllines.NumKinds; k++ {
		src := i18n.T(lang, "method_control_none")
		switch {
		case c.file[k] != "":
			src = i18n.T(lang, "method_control_file", c.file[k])
		case c.osm[k] != "":
			src = i18n.T(lang, "method_control_osm", c.osm[k])
		}
		out = append(out, i18n.T(lang, "method_control_source", k.String(), k.Chinese(), src))
	}
	return out
}

// Sources lists what each kind was checked against.
func (c *Controls) Sources() []string {
	var out []string
	for k := controllines.Kind(0); k < controllines.NumKinds; k++ {
		src := c.checked[k]
		if src == "" {
			src = "not checked: none given"
		}
		out = append(out, fmt.Sprintf("%s lines (%s): %s", k, k.Chinese(), src))
	}
	return out
}
