package render_test

import (
	"bytes"
	"fmt"
	"image/color"
	"log"
	"strings"

	"github.com/fastroad/fastroad/render"
)

func ExampleMap_Draw() {
	m := &render.Map{
		Width: 800, Height: 600,
		Bounds:      [4]float64{114.95, 35.65, 115.25, 35.85},
		Title:       "Drive time to Puyang East station",
		LegendTitle: "Minutes",
		Font:        render.GoFont(), // nil would look for a CJK system font
	}
	bands := render.Sequential(2)
	near := render.Fade(bands[0], 0.5)
	far := render.Fade(bands[1], 0.5)
	areas := []render.Area{
		{Rings: [][][2]float64{
			{{115.00, 35.68}, {115.20, 35.68}, {115.20, 35.82}, {115.00, 35.82}},
			{{115.06, 35.72}, {115.14, 35.72}, {115.14, 35.78}, {115.06, 35.78}}, // hole: the near band
		}, Fill: far},
		{Rings: [][][2]float64{{{115.06, 35.72}, {115.14, 35.72}, {115.14, 35.78}, {115.06, 35.78}}}, Fill: near},
	}
	lines := []render.Line{
		{Coords: [][2]float64{{114.96, 35.70}, {115.24, 35.80}}, Style: render.RoadStyle("motorway")},
		{Coords: [][2]float64{{115.10, 35.66}, {115.10, 35.84}}, Style: render.RoadStyle("secondary")},
	}
	labels := []render.Label{
		{Lon: 115.10, Lat: 35.75, Text: "Puyang East", Kind: render.KindHSRStation},
		{Lon: 115.17, Lat: 35.79, Text: "Puyang East IC", Kind: render.KindEntrance},
	}
	legend := []render.LegendItem{{Color: near, Text: "0–15"}, {Color: far, Text: "15–30"}}

	img, info, err := m.Draw(areas, lines, labels, legend)
	if err != nil {
		log.Fatal(err)
	}
	if !info.CJK {
		// A CLI would say: no CJK font found; Chinese names drawn as boxes.
		fmt.Printf("font %s has no Chinese glyphs\n", info.Name)
	}
	var png bytes.Buffer
	if err := render.EncodePNG(&png, img); err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.Bounds())
	// Output:
	// font Go has no Chinese glyphs
	// (0,0)-(800,600)
}

func ExampleSequential() {
	hex := func(cs []color.RGBA) string {
		var out []string
		for _, c := range cs {
			out = append(out, fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B))
		}
		return strings.Join(out, " ")
	}
	fmt.Println("nearest to farthest:", hex(render.Sequential(4)))
	fmt.Println("loss, neutral, gain:", hex(render.Diverging(3)))
	fmt.Println("half opaque:", render.Fade(color.RGBA{0x22, 0x5e, 0xa8, 0xff}, 0.5))
	// Output:
	// nearest to farthest: #225ea8 #35aac3 #97d6b9 #edf8b1
	// loss, neutral, gain: #b2182b #f7f7f7 #2166ac
	// half opaque: {17 47 84 128}
}
