package chart

import (
	"bytes"

	"fmt"
	"image/color"
	"math"
	"sort"
	"unicode"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/fastroad/fastroad/i18n"
	"github.com/fastroad/fastroad/render"
)

// Format is an output format.
type Format int

// The output formats.
const (
	PNG Format = iota
	SVG
)

func (f Format) String() string {
	if f == SVG {
		return "svg"
	}
	return "png"
}

// Options set a chart's size, language and font. The zero value is usable.
type Options struct {
	Width, Height vg.Length    // default 8 × 5 inches
	DPI           int          // PNG resolution, default 200
	Lang          i18n.Lang    // tick label formatting, default en
	Font          *render.Font // default render.SystemFont()
}

func (o Options) withDefaults() Options {
	if o.Width <= 0 {
		o.Width = 8 * vg.Inch
	}
	if o.Height <= 0 {
		o.Height = 5 * vg.Inch
	}
	if o.DPI <= 0 {
		o.DPI = 200
	}
	if o.Lang == "" {
		o.Lang = i18n.EN
	}
	if o.Font == nil {
		o.Font = render.SystemFont()
	}
	return o
}

// Chart is a chart to draw: Curves, Bars or Tornado.
type Chart interface {
	build(s *style) (*plot.Plot, error)
	texts() []string
}

// Limits on what a chart may hold, so a bad input fails instead of drawing
// an unreadable picture.
const (
	maxSeries = 12
	maxPoints = 100000
	maxBars   = 50
)

// Render draws c in format f and returns the bytes and any warnings (a
// missing CJK font).
func Render(c Chart, f Format, o Options) ([]byte, []string, error) {
	if f != PNG && f != SVG {
		return nil, nil, fmt.Errorf("render chart: format %d: want PNG or SVG", int(f))
	}
	if c == nil {
		return nil, nil, fmt.Errorf("render chart: no chart")
	}
	o = o.withDefaults()
	if o.Width > 40*vg.Inch || o.Height > 40*vg.Inch || o.DPI > 600 {
		return nil, nil, fmt.Errorf("render chart: size %v × %v at %d dpi: want at most 40 inches a side and 600 dpi", o.Width, o.Height, o.DPI)
	}
	s := newStyle(o)
	var warnings []string
	if !s.cjk {
		for _, t := range c.texts() {
			if hasHan(t) {
				warnings = append(warnings, fmt.Sprintf("no CJK font (using %s): Chinese chart text such as %q shows as boxes; install one (Debian: apt-get install fonts-wqy-microhei)", s.family, t))
				break
			}
		}
	}
	p, err := c.build(s)
	if err != nil {
		return nil, nil, fmt.Errorf("render chart: %w", err)
	}
	var buf bytes.Buffer
	switch f {
	case PNG:
		cv := vgimg.NewWith(vgimg.UseWH(o.Width, o.Height), vgimg.UseDPI(o.DPI), vgimg.UseBackgroundColor(color.White))
		p.Draw(draw.New(cv))
		// The maps' encoder: the chart is opaque on white, so it takes
		// render's fast path instead of image/png's adaptive filters.
		if err := render.EncodePNG(&buf, cv.Image()); err != nil {
			return nil, nil, fmt.Errorf("render chart: %w", err)
		}
	case SVG:
		cv := vgsvg.New(o.Width, o.Height)
		p.Draw(draw.New(cv))
		if _, err := cv.WriteTo(&buf); err != nil {
			return nil, nil, fmt.Errorf("render chart: svg: %w", err)
		}
	}
	return buf.Bytes(), warnings, nil
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// style is the text setup shared by the parts of one plot.
type style struct {
	o       Options
	handler text.Plain
	regular font.Font
	bold    font.Font
	cjk     bool
	family  string
}

func newStyle(o Options) *style {
	s := &style{o: o}
	if info := o.Font.Info(); info.CJK {
		tf := font.Typeface(info.Name)
		s.regular = font.Font{Typeface: tf}
		s.bold = font.Font{Typeface: tf, Weight: xfont.WeightBold} // no bold face: the cache falls back to regular
		s.handler = text.Plain{Fonts: font.NewCache(font.Collection{{Font: s.regular, Face: o.Font.Face()}})}
		s.cjk, s.family = true, info.Name
		return s
	}
	var coll font.Collection
	for _, f := range liberation.Collection() {
		if f.Font.Variant == "Sans" {
			coll = append(coll, f)
		}
	}
	s.regular = font.Font{Typeface: "Liberation", Variant: "Sans"}
	s.bold = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
	s.handler = text.Plain{Fonts: font.NewCache(coll)}
	s.family = "Liberation Sans"
	return s
}

// newPlot makes a plot whose every text uses the style's font.
func (s *style) newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.TextHandler = s.handler
	set := func(t *text.Style, f font.Font, size vg.Length) {
		t.Handler = s.handler
		t.Font = font.From(f, size)
	}
	set(&p.Title.TextStyle, s.bold, 14)
	p.Title.Text = title
	p.Title.Padding = 8
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		set(&a.Label.TextStyle, s.regular, 12)
		set(&a.Tick.Label, s.regular, 11)
	}
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	set(&p.Legend.TextStyle, s.regular, 11)
	return p
}

// niceStep returns the smallest step of the form {1, 2, 2.5, 5} × 10^k
// (with minutes: 1, 2, 5, 15, 30, 60, ... minutes) that puts at most 8 major
// ticks in [lo, hi].
func niceStep(lo, hi float64, minutes bool) float64 {
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) {
		return 1
	}
	if minutes {
		for _, st := range []float64{1, 2, 5, 15, 30, 60, 120, 180, 240, 360, 720, 1440} {
			if span/st <= 8 {
				return st
			}
		}
	}
	mag := math.Pow(10, math.Floor(math.Log10(span/8)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if span/(m*mag) <= 8 {
			return m * mag
		}
	}
	return 10 * mag
}

// ticker puts major ticks every niceStep with labels from format and a minor
// tick between each pair.
func ticker(minutes bool, format func(float64) string) plot.Ticker {
	return plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		st := niceStep(lo, hi, minutes)
		var ticks []plot.Tick
		for k := math.Ceil(lo/st*2 - 1e-9); k <= hi/st*2+1e-9; k++ {
			v := k * st / 2
			if math.Abs(v) < st*1e-9 {
				v = 0
			}
			t := plot.Tick{Value: v}
			if int64(k)%2 == 0 {
				t.Label = format(v)
			}
			ticks = append(ticks, t)
			if len(ticks) > 40 {
				break
			}
		}
		return ticks
	})
}

// countTicks labels ticks with i18n.Count: 200,000 / 20万.
func (s *style) countTicks() plot.Ticker {
	return ticker(false, func(v float64) string { return i18n.Count(s.o.Lang, v) })
}

// minuteTicks labels ticks every 5, 10, 15, 30 or 60 minutes.
func (s *style) minuteTicks() plot.Ticker {
	return ticker(true, func(v float64) string { return i18n.Float(s.o.Lang, v, 0) })
}

// pad widens [lo, hi] by frac of its span on each side (only below when lo
// is below zero, so a chart of counts starts at 0).
func pad(a *plot.Axis, frac float64) {
	span := a.Max - a.Min
	if span <= 0 {
		span = math.Max(math.Abs(a.Max), 1)
	}
	a.Max += frac * span
	if a.Min < 0 {
		a.Min -= frac * span
	}
}

// palette: Okabe-Ito colours, distinguishable with colour-blindness; the
// base is drawn in dark grey.
var (
	baseColor = color.RGBA{0x33, 0x33, 0x33, 0xff}
	palette   = []color.RGBA{
		{0xE6, 0x9F, 0x00, 0xff}, // orange
		{0x00, 0x72, 0xB2, 0xff}, // blue
		{0x00, 0x9E, 0x73, 0xff}, // bluish green
		{0xD5, 0x5E, 0x00, 0xff}, // vermillion
		{0x56, 0xB4, 0xE9, 0xff}, // sky blue
		{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
		{0xF0, 0xE4, 0x42, 0xff}, // yellow
	}
	dashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}, {vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}}
)

// Series is one line of a Curves chart.
type Series struct {
	Name string
	Base bool      // the base network: dark grey, drawn first
	X, Y []float64 // same length, X increasing
}

// Curves is a line chart, e.g. residents (y) within each drive time (x), one
// line per alternative, with a legend.
type Curves struct {
	Title, XLabel, YLabel string
	Series                []Series
}

func (c Curves) texts() []string {
	t := []string{c.Title, c.XLabel, c.YLabel}
	for _, s := range c.Series {
		t = append(t, s.Name)
	}
	return t
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func (c Curves) build(s *style) (*plot.Plot, error) {
	if len(c.Series) == 0 || len(c.Series) > maxSeries {
		return nil, fmt.Errorf("curves %q: %d series, want 1 to %d", c.Title, len(c.Series), maxSeries)
	}
	p := s.newPlot(c.Title, c.XLabel, c.YLabel)
	p.Y.Tick.Marker = s.countTicks()
	p.X.Tick.Marker = s.minuteTicks()
	p.Y.Min = 0
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.Padding = 4
	p.Add(plotter.NewGrid())
	k := 0
	for i, sr := range c.Series {
		if len(sr.X) != len(sr.Y) || len(sr.X) == 0 || len(sr.X) > maxPoints {
			return nil, fmt.Errorf("curves %q series %d (%s): %d x and %d y values, want the same number, 1 to %d", c.Title, i+1, sr.Name, len(sr.X), len(sr.Y), maxPoints)
		}
		xy := make(plotter.XYs, len(sr.X))
		for j := range sr.X {
			if !finite(sr.X[j]) || !finite(sr.Y[j]) {
				return nil, fmt.Errorf("curves %q series %d (%s) point %d: (%v, %v) is not finite", c.Title, i+1, sr.Name, j+1, sr.X[j], sr.Y[j])
			}
			if j > 0 && sr.X[j] < sr.X[j-1] {
				return nil, fmt.Errorf("curves %q series %d (%s) point %d: x %v after %v, want increasing", c.Title, i+1, sr.Name, j+1, sr.X[j], sr.X[j-1])
			}
			xy[j] = plotter.XY{X: sr.X[j], Y: sr.Y[j]}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("curves %q series %d: %w", c.Title, i+1, err)
		}
		l.Width = vg.Points(2.5)
		if sr.Base {
			l.Color = baseColor
			l.Dashes = dashes[1]
		} else {
			l.Color = palette[k%len(palette)]
			l.Dashes = dashes[(k/len(palette))%len(dashes)]
			k++
		}
		p.Add(l)
		p.Legend.Add(sr.Name, l)
	}
	pad(&p.Y, 0.05)
	return p, nil
}

// Bar is one bar of a Bars chart.
type Bar struct {
	Label string
	Value float64
}

// Bars is a vertical bar chart, e.g. ENPV per alternative; negative values go
// below zero in another colour.
type Bars struct {
	Title, YLabel string
	Bars          []Bar
}

func (b Bars) texts() []string {
	t := []string{b.Title, b.YLabel}
	for _, x := range b.Bars {
		t = append(t, x.Label)
	}
	return t
}

var (
	positiveColor = color.RGBA{0x00, 0x72, 0xB2, 0xff}
	negativeColor = color.RGBA{0xD5, 0x5E, 0x00, 0xff}
)

func (b Bars) build(s *style) (*plot.Plot, error) {
	if len(b.Bars) == 0 || len(b.Bars) > maxBars {
		return nil, fmt.Errorf("bars %q: %d bars, want 1 to %d", b.Title, len(b.Bars), maxBars)
	}
	p := s.newPlot(b.Title, "", b.YLabel)
	p.Y.Tick.Marker = s.countTicks()
	pos := make(plotter.Values, len(b.Bars))
	neg := make(plotter.Values, len(b.Bars))
	labels := make([]string, len(b.Bars))
	for i, x := range b.Bars {
		if !finite(x.Value) {
			return nil, fmt.Errorf("bars %q bar %d (%s): value %v is not finite", b.Title, i+1, x.Label, x.Value)
		}
		if x.Value >= 0 {
			pos[i] = x.Value
		} else {
			neg[i] = x.Value
		}
		labels[i] = x.Label
	}
	width := min(vg.Points(60), (s.o.Width-vg.Inch)/vg.Length(2*len(b.Bars)))
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	p.Add(grid)
	for _, v := range []struct {
		vals plotter.Values
		c    color.Color
	}{{pos, positiveColor}, {neg, negativeColor}} {
		bc, err := plotter.NewBarChart(v.vals, width)
		if err != nil {
			return nil, fmt.Errorf("bars %q: %w", b.Title, err)
		}
		bc.Color = v.c
		bc.LineStyle.Width = 0
		p.Add(bc)
	}
	p.Add(zeroLine(false))
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(b.Bars))-0.5
	p.Y.Min, p.Y.Max = math.Min(p.Y.Min, 0), math.Max(p.Y.Max, 0)
	pad(&p.Y, 0.05)
	return p, nil
}

// zeroLine draws the value axis' zero.
type zeroLine bool // true: vertical (x = 0)

func (z zeroLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: color.Black, Width: vg.Points(1)}
	if z {
		x := trX(0)
		c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
		return
	}
	y := trY(0)
	c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)

}

// Case is one factor of a Tornado chart: the result with the factor at its
// low and at its high test value.
type Case struct {
	Label     string
	Low, High float64
}

// Tornado is a sensitivity chart: for each factor a horizontal bar from the
// central result to the result at the factor's low (orange) and high (blue)
// value, the widest swing on top.
type Tornado struct {
	Title, XLabel     string
	Central           float64
	LowName, HighName string // legend, e.g. "-20%", "+20%"
	Cases             []Case
}

func (t Tornado) texts() []string {
	out := []string{t.Title, t.XLabel, t.LowName, t.HighName}
	for _, c := range t.Cases {
		out = append(out, c.Label)
	}
	return out
}

// tornadoBars draws the bars of a Tornado.
type tornadoBars struct {
	central float64
	cases   []Case // widest swing last: plotted at the top
	width   vg.Length
}

func (tb tornadoBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = tb.central, tb.central
	for _, c := range tb.cases {
		xmin = min(xmin, c.Low, c.High)
		xmax = max(xmax, c.Low, c.High)
	}
	return xmin, xmax, -0.5, float64(len(tb.cases)) - 0.5
}

func (tb tornadoBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i, cs := range tb.cases {
		y := trY(float64(i))
		for _, v := range []struct {
			x   float64
			col color.Color
		}{{cs.Low, negativeColor}, {cs.High, positiveColor}} {
			x0, x1 := trX(tb.central), trX(v.x)
			if x0 > x1 {
				x0, x1 = x1, x0
			}
			if x1-x0 < vg.Points(1) {
				continue
			}
			r := vg.Rectangle{Min: vg.Point{X: x0, Y: y - tb.width/2}, Max: vg.Point{X: x1, Y: y + tb.width/2}}
			c.SetColor(v.col)
			c.Fill(r.Path())
		}
	}
	x := trX(tb.central)
	c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(1.2)}, x, c.Min.Y, x, c.Max.Y)
}

// legendBox is a legend thumbnail of one colour.
type legendBox color.RGBA

func (l legendBox) Thumbnail(c *draw.Canvas) {
	c.SetColor(color.RGBA(l))
	c.Fill(c.Rectangle.Path())
}

func (t Tornado) build(s *style) (*plot.Plot, error) {
	if len(t.Cases) == 0 || len(t.Cases) > maxBars {
		return nil, fmt.Errorf("tornado %q: %d cases, want 1 to %d", t.Title, len(t.Cases), maxBars)
	}
	if !finite(t.Central) {
		return nil, fmt.Errorf("tornado %q: central value %v is not finite", t.Title, t.Central)
	}
	cases := append([]Case(nil), t.Cases...)
	for i, c := range cases {
		if !finite(c.Low) || !finite(c.High) {
			return nil, fmt.Errorf("tornado %q case %d (%s): low %v, high %v: want finite values", t.Title, i+1, c.Label, c.Low, c.High)
		}
	}
	swing := func(c Case) float64 { return math.Max(math.Abs(c.Low-t.Central), math.Abs(c.High-t.Central)) }
	sort.SliceStable(cases, func(i, j int) bool { return swing(cases[i]) < swing(cases[j]) })
	p := s.newPlot(t.Title, t.XLabel, "")
	p.X.Tick.Marker = s.countTicks()
	grid := plotter.NewGrid()
	grid.Horizontal.Color = nil
	p.Add(grid)
	width := min(vg.Points(36), (s.o.Height-vg.Inch)/vg.Length(2*len(cases)))
	p.Add(tornadoBars{central: t.Central, cases: cases, width: width})
	labels := make([]string, len(cases))
	for i, c := range cases {
		labels[i] = c.Label
	}
	p.NominalY(labels...)
	p.Y.Min, p.Y.Max = -0.5, float64(len(cases))-0.5
	span := math.Max(p.X.Max-p.X.Min, math.Abs(t.Central)*0.1+1)
	p.X.Min -= 0.05 * span
	p.X.Max += 0.05 * span
	if t.LowName != "" {
		p.Legend.Add(t.LowName, legendBox(negativeColor))
	}
	if t.HighName != "" {
		p.Legend.Add(t.HighName, legendBox(positiveColor))
	}
	p.Legend.Top = true
	return p, nil
}
