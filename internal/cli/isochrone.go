package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/internal/membudget"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/render"
	"github.com/fastroad/fastroad/report"
	"github.com/fastroad/fastroad/study"
)

func init() { register(isochroneCmd) }

// isoFlags are the isochrone settings shared with compare.
type isoFlags struct {
	cell, accessKmh, accessM float64
	font                     string
}

// validate refuses NaN, negative and absurd --cell, --access-kmh and
// --access-m (ranges from isochrone.FillOptions.Validate), naming the flag.
func (f *isoFlags) validate() error {
	for _, c := range []struct {
		flag   string
		v      float64
		lo, hi float64
		unit   string
	}{
		{"--cell", f.cell, isochrone.MinCellMetres, isochrone.MaxCellMetres, "metres"},
		{"--access-kmh", f.accessKmh, 0.1, isochrone.MaxAccessKmh, "km/h"},
		{"--access-m", f.accessM, 0, isochrone.MaxAccessMetres, "metres"},
	} {
		if !(c.v >= c.lo && c.v <= c.hi) {
			return usagef("%s %v is out of range (want %v to %v %s)", c.flag, c.v, c.lo, c.hi, c.unit)
		}
	}
	return nil
}

func (f *isoFlags) options(maxMinutes float64) isochrone.FillOptions {
	accessM := f.accessM
	if accessM == 0 {
		accessM = -1 // --access-m 0: no land beside the roads (0 would mean the default)
	}
	return isochrone.FillOptions{CellMetres: f.cell, AccessKmh: f.accessKmh, AccessMetres: accessM, MaxSeconds: maxMinutes * 60}
}

// parseMinutes reads "15,30,45,60".
func parseMinutes(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil {
			return nil, fmt.Errorf("--minutes %q: %q is not a number", s, part)
		}
		out = append(out, v)
	}
	if err := checkMinutes(out); err != nil {
		return nil, fmt.Errorf("--minutes %q: %v", s, err)
	}
	return out, nil
}

// parseLonLat reads "LON,LAT"; ok is false when s is not a coordinate pair.
func parseLonLat(s string) (graph.Point, bool, error) {
	a, b, found := strings.Cut(s, ",")
	if !found {
		return graph.Point{}, false, nil
	}
	lon, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lat, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil {
		return graph.Point{}, false, fmt.Errorf("%q is not LON,LAT", s)
	}
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return graph.Point{}, false, fmt.Errorf("%q: lon,lat out of range (lon first, WGS-84 degrees)", s)
	}
	return graph.Point{Lon: lon, Lat: lat}, true, nil
}

// seedsFor snaps points for a search; errors name what they are.
func seedsFor(g *graph.Graph, dir graph.Direction, pts []graph.Point, names []string, maxSnap float64) ([]graph.Seed, []string, error) {
	var seeds []graph.Seed
	var skipped []string
	for i, p := range pts {
		sn, err := g.SnapPoint(p, graph.SnapOptions{NoControlled: true, MaxDist: maxSnap})
		if err != nil {
			if len(pts) == 1 {
				return nil, nil, fmt.Errorf("%s: %w", names[i], err)
			}
			skipped = append(skipped, fmt.Sprintf("%s: %v", names[i], err))
			continue
		}
		seeds = g.Seeds(seeds, sn, dir)
	}
	if len(seeds) == 0 {
		return nil, skipped, fmt.Errorf("no point could be placed on the network: %s", strings.Join(skipped, "; "))
	}
	return seeds, skipped, nil
}

func isochroneCmd(e *env) *cobra.Command {
	var pf placeFlags
	var iso isoFlags
	var from, to, minutesS, out, pngPath, gridPath, title, studyPath, altName string
	c := &cobra.Command{
		Use:   "isochrone --graph G (--from LON,LAT|KIND | --to LON,LAT|KIND) --minutes 15,30,45,60 -o ISO.geojson [--png MAP.png] [--grid GRID.tif|.asc]",
		Short: "Isochrone bands from or to a point or the nearest place of a kind, as GeoJSON, PNG map and grid",
		Long: `Compute the land reachable within each number of minutes from (--from,
outbound) or to (--to, inbound, on the reverse graph) a point or the nearest
place of a kind: town, hsr_station, rail_station or expressway_entrance (one
multi-source search from all places of that kind).

Output GeoJSON: one Feature per band with properties minutes, area_km2 and,
when towns with population lie inside, population and towns; a band holds
everything reachable within its minutes, so bands nest. Polygons come from a
travel-time grid (--cell metres) filled along the reachable roads and spread
over the land beside them at --access-kmh up to --access-m; motorway mainline
and ramps give no access to the land beside them.

--png draws a map (roads by class, bands, places, legend, scale bar,
© OpenStreetMap contributors). --grid writes the grid in minutes as GeoTIFF
(.tif) or ESRI ASCII grid (.asc).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if (from == "") == (to == "") {
				return usagef("isochrone: give exactly one of --from and --to")
			}
			if out == "" {
				return usagef("isochrone: -o ISO.geojson is required")
			}
			minutes, err := parseMinutes(minutesS)
			if err != nil {
				return usageError{err}
			}
			if err := iso.validate(); err != nil {
				return err
			}
			inputs := []string{pf.graph, pf.extract, pf.planner, pf.profile, iso.font, studyPath}
			for _, o := range []string{out, pngPath, gridPath} {
				if o != "" {
					if err := checkNotInput(o, inputs...); err != nil {
						return err
					}
				}
			}
			if gridPath != "" {
				if ext := strings.ToLower(filepath.Ext(gridPath)); ext != ".tif" && ext != ".tiff" && ext != ".asc" {
					return usagef("isochrone: --grid %s: want a .tif or .asc file", gridPath)
				}
			}
			what, dir := from, graph.Outbound
			if to != "" {
				what, dir = to, graph.Inbound
			}
			pt, isPoint, err := parseLonLat(what)
			if err != nil {
				return usageError{err}
			}
			if !isPoint && !places.ValidKind(what) {
				return usagef("isochrone: %q is neither LON,LAT nor a place kind (%s)", what, strings.Join(places.Kinds, ", "))
			}
			var ps *placeSet
			var g *graph.Graph
			if studyPath != "" {
				if pf.graph != "" || pf.profile != "" || pf.planner != "" || pf.extract != "" {
					return usagef("isochrone: --study takes the graph, profile and places from the study file; drop --graph, --profile, --places and --extract")
				}
				s, err := prepareStudy(e, studyPath)
				if err != nil {
					return err
				}
				n, err := s.Network(altName)
				if err != nil {
					return err
				}
				sp, err := s.Places(n)
				if err != nil {
					return err
				}
				g = n.Graph
				ps = &placeSet{g: g, prof: s.Profile, places: sp}
				fl := c.Flags()
				if !fl.Changed("cell") && s.Spec.Isochrones.CellMetres > 0 {
					iso.cell = s.Spec.Isochrones.CellMetres
				}
				if !fl.Changed("access-m") && s.Spec.Isochrones.AccessMetres > 0 {
					iso.accessM = s.Spec.Isochrones.AccessMetres
				}
				if !fl.Changed("access-kmh") && s.Spec.Isochrones.AccessKmh > 0 {
					iso.accessKmh = s.Spec.Isochrones.AccessKmh
				}
			} else if isPoint && pngPath == "" {
				prof, err := loadProfile(pf.profile)
				if err != nil {
					return err
				}
				if pf.graph == "" {
					return usagef("isochrone: --graph is required")
				}
				if g, err = loadGraph(e, pf.graph, prof, pf.profile != ""); err != nil {
					return err
				}
				ps = &placeSet{g: g, prof: prof}
			} else {
				if ps, err = loadPlaces(e, "isochrone", &pf); err != nil {
					return err
				}
				g = ps.g
			}
			var pts []graph.Point
			var names []string
			label := what
			if isPoint {
				pts, names = []graph.Point{pt}, []string{"point " + what}
			} else {
				for _, p := range places.OfKind(ps.places, what) {
					for _, q := range p.Points() {
						pts = append(pts, q)
						names = append(names, fmt.Sprintf("%s %s", p.Kind, p.Label()))
					}
				}
				if len(pts) == 0 {
					return fmt.Errorf("isochrone: no place of kind %s in %s (add them with --places)", what, pf.graph)
				}
				// A title that reads as a sentence: "Drive time to the nearest
				// HSR station" (the count of places is not part of it).
				label = "the nearest " + map[string]string{places.KindHSRStation: "HSR station", places.KindEntrance: "expressway entrance",
					places.KindRailStation: "rail station", places.KindTown: "town"}[what]
				if label == "the nearest " {
					label += strings.ReplaceAll(what, "_", " ")
				}
			}
			seeds, skipped, err := seedsFor(g, dir, pts, names, ps.prof.MaxSnapMetres)
			if err != nil {
				return err
			}
			for _, s := range skipped {
				fmt.Fprintf(e.stderr, "warning: skipped %s\n", s)
			}
			t0 := time.Now()
			s := graph.NewSearch(g)
			if err := s.RunContext(e.ctx, dir, seeds, graph.Stop{Limit: uint32(minutes[len(minutes)-1] * 60000)}); err != nil {
				return err
			}
			if err := e.checkpoint("fill"); err != nil {
				return err
			}
			fo := iso.options(minutes[len(minutes)-1])
			fo.MaxBytes = max(e.maxMemory-g.MemoryBytes(), 1)
			grid, err := isochrone.FillContext(e.ctx, g, s, fo)
			var tl *isochrone.GridTooLargeError
			if errors.As(err, &tl) {
				if err := membudget.Check(tl.Bytes+g.MemoryBytes(), e.maxMemory,
					fmt.Sprintf("the isochrone grid (%d x %d cells of %g m) with the graph", tl.W, tl.H, tl.CellMetres), "--max-memory"); err != nil {
					return fmt.Errorf("%w; a larger --cell needs less", err)
				}
				return err
			}
			if err != nil {
				return err
			}
			bands, err := isochrone.BandsContext(e.ctx, grid, minutes)
			if err != nil {
				return err
			}
			took := time.Since(t0)
			towns := places.OfKind(ps.places, places.KindTown)
			props := func(i int) map[string]any { return study.BandProps(bands[i], towns) }
			if err := writeOutput(e, out, inputs, func(w io.Writer) error { return isochrone.WriteGeoJSON(w, bands, props) }); err != nil {
				return err
			}
			if gridPath != "" {
				write := func(w io.Writer) error { return isochrone.WriteGeoTIFF(w, grid) }
				if strings.EqualFold(filepath.Ext(gridPath), ".asc") {
					write = func(w io.Writer) error { return isochrone.WriteASC(w, grid) }
				}
				if err := writeOutput(e, gridPath, inputs, write); err != nil {
					return err
				}
				if err := writeAtomic(isochrone.PRJName(gridPath), isochrone.WritePRJ); err != nil {
					return err
				}
			}
			if pngPath != "" {
				verb := "from"
				if dir == graph.Inbound {
					verb = "to"
				}
				if title == "" {
					title = fmt.Sprintf("Drive time %s %s", verb, label)
				}
				font, err := mapFont(iso.font)
				if err != nil {
					return err
				}
				img, fi, err := report.IsochroneMap(g, bands, ps.places, report.MapOptions{Title: title, LegendTitle: "Minutes by car", Font: font})
				if err != nil {
					return err
				}
				warnFont(e, fi, ps.places)
				if err := writeOutput(e, pngPath, inputs, func(w io.Writer) error { return render.EncodePNG(w, img) }); err != nil {
					return err
				}
			}
			for _, b := range bands {
				fmt.Fprintf(e.stderr, "%4g min: %8.1f km2\n", b.Minutes, b.AreaKm2())
			}
			fmt.Fprintf(e.stderr, "search, grid and contours in %.0f ms; wrote %s\n", float64(took.Microseconds())/1000, out)
			return nil
		},
	}
	f := c.Flags()
	pf.add(f)
	f.StringVar(&from, "from", "", "outbound from LON,LAT or from the nearest place of a KIND")
	f.StringVar(&to, "to", "", "inbound to LON,LAT or to the nearest place of a KIND")
	f.StringVar(&minutesS, "minutes", "15,30,45,60", "band limits in minutes, increasing, at most 240")
	f.StringVarP(&out, "output", "o", "", "GeoJSON file to write")
	f.StringVar(&pngPath, "png", "", "also draw a PNG map")
	f.StringVar(&gridPath, "grid", "", "also write the travel-time grid (minutes) as .tif or .asc")
	f.StringVar(&title, "title", "", "map title (default: says what was computed)")
	f.StringVar(&studyPath, "study", "", "a study file: the isochrone on one of its networks (see --alternative), with the study's places and grid settings")
	f.StringVar(&altName, "alternative", "base", "with --study: the network, base or an alternative's name")
	iso.add(f)
	return c
}

func (f *isoFlags) add(fs interface {
	Float64Var(*float64, string, float64, string)
	StringVar(*string, string, string, string)
}) {
	fs.Float64Var(&f.cell, "cell", 100, "grid cell size in metres")
	fs.Float64Var(&f.accessKmh, "access-kmh", 5, "speed off the road network, from a road to the land beside it (km/h)")
	fs.Float64Var(&f.accessM, "access-m", 500, "farthest land from a road that counts as reached (metres)")
	fs.StringVar(&f.font, "font", "", "TTF/OTF/TTC font for map labels (default: a system font with CJK glyphs if one is installed)")
}

func mapFont(path string) (*render.Font, error) {
	if path == "" {
		return render.SystemFont(), nil
	}
	if _, err := checkInput(path, kindFont); err != nil {
		return nil, err
	}
	f, err := render.LoadFont(path)
	if err != nil {
		return nil, usagef("--font %s: %v", path, err)
	}
	return f, nil
}

// warnFont says when Chinese names cannot be drawn.
func warnFont(e *env, fi render.FontInfo, ps []places.Place) {
	if fi.CJK {
		return
	}
	for _, p := range ps {
		for _, r := range p.Label() {
			if unicode.Is(unicode.Han, r) {
				fmt.Fprintf(e.stderr, "warning: no CJK font found (using %s): Chinese names are drawn as boxes; install fonts-wqy-microhei or pass --font\n", fi.Name)
				return
			}
		}
	}
}
