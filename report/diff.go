package report

import (
	"fmt"
	"math"

	"github.com/fastroad/fastroad/isochrone"
)

// Difference maps that cannot mislead.
//
// Two grids of travel times to the same kind of target (the base and an
// alternative, aligned cell for cell) are compared cell by cell up to a
// limit. A cell is reached by a network when its time is finite and at most
// the limit. Each cell falls in exactly one class:
//
//   - reached by both: the saving, base minus alternative, in seconds
//     (negative: a loss); only these cells are gains or losses;
//   - reached only by the alternative: newly reached (+Inf in the diff grid);
//   - reached only by the base: no longer reached (-Inf);
//   - reached by neither: not compared (NaN).
//
// A cell reached in only one network is never a gain or a loss: when the
// base grid stops at 60 minutes, a cell at 61.0 minutes in the base and 59.3
// in the alternative would otherwise count as an infinite saving and fall in
// "saves 10 min or more". Fill the grids up to the limit (the study's, by
// default DefaultDiffLimitMinutes), not just to the largest band.
//
// Areas are contoured from one mask per class and step (in: the cell's class
// holds; out: anything else, unreached cells included) rather than from the
// difference itself: marching squares interpolate between neighbouring
// values, and between a saving of 2 minutes and an unreached cell there is
// no value to interpolate. On a mask every boundary runs half way between an
// in and an out cell centre (isochrone.Contour puts the crossing of an edge
// with an unreached end at its midpoint), so a polygon of "saves >= X" holds
// only cells saving at least X and, along its boundary, at most half of a
// neighbouring cell.

// DefaultDiffLimitMinutes is the default limit of a comparison: cells
// farther than this from the target in a network count as not reached by it.
const DefaultDiffLimitMinutes = 180

// DiffClasses are the areas of a difference grid by class (see DiffWithin).
type DiffClasses struct {
	Steps []float64 // minutes, as given to Classify
	// Gains[k] covers the cells reached by both networks that save at least
	// Steps[k] minutes; Losses[k] those that lose at least Steps[k].
	Gains, Losses []isochrone.Band
	// NewlyReached: cells the alternative reaches within the limit and the
	// base does not; NoLongerReached: the other way round.
	NewlyReached, NoLongerReached []isochrone.Polygon
}

// Diff is DiffWithin with no limit: every finite time counts as reached.
func Diff(base, alt *isochrone.Grid) (*isochrone.Grid, error) {
	return DiffWithin(base, alt, 0)
}

// DiffWithin returns a grid of seconds saved (base - alt) where both grids
// reach a cell within limitMinutes (0: no limit); +Inf where only the
// alternative does (newly reached), -Inf where only the base does (no
// longer reached), NaN where neither does. The grids must align (same
// origin, cell size and shape); limitMinutes must be a number >= 0.
func DiffWithin(base, alt *isochrone.Grid, limitMinutes float64) (*isochrone.Grid, error) {
	if err := aligned(base, alt); err != nil {
		return nil, err
	}
	lim, err := limitSeconds(limitMinutes)
	if err != nil {
		return nil, err
	}
	d := *base
	d.T = make([]float32, len(base.T))
	inf := float32(math.Inf(1))
	for k := range d.T {
		a, b := base.T[k], alt.T[k]
		ra, rb := a <= lim, b <= lim // false for NaN and +Inf
		switch {
		case ra && rb:
			d.T[k] = a - b
		case rb:
			d.T[k] = inf
		case ra:
			d.T[k] = -inf
		default:
			d.T[k] = float32(math.NaN())
		}
	}
	return &d, nil
}

func aligned(base, alt *isochrone.Grid) error {
	if base.W != alt.W || base.H != alt.H || base.MinLon != alt.MinLon || base.MinLat != alt.MinLat || base.DLon != alt.DLon || base.DLat != alt.DLat {
		return fmt.Errorf("grids do not align: %dx%d cells of %gx%g degrees from %g,%g vs %dx%d of %gx%g from %g,%g",
			base.W, base.H, base.DLon, base.DLat, base.MinLon, base.MinLat, alt.W, alt.H, alt.DLon, alt.DLat, alt.MinLon, alt.MinLat)
	}
	if len(base.T) != base.W*base.H || len(alt.T) != alt.W*alt.H {
		return fmt.Errorf("grids of %dx%d cells hold %d and %d times, want %d", base.W, base.H, len(base.T), len(alt.T), base.W*base.H)
	}
	return nil
}

// limitSeconds turns a limit in minutes (0: none) into seconds as a float32
// that compares with grid times.
func limitSeconds(limitMinutes float64) (float32, error) {
	if math.IsNaN(limitMinutes) || limitMinutes < 0 {
		return 0, fmt.Errorf("difference limit %v min: want a number >= 0 (0: no limit)", limitMinutes)
	}
	if limitMinutes == 0 || limitMinutes*60 >= math.MaxFloat32 {
		return math.MaxFloat32, nil
	}
	return float32(limitMinutes * 60), nil
}

// Classify returns the areas of each class of a DiffWithin grid: for each
// of steps (minutes, > 0) the cells reached by both networks that save and
// that lose at least that much, and the cells newly and no longer reached.
// Steps that are not positive numbers give empty bands.
func Classify(diff *isochrone.Grid, steps []float64) DiffClasses {
	c := DiffClasses{Steps: steps}
	inf := float32(math.Inf(1))
	// One pass finds what is there (the largest saving and loss among the
	// cells both reach, any cell newly or no longer reached), so that an
	// empty class costs no mask; every mask reuses one grid.
	most, least := float32(math.Inf(-1)), inf
	newly, noLonger := false, false
	for _, v := range diff.T {
		switch {
		case v == inf:
			newly = true
		case v == -inf:
			noLonger = true
		case v == v: // not NaN (max and min would give NaN)
			most, least = max(most, v), min(least, v)
		}
	}
	// One mask and one contour workspace for every class.
	var mask []float32
	var cr *isochrone.Contourer
	defer func() {
		if cr != nil {
			cr.Release()
		}
	}()
	contour := func(lo, hi float32) []isochrone.Polygon {
		if mask == nil {
			mask = make([]float32, len(diff.T))
		}
		j0, j1 := maskOf(mask, diff.T, diff.W, lo, hi)
		if j0 >= j1 {
			return nil
		}
		if cr == nil {
			g := *diff
			g.T = mask
			cr = isochrone.NewContourer(&g)
		}
		cr.SetTimesRows(mask, j0, j1)
		return cr.Contour(0)
	}
	for _, m := range steps {
		s := float32(m * 60)
		ok := m > 0 && !math.IsInf(m, 0)
		gain, loss := isochrone.Band{Minutes: m}, isochrone.Band{Minutes: m}
		if ok && most >= s {
			gain.Polygons = contour(s, math.MaxFloat32)
		}
		if ok && least <= -s {
			loss.Polygons = contour(-math.MaxFloat32, -s)
		}
		c.Gains = append(c.Gains, gain)
		c.Losses = append(c.Losses, loss)
	}
	if newly {
		c.NewlyReached = contour(inf, inf)
	}
	if noLonger {
		c.NoLongerReached = contour(-inf, -inf)
	}
	return c
}

// DiffBands returns Classify's gains and losses only. New code should call
// Classify, which also returns the newly and no longer reached areas; this
// stays for the callers written before it.
func DiffBands(diff *isochrone.Grid, steps []float64) (gains, losses []isochrone.Band) {
	c := Classify(diff, steps)
	return c.Gains, c.Losses
}

// maskOf sets mask[k] to -1 where lo <= v[k] <= hi (never NaN), +Inf
// elsewhere: contoured at 0, the cells where that holds. It returns the
// rows [j0, j1) of a grid w cells wide that hold such cells (j0 >= j1 when
// none does).
func maskOf(mask, v []float32, w int, lo, hi float32) (j0, j1 int) {
	inf := float32(math.Inf(1))
	first, last := -1, -1
	mask = mask[:len(v)]
	for k, x := range v {
		if lo <= x && x <= hi {
			mask[k] = -1
			if first < 0 {
				first = k
			}
			last = k
		} else {
			mask[k] = inf
		}
	}
	if first < 0 {
		return 0, 0
	}
	return first / w, last/w + 1
}

// rimSeconds: a reached cell within this of the limit, next to a cell not
// reached, lies on the edge of a search stopped at the limit.
const rimSeconds = 60

// BeyondLimit returns how many cells of the two grids show that something
// lies beyond limitMinutes (0: no limit, and the result is 0): cells with a
// time past the limit (grids filled further than the limit), and cells
// within rimSeconds of it next to an unreached cell inside the grid (the
// edge of a search stopped at the limit; grids filled to the limit). A cell
// at 179.5 minutes beside the sea counts too: the figure says that areas may
// lie beyond the limit, not how large they are.
func BeyondLimit(base, alt *isochrone.Grid, limitMinutes float64) int {
	return beyondLimit(limitMinutes, false, base, alt)
}

// AnyBeyondLimit reports whether BeyondLimit of the grids (any number of
// them, nil ones skipped) is above 0, stopping at the first such cell.
func AnyBeyondLimit(limitMinutes float64, grids ...*isochrone.Grid) bool {
	return beyondLimit(limitMinutes, true, grids...) > 0
}

func beyondLimit(limitMinutes float64, first bool, grids ...*isochrone.Grid) int {
	lim, err := limitSeconds(limitMinutes)
	if err != nil || lim == math.MaxFloat32 {
		return 0
	}
	n := 0
	for _, g := range grids {
		if g == nil || len(g.T) != g.W*g.H {
			continue
		}
		for j := 0; j < g.H; j++ {
			if first && n > 0 {
				return n
			}
			for i := 0; i < g.W; i++ {
				v := g.T[j*g.W+i]
				switch {
				case v != v || math.IsInf(float64(v), 1):
				case v > lim:
					n++
				case v > lim-rimSeconds:
					for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
						if k := g.Index(i+d[0], j+d[1]); k >= 0 && !(g.T[k] <= lim) {
							n++
							break
						}
					}
				}
			}
		}
	}
	return n
}
