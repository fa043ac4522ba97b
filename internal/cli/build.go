package cli

import (
	"fmt"
	"github.com/fastroad/fastroad/internal/membudget"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/graph"
)

func init() { register(buildCmd) }

func buildCmd(e *env) *cobra.Command {
	var out, profile string
	var ch bool
	c := &cobra.Command{
		Use:   "build EXTRACT -o REGION.graph [--profile PROFILE.yaml]",
		Short: "Build a routing graph from an OSM extract (.osm.pbf, .osm, .osm.gz, .osm.bz2)",
		Long: `Build a routing graph from an OpenStreetMap extract and write it to a graph
file that the other commands read with --graph. The file records the
extract's SHA-256 and the profile's hash; a graph file from another format
version is refused. With --ch the file also holds a contraction hierarchy,
which 'matrix' uses (the same times, much faster for large matrices).`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return usagef("build: -o REGION.graph is required")
			}
			inputs := []string{args[0], profile}
			if err := checkNotInput(out, inputs...); err != nil {
				return err
			}
			prof, err := loadProfile(profile)
			if err != nil {
				return err
			}
			t0 := time.Now()
			g, err := readExtract(e, args[0], prof)
			if err != nil {
				return err
			}
			if ch {
				t1 := time.Now()
				if g.CH, err = graph.BuildCHContext(e.ctx, g); err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "  contraction hierarchy: %d arcs with shortcuts in %.2fs (fast matrices)\n", g.CH.NumArcs(), time.Since(t1).Seconds())
			}
			if err := writeOutput(e, out, inputs, func(w io.Writer) error { return graph.Encode(w, g) }); err != nil {
				return err
			}
			reportGraph(e, g, time.Since(t0))
			reportPeak(e)
			fmt.Fprintf(e.stderr, "wrote %s\n", out)
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "graph file to write")
	c.Flags().StringVar(&profile, "profile", "", "speed profile YAML file (default: shipped China profile; see 'fastroad profile')")
	c.Flags().BoolVar(&ch, "ch", false, "also store a contraction hierarchy: 'matrix' on this graph file is then hundreds of times faster (build takes about 0.4 s more on Delaware)")
	return c
}

// reportGraph prints what a build produced and skipped.
func reportGraph(e *env, g *graph.Graph, took time.Duration) {
	st := g.Meta.Stats
	fmt.Fprintf(e.stderr, "%s: %d nodes, %d segments, %d arcs from %d ways in %.2fs\n",
		g.Meta.SourceName, g.NumNodes(), len(g.Segments), g.NumArcs(), st.Ways, took.Seconds())
	if st.SkippedWays > 0 {
		fmt.Fprintf(e.stderr, "  skipped %d road ways (access=no/private, area, reversible)\n", st.SkippedWays)
	}
	if st.PlannedWays > 0 {
		fmt.Fprintf(e.stderr, "  %d ways under construction or proposed kept closed (a scenario can open them: osm_construction)\n", st.PlannedWays)
	}
	if st.ClippedWays > 0 {
		fmt.Fprintf(e.stderr, "  clipped extract: %d node references missing in %d ways; the missing parts were skipped\n",
			st.MissingNodeRefs, st.ClippedWays)
	}
	n := len(g.CompSize)
	main := int32(0)
	if n > 0 {
		main = g.CompSize[0]
	}
	fmt.Fprintf(e.stderr, "  %d strongly connected components; the largest has %d nodes (%.1f%%); points snap to it\n",
		n, main, 100*float64(main)/float64(max(g.NumNodes(), 1)))
}

// reportPeak says how much memory the run held at most, against the
// --max-memory budget (the garbage collector's soft limit): a planner
// sizing a machine for a province reads it here.
func reportPeak(e *env) {
	peak := membudget.Peak()
	if peak <= 0 {
		return
	}
	fmt.Fprintf(e.stderr, "  peak memory %s (--max-memory %s)\n", membudget.Format(peak), membudget.Format(e.maxMemory))
	if peak > e.maxMemory {
		fmt.Fprintf(e.stderr, "  the run held more than --max-memory: the collector could not keep within it (and ran often trying); give it %s or more\n",
			membudget.Format(peak))
	}
}
