package report

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/fastroad/fastroad/appraisal"
	"github.com/fastroad/fastroad/graph"
)

// Study is what the written report says about the study as a whole.
type Study struct {
	Name, Description string
	Source            string // extract name
	Profile           string // profile description
	Rank              string
	Targets           Targets
	Minutes           []float64
	Files             []string // outputs, for the list at the end
	Method            []string // notes on method and assumptions
	MethodZH          []string // the same in Chinese
	People            *People  // residents on the grid; nil without a surface
	Limit             float64  // minutes the grids are filled to
	// Appraisal is the benefit appraisal; nil when the study has none.
	Appraisal *appraisal.Result
}

// WriteMarkdown writes the human-readable report.
func WriteMarkdown(w io.Writer, st Study, base *Outcome, alts []*Alternative, summary []Row, ranks map[string]int) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# %s\n\n", st.Name)
	if st.Description != "" {
		p("%s\n\n", strings.TrimSpace(st.Description))
	}
	p("Network: %s (map data © OpenStreetMap contributors, ODbL). Speeds: %s.\n\n", st.Source, st.Profile)
	p("Targets: expressway entrance within %g min, ordinary trunk road within %g min, HSR station within %g min.\n\n",
		st.Targets.ExpresswayMinutes, st.Targets.TrunkMinutes, st.Targets.HSRMinutes)

	p("## Ranking\n\nBy %s (change against today).\n\n", strings.ReplaceAll(st.Rank, "_", " "))
	p("| rank | alternative | %s | towns within %g min of an entrance | towns within %g min of HSR | mean min to entrance (weighted by town population) | mean min to HSR (weighted by town population) |\n|---|---|---|---|---|---|---|\n",
		strings.ReplaceAll(st.Rank, "_", " "), st.Targets.ExpresswayMinutes, st.Targets.HSRMinutes)
	bs := Summary(&Alternative{Outcome: base}, nil, st.Targets, st.Minutes)
	p("| | today | %s | %s | %s | %s | %s |\n", format(val(bs, st.Rank)), format(val(bs, "towns_meeting_expressway_target")), format(val(bs, "towns_meeting_hsr_target")),
		format(val(bs, "mean_minutes_to_entrance")), format(val(bs, "mean_minutes_to_hsr")))
	order := make([]*Alternative, len(alts))
	copy(order, alts)
	for i := 0; i < len(order); i++ {
		for j := i + 1; j < len(order); j++ {
			if ranks[order[j].Name] < ranks[order[i].Name] {
				order[i], order[j] = order[j], order[i]
			}
		}
	}
	for _, a := range order {
		s := summaryOf(summary, a.Name)
		p("| %d | %s | %s | %s | %s | %s | %s |\n", ranks[a.Name], a.Name, withChange(s, st.Rank),
			withChange(s, "towns_meeting_expressway_target"), withChange(s, "towns_meeting_hsr_target"),
			withChange(s, "mean_minutes_to_entrance"), withChange(s, "mean_minutes_to_hsr"))
	}
	p("\nPopulation counts the towns' population tags (or the planner's file); towns without a figure count 0. Mean minutes are weighted by those town figures (a town without one counts 1).\n\n")
	var ties, none []string
	for i, a := range order {
		if i > 0 && ranks[a.Name] == ranks[order[i-1].Name] {
			ties = append(ties, fmt.Sprintf("%s and %s share rank %d", order[i-1].Name, a.Name, ranks[a.Name]))
		}
		if s := summaryOf(summary, a.Name); s != nil && ChangesNothing(s) {
			none = append(none, a.Name)
		}
	}
	if len(ties) > 0 {
		p("Ties: %s (equal on the ranking measure and on both mean times).\n\n", strings.Join(ties, "; "))
	}
	if len(none) > 0 {
		p("No summary measure changes (at the precision printed) for: %s; savings.csv has any smaller change.\n\n", strings.Join(none, ", "))
	}

	peopleMarkdown(p, st, base, alts, order)

	p("## What changes for each town\n\n")
	for _, a := range order {
		p("### %s\n\n", a.Name)
		if a.Description != "" {
			p("%s\n\n", strings.TrimSpace(a.Description))
		}
		for _, e := range a.Edits {
			p("- %s\n", e)
		}
		for _, wn := range a.Warnings {
			p("- warning: %s\n", wn)
		}
		if len(a.Conflicts) > 0 {
			var parts []string
			for _, f := range a.Conflicts {
				if s := format(f.Value); s != "" && s != "0" {
					parts = append(parts, fmt.Sprintf("%s %s", strings.ReplaceAll(f.Key, "_", " "), s))
				}
			}
			if len(parts) > 0 {
				p("- control lines: %s\n", strings.Join(parts, "; "))
			} else {
				p("- control lines: no conflict found\n")
			}
		}
		p("\n")
		var lines []string
		for i := range a.Rows {
			r := &a.Rows[i]
			br := findRow(base, r.Town.ID)
			if br == nil {
				continue
			}
			for _, m := range []struct {
				what      string
				now, then uint32
				target    float64
			}{
				{"the nearest expressway entrance", r.ToEntrance, br.ToEntrance, st.Targets.ExpresswayMinutes},
				{"the HSR station", r.ToHSR, br.ToHSR, st.Targets.HSRMinutes},
			} {
				if line := changeLine(r.Town.Label(), m.what, m.then, m.now, m.target); line != "" {
					lines = append(lines, line)
				}
			}
		}
		if len(lines) == 0 {
			p("No town's time to an entrance or the HSR station changes by 0.1 min or more.\n\n")
		} else {
			for _, l := range lines {
				p("- %s\n", l)
			}
			p("\n")
		}
	}

	p("## Towns today\n\n| town | population | min to HSR | min from HSR | nearest entrance | min to entrance | min to trunk road | targets met |\n|---|---|---|---|---|---|---|---|\n")
	for i := range base.Rows {
		r := &base.Rows[i]
		e, t, h := st.Targets.Meets(r)
		var met []string
		if e {
			met = append(met, "expressway")
		}
		if t {
			met = append(met, "trunk")
		}
		if h {
			met = append(met, "HSR")
		}
		ent := "none reachable"
		if r.Entrance != nil {
			ent = r.Entrance.Label()
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Town.Label(), popText(r.Town.Population), minText(r.ToHSR), minText(r.FromHSR), ent,
			minText(r.ToEntrance), minText(r.ToOrdinary), strings.Join(met, ", "))
	}
	writeAppraisalSection(&b, st.Appraisal)
	p("\n## Method\n\n")
	for _, m := range st.Method {
		p("- %s\n", m)
	}
	p("\n## Files\n\n")
	for _, f := range st.Files {
		p("- `%s`\n", f)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func val(r Row, k string) any { v, _ := r.Get(k); return v }

func summaryOf(rows []Row, name string) Row {
	for _, r := range rows {
		if v, _ := r.Get("alternative"); v == name {
			return r
		}
	}
	return nil
}

func withChange(r Row, k string) string {
	v, _ := r.Get(k)
	c, _ := r.Get(k + "_change")
	s := format(v)
	if s == "" {
		return "–"
	}
	if cs := format(c); cs != "" && num(c) != 0 {
		if num(c) > 0 {
			cs = "+" + cs
		}
		s += " (" + cs + ")"
	}
	return s
}

func minText(ms uint32) string {
	if ms == graph.Inf {
		return "unreachable"
	}
	return fmt.Sprintf("%.1f", float64(ms)/60000)
}

func popText(p int) string {
	if p == 0 {
		return "unknown"
	}
	return fmt.Sprint(p)
}

// changeLine says how one time changed, or "" when it changed by < 0.1 min.
func changeLine(town, what string, before, after uint32, target float64) string {
	switch {
	case before == graph.Inf && after == graph.Inf:
		return ""
	case after == graph.Inf:
		return fmt.Sprintf("**%s can no longer reach %s** (%.1f min today)", town, what, float64(before)/60000)
	case before == graph.Inf:
		return fmt.Sprintf("%s now reaches %s in %.1f min (unreachable today)", town, what, float64(after)/60000)
	}
	b, a := float64(before)/60000, float64(after)/60000
	if math.Abs(a-b) < 0.05 {
		return ""
	}
	line := fmt.Sprintf("%s: %.1f → %.1f min to %s (%+.1f min)", town, b, a, what, a-b)
	switch {
	case b > target && a <= target:
		line += fmt.Sprintf("; now within the %g-min target", target)
	case b <= target && a > target:
		line += fmt.Sprintf("; no longer within the %g-min target", target)
	}
	return line
}
