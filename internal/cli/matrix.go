package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/internal/membudget"
)

func init() { register(matrixCmd) }

// defaultMaxOutput is matrix's default --max-output: 10 GB.
const defaultMaxOutput = "10GB"

func matrixCmd(e *env) *cobra.Command {
	var graphPath, profile, from, to, out, maxOutS, studyPath, altName string
	var timing bool
	c := &cobra.Command{
		Use:   "matrix --graph G --from ORIGINS.csv --to DESTS.csv [-o OUT.csv]",
		Short: "Travel-time matrix between two sets of points",
		Long: `Compute travel times from every origin to every destination.

ORIGINS.csv and DESTS.csv have a header with at least id,lon,lat (WGS-84;
other columns are ignored); ids are unique within a file. Each point snaps
to the nearest point on a routable road of the main network (max_snap_m in
the profile, default 1000 m); the part of the road from the snapped point
counts.

Output: CSV (RFC 4180 quoting) with header from,to,seconds, one row per pair
in input order, seconds with one decimal, empty when the destination cannot
be reached. Rows are computed and written in blocks, so memory does not grow
with the matrix; the output size is estimated first and a matrix larger than
--max-output is refused. --graph takes a graph file from 'fastroad build' or
an extract (then built in memory with --profile). --study S --alternative NAME
takes the network of one alternative of a study (base: the study's base), so
any figure of a comparison can be checked by hand.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if (graphPath == "") == (studyPath == "") || from == "" || to == "" {
				return usagef("matrix: --from, --to and one of --graph and --study are required")
			}
			if studyPath != "" && profile != "" {
				return usagef("matrix: --profile goes with --graph; a study names its own profile")
			}
			maxOut, err := membudget.ParseSize(maxOutS)
			if err != nil {
				return usagef("matrix: --max-output %v", err)
			}
			inputs := []string{graphPath, from, to, profile, studyPath}
			if out != "" && out != "-" {
				if err := checkNotInput(out, inputs...); err != nil {
					return err
				}
			}
			prof, err := loadProfile(profile)
			if err != nil {
				return err
			}
			op, err := readPoints(from)
			if err != nil {
				return markUsage(err)
			}
			dp, err := readPoints(to)
			if err != nil {
				return markUsage(err)
			}
			if need := matrixOutputBytes(op, dp); need > maxOut {
				return usagef("matrix: %d x %d pairs make about %s of CSV, more than --max-output %s; raise --max-output or split the origins",
					len(op), len(dp), membudget.Format(need), membudget.Format(maxOut))
			}
			t0 := time.Now()
			var g *graph.Graph
			if studyPath != "" {
				s, err := prepareStudy(e, studyPath)
				if err != nil {
					return err
				}
				n, err := s.Network(altName)
				if err != nil {
					return err
				}
				g, prof = n.Graph, s.Profile
			} else if g, err = loadGraph(e, graphPath, prof, profile != ""); err != nil {
				return err
			}
			tLoad := time.Since(t0)
			if err := membudget.Check(matrixMemoryBytes(g, len(op), len(dp)), e.maxMemory,
				fmt.Sprintf("a %d x %d matrix on this graph", len(op), len(dp)), "--max-memory"); err != nil {
				return err
			}
			t1 := time.Now()
			opt := prof.SnapOptions()
			os_, err := snapPoints(e, g, from, op, opt)
			if err != nil {
				return err
			}
			ds, err := snapPoints(e, g, to, dp, opt)
			if err != nil {
				return err
			}
			tSnap := time.Since(t1)
			t2 := time.Now()
			write := func(w io.Writer) error { return writeMatrix(e.ctx, w, g, op, dp, os_, ds) }
			if out == "" || out == "-" {
				bw := bufio.NewWriterSize(e.stdout, 1<<16)
				if err := write(bw); err != nil {
					return err
				}
				err = bw.Flush()
			} else {
				err = writeOutput(e, out, inputs, write)
			}
			if err != nil {
				return err
			}
			tMatrix := time.Since(t2)
			if timing {
				engine := "Dijkstra"
				if g.CH != nil && g.CH.Valid(g) {
					engine = "contraction hierarchy"
				}
				fmt.Fprintf(e.stderr, "timing: load %.3fs, snap %.3fs, matrix %dx%d %.4fs including writing (%s)\n",
					tLoad.Seconds(), tSnap.Seconds(), len(op), len(dp), tMatrix.Seconds(), engine)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&graphPath, "graph", "", "graph file or OSM extract")
	f.StringVar(&studyPath, "study", "", "a study file: the matrix on one of its networks (see --alternative), to check a comparison's figures by hand")
	f.StringVar(&altName, "alternative", "base", "with --study: the network, base or an alternative's name")
	f.StringVar(&profile, "profile", "", "speed profile YAML (for an extract; checked against a graph file)")
	f.StringVar(&from, "from", "", "origins CSV (id,lon,lat)")
	f.StringVar(&to, "to", "", "destinations CSV (id,lon,lat)")
	f.StringVarP(&out, "output", "o", "", "output CSV (default: standard output)")
	f.StringVar(&maxOutS, "max-output", defaultMaxOutput, "refuse a matrix whose CSV would be larger than this (e.g. 50GB)")
	f.BoolVar(&timing, "timing", false, "print load, snap and matrix times to stderr")
	return c
}

// markUsage marks an input error as a usage error (exit 2) unless it is one.
func markUsage(err error) error {
	if _, ok := err.(usageError); ok {
		return err
	}
	return usageError{err}
}

// matrixOutputBytes estimates the CSV size: per pair the two ids (CSV
// quoting aside), two commas, up to 8 characters of seconds and a newline.
func matrixOutputBytes(from, to []point) int64 {
	idBytes := func(ps []point) int64 {
		n := int64(0)
		for _, p := range ps {
			n += int64(len(p.ID))
		}
		return n
	}
	nf, nt := int64(len(from)), int64(len(to))
	return idBytes(from)*nt + idBytes(to)*nf + nf*nt*11 + 16
}

// matrixMemoryBytes estimates a matrix run's peak memory: the graph, the
// snapped points, one block of rows, and for a contraction hierarchy the
// bucket entries (about 300 per destination, 24 bytes each, on road graphs).
func matrixMemoryBytes(g *graph.Graph, nFrom, nTo int) int64 {
	n := g.MemoryBytes()
	if g.CH != nil {
		n += g.CH.MemoryBytes() + int64(nTo)*300*24
	}
	n += int64(nFrom+nTo) * 200 // points, ids and snaps
	n += graph.DefaultBlockCells*4 + int64(nTo)*4
	return n
}

// writeMatrix computes the matrix in blocks of rows and writes each block
// as CSV as soon as it is ready.
func writeMatrix(ctx context.Context, w io.Writer, g *graph.Graph, from, to []point, fs, ts []graph.Snap) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"from", "to", "seconds"}); err != nil {
		return err
	}
	rec := make([]string, 3)
	var buf []byte
	err := graph.MatrixBlocks(ctx, g, fs, ts, graph.MatrixOptions{}, func(first int, rows [][]uint32) error {
		for k, row := range rows {
			rec[0] = from[first+k].ID
			for j, t := range row {
				rec[1] = to[j].ID
				rec[2] = ""
				if t != graph.Inf {
					buf = strconv.AppendFloat(buf[:0], float64(t)/1000, 'f', 1, 64)
					rec[2] = string(buf)
				}
				if err := cw.Write(rec); err != nil {
					return err
				}
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
