package mosaic

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"syscall"
	"time"

	"github.com/fastroad/fastroad/graph"
)

// MeasureOptions configure Measure.
type MeasureOptions struct {
	// Points is the side of the square matrix (Points x Points), 1..100000;
	// 0 means 1000.
	Points int
	// DijkstraRows is how many rows of the matrix are run with plain
	// Dijkstra (one search per origin) when timing the matrix without the
	// hierarchy; the full time is extrapolated from them. 0 means 20.
	DijkstraRows int
	// Searches is how many one-to-all searches are timed (the median is
	// reported), 1..1000; 0 means 3.
	Searches int
	// LimitMinutes bounds the isochrone-like search (0 means 60).
	LimitMinutes int
	// Seed makes the random points repeatable.
	Seed uint64
	// Workers for the matrices (<= 0: GOMAXPROCS).
	Workers int
}

// Timing is a wall-clock and process-CPU duration.
type Timing struct {
	Wall, CPU time.Duration
}

func (t Timing) String() string {
	return fmt.Sprintf("%.3fs wall, %.3fs CPU", t.Wall.Seconds(), t.CPU.Seconds())
}

// Measurement is what Measure timed on one graph.
type Measurement struct {
	Nodes, Arcs, Segments int
	GraphBytes            int64              // graph.MemoryBytes: every array the graph holds
	GraphParts            []graph.MemoryPart // GraphBytes by group (graph.MemoryParts)
	BytesPerArc           float64
	SnapIndex             Timing // building the snapping index (first snap)
	Snap                  Timing // snapping 2*Points points
	OneToAll              Timing // median of Searches one-to-all searches
	OneToAllSettled       int
	OneToAllPHAST         Timing // the same searches on the hierarchy (graph.Search.RunCH; zero without one)
	Bounded               Timing // one search stopped at LimitMinutes
	BoundedSettled        int
	MatrixCH              Timing // Points x Points with the hierarchy (zero without one)
	MatrixDijkstraRows    int
	MatrixDijkstra        Timing        // DijkstraRows x Points, plain Dijkstra
	MatrixDijkstraFull    time.Duration // extrapolated to Points rows (wall)
}

// cpuTime returns the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type stopwatch struct {
	wall time.Time
	cpu  time.Duration
}

func start() stopwatch { return stopwatch{time.Now(), cpuTime()} }
func (s stopwatch) stop() Timing {
	return Timing{time.Since(s.wall), cpuTime() - s.cpu}
}

// RandomNodes returns n nodes of g's largest component chosen with seed
// (repeats possible on a tiny graph).
func RandomNodes(g *graph.Graph, n int, seed uint64) []int32 {
	r := rand.New(rand.NewPCG(seed, 0x6d6f73616963))
	out := make([]int32, 0, n)
	for len(out) < n {
		v := int32(r.IntN(g.NumNodes()))
		if g.Component[v] == 0 {
			out = append(out, v)
		}
	}
	return out
}

// Measure times the operations a study runs on g: the snapping index,
// snapping, one-to-all searches, a search bounded at LimitMinutes, and a
// Points x Points matrix with the contraction hierarchy (when g has a
// valid one) and with plain Dijkstra (DijkstraRows rows, extrapolated).
// Points are random nodes of the largest component. ctx cancels the
// matrices.
func Measure(ctx context.Context, g *graph.Graph, opt MeasureOptions) (Measurement, error) {
	var m Measurement
	if opt.Points == 0 {
		opt.Points = 1000
	}
	if opt.DijkstraRows == 0 {
		opt.DijkstraRows = 20
	}
	if opt.Searches == 0 {
		opt.Searches = 3
	}
	if opt.LimitMinutes == 0 {
		opt.LimitMinutes = 60
	}
	switch {
	case opt.Points < 1 || opt.Points > 100000:
		return m, fmt.Errorf("points %d out of range (1..100000)", opt.Points)
	case opt.DijkstraRows < 1 || opt.DijkstraRows > opt.Points:
		return m, fmt.Errorf("dijkstra rows %d out of range (1..%d, the points)", opt.DijkstraRows, opt.Points)
	case opt.Searches < 1 || opt.Searches > 1000:
		return m, fmt.Errorf("searches %d out of range (1..1000)", opt.Searches)
	case opt.LimitMinutes < 1 || opt.LimitMinutes > 24*60:
		return m, fmt.Errorf("limit %d minutes out of range (1..1440)", opt.LimitMinutes)
	}
	m.Nodes, m.Arcs, m.Segments = g.NumNodes(), g.NumArcs(), len(g.Segments)
	m.GraphParts = g.MemoryParts()
	for _, p := range m.GraphParts {
		m.GraphBytes += p.Bytes
	}
	m.BytesPerArc = float64(m.GraphBytes) / float64(max(m.Arcs, 1))

	nodes := RandomNodes(g, 2*opt.Points+opt.Searches, opt.Seed)
	pts := make([]graph.Point, 2*opt.Points)
	for i := range pts {
		pts[i] = g.Node(nodes[i])
	}
	sw := start()
	if _, err := g.SnapPoint(pts[0], graph.SnapOptions{}); err != nil {
		return m, fmt.Errorf("snap: %w", err)
	}
	m.SnapIndex = sw.stop()
	sw = start()
	snaps, err := g.SnapPoints(ctx, pts, graph.SnapOptions{}, opt.Workers)
	if err != nil {
		return m, fmt.Errorf("snap: %w", err)
	}
	m.Snap = sw.stop()

	s := graph.NewSearch(g)
	s.NoPaths = true
	var runs []Timing
	for _, v := range nodes[2*opt.Points:] {
		sw = start()
		s.Run(graph.Outbound, []graph.Seed{{Node: v}}, graph.Stop{})
		runs = append(runs, sw.stop())
		m.OneToAllSettled = s.Settled()
	}
	slices.SortFunc(runs, func(a, b Timing) int { return int(a.Wall - b.Wall) })
	m.OneToAll = runs[len(runs)/2]
	if g.CH != nil && g.CH.Valid(g) {
		// the same searches by PHAST, each checked against Dijkstra's times
		p, ref := graph.NewSearch(g), graph.NewSearch(g)
		p.NoPaths, ref.NoPaths = true, true
		runs = runs[:0]
		for _, v := range nodes[2*opt.Points:] {
			sw = start()
			if err := p.RunCH(ctx, g.CH, graph.Outbound, []graph.Seed{{Node: v}}, 0); err != nil {
				return m, err
			}
			runs = append(runs, sw.stop())
			ref.Run(graph.Outbound, []graph.Seed{{Node: v}}, graph.Stop{})
			for u := int32(0); u < int32(g.NumNodes()); u++ {
				if p.Time(u) != ref.Time(u) {
					return m, fmt.Errorf("PHAST from node %d: node %d at %d ms, Dijkstra %d", v, u, p.Time(u), ref.Time(u))
				}
			}
		}
		slices.SortFunc(runs, func(a, b Timing) int { return int(a.Wall - b.Wall) })
		m.OneToAllPHAST = runs[len(runs)/2]
	}
	sw = start()
	s.Run(graph.Outbound, []graph.Seed{{Node: nodes[2*opt.Points]}}, graph.Stop{Limit: uint32(opt.LimitMinutes) * 60000})
	m.Bounded = sw.stop()
	m.BoundedSettled = s.Settled()

	from, to := snaps[:opt.Points], snaps[opt.Points:]
	if g.CH != nil && g.CH.Valid(g) {
		sw = start()
		if _, err := graph.MatrixContext(ctx, g, from, to, opt.Workers); err != nil {
			return m, err
		}
		m.MatrixCH = sw.stop()
	}
	plain := *g
	plain.CH = nil
	m.MatrixDijkstraRows = opt.DijkstraRows
	sw = start()
	if _, err := graph.MatrixContext(ctx, &plain, from[:opt.DijkstraRows], to, opt.Workers); err != nil {
		return m, err
	}
	m.MatrixDijkstra = sw.stop()
	m.MatrixDijkstraFull = m.MatrixDijkstra.Wall * time.Duration(opt.Points) / time.Duration(opt.DijkstraRows)
	return m, nil
}
