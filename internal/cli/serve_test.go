package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
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
// computes it, on grids of 100 m (the study's cell_m) and 250 m cells.
func BenchmarkServeIsochrone60(b *testing.B) {
	q := demoQuery(b)
	pt := graph.Point{Lon: -75.385, Lat: 38.690}
	for _, cell := range []float64{100, 250} {
		qc, err := study.NewQuery(q.Study(), study.QueryOptions{Fill: isochrone.FillOptions{CellMetres: cell}})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("cell=%g", cell), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := qc.Isochrone(context.Background(), "base", pt, graph.Outbound, []float64{15, 30, 45, 60})
				if err != nil || len(r.Bands) != 4 {
					b.Fatal(err)
				}
			}
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
