package places

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

// Station scoring. Tags alone cannot tell a high-speed stop (no OSM tag says
// so), and track tags mislead both ways (Delaware's Acela stop Wilmington
// sits on usage=main track without highspeed=yes; three commuter stops sit
// on highspeed=yes track), so each station collects points:
//
//	+2  within TrackDist of highspeed=yes rail, else +1 of usage=main rail
//	+2  operator, network or brand naming a long-distance or high-speed
//	    operator or service (Amtrak, ICE, TGV, Frecciarossa, 中国铁路, ...)
//	+2  a Chinese name ending in 东站/西站/南站/北站 or containing 高铁
//	+1  a main-station name (Hbf, Hauptbahnhof, Centrale, Central Station,
//	    Union Station)
//	+1  the station nearest a city (place=city or population >=
//	    CityPopulation) within CityDist
//	+1  named after that city or another city within CityDist
//	-1  railway=halt
//
// A station with at least HSRScore points (default 3) is an hsr_station.
// Stations of metro, light rail, tram, funicular and miniature railways are
// not rail stations and are dropped. Stations with the same name (after
// normalising "Hbf" and a trailing "station"/站) within StationMerge
// metres, or whose names contain one another within a tenth of it, are one
// station, placed at its node if it has one (else way, else relation).

var (
	hsrWords    = []string{"ICE", "TGV", "AVE", "KTX", "THSR", "CRH", "Acela", "Eurostar", "Thalys", "Frecciarossa", "Italo", "Shinkansen"}
	hsrPhrases  = []string{"amtrak", "fernverkehr", "china railway", "中国铁路", "中國鐵路", "国铁", "高铁", "高鐵", "high-speed", "high speed"}
	mainWords   = []string{"hbf", "hauptbahnhof", "centrale", "central station", "union station"}
	notRailKind = []string{"subway", "light_rail", "tram", "monorail", "funicular", "miniature"}
)

type candidate struct {
	ft   *osm.Feature
	name string
	norm string
}

// Stations returns the rail stations of f scored as described above, using
// towns to find the cities they serve.
func Stations(f *osm.Features, towns []Place, opt Options) (stations []Place, notes []string) {
	if f == nil {
		return nil, nil
	}
	opt = opt.withDefaults()
	var cs []candidate
	dropped := 0
	for i := range f.Stations {
		ft := &f.Stations[i]
		if notRail(ft.Tags) {
			dropped++
			continue
		}
		name := firstNonEmpty(ft.Tags["name"], ft.Tags["name:zh"], ft.Tags["name:en"])
		cs = append(cs, candidate{ft: ft, name: name, norm: normStation(name)})
	}
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("metro, light rail, tram and funicular stations left out: %d", dropped))
	}
	groups := mergeStations(cs, opt.StationMerge)
	cities := citiesOf(towns, opt.CityPopulation)
	for _, g := range groups {
		rep := cs[g[0]]
		p := Place{Kind: KindRailStation, ID: rep.ft.Ref(), Lon: rep.ft.Lon, Lat: rep.ft.Lat,
			Name: rep.ft.Tags["name"], NameZh: rep.ft.Tags["name:zh"], NameEn: rep.ft.Tags["name:en"]}
		rule := "railway=" + rep.ft.Tags["railway"]
		if rep.ft.Tags["railway"] == "" {
			rule = "public_transport=station train=yes"
		}
		p.Source = fmt.Sprintf("%s (%s)", rule, rep.ft.Ref())
		for _, j := range g[1:] {
			p.Source += fmt.Sprintf("; also mapped as %s (%s)", cs[j].ft.Ref(), cs[j].name)
		}
		stations = append(stations, p)
	}
	// Score.
	rails := newRailIndex(f.Rails)
	reasons := make([][]string, len(stations))
	for i := range stations {
		p := &stations[i]
		tags := cs[groups[i][0]].ft.Tags
		add := func(pts int, why string) {
			p.Score += pts
			reasons[i] = append(reasons[i], fmt.Sprintf("%+d %s", pts, why))
		}
		if d, r := rails.nearest(p.Point(), true, opt.TrackDist); r != nil {
			add(2, fmt.Sprintf("on highspeed=yes track (%.0f m%s)", d, railName(r)))
		} else if d, r := rails.nearest(p.Point(), false, opt.TrackDist); r != nil {
			add(1, fmt.Sprintf("on usage=main track (%.0f m%s)", d, railName(r)))
		}
		for _, k := range []string{"operator", "network", "brand"} {
			if h := hsrHint(tags[k]); h != "" {
				add(2, fmt.Sprintf("%s %q names %s", k, tags[k], h))
				break
			}
		}
		for _, n := range []string{p.Name, p.NameZh} {
			if chineseHSRName(n) {
				add(2, fmt.Sprintf("name %q (东/西/南/北站 or 高铁)", n))
				break
			}
		}
		for _, n := range []string{p.Name, p.NameEn} {
			if w := mainStationWord(n); w != "" {
				add(1, fmt.Sprintf("main-station name (%s)", w))
				break
			}
		}
		if tags["railway"] == "halt" {
			add(-1, "railway=halt")
		}
		if c := namedAfter(p, cities, opt.CityDist); c != "" {
			add(1, "named after "+c)
		}
	}
	// Principal stations: the nearest station to each city.
	for _, c := range cities {
		best, bd := -1, math.Inf(1)
		for i := range stations {
			if d := metres(c.Point(), stations[i].Point()); d < bd {
				best, bd = i, d
			}
		}
		if best >= 0 && bd <= opt.CityDist {
			stations[best].Score++
			reasons[best] = append(reasons[best], fmt.Sprintf("+1 nearest station to city %s (%.1f km)", c.Label(), bd/1000))
		}
	}
	for i := range stations {
		p := &stations[i]
		if p.Score >= opt.HSRScore {
			p.Kind = KindHSRStation
		}
		why := "no HSR evidence"
		if len(reasons[i]) > 0 {
			why = strings.Join(reasons[i], ", ")
		}
		p.Source += fmt.Sprintf("; hsr score %d (hsr_station from %d): %s", p.Score, opt.HSRScore, why)
	}
	Sort(stations)
	return stations, notes
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func notRail(tags map[string]string) bool {
	if slices.Contains(notRailKind, tags["station"]) {
		return true
	}
	if tags["train"] == "yes" {
		return false
	}
	for _, k := range []string{"subway", "light_rail", "tram", "monorail"} {
		if tags[k] == "yes" {
			return true
		}
	}
	return false
}

// normStation lower-cases a station name, spells out "Hbf", drops a trailing
// "station"/"railway station"/站 and everything but letters and digits.
func normStation(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if w == "hbf" {
			w = "hauptbahnhof"
		}
		b.WriteString(w)
	}
	n := b.String()
	for _, suf := range []string{"railwaystation", "trainstation", "station", "火车站", "站"} {
		if strings.HasSuffix(n, suf) && len(n) > len(suf) {
			n = strings.TrimSuffix(n, suf)
			break
		}
	}
	return n
}

// mergeStations groups candidates (union-find) and returns the groups, each
// led by its representative: node before way before relation, then the
// lowest id.
func mergeStations(cs []candidate, dist float64) [][]int {
	sets := newDisjointSets(len(cs))
	pt := func(c candidate) graph.Point { return graph.Point{Lon: c.ft.Lon, Lat: c.ft.Lat} }
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			a, b := cs[i].norm, cs[j].norm
			if a == "" || b == "" {
				continue
			}
			d := metres(pt(cs[i]), pt(cs[j]))
			same := a == b && d <= dist
			contains := (strings.Contains(a, b) || strings.Contains(b, a)) && d <= dist/10
			if same || contains {
				sets.union(int32(i), int32(j))
			}
		}
	}
	typeRank := map[string]int{"node": 0, "way": 1, "relation": 2}
	var out [][]int
	for _, g := range sets.groups() {
		slices.SortFunc(g, func(x, y int) int {
			return cmp.Or(cmp.Compare(typeRank[cs[x].ft.Type], typeRank[cs[y].ft.Type]), cmp.Compare(cs[x].ft.ID, cs[y].ft.ID))
		})
		out = append(out, g)
	}
	return out
}

// railIndex is a uniform grid over the pieces of the kept rail lines, so
// that scoring n stations against m pieces costs O(n + m), not O(n m).
type railIndex struct {
	rails []osm.Rail
	cells map[[2]int32][]railPiece
}

type railPiece struct{ rail, part, k int32 }

const railCell = 0.01 // degrees, about 1 km

func cellOf(p graph.Point) [2]int32 {
	return [2]int32{int32(math.Floor(p.Lon / railCell)), int32(math.Floor(p.Lat / railCell))}
}

func newRailIndex(rails []osm.Rail) *railIndex {
	ix := &railIndex{rails: rails, cells: map[[2]int32][]railPiece{}}
	for ri := range rails {
		for pi, part := range rails[ri].Parts {
			for k := 0; k+1 < len(part); k++ {
				a, b := cellOf(part[k]), cellOf(part[k+1])
				x0, x1 := min(a[0], b[0]), max(a[0], b[0])
				y0, y1 := min(a[1], b[1]), max(a[1], b[1])
				if (x1-x0+1)*(y1-y0+1) > 10000 {
					continue // a piece spanning 100 km: bad data, not a track near a station
				}
				for x := x0; x <= x1; x++ {
					for y := y0; y <= y1; y++ {
						c := [2]int32{x, y}
						ix.cells[c] = append(ix.cells[c], railPiece{int32(ri), int32(pi), int32(k)})
					}
				}
			}
		}
	}
	return ix
}

// nearest returns the distance in metres from p to the nearest
// highspeed=yes rail (hs) or usage=main rail (!hs) within maxDist, and that
// rail; +Inf and nil when there is none.
func (ix *railIndex) nearest(p graph.Point, hs bool, maxDist float64) (float64, *osm.Rail) {
	best := math.Inf(1)
	var br *osm.Rail
	kx, ky := scale(p.Lat)
	rx := int32(math.Ceil(maxDist/math.Max(kx, 1)/railCell)) + 1
	ry := int32(math.Ceil(maxDist/ky/railCell)) + 1
	c := cellOf(p)
	for x := c[0] - rx; x <= c[0]+rx; x++ {
		for y := c[1] - ry; y <= c[1]+ry; y++ {
			for _, pc := range ix.cells[[2]int32{x, y}] {
				r := &ix.rails[pc.rail]
				if hs && !r.HighSpeed || !hs && r.Usage != "main" {
					continue
				}
				part := r.Parts[pc.part]
				if d := segDist(p, part[pc.k], part[pc.k+1]); d < best {
					best, br = d, r
				}
			}
		}
	}
	if best > maxDist {
		return math.Inf(1), nil
	}
	return best, br
}

func railName(r *osm.Rail) string {
	if r == nil || r.Name == "" {
		return ""
	}
	return ", " + r.Name
}

// hsrHint returns the high-speed or long-distance operator or service that
// s names, or "".
func hsrHint(s string) string {
	if s == "" {
		return ""
	}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if slices.Contains(hsrWords, w) {
			return w
		}
	}
	l := strings.ToLower(s)
	for _, p := range hsrPhrases {
		if strings.Contains(l, p) {
			return p
		}
	}
	return ""
}

func chineseHSRName(s string) bool {
	for _, suf := range []string{"东站", "西站", "南站", "北站", "東站"} {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return strings.Contains(s, "高铁") || strings.Contains(s, "高鐵")
}

func mainStationWord(s string) string {
	l := " " + strings.ToLower(s) + " "
	for _, w := range mainWords {
		if strings.Contains(l, " "+w+" ") {
			return w
		}
	}
	return ""
}

// citiesOf returns the towns that count as cities for station scoring.
func citiesOf(towns []Place, minPop int) []Place {
	var out []Place
	for _, t := range towns {
		if t.Kind == KindTown && (strings.Contains(t.Source, "place=city") || t.Population >= minPop) {
			out = append(out, t)
		}
	}
	return out
}

// cityName normalises a city name for "named after": lower case, letters
// and digits only, without a trailing 市/县/縣/区/區.
func cityName(s string) string {
	n := normStation(s)
	for _, suf := range []string{"市", "县", "縣", "区", "區"} {
		if strings.HasSuffix(n, suf) && utf8.RuneCountInString(n) > 2 {
			return strings.TrimSuffix(n, suf)
		}
	}
	return n
}

// namedAfter returns the name of a city within dist whose name starts the
// station's name, or "".
func namedAfter(st *Place, cities []Place, dist float64) string {
	for _, c := range cities {
		if metres(c.Point(), st.Point()) > dist {
			continue
		}
		for _, cn := range []string{c.Name, c.NameZh, c.NameEn} {
			cn = cityName(cn)
			if utf8.RuneCountInString(cn) < 2 {
				continue
			}
			for _, sn := range []string{st.Name, st.NameZh, st.NameEn} {
				if strings.HasPrefix(normStation(sn), cn) {
					return c.Label()
				}
			}
		}
	}
	return ""
}
