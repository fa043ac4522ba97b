package osm

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// Profile says how tags become road attributes. The field tags name the keys
// of a profile YAML file.
type Profile struct {
	// Speeds maps highway classes to km/h. A class not listed is not routable.
	Speeds map[string]float64 `mapstructure:"speeds" json:"speeds"`
	// UseMaxspeed: a tagged maxspeed times MaxspeedFactor replaces the class
	// speed (maxspeed=none keeps the class speed).
	UseMaxspeed bool `mapstructure:"use_maxspeed" json:"use_maxspeed"`
	// MaxspeedFactor scales tagged limits to expected driving speeds.
	MaxspeedFactor float64 `mapstructure:"maxspeed_factor" json:"maxspeed_factor"`
	// MaxspeedZones maps zone codes such as "CN:urban" to km/h.
	MaxspeedZones map[string]float64 `mapstructure:"maxspeed_zones" json:"maxspeed_zones"`
	// AccessKeys are the access tags read, general first; the most specific
	// one present decides.
	AccessKeys []string `mapstructure:"access_keys" json:"access_keys"`
	// AccessDeny are the access values that make a way not routable.
	AccessDeny []string `mapstructure:"access_deny" json:"access_deny"`
	// ControlledClasses are controlled-access classes: no access to the land
	// beside them, entered only through their links.
	ControlledClasses []string `mapstructure:"controlled_classes" json:"controlled_classes"`
	// MinComponentNodes: besides the largest strongly connected component,
	// points may snap to components with at least this many nodes (0 = the
	// largest only).
	MinComponentNodes int `mapstructure:"min_component_nodes" json:"min_component_nodes"`
	// MaxSnapMetres: a point farther than this from any routable road is an
	// error.
	MaxSnapMetres float64 `mapstructure:"max_snap_m" json:"max_snap_m"`
}

// DefaultSpeeds is fastroad's shipped class speed table (km/h) for China.
// The values are typical driving speeds, below the legal limits and near the
// design speeds of the Chinese highway standard JTG B01-2014:
//   - motorway (高速公路, national/provincial expressways): limit 120, design
//     80-120; 100.
//   - motorway_link (ramps): design speed of interchange ramps 40-60; 50.
//   - trunk (national roads 国道, mostly class-1 highways, and urban
//     expressways tagged trunk): design 60-100 with at-grade junctions and
//     villages; 70.
//   - primary (provincial roads 省道, class-1/2): design 60-80; 55.
//   - secondary (county roads 县道, class-2/3): design 40-60; 45.
//   - tertiary (township roads 乡道, class-3/4): design 20-40; 35.
//   - unclassified (village roads 村道): 30; residential 20; living_street 10.
//   - links at roughly 60-70% of their class.
//
// OSRM's car profile uses comparable values (motorway 90, trunk 85, primary
// 65, secondary 55, tertiary 40, unclassified 25, residential 25).
func DefaultSpeeds() map[string]float64 {
	return map[string]float64{
		"motorway": 100, "motorway_link": 50,
		"trunk": 70, "trunk_link": 40,
		"primary": 55, "primary_link": 35,
		"secondary": 45, "secondary_link": 30,
		"tertiary": 35, "tertiary_link": 25,
		"unclassified": 30, "residential": 20, "living_street": 10,
	}
}

// DefaultProfile returns the shipped profile.
func DefaultProfile() Profile {
	return Profile{
		Speeds:            DefaultSpeeds(),
		UseMaxspeed:       false,
		MaxspeedFactor:    0.9,
		MaxspeedZones:     DefaultMaxspeedZones(),
		AccessKeys:        []string{"access", "vehicle", "motor_vehicle", "motorcar"},
		AccessDeny:        []string{"no", "private"},
		ControlledClasses: []string{"motorway", "motorway_link"},
		MinComponentNodes: 0,
		MaxSnapMetres:     1000,
	}
}

// Speed range of a profile's class and zone speeds, km/h. Below 1 km/h a
// road is slower than walking and towns come out unreachable; above 200 km/h
// no road in the plan is driven (China's expressway limit is 120).
const (
	MinSpeedKmh = 1.0
	MaxSpeedKmh = 200.0
)

// MaxSnapMetres bounds max_snap_m: 100 km. A point farther from every road
// is not on the network.
const MaxSnapMetres = 100_000.0

// Validate checks a profile; the error names the key at fault.
func (p *Profile) Validate() error {
	if len(p.Speeds) == 0 {
		return fmt.Errorf("speeds: no class is routable; list at least one, e.g. speeds: {primary: 60}")
	}
	for _, c := range sortedKeys(p.Speeds) {
		if _, ok := graph.ParseClass(c); !ok {
			return fmt.Errorf("speeds.%s: unknown highway class (known: %s)", c, strings.Join(graph.ClassNames(), ", "))
		}
		if v := p.Speeds[c]; !(v >= MinSpeedKmh) || v > MaxSpeedKmh {
			return fmt.Errorf("speeds.%s: %v km/h is out of range (want %v to %v km/h)", c, v, MinSpeedKmh, MaxSpeedKmh)
		}
	}
	if !(p.MaxspeedFactor > 0) || p.MaxspeedFactor > 2 {
		return fmt.Errorf("maxspeed_factor: %v (want 0 < factor <= 2)", p.MaxspeedFactor)
	}
	for _, z := range sortedKeys(p.MaxspeedZones) {
		if v := p.MaxspeedZones[z]; !(v >= MinSpeedKmh) || v > MaxSpeedKmh {
			return fmt.Errorf("maxspeed_zones.%s: %v km/h is out of range (want %v to %v km/h)", z, v, MinSpeedKmh, MaxSpeedKmh)
		}
	}
	for _, c := range p.ControlledClasses {
		if _, ok := graph.ParseClass(c); !ok {
			return fmt.Errorf("controlled_classes: unknown highway class %q", c)
		}
	}
	if p.MinComponentNodes < 0 {
		return fmt.Errorf("min_component_nodes: %d is negative (want 0 or a node count)", p.MinComponentNodes)
	}
	if !(p.MaxSnapMetres > 0) || p.MaxSnapMetres > MaxSnapMetres {
		return fmt.Errorf("max_snap_m: %v is out of range (want more than 0 and at most %v metres)", p.MaxSnapMetres, MaxSnapMetres)
	}
	return nil
}

// Hash identifies the profile's effect on a graph: two profiles with equal
// hashes build equal graphs from equal extracts.
func (p *Profile) Hash() [32]byte {
	b, _ := json.Marshal(p) // maps marshal with sorted keys
	return sha256.Sum256(b)
}

// Controlled reports whether class c is controlled-access.
func (p *Profile) Controlled(c string) bool {
	for _, x := range p.ControlledClasses {
		if x == c {
			return true
		}
	}
	return false
}

// SnapOptions returns the graph snapping options the profile implies.
func (p *Profile) SnapOptions() graph.SnapOptions {
	return graph.SnapOptions{MaxDist: p.MaxSnapMetres, MinComponent: int32(p.MinComponentNodes)}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
