package population

import (
	"math"
	"strings"
)

// Classes of Classify.
const (
	Rural uint8 = 0
	Urban uint8 = 1
)

// Urban rule constants (assumptions of this package, documented in
// docs/population.md): residential land counts as a town's built-up area
// when its centre lies within UrbanReachKm of a city or town node; the
// cells within UrbanCoreKm of the node are urban in any case, so a town
// mapped only as a node still has a core.
var (
	UrbanReachKm = map[string]float64{"city": 5, "town": 2}
	UrbanCoreKm  = map[string]float64{"city": 2, "town": 1}
)

// Classify returns, per cell of s, Urban for cells in the built-up areas of
// towns and cities, else Rural. A cell is urban when its centre lies inside
// a place=city or place=town area, inside a landuse=residential polygon
// whose centre (the mean of its outer ring) lies within UrbanReachKm of a
// city or town node, or within UrbanCoreKm of such a node. Use GridOf to
// classify the cells of an isochrone grid.
func Classify(s *Surface, set *Settlements) []uint8 {
	out := make([]uint8, len(s.Pop))
	if set == nil {
		return out
	}
	mark := func(k int) { out[k] = Urban }
	type node struct{ lon, lat, reach float64 }
	var towns []node
	for i := range set.Places {
		p := &set.Places[i]
		kind := strings.ToLower(p.Kind)
		reach, ok := UrbanReachKm[kind]
		if !ok {
			continue
		}
		if len(p.Area) > 0 {
			s.fill(p.Area, mark)
		}
		towns = append(towns, node{p.Lon, p.Lat, reach})
		s.disc(p.Lon, p.Lat, UrbanCoreKm[kind]*1000, mark)
	}
	mLat := earthRadius * math.Pi / 180 / 1000 // km per degree
	for _, mp := range set.Residential {
		if len(mp) == 0 || len(mp[0]) == 0 || len(mp[0][0]) == 0 {
			continue
		}
		var cx, cy float64
		ring := mp[0][0]
		for _, p := range ring {
			cx += p[0]
			cy += p[1]
		}
		cx /= float64(len(ring))
		cy /= float64(len(ring))
		mLon := mLat * math.Cos(cy*math.Pi/180)
		for _, t := range towns {
			dx, dy := (cx-t.lon)*mLon, (cy-t.lat)*mLat
			if dx*dx+dy*dy <= t.reach*t.reach {
				s.fill(mp, mark)
				break
			}
		}
	}
	return out
}

// disc calls fn for every cell whose centre lies within r metres of (lon, lat).
func (s *Surface) disc(lon, lat, r float64, fn func(k int)) {
	mLat := earthRadius * math.Pi / 180
	mLon := mLat * math.Cos(lat*math.Pi/180)
	ri := int(math.Ceil(r/(s.DLon*mLon))) + 1
	rj := int(math.Ceil(r/(s.DLat*mLat))) + 1
	ci := int(math.Floor((lon-s.MinLon)/s.DLon + 0.5))
	cj := int(math.Floor((lat-s.MinLat)/s.DLat + 0.5))
	for j := max(0, cj-rj); j <= min(s.H-1, cj+rj); j++ {
		dy := (s.MinLat + float64(j)*s.DLat - lat) * mLat
		for i := max(0, ci-ri); i <= min(s.W-1, ci+ri); i++ {
			dx := (s.MinLon + float64(i)*s.DLon - lon) * mLon
			if dx*dx+dy*dy <= r*r {
				fn(j*s.W + i)
			}
		}
	}
}

// TownResidents is a city's, town's or village's residents on a surface:
// the cells of its place area, or else those within its ClassRadiusMetres
// (at least the cell holding the node). A cell shared by two places counts
// for both.
type TownResidents struct {
	Name, Kind string
	Residents  float64
	Estimate   bool // some of its cells are estimates
}

// Towns returns TownResidents for the city, town and village places of
// set, in input order.
func Towns(s *Surface, set *Settlements) []TownResidents {
	if set == nil {
		return nil
	}
	var out []TownResidents
	var cells []int32
	for i := range set.Places {
		p := &set.Places[i]
		kind := strings.ToLower(p.Kind)
		if kind != "city" && kind != "town" && kind != "village" {
			continue
		}
		cells = cells[:0]
		if len(p.Area) > 0 {
			s.fill(p.Area, func(k int) { cells = append(cells, int32(k)) })
		}
		if len(cells) == 0 {
			s.disc(p.Lon, p.Lat, ClassRadiusMetres[kind], func(k int) { cells = append(cells, int32(k)) })
		}
		if len(cells) == 0 {
			if i, j, ok := s.Cell(p.Lon, p.Lat); ok {
				cells = append(cells, int32(j*s.W+i))
			}
		}
		t := TownResidents{Name: p.Name, Kind: kind}
		if t.Name == "" {
			t.Name = p.NameEN
		}
		for _, k := range cells {
			t.Residents += float64(s.Pop[k])
			t.Estimate = t.Estimate || s.Estimate[k]
		}
		out = append(out, t)
	}
	return out
}
