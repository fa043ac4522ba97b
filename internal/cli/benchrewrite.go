package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

func init() { benchSubs = append(benchSubs, benchRewriteCmd) }

// benchRewriteCmd rewrites a graph file in the current format version, so
// that before/after load measurements use the same graph without a
// rebuild (minutes and 10 GB at 20 x 20).
func benchRewriteCmd(e *env) *cobra.Command {
	var out string
	var ch bool
	c := &cobra.Command{
		Use:   "rewrite GRAPH -o NEW.graph",
		Short: "Rewrite a graph file (any version this fastroad reads) in the current format version",
		Long: `Read a graph file of any format version this fastroad reads and write the
same graph (contraction hierarchy included; --ch builds one) in the current format version,
without reading the extract again.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return usagef("bench rewrite: -o NEW.graph is required")
			}
			if err := checkNotInput(out, args[0]); err != nil {
				return err
			}
			if ok, err := isGraphFile(args[0]); err != nil || !ok {
				if err == nil {
					err = usagef("bench rewrite: %s is not a graph file", args[0])
				}
				return err
			}
			t0 := time.Now()
			g, err := loadGraph(e, args[0], osm.DefaultProfile(), false)
			if err != nil {
				return err
			}
			if ch && (g.CH == nil || !g.CH.Valid(g)) {
				t1 := time.Now()
				if g.CH, err = graph.BuildCHContext(e.ctx, g); err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "  contraction hierarchy: %d arcs with shortcuts in %.1fs\n", g.CH.NumArcs(), time.Since(t1).Seconds())
			}
			if err := writeOutput(e, out, []string{args[0]}, func(w io.Writer) error { return graph.Encode(w, g) }); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wrote %s (format version %d) in %.1fs\n", out, graph.Version, time.Since(t0).Seconds())
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "graph file to write")
	c.Flags().BoolVar(&ch, "ch", false, "also build the contraction hierarchy when the graph has none (as build --ch, without reading the extract again)")
	return c
}
