package osm

import (
	"math"
	"strconv"
	"strings"
)

// NoLimitKmh is what ParseMaxspeed returns for maxspeed=none: positive
// infinity, so that math.Min(kmh, classKmh) caps it with the speed of the
// road class and math.IsInf(kmh, 1) detects it. It is a variable only because
// Go has no infinite constants; treat it as read-only.
var NoLimitKmh = math.Inf(1)

// WalkKmh is the speed in km/h that ParseMaxspeed returns for maxspeed=walk
// ("walking pace", e.g. German Schrittgeschwindigkeit in a
// verkehrsberuhigter Bereich). No law gives a number; 5 km/h is a typical
// walking speed and sits at the low end of the 4-7 km/h that German courts
// have accepted, which keeps travel times on such streets conservative.
const WalkKmh = 5.0

// ParseMaxspeed parses an OSM maxspeed tag value into km/h.
//
// Accepted forms (https://wiki.openstreetmap.org/wiki/Key:maxspeed), with
// surrounding white space ignored:
//
//   - a plain number: "60", "60.5" (km/h);
//   - a number and a unit, with or without a space and in any letter case:
//     "60 km/h", "60kmh", "60 kph", "30 mph" (×1.609344), "10 knots" (×1.852);
//   - "none": no limit, returned as (NoLimitKmh, true); the caller caps it
//     with the speed of the road class;
//   - "walk": walking pace, returned as WalkKmh;
//   - a country-zone code such as "CN:urban", "DE:rural" or "RU:motorway",
//     looked up in zones (DefaultMaxspeedZones gives a table). Keys match
//     case-insensitively ("de:urban" finds "DE:urban"); an exact match wins,
//     and if several keys differ only in case the lowest of their values is
//     used, so the result does not depend on map order;
//   - several of the above separated by ";" ("60;80", "60 mph; 80"): the
//     lowest usable value is returned. Such values usually give a limit per
//     lane, per direction or per time of day that this function cannot tell
//     apart; the lowest never makes a road look faster than it may be, so
//     travel times err on the long (conservative) side. Parts that give no
//     usable limit are skipped.
//
// ok is false, and kmh 0, when the value gives no usable limit: "", "signals",
// "variable", "implicit", a zone code missing from zones, or anything else.
// Numbers must be plain decimals (no sign, exponent, "NaN" or "Inf"), so a
// returned speed is never zero, negative or NaN; values above 1000 km/h are
// taken to be mapping errors and rejected. The only infinite result is
// NoLimitKmh, from "none" or from a zone whose table value is +Inf.
func ParseMaxspeed(v string, zones map[string]float64) (kmh float64, ok bool) {
	const (
		kmhPerMph  = 1.609344 // international mile, exact
		kmhPerKnot = 1.852    // international nautical mile, exact
		maxKmh     = 1000.0   // above any road or rail limit in the world
	)
	usable := func(x float64) bool {
		return x > 0 && (x <= maxKmh || math.IsInf(x, 1))
	}
	// number parses "<decimal>[ ]<unit>".
	number := func(s string) (float64, bool) {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, false
		}
		if i < len(s) && s[i] == '.' {
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j == i+1 {
				return 0, false // "60." or "60.km/h"
			}
			i = j
		}
		x, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, false
		}
		switch strings.ToLower(strings.TrimSpace(s[i:])) {
		case "", "km/h", "kmh", "kph":
		case "mph":
			x *= kmhPerMph
		case "knots":
			x *= kmhPerKnot
		default:
			return 0, false
		}
		return x, true
	}
	// zone looks a country-zone code up in zones.
	zone := func(s string) (float64, bool) {
		if x, found := zones[s]; found {
			return x, usable(x)
		}
		best, found := 0.0, false
		for k, x := range zones {
			if strings.EqualFold(k, s) && usable(x) && (!found || x < best) {
				best, found = x, true
			}
		}
		return best, found
	}
	one := func(s string) (float64, bool) {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			return 0, false
		case strings.EqualFold(s, "none"):
			return NoLimitKmh, true
		case strings.EqualFold(s, "walk"):
			return WalkKmh, true
		case strings.Contains(s, ":"):
			return zone(s)
		}
		x, good := number(s)
		return x, good && usable(x)
	}

	for part := range strings.SplitSeq(v, ";") {
		if x, good := one(part); good && (!ok || x < kmh) {
			kmh, ok = x, true
		}
	}
	return kmh, ok
}

// DefaultMaxspeedZones returns a new table of country-zone codes to km/h for
// ParseMaxspeed. It covers China fully and a few countries whose codes are
// common in OSM; callers may add or override entries. Values are the legal
// defaults for cars without a trailer, as listed on the OSM wiki page
// "Default speed limits" (https://wiki.openstreetmap.org/wiki/Default_speed_limits,
// read through revision 2413111, 2022-10-03) and checked against the law
// named beside each China value. US zones are state-specific and not
// standardised in OSM, so none are included.
func DefaultMaxspeedZones() map[string]float64 {
	const mph = 1.609344 // km/h per mile per hour, exact
	return map[string]float64{
		// China. 中华人民共和国道路交通安全法实施条例 (Implementing Regulations
		// of the Road Traffic Safety Law, State Council Decree 405, 2004).
		// Art. 45 sets the limits where no sign is posted: roads without a
		// centre line 30 km/h urban, 40 km/h highway (公路); roads with one
		// motor-vehicle lane per direction 50 km/h urban, 70 km/h highway.
		// OSM's CN:urban and CN:rural take the one-lane-per-direction values.
		"CN:urban":    50,  // Art. 45(2), 城市道路 with one lane per direction
		"CN:rural":    70,  // Art. 45(2), 公路 with one lane per direction
		"CN:motorway": 120, // Art. 78: 高速公路 maximum 120 km/h (minimum 60)

		// Germany, StVO §3(3) and Anlage 3 Zeichen 325.1; the Autobahn has no
		// general limit, so the advisory speed (Autobahn-Richtgeschwindigkeits-
		// Verordnung) is used rather than NoLimitKmh.
		"DE:living_street": WalkKmh, // Schrittgeschwindigkeit
		"DE:urban":         50,
		"DE:rural":         100,
		"DE:motorway":      130, // advisory (Richtgeschwindigkeit)

		// France, Code de la route R110-2 (zone de rencontre), R413-2, R413-3;
		// rural 80 km/h on two-way roads without a central divider since
		// décret 2018-487.
		"FR:living_street": 20,
		"FR:urban":         50,
		"FR:rural":         80,
		"FR:motorway":      130,

		// Italy, Codice della strada art. 142; rural is the strada
		// extraurbana secondaria / locale value.
		"IT:urban":    50,
		"IT:rural":    90,
		"IT:motorway": 130,

		// Russia, ПДД РФ (Rules of the Road) 10.2, 10.3, 17.4.
		"RU:living_street": 20,
		"RU:urban":         60,
		"RU:rural":         90,
		"RU:motorway":      110,

		// United Kingdom, Road Traffic Regulation Act 1984 s.81 (restricted
		// roads) and the national speed limit (Highway Code rule 124).
		"GB:nsl_restricted": 30 * mph, // 48.28032
		"GB:nsl_single":     60 * mph, // 96.56064
		"GB:nsl_dual":       70 * mph, // 112.65408
		"GB:motorway":       70 * mph, // 112.65408
	}
}
