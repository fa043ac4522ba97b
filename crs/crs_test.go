package crs

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestSystemString(t *testing.T) {
	tests := []struct {
		sys  System
		want string
	}{
		{WGS84, "WGS-84"},
		{GCJ02, "GCJ-02"},
		{BD09, "BD-09"},
		{System(7), "System(7)"},
	}
	for _, tt := range tests {
		if got := tt.sys.String(); got != tt.want {
			t.Errorf("System(%d).String(): got %q want %q", int(tt.sys), got, tt.want)
		}
	}
}

func TestParseSystem(t *testing.T) {
	tests := []struct {
		in   string
		want System
	}{
		{"wgs84", WGS84},
		{"WGS-84", WGS84},
		{"Wgs84", WGS84},
		{" wgs-84 ", WGS84},
		{"gcj02", GCJ02},
		{"GCJ-02", GCJ02},
		{"gcj-02", GCJ02},
		{"bd09", BD09},
		{"BD-09", BD09},
		{"Bd09", BD09},
	}
	for _, tt := range tests {
		got, err := ParseSystem(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseSystem(%q): got %v, %v want %v, nil", tt.in, got, err, tt.want)
		}
		// String() output parses back.
		if back, err := ParseSystem(got.String()); err != nil || back != got {
			t.Errorf("ParseSystem(%q): got %v, %v want %v, nil", got.String(), back, err, got)
		}
	}
	for _, in := range []string{"", "wgs", "wgs 84", "gcj", "bd", "bd09mc", "epsg:4326", "w-gs84"} {
		got, err := ParseSystem(in)
		if err == nil {
			t.Errorf("ParseSystem(%q): got %v, nil want an error", in, got)
			continue
		}
		msg := err.Error()
		for _, valid := range []string{"wgs84", "gcj02", "bd09"} {
			if !strings.Contains(msg, valid) {
				t.Errorf("ParseSystem(%q) error %q: got no mention of %q want the valid values listed", in, msg, valid)
			}
		}
		if msg != strings.ToLower(msg[:1])+msg[1:] {
			t.Errorf("ParseSystem(%q) error %q: want a lower-case message", in, msg)
		}
	}
}

// TestPublishedPairs checks conversions against coordinate pairs published by
// other converters. Each source is named; tol is in degrees and reflects the
// precision of the source (see the comment on each case).
func TestPublishedPairs(t *testing.T) {
	// via converts from one system to another through WGS-84.
	via := func(from, to System) func(lon, lat float64) (float64, float64) {
		return func(lon, lat float64) (float64, float64) {
			x, y := ToWGS84(from, lon, lat)
			return FromWGS84(to, x, y)
		}
	}
	tests := []struct {
		source           string
		from, to         System
		lon, lat         float64
		wantLon, wantLat float64
		tol              float64
	}{
		// googollee/eviltransform, go/transform_test.go (also in its C, JS,
		// PHP and Python tests): WGS-84 -> GCJ-02 given to full float64
		// precision. The same formula reproduces them to the last bit; the
		// inverse is checked to the same tolerance, much tighter than the
		// 0.5 m that eviltransform's own iterative inverse promises.
		{"eviltransform Shanghai", WGS84, GCJ02, 121.5272106, 31.1774276, 121.531541859215, 31.17530398364597, 1e-9},
		{"eviltransform Shenzhen", WGS84, GCJ02, 113.912316, 22.543847, 113.9171764808363, 22.540796131694766, 1e-9},
		{"eviltransform Beijing", WGS84, GCJ02, 116.377817, 39.911954, 116.38404722455657, 39.91334545536069, 1e-9},
		{"eviltransform Shanghai inverse", GCJ02, WGS84, 121.531541859215, 31.17530398364597, 121.5272106, 31.1774276, 1e-9},
		{"eviltransform Shenzhen inverse", GCJ02, WGS84, 113.9171764808363, 22.540796131694766, 113.912316, 22.543847, 1e-9},
		{"eviltransform Beijing inverse", GCJ02, WGS84, 116.38404722455657, 39.91334545536069, 116.377817, 39.911954, 1e-9},

		// wandergis/coordtransform, README.md "result" block for the input
		// (116.404, 39.915). wgs84togcj02 and gcj02tobd09 are the forward
		// formulas, exact to float64. gcj02towgs84 is the one-step
		// approximation (up to ~5 m off elsewhere, 6 cm here) and bd09togcj02
		// the closed-form approximate inverse (up to ~0.2 m off, 5 cm here);
		// our exact inverses must agree with them to 1e-6 degrees.
		{"coordtransform wgs84togcj02", WGS84, GCJ02, 116.404, 39.915, 116.41024449916938, 39.91640428150164, 1e-9},
		{"coordtransform gcj02tobd09", GCJ02, BD09, 116.404, 39.915, 116.41036949371029, 39.92133699351021, 1e-9},
		{"coordtransform gcj02towgs84 (approximate)", GCJ02, WGS84, 116.404, 39.915, 116.39775550083061, 39.91359571849836, 1e-6},
		{"coordtransform bd09togcj02 (approximate)", BD09, GCJ02, 116.404, 39.915, 116.39762729119315, 39.90865673957631, 1e-6},

		// caijun/geoChina (R package, documentation of conv(), version 1.3.0):
		// Beijing railway station, WGS-84 (39.90105, 116.42079), GCJ-02
		// (39.90245, 116.42703), BD-09 (39.90851, 116.43351), which the
		// authors say agree with Baidu's own conversion API. Given to 5
		// decimals with the input itself rounded; the formula reproduces
		// them to 1.1e-5 degrees (about 1 m), so the tolerance is 2e-5.
		{"geoChina station WGS->GCJ", WGS84, GCJ02, 116.42079, 39.90105, 116.42703, 39.90245, 2e-5},
		{"geoChina station WGS->BD", WGS84, BD09, 116.42079, 39.90105, 116.43351, 39.90851, 2e-5},
		{"geoChina station GCJ->BD", GCJ02, BD09, 116.42703, 39.90245, 116.43351, 39.90851, 2e-5},
		{"geoChina station GCJ->WGS", GCJ02, WGS84, 116.42703, 39.90245, 116.42079, 39.90105, 2e-5},
		{"geoChina station BD->WGS", BD09, WGS84, 116.43351, 39.90851, 116.42079, 39.90105, 2e-5},
	}
	for _, tt := range tests {
		gotLon, gotLat := via(tt.from, tt.to)(tt.lon, tt.lat)
		if math.Abs(gotLon-tt.wantLon) > tt.tol || math.Abs(gotLat-tt.wantLat) > tt.tol {
			t.Errorf("%s: %v (%.9f, %.9f) -> %v: got (%.12f, %.12f) want (%.12f, %.12f) within %g",
				tt.source, tt.from, tt.lon, tt.lat, tt.to, gotLon, gotLat, tt.wantLon, tt.wantLat, tt.tol)
		}
	}
}

// chinaPoints returns a 0.25-degree grid over China's land extent and some
// named places, including Puyang, Henan.
func chinaPoints() [][2]float64 {
	pts := [][2]float64{
		{115.03, 35.76}, // Puyang, Henan
		{115.0291, 35.7622},
		{116.3975, 39.9087}, // Beijing
		{121.4737, 31.2304}, // Shanghai
		{113.2644, 23.1291}, // Guangzhou
		{87.6168, 43.8256},  // Ürümqi
		{91.1409, 29.6456},  // Lhasa
		{126.6425, 45.7567}, // Harbin
		{109.5119, 18.2528}, // Sanya
		{73.5, 39.4},        // western edge of Xinjiang
		{135.0, 48.4},       // eastern tip of Heilongjiang
		{105, 35},           // the sqrt(|lon-105|) cusp of the offset
		{105 + 1e-12, 35},
		{105 - 1e-7, 35},
	}
	for lon := 73.0; lon <= 135; lon += 0.25 {
		for lat := 18.0; lat <= 53.5; lat += 0.25 {
			pts = append(pts, [2]float64{lon, lat})
		}
	}
	return pts
}

func TestRoundTrip(t *testing.T) {
	const tol = 1e-9 // degrees, about 0.1 mm; 1e-7 (1 cm) would be enough for routing
	for _, sys := range []System{WGS84, GCJ02, BD09} {
		worst := 0.0
		for _, p := range chinaPoints() {
			// WGS-84 -> sys -> WGS-84.
			x, y := FromWGS84(sys, p[0], p[1])
			bx, by := ToWGS84(sys, x, y)
			if d := math.Max(math.Abs(bx-p[0]), math.Abs(by-p[1])); d > tol {
				t.Errorf("ToWGS84(%v, FromWGS84(%v, %v, %v)): got (%.12f, %.12f) want (%v, %v) within %g", sys, sys, p[0], p[1], bx, by, p[0], p[1], tol)
			} else {
				worst = math.Max(worst, d)
			}
			// sys -> WGS-84 -> sys.
			x, y = ToWGS84(sys, p[0], p[1])
			bx, by = FromWGS84(sys, x, y)
			if d := math.Max(math.Abs(bx-p[0]), math.Abs(by-p[1])); d > tol {
				t.Errorf("FromWGS84(%v, ToWGS84(%v, %v, %v)): got (%.12f, %.12f) want (%v, %v) within %g", sys, sys, p[0], p[1], bx, by, p[0], p[1], tol)
			} else {
				worst = math.Max(worst, d)
			}
		}
		t.Logf("%v: worst round-trip error %.2g degrees", sys, worst)
	}
}

func TestOffsetSize(t *testing.T) {
	// The offsets are hundreds of metres: a conversion that does nothing, or
	// far too much, would pass the round trips above.
	for _, sys := range []System{GCJ02, BD09} {
		for _, p := range chinaPoints() {
			x, y := FromWGS84(sys, p[0], p[1])
			m := math.Hypot((x-p[0])*math.Cos(p[1]*math.Pi/180), y-p[1]) * 111320
			if m < 1 || m > 2000 {
				t.Errorf("FromWGS84(%v, %v, %v): got an offset of %.1f m want 1-2000 m", sys, p[0], p[1], m)
			}
		}
	}
}

func TestOutOfChina(t *testing.T) {
	tests := []struct {
		name     string
		lon, lat float64
		want     bool
	}{
		{"Puyang", 115.03, 35.76, false},
		{"Beijing", 116.3975, 39.9087, false},
		{"Hong Kong", 114.17, 22.32, false},
		{"Seoul, inside the rough box", 126.98, 37.57, false},
		{"London", -0.1276, 51.5072, true},
		{"New York", -74.006, 40.7128, true},
		{"Tokyo", 139.6917, 35.6895, true},
		{"Moscow", 37.6173, 55.7558, true},
		{"Sydney", 151.2093, -33.8688, true},
		{"null island", 0, 0, true},
		{"west edge", 72.004, 30, false},
		{"just west", 72.0039, 30, true},
		{"north edge", 100, 55.8271, false},
		{"just north", 100, 55.8272, true},
		{"NaN lon", math.NaN(), 30, true},
		{"NaN lat", 100, math.NaN(), true},
		{"+Inf", math.Inf(1), 30, true},
	}
	for _, tt := range tests {
		if got := OutOfChina(tt.lon, tt.lat); got != tt.want {
			t.Errorf("OutOfChina(%v, %v) (%s): got %v want %v", tt.lon, tt.lat, tt.name, got, tt.want)
		}
	}
}

func TestOutsideChinaUnchanged(t *testing.T) {
	pts := [][2]float64{
		{-0.1276, 51.5072},  // London
		{-74.006, 40.7128},  // New York
		{139.6917, 35.6895}, // Tokyo
		{151.2093, -33.8688},
		{37.6173, 55.7558},
		{0, 0},
		{-180, -90},
		{180, 90},
		{math.NaN(), 30},
		{100, math.Inf(-1)},
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for _, sys := range []System{WGS84, GCJ02, BD09} {
		for _, p := range pts {
			if x, y := FromWGS84(sys, p[0], p[1]); !same(x, p[0]) || !same(y, p[1]) {
				t.Errorf("FromWGS84(%v, %v, %v): got (%v, %v) want the input", sys, p[0], p[1], x, y)
			}
			if x, y := ToWGS84(sys, p[0], p[1]); !same(x, p[0]) || !same(y, p[1]) {
				t.Errorf("ToWGS84(%v, %v, %v): got (%v, %v) want the input", sys, p[0], p[1], x, y)
			}
		}
	}
}

func TestWGS84Identity(t *testing.T) {
	for _, p := range chinaPoints()[:20] {
		if x, y := FromWGS84(WGS84, p[0], p[1]); x != p[0] || y != p[1] {
			t.Errorf("FromWGS84(WGS84, %v, %v): got (%v, %v) want the input", p[0], p[1], x, y)
		}
		if x, y := ToWGS84(WGS84, p[0], p[1]); x != p[0] || y != p[1] {
			t.Errorf("ToWGS84(WGS84, %v, %v): got (%v, %v) want the input", p[0], p[1], x, y)
		}
	}
}

func TestUnknownSystemPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"FromWGS84": func() { FromWGS84(System(3), 115, 35) },
		"ToWGS84":   func() { ToWGS84(System(-1), 115, 35) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with an unknown System: got no panic want a panic", name)
				}
			}()
			f()
		}()
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add(115.03, 35.76)
	f.Add(116.404, 39.915)
	f.Add(105.0, 35.0)
	f.Add(72.004, 0.8293)
	f.Add(137.8347, 55.8271)
	f.Add(-0.1276, 51.5072)
	f.Add(0.0, 0.0)
	f.Fuzz(func(t *testing.T, lon, lat float64) {
		if math.IsNaN(lon) || math.IsNaN(lat) || math.Abs(lon) > 180 || math.Abs(lat) > 90 {
			t.Skip()
		}
		// Inside China with room for the offsets (under 0.02 degrees).
		inside := !OutOfChina(lon-0.1, lat-0.1) && !OutOfChina(lon+0.1, lat+0.1)
		for _, sys := range []System{WGS84, GCJ02, BD09} {
			x, y := FromWGS84(sys, lon, lat)
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
				t.Fatalf("FromWGS84(%v, %v, %v): got (%v, %v) want finite", sys, lon, lat, x, y)
			}
			u, v := ToWGS84(sys, lon, lat)
			if math.IsNaN(u) || math.IsNaN(v) || math.IsInf(u, 0) || math.IsInf(v, 0) {
				t.Fatalf("ToWGS84(%v, %v, %v): got (%v, %v) want finite", sys, lon, lat, u, v)
			}
			if OutOfChina(lon, lat) && (x != lon || y != lat || u != lon || v != lat) {
				t.Fatalf("%v outside China at (%v, %v): got From (%v, %v), To (%v, %v) want the input", sys, lon, lat, x, y, u, v)
			}
			if !inside {
				continue
			}
			if bx, by := ToWGS84(sys, x, y); math.Abs(bx-lon) > 1e-9 || math.Abs(by-lat) > 1e-9 {
				t.Fatalf("ToWGS84(%v, FromWGS84(%v, %v, %v)): got (%.12f, %.12f) want the input within 1e-9", sys, sys, lon, lat, bx, by)
			}
			if bx, by := FromWGS84(sys, u, v); math.Abs(bx-lon) > 1e-9 || math.Abs(by-lat) > 1e-9 {
				t.Fatalf("FromWGS84(%v, ToWGS84(%v, %v, %v)): got (%.12f, %.12f) want the input within 1e-9", sys, sys, lon, lat, bx, by)
			}
		}
	})
}

func BenchmarkFromWGS84(b *testing.B) {
	b.ReportAllocs()
	var x float64
	for b.Loop() {
		x, _ = FromWGS84(BD09, 115.03, 35.76)
	}
	if x == 0 {
		b.Fatal("FromWGS84: got 0")
	}
}

// BenchmarkToWGS84OneStep is the one-step approximation other converters
// return, as a baseline for the cost of the exact iterative inverse.
func BenchmarkToWGS84OneStep(b *testing.B) {
	b.ReportAllocs()
	var x float64
	for b.Loop() {
		dx, _ := gcjOffset(115.036, 35.760)
		x = 115.036 - dx
	}
	if x == 0 {
		b.Fatal("one step: got 0")
	}
}

func BenchmarkToWGS84(b *testing.B) {
	for _, sys := range []System{GCJ02, BD09} {
		b.Run(sys.String(), func(b *testing.B) {
			b.ReportAllocs()
			var x float64
			for b.Loop() {
				x, _ = ToWGS84(sys, 115.036, 35.760)
			}
			if x == 0 {
				b.Fatal("ToWGS84: got 0")
			}
		})
	}
}

func ExampleToWGS84() {
	// A point in central Beijing as Amap shows it (GCJ-02), from
	// eviltransform's test vectors.
	lon, lat := ToWGS84(GCJ02, 116.38404722455657, 39.91334545536069)
	fmt.Printf("%.7f %.7f\n", lon, lat)
	// Output: 116.3778170 39.9119540
}

func ExampleParseSystem() {
	sys, err := ParseSystem("bd-09")
	fmt.Println(sys, err)
	_, err = ParseSystem("baidu")
	fmt.Println(err)
	// Output:
	// BD-09 <nil>
	// unknown coordinate system "baidu": valid values are wgs84, gcj02 and bd09 (also written WGS-84, GCJ-02, BD-09)
}
