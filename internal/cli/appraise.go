package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/fastroad/fastroad/appraisal"
	"github.com/fastroad/fastroad/crs"
	"github.com/fastroad/fastroad/internal/membudget"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/study"
)

var kindOD = inputKind{"OD matrix CSV", 1 << 30} // 1 GiB: a full zone matrix of 10,000 zones is ~2 GB, surveys are far smaller

// decodeAppraisal decodes a study's appraisal: key onto the library's
// Config with viper: every default set key by key (so a study giving only
// purposes.hsr.rate keeps the other hsr defaults), misspelt keys refused
// (UnmarshalExact), OD files and zone polygons read relative to the study
// file, then checked. Errors name the study file and the key.
func decodeAppraisal(path string, raw map[string]any) (*study.AppraisalSpec, error) {
	m := make(map[string]any, len(raw))
	for k, v := range raw {
		m[k] = v
	}
	// Sources are keyed by dotted key paths, which viper splits into
	// nested maps: take them apart and flatten them back.
	sources := map[string]string{}
	if v, ok := m["sources"]; ok {
		delete(m, "sources")
		if err := flattenSources(sources, "", v); err != nil {
			return nil, usagef("study %s: appraisal.sources: %v", path, err)
		}
	}
	v := viper.New()
	for k, d := range study.AppraisalDefaultKeys() {
		v.SetDefault(k, d)
	}
	if err := v.MergeConfigMap(m); err != nil {
		return nil, usagef("study %s: appraisal: %v", path, err)
	}
	spec := &study.AppraisalSpec{}
	if err := v.UnmarshalExact(spec); err != nil {
		return nil, usagef("study %s: appraisal: %v", path, err)
	}
	spec.Sources = sources
	dir := filepath.Dir(path)
	rel := func(p string) string {
		if p != "" && !filepath.IsAbs(p) {
			return filepath.Join(dir, p)
		}
		return p
	}
	names := make([]string, 0, len(spec.Purposes))
	for n := range spec.Purposes {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		pu := spec.Purposes[n]
		if pu.ODFile == "" {
			continue
		}
		pu.ODFile = rel(pu.ODFile)
		key := fmt.Sprintf("study %s: appraisal.purposes.%s.od_file", path, n)
		data, err := readInput(pu.ODFile, kindOD)
		if err != nil {
			return nil, usagef("%s: %v", key, err)
		}
		rows, err := appraisal.ParseOD(bytes.NewReader(data))
		if err != nil {
			return nil, usagef("%s: %s: %v", key, pu.ODFile, err)
		}
		if len(rows) == 0 {
			return nil, usagef("%s: %s: no rows: want from,to,trips_per_day lines", key, pu.ODFile)
		}
		pu.OD = rows
		spec.Purposes[n] = pu
	}
	if spec.Zones != "" {
		spec.Zones = rel(spec.Zones)
		key := fmt.Sprintf("study %s: appraisal.zones", path)
		sys := crs.WGS84
		if spec.ZonesCRS != "" {
			var err error
			if sys, err = crs.ParseSystem(spec.ZonesCRS); err != nil {
				return nil, usagef("study %s: appraisal.zones_crs: %v", path, err)
			}
		}
		if ext := strings.ToLower(filepath.Ext(spec.Zones)); ext != ".geojson" && ext != ".json" {
			return nil, usagef("%s: %s: want a .geojson file of polygons with residents", key, spec.Zones)
		}
		data, err := readInput(spec.Zones, kindControls)
		if err != nil {
			return nil, usagef("%s: %v", key, err)
		}
		if spec.ZoneAreas, err = population.ReadPolygons(filepath.Base(spec.Zones), data, spec.ZonesProperty, sys); err != nil {
			return nil, usagef("%s: %v", key, err)
		}
		if len(spec.ZoneAreas) == 0 {
			return nil, usagef("%s: %s: no polygons", key, spec.Zones)
		}
	}
	if err := spec.Check(); err != nil {
		return nil, usagef("study %s: %v", path, err)
	}
	return spec, nil
}

// flattenSources turns viper's nested maps back into dotted keys.
func flattenSources(out map[string]string, prefix string, v any) error {
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			if err := flattenSources(out, key, vv); err != nil {
				return err
			}
		}
	case string:
		out[prefix] = x
	case nil:
	default:
		return fmt.Errorf("%s: %v: want a text citing the source", prefix, v)
	}
	return nil
}

// appraisalInputs are the files the appraisal: key names.
func appraisalInputs(a *study.AppraisalSpec) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, p := range a.Purposes {
		if p.ODFile != "" {
			out = append(out, p.ODFile)
		}
	}
	if a.Zones != "" {
		out = append(out, a.Zones)
	}
	slices.Sort(out)
	return out
}

func init() { register(appraiseCmd) }

func appraiseCmd(e *env) *cobra.Command {
	var out, font string
	var noMaps bool
	c := &cobra.Command{
		Use:   "appraise STUDY.yaml -o OUTDIR",
		Short: "Run a study's benefit appraisal (demand, traffic, costs, ENPV/EBCR/EIRR) and write its files",
		Long: `Run the study's appraisal: key only (no isochrones): trips of every purpose
from zones of the population surface (or the planner's polygons), assigned
all-or-nothing on the base and on every alternative; time, operating cost and
accident savings against the base; costs from the study's unit costs and the
alternatives' edits (or the totals given); ENPV, EBCR, EIRR, payback year and
first-year return; sensitivity and incremental comparisons.

OUTDIR gets:
  appraisal.csv, appraisal.json  one row per alternative: enpv, ebcr, eirr, payback_year, ...
  cashflow.csv                   per alternative and year: costs, benefits, net,
                                 discount_factor and every item (ENPV, EBCR and
                                 EIRR recompute from it alone; discounted to base_year)
  sensitivity.csv                costs +10/+20%, benefits -10/-20%, growth, value
                                 of time, discount rate 6/8/10%
  incremental.csv                each alternative against the next cheaper one
  assumptions.csv                every value used, with its source
  new-roads.csv                  opening-year AADT per new or upgraded road
  appraisal-savings.csv          savings by purpose, county and urban/rural
  traffic-totals-<network>.csv   vehicles, vehicle-km and hours per day
  zones.csv                      the zones: residents, centre, county, urban
  flows-<network>.geojson        opening-year AADT per loaded segment
  flows-<alt>.png                the flows drawn by width, new roads highlighted
Output is byte-identical on rerun; OUTDIR rules as for compare.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				return usagef("appraise: -o OUTDIR is required")
			}
			return runAppraise(e, args[0], out, font, noMaps)
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "folder to write")
	c.Flags().BoolVar(&noMaps, "no-maps", false, "skip the flow maps")
	c.Flags().StringVar(&font, "font", "", "TTF/OTF/TTC font for map labels (default: a system font with CJK glyphs if one is installed)")
	return c
}

func runAppraise(e *env, studyPath, out, font string, noMaps bool) error {
	var extra []string
	if font != "" {
		extra = append(extra, font)
	}
	r, err := startStudyRun(e, studyPath, out, extra, func(st *studyFile) error {
		if st.appraisal == nil {
			return usagef("appraise: study %s has no appraisal: key (see docs/appraise-wire.md)", studyPath)
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer r.folder.Abort()
	s, logf := r.s, r.logf
	opt := study.AppraiseOptions{NoMaps: noMaps, Log: logf}
	need, what := s.EstimateAppraisalMemory(0)
	if err := membudget.Check(need, e.maxMemory, "appraise ("+what+")", "--max-memory"); err != nil {
		return err
	}
	if !noMaps {
		if opt.Font, err = mapFont(font); err != nil {
			return err
		}
	}
	if err := e.checkpoint("evaluate"); err != nil {
		return err
	}
	a, err := s.Appraise(e.ctx, opt)
	if err != nil {
		return err
	}
	if err := r.write(e, out, a.Files); err != nil {
		return err
	}
	for _, alt := range a.Result.Alternatives {
		in := alt.Indicators
		eirr := "none"
		if in.EIRROK {
			eirr = fmt.Sprintf("%.1f%%", in.EIRR*100)
		}
		fmt.Fprintf(e.stdout, "%-28s ENPV %12.1f M CNY  EBCR %6.2f  EIRR %s\n", alt.Name, in.ENPV/1e6, in.EBCR, eirr)
	}
	return nil
}
