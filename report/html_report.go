package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/fastroad/fastroad/appraisal"
	"github.com/fastroad/fastroad/chart"
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/places"
)

// ReportInput is what the approval report (report.html) is built from: the
// comparison's typed results, the names of the map files written beside
// the page, and the reproducibility footer.
type ReportInput struct {
	Lang      i18n.Lang
	Meta      Study
	Base      *Outcome
	Alts      []*Alternative
	Summary   []Row // base first (as study.Comparison.Summary)
	Ranks     map[string]int
	Appraisal *appraisal.Result // nil: no appraisal section
	// Files are the names of the files beside the page; a map is shown
	// when its PNG is among them (names as compare writes them:
	// <network>-to-hsr.png, diff-<alt>-entrance.png, <alt>-change.png).
	Files map[string]bool
	Data  DataSources
	// Chart sets the charts' size, resolution and font (default 7 × 4.2
	// in at 150 dpi; Lang is set from Lang).
	Chart  chart.Options
	Footer Footer
}

// DataSources describe the study's inputs for the "region and data" section.
type DataSources struct {
	Extract       string // file name of the OSM extract
	ExtractSHA256 string // hex
	ExtractDate   string // "" when the extract carries no date
	Profile       string
	ProfileHash   string   // hex, as the graph file's header keeps it
	Population    []string // one line per population source
	CellMetres    float64
	Region        string // counties of the study region, "" for the whole extract
}

// MapName names the PNG files the report looks for beside the page.
func MapName(network, target string) string { return network + "-to-" + target + ".png" }

// DiffMapName names an alternative's difference map file.
func DiffMapName(alt, target string) string { return "diff-" + alt + "-" + target + ".png" }

// ChangeMapName names the map zoomed to what an alternative changes.
func ChangeMapName(alt string) string { return alt + "-change.png" }

// WriteReport writes the approval report; warnings are the charts' (a
// Chinese label without a CJK font).
func WriteReport(w io.Writer, in ReportInput) ([]string, error) {
	p, warns, err := BuildReport(in)
	if err != nil {
		return warns, err
	}
	return warns, WriteHTML(w, p)
}

// BuildReport assembles the approval report's page: the question, region
// and data, each alternative with a map of its change, isochrone and
// difference maps side by side, residents-by-minute curves, access tables
// per county seat and county, the yardsticks, the ranking with ties,
// control-line conflicts, the appraisal when there is one, and the footer.
func BuildReport(in ReportInput) (Page, []string, error) {
	if in.Base == nil {
		return Page{}, nil, fmt.Errorf("report: no base outcome")
	}
	if in.Lang != i18n.ZH && in.Lang != i18n.EN {
		return Page{}, nil, fmt.Errorf("report: language %q: want zh or en", in.Lang)
	}
	b := &builder{ReportInput: in}
	b.Chart.Lang = in.Lang
	if b.Chart.DPI == 0 {
		b.Chart.DPI = 150
	}
	if b.Chart.Width == 0 {
		b.Chart.Width, b.Chart.Height = 7*72, 4.2*72 // vg.Inch = 72
	}
	b.order = rankOrder(in.Alts, in.Ranks)
	b.question()
	b.region()
	b.alternatives()
	b.isochrones()
	b.differences()
	if err := b.curves(); err != nil {
		return Page{}, b.warns, err
	}
	b.access()
	b.yardsticks()
	b.ranking()
	b.controlLines()
	if in.Appraisal != nil {
		if err := b.appraisal(); err != nil {
			return Page{}, b.warns, err
		}
	}
	if in.Lang == i18n.ZH && len(in.Meta.MethodZH) > 0 {
		b.sections = append(b.sections, Section{ID: "method", Title: b.t("section_method"), Paragraphs: in.Meta.MethodZH})
	} else if in.Lang == i18n.ZH && len(in.Meta.Method) > 0 {
		b.sections = append(b.sections, Section{ID: "method", Title: b.t("section_method"), Paragraphs: []string{b.t("method_in_english")}})
	} else if len(in.Meta.Method) > 0 {
		b.sections = append(b.sections, Section{ID: "method", Title: b.t("section_method"), Paragraphs: in.Meta.Method})
	}
	p := Page{Lang: in.Lang, Title: b.t("report_title", in.Meta.Name), Subtitle: b.t("report_subtitle"), Sections: b.sections, Footer: in.Footer}
	return p, b.warns, nil
}

type builder struct {
	ReportInput
	order    []*Alternative // by rank
	sections []Section
	warns    []string
}

func (b *builder) t(key string, args ...any) string { return i18n.T(b.Lang, key, args...) }

// netName is a network's name in the report's language.
func (b *builder) netName(name string) string {
	if name == "base" {
		return b.t("base")
	}
	return name
}

func (b *builder) placeName(p *places.Place) string {
	if p == nil {
		return "–"
	}
	s := i18n.Name(b.Lang, p.Name, p.NameZh, p.NameEn)
	if s == "" {
		return p.ID
	}
	return s
}

func (b *builder) min(ms uint32) string {
	if ms == graph.Inf {
		return b.t("not_reached")
	}
	return i18n.Float(b.Lang, float64(ms)/60000, 1)
}

func (b *builder) num(v float64, digits int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return i18n.Float(b.Lang, v, digits)
}

func (b *builder) signed(v float64, digits int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := i18n.Float(b.Lang, v, digits)
	if v > 0 && s != i18n.Float(b.Lang, 0, digits) {
		s = "+" + s
	}
	return s
}

func (b *builder) add(s Section) { b.sections = append(b.sections, s) }

func rankOrder(alts []*Alternative, ranks map[string]int) []*Alternative {
	order := slices.Clone(alts)
	slices.SortStableFunc(order, func(x, y *Alternative) int { return ranks[x.Name] - ranks[y.Name] })
	return order
}

func (b *builder) question() {
	t := b.Meta.Targets
	s := Section{ID: "question", Title: b.t("section_question")}
	if d := strings.TrimSpace(b.Meta.Description); d != "" {
		s.Paragraphs = append(s.Paragraphs, d)
	}
	s.Paragraphs = append(s.Paragraphs, b.t("question_text", len(b.Alts), t.ExpresswayMinutes, t.TrunkMinutes, t.HSRMinutes))
	if len(b.order) > 0 {
		best := b.order[0]
		s.Paragraphs = append(s.Paragraphs, b.t("answer_best", best.Name, b.measureName(b.Meta.Rank)))
	}
	b.add(s)
}

func (b *builder) region() {
	d := b.Data
	s := Section{ID: "region", Title: b.t("section_region")}
	towns, hsr := 0, []string{}
	for i := range b.Base.Places {
		p := &b.Base.Places[i]
		switch p.Kind {
		case places.KindTown:
			towns++
		case places.KindHSRStation:
			hsr = append(hsr, b.placeName(p))
		}
	}
	date := d.ExtractDate
	if date == "" {
		date = b.t("date_unknown")
	}
	region := d.Region
	if region == "" {
		region = b.t("region_whole_extract")
	}
	rows := [][]string{
		{b.t("data_extract"), d.Extract},
		{b.t("data_extract_date"), date},
		{"SHA-256", d.ExtractSHA256},
		{b.t("profile"), d.Profile},
		{b.t("profile_hash"), d.ProfileHash},
		{b.t("data_region"), region},
		{b.t("data_towns"), i18n.Int(b.Lang, towns)},
		{b.t("legend_hsr_station"), strings.Join(hsr, ", ")},
		{b.t("data_cell"), b.t("metres", b.num(d.CellMetres, 0))},
	}
	if b.Meta.People != nil {
		rows = append(rows, []string{b.t("data_residents"), i18n.People(b.Lang, b.Meta.People.Total)})
	}
	for _, p := range d.Population {
		rows = append(rows, []string{b.t("data_population_source"), p})
	}
	s.Paragraphs = append(s.Paragraphs, b.t("attribution_odbl"))
	s.Tables = append(s.Tables, Table{Caption: b.t("section_data_sources"), Headers: []string{b.t("col_item"), b.t("col_value")}, Rows: rows})
	b.add(s)
}

func (b *builder) alternatives() {
	for i, a := range b.Alts {
		s := Section{ID: fmt.Sprintf("alt%d", i+1), Title: b.t("alternative_named", a.Name)}
		if a.Description != "" {
			s.Paragraphs = append(s.Paragraphs, a.Description)
		}
		mode := b.t("alt_speed_only")
		if a.Rebuilt {
			mode = b.t("alt_rebuilt")
		}
		s.Paragraphs = append(s.Paragraphs, b.t("alt_summary", b.num(a.RoadKm, 1), len(a.Edits), mode))
		var rows [][]string
		for j, e := range a.Edits {
			rows = append(rows, []string{i18n.Int(b.Lang, j+1), e})
		}
		for _, w := range a.Warnings {
			rows = append(rows, []string{"!", w})
		}
		if len(rows) > 0 {
			s.Tables = append(s.Tables, Table{Caption: b.t("alt_edits"), Headers: []string{"#", b.t("col_edit")}, Rows: rows, NumericCols: []int{0}})
		}
		if name := ChangeMapName(a.Name); b.Files[name] {
			s.Figures = append(s.Figures, Figure{Caption: b.t("map_caption_change", a.Name), Src: name})
		}
		b.add(s)
	}
}

var mapTargets = []string{TargetHSR, TargetEntrance}

func (b *builder) isochrones() {
	for _, tgt := range mapTargets {
		s := Section{ID: "iso-" + tgt, Title: b.t("section_isochrones") + ": " + b.t("map_title_to_"+tgt), Columns: 2}
		for _, n := range append([]string{"base"}, names(b.Alts)...) {
			if name := MapName(n, tgt); b.Files[name] {
				s.Figures = append(s.Figures, Figure{Caption: b.netName(n), Alt: b.netName(n) + ": " + b.t("map_title_to_"+tgt), Src: name})
			}
		}
		if len(s.Figures) > 0 {
			s.Paragraphs = append(s.Paragraphs, b.t("isochrones_note"))
			b.add(s)
		}
	}
}

func names(alts []*Alternative) []string {
	out := make([]string, len(alts))
	for i, a := range alts {
		out[i] = a.Name
	}
	return out
}

func (b *builder) differences() {
	s := Section{ID: "differences", Title: b.t("section_differences"), Columns: 2}
	for _, a := range b.Alts {
		for _, tgt := range mapTargets {
			if name := DiffMapName(a.Name, tgt); b.Files[name] {
				s.Figures = append(s.Figures, Figure{Caption: b.t("map_title_diff_"+tgt, a.Name), Src: name})
			}
		}
	}
	if len(s.Figures) > 0 {
		s.Paragraphs = append(s.Paragraphs, b.t("differences_note"))
		b.add(s)
	}
}

// curves draws, per destination kind, the residents (with a population
// surface) or else the town population within each minute: one line per
// network.
func (b *builder) curves() error {
	s := Section{ID: "curves", Title: b.t("section_curves"), Columns: 2}
	all := append([]*Alternative{{Outcome: b.Base}}, b.Alts...)
	residents := b.Base.ResidentCurves != nil
	ylabel, note, prefix := b.t("chart_town_population"), b.t("curves_note"), "chart_curve_"
	if residents {
		ylabel, note, prefix = b.t("chart_residents"), b.t("curves_note_residents"), "chart_residents_curve_"
	}
	for _, tgt := range Destinations {
		var series []chart.Series
		for i, a := range all {
			var y []float64
			if residents {
				y = a.ResidentCurves[tgt]
			} else {
				for _, v := range a.Curves[tgt] {
					y = append(y, float64(v))
				}
			}
			if len(y) < 2 {
				continue
			}
			x := make([]float64, len(y))
			for m := range y {
				x[m] = float64(m)
			}
			series = append(series, chart.Series{Name: b.netName(a.Name), Base: i == 0, X: x, Y: y})
			if len(series) == 12 {
				break
			}
		}
		if len(series) == 0 {
			continue
		}
		png, warns, err := chart.Render(chart.Curves{Title: b.t(prefix + tgt), XLabel: b.t("chart_minutes"), YLabel: ylabel, Series: series}, chart.PNG, b.Chart)
		if err != nil {
			return fmt.Errorf("report: chart of %s: %w", tgt, err)
		}
		b.warns = append(b.warns, warns...)
		s.Figures = append(s.Figures, Figure{Caption: b.t(prefix + tgt), PNG: png})
	}
	if len(s.Figures) > 0 {
		s.Paragraphs = append(s.Paragraphs, note)
		b.add(s)
	}
	return nil
}

func (b *builder) access() {
	t := b.Meta.Targets
	s := Section{ID: "access", Title: b.t("section_access")}
	yes, no := b.t("target_met"), b.t("target_missed")
	mark := func(ok bool) string {
		if ok {
			return yes
		}
		return no
	}
	var rows [][]string
	for i := range b.Base.Rows {
		r := &b.Base.Rows[i]
		e, tr, h := t.Meets(r)
		pop := "–"
		if r.Town.Population > 0 {
			pop = i18n.Count(b.Lang, float64(r.Town.Population)) // 万 in zh
		}
		rows = append(rows, []string{b.placeName(&r.Town), pop, b.min(r.ToHSR), b.min(r.FromHSR), b.placeName(r.Entrance), b.min(r.ToEntrance), b.min(r.ToOrdinary),
			mark(e), mark(tr), mark(h)})
	}
	s.Tables = append(s.Tables, Table{Caption: b.t("access_towns_today"),
		Headers: []string{b.t("col_town"), b.t("col_town_population"), b.t("col_minutes_to_hsr"), b.t("col_minutes_from_hsr"), b.t("col_entrance"),
			b.t("col_minutes_to_entrance"), b.t("col_minutes_to_trunk"),
			b.t("col_target_n", b.t("target_expressway", t.ExpresswayMinutes)), b.t("col_target_n", b.t("target_trunk", t.TrunkMinutes)), b.t("col_target_n", b.t("target_hsr", t.HSRMinutes))},
		Rows: rows, NumericCols: []int{1, 2, 3, 5, 6}})
	// Changes per alternative: one table per destination (one column per
	// alternative), so that five alternatives still fit an A4 page.
	if len(b.Alts) > 0 {
		for _, tgt := range mapTargets {
			hdr := []string{b.t("col_town")}
			var numeric []int
			for _, a := range b.Alts {
				hdr = append(hdr, a.Name)
				numeric = append(numeric, len(hdr)-1)
			}
			var rows [][]string
			for i := range b.Base.Rows {
				br := &b.Base.Rows[i]
				row := []string{b.placeName(&br.Town)}
				for _, a := range b.Alts {
					ar := findRow(a.Outcome, br.Town.ID)
					switch {
					case ar == nil:
						row = append(row, "–")
					case tgt == TargetHSR:
						row = append(row, b.change(br.ToHSR, ar.ToHSR))
					default:
						row = append(row, b.change(br.ToEntrance, ar.ToEntrance))
					}
				}
				rows = append(rows, row)
			}
			s.Tables = append(s.Tables, Table{Caption: b.t("access_change_" + tgt), Headers: hdr, Rows: rows, NumericCols: numeric})
		}
	}
	if p := b.Meta.People; p != nil {
		for _, a := range append([]*Alternative{{Outcome: b.Base}}, b.Alts...) {
			if tab, ok := b.peopleTable(a.Outcome, p); ok {
				s.Tables = append(s.Tables, tab)
			}
		}
	}
	b.add(s)
}

func (b *builder) change(before, after uint32) string {
	switch {
	case before == graph.Inf && after == graph.Inf:
		return b.t("not_reached")
	case after == graph.Inf:
		return b.t("no_longer_reached")
	case before == graph.Inf:
		return b.t("newly_reached_min", b.min(after))
	}
	return b.signed(float64(after)/60000-float64(before)/60000, 1)
}

// peopleTable: residents per group (all, urban, rural, each county) and
// the shares within the expressway and HSR yardsticks.
func (b *builder) peopleTable(o *Outcome, p *People) (Table, bool) {
	ent, hsr := o.Dest[TargetEntrance], o.Dest[TargetHSR]
	if ent == nil || ent.People == nil {
		return Table{}, false
	}
	t := b.Meta.Targets
	var rows [][]string
	for gi, g := range p.Groups() {
		name := g
		switch {
		case g == "all":
			name = b.t("group_all")
		case g == "urban":
			name = b.t("group_urban")
		case g == "rural":
			name = b.t("group_rural")
		case strings.HasPrefix(g, "county:"):
			name = strings.TrimPrefix(g, "county:")
		}
		ea := ent.People.Groups[gi]
		if ea.Total <= 0 && gi > 0 {
			continue // a county of the extract outside the study region
		}
		row := []string{name, i18n.Count(b.Lang, ea.Total),
			b.share(ent.People.Within(gi, t.ExpresswayMinutes), ea.Total), b.num(ea.MeanMinutes, 1)}
		if hsr != nil && hsr.People != nil {
			ha := hsr.People.Groups[gi]
			row = append(row, b.share(hsr.People.Within(gi, t.HSRMinutes), ha.Total), b.num(ha.MeanMinutes, 1))
		} else {
			row = append(row, "–", "–")
		}
		rows = append(rows, row)
	}
	return Table{Caption: b.t("access_people", b.netName(o.Name)),
		Headers: []string{b.t("col_group"), b.t("col_population"), b.t("col_share_within", t.ExpresswayMinutes, b.t("dest_entrance")), b.t("col_mean_min_entrance"),
			b.t("col_share_within", t.HSRMinutes, b.t("dest_hsr")), b.t("col_mean_min_hsr")},
		Rows: rows, NumericCols: []int{1, 2, 3, 4, 5}}, true
}

func (b *builder) share(v, total float64) string {
	if math.IsNaN(v) || total <= 0 {
		return "–"
	}
	return i18n.Percent(b.Lang, v/total, 1)
}

func (b *builder) yardsticks() {
	t := b.Meta.Targets
	s := Section{ID: "yardsticks", Title: b.t("section_yardsticks")}
	s.Paragraphs = append(s.Paragraphs, b.t("yardsticks_note", t.ExpresswayMinutes, t.TrunkMinutes, t.HSRMinutes))
	var rows [][]string
	for _, a := range append([]*Alternative{{Outcome: b.Base}}, b.order...) {
		e, tr, h := 0, 0, 0
		for i := range a.Rows {
			x, y, z := t.Meets(&a.Rows[i])
			e, tr, h = e+b2i(x), tr+b2i(y), h+b2i(z)
		}
		n := len(a.Rows)
		row := []string{b.netName(a.Name), b.frac(e, n), b.frac(tr, n), b.frac(h, n)}
		sh := func(tgt string, m float64) string {
			d := a.Dest[tgt]
			if d == nil || d.People == nil {
				return "–"
			}
			return b.share(d.People.Within(0, m), d.People.All().Total)
		}
		row = append(row, sh(TargetEntrance, t.ExpresswayMinutes), sh(TargetHSR, t.HSRMinutes))
		rows = append(rows, row)
		if a.Outcome == b.Base {
			s.Paragraphs = append(s.Paragraphs,
				b.t("yardstick_expressway", e, n, t.ExpresswayMinutes)+b.t("sentence_sep")+
					b.t("yardstick_trunk", tr, n, t.TrunkMinutes)+b.t("sentence_sep")+b.t("yardstick_hsr", h, n, t.HSRMinutes)+b.t("sentence_end"))
		}
	}
	s.Tables = append(s.Tables, Table{Caption: b.t("yardsticks_table"),
		Headers: []string{b.t("col_network"), b.t("target_expressway", t.ExpresswayMinutes), b.t("target_trunk", t.TrunkMinutes), b.t("target_hsr", t.HSRMinutes),
			b.t("col_share_within", t.ExpresswayMinutes, b.t("dest_entrance")), b.t("col_share_within", t.HSRMinutes, b.t("dest_hsr"))},
		Rows: rows, NumericCols: []int{1, 2, 3, 4, 5}})
	b.add(s)
}

func (b *builder) frac(k, n int) string { return b.t("k_of_n", k, n) }

// measureName names a ranking measure in the report's language.
func (b *builder) measureName(key string) string {
	if i18n.Has("measure_" + key) {
		return b.t("measure_" + key)
	}
	// population_within_M_min_of_T and area_km2_within_M_min_of_T
	for _, pre := range []string{"population_within_", "area_km2_within_", "residents_within_"} {
		if rest, ok := strings.CutPrefix(key, pre); ok {
			m, tgt, ok := strings.Cut(rest, "_min_of_")
			if ok {
				dest := "dest_" + tgt
				if !i18n.Has(dest) {
					break
				}
				return b.t("measure_"+strings.TrimSuffix(pre, "_within_")+"_within", m, b.t(dest))
			}
		}
	}
	return strings.ReplaceAll(key, "_", " ")
}

func (b *builder) ranking() {
	s := Section{ID: "ranking", Title: b.t("section_ranking")}
	rank := b.Meta.Rank
	s.Paragraphs = append(s.Paragraphs, b.t("ranked_by", b.measureName(rank)), b.t("rank_rule"))
	cell := func(r Row, k string, digits int) string {
		v, _ := r.Get(k)
		f := num(v)
		if s := format(v); s == "" || math.IsNaN(f) {
			return "–"
		}
		// People counts: 万 in Chinese, whole people in English.
		count := strings.HasPrefix(k, "residents_") || strings.HasPrefix(k, "population_")
		out := b.num(f, digits)
		if count {
			out = i18n.Count(b.Lang, f)
		}
		if c, ok := r.Get(k + "_change"); ok && num(c) != 0 && !math.IsNaN(num(c)) {
			cs := b.signed(num(c), digits)
			if count {
				cs = i18n.Count(b.Lang, num(c))
				if num(c) > 0 {
					cs = "+" + cs
				}
			}
			out += " (" + cs + ")"
		}
		return out
	}
	var rows [][]string
	base := summaryOf(b.Summary, "base")
	if base != nil {
		rows = append(rows, []string{"", b.netName("base"), cell(base, rank, 1), cell(base, "mean_minutes_to_entrance", 1), cell(base, "mean_minutes_to_hsr", 1),
			cell(base, "towns_meeting_expressway_target", 0), cell(base, "towns_meeting_hsr_target", 0)})
	}
	var ties, none []string
	for i, a := range b.order {
		r := summaryOf(b.Summary, a.Name)
		if r == nil {
			continue
		}
		rows = append(rows, []string{i18n.Int(b.Lang, b.Ranks[a.Name]), a.Name, cell(r, rank, 1), cell(r, "mean_minutes_to_entrance", 1), cell(r, "mean_minutes_to_hsr", 1),
			cell(r, "towns_meeting_expressway_target", 0), cell(r, "towns_meeting_hsr_target", 0)})
		if i > 0 && b.Ranks[a.Name] == b.Ranks[b.order[i-1].Name] {
			ties = append(ties, b.t("rank_tie_pair", b.order[i-1].Name, a.Name, b.Ranks[a.Name]))
		}
		if ChangesNothing(r) {
			none = append(none, a.Name)
		}
	}
	s.Tables = append(s.Tables, Table{Caption: b.t("ranking_table"),
		Headers: []string{b.t("col_rank"), b.t("col_alternative"), b.measureName(rank), b.t("col_mean_min_entrance_towns"), b.t("col_mean_min_hsr_towns"),
			b.t("col_towns_met_n", b.t("target_expressway", b.Meta.Targets.ExpresswayMinutes)), b.t("col_towns_met_n", b.t("target_hsr", b.Meta.Targets.HSRMinutes))},
		Rows: rows, NumericCols: []int{0, 2, 3, 4, 5, 6}})
	if len(ties) > 0 {
		s.Paragraphs = append(s.Paragraphs, b.t("ranking_ties", strings.Join(ties, b.t("list_sep"))))
	} else if len(b.order) > 1 {
		s.Paragraphs = append(s.Paragraphs, b.t("ranking_no_ties"))
	}
	if len(none) > 0 {
		s.Paragraphs = append(s.Paragraphs, b.t("ranking_changes_nothing", strings.Join(none, b.t("list_sep"))))
	}
	b.add(s)
}

var conflictCols = []struct{ key, header string }{
	{"purple_inside_m", "col_purple_m"}, {"purple_crossings", "col_purple_crossings"},
	{"blue_inside_m", "col_blue_m"}, {"blue_crossings", "col_blue_crossings"},
	{"green_area_ha", "col_green_ha"}, {"red_share", "col_red_share_pct"},
}

func (b *builder) controlLines() {
	s := Section{ID: "control-lines", Title: b.t("section_control_lines")}
	hdr := []string{b.t("col_alternative")}
	for _, c := range conflictCols {
		hdr = append(hdr, b.t(c.header))
	}
	var rows [][]string
	hard := false
	for _, a := range b.Alts {
		row := []string{a.Name}
		for _, c := range conflictCols {
			v, ok := a.Conflicts.Get(c.key)
			f := num(v)
			switch {
			case !ok || math.IsNaN(f):
				row = append(row, b.t("not_checked"))
			case c.key == "red_share":
				row = append(row, i18n.Percent(b.Lang, f, 1))
			case strings.HasSuffix(c.key, "_crossings"):
				row = append(row, b.num(f, 0))
				if f > 0 {
					hard = true
				}
			default:
				row = append(row, b.num(f, 1))
				if f > 0 && (strings.HasPrefix(c.key, "purple") || strings.HasPrefix(c.key, "blue")) {
					hard = true
				}
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return
	}
	if hard {
		s.Paragraphs = append(s.Paragraphs, b.t("conflicts_hard"))
	} else {
		s.Paragraphs = append(s.Paragraphs, b.t("conflicts_none"))
	}
	s.Tables = append(s.Tables, Table{Caption: b.t("section_control_lines"), Headers: hdr, Rows: rows, NumericCols: []int{1, 2, 3, 4, 5, 6}})
	b.add(s)
}

func (b *builder) wan(cny float64) string {
	if math.IsNaN(cny) || math.IsInf(cny, 0) {
		return "–"
	}
	return i18n.Float(b.Lang, cny/1e4, 0)
}

func (b *builder) appraisal() error {
	r := b.Appraisal
	s := Section{ID: "appraisal", Title: b.t("section_appraisal")}
	s.Paragraphs = append(s.Paragraphs, b.t("appraisal_frame", r.BaseYear, r.OpeningYear, r.LastYear, i18n.Percent(b.Lang, r.DiscountRate, 1)))
	var rows [][]string
	var bars []chart.Bar
	for _, a := range r.Alternatives {
		in := a.Indicators
		eirr := "–"
		if in.EIRROK {
			eirr = b.num(100*in.EIRR, 1)
		}
		payback := b.t("never")
		if in.PaybackYear > 0 {
			payback = fmt.Sprint(in.PaybackYear)
		}
		feasible := in.ENPV >= 0 && in.EBCR >= 1 && (!in.EIRROK || in.EIRR >= r.DiscountRate)
		verdict := b.t("no")
		if feasible {
			verdict = b.t("yes")
		}
		rows = append(rows, []string{a.Name, b.wan(a.Construction), b.wan(in.PVCosts), b.wan(in.PVBenefits), b.wan(in.ENPV), b.num(in.EBCR, 2), eirr, payback,
			b.num(in.SwitchCostPct, 1), b.num(in.SwitchBenefitPct, 1), verdict})
		bars = append(bars, chart.Bar{Label: a.Name, Value: in.ENPV / 1e4})
	}
	s.Tables = append(s.Tables, Table{Caption: b.t("appraisal_indicators"),
		Headers: []string{b.t("col_alternative"), b.t("col_cost_10k"), b.t("col_pv_costs_10k"), b.t("col_pv_benefits_10k"), b.t("col_enpv_10k"), b.t("col_ebcr"),
			b.t("col_eirr_pct"), b.t("col_payback_year"), b.t("col_switch_cost_pct"), b.t("col_switch_benefit_pct"), b.t("col_feasible")},
		Rows: rows, NumericCols: []int{1, 2, 3, 4, 5, 6, 7, 8, 9}})
	if len(bars) > 0 && len(bars) <= 50 {
		png, warns, err := chart.Render(chart.Bars{Title: b.t("chart_enpv"), YLabel: b.t("col_enpv_10k"), Bars: bars}, chart.PNG, b.Chart)
		if err != nil {
			return fmt.Errorf("report: ENPV chart: %w", err)
		}
		b.warns = append(b.warns, warns...)
		s.Figures = append(s.Figures, Figure{Caption: b.t("chart_enpv"), PNG: png})
	}
	// Traffic on the new roads and hours saved.
	var traffic, saved [][]string
	for _, a := range r.Alternatives {
		for _, nr := range a.NewRoads {
			name := nr.Name
			if nr.Ref != "" {
				name = strings.TrimSpace(nr.Ref + " " + nr.Name)
			}
			if name == "" {
				name = fmt.Sprintf("way %d", nr.WayID)
			}
			traffic = append(traffic, []string{a.Name, name, nr.Class, b.num(nr.Km, 1), b.num(nr.AADTMax, 0), b.num(nr.AADTMean, 0)})
		}
		opening := math.NaN()
		for _, y := range a.CashFlow {
			if y.Year == r.OpeningYear {
				opening = y.Benefits
			}
		}
		for _, sv := range a.Savings {
			if sv.Dimension == "total" {
				saved = append(saved, []string{a.Name, b.num(sv.Vehicles, 0), b.num(sv.VehHours, 1), b.num(sv.PersonHours, 1), b.wan(opening)})
			}
		}
	}
	if len(traffic) > 0 {
		s.Tables = append(s.Tables, Table{Caption: b.t("traffic_on_new_roads"),
			Headers: []string{b.t("col_alternative"), b.t("col_road"), b.t("col_class"), b.t("col_km"), b.t("col_aadt_max"), b.t("col_aadt_mean")},
			Rows:    traffic, NumericCols: []int{3, 4, 5}})
	}
	if len(saved) > 0 {
		s.Tables = append(s.Tables, Table{Caption: b.t("hours_saved"),
			Headers: []string{b.t("col_alternative"), b.t("col_vehicles_day"), b.t("col_veh_hours_day"), b.t("col_person_hours_day"), b.t("col_benefit_year_10k")},
			Rows:    saved, NumericCols: []int{1, 2, 3, 4}})
	}
	b.add(s)

	sens := Section{ID: "sensitivity", Title: b.t("section_sensitivity")}
	var srows [][]string
	for _, a := range r.Alternatives {
		var cases []chart.Case
		central := math.NaN()
		for _, row := range a.Sensitivity {
			eirr := "–"
			if row.EIRROK {
				eirr = b.num(100*row.EIRR, 1)
			}
			srows = append(srows, []string{a.Name, b.caseName(row.Case), b.wan(row.ENPV), b.num(row.EBCR, 2), eirr})
			if row.Case == "base" {
				central = row.ENPV / 1e4
			} else {
				cases = append(cases, chart.Case{Label: b.caseName(row.Case), Low: row.ENPV / 1e4, High: row.ENPV / 1e4})
				// filled in below, once the central value is known
			}
		}
		for i := range cases {
			v := cases[i].Low
			cases[i].Low, cases[i].High = math.Min(v, central), math.Max(v, central)
		}
		if len(cases) > 0 && len(cases) <= 50 && !math.IsNaN(central) {
			png, warns, err := chart.Render(chart.Tornado{Title: b.t("chart_sensitivity", a.Name), XLabel: b.t("col_enpv_10k"), Central: central,
				LowName: b.t("sens_enpv_falls"), HighName: b.t("sens_enpv_rises"), Cases: cases}, chart.PNG, b.Chart)
			if err != nil {
				return fmt.Errorf("report: sensitivity chart of %s: %w", a.Name, err)
			}
			b.warns = append(b.warns, warns...)
			sens.Figures = append(sens.Figures, Figure{Caption: b.t("chart_sensitivity", a.Name), PNG: png})
		}
	}
	if len(srows) > 0 {
		sens.Paragraphs = append(sens.Paragraphs, b.t("sensitivity_note"))
		sens.Tables = append(sens.Tables, Table{Caption: b.t("section_sensitivity"),
			Headers: []string{b.t("col_alternative"), b.t("col_case"), b.t("col_enpv_10k"), b.t("col_ebcr"), b.t("col_eirr_pct")},
			Rows:    srows, NumericCols: []int{2, 3, 4}})
		if len(sens.Figures) > 1 {
			sens.Columns = 2
		}
		b.add(sens)
	}
	if len(r.Assumptions) > 0 {
		as := Section{ID: "assumptions", Title: b.t("section_assumptions")}
		var rows [][]string
		for _, a := range r.Assumptions {
			rows = append(rows, []string{a.Key, a.Value, a.Source})
		}
		as.Tables = append(as.Tables, Table{Caption: b.t("section_assumptions"), Headers: []string{b.t("col_item"), b.t("col_value"), b.t("col_source")}, Rows: rows})
		as.Paragraphs = append(as.Paragraphs, r.Notes...)
		b.add(as)
	}
	return nil
}

// caseName names a sensitivity case of appraisal.Scenarios in the report's
// language ("costs +10%" is 建设投资增加10% in Chinese); an unknown case
// keeps its name.
func (b *builder) caseName(c string) string {
	for _, p := range []struct{ prefix, key string }{
		{"costs +", "case_costs_up"}, {"benefits -", "case_benefits_down"}, {"growth -", "case_growth_down"}, {"growth +", "case_growth_up"},
		{"value of time -", "case_vot_down"}, {"value of time +", "case_vot_up"}, {"discount ", "case_discount"},
	} {
		if rest, ok := strings.CutPrefix(c, p.prefix); ok {
			return b.t(p.key, rest)
		}
	}
	if c == "base" {
		return b.t("case_base")
	}
	return c
}
