package render

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/goregular"
)

var exampleOut = flag.String("example", "", "write the example map PNG to this file")

// blob returns an irregular closed ring around lon, lat with a mean radius of
// km kilometres, counter-clockwise if ccw.
func blob(lon, lat, km float64, phase float64, ccw bool) [][2]float64 {
	const n = 72
	ring := make([][2]float64, 0, n+1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / n
		if !ccw {
			a = -a
		}
		r := km * (1 + 0.18*math.Sin(3*a+phase) + 0.08*math.Cos(5*a-phase))
		dlat := r / 111.195 * math.Sin(a)
		dlon := r / (111.195 * math.Cos(lat*math.Pi/180)) * math.Cos(a)
		ring = append(ring, [2]float64{lon + dlon, lat + dlat})
	}
	return append(ring, ring[0])
}

func reversed(r [][2]float64) [][2]float64 {
	out := make([][2]float64, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// exampleMap is a synthetic isochrone map around Puyang East station.
func exampleMap(font *Font) (*Map, []Area, []Line, []Label, []LegendItem) {
	m := &Map{
		Width: 1600, Height: 1200,
		Bounds:      [4]float64{114.88, 35.62, 115.32, 35.90},
		Title:       "Drive time to Puyang East HSR station (濮阳东站)",
		LegendTitle: "Minutes by car",
		Font:        font,
	}
	st := [2]float64{115.105, 35.742}
	pal := Sequential(2)
	inner := blob(st[0], st[1], 6, 0.4, true)
	outer := blob(st[0]-0.01, st[1]+0.005, 13, 1.7, true)
	lake := blob(st[0]+0.035, st[1]+0.02, 1.6, 2.2, true) // same orientation: must still be a hole
	areas := []Area{
		{Rings: [][][2]float64{outer, reversed(inner)}, Fill: Fade(pal[1], 0.5), Stroke: Fade(pal[1], 0.9)},
		{Rings: [][][2]float64{inner, lake}, Fill: Fade(pal[0], 0.5), Stroke: Fade(pal[0], 0.9)},
	}
	road := func(class string, pts ...[2]float64) Line {
		return Line{Coords: pts, Style: RoadStyle(class)}
	}
	var lines []Line
	// A residential grid in town.
	for i := range 9 {
		lon := 115.000 + 0.006*float64(i)
		lines = append(lines, road("residential", [2]float64{lon, 35.745}, [2]float64{lon + 0.002, 35.795}))
		lat := 35.745 + 0.006*float64(i)
		lines = append(lines, road("residential", [2]float64{114.995, lat}, [2]float64{115.052, lat + 0.001}))
	}
	lines = append(lines,
		road("tertiary", [2]float64{114.90, 35.70}, [2]float64{114.97, 35.72}, [2]float64{115.00, 35.76}),
		road("secondary", [2]float64{114.95, 35.64}, [2]float64{115.02, 35.70}, [2]float64{115.03, 35.77}, [2]float64{115.06, 35.88}),
		road("primary", [2]float64{114.89, 35.77}, [2]float64{115.00, 35.768}, [2]float64{115.10, 35.75}, [2]float64{115.20, 35.73}, [2]float64{115.31, 35.74}),
		road("primary", [2]float64{115.105, 35.742}, [2]float64{115.11, 35.80}, [2]float64{115.13, 35.89}),
		road("trunk", [2]float64{114.90, 35.84}, [2]float64{115.02, 35.815}, [2]float64{115.15, 35.82}, [2]float64{115.31, 35.86}),
		road("motorway", [2]float64{115.16, 35.63}, [2]float64{115.17, 35.70}, [2]float64{115.165, 35.76}, [2]float64{115.19, 35.83}, [2]float64{115.21, 35.89}),
		road("motorway", [2]float64{114.89, 35.66}, [2]float64{115.00, 35.675}, [2]float64{115.10, 35.68}, [2]float64{115.168, 35.69}, [2]float64{115.31, 35.71}),
		road("motorway_link", [2]float64{115.168, 35.745}, [2]float64{115.14, 35.745}, [2]float64{115.12, 35.743}),
	)
	labels := []Label{
		{Lon: st[0], Lat: st[1], Text: "濮阳东站", Kind: KindHSRStation},
		{Lon: 115.028, Lat: 35.770, Text: "Puyang", Kind: KindTown},
		{Lon: 115.166, Lat: 35.745, Text: "Puyang East IC", Kind: KindEntrance},
	}
	legend := []LegendItem{
		{Color: areas[1].Fill, Text: "0–15 min"},
		{Color: areas[0].Fill, Text: "15–30 min"},
	}
	return m, areas, lines, labels, legend
}

func encode(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExampleMap(t *testing.T) {
	m, areas, lines, labels, legend := exampleMap(nil)
	img, info, err := m.Draw(areas, lines, labels, legend)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("font %q (%s), CJK %v", info.Name, info.Path, info.CJK)
	if *exampleOut != "" {
		if err := os.WriteFile(*exampleOut, encode(t, img), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, font := range []*Font{GoFont(), SystemFont()} {
		m, areas, lines, labels, legend := exampleMap(font)
		var got [2][]byte
		for i := range got {
			img, _, err := m.Draw(areas, lines, labels, legend)
			if err != nil {
				t.Fatal(err)
			}
			got[i] = encode(t, img)
		}
		if !bytes.Equal(got[0], got[1]) {
			t.Errorf("font %s: two renders differ: got %d and %d bytes, want identical", font.Info().Name, len(got[0]), len(got[1]))
		}
	}
}

func TestProjectionRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		m    Map
	}{
		{"puyang landscape", Map{Width: 1600, Height: 1200, Bounds: [4]float64{114.8, 35.5, 115.4, 36.0}, Title: "t"}},
		{"tall strip", Map{Width: 1600, Height: 1200, Bounds: [4]float64{113.0, 22.0, 113.2, 24.0}}},
		{"wide strip high latitude", Map{Width: 800, Height: 800, Bounds: [4]float64{120.0, 45.0, 128.0, 46.0}}},
		{"small image", Map{Width: 320, Height: 240, Bounds: [4]float64{116.3, 39.8, 116.5, 40.0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.m.Projection()
			if err != nil {
				t.Fatal(err)
			}
			b := tc.m.Bounds
			for _, ll := range [][2]float64{{b[0], b[1]}, {b[2], b[3]}, {(b[0] + b[2]) / 2, (b[1] + b[3]) / 2}, {b[0] + 0.013, b[3] - 0.021}} {
				x, y := p.Project(ll[0], ll[1])
				lon, lat := p.Unproject(x, y)
				if math.Abs(lon-ll[0]) > 1e-9 || math.Abs(lat-ll[1]) > 1e-9 {
					t.Errorf("round trip %v: got %v, %v", ll, lon, lat)
				}
			}
			// Bounds fit inside the frame and touch it on one axis.
			x0, y1 := p.Project(b[0], b[1])
			x1, y0 := p.Project(b[2], b[3])
			f := p.Frame
			const eps = 1e-6
			if x0 < float64(f.Min.X)-eps || x1 > float64(f.Max.X)+eps || y0 < float64(f.Min.Y)-eps || y1 > float64(f.Max.Y)+eps {
				t.Errorf("bounds project to x %.2f..%.2f y %.2f..%.2f, outside frame %v", x0, x1, y0, y1, f)
			}
			fitW := math.Abs((x1-x0)-float64(f.Dx())) < 1e-6
			fitH := math.Abs((y1-y0)-float64(f.Dy())) < 1e-6
			if !fitW && !fitH {
				t.Errorf("bounds span %.2f×%.2f px, want one side equal to frame %dx%d", x1-x0, y1-y0, f.Dx(), f.Dy())
			}
			// Aspect: 1 km east and 1 km north are the same length at the centre.
			lon0, lat0 := (b[0]+b[2])/2, (b[1]+b[3])/2
			cx, cy := p.Project(lon0, lat0)
			ex, _ := p.Project(lon0+1000/metresPerDegree/math.Cos(lat0*math.Pi/180), lat0)
			_, ny := p.Project(lon0, lat0+1000/metresPerDegree)
			east, north := ex-cx, cy-ny
			if math.Abs(east/north-1) > 1e-9 {
				t.Errorf("1 km east is %.4f px, 1 km north %.4f px: want equal", east, north)
			}
			if got, want := p.MetresPerPixel(), 1000/north; math.Abs(got/want-1) > 1e-9 {
				t.Errorf("MetresPerPixel got %v want %v", got, want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		m    Map
		want string
	}{
		{"ok", Map{Width: 100, Height: 100, Bounds: [4]float64{0, 0, 1, 1}}, ""},
		{"zero width", Map{Width: 0, Height: 100, Bounds: [4]float64{0, 0, 1, 1}}, "width and height"},
		{"huge", Map{Width: 100000, Height: 100, Bounds: [4]float64{0, 0, 1, 1}}, "width and height"},
		{"empty bounds", Map{Width: 100, Height: 100, Bounds: [4]float64{1, 0, 1, 1}}, "minLon < maxLon"},
		{"swapped lat", Map{Width: 100, Height: 100, Bounds: [4]float64{0, 2, 1, 1}}, "minLat < maxLat"},
		{"nan", Map{Width: 100, Height: 100, Bounds: [4]float64{0, math.NaN(), 1, 1}}, "not finite"},
		{"polar", Map{Width: 100, Height: 100, Bounds: [4]float64{0, 80, 1, 89}}, "latitudes"},
		{"tiny", Map{Width: 20, Height: 20, Bounds: [4]float64{0, 0, 1, 1}}, "too small"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.m.Projection()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tc.want == "" && err != nil || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("got error %q, want one containing %q", got, tc.want)
			}
		})
	}
}

func TestNiceDistance(t *testing.T) {
	tests := []struct {
		max, want float64
		text      string
	}{
		{0.3, 1, "1 m"},
		{1, 1, "1 m"},
		{1.9, 1, "1 m"},
		{2, 2, "2 m"},
		{4.99, 2, "2 m"},
		{7, 5, "5 m"},
		{999, 500, "500 m"},
		{1000, 1000, "1 km"},
		{12000, 10000, "10 km"},
		{19999, 10000, "10 km"},
		{27000, 20000, "20 km"},
		{68000, 50000, "50 km"},
	}
	for _, tc := range tests {
		got := niceDistance(tc.max)
		if got != tc.want {
			t.Errorf("niceDistance(%v) got %v want %v", tc.max, got, tc.want)
		}
		if s := formatDistance(got); s != tc.text {
			t.Errorf("formatDistance(%v) got %q want %q", got, s, tc.text)
		}
	}
}

func TestScaleBarRound(t *testing.T) {
	for _, b := range [][4]float64{
		{114.8, 35.5, 115.4, 36.0},    // ~55 km wide: 10 km
		{116.3, 39.85, 116.45, 39.95}, // ~13 km: 2 km
		{110, 30, 118, 36},            // ~700 km: 100 km
	} {
		m := &Map{Width: 1600, Height: 1200, Bounds: b}
		p, err := m.Projection()
		if err != nil {
			t.Fatal(err)
		}
		d := m.decorations(p, newTexter(GoFont()), nil)
		mant := d.scaleDist / math.Pow(10, math.Floor(math.Log10(d.scaleDist)))
		if mant != 1 && mant != 2 && mant != 5 {
			t.Errorf("bounds %v: got scale distance %v m, want 1, 2 or 5 × 10^k", b, d.scaleDist)
		}
		frac := d.scaleLen / float64(p.Frame.Dx())
		if frac > 0.2+1e-9 || frac < 0.08 {
			t.Errorf("bounds %v: got bar %.0f px = %.2f of frame width, want 0.08..0.2", b, d.scaleLen, frac)
		}
		if got, want := d.scaleLen*p.MetresPerPixel(), d.scaleDist; math.Abs(got-want) > 1e-6 {
			t.Errorf("bounds %v: bar length got %v m want %v m", b, got, want)
		}
	}
}

// blend is src over dst for a premultiplied src.
func blend(dst, src color.RGBA) color.RGBA {
	a := 255 - uint32(src.A)
	f := func(d, s uint8) uint8 { return uint8((uint32(d)*a+127)/255 + uint32(s)) }
	return color.RGBA{f(dst.R, src.R), f(dst.G, src.G), f(dst.B, src.B), 255}
}

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return math.Abs(float64(x)-float64(y)) <= float64(tol) }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

func square(x0, y0, x1, y1 float64, ccw, closed bool) [][2]float64 {
	r := [][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
	if !ccw {
		r = reversed(r)
	}
	if closed {
		r = append(r, r[0])
	}
	return r
}

func TestDrawPixels(t *testing.T) {
	fill := Fade(color.RGBA{200, 30, 30, 255}, 0.6)
	road := color.RGBA{20, 20, 160, 255}
	legendColour := Fade(color.RGBA{30, 160, 30, 255}, 0.6)
	tests := []struct {
		name              string
		outerCCW, holeCCW bool
		closed            bool
		islandInHole      bool
		polygon           bool
	}{
		{"ccw outer cw hole closed", true, false, true, false, false},
		{"ccw outer ccw hole open", true, true, false, false, false},
		{"cw outer cw hole closed", false, false, true, false, false},
		{"cw outer ccw hole with island", false, true, true, true, false},
		{"polygon: outer and hole given", true, false, true, false, true},
		{"polygon: hole oriented like the outer", true, true, true, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &Map{Width: 480, Height: 360, Bounds: [4]float64{0, 0, 1, 1}, Title: "Test", LegendTitle: "Legend", Font: GoFont()}
			rings := [][][2]float64{
				square(0.1, 0.1, 0.9, 0.9, tc.outerCCW, tc.closed),
				square(0.3, 0.3, 0.7, 0.7, tc.holeCCW, tc.closed),
			}
			if tc.islandInHole {
				rings = append(rings, square(0.45, 0.45, 0.55, 0.55, tc.outerCCW, tc.closed))
			}
			lines := []Line{{Coords: [][2]float64{{0.02, 0.05}, {0.98, 0.05}}, Style: LineStyle{Color: road, Width: 6}}}
			img, info, err := m.Draw([]Area{{Rings: rings, Fill: fill, Polygon: tc.polygon}}, lines, nil, []LegendItem{{Color: legendColour, Text: "band"}})
			if err != nil {
				t.Fatal(err)
			}
			if info.Name != "Go" || info.CJK {
				t.Errorf("font info got %+v want Go without CJK", info)
			}
			p, _ := m.Projection()
			at := func(lon, lat float64) color.RGBA {
				x, y := p.Project(lon, lat)
				return img.RGBAAt(int(x), int(y))
			}
			want := blend(landColour, fill)
			if got := at(0.2, 0.5); !near(got, want, 2) {
				t.Errorf("polygon interior got %v want %v", got, want)
			}
			if got := at(0.38, 0.38); !near(got, landColour, 0) {
				t.Errorf("hole got %v want land %v", got, landColour)
			}
			if tc.islandInHole {
				if got := at(0.5, 0.5); !near(got, want, 2) {
					t.Errorf("island in hole got %v want %v", got, want)
				}
			}
			if got := at(0.5, 0.05); !near(got, road, 0) {
				t.Errorf("road got %v want %v", got, road)
			}
			if got := at(0.5, 0.09); !near(got, landColour, 0) {
				t.Errorf("beside road got %v want land %v", got, landColour)
			}
			// Outside the frame is page white.
			if got := img.RGBAAt(2, 2); got != pageColour {
				t.Errorf("page corner got %v want %v", got, pageColour)
			}
			d := m.decorations(p, newTexter(GoFont()), []LegendItem{{Color: legendColour, Text: "band"}})
			if n := darkPixels(img, d.attr); n < 30 {
				t.Errorf("attribution box %v: got %d dark pixels, want at least 30", d.attr, n)
			}
			if n := darkPixels(img, d.scale); n < 30 {
				t.Errorf("scale bar box %v: got %d dark pixels, want at least 30", d.scale, n)
			}
			// Legend: its swatch shows the item colour over land, its text is dark.
			sx := int(d.legend.x0 + d.legendPad + d.swatchW/2)
			sy := int(d.legend.y0 + d.legendPad + d.legendHead + d.swatchH/2)
			if got, want := img.RGBAAt(sx, sy), blend(landColour, legendColour); !near(got, want, 2) {
				t.Errorf("legend swatch at %d,%d got %v want %v", sx, sy, got, want)
			}
			if n := darkPixels(img, d.legend); n < 30 {
				t.Errorf("legend box %v: got %d dark pixels, want at least 30", d.legend, n)
			}
		})
	}
}

// darkPixels counts pixels with all channels below 110 inside b.
func darkPixels(img *image.RGBA, b box) int {
	n := 0
	r := image.Rect(int(b.x0), int(b.y0), int(b.x1), int(b.y1)).Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if c.R < 110 && c.G < 110 && c.B < 110 {
				n++
			}
		}
	}
	return n
}

func TestLabelCollisions(t *testing.T) {
	m := &Map{Width: 800, Height: 600, Bounds: [4]float64{0, 0, 1, 1}, Font: GoFont()}
	p, err := m.Projection()
	if err != nil {
		t.Fatal(err)
	}
	edgeLon, _ := p.Unproject(float64(p.Frame.Max.X)-1, 0)
	labels := []Label{
		{Lon: 0.5, Lat: 0.5, Text: "Alpha", Kind: KindTown},
		{Lon: 0.5, Lat: 0.5, Text: "Beta", Kind: KindTown},
		{Lon: 0.5, Lat: 0.5, Text: "Gamma", Kind: KindTown},
		{Lon: 0.5, Lat: 0.5, Text: "Delta", Kind: KindTown},
		{Lon: 0.5, Lat: 0.5, Text: "Epsilon", Kind: KindTown},
		{Lon: edgeLon, Lat: 0.5, Text: "Edge", Kind: KindTown},           // marker across the frame edge
		{Lon: 0.2, Lat: 0.2, Text: "Lone station", Kind: KindHSRStation}, // free space
	}
	c := newCanvas(m.Width, m.Height, m.scale())
	boxes, err := c.drawLabels(p, newTexter(GoFont()), labels, nil)
	if err != nil {
		t.Fatal(err)
	}
	var zero box
	placed := 0
	for i, b := range boxes {
		if b == zero {
			continue
		}
		placed++
		for j := range i {
			if boxes[j] != zero && b.overlaps(boxes[j]) {
				t.Errorf("label %q box %v overlaps label %q box %v", labels[i].Text, b, labels[j].Text, boxes[j])
			}
		}
	}
	if boxes[0] == zero || boxes[1] == zero || boxes[6] == zero {
		t.Errorf("got first, second or free-standing label unplaced (%v, %v, %v), want placed right and left of the point and alone", boxes[0], boxes[1], boxes[6])
	}
	if boxes[0].x0 < boxes[1].x1 {
		t.Errorf("got first label %v not right of second %v", boxes[0], boxes[1])
	}
	if boxes[4] != zero {
		t.Errorf("fifth label at one point got placed at %v, want skipped (four positions)", boxes[4])
	}
	if boxes[5] != zero {
		t.Errorf("label at frame edge got %v, want skipped", boxes[5])
	}
	if placed < 3 {
		t.Errorf("got %d labels placed, want at least 3", placed)
	}
}

func TestMissingGlyphsDoNotCrash(t *testing.T) {
	m := &Map{Width: 400, Height: 300, Bounds: [4]float64{0, 0, 1, 1}, Title: "标题 \x00\n✈ \xff", Font: GoFont()}
	labels := []Label{
		{Lon: 0.3, Lat: 0.3, Text: "濮阳东站", Kind: KindHSRStation},
		{Lon: 0.6, Lat: 0.6, Text: "🚄 \u200b\t bad \xfe utf8", Kind: "unknown"},
		{Lon: 0.6, Lat: 0.3, Text: "", Kind: KindEntrance},
	}
	if _, _, err := m.Draw(nil, nil, labels, []LegendItem{{Color: nil, Text: "无"}}); err != nil {
		t.Fatal(err)
	}
	if got := GoFont().missing("A濮"); len(got) != 1 || got[0] != '濮' {
		t.Errorf("Go font missing runes got %q want %q", got, "濮")
	}
}

func TestCJKFont(t *testing.T) {
	f := SystemFont()
	info := f.Info()
	if !info.CJK {
		t.Skip("no CJK font found on this system (install fonts-wqy-microhei); Chinese glyph test skipped")
	}
	t.Logf("CJK font %q from %s", info.Name, info.Path)
	const name = "濮阳东站"
	if got := f.missing(name + "Puyang 0123"); len(got) != 0 {
		t.Errorf("font %s missing runes got %q want none", info.Name, got)
	}
	// Each character renders as its own glyph, not as a shared missing box.
	tx := newTexter(f)
	seen := map[string]rune{}
	for _, r := range name {
		img := image.NewRGBA(image.Rect(0, 0, 40, 40))
		tx.drawText(img, string(r), 24, 4, 30, color.Black, nil, 0)
		if prev, dup := seen[string(img.Pix)]; dup {
			t.Errorf("glyph %q renders the same as %q: got a missing-glyph box, want distinct glyphs", r, prev)
		}
		seen[string(img.Pix)] = r
		if n := darkPixels(img, box{0, 0, 40, 40}); n < 20 {
			t.Errorf("glyph %q: got %d dark pixels, want at least 20", r, n)
		}
	}
	// A font loaded by path reports it.
	g, err := LoadFont(info.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Info(); got != info {
		t.Errorf("LoadFont(%s) info got %+v want %+v", info.Path, got, info)
	}
}

func TestLoadFontErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "parse font"},
		{"garbage", []byte("this is not a font at all, not even close"), "parse font"},
	}
	for _, tc := range tests {
		_, err := ParseFont(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := LoadFont("/nonexistent/font.ttf"); err == nil || !strings.Contains(err.Error(), "load font") {
		t.Errorf("missing file: got error %v, want one containing %q", err, "load font")
	}
}

func TestDrawErrors(t *testing.T) {
	m := &Map{Width: 200, Height: 200, Bounds: [4]float64{0, 0, 1, 1}, Font: GoFont()}
	nan := math.NaN()
	tests := []struct {
		name   string
		areas  []Area
		lines  []Line
		labels []Label
		want   string
	}{
		{"line nan", nil, []Line{{Coords: [][2]float64{{0, 0}, {nan, 1}}, Style: RoadStyle("primary")}}, nil, "line 0 point 1"},
		{"area inf", []Area{{Rings: [][][2]float64{{{0, 0}, {1, 0}, {math.Inf(1), 1}}}, Fill: color.Black}}, nil, nil, "area 0: ring 0 point 2"},
		{"label nan", nil, nil, []Label{{Lon: nan, Lat: 0, Text: "x"}}, "label 0"},
	}
	for _, tc := range tests {
		_, _, err := m.Draw(tc.areas, tc.lines, tc.labels, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func luminance(c color.RGBA) float64 {
	return 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
}

func TestPalettes(t *testing.T) {
	for _, n := range []int{-1, 0, 1, 2, 5, 9, 12} {
		seq, div := Sequential(n), Diverging(n)
		want := max(n, 0)
		if len(seq) != want || len(div) != want {
			t.Errorf("n=%d: got %d sequential, %d diverging colours, want %d", n, len(seq), len(div), want)
			continue
		}
		for i := 1; i < len(seq); i++ {
			if luminance(seq[i]) <= luminance(seq[i-1]) {
				t.Errorf("Sequential(%d)[%d] %v not lighter than [%d] %v", n, i, seq[i], i-1, seq[i-1])
			}
		}
		if n >= 2 {
			lo, hi := div[0], div[n-1]
			if lo.R <= lo.B || hi.B <= hi.R {
				t.Errorf("Diverging(%d): got ends %v, %v, want red then blue", n, lo, hi)
			}
		}
		if n%2 == 1 {
			if got, want := div[n/2], (color.RGBA{0xf7, 0xf7, 0xf7, 0xff}); got != want {
				t.Errorf("Diverging(%d) middle got %v want neutral %v", n, got, want)
			}
		}
	}
	if got, want := Fade(color.RGBA{200, 100, 50, 255}, 0.5), (color.RGBA{100, 50, 25, 128}); got != want {
		t.Errorf("Fade got %v want %v", got, want)
	}
}

func TestRoadStyle(t *testing.T) {
	order := []string{"motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential", "service"}
	for i := 1; i < len(order); i++ {
		a, b := RoadStyle(order[i-1]), RoadStyle(order[i])
		if a.Width <= b.Width && !(a.Width == b.Width && order[i] == "residential") {
			t.Errorf("%s width %v not above %s width %v", order[i-1], a.Width, order[i], b.Width)
		}
		if a.Z <= b.Z {
			t.Errorf("%s Z %d not above %s Z %d", order[i-1], a.Z, order[i], b.Z)
		}
	}
	for _, c := range []string{"motorway", "trunk", "primary", "secondary"} {
		road, link := RoadStyle(c), RoadStyle(c+"_link")
		if link.Width >= road.Width || link.Z >= road.Z || link.Color != road.Color {
			t.Errorf("%s_link got %+v, want thinner, lower and the colour of %+v", c, link, road)
		}
	}
	if s := RoadStyle("no_such_class"); s.Color == nil || s.Width > 1 {
		t.Errorf("unknown class got %+v, want a thin visible line", s)
	}
}

// randomLines returns lines with segs segments in total, random walks in the
// unit square, mixed road classes.
func randomLines(segs, perLine int) []Line {
	rng := rand.New(rand.NewPCG(1, 2))
	classes := []string{"motorway", "trunk", "primary", "secondary", "tertiary", "residential", "residential", "residential", "service"}
	var lines []Line
	for segs > 0 {
		n := min(perLine, segs)
		segs -= n
		x, y := rng.Float64(), rng.Float64()
		coords := make([][2]float64, n+1)
		for i := range coords {
			coords[i] = [2]float64{x, y}
			x += (rng.Float64() - 0.5) * 0.01
			y += (rng.Float64() - 0.5) * 0.01
		}
		lines = append(lines, Line{Coords: coords, Style: RoadStyle(classes[rng.IntN(len(classes))])})
	}
	return lines
}

func BenchmarkDrawLines100k(b *testing.B) {
	lines := randomLines(100_000, 50)
	m := &Map{Width: 1600, Height: 1200, Bounds: [4]float64{0, 0, 1, 1}, Font: GoFont()}
	b.ReportAllocs()
	for b.Loop() {
		img, _, err := m.Draw(nil, lines, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		if img.Rect.Dx() != 1600 {
			b.Fatal("wrong size")
		}
	}
}

func BenchmarkExampleMap(b *testing.B) {
	m, areas, lines, labels, legend := exampleMap(SystemFont())
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.Draw(areas, lines, labels, legend); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParseFont(f *testing.F) {
	f.Add(goregular.TTF[:4096])
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10true\x00\x01"))
	f.Add([]byte("\x00\x01\x00\x00\x00\x01\x00\x10\x00\x00\x00\x00cmap\x00\x00\x00\x00\xff\xff\xff\xf0\x00\x00\x00\x10"))
	f.Fuzz(func(t *testing.T, data []byte) {
		font, err := ParseFont(data)
		if err == nil && len(font.chain) == 0 {
			t.Errorf("got a font without faces and no error")
		}
	})
}
