package places

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// Place kinds, as written in the kind column.
const (
	KindTown        = "town"
	KindHSRStation  = "hsr_station"
	KindRailStation = "rail_station"
	KindEntrance    = "expressway_entrance"
	// KindCentre is the central city that county seats should reach within
	// the study's centre_minutes ("quick in, quick out"); only the
	// planner's file gives one (op: add, with an id of its own), else the
	// study takes the most populous town.
	KindCentre = "centre"
)

// Kinds lists the place kinds in output order.
var Kinds = []string{KindTown, KindHSRStation, KindRailStation, KindEntrance, KindCentre}

// ValidKind reports whether k is one of Kinds.
func ValidKind(k string) bool { return slices.Contains(Kinds, k) }

// Place is one town, station or expressway entrance.
type Place struct {
	Kind                 string
	ID                   string // "node/123", "way/4", "relation/5", "entrance/<node id>" or the planner's id
	Name, NameZh, NameEn string
	Lon, Lat             float64
	Population           int    // 0 when unknown
	Source               string // the rule or file that produced the place, and why
	// Entries are the points where an entrance's on-ramps leave the
	// ordinary network (one per ramp of the interchange); empty for other
	// places and for entrances given as a single point.
	Entries []graph.Point
	// Score is a station's HSR score (see Stations).
	Score int
}

// Point returns the place's position.
func (p *Place) Point() graph.Point { return graph.Point{Lon: p.Lon, Lat: p.Lat} }

// Points returns the points a search uses for the place: its Entries, or
// its own position when it has none.
func (p *Place) Points() []graph.Point {
	if len(p.Entries) > 0 {
		return p.Entries
	}
	return []graph.Point{p.Point()}
}

// Label returns the best name for display: Name, else NameZh, NameEn, ID.
func (p *Place) Label() string {
	for _, s := range []string{p.Name, p.NameZh, p.NameEn} {
		if s != "" {
			return s
		}
	}
	return p.ID
}

func kindOrder(k string) int {
	if i := slices.Index(Kinds, k); i >= 0 {
		return i
	}
	return len(Kinds)
}

// Sort orders places by kind (Kinds order), name and id.
func Sort(ps []Place) {
	slices.SortStableFunc(ps, func(a, b Place) int {
		return cmp.Or(cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)),
			strings.Compare(a.Label(), b.Label()), strings.Compare(a.ID, b.ID))
	})
}

// OfKind returns the places of kind k, in order.
func OfKind(ps []Place, k string) []Place {
	var out []Place
	for _, p := range ps {
		if p.Kind == k {
			out = append(out, p)
		}
	}
	return out
}

// Options tune detection. DefaultOptions gives the documented defaults; a
// zero field means its default.
type Options struct {
	// Villages lists place=village nodes as towns too.
	Villages bool
	// HSRScore is the station score from which a station is an HSR station.
	HSRScore int
	// TrackDist: a station this many metres from a track is on it.
	TrackDist float64
	// CityDist: the station nearest a city within this many metres is the
	// city's principal station.
	CityDist float64
	// CityPopulation: a town with at least this population counts as a city
	// for station scoring (place=city always does).
	CityPopulation int
	// StationMerge: stations with the same name within this many metres, or
	// any two within a tenth of it, are one station.
	StationMerge float64
	// EntranceMerge: entry points within this many metres of each other
	// along the ordinary network, on the same crossing road and mainline,
	// are one interchange; EntranceMergeAny: within this many, always.
	EntranceMerge, EntranceMergeAny float64
	// JunctionDist: a motorway_junction or toll booth farther than this many
	// metres from every entry point and ramp end does not name it.
	JunctionDist float64
	// MinLandComponent: entry points must lie in a part of the ordinary
	// network with at least this many nodes (or the largest part), which
	// drops rest areas that are reached only from the expressway.
	MinLandComponent int
	// MinComponent: besides the graph's largest strongly connected
	// component, entry points may lie in components of this many nodes.
	MinComponent int32
	// MinExpresswayKm: an entrance must lead into a connected piece of
	// controlled-access road with at least this many km of mainline
	// carriageway (each carriageway counted); shorter pieces (bridges,
	// bypasses tagged motorway) give no entrances. Default 5; valid 0..1000
	// (Validate), 0 meaning the default.
	MinExpresswayKm float64
}

// DefaultOptions returns the defaults.
func DefaultOptions() Options {
	return Options{
		HSRScore:         3,
		TrackDist:        300,
		CityDist:         5000,
		CityPopulation:   100000,
		StationMerge:     1500,
		EntranceMerge:    1500,
		EntranceMergeAny: 300,
		JunctionDist:     1500,
		MinLandComponent: 100,
		MinExpresswayKm:  5,
	}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.HSRScore == 0 {
		o.HSRScore = d.HSRScore
	}
	if o.TrackDist <= 0 {
		o.TrackDist = d.TrackDist
	}
	if o.CityDist <= 0 {
		o.CityDist = d.CityDist
	}
	if o.CityPopulation <= 0 {
		o.CityPopulation = d.CityPopulation
	}
	if o.StationMerge <= 0 {
		o.StationMerge = d.StationMerge
	}
	if o.EntranceMerge <= 0 {
		o.EntranceMerge = d.EntranceMerge
	}
	if o.EntranceMergeAny <= 0 {
		o.EntranceMergeAny = d.EntranceMergeAny
	}
	if o.JunctionDist <= 0 {
		o.JunctionDist = d.JunctionDist
	}
	if o.MinLandComponent <= 0 {
		o.MinLandComponent = d.MinLandComponent
	}
	if !(o.MinExpresswayKm > 0) {
		o.MinExpresswayKm = d.MinExpresswayKm
	}
	return o
}

// metres returns an equirectangular distance, accurate to a fraction of a
// percent over the few kilometres detection looks at.
func metres(a, b graph.Point) float64 {
	kx, ky := scale((a.Lat + b.Lat) / 2)
	return math.Hypot((a.Lon-b.Lon)*kx, (a.Lat-b.Lat)*ky)
}

// scale returns metres per degree of longitude and latitude at lat.
func scale(lat float64) (kx, ky float64) {
	const ky0 = 111195.0 // mean metres per degree on a 6371 km sphere
	return ky0 * math.Cos(lat*math.Pi/180), ky0
}

// segDist returns the distance in metres from p to the segment a-b.
func segDist(p, a, b graph.Point) float64 {
	kx, ky := scale(p.Lat)
	ax, ay := (a.Lon-p.Lon)*kx, (a.Lat-p.Lat)*ky
	bx, by := (b.Lon-p.Lon)*kx, (b.Lat-p.Lat)*ky
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}
