package study

import (
	"image/color"
	"math"

	"github.com/fastroad/fastroad/controllines"
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/render"
	"github.com/fastroad/fastroad/scenarios"
)

// Map colours of what a study adds to the base map. Edited roads are cyan:
// no control line uses it (red 红线, purple 紫线 heritage, blue 蓝线 water,
// green 绿线, and yellow, black and orange in the wider planning set) and no
// road class (orange-red to yellow, then greys).
var (
	editedRoadStyle = render.LineStyle{Color: color.RGBA{0x00, 0xbc, 0xd4, 0xff}, Width: 5, Casing: color.RGBA{0x00, 0x4d, 0x57, 0xff}, Z: 100, Above: true}
	// A closed road: dark grey on a white casing, read as "no longer there".
	closedRoadStyle = render.LineStyle{Color: color.RGBA{0x33, 0x33, 0x33, 0xff}, Width: 4, Casing: color.RGBA{0xff, 0xff, 0xff, 0xff}, Z: 100, Above: true}
	// A conflict (an edited road inside purple or blue lines): black on a
	// yellow casing, the hazard look, distinct from every control line.
	conflictStyle = render.LineStyle{Color: color.RGBA{0x11, 0x11, 0x11, 0xff}, Width: 4, Casing: color.RGBA{0xff, 0xd6, 0x00, 0xff}, Z: 101, Above: true}
	countyStyle   = render.LineStyle{Color: color.RGBA{0x55, 0x55, 0x55, 0xff}, Width: 1.6, Z: 95, Above: true}
	waterFill     = color.RGBA{0x9c, 0xc3, 0xe0, 0xff}
	riverStyle    = render.LineStyle{Color: color.RGBA{0x9c, 0xc3, 0xe0, 0xff}, Width: 1.5, Z: 5}
	controlColour = [controllines.NumKinds]color.RGBA{
		controllines.Red:    {0xd3, 0x2f, 0x2f, 0xff},
		controllines.Purple: {0x7b, 0x1f, 0xa2, 0xff},
		controllines.Blue:   {0x15, 0x65, 0xc0, 0xff},
		controllines.Green:  {0x2e, 0x7d, 0x32, 0xff},
	}
	controlKey = [controllines.NumKinds]string{
		controllines.Red: "legend_red_line", controllines.Purple: "legend_purple_line",
		controllines.Blue: "legend_blue_line", controllines.Green: "legend_green_line",
	}
)

// mapContext is what every map of a study draws under its bands: county
// boundaries, water, and the planner's control lines, with legend entries.
type mapContext struct {
	lines  []render.Line
	areas  []render.Area
	legend func(lang i18n.Lang) []render.LegendItem
}

// newMapContext collects the county boundaries (at the study's admin
// level) and water areas of the extract and the planner's control lines.
func (s *Study) newMapContext() *mapContext {
	mc := &mapContext{}
	var keys []struct {
		item render.LegendItem
		key  string
	}
	if st := s.Settlements; st != nil {
		level := s.Spec.PopulationAdminLevel
		if level == 0 {
			level = population.DefaultAdminLevel
		}
		n := 0
		for _, b := range st.Boundaries {
			if b.AdminLevel != level {
				continue
			}
			for _, poly := range b.Area {
				for _, ring := range poly {
					if len(ring) >= 2 {
						mc.lines = append(mc.lines, render.Line{Coords: ring, Style: countyStyle})
						n++
					}
				}
			}
		}
		if n > 0 {
			keys = append(keys, struct {
				item render.LegendItem
				key  string
			}{render.LegendItem{Line: countyStyle}, "legend_county_border"})
		}
	}
	water := 0
	if d := s.Inputs.Controls.Derived; d != nil {
		if l, ok := d.Layers[controllines.Blue]; ok {
			for _, p := range l.Polygons {
				if rings := ringsOf(p.Rings); len(rings) > 0 && areaDeg2(rings[0]) > 1e-6 { // about 1 ha: smaller ponds are noise at map scale
					mc.areas = append(mc.areas, render.Area{Rings: rings, Polygon: true, Fill: waterFill, Shared: true})
					water++
				}
			}
			for _, ln := range l.Lines {
				if c := coordsOf(ln.Points); len(c) >= 2 {
					mc.lines = append(mc.lines, render.Line{Coords: c, Style: riverStyle})
					water++
				}
			}
		}
	}
	if water > 0 {
		keys = append(keys, struct {
			item render.LegendItem
			key  string
		}{render.LegendItem{Color: waterFill}, "legend_water"})
	}
	var given [controllines.NumKinds]bool
	for _, l := range s.Inputs.Controls.Given {
		col := controlColour[l.Kind]
		for _, p := range l.Polygons {
			if rings := ringsOf(p.Rings); len(rings) > 0 {
				mc.areas = append(mc.areas, render.Area{Rings: rings, Polygon: true, Fill: render.Fade(col, 0.12), Stroke: col, Shared: true})
				given[l.Kind] = true
			}
		}
		for _, ln := range l.Lines {
			if c := coordsOf(ln.Points); len(c) >= 2 {
				mc.lines = append(mc.lines, render.Line{Coords: c, Style: render.LineStyle{Color: col, Width: 2.5, Z: 96, Above: true}})
				given[l.Kind] = true
			}
		}
	}
	for k, ok := range given {
		if ok {
			keys = append(keys, struct {
				item render.LegendItem
				key  string
			}{render.LegendItem{Line: render.LineStyle{Color: controlColour[k], Width: 3}}, controlKey[k]})
		}
	}
	mc.legend = func(lang i18n.Lang) []render.LegendItem {
		out := make([]render.LegendItem, len(keys))
		for i, k := range keys {
			out[i] = k.item
			out[i].Text = i18n.T(lang, k.key)
		}
		return out
	}
	return mc
}

func ringsOf(rings [][]graph.Point) [][][2]float64 {
	out := make([][][2]float64, 0, len(rings))
	for _, r := range rings {
		if c := coordsOf(r); len(c) >= 3 {
			out = append(out, c)
		}
	}
	return out
}

func coordsOf(pts []graph.Point) [][2]float64 {
	out := make([][2]float64, len(pts))
	for i, p := range pts {
		out[i] = [2]float64{p.Lon, p.Lat}
	}
	return out
}

// areaDeg2 is a ring's area in square degrees (shoelace).
func areaDeg2(r [][2]float64) float64 {
	a := 0.0
	for i := range r {
		j := (i + 1) % len(r)
		a += r[i][0]*r[j][1] - r[j][0]*r[i][1]
	}
	return math.Abs(a) / 2
}

// editLegend are the legend entries of an alternative's edited roads and
// conflicts (the conflict entry only when it has one).
func editLegend(lang i18n.Lang, r *scenarios.Result, checks []EditCheck) []render.LegendItem {
	if r == nil {
		return nil
	}
	var out []render.LegendItem
	edited, closed := false, false
	for _, rep := range r.Reports {
		if len(rep.Lines) == 0 {
			continue
		}
		if rep.Kind == "close" {
			closed = true
		} else {
			edited = true
		}
	}
	if edited {
		out = append(out, render.LegendItem{Text: i18n.T(lang, "legend_edited_road"), Line: editedRoadStyle})
	}
	if closed {
		out = append(out, render.LegendItem{Text: i18n.T(lang, "legend_closed_road"), Line: closedRoadStyle})
	}
	for _, c := range checks {
		if len(c.Stretches) > 0 {
			out = append(out, render.LegendItem{Text: i18n.T(lang, "legend_conflict"), Line: conflictStyle})
			break
		}
	}
	return out
}

// changeBounds is the box of an alternative's edited roads with a margin
// of a third of their extent (at least about 3 km), for the map zoomed to
// the change; ok is false when the alternative draws no line.
func changeBounds(lines []render.Line) ([4]float64, bool) {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, l := range lines {
		for _, p := range l.Coords {
			b[0], b[1] = math.Min(b[0], p[0]), math.Min(b[1], p[1])
			b[2], b[3] = math.Max(b[2], p[0]), math.Max(b[3], p[1])
		}
	}
	if b[0] > b[2] {
		return b, false
	}
	mx := math.Max((b[2]-b[0])/3, 0.03)
	my := math.Max((b[3]-b[1])/3, 0.03)
	return [4]float64{b[0] - mx, b[1] - my, b[2] + mx, b[3] + my}, true
}
