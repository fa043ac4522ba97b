package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// Sheet is one table of a workbook: rows of fields, one column per key (in
// the order keys first appear), headed by Headers[key] (the header text with
// its unit, in the report's language) or the key itself.
type Sheet struct {
	Name    string
	Rows    []Row
	Headers map[string]string
}

// maxSheetName is Excel's limit on a sheet name, in UTF-16 units.
const maxSheetName = 31

// SheetName makes name a valid, unique Excel sheet name: the characters
// []:*?/\ become "_", leading and trailing apostrophes and spaces go, the
// name is cut to 31 characters, an empty name becomes "Sheet", and a name
// already used (case ignored) gets " (2)", " (3)", ...
func SheetName(name string, used map[string]bool) string {
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, name)
	s = strings.Trim(s, "' ")
	if s == "" {
		s = "Sheet"
	}
	base := strings.TrimRight(cutUTF16(s, maxSheetName), "' ")
	if base == "" {
		base = "Sheet"
	}
	s = base
	for n := 2; used[strings.ToLower(s)]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		s = strings.TrimRight(cutUTF16(base, maxSheetName-len(suffix)), "' ") + suffix
	}
	used[strings.ToLower(s)] = true
	return s
}

// cutUTF16 cuts s to at most n UTF-16 code units, on a rune boundary.
func cutUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if units+w > n {
			return s[:i]
		}
		units += w
	}
	return s
}

// sheetColumns lists the keys of rows in the order they first appear.
func sheetColumns(rows []Row) []string {
	var keys []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, f := range r {
			if !seen[f.Key] {
				seen[f.Key] = true
				keys = append(keys, f.Key)
			}
		}
	}
	return keys
}

// cellValue is what a field's value becomes in a cell: numbers stay numbers,
// NaN and infinities an empty cell.
func cellValue(v any) any {
	switch v := v.(type) {
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
	case float32:
		return cellValue(float64(v))
	}
	return v
}

// displayWidth estimates a text's width in Excel character units: East Asian
// wide characters count two.
func displayWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x1100 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) ||
			unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || (r >= 0xFF00 && r <= 0xFFEF) || (r >= 0x3000 && r <= 0x303F)) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// Column widths in character units: text wider than maxColWidth wraps.
const (
	minColWidth = 8
	maxColWidth = 50
)

// WriteWorkbook writes an Excel workbook (.xlsx) with one sheet per Sheet, in
// order: the header row bold and frozen, numbers stored as numbers (NaN as an
// empty cell), columns sized to their content (8 to 50 characters). Sheet
// names are made valid and unique with SheetName. At least one sheet is
// needed.
func WriteWorkbook(w io.Writer, sheets []Sheet) error {
	if len(sheets) == 0 {
		return fmt.Errorf("write workbook: no sheets")
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}},
	})
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	used := map[string]bool{}
	first := f.GetSheetName(0)
	for i, sh := range sheets {
		name := SheetName(sh.Name, used)
		if i == 0 {
			err = f.SetSheetName(first, name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("write workbook: sheet %q: %w", sh.Name, err)
		}
		if err := writeSheet(f, name, sh, bold); err != nil {
			return fmt.Errorf("write workbook: sheet %q: %w", sh.Name, err)
		}
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, name string, sh Sheet, bold int) error {
	keys := sheetColumns(sh.Rows)
	if len(keys) == 0 {
		return nil
	}
	widths := make([]float64, len(keys))
	header := make([]any, len(keys))
	for j, k := range keys {
		h := k
		if t, ok := sh.Headers[k]; ok && t != "" {
			h = t
		}
		header[j] = h
		widths[j] = displayWidth(h) + 2
	}
	if err := f.SetSheetRow(name, "A1", &header); err != nil {
		return err
	}
	col := map[string]int{}
	for j, k := range keys {
		col[k] = j
	}
	vals := make([]any, len(keys))
	for i, r := range sh.Rows {
		clear(vals)
		for _, fl := range r {
			j := col[fl.Key]
			vals[j] = cellValue(fl.Value)
			var text string
			switch v := vals[j].(type) {
			case nil:
			case float64:
				text = fmt.Sprintf("%.6g", v)
			default:
				text = fmt.Sprint(v)
			}
			widths[j] = max(widths[j], displayWidth(text)+2)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(name, cell, &vals); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(keys), 1)
	if err := f.SetCellStyle(name, "A1", last, bold); err != nil {
		return err
	}
	for j, wd := range widths {
		c, _ := excelize.ColumnNumberToName(j + 1)
		if err := f.SetColWidth(name, c, c, min(max(wd, minColWidth), maxColWidth)); err != nil {
			return err
		}
	}
	return f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
}
