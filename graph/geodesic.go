package graph

import "math"

// WGS-84 ellipsoid.
const (
	wgsA = 6378137.0
	wgsF = 1 / 298.257223563
	wgsB = wgsA * (1 - wgsF)
)

// Distance returns the geodesic distance in metres between a and b on the
// WGS-84 ellipsoid (Vincenty's inverse formula, iterated to 1e-12 rad; for
// the nearly antipodal points where it does not converge it falls back to a
// spherical distance, which never happens for road segments).
//
// osm2pgrouting and PostGIS geography measure on the same ellipsoid; a
// spherical (haversine) length differs by 0.05-0.3% at mid latitudes.
func Distance(a, b Point) float64 {
	if a == b {
		return 0
	}
	// Short pieces (nearly all of a road network): the ellipsoid is flat
	// enough that the metric at the mid latitude (meridional and prime
	// vertical radii) gives the geodesic to about (d/R)^2, 1e-8 relative at
	// 1 km; Vincenty below is ten times slower.
	if dLat, dLon := math.Abs(b.Lat-a.Lat), math.Abs(b.Lon-a.Lon); dLat < 0.01 && dLon < 0.01 {
		pr := newLocalProj((a.Lat + b.Lat) / 2)
		return math.Hypot((b.Lon-a.Lon)*pr.kx, (b.Lat-a.Lat)*pr.ky)
	}
	return vincenty(a, b)
}

// vincenty is Vincenty's inverse formula on the WGS-84 ellipsoid.
func vincenty(a, b Point) float64 {
	if a == b {
		return 0
	}
	const rad = math.Pi / 180
	L := (b.Lon - a.Lon) * rad
	U1 := math.Atan((1 - wgsF) * math.Tan(a.Lat*rad))
	U2 := math.Atan((1 - wgsF) * math.Tan(b.Lat*rad))
	sinU1, cosU1 := math.Sincos(U1)
	sinU2, cosU2 := math.Sincos(U2)
	lambda := L
	var sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM float64
	for iter := 0; iter < 200; iter++ {
		sinLambda, cosLambda := math.Sincos(lambda)
		t1 := cosU2 * sinLambda
		t2 := cosU1*sinU2 - sinU1*cosU2*cosLambda
		sinSigma = math.Sqrt(t1*t1 + t2*t2)
		if sinSigma == 0 {
			return 0
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosLambda
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinLambda / sinSigma
		cos2Alpha = 1 - sinAlpha*sinAlpha
		if cos2Alpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		} else {
			cos2SigmaM = 0 // equatorial line
		}
		C := wgsF / 16 * cos2Alpha * (4 + wgsF*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*wgsF*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-12 {
			u2 := cos2Alpha * (wgsA*wgsA - wgsB*wgsB) / (wgsB * wgsB)
			A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
			B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
			dSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
				B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
			return wgsB * A * (sigma - dSigma)
		}
	}
	return Haversine(a, b)
}

// Haversine returns the great-circle distance in metres on a sphere of the
// WGS-84 mean radius. Used where speed matters more than 0.3%.
func Haversine(a, b Point) float64 {
	const rad = math.Pi / 180
	const r = 6371008.8
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	s1 := math.Sin(dLat / 2)
	s2 := math.Sin(dLon / 2)
	h := s1*s1 + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*s2*s2
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// localProj is an equirectangular projection around a reference latitude,
// in metres; good to about 0.1% within a few kilometres, used for snapping.
type localProj struct{ kx, ky float64 }

func newLocalProj(lat float64) localProj {
	const rad = math.Pi / 180
	phi := lat * rad
	s := math.Sin(phi)
	w := math.Sqrt(1 - wgsE2*s*s)
	m := wgsA * (1 - wgsE2) / (w * w * w) // meridional radius
	n := wgsA / w                         // prime vertical radius
	return localProj{kx: n * math.Cos(phi) * rad, ky: m * rad}
}

const wgsE2 = wgsF * (2 - wgsF)

// Projector measures distances in metres near one point (the origin) in a
// local equirectangular projection on the WGS-84 ellipsoid: good to about
// 0.1% within a few kilometres, used to snap points to roads.
type Projector struct {
	origin Point
	pr     localProj
}

// NewProjector returns a projector around origin.
func NewProjector(origin Point) Projector {
	return Projector{origin: origin, pr: newLocalProj(origin.Lat)}
}

// Piece returns where the origin projects onto the segment a-b, as a
// fraction t of the way from a to b, and its distance to that point in metres.
func (p Projector) Piece(a, b Point) (t, dist float64) {
	ax, ay := (a.Lon-p.origin.Lon)*p.pr.kx, (a.Lat-p.origin.Lat)*p.pr.ky
	bx, by := (b.Lon-p.origin.Lon)*p.pr.kx, (b.Lat-p.origin.Lat)*p.pr.ky
	dx, dy := bx-ax, by-ay
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return t, math.Hypot(ax+t*dx, ay+t*dy)
}
