package report_test

import (
	"fmt"
	"math"

	"github.com/fastroad/fastroad/isochrone"
	"github.com/fastroad/fastroad/report"
)

// Three cells, minutes to the nearest entrance: the first saves 12 min, the
// second is past the 60-min limit in the base (newly reached, not a saving),
// the third is reached by neither.
func ExampleClassify() {
	inf := float32(math.Inf(1))
	base := &isochrone.Grid{DLon: 0.01, DLat: 0.01, W: 3, H: 1, T: []float32{40 * 60, 61 * 60, inf}}
	alt := &isochrone.Grid{DLon: 0.01, DLat: 0.01, W: 3, H: 1, T: []float32{28 * 60, 59.3 * 60, inf}}
	d, err := report.DiffWithin(base, alt, 60)
	if err != nil {
		panic(err)
	}
	c := report.Classify(d, []float64{5, 10, 20})
	for k, m := range c.Steps {
		fmt.Printf("saves >= %g min: %d area(s)\n", m, len(c.Gains[k].Polygons))
	}
	fmt.Printf("newly reached: %d, no longer reached: %d\n", len(c.NewlyReached), len(c.NoLongerReached))
	// Output:
	// saves >= 5 min: 1 area(s)
	// saves >= 10 min: 1 area(s)
	// saves >= 20 min: 0 area(s)
	// newly reached: 1, no longer reached: 0
}
