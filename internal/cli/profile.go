package cli

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
)

// loadProfile reads a speed profile YAML file. Keys not given keep the
// shipped default; speeds and maxspeed_zones, when given, replace the whole
// default table (a class not listed is not routable). Unknown keys are errors.
func loadProfile(path string) (osm.Profile, error) {
	p := osm.DefaultProfile()
	if path == "" {
		return p, nil
	}
	data, err := readInput(path, kindProfile)
	if err != nil {
		return p, err
	}
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return p, usagef("profile %s: %v", path, err)
	}
	// viper converts 1.5 to the int 1 without a word: check integers first.
	if v.IsSet("min_component_nodes") {
		raw := v.Get("min_component_nodes")
		if !isWholeNumber(raw) {
			return p, usagef("profile %s: min_component_nodes: %v is not a whole number of nodes (want an integer from 0 to %d)", path, raw, maxComponentNodes)
		}
	}
	var f osm.Profile
	if err := v.UnmarshalExact(&f); err != nil {
		return p, usagef("profile %s: %v (known keys: speeds, use_maxspeed, maxspeed_factor, maxspeed_zones, access_keys, access_deny, controlled_classes, min_component_nodes, max_snap_m)", path, err)
	}
	if v.IsSet("speeds") {
		p.Speeds = f.Speeds
	}
	if v.IsSet("use_maxspeed") {
		p.UseMaxspeed = f.UseMaxspeed
	}
	if v.IsSet("maxspeed_factor") {
		p.MaxspeedFactor = f.MaxspeedFactor
	}
	if v.IsSet("maxspeed_zones") {
		// viper lower-cases keys; zone codes are written "CN:urban".
		p.MaxspeedZones = make(map[string]float64, len(f.MaxspeedZones))
		for k, val := range f.MaxspeedZones {
			if cc, rest, ok := strings.Cut(k, ":"); ok {
				k = strings.ToUpper(cc) + ":" + rest
			}
			p.MaxspeedZones[k] = val
		}
	}
	if v.IsSet("access_keys") {
		p.AccessKeys = f.AccessKeys
	}
	if v.IsSet("access_deny") {
		p.AccessDeny = f.AccessDeny
	}
	if v.IsSet("controlled_classes") {
		p.ControlledClasses = f.ControlledClasses
	}
	if v.IsSet("min_component_nodes") {
		p.MinComponentNodes = f.MinComponentNodes
	}
	if v.IsSet("max_snap_m") {
		p.MaxSnapMetres = f.MaxSnapMetres
	}
	if err := p.Validate(); err != nil {
		return p, usagef("profile %s: %v", path, err)
	}
	return p, nil
}

// maxComponentNodes bounds min_component_nodes (no road network has more
// nodes than an int32 holds).
const maxComponentNodes = math.MaxInt32

// isWholeNumber reports whether a YAML value is an integer in range (YAML
// integers decode as int, 1.0 as a float with no fraction).
func isWholeNumber(v any) bool {
	switch x := v.(type) {
	case int:
		return x >= 0 && x <= maxComponentNodes
	case int64:
		return x >= 0 && x <= maxComponentNodes
	case uint64:
		return x <= maxComponentNodes
	case float64:
		return x == math.Trunc(x) && x >= 0 && x <= maxComponentNodes
	}
	return false
}

// writeProfile prints a profile as YAML that loadProfile reads back.
func writeProfile(w io.Writer, p osm.Profile) error {
	var b strings.Builder
	b.WriteString("# fastroad speed profile (effective values)\n")
	b.WriteString("# speeds: km/h per OSM highway class; a class not listed is not routable\n")
	b.WriteString("speeds:\n")
	for _, c := range graph.ClassNames() {
		if v, ok := p.Speeds[c]; ok {
			fmt.Fprintf(&b, "  %s: %s\n", c, num(v))
		}
	}
	fmt.Fprintf(&b, "use_maxspeed: %v\n", p.UseMaxspeed)
	fmt.Fprintf(&b, "maxspeed_factor: %s\n", num(p.MaxspeedFactor))
	b.WriteString("maxspeed_zones:\n")
	zones := make([]string, 0, len(p.MaxspeedZones))
	for z := range p.MaxspeedZones {
		zones = append(zones, z)
	}
	sort.Strings(zones)
	for _, z := range zones {
		fmt.Fprintf(&b, "  %s: %s\n", strconv.Quote(z), num(p.MaxspeedZones[z]))
	}
	fmt.Fprintf(&b, "access_keys: [%s]\n", strings.Join(p.AccessKeys, ", "))
	fmt.Fprintf(&b, "access_deny: [%s]\n", strings.Join(p.AccessDeny, ", "))
	fmt.Fprintf(&b, "controlled_classes: [%s]\n", strings.Join(p.ControlledClasses, ", "))
	fmt.Fprintf(&b, "min_component_nodes: %d\n", p.MinComponentNodes)
	fmt.Fprintf(&b, "max_snap_m: %s\n", num(p.MaxSnapMetres))
	_, err := io.WriteString(w, b.String())
	return err
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func init() { register(profileCmd) }

func profileCmd(e *env) *cobra.Command {
	var path string
	c := &cobra.Command{
		Use:   "profile [--profile FILE]",
		Short: "Print the effective speed profile (defaults merged with FILE)",
		Long: `Print the speed profile fastroad uses, as YAML that --profile accepts.
Without --profile it prints the shipped default (China road classes).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			p, err := loadProfile(path)
			if err != nil {
				return err
			}
			return writeProfile(e.stdout, p)
		},
	}
	c.Flags().StringVar(&path, "profile", "", "speed profile YAML file")
	return c
}
