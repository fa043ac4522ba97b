package crs

// Algorithm. FromWGS84 adds the GCJ-02 offset, a smooth function of position
// of at most about 0.01 degrees, and for BD-09 then applies Baidu's rotation
// and shift. ToWGS84 solves FromWGS84(w) = p for w by the fixed-point
// iteration w <- w - (FromWGS84(w) - p), started from the one-step
// approximation that other converters return as their answer. Over China
// the GCJ-02 offset changes by under 1% of a displacement (under 3% with the
// BD-09 rotation), so each step shrinks the error at least thirty-fold and
// 3-5 steps reach the 1e-10 degree tolerance; the cap of 50 steps is a
// safety net. The sqrt(|lon-105|) term of the offset has an unbounded
// derivative at 105°E, but its size (under 1e-6 degrees times the square
// root of the error) keeps the iteration converging there as well.
// Each conversion costs a few dozen sines: O(1), no allocation.

import (
	"fmt"
	"math"
	"strings"
)

// System is a geographic coordinate system used by web maps in China. The
// zero value is WGS84.
type System int

const (
	// WGS84 is the World Geodetic System 1984 (EPSG:4326), used by GPS and
	// OpenStreetMap.
	WGS84 System = iota
	// GCJ02 is the datum of the Chinese State Bureau of Surveying and Mapping
	// (国测局, "Mars coordinates"), used by Amap/Gaode and Tencent.
	GCJ02
	// BD09 is Baidu's datum (bd09ll), a further offset of GCJ-02.
	BD09
)

// String returns "WGS-84", "GCJ-02" or "BD-09".
func (s System) String() string {
	switch s {
	case WGS84:
		return "WGS-84"
	case GCJ02:
		return "GCJ-02"
	case BD09:
		return "BD-09"
	}
	return fmt.Sprintf("System(%d)", int(s))
}

// ParseSystem parses a coordinate system name: "wgs84", "wgs-84", "gcj02",
// "gcj-02", "bd09" or "bd-09", in any letter case and with surrounding white
// space ignored.
func ParseSystem(s string) (System, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "wgs84", "wgs-84":
		return WGS84, nil
	case "gcj02", "gcj-02":
		return GCJ02, nil
	case "bd09", "bd-09":
		return BD09, nil
	}
	return 0, fmt.Errorf("unknown coordinate system %q: valid values are wgs84, gcj02 and bd09 (also written WGS-84, GCJ-02, BD-09)", s)
}

// OutOfChina reports whether the point lies outside the rough bounding box
// of China (72.004-137.8347°E, 0.8293-55.8271°N) used by the common
// converters. Points outside it, and NaN or infinite coordinates, are never
// offset. The box is generous: see the package documentation.
func OutOfChina(lon, lat float64) bool {
	return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271)
}

// FromWGS84 converts a WGS-84 point to sys. Points outside China are
// returned unchanged. It panics if sys is not WGS84, GCJ02 or BD09.
func FromWGS84(sys System, lon, lat float64) (float64, float64) {
	checkSystem(sys)
	if sys == WGS84 || OutOfChina(lon, lat) {
		return lon, lat
	}
	return forward(sys, lon, lat)
}

// ToWGS84 converts a point in sys to WGS-84, inverting FromWGS84 by
// iteration to within 1e-10 degrees. Points outside China are returned
// unchanged. It panics if sys is not WGS84, GCJ02 or BD09.
func ToWGS84(sys System, lon, lat float64) (float64, float64) {
	checkSystem(sys)
	if sys == WGS84 || OutOfChina(lon, lat) {
		return lon, lat
	}
	const (
		tol      = 1e-10 // degrees, about 0.01 mm
		maxSteps = 50
	)
	// One-step approximation as the starting point.
	x, y := lon, lat
	if sys == BD09 {
		x, y = bdToGCJApprox(x, y)
	}
	dx, dy := gcjOffset(x, y)
	x, y = x-dx, y-dy
	for range maxSteps {
		fx, fy := forward(sys, x, y)
		ex, ey := fx-lon, fy-lat
		x, y = x-ex, y-ey
		if math.Abs(ex) < tol && math.Abs(ey) < tol {
			break
		}
	}
	return x, y
}

func checkSystem(sys System) {
	if sys != WGS84 && sys != GCJ02 && sys != BD09 {
		panic(fmt.Sprintf("crs: unknown %v", sys))
	}
}

// forward applies the offsets of sys to a WGS-84 point, ignoring OutOfChina.
func forward(sys System, lon, lat float64) (float64, float64) {
	dx, dy := gcjOffset(lon, lat)
	lon, lat = lon+dx, lat+dy
	if sys == BD09 {
		lon, lat = gcjToBD(lon, lat)
	}
	return lon, lat
}

// GCJ-02 uses the Krasovsky 1940 ellipsoid.
const (
	krasovskyA  = 6378245.0              // semi-major axis, metres
	krasovskyE2 = 0.00669342162296594323 // first eccentricity squared
)

// gcjOffset returns the GCJ-02 offset in degrees at a WGS-84 point.
func gcjOffset(lon, lat float64) (dlon, dlat float64) {
	x, y := lon-105, lat-35
	// Polynomial and sine terms, in metre-like units.
	common := (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	sqrtAbsX := math.Sqrt(math.Abs(x))
	tLat := -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*sqrtAbsX + common +
		(20*math.Sin(y*math.Pi)+40*math.Sin(y/3*math.Pi))*2/3 +
		(160*math.Sin(y/12*math.Pi)+320*math.Sin(y*math.Pi/30))*2/3
	tLon := 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*sqrtAbsX + common +
		(20*math.Sin(x*math.Pi)+40*math.Sin(x/3*math.Pi))*2/3 +
		(150*math.Sin(x/12*math.Pi)+300*math.Sin(x/30*math.Pi))*2/3
	// Metres to degrees on the ellipsoid: meridian and parallel radii.
	phi := lat * math.Pi / 180
	sinPhi := math.Sin(phi)
	w2 := 1 - krasovskyE2*sinPhi*sinPhi
	w := math.Sqrt(w2)
	meridian := krasovskyA * (1 - krasovskyE2) / (w2 * w)
	parallel := krasovskyA / w * math.Cos(phi)
	dlat = tLat * 180 / (meridian * math.Pi)
	dlon = tLon * 180 / (parallel * math.Pi)
	return dlon, dlat
}

// xPi is Baidu's angular scale for its BD-09 perturbations.
const xPi = math.Pi * 3000 / 180

// gcjToBD converts GCJ-02 to BD-09 (exact by definition).
func gcjToBD(lon, lat float64) (float64, float64) {
	z := math.Hypot(lon, lat) + 0.00002*math.Sin(lat*xPi)
	theta := math.Atan2(lat, lon) + 0.000003*math.Cos(lon*xPi)
	return z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006
}

// bdToGCJApprox is the usual closed-form approximate inverse of gcjToBD,
// good to about 1e-5 degrees; ToWGS84 uses it only as a starting point.
func bdToGCJApprox(lon, lat float64) (float64, float64) {
	x, y := lon-0.0065, lat-0.006
	z := math.Hypot(x, y) - 0.00002*math.Sin(y*xPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*xPi)
	return z * math.Cos(theta), z * math.Sin(theta)
}
