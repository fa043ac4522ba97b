package population

import (
	"bytes"
	"math"
	"testing"
)

// square is the polygon [x0, x1] × [y0, y1].
func square(x0, y0, x1, y1 float64) MultiPolygon {
	return MultiPolygon{{Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestResample(t *testing.T) {
	// 2x2 cells of 1 degree, corners 0..2, residents 1 2 / 3 4 (south row first).
	s := GridOf(0.5, 0.5, 1, 1, 2, 2)
	copy(s.Pop, []float32{1, 2, 3, 4})
	for _, c := range []struct {
		name                       string
		minLon, minLat, dLon, dLat float64
		w, h                       int
		want                       []float32
		outside                    float64
	}{
		// one 2-degree cell holds everything
		{"coarser", 1, 1, 2, 2, 1, 1, []float32{10}, 0},
		// shifted by half a cell: each target cell takes a quarter of each
		// source cell it overlaps. (0,0): (1+2+3+4)/4 = 2.5; (1,0): (2+4)/4
		// = 1.5; (0,1): (3+4)/4 = 1.75; (1,1): 4/4 = 1; outside 10-6.75.
		{"shifted", 1, 1, 1, 1, 2, 2, []float32{2.5, 1.5, 1.75, 1}, 3.25},
		// finer: each source cell split in 4
		{"finer", 0.25, 0.25, 0.5, 0.5, 4, 4, []float32{
			0.25, 0.25, 0.5, 0.5,
			0.25, 0.25, 0.5, 0.5,
			0.75, 0.75, 1, 1,
			0.75, 0.75, 1, 1}, 0},
	} {
		got, out := s.ResampleOutside(c.minLon, c.minLat, c.dLon, c.dLat, c.w, c.h)
		for k := range c.want {
			if !near(float64(got[k]), float64(c.want[k]), 1e-6) {
				t.Errorf("%s: cell %d got %v want %v", c.name, k, got[k], c.want[k])
			}
		}
		if !near(out, c.outside, 1e-9) {
			t.Errorf("%s: got outside %v want %v", c.name, out, c.outside)
		}
	}
}

// TestResampleConserves moves a random-ish surface onto a grid of another
// size and origin that holds it all: totals agree within 1e-6.
func TestResampleConserves(t *testing.T) {
	s, err := NewSurface(-75.8, 38.4, -75.0, 39.9, 250)
	if err != nil {
		t.Fatal(err)
	}
	for k := range s.Pop {
		s.Pop[k] = float32((k * 37) % 101)
	}
	b := s.Bounds()
	d := 0.0013 // about 110 m
	w := int((b[2]-b[0])/d) + 3
	h := int((b[3]-b[1])/d) + 3
	got, out := s.ResampleOutside(b[0]-d, b[1]-d, d, d*0.8, w, int(float64(h)/0.8)+2)
	sum := 0.0
	for _, v := range got {
		sum += float64(v)
	}
	if !near(sum, s.Total(), 1e-6) || out > 1e-6*s.Total() {
		t.Errorf("got %v (+%v outside) want %v", sum, out, s.Total())
	}
}

func TestNewSurface(t *testing.T) {
	s, err := NewSurface(-75.79, 38.45, -75.05, 39.84, 250)
	if err != nil {
		t.Fatal(err)
	}
	// 250 m is 0.0022483 degrees of latitude; at 39.145 N a degree of
	// longitude is cos(39.145°) times shorter: 0.0029006 degrees.
	if !near(s.DLat, 0.00224830, 1e-5) || !near(s.DLon, 0.0029006, 1e-4) {
		t.Errorf("got cells %v x %v degrees want 0.0029006 x 0.0022483", s.DLon, s.DLat)
	}
	if !near(s.CellKm2(s.H/2), 0.0625, 1e-3) {
		t.Errorf("got %v km2 per cell want 0.0625", s.CellKm2(s.H/2))
	}
	for _, bad := range [][5]float64{{0, 0, 1, 1, 0}, {0, 0, 1, 1, math.NaN()}, {0, 1, 1, 0, 250}, {-200, 0, 1, 1, 250}, {0, 0, 180, 80, 10}} {
		if _, err := NewSurface(bad[0], bad[1], bad[2], bad[3], bad[4]); err == nil {
			t.Errorf("NewSurface%v: got no error", bad)
		}
	}
}

func TestZones(t *testing.T) {
	s := GridOf(0.5, 0.5, 1, 1, 4, 2)
	bs := []Boundary{
		{Name: "West", AdminLevel: 6, Area: square(0, 0, 2, 2)},
		{Name: "State", AdminLevel: 4, Area: square(0, 0, 4, 2)},
		{Name: "East", AdminLevel: 6, Area: square(1, 0, 4, 2)}, // overlaps West in column 1: West wins
	}
	zone, names, err := Zones(s.MinLon, s.MinLat, s.DLon, s.DLat, s.W, s.H, bs, 6)
	if err != nil {
		t.Fatal(err)
	}
	want := []int16{0, 0, 1, 1, 0, 0, 1, 1}
	for k := range want {
		if zone[k] != want[k] {
			t.Errorf("cell %d got zone %d want %d", k, zone[k], want[k])
		}
	}
	if len(names) != 2 || names[0] != "West" || names[1] != "East" {
		t.Errorf("got names %v want [West East]", names)
	}
	// a hole: a donut leaves its middle cell out
	donut := MultiPolygon{{square(0, 0, 3, 3)[0][0], square(1, 1, 2, 2)[0][0]}}
	s3 := GridOf(0.5, 0.5, 1, 1, 3, 3)
	n := 0
	s3.fill(donut, func(k int) {
		n++
		if k == 4 {
			t.Errorf("the hole's cell was filled")
		}
	})
	if n != 8 {
		t.Errorf("got %d cells in the donut want 8", n)
	}
}

func TestWriteGeoTIFFRoundTrip(t *testing.T) {
	s := GridOf(-75.5, 39.0, 0.003, 0.002, 37, 21)
	for k := range s.Pop {
		s.Pop[k] = float32(k%13) * 1.25
	}
	var buf bytes.Buffer
	if err := WriteGeoTIFF(&buf, s); err != nil {
		t.Fatal(err)
	}
	r, err := ReadGeoTIFF(buf.Bytes(), Box{})
	if err != nil {
		t.Fatal(err)
	}
	if r.W != s.W || r.H != s.H || math.Abs(r.MinLon-s.MinLon) > 1e-12 || math.Abs(r.MinLat-s.MinLat) > 1e-12 {
		t.Fatalf("got %dx%d at %v,%v want %dx%d at %v,%v", r.W, r.H, r.MinLon, r.MinLat, s.W, s.H, s.MinLon, s.MinLat)
	}
	for k := range s.Pop {
		if r.Val[k] != s.Pop[k] || !r.Valid[k] {
			t.Fatalf("cell %d got %v want %v", k, r.Val[k], s.Pop[k])
		}
	}
}
