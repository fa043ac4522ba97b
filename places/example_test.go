package places_test

import (
	"fmt"

	"github.com/fastroad/fastroad/places"
)

func ExampleParsePopulation() {
	for _, s := range []string{"72,826", "1.345.890", "4927 (2010)", "many"} {
		n, ok := places.ParsePopulation(s)
		fmt.Println(n, ok)
	}
	// Output:
	// 72826 true
	// 1345890 true
	// 4927 true
	// 0 false
}

func ExampleApply() {
	detected := []places.Place{
		{Kind: places.KindTown, ID: "node/158653907", Name: "Milford", Lon: -75.428, Lat: 38.913, Source: "place=town"},
		{Kind: places.KindRailStation, ID: "node/366753362", Name: "Wilmington", Lon: -75.551, Lat: 39.737},
	}
	plan := places.Plan{Edits: []places.Edit{
		// The planner sets Milford's population and names Wilmington the
		// study's HSR station.
		{Name: "Milford", Kind: places.KindTown, Population: 11190, Where: "plan.yaml: places[0]"},
		{Op: places.OpReplace, ID: "node/366753362", Kind: places.KindHSRStation, Population: -1, Where: "plan.yaml: places[1]"},
	}}
	ps, err := places.Apply(detected, plan, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range ps {
		fmt.Println(p.Kind, p.Name, p.Population)
	}
	// Output:
	// town Milford 11190
	// hsr_station Wilmington 0
}
