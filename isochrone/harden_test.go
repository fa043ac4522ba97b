package isochrone_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
)

func TestFillOptionsValidate(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name string
		opt  isochrone.FillOptions
		want string // "" = accepted
	}{
		{"defaults", isochrone.FillOptions{}, ""},
		{"typical", isochrone.FillOptions{CellMetres: 100, AccessKmh: 5, AccessMetres: 500, MaxSeconds: 3600}, ""},
		{"no spreading", isochrone.FillOptions{AccessMetres: -1}, ""},
		{"negative cell", isochrone.FillOptions{CellMetres: -100}, "cell size -100"},
		{"NaN cell", isochrone.FillOptions{CellMetres: nan}, "cell size NaN"},
		{"tiny cell", isochrone.FillOptions{CellMetres: 0.01}, "1 to 10000 m"},
		{"huge cell", isochrone.FillOptions{CellMetres: 1e9}, "1 to 10000 m"},
		{"negative speed", isochrone.FillOptions{AccessKmh: -5}, "access speed -5"},
		{"NaN speed", isochrone.FillOptions{AccessKmh: nan}, "access speed NaN"},
		{"car speed off road", isochrone.FillOptions{AccessKmh: 120}, "0.1 to 50 km/h"},
		{"NaN distance", isochrone.FillOptions{AccessMetres: nan}, "access distance NaN"},
		{"far distance", isochrone.FillOptions{AccessMetres: 1e6}, "0 to 10000 m"},
		{"NaN limit", isochrone.FillOptions{MaxSeconds: nan}, "time limit"},
	} {
		err := c.opt.Validate()
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: got %v, want accepted", c.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestFillCancelledAndBudget(t *testing.T) {
	g := load(t, "monaco.osm.pbf")
	sn, err := g.SnapPoint(graph.Point{Lon: 7.4206, Lat: 43.7311}, graph.SnapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := graph.NewSearch(g)
	s.Run(graph.Outbound, g.Seeds(nil, sn, graph.Outbound), graph.Stop{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := isochrone.FillContext(ctx, g, s, isochrone.FillOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("FillContext: got %v, want context.Canceled", err)
	}
	grid, err := isochrone.Fill(g, s, isochrone.FillOptions{CellMetres: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := isochrone.BandsContext(ctx, grid, []float64{5}); !errors.Is(err, context.Canceled) {
		t.Errorf("BandsContext: got %v", err)
	}
	// Monaco at 10 m cells is a few hundred cells a side: 16 bytes a cell
	// is well over 1 KB, so a 1 KB budget refuses before allocating.
	_, err = isochrone.Fill(g, s, isochrone.FillOptions{CellMetres: 10, MaxBytes: 1 << 10})
	var tl *isochrone.GridTooLargeError
	if !errors.As(err, &tl) || tl.Bytes != int64(tl.W*tl.H)*isochrone.BytesPerCell || tl.W*tl.H != grid.W*grid.H {
		t.Errorf("got %v (%+v), want a GridTooLargeError for the %dx%d grid", err, tl, grid.W, grid.H)
	}
	if _, err := isochrone.Fill(g, s, isochrone.FillOptions{CellMetres: 10, MaxBytes: 1 << 40}); err != nil {
		t.Errorf("within budget: %v", err)
	}
}
