package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/internal/mosaic"
	"github.com/fastroad/fastroad/osm"
)

func init() { register(benchCmd) }

// benchCmd is the hidden 'bench' group: tools that make benchmark inputs.
func benchCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:    "bench",
		Short:  "Benchmark tools (make large test inputs)",
		Hidden: true,
	}
	c.AddCommand(benchMosaicCmd(e))
	for _, mk := range benchSubs {
		c.AddCommand(mk(e))
	}
	return c
}

// benchSubs are the further 'bench' subcommands.
var benchSubs []func(*env) *cobra.Command

func benchMosaicCmd(e *env) *cobra.Command {
	var out string
	var opt mosaic.Options
	c := &cobra.Command{
		Use:   "mosaic EXTRACT.osm.pbf -o MOSAIC.osm.pbf --n N [--roads-only] [--seams K] [--dlon DEG --dlat DEG]",
		Short: "Write an N x N mosaic of an extract (shifted copies joined by seam roads) as OSM PBF",
		Long: `Write an N x N mosaic of an OSM PBF extract for scale benchmarks: copies
shifted east, west, north and south (centred on the extract) by the span of the extract's nodes (or --dlon/--dlat
degrees), with new ids, joined across every seam by --seams two-way primary
roads named "mosaic seam", so the mosaic is one road network. --roads-only
keeps only highway and railway ways, their nodes and the tagged nodes (what
build, places and access read). Delaware (about 54,000 graph nodes) gives
about 0.9M graph nodes at --n 4, 5.4M at --n 10, 21.6M at --n 20.

Map data © OpenStreetMap contributors (ODbL).`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return usagef("bench mosaic: -o MOSAIC.osm.pbf is required")
			}
			if opt.N < 1 || opt.N > mosaic.MaxN {
				return usagef("bench mosaic: --n %d out of range (1..%d)", opt.N, mosaic.MaxN)
			}
			if opt.Seams < 1 || opt.Seams > mosaic.MaxSeams {
				return usagef("bench mosaic: --seams %d out of range (1..%d)", opt.Seams, mosaic.MaxSeams)
			}
			if err := checkNotInput(out, args[0]); err != nil {
				return err
			}
			if _, err := checkInput(args[0], kindExtract); err != nil {
				return err
			}
			t0 := time.Now()
			var st mosaic.Stats
			err := writeOutput(e, out, []string{args[0]}, func(w io.Writer) error {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				st, err = mosaic.Write(e.ctx, f, w, opt)
				if err != nil {
					return fmt.Errorf("mosaic of %s: %w", args[0], err)
				}
				return nil
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s: %dx%d copies (shift %.4f, %.4f degrees), %d nodes, %d ways (%d seam roads), %d relations, %d bytes in %.1fs\n",
				out, opt.N, opt.N, st.DLon, st.DLat, st.Nodes, st.Ways, st.SeamWays, st.Relations, st.Bytes, time.Since(t0).Seconds())
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "mosaic file to write (.osm.pbf)")
	c.Flags().IntVar(&opt.N, "n", 4, "copies along each side (1..64)")
	c.Flags().IntVar(&opt.Seams, "seams", 4, "roads joining each pair of neighbouring copies (1..64)")
	c.Flags().BoolVar(&opt.RoadsOnly, "roads-only", false, "keep only highway/railway ways, their nodes and tagged nodes; drop relations")
	c.Flags().Float64Var(&opt.DLon, "dlon", 0, "shift between copies east, degrees (0 = the extract's span)")
	c.Flags().Float64Var(&opt.DLat, "dlat", 0, "shift between copies north, degrees (0 = the extract's span)")
	return c
}

func init() { benchSubs = append(benchSubs, benchGraphCmd) }

func benchGraphCmd(e *env) *cobra.Command {
	var opt mosaic.MeasureOptions
	c := &cobra.Command{
		Use:   "graph GRAPH [--points 1000] [--dijkstra-rows 20] [--searches 3]",
		Short: "Time load, snapping, one-to-all, a 60-minute search and a matrix on a graph file",
		Long: `Time what a study does with a graph file: loading it, building the snapping
index, snapping 2 x --points random nodes of the largest component, one-to-all
searches (median of --searches), one search bounded at --limit minutes, a
--points x --points matrix with the contraction hierarchy (when the file has
one) and --dijkstra-rows rows of it with plain Dijkstra (the full matrix time
extrapolated). Wall clock and process CPU time (getrusage) for each.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			switch {
			case opt.Points < 1 || opt.Points > 100000:
				return usagef("bench graph: --points %d out of range (1..100000)", opt.Points)
			case opt.DijkstraRows < 1 || opt.DijkstraRows > opt.Points:
				return usagef("bench graph: --dijkstra-rows %d out of range (1..%d, the --points)", opt.DijkstraRows, opt.Points)
			case opt.Searches < 1 || opt.Searches > 1000:
				return usagef("bench graph: --searches %d out of range (1..1000)", opt.Searches)
			case opt.LimitMinutes < 1 || opt.LimitMinutes > 24*60:
				return usagef("bench graph: --limit %d minutes out of range (1..1440)", opt.LimitMinutes)
			}
			t0, c0 := time.Now(), cpuNow()
			g, err := loadGraph(e, args[0], osm.DefaultProfile(), false)
			if err != nil {
				return err
			}
			wall, cpu := time.Since(t0), cpuNow()-c0
			m, err := mosaic.Measure(e.ctx, g, opt)
			if err != nil {
				return usagef("bench graph: %v", err)
			}
			w := e.stdout
			fmt.Fprintf(w, "graph\t%s\nnodes\t%d\nsegments\t%d\narcs\t%d\ngraph_bytes\t%d\nbytes_per_arc\t%.1f\n", args[0], m.Nodes, m.Segments, m.Arcs, m.GraphBytes, m.BytesPerArc)
			for _, p := range m.GraphParts {
				fmt.Fprintf(w, "bytes_per_arc_%s\t%.1f\n", strings.ReplaceAll(p.Name, " ", "_"), float64(p.Bytes)/float64(max(m.Arcs, 1)))
			}
			fmt.Fprintf(w, "load\t%.3fs wall, %.3fs CPU\n", wall.Seconds(), cpu.Seconds())
			fmt.Fprintf(w, "snap_index\t%v\nsnap_%d\t%v\n", m.SnapIndex, 2*opt.Points, m.Snap)
			fmt.Fprintf(w, "one_to_all\t%v (%d nodes settled)\n", m.OneToAll, m.OneToAllSettled)
			if m.OneToAllPHAST.Wall > 0 {
				fmt.Fprintf(w, "one_to_all_phast\t%v (the hierarchy's sweep; equal times checked)\n", m.OneToAllPHAST)
			}
			fmt.Fprintf(w, "bounded_%dmin\t%v (%d nodes settled)\n", opt.LimitMinutes, m.Bounded, m.BoundedSettled)
			if m.MatrixCH.Wall > 0 {
				fmt.Fprintf(w, "matrix_%dx%d_ch\t%v\n", opt.Points, opt.Points, m.MatrixCH)
			}
			fmt.Fprintf(w, "matrix_%dx%d_dijkstra\t%v (extrapolated from %d rows: %.1fs wall)\n", opt.Points, opt.Points, m.MatrixDijkstra,
				m.MatrixDijkstraRows, m.MatrixDijkstraFull.Seconds())
			return nil
		},
	}
	c.Flags().IntVar(&opt.Points, "points", 1000, "matrix side: points x points (1..100000)")
	c.Flags().IntVar(&opt.DijkstraRows, "dijkstra-rows", 20, "matrix rows run with plain Dijkstra (1..points)")
	c.Flags().IntVar(&opt.Searches, "searches", 3, "one-to-all searches timed (1..1000)")
	c.Flags().IntVar(&opt.LimitMinutes, "limit", 60, "minutes of the bounded search (1..1440)")
	c.Flags().Uint64Var(&opt.Seed, "seed", 1, "seed of the random points")
	return c
}

// cpuNow returns the process's user+system CPU time.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
