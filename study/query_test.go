package study

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/population"
)

// withPeople adds residents to the hand-drawn study: 1000 at Testville
// (116.0, 36.0), 500 near the station end of the primary road (116.09,
// 36.0) and 200 far from every road (116.0, 36.2).
func withPeople(t *testing.T) *Study {
	t.Helper()
	in := handDrawn(t)
	in.Population = []population.Source{{Name: "test", Points: []population.Point{
		{Lon: 116.0, Lat: 36.0, Pop: 1000, Name: "Testville"},
		{Lon: 116.09, Lat: 36.0, Pop: 500, Name: "east end"},
		{Lon: 116.0, Lat: 36.2, Pop: 200, Name: "far away"},
	}}}
	s, err := Prepare(in)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestQueryIsochrone: from Testville's end of the primary road the east
// residents (116.0 -> 116.09 at 36 deg N: 0.09 * 111.32 * cos 36 = 8.1 km of
// primary road) lie beyond 7 minutes and within 12 at the default profile's
// 55 km/h (8.1 / 55 * 60 = 8.8 min, plus up to 1.5 min on foot from the road
// to the centre of their 250 m population cell); the resident far from every
// road is never counted. The upgraded alternative (110 km/h: 4.4 min, 5.9
// with the walk) brings them inside 7 minutes.
func TestQueryIsochrone(t *testing.T) {
	s := withPeople(t)
	q, err := NewQuery(s, QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !q.HasPeople() {
		t.Fatal("no residents indexed")
	}
	pt := graph.Point{Lon: 116.0, Lat: 36.0}
	for _, c := range []struct {
		net  string
		want []float64 // residents within 7 and 12 minutes
	}{
		{"base", []float64{1000, 1500}},
		{"faster", []float64{1500, 1500}},
	} {
		r, err := q.Isochrone(context.Background(), c.net, pt, graph.Outbound, []float64{7, 12})
		if err != nil {
			t.Fatalf("%s: %v", c.net, err)
		}
		if len(r.Bands) != 2 || len(r.Residents) != 2 {
			t.Fatalf("%s: got %d bands, %d resident counts, want 2 and 2", c.net, len(r.Bands), len(r.Residents))
		}
		for i := range c.want {
			if math.Abs(r.Residents[i]-c.want[i]) > 1 {
				t.Errorf("%s: residents within %v min: got %v want %v", c.net, r.Minutes[i], r.Residents[i], c.want[i])
			}
		}
		if r.Bands[1].AreaKm2() < r.Bands[0].AreaKm2() {
			t.Errorf("%s: bands do not nest: %v < %v km2", c.net, r.Bands[1].AreaKm2(), r.Bands[0].AreaKm2())
		}
	}
}

// TestQueryDifference: the upgrade saves time from Testville: the east end
// gains (500 residents), Testville itself (time 0 in both) does not.
func TestQueryDifference(t *testing.T) {
	q, err := NewQuery(withPeople(t), QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := q.Difference(context.Background(), "faster", graph.Point{Lon: 116.0, Lat: 36.0}, graph.Outbound, []float64{5, 10})
	if err != nil {
		t.Fatal(err)
	}
	if d.Base.Grid.W != d.Alt.Grid.W || d.Base.Grid.MinLon != d.Alt.Grid.MinLon {
		t.Errorf("grids do not align: %dx%d at %v and %dx%d at %v", d.Base.Grid.W, d.Base.Grid.H, d.Base.Grid.MinLon, d.Alt.Grid.W, d.Alt.Grid.H, d.Alt.Grid.MinLon)
	}
	if len(d.Gains) != len(DiffSteps) || len(d.Gains[0].Polygons) == 0 {
		t.Errorf("got %d gain bands (first with no polygon?), want %d", len(d.Gains), len(DiffSteps))
	}
	if d.Gainers == nil || math.Abs(*d.Gainers-500) > 1 || *d.Losers != 0 {
		t.Errorf("gainers %v losers %v: want 500 and 0", d.Gainers, d.Losers)
	}
}

// TestQueryErrors: bad minutes, unknown networks and points off the
// network are refused with errors saying so.
func TestQueryErrors(t *testing.T) {
	s, err := Prepare(handDrawn(t))
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewQuery(s, QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pt := graph.Point{Lon: 116.0, Lat: 36.0}
	for _, m := range [][]float64{nil, {0}, {10, 5}, {math.NaN()}, {241}} {
		if _, err := q.Isochrone(ctx, "base", pt, graph.Outbound, m); err == nil {
			t.Errorf("minutes %v: got no error", m)
		}
	}
	if _, err := q.Isochrone(ctx, "nope", pt, graph.Outbound, []float64{5}); err == nil {
		t.Error("unknown network: got no error")
	}
	var bp BadPointError
	if _, err := q.Isochrone(ctx, "base", graph.Point{Lon: 10, Lat: 10}, graph.Outbound, []float64{5}); !errors.As(err, &bp) {
		t.Errorf("point far away: got %v, want a BadPointError", err)
	}
	if q.HasPeople() {
		t.Error("residents without a population source")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := q.Isochrone(cctx, "base", pt, graph.Inbound, []float64{5}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
}

// TestQueryConcurrent: queries share the networks and pool their
// workspaces; concurrent answers equal the sequential one (run with -race).
// TestQueryConcurrent: queries of every network at once, while Ready builds
// what they use, give the answers of a query alone (run it with -race).
func TestQueryConcurrent(t *testing.T) {
	q, err := NewQuery(withPeople(t), QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pt := graph.Point{Lon: 116.05, Lat: 36.0}
	want, err := q.Isochrone(context.Background(), "base", pt, graph.Inbound, []float64{5, 10})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	// the hierarchies, road cells and tables are built while queries run
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := q.Ready(context.Background()); err != nil {
			t.Error(err)
		}
	}()
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			net := []string{"base", "faster", "closed"}[i%3]
			r, err := q.Isochrone(context.Background(), net, pt, graph.Inbound, []float64{5, 10})
			if err != nil {
				t.Error(err)
				return
			}
			if net == "base" && (r.Residents[1] != want.Residents[1] || r.Bands[1].AreaKm2() != want.Bands[1].AreaKm2()) {
				t.Errorf("concurrent base: got %v residents, %v km2, want %v, %v", r.Residents[1], r.Bands[1].AreaKm2(), want.Residents[1], want.Bands[1].AreaKm2())
			}
		}(i)
	}
	wg.Wait()
}

// TestQueryAccess: the access table has Testville and Upton, computed once
// for concurrent callers.
func TestQueryAccess(t *testing.T) {
	q, err := NewQuery(withPeople(t), QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	tabs := make([]*AccessTable, 3)
	for i := range tabs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tabs[i], _ = q.Access(context.Background(), "faster")
		}(i)
	}
	wg.Wait()
	if tabs[0] == nil || tabs[0] != tabs[1] || tabs[1] != tabs[2] {
		t.Fatalf("got tables %p %p %p, want one shared table", tabs[0], tabs[1], tabs[2])
	}
	if len(tabs[0].Towns) != 2 || tabs[0].Towns[0].Name != "Testville" {
		t.Errorf("towns %+v: want Testville and Upton", tabs[0].Towns)
	}
	if h := tabs[0].Towns[0].HSR; !(h > 4 && h < 6) {
		t.Errorf("Testville to HSR on faster: got %v min, want 4.9", h)
	}
	if len(tabs[0].Areas) == 0 || tabs[0].Areas[0].Area != "all" {
		t.Errorf("areas %+v: want all first", tabs[0].Areas)
	}
}

// TestQueryHierarchySameAnswers: with the networks' hierarchies built
// (PHAST searches) the isochrones, residents and differences are those of
// Dijkstra searches, cell for cell.
func TestQueryHierarchySameAnswers(t *testing.T) {
	s := withPeople(t)
	q, err := NewQuery(s, QueryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pt := graph.Point{Lon: 116.0, Lat: 36.0}
	type answer struct {
		iso  *IsochroneResult
		diff *DiffResult
	}
	ask := func() []answer {
		var out []answer
		for _, dir := range []graph.Direction{graph.Outbound, graph.Inbound} {
			for _, n := range q.Networks() {
				r, err := q.Isochrone(ctx, n.Name, pt, dir, []float64{5, 10, 20})
				if errors.As(err, new(BadPointError)) {
					continue // a network without the road beside the point
				}
				if err != nil {
					t.Fatal(err)
				}
				d, err := q.Difference(ctx, n.Name, pt, dir, []float64{5, 10, 20})
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, answer{r, d})
			}
		}
		return out
	}
	dijkstra := ask()
	if err := q.BuildHierarchies(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range q.nets {
		if q.ch[i].Load() == nil {
			t.Fatalf("network %d has no hierarchy", i)
		}
	}
	phast := ask()
	if len(phast) != len(dijkstra) || len(phast) < 4 {
		t.Fatalf("%d answers with Dijkstra, %d with PHAST", len(dijkstra), len(phast))
	}
	same := func(a, b *IsochroneResult) bool {
		if a.Grid.W != b.Grid.W || a.Grid.H != b.Grid.H || a.Grid.MinLon != b.Grid.MinLon || a.Grid.MinLat != b.Grid.MinLat {
			return false
		}
		for k := range a.Grid.T {
			if a.Grid.T[k] != b.Grid.T[k] && !(math.IsInf(float64(a.Grid.T[k]), 1) && math.IsInf(float64(b.Grid.T[k]), 1)) {
				return false
			}
		}
		for k := range a.Residents {
			if a.Residents[k] != b.Residents[k] {
				return false
			}
		}
		return true
	}
	reached := 0
	for i := range dijkstra {
		a, b := dijkstra[i], phast[i]
		if !same(a.iso, b.iso) || !same(a.diff.Base, b.diff.Base) || !same(a.diff.Alt, b.diff.Alt) || *a.diff.Gainers != *b.diff.Gainers {
			t.Errorf("answer %d (%s, %v): PHAST differs from Dijkstra", i, a.iso.Network, a.iso.Direction)
		}
		reached += len(a.iso.Bands[2].Polygons)
	}
	if reached == 0 {
		t.Fatal("no band reached anything: the test proves little")
	}
}
