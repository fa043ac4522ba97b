package controllines

import "math"

// meet returns where the segment A + t*d, t in [0, 1], comes within eps of
// the edge C-E: a single parameter (t0 == t1) where the edge crosses or
// touches it, or the parameter range over which the two run together
// (collinear within eps). dl is |d| > 0.
//
// It works with the distances of C and E from the line through A and B
// rather than with the usual cross-product denominator, so that nearly
// parallel edges are either collinear (both ends within eps) or cross the
// line at a well-defined point. A meeting it reports that is not exact
// only splits a piece of road in two; a meeting it misses would merge an
// inside and an outside piece, so the tolerances err on the side of
// reporting.
func meet(ax, ay, dx, dy, dl, cx, cy, ex, ey float64) (t0, t1 float64, ok bool) {
	sc := (dx*(cy-ay) - dy*(cx-ax)) / dl
	se := (dx*(ey-ay) - dy*(ex-ax)) / dl
	if sc > eps && se > eps || sc < -eps && se < -eps {
		return 0, 0, false
	}
	dd := dl * dl
	tc := ((cx-ax)*dx + (cy-ay)*dy) / dd
	te := ((ex-ax)*dx + (ey-ay)*dy) / dd
	tol := eps / dl
	nc, ne := math.Abs(sc) <= eps, math.Abs(se) <= eps
	if nc && ne {
		lo, hi := min(tc, te), max(tc, te)
		if hi < -tol || lo > 1+tol {
			return 0, 0, false
		}
		return clamp01(lo), clamp01(hi), true
	}
	var t float64
	switch {
	case nc:
		t = tc
	case ne:
		t = te
	default:
		t = tc + sc/(sc-se)*(te-tc)
	}
	if t < -tol || t > 1+tol {
		return 0, 0, false
	}
	t = clamp01(t)
	return t, t, true
}

func clamp01(t float64) float64 { return min(max(t, 0), 1) }

// nearEdge reports whether P is within eps of the edge A-B.
func nearEdge(px, py, ax, ay, bx, by float64) bool {
	if px < min(ax, bx)-eps || px > max(ax, bx)+eps || py < min(ay, by)-eps || py > max(ay, by)+eps {
		return false
	}
	dx, dy := bx-ax, by-ay
	wx, wy := px-ax, py-ay
	dd := dx*dx + dy*dy
	t := 0.0
	if dd > 0 {
		t = clamp01((wx*dx + wy*dy) / dd)
	}
	qx, qy := wx-t*dx, wy-t*dy
	return qx*qx+qy*qy <= eps*eps
}

// inside reports whether P is inside polygon feature f by the even-odd rule
// over all its rings; a point within eps of a boundary is outside. Chunks
// that lie wholly above, below or west of P are skipped: the test ray runs
// east.
func (ix *Index) inside(f *feat, px, py float64) bool {
	odd := false
	for r := f.r0; r < f.r1; r++ {
		rg := ix.rings[r]
		for c := rg.c0; c < rg.c1; c++ {
			ch := &ix.chunks[c]
			if py < ch.y0-eps || py > ch.y1+eps || px > ch.x1+eps {
				continue
			}
			for e := ch.e0; e < ch.e1; e++ {
				ax, ay, bx, by := ix.x[e], ix.y[e], ix.x[e+1], ix.y[e+1]
				if nearEdge(px, py, ax, ay, bx, by) {
					return false
				}
				if (ay > py) != (by > py) && px < ax+(py-ay)*(bx-ax)/(by-ay) {
					odd = !odd
				}
			}
		}
	}
	return odd
}
