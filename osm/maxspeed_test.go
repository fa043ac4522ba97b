package osm

import (
	"fmt"
	"math"
	"testing"
)

func TestParseMaxspeed(t *testing.T) {
	zones := DefaultMaxspeedZones()
	tests := []struct {
		in     string
		want   float64
		wantOK bool
	}{
		// Plain numbers are km/h.
		{"60", 60, true},
		{"60.5", 60.5, true},
		{"5", 5, true},
		{"060", 60, true},
		{"  60\t", 60, true},
		// Units.
		{"60 km/h", 60, true},
		{"60km/h", 60, true},
		{"60kmh", 60, true},
		{"60 kph", 60, true},
		{"60 KM/H", 60, true},
		{"30 mph", 30 * 1.609344, true},
		{"30mph", 30 * 1.609344, true},
		{"30 MPH", 30 * 1.609344, true},
		{"10 knots", 10 * 1.852, true},
		// Keywords.
		{"none", NoLimitKmh, true},
		{"None", NoLimitKmh, true},
		{"walk", WalkKmh, true},
		// Several values: the lowest usable one.
		{"60;80", 60, true},
		{"80;60", 60, true},
		{"60; 80", 60, true},
		{" 60 ; 80 ", 60, true},
		{"60 mph;80", 80, true},
		{"none;60", 60, true},
		{"60;signals", 60, true},
		{"60;", 60, true},
		// Zone codes through the table, case-insensitively.
		{"CN:urban", 50, true},
		{"CN:rural", 70, true},
		{"CN:motorway", 120, true},
		{"cn:Motorway", 120, true},
		{"DE:rural", 100, true},
		{"de:urban", 50, true},
		{"DE:living_street", WalkKmh, true},
		{"RU:living_street", 20, true},
		{"GB:nsl_single", 60 * 1.609344, true},
		{"CN:urban;60", 50, true},
		// No usable limit.
		{"", 0, false},
		{"   ", 0, false},
		{";", 0, false},
		{"signals", 0, false},
		{"variable", 0, false},
		{"implicit", 0, false},
		{"abc", 0, false},
		{"XX:urban", 0, false},
		{"CN:", 0, false},
		{"-5", 0, false},
		{"+5", 0, false},
		{"0", 0, false},
		{"0.0", 0, false},
		{"0 mph", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"+Inf", 0, false},
		{"infinity", 0, false},
		{"1e400", 0, false},
		{"1e2", 0, false},
		{"0x3c", 0, false},
		{"1_000", 0, false},
		{"60.", 0, false},
		{".5", 0, false},
		{"60,5", 0, false},
		{"60 km", 0, false},
		{"60 m/s", 0, false},
		{"60 mph mph", 0, false},
		{"5000", 0, false},
		{"99999999999999999999999999", 0, false},
		{"50 @ (22:00-06:00)", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseMaxspeed(tt.in, zones)
		if ok != tt.wantOK || !(got == tt.want || math.Abs(got-tt.want) <= 1e-9) {
			t.Errorf("ParseMaxspeed(%q): got %v, %v want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestParseMaxspeedZonesArgument(t *testing.T) {
	tests := []struct {
		name   string
		zones  map[string]float64
		in     string
		want   float64
		wantOK bool
	}{
		{"nil table", nil, "CN:urban", 0, false},
		{"nil table number", nil, "60", 60, true},
		{"lower-case key", map[string]float64{"cn:urban": 40}, "CN:URBAN", 40, true},
		{"exact key wins", map[string]float64{"CN:urban": 50, "cn:urban": 30}, "CN:urban", 50, true},
		{"case duplicates take lowest", map[string]float64{"CN:urban": 50, "cn:urban": 30}, "Cn:Urban", 30, true},
		{"no-limit zone", map[string]float64{"DE:motorway": NoLimitKmh}, "DE:motorway", NoLimitKmh, true},
		{"zero zone", map[string]float64{"XX:urban": 0}, "XX:urban", 0, false},
		{"negative zone", map[string]float64{"XX:urban": -50}, "XX:urban", 0, false},
		{"NaN zone", map[string]float64{"XX:urban": math.NaN()}, "XX:urban", 0, false},
		{"-Inf zone", map[string]float64{"XX:urban": math.Inf(-1)}, "XX:urban", 0, false},
		{"absurd zone", map[string]float64{"XX:urban": 1e9}, "XX:urban", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseMaxspeed(tt.in, tt.zones)
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("%s: ParseMaxspeed(%q): got %v, %v want %v, %v", tt.name, tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestDefaultMaxspeedZones(t *testing.T) {
	zones := DefaultMaxspeedZones()
	want := map[string]float64{
		"CN:urban":      50,
		"CN:rural":      70,
		"CN:motorway":   120,
		"DE:urban":      50,
		"DE:rural":      100,
		"DE:motorway":   130,
		"FR:rural":      80,
		"IT:motorway":   130,
		"RU:urban":      60,
		"GB:nsl_single": 96.56064,
		"GB:nsl_dual":   112.65408,
		"GB:motorway":   112.65408,
	}
	for k, w := range want {
		if got := zones[k]; math.Abs(got-w) > 1e-9 {
			t.Errorf("DefaultMaxspeedZones()[%q]: got %v want %v", k, got, w)
		}
	}
	for k, v := range zones {
		if got, ok := ParseMaxspeed(k, zones); !ok || got != v {
			t.Errorf("ParseMaxspeed(%q, DefaultMaxspeedZones()): got %v, %v want %v, true", k, got, ok, v)
		}
		if math.IsInf(v, 0) || math.IsNaN(v) || v <= 0 {
			t.Errorf("DefaultMaxspeedZones()[%q]: got %v want a finite positive speed", k, v)
		}
	}
	// Each call returns a fresh map.
	zones["CN:urban"] = 1
	if got := DefaultMaxspeedZones()["CN:urban"]; got != 50 {
		t.Errorf("DefaultMaxspeedZones() after editing an earlier result: got CN:urban %v want 50", got)
	}
}

func FuzzParseMaxspeed(f *testing.F) {
	for _, s := range []string{
		"60", "60.5", "60 km/h", "60kmh", "60 kph", "30 mph", "30mph", "10 knots",
		"none", "walk", "60;80", "60; 80", "60 mph;80", "CN:urban", "de:urban",
		"RU:living_street", "signals", "variable", "", "abc", "-5", "0", "NaN",
		"Inf", "1e400", "5000", ";;", " : ", "60.;", "９０",
	} {
		f.Add(s)
	}
	zones := DefaultMaxspeedZones()
	zones["de:URBAN"] = 45 // a case duplicate, to check the result is deterministic
	zones["XX:none"] = NoLimitKmh
	f.Fuzz(func(t *testing.T, v string) {
		kmh, ok := ParseMaxspeed(v, zones)
		if !ok {
			if kmh != 0 {
				t.Errorf("ParseMaxspeed(%q): got %v, false want 0, false", v, kmh)
			}
		} else if math.IsNaN(kmh) || kmh <= 0 || (math.IsInf(kmh, 0) && kmh != NoLimitKmh) || (!math.IsInf(kmh, 0) && kmh > 1000) {
			t.Errorf("ParseMaxspeed(%q): got %v, true want a positive speed up to 1000 km/h or NoLimitKmh", v, kmh)
		}
		for range 3 {
			if k2, ok2 := ParseMaxspeed(v, zones); k2 != kmh || ok2 != ok {
				t.Fatalf("ParseMaxspeed(%q) twice: got %v, %v then %v, %v want the same", v, kmh, ok, k2, ok2)
			}
		}
	})
}

func ExampleParseMaxspeed() {
	zones := DefaultMaxspeedZones()
	for _, v := range []string{"60", "30 mph", "60;80", "CN:urban", "none", "signals"} {
		kmh, ok := ParseMaxspeed(v, zones)
		fmt.Printf("%-10q %.2f %v\n", v, kmh, ok)
	}
	// Output:
	// "60"       60.00 true
	// "30 mph"   48.28 true
	// "60;80"    60.00 true
	// "CN:urban" 50.00 true
	// "none"     +Inf true
	// "signals"  0.00 false
}
