package scenarios

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// Network is the base an alternative is applied to.
type Network struct {
	Graph  *graph.Graph
	Speeds map[string]float64 // the profile's class speeds, for defaults
}

// EditReport says what one edit matched and changed.
type EditReport struct {
	Index   int
	Kind    string
	Summary string
	Ways    int     // distinct source ways touched
	Km      float64 // road length touched or added
	// Lines are the geometries built or changed, for control-line checks and maps.
	Lines [][]graph.Point
	// Warnings are not errors but a planner should read them.
	Warnings []string
}

// StationEdit is an add_station or move_station edit for the places layer.
type StationEdit struct {
	Move  bool
	ID    string
	Name  string
	Point graph.Point
}

// Result is an alternative applied to a network.
type Result struct {
	Graph    *graph.Graph
	Rebuilt  bool // topology changed (else only weights)
	Reports  []EditReport
	Stations []StationEdit
}

const (
	defaultRampSeconds = 30.0
	defaultTolerance   = 300.0
	defaultEntranceTol = 1000.0
)

// Apply applies an alternative's edits to the base network. Topology edits
// come first, in order, on one builder; then speed edits, in order, over the
// resulting topology.
func Apply(base Network, alt Alternative) (*Result, error) {
	res := &Result{Reports: make([]EditReport, len(alt.Edits))}
	wrap := func(i int, key string, err error) error {
		return &EditError{Alternative: alt.Name, Index: i, Key: key, Err: err}
	}
	for i := range alt.Edits {
		if alt.Edits[i].Kind() == "" {
			return nil, wrap(i, "edit", errors.New("want exactly one of add_road, upgrade, close, add_entrance, add_station, move_station, osm_construction"))
		}
	}
	if err := ValidateEdits(alt, base.Graph); err != nil {
		return nil, err
	}
	// Topology.
	var b *graph.Builder
	builder := func() *graph.Builder {
		if b == nil {
			b = graph.NewBuilderFrom(base.Graph)
		}
		return b
	}
	for i := range alt.Edits {
		e := &alt.Edits[i]
		rep := &res.Reports[i]
		rep.Index, rep.Kind = i, e.Kind()
		var err error
		switch {
		case e.AddRoad != nil:
			err = addRoad(builder(), base.Speeds, e.AddRoad, rep)
		case e.AddEntrance != nil:
			err = addEntrance(builder(), e.AddEntrance, rep)
		case e.Upgrade != nil && e.Upgrade.ControlledAccess:
			err = upgradeControlled(builder(), base.Speeds, e.Upgrade, rep)
		}
		if err != nil {
			var ke keyError
			if errors.As(err, &ke) {
				return nil, wrap(i, rep.Kind+"."+ke.key, ke.err)
			}
			return nil, wrap(i, rep.Kind, err)
		}
	}
	g := base.Graph
	if b != nil {
		var err error
		if g, err = b.Build(); err != nil {
			return nil, fmt.Errorf("alternative %q: %w", alt.Name, err)
		}
		g.Meta = base.Graph.Meta
		res.Rebuilt = true
	}
	// Speeds.
	touched := make(map[int32]int) // segment -> edit index, to find contradictions
	type change struct {
		class    graph.Class
		setClass bool
		fwd, bwd float32
		closed   int8 // -1 open, 1 close, 0 keep
	}
	changes := map[int32]*change{}
	get := func(s int32) *change {
		c := changes[s]
		if c == nil {
			seg := &g.Segments[s]
			c = &change{class: seg.Class, fwd: seg.SpeedFwd, bwd: seg.SpeedBwd}
			changes[s] = c
		}
		return c
	}
	var shape []graph.Point
	for i := range alt.Edits {
		e := &alt.Edits[i]
		rep := &res.Reports[i]
		switch {
		case e.Upgrade != nil && !e.Upgrade.ControlledAccess, e.Close != nil:
			sel, key := e.Close, "close"
			if e.Upgrade != nil {
				sel, key = &e.Upgrade.Selector, "upgrade"
			}
			m, err := compile(sel, key)
			if err != nil {
				return nil, wrap(i, key, trimKey(err, key))
			}
			ways := map[int64]bool{}
			var km, oneKm, before, after float64
			for s := range g.Segments {
				seg := &g.Segments[s]
				shape = g.Shape(shape[:0], int32(s))
				if seg.Flags&graph.Closed != 0 && seg.Flags&graph.Planned != 0 {
					continue // not built yet: osm_construction opens it
				}
				if !m.match(seg, g.String(seg.Name), g.String(seg.Ref), shape) {
					continue
				}
				if j, ok := touched[int32(s)]; ok && j != i {
					return nil, wrap(i, key, fmt.Errorf("contradicts edit %d: both change way %d", j+1, seg.WayID))
				}
				touched[int32(s)] = i
				ways[seg.WayID] = true
				km += seg.Length / 1000
				if seg.Flags&(graph.Forward|graph.Backward) != graph.Forward|graph.Backward {
					oneKm += seg.Length / 1000
				}
				rep.Lines = append(rep.Lines, append([]graph.Point(nil), shape...))
				c := get(int32(s))
				before += seg.Length / 1000 / math.Max(float64(max(seg.SpeedFwd, seg.SpeedBwd)), 1)
				if e.Close != nil {
					c.closed = 1
					continue
				}
				u := e.Upgrade
				fwd, bwd, cls, err := upgradedSpeeds(u, seg, base.Speeds)
				if err != nil {
					return nil, wrap(i, key, err)
				}
				c.fwd, c.bwd = fwd, bwd
				if u.Class != "" {
					c.class, c.setClass = cls, true
				}
				after += seg.Length / 1000 / math.Max(float64(max(fwd, bwd)), 1)
			}
			if len(ways) == 0 {
				return nil, wrap(i, key, errNoMatch)
			}
			rep.Ways, rep.Km = len(ways), km
			if e.Close != nil {
				rep.Summary = fmt.Sprintf("closed %s of %d ways", roadKm(km, oneKm), len(ways))
			} else {
				rep.Summary = fmt.Sprintf("upgraded %s of %d ways: average speed %.0f -> %.0f km/h", roadKm(km, oneKm), len(ways), km/before, km/after)
				if e.Upgrade.Class != "" {
					rep.Summary += ", class " + e.Upgrade.Class
				}
			}
		case e.OSMConstruction:
			ways := map[int64]bool{}
			km := 0.0
			for s := range g.Segments {
				seg := &g.Segments[s]
				if seg.Flags&graph.Planned == 0 {
					continue
				}
				if j, ok := touched[int32(s)]; ok && j != i {
					return nil, wrap(i, "osm_construction", fmt.Errorf("contradicts edit %d on way %d", j+1, seg.WayID))
				}
				touched[int32(s)] = i
				get(int32(s)).closed = -1
				ways[seg.WayID] = true
				km += seg.Length / 1000
				rep.Lines = append(rep.Lines, g.Shape(nil, int32(s)))
			}
			if len(ways) == 0 {
				return nil, wrap(i, "osm_construction", errors.New("the extract has no road under construction or proposed in a routable class"))
			}
			rep.Ways, rep.Km = len(ways), km
			rep.Summary = fmt.Sprintf("opened %.1f km of %d ways under construction or proposed in the extract", km, len(ways))
		case e.AddStation != nil, e.MoveStation != nil:
			st, move, key := e.AddStation, false, "add_station"
			if e.MoveStation != nil {
				st, move, key = e.MoveStation, true, "move_station"
			}
			if strings.TrimSpace(st.ID) == "" {
				return nil, wrap(i, key+".id", errors.New("missing"))
			}
			pts, err := toWGS84(st.CRS, []Coord{st.At})
			if err != nil {
				return nil, wrap(i, key+".at", err)
			}
			if _, err := g.SnapPoint(pts[0], graph.SnapOptions{NoControlled: true, MaxDist: defaultEntranceTol}); err != nil {
				return nil, wrap(i, key+".at", err)
			}
			res.Stations = append(res.Stations, StationEdit{Move: move, ID: st.ID, Name: st.Name, Point: pts[0]})
			verb := "adds"
			if move {
				verb = "moves"
			}
			rep.Summary = fmt.Sprintf("%s HSR station %s at %v", verb, st.ID, pts[0])
		}
	}
	if len(changes) > 0 {
		g = g.WithEdits(func(s int32, seg *graph.Segment) {
			c := changes[s]
			if c == nil {
				return
			}
			seg.SpeedFwd, seg.SpeedBwd = c.fwd, c.bwd
			if c.setClass {
				seg.Class = c.class
			}
			switch c.closed {
			case 1:
				seg.Flags |= graph.Closed
			case -1:
				seg.Flags &^= graph.Closed
			}
		})
	}
	res.Graph = g
	return res, nil
}

// roadKm describes a length of road: one-way carriageways of a dual
// carriageway count half towards the road length.
func roadKm(km, oneway float64) string {
	if oneway == 0 {
		return fmt.Sprintf("%.1f km", km)
	}
	return fmt.Sprintf("%.1f km of road (%.1f km of carriageway, %.1f km of it one-way)", km-oneway/2, km, oneway)
}

// upgradedSpeeds returns the speeds and class a segment gets from an upgrade.
func upgradedSpeeds(u *Upgrade, seg *graph.Segment, speeds map[string]float64) (fwd, bwd float32, cls graph.Class, err error) {
	cls = seg.Class
	if u.Class != "" {
		var ok bool
		if cls, ok = graph.ParseClass(u.Class); !ok {
			return 0, 0, 0, keyError{"class", fmt.Errorf("unknown class %q", u.Class)}
		}
	}
	var kmh float64
	switch {
	case u.SpeedKmh > 0:
		kmh = u.SpeedKmh
	case u.SpeedFactor > 0:
		fwd, bwd = seg.SpeedFwd*float32(u.SpeedFactor), seg.SpeedBwd*float32(u.SpeedFactor)
		return fwd, bwd, cls, nil
	case u.Class != "":
		var ok bool
		if kmh, ok = speeds[u.Class]; !ok {
			return 0, 0, 0, keyError{"class", fmt.Errorf("class %q has no speed in the profile; give speed_kmh", u.Class)}
		}
	default:
		return 0, 0, 0, keyError{"speed_kmh", errors.New("an upgrade needs speed_kmh, speed_factor or class")}
	}
	if kmh > 300 || u.SpeedFactor < 0 || u.SpeedKmh < 0 {
		return 0, 0, 0, keyError{"speed_kmh", fmt.Errorf("%v km/h is not a road speed", kmh)}
	}
	if seg.Flags&graph.Forward != 0 {
		fwd = float32(kmh)
	}
	if seg.Flags&graph.Backward != 0 {
		bwd = float32(kmh)
	}
	return fwd, bwd, cls, nil
}

// keyError carries the sub-key of an edit at fault.
type keyError struct {
	key string
	err error
}

func (e keyError) Error() string { return e.key + ": " + e.err.Error() }

// trimKey turns "close.corridor: x" errors from compile into their sub-key.
func trimKey(err error, key string) error {
	msg := err.Error()
	return errors.New(strings.TrimPrefix(strings.TrimPrefix(msg, key), "."))
}

// rampSpeed is the speed (km/h) that makes a piece of this length take secs.
func rampSpeed(length, secs float64) float64 {
	return 3.6 * length / secs
}

// rampPiece builds a two-way ramp between two node keys taking secs.
func rampPiece(b *graph.Builder, from, to int64, a, c graph.Point, secs float64, name string) graph.Piece {
	if secs <= 0 {
		secs = defaultRampSeconds
	}
	length := math.Max(graph.Distance(a, c), 1)
	if a == c {
		c.Lon += 1e-7 // keep a two-point geometry; 1 cm
	}
	kmh := rampSpeed(length, secs)
	return graph.Piece{WayID: -1, Name: name, Class: graph.MotorwayLink, Controlled: true, Added: true,
		FromKey: from, ToKey: to, Coords: []graph.Point{a, c}, SpeedFwd: kmh, SpeedBwd: kmh, MinLength: length}
}

// landRoad accepts segments a new road may join: open, not controlled.
func landRoad() func(int32, *graph.Segment) bool {
	return func(_ int32, seg *graph.Segment) bool {
		return seg.Flags&(graph.Controlled|graph.Closed) == 0
	}
}

// point on a polyline: index of the piece and fraction along it.
type linePos struct {
	k int
	t float64
}

func (p linePos) less(q linePos) bool { return p.k < q.k || (p.k == q.k && p.t < q.t) }

// projectOnLine returns the position on a polyline nearest to p and its
// distance in metres.
func projectOnLine(p graph.Point, line []graph.Point) (linePos, float64) {
	proj := graph.NewProjector(p)
	best, bestD := linePos{}, math.Inf(1)
	for i := 0; i+1 < len(line); i++ {
		if t, d := proj.Piece(line[i], line[i+1]); d < bestD {
			best, bestD = linePos{i, t}, d
		}
	}
	return best, bestD
}

func (p linePos) at(line []graph.Point) graph.Point {
	a, c := line[p.k], line[min(p.k+1, len(line)-1)]
	return graph.Point{Lon: a.Lon + p.t*(c.Lon-a.Lon), Lat: a.Lat + p.t*(c.Lat-a.Lat)}
}

// subLine returns the part of line between two positions, inclusive.
func subLine(line []graph.Point, from, to linePos) []graph.Point {
	out := []graph.Point{from.at(line)}
	for k := from.k + 1; k <= to.k; k++ {
		if line[k] != out[len(out)-1] {
			out = append(out, line[k])
		}
	}
	if end := to.at(line); end != out[len(out)-1] {
		out = append(out, end)
	}
	return out
}

// joint is a node on a new road: where it meets the network.
type joint struct {
	pos linePos
	key int64
}

func addRoad(b *graph.Builder, speeds map[string]float64, r *AddRoad, rep *EditReport) error {
	if len(r.Line) < 2 {
		return keyError{"line", errors.New("want at least 2 points")}
	}
	line, err := toWGS84(r.CRS, r.Line)
	if err != nil {
		return keyError{"line", err}
	}
	className := r.Class
	if className == "" {
		className = "trunk"
	}
	cls, ok := graph.ParseClass(className)
	if !ok {
		return keyError{"class", fmt.Errorf("unknown class %q", className)}
	}
	kmh := r.SpeedKmh
	if kmh == 0 {
		if kmh, ok = speeds[className]; !ok {
			return keyError{"speed_kmh", fmt.Errorf("class %q has no speed in the profile; give speed_kmh", className)}
		}
	}
	if !(kmh > 0 && kmh <= 300) {
		return keyError{"speed_kmh", fmt.Errorf("%v km/h is not a road speed", kmh)}
	}
	controlled := cls == graph.Motorway
	if r.ControlledAccess != nil {
		controlled = *r.ControlledAccess
	}
	connectEnds := r.ConnectEnds == nil || *r.ConnectEnds
	endTol := r.EndToleranceM
	if endTol <= 0 {
		endTol = defaultTolerance
	}
	var joints []joint
	var extra []graph.Piece // ramps and connectors
	connections := 0

	// At-grade crossings: collect, then split each crossed segment from its far end back.
	if r.AtGrade {
		allowed := map[graph.Class]bool{}
		for _, c := range r.AtGradeClasses {
			cl, ok := graph.ParseClass(c)
			if !ok {
				return keyError{"at_grade_classes", fmt.Errorf("unknown class %q", c)}
			}
			allowed[cl] = true
		}
		type cross struct {
			seg  int32
			pos  graph.Position
			lpos linePos
		}
		var xs []cross
		var shape []graph.Point
		for s := int32(0); s < int32(b.NumSegments()); s++ {
			seg := b.Segment(s)
			if seg.Flags&(graph.Controlled|graph.Closed) != 0 || (len(allowed) > 0 && !allowed[seg.Class]) {
				continue
			}
			shape = b.SegmentShape(shape[:0], s)
			for k := 0; k+1 < len(shape); k++ {
				for q := 0; q+1 < len(line); q++ {
					if t, u, ok := intersect(shape[k], shape[k+1], line[q], line[q+1]); ok {
						p := graph.Point{Lon: shape[k].Lon + t*(shape[k+1].Lon-shape[k].Lon), Lat: shape[k].Lat + t*(shape[k+1].Lat-shape[k].Lat)}
						xs = append(xs, cross{s, graph.Position{Seg: s, K: k, T: t, At: p}, linePos{q, u}})
					}
				}
			}
		}
		sort.Slice(xs, func(i, j int) bool {
			if xs[i].seg != xs[j].seg {
				return xs[i].seg < xs[j].seg
			}
			return xs[i].pos.K > xs[j].pos.K || (xs[i].pos.K == xs[j].pos.K && xs[i].pos.T > xs[j].pos.T)
		})
		for _, x := range xs {
			key, _ := b.Split(x.pos)
			joints = append(joints, joint{x.lpos, key})
		}
		connections += len(xs)
		if len(xs) == 0 {
			rep.Warnings = append(rep.Warnings, "at_grade: the line crosses no road of the listed classes")
		}
	}
	// Ends.
	ends := []linePos{{0, 0}, {len(line) - 2, 1}}
	for ei, lp := range ends {
		p := lp.at(line)
		if connectEnds {
			pos, ok := b.Nearest(p, landRoad())
			if ok && pos.Dist <= endTol {
				key, _ := b.Split(pos)
				connections++
				if pos.Dist < 1 {
					joints = append(joints, joint{lp, key})
					continue
				}
				e := b.NewKey()
				joints = append(joints, joint{lp, e})
				extra = append(extra, graph.Piece{WayID: -1, Name: r.Name, Ref: r.Ref, Class: cls, Added: true,
					FromKey: e, ToKey: key, Coords: []graph.Point{p, pos.At}, SpeedFwd: kmh, SpeedBwd: kmh})
				continue
			}
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("end %d at %v has no road within %.0f m (end_tolerance_m); it is a dead end", ei+1, p, endTol))
		}
		joints = append(joints, joint{lp, b.NewKey()})
	}
	// Interchanges.
	for ii, ic := range r.Interchanges {
		key := fmt.Sprintf("interchanges[%d]", ii)
		pts, err := toWGS84(r.CRS, []Coord{ic.At})
		if err != nil {
			return keyError{key + ".at", err}
		}
		at := pts[0]
		lp, d := projectOnLine(at, line)
		tol := ic.ToleranceM
		if tol <= 0 {
			tol = defaultTolerance
		}
		if d > tol {
			return keyError{key + ".at", fmt.Errorf("point %v is %.0f m from the new road's line (tolerance_m %.0f)", at, d, tol)}
		}
		accept := landRoad()
		if ic.Road != "" {
			want := normRef(ic.Road)
			accept = func(_ int32, seg *graph.Segment) bool {
				return seg.Flags&(graph.Controlled|graph.Closed) == 0 && roadNamed(b, seg, want)
			}
		}
		pos, ok := b.Nearest(at, accept)
		if !ok || pos.Dist > tol {
			what := "no existing road"
			if ic.Road != "" {
				what = fmt.Sprintf("no road named %q", ic.Road)
			}
			near := ""
			if ok {
				near = fmt.Sprintf(" (nearest %.0f m)", pos.Dist)
			}
			return keyError{key + ".at", fmt.Errorf("%s within %.0f m of %v%s", what, tol, at, near)}
		}
		x, _ := b.Split(pos)
		y := b.NewKey()
		joints = append(joints, joint{lp, y})
		extra = append(extra, rampPiece(b, x, y, pos.At, lp.at(line), ic.RampSeconds, r.Name))
		connections++
	}
	if connections == 0 {
		return keyError{"line", errors.New("the new road connects to nothing: give interchanges, at_grade: true, or ends within end_tolerance_m of a road")}
	}
	// Order joints along the line, merge duplicates, and add the road pieces.
	sort.SliceStable(joints, func(i, j int) bool { return joints[i].pos.less(joints[j].pos) })
	fwd, bwd := kmh, kmh
	if r.Oneway {
		bwd = 0
	}
	length := 0.0
	for i := 0; i+1 < len(joints); i++ {
		a, c := joints[i], joints[i+1]
		coords := subLine(line, a.pos, c.pos)
		if len(coords) < 2 {
			// two joints at one point: join them with a zero-length link
			extra = append(extra, graph.Piece{WayID: -1, Class: cls, Added: true, Controlled: controlled,
				FromKey: a.key, ToKey: c.key, Coords: []graph.Point{coords[0], {Lon: coords[0].Lon + 1e-7, Lat: coords[0].Lat}}, SpeedFwd: kmh, SpeedBwd: kmh})
			continue
		}
		if err := b.Add(graph.Piece{WayID: -1, Name: r.Name, Ref: r.Ref, Class: cls, Controlled: controlled, Added: true,
			FromKey: a.key, ToKey: c.key, Coords: coords, SpeedFwd: fwd, SpeedBwd: bwd}); err != nil {
			return keyError{"line", err}
		}
		for k := 1; k < len(coords); k++ {
			length += graph.Distance(coords[k-1], coords[k])
		}
	}
	for _, p := range extra {
		if err := b.Add(p); err != nil {
			return keyError{"line", err}
		}
	}
	rep.Km = length / 1000
	rep.Lines = append(rep.Lines, line)
	rep.Summary = fmt.Sprintf("adds %.1f km of %s at %.0f km/h (%s), %d connections (%d interchanges)",
		rep.Km, className, kmh, map[bool]string{true: "controlled access", false: "open access"}[controlled],
		connections, len(r.Interchanges))
	if connections == 1 {
		rep.Warnings = append(rep.Warnings, "the new road connects at one point only: it is a spur")
	}
	return nil
}

// roadNamed reports whether a builder segment has this (normalised) name or ref.
func roadNamed(b *graph.Builder, seg *graph.Segment, want string) bool {
	if normRef(b.String(seg.Name)) == want {
		return true
	}
	for _, r := range strings.Split(b.String(seg.Ref), ";") {
		if normRef(r) == want {
			return true
		}
	}
	return false
}

// intersect returns where segments ab and cd cross (fractions along each),
// in lon/lat (adequate at the scale of a road crossing).
func intersect(a, b, c, d graph.Point) (t, u float64, ok bool) {
	rx, ry := b.Lon-a.Lon, b.Lat-a.Lat
	sx, sy := d.Lon-c.Lon, d.Lat-c.Lat
	den := rx*sy - ry*sx
	if den == 0 {
		return 0, 0, false
	}
	qx, qy := c.Lon-a.Lon, c.Lat-a.Lat
	t = (qx*sy - qy*sx) / den
	u = (qx*ry - qy*rx) / den
	return t, u, t >= 0 && t <= 1 && u >= 0 && u <= 1
}

func addEntrance(b *graph.Builder, e *AddEntrance, rep *EditReport) error {
	pts, err := toWGS84(e.CRS, []Coord{e.At})
	if err != nil {
		return keyError{"at", err}
	}
	at := pts[0]
	if strings.TrimSpace(e.Road) == "" {
		return keyError{"road", errors.New("missing: name or ref of the local road the entrance connects to")}
	}
	tol := e.ToleranceM
	if tol <= 0 {
		tol = defaultEntranceTol
	}
	mainline := func(_ int32, seg *graph.Segment) bool {
		return seg.Flags&graph.Controlled != 0 && seg.Flags&graph.Closed == 0 && seg.Class != graph.MotorwayLink && seg.Class != graph.TrunkLink
	}
	p1, ok := b.Nearest(at, mainline)
	if !ok || p1.Dist > tol {
		return keyError{"at", fmt.Errorf("no expressway (controlled-access mainline) within %.0f m of %v", tol, at)}
	}
	// The other carriageway: the nearest mainline segment running the other way.
	dir1 := bearing(b, p1)
	p2, ok2 := b.Nearest(p1.At, func(s int32, seg *graph.Segment) bool {
		if !mainline(s, seg) || s == p1.Seg {
			return false
		}
		q, _ := b.Nearest(p1.At, func(t int32, _ *graph.Segment) bool { return t == s })
		return dot(dir1, bearing(b, q)) < 0
	})
	want := normRef(e.Road)
	local, ok := b.Nearest(at, func(_ int32, seg *graph.Segment) bool {
		return seg.Flags&(graph.Controlled|graph.Closed) == 0 && roadNamed(b, seg, want)
	})
	if !ok || local.Dist > tol {
		return keyError{"road", fmt.Errorf("no road named %q within %.0f m of %v", e.Road, tol, at)}
	}
	x, _ := b.Split(local)
	var ramps []graph.Piece
	y1, _ := b.Split(p1)
	ramps = append(ramps, rampPiece(b, x, y1, local.At, p1.At, e.RampSeconds, e.Name))
	n := 1
	if ok2 && p2.Dist < 150 {
		y2, _ := b.Split(p2)
		ramps = append(ramps, rampPiece(b, x, y2, local.At, p2.At, e.RampSeconds, e.Name))
		n = 2
	}
	for _, r := range ramps {
		if err := b.Add(r); err != nil {
			return keyError{"at", err}
		}
		rep.Lines = append(rep.Lines, r.Coords)
	}
	rep.Summary = fmt.Sprintf("adds an interchange at %v joining %d carriageway(s) to %s (%.0f m away)", p1.At, n, e.Road, graph.Distance(local.At, p1.At))
	return nil
}

// bearing is the direction of travel (forward if open, else backward) of the
// piece at a position, as an east, north vector.
func bearing(b *graph.Builder, p graph.Position) [2]float64 {
	shape := b.SegmentShape(nil, p.Seg)
	a, c := shape[p.K], shape[p.K+1]
	v := [2]float64{(c.Lon - a.Lon) * math.Cos(a.Lat*math.Pi/180), c.Lat - a.Lat}
	if b.Segment(p.Seg).Flags&graph.Forward == 0 {
		v[0], v[1] = -v[0], -v[1]
	}
	return v
}

func dot(a, b [2]float64) float64 { return a[0]*b[0] + a[1]*b[1] }

func upgradeControlled(b *graph.Builder, speeds map[string]float64, u *Upgrade, rep *EditReport) error {
	m, err := compile(&u.Selector, "upgrade")
	if err != nil {
		return keyError{"selector", trimKey(err, "upgrade")}
	}
	set := map[int32]bool{}
	ways := map[int64]bool{}
	var shape []graph.Point
	km, oneKm := 0.0, 0.0
	for s := int32(0); s < int32(b.NumSegments()); s++ {
		seg := b.Segment(s)
		if seg.Flags&graph.Closed != 0 {
			continue
		}
		shape = b.SegmentShape(shape[:0], s)
		if !m.match(seg, b.String(seg.Name), b.String(seg.Ref), shape) {
			continue
		}
		fwd, bwd, cls, err := upgradedSpeeds(u, seg, speeds)
		if err != nil {
			return err
		}
		seg.SpeedFwd, seg.SpeedBwd, seg.Class = fwd, bwd, cls
		seg.Flags |= graph.Controlled
		set[s] = true
		ways[seg.WayID] = true
		km += seg.Length / 1000
		if seg.Flags&(graph.Forward|graph.Backward) != graph.Forward|graph.Backward {
			oneKm += seg.Length / 1000
		}
		rep.Lines = append(rep.Lines, append([]graph.Point(nil), shape...))
	}
	if len(set) == 0 {
		return keyError{"selector", errNoMatch}
	}
	// Where the selection ends and the same road goes on (same way or ref),
	// the expressway joins it at grade, as real upgrades end; every other
	// junction is cut.
	keep := func(key int64) bool {
		var in, out []*graph.Segment
		for _, s := range b.Incident(key) {
			if set[s] {
				in = append(in, b.Segment(s))
			} else {
				out = append(out, b.Segment(s))
			}
		}
		for _, o := range out {
			for _, i := range in {
				if o.WayID == i.WayID || (o.Ref != 0 && o.Ref == i.Ref) {
					return true
				}
			}
		}
		return false
	}
	clones := b.Detach(set, keep)
	inSet := func(s int32, _ *graph.Segment) bool { return set[s] }
	for ii, ic := range u.Entrances {
		key := fmt.Sprintf("entrances[%d].at", ii)
		pts, err := toWGS84(u.CRS, []Coord{ic.At})
		if err != nil {
			return keyError{key, err}
		}
		tol := ic.ToleranceM
		if tol <= 0 {
			tol = defaultTolerance
		}
		onRoad, ok := b.Nearest(pts[0], inSet)
		if !ok || onRoad.Dist > tol {
			return keyError{key, fmt.Errorf("%v is not within %.0f m of the upgraded road", pts[0], tol)}
		}
		y, second := b.Split(onRoad)
		if second >= 0 {
			set[second] = true
		}
		accept := landRoad()
		if ic.Road != "" {
			want := normRef(ic.Road)
			accept = func(_ int32, seg *graph.Segment) bool {
				return seg.Flags&(graph.Controlled|graph.Closed) == 0 && roadNamed(b, seg, want)
			}
		}
		side, ok := b.Nearest(pts[0], func(s int32, seg *graph.Segment) bool { return !set[s] && accept(s, seg) })
		if !ok || side.Dist > tol {
			return keyError{key, fmt.Errorf("no road to connect within %.0f m of %v", tol, pts[0])}
		}
		x, _ := b.Split(side)
		if err := b.Add(rampPiece(b, x, y, side.At, onRoad.At, ic.RampSeconds, "")); err != nil {
			return keyError{key, err}
		}
	}
	rep.Ways, rep.Km = len(ways), km
	rep.Summary = fmt.Sprintf("upgraded %s of %d ways to controlled access: %d junctions cut, %d interchanges", roadKm(km, oneKm), len(ways), len(clones), len(u.Entrances))
	return nil
}
