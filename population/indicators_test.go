package population

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

var inf = float32(math.Inf(1))

func TestAccessOf(t *testing.T) {
	// Residents 10, 20, 30, 40 (and an empty cell) at 10, 20, 40 min and
	// unreached. Within 15: 10; 30: 30; 45: 60. Mean over the reached 60:
	// (10*10 + 20*20 + 30*40)/60 = 28.333; median: 10 then 30 of 60
	// reach half at 20 min. Unreached: 40.
	pop := []float32{10, 20, 30, 40, 0}
	secs := []float32{600, 1200, 2400, inf, 60}
	a, err := AccessOf(pop, secs, []float64{15, 30, 45}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{10, 30, 60}
	for i := range want {
		if a.Within[i] != want[i] {
			t.Errorf("within %v: got %v want %v", a.Minutes[i], a.Within[i], want[i])
		}
	}
	if a.Total != 100 || a.Reached != 60 || a.Unreached != 40 || !near(a.MeanMinutes, 28.3333333, 1e-6) || a.MedianMinutes != 20 {
		t.Errorf("got %+v want total 100, reached 60, unreached 40, mean 28.33, median 20", a)
	}
	// with a limit of 30 min the 40-min cell is unreached too
	a, _ = AccessOf(pop, secs, []float64{15, 30}, 30)
	if a.Reached != 30 || a.Unreached != 70 || !near(a.MeanMinutes, 500.0/30, 1e-9) {
		t.Errorf("limit 30: got reached %v unreached %v mean %v want 30, 70, 16.67", a.Reached, a.Unreached, a.MeanMinutes)
	}
	// nobody reached: NaN mean and median
	a, _ = AccessOf([]float32{5}, []float32{inf}, []float64{15}, 0)
	if !math.IsNaN(a.MeanMinutes) || !math.IsNaN(a.MedianMinutes) || a.Unreached != 5 {
		t.Errorf("got %+v want NaN mean and median, 5 unreached", a)
	}
}

func TestAccessBy(t *testing.T) {
	// urban cells 0 and 1 (10 at 10 min, 20 at 20 min), rural 2 and 3.
	pop := []float32{10, 20, 30, 40}
	secs := []float32{600, 1200, 2400, inf}
	class := []uint8{Urban, Urban, Rural, Rural}
	g, err := AccessBy(pop, secs, class, 2, []float64{15, 30, 45}, 0)
	if err != nil {
		t.Fatal(err)
	}
	u, r := g[Urban], g[Rural]
	if u.Total != 30 || u.Within[0] != 10 || u.Within[1] != 30 || !near(u.MeanMinutes, 500.0/30, 1e-9) || u.MedianMinutes != 20 {
		t.Errorf("urban: got %+v", u)
	}
	if r.Total != 70 || r.Within[2] != 30 || r.Unreached != 40 || r.MeanMinutes != 40 || r.MedianMinutes != 40 {
		t.Errorf("rural: got %+v", r)
	}
	// county index: -1 cells are left out
	zone := []int16{0, -1, 1, 1}
	z, err := AccessBy(pop, secs, zone, 2, []float64{60}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if z[0].Total != 10 || z[1].Total != 70 || z[1].Within[0] != 30 {
		t.Errorf("zones: got %+v", z)
	}
	for _, c := range []struct {
		pop, secs []float32
		minutes   []float64
		limit     float64
		want      string
	}{
		{pop, secs[:2], []float64{15}, 0, "same grid"},
		{pop, secs, []float64{30, 15}, 0, "increasing"},
		{pop, secs, []float64{15}, -1, "limit"},
		{pop, secs, []float64{240}, 180, "at most the limit"},
	} {
		if _, err := AccessOf(c.pop, c.secs, c.minutes, c.limit); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v want an error with %q", err, c.want)
		}
	}
}

func TestSavings(t *testing.T) {
	// cell: base, alt minutes, residents
	// 0: 10 -> 5, 10: +50 person-minutes, faster
	// 1: 20 -> 25, 20: -100, slower
	// 2: unreached -> 15, 30: newly reached, not a gain
	// 3: 50 -> unreached, 40: no longer reached, not a loss of minutes
	// 4: 10 -> 10, 50: both, unchanged
	// 5: 61 -> 59.3 with a limit of 60 (the rim case of issue 7): newly
	//    reached, never 1.7 min saved
	pop := []float32{10, 20, 30, 40, 50, 60}
	base := []float32{600, 1200, inf, 3000, 600, 3660}
	alt := []float32{300, 1500, 900, inf, 600, 3558}
	s, err := SavingsOf(pop, base, alt, 60)
	if err != nil {
		t.Fatal(err)
	}
	want := Savings{PersonMinutes: -50, Both: 80, Faster: 10, Slower: 20, NewlyReached: 90, NoLongerReached: 40}
	if s != want {
		t.Errorf("got %+v want %+v", s, want)
	}
	g, err := SavingsBy(pop, base, alt, []uint8{1, 0, 0, 0, 0, 0}, 2, 60)
	if err != nil {
		t.Fatal(err)
	}
	if g[1].PersonMinutes != 50 || g[0].PersonMinutes != -100 {
		t.Errorf("got %v and %v person-minutes want 50 (urban) and -100", g[1].PersonMinutes, g[0].PersonMinutes)
	}
}

func TestClassify(t *testing.T) {
	s, err := NewSurface(-75.70, 38.60, -75.50, 38.75, 250)
	if err != nil {
		t.Fatal(err)
	}
	town := SettlementPlace{Kind: "town", Name: "T", Lon: -75.60, Lat: 38.68}
	near := square(-75.585, 38.675, -75.580, 38.680) // centre ~1.6 km east: within 2 km
	far := square(-75.52, 38.61, -75.515, 38.615)    // ~9 km away
	villageArea := SettlementPlace{Kind: "village", Name: "V", Lon: -75.68, Lat: 38.62, Area: square(-75.685, 38.615, -75.675, 38.625)}
	cityArea := SettlementPlace{Kind: "city", Name: "C", Lon: -75.52, Lat: 38.74, Area: square(-75.53, 38.735, -75.51, 38.745)}
	set := &Settlements{Places: []SettlementPlace{town, villageArea, cityArea}, Residential: []MultiPolygon{near, far}}
	class := Classify(s, set)
	at := func(lon, lat float64) uint8 {
		i, j, _ := s.Cell(lon, lat)
		return class[j*s.W+i]
	}
	for _, c := range []struct {
		name     string
		lon, lat float64
		want     uint8
	}{
		{"town centre", -75.60, 38.68, Urban},
		{"800 m from the town", -75.5908, 38.68, Urban},
		{"residential 1.6 km away", -75.5825, 38.6775, Urban},
		{"residential 9 km away", -75.5175, 38.6125, Rural},
		{"village area", -75.68, 38.62, Rural},
		{"city area edge", -75.512, 38.744, Urban},
		{"fields", -75.65, 38.70, Rural},
	} {
		if got := at(c.lon, c.lat); got != c.want {
			t.Errorf("%s: got %d want %d", c.name, got, c.want)
		}
	}
}

func TestTowns(t *testing.T) {
	s := GridOf(0.5, 0.5, 1, 1, 4, 4)
	s.Pop[0], s.Pop[5] = 100, 50
	s.Estimate[5] = true
	set := &Settlements{Places: []SettlementPlace{
		{Kind: "town", Name: "A", Lon: 0.5, Lat: 0.5},
		{Kind: "village", Name: "B", Lon: 1.4, Lat: 1.6, Area: square(0, 0, 2, 2)},
		{Kind: "hamlet", Name: "C", Lon: 1, Lat: 1},
	}}
	got := Towns(s, set)
	if len(got) != 2 || got[0].Residents != 100 || got[0].Estimate || got[1].Residents != 150 || !got[1].Estimate {
		t.Errorf("got %+v want A 100, B 150 (estimate)", got)
	}
}

// TestResidentsSplitsInOnePass checks that counting every split in one
// pass over the populated cells gives, for each split, what a pass of its
// own gives, to the last bit: groups out of range (county -1, class 7)
// are left out of their split only, and the savings agree too.
func TestResidentsSplitsInOnePass(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	const n = 5000
	pop, base, alt := make([]float32, n), make([]float32, n), make([]float32, n)
	class, county := make([]uint8, n), make([]int16, n)
	for k := range pop {
		if rng.IntN(3) > 0 {
			pop[k] = float32(rng.Float64() * 40)
		}
		base[k], alt[k] = float32(rng.Float64()*200*60), float32(rng.Float64()*200*60)
		if rng.IntN(10) == 0 {
			base[k] = inf
		}
		if rng.IntN(12) == 0 {
			alt[k] = float32(math.NaN())
		}
		class[k] = uint8(rng.IntN(2))
		if rng.IntN(50) == 0 {
			class[k] = 7
		}
		county[k] = int16(rng.IntN(4) - 1)
	}
	minutes := []float64{15, 30, 60, 120}
	r, err := NewResidents(pop, Grouping([]uint8(nil), 1), Grouping(class, 2), Grouping(county, 3))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := r.Access(base, minutes, 180)
	if err != nil {
		t.Fatal(err)
	}
	sav, err := r.Savings(base, alt, 180)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := AccessBy(pop, base, []uint8(nil), 1, minutes, 180)
	byClass, _ := AccessBy(pop, base, class, 2, minutes, 180)
	byCounty, _ := AccessBy(pop, base, county, 3, minutes, 180)
	sAll, _ := SavingsBy(pop, base, alt, []uint8(nil), 1, 180)
	sClass, _ := SavingsBy(pop, base, alt, class, 2, 180)
	sCounty, _ := SavingsBy(pop, base, alt, county, 3, 180)
	for j, want := range [][]Access{all, byClass, byCounty} {
		if !reflect.DeepEqual(acc[j], want) {
			t.Errorf("split %d: one pass %+v, own pass %+v", j, acc[j], want)
		}
	}
	for j, want := range [][]Savings{sAll, sClass, sCounty} {
		if !reflect.DeepEqual(sav[j], want) {
			t.Errorf("split %d savings: one pass %+v, own pass %+v", j, sav[j], want)
		}
	}
	// the groups partition their split's residents, less those left out
	var sumClass float64
	for _, a := range byClass {
		sumClass += a.Total
	}
	if !(sumClass < all[0].Total && sumClass > 0.9*all[0].Total) {
		t.Errorf("classes hold %v of %v residents: want all but class 7's", sumClass, all[0].Total)
	}
	if _, err := NewResidents(pop, Grouping(class[:10], 2)); err == nil {
		t.Error("a group of 10 cells for 5000 residents cells: want an error")
	}
}
