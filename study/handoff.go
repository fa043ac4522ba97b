package study

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fastroad/fastroad/appraisal"
	"github.com/fastroad/fastroad/chart"
	"github.com/fastroad/fastroad/crs"
	"github.com/fastroad/fastroad/gpkg"
	"github.com/fastroad/fastroad/graph"
	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/places"
	"github.com/fastroad/fastroad/report"
)

// HandOffOptions set the hand-off files: the report pages, the GeoPackage
// and the workbook.
type HandOffOptions struct {
	// Lang is the language of report.html; the other language is written
	// to report.en.html or report.zh.html. Empty: DefaultLang.
	Lang i18n.Lang
	// Version, Command, Generated and Checksums fill the report's
	// reproducibility footer (Checksums: every input file's SHA-256).
	Version, Command, Generated string
	Checksums                   []report.Checksum
	// ExtractDate is the extract's date when known (OSM header timestamp).
	ExtractDate string
	// GCJ02 adds a GCJ-02 copy of every GeoJSON output (<name>.gcj02.geojson)
	// for overlay on Chinese web maps; the originals stay WGS-84.
	GCJ02 bool
	// Chart sets the report charts (font, size); Lang is set per page.
	Chart chart.Options
	// Modified stamps the GeoPackage (zero: the Unix epoch, so reruns give
	// the same bytes).
	Modified time.Time
	// Warn receives warnings (a chart label in Chinese without a CJK font).
	Warn func(string)
}

// DefaultLang is the study's report language: zh when the study says
// lang: zh or its places carry Chinese names, else en (a lang: en key wins).
func (c *Comparison) DefaultLang() i18n.Lang {
	return studyLang(&c.Study.Spec, c.Base.Places)
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff || r >= 0x3400 && r <= 0x4dbf {
			return true
		}
	}
	return false
}

// ReportFileName is the name of the report page in lang when main is the
// study's language: report.html, else report.<lang>.html.
func ReportFileName(lang, main i18n.Lang) string {
	if lang == main {
		return "report.html"
	}
	return "report." + string(lang) + ".html"
}

// HandOff renders the hand-off files from a comparison: report.html in the
// study's language and report.<other>.html in the other, results.gpkg
// (every GeoJSON layer of the comparison, places, edited roads, control-line
// conflicts, residents), results.xlsx (access, ranking, people, savings,
// appraisal, cash flow and sensitivity, one sheet each) and, with GCJ02,
// GCJ-02 copies of the GeoJSON files. The report pages show the maps of
// c.Files as files beside them.
func (c *Comparison) HandOff(opt HandOffOptions) ([]File, error) {
	main := opt.Lang
	if main == "" {
		main = c.DefaultLang()
	}
	if main != i18n.ZH && main != i18n.EN {
		return nil, fmt.Errorf("hand-off: language %q: want zh or en", main)
	}
	present := map[string]bool{}
	for _, f := range c.Files {
		present[f.Name] = true
	}
	// The two pages and the GeoPackage are independent: made in parallel.
	langs := []i18n.Lang{main, other(main)}
	pages := make([][]byte, len(langs))
	warns := make([][]string, len(langs))
	errs := make([]error, len(langs)+1)
	var gp []byte
	var wg sync.WaitGroup
	for i, lang := range langs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			w, err := report.WriteReport(&buf, c.reportInput(lang, present, opt))
			if err != nil {
				err = fmt.Errorf("%s: %w", ReportFileName(lang, main), err)
			}
			pages[i], warns[i], errs[i] = buf.Bytes(), w, err
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		var err error
		if gp, err = c.geoPackage(opt.Modified); err != nil {
			errs[len(langs)] = fmt.Errorf("results.gpkg: %w", err)
		}
	}()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []File
	for i, lang := range langs {
		if opt.Warn != nil {
			for _, w := range uniq(warns[i]) {
				opt.Warn(w)
			}
		}
		data := pages[i]
		out = append(out, File{Name: ReportFileName(lang, main), Write: func(w io.Writer) error { _, err := w.Write(data); return err }})
	}
	out = append(out, File{Name: "results.gpkg", Write: func(w io.Writer) error { _, err := w.Write(gp); return err }})
	sheets := c.Sheets(main)
	out = append(out, File{Name: "results.xlsx", Write: func(w io.Writer) error { return report.WriteWorkbook(w, sheets) }})
	if opt.GCJ02 {
		for _, f := range c.Files {
			if !strings.HasSuffix(f.Name, ".geojson") {
				continue
			}
			data, err := renderBytes(f.Write)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name, err)
			}
			conv, err := toGCJ02(data)
			if err != nil {
				return nil, fmt.Errorf("%s: gcj-02 copy: %w", f.Name, err)
			}
			name := strings.TrimSuffix(f.Name, ".geojson") + ".gcj02.geojson"
			out = append(out, File{Name: name, Write: func(w io.Writer) error { _, err := w.Write(conv); return err }})
		}
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func other(l i18n.Lang) i18n.Lang {
	if l == i18n.ZH {
		return i18n.EN
	}
	return i18n.ZH
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

func (c *Comparison) reportInput(lang i18n.Lang, files map[string]bool, opt HandOffOptions) report.ReportInput {
	s := c.Study
	g := s.Base.Graph
	d := report.DataSources{
		Extract:       g.Meta.SourceName,
		ExtractSHA256: hex.EncodeToString(g.Meta.SourceSHA256[:]),
		ExtractDate:   opt.ExtractDate,
		Profile:       c.Meta.Profile,
		ProfileHash:   hex.EncodeToString(g.Meta.ProfileHash[:]),
		CellMetres:    c.Eval.Fill.CellMetres,
		Region:        strings.Join(s.Region(), ", "),
	}
	if d.CellMetres <= 0 {
		d.CellMetres = s.Spec.Isochrones.CellMetres
	}
	for _, m := range c.Meta.Method {
		if strings.HasPrefix(m, "Population source") || strings.HasPrefix(m, "Residents:") {
			d.Population = append(d.Population, m)
		}
	}
	ch := opt.Chart
	ch.Lang = lang
	return report.ReportInput{
		Lang: lang, Meta: c.Meta, Base: c.Base, Alts: c.Alts, Summary: c.Summary, Ranks: c.Ranks, Appraisal: c.Appraisal,
		Files: files, Data: d, Chart: ch,
		Footer: report.Footer{Version: opt.Version, Generated: opt.Generated, Command: opt.Command, Checksums: opt.Checksums},
	}
}

// geoPackage writes every layer into a GeoPackage and returns its bytes.
func (c *Comparison) geoPackage(modified time.Time) ([]byte, error) {
	dir, err := os.MkdirTemp("", "fastroad-gpkg-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "results.gpkg")
	w, err := gpkg.Create(path)
	if err != nil {
		return nil, err
	}
	if modified.IsZero() {
		modified = time.Unix(0, 0).UTC()
	}
	w.Modified = modified
	if err := c.addLayers(w); err != nil {
		w.Abort()
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

func (c *Comparison) addLayers(w *gpkg.Writer) error {
	// Every GeoJSON output: bands, differences, flows. Names that are not
	// plain identifiers (an alternative named in Chinese) are made unique.
	// The files are rendered and parsed on the other core, from the start:
	// while the places, roads and residents below are stored, then one
	// layer ahead of the inserts (SQLite takes as long to store a layer as
	// JSON to read it). At most parseAhead parsed layers wait in memory.
	used := map[string]bool{"places": true, "entrances": true, "edited_roads": true, "control_line_conflicts": true, "residents": true}
	var files []File
	for _, f := range c.Files {
		if strings.HasSuffix(f.Name, ".geojson") {
			files = append(files, f)
		}
	}
	const parseAhead = 4
	parsed := make(chan *geoLayer, parseAhead)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(parsed)
		for _, f := range files {
			gl := &geoLayer{file: f.Name}
			data, err := renderBytes(f.Write)
			if err == nil {
				gl.name = layerName(strings.TrimSuffix(f.Name, ".geojson"))
				for k := 2; used[strings.ToLower(gl.name)]; k++ {
					b := layerName(strings.TrimSuffix(f.Name, ".geojson"))
					gl.name = fmt.Sprintf("%s_%d", b[:min(len(b), 56)], k)
				}
				used[strings.ToLower(gl.name)] = true
				err = gl.parse(data)
			}
			gl.err = err
			select {
			case parsed <- gl:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	// Places (towns, stations, entrances) of the base network.
	pl, err := w.AddLayer(gpkg.LayerSpec{Name: "places", Description: "towns, HSR and rail stations, expressway entrances of the base network",
		Type: gpkg.TypePoint, Columns: []gpkg.Column{{Name: "kind", Type: gpkg.Text}, {Name: "id", Type: gpkg.Text}, {Name: "name", Type: gpkg.Text},
			{Name: "name_zh", Type: gpkg.Text}, {Name: "name_en", Type: gpkg.Text}, {Name: "population", Type: gpkg.Integer}, {Name: "source", Type: gpkg.Text}}})
	if err != nil {
		return err
	}
	for _, p := range c.Base.Places {
		if err := pl.Insert(gpkg.Point{p.Lon, p.Lat}, p.Kind, p.ID, p.Name, p.NameZh, p.NameEn, p.Population, p.Source); err != nil {
			return err
		}
	}
	// Entrances of every network (they change with the network).
	ent, err := w.AddLayer(gpkg.LayerSpec{Name: "entrances", Description: "expressway entrances per network", Type: gpkg.TypePoint,
		Columns: []gpkg.Column{{Name: "network", Type: gpkg.Text}, {Name: "id", Type: gpkg.Text}, {Name: "name", Type: gpkg.Text}}})
	if err != nil {
		return err
	}
	for _, o := range append([]*report.Outcome{c.Base}, outcomes(c.Alts)...) {
		for _, p := range places.OfKind(o.Places, places.KindEntrance) {
			if err := ent.Insert(gpkg.Point{p.Lon, p.Lat}, o.Name, p.ID, p.Label()); err != nil {
				return err
			}
		}
	}
	// Edited roads and control-line conflicts.
	roads, err := w.AddLayer(gpkg.LayerSpec{Name: "edited_roads", Description: "roads each alternative adds or upgrades", Type: gpkg.TypeLineString,
		Columns: []gpkg.Column{{Name: "alternative", Type: gpkg.Text}, {Name: "edit", Type: gpkg.Integer}, {Name: "kind", Type: gpkg.Text}}})
	if err != nil {
		return err
	}
	conf, err := w.AddLayer(gpkg.LayerSpec{Name: "control_line_conflicts", Description: "stretches of edited roads inside purple or blue control lines", Type: gpkg.TypeLineString,
		Columns: []gpkg.Column{{Name: "alternative", Type: gpkg.Text}, {Name: "edit", Type: gpkg.Integer}}})
	if err != nil {
		return err
	}
	for i, r := range c.Study.Results {
		if r == nil {
			continue
		}
		name := c.Study.Spec.Alternatives[i].Name
		for j, rep := range r.Reports {
			for _, l := range rep.Lines {
				if ls := lineOf(l); len(ls) >= 2 {
					if err := roads.Insert(ls, name, rep.Index+1, rep.Kind); err != nil {
						return err
					}
				}
			}
			if j < len(c.Study.Checks[i]) {
				for _, st := range c.Study.Checks[i][j].Stretches {
					if ls := lineOf(st); len(ls) >= 2 {
						if err := conf.Insert(ls, name, rep.Index+1); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	if err := c.peopleLayer(w); err != nil {
		return err
	}
	for gl := range parsed {
		if gl.err == nil {
			gl.err = gl.insert(w)
		}
		if gl.err != nil {
			return fmt.Errorf("%s: %w", gl.file, gl.err)
		}
	}
	return nil
}

func outcomes(alts []*report.Alternative) []*report.Outcome {
	out := make([]*report.Outcome, len(alts))
	for i, a := range alts {
		out[i] = a.Outcome
	}
	return out
}

func lineOf(pts []graph.Point) gpkg.LineString {
	out := make(gpkg.LineString, 0, len(pts))
	for _, p := range pts {
		out = append(out, gpkg.Point{p.Lon, p.Lat})
	}
	return out
}

// layerName makes a file name a plain identifier: letters, digits and _.
func layerName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "l_" + out
	}
	if len(out) > 63 {
		out = out[:63]
	}
	return out
}

// peopleCellM is the size of the residents layer's points: the grid cells
// summed into blocks of about this many metres, so that a county-sized
// study gives tens of thousands of points, not millions.
const peopleCellM = 500

// peopleLayer writes the residents on the grid as points at the centres of
// blocks of cells with residents.
func (c *Comparison) peopleLayer(w *gpkg.Writer) error {
	p := c.People
	if p == nil {
		return nil
	}
	cell := c.Eval.Fill.CellMetres
	if cell <= 0 {
		cell = 100
	}
	geom, err := gridGeometry(c.Eval.Fill.Box, cell)
	if err != nil || geom.W*geom.H != len(p.Pop) {
		return nil // not aligned: nothing to write rather than a wrong layer
	}
	k := max(1, int(math.Round(peopleCellM/cell)))
	bw, bh := (geom.W+k-1)/k, (geom.H+k-1)/k
	sum := make([]float64, bw*bh)
	urban := make([]float64, bw*bh)
	for y := 0; y < geom.H; y++ {
		for x := 0; x < geom.W; x++ {
			v := float64(p.Pop[y*geom.W+x])
			if v <= 0 {
				continue
			}
			i := (y/k)*bw + x/k
			sum[i] += v
			if p.Urban[y*geom.W+x] == 1 {
				urban[i] += v
			}
		}
	}
	l, err := w.AddLayer(gpkg.LayerSpec{Name: "residents", Description: fmt.Sprintf("residents per block of about %d m (centre points)", peopleCellM),
		Type: gpkg.TypePoint, Columns: []gpkg.Column{{Name: "residents", Type: gpkg.Real}, {Name: "urban_residents", Type: gpkg.Real}}})
	if err != nil {
		return err
	}
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			i := by*bw + bx
			if sum[i] < 0.5 {
				continue
			}
			cx := float64(bx*k) + float64(min(k, geom.W-bx*k)-1)/2
			cy := float64(by*k) + float64(min(k, geom.H-by*k)-1)/2
			lon, lat := geom.MinLon+cx*geom.DLon, geom.MinLat+cy*geom.DLat
			if err := l.Insert(gpkg.Point{lon, lat}, math.Round(sum[i]*10)/10, math.Round(urban[i]*10)/10); err != nil {
				return err
			}
		}
	}
	return nil
}

type geoFeature struct {
	Properties map[string]any `json:"properties"`
	Geometry   *struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// geoLayer is one GeoJSON output copied into a layer of the GeoPackage:
// polygons as MultiPolygon, lines as MultiLineString, points as Point (one
// geometry family per file); properties become columns (numbers Real,
// booleans Integer, text Text, lists and objects as JSON text). It is read
// (parse, any goroutine) apart from being stored (insert, the writer's).
type geoLayer struct {
	file, name string
	spec       *gpkg.LayerSpec // nil: no geometry, no layer
	geoms      []gpkg.Geometry
	attrs      [][]any
	err        error
}

// insert adds the layer and its features to w.
func (gl *geoLayer) insert(w *gpkg.Writer) error {
	if gl.spec == nil {
		return nil
	}
	l, err := w.AddLayer(*gl.spec)
	if err != nil {
		return err
	}
	for i, g := range gl.geoms {
		if err := l.Insert(g, gl.attrs[i]...); err != nil {
			return err
		}
	}
	return nil
}

// parse reads the layer's spec, geometries and attributes from data.
func (gl *geoLayer) parse(data []byte) error {
	name, file := gl.name, gl.file
	var fc struct {
		Features []geoFeature `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return err
	}
	var keys []string
	types := map[string]gpkg.ColumnType{}
	var family string
	for _, f := range fc.Features {
		if f.Geometry != nil && family == "" {
			family = strings.TrimPrefix(f.Geometry.Type, "Multi")
		}
		for k, v := range f.Properties {
			if _, ok := types[k]; ok || v == nil {
				continue
			}
			keys = append(keys, k)
			switch v.(type) {
			case float64:
				types[k] = gpkg.Real
			case bool:
				types[k] = gpkg.Integer
			default:
				types[k] = gpkg.Text
			}
		}
	}
	if family == "" {
		return nil // no geometry: no layer
	}
	slices.Sort(keys)
	spec := gpkg.LayerSpec{Name: name, Description: file}
	switch family {
	case "Polygon":
		spec.Type = gpkg.TypeMultiPolygon
	case "LineString":
		spec.Type = gpkg.TypeMultiLineString
	case "Point":
		spec.Type = gpkg.TypePoint
	default:
		return fmt.Errorf("geometry %s: not supported", family)
	}
	cols := map[string]bool{}
	for _, k := range keys {
		col := layerName(strings.ToLower(k))
		if cols[col] || col == "fid" || col == "geom" {
			continue
		}
		cols[col] = true
		spec.Columns = append(spec.Columns, gpkg.Column{Name: col, Type: types[k]})
	}
	gl.spec = &spec
	for i, f := range fc.Features {
		if f.Geometry == nil || strings.TrimPrefix(f.Geometry.Type, "Multi") != family {
			continue
		}
		g, err := geometryOf(f.Geometry.Type, f.Geometry.Coordinates)
		if err != nil {
			return fmt.Errorf("feature %d: %w", i+1, err)
		}
		if g == nil {
			continue
		}
		attrs := make([]any, 0, len(spec.Columns))
		seen := map[string]bool{}
		for _, k := range keys {
			col := layerName(strings.ToLower(k))
			if seen[col] || col == "fid" || col == "geom" {
				continue
			}
			seen[col] = true
			v, ok := f.Properties[k]
			switch {
			case !ok || v == nil:
				attrs = append(attrs, nil)
			case types[k] == gpkg.Text:
				if s, ok := v.(string); ok {
					attrs = append(attrs, s)
				} else {
					b, _ := json.Marshal(v)
					attrs = append(attrs, string(b))
				}
			case types[k] == gpkg.Integer:
				b, _ := v.(bool)
				attrs = append(attrs, b)
			default:
				x, ok := v.(float64)
				if !ok {
					attrs = append(attrs, nil)
				} else {
					attrs = append(attrs, x)
				}
			}
		}
		gl.geoms = append(gl.geoms, g)
		gl.attrs = append(gl.attrs, attrs)
	}
	return nil
}

func geometryOf(typ string, raw json.RawMessage) (gpkg.Geometry, error) {
	if g, ok := fastGeometry(typ, raw); ok {
		return g, nil
	}
	return jsonGeometry(typ, raw)
}

// jsonGeometry is geometryOf by encoding/json.
func jsonGeometry(typ string, raw json.RawMessage) (gpkg.Geometry, error) {
	switch typ {
	case "Point":
		var p gpkg.Point
		err := json.Unmarshal(raw, &p)
		return p, err
	case "MultiPoint":
		var ps []gpkg.Point
		if err := json.Unmarshal(raw, &ps); err != nil || len(ps) == 0 {
			return nil, err
		}
		return ps[0], nil
	case "LineString":
		var l gpkg.LineString
		err := json.Unmarshal(raw, &l)
		return gpkg.MultiLineString{l}, err
	case "MultiLineString":
		var m gpkg.MultiLineString
		if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
			return nil, err
		}
		return m, nil
	case "Polygon":
		var p gpkg.Polygon
		err := json.Unmarshal(raw, &p)
		return gpkg.MultiPolygon{p}, err
	case "MultiPolygon":
		var m gpkg.MultiPolygon
		if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
			return nil, err
		}
		return m, nil
	}
	return nil, fmt.Errorf("geometry %s: not supported", typ)
}

// toGCJ02 rewrites every coordinate pair of a GeoJSON document to GCJ-02
// (points outside China are left as they are, as the datum defines).
func toGCJ02(data []byte) ([]byte, error) {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				if k == "coordinates" {
					t[k] = convertCoords(x)
				} else {
					t[k] = walk(x)
				}
			}
		case []any:
			for i := range t {
				t[i] = walk(t[i])
			}
		}
		return v
	}
	walk(doc)
	return json.Marshal(doc)
}

func convertCoords(v any) any {
	arr, ok := v.([]any)
	if !ok {
		return v
	}
	if len(arr) >= 2 {
		lon, ok1 := arr[0].(float64)
		lat, ok2 := arr[1].(float64)
		if ok1 && ok2 {
			x, y := crs.FromWGS84(crs.GCJ02, lon, lat)
			arr[0], arr[1] = math.Round(x*1e6)/1e6, math.Round(y*1e6)/1e6
			return arr
		}
	}
	for i := range arr {
		arr[i] = convertCoords(arr[i])
	}
	return arr
}

// Sheets are the workbook's tables, headers in lang: access per town,
// ranking, people, savings and the appraisal's indicators, cash flow and
// sensitivity, one sheet each.
func (c *Comparison) Sheets(lang i18n.Lang) []report.Sheet {
	h := func(keys ...string) map[string]string {
		m := map[string]string{}
		for _, k := range keys {
			if i18n.Has("xl_" + k) {
				m[k] = i18n.T(lang, "xl_"+k)
			}
		}
		return m
	}
	sn := func(key string) string { return i18n.T(lang, "sheet_"+key) }
	used := map[string]bool{}
	name := func(key string) string { return report.SheetName(sn(key), used) }
	towns := report.TownRows(c.Base, c.Alts, c.Eval.Targets)
	out := []report.Sheet{
		{Name: name("access"), Rows: towns, Headers: h(rowKeys(towns)...)},
		{Name: name("ranking"), Rows: c.Summary, Headers: h(rowKeys(c.Summary)...)},
	}
	if c.People != nil {
		pr := report.PeopleRows(c.Base, c.Alts, c.People)
		sr := report.SavingsRows(c.Alts, c.People)
		out = append(out, report.Sheet{Name: name("people"), Rows: pr, Headers: h(rowKeys(pr)...)},
			report.Sheet{Name: name("savings"), Rows: sr, Headers: h(rowKeys(sr)...)})
	}
	if r := c.Appraisal; r != nil {
		ind, cf, sens := appraisalRows(r)
		out = append(out, report.Sheet{Name: name("appraisal"), Rows: ind, Headers: h(rowKeys(ind)...)},
			report.Sheet{Name: name("cash_flow"), Rows: cf, Headers: h(rowKeys(cf)...)},
			report.Sheet{Name: name("sensitivity"), Rows: sens, Headers: h(rowKeys(sens)...)})
	}
	return out
}

func rowKeys(rows []report.Row) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rows {
		for _, f := range r {
			if !seen[f.Key] {
				seen[f.Key] = true
				out = append(out, f.Key)
			}
		}
	}
	return out
}

// appraisalRows are the appraisal's tables in CNY 10,000.
func appraisalRows(r *appraisal.Result) (ind, cf, sens []report.Row) {
	w := func(v float64) float64 { return math.Round(v/1e4*10) / 10 }
	for _, a := range r.Alternatives {
		in := a.Indicators
		eirr := math.NaN()
		if in.EIRROK {
			eirr = math.Round(in.EIRR*1000) / 10
		}
		ind = append(ind, report.Row{{Key: "alternative", Value: a.Name}, {Key: "construction_10k_cny", Value: w(a.Construction)},
			{Key: "pv_costs_10k_cny", Value: w(in.PVCosts)}, {Key: "pv_benefits_10k_cny", Value: w(in.PVBenefits)}, {Key: "enpv_10k_cny", Value: w(in.ENPV)},
			{Key: "ebcr", Value: math.Round(in.EBCR*100) / 100}, {Key: "eirr_pct", Value: eirr}, {Key: "payback_year", Value: in.PaybackYear},
			{Key: "switch_cost_pct", Value: math.Round(in.SwitchCostPct*10) / 10}, {Key: "switch_benefit_pct", Value: math.Round(in.SwitchBenefitPct*10) / 10}})
		for _, y := range a.CashFlow {
			cf = append(cf, report.Row{{Key: "alternative", Value: a.Name}, {Key: "year", Value: y.Year},
				{Key: "construction_10k_cny", Value: w(y.Construction)}, {Key: "maintenance_10k_cny", Value: w(y.Maintenance)}, {Key: "residual_10k_cny", Value: w(y.Residual)},
				{Key: "costs_10k_cny", Value: w(y.Costs)}, {Key: "time_benefit_10k_cny", Value: w(y.TimeBenefit)}, {Key: "voc_benefit_10k_cny", Value: w(y.VOCBenefit)},
				{Key: "accident_benefit_10k_cny", Value: w(y.AccidentBenefit)}, {Key: "benefits_10k_cny", Value: w(y.Benefits)}, {Key: "net_10k_cny", Value: w(y.Net)},
				{Key: "discount_factor", Value: math.Round(y.DiscountFactor*1e4) / 1e4}})
		}
		for _, s := range a.Sensitivity {
			eirr := math.NaN()
			if s.EIRROK {
				eirr = math.Round(s.EIRR*1000) / 10
			}
			sens = append(sens, report.Row{{Key: "alternative", Value: a.Name}, {Key: "case", Value: s.Case}, {Key: "enpv_10k_cny", Value: w(s.ENPV)},
				{Key: "ebcr", Value: math.Round(s.EBCR*100) / 100}, {Key: "eirr_pct", Value: eirr}})
		}
	}
	return ind, cf, sens
}
