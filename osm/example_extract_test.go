package osm_test

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/fastroad/fastroad/osm"
)

// ExampleReadExtract reads the road graph and the settlements of the
// hand-drawn fixture in one pass over the XML.
func ExampleReadExtract() {
	open := func() (io.ReadCloser, error) { return os.Open("testdata/settlements.osm") }
	ex, err := osm.ReadExtract(context.Background(), open, osm.ExtractOptions{
		Profile:     osm.DefaultProfile(),
		Settlements: &osm.SettlementOptions{Buildings: true},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := ex.Settlements
	for _, b := range s.Boundaries {
		fmt.Printf("%s (admin_level %d): %.2f km2, population %d\n", b.Name, b.AdminLevel, b.Area.Area()/1e6, b.Population)
	}
	for _, p := range s.Places {
		fmt.Printf("%s %s at %.3f,%.3f\n", p.Kind, p.Name, p.Lon, p.Lat)
	}
	fmt.Println(ex.Graph.NumNodes(), "graph nodes")
	fmt.Println(s.Stats)
	// Output:
	// Test County (admin_level 6): 4.95 km2, population 12345
	// hamlet Smallplace at 0.015,0.015
	// 2 graph nodes
	// settlements: 1 boundaries, 1 places (0 as areas), 1 residential areas, 2 buildings; dropped 1 (1 incomplete rings, 1 missing member ways, 0 missing node refs); 0 population tags refused
}
