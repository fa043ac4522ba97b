package population

import (
	"strings"
	"testing"
)

func TestReadASC(t *testing.T) {
	for _, c := range []struct {
		name, text string
	}{
		{"corner", "ncols 3\nnrows 2\nxllcorner 10\nyllcorner 50\ncellsize 0.5\nNODATA_value -1\n1 2 3\n4 -1 6\n"},
		{"centre, dx dy, CRLF", "NCOLS 3\r\nNROWS 2\r\nXLLCENTER 10.25\r\nYLLCENTER 50.25\r\nDX 0.5\r\nDY 0.5\r\nnodata_value -1\r\n1 2 3 4 -1\r\n 6"},
	} {
		r, err := ReadASC([]byte(c.text), Box{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r.W != 3 || r.H != 2 || r.MinLon != 10.25 || r.MinLat != 50.25 || r.DLon != 0.5 {
			t.Fatalf("%s: got %dx%d at %v,%v cell %v want 3x2 at 10.25,50.25 cell 0.5", c.name, r.W, r.H, r.MinLon, r.MinLat, r.DLon)
		}
		// row 0 is the south: the file's last row
		want := []float32{4, 0, 6, 1, 2, 3}
		valid := []bool{true, false, true, true, true, true}
		for k := range want {
			if r.Val[k] != want[k] || r.Valid[k] != valid[k] {
				t.Errorf("%s: cell %d got %v/%v want %v/%v", c.name, k, r.Val[k], r.Valid[k], want[k], valid[k])
			}
		}
	}
}

func TestReadASCCrop(t *testing.T) {
	text := "ncols 4\nnrows 4\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2 3 4\n5 6 7 8\n9 10 11 12\n13 14 15 16\n"
	// box 1.5..2.5 x 0.5..1.5: columns 1..2, rows 2..3 from the top
	r, err := ReadASC([]byte(text), Box{1.5, 0.5, 2.5, 1.5})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{14, 15, 10, 11}
	if r.W != 2 || r.H != 2 || r.MinLon != 1.5 || r.MinLat != 0.5 {
		t.Fatalf("got %dx%d at %v,%v want 2x2 at 1.5,0.5", r.W, r.H, r.MinLon, r.MinLat)
	}
	for k := range want {
		if r.Val[k] != want[k] {
			t.Errorf("cell %d got %v want %v", k, r.Val[k], want[k])
		}
	}
}

func TestReadASCErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"nrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1\n", "no ncols"},
		{"ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1.2.3\n", "line 6: value \"1.2.3\""},
		{"ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n3\n\n\n", "ends after 1 of 2 rows"}, {"ncols 900\nnrows 900\nxllcorner 0\nyllcorner 0\ncellsize 0.01\n1 2\n", "promises 900x900 values"},
		{"ncols 1\nnrows 1\nxllcorner 0\nxllcenter 0\nyllcorner 0\ncellsize 1\n1\n", "exactly one of xllcorner"},
		{"ncols 1\nnrows 1\nxllcorner 500000\nyllcorner 0\ncellsize 1\n1\n", "not lon/lat"},
		{"ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 30\n1\n", "cell size"},
		{"ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\nfoo 3\n1\n", "unknown header key"},
		{"ncols 0\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n", "ncols 0"},
	} {
		_, err := ReadASC([]byte(c.text), Box{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v want an error with %q", c.text, err, c.want)
		}
	}
}
