package report

import (
	"image"
	"image/color"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
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
	// Lang is the language of the legend (default en).
	Lang i18n.Lang
	// Context are drawn under everything (county boundaries, water), with
	// their legend entries in ContextLegend.
	Context       []render.Line
	ContextAreas  []render.Area
	ContextLegend []render.LegendItem
	// ExtraLegend are the legend entries of Extra (edited roads, conflicts).
	ExtraLegend []render.LegendItem
	// Cache, when set, keeps each network's road lines and the rasterised
	// lines between the maps drawn with it (see MapCache): the maps of a
	// study share one.
	Cache *MapCache
}

// MapCache is what a series of maps over a few networks shares: each
// network's road lines per frame (RoadLines walks every segment of the
// graph) and their rasterised coverage (render.Cache). A map drawn with a
// MapCache is the map drawn without. Safe for concurrent use.
type MapCache struct {
	render *render.Cache
	mu     sync.Mutex
	roads  []*roadsEntry // the most recent last
}

// mapCacheRoads is how many networks' road lines a MapCache keeps.
const mapCacheRoads = 8

type roadsEntry struct {
	g       *graph.Graph
	bounds  [4]float64
	ready   chan struct{} // closed once lines and classes are set
	lines   []render.Line
	classes map[string]bool
}

// NewMapCache returns an empty MapCache.
func NewMapCache() *MapCache { return &MapCache{render: render.NewCache(0)} }

// roadLines is roadLinesClasses through the cache (c may be nil). The
// lines are shared: callers must not change them.
func (c *MapCache) roadLines(g *graph.Graph, bounds [4]float64) ([]render.Line, map[string]bool) {
	if c == nil {
		return roadLinesClasses(g, bounds)
	}
	c.mu.Lock()
	for i, e := range c.roads {
		if e.g == g && e.bounds == bounds {
			c.roads = append(append(c.roads[:i:i], c.roads[i+1:]...), e)
			c.mu.Unlock()
			<-e.ready
			return e.lines, e.classes
		}
	}
	e := &roadsEntry{g: g, bounds: bounds, ready: make(chan struct{})}
	if len(c.roads) >= mapCacheRoads {
		c.roads = c.roads[1:]
	}
	c.roads = append(c.roads, e)
	c.mu.Unlock()
	e.lines, e.classes = roadLinesClasses(g, bounds)
	close(e.ready)
	return e.lines, e.classes
}

func (c *MapCache) renderCache() *render.Cache {
	if c == nil {
		return nil
	}
	return c.render
}

func (o *MapOptions) defaults() {
	if o.Lang == "" {
		o.Lang = i18n.EN
	}
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
	lines, _ := roadLinesClasses(g, bounds)
	return lines
}

// roadLinesClasses is RoadLines with the set of classes drawn (a link
// counts as its road).
func roadLinesClasses(g *graph.Graph, bounds [4]float64) ([]render.Line, map[string]bool) {
	classes := map[string]bool{}
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
		c, _ := strings.CutSuffix(seg.Class.String(), "_link")
		classes[c] = true
	}
	return lines, classes
}

// PlaceLabels returns labels for places inside bounds: towns and stations
// named; entrances as markers, named only on maps narrower than about 30 km
// (a state-wide map has too many to read).
//
// Labels placed earlier win collisions, so they come by importance: towns
// by population (the largest first: Wilmington wins over the halts and
// villages around it), then HSR stations (their marker stands out whether
// or not the name fits), then rail stations, then entrances. A rail
// station or entrance named like a town already labelled is drawn as a
// marker without its text, so no name shows twice.
func PlaceLabels(ps []places.Place, bounds [4]float64) []render.Label {
	return placeLabels(ps, bounds, i18n.EN, false)
}

func placeLabels(ps []places.Place, bounds [4]float64, lang i18n.Lang, localised bool) []render.Label {
	var out []render.Label
	wide := bounds[2]-bounds[0] > 0.3 || bounds[3]-bounds[1] > 0.3
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]].Population > ps[idx[b]].Population })
	shown := map[string]bool{}
	for _, kind := range []string{places.KindTown, places.KindHSRStation, places.KindRailStation, places.KindEntrance} {
		for _, i := range idx {
			p := &ps[i]
			if p.Kind != kind || p.Lon < bounds[0] || p.Lon > bounds[2] || p.Lat < bounds[1] || p.Lat > bounds[3] {
				continue
			}
			k := map[string]string{places.KindHSRStation: render.KindHSRStation, places.KindTown: render.KindTown,
				places.KindRailStation: render.KindRailStation, places.KindEntrance: render.KindEntrance}[kind]
			text := p.Label()
			if localised {
				if t := i18n.Name(lang, p.Name, p.NameZh, p.NameEn); t != "" {
					text = t
				}
			}
			if (kind == places.KindRailStation || kind == places.KindEntrance) && shown[text] {
				text = ""
			}
			if text != "" {
				shown[text] = true
			}
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
		legend = append(legend, render.LegendItem{Color: render.Fade(pal[i], 0.55), Text: i18n.T(opt.Lang, "band_range", prev, b.Minutes)})
		prev = b.Minutes
	}
	return drawMap(g, bounds, areas, legend, ps, opt)
}

// drawMap draws the context, the areas, the roads with opt.Extra over them
// and the places, with a legend of the areas, then everything else drawn:
// road classes, place kinds, edited roads and control lines, context.
func drawMap(g *graph.Graph, bounds [4]float64, areas []render.Area, legend []render.LegendItem, ps []places.Place, opt MapOptions) (*image.RGBA, render.FontInfo, error) {
	m := render.Map{Width: opt.Width, Height: opt.Height, Bounds: bounds, Title: opt.Title, LegendTitle: opt.LegendTitle, Font: opt.Font, Cache: opt.Cache.renderCache()}
	// The frame shows more than bounds where their shape differs from the
	// frame's: draw the roads and places of all of it.
	if proj, err := m.Projection(); err == nil {
		f := proj.Frame
		lon0, lat0 := proj.Unproject(float64(f.Min.X), float64(f.Max.Y))
		lon1, lat1 := proj.Unproject(float64(f.Max.X), float64(f.Min.Y))
		if lon0 < lon1 && lat0 < lat1 {
			bounds = [4]float64{lon0, lat0, lon1, lat1}
		}
	}
	roads, classes := opt.Cache.roadLines(g, bounds)
	lines := append(append(append([]render.Line(nil), opt.Context...), roads...), opt.Extra...)
	all := append(append([]render.Area(nil), opt.ContextAreas...), areas...)
	labels := placeLabels(ps, bounds, opt.Lang, true)
	for _, c := range []struct{ class, key string }{{"motorway", "legend_motorway"}, {"trunk", "legend_trunk"}, {"primary", "legend_primary"},
		{"secondary", "legend_secondary"}, {"tertiary", "legend_tertiary"}} {
		if classes[c.class] {
			legend = append(legend, render.LegendItem{Text: i18n.T(opt.Lang, c.key), Line: render.RoadStyle(c.class)})
		}
	}
	for c := range classes {
		switch c {
		case "motorway", "trunk", "primary", "secondary", "tertiary":
			continue
		}
		legend = append(legend, render.LegendItem{Text: i18n.T(opt.Lang, "legend_other_road"), Line: render.RoadStyle("unclassified")})
		break
	}
	kinds := map[string]bool{}
	for _, l := range labels {
		kinds[l.Kind] = true
	}
	for _, k := range []struct{ kind, key string }{{render.KindHSRStation, "legend_hsr_station"}, {render.KindRailStation, "legend_station"},
		{render.KindTown, "legend_town"}, {render.KindEntrance, "legend_entrance"}} {
		if kinds[k.kind] {
			legend = append(legend, render.LegendItem{Text: i18n.T(opt.Lang, k.key), Marker: k.kind})
		}
	}
	legend = append(legend, opt.ExtraLegend...)
	legend = append(legend, opt.ContextLegend...)
	return m.Draw(all, lines, labels, legend)
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
	return DiffMapOf(g, diff, Classify(diff, steps), BeyondLimit(base, alt, opt.LimitMinutes) > 0, ps, opt)
}

// DiffMapOf is DiffMap from a difference grid already classified (see
// DiffWithin, Classify and BeyondLimit), for a caller that also writes
// the classes as GeoJSON and should not classify twice.
func DiffMapOf(g *graph.Graph, diff *isochrone.Grid, c DiffClasses, beyond bool, ps []places.Place, opt MapOptions) (*image.RGBA, render.FontInfo, error) {
	opt.defaults()
	bounds := opt.Bounds
	if bounds == ([4]float64{}) {
		bounds = [4]float64{diff.MinLon, diff.MinLat, diff.MinLon + float64(diff.W-1)*diff.DLon, diff.MinLat + float64(diff.H-1)*diff.DLat}
	}
	areas, legend := diffLayers(c, opt.LimitMinutes, beyond, opt.Lang)
	return drawMap(g, bounds, areas, legend, ps, opt)
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
func diffLayers(c DiffClasses, limitMinutes float64, beyond bool, lang i18n.Lang) ([]render.Area, []render.LegendItem) {
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
	// Classes nest (a cell saving 10 min also saves 5): each colour reads
	// as the range up to the next step.
	rangeText := func(k int, faster bool) string {
		key, more := "diff_slower", "diff_slower_more"
		if faster {
			key, more = "diff_faster", "diff_faster_more"
		}
		if k == len(steps)-1 {
			return i18n.T(lang, more, steps[k])
		}
		return i18n.T(lang, key, steps[k], steps[k+1])
	}
	for k := len(steps) - 1; k >= 0; k-- {
		legend = append(legend, render.LegendItem{Color: render.Fade(pal[mid+k+1], 0.6), Text: rangeText(k, true)})
	}
	for k := 0; k < len(steps); k++ {
		legend = append(legend, render.LegendItem{Color: render.Fade(pal[mid-k-1], 0.6), Text: rangeText(k, false)})
	}
	within := ""
	if limitMinutes > 0 && !math.IsInf(limitMinutes, 1) {
		within = i18n.T(lang, "within_limit", limitMinutes)
	}
	legend = append(legend,
		render.LegendItem{Color: render.Fade(newlyReachedColour, 0.6), Text: i18n.T(lang, "diff_newly_reached") + within},
		render.LegendItem{Color: render.Fade(noLongerReachedColour, 0.6), Text: i18n.T(lang, "diff_no_longer_reached") + within})
	if beyond {
		legend = append(legend, render.LegendItem{Text: i18n.T(lang, "beyond_not_compared", limitMinutes)})
	}
	return areas, legend
}
