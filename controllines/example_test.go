package controllines_test

import (
	"fmt"
	"strings"

	"github.com/fastroad/fastroad/controllines"
	"github.com/fastroad/fastroad/graph"
)

func Example() {
	// A planner's blue lines: a lake about 854 m across (0.01° of
	// longitude at 40°N) and a river.
	blue := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"name":"Lake"},"geometry":{"type":"Polygon",
	  "coordinates":[[[116.40,39.99],[116.41,39.99],[116.41,40.01],[116.40,40.01],[116.40,39.99]]]}},
	 {"type":"Feature","properties":{"name":"River"},"geometry":{"type":"LineString",
	  "coordinates":[[116.45,39.9],[116.45,40.1]]}}]}`
	layer, err := controllines.ReadGeoJSON(strings.NewReader(blue), controllines.Blue, "blue.geojson")
	if err != nil {
		fmt.Println(err)
		return
	}
	road := []graph.Point{{Lon: 116.35, Lat: 40}, {Lon: 116.50, Lat: 40}}
	rep := controllines.Check(road, []controllines.Layer{layer}, controllines.Options{RoadWidth: 30})
	b := rep.Kinds[controllines.Blue]
	fmt.Printf("road %.0f m, %.0f m in water, %d shore crossings, %d river crossing, conflict %v\n",
		rep.Length, b.Inside, b.Crossings, b.LineCrossings, b.Conflict())
	for _, f := range b.Features {
		fmt.Printf("  %s at %.0f m: %.0f m inside, %d crossings\n", f.Name, f.At, f.Inside, f.Crossings)
	}
	// Output:
	// road 12809 m, 854 m in water, 2 shore crossings, 1 river crossing, conflict true
	//   Lake at 4270 m: 854 m inside, 2 crossings
	//   River at 8539 m: 0 m inside, 1 crossings
}
