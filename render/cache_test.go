package render

import (
	"bytes"
	"fmt"
	"image"
	"sync"
	"testing"
)

// TestCacheSamePixels draws a series of maps (different areas, shared or
// not, one with a different frame, one with a line moved) with and without
// a Cache, in
// parallel and with a budget that forces evictions: every map must be the
// same pixel for pixel.
func TestCacheSamePixels(t *testing.T) {
	m, areas, lines, labels, legend := exampleMap(GoFont())
	moved := append([]Line(nil), lines...)
	last := moved[len(moved)-1]
	last.Coords = append([][2]float64(nil), last.Coords...)
	last.Coords[1][0] += 0.001
	moved[len(moved)-1] = last
	wide := *m
	wide.Bounds = [4]float64{114.7, 35.5, 115.5, 36.0}
	shared := append([]Area(nil), areas...) // rasterised through the cache too
	for i := range shared {
		shared[i].Shared = true
	}
	cases := []struct {
		m     *Map
		areas []Area
		lines []Line
	}{
		{m, areas, lines},
		{m, areas[:1], lines},
		{m, nil, lines},
		{&wide, areas, lines},
		{m, areas, moved},
		{m, areas[1:], lines},
		{m, shared, lines},
		{&wide, shared, lines},
		{m, shared[1:], moved},
	}
	want := make([][]byte, len(cases))
	for i, c := range cases {
		img, _, err := c.m.Draw(c.areas, c.lines, labels, legend)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = img.Pix
	}
	for _, budget := range []int{0, 1} {
		cache := NewCache(budget)
		var wg sync.WaitGroup
		errs := make([]error, 2*len(cases))
		for k := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := cases[k%len(cases)]
				mc := *c.m
				mc.Cache = cache
				img, _, err := mc.Draw(c.areas, c.lines, labels, legend)
				if err == nil && !bytes.Equal(img.Pix, want[k%len(cases)]) {
					err = fmt.Errorf("map %d: differs from the map drawn without a cache (%d pixels)", k%len(cases), diffPixels(img, want[k%len(cases)]))
				}
				errs[k] = err
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Errorf("budget %d: %v", budget, err)
			}
		}
		fills := 0
		for k := range cache.entries {
			if k.width < 0 {
				fills++
			}
		}
		if budget == 0 && (len(cache.entries) == 0 || fills == 0) {
			t.Errorf("%d coverages cached, %d of them shared areas: want both", len(cache.entries), fills)
		}
		if budget == 1 && len(cache.entries) > 1+2*len(cases) {
			t.Errorf("budget of 1 byte keeps %d coverages", len(cache.entries))
		}
	}
}

func diffPixels(img *image.RGBA, want []byte) int {
	n := 0
	for i := 0; i+3 < len(want) && i+3 < len(img.Pix); i += 4 {
		if !bytes.Equal(img.Pix[i:i+4], want[i:i+4]) {
			n++
		}
	}
	return n
}

// BenchmarkDrawLinesCached is BenchmarkDrawLines100k with a Cache: the
// second and later maps of a frame only blend the roads' coverage.
func BenchmarkDrawLinesCached(b *testing.B) {
	lines := randomLines(100_000, 50)
	m := &Map{Width: 1600, Height: 1200, Bounds: [4]float64{0, 0, 1, 1}, Font: GoFont(), Cache: NewCache(0)}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.Draw(nil, lines, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRecycledImageSamePixels draws a map on an image handed back by
// Recycle (another map's) and checks it against the same map drawn on a
// new image: Draw must paint every pixel.
func TestRecycledImageSamePixels(t *testing.T) {
	m, areas, lines, labels, legend := exampleMap(GoFont())
	want, _, err := m.Draw(nil, lines[:1], nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantPix := bytes.Clone(want.Pix)
	for range 3 {
		busy, _, err := m.Draw(areas, lines, labels, legend)
		if err != nil {
			t.Fatal(err)
		}
		Recycle(busy)
		got, _, err := m.Draw(nil, lines[:1], nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Pix, wantPix) {
			t.Fatalf("map on a recycled image differs from the map on a new one (%d pixels)", diffPixels(got, wantPix))
		}
		Recycle(got)
	}
}
