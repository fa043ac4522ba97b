package isochrone_test

import (
	"fmt"
	"math"

	"github.com/fastroad/fastroad/isochrone"
)

func ExampleContour() {
	// A station in the middle cell, reached in 0 s; its neighbours in 600 s;
	// the corners not at all. Cell (0, 0) is the south-west one.
	inf := float32(math.Inf(1))
	g := &isochrone.Grid{MinLon: 120, MinLat: 30, DLon: 0.01, DLat: 0.01, W: 3, H: 3, T: []float32{
		inf, 600, inf,
		600, 0, 600,
		inf, 600, inf,
	}}
	for _, p := range isochrone.Contour(g, 300) {
		fmt.Printf("%d ring(s), outer %.4f\n", len(p), p[0])
		fmt.Printf("area %.3f km²\n", isochrone.AreaKm2(p))
	}
	// Output:
	// 1 ring(s), outer [[120.0050 30.0100] [120.0100 30.0050] [120.0150 30.0100] [120.0100 30.0150] [120.0050 30.0100]]
	// area 0.535 km²
}

func ExampleBands() {
	g, err := isochrone.NewGrid(114.40, 30.60, 114.56, 30.72, 500) // around Wuhan station
	if err != nil {
		fmt.Println(err)
		return
	}
	// A search would write times with g.Lower; here time grows with
	// distance from the middle cell at 10 m/s.
	ci, cj := g.W/2, g.H/2
	for j := 0; j < g.H; j++ {
		for i := 0; i < g.W; i++ {
			g.Lower(g.Index(i, j), float32(math.Hypot(float64(i-ci), float64(j-cj))*500/10))
		}
	}
	bands := isochrone.Bands(g, []float64{5, 10})
	for _, b := range bands {
		lon, lat := g.Centre(ci+8, cj)
		fmt.Printf("%v min: %d polygon(s), %.0f km², 4 km east inside: %v\n",
			b.Minutes, len(b.Polygons), b.AreaKm2(), b.Contains(lon, lat))
	}
	// Output:
	// 5 min: 1 polygon(s), 28 km², 4 km east inside: false
	// 10 min: 1 polygon(s), 113 km², 4 km east inside: true
}
