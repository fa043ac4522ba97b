package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/fastroad/fastroad/controllines"
	"github.com/fastroad/fastroad/crs"
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/report"
	"github.com/fastroad/fastroad/scenarios"
	"github.com/fastroad/fastroad/study"
)

// studyFile is a loaded study file with its paths resolved.
type studyFile struct {
	path string
	scenarios.Study
	appraisal *study.AppraisalSpec // the appraisal: key, decoded; nil when none
}

// loadStudy reads a study YAML file; unknown keys are errors. Paths inside
// it are relative to the file.
func loadStudy(path string) (*studyFile, error) {
	data, err := readInput(path, kindStudy)
	if err != nil {
		return nil, usageError{err}
	}
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, usagef("study %s: %v", path, err)
	}
	st := &studyFile{path: path}
	if err := v.UnmarshalExact(&st.Study); err != nil {
		return nil, usagef("study %s: %v", path, err)
	}
	s := &st.Study
	if s.Base.Extract == "" && s.Base.Graph == "" {
		return nil, usagef("study %s: base: give extract or graph", path)
	}
	if len(s.Alternatives) == 0 {
		return nil, usagef("study %s: alternatives: none given", path)
	}
	seen := map[string]bool{"base": true}
	for i, a := range s.Alternatives {
		name := strings.TrimSpace(a.Name)
		if name == "" {
			return nil, usagef("study %s: alternatives[%d].name: missing", path, i)
		}
		if seen[name] {
			return nil, usagef("study %s: alternatives[%d].name: %q used twice (or is the reserved name base)", path, i, name)
		}
		if strings.ContainsAny(name, `/\:*?"<>| `) {
			return nil, usagef("study %s: alternatives[%d].name: %q must be usable as a file name (no spaces or /\\:*?\"<>|)", path, i, name)
		}
		seen[name] = true
	}
	def := scenarios.DefaultTargets()
	if s.Targets.ExpresswayMinutes == 0 {
		s.Targets.ExpresswayMinutes = def.ExpresswayMinutes
	}
	if s.Targets.TrunkMinutes == 0 {
		s.Targets.TrunkMinutes = def.TrunkMinutes
	}
	if s.Targets.HSRMinutes == 0 {
		s.Targets.HSRMinutes = def.HSRMinutes
	}
	if len(s.Isochrones.Minutes) == 0 {
		s.Isochrones.Minutes = []float64{15, 30, 45, 60}
	}
	if err := checkMinutes(s.Isochrones.Minutes); err != nil {
		return nil, usagef("study %s: isochrones.minutes: %v", path, err)
	}
	if s.Rank == "" {
		s.Rank = "residents_within_30_min_of_entrance"
	}
	ms := report.Measures(s.Isochrones.Minutes)
	if err := s.Validate(scenarios.ValidateOptions{Rank: func(r string) bool { return slices.Contains(ms, r) }, RankNames: ms}); err != nil {
		return nil, usagef("study %s: %v", path, err)
	}
	if s.Isochrones.CellMetres == 0 {
		s.Isochrones.CellMetres = 100
	}
	dir := filepath.Dir(path)
	rel := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	rel(&s.Base.Extract)
	rel(&s.Base.Graph)
	rel(&s.Base.Profile)
	rel(&s.Base.Places)
	for i := range s.Population {
		rel(&s.Population[i].Grid)
		rel(&s.Population[i].Points)
		rel(&s.Population[i].Polygons)
	}
	for k, p := range s.ControlLines {
		rel(&p)
		s.ControlLines[k] = p
	}
	if s.Appraisal != nil {
		if st.appraisal, err = decodeAppraisal(path, s.Appraisal); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// checkMinutes checks isochrone band minutes: positive, increasing, capped.
func checkMinutes(ms []float64) error {
	const maxMinutes = 240
	for i, m := range ms {
		if !(m > 0) || m > maxMinutes {
			return fmt.Errorf("%v minutes: want 0 < minutes <= %d", m, maxMinutes)
		}
		if i > 0 && m <= ms[i-1] {
			return fmt.Errorf("%v after %v: minutes must increase", m, ms[i-1])
		}
	}
	return nil
}

// loadInputs loads everything the study names: profile, base network,
// towns and stations, settlements, the planner's file, control lines and
// population sources. The extract is read once (up to three passes over a
// PBF file) for the graph, places, control areas and settlements.
func (st *studyFile) loadInputs(e *env) (study.Inputs, error) {
	in := study.Inputs{Path: st.path, Spec: st.Study, Appraisal: st.appraisal}
	prof, err := loadProfile(st.Base.Profile)
	if err != nil {
		return in, err
	}
	in.Profile = prof
	if st.Base.Profile != "" {
		in.ProfileName = filepath.Base(st.Base.Profile)
	}
	if st.Base.Places != "" {
		plan, err := readPlan(st.Base.Places)
		if err != nil {
			return in, err
		}
		in.Plan = &plan
	}
	if in.Controls, err = st.readControlLines(); err != nil {
		return in, err
	}
	opt := osm.ExtractOptions{
		Profile:     prof,
		Features:    &osm.FeatureOptions{AdminLevel: 6},
		Settlements: &osm.SettlementOptions{Buildings: true},
	}
	if in.Controls.NeedsDerived() {
		opt.Areas = &osm.AreaOptions{}
	}
	var g *graph.Graph
	extract := st.Base.Extract
	if extract == "" {
		if g, err = loadGraph(e, st.Base.Graph, prof, st.Base.Profile != ""); err != nil {
			return in, err
		}
		var xerr error
		if extract, xerr = st.extract(); xerr != nil {
			if st.Base.Places == "" {
				return in, xerr
			}
			fmt.Fprintf(e.stderr, "warning: %v; towns and stations come from the planner's file only, and residents from the study's population sources\n", xerr)
			in.Base = scenarios.Network{Graph: g, Speeds: prof.Speeds}
			in.Population, err = st.readPopulation(g)
			return in, err
		}
		opt.NoGraph = true
	}
	src, err := newExtractSource(e, extract)
	if err != nil {
		return in, err
	}
	passes := 3
	ex, err := osm.ReadExtract(e.ctx, src.opener("reading", passes), opt)
	src.bar.done()
	if err != nil {
		return in, fmt.Errorf("%s: %w", extract, err)
	}
	sum := src.sum()
	if g == nil {
		g = ex.Graph
		g.Meta.SourceName = filepath.Base(extract)
		copy(g.Meta.SourceSHA256[:], sum)
		g.Meta.ProfileHash = prof.Hash()
	} else if g.Meta.SourceSHA256 != [32]byte{} && !bytes.Equal(sum, g.Meta.SourceSHA256[:]) {
		fmt.Fprintf(e.stderr, "warning: %s is not the extract %s was built from (SHA-256 differs); towns, stations and settlements are taken from it anyway\n", extract, st.Base.Graph)
	}
	in.Base = scenarios.Network{Graph: g, Speeds: prof.Speeds}
	in.Features, in.Controls.Derived, in.Settlements = ex.Features, ex.Areas, ex.Settlements
	in.Population, err = st.readPopulation(g)
	return in, err
}

// readPopulation reads the study's population sources; grids are cropped
// to the network's bounds.
func (st *studyFile) readPopulation(g *graph.Graph) ([]population.Source, error) {
	lo, hi := g.Bounds()
	box := population.Box{lo.Lon, lo.Lat, hi.Lon, hi.Lat}
	var out []population.Source
	for i, ps := range st.Population {
		key := fmt.Sprintf("study %s: population[%d]", st.path, i)
		n := 0
		for _, v := range []string{ps.Grid, ps.Points, ps.Polygons} {
			if v != "" {
				n++
			}
		}
		if n != 1 {
			return nil, usagef("%s: give exactly one of grid, points and polygons", key)
		}
		sys := crs.WGS84
		if ps.CRS != "" {
			var err error
			if sys, err = crs.ParseSystem(ps.CRS); err != nil {
				return nil, usagef("%s.crs: %v", key, err)
			}
		}
		path := ps.Grid + ps.Points + ps.Polygons // exactly one is set
		prop := ps.Property
		if prop == "" {
			prop = population.DefaultPopulationProperty
		}
		ext := strings.ToLower(filepath.Ext(path))
		switch {
		case ps.Grid != "" && !slices.Contains([]string{".tif", ".tiff", ".asc"}, ext):
			return nil, usagef("%s.grid: %s: want a .tif, .tiff or .asc file", key, path)
		case ps.Points != "" && ext != ".csv":
			return nil, usagef("%s.points: %s: want a .csv file (lon,lat,population[,name])", key, path)
		case ps.Polygons != "" && ext != ".geojson" && ext != ".json":
			return nil, usagef("%s.polygons: %s: want a .geojson file", key, path)
		}
		src, _, err := readPopulationSource(path, box, sys, prop)
		if err != nil {
			return nil, usagef("%s: %v", key, err)
		}
		out = append(out, src)
	}
	return out, nil
}

// readControlLines reads the planner's control-line files, in WGS-84.
func (st *studyFile) readControlLines() (study.ControlInputs, error) {
	var ci study.ControlInputs
	sys := crs.WGS84
	if st.ControlLinesCRS != "" {
		var err error
		if sys, err = crs.ParseSystem(st.ControlLinesCRS); err != nil {
			return ci, usagef("study %s: control_lines_crs: %v", st.path, err)
		}
	}
	keys := make([]string, 0, len(st.ControlLines))
	for k := range st.ControlLines {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		path := st.ControlLines[key]
		kind, err := controllines.ParseKind(key)
		if err != nil {
			return ci, usagef("study %s: control_lines.%s: %v (want red, purple, blue or green)", st.path, key, err)
		}
		data, err := readInput(path, kindControls)
		if err != nil {
			return ci, usagef("study %s: control_lines.%s: %v", st.path, key, err)
		}
		l, err := controllines.ReadGeoJSON(bytes.NewReader(data), kind, filepath.Base(path))
		if err != nil {
			return ci, usagef("study %s: control_lines.%s: %s: %v", st.path, key, path, err)
		}
		if sys != crs.WGS84 {
			l.Transform(func(p graph.Point) graph.Point {
				lon, lat := crs.ToWGS84(sys, p.Lon, p.Lat)
				return graph.Point{Lon: lon, Lat: lat}
			})
		}
		ci.Given = append(ci.Given, l)
		ci.Files = append(ci.Files, filepath.Base(path))
	}
	return ci, nil
}

// prepareStudy loads and applies a study: what check, compare, matrix,
// isochrone and population --study share.
func prepareStudy(e *env, path string) (*study.Study, error) {
	st, err := loadStudy(path)
	if err != nil {
		return nil, err
	}
	return st.prepare(e)
}

func (st *studyFile) prepare(e *env) (*study.Study, error) {
	in, err := st.loadInputs(e)
	if err != nil {
		return nil, err
	}
	return study.Prepare(in)
}

// inputFiles are the files the study reads, which no output may replace.
func (st *studyFile) inputFiles() []string {
	out := []string{st.path}
	for _, p := range []string{st.Base.Extract, st.Base.Graph, st.Base.Profile, st.Base.Places} {
		if p != "" {
			out = append(out, p)
		}
	}
	for _, p := range st.ControlLines {
		out = append(out, p)
	}
	for _, p := range st.Population {
		out = append(out, p.Grid+p.Points+p.Polygons)
	}
	return append(out, appraisalInputs(st.appraisal)...)
}

// studyExtract is the extract a study's places and control lines come from.
func (st *studyFile) extract() (string, error) {
	if st.Base.Extract != "" {
		return st.Base.Extract, nil
	}
	return graphExtract(st.Base.Graph, "set base.extract in the study file "+st.path)
}

func init() { register(checkCmd) }

func checkCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "check STUDY.yaml",
		Short: "Validate a study's alternatives and print what each edit matched and changed",
		Long: `Load the study's base network, apply every alternative's edits and print, per
edit, what it matched (ways, km) and what it changed. Errors name the study
file, the alternative, the edit's number and the key. Nothing is written.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			s, err := prepareStudy(e, args[0])
			if s == nil {
				return err
			}
			s.WriteCheck(e.stdout)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "\nall alternatives are valid")
			return nil
		},
	}
}
