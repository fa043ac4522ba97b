package isochrone

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// box is a counter-clockwise lon/lat rectangle.
func box(lon0, lat0, lon1, lat1 float64) [][2]float64 {
	return [][2]float64{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}
}

func reversed(r [][2]float64) [][2]float64 {
	r = slices.Clone(r)
	slices.Reverse(r)
	return r
}

// zoneArea is the exact area in km² of a lon/lat rectangle on the sphere.
func zoneArea(lon0, lat0, lon1, lat1 float64) float64 {
	const rad = math.Pi / 180
	return authalicRadius * authalicRadius * (lon1 - lon0) * rad * (math.Sin(lat1*rad) - math.Sin(lat0*rad))
}

func TestAreaKm2(t *testing.T) {
	tests := []struct {
		name string
		p    Polygon
		want float64
	}{
		{"empty", nil, 0},
		{"one degree at the equator", Polygon{box(0, 0, 1, 1)}, 12363.71},
		{"one degree at 60 north", Polygon{box(10, 60, 11, 61)}, zoneArea(10, 60, 11, 61)},
		{"clockwise outer", Polygon{reversed(box(0, 0, 1, 1))}, 12363.71},
		{"with hole", Polygon{box(116, 39, 117, 40), reversed(box(116.25, 39.25, 116.75, 39.75))},
			zoneArea(116, 39, 117, 40) - zoneArea(116.25, 39.25, 116.75, 39.75)},
		{"hole counter-clockwise too", Polygon{box(116, 39, 117, 40), box(116.25, 39.25, 116.75, 39.75)},
			zoneArea(116, 39, 117, 40) - zoneArea(116.25, 39.25, 116.75, 39.75)},
		{"unclosed ring", Polygon{box(0, 0, 1, 1)[:4]}, 12363.71},
		{"across 180", Polygon{box(179.5, 0, 180.5, 1)}, 12363.71},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AreaKm2(tt.p); math.Abs(got-tt.want) > 0.1 {
				t.Errorf("got %.4f km² want %.4f", got, tt.want)
			}
		})
	}
}

func TestBandContains(t *testing.T) {
	b := Band{Polygons: []Polygon{
		{box(0, 0, 10, 10), reversed(box(2, 2, 8, 8))},
		{box(4, 4, 6, 6)}, // island in the hole
		{box(20, 0, 21, 1)},
	}}
	tests := []struct {
		lon, lat float64
		want     bool
	}{
		{1, 1, true},
		{3, 3, false},
		{5, 5, true},
		{20.5, 0.5, true},
		{15, 5, false},
		{-1, 5, false},
		{5, 11, false},
	}
	loc := NewLocator(b)
	for _, tt := range tests {
		if got := b.Contains(tt.lon, tt.lat); got != tt.want {
			t.Errorf("Contains(%v, %v) = %v want %v", tt.lon, tt.lat, got, tt.want)
		}
		if got := loc.Contains(tt.lon, tt.lat); got != tt.want {
			t.Errorf("Locator.Contains(%v, %v) = %v want %v", tt.lon, tt.lat, got, tt.want)
		}
	}
	if (Band{}).Contains(0, 0) || NewLocator(Band{}).Contains(0, 0) {
		t.Error("empty band contains (0, 0)")
	}
}

// TestLocatorMatchesContains checks the fast path against the plain one.
func TestLocatorMatchesContains(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	g := radialGrid(150, 120, 3)
	for _, b := range Bands(g, []float64{5, 20, 40}) {
		loc := NewLocator(b)
		for range 5000 {
			lon := g.MinLon + (rng.Float64()*1.2-0.1)*float64(g.W)*g.DLon
			lat := g.MinLat + (rng.Float64()*1.2-0.1)*float64(g.H)*g.DLat
			if rng.IntN(4) == 0 { // on a vertex's parallel, the hard case
				p := b.Polygons[rng.IntN(len(b.Polygons))][0]
				lat = p[rng.IntN(len(p))][1]
			}
			if got, want := loc.Contains(lon, lat), b.Contains(lon, lat); got != want {
				t.Fatalf("%v min: Locator.Contains(%v, %v) = %v want %v", b.Minutes, lon, lat, got, want)
			}
		}
	}
}
