package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strings"

	"github.com/fastroad/fastroad/i18n"
)

// Page is a self-contained HTML report: one file, inline CSS, images inline
// as data: URIs or as files beside it, no script, no request to another
// host. It prints on A4 (a page break before each section, table rows never
// split, table headers repeated on each page) and reads on a projector
// (large type).
type Page struct {
	Lang     i18n.Lang // zh or en: the page's language and its fixed labels
	Title    string
	Subtitle string
	Sections []Section
	Footer   Footer
}

// Section is a titled part of the report; it starts a new printed page.
type Section struct {
	ID         string // anchor for the contents; default "s1", "s2", ...
	Title      string
	Paragraphs []string
	Figures    []Figure
	Tables     []Table
	// Columns sets figures side by side: 2 or 3 per row (0 or 1: one per row).
	Columns int
}

// Figure is an image with a caption: exactly one of PNG, SVG (inlined as
// data: URIs) or Src (a relative path of a file beside the page).
type Figure struct {
	Caption string
	Alt     string // text for screen readers; default the caption
	PNG     []byte
	SVG     []byte
	Src     string
}

// Table is a captioned table. Every row has one cell per header; the columns
// listed in NumericCols (0-based) are right-aligned with tabular digits.
type Table struct {
	Caption     string
	Headers     []string
	Rows        [][]string
	NumericCols []int
}

// Footer is the reproducibility block at the end of the page.
type Footer struct {
	Attribution string // default "© OpenStreetMap contributors" with the ODbL, in the page's language
	Version     string // fastroad version
	Generated   string // when, as the caller wants it shown
	Command     string // the command line
	Checksums   []Checksum
}

// Checksum is an input file's SHA-256.
type Checksum struct {
	Name   string
	SHA256 string
}

// figureView and friends are what the template sees.
type figureView struct {
	Caption, Alt string
	Src          any // template.URL for data: URIs, string for files
}

type tableView struct {
	Caption string
	Headers []cellView
	Rows    [][]cellView
}

type cellView struct {
	Text    string
	Numeric bool
}

type sectionView struct {
	ID, Title  string
	Cols       string
	Paragraphs []string
	Figures    []figureView
	Tables     []tableView
}

type pageView struct {
	Lang, Title, Subtitle, Contents string
	Sections                        []sectionView
	Attribution, Version, Generated string
	Command, CommandLabel           string
	ChecksumHeader                  [2]string
	Checksums                       []Checksum
	ReproTitle                      string
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

func figureSrc(f Figure) (any, error) {
	n := 0
	for _, set := range []bool{len(f.PNG) > 0, len(f.SVG) > 0, f.Src != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("give exactly one of PNG, SVG and Src, not %d", n)
	}
	switch {
	case len(f.PNG) > 0:
		if !bytes.HasPrefix(f.PNG, pngMagic) {
			return nil, fmt.Errorf("PNG bytes do not start with the PNG signature")
		}
		return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(f.PNG)), nil
	case len(f.SVG) > 0:
		head := f.SVG[:min(len(f.SVG), 1024)]
		if !bytes.Contains(head, []byte("<svg")) {
			return nil, fmt.Errorf("SVG bytes have no <svg element in their first 1024 bytes")
		}
		return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(f.SVG)), nil
	}
	u, err := url.Parse(f.Src)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(f.Src, "/") || strings.HasPrefix(f.Src, "\\") {
		return nil, fmt.Errorf("src %q: want a relative path of a file beside the page", f.Src)
	}
	return f.Src, nil
}

// WriteHTML writes the page. Errors name the section, figure or table.
func WriteHTML(w io.Writer, p Page) error {
	lang := "en"
	switch p.Lang {
	case i18n.ZH:
		lang = "zh-CN"
	case i18n.EN:
	default:
		return fmt.Errorf("write html: language %q: want zh or en", p.Lang)
	}
	v := pageView{
		Lang: lang, Title: p.Title, Subtitle: p.Subtitle,
		Contents:    i18n.T(p.Lang, "contents"),
		Attribution: p.Footer.Attribution,
		Command:     p.Footer.Command,
		Generated:   p.Footer.Generated,
		Checksums:   p.Footer.Checksums,
		ReproTitle:  i18n.T(p.Lang, "section_reproducibility"),
		ChecksumHeader: [2]string{
			i18n.T(p.Lang, "col_file"), i18n.T(p.Lang, "col_sha256"),
		},
	}
	if v.Attribution == "" {
		v.Attribution = i18n.T(p.Lang, "attribution_odbl")
	}
	if p.Footer.Version != "" {
		v.Version = i18n.T(p.Lang, "footer_version", p.Footer.Version)
	}
	if p.Footer.Generated != "" {
		v.Generated = i18n.T(p.Lang, "footer_generated", p.Footer.Generated)
	}
	v.CommandLabel = strings.TrimSpace(i18n.T(p.Lang, "footer_command", ""))
	ids := map[string]bool{}
	for si, s := range p.Sections {
		sv := sectionView{ID: s.ID, Title: s.Title, Paragraphs: s.Paragraphs}
		switch s.Columns {
		case 0, 1:
		case 2, 3:
			sv.Cols = fmt.Sprintf("figs cols%d", s.Columns)
		default:
			return fmt.Errorf("write html: section %d (%s): columns %d: want 1 to 3", si+1, s.Title, s.Columns)
		}
		if sv.ID == "" {
			sv.ID = fmt.Sprintf("s%d", si+1)
		}
		if ids[sv.ID] {
			return fmt.Errorf("write html: section %d (%s): id %q is used twice", si+1, s.Title, sv.ID)
		}
		ids[sv.ID] = true
		for fi, f := range s.Figures {
			src, err := figureSrc(f)
			if err != nil {
				return fmt.Errorf("write html: section %d (%s) figure %d: %w", si+1, s.Title, fi+1, err)
			}
			alt := f.Alt
			if alt == "" {
				alt = f.Caption
			}
			sv.Figures = append(sv.Figures, figureView{Caption: f.Caption, Alt: alt, Src: src})
		}
		for ti, t := range s.Tables {
			numeric := make([]bool, len(t.Headers))
			for _, c := range t.NumericCols {
				if c < 0 || c >= len(t.Headers) {
					return fmt.Errorf("write html: section %d (%s) table %d: numeric column %d: want 0 to %d", si+1, s.Title, ti+1, c, len(t.Headers)-1)
				}
				numeric[c] = true
			}
			tv := tableView{Caption: t.Caption}
			for j, h := range t.Headers {
				tv.Headers = append(tv.Headers, cellView{h, numeric[j]})
			}
			for ri, r := range t.Rows {
				if len(r) != len(t.Headers) {
					return fmt.Errorf("write html: section %d (%s) table %d row %d: %d cells, want %d (one per header)", si+1, s.Title, ti+1, ri+1, len(r), len(t.Headers))
				}
				row := make([]cellView, len(r))
				for j, c := range r {
					row[j] = cellView{c, numeric[j]}
				}
				tv.Rows = append(tv.Rows, row)
			}
			sv.Tables = append(sv.Tables, tv)
		}
		v.Sections = append(v.Sections, sv)
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, v); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

// pageCSS: large type on screen (projector), A4 print rules. Fonts are the
// system's: CJK families first so Chinese never falls back to boxes.
const pageCSS = `
:root { --ink: #1b1f24; --muted: #5b6470; --rule: #c9d1da; --band: #f2f5f8; --accent: #0b5fa5; }
* { box-sizing: border-box; }
html { font-size: 20px; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem 2rem 3rem; color: var(--ink); background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
    "Hiragino Sans GB", "Helvetica Neue", Arial, sans-serif; line-height: 1.55; }
header.title { border-bottom: 4px solid var(--accent); margin-bottom: 1.5rem; }
h1 { font-size: 2.2rem; line-height: 1.2; margin: 0.5rem 0; }
.subtitle { font-size: 1.25rem; color: var(--muted); margin: 0 0 1rem; }
h2 { font-size: 1.6rem; color: var(--accent); border-bottom: 1px solid var(--rule); padding-bottom: 0.2rem; margin-top: 2.5rem; }
nav.contents ol { columns: 2; column-gap: 2rem; padding-left: 1.5rem; }
nav.contents a { color: var(--ink); text-decoration: none; }
nav.contents a:hover { text-decoration: underline; }
p { margin: 0.6rem 0; max-width: 60rem; }
figure { margin: 1.2rem 0; break-inside: avoid; page-break-inside: avoid; }
.figs { display: grid; gap: 0.8rem; align-items: start; }
.figs.cols2 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.figs.cols3 { grid-template-columns: repeat(3, minmax(0, 1fr)); }
.figs figure { margin: 0.4rem 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption, caption { font-size: 0.95rem; color: var(--muted); text-align: left; padding: 0.3rem 0; caption-side: top; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: 0.95rem; min-width: 50%; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.35rem 0.7rem; vertical-align: top; }
thead th { background: var(--band); border-bottom: 2px solid var(--ink); text-align: left; }
tbody tr:nth-child(even) { background: #fafbfc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.num { white-space: normal; }
td:first-child { min-width: 6rem; }
footer { margin-top: 3rem; border-top: 2px solid var(--rule); padding-top: 1rem; font-size: 0.85rem; color: var(--muted); }
footer code { font-size: 0.8rem; word-break: break-all; }
footer table { font-size: 0.8rem; }
@media (max-width: 50rem) { html { font-size: 16px; } nav.contents ol { columns: 1; } }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  nav.contents { break-after: page; page-break-after: always; }
  section { break-before: page; page-break-before: always; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 0; }
  .table-wrap { overflow: visible; }
  table { page-break-inside: auto; }
  thead { display: table-header-group; }
  tr, th, td { break-inside: avoid; page-break-inside: avoid; }
  figure img { max-height: 230mm; object-fit: contain; }
  a { color: inherit; text-decoration: none; }
  footer { break-before: page; page-break-before: always; }
}
`

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
<style>` + pageCSS + `</style>
</head>
<body>
<header class="title">
<h1>{{.Title}}</h1>
{{- if .Subtitle}}
<p class="subtitle">{{.Subtitle}}</p>
{{- end}}
</header>
{{- if .Sections}}
<nav class="contents" aria-label="{{.Contents}}">
<h2>{{.Contents}}</h2>
<ol>
{{- range .Sections}}
<li><a href="#{{.ID}}">{{.Title}}</a></li>
{{- end}}
</ol>
</nav>
{{- end}}
<main>
{{- range .Sections}}
<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{- range .Paragraphs}}
<p>{{.}}</p>
{{- end}}
{{- if .Cols}}
<div class="{{.Cols}}">
{{- end}}
{{- range .Figures}}
<figure>
<img src="{{.Src}}" alt="{{.Alt}}">
{{- if .Caption}}
<figcaption>{{.Caption}}</figcaption>
{{- end}}
</figure>
{{- end}}
{{- if .Cols}}
</div>
{{- end}}
{{- range .Tables}}
<div class="table-wrap">
<table>
{{- if .Caption}}
<caption>{{.Caption}}</caption>
{{- end}}
<thead><tr>{{range .Headers}}<th scope="col"{{if .Numeric}} class="num"{{end}}>{{.Text}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td{{if .Numeric}} class="num"{{end}}>{{.Text}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</div>
{{- end}}
</section>
{{- end}}
</main>
<footer>
<p>{{.Attribution}}</p>
{{- if or .Version .Generated .Command .Checksums}}
<h3>{{.ReproTitle}}</h3>
{{- if .Version}}
<p>{{.Version}}</p>
{{- end}}
{{- if .Generated}}
<p>{{.Generated}}</p>
{{- end}}
{{- if .Command}}
<p>{{.CommandLabel}} <code>{{.Command}}</code></p>
{{- end}}
{{- if .Checksums}}
<table>
<thead><tr><th scope="col">{{index .ChecksumHeader 0}}</th><th scope="col">{{index .ChecksumHeader 1}}</th></tr></thead>
<tbody>
{{- range .Checksums}}
<tr><td>{{.Name}}</td><td><code>{{.SHA256}}</code></td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{- end}}
</footer>
</body>
</html>
`))
