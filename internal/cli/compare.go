package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/study"
)

func init() { register(compareCmd) }

// compareMarker marks a folder written by compare, which a rerun may replace.
const compareMarker = ".fastroad-compare"

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
			fl := c.Flags()
			if !fl.Changed("cell") {
				iso.cell = 0 // the study's cell_m
			}
			if !fl.Changed("access-m") {
				iso.accessM = 0
			}
			if !fl.Changed("access-kmh") {
				iso.accessKmh = 0
			}
			return runCompare(e, args[0], out, iso, noMaps)
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "folder to write")
	c.Flags().BoolVar(&noMaps, "no-maps", false, "skip the PNG maps (GeoJSON and tables only)")
	iso.add(c.Flags())
	return c
}

func runCompare(e *env, studyPath, out string, iso isoFlags, noMaps bool) error {
	t0 := time.Now()
	logf := func(format string, args ...any) {
		fmt.Fprintf(e.stderr, "[%5.1fs] %s\n", time.Since(t0).Seconds(), fmt.Sprintf(format, args...))
	}
	if err := checkOutDir(out); err != nil {
		return err
	}
	s, err := prepareStudy(e, studyPath)
	if err != nil {
		if s != nil {
			s.WriteCheck(e.stderr)
		}
		return err
	}
	logf("base network: %d nodes, %d segments; applied %d alternatives", s.Base.Graph.NumNodes(), len(s.Base.Graph.Segments), len(s.Results))
	opt := study.Options{Fill: iso.options(0), NoMaps: noMaps, Log: logf}
	opt.Fill.MaxSeconds = 0
	if !noMaps {
		if opt.Font, err = mapFont(iso.font); err != nil {
			return err
		}
	}
	c, err := s.Compare(e.ctx, opt)
	if err != nil {
		return err
	}
	if !noMaps {
		warnFont(e, c.FontInfo, c.Base.Places)
	}

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
	files := append([]study.File{{Name: compareMarker, Write: func(w io.Writer) error {
		_, err := io.WriteString(w, "written by fastroad compare\n")
		return err
	}}}, c.Files...)
	for _, f := range files {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(tmp, f.Name), f.Write); err != nil {
			return err
		}
	}
	if err := swapDir(tmp, out); err != nil {
		return err
	}
	done = true
	logf("wrote %s (%d files)", out, len(files))
	for _, a := range c.Alts {
		fmt.Fprintf(e.stdout, "%-28s rank %d\n", a.Name, c.Ranks[a.Name])
	}
	return nil
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
