package graph

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestDecodeFile checks that DecodeFile (exact allocation) reads the same
// graph as Decode, and that a file cut short is a FormatError, whether the
// cut falls in the arrays or leaves counts larger than the file.
func TestDecodeFile(t *testing.T) {
	g := gridGraph(t, 30)
	g.CH = BuildCH(g)
	var buf bytes.Buffer
	if err := Encode(&buf, g); err != nil {
		t.Fatal(err)
	}
	want, err := Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	open := func(data []byte) *os.File {
		p := filepath.Join(dir, "g.graph")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	got, err := DecodeFile(open(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"NodeID", got.NodeID, want.NodeID}, {"NodeLon", got.NodeLon, want.NodeLon},
		{"Segments", got.Segments, want.Segments}, {"ShapeFirst", got.ShapeFirst, want.ShapeFirst},
		{"ShapeLat", got.ShapeLat, want.ShapeLat}, {"Out", got.Out, want.Out},
		{"In", got.In, want.In}, {"Component", got.Component, want.Component},
		{"CH.Rank", got.CH.Rank, want.CH.Rank},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: DecodeFile differs from Decode", c.name)
		}
	}
	for _, cut := range []int{buf.Len() / 2, buf.Len() / 5, 120} {
		_, err := DecodeFile(open(buf.Bytes()[:cut]))
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("cut at %d of %d bytes: got %v, want a FormatError", cut, buf.Len(), err)
		}
	}
}
