package report

import (
	"bytes"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/fastroad/fastroad/chart"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/internal/browsertest"
)

var screenshots = flag.String("screenshots", "", "save the report page screenshots into this folder to look at them")

// samplePage is a small report with every kind of content.
func samplePage(t *testing.T, lang i18n.Lang) Page {
	t.Helper()
	o := chart.Options{Lang: lang, DPI: 100}
	curves := chart.Curves{
		Title: i18n.T(lang, "chart_curve_hsr"), XLabel: i18n.T(lang, "chart_minutes"), YLabel: i18n.T(lang, "chart_residents"),
		Series: []chart.Series{
			{Name: i18n.T(lang, "base"), Base: true, X: []float64{0, 15, 30, 45, 60}, Y: []float64{0, 120000, 410000, 690000, 880000}},
			{Name: "us113-expressway", X: []float64{0, 15, 30, 45, 60}, Y: []float64{0, 150000, 480000, 760000, 905000}},
		},
	}
	png, _, err := chart.Render(curves, chart.PNG, o)
	if err != nil {
		t.Fatal(err)
	}
	bars := chart.Bars{Title: i18n.T(lang, "chart_enpv"), YLabel: i18n.T(lang, "col_enpv_10k"),
		Bars: []chart.Bar{{Label: "us113-expressway", Value: 125000}, {Label: "东西快速通道", Value: -23000}}}
	svg, _, err := chart.Render(bars, chart.SVG, o)
	if err != nil {
		t.Fatal(err)
	}
	towns := Table{
		Caption:     i18n.T(lang, "table", 1, i18n.T(lang, "section_access")),
		Headers:     []string{i18n.T(lang, "col_town"), i18n.T(lang, "col_population"), i18n.T(lang, "col_minutes_to_hsr"), i18n.T(lang, "col_target_met")},
		NumericCols: []int{1, 2},
	}
	for _, r := range []struct {
		name, zh string
		pop      int
		min      float64
	}{{"Wilmington", "威尔明顿", 72826, 7.2}, {"Dover", "多佛", 39403, 48.9}, {"Georgetown", "", 7134, 71.5}} {
		met := i18n.T(lang, "target_met")
		if r.min > 60 {
			met = i18n.T(lang, "target_missed")
		}
		towns.Rows = append(towns.Rows, []string{i18n.Name(lang, r.name, r.zh, ""), i18n.Int(lang, r.pop), i18n.Float(lang, r.min, 1), met})
	}
	for i := range 40 { // long enough to cross a printed page
		towns.Rows = append(towns.Rows, []string{"Hamlet " + i18n.Int(lang, i+1), i18n.Int(lang, 100+i), i18n.Float(lang, 20+float64(i)/3, 1), i18n.T(lang, "target_met")})
	}
	return Page{
		Lang:     lang,
		Title:    i18n.T(lang, "report_title", "Southern Delaware <fast roads> & more"),
		Subtitle: i18n.T(lang, "report_subtitle"),
		Sections: []Section{
			{Title: i18n.T(lang, "section_question"), Paragraphs: []string{
				i18n.T(lang, "yardstick_hsr", 2, 3, 60),
				i18n.T(lang, "yardstick_people", i18n.People(lang, 880000), 60, i18n.T(lang, "legend_hsr_station")),
			}},
			{Title: i18n.T(lang, "section_curves"), Figures: []Figure{
				{Caption: i18n.T(lang, "figure", 1, i18n.T(lang, "chart_curve_hsr")), PNG: png},
				{Caption: i18n.T(lang, "figure", 2, i18n.T(lang, "chart_enpv")), SVG: svg},
				{Caption: i18n.T(lang, "figure", 3, i18n.T(lang, "map_title_to_hsr")), Src: "maps/base-to-hsr.png"},
			}},
			{ID: "access", Title: i18n.T(lang, "section_access"), Tables: []Table{towns}},
		},
		Footer: Footer{Version: "v0.9.0-test", Generated: "2026-11-27", Command: "fastroad report demo/study.yaml -o out --lang " + string(lang),
			Checksums: []Checksum{{"delaware-latest.osm.pbf", strings.Repeat("ab", 32)}}},
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func TestWriteHTML(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteHTML(&buf, samplePage(t, lang)); err != nil {
				t.Fatal(err)
			}
			s := buf.String()
			if !strings.HasPrefix(s, "<!DOCTYPE html>") {
				t.Errorf("page starts %q, want <!DOCTYPE html>", s[:min(len(s), 20)])
			}
			doc, err := html.Parse(strings.NewReader(s))
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			ids := map[string]bool{}
			var title string
			walk(doc, func(n *html.Node) {
				if n.Type != html.ElementNode {
					return
				}
				count[n.Data]++
				if id, ok := attr(n, "id"); ok {
					if ids[id] {
						t.Errorf("id %q used twice", id)
					}
					ids[id] = true
				}
				if n.Data == "title" && n.FirstChild != nil {
					title = n.FirstChild.Data
				}
				if n.Data == "html" {
					want := map[i18n.Lang]string{i18n.ZH: "zh-CN", i18n.EN: "en"}[lang]
					if l, _ := attr(n, "lang"); l != want {
						t.Errorf("html lang: got %q want %q", l, want)
					}
				}
				if n.Data == "img" {
					if alt, _ := attr(n, "alt"); alt == "" {
						t.Error("img without alt text")
					}
				}
				for _, k := range []string{"src", "href"} {
					v, ok := attr(n, k)
					if !ok {
						continue
					}
					if strings.HasPrefix(v, "data:image/") {
						continue
					}
					if strings.Contains(v, "//") || strings.HasPrefix(v, "http") || strings.Contains(v, "ZgotmplZ") {
						t.Errorf("<%s %s=%.60q>: want data:, #anchor or a relative path", n.Data, k, v)
					}
				}
				if n.Data == "script" || (n.Data == "link" && func() bool { r, _ := attr(n, "rel"); return r == "stylesheet" }()) {
					t.Errorf("<%s>: the page must need no script or stylesheet file", n.Data)
				}
			})
			wantTitle := i18n.T(lang, "report_title", "Southern Delaware <fast roads> & more")
			if title != wantTitle {
				t.Errorf("title: got %q want %q", title, wantTitle)
			}
			// 3 sections; 3 figures; town table (43 rows + header) and checksum table (1 + header).
			for _, c := range []struct {
				el string
				n  int
			}{{"section", 3}, {"figure", 3}, {"img", 3}, {"table", 2}, {"thead", 2}, {"tr", 43 + 1 + 1 + 1}, {"h1", 1}, {"h2", 4}} {
				if count[c.el] != c.n {
					t.Errorf("<%s>: got %d want %d", c.el, count[c.el], c.n)
				}
			}
			for _, want := range []string{"Southern Delaware &lt;fast roads&gt; &amp; more", "© OpenStreetMap contributors",
				`<td class="num">72,826</td>`, "v0.9.0-test", `href="#access"`, "break-before: page", "display: table-header-group"} {
				if !strings.Contains(s, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if lang == i18n.ZH && !strings.Contains(s, "威尔明顿") {
				t.Error("zh page: no Chinese place name")
			}
			var again bytes.Buffer
			WriteHTML(&again, samplePage(t, lang))
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Error("two renderings differ")
			}
		})
	}
}

func TestWriteHTMLErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Page
		want string
	}{
		{"lang", Page{Lang: "fr"}, "want zh or en"},
		{"two sources", Page{Lang: i18n.EN, Sections: []Section{{Title: "A", Figures: []Figure{{PNG: pngMagic, Src: "a.png"}}}}}, "exactly one"},
		{"no source", Page{Lang: i18n.EN, Sections: []Section{{Title: "A", Figures: []Figure{{Caption: "x"}}}}}, "exactly one"},
		{"not png", Page{Lang: i18n.EN, Sections: []Section{{Title: "A", Figures: []Figure{{PNG: []byte("GIF89a")}}}}}, "PNG signature"},
		{"not svg", Page{Lang: i18n.EN, Sections: []Section{{Title: "A", Figures: []Figure{{SVG: []byte("<html>")}}}}}, "no <svg"},
		{"absolute src", Page{Lang: i18n.EN, Sections: []Section{{Title: "A", Figures: []Figure{{Src: "https://tiles.example.com/a.png"}}}}}, "relative path"},
		{"rooted src", Page{Lang: i18n.EN, Sections: []Section{{Title: "A", Figures: []Figure{{Src: "/etc/a.png"}}}}}, "relative path"},
		{"protocol-relative src", Page{Lang: i18n.EN, Sections: []Section{{Title: "A", Figures: []Figure{{Src: "//cdn/a.png"}}}}}, "relative path"},
		{"row", Page{Lang: i18n.EN, Sections: []Section{{Title: "A", Tables: []Table{{Headers: []string{"a", "b"}, Rows: [][]string{{"1"}}}}}}}, "row 1: 1 cells, want 2"},
		{"numeric col", Page{Lang: i18n.EN, Sections: []Section{{Title: "A", Tables: []Table{{Headers: []string{"a"}, NumericCols: []int{1}}}}}}, "numeric column 1"},
		{"dup id", Page{Lang: i18n.EN, Sections: []Section{{ID: "x", Title: "A"}, {ID: "x", Title: "B"}}}, "used twice"},
	} {
		err := WriteHTML(&bytes.Buffer{}, tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// TestHTMLInBrowser loads the page from a local server and from a file in
// headless Chromium: no console errors, no failed or outside requests, every
// image decoded. Screenshots go to the test's temp dir (or -screenshots DIR).
func TestHTMLInBrowser(t *testing.T) {
	b := browsertest.StartT(t)
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			dir := t.TempDir()
			var buf bytes.Buffer
			if err := WriteHTML(&buf, samplePage(t, lang)); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "report.html"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			// The relative figure: a map file beside the page.
			png, _, err := chart.Render(chart.Bars{Title: "map", Bars: []chart.Bar{{Label: "a", Value: 1}}}, chart.PNG, chart.Options{DPI: 50})
			if err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(filepath.Join(dir, "maps"), 0o755)
			if err := os.WriteFile(filepath.Join(dir, "maps", "base-to-hsr.png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
			shot := filepath.Join(dir, "report-"+string(lang)+".png")
			if *screenshots != "" {
				shot = filepath.Join(*screenshots, "report-"+string(lang)+".png")
				os.WriteFile(filepath.Join(*screenshots, "report-"+string(lang)+".html"), buf.Bytes(), 0o644)
			}
			// Chinese from a local server, English as a file: both ways a
			// planner opens it.
			u := "file://" + filepath.Join(dir, "report.html")
			if lang == i18n.ZH {
				ts := httptest.NewServer(http.FileServer(http.Dir(dir)))
				defer ts.Close()
				u = ts.URL + "/report.html"
			}
			res := b.Open(t, u, shot)
			if res.Images != 3 {
				t.Errorf("images: got %d want 3", res.Images)
			}
		})
	}
}

func BenchmarkWriteHTML(b *testing.B) {
	t := &testing.T{}
	p := samplePage(t, i18n.ZH)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteHTML(&buf, p); err != nil {
			b.Fatal(err)
		}
	}
}
