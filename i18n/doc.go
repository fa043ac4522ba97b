// Package i18n holds fastroad's message catalogue in Chinese (zh) and English
// (en) and formats numbers, minutes, money, percentages and place names the
// way planners in each language write them.
//
// # Messages
//
// T(lang, key, args...) looks a key up and fills its placeholders {0}, {1},
// ... with the arguments (fmt.Sprint of each; format numbers first with the
// functions below). A placeholder may appear in any order, so a translation
// can reorder its sentence. Every key exists in both languages with the same
// placeholders (a test enforces it); an unknown key renders as "!key!" so it
// shows in review rather than vanishing.
//
// # Numbers
//
//   - Int: digits grouped by three in both languages: 12,345.
//   - Count, People: large counts. en: below one million grouped (989,000),
//     then "1.2 million", "3.4 billion". zh: below 10,000 grouped (9,876),
//     then 万 (1.2万, 98.9万) and from 100 million 亿 (1.2亿), one decimal, a
//     trailing ".0" dropped (100万).
//   - Money in CNY (yuan): zh 元 / 万元 / 亿元 (1.23亿元), en "CNY 12.3
//     million" / "CNY 1.2 billion", below a million "CNY 123,456".
//   - Minutes: "12.5 min" / "12.5分钟"; NaN means not reached.
//   - Percent: a fraction 0.123 as "12.3%" in both.
//
// NaN is "–" for counts and money and "not reached" / "不可达" for minutes;
// infinities are treated as NaN. Negative values keep their sign.
//
// # Place names
//
// Name picks a place's name for the language: in zh name:zh (or the planner's
// name_zh), in en name:en, falling back to the plain name tag.
package i18n
