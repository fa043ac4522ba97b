package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestWriteWorkbook(t *testing.T) {
	sheets := []Sheet{
		{
			Name: "通达性 access: towns/counties [2026]",
			Rows: []Row{
				{{"town", "濮阳市"}, {"population", 1200000}, {"minutes_to_hsr", 12.5}, {"meets_target", true}},
				{{"town", "Dover"}, {"population", 39403}, {"minutes_to_hsr", math.NaN()}, {"meets_target", false}, {"note", "cut off"}},
			},
			Headers: map[string]string{"town": "城镇", "population": "人口（人）", "minutes_to_hsr": "至高铁站（分钟）"},
		},
		{Name: "ranking", Rows: []Row{{{"alternative", "base"}, {"rank", 1}}}},
		{Name: "RANKING", Rows: []Row{{{"alternative", "alt"}, {"rank", 2}}}},
		{Name: "empty"},
	}
	var buf bytes.Buffer
	if err := WriteWorkbook(&buf, sheets); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := f.GetSheetList()
	// "[" "]" ":" "/" become "_", then the name is cut to 31 characters.
	want := []string{"通达性 access_ towns_counties _202", "ranking", "RANKING (2)", "empty"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets: got %q want %q", names, want)
	}
	s := names[0]
	for _, tc := range []struct {
		cell, want string
		typ        excelize.CellType
	}{
		{"A1", "城镇", excelize.CellTypeSharedString},
		{"B1", "人口（人）", excelize.CellTypeSharedString},
		{"D1", "meets_target", excelize.CellTypeSharedString}, // no header given: the key
		{"E1", "note", excelize.CellTypeSharedString},
		{"A2", "濮阳市", excelize.CellTypeSharedString},
		{"B2", "1200000", excelize.CellTypeUnset}, // a number: no type attribute
		{"C2", "12.5", excelize.CellTypeUnset},
		{"D2", "TRUE", excelize.CellTypeBool},
		{"C3", "", excelize.CellTypeUnset}, // NaN: empty
		{"E3", "cut off", excelize.CellTypeSharedString},
	} {
		got, err := f.GetCellValue(s, tc.cell)
		if err != nil {
			t.Fatal(err)
		}
		typ, _ := f.GetCellType(s, tc.cell)
		if got != tc.want || typ != tc.typ {
			t.Errorf("%s: got %q (type %v) want %q (type %v)", tc.cell, got, typ, tc.want, tc.typ)
		}
	}
	panes, err := f.GetPanes(s)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes: got %+v want frozen at row 1, top left A2", panes)
	}
	id, _ := f.GetCellStyle(s, "B1")
	st, err := f.GetStyle(id)
	if err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style: got %+v, %v want bold", st, err)
	}
	// Header 至高铁站（分钟）: 8 wide characters = 16 + 2 margin.
	if w, _ := f.GetColWidth(s, "C"); w != 18 {
		t.Errorf("column C width: got %v want 18", w)
	}
	// Short content is widened to the minimum of 8.
	if w, _ := f.GetColWidth(names[1], "B"); w != 8 {
		t.Errorf("ranking column B width: got %v want 8", w)
	}
}

func TestWriteWorkbookNoSheets(t *testing.T) {
	if err := WriteWorkbook(&bytes.Buffer{}, nil); err == nil {
		t.Error("no sheets: got no error")
	}
}

func TestSheetName(t *testing.T) {
	used := map[string]bool{}
	for _, tc := range []struct{ in, want string }{
		{"access", "access"},
		{"Access", "Access (2)"},
		{"a/b\\c?d*e:f[g]h", "a_b_c_d_e_f_g_h"},
		{"'quoted'", "quoted"},
		{"", "Sheet"},
		{"   ", "Sheet (2)"},
		{strings.Repeat("敏", 40), strings.Repeat("敏", 31)},
		{strings.Repeat("敏", 35), strings.Repeat("敏", 27) + " (2)"},
	} {
		if got := SheetName(tc.in, used); got != tc.want {
			t.Errorf("SheetName(%q): got %q want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzSheetName: sheet names come from study and alternative names; every
// result must be a name Excel accepts, and unique.
func FuzzSheetName(f *testing.F) {
	for _, s := range []string{"access", "a/b", "'x'", "", strings.Repeat("敏", 40), "\U0001F600 emoji"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		used := map[string]bool{}
		a := SheetName(s, used)
		b := SheetName(s, used)
		for _, n := range []string{a, b} {
			units := 0
			for _, r := range n {
				units++
				if r >= 0x10000 {
					units++
				}
			}
			if n == "" || units > 31 || strings.ContainsAny(n, `[]:*?/\`) || strings.HasPrefix(n, "'") || strings.HasSuffix(n, "'") {
				t.Fatalf("SheetName(%q) = %q: not a valid sheet name", s, n)
			}
		}
		if strings.EqualFold(a, b) {
			t.Fatalf("SheetName(%q) twice: %q and %q, want distinct", s, a, b)
		}
	})
}

func BenchmarkWriteWorkbook(b *testing.B) {
	rows := make([]Row, 2000)
	for i := range rows {
		rows[i] = Row{{"town", "城镇"}, {"population", i * 10}, {"minutes", float64(i) / 7}, {"met", i%2 == 0}}
	}
	sheets := []Sheet{{Name: "towns", Rows: rows}, {Name: "ranking", Rows: rows[:10]}}
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteWorkbook(&buf, sheets); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleSheetName() {
	used := map[string]bool{}
	fmt.Println(SheetName("access: towns/counties", used))
	fmt.Println(SheetName("Access: towns/counties", used))
	// Output:
	// access_ towns_counties
	// Access_ towns_counties (2)
}
