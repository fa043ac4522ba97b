package membudget

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"8GB", 8e9, true},
		{"8 gb", 8e9, true},
		{"512MiB", 512 << 20, true},
		{"1.5G", 1.5e9, true},
		{"2e9", 2e9, true},
		{"100", 100, true},
		{"10 TB", 10e12, true},
		{"0", 0, false},
		{"-5GB", 0, false},
		{"NaN", 0, false},
		{"inf", 0, false},
		{"1e300", 0, false},
		{"5 parsecs", 0, false},
		{"", 0, false},
		{"GB", 0, false},
	} {
		got, err := ParseSize(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseSize(%q): got %d, %v want %d ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"8GB", "512 MiB", "2e9", "1", "-1", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseSize(s)
		if err == nil && (v < 1 || v > MaxSize) {
			t.Fatalf("%q: accepted %d", s, v)
		}
	})
}

func TestCheck(t *testing.T) {
	if err := Check(10, 0, "x", "--max-memory"); err != nil {
		t.Errorf("no limit: got %v", err)
	}
	if err := Check(10, 10, "x", "--max-memory"); err != nil {
		t.Errorf("at the limit: got %v", err)
	}
	err := Check(12_300_000_000, 1_000_000_000, "the isochrone grid", "--max-memory")
	var me *Error
	if !errors.As(err, &me) {
		t.Fatalf("got %v", err)
	}
	// 12.3e9 B is "12 GB"; the suggestion rounds up to two digits: 13 GB.
	for _, want := range []string{"the isochrone grid", "12 GB", "1.0 GB", "--max-memory 13 GB"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}

func TestParseMemTotal(t *testing.T) {
	got, ok := parseMemTotal([]byte("MemFree: 5 kB\nMemTotal:       16318480 kB\n"))
	if !ok || got != 16318480*1024 {
		t.Errorf("got %d %v", got, ok)
	}
	if _, ok := parseMemTotal([]byte("nothing\n")); ok {
		t.Error("accepted a file without MemTotal")
	}
	if d := Default(); d < 1<<20 {
		t.Errorf("Default() = %d", d)
	}
}

func TestPeak(t *testing.T) {
	got, ok := parseKB([]byte("VmPeak:\t  900 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1024 kB\n"), "VmHWM:")
	if !ok || got != 2048*1024 {
		t.Errorf("VmHWM: got %d %v", got, ok)
	}
	if _, ok := parseKB([]byte("VmHWM: lots kB\n"), "VmHWM:"); ok {
		t.Error("accepted a value that is not a number")
	}
	if _, err := os.Stat("/proc/self/status"); err == nil && Peak() < 1<<20 {
		t.Errorf("Peak() = %d on a system with /proc/self/status", Peak())
	}
}
