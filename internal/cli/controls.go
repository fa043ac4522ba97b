package cli

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/fastroad/fastroad/controllines"
	"github.com/fastroad/fastroad/crs"
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/report"
	"github.com/fastroad/fastroad/scenarios"
)

// controls are a study's control lines, ready to check roads against.
type controls struct {
	ix      *controllines.Index
	checked [controllines.NumKinds]string // source per kind, "" when not checked
	width   float64
}

// loadControls reads the study's control-line files and derives the kinds
// it does not give (purple, blue, green) from the extract. Red lines only
// come from the planner.
func loadControls(e *env, st *study, extract string) (*controls, error) {
	c := &controls{width: st.RoadWidthM}
	if c.width <= 0 {
		c.width = 30
	}
	sys := crs.WGS84
	if st.ControlLinesCRS != "" {
		var err error
		if sys, err = crs.ParseSystem(st.ControlLinesCRS); err != nil {
			return nil, usagef("study %s: control_lines_crs: %v", st.path, err)
		}
	}
	var layers []controllines.Layer
	given := map[controllines.Kind]bool{}
	for key, path := range st.ControlLines {
		kind, err := controllines.ParseKind(key)
		if err != nil {
			return nil, usagef("study %s: control_lines.%s: %v (want red, purple, blue or green)", st.path, key, err)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, usagef("study %s: control_lines.%s: %v", st.path, key, err)
		}
		l, err := controllines.ReadGeoJSON(f, kind, filepath.Base(path))
		f.Close()
		if err != nil {
			return nil, usagef("study %s: control_lines.%s: %s: %v", st.path, key, path, err)
		}
		if sys != crs.WGS84 {
			l.Transform(func(p graph.Point) graph.Point {
				lon, lat := crs.ToWGS84(sys, p.Lon, p.Lat)
				return graph.Point{Lon: lon, Lat: lat}
			})
		}
		layers = append(layers, l)
		given[kind] = true
		c.checked[kind] = "planner's file " + filepath.Base(path)
	}
	if !(given[controllines.Purple] && given[controllines.Blue] && given[controllines.Green]) && extract != "" {
		open := func() (io.ReadCloser, error) { return os.Open(extract) }
		areas, err := osm.ReadControlAreas(e.ctx, open, osm.AreaOptions{})
		if err != nil {
			return nil, fmt.Errorf("control lines from %s: %w", extract, err)
		}
		for _, k := range []controllines.Kind{controllines.Purple, controllines.Blue, controllines.Green} {
			if given[k] {
				continue
			}
			if l, ok := areas.Layers[k]; ok {
				layers = append(layers, l)
				c.checked[k] = "derived from OpenStreetMap (" + l.Source + ")"
			}
		}
	}
	c.ix = controllines.NewIndex(layers)
	return c, nil
}

// editCheck is the control-line result of one edit: the sum over its lines.
type editCheck struct {
	length            float64
	inside, crossings [controllines.NumKinds]float64
	names             [controllines.NumKinds][]string
	stretches         [][]graph.Point // parts inside purple or blue lines, for maps
	conflict          bool
}

func (c *controls) check(rep *scenarios.EditReport) editCheck {
	var ec editCheck
	for _, line := range rep.Lines {
		r := c.ix.Check(line, controllines.Options{RoadWidth: c.width})
		ec.length += r.Length
		ec.conflict = ec.conflict || r.Conflict()
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
					ec.stretches = append(ec.stretches, cut(line, s.From, s.To))
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

// text describes an edit's control-line result for check.txt and the report.
func (c *controls) text(kind string, ec editCheck) string {
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

// fields are an alternative's control-line figures for the summary.
func (c *controls) fields(checks []editCheck) report.Row {
	var total editCheck
	conflicts := 0
	for _, ec := range checks {
		total.length += ec.length
		for k := range ec.inside {
			total.inside[k] += ec.inside[k]
			total.crossings[k] += ec.crossings[k]
		}
		if ec.conflict {
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

// sources lists what each kind was checked against.
func (c *controls) sources() []string {
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
