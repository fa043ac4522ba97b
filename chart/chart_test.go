package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/render"
)

var keep = flag.String("keep", "", "write the test charts into this folder to look at them")

func curves(lang i18n.Lang) Curves {
	min := []float64{0, 15, 30, 45, 60}
	return Curves{
		Title:  i18n.T(lang, "chart_curve_hsr"),
		XLabel: i18n.T(lang, "chart_minutes"),
		YLabel: i18n.T(lang, "chart_residents"),
		Series: []Series{
			{Name: i18n.T(lang, "base"), Base: true, X: min, Y: []float64{0, 120000, 410000, 690000, 880000}},
			{Name: "us113-expressway", X: min, Y: []float64{0, 150000, 480000, 760000, 905000}},
			{Name: "东西快速通道", X: min, Y: []float64{0, 130000, 450000, 720000, 890000}},
		},
	}
}

func bars(lang i18n.Lang) Bars {
	return Bars{Title: i18n.T(lang, "chart_enpv"), YLabel: i18n.T(lang, "col_enpv_10k"),
		Bars: []Bar{{"us113-expressway", 125000}, {"东西快速通道", 48000}, {"bridge", -23000}}}
}

func tornado(lang i18n.Lang) Tornado {
	return Tornado{Title: i18n.T(lang, "chart_tornado"), XLabel: i18n.T(lang, "col_enpv_10k"), Central: 48000,
		LowName: "−20%", HighName: "+20%",
		Cases: []Case{
			{i18n.T(lang, "construction_cost"), 60000, 36000},
			{i18n.T(lang, "time_savings"), 20000, 76000},
			{i18n.T(lang, "value_of_time"), 30000, 66000},
		}}
}

func save(t *testing.T, name string, b []byte) {
	if *keep == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(*keep, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkSVG parses the whole document as XML.
func checkSVG(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("svg is not XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("svg root element: got %q want svg", root)
	}
}

func TestRender(t *testing.T) {
	for _, lang := range i18n.Langs {
		for _, tc := range []struct {
			name string
			c    Chart
			want []string // text the SVG must hold
		}{
			{"curves", curves(lang), []string{"us113-expressway", "东西快速通道", i18n.T(lang, "chart_minutes")}},
			{"bars", bars(lang), []string{"bridge"}},
			{"tornado", tornado(lang), []string{i18n.T(lang, "construction_cost"), "+20%"}},
		} {
			t.Run(string(lang)+"/"+tc.name, func(t *testing.T) {
				// 72 dpi keeps the test fast; TestDefaultSize checks 200 dpi.
				o := Options{Lang: lang, DPI: 72}
				p, warn, err := Render(tc.c, PNG, o)
				if err != nil {
					t.Fatal(err)
				}
				if render.SystemFont().Info().CJK && len(warn) > 0 {
					t.Errorf("warnings with a CJK font: %v", warn)
				}
				img, err := png.Decode(bytes.NewReader(p))
				if err != nil {
					t.Fatalf("png does not decode: %v", err)
				}
				// 8 × 5 inches at 72 dpi.
				if b := img.Bounds(); b.Dx() != 576 || b.Dy() != 360 {
					t.Errorf("png size: got %v want 576×360", b.Size())
				}
				p2, _, _ := Render(tc.c, PNG, o)
				if !bytes.Equal(p, p2) {
					t.Error("png: two renderings differ")
				}
				s, _, err := Render(tc.c, SVG, o)
				if err != nil {
					t.Fatal(err)
				}
				checkSVG(t, s)
				for _, w := range tc.want {
					if !strings.Contains(string(s), w) {
						t.Errorf("svg lacks %q", w)
					}
				}
				s2, _, _ := Render(tc.c, SVG, o)
				if !bytes.Equal(s, s2) {
					t.Error("svg: two renderings differ")
				}
				save(t, tc.name+"-"+string(lang)+".png", p)
				save(t, tc.name+"-"+string(lang)+".svg", s)
			})
		}
	}
}

func TestDefaultSize(t *testing.T) {
	p, _, err := Render(bars(i18n.EN), PNG, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(p))
	// 8 × 5 inches at 200 dpi.
	if err != nil || cfg.Width != 1600 || cfg.Height != 1000 {
		t.Errorf("default png: got %d×%d, %v want 1600×1000", cfg.Width, cfg.Height, err)
	}
}

func TestYTicksChinese(t *testing.T) {
	s, _, err := Render(curves(i18n.ZH), SVG, Options{Lang: i18n.ZH})
	if err != nil {
		t.Fatal(err)
	}
	// 880,000 residents: ticks at 20万, 40万 ... (i18n.Count).
	if !strings.Contains(string(s), "40万") {
		t.Error("zh y ticks: no 40万 label")
	}
}

func TestNoCJKFontWarns(t *testing.T) {
	p, warn, err := Render(curves(i18n.ZH), PNG, Options{Lang: i18n.ZH, Font: render.GoFont(), DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	if len(warn) != 1 || !strings.Contains(warn[0], "fonts-wqy-microhei") {
		t.Errorf("warnings: got %q want one naming fonts-wqy-microhei", warn)
	}
	if _, err := png.Decode(bytes.NewReader(p)); err != nil {
		t.Errorf("png does not decode: %v", err)
	}
	if _, warn, _ := Render(bars(i18n.EN), SVG, Options{Font: render.GoFont()}); len(warn) != 1 {
		t.Errorf("bars with a Chinese label, no CJK font: got %d warnings want 1", len(warn))
	}
	latin := Bars{Title: "ENPV", Bars: []Bar{{"a", 1}}}
	if _, warn, _ := Render(latin, SVG, Options{Font: render.GoFont()}); len(warn) != 0 {
		t.Errorf("latin text: got warnings %q want none", warn)
	}
}

func TestRenderErrors(t *testing.T) {
	nan := 0.0
	nan = nan / nan
	for _, tc := range []struct {
		name string
		c    Chart
		want string
	}{
		{"no series", Curves{}, "0 series"},
		{"lengths", Curves{Series: []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1}}}}, "2 x and 1 y"},
		{"nan", Curves{Series: []Series{{Name: "a", X: []float64{1}, Y: []float64{nan}}}}, "not finite"},
		{"decreasing", Curves{Series: []Series{{Name: "a", X: []float64{2, 1}, Y: []float64{1, 1}}}}, "want increasing"},
		{"no bars", Bars{}, "0 bars"},
		{"nan bar", Bars{Bars: []Bar{{"a", nan}}}, "not finite"},
		{"no cases", Tornado{}, "0 cases"},
		{"nan case", Tornado{Cases: []Case{{"a", nan, 1}}}, "want finite"},
		{"nil", nil, "no chart"},
	} {
		if _, _, err := Render(tc.c, SVG, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v want an error containing %q", tc.name, err, tc.want)
		}
	}
	if _, _, err := Render(bars(i18n.EN), Format(7), Options{}); err == nil {
		t.Error("format 7: got no error")
	}
}

func BenchmarkCurvesPNG(b *testing.B) {
	c := curves(i18n.ZH)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Render(c, PNG, Options{Lang: i18n.ZH}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCurvesSVG(b *testing.B) {
	c := curves(i18n.ZH)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Render(c, SVG, Options{Lang: i18n.ZH}); err != nil {
			b.Fatal(err)
		}
	}
}
