package population

// Indicators over flat slices aligned with an isochrone grid: pop[k] is the
// residents of cell k (Surface.Resample onto the grid), secs[k] the travel
// time of cell k in seconds as isochrone.Grid.T holds it (+Inf or NaN:
// unreached). A cell whose time exceeds the limit counts as unreached.
// Everything is one pass over the cells, no maps, no sort: the median is
// read from a histogram of reached residents in 0.1-minute bins (the
// precision every table prints), exact to the bin's upper edge.

import (
	"fmt"
	"math"
)

// medianBin is the resolution of medians, in seconds (0.1 min).
const medianBin = 6

// DefaultLimitMinutes is the travel time beyond which a cell counts as not
// reached (issue 7: 180 min).
const DefaultLimitMinutes = 180

// Access is how many residents reach a destination within each band.
type Access struct {
	Minutes []float64 // band limits, increasing
	Within  []float64 // residents within Minutes[i] (cumulative)
	Total   float64   // all residents
	Reached float64   // residents reached within the limit
	// Unreached: residents not reached or beyond the limit; they are left
	// out of the mean and median.
	Unreached float64
	// MeanMinutes and MedianMinutes are population-weighted over the
	// reached residents (NaN when nobody is reached). The median is the
	// least time t with at least half the reached residents within t.
	MeanMinutes, MedianMinutes float64
}

func checkAligned(pop, secs []float32, minutes []float64, limit float64) error {
	if len(pop) != len(secs) {
		return fmt.Errorf("%d residents cells and %d time cells: want the same grid", len(pop), len(secs))
	}
	if !(limit > 0 && limit <= 24*60) {
		return fmt.Errorf("limit %v min: want 0 to 1440", limit)
	}
	for i, m := range minutes {
		if !(m > 0 && m <= limit) || (i > 0 && m <= minutes[i-1]) {
			return fmt.Errorf("band minutes %v: want increasing, above 0 and at most the limit %v", minutes, limit)
		}
	}
	return nil
}

// AccessOf returns residents within each band, the unreached, and the
// weighted mean and median minutes (limit in minutes; 0 means
// DefaultLimitMinutes).
func AccessOf(pop, secs []float32, minutes []float64, limit float64) (Access, error) {
	g, err := AccessBy(pop, secs, []uint8(nil), 1, minutes, limit)
	if err != nil {
		return Access{}, err
	}
	return g[0], nil
}

// AccessBy splits AccessOf by a per-cell group (urban/rural class from
// Classify, county index from Zones): result i is group i, 0 <= i < n;
// cells whose group is negative or >= n are left out. A nil group puts
// every cell in group 0.
func AccessBy[G uint8 | int16](pop, secs []float32, group []G, n int, minutes []float64, limit float64) ([]Access, error) {
	r, err := NewResidents(pop, Grouping(group, n))
	if err != nil {
		return nil, err
	}
	out, err := r.Access(secs, minutes, limit)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Groups is one split of the residents: the number of groups and each
// cell's group (-1: left out of this split).
type Groups struct {
	n   int
	len int // cells of the per-cell group, 0 for all in one
	of  func(k int) int
}

// Grouping makes a split from a per-cell group (urban/rural class from
// Classify, county index from Zones): cells whose group is negative or
// >= n are left out of it. A nil group puts every cell in group 0.
func Grouping[G uint8 | int16](group []G, n int) Groups {
	if group == nil {
		return Groups{n: n, of: func(int) int { return 0 }}
	}
	return Groups{n: n, of: func(k int) int {
		if g := int(group[k]); g >= 0 && g < n {
			return g
		}
		return -1
	}, len: len(group)}
}

// Residents are the populated cells of a grid, listed once with their
// group in every split, so that the indicators of many travel-time grids
// on that grid read only those cells, and every split in one pass. Each
// group's sums take the cells in the order of the grid, as one pass over
// the grid per split would: the figures are the same to the last bit.
type Residents struct {
	cells  int       // grid cells
	cell   []int32   // populated cells, increasing
	pop    []float32 // their residents
	group  []int32   // cell c's group in split j: group[c*len(splits)+j], an index into the flat results, or -1
	splits []int     // groups per split
	groups int       // groups of every split: the flat results' length
}

// NewResidents lists the populated cells of pop (residents per grid cell)
// with their groups in each split.
func NewResidents(pop []float32, splits ...Groups) (*Residents, error) {
	r := &Residents{cells: len(pop)}
	for _, s := range splits {
		if s.len != 0 && s.len != len(pop) {
			return nil, fmt.Errorf("%d group cells and %d residents cells: want the same grid", s.len, len(pop))
		}
		if s.n < 1 || s.n > 1<<15 {
			return nil, fmt.Errorf("%d groups: want 1 to 32768", s.n)
		}
		r.splits = append(r.splits, s.n)
		r.groups += s.n
	}
	if len(pop) > math.MaxInt32 {
		return nil, fmt.Errorf("%d residents cells: want at most %d", len(pop), math.MaxInt32)
	}
	for k, p := range pop {
		if !(p > 0) {
			continue
		}
		r.cell = append(r.cell, int32(k))
		r.pop = append(r.pop, p)
		off := 0
		for j, s := range splits {
			g := s.of(k)
			if g >= 0 {
				g += off
			}
			r.group = append(r.group, int32(g))
			off += r.splits[j]
		}
	}
	return r, nil
}

// Access returns, for each split, the residents of each group within each
// band of secs (seconds per grid cell, +Inf or NaN unreached), as AccessBy.
func (r *Residents) Access(secs []float32, minutes []float64, limit float64) ([][]Access, error) {
	if limit == 0 {
		limit = DefaultLimitMinutes
	}
	if len(secs) != r.cells {
		return nil, fmt.Errorf("%d residents cells and %d time cells: want the same grid", r.cells, len(secs))
	}
	if err := checkAligned(nil, nil, minutes, limit); err != nil {
		return nil, err
	}
	n := r.groups
	flat := make([]Access, n)
	for i := range flat {
		flat[i] = Access{Minutes: minutes, Within: make([]float64, len(minutes))}
	}
	sums := make([]float64, n) // person-minutes
	// The median comes from a histogram of reached residents per group in
	// bins of medianBin seconds (0.1 min, the precision every table
	// prints): one pass, no sort of the cells.
	nbins := int(math.Ceil(limit*60/medianBin)) + 1
	hist := make([]float64, n*nbins)
	limS := float32(limit * 60)
	ns := len(r.splits)
	for c, k := range r.cell {
		p := float64(r.pop[c])
		t := secs[k]
		reached := t <= limS // false for +Inf, NaN and beyond the limit
		var m float64
		bin := 0
		if reached {
			m = float64(t) / 60
			bin = min(int(math.Ceil(float64(t)/medianBin)), nbins-1) // bin b holds (b-1)*6 < t <= b*6 s
		}
		for _, g := range r.group[c*ns : (c+1)*ns] {
			if g < 0 {
				continue
			}
			a := &flat[g]
			a.Total += p
			if !reached {
				a.Unreached += p
				continue
			}
			a.Reached += p
			sums[g] += p * m
			for b := len(minutes) - 1; b >= 0 && m <= minutes[b]; b-- {
				a.Within[b] += p
			}
			hist[int(g)*nbins+bin] += p
		}
	}
	for i := range flat {
		a := &flat[i]
		a.MeanMinutes, a.MedianMinutes = math.NaN(), math.NaN()
		if a.Reached <= 0 {
			continue
		}
		a.MeanMinutes = sums[i] / a.Reached
		acc := 0.0
		for b, v := range hist[i*nbins : (i+1)*nbins] {
			acc += v
			if acc >= a.Reached/2 {
				// the bin's upper edge: at least half the reached residents
				// are within it
				a.MedianMinutes = math.Min(float64(b)*medianBin, limit*60) / 60
				break
			}
		}
	}
	return bySplit(flat, r.splits), nil
}

// Curve is the residents within each whole minute 0..n of secs (seconds
// per grid cell: a cell at 90 s counts from minute 2; +Inf and NaN never
// count), whatever their group.
func (r *Residents) Curve(secs []float32, n int) ([]float64, error) {
	if len(secs) != r.cells {
		return nil, fmt.Errorf("%d residents cells and %d time cells: want the same grid", r.cells, len(secs))
	}
	if n < 0 {
		return nil, fmt.Errorf("curve to minute %d: want 0 or more", n)
	}
	curve := make([]float64, n+1)
	for c, k := range r.cell {
		t := float64(secs[k])
		if math.IsInf(t, 0) || math.IsNaN(t) {
			continue
		}
		if m := int(math.Ceil(t / 60)); m <= n {
			curve[max(m, 0)] += float64(r.pop[c])
		}
	}
	for m := 1; m <= n; m++ {
		curve[m] += curve[m-1]
	}
	return curve, nil
}

// bySplit cuts flat results into one slice per split.
func bySplit[T any](flat []T, splits []int) [][]T {
	out := make([][]T, len(splits))
	for j, n := range splits {
		out[j], flat = flat[:n], flat[n:]
	}
	return out
}

// Savings compares the times of a base and an alternative network.
type Savings struct {
	// PersonMinutes is the sum of pop × (base − alternative) minutes over
	// cells reached within the limit in both (positive: time saved).
	PersonMinutes float64
	Both          float64 // residents reached in both
	Faster        float64 // of those, residents whose time falls
	Slower        float64 // of those, residents whose time rises
	// NewlyReached: residents reached only by the alternative;
	// NoLongerReached: only by the base. Neither counts as a gain or a loss
	// of minutes.
	NewlyReached, NoLongerReached float64
}

// SavingsOf returns the person-minutes saved between base and alt (limit in
// minutes; 0 means DefaultLimitMinutes).
func SavingsOf(pop, base, alt []float32, limit float64) (Savings, error) {
	g, err := SavingsBy(pop, base, alt, []uint8(nil), 1, limit)
	if err != nil {
		return Savings{}, err
	}
	return g[0], nil
}

// SavingsBy splits SavingsOf by a per-cell group as AccessBy does.
func SavingsBy[G uint8 | int16](pop, base, alt []float32, group []G, n int, limit float64) ([]Savings, error) {
	r, err := NewResidents(pop, Grouping(group, n))
	if err != nil {
		return nil, err
	}
	out, err := r.Savings(base, alt, limit)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Savings compares a base and an alternative grid (seconds per cell) for
// each group of each split, as SavingsBy.
func (r *Residents) Savings(base, alt []float32, limit float64) ([][]Savings, error) {
	if limit == 0 {
		limit = DefaultLimitMinutes
	}
	if err := checkAligned(nil, nil, nil, limit); err != nil {
		return nil, err
	}
	if len(base) != r.cells || len(alt) != r.cells {
		return nil, fmt.Errorf("base grid of %d cells, alternative grid of %d for %d residents cells: want the same grid", len(base), len(alt), r.cells)
	}
	flat := make([]Savings, r.groups)
	limS := float32(limit * 60)
	ns := len(r.splits)
	for c, k := range r.cell {
		p := float64(r.pop[c])
		tb, ta := base[k], alt[k]
		inB, inA := tb <= limS, ta <= limS
		d := float64(tb-ta) / 60
		for _, g := range r.group[c*ns : (c+1)*ns] {
			if g < 0 {
				continue
			}
			s := &flat[g]
			switch {
			case inB && inA:
				s.Both += p
				s.PersonMinutes += p * d
				if d > 0 {
					s.Faster += p
				} else if d < 0 {
					s.Slower += p
				}
			case inA:
				s.NewlyReached += p
			case inB:
				s.NoLongerReached += p
			}
		}
	}
	return bySplit(flat, r.splits), nil
}
