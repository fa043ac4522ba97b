package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/places"
)

func init() { register(placesCmd) }

// placeFlags are the flags of every command that detects places.
type placeFlags struct {
	graph, extract, planner, profile string
	noExtract, villages              bool
	adminLevel                       int
	minExpresswayKm                  float64
}

func (pf *placeFlags) add(f *pflag.FlagSet) {
	f.StringVar(&pf.graph, "graph", "", "graph file from 'fastroad build', or an OSM extract (built in memory)")
	f.StringVar(&pf.extract, "extract", "", "OSM extract to read towns, stations and junction names from (default: the --graph extract, or the extract named in the graph file's header if it lies next to the graph file)")
	f.BoolVar(&pf.noExtract, "no-extract", false, "read no extract: only (unnamed) entrances come from the graph; towns and stations must come from --places")
	f.StringVar(&pf.planner, "places", "", "planner's file (.yaml or .csv) adding, replacing or removing places")
	f.StringVar(&pf.profile, "profile", "", "speed profile YAML (for an extract; checked against a graph file)")
	f.IntVar(&pf.adminLevel, "admin-level", 6, "admin_level of the boundaries whose admin centres are towns (China: 6 = county; 0 = none)")
	f.BoolVar(&pf.villages, "villages", false, "list place=village nodes as towns too")
	f.Float64Var(&pf.minExpresswayKm, "min-expressway-km", places.DefaultOptions().MinExpresswayKm, "an entrance must lead into at least this many km of controlled-access road (shorter pieces, e.g. a motorway-tagged bridge, are listed and left out; 0 to 1000)")
}

// placeSet is what place detection produced.
type placeSet struct {
	g      *graph.Graph
	prof   osm.Profile
	places []places.Place
	notes  []string
}

// loadPlaces loads the graph, reads the features, detects the places and
// applies the planner's file.
func loadPlaces(e *env, cmd string, pf *placeFlags) (*placeSet, error) {
	if pf.graph == "" {
		return nil, usagef("%s: --graph is required", cmd)
	}
	if pf.noExtract && pf.extract != "" {
		return nil, usagef("%s: --extract and --no-extract exclude each other", cmd)
	}
	if pf.adminLevel < 0 || pf.adminLevel > 12 {
		return nil, usagef("%s: --admin-level %d: want 0 (none) or an OSM admin_level 1-12", cmd, pf.adminLevel)
	}
	var plan places.Plan
	if pf.planner != "" {
		var err error
		if plan, err = readPlan(pf.planner); err != nil {
			return nil, err
		}
	}
	prof, err := loadProfile(pf.profile)
	if err != nil {
		return nil, err
	}
	g, err := loadGraph(e, pf.graph, prof, pf.profile != "")
	if err != nil {
		return nil, err
	}
	ps := &placeSet{g: g, prof: prof}
	var feats *osm.Features
	if !pf.noExtract {
		path, implicit, err := featureSource(pf)
		if err != nil {
			return nil, err
		}
		var sum []byte
		feats, sum, err = readFeatures(e, path, pf.adminLevel)
		if err != nil {
			return nil, err
		}
		if g.Meta.SourceSHA256 != [32]byte{} && !bytes.Equal(sum, g.Meta.SourceSHA256[:]) {
			if implicit {
				return nil, usagef("%s: %s lies next to the graph but is not the extract %s was built from (SHA-256 differs); pass --extract or --no-extract", cmd, path, pf.graph)
			}
			fmt.Fprintf(e.stderr, "warning: %s is not the extract %s was built from (SHA-256 differs); towns and stations are taken from it anyway\n", path, pf.graph)
		}
		if st := feats.Stats; st.MissingNodeRefs > 0 {
			ps.notes = append(ps.notes, fmt.Sprintf("clipped extract: %d node references of stations, rail lines and boundaries missing (%d features incomplete, %d dropped)",
				st.MissingNodeRefs, st.Incomplete, st.Dropped))
		}
	}
	opt := places.DefaultOptions()
	opt.Villages = pf.villages
	opt.MinComponent = int32(prof.MinComponentNodes)
	opt.MinExpresswayKm = pf.minExpresswayKm
	if err := opt.Validate(); err != nil {
		return nil, usagef("%s: --%v", cmd, err)
	}
	if err := e.ctx.Err(); err != nil {
		return nil, err
	}
	detected, notes := places.Detect(g, feats, opt)
	if err := e.ctx.Err(); err != nil {
		return nil, err // detection has no context of its own (places is not ours to change): checked around it
	}
	ps.notes = append(ps.notes, notes...)
	ps.places = detected
	if pf.planner != "" {
		known, _ := places.Towns(feats, places.Options{Villages: true})
		if ps.places, err = places.Apply(detected, plan, known); err != nil {
			return nil, usageError{err}
		}
		if err := places.CheckPlaced(g, ps.places, prof.SnapOptions()); err != nil {
			return nil, usagef("%s: %s: %v", cmd, pf.planner, err)
		}
	}
	return ps, nil
}

// featureSource decides which extract holds the features: --extract, the
// --graph extract itself, or the extract named in the graph header when it
// lies next to the graph file (implicit).
// checkRegion refuses places of another region: when the extract has
// towns and none of them lies within the graph's bounds (plus 20 km), the
// extract and the graph cover different areas.
func checkRegion(ps *placeSet) error {
	towns := places.OfKind(ps.places, places.KindTown)
	if len(towns) == 0 || ps.g.NumNodes() == 0 {
		return nil
	}
	lo, hi := ps.g.Bounds()
	const m = 0.2 // degrees, about 20 km
	for _, t := range towns {
		if t.Lon >= lo.Lon-m && t.Lon <= hi.Lon+m && t.Lat >= lo.Lat-m && t.Lat <= hi.Lat+m {
			return nil
		}
	}
	return fmt.Errorf("none of the %d towns lies within the road network's area (lon %.3f..%.3f, lat %.3f..%.3f): the extract and the graph cover different regions (first town: %s at %.4f,%.4f); give the extract the graph was built from",
		len(towns), lo.Lon, hi.Lon, lo.Lat, hi.Lat, towns[0].Label(), towns[0].Lon, towns[0].Lat)
}

func featureSource(pf *placeFlags) (path string, implicit bool, err error) {
	if pf.extract != "" {
		return pf.extract, false, nil
	}
	isG, err := isGraphFile(pf.graph)
	if err != nil {
		return "", false, err
	}
	if !isG {
		return pf.graph, false, nil
	}
	p, err := graphExtract(pf.graph, "pass --extract EXTRACT or --no-extract")
	return p, err == nil, err
}

// graphExtract finds the extract a graph file was built from: the name in
// its header, in the graph file's folder. fix says what the user can do
// instead (a flag for places/access, a study key for check/compare).
func graphExtract(graphPath, fix string) (string, error) {
	f, err := os.Open(graphPath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h, err := graph.DecodeHeader(f)
	if err != nil {
		return "", fmt.Errorf("%s: %w", graphPath, err)
	}
	name := h.Meta.SourceName
	if name == "" {
		return "", usagef("%s does not name the extract it was built from; %s", graphPath, fix)
	}
	p := filepath.Join(filepath.Dir(graphPath), filepath.Base(name))
	if _, err := os.Stat(p); err != nil {
		return "", usagef("towns and stations come from an extract, and %s (the one %s was built from) is not in the graph file's directory; %s", p, graphPath, fix)
	}
	return p, nil
}

func readFeatures(e *env, path string, adminLevel int) (*osm.Features, []byte, error) {
	src, err := newExtractSource(e, path)
	if err != nil {
		return nil, nil, err
	}
	feats, err := osm.ReadFeatures(e.ctx, src.opener("places from", 3), osm.FeatureOptions{AdminLevel: adminLevel})
	src.bar.done()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return feats, src.sum(), nil
}

func placesCmd(e *env) *cobra.Command {
	var pf placeFlags
	var out string
	c := &cobra.Command{
		Use:   "places --graph G [--extract EXTRACT | --no-extract] [--places PLANNER_FILE] [-o places.csv]",
		Short: "List the towns, HSR and rail stations and expressway entrances fastroad will use",
		Long: `List the places every other command uses, as CSV with the header
kind,id,name,lon,lat,population,source,name_zh,name_en,score
kind is town, hsr_station, rail_station or expressway_entrance; source says
which rule or file produced the row, and for stations how the HSR score
(hsr_station from 3) was reached.

Detection:
  town                 place=city and place=town nodes (place=village with
                       --villages), and the admin_centre (or label) node of
                       each boundary=administrative relation at --admin-level.
                       A missing population tag gives 0, noted in source.
  hsr_station,         railway=station/halt (and public_transport=station with
  rail_station         train=yes) as node, way centroid or relation centroid,
                       scored from highspeed=yes or usage=main track nearby,
                       operator/brand hints, Chinese 东站/西站/南站/北站/高铁
                       names, main-station names and the city served.
  expressway_entrance  from the graph: where an ordinary road enters a
                       controlled-access road (profile controlled_classes)
                       through a ramp (on-ramps only), one row per
                       interchange, named from the nearest motorway_junction
                       (junk refs ignored) or toll booth.

Where the extract comes from: with --graph EXTRACT, that extract. With a
graph file, --extract EXTRACT; without it, the extract named in the graph
file's header if it lies in the graph file's directory and its SHA-256
matches the one recorded at build time. --no-extract detects only the
(unnamed) entrances; towns and stations must then come from --places.

The planner's file (--places, .yaml or .csv) adds, replaces or removes
places by id or name; YAML keys: crs (wgs84 default, gcj02, bd09: the datum
of the points, as copied from Amap/Tencent or Baidu maps), drop_detected (a
list of kinds whose detected places are dropped first) and places, a list of
entries with op (add, replace, remove; default set = replace when the id or
name matches, else add), kind, id, name, name_zh, name_en, lon, lat and
population. A CSV has a header with those entry keys (and a crs column); the
places.csv this command writes can be edited and given back. Unknown keys and
duplicate ids are errors (exit 2).

Map data © OpenStreetMap contributors (ODbL).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if out != "" && out != "-" {
				if err := checkNotInput(out, pf.inputs()...); err != nil {
					return err
				}
			}
			ps, err := loadPlaces(e, "places", &pf)
			if err != nil {
				return err
			}
			if err := checkRegion(ps); err != nil {
				return err
			}
			if err := writeOut(e, out, pf.inputs(), func(w io.Writer) error { return writePlaces(w, ps.places) }); err != nil {
				return err
			}
			reportPlaces(e, ps)
			return nil
		},
	}
	pf.add(c.Flags())
	c.Flags().StringVarP(&out, "output", "o", "", "output CSV (default: standard output)")
	return c
}

// writeOut writes to path atomically, or to standard output for "" or "-".
// inputs lists the files a places, access or isochrone run reads.
func (pf *placeFlags) inputs() []string {
	return []string{pf.graph, pf.extract, pf.planner, pf.profile}
}

func writeOut(e *env, path string, inputs []string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return err
		}
		_, err := e.stdout.Write(b.Bytes())
		return err
	}
	return writeOutput(e, path, inputs, write)
}

// placesHeader is the header of places.csv.
var placesHeader = places.CSVHeader

func writePlaces(w io.Writer, ps []places.Place) error { return places.WriteCSV(w, ps) }

// reportPlaces prints counts per kind and the notes to stderr.
func reportPlaces(e *env, ps *placeSet) {
	var parts []string
	for _, k := range places.Kinds {
		parts = append(parts, fmt.Sprintf("%d %s", len(places.OfKind(ps.places, k)), k))
	}
	fmt.Fprintf(e.stderr, "places: %s\n", strings.Join(parts, ", "))
	for _, n := range ps.notes {
		fmt.Fprintf(e.stderr, "  note: %s\n", n)
	}
}
