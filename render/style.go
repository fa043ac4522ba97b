package render

import (
	"image/color"
	"strings"
)

// LineStyle is how a Line is stroked.
type LineStyle struct {
	Color  color.Color // stroke colour; nil draws nothing
	Width  float64     // stroke width in pixels at the 1600×1200 reference size
	Casing color.Color // optional outline 1 px (reference) wider on each side; nil for none
	Z      int         // drawing order: higher Z is drawn over lower Z
	Above  bool        // drawn over the areas (bands), not under them
}

type roadLook struct {
	fill, casing color.RGBA
	width        float64
	z            int
	above        bool
}

var noCasing = color.RGBA{}

// roadLooks is a hierarchy that reads at regional scale: the expressway
// network in strong dark orange-red, trunk and primary roads in warm colours
// with dark casings, everything below in greys getting lighter and thinner.
var roadLooks = map[string]roadLook{
	"motorway":      {rgb(0xd9480f), rgb(0x7f2704), 4.0, 90, true},
	"trunk":         {rgb(0xf08c00), rgb(0x8a4b00), 3.4, 80, true},
	"primary":       {rgb(0xf5c542), rgb(0x8f6d1a), 2.6, 70, true},
	"secondary":     {rgb(0x7d7d7d), noCasing, 1.8, 60, false},
	"tertiary":      {rgb(0x999999), noCasing, 1.3, 50, false},
	"unclassified":  {rgb(0xadadad), noCasing, 1.0, 40, false},
	"road":          {rgb(0xadadad), noCasing, 1.0, 40, false},
	"residential":   {rgb(0xbdbdbd), noCasing, 0.8, 30, false},
	"living_street": {rgb(0xbdbdbd), noCasing, 0.8, 30, false},
}

// RoadStyle returns the look for an OSM highway class ("motorway", "trunk",
// "primary", "secondary", "tertiary", "unclassified", "residential", ...).
// Motorway, trunk and primary roads are drawn over the bands, keeping their
// colours, the rest under them, tinted by the band they cross. A "_link" class is
// drawn like its road at 60 % of the width, just below it.
// Unknown classes (service, track, ...) get a thin light grey line.
func RoadStyle(class string) LineStyle {
	base, link := strings.CutSuffix(class, "_link")
	look, ok := roadLooks[base]
	if !ok {
		return LineStyle{Color: rgb(0xc8c8c8), Width: 0.6, Z: 20}
	}
	s := LineStyle{Color: look.fill, Width: look.width, Z: look.z, Above: look.above}
	if look.casing != noCasing {
		s.Casing = look.casing
	}
	if link {
		s.Width *= 0.6
		s.Z -= 5
	}
	return s
}

func rgb(v uint32) color.RGBA {
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}
