package appraisal

import (
	"fmt"
	"math"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// Zone is an origin of trips: a cell of the population surface or a
// planner's polygon, at its centroid.
type Zone struct {
	ID        string  `mapstructure:"id"`
	Name      string  `mapstructure:"name"`
	Lon       float64 `mapstructure:"lon"`
	Lat       float64 `mapstructure:"lat"`
	Residents float64 `mapstructure:"residents"`
	County    string  `mapstructure:"county"`
	Urban     bool    `mapstructure:"urban"`
}

// Place is a destination: an HSR station, an expressway entrance, a county
// seat or the central city. Points are where a search starts from it (an
// entrance's on-ramp entries, or its own position).
type Place struct {
	ID, Name string
	County   string // for county seats: the county they serve
	Points   []graph.Point
}

// Places are a network's destinations by kind.
type Places struct {
	HSR         []Place
	Entrances   []Place
	CountySeats []Place
	Centre      []Place
}

// EndKind says what an Endpoint is.
type EndKind uint8

// Endpoint kinds.
const (
	EndZone EndKind = iota
	EndHSR
	EndEntrance
	EndCountySeat
	EndCentre
	numEndKinds
)

var endKindNames = [...]string{"zone", "hsr", "entrance", "county_seat", "centre"}

func (k EndKind) String() string {
	if int(k) < len(endKindNames) {
		return endKindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

func (ps *Places) ofKind(k EndKind) []Place {
	switch k {
	case EndHSR:
		return ps.HSR
	case EndEntrance:
		return ps.Entrances
	case EndCountySeat:
		return ps.CountySeats
	case EndCentre:
		return ps.Centre
	}
	return nil
}

// Endpoint is an origin or destination: a zone (Index), a place of a kind
// by ID, or with ID "" and Kind != EndZone the nearest place of that kind.
type Endpoint struct {
	Kind  EndKind
	Index int32  // zone index (EndZone)
	ID    string // place id; "" = nearest of the kind
}

// OD is one origin's trips of a group, per day of the base year.
type OD struct {
	Origin      Endpoint
	PersonTrips float64
	Vehicles    float64 // PersonTrips x car share / occupancy
}

// Group is the trips of one purpose to one destination (or to the nearest
// of a kind): one inbound search assigns all of them.
type Group struct {
	Purpose int // index into Demand.Purposes
	Dest    Endpoint
	// County: with a nearest-of-kind Dest, only places of that county.
	County     string
	First, End int // range in Demand.ODs
}

// PurposeDemand describes one purpose's demand.
type PurposeDemand struct {
	Name        string
	Occupancy   float64
	ValueOfTime float64 // CNY per person-hour
	Model       string  // "nearest", "own county seat", "boardings", "gravity exp", "gravity power", "od"
	// Param is the gravity deterrence parameter used (given or calibrated).
	Param float64
	// MeanMinutes is the gravity model's mean trip time on the base network.
	MeanMinutes float64
	PersonTrips float64 // per base-year day
	Vehicles    float64 // per base-year day
}

// Demand is every purpose's trips in the base year, per day, as groups of
// origin trips to a destination.
type Demand struct {
	Zones    []Zone
	Purposes []PurposeDemand
	Groups   []Group
	ODs      []OD
	Notes    []string
}

// located holds a network's snapped zones and places.
type located struct {
	g      *graph.Graph
	cost   *graph.Graph // the graph searches route on (g, or by generalized cost)
	zone   []graph.Snap
	zoneOK []bool
	place  [numEndKinds][][]graph.Snap // kind -> place -> snapped points
	byID   [numEndKinds]map[string]int
	ps     *Places
	notes  []string
}

func locate(n *Network, zones []Zone, maxM float64) *located {
	g := n.Graph
	opt := graph.SnapOptions{MaxDist: maxM, NoControlled: true}
	l := &located{g: g, zone: make([]graph.Snap, len(zones)), zoneOK: make([]bool, len(zones)), ps: &n.Places}
	for i, z := range zones {
		sn, err := g.SnapPoint(graph.Point{Lon: z.Lon, Lat: z.Lat}, opt)
		if err != nil {
			l.notes = append(l.notes, fmt.Sprintf("%s: zone %s: %v; its trips are not assigned", n.Name, z.ID, err))
			continue
		}
		l.zone[i], l.zoneOK[i] = sn, true
	}
	for k := EndHSR; k < numEndKinds; k++ {
		ps := n.Places.ofKind(k)
		l.place[k] = make([][]graph.Snap, len(ps))
		l.byID[k] = make(map[string]int, len(ps))
		for i := range ps {
			l.byID[k][ps[i].ID] = i
			for _, p := range ps[i].Points {
				sn, err := g.SnapPoint(p, opt)
				if err != nil {
					continue
				}
				l.place[k][i] = append(l.place[k][i], sn)
			}
			if len(l.place[k][i]) == 0 {
				l.notes = append(l.notes, fmt.Sprintf("%s: %s %s: no road within %.0f m; not used", n.Name, k, ps[i].ID, maxM))
			}
		}
	}
	return l
}

// originSnap returns where an origin starts.
func (l *located) originSnap(e Endpoint) (graph.Snap, bool) {
	if e.Kind == EndZone {
		return l.zone[e.Index], l.zoneOK[e.Index]
	}
	i, ok := l.byID[e.Kind][e.ID]
	if !ok || len(l.place[e.Kind][i]) == 0 {
		return graph.Snap{}, false
	}
	return l.place[e.Kind][i][0], true
}

// destSeeds appends the inbound seeds of a group's destination.
func (l *located) destSeeds(dst []graph.Seed, gr *Group) []graph.Seed {
	d := gr.Dest
	if d.Kind == EndZone {
		if l.zoneOK[d.Index] {
			dst = l.g.Seeds(dst, l.zone[d.Index], graph.Inbound)
		}
		return dst
	}
	if d.ID != "" {
		if i, ok := l.byID[d.Kind][d.ID]; ok {
			for _, sn := range l.place[d.Kind][i] {
				dst = l.g.Seeds(dst, sn, graph.Inbound)
			}
		}
		return dst
	}
	ps := l.ps.ofKind(d.Kind)
	for i := range ps {
		if gr.County != "" && ps[i].County != gr.County {
			continue
		}
		for _, sn := range l.place[d.Kind][i] {
			dst = l.g.Seeds(dst, sn, graph.Inbound)
		}
	}
	return dst
}

func validateZones(zones []Zone) error {
	seen := make(map[string]int, len(zones))
	for i, z := range zones {
		if z.ID == "" {
			return fmt.Errorf("zone %d: empty id", i+1)
		}
		if j, ok := seen[z.ID]; ok {
			return fmt.Errorf("zone %d: id %q already used by zone %d", i+1, z.ID, j+1)
		}
		seen[z.ID] = i + 1
		if !(z.Lon >= -180 && z.Lon <= 180 && z.Lat >= -90 && z.Lat <= 90) {
			return fmt.Errorf("zone %s: position %g,%g: want WGS-84 longitude -180..180, latitude -90..90", z.ID, z.Lon, z.Lat)
		}
		if math.IsNaN(z.Residents) || math.IsInf(z.Residents, 0) || z.Residents < 0 || z.Residents > 1e9 {
			return fmt.Errorf("zone %s: residents %g: want 0..1e9", z.ID, z.Residents)
		}
	}
	return nil
}

// BuildDemand builds every configured purpose's trips on the base network.
// Gravity times and HSR boardings' access times are measured on it.
func BuildDemand(base *Network, zones []Zone, cfg Config) (*Demand, error) {
	if err := validateZones(zones); err != nil {
		return nil, err
	}
	l := locate(base, zones, cfg.SnapMaxM)
	d := &Demand{Zones: zones, Notes: append([]string(nil), l.notes...)}
	for _, name := range cfg.purposeOrder() {
		p := cfg.Purposes[name]
		pi := len(d.Purposes)
		d.Purposes = append(d.Purposes, PurposeDemand{Name: name, Occupancy: p.Occupancy, ValueOfTime: p.ValueOfTime})
		pd := &d.Purposes[pi]
		veh := p.CarShare / p.Occupancy
		daily := p.Rate / cfg.DaysPerYear
		var err error
		switch {
		case len(p.OD) > 0:
			pd.Model = "od"
			err = d.addOD(pi, zones, &base.Places, p.OD, veh, "appraisal.purposes."+name+".od")
		case name == PurposeHSR && len(p.Boardings) > 0:
			pd.Model = "boardings"
			err = d.addBoardings(pi, l, p, veh, cfg.DaysPerYear)
		case name == PurposeGravity:
			err = d.addGravity(pi, l, p, veh, daily)
		case name == PurposeCountySeat && p.Destination != "nearest":
			pd.Model = "own county seat"
			d.addCountySeats(pi, base, daily, veh)
		default:
			pd.Model = "nearest"
			kind := map[string]EndKind{PurposeHSR: EndHSR, PurposeExpressway: EndEntrance, PurposeCountySeat: EndCountySeat, PurposeCentre: EndCentre}[name]
			d.addNearest(pi, kind, "", func(z *Zone) bool { return true }, daily, veh)
		}
		if err != nil {
			return nil, err
		}
		for _, gr := range d.Groups {
			if gr.Purpose != pi {
				continue
			}
			for _, od := range d.ODs[gr.First:gr.End] {
				pd.PersonTrips += od.PersonTrips
				pd.Vehicles += od.Vehicles
			}
		}
	}
	return d, nil
}

// addGroup appends a group whose ODs are appended by fill.
func (d *Demand) addGroup(pi int, dest Endpoint, county string, fill func()) {
	first := len(d.ODs)
	fill()
	if len(d.ODs) > first {
		d.Groups = append(d.Groups, Group{Purpose: pi, Dest: dest, County: county, First: first, End: len(d.ODs)})
	}
}

func (d *Demand) addNearest(pi int, kind EndKind, county string, keep func(*Zone) bool, daily, veh float64) {
	d.addGroup(pi, Endpoint{Kind: kind}, county, func() {
		for i := range d.Zones {
			z := &d.Zones[i]
			if !keep(z) || z.Residents == 0 || daily == 0 {
				continue
			}
			t := z.Residents * daily
			d.ODs = append(d.ODs, OD{Origin: Endpoint{Kind: EndZone, Index: int32(i)}, PersonTrips: t, Vehicles: t * veh})
		}
	})
}

// addCountySeats: zones of a county with a seat go to it, the rest to the
// nearest seat.
func (d *Demand) addCountySeats(pi int, base *Network, daily, veh float64) {
	has := map[string]bool{}
	var counties []string
	for _, p := range base.Places.CountySeats {
		if p.County != "" && !has[p.County] {
			has[p.County] = true
			counties = append(counties, p.County)
		}
	}
	for _, c := range counties {
		d.addNearest(pi, EndCountySeat, c, func(z *Zone) bool { return z.County == c }, daily, veh)
	}
	d.addNearest(pi, EndCountySeat, "", func(z *Zone) bool { return !has[z.County] }, daily, veh)
}

// resolve maps an OD id to an endpoint: a zone id first, then a place id.
func resolve(id string, zoneIdx map[string]int, ps *Places) (Endpoint, bool) {
	if i, ok := zoneIdx[id]; ok {
		return Endpoint{Kind: EndZone, Index: int32(i)}, true
	}
	for k := EndHSR; k < numEndKinds; k++ {
		for _, p := range ps.ofKind(k) {
			if p.ID == id {
				return Endpoint{Kind: k, ID: id}, true
			}
		}
	}
	return Endpoint{}, false
}

func (d *Demand) addOD(pi int, zones []Zone, ps *Places, rows []ODRow, veh float64, key string) error {
	zoneIdx := make(map[string]int, len(zones))
	for i, z := range zones {
		zoneIdx[z.ID] = i
	}
	type dest struct {
		e    Endpoint
		rows []int
	}
	var dests []dest
	at := map[Endpoint]int{}
	origin := make([]Endpoint, len(rows))
	for i, r := range rows {
		o, ok := resolve(r.From, zoneIdx, ps)
		if !ok {
			return fmt.Errorf("%s line %d: from %q: unknown zone or place id", key, r.Line, r.From)
		}
		t, ok := resolve(r.To, zoneIdx, ps)
		if !ok {
			return fmt.Errorf("%s line %d: to %q: unknown zone or place id", key, r.Line, r.To)
		}
		origin[i] = o
		j, ok := at[t]
		if !ok {
			j = len(dests)
			at[t] = j
			dests = append(dests, dest{e: t})
		}
		dests[j].rows = append(dests[j].rows, i)
	}
	for _, ds := range dests {
		d.addGroup(pi, ds.e, "", func() {
			for _, i := range ds.rows {
				if o, t := origin[i], ds.e; o == t || rows[i].TripsPerDay == 0 {
					continue
				}
				d.ODs = append(d.ODs, OD{Origin: origin[i], PersonTrips: rows[i].TripsPerDay, Vehicles: rows[i].TripsPerDay * veh})
			}
		})
	}
	return nil
}

// addBoardings spreads each station's annual boardings over the zones by
// residents x exp(-decay x minutes to the station) on the base network.
func (d *Demand) addBoardings(pi int, l *located, p Purpose, veh, days float64) error {
	s := graph.NewSearch(l.g)
	var seeds []graph.Seed
	for _, id := range sortedKeys(p.Boardings) {
		if _, ok := l.byID[EndHSR][id]; !ok {
			var ids []string
			for _, q := range l.ps.HSR {
				ids = append(ids, q.ID)
			}
			return fmt.Errorf("appraisal.purposes.hsr.boardings.%s: unknown station: want one of [%s]", id, strings.Join(ids, ", "))
		}
		gr := Group{Dest: Endpoint{Kind: EndHSR, ID: id}}
		seeds = l.destSeeds(seeds[:0], &gr)
		if len(seeds) == 0 {
			d.Notes = append(d.Notes, fmt.Sprintf("hsr station %s: not on the network; its boardings are not assigned", id))
			continue
		}
		s.Run(graph.Inbound, seeds, graph.Stop{})
		w := make([]float64, len(d.Zones))
		sum := 0.0
		for i, z := range d.Zones {
			if !l.zoneOK[i] {
				continue
			}
			ms := l.g.TimeAt(s, l.zone[i])
			if ms == graph.Inf {
				continue
			}
			w[i] = z.Residents * math.Exp(-p.DecayPerMinute*float64(ms)/60000)
			sum += w[i]
		}
		if sum == 0 {
			d.Notes = append(d.Notes, fmt.Sprintf("hsr station %s: no zone reaches it; its boardings are not assigned", id))
			continue
		}
		daily := p.Boardings[id] / days
		d.addGroup(pi, gr.Dest, "", func() {
			for i := range d.Zones {
				if w[i] == 0 {
					continue
				}
				t := daily * w[i] / sum
				d.ODs = append(d.ODs, OD{Origin: Endpoint{Kind: EndZone, Index: int32(i)}, PersonTrips: t, Vehicles: t * veh})
			}
		})
	}
	return nil
}
