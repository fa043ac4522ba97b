package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/internal/mosaic"
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
	return c
}

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
