package cli

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/internal/membudget"
	"github.com/fastroad/fastroad/study"
)

func init() { register(compareCmd) }

func compareCmd(e *env) *cobra.Command {
	var out string
	var iso isoFlags
	var noMaps bool
	var ho handOffFlags
	c := &cobra.Command{
		Use:   "compare STUDY.yaml -o OUTDIR",
		Short: "Run the base and every alternative of a study and write tables, maps and a report",
		Long: `Apply every alternative of the study to the base network and measure, for
the base and each alternative: each town's minutes to the nearest HSR station
and expressway entrance (and back from the station), the targets it meets,
residents (from the population surface) within each band of the nearest
entrance, HSR station, trunk road, county seat or town and the central city,
split urban/rural and by county, person-minutes saved against the base,
isochrones and difference maps.

OUTDIR gets:
  report.html                    the approval report (self-contained HTML, prints on A4)
                                 in the study's language (--lang); report.en.html or
                                 report.zh.html in the other
  results.gpkg                   every layer for QGIS (GeoPackage)
  results.xlsx                   the tables for Excel or WPS, one sheet each
  <alt>-change.png               each alternative's roads, zoomed to the change
  report.md                      the report as Markdown
  summary.csv, summary.json      one row per network (base first), stable columns, ranked
  towns.csv                      per town and network, with changes against the base
  people.csv                     residents per network, destination kind and group
                                 (all, urban, rural, each county): bands, unreached,
                                 mean and median minutes weighted by residents
  savings.csv                    person-minutes saved per alternative, destination
                                 kind and group; newly and no longer reached apart
  residents.csv                  residents on the grid by group; what was left out
  coverage.csv, curves.csv       town coverage per band; town population per minute
  check.txt                      what each edit matched and changed
  places.csv                     the base network's places
  <name>-to-hsr.geojson|png      isochrones to the nearest HSR station (name: base or an alternative)
  <name>-to-entrance.geojson|png isochrones to the nearest expressway entrance
  <name>-to-hsr|entrance-minutes.tif   the travel-time grid (minutes, nodata unreached)
  diff-<alt>-hsr.geojson|png     minutes saved against the base by class: gains and
  diff-<alt>-entrance.geojson|png losses where both reach a cell, newly and no longer
                                 reached apart
  appraisal.csv, cashflow.csv, flows-<name>.geojson|png, ...
                                 the benefit appraisal when the study has an
                                 appraisal: key (see fastroad appraise --help)
Output is byte-identical on rerun. OUTDIR must be new, empty or a folder
fastroad wrote (it holds .fastroad-manifest); only the files fastroad wrote
there are replaced, and only once every new file is complete.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return usagef("compare: -o OUTDIR is required")
			}
			if err := iso.validate(); err != nil {
				return err
			}
			fl := c.Flags()
			if !fl.Changed("cell") {
				iso.cell = 0 // the study's cell_m
			}
			accessSet := fl.Changed("access-m")
			if !fl.Changed("access-kmh") {
				iso.accessKmh = 0
			}
			return runCompare(e, args[0], out, iso, accessSet, noMaps, ho, nil)
		},
	}
	ho.add(c.Flags())
	c.Flags().StringVarP(&out, "output", "o", "", "folder to write")
	c.Flags().BoolVar(&noMaps, "no-maps", false, "skip the PNG maps (GeoJSON and tables only)")
	iso.add(c.Flags())
	return c
}

// runCompare runs the comparison and writes its files; keep, when set,
// chooses which (fastroad report writes the hand-off set only).
func runCompare(e *env, studyPath, out string, iso isoFlags, accessSet, noMaps bool, ho handOffFlags, keep func(name string) bool) error {
	lang, err := ho.lang()
	if err != nil {
		return err
	}
	r, err := startStudyRun(e, studyPath, out, nil, nil)
	if err != nil {
		return err
	}
	defer r.folder.Abort()
	st, s, logf := r.file, r.s, r.logf
	opt := study.Options{Fill: iso.options(0), NoMaps: noMaps, Log: logf, Lang: lang}
	opt.Fill.MaxSeconds = 0
	if !accessSet {
		opt.Fill.AccessMetres = 0 // the study's access_m, else the default
	}
	need, what, err := s.EstimateMemory(opt)
	if err != nil {
		return err
	}
	if err := membudget.Check(need, e.maxMemory, "compare ("+what+")", "--max-memory"); err != nil {
		return err
	}
	if !noMaps {
		if opt.Font, err = mapFont(iso.font); err != nil {
			return err
		}
	}
	if err := e.checkpoint("evaluate"); err != nil {
		return err
	}
	c, err := s.Compare(e.ctx, opt)
	if err != nil {
		return err
	}
	if !noMaps {
		warnFont(e, c.FontInfo, c.Base.Places)
		warnTitles(e, c.FontInfo, c.MapTitles)
	}
	hand, err := c.HandOff(study.HandOffOptions{Lang: lang, Version: Version(), Command: e.commandLine(),
		Checksums: checksums(st.inputFiles()), GCJ02: ho.gcj02, Chart: chartOptions(opt.Font),
		Warn: func(w string) { fmt.Fprintf(e.stderr, "warning: %s\n", w) }})
	if err != nil {
		return err
	}
	logf("report.html, results.gpkg and results.xlsx rendered")
	files := append(c.Files, hand...)
	if keep != nil {
		files = slices.DeleteFunc(files, func(f study.File) bool { return !keep(f.Name) })
	}
	if err := r.write(e, out, files); err != nil {
		return err
	}
	for _, a := range c.Alts {
		fmt.Fprintf(e.stdout, "%-28s rank %d\n", a.Name, c.Ranks[a.Name])
	}
	return nil
}
