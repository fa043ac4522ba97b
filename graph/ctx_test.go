package graph

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMatrixBlocksMatchesMatrix: the streamed matrix equals the whole one,
// cell by cell, for Dijkstra and the contraction hierarchy, with blocks of
// one row, of a few rows and of everything, and with more origins than
// destinations (the inbound Dijkstra per block) and fewer.
func TestMatrixBlocksMatchesMatrix(t *testing.T) {
	g := roadGraph(t, 7, 400)
	r := rand.New(rand.NewPCG(1, 2))
	many, few := randomSnaps(g, r, 37), randomSnaps(g, r, 5)
	ch := BuildCH(g)
	for _, withCH := range []bool{false, true} {
		g.CH = nil
		if withCH {
			g.CH = ch
		}
		for _, c := range []struct{ from, to []Snap }{{many, few}, {few, many}, {many, many}} {
			want := DijkstraMatrix(g, c.from, c.to, 2)
			for _, br := range []int{1, 3, 16, 0, 1000} {
				var got [][]uint32
				next := 0
				err := MatrixBlocks(context.Background(), g, c.from, c.to, MatrixOptions{Workers: 2, BlockRows: br},
					func(first int, rows [][]uint32) error {
						if first != next {
							t.Fatalf("block at row %d, want %d", first, next)
						}
						for _, row := range rows {
							got = append(got, slices.Clone(row))
						}
						next += len(rows)
						return nil
					})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("ch %v block %d: got %d rows want %d", withCH, br, len(got), len(want))
				}
				for i := range want {
					if !slices.Equal(got[i], want[i]) {
						t.Fatalf("ch %v block %d row %d: got %v want %v", withCH, br, i, got[i], want[i])
					}
				}
			}
			m, err := MatrixContext(context.Background(), g, c.from, c.to, 2)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if !slices.Equal(m[i], want[i]) {
					t.Fatalf("MatrixContext row %d: got %v want %v", i, m[i], want[i])
				}
			}
		}
	}
	g.CH = nil
}

func TestMatrixBlocksEmitError(t *testing.T) {
	g := roadGraph(t, 3, 100)
	r := rand.New(rand.NewPCG(3, 4))
	pts := randomSnaps(g, r, 10)
	stop := errors.New("disk full")
	calls := 0
	err := MatrixBlocks(context.Background(), g, pts, pts, MatrixOptions{BlockRows: 2}, func(int, [][]uint32) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("got %v after %d calls, want the emit error after 1", err, calls)
	}
}

// A cancelled context stops every long loop with context.Canceled.
func TestCancelled(t *testing.T) {
	g := roadGraph(t, 5, 400)
	r := rand.New(rand.NewPCG(5, 6))
	pts := randomSnaps(g, r, 20)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := BuildCHContext(ctx, g); !errors.Is(err, context.Canceled) {
		t.Errorf("BuildCHContext: got %v", err)
	}
	for _, withCH := range []bool{false, true} {
		g.CH = nil
		if withCH {
			g.CH = BuildCH(g)
		}
		called := false
		err := MatrixBlocks(ctx, g, pts, pts, MatrixOptions{}, func(int, [][]uint32) error { called = true; return nil })
		if !errors.Is(err, context.Canceled) || called {
			t.Errorf("MatrixBlocks ch=%v: got %v, emit called %v", withCH, err, called)
		}
		if _, err := MatrixContext(ctx, g, pts, pts, 0); !errors.Is(err, context.Canceled) {
			t.Errorf("MatrixContext ch=%v: got %v", withCH, err)
		}
	}
	g.CH = nil
	lo, _ := g.Bounds()
	if _, err := g.SnapPoints(ctx, []Point{lo}, SnapOptions{}, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("SnapPoints: got %v", err)
	}
}

// SnapPoints gives the same snaps as SnapPoint one by one, in input order,
// and reports the lowest failing index whatever the scheduling.
func TestSnapPointsParallel(t *testing.T) {
	g := roadGraph(t, 11, 400)
	lo, hi := g.Bounds()
	r := rand.New(rand.NewPCG(7, 8))
	pts := make([]Point, 1200)
	for i := range pts {
		pts[i] = Point{Lon: lo.Lon + (hi.Lon-lo.Lon)*r.Float64(), Lat: lo.Lat + (hi.Lat-lo.Lat)*r.Float64()}
	}
	opt := SnapOptions{MaxDist: 1e6}
	for _, w := range []int{1, 2, 4, 0} {
		got, err := g.SnapPoints(context.Background(), pts, opt, w)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range pts {
			want, _ := g.SnapPoint(p, opt)
			if got[i] != want {
				t.Fatalf("workers %d point %d: got %+v want %+v", w, i, got[i], want)
			}
		}
	}
	// Points 700 and 1100 lie in the sea (far outside): the error names 700.
	good, _ := g.SnapPoints(context.Background(), pts, opt, 0)
	bad := make([]Point, len(pts))
	for i := range good {
		bad[i] = good[i].Point
	}
	bad[1100] = Point{Lon: hi.Lon + 5, Lat: hi.Lat}
	bad[700] = Point{Lon: lo.Lon - 5, Lat: lo.Lat}
	for _, w := range []int{1, 2, 4} {
		_, err := g.SnapPoints(context.Background(), bad, SnapOptions{MaxDist: 1000}, w)
		var se *SnapPointError
		if !errors.As(err, &se) || se.Index != 700 {
			t.Errorf("workers %d: got %v, want the error of index 700", w, err)
		}
	}
}

// RunContext: a live context gives Run's times; a cancelled one stops.
func TestRunContext(t *testing.T) {
	g := roadGraph(t, 9, 40000)
	src := int32(0)
	for g.Component[src] != 0 {
		src++
	}
	seeds := []Seed{{Node: src}}
	a, b := NewSearch(g), NewSearch(g)
	a.Run(Outbound, seeds, Stop{})
	if a.Settled() <= searchCheckEvery {
		t.Fatalf("the main component has only %d nodes", a.Settled())
	}
	if err := b.RunContext(context.Background(), Outbound, seeds, Stop{}); err != nil {
		t.Fatal(err)
	}
	for v := int32(0); v < int32(g.NumNodes()); v++ {
		if a.Time(v) != b.Time(v) {
			t.Fatalf("node %d: got %d want %d", v, b.Time(v), a.Time(v))
		}
	}
	// Cancelled before: nothing settled. Cancelled during (a context whose
	// Done is already closed but Err checked only after): the search stops
	// after at most searchCheckEvery settled nodes.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.RunContext(ctx, Outbound, seeds, Stop{}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
	b.Run(Outbound, seeds, Stop{done: ctx.Done()})
	if b.Settled() != searchCheckEvery {
		t.Errorf("settled %d nodes after cancel, want %d", b.Settled(), searchCheckEvery)
	}
}
