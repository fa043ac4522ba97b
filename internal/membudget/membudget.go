package membudget

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// DefaultShare is the share of the machine's RAM a run may plan to use.
const DefaultShare = 0.5

// FallbackBytes is the budget when the RAM size cannot be read: 4 GiB.
const FallbackBytes = 4 << 30

// Default returns DefaultShare of the RAM in /proc/meminfo, or FallbackBytes.
func Default() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return FallbackBytes
	}
	if total, ok := parseMemTotal(data); ok {
		return int64(float64(total) * DefaultShare)
	}
	return FallbackBytes
}

// parseMemTotal reads "MemTotal:  16318480 kB" from /proc/meminfo.
func parseMemTotal(data []byte) (int64, bool) { return parseKB(data, "MemTotal:") }

// Peak returns the most memory this process has held resident so far
// (VmHWM in /proc/self/status), or 0 where that cannot be read.
func Peak() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	v, _ := parseKB(data, "VmHWM:")
	return v
}

// parseKB reads the "KEY  1234 kB" line of a /proc status file, in bytes.
func parseKB(data []byte, key string) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == key {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || kb <= 0 || kb > 1<<50 {
				return 0, false
			}
			return kb << 10, true
		}
	}
	return 0, false
}

// Error says that a job needs more than its budget.
type Error struct {
	What        string // what was estimated, e.g. "the isochrone grid (12000 x 9000 cells)"
	Need, Limit int64
	Flag        string // the setting that raises the limit, e.g. "--max-memory"
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s needs about %s of memory, more than the limit of %s; raise %s (e.g. %s %s) or ask for less",
		e.What, Format(e.Need), Format(e.Limit), e.Flag, e.Flag, Format(roundUp(e.Need)))
}

// Check returns an *Error when need > limit. A limit <= 0 means no limit.
func Check(need, limit int64, what, flag string) error {
	if limit > 0 && need > limit {
		return &Error{What: what, Need: need, Limit: limit, Flag: flag}
	}
	return nil
}

// roundUp rounds n up to a size worth typing (two significant digits).
func roundUp(n int64) int64 {
	if n <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(float64(n)))-1)
	return int64(math.Ceil(float64(n)/p) * p)
}

// Format writes n bytes as B, KB, MB, GB or TB (powers of 1000, one decimal
// when below 10).
func Format(n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
	v := float64(n)
	u := 0
	for math.Abs(v) >= 1000 && u < len(units)-1 {
		v /= 1000
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d B", n)
	}
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, units[u])
	}
	return fmt.Sprintf("%.0f %s", v, units[u])
}

// MaxSize is the largest size ParseSize accepts: 1 PB.
const MaxSize = int64(1e15)

// ParseSize reads a size in bytes: a number with an optional unit B, K/KB,
// M/MB, G/GB, T/TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024),
// any case, with or without a space: "8GB", "512 MiB", "2e9". It refuses
// NaN, negative, zero and sizes above MaxSize.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]float64{"": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}
	// "2e9": the exponent's e is not a unit.
	if strings.HasSuffix(unit, "e") || strings.Contains(num, "e") {
		num, unit = t, ""
	}
	m, ok := mult[unit]
	if !ok {
		return 0, fmt.Errorf("%q: unknown unit %q (want B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)", s, unit)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a size (e.g. 8GB, 512MiB)", s)
	}
	v *= m
	if !(v >= 1) || v > float64(MaxSize) {
		return 0, fmt.Errorf("%q: want a size from 1 B to 1 PB", s)
	}
	return int64(v), nil
}
