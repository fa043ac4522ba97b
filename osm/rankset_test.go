package osm

import (
	"math/rand/v2"
	"testing"
)

// rankSet's rank is the number of members below i, checked against a
// running count over random sets of several sizes (word edges included).
func TestRankSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 63, 64, 65, 1000, 4097} {
		s := newRankSet(n)
		in := make([]bool, n)
		for i := range in {
			if rng.IntN(3) == 0 {
				in[i] = true
				s.set(i)
			}
		}
		s.index()
		below := 0
		for i := 0; i < n; i++ {
			if s.has(i) != in[i] {
				t.Fatalf("n=%d: has(%d) = %v", n, i, s.has(i))
			}
			if got := s.rank(i); got != below {
				t.Fatalf("n=%d: rank(%d) = %d, want %d", n, i, got, below)
			}
			if in[i] {
				below++
			}
		}
		if s.count() != below {
			t.Fatalf("n=%d: count %d, want %d", n, s.count(), below)
		}
	}
}

// sortCount gives the distinct values in order with their counts (capped
// at 255), whatever the number of parts it sorts at once.
func TestSortCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 10, 1 << 16, 3<<16 + 5, 1 << 19} {
		a := make([]int64, n)
		for i := range a {
			a[i] = rng.Int64N(int64(n/2 + 1))
		}
		if n == 1<<16 {
			for i := range a[:600] {
				a[i] = 42 // more than 255 uses
			}
		}
		want := map[int64]int{}
		for _, v := range a {
			want[v]++
		}
		for _, procs := range []int{1, 2, 3, 8} {
			vals, count := sortCount(append([]int64(nil), a...), procs)
			if len(vals) != len(want) || len(count) != len(vals) {
				t.Fatalf("n=%d procs=%d: %d values, %d counts, want %d", n, procs, len(vals), len(count), len(want))
			}
			for i, v := range vals {
				if i > 0 && vals[i-1] >= v {
					t.Fatalf("n=%d procs=%d: not sorted at %d", n, procs, i)
				}
				if int(count[i]) != min(want[v], 255) {
					t.Fatalf("n=%d procs=%d: value %d counted %d, want %d", n, procs, v, count[i], min(want[v], 255))
				}
			}
		}
	}
}
