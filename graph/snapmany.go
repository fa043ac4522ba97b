package graph

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// SnapPointError is the first point (lowest index) SnapPoints could not
// place.
type SnapPointError struct {
	Index int
	Err   error
}

func (e *SnapPointError) Error() string { return fmt.Sprintf("point %d: %v", e.Index+1, e.Err) }
func (e *SnapPointError) Unwrap() error { return e.Err }

// SnapPoints snaps every point with SnapPoint on workers goroutines (<= 0:
// GOMAXPROCS). The result is in input order and the same as snapping one at
// a time; on failure the error is a *SnapPointError for the lowest failing
// index, whatever the scheduling. It stops with ctx.Err() soon after ctx is
// cancelled.
func (g *Graph) SnapPoints(ctx context.Context, pts []Point, opt SnapOptions, workers int) ([]Snap, error) {
	out := make([]Snap, len(pts))
	if len(pts) == 0 {
		return out, ctx.Err()
	}
	ix := g.index() // built once, before the workers; read without the lock
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const chunk = 256
	workers = min(workers, (len(pts)+chunk-1)/chunk)
	var next atomic.Int64
	var firstBad atomic.Int64
	firstBad.Store(int64(len(pts)))
	errs := make([]error, workers)
	errAt := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		errAt[w] = len(pts)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i0 := int(next.Add(chunk) - chunk)
				if i0 >= len(pts) || i0 > int(firstBad.Load()) || ctx.Err() != nil {
					return
				}
				for i := i0; i < min(i0+chunk, len(pts)); i++ {
					s, err := g.snapWith(ix, pts[i], opt)
					if err != nil {
						if i < errAt[w] {
							errAt[w], errs[w] = i, err
						}
						for {
							cur := firstBad.Load()
							if int64(i) >= cur || firstBad.CompareAndSwap(cur, int64(i)) {
								break
							}
						}
						break
					}
					out[i] = s
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	best := -1
	for w := range workers {
		if errs[w] != nil && (best < 0 || errAt[w] < errAt[best]) {
			best = w
		}
	}
	if best >= 0 {
		return nil, &SnapPointError{Index: errAt[best], Err: errs[best]}
	}
	return out, nil
}
