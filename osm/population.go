package osm

import (
	"strconv"
	"strings"
	"unicode"
)

// MaxPopulation is the largest population tag value ParsePopulation
// accepts: more people than any city holds is a typo or a unit mix-up.
const MaxPopulation = 100_000_000

// ParsePopulation reads an OSM population value: digits with optional
// thousands separators ("72826", "72,826", "1.345.890", "72 826"), an
// optional leading "~", a dropped decimal part ("1234.5") and trailing text
// ("4927 (2010)"). It returns false for anything else, and for values above
// 100 million (MaxPopulation). Values are never negative and never wrap.
func ParsePopulation(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "~"))
	// The leading run of digits and separators.
	end := 0
	for end < len(s) {
		c := s[end]
		if (c >= '0' && c <= '9') || c == ',' || c == '.' || c == ' ' || c == '\'' {
			end++
			continue
		}
		break
	}
	if end < len(s) {
		r := []rune(s[end:])[0]
		if unicode.IsDigit(r) { // other scripts' digits: not handled
			return 0, false
		}
	}
	num := strings.TrimRight(s[:end], " ,.'")
	if num == "" || num[0] < '0' || num[0] > '9' {
		return 0, false
	}
	// Split into digit groups; separators between groups of exactly three
	// digits are thousands separators, a final '.' or ',' group of other
	// length is a decimal part (dropped).
	var groups []string
	var seps []byte
	start := 0
	for i := 0; i < len(num); i++ {
		if c := num[i]; c < '0' || c > '9' {
			groups = append(groups, num[start:i])
			seps = append(seps, c)
			start = i + 1
		}
	}
	groups = append(groups, num[start:])
	digits := groups[0]
	for i := 1; i < len(groups); i++ {
		g := groups[i]
		if g == "" {
			return 0, false // two separators in a row
		}
		if len(g) == 3 {
			digits += g
			continue
		}
		if i == len(groups)-1 && (seps[i-1] == '.' || seps[i-1] == ',') {
			break // decimal part
		}
		return 0, false
	}
	if len(digits) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n > MaxPopulation {
		return 0, false
	}
	return n, true
}
