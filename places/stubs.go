package places

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// Stubs and names.
//
// An entrance must lead into an expressway network, not onto a stub: a
// bridge or a short bypass tagged motorway (DE 1 over the Indian River
// Inlet is 2.6 km) would otherwise give the towns beside it "5 minutes to
// an entrance". The measure is the connected piece of the controlled-access
// network that the on-ramp belongs to: its open controlled segments
// (mainline and ramps) joined without direction, and the total length of
// its mainline segments (controlled classes that are not *_link), each
// carriageway counted. A piece with less than Options.MinExpresswayKm gives
// no entrances.
//
// Why the connected piece and not the length reachable along controlled arcs
// from the ramp: the reachable length depends on the direction of the ramp
// (the southbound on-ramp at the last interchange before a motorway ends
// reaches a few hundred metres, the northbound one the whole network), so
// one interchange would count for one direction and not the other; the
// piece is one figure per interchange, cheap (one union-find pass over the
// segments) and names what a planner sees on the map.

// controlledParts are the connected pieces of the open controlled network.
type controlledParts struct {
	sets *disjointSets
	km   map[int32]float64 // mainline carriageway km by root
}

func controlledComponents(g *graph.Graph) *controlledParts {
	c := &controlledParts{sets: newDisjointSets(g.NumNodes()), km: map[int32]float64{}}
	open := func(seg *graph.Segment) bool {
		return seg.Flags&graph.Controlled != 0 && seg.Flags&graph.Closed == 0
	}
	for s := range g.Segments {
		if seg := &g.Segments[s]; open(seg) {
			c.sets.union(seg.From, seg.To)
		}
	}
	for s := range g.Segments {
		if seg := &g.Segments[s]; open(seg) && !isLink(seg.Class) {
			c.km[c.sets.find(seg.From)] += seg.Length / 1000
		}
	}
	return c
}

// stubNotes returns one line per piece in stubs (root -> entry points
// dropped): its refs or names, length and where it lies, north to south.
func (c *controlledParts) stubNotes(g *graph.Graph, stubs map[int32]int, minKm float64) []string {
	if len(stubs) == 0 {
		return nil
	}
	type piece struct {
		names    []string
		box      [4]float64
		lon, lat float64
		km       float64
		dropped  int
	}
	ps := map[int32]*piece{}
	for r, n := range stubs {
		ps[r] = &piece{box: [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}, km: c.km[r], dropped: n}
	}
	for s := range g.Segments {
		seg := &g.Segments[s]
		if seg.Flags&graph.Controlled == 0 || seg.Flags&graph.Closed != 0 {
			continue
		}
		p := ps[c.sets.find(seg.From)]
		if p == nil {
			continue
		}
		if nm := mainlineRef(g, int32(s)); nm != "" && !isLink(seg.Class) && !slices.Contains(p.names, nm) {
			p.names = append(p.names, nm)
		}
		for _, v := range []int32{seg.From, seg.To} {
			q := g.Node(v)
			p.box = [4]float64{math.Min(p.box[0], q.Lon), math.Min(p.box[1], q.Lat), math.Max(p.box[2], q.Lon), math.Max(p.box[3], q.Lat)}
		}
	}
	var list []*piece
	for _, p := range ps {
		p.lon, p.lat = (p.box[0]+p.box[2])/2, (p.box[1]+p.box[3])/2
		slices.Sort(p.names)
		list = append(list, p)
	}
	slices.SortFunc(list, func(a, b *piece) int { return cmp.Or(cmp.Compare(b.lat, a.lat), cmp.Compare(a.lon, b.lon)) })
	var out []string
	for _, p := range list {
		name := strings.Join(p.names, ", ")
		if name == "" {
			name = "unnamed"
		}
		out = append(out, fmt.Sprintf("controlled-access piece %s, %.1f km of carriageway at %.4f,%.4f (lon,lat), is shorter than min_expressway_km %g: its %d on-ramp start(s) are not entrances",
			name, p.km, p.lon, p.lat, minKm, p.dropped))
	}
	return out
}

// uniqueNames makes the names of entrances ps distinct, deterministically;
// mainlines[i] are the expressways ps[i] leads onto. Within a group that
// shares a name:
//   - when each leads onto different expressways, " onto <refs>" is added;
//   - else, for two, "(north)"/"(south)" or "(east)"/"(west)", along the
//     axis on which they lie farther apart;
//   - else "(1)", "(2)", ... from north to south.
//
// Whatever still collides gets its id in brackets, which is unique.
func uniqueNames(ps []Place, mainlines [][]string) {
	groups := map[string][]int{}
	var order []string
	for i := range ps {
		if _, ok := groups[ps[i].Name]; !ok {
			order = append(order, ps[i].Name)
		}
		groups[ps[i].Name] = append(groups[ps[i].Name], i)
	}
	for _, name := range order {
		g := groups[name]
		if len(g) < 2 {
			continue
		}
		onto := map[string]bool{}
		for _, i := range g {
			onto[strings.Join(mainlines[i], "/")] = true
		}
		switch {
		case len(onto) == len(g) && !onto[""]:
			for _, i := range g {
				ps[i].Name += " onto " + strings.Join(mainlines[i], "/")
			}
		case len(g) == 2:
			a, b := &ps[g[0]], &ps[g[1]]
			kx, ky := scale((a.Lat + b.Lat) / 2)
			dx, dy := (b.Lon-a.Lon)*kx, (b.Lat-a.Lat)*ky
			switch {
			case math.Abs(dy) >= math.Abs(dx) && dy >= 0:
				a.Name, b.Name = a.Name+" (south)", b.Name+" (north)"
			case math.Abs(dy) >= math.Abs(dx):
				a.Name, b.Name = a.Name+" (north)", b.Name+" (south)"
			case dx >= 0:
				a.Name, b.Name = a.Name+" (west)", b.Name+" (east)"
			default:
				a.Name, b.Name = a.Name+" (east)", b.Name+" (west)"
			}
		default:
			g = slices.Clone(g)
			slices.SortFunc(g, func(i, j int) int {
				return cmp.Or(cmp.Compare(ps[j].Lat, ps[i].Lat), cmp.Compare(ps[i].Lon, ps[j].Lon), strings.Compare(ps[i].ID, ps[j].ID))
			})
			for k, i := range g {
				ps[i].Name += fmt.Sprintf(" (%d)", k+1)
			}
		}
	}
	seen := map[string]int{}
	for i := range ps {
		seen[ps[i].Name]++
	}
	for i := range ps {
		if seen[ps[i].Name] > 1 {
			ps[i].Name += " [" + ps[i].ID + "]"
		}
	}
}
