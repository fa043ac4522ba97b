package cli

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/graph"
)

func init() { register(matrixCmd) }

func matrixCmd(e *env) *cobra.Command {
	var graphPath, profile, from, to, out string
	var timing bool
	c := &cobra.Command{
		Use:   "matrix --graph G --from ORIGINS.csv --to DESTS.csv [-o OUT.csv]",
		Short: "Travel-time matrix between two sets of points",
		Long: `Compute travel times from every origin to every destination.

ORIGINS.csv and DESTS.csv have a header with at least id,lon,lat (WGS-84;
other columns are ignored). Each point snaps to the nearest point on a
routable road of the main network (max_snap_m in the profile, default 1000 m);
the part of the road from the snapped point counts.

Output: CSV with header from,to,seconds, one row per pair in input order,
seconds with one decimal, empty when the destination cannot be reached.
--graph takes a graph file from 'fastroad build' or an extract (then built in
memory with --profile).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if graphPath == "" || from == "" || to == "" {
				return usagef("matrix: --graph, --from and --to are required")
			}
			prof, err := loadProfile(profile)
			if err != nil {
				return err
			}
			t0 := time.Now()
			g, err := loadGraph(e, graphPath, prof, profile != "")
			if err != nil {
				return err
			}
			tLoad := time.Since(t0)
			op, err := readPoints(from)
			if err != nil {
				return usageError{err}
			}
			dp, err := readPoints(to)
			if err != nil {
				return usageError{err}
			}
			t1 := time.Now()
			opt := prof.SnapOptions()
			os_, err := snapPoints(g, from, op, opt)
			if err != nil {
				return err
			}
			ds, err := snapPoints(g, to, dp, opt)
			if err != nil {
				return err
			}
			tSnap := time.Since(t1)
			t2 := time.Now()
			m := graph.Matrix(g, os_, ds, 0)
			tMatrix := time.Since(t2)
			write := func(w io.Writer) error { return writeMatrix(w, op, dp, m) }
			if out == "" || out == "-" {
				bw := bufio.NewWriter(e.stdout)
				if err := write(bw); err != nil {
					return err
				}
				err = bw.Flush()
			} else {
				err = writeAtomic(out, write)
			}
			if err != nil {
				return err
			}
			if timing {
				engine := "Dijkstra"
				if g.CH != nil && g.CH.Valid(g) {
					engine = "contraction hierarchy"
				}
				fmt.Fprintf(e.stderr, "timing: load %.3fs, snap %.3fs, matrix %dx%d %.4fs (%s)\n",
					tLoad.Seconds(), tSnap.Seconds(), len(op), len(dp), tMatrix.Seconds(), engine)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&graphPath, "graph", "", "graph file or OSM extract")
	f.StringVar(&profile, "profile", "", "speed profile YAML (for an extract; checked against a graph file)")
	f.StringVar(&from, "from", "", "origins CSV (id,lon,lat)")
	f.StringVar(&to, "to", "", "destinations CSV (id,lon,lat)")
	f.StringVarP(&out, "output", "o", "", "output CSV (default: standard output)")
	f.BoolVar(&timing, "timing", false, "print load, snap and matrix times to stderr")
	return c
}

func writeMatrix(w io.Writer, from, to []point, m [][]uint32) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("from,to,seconds\n")
	var buf []byte
	for i := range from {
		for j := range to {
			buf = append(buf[:0], csvField(from[i].ID)...)
			buf = append(buf, ',')
			buf = append(buf, csvField(to[j].ID)...)
			buf = append(buf, ',')
			if t := m[i][j]; t != graph.Inf {
				buf = strconv.AppendFloat(buf, float64(t)/1000, 'f', 1, 64)
			}
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// csvField quotes a field when CSV needs it.
func csvField(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			return strconv.Quote(s)
		}
	}
	return s
}
