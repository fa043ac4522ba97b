package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/scenarios"
)

// study is a loaded study file with its paths resolved.
type study struct {
	path string
	scenarios.Study
}

// loadStudy reads a study YAML file; unknown keys are errors. Paths inside
// it are relative to the file.
func loadStudy(path string) (*study, error) {
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return nil, usagef("study %s: %v", path, err)
	}
	st := &study{path: path}
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
	for k, p := range s.ControlLines {
		rel(&p)
		s.ControlLines[k] = p
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

// baseNetwork loads the study's base graph and profile.
func (st *study) baseNetwork(e *env) (scenarios.Network, osm.Profile, error) {
	prof, err := loadProfile(st.Base.Profile)
	if err != nil {
		return scenarios.Network{}, prof, err
	}
	src := st.Base.Graph
	if src == "" {
		src = st.Base.Extract
	}
	g, err := loadGraph(e, src, prof, st.Base.Profile != "")
	if err != nil {
		return scenarios.Network{}, prof, err
	}
	return scenarios.Network{Graph: g, Speeds: prof.Speeds}, prof, nil
}

// applyAll applies every alternative; errors name the study file.
func (st *study) applyAll(base scenarios.Network) ([]*scenarios.Result, error) {
	out := make([]*scenarios.Result, len(st.Alternatives))
	var errs []error
	for i, a := range st.Alternatives {
		r, err := scenarios.Apply(base, a)
		if err != nil {
			errs = append(errs, fmt.Errorf("study %s: %w", st.path, err))
			continue
		}
		out[i] = r
	}
	return out, errors.Join(errs...)
}

// checkAll checks every edit of every valid alternative against the
// control lines (nil when there are none to check).
func checkAll(ctl *controls, results []*scenarios.Result) [][]editCheck {
	if ctl == nil {
		return nil
	}
	out := make([][]editCheck, len(results))
	for i, r := range results {
		if r == nil {
			continue
		}
		for j := range r.Reports {
			out[i] = append(out[i], ctl.check(&r.Reports[j]))
		}
	}
	return out
}

// studyExtract is the extract a study's places and control lines come from.
func (st *study) extract() (string, error) {
	if st.Base.Extract != "" {
		return st.Base.Extract, nil
	}
	path, _, err := featureSource(&placeFlags{graph: st.Base.Graph})
	return path, err
}

func writeCheck(w io.Writer, st *study, base *graph.Graph, results []*scenarios.Result, ctl *controls, checks [][]editCheck) {
	fmt.Fprintf(w, "study %s: %d alternatives on %s (%d nodes, %d segments)\n",
		st.path, len(st.Alternatives), base.Meta.SourceName, base.NumNodes(), len(base.Segments))
	for i, a := range st.Alternatives {
		r := results[i]
		if r == nil {
			fmt.Fprintf(w, "\n%s: NOT VALID (see the errors below)\n", a.Name)
			continue
		}
		mode := "speed-only: weights over the base topology"
		if r.Rebuilt {
			mode = "topology changed: graph rebuilt"
		}
		fmt.Fprintf(w, "\n%s (%s)\n", a.Name, mode)
		if a.Description != "" {
			fmt.Fprintf(w, "  %s\n", a.Description)
		}
		for j, rep := range r.Reports {
			fmt.Fprintf(w, "  %d. %s: %s\n", rep.Index+1, rep.Kind, rep.Summary)
			for _, warn := range rep.Warnings {
				fmt.Fprintf(w, "     warning: %s\n", warn)
			}
			if checks != nil && checks[i] != nil {
				if t := ctl.text(rep.Kind, checks[i][j]); t != "" {
					fmt.Fprintf(w, "     control lines: %s\n", t)
				}
			}
		}
	}
	if ctl != nil {
		fmt.Fprintf(w, "\ncontrol lines checked:\n")
		for _, s := range ctl.sources() {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
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
			st, err := loadStudy(args[0])
			if err != nil {
				return err
			}
			base, _, err := st.baseNetwork(e)
			if err != nil {
				return err
			}
			results, err := st.applyAll(base)
			var ctl *controls
			if extract, xerr := st.extract(); xerr == nil {
				if ctl, xerr = loadControls(e, st, extract); xerr != nil {
					return xerr
				}
			}
			writeCheck(e.stdout, st, base.Graph, results, ctl, checkAll(ctl, results))
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "\nall alternatives are valid")
			return nil
		},
	}
}
