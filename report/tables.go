package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/fastroad/fastroad/graph"
)

// Field is one named value of a summary row; rows keep their field order so
// that CSV and JSON output is stable.
type Field struct {
	Key   string
	Value any // string, int, float64 (NaN: empty), bool
}

// Row is an ordered summary row.
type Row []Field

// Get returns a field's value.
func (r Row) Get(key string) (any, bool) {
	for _, f := range r {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// Alternative is an outcome with what the study says about it.
type Alternative struct {
	*Outcome
	Description string
	Rebuilt     bool
	Edits       []string // one summary line per edit
	Warnings    []string
	RoadKm      float64
	Conflicts   Row // control-line figures, may be nil
	// Savings per destination kind against the base (nil without people).
	Savings map[string]*PeopleSavings
}

func minutesOf(ms uint32) float64 {
	if ms == graph.Inf {
		return math.NaN()
	}
	return float64(ms) / 60000
}

// weightedMean is the population-weighted mean of times in minutes over
// reachable towns (towns without population count 1).
func weightedMean(times []uint32, pops []int) float64 {
	var sum, w float64
	for i, t := range times {
		if t == graph.Inf {
			continue
		}
		p := float64(max(pops[i], 1))
		sum += p * float64(t) / 60000
		w += p
	}
	if w == 0 {
		return math.NaN()
	}
	return sum / w
}

// Summary builds the summary row of an alternative (base has no changes).
func Summary(a *Alternative, base *Outcome, t Targets, minutes []float64) Row {
	r := Row{{"alternative", a.Name}, {"description", a.Description}, {"rebuilt", a.Rebuilt}, {"edits", len(a.Edits)},
		{"road_km_changed", round(a.RoadKm, 1)}}
	var toHSR, toEnt []uint32
	var pops []int
	meetsE, meetsT, meetsH, unreachable := 0, 0, 0, 0
	for i := range a.Rows {
		row := &a.Rows[i]
		toHSR = append(toHSR, row.ToHSR)
		toEnt = append(toEnt, row.ToEntrance)
		pops = append(pops, row.Town.Population)
		e, tr, h := t.Meets(row)
		meetsE, meetsT, meetsH = meetsE+b2i(e), meetsT+b2i(tr), meetsH+b2i(h)
		if row.ToHSR == graph.Inf || row.ToEntrance == graph.Inf {
			unreachable++
		}
	}
	r = append(r,
		Field{"towns", len(a.Rows)},
		Field{"towns_cut_off", unreachable},
		Field{"mean_minutes_to_hsr", round(weightedMean(toHSR, pops), 1)},
		Field{"mean_minutes_to_entrance", round(weightedMean(toEnt, pops), 1)},
		Field{"towns_meeting_expressway_target", meetsE},
		Field{"towns_meeting_trunk_target", meetsT},
		Field{"towns_meeting_hsr_target", meetsH},
	)
	for _, tgt := range []string{TargetEntrance, TargetHSR} {
		for i, m := range minutes {
			c := a.Coverage[tgt][i]
			r = append(r, Field{fmt.Sprintf("population_within_%g_min_of_%s", m, tgt), c.Population})
		}
	}
	for _, tgt := range []string{TargetEntrance, TargetHSR} {
		bands := a.EntranceBands
		if tgt == TargetHSR {
			bands = a.HSRBands
		}
		for i, m := range minutes {
			v := math.NaN()
			if i < len(bands) {
				v = round(bands[i].AreaKm2(), 1)
			}
			r = append(r, Field{fmt.Sprintf("area_km2_within_%g_min_of_%s", m, tgt), v})
		}
	}
	// People: residents within each band of every destination kind, the
	// weighted mean minutes, and the national yardsticks as shares.
	for _, tgt := range Destinations {
		d := a.Dest[tgt]
		for _, m := range minutes {
			v := math.NaN()
			if d != nil && d.People != nil {
				v = round(d.People.Within(0, m), 0)
			}
			r = append(r, Field{fmt.Sprintf("residents_within_%g_min_of_%s", m, tgt), v})
		}
		v := math.NaN()
		if d != nil && d.People != nil {
			v = round(d.People.All().MeanMinutes, 1)
		}
		r = append(r, Field{fmt.Sprintf("mean_minutes_to_%s_per_resident", tgt), v})
	}
	r = append(r,
		Field{"share_of_residents_meeting_expressway_target", yardstick(a.Outcome, TargetEntrance, t.ExpresswayMinutes)},
		Field{"share_of_residents_meeting_hsr_target", yardstick(a.Outcome, TargetHSR, t.HSRMinutes)},
		Field{"towns_meeting_centre_target", townsWithin(a.Outcome, TargetCentre, t.CentreMinutes)},
	)
	// Changes against the base for every numeric measure above.
	if base != nil {
		bs := Summary(&Alternative{Outcome: base}, nil, t, minutes)
		n := len(r)
		for _, f := range r[:n] {
			if !isMeasure(f.Key) {
				continue
			}
			bv, _ := bs.Get(f.Key)
			r = append(r, Field{f.Key + "_change", round(num(f.Value)-num(bv), 1)})
		}
	}
	r = append(r, a.Conflicts...)
	return r
}

func isMeasure(k string) bool {
	for _, p := range []string{"mean_", "towns_", "population_", "area_", "residents_", "share_"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// yardstick is the share of residents within m minutes of a destination
// kind, over all residents (NaN without people). Evaluate counts people at
// the target minutes as well as the bands.
func yardstick(o *Outcome, t string, m float64) float64 {
	d := o.Dest[t]
	if d == nil || d.People == nil || d.People.All().Total == 0 {
		return math.NaN()
	}
	return round(d.People.Within(0, m)/d.People.All().Total, 3)
}

// townsWithin counts towns within m minutes of a destination kind, by the
// time of the grid cell each lies in (so the table agrees with the map).
func townsWithin(o *Outcome, t string, m float64) any {
	times := o.TownSeconds[t]
	if times == nil || m <= 0 {
		return math.NaN()
	}
	n := 0
	for _, v := range times {
		if float64(v) <= m*60 {
			n++
		}
	}
	return n
}

// Measures lists the keys a study may rank by: every measure and its change.
func Measures(minutes []float64) []string {
	out := []string{"towns_cut_off", "mean_minutes_to_hsr", "mean_minutes_to_entrance", "towns_meeting_expressway_target", "towns_meeting_trunk_target", "towns_meeting_hsr_target",
		"towns_meeting_centre_target", "share_of_residents_meeting_expressway_target", "share_of_residents_meeting_hsr_target"}
	for _, tgt := range Destinations {
		for _, m := range minutes {
			out = append(out, fmt.Sprintf("residents_within_%g_min_of_%s", m, tgt))
		}
		out = append(out, fmt.Sprintf("mean_minutes_to_%s_per_resident", tgt))
	}
	for _, p := range []string{"population_within_%g_min_of_%s", "area_km2_within_%g_min_of_%s"} {
		for _, tgt := range []string{TargetEntrance, TargetHSR} {
			for _, m := range minutes {
				out = append(out, fmt.Sprintf(p, m, tgt))
			}
		}
	}
	return out
}

// LowerIsBetter reports whether a smaller value of the measure is better.
func LowerIsBetter(key string) bool {
	return strings.Contains(key, "minutes_to") || strings.HasPrefix(key, "towns_cut_off")
}

// Rank orders alternatives by a measure's change against the base, best
// first; ties go to the better change in mean minutes to an entrance, then
// to the HSR station. Alternatives equal on all three share a rank
// (competition ranking: 1, 2, 2, 4), so alternatives that change nothing
// tie instead of being ordered by name. It returns 1-based ranks by name.
func Rank(rows []Row, key string) map[string]int {
	keys := []string{key, "mean_minutes_to_entrance", "mean_minutes_to_hsr"}
	score := func(r Row, k string) float64 {
		v, ok := r.Get(k + "_change")
		if !ok {
			v, _ = r.Get(k)
		}
		f := num(v)
		if LowerIsBetter(k) {
			f = -f
		}
		if math.IsNaN(f) {
			f = math.Inf(-1)
		}
		return f
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	name := func(i int) string { v, _ := rows[i].Get("alternative"); s, _ := v.(string); return s }
	sort.SliceStable(idx, func(a, b int) bool {
		for _, k := range keys {
			if x, y := score(rows[idx[a]], k), score(rows[idx[b]], k); x != y {
				return x > y
			}
		}
		return name(idx[a]) < name(idx[b])
	})
	same := func(a, b int) bool {
		for _, k := range keys {
			if score(rows[a], k) != score(rows[b], k) {
				return false
			}
		}
		return true
	}
	out := map[string]int{}
	for r, i := range idx {
		if r > 0 && same(idx[r-1], i) {
			out[name(i)] = out[name(idx[r-1])]
			continue
		}
		out[name(i)] = r + 1
	}
	return out
}

// ChangesNothing reports whether every measure of a summary row equals the
// base's (all its _change fields are 0 or empty).
func ChangesNothing(r Row) bool {
	for _, f := range r {
		if strings.HasSuffix(f.Key, "_change") {
			if v := num(f.Value); !math.IsNaN(v) && v != 0 {
				return false
			}
		}
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func round(v float64, digits int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

func num(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	case bool:
		return float64(b2i(x))
	}
	return math.NaN()
}

func format(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// WriteCSV writes rows with the first row's keys as header.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if len(rows) == 0 {
		cw.Flush()
		return cw.Error()
	}
	var header []string
	for _, f := range rows[0] {
		header = append(header, f.Key)
	}
	cw.Write(header)
	for _, r := range rows {
		rec := make([]string, len(r))
		for i, f := range r {
			rec[i] = format(f.Value)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes rows as a JSON array of objects, keys in row order, NaN as null.
func WriteJSON(w io.Writer, rows []Row) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[\n")
	for i, r := range rows {
		bw.WriteString("  {")
		for j, f := range r {
			if j > 0 {
				bw.WriteString(", ")
			}
			k, _ := json.Marshal(f.Key)
			bw.Write(k)
			bw.WriteString(": ")
			v := f.Value
			if x, ok := v.(float64); ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
				v = nil
			}
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			bw.Write(b)
		}
		bw.WriteString("}")
		if i+1 < len(rows) {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// TownRows is the per-town table across the base and alternatives.
func TownRows(base *Outcome, alts []*Alternative, t Targets) []Row {
	var out []Row
	all := append([]*Alternative{{Outcome: base}}, alts...)
	for _, a := range all {
		for i := range a.Rows {
			row := &a.Rows[i]
			var br *placesRow
			if a.Outcome != base {
				br = findRow(base, row.Town.ID)
			}
			e, tr, h := t.Meets(row)
			status := "ok"
			if row.ToHSR == graph.Inf || row.ToEntrance == graph.Inf {
				status = "unreachable: " + strings.Join(row.Notes, "; ")
				if len(row.Notes) == 0 {
					status = "unreachable"
				}
			}
			ent := ""
			if row.Entrance != nil {
				ent = row.Entrance.Label()
			}
			hsr := ""
			if row.HSR != nil {
				hsr = row.HSR.Label()
			}
			out = append(out, Row{
				{"alternative", a.Name}, {"town_id", row.Town.ID}, {"town", row.Town.Label()}, {"population", row.Town.Population},
				{"hsr_station", hsr},
				{"minutes_to_hsr", round(minutesOf(row.ToHSR), 1)}, {"change_to_hsr", change(br, row, func(r *placesRow) uint32 { return r.ToHSR })},
				{"minutes_from_hsr", round(minutesOf(row.FromHSR), 1)},
				{"entrance", ent},
				{"minutes_to_entrance", round(minutesOf(row.ToEntrance), 1)}, {"change_to_entrance", change(br, row, func(r *placesRow) uint32 { return r.ToEntrance })},
				{"minutes_to_trunk", round(minutesOf(row.ToOrdinary), 1)},
				{"meets_expressway_target", e}, {"meets_trunk_target", tr}, {"meets_hsr_target", h},
				{"status", status},
			})
		}
	}
	return out
}

func change(br, row *placesRow, get func(*placesRow) uint32) float64 {
	if br == nil {
		return math.NaN()
	}
	a, b := get(row), get(br)
	if a == graph.Inf || b == graph.Inf {
		return math.NaN()
	}
	return round((float64(a)-float64(b))/60000, 1)
}

// CoverageRows lists coverage per alternative, target and band with changes.
func CoverageRows(base *Outcome, alts []*Alternative) []Row {
	var out []Row
	all := append([]*Alternative{{Outcome: base}}, alts...)
	for _, a := range all {
		for _, tgt := range []string{TargetEntrance, TargetHSR} {
			for i, c := range a.Coverage[tgt] {
				bc := base.Coverage[tgt][i]
				out = append(out, Row{{"alternative", a.Name}, {"target", tgt}, {"minutes", c.Minutes},
					{"towns", c.Towns}, {"population", c.Population},
					{"towns_change", c.Towns - bc.Towns}, {"population_change", c.Population - bc.Population}})
			}
		}
	}
	return out
}

// CurveRows lists the cumulative population-vs-minutes curves.
func CurveRows(base *Outcome, alts []*Alternative) []Row {
	var out []Row
	all := append([]*Alternative{{Outcome: base}}, alts...)
	for _, a := range all {
		for _, tgt := range []string{TargetEntrance, TargetHSR} {
			for m, p := range a.Curves[tgt] {
				out = append(out, Row{{"alternative", a.Name}, {"target", tgt}, {"minutes", m}, {"population", p}})
			}
		}
	}
	return out
}
