package i18n

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var placeholder = regexp.MustCompile(`\{[^}]*\}`)

func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

// TestCatalogueComplete fails on a key missing in one language, an empty
// message, or placeholders that differ between the languages.
func TestCatalogueComplete(t *testing.T) {
	for _, k := range Keys(EN) {
		z, ok := zh[k]
		if !ok {
			t.Errorf("key %q: in en, missing in zh", k)
			continue
		}
		e := en[k]
		if strings.TrimSpace(e) == "" || strings.TrimSpace(z) == "" {
			t.Errorf("key %q: empty message (en %q, zh %q)", k, e, z)
		}
		if pe, pz := placeholders(e), placeholders(z); !slices.Equal(pe, pz) {
			t.Errorf("key %q: placeholders en %v, zh %v: want the same", k, pe, pz)
		}
		for _, p := range placeholders(e) {
			if !regexp.MustCompile(`^\{[0-9]\}$`).MatchString(p) {
				t.Errorf("key %q: placeholder %s: want {0} ... {9}", k, p)
			}
		}
	}
	for _, k := range Keys(ZH) {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q: in zh, missing in en", k)
		}
	}
}

// TestSeeded checks the labels a report needs are in the catalogue.
func TestSeeded(t *testing.T) {
	for _, tc := range []struct{ key, en, zh string }{
		{"map_title_to_hsr", "Drive time to the nearest HSR station", "到最近高铁站的驾车时间"},
		{"legend_red_line", "Red line (road reservation)", "红线（道路红线）"},
		{"legend_purple_line", "Purple line (heritage)", "紫线（历史文化保护）"},
		{"legend_blue_line", "Blue line (water)", "蓝线（水域）"},
		{"legend_green_line", "Green line (green space)", "绿线（绿地）"},
		{"enpv", "Economic net present value (ENPV)", "经济净现值（ENPV）"},
		{"ebcr", "Economic benefit-cost ratio (EBCR)", "经济效益费用比（EBCR）"},
		{"eirr", "Economic internal rate of return (EIRR)", "经济内部收益率（EIRR）"},
		{"payback", "Payback period", "投资回收期"},
		{"sensitivity", "Sensitivity analysis", "敏感性分析"},
		{"diff_newly_reached", "Newly reached", "新增可达"},
		{"diff_no_longer_reached", "No longer reached", "不再可达"},
	} {
		if got := T(EN, tc.key); got != tc.en {
			t.Errorf("en %s: got %q want %q", tc.key, got, tc.en)
		}
		if got := T(ZH, tc.key); got != tc.zh {
			t.Errorf("zh %s: got %q want %q", tc.key, got, tc.zh)
		}
	}
	for _, k := range []string{"map_title_to_entrance", "map_title_to_trunk", "map_title_to_county_seat",
		"map_title_to_central_city", "legend_entrance", "legend_town", "legend_station", "legend_hsr_station",
		"legend_edited_road", "legend_motorway", "band_range", "diff_faster", "col_minutes_to_hsr",
		"yardstick_expressway", "switching_value", "section_appraisal", "attribution"} {
		if !Has(k) {
			t.Errorf("key %q missing", k)
		}
	}
}

func TestT(t *testing.T) {
	for _, tc := range []struct {
		lang Lang
		key  string
		args []any
		want string
	}{
		{EN, "yardstick_expressway", []any{3, 5, 30}, "3 of 5 towns reach an expressway entrance within 30 min"},
		// The Chinese sentence takes the arguments in another order.
		{ZH, "yardstick_expressway", []any{3, 5, 30}, "5个城镇中有3个在30分钟内到达高速公路出入口"},
		{ZH, "drive_time_to", []any{"濮阳东站"}, "到濮阳东站的驾车时间"},
		{EN, "band_range", []any{15, 30}, "15–30 min"},
		{EN, "band_range", []any{15}, "15–{1} min"}, // too few arguments: left visible
		{EN, "no_such_key", nil, "!no_such_key!"},
		{"fr", "legend_town", nil, "Town"},
	} {
		if got := T(tc.lang, tc.key, tc.args...); got != tc.want {
			t.Errorf("T(%s, %s, %v): got %q want %q", tc.lang, tc.key, tc.args, got, tc.want)
		}
	}
}

func TestParseLang(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"zh", ZH, true}, {"ZH-cn", ZH, true}, {"zh_Hans", ZH, true}, {" en ", EN, true}, {"en-US", EN, true},
		{"", "", false}, {"fr", "", false}, {"-zh", "", false},
	} {
		got, err := ParseLang(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseLang(%q): got %q, %v want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestNumbers(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"int", Int(EN, 12345), "12,345"},
		{"int zh", Int(ZH, 12345), "12,345"},
		{"int neg", Int(EN, -1234567), "-1,234,567"},
		{"int small", Int(EN, 999), "999"},
		{"float", Float(EN, 12345.678, 1), "12,345.7"},
		{"float -0", Float(EN, -0.04, 1), "0.0"},
		{"float nan", Float(EN, nan, 1), "–"},
		{"count en small", Count(EN, 989000), "989,000"},
		{"count en million", Count(EN, 1_234_567), "1.2 million"},
		{"count en edge", Count(EN, 999_960), "999,960"},
		// 999,960,000 would show as 1,000 million: 1 billion instead.
		{"count en edge 2", Count(EN, 999_960_000), "1 billion"},
		{"count en billion", Count(EN, 3.4e9), "3.4 billion"},
		{"count zh small", Count(ZH, 9876), "9,876"},
		// 12,000 / 10,000 = 1.2 -> 1.2万; 989,000 / 10,000 = 98.9 -> 98.9万.
		{"count zh wan", Count(ZH, 12000), "1.2万"},
		{"count zh wan 2", Count(ZH, 989000), "98.9万"},
		{"count zh wan round", Count(ZH, 1_000_000), "100万"},
		// 99,999,600 would show as 10,000.0万: 1亿 instead.
		{"count zh edge", Count(ZH, 99_999_600), "1亿"},
		{"count zh below edge", Count(ZH, 99_940_000), "9,994万"},
		{"count zh yi", Count(ZH, 123_000_000), "1.2亿"},
		{"count nan", Count(ZH, nan), "–"},
		{"people zh", People(ZH, 989000), "98.9万人"},
		{"people zh small", People(ZH, 12), "12人"},
		{"people en", People(EN, 1_200_000), "1.2 million people"},
		{"people en one", People(EN, 1), "1 person"},
		{"minutes en", Minutes(EN, 12.54), "12.5 min"},
		{"minutes zh", Minutes(ZH, 12.54), "12.5分钟"},
		{"minutes nan", Minutes(ZH, nan), "不可达"},
		{"minutes inf", Minutes(EN, math.Inf(1)), "not reached"},
		{"money zh yuan", Money(ZH, 1234), "1,234元"},
		// 1,234,000 / 10,000 = 123.4 -> 123.4万元.
		{"money zh wan", Money(ZH, 1_234_000), "123.4万元"},
		// 1,234,000,000 / 100,000,000 = 12.34 -> 12.34亿元.
		{"money zh yi", Money(ZH, 1_234_000_000), "12.34亿元"},
		{"money zh neg", Money(ZH, -56_000_000), "-5,600.0万元"},
		{"money en", Money(EN, 12_300_000), "CNY 12.3 million"},
		{"money en small", Money(EN, 123456), "CNY 123,456"},
		{"money en billion", Money(EN, 1_234_000_000), "CNY 1.23 billion"},
		{"money nan", Money(EN, nan), "–"},
		{"percent", Percent(EN, 0.1234, 1), "12.3%"},
		{"percent zh", Percent(ZH, 0.08, 0), "8%"},
		{"percent nan", Percent(ZH, nan, 1), "–"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestName(t *testing.T) {
	for _, tc := range []struct {
		lang                 Lang
		name, nameZH, nameEN string
		want                 string
	}{
		{ZH, "Puyang East", "濮阳东站", "Puyang East Railway Station", "濮阳东站"},
		{EN, "濮阳东站", "濮阳东站", "Puyang East", "Puyang East"},
		{EN, "濮阳东站", "", "", "濮阳东站"},
		{ZH, "Wilmington", "", "", "Wilmington"},
		{ZH, "", "", "Dover", "Dover"},
		{EN, "", "多佛", "", "多佛"},
	} {
		if got := Name(tc.lang, tc.name, tc.nameZH, tc.nameEN); got != tc.want {
			t.Errorf("Name(%s, %q, %q, %q): got %q want %q", tc.lang, tc.name, tc.nameZH, tc.nameEN, got, tc.want)
		}
	}
}

func ExamplePeople() {
	fmt.Println(People(ZH, 989000), "/", People(EN, 989000))
	fmt.Println(Money(ZH, 12_300_000), "/", Money(EN, 12_300_000))
	fmt.Println(T(ZH, "drive_time_to", "濮阳东站"))
	// Output:
	// 98.9万人 / 989,000 people
	// 1,230.0万元 / CNY 12.3 million
	// 到濮阳东站的驾车时间
}

func FuzzT(f *testing.F) {
	f.Add("yardstick_expressway", "a", "b")
	f.Add("band_range", "15", "")
	f.Fuzz(func(t *testing.T, key, a, b string) {
		for _, l := range Langs {
			_ = T(l, key, a, b)
		}
	})
}

// FuzzParseLang: --lang is user input; any accepted value is zh or en and
// round-trips.
func FuzzParseLang(f *testing.F) {
	for _, s := range []string{"zh", "en", "zh-CN", "EN_us", "", "fr"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLang(s)
		if err != nil {
			return
		}
		if l != ZH && l != EN {
			t.Fatalf("ParseLang(%q) = %q", s, l)
		}
		if l2, err := ParseLang(string(l)); err != nil || l2 != l {
			t.Fatalf("round trip of %q: got %q, %v", l, l2, err)
		}
	})
}

func BenchmarkT(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = T(ZH, "yardstick_expressway", 3, 5, 30)
	}
}
