package isochrone

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

func smallGrid() *Grid {
	g := &Grid{MinLon: 116, MinLat: 36, DLon: 0.01, DLat: 0.008, W: 3, H: 2,
		T: []float32{60, 120, float32(math.Inf(1)), 180, 240, 300}}
	return g
}

func TestWriteASC(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteASC(&buf, smallGrid()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if got, want := lines[7], "3.00 4.00 5.00"; got != want { // north row first
		t.Errorf("first data row: got %q want %q", got, want)
	}
	if got, want := lines[8], "1.00 2.00 -9999"; got != want {
		t.Errorf("second data row: got %q want %q", got, want)
	}
	if !strings.HasPrefix(lines[2], "xllcorner 115.995") {
		t.Errorf("xllcorner: got %q", lines[2])
	}
}

// TestWriteGeoTIFF reads the file back: header, tags and pixel values.
func TestWriteGeoTIFF(t *testing.T) {
	var buf bytes.Buffer
	g := smallGrid()
	if err := WriteGeoTIFF(&buf, g); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	le := binary.LittleEndian
	if string(b[:4]) != "II*\x00" {
		t.Fatalf("bad magic %q", b[:4])
	}
	ifd := le.Uint32(b[4:])
	n := int(le.Uint16(b[ifd:]))
	tags := map[uint16][3]uint32{}
	for i := 0; i < n; i++ {
		e := b[int(ifd)+2+12*i:]
		tags[le.Uint16(e)] = [3]uint32{uint32(le.Uint16(e[2:])), le.Uint32(e[4:]), le.Uint32(e[8:])}
	}
	if tags[256][2] != 3 || tags[257][2] != 2 {
		t.Fatalf("size tags: %v %v", tags[256], tags[257])
	}
	strips := tags[273]
	first := le.Uint32(b[strips[2]:]) // offset of row 0 (north)
	px := func(k int) float32 { return math.Float32frombits(le.Uint32(b[int(first)+4*k:])) }
	want := []float32{3, 4, 5, 1, 2, NoData}
	for k, w := range want {
		if got := px(k); got != w {
			t.Errorf("pixel %d: got %v want %v", k, got, w)
		}
	}
	tie := tags[33922]
	lon := math.Float64frombits(le.Uint64(b[tie[2]+24:]))
	lat := math.Float64frombits(le.Uint64(b[tie[2]+32:]))
	if math.Abs(lon-115.995) > 1e-9 || math.Abs(lat-36.012) > 1e-9 {
		t.Errorf("tie point: got %v,%v want 115.995,36.012", lon, lat)
	}
}
