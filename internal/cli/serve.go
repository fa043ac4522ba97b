package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastroad/fastroad/internal/server"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/report"
	"github.com/fastroad/fastroad/scenarios"
	"github.com/fastroad/fastroad/study"
)

func init() { register(serveCmd) }

func serveCmd(e *env) *cobra.Command {
	var graphPath, studyPath, addr, planner, profile string
	var cell float64
	var detail int
	lim := server.DefaultLimits()
	c := &cobra.Command{
		Use:   "serve (--graph G | --study STUDY.yaml) [--addr 127.0.0.1:8080]",
		Short: "Serve an interactive drive-time map and a JSON API over a graph or a study",
		Long: `Serve one page and a JSON API from this binary: click the map for the
drive-time bands from or to a point with the residents inside them, pick an
alternative to see its bands and the difference, read the access tables per
town and county, download the layer (GeoJSON) and the table (CSV). The page
needs no network: the basemap is the graph's own roads.

API (GET): /api/isochrone?lon=..&lat=..&minutes=15,30[&direction=from|to]
[&alternative=NAME], /api/diff, /api/population, /api/access, /api/places,
/api/alternatives, /api/meta (see docs/serve.md for curl examples).

Alternatives are built once at start; their access tables are evaluated in
the background, one network at a time. It binds to loopback unless --addr
says otherwise. Stop with Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if (graphPath == "") == (studyPath == "") {
				return usagef("serve: give exactly one of --graph and --study")
			}
			if err := lim.Validate(); err != nil {
				return usagef("serve: %v", err)
			}
			// At most --workers queries compute at once; the scheduler gets
			// two more threads than that, so that reading requests and
			// writing answers never wait behind computing workers. With as
			// many threads as workers, the workers handed the processors to
			// each other and new requests waited unfairly: p99 590 ms
			// against 260 ms at 50 clients (docs/serve.md).
			if n := lim.Workers + 2; n > runtime.GOMAXPROCS(0) {
				runtime.GOMAXPROCS(n)
			}
			if !(cell == 0 || cell >= isochrone.MinCellMetres && cell <= isochrone.MaxCellMetres) {
				return usagef("serve: --cell %v is out of range (want %v to %v metres)", cell, isochrone.MinCellMetres, isochrone.MaxCellMetres)
			}
			if detail != -1 && (detail < 10_000 || detail > isochrone.MaxCells) {
				return usagef("serve: --detail-cells %d is out of range (want 10000 to %d, or -1 for always the finest cells)", detail, isochrone.MaxCells)
			}
			_, port, err := net.SplitHostPort(addr)
			if err == nil {
				_, err = strconv.ParseUint(port, 10, 16)
			}
			if err != nil {
				return usagef("serve: --addr %q: want HOST:PORT, PORT a number up to 65535", addr)
			}
			var st *studyFile
			if studyPath != "" {
				var err error
				if st, err = loadStudy(studyPath); err != nil {
					return err
				}
			} else {
				st = graphStudy(graphPath, planner, profile)
			}
			t0 := time.Now()
			in, err := st.loadInputs(e)
			if err != nil {
				return err
			}
			s, err := study.Prepare(in)
			if err != nil {
				return err
			}
			q, err := study.NewQuery(s, study.QueryOptions{Fill: isochrone.FillOptions{CellMetres: cell}, MaxCells: lim.MaxCells, DetailCells: detail})
			if err != nil {
				return err
			}
			h, err := server.New(q, lim, func(f string, a ...any) { fmt.Fprintf(e.stderr, f+"\n", a...) })
			if err != nil {
				return err
			}
			q.Warm(func(d time.Duration) {
				fmt.Fprintf(e.stderr, "ready: hierarchies, road cells and access tables of %d networks built in %.1f s\n", len(q.Networks()), d.Seconds())
			})
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			if host, _, _ := net.SplitHostPort(ln.Addr().String()); !net.ParseIP(host).IsLoopback() {
				fmt.Fprintf(e.stderr, "warning: listening on %s, reachable from other machines\n", ln.Addr())
			}
			fmt.Fprintf(e.stderr, "loaded %d networks in %.1f s; serving http://%s/ (Ctrl-C stops)\n", len(q.Networks()), time.Since(t0).Seconds(), ln.Addr())
			srv := server.HTTPServer(addr, h)
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			select {
			case err := <-done:
				return err
			case <-e.ctx.Done():
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(ctx)
				if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
					return err
				}
				return e.ctx.Err()
			}
		},
	}
	f := c.Flags()
	f.StringVar(&graphPath, "graph", "", "graph file or OSM extract (towns and stations from the extract)")
	f.StringVar(&studyPath, "study", "", "study file: base and alternatives")
	f.StringVar(&planner, "places", "", "with --graph: the planner's places file")
	f.StringVar(&profile, "profile", "", "with --graph: speed profile YAML")
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (loopback by default)")
	f.Float64Var(&cell, "cell", 0, "finest isochrone grid cell in metres (default: the study's isochrones.cell_m, else 100)")
	f.IntVar(&detail, "detail-cells", study.DefaultDetailCells, "an isochrone whose grid at --cell would have more cells is computed on coarser cells (1.5, 2, 3, 4, 6, 8, 12 or 16 times), the finest within this many (-1: always --cell)")
	f.Float64Var(&lim.MaxMinutes, "max-minutes", lim.MaxMinutes, "largest band a request may ask for (minutes, at most 240)")
	f.IntVar(&lim.MaxBands, "max-bands", lim.MaxBands, "bands per request")
	f.IntVar(&lim.MaxSources, "max-sources", lim.MaxSources, "points of one multi-source isochrone (points=...)")
	f.IntVar(&lim.MaxCells, "max-cells", lim.MaxCells, "grid cells of one isochrone")
	f.IntVar(&lim.MaxQueryBytes, "max-query-bytes", lim.MaxQueryBytes, "length of a request's query string")
	f.IntVar(&lim.Workers, "workers", lim.Workers, "queries computed at once (default: the number of CPUs)")
	f.IntVar(&lim.MaxQueue, "max-queue", lim.MaxQueue, "queries waiting for a worker; more get 429")
	f.Int64Var(&lim.CacheBytes, "cache-bytes", lim.CacheBytes, "bytes of answers kept for repeated questions (negative: none)")
	f.DurationVar(&lim.RequestTimeout, "timeout", lim.RequestTimeout, "longest wait for a worker (then 429) and longest compute (then 503) of one query")
	return c
}

// graphStudy is the study of a bare graph: the base network only, the
// default targets and bands.
func graphStudy(path, planner, profile string) *studyFile {
	st := &studyFile{path: path}
	s := &st.Study
	s.Name = filepath.Base(path)
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".pbf") || strings.HasSuffix(lower, ".osm") || strings.HasSuffix(lower, ".osm.gz") || strings.HasSuffix(lower, ".osm.bz2") {
		s.Base.Extract = path
	} else {
		s.Base.Graph = path
	}
	s.Base.Places, s.Base.Profile = planner, profile
	s.Targets = scenarios.DefaultTargets()
	s.Isochrones = scenarios.Isochrones{Minutes: []float64{15, 30, 45, 60}, CellMetres: 100}
	s.Rank = report.Measures(s.Isochrones.Minutes)[0]
	return st
}
