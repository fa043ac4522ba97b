package places

import (
	"fmt"

	"github.com/fastroad/fastroad/osm"
)

// Towns returns the towns of f: place=city and place=town nodes (and
// place=village ones when opt.Villages), and the admin centres of f.Admins.
// An admin centre that is also a place node is one town whose Source names
// both rules. Unnamed places are skipped and reported in the notes.
func Towns(f *osm.Features, opt Options) (towns []Place, notes []string) {
	if f == nil {
		return nil, nil
	}
	byID := map[int64]int{} // node id -> index in towns
	var rawPop []string
	add := func(ft *osm.Feature, rule string) int {
		if i, ok := byID[ft.ID]; ok {
			towns[i].Source += "; " + rule
			return i
		}
		rawPop = append(rawPop, ft.Tags["population"])
		p := Place{Kind: KindTown, ID: ft.Ref(), Lon: ft.Lon, Lat: ft.Lat,
			Name: ft.Tags["name"], NameZh: ft.Tags["name:zh"], NameEn: ft.Tags["name:en"], Source: rule}
		towns = append(towns, p)
		byID[ft.ID] = len(towns) - 1
		return len(towns) - 1
	}
	skipped := 0
	for i := range f.Places {
		ft := &f.Places[i]
		place := ft.Tags["place"]
		if place != "city" && place != "town" && !(opt.Villages && place == "village") {
			continue
		}
		if ft.Tags["name"] == "" && ft.Tags["name:zh"] == "" && ft.Tags["name:en"] == "" {
			skipped++
			continue
		}
		add(ft, fmt.Sprintf("place=%s (%s)", place, ft.Ref()))
	}
	for _, a := range f.Admins {
		if a.Centre == nil {
			continue
		}
		area := a.Name
		if area == "" {
			area = a.NameZh
		}
		i := add(a.Centre, fmt.Sprintf("%s of %s (relation/%d, admin_level %d)", a.CentreRole, area, a.ID, a.Level))
		t := &towns[i]
		if t.Label() == t.ID && area != "" { // unnamed centre node: use the area's name
			t.Name, t.NameZh, t.NameEn = area, a.NameZh, a.NameEn
		}
	}
	for i := range towns {
		t, raw := &towns[i], rawPop[i]
		switch n, ok := ParsePopulation(raw); {
		case ok:
			t.Population = n
		case raw == "":
			t.Source += "; no population tag (population 0: set it in the planner's file)"
		default:
			t.Source += fmt.Sprintf("; population tag %q not understood (population 0: set it in the planner's file)", raw)
		}
	}
	if skipped > 0 {
		notes = append(notes, fmt.Sprintf("unnamed place=city/town nodes skipped: %d", skipped))
	}
	Sort(towns)
	return towns, notes
}

// ParsePopulation reads an OSM population value; see osm.ParsePopulation.
func ParsePopulation(s string) (int, bool) { return osm.ParsePopulation(s) }
