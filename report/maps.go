package report

import (
	"fmt"
	"image"
	"image/color"
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
	// LimitMinutes (DiffMap): a cell farther than this from the target in a
	// network counts as not reached by it; default DefaultDiffLimitMinutes.
	LimitMinutes float64
}

func (o *MapOptions) defaults() {
	if !(o.LimitMinutes > 0) {
		o.LimitMinutes = DefaultDiffLimitMinutes
	}
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

// DiffMap draws what an alternative changes against the base on two
// aligned grids of travel times: cells saving (blue) or losing (red) at
// least each of steps minutes, in a diverging palette, and cells reached
// within opt.LimitMinutes in only one network as their own classes (newly
// reached, green; no longer reached, dark grey), over the alternative's
// roads. When something lies beyond the limit in either network (see
// BeyondLimit) the legend says so: those areas are not compared. See
// DiffWithin and Classify for the classes. Fill both grids to at least
// opt.LimitMinutes (isochrone.FillOptions.MaxSeconds = 60 * limit): a grid
// filled less leaves cells unreached that are within the limit, and the map
// cannot tell.
func DiffMap(g *graph.Graph, base, alt *isochrone.Grid, ps []places.Place, steps []float64, opt MapOptions) (*image.RGBA, render.FontInfo, error) {
	opt.defaults()
	diff, err := DiffWithin(base, alt, opt.LimitMinutes)
	if err != nil {
		return nil, render.FontInfo{}, err
	}
	bounds := opt.Bounds
	if bounds == ([4]float64{}) {
		bounds = [4]float64{diff.MinLon, diff.MinLat, diff.MinLon + float64(diff.W-1)*diff.DLon, diff.MinLat + float64(diff.H-1)*diff.DLat}
	}
	c := Classify(diff, steps)
	areas, legend := diffLayers(c, opt.LimitMinutes, BeyondLimit(base, alt, opt.LimitMinutes) > 0)
	lines := append(RoadLines(g, bounds), opt.Extra...)
	m := render.Map{Width: opt.Width, Height: opt.Height, Bounds: bounds, Title: opt.Title, LegendTitle: opt.LegendTitle, Font: opt.Font}
	return m.Draw(areas, lines, PlaceLabels(ps, bounds), legend)
}

// Colours of the classes of a difference map that are neither gains nor
// losses: outside the red-blue palette and told apart by lightness too.
var (
	newlyReachedColour    = color.RGBA{0x1b, 0x9e, 0x77, 0xff} // green
	noLongerReachedColour = color.RGBA{0x40, 0x40, 0x40, 0xff} // dark grey
)

// diffLayers returns the areas (losses, gains by increasing step, then the
// two reach classes) and the legend of a difference map; beyond adds the
// note that some areas lie beyond the limit.
func diffLayers(c DiffClasses, limitMinutes float64, beyond bool) ([]render.Area, []render.LegendItem) {
	steps := c.Steps
	pal := render.Diverging(2*len(steps) + 1)
	mid := len(steps)
	var areas []render.Area
	var legend []render.LegendItem
	for k := range steps {
		for _, poly := range c.Losses[k].Polygons {
			areas = append(areas, render.Area{Rings: poly, Polygon: true, Fill: render.Fade(pal[mid-k-1], 0.6)})
		}
	}
	for k := range steps {
		for _, poly := range c.Gains[k].Polygons {
			areas = append(areas, render.Area{Rings: poly, Polygon: true, Fill: render.Fade(pal[mid+k+1], 0.6)})
		}
	}
	for _, poly := range c.NewlyReached {
		areas = append(areas, render.Area{Rings: poly, Polygon: true, Fill: render.Fade(newlyReachedColour, 0.6)})
	}
	for _, poly := range c.NoLongerReached {
		areas = append(areas, render.Area{Rings: poly, Polygon: true, Fill: render.Fade(noLongerReachedColour, 0.6)})
	}
	for k := len(steps) - 1; k >= 0; k-- {
		legend = append(legend, render.LegendItem{Color: render.Fade(pal[mid+k+1], 0.6), Text: fmt.Sprintf("saves ≥ %g min", steps[k])})
	}
	for k := 0; k < len(steps); k++ {
		legend = append(legend, render.LegendItem{Color: render.Fade(pal[mid-k-1], 0.6), Text: fmt.Sprintf("loses ≥ %g min", steps[k])})
	}
	within := ""
	if limitMinutes > 0 && !math.IsInf(limitMinutes, 1) {
		within = fmt.Sprintf(" within %g min", limitMinutes)
	}
	legend = append(legend,
		render.LegendItem{Color: render.Fade(newlyReachedColour, 0.6), Text: "newly reached" + within},
		render.LegendItem{Color: render.Fade(noLongerReachedColour, 0.6), Text: "no longer reached" + within})
	if beyond {
		legend = append(legend, render.LegendItem{Text: fmt.Sprintf("beyond %g min in both: not compared", limitMinutes)})
	}
	return areas, legend
}
