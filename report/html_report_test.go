package report

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/appraisal"
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/population"
)

// Points of the tiny appraisal network (as appraisal's own tests): A-B-C a
// 60 km/h primary road, D-B a branch, A-X-C a slow road; the alternative
// adds a 100 km/h bypass D-C.
var (
	hA = graph.Point{Lon: -75.60, Lat: 39.00}
	hB = graph.Point{Lon: -75.59, Lat: 39.00}
	hC = graph.Point{Lon: -75.58, Lat: 39.00}
	hD = graph.Point{Lon: -75.59, Lat: 38.995}
	hX = graph.Point{Lon: -75.59, Lat: 38.98}
)

func tinyGraph(t *testing.T, bypass bool) *graph.Graph {
	t.Helper()
	b := graph.NewBuilder()
	add := func(way int64, name string, from, to int64, speed float64, pts ...graph.Point) {
		if err := b.Add(graph.Piece{WayID: way, Name: name, Class: graph.Primary, FromKey: from, ToKey: to,
			Coords: pts, SpeedFwd: speed, SpeedBwd: speed, Added: way < 0}); err != nil {
			t.Fatal(err)
		}
	}
	add(1, "A-B", 1, 2, 60, hA, hB)
	add(2, "B-C", 2, 3, 60, hB, hC)
	add(3, "D-B", 4, 2, 60, hD, hB)
	add(4, "slow", 1, 3, 20, hA, hX, hC)
	if bypass {
		add(-1, "bypass", 4, 3, 100, hD, hC)
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// tinyAppraisal runs the appraisal on the tiny network: residents at A and
// D drive to the entrance at C; the bypass saves D's drivers the detour
// through B.
func tinyAppraisal(t *testing.T) *appraisal.Result {
	t.Helper()
	ps := appraisal.Places{
		Entrances:   []appraisal.Place{{ID: "C", Name: "C interchange", Points: []graph.Point{hC}}},
		HSR:         []appraisal.Place{{ID: "hsr-c", Points: []graph.Point{hC}}},
		CountySeats: []appraisal.Place{{ID: "seat", County: "Kent", Points: []graph.Point{hB}}},
		Centre:      []appraisal.Place{{ID: "centre", Points: []graph.Point{hB}}},
	}
	base := appraisal.Network{Name: "base", Graph: tinyGraph(t, false), Places: ps}
	alt := tinyGraph(t, true)
	alts := []appraisal.Network{{Name: "bypass", Graph: alt, Places: ps}, {Name: "bypass-twin", Graph: alt, Places: ps}}
	zones := []appraisal.Zone{
		{ID: "A", Lon: hA.Lon, Lat: hA.Lat, Residents: 100, County: "Kent", Urban: true},
		{ID: "D", Lon: hD.Lon, Lat: hD.Lat, Residents: 50, County: "Kent"},
	}
	cfg := appraisal.DefaultConfig()
	for k, p := range cfg.Purposes {
		p.Rate *= 50
		cfg.Purposes[k] = p
	}
	cfg.Accident = map[string]float64{"default": 0.1}
	cfg.Costs = map[string]appraisal.AltCosts{
		"bypass":      {Items: []appraisal.CostItem{{Name: "D-C", Total: 1e6}}, ConstructionYears: []int{2027}, Shares: []float64{1}},
		"bypass-twin": {Items: []appraisal.CostItem{{Name: "D-C", Total: 1e6}}, ConstructionYears: []int{2027}, Shares: []float64{1}},
	}
	r, err := appraisal.Run(base, alts, zones, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tinyInput is a comparison by hand: two towns (Testville 123,456 people,
// Chinese name 测试镇), one HSR station; alternatives "bypass" and
// "bypass-twin" tie (rank 1 both); Testville's time to the HSR station
// drops from 10 to 7.5 min (-2.5), to the entrance from 20 to 12 min (-8).
func tinyInput(t *testing.T, lang i18n.Lang, withAppraisal bool) ReportInput {
	t.Helper()
	town := places.Place{Kind: places.KindTown, ID: "node/1", Name: "Testville", NameZh: "测试镇", NameEn: "Testville", Population: 123456}
	small := places.Place{Kind: places.KindTown, ID: "node/2", Name: "Upton", Population: 900}
	hsr := places.Place{Kind: places.KindHSRStation, ID: "node/3", Name: "Test Central", NameZh: "测试中心站"}
	ent := places.Place{Kind: places.KindEntrance, ID: "entrance/4", Name: "Exit 4"}
	ps := []places.Place{town, small, hsr, ent}
	curve := func(scale float64) []int {
		out := make([]int, 61)
		for m := range out {
			out[m] = int(math.Min(124356, scale*float64(m)*3000))
		}
		return out
	}
	outcome := func(name string, toHSR, toEnt uint32, scale float64) *Outcome {
		return &Outcome{Name: name, Places: ps,
			Rows: []places.Row{
				{Town: town, HSR: &hsr, ToHSR: toHSR, FromHSR: toHSR, Entrance: &ent, ToEntrance: toEnt, ToOrdinary: 60000},
				{Town: small, HSR: &hsr, ToHSR: graph.Inf, FromHSR: graph.Inf, ToOrdinary: graph.Inf, ToEntrance: graph.Inf},
			},
			Curves: map[string][]int{TargetHSR: curve(scale), TargetEntrance: curve(scale / 2)},
			Dest:   map[string]*Destination{},
		}
	}
	base := outcome("base", 600000, 1200000, 1)
	alts := []*Alternative{
		{Outcome: outcome("bypass", 450000, 720000, 1.3), Description: "a bypass east of Testville", RoadKm: 1.2, Rebuilt: true,
			Edits: []string{"add_road: 1.2 km"}, Conflicts: Row{{"purple_inside_m", 0.0}, {"purple_crossings", 0.0}, {"blue_inside_m", 120.0}, {"blue_crossings", 1.0},
				{"green_inside_m", math.NaN()}, {"green_area_ha", math.NaN()}, {"red_share", math.NaN()}}},
		{Outcome: outcome("bypass-twin", 450000, 720000, 1.3), RoadKm: 1.2, Rebuilt: true, Edits: []string{"add_road: 1.2 km"}},
	}
	row := func(name string, mean, change float64) Row {
		r := Row{{"alternative", name}, {"mean_minutes_to_hsr", mean}, {"mean_minutes_to_entrance", 12.0}, {"towns_meeting_expressway_target", 1}, {"towns_meeting_hsr_target", 1}}
		if name != "base" {
			r = append(r, Field{"mean_minutes_to_hsr_change", change})
		}
		return r
	}
	in := ReportInput{
		Lang: lang,
		Meta: Study{Name: "Tiny", Description: "Does a bypass help Testville?", Rank: "mean_minutes_to_hsr",
			Targets: Targets{ExpresswayMinutes: 30, TrunkMinutes: 15, HSRMinutes: 60}, Minutes: []float64{15, 30, 60},
			Method: []string{"Travel times are shortest car times."}},
		Base: base, Alts: alts,
		Summary: []Row{row("base", 10, 0), row("bypass", 7.5, -2.5), row("bypass-twin", 7.5, -2.5)},
		Ranks:   map[string]int{"bypass": 1, "bypass-twin": 1},
		Files:   map[string]bool{"base-to-hsr.png": true, "bypass-to-hsr.png": true, "diff-bypass-hsr.png": true, "bypass-change.png": true},
		Data:    DataSources{Extract: "tiny.osm", ExtractSHA256: strings.Repeat("ab", 32), Profile: "shipped", CellMetres: 100},
		Footer:  Footer{Version: "v0.test", Command: "fastroad report tiny.yaml -o out"},
	}
	in.Chart.DPI = 40 // small charts: the test checks content, not looks
	if withAppraisal {
		in.Appraisal = tinyAppraisal(t)
	}
	return in
}

func TestReportContents(t *testing.T) {
	for _, tt := range []struct {
		lang      i18n.Lang
		appraisal bool
		want      []string
		not       []string
	}{
		{i18n.EN, true, []string{
			`<html lang="en">`, "Fast-road study: Tiny", "Does a bypass help Testville?",
			"Which of the 2 alternatives", "Testville", "123,456", // en: plain grouped counts
			"-2.5", "-8.0", // hand-worked: 7.5 - 10 and 12 - 20 minutes
			"bypass and bypass-twin share rank 1", // the tie stated
			`src="base-to-hsr.png"`, `src="bypass-to-hsr.png"`, `src="diff-bypass-hsr.png"`, `src="bypass-change.png"`,
			"Economic appraisal", "Sensitivity analysis", "EBCR", "Switching value", "Assumptions and their sources",
			"not checked", // green and red lines were not checked: never 0
			"© OpenStreetMap contributors", "fastroad v0.test", "fastroad report tiny.yaml -o out", strings.Repeat("ab", 32),
			"data:image/png;base64,", "not reached",
		}, []string{"!"}},
		{i18n.ZH, true, []string{
			`<html lang="zh-CN">`, "测试镇", "12.3万", // 123,456 in 万, one decimal
			"测试中心站", "并列", "经济评价", "经济净现值", "敏感性分析", "不可达", "研究问题", "费用增加10%", "折现率6%",
		}, []string{"!", "<td>Testville</td>"}},
		{i18n.EN, false, []string{"Ranking of the alternatives"}, []string{"Economic appraisal", "Sensitivity analysis"}},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := WriteReport(&buf, tinyInput(t, tt.lang, tt.appraisal)); err != nil {
				t.Fatal(err)
			}
			page := buf.String()
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("got a page without %q", w)
				}
			}
			for _, w := range tt.not {
				if w == "!" {
					// a missing translation renders as !key!
					if i := strings.Index(page, ">!"); i >= 0 && strings.Contains(page[i:min(len(page), i+60)], "!<") {
						t.Errorf("missing translation near %q", page[i:min(len(page), i+60)])
					}
					continue
				}
				if strings.Contains(page, w) {
					t.Errorf("got %q on the page, want it absent", w)
				}
			}
		})
	}
}

// TestReportMissingTranslations: no message key is left untranslated on
// either page (T renders an unknown key as !key!).
func TestReportMissingTranslations(t *testing.T) {
	for _, lang := range i18n.Langs {
		p, _, err := BuildReport(tinyInput(t, lang, true))
		if err != nil {
			t.Fatal(err)
		}
		check := func(where, s string) {
			if strings.HasPrefix(s, "!") || strings.Contains(s, " !") || strings.Contains(s, "!:") {
				if i := strings.Index(s, "!"); i >= 0 && strings.Count(s[i:], "!") >= 2 {
					t.Errorf("%s %s: %q has an unknown key", lang, where, s)
				}
			}
		}
		check("title", p.Title)
		for _, s := range p.Sections {
			check("section", s.Title)
			for _, para := range s.Paragraphs {
				check(s.Title, para)
			}
			for _, f := range s.Figures {
				check(s.Title, f.Caption)
			}
			for _, tab := range s.Tables {
				check(s.Title, tab.Caption)
				for _, h := range tab.Headers {
					check(s.Title, h)
				}
			}
		}
	}
}

func TestReportRefusesBadInput(t *testing.T) {
	in := tinyInput(t, "fr", false)
	if _, _, err := BuildReport(in); err == nil || !strings.Contains(err.Error(), "want zh or en") {
		t.Errorf("language fr: got %v, want an error naming zh and en", err)
	}
	in = tinyInput(t, i18n.EN, false)
	in.Base = nil
	if _, _, err := BuildReport(in); err == nil {
		t.Error("no base: got no error")
	}
}

// TestReportPeople: with residents, the county table shows shares within
// the yardsticks: 300 of 400 residents within 30 min of an entrance = 75.0%.
func TestReportPeople(t *testing.T) {
	in := tinyInput(t, i18n.EN, false)
	p := &People{Pop: []float32{300, 100}, Urban: []uint8{population.Urban, population.Rural}, County: []int16{0, 0}, Counties: []string{"Kent"}, Total: 400}
	grid := []float32{10 * 60, 50 * 60} // seconds: cell 0 at 10 min, cell 1 at 50 min
	acc, err := population.AccessOf(p.Pop, grid, []float64{15, 30, 60}, 180)
	if err != nil {
		t.Fatal(err)
	}
	pa := &PeopleAccess{Groups: []population.Access{acc, acc, acc, acc}}
	in.Base.Dest[TargetEntrance] = &Destination{Key: TargetEntrance, People: pa}
	in.Meta.People = p
	var buf bytes.Buffer
	if _, err := WriteReport(&buf, in); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"75.0%", "Kent", "Rural", "Urban", "400 people"} {
		if !strings.Contains(buf.String(), w) {
			t.Errorf("got a page without %q", w)
		}
	}
}

// TestMeasureNames: every ranking measure has a name in both languages.
func TestMeasureNames(t *testing.T) {
	for _, lang := range i18n.Langs {
		b := &builder{ReportInput: ReportInput{Lang: lang}}
		for _, m := range Measures([]float64{15, 30}) {
			if got := b.measureName(m); strings.Contains(got, "_") || strings.Contains(got, "!") {
				t.Errorf("%s: measure %s: got %q", lang, m, got)
			}
		}
	}
}

// TestResidentCurve: cells count from the whole minute they reach (30 s
// in minute 1, 90 s in minute 2); unreached and empty cells never.
func TestResidentCurve(t *testing.T) {
	inf := float32(math.Inf(1))
	got, err := residentCurve(&People{Pop: []float32{100, 50, 20, 0}}, []float32{30, 90, inf, 10}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 100, 150, 150}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v want %v", got, want)
		}
	}
}
