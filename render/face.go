package render

import "golang.org/x/image/font/sfnt"

// Face returns the parsed face the font draws with first: the CJK face when
// Info().CJK, Go Regular for GoFont. It lets other drawing libraries (the
// charts of package chart, with gonum/plot) use the font this package found,
// WenQuanYi's misaligned collections included. The face must not be changed.
func (f *Font) Face() *sfnt.Font { return f.chain[0] }
