package isochrone

import (
	"math"
	"math/rand/v2"
	"testing"
)

func countVertices(bands []Band) int {
	n := 0
	for _, b := range bands {
		for _, p := range b.Polygons {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	return n
}

// checkSimplified checks s against the unsimplified bands: valid, same
// polygon and ring structure, every original vertex within tol cells of the
// simplified ring, every kept vertex an original one.
func checkSimplified(t *testing.T, g *Grid, orig, s []Band, tol float64) {
	t.Helper()
	if len(s) != len(orig) {
		t.Fatalf("got %d bands want %d", len(s), len(orig))
	}
	for bi := range orig {
		if err := checkPolygons(s[bi].Polygons); err != nil {
			t.Fatalf("band %d simplified: %v", bi, err)
		}
		if len(s[bi].Polygons) != len(orig[bi].Polygons) || s[bi].Minutes != orig[bi].Minutes {
			t.Fatalf("band %d: got %d polygons want %d", bi, len(s[bi].Polygons), len(orig[bi].Polygons))
		}
		for pi, p := range orig[bi].Polygons {
			q := s[bi].Polygons[pi]
			if len(q) != len(p) {
				t.Fatalf("band %d polygon %d: got %d rings want %d", bi, pi, len(q), len(p))
			}
			for ri := range p {
				kept := map[[2]float64]bool{}
				for _, v := range p[ri] {
					kept[v] = true
				}
				for _, v := range q[ri] {
					if !kept[v] {
						t.Fatalf("band %d polygon %d ring %d: vertex %v is new", bi, pi, ri, v)
					}
				}
				for _, v := range p[ri] {
					d := math.Inf(1)
					for k := 1; k < len(q[ri]); k++ {
						a, b := q[ri][k-1], q[ri][k]
						d = math.Min(d, segDist((a[0]-g.MinLon)/g.DLon, (a[1]-g.MinLat)/g.DLat,
							(b[0]-g.MinLon)/g.DLon, (b[1]-g.MinLat)/g.DLat,
							(v[0]-g.MinLon)/g.DLon, (v[1]-g.MinLat)/g.DLat))
					}
					if d > tol+1e-9 {
						t.Fatalf("band %d polygon %d ring %d: vertex %v is %v cells from the simplified ring, tolerance %v", bi, pi, ri, v, d, tol)
					}
				}
			}
		}
	}
}

func TestSimplifyRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n := 600
	if testing.Short() {
		n = 60
	}
	for it := 0; it < n; it++ {
		g := randomGrid(rng, 2+rng.IntN(14), 2+rng.IntN(14))
		orig := Bands(g, []float64{0, 1, 2.5, 4})
		tol := []float64{0.3, 0.5, 1, 3}[it%4]
		s := Simplify(orig, g, tol)
		checkSimplified(t, g, orig, s, tol)
		// Bands still nest: points in an inner band are in the next one.
		for range 200 {
			lon := g.MinLon + (rng.Float64()*1.2-0.6)*float64(g.W)*g.DLon
			lat := g.MinLat + (rng.Float64()*1.2-0.6)*float64(g.H)*g.DLat
			for i := 1; i < len(s); i++ {
				if s[i-1].Contains(lon, lat) && !s[i].Contains(lon, lat) {
					t.Fatalf("grid %d: (%v, %v) in simplified band %d, not in band %d", it, lon, lat, i-1, i)
				}
			}
		}
	}
}

func TestSimplifyRealistic(t *testing.T) {
	g := radialGrid(120, 100, 13)
	orig := Bands(g, []float64{10, 20, 30})
	// Rings of four vertices (single cells) cannot shrink; the others should.
	bigRings := func(bands []Band) int {
		n := 0
		for bi, b := range bands {
			for pi, p := range b.Polygons {
				for ri, r := range p {
					if len(orig[bi].Polygons[pi][ri]) > 5 {
						n += len(r)
					}
				}
			}
		}
		return n
	}
	for _, tol := range []float64{0.25, 0.5, 1} {
		s := Simplify(orig, g, tol)
		checkSimplified(t, g, orig, s, tol)
		n0, n1 := bigRings(orig), bigRings(s)
		t.Logf("tolerance %v cells: %d -> %d positions in rings of more than 4 vertices", tol, n0, n1)
		// Bands that touch or run close (steep or noisy times) block each
		// other, so this noisy field only loses about a third.
		if tol >= 0.5 && n1 > n0*4/5 {
			t.Errorf("tolerance %v: got %d of %d positions, want at most 4/5", tol, n1, n0)
		}
	}
	if s := Simplify(orig, g, 0); countVertices(s) != countVertices(orig) {
		t.Error("tolerance 0 changed the bands")
	}
}

func TestSimplifySquare(t *testing.T) {
	// A 5 x 3 block of reached cells gives an octagon. Dropping a vertex of a
	// short side moves the boundary by 0.39 cells, squaring the block off by
	// 0.5 cells.
	g := drawGrid(".......", ".#####.", ".#####.", ".#####.", ".......")
	orig := Bands(g, []float64{0})
	for _, tt := range []struct {
		tol  float64
		want int
	}{{0.1, 9}, {0.3, 9}, {0.4, 7}, {0.6, 5}, {5, 5}} {
		s := Simplify(orig, g, tt.tol)
		checkSimplified(t, g, orig, s, tt.tol)
		if got := len(s[0].Polygons[0][0]); got != tt.want {
			t.Errorf("tolerance %v: got %d positions want %d", tt.tol, got, tt.want)
		}
	}
}
