package places

import (
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

// Detect runs Towns, Stations and Entrances and returns all places sorted
// (Sort) with the notes of each step. f may be nil: then only entrances
// are found, unnamed; g may be nil: then no entrances are found.
func Detect(g *graph.Graph, f *osm.Features, opt Options) ([]Place, []string) {
	towns, notes := Towns(f, opt)
	st, n2 := Stations(f, towns, opt)
	notes = append(notes, n2...)
	var en []Place
	if g != nil {
		var n3 []string
		en, n3 = Entrances(g, f, opt)
		notes = append(notes, n3...)
	}
	all := append(append(towns, st...), en...)
	Sort(all)
	return all, notes
}
