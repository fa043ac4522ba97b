package geotiff

import (
	"io"
	"math"
	"testing"
)

// BenchmarkWrite writes a travel-time grid of the demo's size (797 x 1714
// cells of 100 m): minutes growing with distance from a point, smooth as
// real grids are, a tenth unreached (the nodata value).
func BenchmarkWrite(b *testing.B) {
	g := Grid{MinLon: -75.8, MinLat: 38.4, DLon: 0.00115, DLat: 0.0009, W: 797, H: 1714}
	nd := -9999.0
	t := make([]float32, g.W*g.H)
	for j := range g.H {
		for i := range g.W {
			v := float32(math.Hypot(float64(i-400), float64(j-900))/7 + 3*math.Sin(float64(i)/13)*math.Cos(float64(j)/17))
			if (i*7+j*13)%10 == 0 {
				v = float32(nd)
			}
			t[j*g.W+i] = v
		}
	}
	row := func(j int, dst []float32) { copy(dst, t[j*g.W:]) }
	b.SetBytes(int64(4 * g.W * g.H))
	for b.Loop() {
		if err := Write(io.Discard, g, Options{NoData: &nd}, row); err != nil {
			b.Fatal(err)
		}
	}
}
