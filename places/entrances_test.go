package places

import (
	"math/rand/v2"
	"testing"

	"github.com/fastroad/fastroad/graph"
)

// namedSet.nearest through its grid gives what a scan of the list gives:
// random junctions and interchanges at several latitudes and distances.
func TestNamedSetNearestMatchesScan(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 1))
	for _, lat0 := range []float64{0, 39.5, 62} {
		var ns namedSet
		for i := 0; i < 3000; i++ {
			x := named{p: graph.Point{Lon: -75 + r.Float64(), Lat: lat0 + r.Float64()}}
			if r.IntN(3) == 0 {
				x.mainlines = []string{[]string{"I 95", "DE 1"}[r.IntN(2)]}
			}
			if r.IntN(10) == 0 && i > 0 { // same place as another: ties
				x.p = ns.l[r.IntN(i)].p
			}
			ns.l = append(ns.l, x)
		}
		for _, dist := range []float64{300, 1500, 8000} {
			for q := 0; q < 300; q++ {
				pts := []graph.Point{{Lon: -75.1 + 1.2*r.Float64(), Lat: lat0 - 0.1 + 1.2*r.Float64()}}
				if q%3 == 0 {
					pts = append(pts, graph.Point{Lon: pts[0].Lon + 0.01, Lat: pts[0].Lat})
				}
				ml := []string{"I 95"}
				got, want := ns.nearest(pts, ml, dist), nearest(ns.l, nil, pts, ml, dist)
				if got != want {
					t.Fatalf("lat %g dist %g query %d: grid %v, scan %v", lat0, dist, q, got, want)
				}
			}
		}
	}
}
