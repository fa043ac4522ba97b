package render

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Font is a chain of parsed fonts used for all text of a map: a rune is drawn
// with the first font that has it, Go Regular being last. It is safe for
// concurrent use by several Draw calls.
type Font struct {
	info  FontInfo
	chain []*sfnt.Font
}

// FontInfo says which font a map's text is drawn with.
type FontInfo struct {
	Name string // family name, e.g. "WenQuanYi Micro Hei" or "Go"
	Path string // file it was loaded from; "" for the built-in Go font
	CJK  bool   // whether it has Chinese glyphs; if not, Chinese text shows as boxes
}

// Info describes the font.
func (f *Font) Info() FontInfo { return f.info }

// cjkProbe are common characters of Chinese place names a CJK font must have.
const cjkProbe = "中国站东市县"

// systemFonts lists where SystemFont looks, in order of preference: fonts
// with Simplified Chinese glyphs on Debian/Ubuntu, Fedora, Arch, macOS and
// Windows.
var systemFonts = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
	"/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
	"/usr/share/fonts/truetype/arphic/ukai.ttc",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
	"/System/Library/Fonts/STHeiti Medium.ttc",
	"/System/Library/Fonts/Hiragino Sans GB.ttc",
	"/Library/Fonts/Arial Unicode.ttf",
	`C:\Windows\Fonts\msyh.ttc`,
	`C:\Windows\Fonts\simhei.ttf`,
	`C:\Windows\Fonts\simsun.ttc`,
}

var (
	goOnce sync.Once
	goSFNT *sfnt.Font

	systemOnce sync.Once
	systemFont *Font
)

func goRegular() *sfnt.Font {
	goOnce.Do(func() {
		f, err := sfnt.Parse(goregular.TTF)
		if err != nil {
			panic("render: parse built-in Go font: " + err.Error())
		}
		goSFNT = f
	})
	return goSFNT
}

// GoFont returns the built-in Go Regular font: Latin, Greek and Cyrillic, no
// Chinese.
func GoFont() *Font {
	return &Font{info: FontInfo{Name: "Go"}, chain: []*sfnt.Font{goRegular()}}
}

// SystemFont returns the first of the usual system CJK fonts (WenQuanYi,
// Noto Sans CJK, AR PL, Droid Sans Fallback, Heiti, Microsoft YaHei, ...) that exists, parses and has
// Chinese glyphs, or GoFont if there is none. The search runs once per
// process.
func SystemFont() *Font {
	systemOnce.Do(func() {
		systemFont = GoFont()
		for _, p := range systemFonts {
			f, err := LoadFont(p)
			if err == nil && f.info.CJK {
				systemFont = f
				return
			}
		}
	})
	return systemFont
}

// LoadFont reads a TrueType or OpenType font or collection (.ttf, .otf, .ttc)
// from path. See ParseFont.
func LoadFont(path string) (*Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load font: %w", err)
	}
	f, err := ParseFont(data)
	if err != nil {
		return nil, fmt.Errorf("load font %s: %w", path, err)
	}
	f.info.Path = path
	return f, nil
}

// ParseFont parses a TrueType or OpenType font or collection. From a
// collection it takes the first face with Chinese glyphs, preferring a
// Simplified Chinese one ("SC", "GB") and a proportional over a "Mono" one;
// failing that, the first face whose glyphs load. The font must not be
// changed while the Font is in use.
func ParseFont(data []byte) (*Font, error) {
	if len(data) < 16 {
		return nil, fmt.Errorf("parse font: %d bytes is too short for a font", len(data))
	}
	c, err := sfnt.ParseCollection(data)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	var (
		best      *sfnt.Font
		bestName  string
		bestScore = -1
	)
	var buf sfnt.Buffer
	for i := range c.NumFonts() {
		f, err := c.Font(i)
		if err != nil {
			// sfnt wants every table on a four-byte boundary, which
			// WenQuanYi's collections do not keep (golang/go#46384):
			// copy the face out with its tables aligned.
			if f, err = parseRealigned(data, i); err != nil {
				continue
			}
		}
		if !loads(f, &buf, 'A') && !loads(f, &buf, '中') {
			continue // outlines this package cannot read
		}
		name, _ := f.Name(&buf, sfnt.NameIDFamily)
		score := 0
		if hasCJK(f, &buf) {
			score += 4
			if strings.Contains(name, " SC") || strings.Contains(name, "GB") {
				score += 2
			}
		}
		if !strings.Contains(name, "Mono") {
			score++
		}
		if score > bestScore {
			best, bestName, bestScore = f, name, score
		}
	}
	if best == nil {
		return nil, fmt.Errorf("parse font: no face in %d whose glyphs load", c.NumFonts())
	}
	if bestName == "" {
		bestName = "unnamed"
	}
	return &Font{
		info:  FontInfo{Name: bestName, CJK: hasCJK(best, &buf)},
		chain: []*sfnt.Font{best, goRegular()},
	}, nil
}

// loads reports whether the font maps r to a glyph whose outline it can load
// (sfnt does not read every CFF variant).
func loads(f *sfnt.Font, buf *sfnt.Buffer, r rune) bool {
	x, err := f.GlyphIndex(buf, r)
	if err != nil || x == 0 {
		return false
	}
	_, err = f.LoadGlyph(buf, x, fixed.I(16), nil)
	return err == nil
}

func hasCJK(f *sfnt.Font, buf *sfnt.Buffer) bool {
	for _, r := range cjkProbe {
		if !loads(f, buf, r) {
			return false
		}
	}
	return true
}

// missing returns the runes of s that no font of the chain has.
func (f *Font) missing(s string) []rune {
	var buf sfnt.Buffer
	var out []rune
	for _, r := range s {
		found := false
		for _, sf := range f.chain {
			if x, err := sf.GlyphIndex(&buf, r); err == nil && x != 0 {
				found = true
				break
			}
		}
		if !found {
			out = append(out, r)
		}
	}
	return out
}

// parseRealigned copies face i of a font or collection into a single font
// whose tables start on four-byte boundaries, and parses that.
func parseRealigned(data []byte, i int) (*sfnt.Font, error) {
	be := binary.BigEndian
	var off uint32
	if string(data[:4]) == "ttcf" {
		if len(data) < 12 || uint64(i) >= uint64(be.Uint32(data[8:])) || 12+4*(i+1) > len(data) {
			return nil, errors.New("bad collection header")
		}
		off = be.Uint32(data[12+4*i:])
	}
	if uint64(off)+12 > uint64(len(data)) {
		return nil, errors.New("bad font offset")
	}
	hdr := data[off:]
	n := int(be.Uint16(hdr[4:]))
	dirLen := 12 + 16*n
	if len(hdr) < dirLen {
		return nil, errors.New("bad table directory")
	}
	size := dirLen
	for t := range n {
		rec := hdr[12+16*t:]
		o, l := uint64(be.Uint32(rec[8:])), uint64(be.Uint32(rec[12:]))
		if o+l > uint64(len(data)) {
			return nil, errors.New("table out of bounds")
		}
		size += (int(l) + 3) &^ 3
	}
	out := make([]byte, dirLen, size)
	copy(out, hdr[:dirLen])
	for t := range n {
		rec := out[12+16*t:]
		o, l := be.Uint32(rec[8:]), be.Uint32(rec[12:])
		be.PutUint32(rec[8:], uint32(len(out)))
		out = append(out, data[o:o+l]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return sfnt.Parse(out)
}
