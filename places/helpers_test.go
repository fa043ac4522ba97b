package places

import (
	"testing"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

type station struct {
	id       int64
	name     string
	lon, lat float64
	tags     map[string]string
}

// loadFeatures makes features with the given stations, all on a usage=main
// line along the equator, and a highspeed=yes stretch past "Smallstop".
func loadFeatures(t *testing.T, sts []station) *osm.Features {
	t.Helper()
	f := &osm.Features{Rails: []osm.Rail{
		{ID: 1, Usage: "main", Parts: [][]graph.Point{{{Lon: -1, Lat: 0}, {Lon: 1, Lat: 0}}}},
		{ID: 2, Usage: "main", HighSpeed: true, Parts: [][]graph.Point{{{Lon: 0.04, Lat: 0}, {Lon: 0.06, Lat: 0}}}},
	}}
	for _, s := range sts {
		tags := map[string]string{"railway": "station", "name": s.name}
		for k, v := range s.tags {
			tags[k] = v
		}
		f.Stations = append(f.Stations, osm.Feature{Type: "node", ID: s.id, Lon: s.lon, Lat: s.lat, Tags: tags})
	}
	return f
}
