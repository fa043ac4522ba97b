package appraisal

import (
	"fmt"
	"math"

	"github.com/fastroad/fastroad/graph"
)

// The gravity model, singly constrained at the origins:
//
//	T_ij = P_i A_j f(t_ij) / sum_k A_k f(t_ik)   (j, k != i, t finite)
//
// with f(t) = exp(-beta t) or t^-alpha (t in minutes, floored at 1 minute
// for the power form). Row sums equal the productions P_i for every origin
// that reaches some other zone. The exponential form is evaluated as
// exp(-beta (t - t_min,i)), which cancels in the ratio and cannot underflow.
// Intrazonal trips are left out (a zone's centroid has no trip to itself).

// Gravity returns T (n x n, row-major) for productions P, attractions A and
// times t (minutes, row-major, NaN or +Inf when unreachable).
func Gravity(P, A, t []float64, deterrence string, param float64) []float64 {
	n := len(P)
	T := make([]float64, n*n)
	for i := 0; i < n; i++ {
		if P[i] == 0 {
			continue
		}
		row := t[i*n : (i+1)*n]
		tmin := math.Inf(1)
		for j, x := range row {
			if j != i && x < tmin {
				tmin = x
			}
		}
		if math.IsInf(tmin, 1) || math.IsNaN(tmin) {
			continue
		}
		out := T[i*n : (i+1)*n]
		sum := 0.0
		for j, x := range row {
			if j == i || !(x < math.Inf(1)) || A[j] == 0 {
				continue
			}
			var f float64
			if deterrence == "power" {
				f = math.Pow(math.Max(x, 1), -param)
			} else {
				f = math.Exp(-param * (x - tmin))
			}
			out[j] = A[j] * f
			sum += out[j]
		}
		if sum == 0 {
			clear(out)
			continue
		}
		for j := range out {
			out[j] *= P[i] / sum
		}
	}
	return T
}

// MeanMinutes is the trip-weighted mean time of T.
func MeanMinutes(T, t []float64) float64 {
	num, den := 0.0, 0.0
	for k, x := range T {
		if x > 0 {
			num += x * t[k]
			den += x
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// CalibrateGravity finds the deterrence parameter (beta per minute for exp,
// alpha for power) whose mean trip time equals target minutes, by
// bisection: the mean falls as the parameter grows. It returns an error
// naming the key when the target lies outside what the network allows.
func CalibrateGravity(P, A, t []float64, deterrence string, target float64) (param, mean float64, err error) {
	lo, hi := 0.0, 5.0
	if deterrence == "power" {
		hi = 10
	}
	mlo := MeanMinutes(Gravity(P, A, t, deterrence, lo), t)
	mhi := MeanMinutes(Gravity(P, A, t, deterrence, hi), t)
	if math.IsNaN(mlo) {
		return 0, 0, fmt.Errorf("appraisal.purposes.gravity.target_mean_minutes: %g: no zone reaches another zone", target)
	}
	if target > mlo+1e-9 || target < mhi-1e-9 {
		return 0, 0, fmt.Errorf("appraisal.purposes.gravity.target_mean_minutes: %g: want %.2f..%.2f minutes on this network", target, mhi, mlo)
	}
	for it := 0; it < 100 && hi-lo > 1e-12; it++ {
		mid := (lo + hi) / 2
		if MeanMinutes(Gravity(P, A, t, deterrence, mid), t) > target {
			lo = mid
		} else {
			hi = mid
		}
	}
	param = (lo + hi) / 2
	return param, MeanMinutes(Gravity(P, A, t, deterrence, param), t), nil
}

// zoneTimes measures the n x n zone-to-zone times in minutes on l's graph
// (NaN when unreachable or not placed) with graph.Matrix: a contraction
// hierarchy when the graph carries one, else one search per zone.
func zoneTimes(l *located, workers int) []float64 {
	n := len(l.zone)
	t := make([]float64, n*n)
	for i := range t {
		t[i] = math.NaN()
	}
	var idx []int
	var snaps []graph.Snap
	for i := range l.zone {
		if l.zoneOK[i] {
			idx = append(idx, i)
			snaps = append(snaps, l.zone[i])
		}
	}
	m := graph.Matrix(l.g, snaps, snaps, workers)
	for a, i := range idx {
		for b, j := range idx {
			if ms := m[a][b]; ms != graph.Inf {
				t[i*n+j] = float64(ms) / 60000
			}
		}
	}
	return t
}

func (d *Demand) addGravity(pi int, l *located, p Purpose, veh, daily float64) error {
	n := len(d.Zones)
	P := make([]float64, n)
	A := make([]float64, n)
	for i, z := range d.Zones {
		if l.zoneOK[i] {
			P[i] = z.Residents * daily
			A[i] = z.Residents
		}
	}
	t := zoneTimes(l, 0)
	if p.MaxMinutes > 0 {
		for k, x := range t {
			if x > p.MaxMinutes {
				t[k] = math.NaN()
			}
		}
	}
	det := p.Deterrence
	if det == "" {
		det = "exp"
	}
	param := p.Beta
	if det == "power" {
		param = p.Alpha
	}
	if p.TargetMeanMinutes > 0 {
		var err error
		if param, _, err = CalibrateGravity(P, A, t, det, p.TargetMeanMinutes); err != nil {
			return err
		}
	}
	T := Gravity(P, A, t, det, param)
	pd := &d.Purposes[pi]
	pd.Model, pd.Param, pd.MeanMinutes = "gravity "+det, param, MeanMinutes(T, t)
	for j := 0; j < n; j++ {
		d.addGroup(pi, Endpoint{Kind: EndZone, Index: int32(j)}, "", func() {
			for i := 0; i < n; i++ {
				if x := T[i*n+j]; x > 0 {
					d.ODs = append(d.ODs, OD{Origin: Endpoint{Kind: EndZone, Index: int32(i)}, PersonTrips: x, Vehicles: x * veh})
				}
			}
		})
	}
	return nil
}
