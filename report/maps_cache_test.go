package report

import (
	"bytes"
	"sync"
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/render"
)

// TestMapCacheSameMaps: maps of two networks (with and without the bypass)
// drawn through one MapCache, in parallel and twice each, are the maps
// drawn without it.
func TestMapCacheSameMaps(t *testing.T) {
	nets := []*graph.Graph{tinyGraph(t, false), tinyGraph(t, true)}
	box := [4]float64{-75.61, 38.975, -75.57, 39.005}
	band := isochrone.Band{Minutes: 5, Polygons: []isochrone.Polygon{{{{-75.605, 38.99}, {-75.58, 38.99}, {-75.58, 39.003}, {-75.605, 39.003}, {-75.605, 38.99}}}}}
	opt := func(c *MapCache, title string) MapOptions {
		return MapOptions{Width: 480, Height: 360, Font: render.GoFont(), Title: title, Bounds: box, Cache: c,
			Extra: []render.Line{{Coords: [][2]float64{{hD.Lon, hD.Lat}, {hC.Lon, hC.Lat}}, Style: render.LineStyle{Color: render.RoadStyle("motorway").Color, Width: 5, Above: true}}}}
	}
	draw := func(g *graph.Graph, bands []isochrone.Band, o MapOptions) []byte {
		img, _, err := IsochroneMap(g, bands, nil, o)
		if err != nil {
			t.Error(err)
			return nil
		}
		return img.Pix
	}
	type job struct {
		g     *graph.Graph
		bands []isochrone.Band
	}
	var jobs []job
	for _, g := range nets {
		jobs = append(jobs, job{g, nil}, job{g, []isochrone.Band{band}})
	}
	want := make([][]byte, len(jobs))
	for i, j := range jobs {
		want[i] = draw(j.g, j.bands, opt(nil, "t"))
	}
	c := NewMapCache()
	var wg sync.WaitGroup
	for k := range 2 * len(jobs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j := jobs[k%len(jobs)]
			if got := draw(j.g, j.bands, opt(c, "t")); !bytes.Equal(got, want[k%len(jobs)]) {
				t.Errorf("map %d: differs from the map drawn without a cache", k%len(jobs))
			}
		}()
	}
	wg.Wait()
	if len(c.roads) != len(nets) {
		t.Errorf("cache holds road lines of %d networks, want %d", len(c.roads), len(nets))
	}
}
