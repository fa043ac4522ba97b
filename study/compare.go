package study

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fastroad/fastroad/appraisal"
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/render"
	"github.com/fastroad/fastroad/report"
	"github.com/fastroad/fastroad/scenarios"
)

// errNoBase stops an alternative whose base could not be evaluated.
var errNoBase = errors.New("the base network was not evaluated")

// DiffSteps are the minutes-saved classes of the difference maps.
var DiffSteps = []float64{1, 5, 10}

// Options set how a study is compared. Zero values take the defaults.
type Options struct {
	// Fill sets the travel-time grids (cell size, access speed and
	// distance); CellMetres 0 takes the study's isochrones.cell_m.
	Fill isochrone.FillOptions
	// LimitMinutes is how far grids are filled, whatever bands are drawn,
	// so that differences and people counts see every cell reached in
	// either network (default 180).
	LimitMinutes float64
	// Workers evaluate networks in parallel (default GOMAXPROCS).
	Workers int
	// NoMaps skips the PNG maps.
	NoMaps bool
	// Font draws map labels (nil: render.SystemFont()).
	Font *render.Font
	// Log receives progress lines (nil: none).
	Log func(format string, args ...any)
	// Lang is the language of the maps' titles and legends ("": the
	// study's, see Comparison.DefaultLang).
	Lang i18n.Lang
}

func (o *Options) defaults(spec *scenarios.Study) {
	if o.Fill.CellMetres <= 0 {
		o.Fill.CellMetres = spec.Isochrones.CellMetres
	}
	if o.Fill.AccessMetres == 0 { // < 0: no land beside the roads
		o.Fill.AccessMetres = spec.Isochrones.AccessMetres
	}
	if o.Fill.AccessKmh <= 0 {
		o.Fill.AccessKmh = spec.Isochrones.AccessKmh
	}
	if o.LimitMinutes <= 0 {
		o.LimitMinutes = 180
	}
	if top := spec.Isochrones.Minutes[len(spec.Isochrones.Minutes)-1]; o.LimitMinutes < top {
		o.LimitMinutes = top
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	if o.Font == nil && !o.NoMaps {
		o.Font = render.SystemFont()
	}
}

// File is one output of a comparison, written by the caller.
type File struct {
	Name  string
	Write func(io.Writer) error
}

// Comparison is the result of comparing every alternative with the base.
type Comparison struct {
	Study   *Study
	Eval    report.EvalOptions
	Base    *report.Outcome
	Alts    []*report.Alternative
	Summary []report.Row   // base first, ranked
	People  *report.People // residents on the grid cells; nil without a population surface
	// Appraisal is the benefit appraisal (demand, traffic, costs,
	// ENPV/EBCR/EIRR, sensitivity); nil when the study has no appraisal key.
	Appraisal *appraisal.Result
	Ranks     map[string]int
	Meta      report.Study
	// Files are the outputs in name order (report.md among them).
	Files    []File
	FontInfo render.FontInfo // the font the maps used
	// Lang is the language the maps were drawn in.
	Lang i18n.Lang
	// MapTitles are the maps' titles, to warn when one needs a CJK font
	// the maps did not have.
	MapTitles []string
	// MapTime is the time spent drawing and encoding the PNG maps, summed
	// over the workers that drew them.
	MapTime time.Duration
}

// Compare evaluates the base and every alternative and renders every
// output into memory. Networks (the base among them) are evaluated and
// drawn at most Workers at a time; each alternative keeps only what the
// report needs once its grids have been drawn, so memory follows the
// number of workers, not of alternatives.
func (s *Study) Compare(ctx context.Context, opt Options) (*Comparison, error) {
	spec := &s.Spec
	opt.defaults(spec)
	for i, r := range s.Results {
		if r == nil {
			return nil, configf("study %s: alternative %q is not valid (run fastroad check)", s.Path, spec.Alternatives[i].Name)
		}
	}
	var apr *Appraisal
	if s.HasAppraisal() {
		var err error
		if apr, err = s.Appraise(ctx, AppraiseOptions{Workers: opt.Workers, NoMaps: opt.NoMaps, Font: opt.Font, Log: opt.Log}); err != nil {
			return nil, err
		}
	}
	minutes := spec.Isochrones.Minutes
	fill := opt.Fill
	fill.Box = s.RegionBox()
	opt.Fill.Box = fill.Box // the maps' box too
	c := &Comparison{Study: s}
	c.Eval = report.EvalOptions{
		Targets: report.Targets{ExpresswayMinutes: spec.Targets.ExpresswayMinutes, TrunkMinutes: spec.Targets.TrunkMinutes, HSRMinutes: spec.Targets.HSRMinutes,
			CentreMinutes: spec.Targets.CentreMinutes},
		Access:  places.AccessOptions{Snap: s.Profile.SnapOptions()},
		Fill:    fill,
		Minutes: minutes,
		Limit:   opt.LimitMinutes,
	}
	if fill.CellMetres <= 0 {
		fill.CellMetres = 100
	}
	geom, err := gridGeometry(fill.Box, fill.CellMetres)
	if err != nil {
		return nil, err
	}
	if c.People, err = s.People(geom); err != nil {
		return nil, err
	}
	c.Eval.People = c.People
	if c.People != nil {
		opt.Log("population surface: %.0f residents on the grid (%.0f outside it)", c.People.Total, c.People.Outside)
	}
	out := newOutputs()
	nets := s.Networks()
	savs := make([]map[string]*report.PeopleSavings, len(nets))
	outcomes := make([]*report.Outcome, len(nets))

	if !opt.NoMaps {
		out.ctx = s.newMapContext()
		out.cache = report.NewMapCache()
	}
	// Every network is evaluated in the pool of Workers, the base first:
	// it takes its slot before any alternative, so that alternatives
	// waiting for the base's grids (their differences and savings need
	// them) never hold every slot. An alternative is evaluated while the
	// base is, and the base's maps are drawn while alternatives are.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	baseDone := make(chan struct{}) // closed once outcomes[0] and opt.Lang are set
	errs := make([]error, len(nets))
	var wg sync.WaitGroup
	sem := make(chan struct{}, opt.Workers)
	sem <- struct{}{} // the base's slot
	for i := 1; i < len(nets); i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := ctx.Err(); err != nil {
				errs[i] = err
				return
			}
			o, err := s.evaluate(ctx, nets[i], c.Eval)
			<-baseDone
			base := outcomes[0]
			if err == nil && base == nil {
				err = errNoBase // the base failed: Compare returns its error
			}
			if err == nil && c.People != nil {
				savs[i], err = savings(c.People, base, o, c.Eval.Limit)
			}
			if err == nil {
				err = s.renderNetwork(ctx, out, o, base, s.Results[i-1], s.Checks[i-1], opt)
			}
			if o != nil {
				o.Release() // drawn and counted: free the grids
			}
			outcomes[i], errs[i] = o, err
		}(i)
	}
	base, err := s.evaluate(ctx, nets[0], c.Eval)
	if err == nil {
		if opt.Lang == "" {
			opt.Lang = studyLang(spec, base.Places)
		}
		c.Lang = opt.Lang
		outcomes[0] = base
		opt.Log("evaluated the base")
		close(baseDone)
		err = s.renderNetwork(ctx, out, base, nil, nil, nil, opt)
	} else {
		close(baseDone)
	}
	<-sem
	if err != nil {
		cancel()
		wg.Wait()
		return nil, err
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	opt.Log("evaluated base and %d alternatives", len(nets)-1)

	for i, a := range spec.Alternatives {
		r := s.Results[i]
		ra := &report.Alternative{Outcome: outcomes[i+1], Description: strings.TrimSpace(a.Description), Rebuilt: r.Rebuilt, Savings: savs[i+1]}
		for j, rep := range r.Reports {
			line := fmt.Sprintf("%s: %s", rep.Kind, rep.Summary)
			if t := s.Controls.Text(rep.Kind, s.Checks[i][j]); t != "" {
				line += ". Control lines: " + t
			}
			ra.Edits = append(ra.Edits, line)
			ra.Warnings = append(ra.Warnings, rep.Warnings...)
			ra.RoadKm += rep.Km
		}
		ra.Conflicts = s.Controls.Fields(s.Checks[i])
		c.Alts = append(c.Alts, ra)
	}
	c.Base = base
	c.summarise()
	c.FontInfo = out.fontInfo
	c.MapTitles = out.titles
	c.MapTime = out.mapTime
	c.Meta = c.meta(opt, fill)
	out.add("summary.csv", func(w io.Writer) error { return report.WriteCSV(w, c.Summary) })
	out.add("summary.json", func(w io.Writer) error { return report.WriteJSON(w, c.Summary) })
	out.add("towns.csv", func(w io.Writer) error { return report.WriteCSV(w, report.TownRows(base, c.Alts, c.Eval.Targets)) })
	out.add("coverage.csv", func(w io.Writer) error { return report.WriteCSV(w, report.CoverageRows(base, c.Alts)) })
	out.add("curves.csv", func(w io.Writer) error { return report.WriteCSV(w, report.CurveRows(base, c.Alts)) })
	if c.People != nil {
		out.add("people.csv", func(w io.Writer) error { return report.WriteCSV(w, report.PeopleRows(base, c.Alts, c.People)) })
		out.add("savings.csv", func(w io.Writer) error { return report.WriteCSV(w, report.SavingsRows(c.Alts, c.People)) })
		out.add("residents.csv", func(w io.Writer) error { return report.WriteCSV(w, countyTotals(c.People)) })
	}
	out.add("check.txt", func(w io.Writer) error { s.WriteCheck(w); return nil })
	out.add("places.csv", func(w io.Writer) error { return places.WriteCSV(w, base.Places) })
	if apr != nil {
		c.Appraisal, c.Meta.Appraisal = apr.Result, apr.Result
		for _, f := range apr.Files {
			out.add(f.Name, f.Write)
		}
	}
	out.add("report.md", func(w io.Writer) error {
		return report.WriteMarkdown(w, c.Meta, base, c.Alts, c.Summary, c.Ranks)
	})
	c.Files = out.sorted()
	for _, f := range c.Files {
		c.Meta.Files = append(c.Meta.Files, f.Name)
	}
	return c, nil
}

// evaluate measures one network.
func (s *Study) evaluate(ctx context.Context, n Network, eval report.EvalOptions) (*report.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ps, err := s.Places(n)
	if err != nil {
		return nil, err
	}
	o, err := report.Evaluate(n.Name, n.Graph, ps, eval)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return o, nil
}

// summarise builds the summary rows and the ranking.
func (c *Comparison) summarise() {
	spec := &c.Study.Spec
	minutes := spec.Isochrones.Minutes
	c.Summary = append(c.Summary, report.Summary(&report.Alternative{Outcome: c.Base, Description: "the network today"}, nil, c.Eval.Targets, minutes))
	for _, a := range c.Alts {
		c.Summary = append(c.Summary, report.Summary(a, c.Base, c.Eval.Targets, minutes))
	}
	c.Ranks = report.Rank(c.Summary[1:], spec.Rank)
	for i := range c.Summary {
		name, _ := c.Summary[i].Get("alternative")
		rank, none := 0, any("")
		if i > 0 {
			rank, none = c.Ranks[name.(string)], report.ChangesNothing(c.Summary[i])
		}
		c.Summary[i] = append(c.Summary[i], report.Field{Key: "rank", Value: rank}, report.Field{Key: "changes_nothing", Value: none})
	}
	// The base lacks change columns: pad so CSV columns line up.
	c.Summary[0] = padLike(c.Summary[0], c.Summary[len(c.Summary)-1])
}

// padLike gives row every key of like, in like's order (missing values empty).
func padLike(row, like report.Row) report.Row {
	out := make(report.Row, 0, len(like))
	for _, f := range like {
		v, ok := row.Get(f.Key)
		if !ok {
			v = ""
		}
		out = append(out, report.Field{Key: f.Key, Value: v})
	}
	return out
}

func (c *Comparison) meta(opt Options, fill isochrone.FillOptions) report.Study {
	s := c.Study
	spec := &s.Spec
	f := fill
	f.CellMetres, f.AccessKmh, f.AccessMetres = opt.Fill.CellMetres, opt.Fill.AccessKmh, opt.Fill.AccessMetres
	if f.AccessKmh <= 0 {
		f.AccessKmh = 5
	}
	if f.AccessMetres <= 0 {
		f.AccessMetres = 500
	}
	meta := report.Study{
		Name: spec.Name, Description: spec.Description, Source: s.Base.Graph.Meta.SourceName,
		Profile: profileText(s.ProfileName, s), Rank: spec.Rank, Targets: c.Eval.Targets, Minutes: spec.Isochrones.Minutes,
	}
	meta.Method = s.methodNotes(i18n.EN, c, f)
	meta.MethodZH = s.methodNotes(i18n.ZH, c, f)
	meta.People, meta.Limit = c.People, c.Eval.Limit
	return meta
}

// methodNotes are the report's notes on method and assumptions, in a
// language: speeds, places, entrances, grids, control lines and their
// sources, and where the residents came from.
func (s *Study) methodNotes(lang i18n.Lang, c *Comparison, f isochrone.FillOptions) []string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	out := []string{
		i18n.T(lang, "method_times"),
		i18n.T(lang, "method_towns"),
		i18n.T(lang, "method_entrances", g(s.opt.MinExpresswayKmOrDefault())),
		i18n.T(lang, "method_isochrones", g(f.CellMetres), g(f.AccessKmh), g(f.AccessMetres), g(c.Eval.Limit)),
		i18n.T(lang, "method_controls"),
		i18n.T(lang, "method_town_figures"),
	}
	out = append(out, s.Controls.SourcesIn(lang)...)
	return append(out, s.populationMethod(lang, c.People)...)
}

// studyLang is the maps' and report's language: the study's lang key, else
// zh when a place carries a Chinese name, else en.
func studyLang(spec *scenarios.Study, ps []places.Place) i18n.Lang {
	if spec.Lang != "" {
		if l, err := i18n.ParseLang(spec.Lang); err == nil {
			return l
		}
	}
	for _, p := range ps {
		if p.NameZh != "" || hasHan(p.Name) {
			return i18n.ZH
		}
	}
	return i18n.EN
}

func profileText(name string, s *Study) string {
	p := s.Profile
	if name == "" {
		name = "the shipped China profile"
	}
	return fmt.Sprintf("%s (motorway %g, trunk %g, primary %g, secondary %g km/h)", name, p.Speeds["motorway"], p.Speeds["trunk"], p.Speeds["primary"], p.Speeds["secondary"])
}

// outputs collects rendered files from several goroutines.
type outputs struct {
	mu       sync.Mutex
	files    map[string]File
	fontInfo render.FontInfo
	titles   []string
	ctx      *mapContext      // drawn under every map; nil without maps
	cache    *report.MapCache // the maps' road lines and their rasterised coverage
	mapTime  time.Duration
	beyonds  map[*isochrone.Grid]bool // report.AnyBeyondLimit of each grid, for the difference maps
}

// beyond is report.AnyBeyondLimit of g, worked out once per grid: the
// base's grids are compared with every alternative's.
func (o *outputs) beyond(g *isochrone.Grid, limitMinutes float64) bool {
	o.mu.Lock()
	b, ok := o.beyonds[g]
	o.mu.Unlock()
	if ok {
		return b
	}
	b = report.AnyBeyondLimit(limitMinutes, g)
	o.mu.Lock()
	o.beyonds[g] = b
	o.mu.Unlock()
	return b
}

// timed runs a map's drawing and adds its time to the maps' total.
func (o *outputs) timed(f func() error) error {
	t0 := time.Now()
	err := f()
	o.mu.Lock()
	o.mapTime += time.Since(t0)
	o.mu.Unlock()
	return err
}

func newOutputs() *outputs {
	return &outputs{files: map[string]File{}, beyonds: map[*isochrone.Grid]bool{}}
}

func (o *outputs) add(name string, write func(io.Writer) error) {
	o.mu.Lock()
	o.files[name] = File{Name: name, Write: write}
	o.mu.Unlock()
}

func (o *outputs) addBytes(name string, data []byte) {
	o.add(name, func(w io.Writer) error { _, err := w.Write(data); return err })
}

func (o *outputs) sorted() []File {
	out := make([]File, 0, len(o.files))
	for _, f := range o.files {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// renderBytes writes a value into bytes now, so the grids behind it can go.
func renderBytes(write func(io.Writer) error) ([]byte, error) {
	var buf bytes.Buffer
	err := write(&buf)
	return buf.Bytes(), err
}

// renderNetwork draws one network's isochrones and, for an alternative,
// its differences against the base, into out.
func (s *Study) renderNetwork(ctx context.Context, out *outputs, o, base *report.Outcome, r *scenarios.Result, checks []EditCheck, opt Options) error {
	var extra []render.Line
	if r != nil {
		extra = scenarioLines(r, checks)
	}
	lang := opt.Lang
	mo := func(title, legendTitle string) report.MapOptions {
		out.mu.Lock()
		out.titles = append(out.titles, title)
		out.mu.Unlock()
		// Every isochrone map of a study shows the same box (the grids'),
		// so maps side by side compare place for place.
		m := report.MapOptions{Title: title, LegendTitle: legendTitle, Font: opt.Font, Extra: extra, Lang: lang, LimitMinutes: opt.LimitMinutes,
			ExtraLegend: editLegend(lang, r, checks), Bounds: opt.Fill.Box, Cache: out.cache}
		if out.ctx != nil {
			m.Context, m.ContextAreas, m.ContextLegend = out.ctx.lines, out.ctx.areas, out.ctx.legend(lang)
		}
		return m
	}
	netName := o.Name
	if base == nil {
		netName = i18n.T(lang, "base")
	}
	// The network's maps are drawn two at a time: while the pool is full
	// they share its cores, and the last network of a study draws on
	// both instead of one. Each part writes files of its own names.
	var parts []func() error
	if r != nil && !opt.NoMaps {
		if b, ok := changeBounds(extra); ok {
			parts = append(parts, func() error {
				m := mo(i18n.T(lang, "map_title_change", o.Name), "")
				m.Bounds = b
				return out.timed(func() error {
					img, fi, err := report.IsochroneMap(o.Graph, nil, o.Places, m)
					return out.addPNG(report.ChangeMapName(o.Name), img, fi, err)
				})
			})
		}
	}
	towns := places.OfKind(o.Places, places.KindTown)
	for _, tgt := range []struct {
		key   string
		bands []isochrone.Band
		grid  *isochrone.Grid
	}{{"hsr", o.HSRBands, o.HSRGrid}, {"entrance", o.EntranceBands, o.EntranceGrid}} {
		if tgt.bands == nil {
			continue
		}
		parts = append(parts, func() error {
			name := fmt.Sprintf("%s-to-%s", o.Name, tgt.key)
			bands := tgt.bands
			data, err := renderBytes(func(w io.Writer) error {
				return isochrone.WriteGeoJSON(w, bands, func(i int) map[string]any { return BandProps(bands[i], towns) })
			})
			if err != nil {
				return err
			}
			out.addBytes(name+".geojson", data)
			if tgt.grid != nil {
				data, err := renderBytes(func(w io.Writer) error { return isochrone.WriteGeoTIFF(w, tgt.grid) })
				if err != nil {
					return err
				}
				out.addBytes(name+"-minutes.tif", data)
				out.add(name+"-minutes.prj", isochrone.WritePRJ)
			}
			if opt.NoMaps {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			title := i18n.T(lang, "map_title_network", netName, i18n.T(lang, "map_title_to_"+tgt.key))
			return out.timed(func() error {
				img, fi, err := report.IsochroneMap(o.Graph, bands, o.Places, mo(title, i18n.T(lang, "legend_minutes")))
				return out.addPNG(name+".png", img, fi, err)
			})
		})
	}
	if base != nil {
		for _, tgt := range []struct {
			key       string
			base, alt *isochrone.Grid
		}{{"hsr", base.HSRGrid, o.HSRGrid}, {"entrance", base.EntranceGrid, o.EntranceGrid}} {
			if tgt.base == nil || tgt.alt == nil {
				continue
			}
			parts = append(parts, func() error {
				name := fmt.Sprintf("diff-%s-%s", o.Name, tgt.key)
				// Classified once, for the GeoJSON and the map.
				d, err := report.DiffWithin(tgt.base, tgt.alt, opt.LimitMinutes)
				if err != nil {
					return err
				}
				classes := report.Classify(d, DiffSteps)
				data, err := renderBytes(func(w io.Writer) error { return writeDiffClasses(w, classes, opt.LimitMinutes) })
				if err != nil {
					return err
				}
				out.addBytes(name+".geojson", data)
				if opt.NoMaps {
					return nil
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				title := i18n.T(lang, "map_title_diff_"+tgt.key, o.Name)
				return out.timed(func() error {
					beyond := out.beyond(tgt.base, opt.LimitMinutes) || out.beyond(tgt.alt, opt.LimitMinutes)
					img, fi, err := report.DiffMapOf(o.Graph, d, classes, beyond, o.Places, mo(title, i18n.T(lang, "legend_against_today")))
					return out.addPNG(name+".png", img, fi, err)
				})
			})
		}
	}
	return inParallel(ctx, 2, parts)
}

// inParallel runs parts, at most n at a time, and returns their errors
// joined; once one fails, the parts not yet started are not.
func inParallel(ctx context.Context, n int, parts []func() error) error {
	errs := make([]error, len(parts))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	var failed atomic.Bool
	for i, part := range parts {
		sem <- struct{}{}
		if failed.Load() || ctx.Err() != nil {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if errs[i] = part(); errs[i] != nil {
				failed.Store(true)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return ctx.Err()
}

func (o *outputs) addPNG(name string, img *image.RGBA, fi render.FontInfo, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var buf bytes.Buffer
	err = render.EncodePNG(&buf, img)
	render.Recycle(img) // encoded: the next map may draw on it
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	o.mu.Lock()
	o.fontInfo = fi
	o.mu.Unlock()
	o.addBytes(name, buf.Bytes())
	return nil
}

// BandProps are a band's extra GeoJSON properties: towns inside and their
// population (nil when none lies inside).
func BandProps(b isochrone.Band, towns []places.Place) map[string]any {
	loc := isochrone.NewLocator(b)
	var names []string
	pop := 0
	for i := range towns {
		if loc.Contains(towns[i].Lon, towns[i].Lat) {
			names = append(names, towns[i].Label())
			pop += towns[i].Population
		}
	}
	if len(names) == 0 {
		return nil
	}
	return map[string]any{"towns": names, "population": pop}
}

// scenarioLines draws an alternative's new and changed roads over its maps
// (cyan: not a control-line colour), with the stretches inside purple or
// blue control lines black on yellow.
func scenarioLines(r *scenarios.Result, checks []EditCheck) []render.Line {
	var out []render.Line
	style, conflict := editedRoadStyle, conflictStyle
	line := func(pts []graph.Point, st render.LineStyle) {
		coords := make([][2]float64, len(pts))
		for i, p := range pts {
			coords[i] = [2]float64{p.Lon, p.Lat}
		}
		if len(coords) >= 2 {
			out = append(out, render.Line{Coords: coords, Style: st})
		}
	}
	for j, rep := range r.Reports {
		st := style
		if rep.Kind == "close" {
			st = closedRoadStyle
		}
		for _, l := range rep.Lines {
			line(l, st)
		}
		if j < len(checks) {
			for _, s := range checks[j].Stretches {
				line(s, conflict)
			}
		}
	}
	return out
}

// writeDiffClasses writes the classes of a difference against the base:
// areas saving (gain) or losing (loss) at least each DiffSteps minutes
// among the cells both networks reach within the limit, and the areas newly
// reached and no longer reached, which are never gains or losses.
func writeDiffClasses(w io.Writer, c report.DiffClasses, limit float64) error {
	var bands []isochrone.Band
	var props []map[string]any
	for _, b := range c.Gains {
		bands = append(bands, b)
		props = append(props, map[string]any{"change": "gain", "meaning": fmt.Sprintf("reached in both within %g min; saves at least %g minutes against the base", limit, b.Minutes)})
	}
	for _, b := range c.Losses {
		bands = append(bands, b)
		props = append(props, map[string]any{"change": "loss", "meaning": fmt.Sprintf("reached in both within %g min; loses at least %g minutes against the base", limit, b.Minutes)})
	}
	bands = append(bands, isochrone.Band{Polygons: c.NewlyReached}, isochrone.Band{Polygons: c.NoLongerReached})
	props = append(props,
		map[string]any{"change": "newly_reached", "meaning": fmt.Sprintf("reached within %g min by the alternative only", limit)},
		map[string]any{"change": "no_longer_reached", "meaning": fmt.Sprintf("reached within %g min by the base only", limit)})
	return isochrone.WriteGeoJSON(w, bands, func(i int) map[string]any { return props[i] })
}
