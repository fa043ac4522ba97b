package cli

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"image"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/crs"
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/render"
	"github.com/fastroad/fastroad/report"
	"github.com/fastroad/fastroad/study"
)

func init() { register(populationCmd) }

// readSettlements reads the settlements (boundaries, places, residential
// land, buildings) of the extract behind the graph (the --graph extract
// itself, or the one named in the graph file's header next to it) for the
// built-in default, in one read of the extract.
var readSettlements = func(e *env, graphPath string, g *graph.Graph) (*population.Settlements, error) {
	path, _, err := featureSource(&placeFlags{graph: graphPath})
	if err != nil {
		return nil, err
	}
	src, err := newExtractSource(e, path)
	if err != nil {
		return nil, err
	}
	opt := osm.ExtractOptions{NoGraph: true, Settlements: &osm.SettlementOptions{Buildings: true}}
	ex, err := osm.ReadExtract(e.ctx, src.opener("settlements from", opt.Passes(osm.FormatPBF)), opt)
	src.bar.done()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex.Settlements, nil
}

// popFlags are the population command's settings.
type popFlags struct {
	graph, study, out, png, csv, crsName, property, title, font string
	sources, totals                                             []string
	cell                                                        float64
	adminLevel                                                  int
}

func populationCmd(e *env) *cobra.Command {
	var pf popFlags
	c := &cobra.Command{
		Use:   "population --graph G [--population SRC ...] [--cell 250] -o pop.tif [--png pop.png] [--csv by-area.csv]",
		Short: "Residents per cell from the planner's grids, points and polygons, or the built-in default",
		Long: `Build a surface of residents per cell (GeoTIFF, float32, EPSG:4326, with a
.prj beside it) over the graph's box from the sources given with
--population, in order, first source wins per area:

  .tif/.tiff  grid of residents per cell (WorldPop, GHS-POP: EPSG:4326)
  .asc        ESRI ASCII grid of residents per cell (EPSG:4326)
  .csv        points: lon,lat,population[,name][,crs]
  .geojson    polygons (FeatureCollection) with a numeric --property

then the built-in default for the area none covers: county totals (--total
NAME=N, else the population tags of admin boundaries at --admin-level)
spread over the extract's settlements, with per-class estimates where no
total exists. --png draws residents per km²; --csv writes totals by
source, polygon, county and town.

Map data © OpenStreetMap contributors (ODbL).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error { return runPopulation(e, &pf) },
	}
	f := c.Flags()
	f.StringVar(&pf.graph, "graph", "", "graph file from 'fastroad build', or an OSM extract; its box is the surface's")
	f.StringVar(&pf.study, "study", "", "a study file: its population sources, population_totals, region and cell size (instead of --graph and the source flags)")
	f.StringArrayVar(&pf.sources, "population", nil, "planner's source: .tif, .asc, .csv (points) or .geojson (polygons); repeatable, first wins per area")
	f.Float64Var(&pf.cell, "cell", population.DefaultCellMetres, "surface cell size in metres (10 to 100000)")
	f.StringVar(&pf.crsName, "crs", "wgs84", "coordinates of points and polygons sources: wgs84, gcj02 or bd09")
	f.StringVar(&pf.property, "property", population.DefaultPopulationProperty, "polygons' property holding their residents")
	f.StringArrayVar(&pf.totals, "total", nil, "county total NAME=RESIDENTS for the built-in default (repeatable)")
	f.IntVar(&pf.adminLevel, "admin-level", population.DefaultAdminLevel, "admin_level of the county boundaries (1 to 12)")
	f.StringVarP(&pf.out, "output", "o", "", "GeoTIFF of residents per cell to write (.tif)")
	f.StringVar(&pf.png, "png", "", "also draw a PNG map of residents per km²")
	f.StringVar(&pf.csv, "csv", "", "also write residents by source, polygon, county and town (CSV)")
	f.StringVar(&pf.title, "title", "", "map title (default: Residents per km²)")
	f.StringVar(&pf.font, "font", "", "TTF/OTF/TTC font for map labels")
	return c
}

func runPopulation(e *env, pf *popFlags) error {
	if (pf.graph == "") == (pf.study == "") {
		return usagef("population: give exactly one of --graph and --study")
	}
	if pf.study != "" && (len(pf.sources) > 0 || len(pf.totals) > 0) {
		return usagef("population: with --study the sources and totals come from the study file (keys population and population_totals); drop --population and --total")
	}
	if pf.out == "" {
		return usagef("population: -o pop.tif is required")
	}
	if ext := strings.ToLower(filepath.Ext(pf.out)); ext != ".tif" && ext != ".tiff" {
		return usagef("population: -o %s: want a .tif file", pf.out)
	}
	if math.IsNaN(pf.cell) || pf.cell < 10 || pf.cell > 100000 {
		return usagef("population: --cell %v: want 10 to 100000 metres", pf.cell)
	}
	if pf.adminLevel < 1 || pf.adminLevel > 12 {
		return usagef("population: --admin-level %d: want 1 to 12", pf.adminLevel)
	}
	sys, err := crs.ParseSystem(pf.crsName)
	if err != nil {
		return usagef("population: --crs: %v", err)
	}
	totals := map[string]float64{}
	for _, t := range pf.totals {
		name, v, ok := strings.Cut(t, "=")
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		name = strings.TrimSpace(name)
		if !ok || name == "" || err != nil || math.IsNaN(n) || n < 0 || n > population.MaxResidents {
			return usagef("population: --total %q: want NAME=RESIDENTS with 0 to %g residents", t, float64(population.MaxResidents))
		}
		if _, dup := totals[name]; dup {
			return usagef("population: --total %q: %s given twice", t, name)
		}
		totals[name] = n
	}
	if pf.study != "" {
		st, err := prepareStudy(e, pf.study)
		if err != nil {
			return err
		}
		surf, err := st.Surface()
		if err != nil {
			return err
		}
		level := st.Spec.PopulationAdminLevel
		if level == 0 {
			level = population.DefaultAdminLevel
		}
		if region := st.Region(); len(region) > 0 {
			defer fmt.Fprintf(e.stderr, "study region %s: %s residents outside it left out\n", strings.Join(region, ", "), fmtPop(st.LeftOut()))
		}
		return writePopulation(e, pf, st.Base.Graph, surf, st.Settlements, level)
	}
	prof, err := loadProfile("")
	if err != nil {
		return err
	}
	g, err := loadGraph(e, pf.graph, prof, false)
	if err != nil {
		return err
	}
	lo, hi := g.Bounds()
	surf, err := population.NewSurface(lo.Lon, lo.Lat, hi.Lon, hi.Lat, pf.cell)
	if err != nil {
		return usagef("population: %v", err)
	}
	box := population.Box(surf.Bounds())
	var sources []population.Source
	for _, path := range pf.sources {
		src, warnings, err := readPopulationSource(path, box, sys, pf.property)
		if err != nil {
			return usageError{err}
		}
		for _, w := range warnings {
			fmt.Fprintf(e.stderr, "warning: %s\n", w)
		}
		sources = append(sources, src)
	}
	set, err := readSettlements(e, pf.graph, g)
	if err != nil {
		if len(sources) == 0 {
			return usagef("population: no --population source given and %v", err)
		}
		if len(totals) > 0 {
			return usagef("population: --total needs the built-in default, and %v", err)
		}
		fmt.Fprintf(e.stderr, "warning: no built-in default for the area the sources leave out: %v\n", err)
		set = nil
	}
	opt := population.Options{Settlements: set, Totals: totals, AdminLevel: pf.adminLevel}
	if set != nil {
		opt.Roads = study.RoadPieces(g)
	}
	if err := population.Build(surf, sources, opt); err != nil {
		return usagef("population: %v", err)
	}
	return writePopulation(e, pf, g, surf, set, pf.adminLevel)
}

// writePopulation writes the surface, its .prj, the map and the CSV; all
// are computed before anything is written.
func writePopulation(e *env, pf *popFlags, g *graph.Graph, surf *population.Surface, set *population.Settlements, adminLevel int) error {
	// Everything is computed before anything is written.
	var tif, csvOut, pngOut bytes.Buffer
	if err := population.WriteGeoTIFF(&tif, surf); err != nil {
		return err
	}
	if pf.csv != "" {
		if err := writeByArea(&csvOut, surf, set, adminLevel); err != nil {
			return err
		}
	}
	if pf.png != "" {
		font, err := mapFont(pf.font)
		if err != nil {
			return err
		}
		img, err := populationMap(g, surf, set, pf.title, font)
		if err != nil {
			return err
		}
		if err := render.EncodePNG(&pngOut, img); err != nil {
			return err
		}
	}
	copyTo := func(b *bytes.Buffer) func(io.Writer) error {
		return func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }
	}
	if err := writeAtomic(pf.out, copyTo(&tif)); err != nil {
		return err
	}
	prj := strings.TrimSuffix(pf.out, filepath.Ext(pf.out)) + ".prj"
	if err := writeAtomic(prj, func(w io.Writer) error { _, err := io.WriteString(w, population.PRJ+"\n"); return err }); err != nil {
		return err
	}
	if pf.csv != "" {
		if err := writeAtomic(pf.csv, copyTo(&csvOut)); err != nil {
			return err
		}
	}
	if pf.png != "" {
		if err := writeAtomic(pf.png, copyTo(&pngOut)); err != nil {
			return err
		}
	}
	for _, r := range surf.Sources {
		fmt.Fprintf(e.stderr, "%s (%s): %s residents, %s placed", r.Name, r.Kind, fmtPop(r.Total), fmtPop(r.Placed))
		if r.OutsideCount > 0 {
			fmt.Fprintf(e.stderr, ", %s outside the region (%d)", fmtPop(r.Outside), r.OutsideCount)
		}
		if r.Covered > 0 {
			fmt.Fprintf(e.stderr, ", %s in area an earlier source covers", fmtPop(r.Covered))
		}
		if r.NoData > 0 {
			fmt.Fprintf(e.stderr, ", %d nodata cells", r.NoData)
		}
		if r.Negative > 0 {
			fmt.Fprintf(e.stderr, ", %d negative cells left out", r.Negative)
		}
		if r.Estimate {
			fmt.Fprintf(e.stderr, " (includes per-class estimates)")
		}
		fmt.Fprintln(e.stderr)
	}
	fmt.Fprintf(e.stderr, "surface %dx%d cells: %s residents; wrote %s\n", surf.W, surf.H, fmtPop(surf.Total()), pf.out)
	return nil
}

func fmtPop(v float64) string { return strconv.FormatFloat(math.Round(v), 'f', 0, 64) }

// readPopulationSource reads one --population file by its extension.
func readPopulationSource(path string, box population.Box, sys crs.System, prop string) (population.Source, []string, error) {
	src := population.Source{Name: filepath.Base(path)}
	data, err := readInput(path, kindPopulation)
	if err != nil {
		return src, nil, fmt.Errorf("--population %s: %w", path, err)
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".tif", ".tiff":
		src.Grid, err = population.ReadGeoTIFF(data, box)
	case ".asc":
		src.Grid, err = population.ReadASC(data, box)
	case ".csv":
		var warnings []string
		src.Points, warnings, err = population.ParsePoints(path, data, sys)
		return src, warnings, err
	case ".geojson", ".json":
		src.Polygons, err = population.ReadPolygons(path, data, prop, sys)
		return src, nil, err
	default:
		return src, nil, fmt.Errorf("--population %s: unknown kind %q: want .tif, .asc, .csv or .geojson", path, ext)
	}
	if err != nil {
		return src, nil, fmt.Errorf("%s: %w", path, err)
	}
	return src, nil, nil
}

// writeByArea writes kind,name,residents,estimate,note rows: each source
// and its polygons or counties, then residents on the surface per county
// and per town.
func writeByArea(w io.Writer, s *population.Surface, set *population.Settlements, level int) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"kind", "name", "residents", "estimate", "note"})
	for _, r := range s.Sources {
		note := fmt.Sprintf("%s; total %s, outside %s (%d), covered by earlier sources %s", r.Kind, fmtPop(r.Total), fmtPop(r.Outside), r.OutsideCount, fmtPop(r.Covered))
		if r.NoData > 0 {
			note += fmt.Sprintf(", %d nodata cells", r.NoData)
		}
		cw.Write([]string{"source", r.Name, fmtPop(r.Placed), strconv.FormatBool(r.Estimate), note})
		kind := "polygon"
		if r.Kind == population.KindDefault {
			kind = "county_total"
		}
		for _, a := range r.Areas {
			n := a.Note
			if a.Even {
				n = strings.TrimPrefix(n+"; spread evenly (no settlement)", "; ")
			}
			cw.Write([]string{kind, a.Name, fmtPop(a.Placed), strconv.FormatBool(a.Estimate), n})
		}
	}
	if set != nil {
		zone, counties, err := population.ZonesOf(s, set.Boundaries, level)
		if err != nil {
			return err
		}
		sum := make([]float64, len(counties))
		est := make([]bool, len(counties))
		for k, z := range zone {
			if z >= 0 {
				sum[z] += float64(s.Pop[k])
				est[z] = est[z] || s.Estimate[k]
			}
		}
		for z, c := range counties {
			cw.Write([]string{"county", c.Name, fmtPop(sum[z]), strconv.FormatBool(est[z]), "on the surface"})
		}
		for _, t := range population.Towns(s, set) {
			cw.Write([]string{t.Kind, t.Name, fmtPop(t.Residents), strconv.FormatBool(t.Estimate), "cells of its place area or within its class radius"})
		}
	}
	cw.Flush()
	return cw.Error()
}

// densityClasses are the map's classes of residents per km² (lower bounds).
var densityClasses = []float64{5000, 1000, 200, 50, 10, 1}

// populationMap draws residents per km² in classes over the roads.
func populationMap(g *graph.Graph, s *population.Surface, set *population.Settlements, title string, font *render.Font) (*image.RGBA, error) {
	// A grid whose "minutes" are the class rank (1: densest) lets the
	// isochrone contours outline each class: band i holds the cells of
	// class i or denser.
	grid := &isochrone.Grid{MinLon: s.MinLon, MinLat: s.MinLat, DLon: s.DLon, DLat: s.DLat, W: s.W, H: s.H, T: make([]float32, len(s.Pop))}
	inf := float32(math.Inf(1))
	estimates := false
	for j := 0; j < s.H; j++ {
		km2 := s.CellKm2(j)
		for i := 0; i < s.W; i++ {
			k := j*s.W + i
			d := float64(s.Pop[k]) / km2
			grid.T[k] = inf
			for c, lo := range densityClasses {
				if d >= lo {
					grid.T[k] = float32(60 * (c + 1))
					break
				}
			}
			estimates = estimates || (s.Estimate[k] && s.Pop[k] > 0)
		}
	}
	minutes := make([]float64, len(densityClasses))
	for i := range minutes {
		minutes[i] = float64(i + 1)
	}
	bands := isochrone.Bands(grid, minutes)
	pal := render.Sequential(len(bands))
	var areas []render.Area
	for i := len(bands) - 1; i >= 0; i-- {
		for _, poly := range bands[i].Polygons {
			areas = append(areas, render.Area{Rings: poly, Polygon: true, Fill: render.Fade(pal[i], 0.8)})
		}
	}
	var legend []render.LegendItem
	for i, lo := range densityClasses {
		text := fmt.Sprintf("%g+", lo)
		if i > 0 {
			text = fmt.Sprintf("%g–%g", lo, densityClasses[i-1])
		}
		legend = append(legend, render.LegendItem{Color: render.Fade(pal[i], 0.8), Text: text})
	}
	if estimates {
		legend = append(legend, render.LegendItem{Color: render.Fade(pal[len(pal)-1], 0), Text: "includes estimates"})
	}
	b := s.Bounds()
	bounds := [4]float64{b[0], b[1], b[2], b[3]}
	var labels []render.Label
	if set != nil {
		// A town mapped both as a node and as an area (Dover, Newark) is
		// labelled once; the most populous first, so they win collisions.
		ps := slices.Clone(set.Places)
		slices.SortStableFunc(ps, func(a, b population.SettlementPlace) int { return cmp.Compare(b.Population, a.Population) })
		seen := map[string]bool{}
		for _, p := range ps {
			if (p.Kind == "city" || p.Kind == "town") && p.Name != "" && !seen[p.Name] {
				seen[p.Name] = true
				labels = append(labels, render.Label{Lon: p.Lon, Lat: p.Lat, Text: p.Name, Kind: render.KindTown})
			}
		}
	}
	if title == "" {
		title = "Residents per km²"
	}
	m := render.Map{Width: 1600, Height: 1200, Bounds: bounds, Title: title, LegendTitle: "Residents per km²", Font: font}
	img, _, err := m.Draw(areas, report.RoadLines(g, bounds), labels, legend)
	return img, err
}
