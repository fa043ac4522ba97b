package population

import (
	"math"
	"strings"
)

// Settlement weights. Every weight is in residents, so that where no total
// exists the place weights are themselves the estimate. All figures are
// assumptions of this package (not from a census), chosen as round orders
// of magnitude for the OSM place classes' definitions (wiki.openstreetmap.org
// Key:place: a town has about 10,000 people, a village a few hundred, a
// hamlet under 100, an isolated dwelling one or two households).
var (
	// ClassResidents are the residents a place of each class stands for
	// when it has no population tag.
	ClassResidents = map[string]float64{
		"city": 100000, "town": 10000, "village": 500, "hamlet": 50, "isolated_dwelling": 5,
		"suburb": 5000, "quarter": 2000, "neighbourhood": 500,
	}
	// ClassRadiusMetres is the radius of the cone over which a place node's
	// residents are spread (0: the cell that holds the node).
	ClassRadiusMetres = map[string]float64{
		"city": 3000, "town": 1500, "village": 500, "hamlet": 200, "isolated_dwelling": 0,
		"suburb": 1000, "quarter": 700, "neighbourhood": 400,
	}
)

const (
	// ResidentialPerKm2 is the weight of landuse=residential land.
	ResidentialPerKm2 = 1000.0
	// ResidentsPerBuilding is the weight of a building of unknown size.
	ResidentsPerBuilding = 2.5
	// ResidentsPerBuildingM2 is the weight per m² of footprint (2.5 people
	// per 100 m²), counted up to BuildingCapM2 so that warehouses and malls
	// do not outweigh a village.
	ResidentsPerBuildingM2 = 0.025
	BuildingCapM2          = 1000.0
	// ResidentsPerRoadMetre is the weight of residential street length
	// (houses on both sides every 50 m, 2.5 people each).
	ResidentsPerRoadMetre = 0.05
)

// ResidentialRoadClasses are the highway classes whose length counts as
// residential street.
var ResidentialRoadClasses = map[string]bool{"residential": true, "living_street": true}

// RoadPiece is a road's class (highway=* value) and geometry (lon, lat).
type RoadPiece struct {
	Class string
	Line  [][2]float64
}

// weights holds per-cell settlement weights in residents.
type weights struct {
	place []float64 // place nodes and areas (class defaults or tags)
	other []float64 // residential land, buildings, residential streets
}

// placeWeight is what a place stands for: its tag, else its class default.
func placeWeight(p *SettlementPlace) float64 {
	if p.Population > 0 {
		return float64(p.Population)
	}
	return ClassResidents[strings.ToLower(p.Kind)]
}

// spreadPlace adds v residents of place p to acc: evenly over the cells of
// its area, or else over a cone around the node; it returns false when no
// cell of the surface takes them.
func (s *Surface) spreadPlace(acc []float64, p *SettlementPlace, v float64, cells []int32) ([]int32, bool) {
	cells = cells[:0]
	if len(p.Area) > 0 {
		s.fill(p.Area, func(k int) { cells = append(cells, int32(k)) })
		if len(cells) > 0 {
			each := v / float64(len(cells))
			for _, k := range cells {
				acc[k] += each
			}
			return cells, true
		}
	}
	return cells, s.cone(acc, p.Lon, p.Lat, ClassRadiusMetres[strings.ToLower(p.Kind)], v)
}

// cone spreads v over the cells whose centres lie within r metres of
// (lon, lat), weight 1 - d/r; with no such cell, into the cell holding the
// point. It returns false when the point and its cone miss the surface.
func (s *Surface) cone(acc []float64, lon, lat, r, v float64) bool {
	if r > 0 {
		mLat := earthRadius * math.Pi / 180
		mLon := mLat * math.Cos(lat*math.Pi/180)
		ri := int(math.Ceil(r/(s.DLon*mLon))) + 1
		rj := int(math.Ceil(r/(s.DLat*mLat))) + 1
		ci := int(math.Floor((lon-s.MinLon)/s.DLon + 0.5))
		cj := int(math.Floor((lat-s.MinLat)/s.DLat + 0.5))
		sum := 0.0
		for pass := 0; pass < 2; pass++ {
			for j := max(0, cj-rj); j <= min(s.H-1, cj+rj); j++ {
				dy := (s.MinLat + float64(j)*s.DLat - lat) * mLat
				for i := max(0, ci-ri); i <= min(s.W-1, ci+ri); i++ {
					dx := (s.MinLon + float64(i)*s.DLon - lon) * mLon
					d := math.Sqrt(dx*dx + dy*dy)
					if d >= r {
						continue
					}
					if pass == 0 {
						sum += 1 - d/r
					} else {
						acc[j*s.W+i] += v * (1 - d/r) / sum
					}
				}
			}
			if sum == 0 {
				break
			}
		}
		if sum > 0 {
			return true
		}
	}
	i, j, ok := s.Cell(lon, lat)
	if !ok {
		return false
	}
	acc[j*s.W+i] += v
	return true
}

// settlementWeights computes the weights of set and roads on s.
func (s *Surface) settlementWeights(set *Settlements, roads []RoadPiece) weights {
	w := weights{place: make([]float64, len(s.Pop)), other: make([]float64, len(s.Pop))}
	if set != nil {
		var cells []int32
		for i := range set.Places {
			p := &set.Places[i]
			if v := placeWeight(p); v > 0 {
				cells, _ = s.spreadPlace(w.place, p, v, cells)
			}
		}
		for _, mp := range set.Residential {
			s.fill(mp, func(k int) { w.other[k] += ResidentialPerKm2 * s.CellKm2(k/s.W) })
		}
		for _, b := range set.Buildings {
			i, j, ok := s.Cell(float64(b.Lon), float64(b.Lat))
			if !ok {
				continue
			}
			v := ResidentsPerBuilding
			if b.AreaM2 > 0 {
				v = ResidentsPerBuildingM2 * min(float64(b.AreaM2), BuildingCapM2)
			}
			w.other[j*s.W+i] += v
		}
	}
	for _, r := range roads {
		if !ResidentialRoadClasses[r.Class] {
			continue
		}
		s.addLength(w.other, r.Line, ResidentsPerRoadMetre)
	}
	return w
}

// addLength adds per metre of line to the cells it runs through: each
// segment is cut into pieces no longer than half a cell and each piece
// counted in the cell of its midpoint.
func (s *Surface) addLength(acc []float64, line [][2]float64, per float64) {
	mLat := earthRadius * math.Pi / 180
	for e := 0; e+1 < len(line); e++ {
		a, b := line[e], line[e+1]
		mLon := mLat * math.Cos((a[1]+b[1])/2*math.Pi/180)
		dx, dy := (b[0]-a[0])*mLon, (b[1]-a[1])*mLat
		l := math.Hypot(dx, dy)
		if !(l > 0) {
			continue
		}
		n := int(math.Ceil(l / (s.DLat * mLat / 2)))
		n = min(max(n, 1), 1<<20)
		for q := 0; q < n; q++ {
			t := (float64(q) + 0.5) / float64(n)
			i, j, ok := s.Cell(a[0]+t*(b[0]-a[0]), a[1]+t*(b[1]-a[1]))
			if ok {
				acc[j*s.W+i] += per * l / float64(n)
			}
		}
	}
}
