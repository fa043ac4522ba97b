package osm

import "testing"

func TestParsePopulation(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"12,345", 12345, true},
		{"12 345", 12345, true},
		{"1.345.890", 1345890, true},
		{"~80", 80, true},
		{"4927 (2010)", 4927, true},
		{"100000000", 100000000, true},     // MaxPopulation
		{"100000001", 0, false},            // above it
		{"2,000,000,001", 0, false},        // would wrap an int32
		{"99999999999999999999", 0, false}, // would wrap an int64
		{"-5", 0, false},
		{"", 0, false},
		{"unknown", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParsePopulation(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParsePopulation(%q): got %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParsePopulation(f *testing.F) {
	for _, s := range []string{"12,345", "12 345", "~5", "4927 (2010)", "-5", "2,000,000,001", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParsePopulation(s)
		if ok && (n < 0 || n > MaxPopulation) || !ok && n != 0 {
			t.Fatalf("ParsePopulation(%q): got %d, %v, want 0..%d (0 when false)", s, n, ok, MaxPopulation)
		}
	})
}
