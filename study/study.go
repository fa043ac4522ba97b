package study

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/osm"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/population"
	"github.com/fastroad/fastroad/scenarios"
)

// ConfigError marks an error in the study or the files it names (the CLI
// exits 2 on it), as opposed to a failure while running.
type ConfigError struct{ Err error }

func (e ConfigError) Error() string { return e.Err.Error() }
func (e ConfigError) Unwrap() error { return e.Err }

func configf(format string, args ...any) error { return ConfigError{fmt.Errorf(format, args...)} }

// Inputs are everything a study needs, loaded by the caller (the CLI reads
// the files; a server or a test may build them in memory).
type Inputs struct {
	Path        string          // the study file, named in messages
	Spec        scenarios.Study // defaults applied, paths resolved
	Base        scenarios.Network
	Profile     osm.Profile
	ProfileName string        // file name of the profile, "" for the shipped one
	Features    *osm.Features // towns and stations; nil when the extract is not read
	Plan        *places.Plan  // the planner's file, nil when none
	Controls    ControlInputs
	// Population are the planner's population sources (first wins per
	// area); Settlements the extract's settlements for the built-in
	// default, nil when the extract is not read.
	Population  []population.Source
	Settlements *population.Settlements
	// Appraisal is the study's appraisal: key, decoded; nil when none.
	Appraisal *AppraisalSpec
}

// Study is a study with every alternative applied and checked against the
// control lines.
type Study struct {
	Inputs
	// Results per alternative (index as Spec.Alternatives); nil where the
	// alternative is invalid.
	Results  []*scenarios.Result
	Controls *Controls
	// Checks[i][j] is the control-line check of edit j of alternative i.
	Checks [][]EditCheck
	opt    places.Options

	surfOnce sync.Once
	surf     *population.Surface
	surfErr  error
	leftOut  float64      // residents outside the study region, removed
	popNotes []plannerPop // what the planner's populations changed
}

// Prepare applies every alternative to the base network and checks each
// edit against the control lines. On invalid alternatives it returns the
// study (for WriteCheck) together with an error naming each one.
func Prepare(in Inputs) (*Study, error) {
	s := &Study{Inputs: in, opt: places.DefaultOptions()}
	s.opt.MinComponent = int32(in.Profile.MinComponentNodes)
	if in.Spec.MinExpresswayKm != 0 {
		s.opt.MinExpresswayKm = in.Spec.MinExpresswayKm
		if err := s.opt.Validate(); err != nil {
			return nil, ConfigError{fmt.Errorf("study %s: %w", in.Path, err)}
		}
	}
	s.Controls = NewControls(in.Controls, in.Spec.RoadWidthM)
	s.Results = make([]*scenarios.Result, len(in.Spec.Alternatives))
	// Alternatives are applied in parallel: each builds its own graph from
	// the base, which it only reads.
	errs := make([]error, len(in.Spec.Alternatives))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, a := range in.Spec.Alternatives {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := scenarios.Apply(in.Base, a)
			if err != nil {
				errs[i] = fmt.Errorf("study %s: %w", in.Path, err)
				return
			}
			s.Results[i] = r
		}()
	}
	wg.Wait()
	s.Checks = make([][]EditCheck, len(s.Results))
	for i, r := range s.Results {
		if r == nil {
			continue
		}
		for j := range r.Reports {
			s.Checks[i] = append(s.Checks[i], s.Controls.Check(&r.Reports[j]))
		}
	}
	return s, errors.Join(errs...)
}

// Network is one network of a study: the base or an alternative.
type Network struct {
	Index    int // 0 base, i+1 alternative i
	Name     string
	Graph    *graph.Graph
	Stations []scenarios.StationEdit
}

// Networks lists the base and every valid alternative, base first.
func (s *Study) Networks() []Network {
	out := []Network{{Name: "base", Graph: s.Base.Graph}}
	for i, a := range s.Spec.Alternatives {
		if r := s.Results[i]; r != nil {
			out = append(out, Network{Index: i + 1, Name: a.Name, Graph: r.Graph, Stations: r.Stations})
		}
	}
	return out
}

// Network returns the network with the given name ("base" or an
// alternative's name).
func (s *Study) Network(name string) (Network, error) {
	var names []string
	for _, n := range s.Networks() {
		if n.Name == name {
			return n, nil
		}
		names = append(names, n.Name)
	}
	return Network{}, configf("study %s: no alternative %q (the study has %v)", s.Path, name, names)
}

// Places detects the places of a network (entrances change with the
// network), applies the planner's file and the alternative's station edits.
// Every planner's place must lie on the network: one that cannot be placed
// is an error naming it.
func (s *Study) Places(n Network) ([]places.Place, error) {
	detected, _ := places.Detect(n.Graph, s.Features, s.opt)
	ps := detected
	if s.Plan != nil {
		known, _ := places.Towns(s.Features, places.Options{Villages: true})
		var err error
		if ps, err = places.Apply(detected, *s.Plan, known); err != nil {
			return nil, ConfigError{err}
		}
		if err := places.CheckPlaced(n.Graph, ps, s.Profile.SnapOptions()); err != nil {
			return nil, ConfigError{fmt.Errorf("study %s: %s: %w", s.Path, n.Name, err)}
		}
	}
	ps, err := withStations(ps, n.Stations, n.Name)
	if err != nil {
		return nil, ConfigError{err}
	}
	return ps, nil
}

// withStations applies an alternative's station edits.
func withStations(ps []places.Place, edits []scenarios.StationEdit, altName string) ([]places.Place, error) {
	if len(edits) == 0 {
		return ps, nil
	}
	out := slices.Clone(ps)
	for _, s := range edits {
		if s.Move {
			i := slices.IndexFunc(out, func(p places.Place) bool {
				return p.ID == s.ID && (p.Kind == places.KindHSRStation || p.Kind == places.KindRailStation)
			})
			if i < 0 {
				return nil, fmt.Errorf("alternative %q: move_station: no station with id %q", altName, s.ID)
			}
			out[i].Lon, out[i].Lat, out[i].Kind = s.Point.Lon, s.Point.Lat, places.KindHSRStation
			out[i].Entries = nil
			out[i].Source = "moved by alternative " + altName
			continue
		}
		if slices.ContainsFunc(out, func(p places.Place) bool { return p.ID == s.ID }) {
			return nil, fmt.Errorf("alternative %q: add_station: id %q is already used", altName, s.ID)
		}
		name := s.Name
		if name == "" {
			name = s.ID
		}
		out = append(out, places.Place{Kind: places.KindHSRStation, ID: s.ID, Name: name, Lon: s.Point.Lon, Lat: s.Point.Lat,
			Source: "added by alternative " + altName})
	}
	places.Sort(out)
	return out, nil
}

// WriteCheck writes what every edit matched and changed, with its
// control-line result.
func (s *Study) WriteCheck(w io.Writer) {
	base := s.Base.Graph
	fmt.Fprintf(w, "study %s: %d alternatives on %s (%d nodes, %d segments)\n",
		s.Path, len(s.Spec.Alternatives), base.Meta.SourceName, base.NumNodes(), len(base.Segments))
	for i, a := range s.Spec.Alternatives {
		r := s.Results[i]
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
			if t := s.Controls.Text(rep.Kind, s.Checks[i][j]); t != "" {
				fmt.Fprintf(w, "     control lines: %s\n", t)
			}
		}
	}
	fmt.Fprintf(w, "\ncontrol lines checked:\n")
	for _, src := range s.Controls.Sources() {
		fmt.Fprintf(w, "  %s\n", src)
	}
}
