package report

import (
	"fmt"
	"image"
	"math"
	"strings"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/render"
)

// MapOptions frame a map.
type MapOptions struct {
	Width, Height int
	Title         string
	LegendTitle   string
	Font          *render.Font // nil: the system font search
	// Bounds to show (minLon, minLat, maxLon, maxLat); zero: fit the bands.
	Bounds [4]float64
	// Extra lines drawn over everything (scenario roads), with their style.
	Extra []render.Line
}

func (o *MapOptions) defaults() {
	if o.Width <= 0 {
		o.Width = 1600
	}
	if o.Height <= 0 {
		o.Height = 1200
	}
}

// RoadLines returns the graph's open segments inside bounds as map lines
// styled by class (closed roads are not drawn). On maps wider than about
// 30 km, local streets (residential, living_street, service, track and
// unclassified) are left out: at that scale they are a grey blur that hides
// the network a planner is looking at.
func RoadLines(g *graph.Graph, bounds [4]float64) []render.Line {
	var lines []render.Line
	var pts []graph.Point
	wide := bounds[2]-bounds[0] > 0.3 || bounds[3]-bounds[1] > 0.3
	for s := range g.Segments {
		seg := &g.Segments[s]
		if seg.Flags&graph.Closed != 0 {
			continue
		}
		if wide && seg.Class >= graph.Unclassified {
			continue
		}
		pts = g.Shape(pts[:0], int32(s))
		in := false
		for _, p := range pts {
			if p.Lon >= bounds[0] && p.Lon <= bounds[2] && p.Lat >= bounds[1] && p.Lat <= bounds[3] {
				in = true
				break
			}
		}
		if !in {
			continue
		}
		coords := make([][2]float64, len(pts))
		for i, p := range pts {
			coords[i] = [2]float64{p.Lon, p.Lat}
		}
		lines = append(lines, render.Line{Coords: coords, Style: render.RoadStyle(seg.Class.String())})
	}
	return lines
}

// PlaceLabels returns labels for places inside bounds: towns and stations
// named; entrances as markers, named only on maps narrower than about 30 km
// (a state-wide map has too many to read).
func PlaceLabels(ps []places.Place, bounds [4]float64) []render.Label {
	var out []render.Label
	wide := bounds[2]-bounds[0] > 0.3 || bounds[3]-bounds[1] > 0.3
	// stations first: labels placed earlier win collisions
	for _, kind := range []string{places.KindHSRStation, places.KindTown, places.KindRailStation, places.KindEntrance} {
		for i := range ps {
			p := &ps[i]
			if p.Kind != kind || p.Lon < bounds[0] || p.Lon > bounds[2] || p.Lat < bounds[1] || p.Lat > bounds[3] {
				continue
			}
			k := map[string]string{places.KindHSRStation: render.KindHSRStation, places.KindTown: render.KindTown,
				places.KindRailStation: "rail", places.KindEntrance: render.KindEntrance}[kind]
			text := p.Label()
			if kind == places.KindEntrance && (p.Name == "" || wide || strings.HasPrefix(p.Name, "unnamed")) {
				text = ""
			}
			out = append(out, render.Label{Lon: p.Lon, Lat: p.Lat, Text: text, Kind: k})
		}
	}
	return out
}

// bandsBounds is the box of the outermost band with a 5% margin.
func bandsBounds(bands []isochrone.Band) ([4]float64, bool) {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	ok := false
	for _, band := range bands {
		for _, poly := range band.Polygons {
			for _, p := range poly[0] {
				b[0], b[1] = math.Min(b[0], p[0]), math.Min(b[1], p[1])
				b[2], b[3] = math.Max(b[2], p[0]), math.Max(b[3], p[1])
				ok = true
			}
		}
	}
	if !ok {
		return b, false
	}
	mx, my := (b[2]-b[0])*0.05, (b[3]-b[1])*0.05
	return [4]float64{b[0] - mx, b[1] - my, b[2] + mx, b[3] + my}, true
}

// IsochroneMap draws bands (nested, smallest first) over the road network
// with place labels, a legend, a scale bar and the OSM attribution.
func IsochroneMap(g *graph.Graph, bands []isochrone.Band, ps []places.Place, opt MapOptions) (*image.RGBA, render.FontInfo, error) {
	opt.defaults()
	bounds := opt.Bounds
	if bounds == ([4]float64{}) {
		var ok bool
		if bounds, ok = bandsBounds(bands); !ok {
			lo, hi := g.Bounds()
			bounds = [4]float64{lo.Lon, lo.Lat, hi.Lon, hi.Lat}
		}
	}
	pal := render.Sequential(len(bands))
	var areas []render.Area
	var legend []render.LegendItem
	// Draw the largest band first so that inner bands sit on top.
	for i := len(bands) - 1; i >= 0; i-- {
		for _, poly := range bands[i].Polygons {
			areas = append(areas, render.Area{Rings: poly, Polygon: true, Fill: render.Fade(pal[i], 0.55), Stroke: render.Fade(pal[i], 0.9)})
		}
	}
	prev := 0.0
	for i, b := range bands {
		legend = append(legend, render.LegendItem{Color: render.Fade(pal[i], 0.55), Text: fmt.Sprintf("%g–%g min", prev, b.Minutes)})
		prev = b.Minutes
	}
	lines := append(RoadLines(g, bounds), opt.Extra...)
	m := render.Map{Width: opt.Width, Height: opt.Height, Bounds: bounds, Title: opt.Title, LegendTitle: opt.LegendTitle, Font: opt.Font}
	return m.Draw(areas, lines, PlaceLabels(ps, bounds), legend)
}

// DiffMap draws the minutes saved (base minus alternative) on a grid, gains
// and losses in a diverging palette, over the alternative's roads.
func DiffMap(g *graph.Graph, base, alt *isochrone.Grid, ps []places.Place, steps []float64, opt MapOptions) (*image.RGBA, render.FontInfo, error) {
	opt.defaults()
	diff, err := Diff(base, alt)
	if err != nil {
		return nil, render.FontInfo{}, err
	}
	bounds := opt.Bounds
	if bounds == ([4]float64{}) {
		bounds = [4]float64{diff.MinLon, diff.MinLat, diff.MinLon + float64(diff.W-1)*diff.DLon, diff.MinLat + float64(diff.H-1)*diff.DLat}
	}
	// classes: losses (negative) and gains (positive) by the step edges
	pal := render.Diverging(2*len(steps) + 1)
	var areas []render.Area
	var legend []render.LegendItem
	mid := len(steps)
	// gains: cells saving >= steps[k]; losses: cells losing >= steps[k]
	gains, losses := DiffBands(diff, steps)
	for k := range steps {
		for _, poly := range losses[k].Polygons {
			areas = append(areas, render.Area{Rings: poly, Polygon: true, Fill: render.Fade(pal[mid-k-1], 0.6)})
		}
	}
	for k := range steps {
		for _, poly := range gains[k].Polygons {
			areas = append(areas, render.Area{Rings: poly, Polygon: true, Fill: render.Fade(pal[mid+k+1], 0.6)})
		}
	}
	for k := len(steps) - 1; k >= 0; k-- {
		legend = append(legend, render.LegendItem{Color: render.Fade(pal[mid+k+1], 0.6), Text: fmt.Sprintf("saves ≥ %g min", steps[k])})
	}
	for k := 0; k < len(steps); k++ {
		legend = append(legend, render.LegendItem{Color: render.Fade(pal[mid-k-1], 0.6), Text: fmt.Sprintf("loses ≥ %g min", steps[k])})
	}
	lines := append(RoadLines(g, bounds), opt.Extra...)
	m := render.Map{Width: opt.Width, Height: opt.Height, Bounds: bounds, Title: opt.Title, LegendTitle: opt.LegendTitle, Font: opt.Font}
	return m.Draw(areas, lines, PlaceLabels(ps, bounds), legend)
}

// Diff returns a grid of seconds saved (base - alt) where both are reached;
// where only the alternative reaches a cell the saving is counted as +Inf
// (newly reached), where only the base does, -Inf (no longer reached).
func Diff(base, alt *isochrone.Grid) (*isochrone.Grid, error) {
	if base.W != alt.W || base.H != alt.H || base.MinLon != alt.MinLon || base.MinLat != alt.MinLat || base.DLon != alt.DLon || base.DLat != alt.DLat {
		return nil, fmt.Errorf("grids do not align: %dx%d vs %dx%d", base.W, base.H, alt.W, alt.H)
	}
	d := *base
	d.T = make([]float32, len(base.T))
	inf := float32(math.Inf(1))
	for k := range d.T {
		a, b := base.T[k], alt.T[k]
		switch {
		case a == inf && b == inf:
			d.T[k] = float32(math.NaN())
		case a == inf:
			d.T[k] = inf
		case b == inf:
			d.T[k] = -inf
		default:
			d.T[k] = a - b
		}
	}
	return &d, nil
}

// DiffBands returns, for each step (minutes), the areas saving at least
// that much (gains) and losing at least that much (losses) in a Diff grid.
func DiffBands(diff *isochrone.Grid, steps []float64) (gains, losses []isochrone.Band) {
	for _, m := range steps {
		gains = append(gains, isochrone.Band{Minutes: m, Polygons: isochrone.Contour(thresholdGrid(diff, float32(m*60)), 0)})
		losses = append(losses, isochrone.Band{Minutes: m, Polygons: isochrone.Contour(thresholdGrid(diff, -float32(m*60)), 0)})
	}
	return gains, losses
}

// thresholdGrid makes a grid whose "reached" cells (<= 0) are those where
// the saving is at least s (s > 0) or the loss at least -s (s < 0), so that
// isochrone.Contour draws them.
func thresholdGrid(diff *isochrone.Grid, s float32) *isochrone.Grid {
	g := *diff
	g.T = make([]float32, len(diff.T))
	inf := float32(math.Inf(1))
	for k, v := range diff.T {
		switch {
		case v != v: // NaN: reached by neither
			g.T[k] = inf
		case s > 0 && v >= s, s < 0 && v <= s:
			g.T[k] = -1
		default:
			g.T[k] = inf
		}
	}
	return &g
}
