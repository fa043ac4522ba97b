// Package chart draws the report's charts with gonum.org/v1/plot and returns
// them as SVG or PNG bytes: population-vs-minutes curves (one line per
// alternative), bar charts (e.g. ENPV per alternative) and sensitivity
// tornado charts.
//
// # Units and sizes
//
// Values are plotted as given (minutes, residents, CNY 10,000: the caller's
// labels name the unit). A chart is Options.Width × Options.Height (default
// 8 × 5 inches, text 12 pt); PNG is rasterised at Options.DPI (default 200,
// so 1600 × 1000 pixels), SVG is vector with the same layout. Tick labels are
// formatted for Options.Lang with package i18n (zh: 20万, en: 200,000).
//
// # Fonts
//
// Chinese text needs a CJK font. Options.Font (a render.Font, by default
// render.SystemFont(): WenQuanYi Micro Hei from Debian's fonts-wqy-microhei,
// Noto Sans CJK, ...) is used for all text when it has Chinese glyphs;
// otherwise the text is set in Liberation Sans (shipped with gonum/plot) and,
// if any label contains Chinese, Render returns a warning saying the Chinese
// shows as boxes and how to install a font. SVG names the font family and
// does not embed it (a CJK font is megabytes): the viewer's font is used.
//
// # Determinism
//
// The same chart, options and font give the same bytes.
package chart
