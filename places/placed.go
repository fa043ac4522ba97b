package places

import (
	"fmt"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// CheckPlaced returns an error naming every place from the planner's file
// (Source "planner ...") that cannot be placed on g: farther than the snap
// distance from any road it may use (towns and stations: an ordinary road;
// entrances: any road). A planner's place is meant to count, so leaving it
// out silently would mislead; a detected place that cannot be placed only
// gets a note in the access table.
func CheckPlaced(g *graph.Graph, ps []Place, opt graph.SnapOptions) error {
	land := opt
	land.NoControlled = true
	var bad []string
	for i := range ps {
		p := &ps[i]
		if !strings.HasPrefix(p.Source, "planner ") {
			continue
		}
		so := land
		if p.Kind == KindEntrance {
			so = opt
		}
		for _, pt := range p.Points() {
			if _, err := g.SnapPoint(pt, so); err != nil {
				bad = append(bad, fmt.Sprintf("%s %s (%s) at %.6f,%.6f: %v", p.Kind, p.Label(), strings.TrimPrefix(p.Source, "planner "), pt.Lon, pt.Lat, err))
				break
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%d place(s) of the planner's file cannot be placed on the network (wrong crs, lon/lat swapped, or outside the extract?):\n  %s", len(bad), strings.Join(bad, "\n  "))
}
