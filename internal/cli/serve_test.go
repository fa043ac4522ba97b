package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/internal/browsertest"
	"github.com/fastroad/fastroad/internal/membudget"
	"github.com/fastroad/fastroad/internal/server"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/study"
)

var serveShots = flag.String("serve-screenshots", "", "folder for the serve browser test's screenshots (default: a temporary folder)")

// serveDemo starts the server over demo/study.yaml (Delaware) on loopback.
func serveDemo(t testing.TB) *httptest.Server {
	t.Helper()
	st, err := loadStudy("../../demo/study.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{stdout: io.Discard, stderr: io.Discard, ctx: context.Background(), maxMemory: membudget.Default()}
	in, err := st.loadInputs(e)
	if err != nil {
		t.Fatal(err)
	}
	s, err := study.Prepare(in)
	if err != nil {
		t.Fatal(err)
	}
	q, err := study.NewQuery(s, study.QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.New(q, server.Limits{}, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestServeBrowser loads the page in headless Chromium over the Delaware
// demo: click Georgetown, its isochrone appears with residents per band;
// switch to the US 113 expressway, the difference layer appears; sort the
// county table; no console error, no failed load and no request leaving
// the machine. Screenshots go to -serve-screenshots.
func TestServeBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the Delaware demo study")
	}
	if _, err := browsertest.FindBrowser(); err != nil {
		t.Skip("no Chromium: ", err)
	}
	srv := serveDemo(t)
	dir := *serveShots
	if dir == "" {
		dir = t.TempDir()
	}
	shot := func(ctx context.Context, name string) error {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			return err
		}
		t.Logf("screenshot %s", filepath.Join(dir, name))
		return os.WriteFile(filepath.Join(dir, name), png, 0o644)
	}
	poll := func(ctx context.Context, what, js string) error {
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(90*time.Second))); err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		return nil
	}
	count := func(ctx context.Context, js string) (int, error) {
		return chromedp.Run(ctx, chromedp.Evaluate[int](js))
	}
	steps := func(ctx context.Context) error {
		if err := poll(ctx, "the page", `document.body.dataset.ready === 'yes' && document.querySelector('path[data-name="Georgetown"]') !== null`); err != nil {
			return err
		}
		if err := poll(ctx, "the roads", `document.body.dataset.busy === 'no'`); err != nil {
			return err
		}
		if err := shot(ctx, "serve-0-page.png"); err != nil {
			return err
		}
		if err := chromedp.Do(ctx, chromedp.Click(`path[data-name="Georgetown"]`)); err != nil {
			return fmt.Errorf("click Georgetown: %w", err)
		}
		if err := poll(ctx, "the isochrone", `document.body.dataset.layer === 'isochrone'`); err != nil {
			return err
		}
		n, err := count(ctx, `fastroad.state.layer.features.filter(f => f.geometry.coordinates && f.geometry.coordinates.length).length`)
		if err != nil || n < 3 {
			return fmt.Errorf("isochrone: %d bands with polygons, want at least 3 (%v)", n, err)
		}
		if n, err := count(ctx, `document.querySelectorAll('#bands-table tr').length`); err != nil || n != 4 {
			return fmt.Errorf("band table: %d rows, want 4 (%v)", n, err)
		}
		if n, err := count(ctx, `document.querySelectorAll('#cell-note').length`); err != nil || n != 1 {
			return fmt.Errorf("no note of the cell size the answer was computed on (%v)", err)
		}
		if err := shot(ctx, "serve-1-georgetown.png"); err != nil {
			return err
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.getElementById('alt'); s.value = 'us113-expressway'; s.dispatchEvent(new Event('change')); return true; })()`)); err != nil {
			return err
		}
		if err := poll(ctx, "the difference", `document.body.dataset.layer === 'diff' && document.body.dataset.busy === 'no'`); err != nil {
			return err
		}
		if n, err := count(ctx, `fastroad.state.layer.features.filter(f => f.properties.layer === 'gain' && f.geometry.coordinates.length).length`); err != nil || n == 0 {
			return fmt.Errorf("difference: %d gain layers with polygons, want some (%v)", n, err)
		}
		if n, err := count(ctx, `document.querySelectorAll('#gainers').length`); err != nil || n != 1 {
			return fmt.Errorf("no gainers line (%v)", err)
		}
		if err := shot(ctx, "serve-2-us113-diff.png"); err != nil {
			return err
		}
		// the county table in Chinese, sorted by residents
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.getElementById('lang'); s.value = 'zh'; s.dispatchEvent(new Event('change')); document.getElementById('tab-areas').click(); return true; })()`)); err != nil {
			return err
		}
		if err := poll(ctx, "the county table", `document.querySelectorAll('#table th[data-key="residents"]').length === 1 && document.body.dataset.busy === 'no' && document.body.dataset.layer === 'diff'`); err != nil {
			return err
		}
		if err := chromedp.Do(ctx, chromedp.Click(`#table th[data-key="residents"]`)); err != nil {
			return err
		}
		if err := poll(ctx, "sorted", `document.querySelector('#table th.sorted-asc') !== null`); err != nil {
			return err
		}
		return shot(ctx, "serve-3-zh-counties.png")
	}
	res, err := browsertest.Load(context.Background(), srv.URL+"/?lang=en", browsertest.Options{Width: 1400, Height: 900, Timeout: 4 * time.Minute, Do: steps})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems() {
		t.Errorf("browser: %s", p)
	}
}

// demoQuery prepares the Delaware demo study for queries.
func demoQuery(b testing.TB) *study.Query {
	b.Helper()
	st, err := loadStudy("../../demo/study.yaml")
	if err != nil {
		b.Fatal(err)
	}
	e := &env{stdout: io.Discard, stderr: io.Discard, ctx: context.Background(), maxMemory: membudget.Default()}
	in, err := st.loadInputs(e)
	if err != nil {
		b.Fatal(err)
	}
	s, err := study.Prepare(in)
	if err != nil {
		b.Fatal(err)
	}
	q, err := study.NewQuery(s, study.QueryOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return q
}

// BenchmarkServeIsochrone60 is one 60-minute isochrone from Georgetown on
// the Delaware demo (search, grid, bands, residents), as /api/isochrone
// computes it: at the demo's 100 m cells with the default level of detail
// (study.DefaultDetailCells), always at 100 m, and at 250 m.
func BenchmarkServeIsochrone60(b *testing.B) {
	q := demoQuery(b)
	pt := graph.Point{Lon: -75.385, Lat: 38.690}
	for _, c := range []struct {
		name   string
		cell   float64
		detail int
	}{{"cell=100,detail=default", 100, 0}, {"cell=100,detail=none", 100, -1}, {"cell=250", 250, -1}} {
		qc, err := study.NewQuery(q.Study(), study.QueryOptions{Fill: isochrone.FillOptions{CellMetres: c.cell}, DetailCells: c.detail})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := qc.Isochrone(context.Background(), "base", pt, graph.Outbound, []float64{60}); err != nil {
			b.Fatal(err) // road cells walked before the clock
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var r *study.IsochroneResult
			for b.Loop() {
				r, err = qc.Isochrone(context.Background(), "base", pt, graph.Outbound, []float64{15, 30, 45, 60})
				if err != nil || len(r.Bands) != 4 {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(r.Grid.W*r.Grid.H), "cells")
			b.ReportMetric(r.CellMetres, "cell_m")
		})
	}
}

// TestServeUsage: a wrong call is a usage error (exit 2) before anything
// is loaded.
func TestServeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"serve"},
		{"serve", "--graph", "g", "--study", "s.yaml"},
		{"serve", "--graph", "g", "--addr", "127.0.0.1:x"},
		{"serve", "--graph", "g", "--addr", "nohostport"},
		{"serve", "--graph", "g", "--max-minutes", "500"},
		{"serve", "--graph", "g", "--workers", "-1"},
		{"serve", "--graph", "g", "--cell", "0.5"},
	} {
		if code, _, stderr := run(t, args...); code != 2 {
			t.Errorf("%v: got exit %d want 2 (%s)", args, code, stderr)
		}
	}
}

// BenchmarkServeRandom60 asks the server's handler (no network between)
// for 60-minute isochrones from random points within 250 m of the demo's
// towns under random networks, as the load test does, with the answer
// cache off: the CPU one request costs the server.
func BenchmarkServeRandom60(b *testing.B) {
	q0 := demoQuery(b)
	for _, c := range []struct {
		detail int
		phast  bool
	}{{400_000, true}, {study.DefaultDetailCells, false}, {study.DefaultDetailCells, true}} {
		q, err := study.NewQuery(q0.Study(), study.QueryOptions{DetailCells: c.detail})
		if err != nil {
			b.Fatal(err)
		}
		if c.phast {
			if err := q.Ready(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(fmt.Sprintf("detail=%d,phast=%v", c.detail, c.phast), func(b *testing.B) { benchServeRandom(b, q) })
	}
}

func benchServeRandom(b *testing.B, q *study.Query) {
	lim := server.DefaultLimits()
	lim.CacheBytes = -1
	srv, err := server.New(q, lim, func(string, ...any) {})
	if err != nil {
		b.Fatal(err)
	}
	ps, err := q.Places("base")
	if err != nil {
		b.Fatal(err)
	}
	var nets []string
	for _, n := range q.Networks() {
		nets = append(nets, n.Name)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ask := func() int {
		t := ps[rng.IntN(len(ps))]
		r, a := 250*math.Sqrt(rng.Float64()), 2*math.Pi*rng.Float64()
		lon := t.Lon + r*math.Cos(a)/(111320*math.Cos(t.Lat*math.Pi/180))
		lat := t.Lat + r*math.Sin(a)/110574
		u := fmt.Sprintf("/api/isochrone?lon=%.6f&lat=%.6f&minutes=60&alternative=%s", lon, lat, url.QueryEscape(nets[rng.IntN(len(nets))]))
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest("GET", u, nil))
		return w.Code
	}
	for range 10 * len(nets) {
		ask() // walk the networks' road cells before the clock
	}
	codes := map[int]int{}
	for b.Loop() {
		codes[ask()]++
	}
	if codes[200] == 0 {
		b.Fatalf("no answer: %v", codes)
	}
}

// TestServePHASTDemo: on the Delaware demo, isochrones with the networks'
// hierarchies (PHAST) have Dijkstra's grids and residents, cell for cell,
// from random points, both ways, under the base and an alternative.
func TestServePHASTDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds six hierarchies")
	}
	q := demoQuery(t)
	ctx := context.Background()
	ps, err := q.Places("base")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	type ask struct {
		net string
		pt  graph.Point
		dir graph.Direction
	}
	var asks []ask
	for range 6 {
		p := ps[rng.IntN(len(ps))]
		for _, dir := range []graph.Direction{graph.Outbound, graph.Inbound} {
			for _, n := range []string{"base", "us113-expressway"} {
				asks = append(asks, ask{n, graph.Point{Lon: p.Lon + 0.01*(rng.Float64()-0.5), Lat: p.Lat + 0.01*(rng.Float64()-0.5)}, dir})
			}
		}
	}
	run := func() []*study.IsochroneResult {
		var out []*study.IsochroneResult
		for _, a := range asks {
			r, err := q.Isochrone(ctx, a.net, a.pt, a.dir, []float64{30, 60})
			if err != nil {
				t.Fatalf("%+v: %v", a, err)
			}
			out = append(out, r)
		}
		return out
	}
	dijkstra := run()
	if err := q.BuildHierarchies(ctx); err != nil {
		t.Fatal(err)
	}
	phast := run()
	for i := range asks {
		a, b := dijkstra[i], phast[i]
		if a.Grid.W != b.Grid.W || a.Grid.H != b.Grid.H || a.Grid.MinLon != b.Grid.MinLon {
			t.Fatalf("%+v: grids differ in shape", asks[i])
		}
		n := 0
		for k := range a.Grid.T {
			if a.Grid.T[k] != b.Grid.T[k] && !(math.IsInf(float64(a.Grid.T[k]), 1) && math.IsInf(float64(b.Grid.T[k]), 1)) {
				n++
			}
		}
		if n > 0 || a.Residents[1] != b.Residents[1] {
			t.Errorf("%+v: %d cells differ; residents within 60 min %v (Dijkstra) vs %v (PHAST)", asks[i], n, a.Residents[1], b.Residents[1])
		}
		if a.Residents[1] < 1000 {
			t.Errorf("%+v: only %v residents within 60 min", asks[i], a.Residents[1])
		}
	}
}
