package appraisal

import (
	"math"
	"testing"
)

// Three zones with productions P = 100, 200, 300 trips a day and
// attractions A = 1, 2, 3 (residents), times t12 = 10, t13 = 20, t23 = 10
// minutes, symmetric. Exponential deterrence, beta = 0.1 per minute:
//
//	row 1: A2 e^-1 = 0.735759, A3 e^-2 = 0.406006, sum 1.141765
//	       T12 = 100 x 0.735759/1.141765 = 64.4405, T13 = 35.5595
//	row 2: A1 e^-1 = 0.367879, A3 e^-1 = 1.103638, sum 1.471518
//	       T21 = 200 x 0.25 = 50, T23 = 150
//	row 3: A1 e^-2 = 0.135335, A2 e^-1 = 0.735759, sum 0.871094
//	       T31 = 300 x 0.155362 = 46.6087, T32 = 253.3913
//
// Row sums equal the productions. Mean time = (644.405 + 711.190 + 500 +
// 1500 + 932.174 + 2533.913) / 600 = 6821.682 / 600 = 11.3695 minutes.
func TestGravityThreeZones(t *testing.T) {
	P := []float64{100, 200, 300}
	A := []float64{1, 2, 3}
	tm := []float64{0, 10, 20, 10, 0, 10, 20, 10, 0}
	T := Gravity(P, A, tm, "exp", 0.1)
	want := []float64{0, 64.4405, 35.5595, 50, 0, 150, 46.6087, 253.3913, 0}
	for k := range T {
		if math.Abs(T[k]-want[k]) > 1e-4 {
			t.Errorf("T[%d][%d]: got %.4f want %.4f", k/3, k%3, T[k], want[k])
		}
	}
	for i := 0; i < 3; i++ {
		if s := T[3*i] + T[3*i+1] + T[3*i+2]; math.Abs(s-P[i]) > 1e-9 {
			t.Errorf("row %d: got sum %g want production %g", i, s, P[i])
		}
	}
	if m := MeanMinutes(T, tm); math.Abs(m-11.3695) > 1e-4 {
		t.Errorf("got mean %.4f minutes want 11.3695", m)
	}
	// Calibrating to 12 minutes: beta must fall below 0.1 (longer trips).
	beta, mean, err := CalibrateGravity(P, A, tm, "exp", 12)
	if err != nil || math.Abs(mean-12) > 1e-6 || !(beta < 0.1 && beta > 0) {
		t.Errorf("got beta %g mean %g err %v, want 0 < beta < 0.1, mean 12", beta, mean, err)
	}
	// Power form: calibration works the same way.
	alpha, mean, err := CalibrateGravity(P, A, tm, "power", 11)
	if err != nil || math.Abs(mean-11) > 1e-6 || !(alpha > 0) {
		t.Errorf("got alpha %g mean %g err %v, want mean 11", alpha, mean, err)
	}
	// At beta = 0 the mean is the attraction-weighted mean
	// (row 1: (2x10+3x20)/5 = 16; row 2: 10; row 3: (1x20+2x10)/3 = 13.33;
	// weighted by P: (1600 + 2000 + 4000)/600 = 12.6667), the longest the model can give: 13 is out of reach.
	if _, _, err := CalibrateGravity(P, A, tm, "exp", 13); err == nil {
		t.Error("got no error for an unreachable target mean, want one naming the key")
	}
}

// Gravity on the hand network: two zones, so each zone's productions all go
// to the other: A 100 -> D, D 50 -> A.
func TestGravityHandNetwork(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Purposes = map[string]Purpose{PurposeGravity: {Rate: 365, CarShare: 1, Occupancy: 1, Deterrence: "exp", Beta: 0.1}}
	n := &Network{Name: "base", Graph: handGraph(t, false), Places: handPlaces()}
	d, err := BuildDemand(n, handZones(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.ODs) != 2 || d.Purposes[0].PersonTrips != 150 {
		t.Fatalf("got %+v, want two ODs of 150 trips in all", d.ODs)
	}
	f, _ := Assign(n, d, AssignOptions{})
	g := n.Graph
	ab, db := segByName(t, g, "A-B"), segByName(t, g, "D-B")
	// A -> D drives A-B forward and D-B backward (100); D -> A the reverse (50).
	if f.Fwd[ab] != 100 || f.Bwd[ab] != 50 || f.Fwd[db] != 50 || f.Bwd[db] != 100 {
		t.Errorf("got A-B %g/%g D-B %g/%g, want 100/50 and 50/100", f.Fwd[ab], f.Bwd[ab], f.Fwd[db], f.Bwd[db])
	}
}
