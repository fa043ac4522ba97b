package graph

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// line builds a straight two-way road A(0)-B(1)-C(2) east-west at 36N,
// 0.01 degree per piece, 36 km/h (10 m/s) so milliseconds = 100 * metres,
// plus a motorway D(3)-E(4) 0.005 degree north of it with ramps A-D, C-E.
func line(t *testing.T) *Graph {
	t.Helper()
	b := NewBuilder()
	pts := []Point{{116, 36}, {116.01, 36}, {116.02, 36}}
	for i := 0; i < 2; i++ {
		if err := b.Add(Piece{WayID: 1, Class: Primary, FromKey: int64(i), ToKey: int64(i + 1),
			Coords: []Point{pts[i], pts[i+1]}, SpeedFwd: 36, SpeedBwd: 36}); err != nil {
			t.Fatal(err)
		}
	}
	// The motorway (two-way here) joins the road at both ends through ramps,
	// so that everything is one strongly connected component.
	for _, p := range []Piece{
		{WayID: 2, Class: Motorway, FromKey: 3, ToKey: 4, Coords: []Point{{116, 36.005}, {116.02, 36.005}}},
		{WayID: 3, Class: MotorwayLink, FromKey: 0, ToKey: 3, Coords: []Point{{116, 36}, {116, 36.005}}},
		{WayID: 4, Class: MotorwayLink, FromKey: 2, ToKey: 4, Coords: []Point{{116.02, 36}, {116.02, 36.005}}},
	} {
		p.Controlled, p.SpeedFwd, p.SpeedBwd = true, 10, 10 // slow: never a shortcut
		if err := b.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestSnapProjectsOntoSegment(t *testing.T) {
	g := line(t)
	// A quarter of the way from A to B, 100 m south of the road.
	p := Point{116.0025, 36 - 100/111000.0}
	sn, err := g.SnapPoint(p, SnapOptions{NoControlled: true})
	if err != nil {
		t.Fatal(err)
	}
	if g.Segments[sn.Seg].WayID != 1 {
		t.Fatalf("snapped to way %d want 1", g.Segments[sn.Seg].WayID)
	}
	if math.Abs(sn.Frac-0.25) > 1e-3 {
		t.Errorf("frac: got %v want 0.25", sn.Frac)
	}
	if math.Abs(sn.Dist-100) > 1 {
		t.Errorf("dist: got %v m want about 100", sn.Dist)
	}
	if g.OnNode(sn) != -1 {
		t.Error("a mid-segment snap reports a node")
	}
	// Time from the snapped point to C: 3/4 of A-B plus B-C.
	ab := Distance(Point{116, 36}, Point{116.01, 36})
	s := NewSearch(g)
	s.Run(Outbound, g.Seeds(nil, sn, Outbound), Stop{})
	c, _ := g.NodeByID(2)
	want := part(TimeMillis(ab, 36), 0.75) + TimeMillis(ab, 36)
	if got := s.Time(c); absDiff(got, want) > 2 {
		t.Errorf("to C: got %d ms want %d", got, want)
	}
	// And back (inbound search from the point): the same on a two-way road.
	s.Run(Inbound, g.Seeds(nil, sn, Inbound), Stop{})
	if got := s.Time(c); absDiff(got, want) > 2 {
		t.Errorf("from C: got %d ms want %d", got, want)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestSnapPolicy(t *testing.T) {
	g := line(t)
	near := Point{116.01, 36.0049} // 10 m from the motorway, 540 m from the primary
	sn, err := g.SnapPoint(near, SnapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g.Segments[sn.Seg].Class != Motorway {
		t.Errorf("any class: snapped to %v want motorway", g.Segments[sn.Seg].Class)
	}
	sn, err = g.SnapPoint(near, SnapOptions{NoControlled: true})
	if err != nil {
		t.Fatal(err)
	}
	if g.Segments[sn.Seg].Class != Primary {
		t.Errorf("no controlled: snapped to %v want primary", g.Segments[sn.Seg].Class)
	}
	sn, err = g.SnapPoint(near, SnapOptions{Exclude: []Class{Motorway}})
	if err != nil || g.Segments[sn.Seg].Class != Primary {
		t.Errorf("exclude motorway: got %v, %v", sn, err)
	}
	// Too far: a clear error with the distance.
	_, err = g.SnapPoint(near, SnapOptions{NoControlled: true, MaxDist: 100})
	var se *SnapError
	if !errors.As(err, &se) || math.Abs(se.Nearest-545) > 10 {
		t.Errorf("max 100 m: got %v", err)
	}
	// In the sea, far from everything.
	_, err = g.SnapPoint(Point{120, 30}, SnapOptions{})
	if !errors.As(err, &se) || !math.IsInf(se.Nearest, 1) {
		t.Errorf("far away: got %v", err)
	}
	if _, err := g.SnapPoint(Point{math.NaN(), 0}, SnapOptions{}); err == nil {
		t.Error("NaN point snapped")
	}
	// On a node.
	sn, err = g.SnapPoint(Point{116.01, 36}, SnapOptions{NoControlled: true})
	if nb, _ := g.NodeByID(1); err != nil || g.OnNode(sn) != nb {
		t.Errorf("on node B: got node %d, %v", g.OnNode(sn), err)
	}
}

func TestSnapMatchesBruteForce(t *testing.T) {
	g := randomGraph(t, 21, 400)
	r := rand.New(rand.NewPCG(1, 2))
	lo, hi := g.Bounds()
	var pts []Point
	for k := 0; k < 300; k++ {
		p := Point{lo.Lon + (hi.Lon-lo.Lon)*r.Float64(), lo.Lat + (hi.Lat-lo.Lat)*r.Float64()}
		sn, err := g.SnapPoint(p, SnapOptions{MaxDist: 1e6})
		if err != nil {
			t.Fatal(err)
		}
		// brute force over all snappable pieces
		best := math.Inf(1)
		pr := newLocalProj(p.Lat)
		for s := int32(0); s < int32(len(g.Segments)); s++ {
			if !g.Snappable(s, &SnapOptions{}) {
				continue
			}
			pts = g.Shape(pts[:0], s)
			for i := 0; i+1 < len(pts); i++ {
				ax, ay := (pts[i].Lon-p.Lon)*pr.kx, (pts[i].Lat-p.Lat)*pr.ky
				bx, by := (pts[i+1].Lon-p.Lon)*pr.kx, (pts[i+1].Lat-p.Lat)*pr.ky
				dx, dy := bx-ax, by-ay
				tt := 0.0
				if l2 := dx*dx + dy*dy; l2 > 0 {
					tt = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
				}
				best = math.Min(best, math.Hypot(ax+tt*dx, ay+tt*dy))
			}
		}
		if math.Abs(sn.Dist-best) > 1e-6 {
			t.Fatalf("point %v: snap dist %v, brute force %v", p, sn.Dist, best)
		}
	}
}

// TestMatrixDirectionsAgree: the outbound runner (one search per origin) and
// the inbound one (one search per destination) are different code paths;
// they must give the same matrix, and node-to-node entries must equal gonum's.
func TestMatrixDirectionsAgree(t *testing.T) {
	g := randomGraph(t, 33, 500)
	r := rand.New(rand.NewPCG(3, 4))
	lo, hi := g.Bounds()
	var snaps []Snap
	for len(snaps) < 40 {
		p := Point{lo.Lon + (hi.Lon-lo.Lon)*r.Float64(), lo.Lat + (hi.Lat-lo.Lat)*r.Float64()}
		if len(snaps)%4 == 0 { // some points exactly on nodes
			p = g.Node(int32(r.IntN(g.NumNodes())))
		}
		sn, err := g.SnapPoint(p, SnapOptions{MaxDist: 1e6})
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, sn)
	}
	from, to := snaps[:10], snaps[10:]
	out := Matrix(g, from, to, 3) // 10 < 30: outbound
	in := Matrix(g, to, from, 3)  // 30 > 10: inbound, transposed problem
	// in[j][i] is from to[j] to from[i]; compare instead out with a forced-inbound run
	_ = in
	forced := matrixInbound(g, from, to)
	for i := range from {
		for j := range to {
			if d := absDiff(out[i][j], forced[i][j]); out[i][j] != forced[i][j] && d > 2 {
				t.Fatalf("pair %d,%d: outbound %d inbound %d", i, j, out[i][j], forced[i][j])
			}
		}
	}
	// Self pairs on the same snap are zero.
	self := Matrix(g, from[:1], from[:1], 1)
	if self[0][0] != 0 {
		t.Errorf("point to itself: got %d want 0", self[0][0])
	}
}

// matrixInbound computes the matrix with inbound searches regardless of size.
func matrixInbound(g *Graph, from, to []Snap) [][]uint32 {
	out := make([][]uint32, len(from))
	for i := range out {
		out[i] = make([]uint32, len(to))
	}
	s := NewSearch(g)
	for j, d := range to {
		s.Run(Inbound, g.Seeds(nil, d, Inbound), Stop{})
		for i, o := range from {
			out[i][j] = min(g.TimeAt(s, o), g.Direct(o, d))
		}
	}
	return out
}

func FuzzSearchMatchesGonum(f *testing.F) {
	f.Add(uint64(1), uint16(30))
	f.Add(uint64(99), uint16(200))
	f.Fuzz(func(t *testing.T, seed uint64, n uint16) {
		size := 2 + int(n%300)
		g := randomGraph(t, seed, size)
		if g == nil {
			return
		}
		checkAgainstGonum(t, g, []int32{0, int32(g.NumNodes() - 1)})
	})
}
