package population_test

import (
	"fmt"
	"math"

	"github.com/fastroad/fastroad/population"
)

// Residents within 15 and 30 minutes of a station, and the weighted mean
// and median over those reached, from three cells of an isochrone grid.
func ExampleAccessOf() {
	pop := []float32{1000, 3000, 500}                        // residents per cell
	secs := []float32{5 * 60, 20 * 60, float32(math.Inf(1))} // travel time, seconds
	a, err := population.AccessOf(pop, secs, []float64{15, 30}, 0)
	if err != nil {
		panic(err)
	}
	fmt.Printf("within 15 min: %.0f, within 30 min: %.0f, unreached: %.0f\n", a.Within[0], a.Within[1], a.Unreached)
	fmt.Printf("mean %.2f min, median %.0f min (over the reached)\n", a.MeanMinutes, a.MedianMinutes)
	// Output:
	// within 15 min: 1000, within 30 min: 4000, unreached: 500
	// mean 16.25 min, median 20 min (over the reached)
}
