package graph

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Matrix returns travel times in milliseconds from every origin to every
// destination (Inf when unreachable), rows in origin order. It runs one
// search per origin (or, when there are fewer destinations, one inbound
// search per destination), each stopping once all needed nodes are settled,
// spread over workers goroutines (<= 0: GOMAXPROCS).
//
// When g carries a valid contraction hierarchy (g.CH), it answers instead:
// the same times, hundreds of times faster.
func Matrix(g *Graph, from, to []Snap, workers int) [][]uint32 {
	if g.CH != nil && g.CH.Valid(g) {
		return g.CH.Matrix(g, from, to, workers)
	}
	return DijkstraMatrix(g, from, to, workers)
}

// MatrixOptions set how MatrixBlocks works.
type MatrixOptions struct {
	Workers int // goroutines; <= 0: GOMAXPROCS
	// BlockRows is the number of rows computed and handed over at once;
	// <= 0: DefaultBlockCells / len(to) (at least 1).
	BlockRows int
}

// DefaultBlockCells is the default block size in cells (4 bytes each): 16 MiB.
const DefaultBlockCells = 1 << 22

// blockRows returns the rows per block for opt and nTo destinations.
func (opt MatrixOptions) blockRows(nTo int) int {
	if opt.BlockRows > 0 {
		return opt.BlockRows
	}
	return max(1, DefaultBlockCells/max(nTo, 1))
}

// MatrixBlocks computes the matrix of Matrix a block of rows at a time and
// hands each block to emit (first row index, rows; emit must not keep the
// rows, the next block reuses them), so memory stays bounded by a block for
// any number of points. It stops with ctx.Err() soon after ctx is cancelled,
// and with emit's error when emit fails. Blocks come in row order.
func MatrixBlocks(ctx context.Context, g *Graph, from, to []Snap, opt MatrixOptions, emit func(first int, rows [][]uint32) error) error {
	br := opt.blockRows(len(to))
	if g.CH != nil && g.CH.Valid(g) {
		return g.CH.MatrixBlocks(ctx, g, from, to, opt.Workers, br, emit)
	}
	return dijkstraBlocks(ctx, g, from, to, opt.Workers, br, emit)
}

// MatrixContext is Matrix that stops with ctx.Err() when ctx is cancelled.
func MatrixContext(ctx context.Context, g *Graph, from, to []Snap, workers int) ([][]uint32, error) {
	out := make([][]uint32, len(from))
	cells := make([]uint32, len(from)*len(to))
	for i := range out {
		out[i] = cells[i*len(to) : (i+1)*len(to) : (i+1)*len(to)]
	}
	err := MatrixBlocks(ctx, g, from, to, MatrixOptions{Workers: workers, BlockRows: max(len(from), 1)},
		func(first int, rows [][]uint32) error {
			for k, r := range rows {
				copy(out[first+k], r)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DijkstraMatrix is Matrix by one Dijkstra search per origin (or per
// destination), without a contraction hierarchy.
func DijkstraMatrix(g *Graph, from, to []Snap, workers int) [][]uint32 {
	out := make([][]uint32, len(from))
	for i := range out {
		out[i] = make([]uint32, len(to))
	}
	dijkstraInto(context.Background(), g, from, to, workers, out)
	return out
}

// dijkstraBlocks runs dijkstraInto block by block into one reused buffer.
func dijkstraBlocks(ctx context.Context, g *Graph, from, to []Snap, workers, blockRows int, emit func(int, [][]uint32) error) error {
	blockRows = max(1, min(blockRows, len(from)))
	buf := make([][]uint32, blockRows)
	cells := make([]uint32, blockRows*len(to))
	for i := range buf {
		buf[i] = cells[i*len(to) : (i+1)*len(to) : (i+1)*len(to)]
	}
	for i0 := 0; i0 < len(from); i0 += blockRows {
		i1 := min(i0+blockRows, len(from))
		rows := buf[:i1-i0]
		if err := dijkstraInto(ctx, g, from[i0:i1], to, workers, rows); err != nil {
			return err
		}
		if err := emit(i0, rows); err != nil {
			return err
		}
	}
	return nil
}

// dijkstraInto fills out (len(from) rows of len(to)) with one search per
// origin, or per destination when there are fewer destinations.
func dijkstraInto(ctx context.Context, g *Graph, from, to []Snap, workers int, out [][]uint32) error {
	if len(from) == 0 || len(to) == 0 {
		return ctx.Err()
	}
	dir := Outbound
	srcs, dsts := from, to
	if len(to) < len(from) {
		dir = Inbound
		srcs, dsts = to, from
	}
	var targets []int32
	for _, d := range dsts {
		targets = g.Ends(targets, d)
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(srcs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := NewSearch(g)
			s.NoPaths = true
			var seeds []Seed
			for {
				i := int(next.Add(1) - 1)
				if i >= len(srcs) || ctx.Err() != nil {
					return
				}
				seeds = g.Seeds(seeds[:0], srcs[i], dir)
				if s.RunContext(ctx, dir, seeds, Stop{Targets: targets}) != nil {
					return
				}
				for j, d := range dsts {
					t := g.TimeAt(s, d)
					if dir == Outbound {
						out[i][j] = min(t, g.Direct(srcs[i], d))
					} else {
						out[j][i] = min(t, g.Direct(d, srcs[i]))
					}
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
