package places

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Op is what an Edit does.
type Op string

// Edit operations.
const (
	// OpSet replaces the place the edit matches, or adds it when none does.
	OpSet Op = ""
	// OpAdd adds a place; an existing id is an error.
	OpAdd Op = "add"
	// OpReplace changes the fields the edit gives of the place it matches;
	// no match is an error.
	OpReplace Op = "replace"
	// OpRemove removes the place it matches; no match is an error.
	OpRemove Op = "remove"
)

// ParseOp parses an op name ("" or "set", "add", "replace", "remove").
func ParseOp(s string) (Op, error) {
	switch o := Op(strings.ToLower(strings.TrimSpace(s))); o {
	case OpAdd, OpReplace, OpRemove:
		return o, nil
	case "", "set":
		return OpSet, nil
	}
	return "", fmt.Errorf("unknown op %q (valid: add, replace, remove, set)", s)
}

// Edit is one entry of a planner's file, already parsed; coordinates are
// WGS-84 (the caller converts GCJ-02 and BD-09).
type Edit struct {
	Op                   Op
	Kind                 string // a Kinds value; "" keeps a replaced place's kind
	ID                   string // matches Place.ID; "" matches by Name
	Name, NameZh, NameEn string // Name also matches Name, NameZh or NameEn when ID is ""
	Lon, Lat             float64
	HasPoint             bool // Lon and Lat are given
	Population           int  // < 0: not given
	// Where names the entry for messages and Source, e.g. "plan.yaml:
	// places[2]" or "plan.csv:5".
	Where string
}

func (e *Edit) key() string {
	if e.ID != "" {
		return "id " + e.ID
	}
	return fmt.Sprintf("name %q", e.Name)
}

// Plan is a planner's file: kinds whose detected places are dropped first,
// then edits applied in order.
type Plan struct {
	DropDetected []string
	Edits        []Edit
}

// EditError is an edit that cannot be applied.
type EditError struct {
	Where string // Edit.Where
	Key   string // "id X" or `name "X"`
	Err   error
}

func (e *EditError) Error() string { return fmt.Sprintf("%s (%s): %v", e.Where, e.Key, e.Err) }
func (e *EditError) Unwrap() error { return e.Err }

// Validate checks a plan on its own: known kinds, points in range, and no
// id (or id-less name) given twice.
func (p *Plan) Validate() error {
	for _, k := range p.DropDetected {
		if !ValidKind(k) {
			return fmt.Errorf("drop_detected: unknown kind %q (valid: %s)", k, strings.Join(Kinds, ", "))
		}
	}
	seen := map[string]string{}
	for i := range p.Edits {
		e := &p.Edits[i]
		bad := func(format string, args ...any) error {
			return &EditError{Where: e.Where, Key: e.key(), Err: fmt.Errorf(format, args...)}
		}
		if e.ID == "" && e.Name == "" {
			return &EditError{Where: e.Where, Key: "no id", Err: fmt.Errorf("give an id or a name")}
		}
		if e.Kind != "" && !ValidKind(e.Kind) {
			return bad("unknown kind %q (valid: %s)", e.Kind, strings.Join(Kinds, ", "))
		}
		if e.HasPoint && (math.IsNaN(e.Lon) || math.IsNaN(e.Lat) || e.Lon < -180 || e.Lon > 180 || e.Lat < -90 || e.Lat > 90) {
			return bad("lon,lat %v,%v out of range (WGS-84 degrees, lon first)", e.Lon, e.Lat)
		}
		if e.Op == OpAdd && e.Kind == "" {
			return bad("add needs a kind (%s)", strings.Join(Kinds, ", "))
		}
		if e.Population > 100_000_000 {
			return bad("population %d is not plausible", e.Population)
		}
		k := e.key()
		if prev, ok := seen[k]; ok {
			return bad("duplicate: %s also has %s", prev, k)
		}
		seen[k] = e.Where
	}
	return nil
}

// Apply returns the places after plan: detected places of the kinds in
// DropDetected are dropped, then each edit is applied in order. Known
// lists further places (villages, say) an add without coordinates may take
// its position, names and population from, by name. The result is sorted.
func Apply(detected []Place, plan Plan, known []Place) ([]Place, error) {
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	var ps []Place
	for _, p := range detected {
		if !slices.Contains(plan.DropDetected, p.Kind) {
			ps = append(ps, p)
		}
	}
	for i := range plan.Edits {
		e := &plan.Edits[i]
		fail := func(format string, args ...any) error {
			return &EditError{Where: e.Where, Key: e.key(), Err: fmt.Errorf(format, args...)}
		}
		idx, err := match(ps, e)
		if err != nil {
			return nil, fail("%v", err)
		}
		op := e.Op
		if op == OpSet {
			op = OpReplace
			if idx < 0 {
				op = OpAdd
			}
		}
		switch op {
		case OpRemove:
			if idx < 0 {
				return nil, fail("remove: no such place")
			}
			ps = slices.Delete(ps, idx, idx+1)
		case OpReplace:
			if idx < 0 {
				return nil, fail("replace: no such place (use op add to add one)")
			}
			p := &ps[idx]
			prev := p.Source
			setFields(p, e)
			p.Source = fmt.Sprintf("planner %s (replaces: %s)", e.Where, prev)
		case OpAdd:
			if e.ID != "" && idx >= 0 {
				return nil, fail("add: id already used by %s %s (%s); use op replace", ps[idx].Kind, ps[idx].Label(), ps[idx].Source)
			}
			p := Place{Kind: e.Kind, ID: e.ID, Population: 0}
			if p.ID == "" {
				p.ID = e.Name
			}
			p.Source = "planner " + e.Where
			if !e.HasPoint {
				k, err := lookup(known, e.Name)
				if err != nil {
					return nil, fail("add: no lon,lat given and %v", err)
				}
				p.Name, p.NameZh, p.NameEn = k.Name, k.NameZh, k.NameEn
				p.Lon, p.Lat, p.Population = k.Lon, k.Lat, k.Population
				p.Source += fmt.Sprintf(" (position of %s)", k.ID)
			}
			setFields(&p, e)
			if p.Kind == KindTown && p.Population == 0 && e.Population < 0 {
				p.Source += "; no population given"
			}
			ps = append(ps, p)
		}
	}
	Sort(ps)
	return ps, nil
}

// setFields copies the fields e gives onto p.
func setFields(p *Place, e *Edit) {
	if e.Kind != "" {
		p.Kind = e.Kind
	}
	if e.Name != "" {
		p.Name = e.Name
	}
	if e.NameZh != "" {
		p.NameZh = e.NameZh
	}
	if e.NameEn != "" {
		p.NameEn = e.NameEn
	}
	if e.HasPoint {
		// A planner's point replaces detected ramp starts, unless it is the
		// place's own point given back (a places.csv edited and reused).
		if math.Abs(p.Lon-e.Lon) > 2e-7 || math.Abs(p.Lat-e.Lat) > 2e-7 {
			p.Entries = nil
		}
		p.Lon, p.Lat = e.Lon, e.Lat
	}
	if e.Population >= 0 {
		p.Population = e.Population
	}
}

// match finds the place an edit means: by id, else by name (any of Name,
// NameZh, NameEn). With a kind, a name matches places of that kind first,
// then of the same family (hsr_station and rail_station are one), never
// others. It returns -1 for none and an error when a name is ambiguous.
func match(ps []Place, e *Edit) (int, error) {
	if e.ID != "" {
		for i := range ps {
			if ps[i].ID == e.ID {
				return i, nil
			}
		}
		return -1, nil
	}
	var hits []int
	for i := range ps {
		p := &ps[i]
		if p.Name == e.Name || p.NameZh == e.Name || p.NameEn == e.Name {
			hits = append(hits, i)
		}
	}
	if e.Kind != "" {
		same := slices.DeleteFunc(slices.Clone(hits), func(i int) bool { return ps[i].Kind != e.Kind })
		if len(same) == 0 {
			same = slices.DeleteFunc(slices.Clone(hits), func(i int) bool { return family(ps[i].Kind) != family(e.Kind) })
		}
		hits = same
	}
	switch len(hits) {
	case 0:
		return -1, nil
	case 1:
		return hits[0], nil
	}
	var c []string
	for _, i := range hits {
		c = append(c, ps[i].Kind+" "+ps[i].ID)
	}
	return -1, fmt.Errorf("name matches %d places (%s); give the id or the kind", len(hits), strings.Join(c, ", "))
}

func family(kind string) string {
	if kind == KindHSRStation || kind == KindRailStation {
		return "station"
	}
	return kind
}

func lookup(known []Place, name string) (*Place, error) {
	var hit *Place
	for i := range known {
		p := &known[i]
		if name != "" && (p.Name == name || p.NameZh == name || p.NameEn == name) {
			if hit != nil {
				return nil, fmt.Errorf("name %q matches several places in the extract (%s, %s)", name, hit.ID, p.ID)
			}
			hit = p
		}
	}
	if hit == nil {
		return nil, fmt.Errorf("no place named %q in the extract", name)
	}
	return hit, nil
}
