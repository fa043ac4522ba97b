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
	if limit == 0 {
		limit = DefaultLimitMinutes
	}
	if err := checkAligned(pop, secs, minutes, limit); err != nil {
		return nil, err
	}
	if group != nil && len(group) != len(pop) {
		return nil, fmt.Errorf("%d group cells and %d residents cells: want the same grid", len(group), len(pop))
	}
	if n < 1 || n > 1<<15 {
		return nil, fmt.Errorf("%d groups: want 1 to 32768", n)
	}
	out := make([]Access, n)
	sums := make([]float64, n) // person-minutes
	// The median comes from a histogram of reached residents per group in
	// bins of medianBin seconds (0.1 min, the precision every table
	// prints): one pass, no sort of the cells.
	nbins := int(math.Ceil(limit*60/medianBin)) + 1
	hist := make([]float64, n*nbins)
	limS := float32(limit * 60)
	for k, p := range pop {
		if !(p > 0) {
			continue
		}
		g := 0
		if group != nil {
			g = int(group[k])
			if g < 0 || g >= n {
				continue
			}
		}
		a := &out[g]
		if a.Within == nil {
			a.Minutes = minutes
			a.Within = make([]float64, len(minutes))
		}
		a.Total += float64(p)
		t := secs[k]
		if !(t <= limS) { // +Inf, NaN and beyond the limit
			a.Unreached += float64(p)
			continue
		}
		a.Reached += float64(p)
		m := float64(t) / 60
		sums[g] += float64(p) * m
		for b := len(minutes) - 1; b >= 0 && m <= minutes[b]; b-- {
			a.Within[b] += float64(p)
		}
		bin := int(math.Ceil(float64(t) / medianBin)) // bin b holds (b-1)*6 < t <= b*6 s
		if bin >= nbins {
			bin = nbins - 1
		}
		hist[g*nbins+bin] += float64(p)
	}
	for i := range out {
		a := &out[i]
		a.MeanMinutes, a.MedianMinutes = math.NaN(), math.NaN()
		if a.Within == nil {
			a.Minutes = minutes
			a.Within = make([]float64, len(minutes))
		}
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
	return out, nil
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
	if limit == 0 {
		limit = DefaultLimitMinutes
	}
	if err := checkAligned(pop, base, nil, limit); err != nil {
		return nil, err
	}
	if len(alt) != len(pop) || (group != nil && len(group) != len(pop)) {
		return nil, fmt.Errorf("alternative grid of %d cells (group %d) for %d residents cells: want the same grid", len(alt), len(group), len(pop))
	}
	if n < 1 || n > 1<<15 {
		return nil, fmt.Errorf("%d groups: want 1 to 32768", n)
	}
	out := make([]Savings, n)
	limS := float32(limit * 60)
	for k, p := range pop {
		if !(p > 0) {
			continue
		}
		g := 0
		if group != nil {
			g = int(group[k])
			if g < 0 || g >= n {
				continue
			}
		}
		s := &out[g]
		tb, ta := base[k], alt[k]
		inB, inA := tb <= limS, ta <= limS
		switch {
		case inB && inA:
			s.Both += float64(p)
			d := float64(tb-ta) / 60
			s.PersonMinutes += float64(p) * d
			if d > 0 {
				s.Faster += float64(p)
			} else if d < 0 {
				s.Slower += float64(p)
			}
		case inA:
			s.NewlyReached += float64(p)
		case inB:
			s.NoLongerReached += float64(p)
		}
	}
	return out, nil
}
