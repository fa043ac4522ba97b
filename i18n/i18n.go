package i18n

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Lang is a report language.
type Lang string

// The languages of the catalogue.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// Langs lists the supported languages, Chinese first.
var Langs = []Lang{ZH, EN}

// ParseLang reads a language code: zh or en (zh-CN, zh_CN, zh-Hans and en-US
// style tags are accepted, case ignored).
func ParseLang(s string) (Lang, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(t, "-_"); i > 0 {
		t = t[:i]
	}
	switch t {
	case "zh":
		return ZH, nil
	case "en":
		return EN, nil
	}
	return "", fmt.Errorf("language %q: want zh or en", s)
}

func messages(lang Lang) map[string]string {
	if lang == ZH {
		return zh
	}
	return en
}

// Has reports whether key is in the catalogue.
func Has(key string) bool {
	_, ok := en[key]
	return ok
}

// Keys returns the catalogue's keys of lang, sorted.
func Keys(lang Lang) []string {
	m := messages(lang)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// T returns the message key in lang with its placeholders {0}, {1}, ...
// replaced by fmt.Sprint of args. Unknown languages read as English; an
// unknown key gives "!key!".
func T(lang Lang, key string, args ...any) string {
	msg, ok := messages(lang)[key]
	if !ok {
		return "!" + key + "!"
	}
	if !strings.Contains(msg, "{") {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			b.WriteString(msg)
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			b.WriteString(msg)
			break
		}
		n, err := strconv.Atoi(msg[i+1 : i+j])
		b.WriteString(msg[:i])
		if err != nil || n < 0 || n >= len(args) {
			b.WriteString(msg[i : i+j+1]) // left as is: a test keeps the catalogue consistent
		} else {
			b.WriteString(fmt.Sprint(args[n]))
		}
		msg = msg[i+j+1:]
	}
	return b.String()
}

// Name is a place's name in lang: nameZH in zh, nameEN in en, else name.
func Name(lang Lang, name, nameZH, nameEN string) string {
	switch {
	case lang == ZH && nameZH != "":
		return nameZH
	case lang == EN && nameEN != "":
		return nameEN
	case name != "":
		return name
	case nameEN != "":
		return nameEN
	}
	return nameZH
}

const dash = "–"

func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

// group inserts thousands separators into a string of digits with an
// optional leading minus and an optional fraction.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	frac := ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s, frac = s[:i], s[i:]
	}
	if len(s) <= 3 {
		return sign + s + frac
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > len(sign) {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	b.WriteString(frac)
	return b.String()
}

// Int formats n with thousands separators: 12,345 (both languages).
func Int(_ Lang, n int) string { return group(strconv.Itoa(n)) }

// Float formats x with digits decimals and thousands separators:
// 12,345.7. NaN gives "–".
func Float(_ Lang, x float64, digits int) string {
	if bad(x) {
		return dash
	}
	s := strconv.FormatFloat(x, 'f', digits, 64)
	if s == "-0" || strings.HasPrefix(s, "-0.") && strings.Trim(s[3:], "0") == "" {
		s = s[1:] // no "-0.0"
	}
	return group(s)
}

// short formats x/div with one decimal, dropping a trailing ".0".
func short(x, div float64) string {
	s := strconv.FormatFloat(x/div, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return group(s)
}

// Count formats a large count: en 989,000 / 1.2 million / 3.4 billion; zh
// 9,876 / 1.2万 / 98.9万 / 1.2亿. NaN gives "–".
func Count(lang Lang, x float64) string {
	if bad(x) {
		return dash
	}
	a := math.Abs(x)
	if lang == ZH {
		switch {
		case math.Round(a/1e3) >= 1e5:
			// from what would show as 10,000.0万 (99,999,500 and up)
			return short(x, 1e8) + "亿"
		case a >= 1e4:
			return short(x, 1e4) + "万"
		}
		return Float(lang, math.Round(x), 0)
	}
	switch {
	case math.Round(a/1e5) >= 1e4:
		// from what would show as 1,000 million (999,950,000 and up)
		return short(x, 1e9) + " billion"
	case a >= 1e6:
		return short(x, 1e6) + " million"
	}
	return Float(lang, math.Round(x), 0)
}

// People formats a number of residents: en "1.2 million people", zh
// "98.9万人".
func People(lang Lang, x float64) string {
	if lang == ZH {
		return Count(lang, x) + "人"
	}
	if bad(x) {
		return dash
	}
	if math.Round(x) == 1 {
		return "1 person"
	}
	return Count(lang, x) + " people"
}

// Minutes formats a drive time: "12.5 min" / "12.5分钟", one decimal; NaN
// (not reached) gives "not reached" / "不可达".
func Minutes(lang Lang, m float64) string {
	if bad(m) {
		return T(lang, "not_reached")
	}
	s := Float(lang, m, 1)
	if lang == ZH {
		return s + "分钟"
	}
	return s + " min"
}

// Money formats an amount in CNY (yuan). zh: 1,234元, 123.4万元 (from
// 10,000 yuan), 12.34亿元 (from 100 million, two decimals); en: CNY 123,456,
// CNY 12.3 million, CNY 1.23 billion.
func Money(lang Lang, yuan float64) string {
	if bad(yuan) {
		return dash
	}
	a := math.Abs(yuan)
	if lang == ZH {
		switch {
		case math.Round(a/1e3) >= 1e5: // would show as 10,000.0万元
			return Float(lang, yuan/1e8, 2) + "亿元"
		case a >= 1e4:
			return Float(lang, yuan/1e4, 1) + "万元"
		}
		return Float(lang, math.Round(yuan), 0) + "元"
	}
	switch {
	case math.Round(a/1e5) >= 1e4: // would show as 1,000.0 million
		return "CNY " + Float(lang, yuan/1e9, 2) + " billion"
	case a >= 1e6:
		return "CNY " + Float(lang, yuan/1e6, 1) + " million"
	}
	return "CNY " + Float(lang, math.Round(yuan), 0)
}

// Percent formats a fraction as a percentage with digits decimals: 0.123 ->
// "12.3%".
func Percent(lang Lang, frac float64, digits int) string {
	if bad(frac) {
		return dash
	}
	return Float(lang, frac*100, digits) + "%"
}
