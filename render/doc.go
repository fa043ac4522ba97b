// Package render draws slide-ready PNG maps: isochrone bands, roads,
// labelled places, a legend, a scale bar, a title and the OpenStreetMap
// attribution.
//
// # Coordinates and projection
//
// All geometry is in WGS84 degrees, [2]float64{lon, lat}. A Map is drawn with
// a local equirectangular projection centred on Map.Bounds: x is longitude
// scaled by cos(mid-latitude), y is latitude, both times one scale factor in
// pixels per degree, so shapes keep their aspect near the centre (errors stay
// small over a prefecture-sized area, not over a country). The bounds are
// fitted inside the map frame (the image less the title band and a margin),
// centred, so one axis shows a little more than asked for.
//
// # Sizes
//
// Pixel sizes in styles (line widths) and of the decorations (text, markers,
// legend) are given for a 1600×1200 image and multiplied by the map's scale,
// min(Width/1600, Height/1200) clamped to [0.5, 4]. Text is never smaller than
// 10 px.
//
// # Drawing order
//
// A sandwich, as reference maps over thematic layers are drawn: first the
// roads under the areas, then the areas in the order given, then the roads
// with LineStyle.Above (RoadStyle sets it for motorway, trunk and primary), then
// label markers and text, the frame, title, legend, scale bar and
// attribution. Within each road layer all casings come first, then all fills,
// lower LineStyle.Z below higher. Band fills should be translucent (see Fade)
// so the minor roads show through them, tinted; the main roads stay on top in
// their own colours. Legend swatches are painted on the land colour, so a
// translucent band colour looks the same in the legend as on the map.
//
// Polygon rings may come in any orientation and closed or not: a ring's
// nesting depth among the area's rings decides (even-odd) whether it adds or
// cuts, so holes show as holes and islands in holes are filled.
//
// # Text
//
// Text is drawn with a white halo. Fonts are chained: the chosen font first
// and Go Regular behind it, so Latin digits always render; a rune that no font
// in the chain has is drawn as the first font's missing-glyph box and never
// fails. SystemFont looks for a font with Chinese glyphs in the usual Linux,
// macOS and Windows places (WenQuanYi, Noto Sans CJK, AR PL, Droid Sans
// Fallback, ...); FontInfo says which one was used and whether it has CJK
// glyphs, so a caller can warn when Chinese names would come out as boxes.
// LoadFont (for a --font flag) and SystemFont are the only functions here that
// read files.
//
// Labels are placed greedily in the order given (put the important ones
// first): each marker that fits in the frame is drawn, and its text goes
// right, left, above or below the marker, whichever first misses the earlier
// labels, the markers, the legend, the scale bar and the attribution; if none
// does, the text is left out.
//
// # Determinism
//
// The same input, font and build give a byte-identical PNG: there are no maps
// iterated, no goroutines and no time stamps in the output.
//
// # Palettes
//
// Sequential returns n colours for isochrone bands, index 0 the nearest band
// (darkest blue) to the last the farthest (pale yellow-green from four bands
// on), along ColorBrewer's YlGnBu, which is colour-blind safe and prints in
// grey scale.
// Diverging returns n colours for changes, index 0 the largest loss (red)
// through a neutral grey to the last, the largest gain (blue), along
// ColorBrewer's RdBu.
package render
