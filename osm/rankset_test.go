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
