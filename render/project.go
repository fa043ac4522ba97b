package render

import (
	"fmt"
	"image"
	"math"
)

// metresPerDegree is the length of one degree of a great circle on a sphere
// of the mean Earth radius (6 371 008.8 m).
const metresPerDegree = 6371008.8 * math.Pi / 180

// maxSide caps Width and Height so a typo cannot allocate gigabytes.
const maxSide = 16384

// Projection maps WGS84 degrees to image pixels with a local equirectangular
// projection: x grows east, y grows south, and one pixel is the same ground
// distance along both axes at the centre latitude.
type Projection struct {
	Frame image.Rectangle // the map frame in image pixels; content is clipped to it

	lon0, lat0 float64 // centre of the bounds
	cosLat     float64 // cos(lat0)
	k          float64 // pixels per degree of latitude
	cx, cy     float64 // pixel position of (lon0, lat0)
}

// Project returns the pixel position of lon, lat.
func (p Projection) Project(lon, lat float64) (x, y float64) {
	return p.cx + (lon-p.lon0)*p.cosLat*p.k, p.cy - (lat-p.lat0)*p.k
}

// Unproject returns the lon, lat at pixel position x, y.
func (p Projection) Unproject(x, y float64) (lon, lat float64) {
	return p.lon0 + (x-p.cx)/(p.k*p.cosLat), p.lat0 - (y-p.cy)/p.k
}

// MetresPerPixel is the ground distance of one pixel at the centre latitude.
func (p Projection) MetresPerPixel() float64 {
	return metresPerDegree / p.k
}

// scale is the size factor of text, line widths and decorations relative to
// the 1600×1200 reference.
func (m *Map) scale() float64 {
	s := math.Min(float64(m.Width)/1600, float64(m.Height)/1200)
	return math.Max(0.5, math.Min(4, s))
}

// layout returns the title band height and the outer margin in pixels.
func (m *Map) layout() (titleH, margin int) {
	s := m.scale()
	margin = int(math.Round(16 * s))
	if m.Title != "" {
		titleH = int(math.Round(58 * s))
	}
	return titleH, margin
}

func (m *Map) validate() error {
	if m.Width <= 0 || m.Height <= 0 || m.Width > maxSide || m.Height > maxSide {
		return fmt.Errorf("map size %dx%d: width and height must be in 1..%d", m.Width, m.Height, maxSide)
	}
	b := m.Bounds
	for _, v := range b {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("map bounds %v: not finite", b)
		}
	}
	if b[0] >= b[2] || b[1] >= b[3] {
		return fmt.Errorf("map bounds %v: want minLon < maxLon and minLat < maxLat", b)
	}
	if b[0] < -180 || b[2] > 180 || b[1] < -85 || b[3] > 85 {
		return fmt.Errorf("map bounds %v: want longitudes in [-180, 180] and latitudes in [-85, 85]", b)
	}
	return nil
}

// Projection returns the projection Draw uses for m: Bounds fitted, centred,
// into the map frame.
func (m *Map) Projection() (Projection, error) {
	if err := m.validate(); err != nil {
		return Projection{}, err
	}
	titleH, margin := m.layout()
	frame := image.Rect(margin, margin+titleH, m.Width-margin, m.Height-margin)
	if frame.Dx() < 16 || frame.Dy() < 16 {
		return Projection{}, fmt.Errorf("map size %dx%d: too small for a map frame", m.Width, m.Height)
	}
	b := m.Bounds
	p := Projection{
		Frame: frame,
		lon0:  (b[0] + b[2]) / 2,
		lat0:  (b[1] + b[3]) / 2,
	}
	p.cosLat = math.Cos(p.lat0 * math.Pi / 180)
	w := (b[2] - b[0]) * p.cosLat
	h := b[3] - b[1]
	p.k = math.Min(float64(frame.Dx())/w, float64(frame.Dy())/h)
	p.cx = float64(frame.Min.X+frame.Max.X) / 2
	p.cy = float64(frame.Min.Y+frame.Max.Y) / 2
	return p, nil
}

// niceDistance returns the largest 1, 2 or 5 times a power of ten that is at
// most max metres (and at least 1 m).
func niceDistance(max float64) float64 {
	if !(max >= 1) {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(max)))
	best := pow
	for _, f := range []float64{2, 5, 10} {
		if f*pow <= max*(1+1e-9) {
			best = f * pow
		}
	}
	return best
}

// formatDistance writes metres as "500 m" or "10 km".
func formatDistance(metres float64) string {
	if metres >= 1000 {
		return fmt.Sprintf("%g km", metres/1000)
	}
	return fmt.Sprintf("%g m", metres)
}
