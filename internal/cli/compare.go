package cli

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/render"
	"github.com/fastroad/fastroad/report"
	"github.com/fastroad/fastroad/scenarios"
)

func init() { register(compareCmd) }

// compareMarker marks a folder written by compare, which a rerun may replace.
const compareMarker = ".fastroad-compare"

// diffSteps are the minutes-saved classes of the difference maps.
var diffSteps = []float64{1, 5, 10}

func compareCmd(e *env) *cobra.Command {
	var out string
	var iso isoFlags
	var noMaps bool
	c := &cobra.Command{
		Use:   "compare STUDY.yaml -o OUTDIR",
		Short: "Run the base and every alternative of a study and write tables, maps and a report",
		Long: `Apply every alternative of the study to the base network and measure, for
the base and each alternative: each town's minutes to the nearest HSR station
and expressway entrance (and back from the station), the targets it meets,
coverage (towns and population within each band of an entrance and of the HSR
station), population-vs-minutes curves, isochrones and difference maps.

OUTDIR gets:
  report.md                      the report to read first
  summary.csv, summary.json      one row per network (base first), stable columns, ranked
  towns.csv                      per town and network, with changes against the base
  coverage.csv, curves.csv       coverage per band; cumulative population per minute
  check.txt                      what each edit matched and changed
  <name>-to-hsr.geojson|png      isochrones to the nearest HSR station (name: base or an alternative)
  <name>-to-entrance.geojson|png isochrones to the nearest expressway entrance
  diff-<alt>-hsr.geojson|png     minutes saved against the base (gains and losses)
  diff-<alt>-entrance.geojson|png
Output is byte-identical on rerun. OUTDIR is replaced only when it is empty or
was written by compare; the new folder is complete before it replaces the old.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return usagef("compare: -o OUTDIR is required")
			}
			return runCompare(e, args[0], out, iso, noMaps)
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "folder to write")
	c.Flags().BoolVar(&noMaps, "no-maps", false, "skip the PNG maps (GeoJSON and tables only)")
	iso.add(c.Flags())
	return c
}

// studyRun holds what every network of a study shares.
type studyRun struct {
	st    *study
	prof  osm.Profile
	feats *osm.Features
	plan  *places.Plan
	opt   places.Options
	eval  report.EvalOptions
}

// placesFor detects the places of a network (entrances change with the
// network) and applies the planner's file.
func (r *studyRun) placesFor(g *graph.Graph) ([]places.Place, error) {
	detected, _ := places.Detect(g, r.feats, r.opt)
	if r.plan == nil {
		return detected, nil
	}
	known, _ := places.Towns(r.feats, places.Options{Villages: true})
	ps, err := places.Apply(detected, *r.plan, known)
	if err != nil {
		return nil, usageError{err}
	}
	return ps, nil
}

// withStations applies an alternative's station edits.
func withStations(ps []places.Place, edits []scenarios.StationEdit, altName string) ([]places.Place, error) {
	out := slices.Clone(ps)
	for _, s := range edits {
		if s.Move {
			i := slices.IndexFunc(out, func(p places.Place) bool {
				return p.ID == s.ID && (p.Kind == places.KindHSRStation || p.Kind == places.KindRailStation)
			})
			if i < 0 {
				return nil, fmt.Errorf("alternative %q: move_station: no station with id %q", altName, s.ID)
			}
			out[i].Lon, out[i].Lat, out[i].Kind = s.Point.Lon, s.Point.Lat, places.KindHSRStation
			out[i].Entries = nil
			out[i].Source = "moved by alternative " + altName
			continue
		}
		if slices.ContainsFunc(out, func(p places.Place) bool { return p.ID == s.ID }) {
			return nil, fmt.Errorf("alternative %q: add_station: id %q is already used", altName, s.ID)
		}
		name := s.Name
		if name == "" {
			name = s.ID
		}
		out = append(out, places.Place{Kind: places.KindHSRStation, ID: s.ID, Name: name, Lon: s.Point.Lon, Lat: s.Point.Lat,
			Source: "added by alternative " + altName})
	}
	places.Sort(out)
	return out, nil
}

func runCompare(e *env, studyPath, out string, iso isoFlags, noMaps bool) error {
	t0 := time.Now()
	logf := func(format string, args ...any) {
		fmt.Fprintf(e.stderr, "[%5.1fs] %s\n", time.Since(t0).Seconds(), fmt.Sprintf(format, args...))
	}
	st, err := loadStudy(studyPath)
	if err != nil {
		return err
	}
	minutes := st.Isochrones.Minutes
	if st.Rank == "" {
		st.Rank = "population_within_30_min_of_entrance"
	}
	if !slices.Contains(report.Measures(minutes), st.Rank) {
		return usagef("study %s: rank: %q is not a measure; use one of %s", studyPath, st.Rank, strings.Join(report.Measures(minutes), ", "))
	}
	if err := checkOutDir(out); err != nil {
		return err
	}
	base, prof, err := st.baseNetwork(e)
	if err != nil {
		return err
	}
	logf("base network: %d nodes, %d segments", base.Graph.NumNodes(), len(base.Graph.Segments))
	run := &studyRun{st: st, prof: prof, opt: places.DefaultOptions()}
	run.opt.MinComponent = int32(prof.MinComponentNodes)
	extract, err := st.extract()
	if err != nil {
		return err
	}
	if run.feats, _, err = readFeatures(e, extract, 6); err != nil {
		return err
	}
	if st.Base.Places != "" {
		plan, err := readPlan(st.Base.Places)
		if err != nil {
			return err
		}
		run.plan = &plan
	}
	results, err := st.applyAll(base)
	if err != nil {
		var buf bytes.Buffer
		writeCheck(&buf, st, base.Graph, results, nil, nil)
		fmt.Fprint(e.stderr, buf.String())
		return err
	}
	logf("applied %d alternatives", len(results))
	ctl, err := loadControls(e, st, extract)
	if err != nil {
		return err
	}
	checks := checkAll(ctl, results)
	logf("checked the edits against the control lines")
	lo, hi := base.Graph.Bounds()
	fill := iso.options(minutes[len(minutes)-1])
	if st.Isochrones.CellMetres > 0 && iso.cell == 100 {
		fill.CellMetres = st.Isochrones.CellMetres
	}
	fill.Box = [4]float64{lo.Lon, lo.Lat, hi.Lon, hi.Lat}
	run.eval = report.EvalOptions{
		Targets: report.Targets{ExpresswayMinutes: st.Targets.ExpresswayMinutes, TrunkMinutes: st.Targets.TrunkMinutes, HSRMinutes: st.Targets.HSRMinutes},
		Access:  places.AccessOptions{Snap: prof.SnapOptions()},
		Fill:    fill,
		Minutes: minutes,
	}

	// Evaluate the base and every alternative, all cores.
	n := len(st.Alternatives) + 1
	outcomes := make([]*report.Outcome, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			name, g := "base", base.Graph
			var stations []scenarios.StationEdit
			if i > 0 {
				name, g, stations = st.Alternatives[i-1].Name, results[i-1].Graph, results[i-1].Stations
			}
			ps, err := run.placesFor(g)
			if err == nil {
				ps, err = withStations(ps, stations, name)
			}
			if err == nil {
				outcomes[i], err = report.Evaluate(name, g, ps, run.eval)
			}
			errs[i] = err
		}(i)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	logf("evaluated base and %d alternatives", n-1)

	alts := make([]*report.Alternative, len(st.Alternatives))
	for i, a := range st.Alternatives {
		ra := &report.Alternative{Outcome: outcomes[i+1], Description: strings.TrimSpace(a.Description), Rebuilt: results[i].Rebuilt}
		for j, rep := range results[i].Reports {
			line := fmt.Sprintf("%s: %s", rep.Kind, rep.Summary)
			if t := ctl.text(rep.Kind, checks[i][j]); t != "" {
				line += ". Control lines: " + t
			}
			ra.Edits = append(ra.Edits, line)
			ra.Warnings = append(ra.Warnings, rep.Warnings...)
			ra.RoadKm += rep.Km
		}
		ra.Conflicts = ctl.fields(checks[i])
		alts[i] = ra
	}
	var summary []report.Row
	summary = append(summary, report.Summary(&report.Alternative{Outcome: outcomes[0], Description: "the network today"}, nil, run.eval.Targets, minutes))
	for _, a := range alts {
		summary = append(summary, report.Summary(a, outcomes[0], run.eval.Targets, minutes))
	}
	ranks := report.Rank(summary[1:], st.Rank)
	for i := range summary {
		name, _ := summary[i].Get("alternative")
		rank := 0
		if i > 0 {
			rank = ranks[name.(string)]
		}
		summary[i] = append(summary[i], report.Field{Key: "rank", Value: rank})
	}
	// Summary rows of the base lack change columns: pad so CSV columns line up.
	summary[0] = padLike(summary[0], summary[len(summary)-1])

	// Write everything into a fresh folder, then swap it in.
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(out)), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	files := map[string]func(io.Writer) error{}
	add := func(name string, write func(io.Writer) error) { files[name] = write }
	add(compareMarker, func(w io.Writer) error { _, err := io.WriteString(w, "written by fastroad compare\n"); return err })
	add("summary.csv", func(w io.Writer) error { return report.WriteCSV(w, summary) })
	add("summary.json", func(w io.Writer) error { return report.WriteJSON(w, summary) })
	add("towns.csv", func(w io.Writer) error {
		return report.WriteCSV(w, report.TownRows(outcomes[0], alts, run.eval.Targets))
	})
	add("coverage.csv", func(w io.Writer) error { return report.WriteCSV(w, report.CoverageRows(outcomes[0], alts)) })
	add("curves.csv", func(w io.Writer) error { return report.WriteCSV(w, report.CurveRows(outcomes[0], alts)) })
	add("check.txt", func(w io.Writer) error { writeCheck(w, st, base.Graph, results, ctl, checks); return nil })
	add("places.csv", func(w io.Writer) error { return writePlaces(w, outcomes[0].Places) })
	var font *render.Font
	if !noMaps {
		if font, err = mapFont(iso.font); err != nil {
			return err
		}
	}
	type mapJob struct {
		name string
		draw func() ([]byte, render.FontInfo, error)
	}
	var maps []mapJob
	for i, o := range outcomes {
		o := o
		var extra []render.Line
		if i > 0 {
			extra = scenarioLines(results[i-1], checks[i-1])
		}
		for _, tgt := range []struct {
			key   string
			bands []isochrone.Band
			label string
		}{{"hsr", o.HSRBands, "the nearest HSR station"}, {"entrance", o.EntranceBands, "the nearest expressway entrance"}} {
			tgt := tgt
			if tgt.bands == nil {
				continue
			}
			name := fmt.Sprintf("%s-to-%s", o.Name, tgt.key)
			towns := places.OfKind(o.Places, places.KindTown)
			add(name+".geojson", func(w io.Writer) error {
				return isochrone.WriteGeoJSON(w, tgt.bands, func(i int) map[string]any { return bandProps(tgt.bands[i], towns) })
			})
			if !noMaps {
				title := fmt.Sprintf("%s: drive time to %s", o.Name, tgt.label)
				maps = append(maps, mapJob{name + ".png", func() ([]byte, render.FontInfo, error) {
					img, fi, err := report.IsochroneMap(o.Graph, tgt.bands, o.Places, report.MapOptions{Title: title, LegendTitle: "Minutes by car", Font: font, Extra: extra})
					return encode(img, fi, err)
				}})
			}
		}
		if i == 0 {
			continue
		}
		for _, tgt := range []struct {
			key       string
			base, alt *isochrone.Grid
		}{{"hsr", outcomes[0].HSRGrid, o.HSRGrid}, {"entrance", outcomes[0].EntranceGrid, o.EntranceGrid}} {
			tgt := tgt
			if tgt.base == nil || tgt.alt == nil {
				continue
			}
			name := fmt.Sprintf("diff-%s-%s", o.Name, tgt.key)
			add(name+".geojson", func(w io.Writer) error { return writeDiffGeoJSON(w, tgt.base, tgt.alt) })
			if !noMaps {
				title := fmt.Sprintf("%s: minutes saved to the nearest %s", o.Name, map[string]string{"hsr": "HSR station", "entrance": "expressway entrance"}[tgt.key])
				maps = append(maps, mapJob{name + ".png", func() ([]byte, render.FontInfo, error) {
					img, fi, err := report.DiffMap(o.Graph, tgt.base, tgt.alt, o.Places, diffSteps, report.MapOptions{Title: title, LegendTitle: "Against today", Font: font, Extra: extra})
					return encode(img, fi, err)
				}})
			}
		}
	}
	// Draw maps on all cores.
	pngs := make([][]byte, len(maps))
	merrs := make([]error, len(maps))
	var fontInfo render.FontInfo
	var fmu sync.Mutex
	for i := range maps {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var fi render.FontInfo
			pngs[i], fi, merrs[i] = maps[i].draw()
			fmu.Lock()
			fontInfo = fi
			fmu.Unlock()
		}(i)
	}
	wg.Wait()
	if err := errors.Join(merrs...); err != nil {
		return err
	}
	if len(maps) > 0 {
		warnFont(e, fontInfo, outcomes[0].Places)
		logf("drew %d maps", len(maps))
	}
	for i, m := range maps {
		data := pngs[i]
		add(m.name, func(w io.Writer) error { _, err := w.Write(data); return err })
	}
	names := make([]string, 0, len(files)+1)
	for name := range files {
		names = append(names, name)
	}
	names = append(names, "report.md")
	slices.Sort(names)
	meta := report.Study{
		Name: st.Name, Description: st.Description, Source: base.Graph.Meta.SourceName,
		Profile: profileText(st.Base.Profile, prof), Rank: st.Rank, Targets: run.eval.Targets, Minutes: minutes,
		Method: []string{
			"Travel times are shortest car times on the OSM road network with the profile's class speeds; no turn costs, signals or congestion.",
			"Towns are OSM place=city/town nodes (and county admin centres), changed by the planner's file; each is placed on the nearest ordinary road (not an expressway).",
			"Entrances are detected per network: points where ordinary roads enter the controlled-access network through on-ramps, one per interchange.",
			fmt.Sprintf("Isochrones: %g m grid cells; land reached from roads at %g km/h up to %g m; motorway mainline and ramps give no access to the land beside them.", fill.CellMetres, iso.accessKmh, iso.accessM),
			"Control lines: purple (heritage) and blue (water) are hard conflicts (length inside and crossings: a bridge, a tunnel or a new alignment); green is area taken at the study's road width; red is the share of an alignment inside road reservations. Drawn red on the maps where a road enters purple or blue lines.",
			"Population figures are the towns' own (OSM population tags or the planner's file); land area is from the isochrone polygons. No population grid is used.",
		},
	}
	meta.Method = append(meta.Method, ctl.sources()...)
	for _, name := range names {
		if name != compareMarker {
			meta.Files = append(meta.Files, name)
		}
	}
	add("report.md", func(w io.Writer) error { return report.WriteMarkdown(w, meta, outcomes[0], alts, summary, ranks) })
	for name, write := range files {
		if err := writeAtomic(filepath.Join(tmp, name), write); err != nil {
			return err
		}
	}
	if err := swapDir(tmp, out); err != nil {
		return err
	}
	done = true
	logf("wrote %s (%d files)", out, len(files))
	for _, a := range alts {
		fmt.Fprintf(e.stdout, "%-28s rank %d\n", a.Name, ranks[a.Name])
	}
	return nil
}

func encode(img *image.RGBA, fi render.FontInfo, err error) ([]byte, render.FontInfo, error) {
	if err != nil {
		return nil, fi, err
	}
	var buf bytes.Buffer
	if err := render.EncodePNG(&buf, img); err != nil {
		return nil, fi, err
	}
	return buf.Bytes(), fi, nil
}

// checkOutDir refuses to replace a folder compare did not write.
func checkOutDir(out string) error {
	st, err := os.Stat(out)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return usagef("compare: %s exists and is not a folder", out)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, compareMarker)); err != nil {
		return usagef("compare: %s is not empty and was not written by compare; choose another -o folder", out)
	}
	return nil
}

// swapDir moves the finished folder tmp to out, replacing a previous one.
func swapDir(tmp, out string) error {
	old := ""
	if _, err := os.Stat(out); err == nil {
		old = tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			os.Rename(old, out)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
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

func profileText(path string, p osm.Profile) string {
	name := "the shipped China profile"
	if path != "" {
		name = filepath.Base(path)
	}
	return fmt.Sprintf("%s (motorway %g, trunk %g, primary %g, secondary %g km/h)", name, p.Speeds["motorway"], p.Speeds["trunk"], p.Speeds["primary"], p.Speeds["secondary"])
}

// scenarioLines draws an alternative's new and changed roads over its maps,
// with the stretches inside purple or blue control lines in red.
func scenarioLines(r *scenarios.Result, checks []editCheck) []render.Line {
	var out []render.Line
	style := render.LineStyle{Color: color.RGBA{0x6a, 0x1b, 0x9a, 0xff}, Width: 4, Casing: color.RGBA{0xff, 0xff, 0xff, 0xff}, Z: 100, Above: true}
	conflict := render.LineStyle{Color: color.RGBA{0xe0, 0x10, 0x10, 0xff}, Width: 7, Z: 101, Above: true}
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
		for _, l := range rep.Lines {
			line(l, style)
		}
		if j < len(checks) {
			for _, s := range checks[j].stretches {
				line(s, conflict)
			}
		}
	}
	return out
}

// writeDiffGeoJSON writes the areas saving (kind gain) or losing (kind loss)
// at least each diffSteps minutes.
func writeDiffGeoJSON(w io.Writer, base, alt *isochrone.Grid) error {
	d, err := report.Diff(base, alt)
	if err != nil {
		return err
	}
	gains, losses := report.DiffBands(d, diffSteps)
	bands := append(gains, losses...)
	var kinds []string
	for range gains {
		kinds = append(kinds, "gain")
	}
	for range losses {
		kinds = append(kinds, "loss")
	}
	return isochrone.WriteGeoJSON(w, bands, func(i int) map[string]any {
		return map[string]any{"change": kinds[i], "meaning": fmt.Sprintf("%s of at least %g minutes against the base", kinds[i], bands[i].Minutes)}
	})
}
